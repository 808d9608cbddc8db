/**
 * Aggregations of results.json shared by the Markdown and HTML reports: means and spreads over
 * seeds per round, each method at its last round, tree statistics per method and round.
 */
import { stat } from '../core/metrics.ts';
import type { Evaluation, MethodName, Stat, TreeStats } from '../spec/results.ts';
import { METHOD_ORDER, sortMethods } from './format.ts';

export type MetricKey = 'spr1' | 'pass1' | 'secure1' | 'vulnRate';
export const METRIC_KEYS: readonly MetricKey[] = ['spr1', 'pass1', 'secure1', 'vulnRate'];

export interface CurvePoint extends Stat {
  round: number;
}

/** One line of a chart: a method's metric on a split after each round, spread over seeds. */
export interface Curve {
  split: string;
  metric: MetricKey;
  method: MethodName;
  points: CurvePoint[];
}

/** Rows = methods at their last round, columns = CWEs or languages; cells = mean vuln. rate. */
export interface Heatmap {
  split: string;
  columns: string[];
  rows: { method: MethodName; round: number; cells: (number | null)[]; samples: (number | null)[] }[];
}

export function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const g = m.get(k);
    if (g) g.push(it);
    else m.set(k, [it]);
  }
  return m;
}

/** Per split, metric and method: the mean and spread over seeds after each round. */
export function buildCurves(evaluations: readonly Evaluation[]): Curve[] {
  const curves: Curve[] = [];
  const bySplitMethod = groupBy(evaluations, (e) => `${e.split}\u0000${e.method}`);
  for (const evs of bySplitMethod.values()) {
    const first = evs[0] as Evaluation;
    const byRound = [...groupBy(evs, (e) => String(e.round)).values()].sort(
      (a, b) => (a[0] as Evaluation).round - (b[0] as Evaluation).round,
    );
    for (const metric of METRIC_KEYS) {
      curves.push({
        split: first.split,
        metric,
        method: first.method,
        points: byRound.map((g) => ({
          round: (g[0] as Evaluation).round,
          ...stat(g.map((e) => e.overall[metric])),
        })),
      });
    }
  }
  return sortMethods(curves);
}

/** Vulnerability rate per CWE or language of each method at its last evaluated round. */
export function buildHeatmaps(evaluations: readonly Evaluation[], by: 'perCwe' | 'perLanguage'): Heatmap[] {
  const out: Heatmap[] = [];
  for (const [split, evs] of groupBy(evaluations, (e) => e.split)) {
    const columns = [...new Set(evs.flatMap((e) => Object.keys(e[by])))].sort((a, b) =>
      by === 'perCwe' ? Number(a.slice(4)) - Number(b.slice(4)) : a.localeCompare(b),
    );
    if (!columns.length) continue;
    const methods = METHOD_ORDER.filter((m) => evs.some((e) => e.method === m));
    const rows = methods.map((method) => {
      const mine = evs.filter((e) => e.method === method);
      const round = Math.max(...mine.map((e) => e.round));
      return {
        method,
        round,
        ...cellsOf(
          mine.filter((e) => e.round === round),
          columns,
          by,
        ),
      };
    });
    out.push({ split, columns, rows });
  }
  return out;
}

/** Mean vulnerability rate (over seeds with a functional sample) and total samples per column over the given evaluations (seeds). */
function cellsOf(
  evs: readonly Evaluation[],
  columns: readonly string[],
  by: 'perCwe' | 'perLanguage',
): { cells: (number | null)[]; samples: (number | null)[] } {
  const metricsOf = (c: string) =>
    evs.map((e) => (e[by] as Record<string, Evaluation['overall'] | undefined>)[c]).filter((m) => !!m);
  return {
    // the rate among functional samples, over the seeds that had one: a seed with no functional
    // sample of a CWE has no rate (its 0 is not "secure"), and a CWE no seed had one of is null (–)
    cells: columns.map((c) => {
      const ms = metricsOf(c).filter((m) => m.pass1 > 0);
      return ms.length ? ms.reduce((a, m) => a + m.vulnRate, 0) / ms.length : null;
    }),
    samples: columns.map((c) => {
      const ms = metricsOf(c);
      return ms.length ? ms.reduce((a, m) => a + m.samples, 0) : null;
    }),
  };
}

/**
 * Per-CWE vulnerability rate of each method evaluated after several rounds, one row per round
 * (mean over seeds), on one split: what training changed, CWE by CWE.
 */
export function buildRoundHeatmaps(evaluations: readonly Evaluation[], split: string): Heatmap[] {
  const evs = evaluations.filter((e) => e.split === split);
  const columns = [...new Set(evs.flatMap((e) => Object.keys(e.perCwe)))].sort(
    (a, b) => Number(a.slice(4)) - Number(b.slice(4)),
  );
  if (!columns.length) return [];
  const out: Heatmap[] = [];
  for (const method of METHOD_ORDER) {
    const mine = evs.filter((e) => e.method === method);
    const rounds = [...new Set(mine.map((e) => e.round))].sort((a, b) => a - b);
    if (rounds.length < 2) continue;
    out.push({
      split,
      columns,
      rows: rounds.map((round) => ({
        method,
        round,
        ...cellsOf(
          mine.filter((e) => e.round === round),
          columns,
          'perCwe',
        ),
      })),
    });
  }
  return out;
}

function meanOf(values: number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}

/** Mean over seeds of the pairs with a verified-insecure rejected side, and per 1k generated tokens. */
function insecureRejected(g: readonly TreeStats[]): {
  rejectedInsecure: number | null;
  rejectedInsecurePer1kTokens: number | null;
} {
  const known = g.filter((s) => s.rejectedInsecure !== undefined);
  if (known.length === 0) return { rejectedInsecure: null, rejectedInsecurePer1kTokens: null };
  return {
    rejectedInsecure: meanOf(known.map((s) => s.rejectedInsecure ?? 0)),
    rejectedInsecurePer1kTokens: meanOf(
      known.map((s) => (s.generatedTokens ? (1000 * (s.rejectedInsecure ?? 0)) / s.generatedTokens : 0)),
    ),
  };
}

/** Tree statistics averaged over seeds, per method and round. */
export function aggregateTreeStats(stats: readonly TreeStats[]): {
  method: MethodName;
  round: number;
  seeds: number;
  tasks: number;
  criticalNodesPerTask: number;
  criticalBy: Record<string, number>;
  pairs: number;
  verifiedPairs: number;
  generatedTokens: number;
  verifiedPairsPer1kTokens: number;
  judged: number;
  /** Pairs whose rejected side is verified insecure (judged afterwards where the method does not judge); null in older runs. */
  rejectedInsecure: number | null;
  rejectedInsecurePer1kTokens: number | null;
}[] {
  const groups = new Map<string, TreeStats[]>();
  for (const s of stats) {
    const key = `${s.method}\u0000${s.round}`;
    const g = groups.get(key);
    if (g) g.push(s);
    else groups.set(key, [s]);
  }
  const rows = [...groups.values()].map((g) => {
    const first = g[0] as TreeStats;
    const sources = [...new Set(g.flatMap((s) => Object.keys(s.criticalBy)))].sort();
    const criticalBy: Record<string, number> = {};
    for (const src of sources) criticalBy[src] = meanOf(g.map((s) => s.criticalBy[src] ?? 0));
    return {
      method: first.method,
      round: first.round,
      seeds: g.length,
      tasks: meanOf(g.map((s) => s.tasks)),
      criticalNodesPerTask: meanOf(g.map((s) => s.criticalNodesPerTask)),
      criticalBy,
      pairs: meanOf(g.map((s) => s.pairs)),
      verifiedPairs: meanOf(g.map((s) => s.verifiedPairs)),
      generatedTokens: meanOf(g.map((s) => s.generatedTokens)),
      verifiedPairsPer1kTokens: meanOf(g.map((s) => s.verifiedPairsPer1kTokens)),
      judged: meanOf(g.map((s) => s.judged)),
      ...insecureRejected(g),
    };
  });
  return sortMethods(rows).sort((a, b) => (a.method === b.method ? a.round - b.round : 0));
}
