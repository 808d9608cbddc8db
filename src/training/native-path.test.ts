/**
 * A short training curve on the native fast path against the wasm path (same data, seed and
 * schedule): the losses and final weights agree to float tolerance (summation order differs, so
 * not bit for bit), and data-parallel workers follow the main thread's path. Skipped, saying so,
 * when the addon is not built.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../models/embedded/backend.ts';
import { createModel } from '../models/embedded/gpt.ts';
import { nativeStatus, setNativePath } from '../models/embedded/native-blas.ts';
import { trainTokenizer } from '../models/embedded/tokenizer.ts';
import { TINY_CORPUS as CORPUS } from './test-corpus.ts';
import { trainLanguageModel } from './trainer.ts';

const status = nativeStatus();
const tok = trainTokenizer([...CORPUS, ...CORPUS], 360);

async function curve(native: boolean, threads: number) {
  await useBackend('wasm', native);
  const model = createModel(
    { vocabSize: tok.vocabSize, contextLength: 64, dModel: 32, nLayers: 2, nHeads: 4 },
    7,
  );
  const r = await trainLanguageModel(model, tok, CORPUS, {
    epochs: 4,
    maxSteps: 8,
    batchTokens: 256,
    maxBatchSize: 4,
    warmupSteps: 2,
    learningRate: 3e-3,
    seed: 2,
    threads,
  });
  const weights = model.readValues();
  model.dispose();
  return { losses: r.losses, weights, threads: r.threads };
}

function maxRel(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  let worst = 0;
  for (const [name, x] of a) {
    const y = b.get(name) as Float32Array;
    let d = 0;
    let m = 1e-3;
    x.forEach((v, i) => {
      d = Math.max(d, Math.abs(v - (y[i] as number)));
      m = Math.max(m, Math.abs(y[i] as number));
    });
    worst = Math.max(worst, d / m);
  }
  return worst;
}

beforeAll(async () => {
  await useBackend('wasm');
});
afterAll(async () => {
  await useBackend('wasm');
  setNativePath(true);
});

describe(`training on the native path (${status.available ? 'present' : `ABSENT: ${status.detail}`})`, () => {
  it.skipIf(!status.available)('follows the training curve of the wasm path to float tolerance', async () => {
    const wasm = await curve(false, 1);
    const native = await curve(true, 1);
    expect(native.losses).toHaveLength(8);
    native.losses.forEach((l, i) => {
      expect(Math.abs(l - (wasm.losses[i] as number)), `step ${i + 1}`).toBeLessThan(1e-4 * Math.max(1, l));
    });
    expect(maxRel(native.weights, wasm.weights)).toBeLessThan(1e-3);
    // and repeats itself bit for bit
    const again = await curve(true, 1);
    expect(again.losses).toEqual(native.losses);
  });

  it.skipIf(!status.available)(
    'runs data-parallel workers on the native path too',
    async () => {
      const one = await curve(true, 1);
      const two = await curve(true, 2);
      expect(two.threads).toBe(2);
      two.losses.forEach((l, i) => {
        expect(Math.abs(l - (one.losses[i] as number)), `step ${i + 1}`).toBeLessThan(1e-4 * Math.max(1, l));
      });
    },
    60_000,
  );
});
