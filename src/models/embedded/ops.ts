/**
 * Differentiable building blocks tuned for tfjs-backend-wasm. On wasm only a plain 2-D matmul
 * (no transpose flags, batch 1) reaches XNNPACK; transposed and batched matmuls fall back to a
 * naive loop, and the embedding gradient kernel (UnsortedSegmentSum) is missing. So each block
 * below is one custom-gradient op whose forward and backward use only 2-D matmuls with explicit
 * transposes; attention loops over (sequence, head) slices; the embedding gradient is a JS
 * scatter-add. Blocks run as single kernels, so tfjs records no intermediate ops on the tape.
 */
import * as tf from '@tensorflow/tfjs-core';
import { activeNative, type NativeBlas, onHeap } from './native-blas.ts';

type GradSave = (tensors: tf.Tensor[]) => void;
type Arg = tf.Tensor | GradSave;

/**
 * x^T @ g for x [m, k], g [m, n]. On the native path BLAS reads x transposed in place; on wasm,
 * one explicit transpose of the narrower operand: (x^T) @ g when k <= n, else (g^T @ x)^T (the
 * final transpose is only [n, k]).
 */
function weightGrad(x: tf.Tensor2D, g: tf.Tensor2D): tf.Tensor2D {
  if (activeNative()) return tf.matMul(x, g, true, false);
  if (x.shape[1] <= g.shape[1]) return tf.matMul(tf.transpose(x), g);
  return tf.transpose(tf.matMul(tf.transpose(g), x)) as tf.Tensor2D;
}

/** a @ b^T: a transpose flag on the native path, an explicit transpose on wasm. */
function matMulBT(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  if (activeNative()) return tf.matMul(a, b, false, true);
  return tf.matMul(a, tf.transpose(b));
}

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
      return [matMulBT(g, sw), weightGrad(sx, g)];
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
      return [matMulBT(g, sw), weightGrad(sx, g), sumRows(g)];
    },
  };
}) as (x: tf.Tensor, w: tf.Tensor, bias: tf.Tensor) => tf.Tensor2D;

/** Logits with the output tied to the embedding: h [m, d] @ wte[v, d]^T -> [m, v]. */
export const tiedLogits = tf.customGrad((a: Arg, b: Arg, save: Arg) => {
  const h = a as tf.Tensor2D;
  const wte = b as tf.Tensor2D;
  (save as GradSave)([h, wte]);
  return {
    value: matMulBT(h, wte),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sh, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      const g = dy as tf.Tensor2D;
      const dwte = activeNative()
        ? tf.matMul(g, sh, true, false)
        : tf.transpose(tf.matMul(tf.transpose(sh), g));
      return [tf.matMul(g, sw), dwte];
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
  const native = activeNative();
  if (native) return nativeLayerNorm(native, x, gain, bias, eps);
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

/**
 * layerNorm on the native path: one addon call per direction, on the wasm heap (native-blas.ts
 * onHeap); the normalised input and 1/std are kept for the backward.
 */
function nativeLayerNorm(
  native: NativeBlas,
  x: tf.Tensor2D,
  gain: tf.Tensor,
  bias: tf.Tensor,
  eps: number,
): tf.Tensor2D {
  const [rows, d] = x.shape;
  const f = tf.customGrad((a: Arg, b: Arg, c: Arg, save: Arg) => {
    const [y, xhat, rstd] = onHeap(
      [a as tf.Tensor, b as tf.Tensor, c as tf.Tensor],
      [[rows, d], [rows, d], [rows]],
      ([xs, g, bs], [ys, hs, rs]) =>
        native.layerNormForward(
          xs as Float32Array,
          rows,
          d,
          g as Float32Array,
          bs as Float32Array,
          eps,
          ys as Float32Array,
          hs as Float32Array,
          rs as Float32Array,
        ),
    ) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
    (save as GradSave)([xhat, rstd, b as tf.Tensor]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        onHeap([dy, ...saved], [[rows, d], [d], [d]], ([g, hs, rs, gn], [dx, dg, db]) =>
          native.layerNormBackward(
            g as Float32Array,
            hs as Float32Array,
            rs as Float32Array,
            gn as Float32Array,
            rows,
            d,
            dx as Float32Array,
            dg as Float32Array,
            db as Float32Array,
          ),
        ),
    };
  }) as LayerNormOp;
  return f(x, gain, bias);
}

const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_A = 0.044715;

/** GELU, tanh approximation (PyTorch's approximate='tanh'), as x * sigmoid(2u): wasm's tanh is slow. */
export function gelu<T extends tf.Tensor>(x: T): T {
  const native = activeNative();
  return native ? (nativeGelu(native, x) as T) : wasmGelu(x);
}

function nativeGelu(native: NativeBlas, x: tf.Tensor): tf.Tensor {
  const f = tf.customGrad((a: Arg, save: Arg) => {
    (save as GradSave)([a as tf.Tensor]);
    return {
      value: onHeap([a as tf.Tensor], [x.shape], ([xs], [ys]) =>
        native.geluForward(xs as Float32Array, ys as Float32Array),
      )[0] as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        onHeap([saved[0] as tf.Tensor, dy], [x.shape], ([xs, g], [dx]) =>
          native.geluBackward(xs as Float32Array, g as Float32Array, dx as Float32Array),
        ),
    };
  }) as (a: tf.Tensor) => tf.Tensor;
  return f(x);
}

const wasmGelu = tf.customGrad((a: Arg, save: Arg) => {
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
 * Per-(sequence, head) slices of a row-major [b*t, width] array: columns col0 + h*hd .. + hd of
 * the rows of sequence b, as tensors [t, hd] (or [hd, t] when `transpose`), times `scale`.
 * On wasm every Slice/Unpack/Transpose kernel copies its whole input out of the heap, so many
 * small slices of one big tensor are slow; one read plus JS copies is not.
 */
function sliceHeads(
  src: Float32Array,
  width: number,
  col0: number,
  batch: number,
  t: number,
  heads: number,
  hd: number,
  transpose: boolean,
  scale = 1,
): tf.Tensor2D[] {
  const out: tf.Tensor2D[] = [];
  for (let b = 0; b < batch; b++)
    for (let h = 0; h < heads; h++) {
      const a = new Float32Array(t * hd);
      for (let i = 0; i < t; i++) {
        const row = (b * t + i) * width + col0 + h * hd;
        if (transpose) for (let j = 0; j < hd; j++) a[j * t + i] = src[row + j]! * scale;
        else for (let j = 0; j < hd; j++) a[i * hd + j] = src[row + j]! * scale;
      }
      out.push(tf.tensor2d(a, transpose ? [hd, t] : [t, hd]));
    }
  return out;
}

/** Inverse of sliceHeads: write slices ([t, hd], or [hd, t] when `transposed`) into dst. */
function gatherHeads(
  slices: readonly tf.Tensor[],
  dst: Float32Array,
  width: number,
  col0: number,
  t: number,
  heads: number,
  hd: number,
  transposed: boolean,
): void {
  slices.forEach((s, idx) => {
    const b = Math.floor(idx / heads);
    const h = idx % heads;
    const a = s.dataSync() as Float32Array;
    for (let i = 0; i < t; i++) {
      const row = (b * t + i) * width + col0 + h * hd;
      if (transposed) for (let j = 0; j < hd; j++) dst[row + j] = a[j * t + i]!;
      else for (let j = 0; j < hd; j++) dst[row + j] = a[i * hd + j]!;
    }
  });
}

/** Keys and values of qkv [b*t, 3d] as per-(sequence, head) slices [t, hd]. */
export function splitHeads(
  qkv: tf.Tensor2D,
  batch: number,
  t: number,
  heads: number,
): { k: tf.Tensor2D[]; v: tf.Tensor2D[] } {
  const d = qkv.shape[1] / 3;
  const hd = d / heads;
  const src = qkv.dataSync() as Float32Array;
  return {
    k: sliceHeads(src, 3 * d, d, batch, t, heads, hd, false),
    v: sliceHeads(src, 3 * d, 2 * d, batch, t, heads, hd, false),
  };
}

/**
 * Causal multi-head self-attention from the fused projection qkv [b*t, 3d] (columns: q | k | v,
 * each split into heads) to the merged heads [b*t, d], before the output projection. Forward and
 * backward loop over the b*h slices with plain 2-D matmuls only; every transposed operand is
 * built transposed by the JS slicing, and the softmax backward uses rowsum(dP * P) = dO . O
 * (computed in JS) instead of a [t, t] reduction.
 */
export function causalSelfAttention(qkv: tf.Tensor2D, batch: number, t: number, heads: number): tf.Tensor2D {
  const native = activeNative();
  if (native) return nativeSelfAttention(native, qkv, batch, t, heads);
  const d = qkv.shape[1] / 3;
  const hd = d / heads;
  const n = batch * heads;
  const scale = 1 / Math.sqrt(hd);
  const f = tf.customGrad((a: Arg, save: Arg) => {
    const src = (a as tf.Tensor).dataSync() as Float32Array;
    const q = sliceHeads(src, 3 * d, 0, batch, t, heads, hd, false, scale);
    const kT = sliceHeads(src, 3 * d, d, batch, t, heads, hd, true);
    const v = sliceHeads(src, 3 * d, 2 * d, batch, t, heads, hd, false);
    const mask = tf.tensor2d(causalMaskValues(t), [t, t]);
    const probs: tf.Tensor2D[] = [];
    const outs: tf.Tensor[] = [];
    for (let i = 0; i < n; i++) {
      const p = tf.softmax(tf.add(tf.matMul(q[i] as tf.Tensor2D, kT[i] as tf.Tensor2D), mask)) as tf.Tensor2D;
      probs.push(p);
      outs.push(tf.matMul(p, v[i] as tf.Tensor2D));
    }
    const merged = new Float32Array(batch * t * d);
    gatherHeads(outs, merged, d, 0, t, heads, hd, false);
    const value = tf.tensor2d(merged, [batch * t, d]);
    (save as GradSave)([a as tf.Tensor, value, ...probs]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sqkv, sout, ...sp] = saved as [tf.Tensor2D, tf.Tensor2D, ...tf.Tensor2D[]];
        const qkvData = sqkv.dataSync() as Float32Array;
        const o = sout.dataSync() as Float32Array;
        const g = dy.dataSync() as Float32Array;
        const kS = sliceHeads(qkvData, 3 * d, d, batch, t, heads, hd, false, scale);
        const qTS = sliceHeads(qkvData, 3 * d, 0, batch, t, heads, hd, true, scale);
        const vT = sliceHeads(qkvData, 3 * d, 2 * d, batch, t, heads, hd, true);
        const dO = sliceHeads(g, d, 0, batch, t, heads, hd, false);
        const dOT = sliceHeads(g, d, 0, batch, t, heads, hd, true);
        const dQs: tf.Tensor[] = [];
        const dKTs: tf.Tensor[] = [];
        const dVTs: tf.Tensor[] = [];
        const rowDot = new Float32Array(t);
        for (let i = 0; i < n; i++) {
          const b = Math.floor(i / heads);
          const h = i % heads;
          for (let r = 0; r < t; r++) {
            const off = (b * t + r) * d + h * hd;
            let s = 0;
            for (let j = 0; j < hd; j++) s += g[off + j]! * o[off + j]!;
            rowDot[r] = s;
          }
          const p = sp[i] as tf.Tensor2D;
          const dP = tf.matMul(dO[i] as tf.Tensor2D, vT[i] as tf.Tensor2D);
          dVTs.push(tf.matMul(dOT[i] as tf.Tensor2D, p));
          const dS = tf.mul(p, tf.sub(dP, tf.tensor2d(rowDot, [t, 1]))) as tf.Tensor2D;
          dQs.push(tf.matMul(dS, kS[i] as tf.Tensor2D));
          dKTs.push(tf.matMul(qTS[i] as tf.Tensor2D, dS));
        }
        const out = new Float32Array(batch * t * 3 * d);
        gatherHeads(dQs, out, 3 * d, 0, t, heads, hd, false);
        gatherHeads(dKTs, out, 3 * d, d, t, heads, hd, true);
        gatherHeads(dVTs, out, 3 * d, 2 * d, t, heads, hd, true);
        return [tf.tensor2d(out, [batch * t, 3 * d])];
      },
    };
  }) as (a: tf.Tensor) => tf.Tensor2D;
  return f(qkv);
}

/**
 * causalSelfAttention on the native path: one addon call per direction for all (sequence, head)
 * slices, on the wasm heap (BLAS reads the heads in place from qkv, strided); qkv, the output and
 * the softmax are kept for the backward.
 */
function nativeSelfAttention(
  native: NativeBlas,
  qkv: tf.Tensor2D,
  batch: number,
  t: number,
  heads: number,
): tf.Tensor2D {
  const d = qkv.shape[1] / 3;
  const f = tf.customGrad((a: Arg, save: Arg) => {
    const [merged, probs] = onHeap(
      [a as tf.Tensor],
      [
        [batch * t, d],
        [batch * heads, t, t],
      ],
      ([src], [out, p]) =>
        native.attentionForward(src as Float32Array, batch, t, heads, out as Float32Array, p as Float32Array),
    ) as [tf.Tensor2D, tf.Tensor];
    (save as GradSave)([a as tf.Tensor, merged, probs]);
    return {
      value: merged,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        onHeap([...saved, dy], [[batch * t, 3 * d]], ([src, out, p, g], [dqkv]) =>
          native.attentionBackward(
            src as Float32Array,
            p as Float32Array,
            out as Float32Array,
            g as Float32Array,
            batch,
            t,
            heads,
            dqkv as Float32Array,
          ),
        ),
    };
  }) as (a: tf.Tensor) => tf.Tensor2D;
  return f(qkv);
}

/**
 * Log-probability of each target under logits [m, vocab] -> [m]. The forward keeps the softmax
 * and the one-hot targets, so the backward (dy * (onehot - softmax)) needs no second exp.
 */
export function targetLogprobs(logits: tf.Tensor2D, targets: Int32Array): tf.Tensor1D {
  const native = activeNative();
  if (native) return nativeTargetLogprobs(native, logits, targets);
  const vocab = logits.shape[1];
  const f = tf.customGrad((a: Arg, save: Arg) => {
    const x = a as tf.Tensor2D;
    const onehot = oneHotF32(tf.tensor1d(targets, 'int32'), vocab);
    const max = tf.max(x, -1, true);
    const e = tf.exp(tf.sub(x, max));
    const sum = tf.sum(e, -1, true);
    const probs = tf.div(e, sum);
    (save as GradSave)([onehot, probs]);
    const picked = tf.sum(tf.mul(x, onehot), -1);
    return {
      value: tf.sub(picked, tf.reshape(tf.add(max, tf.log(sum)), [x.shape[0]])) as tf.Tensor1D,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [oh, pr] = saved as [tf.Tensor2D, tf.Tensor2D];
        return [tf.mul(tf.expandDims(dy, -1), tf.sub(oh, pr))];
      },
    };
  }) as (a: tf.Tensor) => tf.Tensor1D;
  return f(logits);
}

/** targetLogprobs on the native path, on the wasm heap; the softmax is kept for the backward. */
function nativeTargetLogprobs(native: NativeBlas, logits: tf.Tensor2D, targets: Int32Array): tf.Tensor1D {
  const [rows, vocab] = logits.shape;
  const f = tf.customGrad((a: Arg, save: Arg) => {
    const [logp, probs] = onHeap([a as tf.Tensor], [[rows], [rows, vocab]], ([x], [lp, p]) =>
      native.targetLogprobs(x as Float32Array, rows, vocab, targets, lp as Float32Array, p as Float32Array),
    ) as [tf.Tensor1D, tf.Tensor2D];
    (save as GradSave)([probs]);
    return {
      value: logp,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        onHeap([saved[0] as tf.Tensor, dy], [[rows, vocab]], ([p, g], [dx]) =>
          native.targetLogprobsBackward(
            p as Float32Array,
            rows,
            vocab,
            targets,
            g as Float32Array,
            dx as Float32Array,
          ),
        ),
    };
  }) as (a: tf.Tensor) => tf.Tensor1D;
  return f(logits);
}

/** One-hot rows as float32 (wasm's OneHot writes int32 bits when asked for float32 directly). */
function oneHotF32(indices: tf.Tensor1D, depth: number): tf.Tensor2D {
  return tf.cast(tf.oneHot(indices, depth), 'float32') as tf.Tensor2D;
}

/**
 * Rows `index` of x [n, d] -> [m, d]. The gradient scatter-adds rows in JS (wasm lacks the
 * UnsortedSegmentSum kernel that tf.gather's gradient needs).
 */
export function selectRows(x: tf.Tensor2D, index: Int32Array): tf.Tensor2D {
  const [n, d] = x.shape;
  const f = tf.customGrad((a: Arg) => {
    const idx = tf.tensor1d(index, 'int32');
    const value = tf.gather(a as tf.Tensor2D, idx) as tf.Tensor2D;
    return {
      value,
      gradFunc: (dy: tf.Tensor) => {
        const g = dy.dataSync() as Float32Array;
        const out = new Float32Array(n * d);
        for (let i = 0; i < index.length; i++) {
          const dst = index[i]! * d;
          for (let j = 0; j < d; j++) out[dst + j]! += g[i * d + j]!;
        }
        return [tf.tensor2d(out, [n, d])];
      },
    };
  }) as (a: tf.Tensor) => tf.Tensor2D;
  return f(x);
}

/** Place v [m] at positions `index` of a zero vector [n] (gradient: gather). */
export function scatterToLength(v: tf.Tensor1D, index: Int32Array, n: number): tf.Tensor1D {
  const f = tf.customGrad((a: Arg) => {
    const src = (a as tf.Tensor).dataSync() as Float32Array;
    const out = new Float32Array(n);
    for (let i = 0; i < index.length; i++) out[index[i]!] = src[i]!;
    return {
      value: tf.tensor1d(out),
      gradFunc: (dy: tf.Tensor) => [tf.gather(dy, tf.tensor1d(index, 'int32'))],
    };
  }) as (a: tf.Tensor) => tf.Tensor1D;
  return f(v);
}
