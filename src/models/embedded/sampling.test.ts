import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.ts';
import { nucleus } from './sampling.ts';

/** The nucleus by a full sort of every id, and its mass: the definition `nucleus` must equal. */
function nucleusByFullSort(probs: Float64Array, n: number, target: number): { ids: number[]; mass: number } {
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => probs[b]! - probs[a]! || a - b);
  const ids: number[] = [];
  let mass = 0;
  for (const i of order) {
    ids.push(i);
    mass += probs[i]!;
    if (mass >= target) break;
  }
  return { ids, mass };
}

describe('nucleus', () => {
  it('equals the full sort on peaked, flat, tied and underflowing distributions', () => {
    const rng = createRng(7);
    const shapes: ((i: number) => number)[] = [
      () => Math.exp(-rng.next() * 60), // peaked: a few large values, many tiny ones
      () => 1 + rng.next() * 1e-3, // flat: the threshold keeps everything
      (i) => (i % 7 === 0 ? 0.5 : 0.25), // ties broken by the lower id
      (i) => (i < 3 ? 1 : 0), // zeros
      () => (rng.next() < 0.5 ? 1e-300 : 1e-310), // subnormals
    ];
    for (const shape of shapes)
      for (const n of [1, 2, 50, 1024])
        for (const topP of [0.1, 0.5, 0.9, 0.95, 0.999999, 1]) {
          const probs = new Float64Array(n + 3).map((_, i) => shape(i));
          let sum = 0;
          for (let i = 0; i < n; i++) sum += probs[i]!;
          const { ids, mass } = nucleus(probs, n, topP * sum);
          expect({ ids, mass }).toEqual(nucleusByFullSort(probs, n, topP * sum));
        }
  });

  it('falls back to every id when rounding keeps the running sum below the target', () => {
    const probs = new Float64Array([0.1, 0.2, 0.3]);
    expect(nucleus(probs, 3, 10).ids).toEqual([2, 1, 0]);
  });
});
