/**
 * Paired differences between the methods of a run, per split and metric, each method at its final
 * round, with task-level bootstrap intervals (bootstrap.ts). Pure: evaluations in, rows out.
 */
import type { Comparison, Evaluation, MethodName } from '../spec/results.ts';
import { METHOD_ORDER } from '../spec/results.ts';
import {
  type BootstrapOptions,
  type ComparedMetric,
  type CountsBySeed,
  DEFAULT_BOOTSTRAP,
  type PairedDifference,
  pairedDifference,
  type TaskCounts,
} from './bootstrap.ts';
import { hashString } from './rng.ts';

/** The metrics the comparison tables show. */
export const COMPARED_METRICS: readonly ComparedMetric[] = ['spr1', 'pass1', 'vulnRate'];

/** A method's per-task counts on a split at a round, by seed (evaluations without counts are left out). */
export function countsOf(
  evaluations: readonly Evaluation[],
  method: MethodName,
  split: string,
  round: number,
): CountsBySeed {
  const out = new Map<number, Map<string, TaskCounts>>();
  for (const e of evaluations) {
    if (e.method !== method || e.split !== split || e.round !== round || !e.perTask) continue;
    out.set(e.seed, new Map(Object.entries(e.perTask)));
  }
  return out;
}

/** Every pair of methods present, later minus earlier in METHOD_ORDER (TSP first). */
export function methodPairs(methods: readonly MethodName[]): [MethodName, MethodName][] {
  const ordered = [...METHOD_ORDER].reverse().filter((m) => methods.includes(m));
  const out: [MethodName, MethodName][] = [];
  for (let i = 0; i < ordered.length; i++)
    for (let j = i + 1; j < ordered.length; j++)
      out.push([ordered[i] as MethodName, ordered[j] as MethodName]);
  return out;
}

/**
 * The comparison rows of a run: for each split, each pair of methods and each metric, the paired
 * difference at the methods' final rounds (`finalRound`). Each (split, pair, metric) draws from its
 * own seeded stream, so adding a method does not move the others' intervals.
 */
export function compareMethods(
  evaluations: readonly Evaluation[],
  finalRound: (m: MethodName) => number,
  options: BootstrapOptions = DEFAULT_BOOTSTRAP,
): Comparison[] {
  const methods = METHOD_ORDER.filter((m) => evaluations.some((e) => e.method === m && e.perTask));
  const splits = [...new Set(evaluations.map((e) => e.split))];
  const out: Comparison[] = [];
  for (const split of splits) {
    for (const [a, b] of methodPairs(methods)) {
      const ca = countsOf(evaluations, a, split, finalRound(a));
      const cb = countsOf(evaluations, b, split, finalRound(b));
      if (ca.size === 0 || cb.size === 0) continue;
      for (const metric of COMPARED_METRICS) {
        const seed = (options.seed ^ hashString(`${split}|${a}|${b}|${metric}`)) >>> 0;
        const d = pairedDifference(ca, cb, metric, { ...options, seed });
        if (d.tasks === 0) continue;
        out.push(toComparison(split, a, b, metric, d, options.resamples));
      }
    }
  }
  return out;
}

function toComparison(
  split: string,
  a: MethodName,
  b: MethodName,
  metric: ComparedMetric,
  d: PairedDifference,
  resamples: number,
): Comparison {
  return {
    split,
    a,
    b,
    metric,
    diff: d.estimate,
    lo: d.lo,
    hi: d.hi,
    tasks: d.tasks,
    seeds: d.seeds,
    resamples,
    perSeed: d.perSeed,
  };
}

/** Relative reduction of the vulnerability rate of `method` against `against`, with its interval. */
export function relativeVulnReduction(
  evaluations: readonly Evaluation[],
  method: MethodName,
  against: MethodName,
  split: string,
  finalRound: (m: MethodName) => number,
  options: BootstrapOptions = DEFAULT_BOOTSTRAP,
): { estimate: number | null; lo: number | null; hi: number | null } | undefined {
  const ca = countsOf(evaluations, method, split, finalRound(method));
  const cb = countsOf(evaluations, against, split, finalRound(against));
  if (ca.size === 0 || cb.size === 0) return undefined;
  const seed = (options.seed ^ hashString(`${split}|${method}|${against}|reduction`)) >>> 0;
  const d = pairedDifference(ca, cb, 'vulnRate', { ...options, seed }, true);
  return { estimate: d.estimate, lo: d.lo, hi: d.hi };
}
