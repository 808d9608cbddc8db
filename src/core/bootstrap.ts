/**
 * Paired, task-level bootstrap of the difference between two methods.
 *
 * The unit resampled is the task: a replicate draws T tasks with replacement from the T tasks both
 * methods were evaluated on, and each drawn task brings all its seeds along (seeds inside the
 * task). The two methods are paired: a replicate uses the same tasks, and the same seed's model,
 * for both. The interval is the percentile interval of the replicates' differences; the point
 * estimate is the difference on the tasks as they are (what the tables' means show).
 *
 * - Rates (SPR@1, pass@1, secure@1): each task's pass@1 estimate c/n, averaged over tasks and
 *   seeds, so the difference is linear in the task weights.
 * - Vulnerability rate: per seed, insecure among functional samples pooled over the drawn tasks,
 *   averaged over the seeds with a functional sample (as the tables do); a replicate in which
 *   either method has no functional sample has no value and is left out of the interval.
 */
import { createRng } from './rng.ts';

/** Per-sample counts of one task in one evaluation (the unbiased pass@1 estimate is c/n). */
export interface TaskCounts {
  n: number;
  functional: number;
  secure: number;
  securePass: number;
}

export type ComparedMetric = 'spr1' | 'pass1' | 'secure1' | 'vulnRate';

export interface BootstrapOptions {
  resamples: number;
  seed: number;
  /** Two-sided confidence level, e.g. 0.95. */
  confidence: number;
}

export const DEFAULT_BOOTSTRAP: BootstrapOptions = { resamples: 2000, seed: 17, confidence: 0.95 };

export interface Interval {
  /** The statistic on the tasks as they are; null when undefined (e.g. no functional sample). */
  estimate: number | null;
  lo: number | null;
  hi: number | null;
  /** Replicates that had a value (the interval is over these). */
  defined: number;
}

/**
 * Percentile interval of `statistic` over `resamples` replicates, each a multiset of `units`
 * indexes drawn with replacement (passed as multiplicities). `statistic` may return null for a
 * replicate where it is undefined; with fewer than half the replicates defined there is no interval.
 */
export function bootstrapInterval(
  units: number,
  statistic: (weights: Float64Array) => number | null,
  options: BootstrapOptions = DEFAULT_BOOTSTRAP,
): Interval {
  if (!Number.isInteger(units) || units < 0)
    throw new RangeError(`bootstrap needs a unit count (got ${units})`);
  if (!(options.confidence > 0 && options.confidence < 1))
    throw new RangeError(`confidence must be in (0, 1) (got ${options.confidence})`);
  const ones = new Float64Array(units).fill(1);
  const estimate = units > 0 ? statistic(ones) : null;
  if (units === 0 || options.resamples < 1) return { estimate, lo: null, hi: null, defined: 0 };
  const rng = createRng(options.seed);
  const values: number[] = [];
  const w = new Float64Array(units);
  for (let r = 0; r < options.resamples; r++) {
    w.fill(0);
    for (let i = 0; i < units; i++) {
      const j = rng.int(units);
      w[j] = (w[j] ?? 0) + 1;
    }
    const v = statistic(w);
    if (v !== null && Number.isFinite(v)) values.push(v);
  }
  if (values.length * 2 < options.resamples) return { estimate, lo: null, hi: null, defined: values.length };
  values.sort((a, b) => a - b);
  const alpha = (1 - options.confidence) / 2;
  return {
    estimate,
    lo: quantile(values, alpha),
    hi: quantile(values, 1 - alpha),
    defined: values.length,
  };
}

/** Linear-interpolation quantile of sorted values (type 7). */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of no values');
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] as number;
  return a + (h - lo) * (b - a);
}

/**
 * One method's counts on a split: seed -> task id -> counts. The methods are compared on the seeds
 * both have and the tasks every one of those seeds has for both.
 */
export type CountsBySeed = ReadonlyMap<number, ReadonlyMap<string, TaskCounts>>;

export interface PairedDifference extends Interval {
  tasks: number;
  seeds: number;
  /**
   * The difference seed by seed, over all the common tasks (null where undefined): whether the
   * seeds agree on the sign, which the task-level interval does not show.
   */
  perSeed: (number | null)[];
}

const rateOf: Record<Exclude<ComparedMetric, 'vulnRate'>, (c: TaskCounts) => number> = {
  spr1: (c) => c.securePass / c.n,
  pass1: (c) => c.functional / c.n,
  secure1: (c) => c.secure / c.n,
};

/** The common seeds and tasks of two methods (tasks sorted, so the draw does not depend on order). */
function commonUnits(a: CountsBySeed, b: CountsBySeed): { seeds: number[]; tasks: string[] } {
  const seeds = [...a.keys()].filter((s) => b.has(s)).sort((x, y) => x - y);
  if (seeds.length === 0) return { seeds, tasks: [] };
  const first = a.get(seeds[0] as number) as ReadonlyMap<string, TaskCounts>;
  const tasks = [...first.keys()]
    .filter((t) =>
      seeds.every((s) => {
        const ca = a.get(s)?.get(t);
        const cb = b.get(s)?.get(t);
        return !!ca && !!cb && ca.n > 0 && cb.n > 0;
      }),
    )
    .sort();
  return { seeds, tasks };
}

/**
 * `metric(a) - metric(b)` with its paired task-level bootstrap interval (see the file's comment).
 * With `relative`, the statistic is the relative reduction `(b - a) / b` instead (for the
 * vulnerability rate against SFT); undefined where b is 0.
 */
export function pairedDifference(
  a: CountsBySeed,
  b: CountsBySeed,
  metric: ComparedMetric,
  options: BootstrapOptions = DEFAULT_BOOTSTRAP,
  relative = false,
): PairedDifference {
  const { seeds, tasks } = commonUnits(a, b);
  const T = tasks.length;
  const get = (m: CountsBySeed, s: number, t: string) => m.get(s)?.get(t) as TaskCounts;
  let statistic: (w: Float64Array) => number | null;
  if (metric !== 'vulnRate') {
    const f = rateOf[metric];
    // mean over seeds of each task's value, per method
    const meanOver = (m: CountsBySeed) =>
      tasks.map((t) => seeds.reduce((acc, s) => acc + f(get(m, s, t)), 0) / seeds.length);
    const va = meanOver(a);
    const vb = meanOver(b);
    statistic = (w) => {
      let sa = 0;
      let sb = 0;
      let sw = 0;
      for (let i = 0; i < T; i++) {
        const wi = w[i] as number;
        sa += wi * (va[i] as number);
        sb += wi * (vb[i] as number);
        sw += wi;
      }
      if (sw === 0) return null;
      return relative ? (sb === 0 ? null : (sb - sa) / sb) : (sa - sb) / sw;
    };
  } else {
    // per seed and task: functional and insecure-functional counts
    const plane = (m: CountsBySeed, pick: (c: TaskCounts) => number) =>
      seeds.map((s) => tasks.map((t) => pick(get(m, s, t))));
    const fa = plane(a, (c) => c.functional);
    const ia = plane(a, (c) => c.functional - c.securePass);
    const fb = plane(b, (c) => c.functional);
    const ib = plane(b, (c) => c.functional - c.securePass);
    const rate = (f: number[][], ins: number[][], w: Float64Array): number | null => {
      let sum = 0;
      let k = 0;
      for (let s = 0; s < f.length; s++) {
        let ff = 0;
        let ii = 0;
        const fs = f[s] as number[];
        const is = ins[s] as number[];
        for (let i = 0; i < T; i++) {
          ff += (w[i] as number) * (fs[i] as number);
          ii += (w[i] as number) * (is[i] as number);
        }
        if (ff > 0) {
          sum += ii / ff;
          k++;
        }
      }
      return k ? sum / k : null;
    };
    statistic = (w) => {
      const ra = rate(fa, ia, w);
      const rb = rate(fb, ib, w);
      if (ra === null || rb === null) return null;
      return relative ? (rb === 0 ? null : (rb - ra) / rb) : ra - rb;
    };
  }
  const perSeed = seeds.map((s) => {
    const one = new Map([[s, a.get(s) as ReadonlyMap<string, TaskCounts>]]);
    const other = new Map([[s, b.get(s) as ReadonlyMap<string, TaskCounts>]]);
    return seeds.length === 1
      ? null
      : pairedDifference(one, other, metric, { ...options, resamples: 0 }, relative).estimate;
  });
  const interval = bootstrapInterval(T, statistic, options);
  return {
    ...interval,
    tasks: T,
    seeds: seeds.length,
    perSeed: seeds.length === 1 ? [interval.estimate] : perSeed,
  };
}
