/**
 * Where a scan's time goes, per rule: each rule's check is wrapped in a timer, and the bench's
 * generated files (bench/scan.ts, 40 per language) are analyzed a few times after a warm-up. Prints,
 * per language, the analysis's median time per file, the share the checks take, and the rules whose
 * checks take the most time in total (a rule's time includes what the taint engine computes for it
 * first; a later rule asking the same question finds it memoized).
 *
 *   node --import tsx scripts/rule-times.ts [--passes N] [--top N] [--langs python,c] [--task CWE-22]
 *
 * The wrapper itself costs time and changes how V8 optimizes the checks: the figures rank rules, they
 * are not the checks' exact cost (measure a change with scripts/scan-ab.ts).
 */
import { performance } from 'node:perf_hooks';
import { makeFile, snippets } from '../bench/scan.ts';
import { createAnalyzer } from '../src/analyzers/analyzer.ts';
import type { Rule } from '../src/analyzers/engine/rule.ts';
import { ALL_RULES } from '../src/analyzers/rules/index.ts';
import type { CweId, Language } from '../src/spec/language.ts';

const argv = process.argv.slice(2);
const flag = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const passes = Number(flag('--passes') ?? 5);
const top = Number(flag('--top') ?? 10);
const langs = (flag('--langs') ?? 'python,c,cpp,go,javascript').split(',') as Language[];
const task = flag('--task');
const opts = task ? { skipExternal: true, taskCwe: [task as CweId] } : { skipExternal: true };

const spent = new Map<string, number>();
const calls = new Map<string, number>();
const timed = ALL_RULES.map((rule): Rule => {
  const check = rule.check as ((a: unknown, b: unknown) => unknown) | undefined;
  if (!check) return rule;
  const wrapped = (a: unknown, b: unknown) => {
    const t0 = performance.now();
    try {
      return check(a, b);
    } finally {
      spent.set(rule.id, (spent.get(rule.id) ?? 0) + performance.now() - t0);
      calls.set(rule.id, (calls.get(rule.id) ?? 0) + 1);
    }
  };
  return { ...rule, check: wrapped } as Rule;
});
const analyzer = await createAnalyzer({ rules: timed });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

for (const language of langs) {
  const pool = snippets(language);
  const files = Array.from({ length: 40 }, (_, k) => makeFile(language, pool, 1000 + k));
  for (const f of files) await analyzer.analyze(f, language, opts);
  spent.clear();
  calls.clear();
  const perFile: number[] = [];
  let total = 0;
  for (let p = 0; p < passes; p++)
    for (const f of files) {
      const t0 = performance.now();
      await analyzer.analyze(f, language, opts);
      const t = performance.now() - t0;
      perFile.push(t);
      total += t;
    }
  const checks = [...spent.values()].reduce((a, b) => a + b, 0);
  const n = passes * files.length;
  process.stdout.write(
    `${language}: ${median(perFile).toFixed(2)} ms per file (median), checks ${((100 * checks) / total).toFixed(1)}% of the analyses\n`,
  );
  for (const [id, ms] of [...spent].sort((a, b) => b[1] - a[1]).slice(0, top))
    process.stdout.write(
      `  ${id.padEnd(40)} ${((1000 * ms) / n).toFixed(0).padStart(5)} us/file  ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${(((calls.get(id) ?? 0) / n) | 0).toString().padStart(4)} checks/file\n`,
    );
}
