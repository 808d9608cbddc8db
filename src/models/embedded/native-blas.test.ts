/**
 * The native fast path (native-blas.ts) against the wasm path it replaces: every matmul shape the
 * kernels take, the model's loss and gradients, and determinism on each path. Runs on both paths
 * when the addon is built; says so, and checks only the fallback, when it is not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.ts';
import { tf, useBackend } from './backend.ts';
import { createModel, type GptConfigInput, type GptModel } from './gpt.ts';
import { activeNative, describeComputePath, nativeStatus, setNativePath } from './native-blas.ts';
import { targetLogprobs } from './ops.ts';

const status = nativeStatus();
// contexts above 64 positions: the native attention works in blocks of 64 query rows
const SMALL: GptConfigInput = { vocabSize: 97, contextLength: 160, dModel: 32, nLayers: 2, nHeads: 4 };

function values(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.next() * 2 - 1);
}

function ids(n: number, vocab: number, seed: number): Int32Array {
  const rng = createRng(seed);
  return Int32Array.from({ length: n }, () => rng.int(vocab));
}

/** Largest |a - b| relative to the largest |b| (at least 1e-3). */
function relDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  let m = 1e-3;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs((a[i] as number) - (b[i] as number)));
    m = Math.max(m, Math.abs(b[i] as number));
  }
  return d / m;
}

function lossAndGrads(model: GptModel, x: Int32Array, y: Int32Array, b: number, t: number) {
  const { value, grads } = tf.variableGrads(
    () => tf.neg(tf.mean(targetLogprobs(model.logits(model.hidden(x, b, t)), y))) as tf.Scalar,
    [...model.params.values()],
  );
  const out = new Map<string, Float32Array>();
  for (const [name, v] of model.params)
    out.set(name, (grads[v.name] as tf.Tensor).dataSync() as Float32Array);
  const loss = value.dataSync()[0] as number;
  tf.dispose([value, ...Object.values(grads)]);
  return { loss, grads: out };
}

/** Run `f` on the wasm path and on the native path; returns [wasm, native]. */
function bothPaths<T>(f: () => T): [T, T] {
  expect(setNativePath(false)).toBe(false);
  const wasm = f();
  expect(setNativePath(true)).toBe(true);
  const native = f();
  return [wasm, native];
}

beforeAll(async () => {
  await useBackend('wasm');
  if (!status.available)
    console.warn(`native fast path ABSENT (${status.detail}): only the wasm path is tested here`);
});

afterAll(async () => {
  await useBackend('wasm');
});

describe(`native fast path (${status.available ? 'present' : `ABSENT: ${status.detail}`})`, () => {
  it('is active exactly when the addon is available, and describes the path in use', async () => {
    expect(await useBackend('wasm')).toBe(status.available);
    expect(activeNative() !== undefined).toBe(status.available);
    expect(describeComputePath()).toMatch(status.available ? /^native \(OpenBLAS/ : /^tfjs-wasm/);
    expect(await useBackend('wasm', false)).toBe(false);
    expect(describeComputePath()).toMatch(/^tfjs-wasm/);
    await useBackend('wasm');
  });

  it.skipIf(!status.available)(
    'computes every matmul form (transposes, batches, broadcast, fused bias) as the wasm kernels do',
    () => {
      const cases: { a: number[]; b: number[]; ta: boolean; tb: boolean; bias?: boolean }[] = [
        { a: [7, 5], b: [5, 3], ta: false, tb: false },
        { a: [5, 7], b: [5, 3], ta: true, tb: false },
        { a: [7, 5], b: [3, 5], ta: false, tb: true },
        { a: [5, 7], b: [3, 5], ta: true, tb: true },
        { a: [4, 7, 5], b: [4, 5, 3], ta: false, tb: false },
        { a: [4, 7, 5], b: [5, 3], ta: false, tb: false },
        { a: [7, 5], b: [2, 3, 5], ta: false, tb: true },
        { a: [33, 17], b: [17, 65], ta: false, tb: false, bias: true },
        { a: [1, 17], b: [17, 9], ta: false, tb: false, bias: true },
      ];
      for (const [i, c] of cases.entries()) {
        const run = () =>
          tf.tidy(() => {
            const a = tf.tensor(
              values(
                c.a.reduce((x, y) => x * y),
                10 + i,
              ),
              c.a,
            );
            const b = tf.tensor(
              values(
                c.b.reduce((x, y) => x * y),
                20 + i,
              ),
              c.b,
            );
            const n = c.b[c.tb ? c.b.length - 2 : c.b.length - 1] as number;
            const out = c.bias
              ? tf.fused.matMul({
                  a,
                  b,
                  bias: tf.tensor1d(values(n, 30 + i)),
                  transposeA: c.ta,
                  transposeB: c.tb,
                })
              : tf.matMul(a, b, c.ta, c.tb);
            return { shape: out.shape, data: out.dataSync() as Float32Array };
          });
        const [w, nat] = bothPaths(run);
        expect(nat.shape, JSON.stringify(c)).toEqual(w.shape);
        expect(relDiff(nat.data, w.data), JSON.stringify(c)).toBeLessThan(1e-5);
      }
    },
  );

  it.skipIf(!status.available)(
    'gives the loss and every gradient of the wasm path to float tolerance',
    () => {
      const b = 3;
      const t = 40;
      const x = ids(b * t, 97, 1);
      const y = ids(b * t, 97, 2);
      const [w, nat] = bothPaths(() => {
        const m = createModel(SMALL, 5);
        const r = lossAndGrads(m, x, y, b, t);
        m.dispose();
        return r;
      });
      expect(Math.abs(nat.loss - w.loss)).toBeLessThan(1e-5);
      for (const [name, g] of w.grads)
        expect(relDiff(nat.grads.get(name) as Float32Array, g), name).toBeLessThan(1e-4);
    },
  );

  it('repeats bit for bit on each path, and leaks no tensors', () => {
    const b = 2;
    const t = 24;
    const x = ids(b * t, 97, 3);
    const y = ids(b * t, 97, 4);
    const run = () => {
      const m = createModel(SMALL, 6);
      const before = tf.memory().numTensors;
      const r = lossAndGrads(m, x, y, b, t);
      expect(tf.memory().numTensors).toBe(before);
      m.dispose();
      return r;
    };
    for (const native of status.available ? [false, true] : [false]) {
      setNativePath(native);
      const r1 = run();
      const r2 = run();
      expect(r1.loss).toBe(r2.loss);
      for (const [name, g] of r1.grads)
        expect(
          Buffer.from(g.buffer).equals(Buffer.from((r2.grads.get(name) as Float32Array).buffer)),
          name,
        ).toBe(true);
    }
    setNativePath(true);
  });
});
