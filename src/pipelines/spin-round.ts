import { pairId } from '../core/pairs.ts';
import type { GenerateResult } from '../spec/policy.ts';
import type { Task } from '../spec/task.ts';
import type { Pair } from '../spec/tree.ts';
import { type RoundContext, sampleInRound } from './tsp-round.ts';

export interface SpinConfig {
  /** Programs sampled from each prompt. */
  samples: number;
  maxPairsPerTask: number;
  temperature: number;
  topP: number;
  maxTokens: number;
  stop?: string[];
}

export interface SpinTaskResult {
  taskId: string;
  pairs: Pair[];
  stats: { generations: number; generatedTokens: number };
}

/**
 * Unstructured self-play (SPIN-style): the golden reference completion against full samples of the
 * current policy from the same prompt, for sequence-level DPO. Both sides are verified: the reference
 * is judged (it must be secure and functional) and only samples the oracle found not secure-pass are
 * rejected, so the comparison with TSP isolates the tree structure, not verification.
 */
export async function buildSpinPairs(
  tasks: readonly Task[],
  cfg: SpinConfig,
  ctx: RoundContext,
): Promise<SpinTaskResult[]> {
  const withRef = tasks.filter((t) => t.secureReference?.startsWith(t.prompt));
  const results = await sampleInRound(
    ctx,
    withRef.map((t) => ({ taskId: t.id, prefix: t.prompt, n: cfg.samples, tag: 'spin' })),
    cfg,
    'spin',
  );
  const items = withRef.flatMap((task, i) => [
    { task, code: task.secureReference as string },
    ...(results[i] as GenerateResult).generations.map((g) => ({ task, code: task.prompt + g.text })),
  ]);
  ctx.onProgress?.('spin: judge', 0, items.length);
  const verdicts = await ctx.judge(items);
  ctx.onProgress?.('spin: judge', items.length, items.length);
  let at = 0;
  const byId = new Map<string, SpinTaskResult>();
  withRef.forEach((task, i) => {
    const gens = (results[i] as GenerateResult).generations;
    const refVerdict = verdicts[at++];
    const samples = gens.map((g) => ({ g, v: verdicts[at++] }));
    const pairs: Pair[] = [];
    if (refVerdict?.securePass) {
      const chosen = (task.secureReference as string).slice(task.prompt.length);
      const seen = new Set<string>();
      const rejects = samples
        .filter((s) => s.v && !s.v.securePass && s.g.text.trim() !== '' && s.g.text.trim() !== chosen.trim())
        .sort((a, b) => Number(a.v?.secure) - Number(b.v?.secure));
      for (const s of rejects) {
        if (pairs.length >= cfg.maxPairsPerTask || seen.has(s.g.text)) continue;
        seen.add(s.g.text);
        pairs.push({
          id: pairId(task.prompt, chosen, s.g.text),
          taskId: task.id,
          round: ctx.round,
          source: 'spin',
          prompt: task.prompt,
          prefix: task.prompt,
          chosen,
          rejected: s.g.text,
          chosenSegmentChars: chosen.length,
          rejectedSegmentChars: s.g.text.length,
          chosenVerified: true,
          rejectedVerified: true,
          chosenVerdict: refVerdict,
          ...(s.v ? { rejectedVerdict: s.v } : {}),
        });
      }
    }
    byId.set(task.id, {
      taskId: task.id,
      pairs,
      stats: { generations: gens.length, generatedTokens: gens.reduce((a, g) => a + g.completionTokens, 0) },
    });
  });
  return tasks.map(
    (t) => byId.get(t.id) ?? { taskId: t.id, pairs: [], stats: { generations: 0, generatedTokens: 0 } },
  );
}
