import { createHash } from 'node:crypto';
import type { CriticalSource, Pair } from '../spec/tree.ts';
import type { Rng } from './rng.ts';
import { commonLinePrefixLength, nextStatementLength, normalizeForDedup } from './text-boundary.ts';
import type { Leaf } from './tree.ts';

/** How much of each side the TSP contrast covers: the next statement after the divergence, or all of it. */
export type SegmentMode = 'statement' | 'to-end';

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
  return mode === 'to-end' ? text.length : nextStatementLength(text);
}

/**
 * A leaf that can stand on the rejected side: verified insecure, i.e. an exploit test ran and
 * failed (or crashed it: a sanitizer abort), or the program ran and a static finding of the task's
 * weakness (`relevant`, default: any finding) was reported. A program that does not build, or
 * whose tests only errored, is broken rather than insecure and is never a rejected side, whatever
 * the analyzer says about its text. Functional ones are preferred by the callers.
 */
export function isVerifiedInsecure(
  l: Leaf,
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
  const rejected = dedup(
    input.rng
      .shuffle(below.filter((l) => isVerifiedInsecure(l, input.relevant)))
      .sort((a, b) => Number(b.verdict.functional) - Number(a.verdict.functional)),
  );
  if (chosen.length === 0 || rejected.length === 0) return [];
  const pairs: Pair[] = [];
  for (const r of rejected.slice(0, input.maxPairs)) {
    let best = chosen[0] as Leaf;
    let bestLen = -1;
    for (const c of chosen) {
      const len = commonLinePrefixLength(r.program, c.program, nodePrefix.length);
      if (len > bestLen) {
        best = c;
        bestLen = len;
      }
    }
    if (normalizeForDedup(best.program) === normalizeForDedup(r.program)) continue;
    const prefix = r.program.slice(0, bestLen);
    const chosenText = best.program.slice(bestLen);
    const rejectedText = r.program.slice(bestLen);
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
      rejectedVerified: true,
      chosenVerdict: best.verdict,
      rejectedVerdict: r.verdict,
    });
  }
  return pairs;
}
