/**
 * Training objectives, chosen by name from a registry. Each takes per-token log-probs of the
 * targets [rows, t] and per-token weight planes, so every objective can be localized to a few
 * tokens: weight 0 removes a token from the loss entirely.
 *
 * Preference batches hold `pairs` chosen rows first, then the `pairs` rejected rows in the same
 * order. Planes: 'full' (every continuation token), 'segment' (tokens of the divergent segment).
 *
 * - nll:          -sum(w * logp) / sum(w) over plane 'weight'.
 * - dpo:          -mean_pairs log sigmoid(beta * [(pi - ref)(chosen) - (pi - ref)(rejected)]), sums over 'full'.
 * - tsp:          the same log-ratio restricted to 'segment' (the divergent segment after the
 *                 shared prefix) + anchorWeight * NLL of the chosen continuation ('full').
 * - unlikelihood: SafeCoder-style: NLL on the chosen 'segment' tokens
 *                 - unlikelihoodWeight * mean log(1 - p) on the rejected 'segment' tokens.
 */
import * as tf from '@tensorflow/tfjs-core';
import { linear } from '../models/embedded/ops.ts';
import { TspError } from '../spec/errors.ts';

export interface LossInputs {
  /** Policy log-prob of each target token [rows, t] (differentiable). */
  logps: tf.Tensor2D;
  /** Frozen reference log-probs [rows, t] (constant), for dpo and tsp. */
  refLogps?: tf.Tensor2D;
  rows: number;
  t: number;
  /** Weight planes [rows * t]. */
  planes: Record<string, Float32Array>;
  /** Preference batches: number of pairs (rows = 2 * pairs) and their weights. */
  pairs?: number;
  pairWeights?: Float32Array;
}

export interface LossConfig {
  beta: number;
  anchorWeight: number;
  unlikelihoodWeight: number;
}

export const DEFAULT_LOSS_CONFIG: LossConfig = { beta: 0.1, anchorWeight: 0, unlikelihoodWeight: 1 };

export interface LossOutput {
  loss: tf.Scalar;
  /** Extra scalars to report (not differentiated). */
  metrics: Record<string, tf.Scalar>;
}

export type LossFn = (inputs: LossInputs, config: LossConfig) => LossOutput;

function plane(inputs: LossInputs, name: string): Float32Array {
  const p = inputs.planes[name];
  if (!p) throw new TspError('internal', `loss needs weight plane '${name}'`);
  return p;
}

function total(a: Float32Array): number {
  let s = 0;
  for (const x of a) s += x;
  return s;
}

/** -sum(w * logp) / sum(w); zero when all weights are zero. */
function weightedNll(logps: tf.Tensor2D, w: Float32Array, rows: number, t: number): tf.Scalar {
  const s = total(w);
  if (s === 0) return tf.scalar(0);
  return tf.mul(tf.sum(tf.mul(logps, tf.tensor2d(w, [rows, t]))), -1 / s) as tf.Scalar;
}

/** Keep only chosen rows (first half) of a plane. */
function chosenRows(w: Float32Array, pairs: number, t: number): Float32Array {
  const out = new Float32Array(w.length);
  out.set(w.subarray(0, pairs * t));
  return out;
}

function requirePairs(inputs: LossInputs): number {
  const p = inputs.pairs;
  if (!p || inputs.rows !== 2 * p) throw new TspError('internal', 'preference loss: rows must be 2 * pairs');
  return p;
}

/** Per-pair margins [(pi-ref)_c - (pi-ref)_r] over `mask`, as [pairs, 1]. */
function logRatioMargins(inputs: LossInputs, mask: Float32Array): tf.Tensor2D {
  const pairs = requirePairs(inputs);
  if (!inputs.refLogps) throw new TspError('internal', 'dpo/tsp loss needs reference log-probs');
  const diff = tf.sub(inputs.logps, inputs.refLogps);
  const perRow = tf.sum(tf.mul(diff, tf.tensor2d(mask, [inputs.rows, inputs.t])), 1, true) as tf.Tensor2D; // [2p, 1]
  const sel = new Float32Array(pairs * 2 * pairs);
  for (let p = 0; p < pairs; p++) {
    sel[p * 2 * pairs + p] = 1;
    sel[p * 2 * pairs + pairs + p] = -1;
  }
  return linear(tf.tensor2d(sel, [pairs, 2 * pairs]), perRow);
}

type GradSave = (tensors: tf.Tensor[]) => void;

/** log sigmoid(x) = -softplus(-x), gradient sigmoid(-x) (tfjs's own version loses its input on wasm). */
const logSigmoid = tf.customGrad((a: tf.Tensor | GradSave, save: tf.Tensor | GradSave) => {
  const x = a as tf.Tensor;
  (save as GradSave)([x]);
  return {
    value: tf.neg(tf.softplus(tf.neg(x))),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.sigmoid(tf.neg(saved[0] as tf.Tensor))),
  };
}) as (x: tf.Tensor) => tf.Tensor;

function pairWeights(inputs: LossInputs, pairs: number): Float32Array {
  return inputs.pairWeights ?? new Float32Array(pairs).fill(1);
}

function dpoCore(inputs: LossInputs, config: LossConfig, maskName: string): LossOutput {
  const pairs = requirePairs(inputs);
  const margins = logRatioMargins(inputs, plane(inputs, maskName));
  const w = pairWeights(inputs, pairs);
  const sw = total(w);
  const perPair = tf.neg(logSigmoid(tf.mul(margins, config.beta))); // [pairs, 1]
  const loss = tf.mul(tf.sum(tf.mul(perPair, tf.tensor2d(w, [pairs, 1]))), sw > 0 ? 1 / sw : 0) as tf.Scalar;
  const accuracy = tf.mean(tf.cast(tf.greater(margins, 0), 'float32')) as tf.Scalar;
  return { loss, metrics: { margin: tf.mean(margins) as tf.Scalar, accuracy } };
}

export const nllLoss: LossFn = (inputs) => ({
  loss: weightedNll(inputs.logps, plane(inputs, 'weight'), inputs.rows, inputs.t),
  metrics: {},
});

export const dpoLoss: LossFn = (inputs, config) => {
  const out = dpoCore(inputs, config, 'full');
  if (config.anchorWeight > 0) {
    const anchor = weightedNll(
      inputs.logps,
      chosenRows(plane(inputs, 'full'), inputs.pairs as number, inputs.t),
      inputs.rows,
      inputs.t,
    );
    out.metrics.anchor = anchor;
    out.loss = tf.add(out.loss, tf.mul(anchor, config.anchorWeight)) as tf.Scalar;
  }
  return out;
};

export const tspLoss: LossFn = (inputs, config) => {
  const out = dpoCore(inputs, config, 'segment');
  if (config.anchorWeight > 0) {
    const anchor = weightedNll(
      inputs.logps,
      chosenRows(plane(inputs, 'full'), inputs.pairs as number, inputs.t),
      inputs.rows,
      inputs.t,
    );
    out.metrics.anchor = anchor;
    out.loss = tf.add(out.loss, tf.mul(anchor, config.anchorWeight)) as tf.Scalar;
  }
  return out;
};

export const unlikelihoodLoss: LossFn = (inputs, config) => {
  const pairs = requirePairs(inputs);
  const seg = plane(inputs, 'segment');
  const t = inputs.t;
  const chosen = chosenRows(seg, pairs, t);
  const rejected = new Float32Array(seg.length);
  rejected.set(seg.subarray(pairs * t), pairs * t);
  const likelihood = weightedNll(inputs.logps, chosen, inputs.rows, t);
  const sr = total(rejected);
  // -log(1 - p) on rejected tokens; 1e-6 keeps log finite when p -> 1
  const unlikely =
    sr === 0
      ? tf.scalar(0)
      : (tf.mul(
          tf.sum(
            tf.mul(
              tf.log(tf.add(tf.sub(1, tf.exp(inputs.logps)), 1e-6)),
              tf.tensor2d(rejected, [inputs.rows, t]),
            ),
          ),
          -1 / sr,
        ) as tf.Scalar);
  return {
    loss: tf.add(likelihood, tf.mul(unlikely, config.unlikelihoodWeight)) as tf.Scalar,
    metrics: { likelihood, unlikelihood: unlikely },
  };
};

export type PreferenceLossName = 'dpo' | 'tsp' | 'unlikelihood';

/** The registry: name -> loss. 'nll' is the supervised/pretraining objective. */
export const LOSSES: Record<'nll' | PreferenceLossName, LossFn> = {
  nll: nllLoss,
  dpo: dpoLoss,
  tsp: tspLoss,
  unlikelihood: unlikelihoodLoss,
};

/** Whether a preference loss needs the frozen reference model. */
export function needsReference(name: PreferenceLossName): boolean {
  return name === 'dpo' || name === 'tsp';
}
