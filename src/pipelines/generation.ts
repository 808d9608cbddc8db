import type { GenerateRequest, GenerateResult, Policy } from '../spec/policy.ts';
import { contentKey, type KeyedCache } from '../store/keyed-cache.ts';

/**
 * Generates for many requests in fixed-size chunks, each chunk remembered under (model, requests):
 * the chunks are the same on every run, so a resumed run replays finished chunks instead of sampling
 * them again and gets bit-identical results.
 */
export async function generateCached(input: {
  policy: Policy;
  /** Identifies the weights (e.g. `tsp-s1-r2`): a cache entry is only valid for the same model. */
  modelKey: string;
  requests: readonly GenerateRequest[];
  cache: KeyedCache<GenerateResult[]>;
  chunkSize: number;
  onChunk?: (done: number, total: number) => void;
}): Promise<GenerateResult[]> {
  const { policy, requests, cache } = input;
  const out: GenerateResult[] = [];
  // announced before the first chunk, so that a progress display times the whole phase
  input.onChunk?.(0, requests.length);
  for (let i = 0; i < requests.length; i += input.chunkSize) {
    const chunk = requests.slice(i, i + input.chunkSize);
    const key = contentKey({ m: input.modelKey, r: chunk });
    let results = cache.get(key);
    if (!results) {
      // Per-token log-probs are not needed to build trees and would bloat the cache.
      results = (await policy.generate(chunk)).map((r) => ({
        ...r,
        generations: r.generations.map(({ text, finishReason, completionTokens }) => ({
          text,
          finishReason,
          completionTokens,
        })),
      }));
      cache.set(key, results);
    }
    out.push(...results);
    input.onChunk?.(Math.min(i + input.chunkSize, requests.length), requests.length);
  }
  return out;
}
