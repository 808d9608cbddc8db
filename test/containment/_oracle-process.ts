/**
 * A TSP process for the uid-block test: reserves its uid block (preferring the block given as
 * argv[2]), creates an oracle, prints its block, judges one Python sample that checks it runs as a
 * uid of that block, prints the verdict, and holds the block until the parent closes stdin.
 */
import { createOracle } from '../../src/oracle/index.ts';
import { reserveUidBlock } from '../../src/sandbox/index.ts';
import type { Task } from '../../src/spec/task.ts';

const preferred = Number(process.argv[2] ?? '0');
const [lo, hi] = await reserveUidBlock({ preferred });
const oracle = await createOracle({ slots: 2 });
process.stdout.write(`${JSON.stringify({ event: 'block', lo, hi, pid: process.pid })}\n`);
const task: Task = {
  id: 'uid-block',
  language: 'python',
  cwe: [],
  prompt: '',
  entryPoint: 'whoami',
  harness: {
    kind: 'inline',
    source: `from solution import whoami\n\ndef test_uid():\n    uid = whoami()\n    assert ${lo} <= uid <= ${hi}, 'uid %d outside ${lo}-${hi}' % uid\n`,
  },
  tests: [{ name: 'uid', kind: 'functional' }],
  insecureVariants: [],
  riskAnnotations: [],
  provenance: { source: 'containment-test' },
};
const verdict = await oracle.judge(task, {
  taskId: task.id,
  code: 'import os\n\ndef whoami():\n    return os.getuid()\n',
});
process.stdout.write(
  `${JSON.stringify({ event: 'verdict', tests: verdict.tests, errors: verdict.oracleErrors })}\n`,
);
// Hold the block until the parent says so (closes stdin) or kills this process.
process.stdin.resume();
await new Promise((resolve) => process.stdin.on('end', resolve));
await oracle.close();
