import { describe, expect, it } from 'vitest';
import {
  bootstrapInterval,
  type CountsBySeed,
  pairedDifference,
  quantile,
  type TaskCounts,
} from './bootstrap.ts';
import { createRng } from './rng.ts';

const opts = { resamples: 1000, seed: 3, confidence: 0.95 };

/** seed -> task -> counts, from a function of (seed, task index). */
function counts(seeds: number[], tasks: number, f: (s: number, t: number) => TaskCounts): CountsBySeed {
  return new Map(
    seeds.map((s) => [s, new Map(Array.from({ length: tasks }, (_, t) => [`t${t}`, f(s, t)] as const))]),
  );
}

/** Random counts out of n = 8, reproducible. */
function randomCounts(seed: number): (s: number, t: number) => TaskCounts {
  return (s, t) => {
    const r = createRng(seed * 1000 + s * 100 + t);
    const functional = r.int(9);
    const securePass = r.int(functional + 1);
    return { n: 8, functional, secure: securePass + r.int(9 - functional), securePass };
  };
}

describe('quantile', () => {
  it('interpolates linearly between order statistics', () => {
    expect(quantile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(quantile([0, 10], 0.25)).toBeCloseTo(2.5, 12);
    expect(quantile([7], 0.975)).toBe(7);
  });
});

describe('bootstrapInterval', () => {
  it('of the mean of a constant is that constant', () => {
    const iv = bootstrapInterval(10, (w) => w.reduce((a, x) => a + 4 * x, 0) / 10, opts);
    expect(iv).toEqual({ estimate: 4, lo: 4, hi: 4, defined: 1000 });
  });
  it('of the mean of 0/1 values matches the normal approximation', () => {
    // 40 units, 10 ones: mean 0.25, standard error sqrt(.25 * .75 / 40) = 0.0685
    const xs = Array.from({ length: 40 }, (_, i) => (i < 10 ? 1 : 0));
    const iv = bootstrapInterval(40, (w) => w.reduce((a, x, i) => a + x * (xs[i] as number), 0) / 40, {
      ...opts,
      resamples: 4000,
    });
    expect(iv.estimate).toBe(0.25);
    expect(iv.lo).toBeGreaterThan(0.25 - 1.96 * 0.0685 - 0.03);
    expect(iv.lo).toBeLessThan(0.25 - 1.96 * 0.0685 + 0.03);
    expect(iv.hi).toBeGreaterThan(0.25 + 1.96 * 0.0685 - 0.03);
    expect(iv.hi).toBeLessThan(0.25 + 1.96 * 0.0685 + 0.03);
  });
  it('repeats with a seed and differs with another', () => {
    const stat = (w: Float64Array) => w.reduce((a, x, i) => a + x * i, 0);
    expect(bootstrapInterval(12, stat, opts)).toEqual(bootstrapInterval(12, stat, opts));
    expect(bootstrapInterval(12, stat, opts)).not.toEqual(bootstrapInterval(12, stat, { ...opts, seed: 4 }));
  });
  it('gives no interval when most replicates are undefined', () => {
    const iv = bootstrapInterval(5, (w) => ((w[0] ?? 0) > 1 ? 1 : null), opts);
    expect(iv.lo).toBeNull();
    expect(iv.defined).toBeLessThan(500);
  });
  it('handles no units', () => {
    expect(bootstrapInterval(0, () => 1, opts)).toEqual({ estimate: null, lo: null, hi: null, defined: 0 });
  });
});

describe('pairedDifference', () => {
  it('of a method against itself is exactly 0, interval [0, 0]', () => {
    const a = counts([1, 2, 3], 20, randomCounts(1));
    for (const metric of ['spr1', 'pass1', 'secure1', 'vulnRate'] as const) {
      const d = pairedDifference(a, a, metric, opts);
      expect(d.estimate).toBe(0);
      expect(d.lo).toBe(0);
      expect(d.hi).toBe(0);
      expect(d.tasks).toBe(20);
      expect(d.seeds).toBe(3);
    }
  });
  it('of a constant shift on every task and seed is that shift, interval degenerate at it', () => {
    // a: 5 of 8 functional everywhere; b: 3 of 8: pass@1 differs by 2/8 on every task
    const a = counts([1, 2], 12, () => ({ n: 8, functional: 5, secure: 5, securePass: 4 }));
    const b = counts([1, 2], 12, () => ({ n: 8, functional: 3, secure: 5, securePass: 1 }));
    const pass = pairedDifference(a, b, 'pass1', opts);
    expect(pass.estimate).toBeCloseTo(0.25, 12);
    expect(pass.lo).toBeCloseTo(0.25, 12);
    expect(pass.hi).toBeCloseTo(0.25, 12);
    const spr = pairedDifference(a, b, 'spr1', opts);
    expect(spr.estimate).toBeCloseTo(3 / 8, 12);
    expect(spr.perSeed).toHaveLength(2);
    for (const d of spr.perSeed) expect(d).toBeCloseTo(3 / 8, 12);
    // vulnerability rate: a 1/5 insecure among functional, b 2/3
    const vuln = pairedDifference(a, b, 'vulnRate', opts);
    expect(vuln.estimate).toBeCloseTo(1 / 5 - 2 / 3, 12);
    expect(vuln.lo).toBeCloseTo(1 / 5 - 2 / 3, 12);
    const rel = pairedDifference(a, b, 'vulnRate', opts, true);
    expect(rel.estimate).toBeCloseTo((2 / 3 - 1 / 5) / (2 / 3), 12);
  });
  it('hand-computed: two tasks, one seed', () => {
    // task 0: a 8/8, b 0/8 (diff 1); task 1: a 0/8, b 0/8 (diff 0). Mean diff 0.5; replicates
    // draw {0,0} (1), {0,1} (0.5) or {1,1} (0) with probabilities 1/4, 1/2, 1/4.
    const a = new Map([
      [
        1,
        new Map([
          ['x', { n: 8, functional: 8, secure: 8, securePass: 8 }],
          ['y', { n: 8, functional: 0, secure: 0, securePass: 0 }],
        ]),
      ],
    ]);
    const b = new Map([
      [
        1,
        new Map([
          ['x', { n: 8, functional: 0, secure: 0, securePass: 0 }],
          ['y', { n: 8, functional: 0, secure: 0, securePass: 0 }],
        ]),
      ],
    ]);
    const d = pairedDifference(a, b, 'spr1', { ...opts, resamples: 2000 });
    expect(d.estimate).toBe(0.5);
    expect(d.lo).toBe(0);
    expect(d.hi).toBe(1);
    // b has no functional sample: its vulnerability rate is undefined, so is the difference
    const v = pairedDifference(a, b, 'vulnRate', opts);
    expect(v.estimate).toBeNull();
    expect(v.lo).toBeNull();
  });
  it('reports the difference seed by seed', () => {
    // seed 1: a ahead by 2/8 on every task; seed 2: behind by 2/8
    const a = counts([1, 2], 6, (s) => ({ n: 8, functional: s === 1 ? 6 : 2, secure: 8, securePass: 0 }));
    const b = counts([1, 2], 6, () => ({ n: 8, functional: 4, secure: 8, securePass: 0 }));
    const d = pairedDifference(a, b, 'pass1', opts);
    expect(d.perSeed).toEqual([0.25, -0.25]);
    expect(d.estimate).toBe(0);
  });

  it('pairs by seed and task: only tasks every common seed has for both count', () => {
    const a = counts([1, 2], 4, () => ({ n: 4, functional: 4, secure: 4, securePass: 4 }));
    const b = counts([2, 3], 3, () => ({ n: 4, functional: 0, secure: 0, securePass: 0 }));
    const d = pairedDifference(a, b, 'pass1', opts);
    expect(d.seeds).toBe(1);
    expect(d.tasks).toBe(3);
    expect(d.estimate).toBe(1);
  });
  it('is a wider interval with fewer tasks (same per-task spread)', () => {
    const f = randomCounts(5);
    const g = randomCounts(6);
    const small = pairedDifference(counts([1], 10, f), counts([1], 10, g), 'spr1', opts);
    const large = pairedDifference(counts([1], 80, f), counts([1], 80, g), 'spr1', opts);
    const width = (d: typeof small) => (d.hi as number) - (d.lo as number);
    expect(width(small)).toBeGreaterThan(width(large));
    expect(small.lo as number).toBeLessThanOrEqual(small.estimate as number);
    expect(small.hi as number).toBeGreaterThanOrEqual(small.estimate as number);
  });
});
