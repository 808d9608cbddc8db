/**
 * The Policy implementation for the embedded GPT. Every sequence starts with the end-of-text token
 * (it doubles as beginning-of-text), followed by the prompt or prefix tokenized as plain text, so
 * any prefix (a prompt plus some lines of code) can be continued or scored; the continuation is
 * tokenized on its own, starting at the prefix's end.
 *
 * generate(): all samples of all requests are decoded together in batches of rows with a KV cache;
 * each sample has its own RNG (the request's seed forked by sample index), so a seed repeats
 * and the n samples of one request differ. score(): batched teacher-forced log-probs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng, type Rng } from '../../core/rng.ts';
import { TspError } from '../../spec/errors.ts';
import type {
  FinishReason,
  GenerateRequest,
  GenerateResult,
  Generation,
  Policy,
  ScoreRequest,
  ScoreResult,
} from '../../spec/policy.ts';
import type { GptModel } from './gpt.ts';
import { type CacheRow, copyRow, createArena, decodeStep, prefill, readDecodeTables } from './kv-cache.ts';
import { targetLogprobs } from './ops.ts';
import { sampleWithLogprob } from './sampling.ts';
import type { Tokenizer } from './tokenizer.ts';

export interface EmbeddedPolicyOptions {
  /** Stable name for manifests (default: 'embedded-gpt:' + a hash of the weights). */
  id?: string;
  /** Seed for requests that give none (advanced per request, so unseeded calls still vary). */
  seed?: number;
  /** Rows decoded together (default 32). */
  maxBatchRows?: number;
  /** maxTokens when a request gives none (default 256). */
  defaultMaxTokens?: number;
  /** Token budget per forward batch in score() and prefill (default 8192). */
  maxBatchTokens?: number;
  /** Attention over the KV cache in WebAssembly SIMD kernels (default true; false = plain JS). */
  simd?: boolean;
}

interface RowState {
  request: number;
  sample: number;
  rng: Rng;
  cache: CacheRow;
  ids: number[];
  logprobs: number[];
  maxTokens: number;
  stop: string[];
  stopBytes: number;
  temperature: number;
  topP: number;
  finish?: FinishReason;
  next: Float32Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function hashWeights(model: GptModel): string {
  let h = 0x811c9dc5;
  for (const v of model.params.values()) {
    const bytes = new Uint8Array((v.dataSync() as Float32Array).buffer);
    for (let i = 0; i < bytes.length; i += 7) {
      h ^= bytes[i] as number;
      h = Math.imul(h, 0x01000193);
    }
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

export class EmbeddedPolicy implements Policy {
  readonly model: GptModel;
  readonly tokenizer: Tokenizer;
  private readonly options: Required<Omit<EmbeddedPolicyOptions, 'id'>>;
  private readonly fixedId: string | undefined;
  private cachedId: string | undefined;
  private unseeded: Rng;

  constructor(model: GptModel, tokenizer: Tokenizer, options: EmbeddedPolicyOptions = {}) {
    if (tokenizer.vocabSize > model.config.vocabSize)
      throw new TspError(
        'invalid-input',
        `tokenizer has ${tokenizer.vocabSize} ids but the model only ${model.config.vocabSize}`,
      );
    this.model = model;
    this.tokenizer = tokenizer;
    this.fixedId = options.id;
    this.options = {
      seed: options.seed ?? 0,
      maxBatchRows: options.maxBatchRows ?? 32,
      defaultMaxTokens: options.defaultMaxTokens ?? 256,
      maxBatchTokens: options.maxBatchTokens ?? 8192,
      simd: options.simd ?? true,
    };
    this.unseeded = createRng(this.options.seed).fork('unseeded');
  }

  /** 'embedded-gpt:<hash of the weights>' unless an id was given (recomputed lazily after training). */
  get id(): string {
    if (this.fixedId) return this.fixedId;
    this.cachedId ??= `embedded-gpt:${hashWeights(this.model)}`;
    return this.cachedId;
  }

  /** Forget the cached id (call after the weights change). */
  weightsChanged(): void {
    this.cachedId = undefined;
  }

  /** [end-of-text] + tokens of text. */
  encodePrefix(text: string): number[] {
    return [this.tokenizer.endOfTextId, ...this.tokenizer.encode(text).ids];
  }

  async generate(requests: GenerateRequest[], options?: { signal?: AbortSignal }): Promise<GenerateResult[]> {
    const ctx = this.model.config.contextLength;
    const vocab = this.model.config.vocabSize;
    const eot = this.tokenizer.endOfTextId;
    const results: GenerateResult[] = requests.map(() => ({
      generations: [],
      warnings: [],
      promptTokens: 0,
    }));
    const prompts: number[][] = [];
    const pending: Omit<RowState, 'cache' | 'next'>[] = [];
    requests.forEach((req, ri) => {
      const result = results[ri] as GenerateResult;
      let maxTokens = Math.max(0, Math.floor(req.maxTokens ?? this.options.defaultMaxTokens));
      if (maxTokens >= ctx) {
        result.warnings.push(`maxTokens ${maxTokens} capped to ${ctx - 1} (context length ${ctx})`);
        maxTokens = ctx - 1;
      }
      let ids = this.encodePrefix(req.prompt);
      // The prompt is what the continuation depends on: keep all of it and shorten the budget for new
      // tokens instead (most programs end long before it); only a prompt that fills the context is cut.
      if (ids.length >= ctx) {
        const keep = ctx - 1;
        result.warnings.push(
          `prompt of ${ids.length} tokens truncated to its last ${keep} (context length ${ctx}): the model does not see its beginning`,
        );
        ids = ids.slice(ids.length - keep);
      }
      if (ids.length + maxTokens > ctx) {
        result.warnings.push(
          `maxTokens ${maxTokens} capped to ${ctx - ids.length}: the prompt takes ${ids.length} of ${ctx} context tokens`,
        );
        maxTokens = ctx - ids.length;
      }
      prompts.push(ids);
      result.promptTokens = ids.length;
      const n = req.n ?? 1;
      const seed = req.seed ?? this.unseeded.int(2 ** 31);
      const stop = (req.stop ?? []).filter((s) => s.length > 0);
      for (let s = 0; s < n; s++)
        pending.push({
          request: ri,
          sample: s,
          rng: createRng(seed).fork(`sample:${s}`),
          ids: [],
          logprobs: [],
          maxTokens,
          stop,
          stopBytes: Math.max(0, ...stop.map((x) => encoder.encode(x).length)),
          temperature: req.temperature ?? 1,
          topP: req.topP ?? 1,
        });
    });
    const generations: Generation[][] = requests.map((r) => new Array(r.n ?? 1));
    const tables = readDecodeTables(this.model);
    // one SIMD arena for every chunk of this call (JS attention where WebAssembly SIMD is unavailable)
    const arena =
      this.options.simd && pending.length > 0
        ? createArena(
            this.model,
            Math.min(this.options.maxBatchRows, pending.length),
            Math.min(
              ctx,
              Math.max(...pending.map((p) => (prompts[p.request] as number[]).length + p.maxTokens)),
            ),
          )
        : undefined;
    try {
      for (let start = 0; start < pending.length; start += this.options.maxBatchRows) {
        const chunk = pending.slice(start, start + this.options.maxBatchRows);
        const reqs = [...new Set(chunk.map((r) => r.request))];
        const capacityOf = (ri: number): number =>
          Math.min(
            ctx,
            (prompts[ri] as number[]).length +
              Math.max(...chunk.filter((r) => r.request === ri).map((r) => r.maxTokens)),
          );
        const pre = prefill(
          this.model,
          reqs.map((ri) => prompts[ri] as number[]),
          ctx,
          this.options.maxBatchTokens,
        );
        arena?.reset();
        const rows: RowState[] = chunk.map((p) => {
          const k = reqs.indexOf(p.request);
          return {
            ...p,
            cache: copyRow(this.model, pre.rows[k] as CacheRow, capacityOf(p.request), arena),
            next: pre.logits[k] as Float32Array,
          };
        });
        let active = rows;
        while (active.length > 0) {
          if (options?.signal?.aborted)
            throw new TspError('internal', 'generation aborted', { retryable: true });
          const fed: RowState[] = [];
          const tokens: number[] = [];
          for (const row of active) {
            if (row.maxTokens <= 0) {
              row.finish = 'length';
              continue;
            }
            const { id, logprob } = sampleWithLogprob(
              row.next,
              0,
              vocab,
              this.tokenizer.vocabSize,
              row,
              row.rng,
            );
            if (id === eot) {
              row.finish = 'stop';
              continue;
            }
            row.ids.push(id);
            row.logprobs.push(logprob);
            if (row.stop.length > 0 && this.hitsStop(row)) row.finish = 'stop';
            else if (row.ids.length >= row.maxTokens || row.cache.length >= row.cache.capacity)
              row.finish = 'length';
            else {
              fed.push(row);
              tokens.push(id);
            }
          }
          if (fed.length > 0) {
            const logits = decodeStep(
              this.model,
              tables,
              fed.map((r) => r.cache),
              tokens,
            );
            fed.forEach((row, i) => {
              row.next = logits.subarray(i * vocab, (i + 1) * vocab);
            });
          }
          active = fed;
          await Promise.resolve();
        }
        for (const row of rows) (generations[row.request] as Generation[])[row.sample] = this.finishRow(row);
      }
    } finally {
      tables.dispose();
    }
    results.forEach((r, i) => {
      r.generations = generations[i] as Generation[];
    });
    return results;
  }

  private hitsStop(row: RowState): boolean {
    const last = this.tokenizer.bytesOf(row.ids[row.ids.length - 1] as number).length;
    const want = row.stopBytes + last + 3;
    const tail: number[] = [];
    for (let i = row.ids.length - 1; i >= 0 && tail.length < want; i--) {
      const b = this.tokenizer.bytesOf(row.ids[i] as number);
      for (let j = b.length - 1; j >= 0; j--) tail.unshift(b[j] as number);
    }
    const text = decoder.decode(Uint8Array.from(tail));
    return row.stop.some((s) => text.includes(s));
  }

  private finishRow(row: RowState): Generation {
    const { text, offsets } = this.tokenizer.decodeWithOffsets(row.ids);
    let cut = -1;
    for (const s of row.stop) {
      const at = text.indexOf(s);
      if (at >= 0 && (cut < 0 || at < cut)) cut = at;
    }
    if (cut >= 0) {
      let keep = 0;
      while (keep < offsets.length && (offsets[keep] as number) < cut) keep++;
      return {
        text: text.slice(0, cut),
        tokenLogprobs: row.logprobs.slice(0, keep),
        tokenOffsets: offsets.slice(0, keep),
        finishReason: 'stop',
        completionTokens: keep,
      };
    }
    return {
      text,
      tokenLogprobs: row.logprobs,
      tokenOffsets: offsets,
      finishReason: row.finish ?? 'length',
      completionTokens: row.ids.length,
    };
  }

  async score(requests: ScoreRequest[], options?: { signal?: AbortSignal }): Promise<ScoreResult[]> {
    const ctx = this.model.config.contextLength;
    const items = requests.map((r) => {
      const prefix = this.encodePrefix(r.prefix);
      const cont = this.tokenizer.encode(r.continuation);
      if (cont.ids.length >= ctx)
        throw new TspError(
          'invalid-input',
          `continuation has ${cont.ids.length} tokens; the context holds ${ctx} (with at least one token of prefix)`,
        );
      const keep = Math.min(prefix.length, ctx + 1 - cont.ids.length);
      const ids = [...prefix.slice(prefix.length - keep), ...cont.ids];
      return { ids, contLen: cont.ids.length, offsets: cont.offsets };
    });
    const out: ScoreResult[] = new Array(requests.length);
    const order = items
      .map((_, i) => i)
      .sort((a, b) => (items[a]?.ids.length ?? 0) - (items[b]?.ids.length ?? 0));
    let at = 0;
    while (at < order.length) {
      if (options?.signal?.aborted) throw new TspError('internal', 'scoring aborted', { retryable: true });
      const group: number[] = [];
      let t = 0;
      while (at < order.length) {
        const i = order[at] as number;
        const len = (items[i]?.ids.length ?? 1) - 1;
        if (group.length > 0 && Math.max(t, len) * (group.length + 1) > this.options.maxBatchTokens) break;
        group.push(i);
        t = Math.max(t, len);
        at++;
      }
      const lps = scoreBatch(
        this.model,
        group.map((i) => (items[i] as { ids: number[] }).ids),
        group.map((i) => (items[i] as { contLen: number }).contLen),
        t,
      );
      group.forEach((i, g) => {
        const lp = lps[g] as number[];
        out[i] = {
          tokenLogprobs: lp,
          tokenOffsets: (items[i] as { offsets: number[] }).offsets,
          total: lp.reduce((a, b) => a + b, 0),
        };
      });
      await Promise.resolve();
    }
    return out;
  }
}

/**
 * Teacher-forced log-probs of the last `scored[i]` tokens of each sequence (inputs right-padded to
 * `t` = longest length - 1). Only the scored positions go through the output layer.
 */
export function scoreBatch(model: GptModel, seqs: number[][], scored: number[], t: number): number[][] {
  const b = seqs.length;
  const inputs = new Int32Array(b * t);
  const pick: number[] = [];
  const targets: number[] = [];
  seqs.forEach((s, r) => {
    inputs.set(s.slice(0, s.length - 1), r * t);
    const n = scored[r] as number;
    for (let j = s.length - 1 - n; j < s.length - 1; j++) {
      pick.push(r * t + j);
      targets.push(s[j + 1] as number);
    }
  });
  if (pick.length === 0) return seqs.map(() => []);
  const lp = tf.tidy(() => {
    const hidden = model.hidden(inputs, b, t);
    const sel = tf.gather(hidden, tf.tensor1d(pick, 'int32')) as tf.Tensor2D;
    return targetLogprobs(model.logits(sel), Int32Array.from(targets));
  });
  const data = lp.dataSync() as Float32Array;
  lp.dispose();
  const out: number[][] = [];
  let at = 0;
  for (const n of scored) {
    out.push(Array.from(data.subarray(at, at + n)));
    at += n;
  }
  return out;
}
