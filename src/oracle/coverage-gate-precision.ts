import { writeFileSync } from 'node:fs';
import { buildSuite } from '../benchmarks/builtin/build-suite.ts';
import { EXAMPLE_TASKS } from '../benchmarks/examples/index.ts';
import type { Task } from '../spec/task.ts';
import type { Verdict } from '../spec/verdict.ts';
import { createOracle } from './oracle.ts';

/**
 * The coverage gate's false denials (docs/decisions/0018): every Python secure reference the repo
 * judges with tests (the built-in suite's, the hand-written examples' and, with
 * TSP_BENCHMARKS_DIR, CWEval's) judged with the gate; a reference that would get `securePass`
 * without it and does not with it is a false denial, listed with the code no test ran.
 *
 *   node --import tsx src/oracle/coverage-gate-precision.ts [--variants N] [--json out.json] [--no-cweval]
 */

const args = process.argv.slice(2);
const flag = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const variants = Number(flag('--variants') ?? 0) || undefined;
const jsonOut = flag('--json');

const suite = buildSuite({
  languages: ['python'],
  ...(variants ? { variantsPerFamily: { train: variants, eval: 0 } } : {}),
});
const sets: { name: string; tasks: Task[] }[] = [
  { name: 'builtin', tasks: suite.tasks.filter((t) => t.secureReference) },
  { name: 'examples', tasks: EXAMPLE_TASKS.filter((t) => t.language === 'python' && t.secureReference) },
];
const benchmarks = process.env.TSP_BENCHMARKS_DIR;
if (benchmarks && !args.includes('--no-cweval')) {
  const { registerCweval } = await import('../benchmarks/cweval/register-cweval.ts');
  const { loadCweval } = await import('../benchmarks/cweval/load-cweval.ts');
  const { join } = await import('node:path');
  const { existsSync } = await import('node:fs');
  const root = join(benchmarks, 'CWEval');
  if (existsSync(join(root, 'benchmark'))) {
    registerCweval({ cwevalDir: root });
    const tasks = (await loadCweval(root)).filter((t) => t.language === 'python' && t.secureReference);
    sets.push({ name: 'cweval', tasks });
  }
}

const oracle = await createOracle({ slots: 2 });
const rows: {
  set: string;
  task: string;
  securePassWithout: boolean;
  securePass: boolean;
  untested: NonNullable<Verdict['untestedCode']>['untested'];
  problem?: string;
  units?: number;
}[] = [];
for (const set of sets) {
  const verdicts = await oracle.judgeMany(
    set.tasks.map((task) => ({ task, sample: { taskId: task.id, code: task.secureReference ?? '' } })),
    (done, total) => process.stderr.write(`\r${set.name} ${done}/${total}`),
  );
  process.stderr.write('\n');
  verdicts.forEach((v, i) => {
    const task = set.tasks[i] as Task;
    // Without the gate the verdict is the same but for `untested` coming from the gate alone.
    const gated = v.security === 'untested' && !!v.untestedCode;
    const without = v.securePass || (gated && v.functional && v.tests.every((t) => t.status === 'pass'));
    rows.push({
      set: set.name,
      task: task.id,
      securePassWithout: without,
      securePass: v.securePass,
      untested: v.untestedCode?.untested ?? [],
      ...(v.untestedCode?.problem ? { problem: v.untestedCode.problem } : {}),
      ...(v.untestedCode ? { units: v.untestedCode.units } : {}),
    });
  });
}
await oracle.close();

for (const set of sets) {
  const mine = rows.filter((r) => r.set === set.name);
  const base = mine.filter((r) => r.securePassWithout);
  const denied = base.filter((r) => !r.securePass);
  const noCov = mine.filter((r) => r.units === undefined).length;
  console.log(
    `${set.name}: ${mine.length} secure references, ${base.length} with securePass without the gate, ${denied.length} denied by it${noCov ? ` (${noCov} without coverage: a runner that does not record it)` : ''}`,
  );
  for (const r of denied) {
    console.log(`  ${r.task}${r.problem ? ` [${r.problem}]` : ''}`);
    for (const u of r.untested) console.log(`    line ${u.line}: ${u.text.split('\n')[0]?.slice(0, 110)}`);
  }
}
if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify(rows, null, 1)}\n`);
