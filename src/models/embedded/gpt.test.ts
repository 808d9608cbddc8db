import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.ts';
import { tf, useBackend } from './backend.ts';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { cloneModel, createModel, type GptConfigInput, type GptModel } from './gpt.ts';
import { copyRow, createArena, decodeStep, prefill, readDecodeTables } from './kv-cache.ts';
import { nativeStatus, setNativePath } from './native-blas.ts';
import { targetLogprobs } from './ops.ts';
import { trainTokenizer } from './tokenizer.ts';

const TINY: GptConfigInput = { vocabSize: 40, contextLength: 16, dModel: 16, nLayers: 2, nHeads: 2 };

function randomIds(n: number, vocab: number, seed: number): Int32Array {
  const rng = createRng(seed);
  return Int32Array.from({ length: n }, () => rng.int(vocab));
}

/** Mean NLL of next tokens plus a weighted term, so every parameter gets a gradient. */
function lossOf(model: GptModel, ids: Int32Array, targets: Int32Array, b: number, t: number): tf.Scalar {
  return tf.neg(tf.mean(targetLogprobs(model.logits(model.hidden(ids, b, t)), targets))) as tf.Scalar;
}

function gradsOf(model: GptModel, ids: Int32Array, targets: Int32Array, b: number, t: number) {
  const { value, grads } = tf.variableGrads(
    () => lossOf(model, ids, targets, b, t),
    [...model.params.values()],
  );
  const out = new Map<string, Float32Array>();
  for (const [name, v] of model.params)
    out.set(name, new Float32Array((grads[v.name] as tf.Tensor).dataSync()));
  const loss = value.dataSync()[0] as number;
  tf.dispose([value, ...Object.values(grads)]);
  return { loss, grads: out };
}

describe('GPT on tfjs', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('has the parameter count of the GPT-2 layout (~1M for the default size)', () => {
    const m = createModel({ vocabSize: 2048, contextLength: 256, dModel: 128, nLayers: 4, nHeads: 4 }, 1);
    // wte 2048*128 + wpe 256*128 + 4 * (12*128^2 + 13*128) + 2*128
    expect(m.parameterCount()).toBe(2048 * 128 + 256 * 128 + 4 * (12 * 128 * 128 + 13 * 128) + 2 * 128);
    m.dispose();
  });

  it('computes the same loss and gradients on wasm and on the cpu backend', async () => {
    const b = 2;
    const t = 12;
    const ids = randomIds(b * t, 40, 3);
    const targets = randomIds(b * t, 40, 4);
    await useBackend('cpu');
    const mc = createModel(TINY, 11);
    const cpu = gradsOf(mc, ids, targets, b, t);
    mc.dispose();
    await useBackend('wasm');
    const mw = createModel(TINY, 11);
    const wasm = gradsOf(mw, ids, targets, b, t);
    mw.dispose();
    expect(wasm.loss).toBeCloseTo(cpu.loss, 5);
    for (const [name, g] of cpu.grads) {
      const w = wasm.grads.get(name) as Float32Array;
      let maxDiff = 0;
      let maxAbs = 0;
      g.forEach((x, i) => {
        maxDiff = Math.max(maxDiff, Math.abs(x - (w[i] as number)));
        maxAbs = Math.max(maxAbs, Math.abs(x));
      });
      expect(maxDiff, name).toBeLessThan(1e-5 + 1e-3 * maxAbs);
    }
  });

  it('has gradients that match finite differences for every parameter', async () => {
    await useBackend('cpu');
    const b = 2;
    const t = 6;
    const ids = randomIds(b * t, 40, 5);
    const targets = randomIds(b * t, 40, 6);
    const m = createModel(TINY, 12);
    // make LayerNorm gains and biases non-trivial so their gradients are exercised
    const vals = m.readValues();
    const rng = createRng(9);
    for (const [name, v] of vals)
      if (/ln|b(qkv|proj|fc)$/.test(name))
        v.forEach((x, i) => {
          v[i] = x + 0.3 * (rng.next() - 0.5);
        });
    m.writeValues(vals);
    const { grads } = gradsOf(m, ids, targets, b, t);
    const eps = 1e-2;
    for (const [name, v] of m.readValues()) {
      const dir = Float32Array.from(v, () => rng.next() - 0.5);
      const g = grads.get(name) as Float32Array;
      const analytic = g.reduce((s, x, i) => s + x * (dir[i] as number), 0);
      const at = (sign: number): number => {
        const moved = new Map(vals);
        moved.set(
          name,
          Float32Array.from(v, (x, i) => x + sign * eps * (dir[i] as number)),
        );
        m.writeValues(moved);
        const l = tf.tidy(() => lossOf(m, ids, targets, b, t).dataSync()[0] as number);
        return l;
      };
      const numeric = (at(1) - at(-1)) / (2 * eps);
      m.writeValues(vals);
      expect(Math.abs(numeric - analytic), `${name}: numeric ${numeric} analytic ${analytic}`).toBeLessThan(
        2e-3 + 2e-2 * Math.abs(analytic),
      );
    }
    m.dispose();
    await useBackend('wasm');
  });

  it.each(
    [false, true].flatMap((simd) =>
      (nativeStatus().available ? ['wasm', 'native'] : ['wasm']).map((path) => [simd, path] as const),
    ),
  )('gives the same logits with the KV cache as with the full forward (simd %s, %s path)', (simd, path) => {
    setNativePath(path === 'native');
    const m = createModel({ ...TINY, contextLength: 24 }, 13);
    const seqA = Array.from(randomIds(20, 40, 7));
    const seqB = Array.from(randomIds(9, 40, 8));
    const full = (seq: number[]) =>
      tf.tidy(() => m.logits(m.hidden(Int32Array.from(seq), 1, seq.length)).dataSync() as Float32Array);
    const fullA = full(seqA);
    const fullB = full(seqB);
    const pre = prefill(m, [seqA.slice(0, 5), seqB.slice(0, 3)], 24);
    const { logits } = pre;
    // the SIMD-arena rows (used by the Policy) and plain JS rows must both match
    const arena = simd ? createArena(m, 2, 24) : undefined;
    if (simd) expect(arena).toBeDefined();
    const rows = pre.rows.map((r) => copyRow(m, r, 24, arena));
    const close = (a: Float32Array, b: Float32Array) => {
      expect(a.length).toBe(b.length);
      a.forEach((x, i) => {
        expect(Math.abs(x - (b[i] as number))).toBeLessThan(1e-4);
      });
    };
    close(logits[0] as Float32Array, fullA.slice(4 * 40, 5 * 40));
    close(logits[1] as Float32Array, fullB.slice(2 * 40, 3 * 40));
    const tables = readDecodeTables(m);
    // decode both rows together while both have tokens, then A alone (rows of different lengths)
    for (let step = 0; step < 15; step++) {
      const feedB = 3 + step < seqB.length;
      const rs = feedB ? [rows[0], rows[1]] : [rows[0]];
      const toks = feedB ? [seqA[5 + step] as number, seqB[3 + step] as number] : [seqA[5 + step] as number];
      const out = decodeStep(m, tables, rs as never, toks);
      close(out.subarray(0, 40), fullA.slice((5 + step) * 40, (6 + step) * 40));
      if (feedB) close(out.subarray(40, 80), fullB.slice((3 + step) * 40, (4 + step) * 40));
    }
    tables.dispose();
    m.dispose();
    setNativePath(true);
  });

  it('round-trips a checkpoint bit-exactly, tokenizer and config included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tsp-ckpt-'));
    try {
      const tok = trainTokenizer(['def f(x):\n    return x\n', 'def f(x):\n    return x\n'], 280);
      const m = createModel({ ...TINY, vocabSize: tok.vocabSize }, 21);
      await saveCheckpoint(dir, m, tok, { step: 7 });
      const back = await loadCheckpoint(dir);
      expect(back.model.config).toEqual(m.config);
      expect(back.extra).toEqual({ step: 7 });
      expect(back.tokenizer.merges).toEqual(tok.merges);
      const a = m.readValues();
      for (const [name, v] of back.model.readValues()) {
        const orig = a.get(name) as Float32Array;
        expect(Buffer.from(v.buffer).equals(Buffer.from(orig.buffer)), name).toBe(true);
      }
      const clone = cloneModel(m);
      expect(clone.readValues()).toEqual(a);
      back.model.dispose();
      clone.dispose();
      m.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('leaks no tensors across forward/backward steps', () => {
    const m = createModel(TINY, 14);
    const ids = randomIds(24, 40, 1);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) gradsOf(m, ids, ids, 2, 12);
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });
});

afterAll(() => undefined);
