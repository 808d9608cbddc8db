import type { MethodName, Stat } from '../spec/results.ts';

/** Display names of the methods, in the order the paper's tables list them. */
export const METHOD_LABEL: Record<MethodName, string> = {
  base: 'Base',
  sft: 'SFT',
  spin: 'Self-play (unstructured)',
  unlikelihood: 'Unlikelihood',
  tsp: 'TSP',
};

export const METHOD_ORDER: readonly MethodName[] = ['base', 'sft', 'spin', 'unlikelihood', 'tsp'];

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
