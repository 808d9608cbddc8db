import { releasePrefix } from '../benchmarks/safecoder/load-safecoder.ts';
import { isVerifiedInsecure, pairId } from '../core/pairs.ts';
import type { GenerateResult } from '../spec/policy.ts';
import type { Task } from '../spec/task.ts';
import type { Pair } from '../spec/tree.ts';
import { type RoundContext, sampleInRound } from './tsp-round.ts';

export interface ReleaseConfig {
  /** Continuations sampled at the branch point. */
  samples: number;
  temperature: number;
  topP: number;
  maxTokens: number;
}

export interface ReleaseRound {
  pairs: Pair[];
  /** Tasks with a branch point (an annotated risk line found in the secure reference). */
  branchPoints: number;
  generatedTokens: number;
  /**
   * Pairs whose rejected side the oracle, asked afterwards for the statistics only, found verified
   * insecure: the pairs TSP's verification would have kept. Never used to pick pairs.
   */
  rejectedInsecure: number;
}

/**
 * The branch point of the TSP release's recipe: the secure reference up to its first annotated
 * risk line (the release's prefix rule), when that lies after the prompt; undefined otherwise.
 */
export function releaseBranchPoint(task: Task): string | undefined {
  const ref = task.secureReference;
  if (!ref?.startsWith(task.prompt)) return undefined;
  for (const a of task.riskAnnotations) {
    const prefix = releasePrefix(ref, a.line);
    if (prefix !== undefined) return prefix.length >= task.prompt.length ? prefix : undefined;
  }
  return undefined;
}

/**
 * One round of the release's recipe, as a baseline in the same harness as TSP: at each task's
 * annotated branch point, sample continuations; every one that differs from the reference is a
 * rejected side, unjudged, against the secure reference's continuation as chosen; DPO on the whole
 * continuation (both sides' segments cover everything). The rejected programs are judged after the
 * pairs are made, for the pair-efficiency statistics only.
 */
export async function buildReleasePairs(
  tasks: readonly Task[],
  cfg: ReleaseConfig,
  ctx: RoundContext,
  relevant: (task: Task, f: { ruleId: string; cwe: string[] }) => boolean = (task, f) =>
    f.cwe.some((c) => task.cwe.includes(c)),
): Promise<ReleaseRound> {
  const points = tasks.flatMap((task) => {
    const prefix = releaseBranchPoint(task);
    return prefix === undefined ? [] : [{ task, prefix }];
  });
  const results = await sampleInRound(
    ctx,
    points.map(({ task, prefix }) => ({ taskId: task.id, prefix, n: cfg.samples, tag: 'release' })),
    cfg,
    'release',
  );
  const pairs: Pair[] = [];
  let generatedTokens = 0;
  points.forEach(({ task, prefix }, i) => {
    const chosen = (task.secureReference as string).slice(prefix.length);
    const seen = new Set<string>();
    for (const g of (results[i] as GenerateResult).generations) {
      generatedTokens += g.completionTokens;
      if (!g.text.trim() || g.text.trim() === chosen.trim() || seen.has(g.text)) continue;
      seen.add(g.text);
      pairs.push({
        id: pairId(prefix, chosen, g.text),
        taskId: task.id,
        round: ctx.round,
        source: 'annotated',
        criticalBy: 'annotated',
        prompt: task.prompt,
        prefix,
        chosen,
        rejected: g.text,
        chosenSegmentChars: chosen.length,
        rejectedSegmentChars: g.text.length,
        chosenVerified: false,
        rejectedVerified: false,
      });
    }
  });
  // Judged after the pairs are made: what verification would have said (statistics only).
  const byId = new Map(tasks.map((t) => [t.id, t]));
  ctx.onProgress?.('release: judge (statistics)', 0, pairs.length);
  const verdicts = await ctx.judge(
    pairs.map((p) => ({ task: byId.get(p.taskId) as Task, code: p.prefix + p.rejected })),
  );
  ctx.onProgress?.('release: judge (statistics)', pairs.length, pairs.length);
  let rejectedInsecure = 0;
  pairs.forEach((p, i) => {
    const v = verdicts[i];
    if (!v) return;
    p.rejectedVerdict = v;
    if (isVerifiedInsecure({ verdict: v }, (f) => relevant(byId.get(p.taskId) as Task, f)))
      rejectedInsecure++;
  });
  return { pairs, branchPoints: points.length, generatedTokens, rejectedInsecure };
}
