/**
 * Results of a run that has not finished (or was killed): results.json is written at the end, but
 * the engine appends every evaluation to evaluations.jsonl and every training phase (with its tree
 * statistics) to phases.jsonl as it goes. From those the report rebuilds what it can, so every run
 * leaves a report, with a note that it is partial.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { compareMethods } from '../core/comparisons.ts';
import { stat, vulnStat } from '../core/metrics.ts';
import { Evaluation, type MethodName, type RunResults, type SummaryRow, TreeStats } from '../spec/results.ts';
import { groupBy } from './aggregate.ts';
import { METHOD_ORDER } from './format.ts';
import { parseJsonl, type ReportManifest, readResults } from './run-dir.ts';

/** Each method's evaluations at its last round on each split, averaged over seeds. */
export function summarizeEvaluations(evaluations: readonly Evaluation[]): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const evs of groupBy(evaluations, (e) => `${e.method}\u0000${e.split}`).values()) {
    const last = Math.max(...evs.map((e) => e.round));
    const final = evs.filter((e) => e.round === last);
    const first = final[0] as Evaluation;
    rows.push({
      method: first.method,
      split: first.split,
      spr1: stat(final.map((e) => e.overall.spr1)),
      pass1: stat(final.map((e) => e.overall.pass1)),
      secure1: stat(final.map((e) => e.overall.secure1)),
      vulnRate: vulnStat(final.map((e) => e.overall)),
    });
  }
  return rows.sort((a, b) => METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method));
}

/** A phase record as the engine appends it; only what the report uses, the rest is ignored. */
const PhaseRecord = z.object({
  method: z.string(),
  seed: z.number().int(),
  round: z.number().int(),
  config: z.string().optional(),
  tree: z.record(z.string(), z.unknown()).optional(),
});

/**
 * RunResults rebuilt from evaluations.jsonl (and tree statistics from phases.jsonl), or undefined
 * when the run has no evaluations yet.
 */
export async function readPartialResults(
  dir: string,
  manifest: ReportManifest | undefined,
): Promise<RunResults | undefined> {
  const evalPath = join(dir, 'evaluations.jsonl');
  if (!existsSync(evalPath)) return undefined;
  // A record written twice (a resumed run) counts once: the last one wins.
  const byKey = new Map<string, Evaluation>();
  for (const e of parseJsonl(await readFile(evalPath, 'utf8'), Evaluation, evalPath)) {
    byKey.set(`${e.method}|${e.seed}|${e.round}|${e.split}`, e);
  }
  const evaluations = [...byKey.values()];
  if (!evaluations.length) return undefined;

  const treeStats: TreeStats[] = [];
  const phasesPath = join(dir, 'phases.jsonl');
  if (existsSync(phasesPath)) {
    for (const p of parseJsonl(await readFile(phasesPath, 'utf8'), PhaseRecord, phasesPath)) {
      if (!p.tree || (p.config && p.config !== 'standard')) continue;
      const s = TreeStats.safeParse({ ...p.tree, method: p.method, seed: p.seed, round: p.round });
      if (s.success) treeStats.push(s.data);
    }
  }
  const config = (manifest?.config ?? {}) as { preset?: unknown };
  const methods = METHOD_ORDER.filter((m) => evaluations.some((e) => e.method === m)) as MethodName[];
  const lastRound = new Map<string, number>();
  for (const e of evaluations) lastRound.set(e.method, Math.max(lastRound.get(e.method) ?? 0, e.round));
  return {
    runId: manifest?.runId ?? dir.split('/').filter(Boolean).pop() ?? 'run',
    preset: manifest?.preset ?? (typeof config.preset === 'string' ? config.preset : 'unknown'),
    createdAt: manifest?.createdAt ?? '',
    seeds: [...new Set(evaluations.map((e) => e.seed))].sort((a, b) => a - b),
    methods,
    evaluations,
    summary: summarizeEvaluations(evaluations),
    unseenCwe: [],
    crossLanguage: [],
    treeStats,
    comparisons: compareMethods(evaluations, (m) => lastRound.get(m) ?? 0),
    notes: [
      `Partial run: results.json is missing (the run has not finished, or was stopped). The tables are computed from the ${evaluations.length} evaluations in evaluations.jsonl so far, each method at the last round it reached; the unseen-CWE and cross-language panels appear when the run finishes.`,
    ],
  };
}

/**
 * The run's results: results.json when the run finished, else what evaluations.jsonl holds so
 * far; a run directory with neither fails with the error for the missing results.json.
 */
export async function loadRunResults(dir: string, manifest: ReportManifest | undefined): Promise<RunResults> {
  if (!existsSync(join(dir, 'results.json'))) {
    const partial = await readPartialResults(dir, manifest);
    if (partial) return partial;
  }
  return readResults(dir);
}
