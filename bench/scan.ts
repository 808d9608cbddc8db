/**
 * Static analyzer speed: median and p95 time per ~200-line file, per language, single thread, for
 * TSP's tree-sitter rules (external analyzers off, as the oracle runs them), against bandit on the
 * same Python files in the same run. Files are generated at run time by concatenating realistic
 * snippets (the rule packs' own vulnerable and safe examples), shuffled with a fixed seed.
 *
 * Two figures per language: the *first pass* over the files (after 3 warm-up files: grammar load and
 * query compilation done, but V8 still tiering up tree-sitter's WebAssembly from its baseline
 * compiler and the rules' JavaScript), what a short `tsp scan` sees; and the *steady state*, each
 * file's median over STEADY_PASSES more passes, what a long scan or the oracle sees.
 *
 * A third figure compares trees: the generated files change whenever a rule gains an example, so
 * the *real files* rows scan a fixed corpus this machine already has (Python's standard library,
 * Go's, the zod package in node_modules, CWEval's C and C++ files when TSP_BENCHMARKS_DIR is
 * set): CPU ms per 200 lines, each file's best of three passes, the median over files.
 *
 *   npm run bench -- scan        (TSP_BENCH_SCAN_FILES=N files per language, default 40)
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAnalyzer } from '../src/analyzers/analyzer.ts';
import type { RuleExample } from '../src/analyzers/engine/rule.ts';
import { ALL_RULES } from '../src/analyzers/rules/index.ts';
import { createRng } from '../src/core/rng.ts';
import { LANGUAGE_EXTENSION, type Language } from '../src/spec/language.ts';

const LANGS: Language[] = ['python', 'c', 'cpp', 'go', 'javascript'];
const TARGET_LINES = 200;
/** Passes over the same files after the first one; each file's median of them is its steady-state time. */
const STEADY_PASSES = 3;

export function snippets(language: Language): string[] {
  const out: string[] = [];
  for (const r of ALL_RULES)
    for (const e of [...r.examples.bad, ...r.examples.good] as (string | RuleExample)[]) {
      const ex =
        typeof e === 'string'
          ? { code: e, language: r.languages[0] }
          : { code: e.code, language: e.language ?? r.languages[0] };
      if (ex.language === language || (language === 'cpp' && ex.language === 'c')) out.push(ex.code);
    }
  return out;
}

/** One ~200-line file: snippets in a seeded order, functions renamed apart, one Go package header. */
export function makeFile(language: Language, pool: string[], seed: number): string {
  const rng = createRng(seed);
  const parts: string[] = [];
  const imports = new Set<string>();
  let lines = 0;
  let i = 0;
  while (lines < TARGET_LINES) {
    let code = rng.pick(pool);
    if (language === 'go') {
      code = code.replace(/^package \w+\n/, '');
      code = code.replace(/^import \(\n([\s\S]*?)\n\)\n/m, (_, body: string) => {
        for (const l of body.split('\n')) imports.add(l.trim());
        return '';
      });
      code = code.replace(/^import (.+)\n/m, (_, p: string) => {
        imports.add(p.trim());
        return '';
      });
    }
    const n = i++;
    code = code.replace(
      /\b(func|def|function|void|int|char \*|bool|std::string|FILE \*|xmlDocPtr)\s+(\w+)\s*\(/g,
      (_m, kw: string, name: string) => `${kw} ${name}_${n}(`,
    );
    code = code
      .replace(/\bvar (\w+) =/g, (_m, name: string) => `var ${name}_${n} =`)
      .replace(/\bconst (\w+) = "/g, (_m, name: string) => `const ${name}_${n} = "`);
    parts.push(code.trim());
    lines += code.trim().split('\n').length + 1;
  }
  const body = parts.join('\n\n');
  if (language === 'go')
    return `package main\n\nimport (\n${[...imports].map((p) => `\t${p}`).join('\n')}\n)\n\n${body}\n`;
  return `${body}\n`;
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return Number.NaN;
  const idx = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[idx] ?? Number.NaN;
}

/** Files under `root` (sorted, depth-first) whose name matches `name`, at most `n`, skipping test folders. */
export function corpus(
  root: string,
  name: RegExp,
  n: number,
  skip = /(?:^|\/)(?:test|tests|testdata)(?:\/|$)/,
): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: string[];
    try {
      entries = readdirSync(d).sort();
    } catch {
      return;
    }
    for (const e of entries) {
      if (out.length >= n) return;
      const p = join(d, e);
      if (skip.test(p.slice(root.length))) continue;
      const st = statSync(p, { throwIfNoEntry: false });
      if (st?.isDirectory()) walk(p);
      else if (st?.isFile() && name.test(e) && st.size < 200_000) out.push(p);
    }
  };
  if (existsSync(root)) walk(root);
  return out;
}

/** The fixed real-code corpora of this machine, per language (empty where absent). */
function realCorpora(n: number): { language: Language; source: string; files: string[] }[] {
  const bench = process.env.TSP_BENCHMARKS_DIR;
  const cweval = bench ? join(bench, 'CWEval', 'benchmark', 'core') : '';
  return [
    {
      language: 'python',
      source: '/usr/lib/python3.11',
      files: corpus(
        '/usr/lib/python3.11',
        /\.py$/,
        n,
        /\/(?:test|tests|idlelib|lib2to3|site-packages|dist-packages)\//,
      ),
    },
    {
      language: 'go',
      source: '/usr/lib/go-1.19/src',
      files: corpus('/usr/lib/go-1.19/src', /^[^_].*(?<!_test)\.go$/, n),
    },
    {
      language: 'javascript',
      source: 'node_modules/zod',
      files: corpus('node_modules/zod', /\.(?:c?js)$/, n),
    },
    { language: 'c', source: 'CWEval core/c', files: cweval ? corpus(join(cweval, 'c'), /\.c$/, n) : [] },
    {
      language: 'cpp',
      source: 'CWEval core/cpp',
      files: cweval ? corpus(join(cweval, 'cpp'), /\.cpp$/, n) : [],
    },
  ];
}

function runBandit(file: string): Promise<number> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    execFile(
      'bandit',
      ['-f', 'json', '-q', file],
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/tmp' } },
      () => resolve(performance.now() - t0),
    );
  });
}

function hasBandit(): Promise<boolean> {
  return new Promise((resolve) => execFile('bandit', ['--version'], (err) => resolve(!err)));
}

export async function run(): Promise<{ table: string; json: unknown }> {
  const perLang = Number(process.env.TSP_BENCH_SCAN_FILES ?? 40);
  const analyzer = await createAnalyzer();
  const dir = await mkdtemp(join(tmpdir(), 'tsp-bench-scan-'));
  const rows: {
    tool: string;
    language: Language;
    files: number;
    lines: number;
    medianMs: number;
    p95Ms: number;
    cpuMedianMs: number;
    steadyMedianMs: number;
    steadyCpuMedianMs: number;
    findingsPerFile: number;
  }[] = [];
  const pyFiles: string[] = [];
  try {
    for (const language of LANGS) {
      const pool = snippets(language);
      const files = Array.from({ length: perLang }, (_, k) => makeFile(language, pool, 1000 + k));
      // Warm-up: grammar load, query compilation, JIT.
      for (const f of files.slice(0, 3)) await analyzer.analyze(f, language);
      const times: number[] = [];
      const cpu: number[] = [];
      let findings = 0;
      for (const f of files) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        const r = await analyzer.analyze(f, language);
        times.push(performance.now() - t0);
        const c1 = process.cpuUsage(c0);
        cpu.push((c1.user + c1.system) / 1000);
        findings += r.length;
      }
      const steady: number[][] = files.map(() => []);
      const steadyCpu: number[][] = files.map(() => []);
      for (let pass = 0; pass < STEADY_PASSES; pass++)
        for (const [k, f] of files.entries()) {
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          await analyzer.analyze(f, language);
          steady[k]?.push(performance.now() - t0);
          const c1 = process.cpuUsage(c0);
          steadyCpu[k]?.push((c1.user + c1.system) / 1000);
        }
      const lines = Math.round(files.reduce((n, f) => n + f.split('\n').length, 0) / files.length);
      rows.push({
        tool: 'tsp',
        language,
        files: files.length,
        lines,
        medianMs: quantile(times, 0.5),
        p95Ms: quantile(times, 0.95),
        cpuMedianMs: quantile(cpu, 0.5),
        steadyMedianMs: quantile(
          steady.map((xs) => quantile(xs, 0.5)),
          0.5,
        ),
        steadyCpuMedianMs: quantile(
          steadyCpu.map((xs) => quantile(xs, 0.5)),
          0.5,
        ),
        findingsPerFile: findings / files.length,
      });
      if (language === 'python')
        for (const [k, f] of files.entries()) {
          const p = join(dir, `f${k}.${LANGUAGE_EXTENSION[language]}`);
          await writeFile(p, f);
          pyFiles.push(p);
        }
    }
    if (await hasBandit()) {
      const times: number[] = [];
      for (const p of pyFiles) times.push(await runBandit(p));
      rows.push({
        tool: 'bandit (process per file)',
        language: 'python',
        files: pyFiles.length,
        lines: rows[0]?.lines ?? 0,
        medianMs: quantile(times, 0.5),
        p95Ms: quantile(times, 0.95),
        cpuMedianMs: Number.NaN,
        steadyMedianMs: Number.NaN,
        steadyCpuMedianMs: Number.NaN,
        findingsPerFile: Number.NaN,
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  // Real files: CPU per 200 lines, best of three passes per file.
  const real: {
    language: Language;
    source: string;
    files: number;
    lines: number;
    cpuPer200: number;
    wallPer200: number;
  }[] = [];
  for (const c of realCorpora(perLang * 3)) {
    if (!c.files.length) continue;
    const texts = c.files.map((f) => readFileSync(f, 'utf8'));
    for (const t of texts.slice(0, 3)) await analyzer.analyze(t, c.language);
    const cpu: number[] = [];
    const wall: number[] = [];
    let lines = 0;
    for (const t of texts) {
      const per = Math.max(1, t.split('\n').length) / TARGET_LINES;
      lines += t.split('\n').length;
      let bestCpu = Number.POSITIVE_INFINITY;
      let bestWall = Number.POSITIVE_INFINITY;
      for (let pass = 0; pass < 3; pass++) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        await analyzer.analyze(t, c.language);
        bestWall = Math.min(bestWall, performance.now() - t0);
        const c1 = process.cpuUsage(c0);
        bestCpu = Math.min(bestCpu, (c1.user + c1.system) / 1000);
      }
      cpu.push(bestCpu / per);
      wall.push(bestWall / per);
    }
    real.push({
      language: c.language,
      source: c.source,
      files: texts.length,
      lines: Math.round(lines / texts.length),
      cpuPer200: quantile(cpu, 0.5),
      wallPer200: quantile(wall, 0.5),
    });
  }
  const tspPy = rows.find((r) => r.tool === 'tsp' && r.language === 'python');
  const bandit = rows.find((r) => r.tool.startsWith('bandit'));
  const speedup = tspPy && bandit ? bandit.medianMs / tspPy.medianMs : undefined;
  const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '-');
  const table = [
    '| tool | language | files | lines/file | first pass: median ms/file (wall) | p95 (wall) | median CPU | steady state: median ms/file (wall) | median CPU | findings/file |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.tool} | ${r.language} | ${r.files} | ${r.lines} | ${fmt(r.medianMs)} | ${fmt(r.p95Ms)} | ${fmt(r.cpuMedianMs)} | ${fmt(r.steadyMedianMs)} | ${fmt(r.steadyCpuMedianMs)} | ${fmt(r.findingsPerFile)} |`,
    ),
    '',
    'Real files (a fixed corpus, for comparing trees): median over files of the best of 3 passes, per 200 lines',
    '',
    '| language | corpus | files | lines/file | CPU ms per 200 lines | wall ms per 200 lines |',
    '|---|---|---:|---:|---:|---:|',
    ...real.map(
      (r) =>
        `| ${r.language} | ${r.source} | ${r.files} | ${r.lines} | ${fmt(r.cpuPer200)} | ${fmt(r.wallPer200)} |`,
    ),
    '',
    speedup
      ? `TSP vs bandit on the same Python files (median): ${speedup.toFixed(0)}x faster`
      : 'bandit not installed: no comparison',
    `load average at end: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} (shared machine)`,
  ].join('\n');
  return { table, json: { rows, real, speedupVsBandit: speedup, loadavg: loadavg() } };
}
