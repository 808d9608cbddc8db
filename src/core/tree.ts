import { createHash } from 'node:crypto';
import type { CriticalSource, TreeNode } from '../spec/tree.ts';
import type { VerdictSummary } from '../spec/verdict.ts';
import { commonLinePrefixLength } from './text-boundary.ts';

/** A judged complete program of a tree. */
export interface Leaf {
  id: string;
  /** The complete program: prompt + completion. */
  program: string;
  /** Tokens the policy generated for it (from the node it was sampled at). */
  tokens: number;
  /** Prefix length (chars) of the node it was sampled from. */
  originLength: number;
  verdict: VerdictSummary;
}

/** A node that must exist whether or not leaves branch there (a critical node, a rollout point). */
export interface ExplicitNode {
  prefix: string;
  criticalBy?: CriticalSource;
}

export function nodeId(taskId: string, round: number, prefix: string): string {
  return `${taskId}@r${round}:${createHash('sha1').update(prefix).digest('hex').slice(0, 12)}`;
}

/** Value of a set of leaves: the Monte-Carlo estimate of secure-pass. */
export function leafValue(leaves: readonly Leaf[]): number | null {
  if (leaves.length === 0) return null;
  return leaves.filter((l) => l.verdict.securePass).length / leaves.length;
}

/**
 * Assembles the decision tree of one task in one round from its judged leaves. Internal nodes are
 * the root (the prompt), the explicit nodes (critical nodes, rollout points), and every point where
 * two leaves stop sharing whole lines; each node's value is the secure-pass rate of the leaves
 * below it. Leaves keep their own ids, even when two programs are identical (each is a sample).
 */
export function assembleTree(input: {
  taskId: string;
  round: number;
  prompt: string;
  leaves: readonly Leaf[];
  explicit?: readonly ExplicitNode[];
}): TreeNode[] {
  const { taskId, round, prompt, leaves } = input;
  const floor = prompt.length;
  const internal = new Map<string, CriticalSource | undefined>();
  internal.set(prompt, undefined);
  for (const e of input.explicit ?? []) {
    if (!e.prefix.startsWith(prompt))
      throw new RangeError(`explicit node does not extend the prompt of ${taskId}`);
    const prev = internal.get(e.prefix);
    internal.set(e.prefix, prev ?? e.criticalBy);
  }
  // Lexicographic order: the branching points of a set are the line-prefixes shared by neighbours.
  const sorted = [...leaves].sort((a, b) => (a.program < b.program ? -1 : a.program > b.program ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1] as Leaf;
    const b = sorted[i] as Leaf;
    if (a.program === b.program) continue;
    const len = commonLinePrefixLength(a.program, b.program, floor);
    const p = a.program.slice(0, len);
    if (!internal.has(p)) internal.set(p, undefined);
  }
  const prefixes = [...internal.keys()].sort((a, b) => a.length - b.length);
  const parentOf = (text: string, strict: boolean): string | null => {
    for (let i = prefixes.length - 1; i >= 0; i--) {
      const p = prefixes[i] as string;
      if ((strict ? p.length < text.length : p.length <= text.length) && text.startsWith(p)) return p;
    }
    return null;
  };
  const nodes: TreeNode[] = [];
  const depthOf = new Map<string, number>();
  for (const p of prefixes) {
    const parent = p === prompt ? null : parentOf(p, true);
    const depth = parent === null ? 0 : (depthOf.get(parent) ?? 0) + 1;
    depthOf.set(p, depth);
    const below = leaves.filter((l) => l.program.startsWith(p));
    const criticalBy = internal.get(p);
    nodes.push({
      id: nodeId(taskId, round, p),
      taskId,
      round,
      parentId: parent === null ? null : nodeId(taskId, round, parent),
      depth,
      kind: parent === null ? 'root' : 'branch',
      prefix: p,
      edgeText: parent === null ? '' : p.slice(parent.length),
      edgeTokens: 0,
      value: leafValue(below),
      leaves: below.length,
      critical: criticalBy !== undefined,
      ...(criticalBy ? { criticalBy } : {}),
    });
  }
  for (const leaf of leaves) {
    // A leaf hangs under the deepest internal node it extends (possibly one equal to itself).
    const parent = parentOf(leaf.program, false) ?? prompt;
    const edge = leaf.program.slice(parent.length);
    const generated = Math.max(1, leaf.program.length - leaf.originLength);
    nodes.push({
      id: leaf.id,
      taskId,
      round,
      parentId: nodeId(taskId, round, parent),
      depth: (depthOf.get(parent) ?? 0) + 1,
      kind: 'leaf',
      prefix: leaf.program,
      edgeText: edge,
      edgeTokens: Math.round((leaf.tokens * Math.min(edge.length, generated)) / generated),
      verdict: leaf.verdict,
      value: leaf.verdict.securePass ? 1 : 0,
      leaves: 1,
      critical: false,
    });
  }
  return nodes;
}
