/**
 * Where would the automatic locators branch? Reads a run directory's round-1 trees (the root
 * samples are what every locator sees first) and, per task, compares the oracle locator on each
 * verified-insecure root sample with the suite's annotated risk line, and checks the value
 * locator's precondition (a secure sample among the root samples: v0 > 0). Offline: no model, no
 * sandbox; the verdicts are the run's own.
 *
 *   npx tsx scripts/audit-locators.ts runs/default [trees/<set>.jsonl]
 */
import { join } from 'node:path';
import { locateByAnnotation, locateByOracle } from '../src/core/critical-node.ts';
import { isVerifiedInsecure } from '../src/core/pairs.ts';
import { lineOfOffset } from '../src/core/text-boundary.ts';
import type { Task } from '../src/spec/task.ts';
import type { TreeNode } from '../src/spec/tree.ts';
import { readJsonl } from '../src/store/jsonl.ts';

const [dir = 'runs/default', set = 'trees/tsp-s1-r1.jsonl'] = process.argv.slice(2);
const tasks = new Map(readJsonl<Task>(join(dir, 'tasks.jsonl')).map((t) => [t.id, t]));
const nodes = readJsonl<TreeNode>(join(dir, set));

const tally = {
  tasks: 0,
  withRejectable: 0,
  withSecureRoot: 0,
  rejectableLeaves: 0,
  oracleNone: 0,
  oracleSameLine: 0,
  oracleEarlier: 0,
  oracleLater: 0,
  bySibling: 0,
  byFinding: 0,
};
for (const [taskId, task] of tasks) {
  const roots = nodes.filter((n) => n.taskId === taskId && n.kind === 'leaf' && n.id.includes('#root.'));
  if (roots.length === 0) continue;
  tally.tasks++;
  const relevant = (f: { cwe: string[] }) => f.cwe.some((c) => task.cwe.includes(c));
  const leaves = roots.flatMap((n) => (n.verdict ? [{ program: n.prefix, verdict: n.verdict }] : []));
  const secure = leaves.filter((l) => l.verdict.securePass).map((l) => l.program);
  const rejectable = leaves.filter((l) => isVerifiedInsecure(l, relevant));
  if (secure.length) tally.withSecureRoot++;
  if (rejectable.length) tally.withRejectable++;
  const ref = task.secureReference ?? '';
  const ann = task.riskAnnotations[0]
    ? locateByAnnotation(ref, task.riskAnnotations[0].line, task.prompt.length)
    : null;
  const annLine = ann ? lineOfOffset(ref, ann.offset) : null;
  for (const l of rejectable) {
    tally.rejectableLeaves++;
    const loc = locateByOracle({
      prompt: task.prompt,
      program: l.program,
      verdict: l.verdict,
      securePrograms: secure,
      relevant,
    });
    if (!loc) {
      tally.oracleNone++;
      continue;
    }
    if (loc.reason === 'secure-sibling') tally.bySibling++;
    else tally.byFinding++;
    const line = lineOfOffset(l.program, loc.offset);
    if (annLine === null) continue;
    if (line === annLine) tally.oracleSameLine++;
    else if (line < annLine) tally.oracleEarlier++;
    else tally.oracleLater++;
  }
}
console.log(`| ${Object.keys(tally).join(' | ')} |`);
console.log(
  `| ${Object.keys(tally)
    .map(() => '--:')
    .join(' | ')} |`,
);
console.log(`| ${Object.values(tally).join(' | ')} |`);
