/**
 * Two trees' analyzers compared in one process, on the same files: the way to measure a speed change
 * on a shared machine (separate runs a minute apart differ by more than most changes). Each file is
 * analyzed by one tree then the other (the order alternating between passes), each analysis timed
 * with `process.cpuUsage`; a file's time is its minimum over the passes; the table gives the medians
 * over files and the median of the per-file ratios B/A.
 *
 *   node --import tsx scripts/scan-ab.ts <treeA> <treeB> [--passes N] [--langs python,c]
 *     [--task CWE-78] [--files N]
 *
 * A tree is a checkout's root (a worktree, or `git archive <commit> | tar -x -C <dir>` with a
 * node_modules link). The files are the bench's generated files (bench/scan.ts, seeds 1000...) made
 * by tree A's generator, so both trees read the same text. `--task` analyzes as the oracle judges a
 * task's sample (`taskCwe`).
 *
 * What it cannot see: allocation. Both trees share one V8 heap, so a collection one tree's garbage
 * causes is charged to whichever analysis is running, and a file's minimum over passes drops the
 * analyses a collection fell in. A change that keeps more objects alive (a memo) must also be
 * measured in separate processes with `node --trace-gc` (session 16: a node memo measured 0.91-0.97
 * here and tripled the garbage collector's time in a process of its own). If both trees' node_modules
 * resolve to the same folder they also share one web-tree-sitter: a change to its objects needs
 * tree A to have its own copy (a node_modules folder of links with web-tree-sitter copied in).
 */
import { resolve } from 'node:path';
import type { Language } from '../src/spec/language.ts';

interface Tree {
  analyze(code: string, language: Language, opts?: unknown): Promise<unknown>;
}

const argv = process.argv.slice(2);
const flag = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const [dirA, dirB] = argv.filter((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
if (!dirA || !dirB) {
  process.stderr.write('usage: node --import tsx scripts/scan-ab.ts <treeA> <treeB> [--passes N] ...\n');
  process.exit(2);
}
const passes = Number(flag('--passes') ?? 5);
const perLanguage = Number(flag('--files') ?? 40);
const langs = (flag('--langs') ?? 'python,c,cpp,go,javascript').split(',') as Language[];
const task = flag('--task');
const opts = task ? { skipExternal: true, taskCwe: [task] } : undefined;

const load = async (dir: string): Promise<Tree> =>
  (await import(resolve(dir, 'src/analyzers/analyzer.ts'))).createAnalyzer();
const A = await load(dirA);
const B = await load(dirB);
const { makeFile, snippets } = await import(resolve(dirA, 'bench/scan.ts'));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const cpu = async (t: Tree, code: string, language: Language) => {
  const c0 = process.cpuUsage();
  await t.analyze(code, language, opts);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};

process.stdout.write(
  `A = ${dirA}, B = ${dirB}; ${passes} passes, ${task ? `task ${task}` : 'scan'}; CPU ms per file (min over passes)\n`,
);
for (const language of langs) {
  const pool = snippets(language);
  const files: string[] = Array.from({ length: perLanguage }, (_, k) => makeFile(language, pool, 1000 + k));
  for (const f of files) {
    await A.analyze(f, language, opts);
    await B.analyze(f, language, opts);
  }
  const a = files.map(() => Number.POSITIVE_INFINITY);
  const b = files.map(() => Number.POSITIVE_INFINITY);
  for (let p = 0; p < passes; p++)
    for (const [k, f] of files.entries()) {
      const first = p % 2 ? B : A;
      const second = p % 2 ? A : B;
      const t1 = await cpu(first, f, language);
      const t2 = await cpu(second, f, language);
      const [ta, tb] = p % 2 ? [t2, t1] : [t1, t2];
      a[k] = Math.min(a[k] ?? ta, ta);
      b[k] = Math.min(b[k] ?? tb, tb);
    }
  const ratio = median(a.map((x, k) => (b[k] ?? Number.NaN) / x));
  process.stdout.write(
    `${language.padEnd(10)} A ${median(a).toFixed(2)}  B ${median(b).toFixed(2)}  B/A per-file median ${ratio.toFixed(3)}\n`,
  );
}
