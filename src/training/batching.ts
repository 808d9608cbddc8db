/**
 * Turning text into weighted token sequences, and sequences into length-bucketed batches.
 *
 * Every sequence is [end-of-text] + tokens (the embedded policy's convention, so training and
 * sampling agree); `weights[j]` is the loss weight of predicting ids[j + 1]. Prefix and
 * continuation are tokenized separately, exactly as EmbeddedPolicy.score() does.
 */
import type { Rng } from '../core/rng.ts';
import type { Tokenizer } from '../models/embedded/tokenizer.ts';
import { TspError } from '../spec/errors.ts';

export interface WeightedSequence {
  ids: number[];
  /** Length ids.length - 1: weight of each next-token prediction. */
  weights: Float32Array;
}

/** A document as one or more windows of at most contextLength + 1 tokens, all weights 1. */
export function encodeDocument(
  tokenizer: Tokenizer,
  text: string,
  contextLength: number,
): WeightedSequence[] {
  const eot = tokenizer.endOfTextId;
  const ids = [eot, ...tokenizer.encode(text).ids, eot];
  const out: WeightedSequence[] = [];
  for (let start = 0; start + 1 < ids.length; start += contextLength) {
    const w = ids.slice(start, start + contextLength + 1);
    out.push({ ids: w, weights: new Float32Array(w.length - 1).fill(1) });
  }
  return out;
}

/** Prefix + continuation, left-truncating the prefix to fit; returns where the continuation starts. */
export function joinPrefix(
  tokenizer: Tokenizer,
  prefix: string,
  continuation: string,
  contextLength: number,
  appendEnd = false,
): { ids: number[]; start: number; offsets: number[]; truncatedTail: number } {
  const pre = [tokenizer.endOfTextId, ...tokenizer.encode(prefix).ids];
  const cont = tokenizer.encode(continuation);
  let contIds = appendEnd ? [...cont.ids, tokenizer.endOfTextId] : cont.ids;
  let truncatedTail = 0;
  if (contIds.length > contextLength) {
    truncatedTail = contIds.length - contextLength;
    contIds = contIds.slice(0, contextLength);
  }
  const keep = Math.max(1, Math.min(pre.length, contextLength + 1 - contIds.length));
  const ids = [...pre.slice(pre.length - keep), ...contIds];
  return { ids, start: keep, offsets: cont.offsets, truncatedTail };
}

export interface SupervisedExample {
  prompt: string;
  target: string;
  /** Loss weight of the target tokens (default 1). */
  weight?: number;
}

/** Prompt tokens get weight 0, target tokens `weight`; an end-of-text token closes the target. */
export function encodeSupervised(
  tokenizer: Tokenizer,
  ex: SupervisedExample,
  contextLength: number,
  appendEnd = true,
): WeightedSequence {
  const { ids, start } = joinPrefix(tokenizer, ex.prompt, ex.target, contextLength, appendEnd);
  const weights = new Float32Array(ids.length - 1);
  for (let j = start - 1; j < ids.length - 1; j++) weights[j] = ex.weight ?? 1;
  return { ids, weights };
}

export interface PreferenceExample {
  /** Shared prefix (prompt + code up to the critical node). */
  prefix: string;
  /** Preferred (secure) continuation of prefix. */
  chosen: string;
  /** Dispreferred (vulnerable) continuation of prefix. */
  rejected: string;
  /** Chars of `chosen` in the divergent segment ('tsp' and 'unlikelihood'); undefined = all. */
  chosenSegmentChars?: number;
  rejectedSegmentChars?: number;
  /** Weight of this pair in the loss (default 1). */
  weight?: number;
}

export interface PreferenceSide {
  ids: number[];
  /** Over next-token positions: 1 for every continuation token. */
  full: Float32Array;
  /** 1 for continuation tokens overlapping the first segmentChars chars. */
  segment: Float32Array;
}

function encodeSide(
  tokenizer: Tokenizer,
  prefix: string,
  continuation: string,
  segmentChars: number | undefined,
  contextLength: number,
): PreferenceSide {
  const { ids, start, offsets } = joinPrefix(tokenizer, prefix, continuation, contextLength);
  const full = new Float32Array(ids.length - 1);
  const segment = new Float32Array(ids.length - 1);
  const limit = segmentChars ?? Number.POSITIVE_INFINITY;
  for (let k = 0; start + k < ids.length; k++) {
    full[start - 1 + k] = 1;
    if ((offsets[k] as number) < limit) segment[start - 1 + k] = 1;
  }
  return { ids, full, segment };
}

export function encodePreference(
  tokenizer: Tokenizer,
  ex: PreferenceExample,
  contextLength: number,
): { chosen: PreferenceSide; rejected: PreferenceSide } {
  if (ex.chosen.length === 0 || ex.rejected.length === 0)
    throw new TspError(
      'invalid-input',
      'a preference pair needs non-empty chosen and rejected continuations',
    );
  return {
    chosen: encodeSide(tokenizer, ex.prefix, ex.chosen, ex.chosenSegmentChars, contextLength),
    rejected: encodeSide(tokenizer, ex.prefix, ex.rejected, ex.rejectedSegmentChars, contextLength),
  };
}

export interface BatchingOptions {
  /** Max tokens per batch, padding included (rows * longest row). */
  batchTokens: number;
  /** Max rows per batch. */
  maxBatchSize: number;
}

/**
 * One epoch of batches over items of the given lengths: shuffle, sort by length inside windows of
 * many batches (so rows of a batch have similar lengths and little padding), cut by the token
 * budget, then shuffle the batch order. Deterministic for a given rng.
 */
export function planEpoch(lengths: readonly number[], options: BatchingOptions, rng: Rng): number[][] {
  const order = rng.shuffle(lengths.map((_, i) => i));
  const window = options.maxBatchSize * 16;
  const batches: number[][] = [];
  for (let w = 0; w < order.length; w += window) {
    const chunk = order
      .slice(w, w + window)
      .sort((a, b) => (lengths[b] as number) - (lengths[a] as number) || a - b);
    let current: number[] = [];
    let longest = 0;
    for (const i of chunk) {
      const len = lengths[i] as number;
      const wouldBe = Math.max(longest, len) * (current.length + 1);
      if (current.length > 0 && (wouldBe > options.batchTokens || current.length >= options.maxBatchSize)) {
        batches.push(current);
        current = [];
        longest = 0;
      }
      current.push(i);
      longest = Math.max(longest, len);
    }
    if (current.length > 0) batches.push(current);
  }
  return rng.fork('batch-order').shuffle(batches);
}

export interface PackedBatch {
  rows: number;
  /** Next-token positions per row (longest ids length - 1). */
  t: number;
  inputs: Int32Array;
  targets: Int32Array;
  /** Named [rows * t] weight planes (zero on padding). */
  planes: Record<string, Float32Array>;
  /** Sum of the first plane: weighted target tokens in this batch. */
  tokens: number;
}

/** Right-pad sequences into [rows, t] inputs/targets with per-position weight planes. */
export function packBatch(
  seqs: readonly { ids: number[]; planes: Record<string, Float32Array> }[],
): PackedBatch {
  const rows = seqs.length;
  const t = Math.max(...seqs.map((s) => s.ids.length - 1));
  const inputs = new Int32Array(rows * t);
  const targets = new Int32Array(rows * t);
  const names = Object.keys(seqs[0]?.planes ?? {});
  const planes: Record<string, Float32Array> = {};
  for (const n of names) planes[n] = new Float32Array(rows * t);
  seqs.forEach((s, r) => {
    for (let j = 0; j < s.ids.length - 1; j++) {
      inputs[r * t + j] = s.ids[j] as number;
      targets[r * t + j] = s.ids[j + 1] as number;
    }
    for (const n of names) (planes[n] as Float32Array).set(s.planes[n] as Float32Array, r * t);
  });
  const first = names[0] ? (planes[names[0]] as Float32Array) : new Float32Array(0);
  let tokens = 0;
  for (const w of first) if (w !== 0) tokens++;
  return { rows, t, inputs, targets, planes, tokens };
}
