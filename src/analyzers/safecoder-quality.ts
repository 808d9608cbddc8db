import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finding } from '../spec/finding.ts';
import type { Language } from '../spec/language.ts';
import { type Analyzer, createAnalyzer } from './analyzer.ts';
import { anyCweMatches } from './cwe.ts';
import {
  defaultBenchmarksDir,
  externalOption,
  fromSources,
  type SourceFilter,
  sourceOption,
} from './cweval-quality.ts';

/**
 * Measures the analyzer on SafeCoder's real vulnerability-fix pairs (functions before and after a
 * fix commit, labelled with the fix's CWE). Per language:
 * - recall: vulnerable functions with a finding whose CWE matches the label (cwe.ts links);
 * - fixed flagged: fixed functions with such a finding (false positives, as far as the label goes);
 * - gone after fix: of the flagged pairs, those whose fixed side has no related finding;
 * - any finding on the fixed side, of any CWE (noise).
 *
 * The records are split by a hash of commit link + function name into a dev part (looked at while
 * writing rules) and a held-out part (scored only to report). Read at run time from
 * `${TSP_BENCHMARKS_DIR}/SafeCoder`; nothing is copied. Run:
 *
 *   node --import tsx src/analyzers/safecoder-quality.ts [--split dev|heldout|all] [--external [names]]
 *     [--sources tsp|external|all] [--as-task] [--verbose] [--json]
 *
 * `--as-task` analyzes each function as the oracle judges a sample of a task with the record's CWE
 * (the task-only rules on, guards read strictly): what the real path's static evidence costs fixed
 * code and finds in vulnerable code.
 */

const EXT_LANGUAGE: Record<string, Language> = {
  py: 'python',
  c: 'c',
  cc: 'cpp',
  cpp: 'cpp',
  cxx: 'cpp',
  js: 'javascript',
  jsx: 'javascript',
  go: 'go',
};

export type Split = 'dev' | 'heldout';

export interface FixPair {
  id: string;
  language: Language;
  cwe: string;
  split: Split;
  before: string;
  after: string;
}

export interface PairResult {
  pair: FixPair;
  beforeRelated: Finding[];
  afterRelated: Finding[];
  afterAny: number;
}

export interface SafeCoderRow {
  language: Language | 'all';
  pairs: number;
  detected: number;
  fixedFlagged: number;
  gone: number;
  fixedAny: number;
}

export function safecoderRoot(benchmarksDir = defaultBenchmarksDir()): string | undefined {
  const root = join(benchmarksDir, 'SafeCoder', 'data_train_val');
  return existsSync(root) ? root : undefined;
}

/** dev for ~60% of records, held-out for the rest, by a stable hash (independent of file order). */
export function splitOf(key: string): Split {
  const h = createHash('sha256').update(key).digest();
  return (h[0] ?? 0) % 10 < 6 ? 'dev' : 'heldout';
}

/** Removes the common leading indentation (methods cut out of a class). */
export function dedent(code: string): string {
  const lines = code.split('\n');
  let min = Number.POSITIVE_INFINITY;
  for (const l of lines) {
    if (!l.trim()) continue;
    min = Math.min(min, l.length - l.trimStart().length);
  }
  if (!Number.isFinite(min) || min === 0) return code;
  return lines.map((l) => l.slice(Math.min(min, l.length - l.trimStart().length))).join('\n');
}

/** All pairs of the supported languages, de-duplicated (the val files repeat some train records). */
export function loadPairs(root: string): FixPair[] {
  const files: string[] = [];
  for (const sub of readdirSync(root).sort())
    for (const f of readdirSync(join(root, sub)).sort())
      if (f.endsWith('.jsonl')) files.push(join(root, sub, f));
  const seen = new Set<string>();
  const out: FixPair[] = [];
  for (const file of files)
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const r = JSON.parse(line) as Record<string, string>;
      const ext = (r.file_name ?? '').split('.').pop()?.toLowerCase() ?? '';
      const language = EXT_LANGUAGE[ext];
      if (!language || !r.func_src_before || !r.func_src_after || !r.vul_type) continue;
      const key = `${r.commit_link}\u0000${r.file_name}\u0000${r.func_name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const tidy = (s: string) => (language === 'python' ? dedent(s) : s);
      out.push({
        id: `${r.commit_link}#${r.func_name}`,
        language,
        cwe: r.vul_type.toUpperCase(),
        split: splitOf(key),
        before: tidy(r.func_src_before),
        after: tidy(r.func_src_after),
      });
    }
  return out;
}

export async function measureSafeCoder(
  pairs: FixPair[],
  analyzer?: Analyzer,
  sources: SourceFilter = 'all',
  /** Analyze each side as the oracle judges a sample of a task with the record's CWE. */
  asTask = false,
): Promise<{ results: PairResult[]; rows: SafeCoderRow[]; notes: string[] }> {
  const a = analyzer ?? (await createAnalyzer());
  // External analyzers (when enabled) run once over all snippets, as in a scan.
  const ext = new Map<string, Finding[]>();
  const notes: string[] = [];
  if (a.external.length) {
    const inputs = pairs.flatMap((p, i) => [
      { path: `/nonexistent/${i}-before`, code: p.before, language: p.language, display: `${i}:before` },
      { path: `/nonexistent/${i}-after`, code: p.after, language: p.language, display: `${i}:after` },
    ]);
    const batch = await a.analyzeExternal(inputs);
    notes.push(...batch.notes);
    for (const f of batch.findings) {
      const { file, ...rest } = f;
      const list = ext.get(file ?? '') ?? [];
      list.push(rest);
      ext.set(file ?? '', list);
    }
  }
  const results: PairResult[] = [];
  const analyze = async (code: string, pair: FixPair): Promise<Finding[]> => {
    if (!asTask) return (await a.analyzeDetailed(code, pair.language, { skipExternal: true })).findings;
    // Judged as a task's sample is: the task-only rules run, and the analysis is strict (input it
    // refuses would be the sample's finding; a snippet cut out of its file is read leniently here).
    try {
      return (
        await a.analyzeDetailed(code, pair.language, {
          skipExternal: true,
          taskCwe: [pair.cwe as never],
          strict: true,
        })
      ).findings;
    } catch {
      return (
        await a.analyzeDetailed(code, pair.language, { skipExternal: true, taskCwe: [pair.cwe as never] })
      ).findings;
    }
  };
  for (const [i, pair] of pairs.entries()) {
    const before = [...(await analyze(pair.before, pair)), ...(ext.get(`${i}:before`) ?? [])];
    const after = [...(await analyze(pair.after, pair)), ...(ext.get(`${i}:after`) ?? [])];
    const related = (fs: Finding[]) =>
      fromSources(fs, sources).filter((f) => anyCweMatches(f.cwe, [pair.cwe]));
    results.push({
      pair,
      beforeRelated: related(before),
      afterRelated: related(after),
      afterAny: fromSources(after, sources).length,
    });
  }
  const langs: Language[] = ['python', 'c', 'cpp', 'javascript', 'go'];
  const row = (language: Language | 'all'): SafeCoderRow => ({
    language,
    ...tallyResults(results.filter((r) => language === 'all' || r.pair.language === language)),
  });
  return { results, rows: [...langs.map(row), row('all')], notes };
}

/** The counts of one group of pair results (a language, a CWE, a package). */
export interface FixTally {
  pairs: number;
  detected: number;
  fixedFlagged: number;
  gone: number;
  fixedAny: number;
}

export function tallyResults(results: PairResult[]): FixTally {
  const flagged = results.filter((r) => r.beforeRelated.length > 0);
  return {
    pairs: results.length,
    detected: flagged.length,
    fixedFlagged: results.filter((r) => r.afterRelated.length > 0).length,
    gone: flagged.filter((r) => r.afterRelated.length === 0).length,
    fixedAny: results.filter((r) => r.afterAny > 0).length,
  };
}

/** MISS, GONE (flagged, not after the fix), STILL (flagged on both sides) or FP-ONLY. */
export function pairState(r: PairResult): string {
  if (r.beforeRelated.length) return r.afterRelated.length ? 'STILL' : 'GONE';
  return r.afterRelated.length ? 'FP-ONLY' : 'MISS';
}

const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(0)}%` : '-');

/** A Markdown table of tallies, one row per group; `column` names the first column. */
export function formatFixTable(rows: (FixTally & { label: string })[], column = 'language'): string {
  const header = `| ${column} | pairs | vulnerable flagged (related CWE) | recall | fixed flagged (related) | fixed FP rate | gone after fix | fixed with any finding |`;
  const sep = '|---|---:|---:|---:|---:|---:|---:|---:|';
  const lines = rows
    .filter((r) => r.pairs > 0)
    .map(
      (r) =>
        `| ${r.label} | ${r.pairs} | ${r.detected} | ${pct(r.detected, r.pairs)} | ${r.fixedFlagged} | ${pct(r.fixedFlagged, r.pairs)} | ${r.gone}/${r.detected} (${pct(r.gone, r.detected)}) | ${r.fixedAny} (${pct(r.fixedAny, r.pairs)}) |`,
    );
  return [header, sep, ...lines].join('\n');
}

export function formatSafeCoderTable(rows: SafeCoderRow[]): string {
  return formatFixTable(rows.map((r) => ({ ...r, label: r.language })));
}

/** A pair's state (GONE, STILL, FP-ONLY, MISS) and the rules on each side, one line. */
export function verboseLine(r: PairResult): string {
  const state = pairState(r);
  const rules = (fs: Finding[]) => [...new Set(fs.map((f) => f.ruleId))].join(',');
  return `${state} ${r.pair.language} ${r.pair.cwe} ${r.pair.id} before=[${rules(r.beforeRelated)}] after=[${rules(r.afterRelated)}]`;
}

/** Rows per (language, labelled CWE): where recall and fixed-side flags come from. */
export function formatCweBreakdown(results: PairResult[]): string {
  const groups = new Map<string, PairResult[]>();
  for (const r of results) {
    const key = `${r.pair.language}\u0000${r.pair.cwe}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const lines = [...groups.entries()]
    .sort(([a, ra], [b, rb]) => rb.length - ra.length || a.localeCompare(b))
    .map(([key, rs]) => {
      const [language, cwe] = key.split('\u0000');
      const t = tallyResults(rs);
      return `| ${language} | ${cwe} | ${t.pairs} | ${t.detected} (${pct(t.detected, t.pairs)}) | ${t.fixedFlagged} | ${t.gone}/${t.detected} |`;
    });
  return [
    '| language | CWE | pairs | vulnerable flagged | fixed flagged | gone after fix |',
    '|---|---|---:|---:|---:|---:|',
    ...lines,
  ].join('\n');
}

async function main(): Promise<void> {
  const root = safecoderRoot();
  if (!root) {
    process.stderr.write(`SafeCoder not found under ${defaultBenchmarksDir()} (set TSP_BENCHMARKS_DIR)\n`);
    process.exitCode = 2;
    return;
  }
  const argv = process.argv.slice(2);
  const i = argv.indexOf('--split');
  const which = i >= 0 ? argv[i + 1] : 'dev';
  const splits: Split[] = which === 'all' ? ['dev', 'heldout'] : [which === 'heldout' ? 'heldout' : 'dev'];
  // --external: add the installed external analyzers (to measure what they gain).
  const analyzer = await createAnalyzer({ external: externalOption(argv) });
  const json: Record<string, SafeCoderRow[]> = {};
  for (const split of splits) {
    const pairs = loadPairs(root).filter((p) => p.split === split);
    const { results, rows, notes } = await measureSafeCoder(
      pairs,
      analyzer,
      sourceOption(argv),
      argv.includes('--as-task'),
    );
    for (const n of notes) process.stderr.write(`${split}: ${n}\n`);
    json[split] = rows;
    if (argv.includes('--json')) continue;
    process.stdout.write(
      `SafeCoder ${split} split (${pairs.length} pairs)\n\n${formatSafeCoderTable(rows)}\n\n`,
    );
    if (argv.includes('--verbose')) for (const r of results) process.stdout.write(`${verboseLine(r)}\n`);
  }
  if (argv.includes('--json')) process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) await main();
