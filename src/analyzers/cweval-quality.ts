import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finding } from '../spec/finding.ts';
import type { Language } from '../spec/language.ts';
import { type Analyzer, createAnalyzer } from './analyzer.ts';
import { anyCweMatches } from './cwe.ts';

/**
 * Measures the analyzer on CWEval's reference solutions: every insecure reference (`*_unsafe.*`
 * files; for Python each `*_unsafe*` function inside the test file, judged on that function's span
 * only) should get a finding with the task's CWE (or a CWE linked to it in cwe.ts), and the secure
 * reference (the task file) should not. Run:
 *
 *   node --import tsx src/analyzers/cweval-quality.ts [--json] [--verbose] [--external [names]] [--sources tsp|external|all]
 */

const DIR_LANGUAGE: Record<string, Language> = {
  c: 'c',
  cpp: 'cpp',
  go: 'go',
  js: 'javascript',
  py: 'python',
};

export interface QualitySample {
  id: string;
  language: Language;
  taskCwe: string;
  kind: 'insecure' | 'secure';
  file: string;
  /** For Python unsafe functions: the function's line range in the test file. */
  lines?: [number, number];
  findings: Finding[];
  /** A finding with a matching CWE inside the judged range. */
  flagged: boolean;
  /** Any finding at all inside the judged range. */
  anyFinding: boolean;
}

export interface QualityRow {
  language: Language | 'all';
  insecure: number;
  detected: number;
  secure: number;
  falsePositives: number;
  secureWithAnyFinding: number;
  missed: string[];
  falselyFlagged: string[];
}

export function defaultBenchmarksDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return process.env.TSP_BENCHMARKS_DIR ?? resolve(here, '../../../shared/benchmarks');
}

/** `--external` (all installed) or `--external clang,cppcheck` (those): add external analyzers. */
export function externalOption(argv: string[]): boolean | string[] {
  const i = argv.indexOf('--external');
  if (i < 0) return false;
  const next = argv[i + 1];
  return next && !next.startsWith('--') ? next.split(',') : true;
}

/** `--sources tsp|external|all`: score only TSP's findings, only the external analyzers', or both. */
export type SourceFilter = 'all' | 'tsp' | 'external';
export function sourceOption(argv: string[]): SourceFilter {
  const v = argv[argv.indexOf('--sources') + 1];
  return argv.includes('--sources') && (v === 'tsp' || v === 'external') ? v : 'all';
}

/** The findings of the chosen origin (a de-duplicated finding counts for every analyzer that reported it). */
export function fromSources(findings: Finding[], filter: SourceFilter): Finding[] {
  if (filter === 'all') return findings;
  const external = (f: Finding) => f.source !== 'tsp' || (f.alsoReportedBy ?? []).some((s) => s !== 'tsp');
  return findings.filter((f) => (filter === 'external' ? external(f) : f.source === 'tsp'));
}

export function cwevalRoot(benchmarksDir = defaultBenchmarksDir()): string | undefined {
  const root = join(benchmarksDir, 'CWEval', 'benchmark');
  return existsSync(root) ? root : undefined;
}

export interface CwevalTarget {
  id: string;
  language: Language;
  taskCwe: string;
  kind: 'insecure' | 'secure';
  file: string;
  lines?: [number, number];
}

export function listTargets(root: string): CwevalTarget[] {
  const out: CwevalTarget[] = [];
  const dirs = [...Object.keys(DIR_LANGUAGE).map((d) => join(root, 'core', d)), join(root, 'lang', 'c')];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    const language = DIR_LANGUAGE[dir.split('/').pop() ?? ''] ?? 'c';
    const files = readdirSync(dir).sort();
    for (const f of files) {
      const m = /^(cwe_(\d+)_\d+(?:_\w+?)?)_task\.(\w+)$/.exec(f);
      if (!m?.[1] || !m[2]) continue;
      const base = m[1];
      const taskCwe = `CWE-${Number(m[2])}`;
      const id = `${dir.includes('/lang/') ? 'lang/' : ''}${base}`;
      out.push({ id, language, taskCwe, kind: 'secure', file: join(dir, f) });
      if (language === 'python') {
        const testFile = join(dir, `${base}_test.py`);
        if (!existsSync(testFile)) continue;
        const lines = readFileSync(testFile, 'utf8').split('\n');
        lines.forEach((line, i) => {
          const fm = /^def\s+(\w*_unsafe(?:_\d+)?)\s*\(/.exec(line);
          if (!fm?.[1] || fm[1].startsWith('test_')) return;
          let end = i + 1;
          while (end < lines.length && !/^[^\s)\]]/.test(lines[end] ?? '')) end++;
          while (end > i + 1 && !(lines[end - 1] ?? '').trim()) end--;
          out.push({
            id: `${base}:${fm[1]}`,
            language,
            taskCwe,
            kind: 'insecure',
            file: testFile,
            lines: [i + 1, end],
          });
        });
      } else {
        out[out.length - 1] = { ...out[out.length - 1]!, lines: judgedLines(join(dir, f)) };
        const unsafe = join(dir, `${base}_unsafe.${m[3]}`);
        if (existsSync(unsafe))
          out.push({ id, language, taskCwe, kind: 'insecure', file: unsafe, lines: judgedLines(unsafe) });
      }
    }
  }
  return out;
}

/**
 * The reference solution's lines in a C/C++/Go/JS file: everything before the harness entry point
 * (the `BEGIN ENTRYPOINT` marker, else the `main` function / `require.main` block), which only parses
 * argv for the tests and is not part of the solution.
 */
export function judgedLines(file: string): [number, number] {
  const lines = readFileSync(file, 'utf8').split('\n');
  let end = lines.findIndex((l) => /BEGIN ENTRYPOINT/.test(l));
  if (end < 0)
    end = lines.findIndex((l) =>
      /^(?:int\s+main\s*\(|func\s+main\s*\(|if\s*\(\s*require\.main\s*===\s*module)/.test(l),
    );
  return [1, end < 0 ? lines.length : end];
}

export async function measureCwevalQuality(
  root: string,
  analyzer?: Analyzer,
  sources: SourceFilter = 'all',
): Promise<{ samples: QualitySample[]; rows: QualityRow[] }> {
  const a = analyzer ?? (await createAnalyzer());
  const samples: QualitySample[] = [];
  const cache = new Map<string, Finding[]>();
  for (const t of listTargets(root)) {
    let findings = cache.get(t.file);
    if (!findings) {
      findings = fromSources(
        await a.analyze(readFileSync(t.file, 'utf8'), t.language, { file: t.file }),
        sources,
      );
      cache.set(t.file, findings);
    }
    const inRange = t.lines
      ? findings.filter(
          (f) => f.span.startLine >= (t.lines?.[0] ?? 0) && f.span.startLine <= (t.lines?.[1] ?? 0),
        )
      : findings;
    samples.push({
      ...t,
      findings: inRange,
      flagged: inRange.some((f) => anyCweMatches(f.cwe, [t.taskCwe])),
      anyFinding: inRange.length > 0,
    });
  }
  const langs: Language[] = ['python', 'c', 'cpp', 'go', 'javascript'];
  const row = (language: Language | 'all'): QualityRow => {
    const mine = samples.filter((s) => language === 'all' || s.language === language);
    const insecure = mine.filter((s) => s.kind === 'insecure');
    const secure = mine.filter((s) => s.kind === 'secure');
    return {
      language,
      insecure: insecure.length,
      detected: insecure.filter((s) => s.flagged).length,
      secure: secure.length,
      falsePositives: secure.filter((s) => s.flagged).length,
      secureWithAnyFinding: secure.filter((s) => s.anyFinding).length,
      missed: insecure.filter((s) => !s.flagged).map((s) => s.id),
      falselyFlagged: secure.filter((s) => s.flagged).map((s) => s.id),
    };
  };
  return { samples, rows: [...langs.map(row), row('all')] };
}

const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : '-');

export function formatQualityTable(rows: QualityRow[]): string {
  const header =
    '| language | insecure refs | detected (task CWE) | detection | secure refs | flagged (task CWE) | FP rate | secure refs with any finding |';
  const sep = '|---|---:|---:|---:|---:|---:|---:|---:|';
  const lines = rows.map(
    (r) =>
      `| ${r.language} | ${r.insecure} | ${r.detected} | ${pct(r.detected, r.insecure)} | ${r.secure} | ${r.falsePositives} | ${pct(r.falsePositives, r.secure)} | ${r.secureWithAnyFinding} (${pct(r.secureWithAnyFinding, r.secure)}) |`,
  );
  return [header, sep, ...lines].join('\n');
}

async function main(): Promise<void> {
  const root = cwevalRoot();
  if (!root) {
    process.stderr.write(`CWEval not found under ${defaultBenchmarksDir()} (set TSP_BENCHMARKS_DIR)\n`);
    process.exitCode = 2;
    return;
  }
  const argv = process.argv.slice(2);
  const analyzer = await createAnalyzer({ external: externalOption(argv) });
  const { samples, rows } = await measureCwevalQuality(root, analyzer, sourceOption(argv));
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ rows }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${formatQualityTable(rows)}\n\n`);
  for (const r of rows.filter((x) => x.language !== 'all')) {
    if (r.missed.length) process.stdout.write(`missed (${r.language}): ${r.missed.join(', ')}\n`);
    if (r.falselyFlagged.length)
      process.stdout.write(`false positives (${r.language}): ${r.falselyFlagged.join(', ')}\n`);
  }
  if (process.argv.includes('--verbose'))
    for (const s of samples)
      for (const f of s.findings)
        process.stdout.write(
          `${s.kind} ${s.id} ${s.taskCwe}: ${f.ruleId} ${f.cwe.join(',')} line ${f.span.startLine}${s.flagged ? '' : ' (unrelated)'}\n`,
        );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) await main();
