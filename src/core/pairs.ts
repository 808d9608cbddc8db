import { createHash } from 'node:crypto';
import type { CriticalSource, Pair } from '../spec/tree.ts';
import type { Rng } from './rng.ts';
import {
  commonLinePrefixLength,
  commonPrefixLength,
  nextStatementLength,
  normalizeForDedup,
} from './text-boundary.ts';
import type { Leaf } from './tree.ts';

/**
 * How much of each side the TSP contrast covers: the next statement after the divergence, all of
 * it from the divergence, or (`whole`) the same two programs as whole completions of the prompt
 * (whole-program DPO on the tree's pairs: the prefix is the prompt, the contrast covers everything).
 */
export type SegmentMode = 'statement' | 'to-end' | 'whole';

export function pairId(prefix: string, chosen: string, rejected: string): string {
  return createHash('sha1')
    .update(prefix)
    .update('\u0000')
    .update(chosen)
    .update('\u0000')
    .update(rejected)
    .digest('hex')
    .slice(0, 16);
}

function segmentChars(text: string, mode: SegmentMode): number {
  return mode === 'statement' ? nextStatementLength(text) : text.length;
}

/**
 * A leaf that can stand on the rejected side: verified insecure, i.e. an exploit test ran and
 * failed (or crashed it: a sanitizer abort), or the program ran and a static finding of the task's
 * weakness (`relevant`, default: any finding) was reported. A program that does not build, or
 * whose tests only errored, is broken rather than insecure and is never a rejected side, whatever
 * the analyzer says about its text. Functional ones are preferred by the callers.
 */
export function isVerifiedInsecure(
  l: Pick<Leaf, 'verdict'>,
  relevant: (f: { ruleId: string; cwe: string[] }) => boolean = () => true,
): boolean {
  const v = l.verdict;
  if (v.secure) return false;
  const ev = v.evidence;
  if (!ev) return v.failedSecurityTests.length > 0 || v.findingCwes.length > 0;
  if (ev.failedTests.some((t) => t.kind === 'security' && (t.status === 'fail' || t.status === 'crash')))
    return true;
  const ran = v.functional || ev.failedTests.some((t) => t.status !== 'error');
  return ran && ev.findings.some(relevant);
}

/**
 * Preference pairs at a critical node. Chosen sides are secure-pass leaves below the node (the golden
 * path), rejected sides verified-insecure leaves below it, both de-duplicated by their text after the
 * node. Each rejected leaf is paired with the secure leaf that shares the most whole lines with it, and
 * the pair's prefix runs to where the two actually diverge, so the contrast is exactly the decision.
 */
export function pairsAtNode(input: {
  taskId: string;
  round: number;
  prompt: string;
  nodeId: string;
  nodePrefix: string;
  criticalBy?: CriticalSource;
  leaves: readonly Leaf[];
  maxPairs: number;
  segment: SegmentMode;
  rng: Rng;
  /** Which findings verify a leaf as insecure (default: any; the engine passes the task's CWEs). */
  relevant?: (f: { ruleId: string; cwe: string[] }) => boolean;
  /**
   * false (an ablation): any other leaf below the node can be a rejected side, its verdict unread,
   * secure or not, as when continuations are paired without judging them; such pairs are marked
   * `rejectedVerified: false`. Default true.
   */
  verifyRejected?: boolean;
}): Pair[] {
  const { nodePrefix, leaves } = input;
  const below = leaves.filter(
    (l) => l.program.startsWith(nodePrefix) && l.program.length > nodePrefix.length,
  );
  const dedup = (ls: Leaf[]) => {
    const seen = new Set<string>();
    return ls.filter((l) => {
      const key = normalizeForDedup(l.program.slice(nodePrefix.length));
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  };
  const chosen = dedup(below.filter((l) => l.verdict.securePass));
  const verify = input.verifyRejected ?? true;
  const rejected = dedup(
    verify
      ? input.rng
          .shuffle(below.filter((l) => isVerifiedInsecure(l, input.relevant)))
          .sort((a, b) => Number(b.verdict.functional) - Number(a.verdict.functional))
      : // unverified: any leaf below the node, in a random order, its verdict unread (a secure
        // leaf can be rejected against another secure one)
        input.rng.shuffle(below),
  );
  if (chosen.length === 0 || rejected.length === 0) return [];
  const pairs: Pair[] = [];
  for (const r of rejected.slice(0, input.maxPairs)) {
    let best = chosen[0] as Leaf;
    let bestLen = -1;
    const self = normalizeForDedup(r.program);
    for (const c of chosen) {
      if (normalizeForDedup(c.program) === self) continue; // (unverified: r may be a chosen leaf)
      const len = commonLinePrefixLength(r.program, c.program, nodePrefix.length);
      if (len > bestLen) {
        best = c;
        bestLen = len;
      }
    }
    if (bestLen < 0 || normalizeForDedup(best.program) === self) continue;
    // whole-program pairs start at the prompt; the others where the two sides actually diverge
    const cut = input.segment === 'whole' ? input.prompt.length : bestLen;
    const prefix = r.program.slice(0, cut);
    const chosenText = best.program.slice(cut);
    const rejectedText = r.program.slice(cut);
    // A side that only stops (nothing after the shared lines) gives the contrast no tokens to train on.
    if (!chosenText.trim() || !rejectedText.trim()) continue;
    pairs.push({
      id: pairId(prefix, chosenText, rejectedText),
      taskId: input.taskId,
      round: input.round,
      source: 'tsp',
      nodeId: input.nodeId,
      ...(input.criticalBy ? { criticalBy: input.criticalBy } : {}),
      prompt: input.prompt,
      prefix,
      chosen: chosenText,
      rejected: rejectedText,
      chosenSegmentChars: segmentChars(chosenText, input.segment),
      rejectedSegmentChars: segmentChars(rejectedText, input.segment),
      chosenVerified: true,
      rejectedVerified: verify,
      chosenVerdict: best.verdict,
      // kept for the statistics (was the unverified side insecure after all?), never for pairing
      rejectedVerdict: r.verdict,
    });
  }
  return pairs;
}

/** The fields of a pair a trainer reads. */
export interface PairSides {
  prefix: string;
  chosen: string;
  rejected: string;
  chosenSegmentChars: number;
  rejectedSegmentChars: number;
}

/**
 * SafeCoder masks the changed tokens only. A tree pair's sides diverge at a line boundary, so their
 * segments start with text both share (indentation, the start of the same call): with a
 * likelihood/unlikelihood loss that shared text would be pushed up on one side and down on the
 * other. This moves it into the prefix, backing off to the start of the word where the sides
 * differ (`hashlib.` + `sha1` / `sha256`), so the segments cover what changed. A pair whose sides
 * differ from their first character, or where one side is a prefix of the other, is returned as is.
 */
export function narrowToChange<T extends PairSides>(p: T): T {
  let k = commonPrefixLength(p.chosen, p.rejected);
  if (k >= Math.min(p.chosen.length, p.rejected.length)) return p;
  while (k > 0 && /\w/.test(p.chosen.charAt(k - 1))) k--;
  if (k === 0) return p;
  const chosen = p.chosen.slice(k);
  const rejected = p.rejected.slice(k);
  const seg = (chars: number, text: string) => (chars > k ? chars - k : nextStatementLength(text));
  return {
    ...p,
    prefix: p.prefix + p.chosen.slice(0, k),
    chosen,
    rejected,
    chosenSegmentChars: Math.min(chosen.length, seg(p.chosenSegmentChars, chosen)),
    rejectedSegmentChars: Math.min(rejected.length, seg(p.rejectedSegmentChars, rejected)),
  };
}
