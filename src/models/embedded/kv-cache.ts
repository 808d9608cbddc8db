/**
 * Incremental decoding with a key/value cache. The prompt is run once through the full forward
 * (right-padded batches; causal attention makes padding harmless) and its keys/values are copied
 * into per-row JS buffers; each decode step then runs the dense layers for all active rows as one
 * [rows, d] batch on the backend and computes attention for each row over its own cache in JS
 * (one query per row: a few thousand multiply-adds per head, cheaper than the kernel launches).
 * Rows may have different lengths; a finished row simply leaves the active set.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GptModel } from './gpt.ts';
import { gelu, layerNorm, linear } from './ops.ts';

export interface CacheRow {
  /** Per layer: keys and values, [heads, capacity, headDim] each. */
  k: Float32Array[];
  v: Float32Array[];
  /** Positions filled so far. */
  length: number;
  capacity: number;
}

function newRow(model: GptModel, capacity: number): CacheRow {
  const { nLayers, nHeads } = model.config;
  const size = nHeads * capacity * model.headDim;
  return {
    k: Array.from({ length: nLayers }, () => new Float32Array(size)),
    v: Array.from({ length: nLayers }, () => new Float32Array(size)),
    length: 0,
    capacity,
  };
}

/** A copy of `row` with room for `capacity` positions (the prompt shared by n samples). */
export function copyRow(model: GptModel, row: CacheRow, capacity = row.capacity): CacheRow {
  const out = newRow(model, capacity);
  const hd = model.headDim;
  const n = row.length * hd;
  for (let l = 0; l < model.config.nLayers; l++)
    for (let h = 0; h < model.config.nHeads; h++) {
      const src = h * row.capacity * hd;
      const dst = h * capacity * hd;
      (out.k[l] as Float32Array).set((row.k[l] as Float32Array).subarray(src, src + n), dst);
      (out.v[l] as Float32Array).set((row.v[l] as Float32Array).subarray(src, src + n), dst);
    }
  out.length = row.length;
  return out;
}

/**
 * Run prompts (token ids, each non-empty) through the model; returns one cache row per prompt
 * (with room for `capacity` positions) and the logits [vocab] after each prompt's last token.
 */
export function prefill(
  model: GptModel,
  prompts: readonly (readonly number[])[],
  capacity: number,
  maxBatchTokens = 8192,
): { rows: CacheRow[]; logits: Float32Array[] } {
  const rows: CacheRow[] = new Array(prompts.length);
  const logits: Float32Array[] = new Array(prompts.length);
  const order = prompts
    .map((_, i) => i)
    .sort((a, b) => (prompts[a]?.length ?? 0) - (prompts[b]?.length ?? 0));
  const hd = model.headDim;
  const heads = model.config.nHeads;
  const vocab = model.config.vocabSize;
  let at = 0;
  while (at < order.length) {
    // a group of similar lengths (sorted), padded to the longest
    const group: number[] = [];
    let t = 0;
    while (at < order.length) {
      const i = order[at] as number;
      const len = (prompts[i] as readonly number[]).length;
      if (group.length > 0 && Math.max(t, len) * (group.length + 1) > maxBatchTokens) break;
      group.push(i);
      t = Math.max(t, len);
      at++;
    }
    const b = group.length;
    const ids = new Int32Array(b * t);
    group.forEach((i, r) => {
      ids.set(prompts[i] as readonly number[], r * t);
    });
    for (const i of group) rows[i] = newRow(model, capacity);
    const last = tf.tidy(() => {
      const hidden = model.hidden(ids, b, t, (layer, kv) => {
        group.forEach((i, r) => {
          const row = rows[i] as CacheRow;
          const len = (prompts[i] as readonly number[]).length;
          for (let h = 0; h < heads; h++) {
            const kd = (kv.k[r * heads + h] as tf.Tensor).dataSync() as Float32Array;
            const vd = (kv.v[r * heads + h] as tf.Tensor).dataSync() as Float32Array;
            const dst = h * capacity * hd;
            (row.k[layer] as Float32Array).set(kd.subarray(0, len * hd), dst);
            (row.v[layer] as Float32Array).set(vd.subarray(0, len * hd), dst);
          }
        });
      });
      const pick = tf.tensor1d(
        group.map((i, r) => r * t + (prompts[i] as readonly number[]).length - 1),
        'int32',
      );
      return model.logits(tf.gather(hidden, pick) as tf.Tensor2D);
    });
    const data = last.dataSync() as Float32Array;
    last.dispose();
    group.forEach((i, r) => {
      (rows[i] as CacheRow).length = (prompts[i] as readonly number[]).length;
      logits[i] = data.slice(r * vocab, (r + 1) * vocab);
    });
  }
  return { rows, logits };
}

/** Weights needed on the JS side during decoding (token and position tables). */
export interface DecodeTables {
  wte: Float32Array;
  wpe: Float32Array;
  /** wte transposed [d, vocab] on the backend, so the output matmul takes the fast path. */
  wteT: tf.Tensor2D;
  dispose(): void;
}

/** Read the tables once per generation; call dispose() when done. */
export function readDecodeTables(model: GptModel): DecodeTables {
  const wteT = tf.tidy(() => tf.transpose(model.p('wte')) as tf.Tensor2D);
  return {
    wte: model.p('wte').dataSync() as Float32Array,
    wpe: model.p('wpe').dataSync() as Float32Array,
    wteT,
    dispose: () => wteT.dispose(),
  };
}

/**
 * Feed one token per row at the row's next position; appends to each row's cache and returns
 * the next-token logits [rows * vocab].
 */
export function decodeStep(
  model: GptModel,
  tables: DecodeTables,
  rows: readonly CacheRow[],
  tokens: readonly number[],
): Float32Array {
  const c = model.config;
  const d = c.dModel;
  const heads = c.nHeads;
  const hd = model.headDim;
  const r = rows.length;
  const scale = 1 / Math.sqrt(hd);
  const x0 = new Float32Array(r * d);
  rows.forEach((row, i) => {
    const tok = tokens[i] as number;
    const pos = row.length;
    for (let j = 0; j < d; j++)
      x0[i * d + j] = (tables.wte[tok * d + j] as number) + (tables.wpe[pos * d + j] as number);
  });
  const maxLen = Math.max(...rows.map((row) => row.length + 1));
  const scores = new Float32Array(maxLen);
  const out = tf.tidy(() => {
    let x = tf.tensor2d(x0, [r, d]);
    for (let l = 0; l < c.nLayers; l++) {
      const p = `h.${l}.`;
      const a = layerNorm(x, model.p(`${p}ln1.g`), model.p(`${p}ln1.b`), c.layerNormEps);
      const qkv = linear(a, model.p(`${p}attn.wqkv`), model.p(`${p}attn.bqkv`)).dataSync() as Float32Array;
      const y = new Float32Array(r * d);
      rows.forEach((row, i) => {
        const kc = row.k[l] as Float32Array;
        const vc = row.v[l] as Float32Array;
        const pos = row.length;
        const base = i * 3 * d;
        for (let h = 0; h < heads; h++) {
          const cacheBase = h * row.capacity * hd;
          const kDst = cacheBase + pos * hd;
          for (let j = 0; j < hd; j++) {
            kc[kDst + j] = qkv[base + d + h * hd + j] as number;
            vc[kDst + j] = qkv[base + 2 * d + h * hd + j] as number;
          }
          const qOff = base + h * hd;
          let max = Number.NEGATIVE_INFINITY;
          for (let s = 0; s <= pos; s++) {
            let dot = 0;
            const kOff = cacheBase + s * hd;
            for (let j = 0; j < hd; j++) dot += (qkv[qOff + j] as number) * (kc[kOff + j] as number);
            dot *= scale;
            scores[s] = dot;
            if (dot > max) max = dot;
          }
          let sum = 0;
          for (let s = 0; s <= pos; s++) {
            const e = Math.exp((scores[s] as number) - max);
            scores[s] = e;
            sum += e;
          }
          const yOff = i * d + h * hd;
          for (let s = 0; s <= pos; s++) {
            const w = (scores[s] as number) / sum;
            const vOff = cacheBase + s * hd;
            for (let j = 0; j < hd; j++) y[yOff + j] = (y[yOff + j] as number) + w * (vc[vOff + j] as number);
          }
        }
      });
      x = tf.add(x, linear(tf.tensor2d(y, [r, d]), model.p(`${p}attn.wproj`), model.p(`${p}attn.bproj`)));
      const m = layerNorm(x, model.p(`${p}ln2.g`), model.p(`${p}ln2.b`), c.layerNormEps);
      const fc = gelu(linear(m, model.p(`${p}mlp.wfc`), model.p(`${p}mlp.bfc`)));
      x = tf.add(x, linear(fc, model.p(`${p}mlp.wproj`), model.p(`${p}mlp.bproj`)));
    }
    return tf.matMul(layerNorm(x, model.p('lnf.g'), model.p('lnf.b'), c.layerNormEps), tables.wteT);
  });
  const logits = out.dataSync() as Float32Array;
  out.dispose();
  for (const row of rows) row.length++;
  return logits;
}
