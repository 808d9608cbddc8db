import { isVerifiedInsecure } from '../core/pairs.ts';
import type { RunConfig } from '../spec/run-config.ts';
import type { Task } from '../spec/task.ts';
import type { Pair, TreeNode } from '../spec/tree.ts';
import { judgeKey } from './judging.ts';
import { buildReleasePairs } from './release-round.ts';
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
  /**
   * Pairs whose rejected side the oracle found verified insecure: every verified pair, and for the
   * recipes that pair without judging (tsp-release, `tree.verifyRejected: false`) what the oracle
   * said afterwards.
   */
  rejectedInsecure: number;
}

/**
 * One round of preference data: unstructured self-play (`spin`: the reference against the
 * policy's failing samples), the TSP release's recipe (`tsp-release`: unjudged continuations at the
 * annotated branch point), or TSP trees (every other method), with their statistics summed over
 * tasks. Shared by the embedded experiment and the external-model loop.
 */
export async function buildSelfPlayRound(
  method: string,
  tasks: readonly Task[],
  config: Pick<RunConfig, 'spin' | 'tree'> & Partial<Pick<RunConfig, 'release'>>,
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
      rejectedInsecure: res.reduce((a, r) => a + r.pairs.length, 0),
    };
  }
  if (method === 'tsp-release') {
    const release = config.release ?? {
      samples: 4,
      sampling: { temperature: 1, topP: 0.95, maxTokens: 192 },
    };
    const res = await buildReleasePairs(
      tasks,
      { samples: release.samples, ...release.sampling },
      ctx,
      ...(roundCtx.relevantFinding ? [roundCtx.relevantFinding] : []),
    );
    return {
      pairs: res.pairs,
      nodes: [],
      criticalNodes: res.branchPoints,
      criticalBy: { annotated: res.branchPoints },
      generatedTokens: res.generatedTokens,
      judged: seen.size,
      rejectedInsecure: res.rejectedInsecure,
    };
  }
  const trees = await buildTrees(tasks, { ...config.tree, ...config.tree.sampling }, ctx);
  const relevant = roundCtx.relevantFinding;
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const pairs = trees.flatMap((t) => t.pairs);
  const criticalBy: Record<string, number> = {};
  for (const t of trees)
    for (const [k, v] of Object.entries(t.stats.criticalBy)) criticalBy[k] = (criticalBy[k] ?? 0) + (v ?? 0);
  return {
    pairs,
    nodes: trees.flatMap((t) => t.nodes),
    criticalNodes: trees.reduce((a, t) => a + t.stats.criticalNodes, 0),
    criticalBy,
    generatedTokens: trees.reduce((a, t) => a + t.stats.generatedTokens, 0),
    judged: seen.size,
    rejectedInsecure: pairs.filter(
      (p) =>
        p.rejectedVerified ||
        (p.rejectedVerdict !== undefined &&
          isVerifiedInsecure({ verdict: p.rejectedVerdict }, (f) => {
            const task = byId.get(p.taskId) as Task;
            return relevant ? relevant(task, f) : f.cwe.some((c) => task.cwe.includes(c));
          })),
    ).length,
  };
}
