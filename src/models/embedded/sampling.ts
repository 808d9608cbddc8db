/**
 * Choosing the next token from logits: temperature, nucleus (top-p) truncation, greedy at
 * temperature 0. The log-prob reported for a token is the model's own (temperature 1, untruncated)
 * log-softmax over the whole vocabulary, the same quantity `score()` returns.
 */
import type { Rng } from '../../core/rng.ts';

export interface SamplingParams {
  temperature: number;
  topP: number;
}

/** log-softmax of logits[offset, offset + n) at index `id`. */
export function logSoftmaxAt(logits: Float32Array, offset: number, n: number, id: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) if (logits[offset + i]! > max) max = logits[offset + i]!;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.exp(logits[offset + i]! - max);
  return logits[offset + id]! - max - Math.log(sum);
}

/**
 * Sample a token among the first `n` ids of logits[offset, offset + vocab) and return it with its
 * log-prob under the full softmax (one pass of exponentials when temperature is 1).
 */
export function sampleWithLogprob(
  logits: Float32Array,
  offset: number,
  vocab: number,
  n: number,
  params: SamplingParams,
  rng: Rng,
): { id: number; logprob: number } {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < vocab; i++) if (logits[offset + i]! > max) max = logits[offset + i]!;
  const exps = scratch(0, vocab);
  let sumAll = 0;
  for (let i = 0; i < vocab; i++) {
    const e = Math.exp(logits[offset + i]! - max);
    exps[i] = e;
    sumAll += e;
  }
  const logZ = max + Math.log(sumAll);
  const id = chooseToken(logits, offset, n, params, rng, params.temperature === 1 ? exps : undefined);
  return { id, logprob: logits[offset + id]! - logZ };
}

/** Two reusable buffers (sampling is synchronous): 0 for the untempered exponentials, 1 for the tempered. */
const buffers: Float64Array[] = [new Float64Array(0), new Float64Array(0)];
function scratch(which: 0 | 1, size: number): Float64Array {
  if ((buffers[which] as Float64Array).length < size) buffers[which] = new Float64Array(size);
  return (buffers[which] as Float64Array).subarray(0, size);
}

function chooseToken(
  logits: Float32Array,
  offset: number,
  n: number,
  params: SamplingParams,
  rng: Rng,
  unitExps: Float64Array | undefined,
): number {
  if (params.temperature <= 0) {
    let best = 0;
    for (let i = 1; i < n; i++) if (logits[offset + i]! > logits[offset + best]!) best = i;
    return best;
  }
  let probs: Float64Array;
  let sum = 0;
  if (unitExps) {
    probs = unitExps;
    for (let i = 0; i < n; i++) sum += probs[i]!;
  } else {
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) if (logits[offset + i]! > max) max = logits[offset + i]!;
    probs = scratch(1, n);
    for (let i = 0; i < n; i++) {
      const p = Math.exp((logits[offset + i]! - max) / params.temperature);
      probs[i] = p;
      sum += p;
    }
  }
  if (params.topP < 1) {
    const { ids: candidates, mass } = nucleus(probs, n, params.topP * sum);
    const u = rng.next() * mass;
    let c = 0;
    for (const i of candidates) {
      c += probs[i]!;
      if (u < c) return i;
    }
    return candidates[candidates.length - 1] as number;
  }
  const u = rng.next() * sum;
  let acc = 0;
  let last = 0;
  for (let i = 0; i < n; i++) {
    const p = probs[i]!;
    if (p > 0) last = i;
    acc += p;
    if (u < acc) return i;
  }
  return last;
}

/** Ids ordered by probability, highest first, ties by the lower id. */
const byProbability = (probs: Float64Array) => (a: number, b: number) => probs[b]! - probs[a]! || a - b;

/**
 * The nucleus: the shortest prefix of the ids ordered by probability (highest first, ties by the
 * lower id) whose running sum reaches `target` (every id when rounding keeps the sum below it),
 * with that sum. Only the ids at or above a threshold are sorted first (their order is the full
 * order's prefix, and the sum runs over the same values in the same order, so the result equals a
 * full sort's, whatever the threshold); a full sort is the fallback when they do not reach the target.
 */
export function nucleus(probs: Float64Array, n: number, target: number): { ids: number[]; mass: number } {
  const threshold = target / 4096;
  const likely: number[] = [];
  for (let i = 0; i < n; i++) if (probs[i]! >= threshold) likely.push(i);
  const taken = takeUntil(likely.sort(byProbability(probs)), probs, target);
  if (taken.reached) return taken;
  return takeUntil(Array.from({ length: n }, (_, i) => i).sort(byProbability(probs)), probs, target);
}

/** The shortest prefix of `order` whose running sum reaches `target` (all of it when none does), and that sum. */
function takeUntil(
  order: number[],
  probs: Float64Array,
  target: number,
): { ids: number[]; mass: number; reached: boolean } {
  let mass = 0;
  for (let k = 0; k < order.length; k++) {
    mass += probs[order[k]!]!;
    if (mass >= target) return { ids: order.slice(0, k + 1), mass, reached: true };
  }
  return { ids: order, mass, reached: false };
}
