import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../models/embedded/backend.ts';
import { createModel, type GptModel } from '../models/embedded/gpt.ts';
import { trainTokenizer } from '../models/embedded/tokenizer.ts';
import { encodeDocument, encodeSupervised } from './batching.ts';
import { TINY_CORPUS as CORPUS } from './test-corpus.ts';
import { batchGradients, combineShards, nllOfSequences, splitBatch, trainLanguageModel } from './trainer.ts';

const tok = trainTokenizer([...CORPUS, ...CORPUS], 360);
const tiny = (seed: number): GptModel =>
  createModel({ vocabSize: tok.vocabSize, contextLength: 64, dModel: 32, nLayers: 2, nHeads: 2 }, seed);

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

beforeAll(async () => {
  await useBackend('wasm');
});

describe('data-parallel gradients', () => {
  it('splits a batch into balanced shards and leaves out shards with no weighted token', () => {
    const seqs = CORPUS.flatMap((t) => encodeDocument(tok, t, 64));
    const shards = splitBatch(seqs, 2);
    expect(shards).toHaveLength(2);
    expect(shards.flat()).toHaveLength(seqs.length);
    const sizes = shards.map((s) => s.reduce((a, x) => a + x.ids.length, 0));
    const longest = Math.max(...seqs.map((s) => s.ids.length));
    expect(Math.abs((sizes[0] as number) - (sizes[1] as number))).toBeLessThanOrEqual(longest);
    // an SFT example whose target is empty carries no weight
    const empty = { ...encodeSupervised(tok, { prompt: 'def f():', target: '' }, 64, false) };
    empty.weights.fill(0);
    expect(splitBatch([empty, seqs[0] as (typeof seqs)[number]], 2)).toHaveLength(1);
    expect(splitBatch(seqs.slice(0, 1), 4)).toHaveLength(1);
  });

  it('combines shard gradients, weighted by their tokens, into the whole batch gradient', () => {
    const model = tiny(3);
    const seqs = CORPUS.flatMap((t) => encodeDocument(tok, t, 64));
    const whole = batchGradients(model, nllOfSequences, seqs);
    const shards = splitBatch(seqs, 3);
    expect(shards).toHaveLength(3);
    const combined = combineShards(
      shards.map((s) => batchGradients(model, nllOfSequences, s)),
      shards,
    );
    expect(combined.loss).toBeCloseTo(whole.loss, 5);
    expect(combined.tokens).toBe(whole.tokens);
    for (const [name, g] of whole.grads) {
      const c = combined.grads.get(name) as Float32Array;
      const scale = Math.max(...g.map(Math.abs), 1e-6);
      expect(maxAbsDiff(c, g) / scale, name).toBeLessThan(1e-4);
    }
    // an unweighted mean of the shards would differ: the weighting is what makes them equal
    const plain = combineShards(
      shards.map((s) => batchGradients(model, nllOfSequences, s)),
      shards.map(() => shards[0] as (typeof shards)[number]),
    );
    expect(Math.abs(plain.loss - whole.loss)).toBeGreaterThan(1e-4);
    model.dispose();
  });

  it('trains with a worker thread to the same weights as one thread', async () => {
    const texts = [...CORPUS, ...CORPUS.map((t) => t.replace(/a/g, 'x'))];
    const config = {
      epochs: 2,
      learningRate: 3e-3,
      warmupSteps: 1,
      batchTokens: 256,
      maxBatchSize: 8,
      seed: 5,
    };
    const one = tiny(1);
    const two = tiny(1);
    const a = await trainLanguageModel(one, tok, texts, config);
    const b = await trainLanguageModel(two, tok, texts, { ...config, threads: 2 });
    expect([a.threads, b.threads]).toEqual([1, 2]);
    expect(b.steps).toBe(a.steps);
    expect(a.steps).toBeGreaterThan(2);
    for (let i = 0; i < a.losses.length; i++) expect(b.losses[i]).toBeCloseTo(a.losses[i] as number, 3);
    const [wa, wb] = [one.readValues(), two.readValues()];
    for (const [name, v] of wa) expect(maxAbsDiff(v, wb.get(name) as Float32Array), name).toBeLessThan(1e-3);
    one.dispose();
    two.dispose();
  }, 60_000);
});
