import type { RunConfig } from '../spec/run-config.ts';
import type { Task } from '../spec/task.ts';
import type { Pair, TreeNode } from '../spec/tree.ts';
import { judgeKey } from './judging.ts';
import { buildSpinPairs } from './spin-round.ts';
import { buildTrees, type RoundContext } from './tsp-round.ts';

/** What one round of self-play built, whichever way it built it. */
export interface SelfPlayRound {
  pairs: Pair[];
  /** The trees' nodes (none for unstructured self-play). */
  nodes: TreeNode[];
  criticalNodes: number;
  criticalBy: Record<string, number>;
  generatedTokens: number;
  /** Distinct programs judged in the round, cached or not (so a resumed run reports the same). */
  judged: number;
}

/**
 * One round of preference data: unstructured self-play (`spin`: the reference against the
 * policy's failing samples) or TSP trees (every other method), with their statistics summed over
 * tasks. Shared by the embedded experiment and the external-model loop.
 */
export async function buildSelfPlayRound(
  method: string,
  tasks: readonly Task[],
  config: Pick<RunConfig, 'spin' | 'tree'>,
  roundCtx: RoundContext,
): Promise<SelfPlayRound> {
  const seen = new Set<string>();
  const ctx: RoundContext = {
    ...roundCtx,
    judge: (items) => {
      for (const i of items) seen.add(judgeKey(i.task.id, i.code));
      return roundCtx.judge(items);
    },
  };
  if (method === 'spin') {
    const res = await buildSpinPairs(
      tasks,
      { samples: config.spin.samples, maxPairsPerTask: config.spin.maxPairsPerTask, ...config.spin.sampling },
      ctx,
    );
    return {
      pairs: res.flatMap((r) => r.pairs),
      nodes: [],
      criticalNodes: 0,
      criticalBy: {},
      generatedTokens: res.reduce((a, r) => a + r.stats.generatedTokens, 0),
      judged: seen.size,
    };
  }
  const trees = await buildTrees(tasks, { ...config.tree, ...config.tree.sampling }, ctx);
  const criticalBy: Record<string, number> = {};
  for (const t of trees)
    for (const [k, v] of Object.entries(t.stats.criticalBy)) criticalBy[k] = (criticalBy[k] ?? 0) + (v ?? 0);
  return {
    pairs: trees.flatMap((t) => t.pairs),
    nodes: trees.flatMap((t) => t.nodes),
    criticalNodes: trees.reduce((a, t) => a + t.stats.criticalNodes, 0),
    criticalBy,
    generatedTokens: trees.reduce((a, t) => a + t.stats.generatedTokens, 0),
    judged: seen.size,
  };
}
