/**
 * Two trees' analyzers compared in one process, on the same files: the way to measure a speed change
 * on a shared machine (separate runs a minute apart differ by more than most changes). Each file is
 * analyzed by one tree then the other (the order alternating between passes), each analysis timed
 * with `process.cpuUsage`; a file's time is its minimum over the passes; the table gives the medians
 * over files and the median of the per-file ratios B/A.
 *
 *   node --import tsx scripts/scan-ab.ts <treeA> <treeB> [--passes N] [--langs python,c]
 *     [--task CWE-78] [--files N] [--processes N]
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
 * here and tripled the garbage collector's time in a process of its own): `--processes N` does that.
 * It runs N rounds; each round starts one fresh process per tree (A then B, B then A in the next
 * round), and each process does what the bench does (3 warm-up files, a first pass over the files,
 * then `--passes` more) and reports its CPU per file (`process.cpuUsage`: every thread, so the
 * garbage collector's and the optimizing compiler's work is in it), the median over the files of
 * the first pass and of each file's minimum over the later passes. The table gives, per tree, the
 * median of those over the rounds and the ratio B/A of the medians. If both trees' node_modules
 * resolve to the same folder they also share one web-tree-sitter: a change to its objects needs
 * tree A to have its own copy (a node_modules folder of links with web-tree-sitter copied in).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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

const processes = Number(flag('--processes') ?? 0);
const child = flag('--child');

const load = async (dir: string): Promise<Tree> =>
  (await import(resolve(dir, 'src/analyzers/analyzer.ts'))).createAnalyzer();
// (A child process reads the files its parent made, so that it loads no code of the other tree.)
const filesFrom = flag('--files-from');
const made: Record<string, string[]> = filesFrom ? JSON.parse(readFileSync(filesFrom, 'utf8')) : {};
const filesOf = async (language: Language): Promise<string[]> => {
  const given = made[language];
  if (given) return given;
  const { makeFile, snippets } = await import(resolve(dirA, 'bench/scan.ts'));
  const pool = snippets(language);
  return Array.from({ length: perLanguage }, (_, k) => makeFile(language, pool, 1000 + k));
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const cpu = async (t: Tree, code: string, language: Language) => {
  const c0 = process.cpuUsage();
  await t.analyze(code, language, opts);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};

if (child) {
  // One tree in a process of its own: per language, the first pass's and the later passes' CPU per file.
  const tree = await load(child);
  const out: Record<string, { first: number; steady: number }> = {};
  for (const language of langs) {
    const files = await filesOf(language);
    for (const f of files.slice(0, 3)) await tree.analyze(f, language, opts);
    const first: number[] = [];
    for (const f of files) first.push(await cpu(tree, f, language));
    const best = files.map(() => Number.POSITIVE_INFINITY);
    for (let p = 0; p < passes; p++)
      for (const [k, f] of files.entries()) best[k] = Math.min(best[k] ?? 0, await cpu(tree, f, language));
    out[language] = { first: median(first), steady: median(best) };
  }
  process.stdout.write(JSON.stringify(out));
} else if (processes > 0) {
  const { execFileSync } = await import('node:child_process');
  const self = fileURLToPath(import.meta.url);
  const list = join(mkdtempSync(join(tmpdir(), 'scan-ab-')), 'files.json');
  const all: Record<string, string[]> = {};
  for (const language of langs) all[language] = await filesOf(language);
  writeFileSync(list, JSON.stringify(all));
  const run = (dir: string) =>
    JSON.parse(
      execFileSync(
        process.execPath,
        [...process.execArgv, self, ...argv, '--child', dir, '--files-from', list],
        { encoding: 'utf8', maxBuffer: 1 << 24 },
      ),
    ) as Record<string, { first: number; steady: number }>;
  const got: Record<'A' | 'B', Record<string, { first: number; steady: number }>[]> = { A: [], B: [] };
  for (let r = 0; r < processes; r++) {
    const order: ('A' | 'B')[] = r % 2 ? ['B', 'A'] : ['A', 'B'];
    for (const which of order) got[which].push(run(which === 'A' ? dirA : dirB));
  }
  rmSync(dirname(list), { recursive: true });
  process.stdout.write(
    `A = ${dirA}, B = ${dirB}; ${processes} rounds of one process per tree, ${passes} passes after the first, ${task ? `task ${task}` : 'scan'}; CPU ms per file, median over rounds, first pass / steady\n`,
  );
  for (const language of langs) {
    const m = (which: 'A' | 'B', k: 'first' | 'steady') =>
      median(got[which].map((o) => o[language]?.[k] ?? Number.NaN));
    const [af, as, bf, bs] = [m('A', 'first'), m('A', 'steady'), m('B', 'first'), m('B', 'steady')];
    process.stdout.write(
      `${language.padEnd(10)} A ${af.toFixed(2)} / ${as.toFixed(2)}  B ${bf.toFixed(2)} / ${bs.toFixed(2)}  B/A ${(bf / af).toFixed(3)} / ${(bs / as).toFixed(3)}\n`,
    );
  }
} else {
  const A = await load(dirA);
  const B = await load(dirB);
  process.stdout.write(
    `A = ${dirA}, B = ${dirB}; ${passes} passes, ${task ? `task ${task}` : 'scan'}; CPU ms per file (min over passes)\n`,
  );
  for (const language of langs) {
    const files = await filesOf(language);
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
}
