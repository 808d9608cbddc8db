/**
 * Paired differences between methods of two run directories (same base, seeds and evaluation
 * tasks, e.g. TSP from an ablation's reference run against the main job's other methods), with
 * the same task-level bootstrap as the tables: each method at the last round it was evaluated.
 *
 *   npx tsx scripts/compare-runs.ts <runA> <methodA> <runB> <methodB>[,<methodB2>...] [split ...]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pairedDifference } from '../src/core/bootstrap.ts';
import { COMPARED_METRICS, countsOf } from '../src/core/comparisons.ts';
import { hashString } from '../src/core/rng.ts';
import { describeDifference } from '../src/report/format.ts';
import { Evaluation, type MethodName } from '../src/spec/results.ts';

const [runA, methodA, runB, methodsB, ...splitArgs] = process.argv.slice(2);
if (!runA || !methodA || !runB || !methodsB) {
  console.error('usage: compare-runs.ts <runA> <methodA> <runB> <methodB>[,...] [split ...]');
  process.exit(2);
}
const read = (dir: string) =>
  readFileSync(join(dir, 'evaluations.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => Evaluation.parse(JSON.parse(l)));
const a = read(runA);
const b = read(runB);
const last = (evs: Evaluation[], m: string) =>
  Math.max(0, ...evs.filter((e) => e.method === m).map((e) => e.round));
const splits = splitArgs.length ? splitArgs : [...new Set(a.map((e) => e.split))];
console.log('| split | difference | seeds | tasks | Δ SPR@1 | Δ pass@1 | Δ vuln. rate |');
console.log('| :-- | :-- | --: | --: | --: | --: | --: |');
for (const split of splits) {
  for (const mb of methodsB.split(',')) {
    const ca = countsOf(a, methodA as MethodName, split, last(a, methodA));
    const cb = countsOf(b, mb as MethodName, split, last(b, mb));
    const ds = COMPARED_METRICS.map((metric) =>
      pairedDifference(ca, cb, metric, {
        resamples: 2000,
        seed: hashString(`${split}|${methodA}|${mb}|${metric}`),
        confidence: 0.95,
      }),
    );
    const cells = ds.map((d) => {
      const { text, resolved } = describeDifference({ diff: d.estimate, lo: d.lo, hi: d.hi });
      return resolved ? `**${text}**` : text;
    });
    console.log(
      `| ${split} | ${methodA} − ${mb} | ${ds[0]?.seeds} | ${ds[0]?.tasks} | ${cells.join(' | ')} |`,
    );
  }
}
