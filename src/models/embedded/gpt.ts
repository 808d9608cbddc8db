/**
 * A small decoder-only transformer (GPT-2 layout): learned positions, pre-LayerNorm blocks with
 * causal multi-head attention and a GELU MLP, final LayerNorm, output tied to the token embedding.
 * Weights are tfjs Variables laid out [in, out] (y = x @ W + b); initial values come from a seed
 * through JS (not tfjs random ops) so that any backend starts from the same bits.
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { createRng, type Rng } from '../../core/rng.ts';
import { TspError } from '../../spec/errors.ts';
import { registerGradients } from './gradients.ts';
import { causalSelfAttention, embedTokens, gelu, layerNorm, linear, splitHeads, tiedLogits } from './ops.ts';

export const GptConfigSchema = z.object({
  vocabSize: z.number().int().min(2),
  contextLength: z.number().int().min(2),
  dModel: z.number().int().min(2),
  nLayers: z.number().int().min(1),
  nHeads: z.number().int().min(1),
  /** MLP hidden width = mlpRatio * dModel. */
  mlpRatio: z.number().int().min(1).default(4),
  layerNormEps: z.number().positive().default(1e-5),
});
export type GptConfig = z.infer<typeof GptConfigSchema>;
export type GptConfigInput = z.input<typeof GptConfigSchema>;

/** ~1M parameters with a 2k vocabulary: the embedded default (4 layers, d=128, 4 heads). */
export const DEFAULT_GPT_CONFIG: GptConfig = {
  vocabSize: 2048,
  contextLength: 512,
  dModel: 128,
  nLayers: 4,
  nHeads: 4,
  mlpRatio: 4,
  layerNormEps: 1e-5,
};

export interface ParamSpec {
  name: string;
  shape: number[];
  init: 'normal' | 'zeros' | 'ones';
  std?: number;
}

/** Names, shapes and initialisation of every parameter, in a fixed order. */
export function describeParams(c: GptConfig): ParamSpec[] {
  const d = c.dModel;
  const f = c.mlpRatio * d;
  const projStd = 0.02 / Math.sqrt(2 * c.nLayers);
  const specs: ParamSpec[] = [
    { name: 'wte', shape: [c.vocabSize, d], init: 'normal', std: 0.02 },
    { name: 'wpe', shape: [c.contextLength, d], init: 'normal', std: 0.01 },
  ];
  for (let l = 0; l < c.nLayers; l++) {
    const p = `h.${l}.`;
    specs.push(
      { name: `${p}ln1.g`, shape: [d], init: 'ones' },
      { name: `${p}ln1.b`, shape: [d], init: 'zeros' },
      { name: `${p}attn.wqkv`, shape: [d, 3 * d], init: 'normal', std: 0.02 },
      { name: `${p}attn.bqkv`, shape: [3 * d], init: 'zeros' },
      { name: `${p}attn.wproj`, shape: [d, d], init: 'normal', std: projStd },
      { name: `${p}attn.bproj`, shape: [d], init: 'zeros' },
      { name: `${p}ln2.g`, shape: [d], init: 'ones' },
      { name: `${p}ln2.b`, shape: [d], init: 'zeros' },
      { name: `${p}mlp.wfc`, shape: [d, f], init: 'normal', std: 0.02 },
      { name: `${p}mlp.bfc`, shape: [f], init: 'zeros' },
      { name: `${p}mlp.wproj`, shape: [f, d], init: 'normal', std: projStd },
      { name: `${p}mlp.bproj`, shape: [d], init: 'zeros' },
    );
  }
  specs.push({ name: 'lnf.g', shape: [d], init: 'ones' }, { name: 'lnf.b', shape: [d], init: 'zeros' });
  return specs;
}

function initValues(spec: ParamSpec, rng: Rng): Float32Array {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  if (spec.init === 'ones') out.fill(1);
  else if (spec.init === 'normal') {
    const std = spec.std ?? 0.02;
    for (let i = 0; i < n; i += 2) {
      const u1 = Math.max(rng.next(), 1e-12);
      const u2 = rng.next();
      const r = Math.sqrt(-2 * Math.log(u1)) * std;
      out[i] = r * Math.cos(2 * Math.PI * u2);
      if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
    }
  }
  return out;
}

export interface LayerKv {
  /** Per (sequence, head), in that order: [t, headDim]. */
  k: tf.Tensor2D[];
  v: tf.Tensor2D[];
}

export class GptModel {
  readonly config: GptConfig;
  readonly specs: ParamSpec[];
  readonly params: Map<string, tf.Variable>;

  constructor(config: GptConfig, values: Map<string, Float32Array>) {
    if (config.dModel % config.nHeads !== 0)
      throw new TspError(
        'invalid-input',
        `dModel ${config.dModel} is not divisible by nHeads ${config.nHeads}`,
      );
    registerGradients();
    this.config = config;
    this.specs = describeParams(config);
    this.params = new Map();
    for (const s of this.specs) {
      const v = values.get(s.name);
      const n = s.shape.reduce((a, b) => a * b, 1);
      if (!v || v.length !== n)
        throw new TspError(
          'invalid-input',
          `parameter ${s.name}: expected ${n} values, got ${v?.length ?? 'none'}`,
        );
      const init = tf.tensor(v, s.shape, 'float32');
      this.params.set(s.name, tf.variable(init, true, undefined, 'float32'));
      init.dispose();
    }
  }

  get headDim(): number {
    return this.config.dModel / this.config.nHeads;
  }

  p(name: string): tf.Variable {
    const v = this.params.get(name);
    if (!v) throw new TspError('internal', `no parameter ${name}`);
    return v;
  }

  parameterCount(): number {
    let n = 0;
    for (const v of this.params.values()) n += v.size;
    return n;
  }

  /** Copy of every parameter's values (for checkpoints, cloning, comparisons). */
  readValues(): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    for (const [k, v] of this.params) out.set(k, new Float32Array(v.dataSync() as Float32Array));
    return out;
  }

  /** Overwrite parameters with the given values (same names and sizes). */
  writeValues(values: Map<string, Float32Array>): void {
    for (const s of this.specs) {
      const v = values.get(s.name);
      if (!v) continue;
      const t = tf.tensor(v, s.shape, 'float32');
      this.p(s.name).assign(t);
      t.dispose();
    }
  }

  /**
   * Hidden states after the final LayerNorm for right-padded `ids` [batch, t] (row-major):
   * [batch*t, dModel]. Causal: a position never sees later ones, so right padding is harmless.
   * When `collectKv` is given, it receives each layer's keys and values.
   */
  hidden(
    ids: Int32Array,
    batch: number,
    t: number,
    collectKv?: (layer: number, kv: LayerKv) => void,
  ): tf.Tensor2D {
    const c = this.config;
    if (t > c.contextLength)
      throw new TspError(
        'invalid-input',
        `sequence length ${t} exceeds the context length ${c.contextLength}`,
      );
    if (ids.length !== batch * t) throw new TspError('internal', 'hidden(): ids length != batch * t');
    let x = embedTokens(this.p('wte'), this.p('wpe'), ids, batch, t);
    for (let l = 0; l < c.nLayers; l++) {
      const p = `h.${l}.`;
      const a = layerNorm(x, this.p(`${p}ln1.g`), this.p(`${p}ln1.b`), c.layerNormEps);
      const qkv = linear(a, this.p(`${p}attn.wqkv`), this.p(`${p}attn.bqkv`));
      if (collectKv) {
        const { k, v } = splitHeads(qkv, batch, t, c.nHeads);
        collectKv(l, { k, v });
      }
      const merged = causalSelfAttention(qkv, batch, t, c.nHeads);
      x = tf.add(x, linear(merged, this.p(`${p}attn.wproj`), this.p(`${p}attn.bproj`)));
      const m = layerNorm(x, this.p(`${p}ln2.g`), this.p(`${p}ln2.b`), c.layerNormEps);
      const fc = gelu(linear(m, this.p(`${p}mlp.wfc`), this.p(`${p}mlp.bfc`)));
      x = tf.add(x, linear(fc, this.p(`${p}mlp.wproj`), this.p(`${p}mlp.bproj`)));
    }
    return layerNorm(x, this.p('lnf.g'), this.p('lnf.b'), c.layerNormEps);
  }

  /** Logits [rows, vocab] from final hidden states (output tied to the token embedding). */
  logits(hidden: tf.Tensor2D): tf.Tensor2D {
    return tiedLogits(hidden, this.p('wte'));
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    this.params.clear();
  }
}

/** A fresh model with seeded GPT-2-style initial weights. */
export function createModel(config: GptConfigInput, seed: number): GptModel {
  const c = GptConfigSchema.parse(config);
  const rng = createRng(seed).fork('init');
  const values = new Map<string, Float32Array>();
  for (const s of describeParams(c)) values.set(s.name, initValues(s, rng.fork(s.name)));
  return new GptModel(c, values);
}

/** An independent copy (e.g. the frozen reference for DPO, or last round's opponent). */
export function cloneModel(model: GptModel): GptModel {
  return new GptModel(model.config, model.readValues());
}
