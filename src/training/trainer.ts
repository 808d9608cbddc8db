/**
 * Trainers for the embedded GPT: language-model pretraining, supervised fine-tuning (NLL on the
 * target only) and preference training (dpo / tsp / unlikelihood). One loop serves all three:
 * length-bucketed batches planned per epoch from the seed, AdamW with warm-up + cosine schedule
 * and gradient clipping, per-token loss weights, checkpoints that resume bit-exactly.
 *
 * Checkpoints: `checkpointDir/step-<n>/` holds the model checkpoint (see saveCheckpoint), the
 * optimizer moments (optimizer.safetensors) and trainer-state.json; `checkpointDir/latest.json`
 * points at the newest complete one and is written last, so a killed run resumes from the last
 * complete checkpoint. loadCheckpoint(checkpointDir) follows the pointer.
 */
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { writeFileAtomic } from '../core/atomic-file.ts';
import { createRng } from '../core/rng.ts';
import type { BackendName } from '../models/embedded/backend.ts';
import { LATEST_POINTER, readLatestPointer, saveCheckpoint } from '../models/embedded/checkpoint.ts';
import type { GptModel } from '../models/embedded/gpt.ts';
import { activeNative } from '../models/embedded/native-blas.ts';
import { scatterToLength, selectRows, targetLogprobs } from '../models/embedded/ops.ts';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from '../models/embedded/safetensors.ts';
import type { Tokenizer } from '../models/embedded/tokenizer.ts';
import { TspError } from '../spec/errors.ts';
import {
  encodeDocument,
  encodePreference,
  encodeSupervised,
  type PackedBatch,
  type PreferenceExample,
  packBatch,
  planEpoch,
  type SupervisedExample,
  type WeightedSequence,
} from './batching.ts';
import { GradientWorkers, type ShardGradients } from './gradient-workers.ts';
import { LOSSES, type LossConfig, type LossFn, needsReference, type PreferenceLossName } from './losses.ts';
import { type AdamWState, adamWStep, createAdamWState, learningRateAt } from './optimizer.ts';

export const TrainConfigSchema = z.object({
  epochs: z.number().int().min(1).default(1),
  /** Stop after this many optimizer steps (default: all epochs). */
  maxSteps: z.number().int().positive().optional(),
  learningRate: z.number().positive().default(3e-3),
  /** The cosine schedule ends at learningRate * minLearningRateRatio. */
  minLearningRateRatio: z.number().min(0).max(1).default(0.1),
  warmupSteps: z.number().int().min(0).default(10),
  weightDecay: z.number().min(0).default(0.01),
  beta1: z.number().min(0).max(1).default(0.9),
  beta2: z.number().min(0).max(1).default(0.95),
  eps: z.number().positive().default(1e-8),
  /** Clip the global gradient norm to this (0 = off). */
  gradClip: z.number().min(0).default(1),
  /** Max tokens per batch including padding. */
  batchTokens: z.number().int().positive().default(4096),
  maxBatchSize: z.number().int().positive().default(32),
  seed: z.number().int().default(0),
  /** Save a checkpoint every n steps (0 = only at the end), when a checkpointDir is given. */
  checkpointEvery: z.number().int().min(0).default(0),
  /** How many step checkpoints to keep. */
  keepCheckpoints: z.number().int().min(1).default(2),
  /**
   * Threads computing gradients (data-parallel; pretraining and SFT): each batch is split by
   * tokens between this thread and threads - 1 worker threads, each on its own tfjs backend.
   * 1 = this thread only. The gradient is the same up to float summation order.
   */
  threads: z.number().int().min(1).default(1),
});
export type TrainConfig = z.infer<typeof TrainConfigSchema>;
export type TrainConfigInput = z.input<typeof TrainConfigSchema>;

export const PreferenceConfigSchema = TrainConfigSchema.extend({
  loss: z.enum(['dpo', 'tsp', 'unlikelihood']).default('tsp'),
  learningRate: z.number().positive().default(3e-4),
  warmupSteps: z.number().int().min(0).default(0),
  beta: z.number().positive().default(0.1),
  /** Weight of the NLL anchor on the chosen continuation (golden path). */
  anchorWeight: z.number().min(0).default(0),
  unlikelihoodWeight: z.number().min(0).default(1),
});
export type PreferenceConfig = z.infer<typeof PreferenceConfigSchema>;
export type PreferenceConfigInput = z.input<typeof PreferenceConfigSchema>;

export interface StepReport {
  step: number;
  totalSteps: number;
  epoch: number;
  loss: number;
  learningRate: number;
  gradNorm: number;
  /** Weighted target tokens in this batch. */
  tokens: number;
  /** Token positions processed (rows * length, padding included). */
  positions: number;
  elapsedMs: number;
  metrics: Record<string, number>;
}

export interface TrainHooks {
  onStep?: (report: StepReport) => void;
  /** Where to write checkpoints (and resume from). */
  checkpointDir?: string;
  /** Continue from checkpointDir's latest checkpoint when there is one. */
  resume?: boolean;
  /** Stop after the current step (a checkpoint is written when checkpointDir is set). */
  signal?: AbortSignal;
}

export interface TrainResult {
  steps: number;
  totalSteps: number;
  /** Step this run started at (> 0 after a resume). */
  startStep: number;
  finalLoss: number;
  /** Mean loss of each step run in this call, in order. */
  losses: number[];
  tokens: number;
  elapsedMs: number;
  stopped: boolean;
  /** Threads that computed gradients (1 + gradient workers). */
  threads: number;
}

interface TrainerState {
  kind: string;
  step: number;
  totalSteps: number;
  dataHash: string;
}

interface Job<Item> {
  kind: string;
  items: Item[];
  lengths: number[];
  dataHash: string;
  /** Items are weighted sequences under the NLL: a batch can be split between gradient workers. */
  shardable?: boolean;
  /** Build the loss for a batch of items (inside a tidy / gradient scope). */
  loss: (
    model: GptModel,
    batch: Item[],
  ) => { loss: tf.Scalar; metrics: Record<string, tf.Scalar>; tokens: number; positions: number };
}

function hashData(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

/**
 * Per-token log-probs [rows, t] of a packed batch under `model`. When some positions carry no
 * weight in any plane (prompt and prefix tokens, padding), only the weighted positions go through
 * the output layer (a [positions, vocab] matmul, ~20% of a step); the others read 0.
 */
export function batchLogprobs(model: GptModel, batch: PackedBatch, onlyWeighted = true): tf.Tensor2D {
  const hidden = model.hidden(batch.inputs, batch.rows, batch.t);
  const n = batch.rows * batch.t;
  const planes = Object.values(batch.planes);
  let index: Int32Array | undefined;
  if (onlyWeighted && planes.length > 0) {
    const used: number[] = [];
    for (let i = 0; i < n; i++) if (planes.some((p) => p[i] !== 0)) used.push(i);
    if (used.length < n) index = Int32Array.from(used);
  }
  if (!index) return tf.reshape(targetLogprobs(model.logits(hidden), batch.targets), [batch.rows, batch.t]);
  const targets = Int32Array.from(index, (i) => batch.targets[i] as number);
  const lp = targetLogprobs(model.logits(selectRows(hidden, index)), targets);
  return tf.reshape(scatterToLength(lp, index, n), [batch.rows, batch.t]);
}

async function saveTrainingCheckpoint(
  dir: string,
  model: GptModel,
  tokenizer: Tokenizer,
  opt: AdamWState,
  state: TrainerState,
  keep: number,
): Promise<void> {
  const name = `step-${String(state.step).padStart(7, '0')}`;
  const sub = join(dir, name);
  await saveCheckpoint(sub, model, tokenizer, { trainer: state });
  const tensors = new Map<string, NamedTensor>();
  for (const s of model.specs) {
    tensors.set(`m.${s.name}`, { shape: s.shape, data: opt.m.get(s.name) as Float32Array });
    tensors.set(`v.${s.name}`, { shape: s.shape, data: opt.v.get(s.name) as Float32Array });
  }
  await writeFileAtomic(
    join(sub, 'optimizer.safetensors'),
    encodeSafetensors(tensors, { step: String(opt.step) }),
  );
  await writeFileAtomic(join(sub, 'trainer-state.json'), `${JSON.stringify(state, null, 2)}\n`);
  const previous = await readLatestPointer(dir);
  const history = [...(previous?.history ?? []), name].filter((n, i, a) => a.indexOf(n) === i);
  const dropped = history.splice(0, Math.max(0, history.length - keep));
  await writeFileAtomic(
    join(dir, LATEST_POINTER),
    `${JSON.stringify({ path: name, step: state.step, history })}\n`,
  );
  for (const old of dropped) if (old !== name) await rm(join(dir, old), { recursive: true, force: true });
}

async function loadTrainingState(
  dir: string,
  model: GptModel,
  opt: AdamWState,
  params: Map<string, Float32Array>,
): Promise<TrainerState | undefined> {
  const latest = await readLatestPointer(dir);
  if (!latest) return undefined;
  const sub = join(dir, latest.path);
  const state = JSON.parse(await readFile(join(sub, 'trainer-state.json'), 'utf8')) as TrainerState;
  const weights = decodeSafetensors(new Uint8Array(await readFile(join(sub, 'model.safetensors'))));
  const moments = decodeSafetensors(new Uint8Array(await readFile(join(sub, 'optimizer.safetensors'))));
  for (const s of model.specs) {
    const w = weights.tensors.get(s.name);
    const m = moments.tensors.get(`m.${s.name}`);
    const v = moments.tensors.get(`v.${s.name}`);
    if (!w || !m || !v)
      throw new TspError('invalid-input', `checkpoint ${sub} lacks ${s.name} or its optimizer state`);
    (params.get(s.name) as Float32Array).set(w.data);
    (opt.m.get(s.name) as Float32Array).set(m.data);
    (opt.v.get(s.name) as Float32Array).set(v.data);
  }
  opt.step = Number(moments.metadata.step ?? state.step);
  model.writeValues(params);
  return state;
}

/** One batch's loss, metrics and gradients (copied out of the backend, by parameter name). */
export function batchGradients<Item>(
  model: GptModel,
  lossOf: Job<Item>['loss'],
  batch: Item[],
): ShardGradients {
  const vars = model.specs.map((s) => model.p(s.name));
  let kept: Record<string, tf.Scalar> = {};
  let counts = { tokens: 0, positions: 0 };
  const { value, grads } = tf.variableGrads(() => {
    const out = lossOf(model, batch);
    kept = Object.fromEntries(Object.entries(out.metrics).map(([k, v]) => [k, tf.keep(v)]));
    counts = { tokens: out.tokens, positions: out.positions };
    return out.loss;
  }, vars);
  const gradValues = new Map<string, Float32Array>();
  model.specs.forEach((s, i) => {
    const g = grads[(vars[i] as tf.Variable).name];
    const size = s.shape.reduce((a, b) => a * b, 1);
    gradValues.set(s.name, g ? new Float32Array(g.dataSync() as Float32Array) : new Float32Array(size));
  });
  const loss = value.dataSync()[0] as number;
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(kept)) metrics[k] = v.dataSync()[0] as number;
  tf.dispose([value, ...Object.values(grads), ...Object.values(kept)]);
  return { loss, grads: gradValues, metrics, ...counts };
}

/**
 * Split a batch of sequences into at most `n` shards of balanced size (longest first, each to the
 * shard with the fewest token positions so far); shards with no weighted token are left out.
 */
export function splitBatch(items: readonly WeightedSequence[], n: number): WeightedSequence[][] {
  const shards: WeightedSequence[][] = Array.from({ length: Math.min(n, items.length) }, () => []);
  const load = shards.map(() => 0);
  const order = items
    .map((_, i) => i)
    .sort((a, b) => (items[b]?.ids.length ?? 0) - (items[a]?.ids.length ?? 0) || a - b);
  for (const i of order) {
    const k = load.indexOf(Math.min(...load));
    (shards[k] as WeightedSequence[]).push(items[i] as WeightedSequence);
    load[k] = (load[k] as number) + (items[i]?.ids.length ?? 0);
  }
  return shards.filter((s) => weightOf(s) > 0);
}

function weightOf(items: readonly WeightedSequence[]): number {
  let w = 0;
  for (const s of items) for (const x of s.weights) w += x;
  return w;
}

/**
 * The whole batch's result from its shards' (each a weighted mean over its own tokens): every
 * shard counts in proportion to its token weight, so the loss and gradient equal the batch's.
 */
export function combineShards(
  results: readonly ShardGradients[],
  shards: readonly WeightedSequence[][],
): ShardGradients {
  const weights = shards.map(weightOf);
  const total = weights.reduce((a, b) => a + b, 0);
  const share = weights.map((w) => (total > 0 ? w / total : 1 / weights.length));
  const first = results[0] as ShardGradients;
  const grads = new Map<string, Float32Array>();
  for (const [name, g0] of first.grads) {
    const g = new Float32Array(g0.length);
    results.forEach((r, k) => {
      const src = r.grads.get(name) as Float32Array;
      const f = share[k] as number;
      for (let i = 0; i < g.length; i++) g[i] = (g[i] as number) + f * (src[i] as number);
    });
    grads.set(name, g);
  }
  const metrics: Record<string, number> = {};
  for (const k of Object.keys(first.metrics))
    metrics[k] = results.reduce((a, r, i) => a + (share[i] as number) * (r.metrics[k] ?? 0), 0);
  return {
    loss: results.reduce((a, r, i) => a + (share[i] as number) * r.loss, 0),
    grads,
    metrics,
    tokens: results.reduce((a, r) => a + r.tokens, 0),
    positions: results.reduce((a, r) => a + r.positions, 0),
  };
}

async function runJob<Item>(
  model: GptModel,
  tokenizer: Tokenizer,
  job: Job<Item>,
  config: TrainConfig,
  hooks: TrainHooks,
): Promise<TrainResult> {
  if (job.items.length === 0) throw new TspError('invalid-input', `${job.kind}: no training examples`);
  const rng = createRng(config.seed).fork(job.kind);
  const epochPlans = new Map<number, number[][]>();
  const planOf = (e: number): number[][] => {
    let p = epochPlans.get(e);
    if (!p) {
      p = planEpoch(job.lengths, config, rng.fork(`epoch:${e}`));
      epochPlans.set(e, p);
      if (epochPlans.size > 3) epochPlans.delete(Math.min(...epochPlans.keys()));
    }
    return p;
  };
  // cumulative step at which each epoch starts (epoch plans differ slightly in length)
  const epochStarts = [0];
  const locate = (s: number): { epoch: number; index: number } => {
    for (let e = 0; ; e++) {
      if (epochStarts.length <= e + 1) epochStarts.push((epochStarts[e] as number) + planOf(e).length);
      if (s < (epochStarts[e + 1] as number)) return { epoch: e, index: s - (epochStarts[e] as number) };
    }
  };
  // all epochs, or maxSteps when that comes first (the learning-rate schedule spans what will run)
  const cap = config.maxSteps ?? Number.POSITIVE_INFINITY;
  let totalSteps = 0;
  for (let e = 0; e < config.epochs && totalSteps < cap; e++) totalSteps += planOf(e).length;
  totalSteps = Math.min(totalSteps, cap);
  const params = model.readValues();
  const opt = createAdamWState(params);
  let startStep = 0;
  if (hooks.resume && hooks.checkpointDir) {
    const state = await loadTrainingState(hooks.checkpointDir, model, opt, params);
    if (state) {
      if (state.kind !== job.kind || state.dataHash !== job.dataHash || state.totalSteps !== totalSteps)
        throw new TspError(
          'invalid-input',
          `cannot resume: ${hooks.checkpointDir} holds a different training run`,
          {
            hint: 'resume with the same data and config, or use a new checkpoint directory',
          },
        );
      startStep = state.step;
    }
  }
  const workers =
    config.threads > 1 && job.shardable && startStep < totalSteps
      ? await GradientWorkers.start(
          config.threads - 1,
          model.config,
          tf.getBackend() as BackendName,
          activeNative() !== undefined,
        )
      : undefined;
  const losses: number[] = [];
  let tokens = 0;
  const t0 = performance.now();
  let step = startStep;
  let stopped = false;
  const save = async (): Promise<void> => {
    if (!hooks.checkpointDir) return;
    await saveTrainingCheckpoint(
      hooks.checkpointDir,
      model,
      tokenizer,
      opt,
      { kind: job.kind, step, totalSteps, dataHash: job.dataHash },
      config.keepCheckpoints,
    );
  };
  // the workers live until the job ends, however it ends
  try {
    while (step < totalSteps) {
      const { epoch, index } = locate(step);
      const batchIdx = planOf(epoch)[index] as number[];
      const batch = batchIdx.map((i) => job.items[i] as Item);
      const lr = learningRateAt(
        step,
        totalSteps,
        config.learningRate,
        config.warmupSteps,
        config.minLearningRateRatio,
      );
      const ts = performance.now();
      // workers exist only for shardable jobs, whose items are weighted sequences
      const shards = workers ? splitBatch(batch as WeightedSequence[], workers.size + 1) : [];
      let out: ShardGradients;
      if (workers && shards.length > 1) {
        // data-parallel: the workers take the other shards while this thread computes the first
        const pending = workers.gradients(params, shards.slice(1));
        const first = batchGradients(model, job.loss, shards[0] as unknown as Item[]);
        out = combineShards([first, ...(await pending)], shards);
      } else out = batchGradients(model, job.loss, batch);
      const { loss, metrics, grads: gradValues } = out;
      if (!Number.isFinite(loss))
        throw new TspError('internal', `${job.kind}: loss became ${loss} at step ${step}`, {
          hint: 'lower the learning rate or check the data',
        });
      const gradNorm = adamWStep(params, gradValues, opt, lr, config, config.gradClip);
      model.writeValues(params);
      step++;
      losses.push(loss);
      tokens += out.tokens;
      hooks.onStep?.({
        step,
        totalSteps,
        epoch,
        loss,
        learningRate: lr,
        gradNorm,
        tokens: out.tokens,
        positions: out.positions,
        elapsedMs: performance.now() - ts,
        metrics,
      });
      if (config.checkpointEvery > 0 && step % config.checkpointEvery === 0 && step < totalSteps)
        await save();
      if (hooks.signal?.aborted) {
        stopped = true;
        break;
      }
      await Promise.resolve();
    }
    if (step > startStep || stopped) await save();
    return {
      steps: step,
      totalSteps,
      startStep,
      finalLoss: losses[losses.length - 1] ?? Number.NaN,
      losses,
      tokens,
      elapsedMs: performance.now() - t0,
      stopped,
      threads: 1 + (workers?.size ?? 0),
    };
  } finally {
    await workers?.close();
  }
}

function sequencesLoss(fn: LossFn, config: LossConfig) {
  return (model: GptModel, batch: WeightedSequence[]) => {
    const packed = packBatch(batch.map((s) => ({ ids: s.ids, planes: { weight: s.weights } })));
    const logps = batchLogprobs(model, packed);
    const out = fn({ logps, rows: packed.rows, t: packed.t, planes: packed.planes }, config);
    return { ...out, tokens: packed.tokens, positions: packed.rows * packed.t };
  };
}

/** The NLL of weighted sequences (pretraining and SFT batches). */
export const nllOfSequences = sequencesLoss(LOSSES.nll, { beta: 0, anchorWeight: 0, unlikelihoodWeight: 0 });

/** Next-token pretraining on a corpus (each text one document, split into context windows). */
export async function trainLanguageModel(
  model: GptModel,
  tokenizer: Tokenizer,
  texts: readonly string[],
  config: TrainConfigInput = {},
  hooks: TrainHooks = {},
): Promise<TrainResult> {
  const c = TrainConfigSchema.parse(config);
  const items = texts.flatMap((t) => encodeDocument(tokenizer, t, model.config.contextLength));
  return runJob(
    model,
    tokenizer,
    {
      kind: 'lm',
      items,
      lengths: items.map((s) => s.ids.length - 1),
      dataHash: hashData(texts),
      shardable: true,
      loss: nllOfSequences,
    },
    c,
    hooks,
  );
}

/** Supervised fine-tuning: NLL on the target tokens only (prompt tokens get weight 0). */
export async function trainSupervised(
  model: GptModel,
  tokenizer: Tokenizer,
  examples: readonly SupervisedExample[],
  config: TrainConfigInput & { appendEnd?: boolean } = {},
  hooks: TrainHooks = {},
): Promise<TrainResult> {
  const { appendEnd, ...rest } = config;
  const c = TrainConfigSchema.parse(rest);
  const items = examples.map((e) =>
    encodeSupervised(tokenizer, e, model.config.contextLength, appendEnd ?? true),
  );
  return runJob(
    model,
    tokenizer,
    {
      kind: 'sft',
      items,
      lengths: items.map((s) => s.ids.length - 1),
      dataHash: hashData([examples, appendEnd ?? true]),
      shardable: true,
      loss: nllOfSequences,
    },
    c,
    hooks,
  );
}

interface PreparedPair {
  chosen: { ids: number[]; full: Float32Array; segment: Float32Array; ref?: Float32Array };
  rejected: { ids: number[]; full: Float32Array; segment: Float32Array; ref?: Float32Array };
  weight: number;
}

/** Reference log-probs per next-token position of each sequence (frozen model, no gradients). */
function referenceLogprobs(
  reference: GptModel,
  seqs: number[][],
  masks: Float32Array[],
  batchTokens: number,
): Float32Array[] {
  const out: Float32Array[] = new Array(seqs.length);
  const order = seqs.map((_, i) => i).sort((a, b) => (seqs[a]?.length ?? 0) - (seqs[b]?.length ?? 0));
  let at = 0;
  while (at < order.length) {
    const group: number[] = [];
    let t = 0;
    while (at < order.length) {
      const len = (seqs[order[at] as number]?.length ?? 1) - 1;
      if (group.length > 0 && Math.max(t, len) * (group.length + 1) > batchTokens) break;
      group.push(order[at] as number);
      t = Math.max(t, len);
      at++;
    }
    const packed = packBatch(
      group.map((i) => ({ ids: seqs[i] as number[], planes: { full: masks[i] as Float32Array } })),
    );
    const lp = tf.tidy(() => batchLogprobs(reference, packed));
    const data = lp.dataSync() as Float32Array;
    lp.dispose();
    group.forEach((i, r) => {
      const n = (seqs[i] as number[]).length - 1;
      out[i] = data.slice(r * packed.t, r * packed.t + n);
    });
  }
  return out;
}

/** Assemble a preference batch: chosen rows, then rejected rows, planes 'full' and 'segment'. */
export function packPreferenceBatch(batch: readonly PreparedPair[]): {
  packed: PackedBatch;
  ref: Float32Array | undefined;
  pairWeights: Float32Array;
} {
  const sides = [...batch.map((p) => p.chosen), ...batch.map((p) => p.rejected)];
  const packed = packBatch(sides.map((s) => ({ ids: s.ids, planes: { full: s.full, segment: s.segment } })));
  let ref: Float32Array | undefined;
  if (sides.every((s) => s.ref)) {
    ref = new Float32Array(packed.rows * packed.t);
    sides.forEach((s, r) => {
      ref?.set(s.ref as Float32Array, r * packed.t);
    });
  }
  return { packed, ref, pairWeights: Float32Array.from(batch.map((p) => p.weight)) };
}

/**
 * Preference training of `policy` against a frozen `reference` (used by dpo and tsp; it may be
 * undefined for unlikelihood). The reference's log-probs are computed once up front.
 */
export async function trainPreference(
  policy: GptModel,
  reference: GptModel | undefined,
  tokenizer: Tokenizer,
  examples: readonly PreferenceExample[],
  config: PreferenceConfigInput = {},
  hooks: TrainHooks = {},
): Promise<TrainResult> {
  const c = PreferenceConfigSchema.parse(config);
  const lossName: PreferenceLossName = c.loss;
  if (needsReference(lossName) && !reference)
    throw new TspError('invalid-input', `loss '${lossName}' needs a frozen reference model`, {
      hint: 'pass cloneModel(policy) taken before training',
    });
  if (reference === policy)
    throw new TspError('invalid-input', 'the reference must be a separate copy (cloneModel)');
  const ctx = policy.config.contextLength;
  const items: PreparedPair[] = examples.map((e) => ({
    ...encodePreference(tokenizer, e, ctx),
    weight: e.weight ?? 1,
  }));
  if (needsReference(lossName) && reference) {
    const seqs = items.flatMap((p) => [p.chosen.ids, p.rejected.ids]);
    const masks = items.flatMap((p) => [p.chosen.full, p.rejected.full]);
    const refs = referenceLogprobs(reference, seqs, masks, c.batchTokens);
    items.forEach((p, i) => {
      p.chosen.ref = refs[2 * i];
      p.rejected.ref = refs[2 * i + 1];
    });
  }
  const fn = LOSSES[lossName];
  const lossConfig: LossConfig = {
    beta: c.beta,
    anchorWeight: c.anchorWeight,
    unlikelihoodWeight: c.unlikelihoodWeight,
  };
  return runJob(
    policy,
    tokenizer,
    {
      kind: `preference-${lossName}`,
      items,
      // both rows of a pair count against the token budget
      lengths: items.map((p) => 2 * (Math.max(p.chosen.ids.length, p.rejected.ids.length) - 1)),
      dataHash: hashData([examples, lossName, c.beta, c.anchorWeight, c.unlikelihoodWeight]),
      loss: (model, batch) => {
        const { packed, ref, pairWeights } = packPreferenceBatch(batch);
        const logps = batchLogprobs(model, packed);
        const out = fn(
          {
            logps,
            refLogps: ref ? tf.tensor2d(ref, [packed.rows, packed.t]) : undefined,
            rows: packed.rows,
            t: packed.t,
            planes: packed.planes,
            pairs: batch.length,
            pairWeights,
          },
          lossConfig,
        );
        return { ...out, tokens: packed.tokens, positions: packed.rows * packed.t };
      },
    },
    c,
    hooks,
  );
}
