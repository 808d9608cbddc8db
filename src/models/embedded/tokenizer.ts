/**
 * Byte-level BPE tokenizer with exact char offsets. Text is split by a GPT-2-style pre-tokenizer
 * regex, each piece is encoded as UTF-8 bytes (ids 0..255), and learned merges (ids 256..) join
 * adjacent symbols; one special token, end-of-text, comes last. Every token maps back to the
 * UTF-16 char offset where its first byte's character starts, so spans found in text (critical
 * nodes, divergent segments) map to tokens exactly.
 */
import { TspError } from '../../spec/errors.ts';

export const END_OF_TEXT = '<|endoftext|>';

/**
 * Words with an optional leading space, numbers, punctuation runs, each line break on its own, and
 * runs of spaces/tabs (the last space goes to the next word). Line breaks never merge with the
 * indentation after them, so a prefix that ends at a line end (as TSP's prefixes do) ends on the
 * same token boundary as in training, and its continuation tokenizes as it did in training.
 */
export const DEFAULT_PRETOKENIZE_PATTERN =
  ' ?\\p{L}[\\p{L}\\p{N}_]*| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\r?\\n|[^\\S\\n]+(?!\\S)|[^\\S\\n]+';

export interface TokenizerJson {
  type: 'byte-bpe';
  version: 1;
  pattern: string;
  /** Merge i creates id 256 + i from the pair [left, right]. */
  merges: [number, number][];
  endOfTextId: number;
}

export interface Encoding {
  ids: number[];
  /** UTF-16 char offset in the encoded text where each token starts. */
  offsets: number[];
}

const encoder = new TextEncoder();

function pairKey(a: number, b: number): number {
  return a * 0x100000 + b;
}

export class Tokenizer {
  readonly merges: readonly (readonly [number, number])[];
  readonly pattern: string;
  readonly endOfTextId: number;
  readonly vocabSize: number;
  private readonly regex: RegExp;
  private readonly ranks = new Map<number, number>();
  private readonly tokenBytes: Uint8Array[] = [];
  private readonly cache = new Map<string, number[]>();

  constructor(merges: readonly (readonly [number, number])[], pattern = DEFAULT_PRETOKENIZE_PATTERN) {
    this.merges = merges;
    this.pattern = pattern;
    this.regex = new RegExp(pattern, 'gu');
    for (let i = 0; i < 256; i++) this.tokenBytes.push(Uint8Array.of(i));
    merges.forEach(([a, b], i) => {
      const left = this.tokenBytes[a];
      const right = this.tokenBytes[b];
      if (!left || !right) throw new TspError('invalid-input', `tokenizer: merge ${i} refers to unknown ids`);
      const joined = new Uint8Array(left.length + right.length);
      joined.set(left);
      joined.set(right, left.length);
      this.tokenBytes.push(joined);
      this.ranks.set(pairKey(a, b), i);
    });
    this.endOfTextId = 256 + merges.length;
    this.vocabSize = this.endOfTextId + 1;
  }

  /** Bytes of a token (empty for the end-of-text token). */
  bytesOf(id: number): Uint8Array {
    if (id === this.endOfTextId) return new Uint8Array(0);
    const b = this.tokenBytes[id];
    if (!b) throw new TspError('invalid-input', `tokenizer: unknown token id ${id}`);
    return b;
  }

  /** Split text into pre-tokens with their char offsets. */
  pretokenize(text: string): { piece: string; offset: number }[] {
    const out: { piece: string; offset: number }[] = [];
    this.regex.lastIndex = 0;
    for (const m of text.matchAll(this.regex)) out.push({ piece: m[0], offset: m.index });
    return out;
  }

  private encodePiece(piece: string): number[] {
    const cached = this.cache.get(piece);
    if (cached) return cached;
    const syms = Array.from(encoder.encode(piece));
    while (syms.length > 1) {
      let bestRank = Number.POSITIVE_INFINITY;
      let bestAt = -1;
      for (let i = 0; i + 1 < syms.length; i++) {
        const r = this.ranks.get(pairKey(syms[i] as number, syms[i + 1] as number));
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          bestAt = i;
        }
      }
      if (bestAt < 0) break;
      syms.splice(bestAt, 2, 256 + bestRank);
    }
    if (this.cache.size < 200_000) this.cache.set(piece, syms);
    return syms;
  }

  /** Encode text (never emits end-of-text: the literal string is ordinary text). */
  encode(text: string): Encoding {
    const ids: number[] = [];
    const offsets: number[] = [];
    for (const { piece, offset } of this.pretokenize(text)) {
      const pieceIds = this.encodePiece(piece);
      const charOfByte = byteToCharOffsets(piece);
      let byteAt = 0;
      for (const id of pieceIds) {
        ids.push(id);
        offsets.push(offset + (charOfByte[byteAt] as number));
        byteAt += this.bytesOf(id).length;
      }
    }
    return { ids, offsets };
  }

  /** Decode ids to text (invalid UTF-8 becomes U+FFFD; end-of-text decodes to nothing). */
  decode(ids: readonly number[]): string {
    return decodeBytes(this.concatBytes(ids));
  }

  concatBytes(ids: readonly number[]): Uint8Array {
    let n = 0;
    for (const id of ids) n += this.bytesOf(id).length;
    const out = new Uint8Array(n);
    let at = 0;
    for (const id of ids) {
      const b = this.bytesOf(id);
      out.set(b, at);
      at += b.length;
    }
    return out;
  }

  /**
   * Decode ids and give each token's char offset in the decoded text (the char containing the
   * token's first byte; a token that starts inside a multi-byte char gets that char's offset).
   */
  decodeWithOffsets(ids: readonly number[]): { text: string; offsets: number[] } {
    const bytes = this.concatBytes(ids);
    const text = decodeBytes(bytes);
    const charAtByte = decodedCharOffsets(bytes);
    const offsets: number[] = [];
    let at = 0;
    for (const id of ids) {
      offsets.push(charAtByte[at] ?? text.length);
      at += this.bytesOf(id).length;
    }
    return { text, offsets };
  }

  toJSON(): TokenizerJson {
    return {
      type: 'byte-bpe',
      version: 1,
      pattern: this.pattern,
      merges: this.merges.map(([a, b]) => [a, b]),
      endOfTextId: this.endOfTextId,
    };
  }

  static fromJSON(json: unknown): Tokenizer {
    const j = json as Partial<TokenizerJson> | null;
    if (
      j?.type !== 'byte-bpe' ||
      j.version !== 1 ||
      !Array.isArray(j.merges) ||
      typeof j.pattern !== 'string'
    )
      throw new TspError('invalid-input', 'tokenizer.json is not a byte-bpe tokenizer (version 1)');
    const t = new Tokenizer(j.merges, j.pattern);
    if (j.endOfTextId !== undefined && j.endOfTextId !== t.endOfTextId)
      throw new TspError('invalid-input', 'tokenizer.json: end-of-text id does not match its merges');
    return t;
  }
}

const decoderLossy = new TextDecoder('utf-8', { fatal: false });

function decodeBytes(bytes: Uint8Array): string {
  return decoderLossy.decode(bytes);
}

/** For each byte of the UTF-8 encoding of `s`, the UTF-16 offset of the char it belongs to. */
function byteToCharOffsets(s: string): number[] {
  const out: number[] = [];
  let unit = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (let k = 0; k < n; k++) out.push(unit);
    unit += ch.length;
  }
  out.push(unit);
  return out;
}

/**
 * For arbitrary bytes (maybe invalid UTF-8), the char offset in TextDecoder's output where the
 * char containing each byte starts; index bytes.length gives the text length.
 */
function decodedCharOffsets(bytes: Uint8Array): number[] {
  const out = new Array<number>(bytes.length + 1);
  let i = 0;
  let unit = 0;
  while (i < bytes.length) {
    const len = validSequenceLength(bytes, i);
    if (len === 0) {
      // An invalid byte: TextDecoder emits one U+FFFD for a maximal invalid prefix; approximate
      // by one replacement char per byte that cannot start or continue a sequence.
      const skip = maximalInvalidPrefix(bytes, i);
      for (let k = 0; k < skip; k++) out[i + k] = unit;
      i += skip;
      unit += 1;
      continue;
    }
    for (let k = 0; k < len; k++) out[i + k] = unit;
    unit += len === 4 ? 2 : 1;
    i += len;
  }
  out[bytes.length] = unit;
  return out;
}

function validSequenceLength(b: Uint8Array, i: number): number {
  const c = b[i] as number;
  if (c < 0x80) return 1;
  let n: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) n = 2;
  else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    if (c === 0xe0) lo = 0xa0;
    if (c === 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    if (c === 0xf0) lo = 0x90;
    if (c === 0xf4) hi = 0x8f;
  } else return 0;
  if (i + n > b.length) return 0;
  for (let k = 1; k < n; k++) {
    const x = b[i + k] as number;
    const l = k === 1 ? lo : 0x80;
    const h = k === 1 ? hi : 0xbf;
    if (x < l || x > h) return 0;
  }
  return n;
}

/** Length of the maximal subpart of an ill-formed sequence (WHATWG: at least 1). */
function maximalInvalidPrefix(b: Uint8Array, i: number): number {
  const c = b[i] as number;
  let n = 0;
  let lo = 0x80;
  let hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) n = 2;
  else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    if (c === 0xe0) lo = 0xa0;
    if (c === 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    if (c === 0xf0) lo = 0x90;
    if (c === 0xf4) hi = 0x8f;
  } else return 1;
  let k = 1;
  while (k < n && i + k < b.length) {
    const x = b[i + k] as number;
    const l = k === 1 ? lo : 0x80;
    const h = k === 1 ? hi : 0xbf;
    if (x < l || x > h) break;
    k++;
  }
  return k;
}

/**
 * Learn merges from texts until the vocabulary (bytes + merges + end-of-text) has `vocabSize`
 * ids or no pair occurs twice. Deterministic: ties go to the smallest pair ids.
 */
export function trainTokenizer(
  texts: readonly string[],
  vocabSize: number,
  options: { pattern?: string; minFrequency?: number } = {},
): Tokenizer {
  const pattern = options.pattern ?? DEFAULT_PRETOKENIZE_PATTERN;
  const minFrequency = options.minFrequency ?? 2;
  if (vocabSize < 257)
    throw new TspError('invalid-input', 'vocabSize must be at least 257 (bytes + end-of-text)');
  const regex = new RegExp(pattern, 'gu');
  const counts = new Map<string, number>();
  for (const t of texts) for (const m of t.matchAll(regex)) counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
  const words: number[][] = [];
  const freqs: number[] = [];
  for (const [w, f] of counts) {
    const bytes = Array.from(encoder.encode(w));
    if (bytes.length < 2) continue;
    words.push(bytes);
    freqs.push(f);
  }
  const pairCounts = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const addPairs = (wi: number, sign: number): void => {
    const w = words[wi] as number[];
    const f = (freqs[wi] as number) * sign;
    for (let i = 0; i + 1 < w.length; i++) {
      const k = pairKey(w[i] as number, w[i + 1] as number);
      pairCounts.set(k, (pairCounts.get(k) ?? 0) + f);
      if (sign > 0) {
        let s = pairWords.get(k);
        if (!s) {
          s = new Set();
          pairWords.set(k, s);
        }
        s.add(wi);
      }
    }
  };
  for (let wi = 0; wi < words.length; wi++) addPairs(wi, 1);
  const merges: [number, number][] = [];
  const target = vocabSize - 257;
  while (merges.length < target) {
    let best = -1;
    let bestCount = 0;
    for (const [k, c] of pairCounts) {
      if (c > bestCount || (c === bestCount && c > 0 && k < best)) {
        best = k;
        bestCount = c;
      }
    }
    if (best < 0 || bestCount < minFrequency) break;
    const a = Math.floor(best / 0x100000);
    const b = best % 0x100000;
    const id = 256 + merges.length;
    merges.push([a, b]);
    const affected = pairWords.get(best) ?? new Set<number>();
    pairWords.delete(best);
    for (const wi of affected) {
      addPairs(wi, -1);
      const w = words[wi] as number[];
      const merged: number[] = [];
      for (let i = 0; i < w.length; i++) {
        if (i + 1 < w.length && w[i] === a && w[i + 1] === b) {
          merged.push(id);
          i++;
        } else merged.push(w[i] as number);
      }
      words[wi] = merged;
      addPairs(wi, 1);
    }
    for (const [k, c] of pairCounts) if (c <= 0) pairCounts.delete(k);
  }
  return new Tokenizer(merges, pattern);
}
