import { z } from 'zod';
import { VerdictSummary } from './verdict.ts';

/** How a critical decision node was found. */
export const CriticalSource = z.enum(['oracle', 'value', 'annotated']);
export type CriticalSource = z.infer<typeof CriticalSource>;

/**
 * A node of a decision tree over the policy's generations: a prefix of a program that ends at a
 * statement/line boundary. The root's prefix is the prompt; a leaf is a complete program.
 */
export const TreeNode = z.object({
  id: z.string(),
  taskId: z.string(),
  round: z.number().int().min(0),
  parentId: z.string().nullable(),
  depth: z.number().int().min(0),
  kind: z.enum(['root', 'branch', 'leaf']),
  /** Text from the start of the program up to this node. */
  prefix: z.string(),
  /** Text added by the edge from the parent (empty at the root). */
  edgeText: z.string(),
  /** Policy tokens on the edge from the parent. */
  edgeTokens: z.number().int().min(0),
  /** Verdict of the complete program, for leaves. */
  verdict: VerdictSummary.optional(),
  /** Monte-Carlo estimate of secure-pass among the leaves below; null before any leaf is judged. */
  value: z.number().min(0).max(1).nullable(),
  leaves: z.number().int().min(0),
  critical: z.boolean().default(false),
  criticalBy: CriticalSource.optional(),
});
export type TreeNode = z.infer<typeof TreeNode>;

/**
 * A preference pair at a critical node: both sides continue the same prefix. `chosen` leads to a
 * secure-pass leaf (the golden path); `rejected` to an insecure one. A side is `verified` only when
 * the oracle judged the complete program it belongs to.
 */
export const Pair = z.object({
  id: z.string(),
  taskId: z.string(),
  round: z.number().int().min(0),
  /** Where the pair came from: TSP tree, SPIN-style self-play, annotated release data, ... */
  source: z.enum(['tsp', 'spin', 'annotated', 'reference']),
  nodeId: z.string().optional(),
  criticalBy: CriticalSource.optional(),
  /** The task prompt (a prefix of `prefix`). */
  prompt: z.string(),
  /** Shared text before the divergence (includes the prompt). */
  prefix: z.string(),
  /** Continuations of `prefix` to the end of the program. */
  chosen: z.string(),
  rejected: z.string(),
  /** Length in characters of the divergent segment at the start of each side (the next statement). */
  chosenSegmentChars: z.number().int().min(0),
  rejectedSegmentChars: z.number().int().min(0),
  chosenVerified: z.boolean(),
  rejectedVerified: z.boolean(),
  chosenVerdict: VerdictSummary.optional(),
  rejectedVerdict: VerdictSummary.optional(),
});
export type Pair = z.infer<typeof Pair>;
