/**
 * Choosing the next token from logits: temperature, nucleus (top-p) truncation, greedy at
 * temperature 0. The log-prob reported for a token is the model's own (temperature 1, untruncated)
 * log-softmax, the same quantity `score()` returns.
 */
import type { Rng } from '../../core/rng.ts';

export interface SamplingParams {
  temperature: number;
  topP: number;
}

/** log-softmax of logits[offset, offset + n) at index `id`. */
export function logSoftmaxAt(logits: Float32Array, offset: number, n: number, id: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) max = Math.max(max, logits[offset + i] as number);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.exp((logits[offset + i] as number) - max);
  return (logits[offset + id] as number) - max - Math.log(sum);
}

/** Sample a token id from logits[offset, offset + n). */
export function sampleToken(
  logits: Float32Array,
  offset: number,
  n: number,
  params: SamplingParams,
  rng: Rng,
): number {
  const get = (i: number): number => logits[offset + i] as number;
  if (params.temperature <= 0) {
    let best = 0;
    for (let i = 1; i < n; i++) if (get(i) > get(best)) best = i;
    return best;
  }
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) max = Math.max(max, get(i));
  const probs = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const p = Math.exp((get(i) - max) / params.temperature);
    probs[i] = p;
    sum += p;
  }
  let candidates: number[] | undefined;
  let total = sum;
  if (params.topP < 1) {
    const order = Array.from({ length: n }, (_, i) => i).sort(
      (a, b) => (probs[b] as number) - (probs[a] as number) || a - b,
    );
    candidates = [];
    let acc = 0;
    for (const i of order) {
      candidates.push(i);
      acc += probs[i] as number;
      if (acc >= params.topP * sum) break;
    }
    total = acc;
  }
  const u = rng.next() * total;
  let acc = 0;
  if (candidates) {
    for (const i of candidates) {
      acc += probs[i] as number;
      if (u < acc) return i;
    }
    return candidates[candidates.length - 1] as number;
  }
  let last = 0;
  for (let i = 0; i < n; i++) {
    const p = probs[i] as number;
    if (p > 0) last = i;
    acc += p;
    if (u < acc) return i;
  }
  return last;
}
