import { METHOD_ORDER, type MethodName, type Stat } from '../spec/results.ts';

export { METHOD_ORDER };

/** Display names of the methods, in the order the paper's tables list them. */
export const METHOD_LABEL: Record<MethodName, string> = {
  base: 'Base',
  sft: 'SFT',
  spin: 'Self-play (unstructured)',
  unlikelihood: 'SafeCoder-style (unlikelihood)',
  'tsp-release': 'TSP release recipe',
  tsp: 'TSP',
};

export function sortMethods<T extends { method: MethodName }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method));
}

/** A rate in [0, 1] as a percentage with one decimal: `45.2`. */
export function formatPercent(x: number): string {
  return (x * 100).toFixed(1);
}

/** `45.2 ± 1.3` (percent), or just `45.2` with a single seed. */
export function formatStat(s: Stat): string {
  return s.n > 1 ? `${formatPercent(s.mean)} ± ${formatPercent(s.std)}` : formatPercent(s.mean);
}

/** A signed difference of rates in percentage points: `+1.1`, `−0.8` (a real minus sign), `0.0`. */
export function formatSignedPoints(x: number): string {
  const v = (x * 100).toFixed(1);
  if (v === '0.0' || v === '-0.0') return '0.0';
  return x > 0 ? `+${v}` : `−${v.slice(1)}`;
}

/**
 * A paired difference with its interval: `+1.1 [−0.8, +3.0]`; just the difference when there is
 * no interval, `–` when the difference is undefined.
 */
export function formatDifference(d: { diff: number | null; lo: number | null; hi: number | null }): string {
  if (d.diff === null) return '–';
  const point = formatSignedPoints(d.diff);
  return d.lo === null || d.hi === null
    ? point
    : `${point} [${formatSignedPoints(d.lo)}, ${formatSignedPoints(d.hi)}]`;
}

/** A difference's text and whether its interval resolves it (the tables bold those). */
export function describeDifference(d: { diff: number | null; lo: number | null; hi: number | null }): {
  text: string;
  resolved: boolean;
} {
  return { text: formatDifference(d), resolved: excludesZero(d) };
}

/** Whether an interval lies entirely on one side of 0 (the difference is resolved). */
export function excludesZero(d: { lo: number | null; hi: number | null }): boolean {
  return d.lo !== null && d.hi !== null && (d.lo > 0 || d.hi < 0);
}

/** Which metric direction is better, for bolding the best value in a column. */
export type Better = 'higher' | 'lower';

/**
 * Indexes of the best mean in `values` (ties all win); none when fewer than two values or when
 * every value ties (nothing stands out).
 */
export function bestIndexes(values: readonly number[], better: Better): Set<number> {
  if (values.length < 2) return new Set();
  const best = better === 'higher' ? Math.max(...values) : Math.min(...values);
  const out = new Set<number>();
  values.forEach((v, i) => {
    if (Math.abs(v - best) < 1e-12) out.add(i);
  });
  return out.size === values.length ? new Set() : out;
}
