import type { Metrics, Stat } from '../spec/results.ts';

/**
 * Unbiased pass@k estimator (Chen et al. 2021): the probability that at least one of k samples
 * drawn without replacement from n, of which c are correct, is correct. 1 - C(n-c, k) / C(n, k),
 * computed as a stable product.
 */
export function passAtK(n: number, c: number, k: number): number {
  if (
    !Number.isInteger(n) ||
    !Number.isInteger(c) ||
    !Number.isInteger(k) ||
    n < 1 ||
    k < 1 ||
    c < 0 ||
    c > n
  ) {
    throw new RangeError(`passAtK needs integers n >= 1, 0 <= c <= n, k >= 1 (got n=${n}, c=${c}, k=${k})`);
  }
  if (k > n) throw new RangeError(`passAtK needs k <= n (got k=${k}, n=${n})`);
  if (n - c < k) return 1;
  let prod = 1;
  for (let i = n - c + 1; i <= n; i++) prod *= 1 - k / i;
  return 1 - prod;
}

/** Per-sample outcome that metrics are computed from. */
export interface Outcome {
  taskId: string;
  functional: boolean;
  secure: boolean;
  securePass: boolean;
}

/**
 * Pass@1-type metrics over tasks: each task contributes its own estimate (c/n), averaged over tasks,
 * so a task with more samples does not weigh more. `vulnRate` is the fraction of functional samples
 * that are insecure (0 when none is functional).
 */
export function computeMetrics(outcomes: readonly Outcome[], k = 1): Metrics {
  const byTask = new Map<string, Outcome[]>();
  for (const o of outcomes) {
    const list = byTask.get(o.taskId);
    if (list) list.push(o);
    else byTask.set(o.taskId, [o]);
  }
  let spr = 0;
  let pass = 0;
  let sec = 0;
  for (const list of byTask.values()) {
    const n = list.length;
    const kk = Math.min(k, n);
    spr += passAtK(n, list.filter((o) => o.securePass).length, kk);
    pass += passAtK(n, list.filter((o) => o.functional).length, kk);
    sec += passAtK(n, list.filter((o) => o.secure).length, kk);
  }
  const tasks = byTask.size;
  const functional = outcomes.filter((o) => o.functional);
  return {
    spr1: tasks ? spr / tasks : 0,
    pass1: tasks ? pass / tasks : 0,
    secure1: tasks ? sec / tasks : 0,
    vulnRate: functional.length ? functional.filter((o) => !o.secure).length / functional.length : 0,
    tasks,
    samples: outcomes.length,
  };
}

/**
 * The vulnerability rate over seeds (or any group of Metrics): the mean over those that had at
 * least one functional sample, since a rate among no functional samples is undefined (its 0 is
 * not "secure"); null when none had one.
 */
export function vulnStat(ms: readonly Pick<Metrics, 'pass1' | 'vulnRate'>[]): Stat | null {
  const defined = ms.filter((m) => m.pass1 > 0);
  return defined.length ? stat(defined.map((m) => m.vulnRate)) : null;
}

/** Mean and sample standard deviation (0 for a single value). */
export function stat(values: readonly number[]): Stat {
  if (values.length === 0) throw new RangeError('stat of no values');
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance =
    values.length > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1) : 0;
  return { mean, std: Math.sqrt(variance), n: values.length };
}
