import { describe, expect, it } from 'vitest';
import { computeMetrics, passAtK, stat, vulnStat } from './metrics.ts';

/** Direct definition with binomial coefficients, for comparison. */
function binom(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

describe('passAtK', () => {
  it('matches 1 - C(n-c,k)/C(n,k)', () => {
    for (const [n, c, k] of [
      [10, 3, 1],
      [10, 3, 5],
      [20, 0, 3],
      [5, 5, 2],
      [7, 2, 7],
    ] as const) {
      expect(passAtK(n, c, k)).toBeCloseTo(1 - binom(n - c, k) / binom(n, k), 12);
    }
  });
  it('pass@1 is c/n', () => {
    expect(passAtK(8, 3, 1)).toBeCloseTo(3 / 8, 12);
  });
  it('rejects impossible arguments', () => {
    expect(() => passAtK(3, 4, 1)).toThrow(RangeError);
    expect(() => passAtK(3, 1, 4)).toThrow(RangeError);
  });
});

describe('computeMetrics', () => {
  it('averages per task, not per sample', () => {
    const m = computeMetrics([
      { taskId: 'a', functional: true, secure: true, securePass: true },
      { taskId: 'b', functional: true, secure: false, securePass: false },
      { taskId: 'b', functional: true, secure: false, securePass: false },
      { taskId: 'b', functional: false, secure: true, securePass: false },
    ]);
    expect(m.spr1).toBeCloseTo(0.5); // a: 1, b: 0
    expect(m.pass1).toBeCloseTo((1 + 2 / 3) / 2);
    expect(m.secure1).toBeCloseTo((1 + 1 / 3) / 2);
    expect(m.vulnRate).toBeCloseTo(2 / 3); // of 3 functional samples, 2 insecure
    expect(m.tasks).toBe(2);
    expect(m.samples).toBe(4);
  });
  it('is all zeros on no outcomes', () => {
    expect(computeMetrics([])).toMatchObject({ spr1: 0, pass1: 0, tasks: 0 });
  });
});

describe('stat', () => {
  it('gives mean and sample std', () => {
    const s = stat([1, 2, 3, 4]);
    expect(s.mean).toBe(2.5);
    expect(s.std).toBeCloseTo(Math.sqrt(5 / 3));
    expect(stat([7])).toEqual({ mean: 7, std: 0, n: 1 });
  });
});

describe('vulnStat', () => {
  it('averages the vulnerability rate over groups with a functional sample, null when there is none', () => {
    const m = (pass1: number, vulnRate: number) => ({ pass1, vulnRate });
    // the seed with no functional sample has vulnRate 0 by convention; it must not pull the mean down
    expect(vulnStat([m(0.5, 0.8), m(0, 0), m(0.25, 0.4)])).toEqual(stat([0.8, 0.4]));
    expect(vulnStat([m(0, 0), m(0, 0)])).toBeNull();
    expect(vulnStat([])).toBeNull();
  });
});
