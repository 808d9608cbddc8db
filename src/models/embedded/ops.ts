/**
 * Differentiable building blocks tuned for tfjs-backend-wasm. On wasm only a plain 2-D matmul
 * (no transpose flags, batch 1) reaches XNNPACK; transposed and batched matmuls fall back to a
 * naive loop, and the embedding gradient kernel (UnsortedSegmentSum) is missing. So each block
 * below is one custom-gradient op whose forward and backward use only 2-D matmuls with explicit
 * transposes; attention loops over (sequence, head) slices; the embedding gradient is a JS
 * scatter-add. Blocks run as single kernels, so tfjs records no intermediate ops on the tape.
 */
import * as tf from '@tensorflow/tfjs-core';

type GradSave = (tensors: tf.Tensor[]) => void;
type Arg = tf.Tensor | GradSave;

/** x [m, k] @ w [k, n] (+ bias [n]); all gradients are plain 2-D matmuls. */
export function linear(x: tf.Tensor2D, w: tf.Tensor, bias?: tf.Tensor): tf.Tensor2D {
  if (!bias) return linearNoBias(x, w);
  return linearBias(x, w, bias);
}

const linearNoBias = tf.customGrad((a: Arg, b: Arg, save: Arg) => {
  const x = a as tf.Tensor2D;
  const w = b as tf.Tensor2D;
  (save as GradSave)([x, w]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      const g = dy as tf.Tensor2D;
      return [tf.matMul(g, tf.transpose(sw)), tf.matMul(tf.transpose(sx), g)];
    },
  };
}) as (x: tf.Tensor, w: tf.Tensor) => tf.Tensor2D;

const linearBias = tf.customGrad((a: Arg, b: Arg, c: Arg, save: Arg) => {
  const x = a as tf.Tensor2D;
  const w = b as tf.Tensor2D;
  (save as GradSave)([x, w]);
  return {
    value: tf.fused.matMul({ a: x, b: w, bias: c as tf.Tensor }),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      const g = dy as tf.Tensor2D;
      return [tf.matMul(g, tf.transpose(sw)), tf.matMul(tf.transpose(sx), g), sumRows(g)];
    },
  };
}) as (x: tf.Tensor, w: tf.Tensor, bias: tf.Tensor) => tf.Tensor2D;

/** Logits with the output tied to the embedding: h [m, d] @ wte[v, d]^T -> [m, v]. */
export const tiedLogits = tf.customGrad((a: Arg, b: Arg, save: Arg) => {
  const h = a as tf.Tensor2D;
  const wte = b as tf.Tensor2D;
  (save as GradSave)([h, wte]);
  return {
    value: tf.matMul(h, tf.transpose(wte)),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sh, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      const g = dy as tf.Tensor2D;
      return [tf.matMul(g, sw), tf.transpose(tf.matMul(tf.transpose(sh), g))];
    },
  };
}) as (h: tf.Tensor, wte: tf.Tensor) => tf.Tensor2D;

/**
 * Token + position embeddings for `ids` [batch, t] (row-major) -> [batch*t, d]. The gradient is a
 * scatter-add in JS (wasm has no UnsortedSegmentSum).
 */
export function embedTokens(
  wte: tf.Tensor,
  wpe: tf.Tensor,
  ids: Int32Array,
  batch: number,
  t: number,
): tf.Tensor2D {
  const [v, d] = wte.shape as [number, number];
  const ctx = wpe.shape[0] as number;
  const f = tf.customGrad((a: Arg, b: Arg) => {
    const idx = tf.tensor1d(ids, 'int32');
    const tok = tf.gather(a as tf.Tensor2D, idx);
    const pos = tf.slice(b as tf.Tensor2D, [0, 0], [t, d]);
    const value = tf.reshape(tf.add(tf.reshape(tok, [batch, t, d]), pos), [batch * t, d]) as tf.Tensor2D;
    return {
      value,
      gradFunc: (dy: tf.Tensor) => {
        const g = dy.dataSync() as Float32Array;
        const dwte = new Float32Array(v * d);
        const dwpe = new Float32Array(ctx * d);
        for (let i = 0; i < ids.length; i++) {
          const row = (ids[i] as number) * d;
          const prow = (i % t) * d;
          const src = i * d;
          for (let j = 0; j < d; j++) {
            const x = g[src + j] as number;
            dwte[row + j] = (dwte[row + j] as number) + x;
            dwpe[prow + j] = (dwpe[prow + j] as number) + x;
          }
        }
        return [tf.tensor2d(dwte, [v, d]), tf.tensor2d(dwpe, [ctx, d])];
      },
    };
  }) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor2D;
  return f(wte, wpe);
}

/** LayerNorm over the last axis of x [m, d] with gain and bias [d]. */
export function layerNorm(x: tf.Tensor2D, gain: tf.Tensor, bias: tf.Tensor, eps: number): tf.Tensor2D {
  let op = layerNormOps.get(eps);
  if (!op) {
    op = makeLayerNorm(eps);
    layerNormOps.set(eps, op);
  }
  return op(x, gain, bias);
}

type LayerNormOp = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor2D;
const layerNormOps = new Map<number, LayerNormOp>();

function makeLayerNorm(eps: number): LayerNormOp {
  return tf.customGrad((a: Arg, b: Arg, c: Arg, save: Arg) => {
    const x = a as tf.Tensor2D;
    const { mean, variance } = tf.moments(x, -1, true);
    const rstd = tf.rsqrt(tf.add(variance, eps));
    const xhat = tf.mul(tf.sub(x, mean), rstd);
    (save as GradSave)([xhat, rstd, b as tf.Tensor]);
    return {
      value: tf.add(tf.mul(xhat, b as tf.Tensor), c as tf.Tensor) as tf.Tensor2D,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sxhat, srstd, sg] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
        const dxhat = tf.mul(dy, sg);
        const m1 = tf.mean(dxhat, -1, true);
        const m2 = tf.mean(tf.mul(dxhat, sxhat), -1, true);
        const dx = tf.mul(tf.sub(tf.sub(dxhat, m1), tf.mul(sxhat, m2)), srstd);
        return [dx, sumRows(tf.mul(dy, sxhat) as tf.Tensor2D), sumRows(dy as tf.Tensor2D)];
      },
    };
  }) as LayerNormOp;
}

const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_A = 0.044715;

/** GELU, tanh approximation (PyTorch's approximate='tanh'), as x * sigmoid(2u): wasm's tanh is slow. */
export const gelu = tf.customGrad((a: Arg, save: Arg) => {
  const x = a as tf.Tensor;
  const x2 = tf.mul(x, x);
  // 2u = 2c(x + a x^3)
  const sg = tf.sigmoid(tf.mul(tf.mul(x, tf.add(tf.mul(x2, GELU_A), 1)), 2 * GELU_C));
  (save as GradSave)([x, sg]);
  return {
    value: tf.mul(x, sg),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, ss] = saved as [tf.Tensor, tf.Tensor];
      // d/dx x*s(2u) = s + x s (1-s) 2c (1 + 3a x^2)
      const du = tf.add(tf.mul(tf.mul(sx, sx), 3 * GELU_A * 2 * GELU_C), 2 * GELU_C);
      const right = tf.mul(tf.mul(tf.mul(sx, ss), tf.sub(1, ss)), du);
      return [tf.mul(dy, tf.add(ss, right))];
    },
  };
}) as <T extends tf.Tensor>(x: T) => T;

/** Column sums of m [r, c] -> [c], as a 1 x r matmul (a wasm Sum over axis 0 is ~25x slower). */
export function sumRows(m: tf.Tensor2D): tf.Tensor1D {
  return tf.reshape(tf.matMul(tf.ones([1, m.shape[0]]), m), [m.shape[1]]);
}

const maskCache = new Map<number, Float32Array>();

function causalMaskValues(t: number): Float32Array {
  let m = maskCache.get(t);
  if (!m) {
    m = new Float32Array(t * t);
    for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) m[i * t + j] = -1e9;
    maskCache.set(t, m);
  }
  return m;
}

/**
 * Split qkv [b*t, 3d] (columns q | k | v, each split into heads) into per-(sequence, head) slices
 * [t, hd], read once from the backend. On wasm every Slice/Unpack kernel copies its whole input
 * out of the heap, so many small slices of one big tensor are slow; one read plus JS copies is not.
 * `transposeK` gives k as [hd, t].
 */
export function splitHeads(
  qkv: tf.Tensor2D,
  batch: number,
  t: number,
  heads: number,
  transposeK = false,
): { q: tf.Tensor2D[]; k: tf.Tensor2D[]; v: tf.Tensor2D[] } {
  const d3 = qkv.shape[1];
  const d = d3 / 3;
  const hd = d / heads;
  const src = qkv.dataSync() as Float32Array;
  const q: tf.Tensor2D[] = [];
  const k: tf.Tensor2D[] = [];
  const v: tf.Tensor2D[] = [];
  for (let b = 0; b < batch; b++)
    for (let h = 0; h < heads; h++) {
      const qa = new Float32Array(t * hd);
      const ka = new Float32Array(t * hd);
      const va = new Float32Array(t * hd);
      for (let i = 0; i < t; i++) {
        const row = (b * t + i) * d3 + h * hd;
        for (let j = 0; j < hd; j++) {
          qa[i * hd + j] = src[row + j] as number;
          va[i * hd + j] = src[row + 2 * d + j] as number;
          if (transposeK) ka[j * t + i] = src[row + d + j] as number;
          else ka[i * hd + j] = src[row + d + j] as number;
        }
      }
      q.push(tf.tensor2d(qa, [t, hd]));
      k.push(tf.tensor2d(ka, transposeK ? [hd, t] : [t, hd]));
      v.push(tf.tensor2d(va, [t, hd]));
    }
  return { q, k, v };
}

/** Inverse of splitHeads for one group: slices [t, hd] in (sequence, head) order -> [b*t, heads*hd]. */
function mergeHeads(
  slices: tf.Tensor[],
  batch: number,
  t: number,
  heads: number,
  out?: Float32Array,
  stride?: number,
  col0 = 0,
): Float32Array {
  const hd = (slices[0] as tf.Tensor).shape[1] as number;
  const width = stride ?? heads * hd;
  const dst = out ?? new Float32Array(batch * t * width);
  slices.forEach((s, idx) => {
    const b = Math.floor(idx / heads);
    const h = idx % heads;
    const a = s.dataSync() as Float32Array;
    for (let i = 0; i < t; i++) {
      const row = (b * t + i) * width + col0 + h * hd;
      for (let j = 0; j < hd; j++) dst[row + j] = a[i * hd + j] as number;
    }
  });
  return dst;
}

/** Split dy [b*t, heads*hd] into per-(sequence, head) slices [t, hd]. */
function splitMerged(y: tf.Tensor, batch: number, t: number, heads: number): tf.Tensor2D[] {
  const width = y.shape[1] as number;
  const hd = width / heads;
  const src = y.dataSync() as Float32Array;
  const out: tf.Tensor2D[] = [];
  for (let b = 0; b < batch; b++)
    for (let h = 0; h < heads; h++) {
      const a = new Float32Array(t * hd);
      for (let i = 0; i < t; i++) {
        const row = (b * t + i) * width + h * hd;
        for (let j = 0; j < hd; j++) a[i * hd + j] = src[row + j] as number;
      }
      out.push(tf.tensor2d(a, [t, hd]));
    }
  return out;
}

/**
 * Causal multi-head self-attention from the fused projection qkv [b*t, 3d] (columns: q | k | v,
 * each split into heads) to the merged heads [b*t, d], before the output projection. Forward and
 * backward loop over the b*h slices with 2-D matmuls and explicit transposes.
 */
export function causalSelfAttention(qkv: tf.Tensor2D, batch: number, t: number, heads: number): tf.Tensor2D {
  const d = qkv.shape[1] / 3;
  const hd = d / heads;
  const n = batch * heads;
  const scale = 1 / Math.sqrt(hd);
  const f = tf.customGrad((a: Arg, save: Arg) => {
    const { q, k: kT, v } = splitHeads(a as tf.Tensor2D, batch, t, heads, true);
    const mask = tf.tensor2d(causalMaskValues(t), [t, t]);
    const probs: tf.Tensor2D[] = [];
    const outs: tf.Tensor[] = [];
    for (let i = 0; i < n; i++) {
      const sc = tf.add(tf.mul(tf.matMul(q[i] as tf.Tensor2D, kT[i] as tf.Tensor2D), scale), mask);
      const p = tf.softmax(sc) as tf.Tensor2D;
      probs.push(p);
      outs.push(tf.matMul(p, v[i] as tf.Tensor2D));
    }
    (save as GradSave)([a as tf.Tensor, ...probs]);
    return {
      value: tf.tensor2d(mergeHeads(outs, batch, t, heads), [batch * t, d]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sqkv, ...sp] = saved as [tf.Tensor2D, ...tf.Tensor2D[]];
        const { q: qs, k: ks, v: vs } = splitHeads(sqkv, batch, t, heads, false);
        const dOs = splitMerged(dy, batch, t, heads);
        const dQs: tf.Tensor[] = [];
        const dKs: tf.Tensor[] = [];
        const dVs: tf.Tensor[] = [];
        for (let i = 0; i < n; i++) {
          const p = sp[i] as tf.Tensor2D;
          const dO = dOs[i] as tf.Tensor2D;
          const dP = tf.matMul(dO, tf.transpose(vs[i] as tf.Tensor2D));
          dVs.push(tf.matMul(tf.transpose(p), dO));
          const dS = tf.mul(tf.mul(p, tf.sub(dP, tf.sum(tf.mul(dP, p), -1, true))), scale) as tf.Tensor2D;
          dQs.push(tf.matMul(dS, ks[i] as tf.Tensor2D));
          dKs.push(tf.matMul(tf.transpose(dS), qs[i] as tf.Tensor2D));
        }
        const out = new Float32Array(batch * t * 3 * d);
        mergeHeads(dQs, batch, t, heads, out, 3 * d, 0);
        mergeHeads(dKs, batch, t, heads, out, 3 * d, d);
        mergeHeads(dVs, batch, t, heads, out, 3 * d, 2 * d);
        return [tf.tensor2d(out, [batch * t, 3 * d])];
      },
    };
  }) as (a: tf.Tensor) => tf.Tensor2D;
  return f(qkv);
}

/** Log-probability of each target under logits [m, vocab] -> [m]; gradient onehot - softmax. */
export function targetLogprobs(logits: tf.Tensor2D, targets: Int32Array): tf.Tensor1D {
  const vocab = logits.shape[1];
  const f = tf.customGrad((a: Arg, save: Arg) => {
    const x = a as tf.Tensor2D;
    const idx = tf.tensor1d(targets, 'int32');
    const onehot = oneHotF32(idx, vocab);
    const lse = tf.logSumExp(x, -1);
    (save as GradSave)([x, lse]);
    return {
      value: tf.sub(tf.sum(tf.mul(x, onehot), -1), lse) as tf.Tensor1D,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, slse] = saved as [tf.Tensor2D, tf.Tensor1D];
        const probs = tf.exp(tf.sub(sx, tf.expandDims(slse, -1)));
        const oh = oneHotF32(tf.tensor1d(targets, 'int32'), vocab);
        return [tf.mul(tf.expandDims(dy, -1), tf.sub(oh, probs))];
      },
    };
  }) as (a: tf.Tensor) => tf.Tensor1D;
  return f(logits);
}

/** One-hot rows as float32 (wasm's OneHot writes int32 bits when asked for float32 directly). */
function oneHotF32(indices: tf.Tensor1D, depth: number): tf.Tensor2D {
  return tf.cast(tf.oneHot(indices, depth), 'float32') as tf.Tensor2D;
}
