import {
  type CriticalLocation,
  locateByAnnotation,
  locateByOracle,
  locateByValue,
} from '../core/critical-node.ts';
import { isVerifiedInsecure, pairsAtNode, type SegmentMode } from '../core/pairs.ts';
import { hashString, type Rng } from '../core/rng.ts';
import { assembleTree, type ExplicitNode, type Leaf, nodeId } from '../core/tree.ts';
import type { GenerateRequest, GenerateResult, Policy } from '../spec/policy.ts';
import type { Task } from '../spec/task.ts';
import type { CriticalSource, Pair, TreeNode } from '../spec/tree.ts';
import type { KeyedCache } from '../store/keyed-cache.ts';
import { generateCached } from './generation.ts';
import type { Judge } from './judging.ts';

export interface TreeSearchConfig {
  /** Programs sampled from the prompt. */
  rootSamples: number;
  /** Continuations sampled at each critical node. */
  branchSamples: number;
  /** Nesting: how many times a still-vulnerable branch is searched again, deeper. */
  maxDepth: number;
  /** Critical-node locators in use. `value` also serves as a fallback when the oracle has no location. */
  sources: CriticalSource[];
  maxCriticalPerTask: number;
  /** Rollouts per value estimate in the value-located bisection. */
  valueRollouts: number;
  valueMaxProbes: number;
  maxPairsPerNode: number;
  segment: SegmentMode;
  /** false (an ablation): rejected sides are taken without reading their verdict. Default true. */
  verifyRejected?: boolean;
  temperature: number;
  topP: number;
  maxTokens: number;
  stop?: string[];
  /** Budget: generations (root + branches + rollouts) per task and round. */
  maxGenerationsPerTask: number;
}

export interface RoundContext {
  policy: Policy;
  modelKey: string;
  judge: Judge;
  genCache: KeyedCache<GenerateResult[]>;
  chunkSize: number;
  rng: Rng;
  round: number;
  /** Whether a finding is about the task's weakness (default: it shares a CWE with the task). */
  relevantFinding?: (task: Task, finding: { ruleId: string; cwe: string[] }) => boolean;
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface TaskTree {
  taskId: string;
  nodes: TreeNode[];
  pairs: Pair[];
  stats: {
    criticalNodes: number;
    criticalBy: Partial<Record<CriticalSource, number>>;
    generations: number;
    generatedTokens: number;
  };
}

interface TaskState {
  task: Task;
  leaves: Leaf[];
  explicit: ExplicitNode[];
  sampledAt: Set<string>;
  generations: number;
  tokens: number;
  /** Leaves made at the last depth (the nesting frontier). */
  frontier: Leaf[];
}

export function requestSeed(rng: Rng, ...parts: string[]): number {
  return (rng.seed ^ hashString(parts.join('\u0000'))) >>> 0;
}

/**
 * Samples `n` continuations of each prefix from the round's policy, through the round's generation
 * cache, each request seeded by the round's RNG, the task, the prefix and a tag (shared by the tree
 * search, unstructured self-play and the release's recipe).
 */
export function sampleInRound(
  ctx: RoundContext,
  jobs: readonly { taskId: string; prefix: string; n: number; tag: string }[],
  sampling: { temperature: number; topP: number; maxTokens: number; stop?: string[] | undefined },
  phase: string,
): Promise<GenerateResult[]> {
  const requests: GenerateRequest[] = jobs.map((j) => ({
    prompt: j.prefix,
    n: j.n,
    temperature: sampling.temperature,
    topP: sampling.topP,
    maxTokens: sampling.maxTokens,
    ...(sampling.stop?.length ? { stop: sampling.stop } : {}),
    seed: requestSeed(ctx.rng, j.taskId, j.prefix, j.tag),
  }));
  return generateCached({
    policy: ctx.policy,
    modelKey: ctx.modelKey,
    requests,
    cache: ctx.genCache,
    chunkSize: ctx.chunkSize,
    onChunk: (d, t) => ctx.onProgress?.(`${phase}: generate`, d, t),
  });
}

const defaultRelevant = (task: Task, f: { cwe: string[] }) => f.cwe.some((c) => task.cwe.includes(c));

/**
 * One TSP round over many tasks: sample from the prompt, judge, locate critical nodes (oracle,
 * value, annotated), branch there, judge, nest into still-vulnerable branches, and return each
 * task's tree and verified pairs. Work is batched across tasks at every phase.
 */
export async function buildTrees(
  tasks: readonly Task[],
  cfg: TreeSearchConfig,
  ctx: RoundContext,
): Promise<TaskTree[]> {
  const states: TaskState[] = tasks.map((task) => ({
    task,
    leaves: [],
    explicit: [],
    sampledAt: new Set(),
    generations: 0,
    tokens: 0,
    frontier: [],
  }));
  const relevant = ctx.relevantFinding ?? defaultRelevant;
  /** A leaf that can be a rejected side (and a frontier to branch from) for its task. */
  const rejectable = (task: Task) => (l: Leaf) => isVerifiedInsecure(l, (f) => relevant(task, f));

  // Samples n continuations at each (state, prefix), judges them, and adds them as leaves.
  const expand = async (
    jobs: { s: TaskState; prefix: string; n: number; tag: string }[],
    phase: string,
  ): Promise<Leaf[][]> => {
    const results = await sampleInRound(
      ctx,
      jobs.map((j) => ({ taskId: j.s.task.id, prefix: j.prefix, n: j.n, tag: j.tag })),
      cfg,
      phase,
    );
    const made: Leaf[][] = jobs.map((j, i) => {
      const gens = (results[i] as GenerateResult).generations;
      j.s.sampledAt.add(j.prefix);
      j.s.generations += gens.length;
      return gens.map((g, k) => {
        j.s.tokens += g.completionTokens;
        return {
          id: `${nodeId(j.s.task.id, ctx.round, j.prefix)}#${j.tag}.${k}`,
          program: j.prefix + g.text,
          tokens: g.completionTokens,
          originLength: j.prefix.length,
          verdict: {
            functional: false,
            secure: false,
            securePass: false,
            failedSecurityTests: [],
            findingCwes: [],
          },
        };
      });
    });
    const flat = made.flatMap((ls, i) => ls.map((l) => ({ l, s: (jobs[i] as (typeof jobs)[number]).s })));
    ctx.onProgress?.(`${phase}: judge`, 0, flat.length);
    const verdicts = await ctx.judge(
      flat.map(({ l, s }) => ({ task: s.task, code: l.program, sampleId: l.id })),
    );
    flat.forEach(({ l, s }, i) => {
      l.verdict = verdicts[i] as Leaf['verdict'];
      s.leaves.push(l);
    });
    ctx.onProgress?.(`${phase}: judge`, flat.length, flat.length);
    return made;
  };

  const budgetLeft = (s: TaskState) => cfg.maxGenerationsPerTask - s.generations;

  // 1. Sample from the prompt.
  const roots = await expand(
    states.map((s) => ({
      s,
      prefix: s.task.prompt,
      n: Math.min(cfg.rootSamples, Math.max(0, budgetLeft(s))),
      tag: 'root',
    })),
    'root',
  );
  states.forEach((s, i) => {
    s.frontier = (roots[i] ?? []).filter(rejectable(s.task));
  });

  // 2. Critical nodes, branching and nesting.
  for (let depth = 1; depth <= cfg.maxDepth; depth++) {
    const located = await Promise.all(states.map((s) => locateCritical(s, depth)));
    const jobs: { s: TaskState; prefix: string; n: number; tag: string }[] = [];
    states.forEach((s, i) => {
      let planned = 0; // generations already planned for this task at this depth
      for (const loc of located[i] ?? []) {
        const prefix = loc.prefix;
        if (!s.explicit.some((e) => e.prefix === prefix)) s.explicit.push({ prefix, criticalBy: loc.source });
        const n = Math.min(cfg.branchSamples, budgetLeft(s) - planned);
        if (n > 0 && !s.sampledAt.has(prefix)) {
          jobs.push({ s, prefix, n, tag: `d${depth}` });
          planned += n;
        }
      }
    });
    if (jobs.length === 0) break;
    const made = await expand(jobs, `depth ${depth}`);
    for (const s of states) s.frontier = [];
    jobs.forEach((j, i) => {
      j.s.frontier.push(...(made[i] ?? []).filter(rejectable(j.s.task)));
    });
  }

  // 3. Trees and pairs.
  return states.map((s) => {
    const nodes = assembleTree({
      taskId: s.task.id,
      round: ctx.round,
      prompt: s.task.prompt,
      leaves: s.leaves,
      explicit: s.explicit,
    });
    const pairRng = ctx.rng.fork(`pairs:${s.task.id}`);
    const seen = new Set<string>();
    const pairs: Pair[] = [];
    const criticalBy: Partial<Record<CriticalSource, number>> = {};
    for (const n of nodes.filter((x) => x.critical)) {
      if (n.criticalBy) criticalBy[n.criticalBy] = (criticalBy[n.criticalBy] ?? 0) + 1;
      for (const p of pairsAtNode({
        taskId: s.task.id,
        round: ctx.round,
        prompt: s.task.prompt,
        nodeId: n.id,
        nodePrefix: n.prefix,
        ...(n.criticalBy ? { criticalBy: n.criticalBy } : {}),
        leaves: s.leaves,
        maxPairs: cfg.maxPairsPerNode,
        segment: cfg.segment,
        ...(cfg.verifyRejected === false ? { verifyRejected: false } : {}),
        rng: pairRng,
        relevant: (f) => relevant(s.task, f),
      })) {
        if (!seen.has(p.id)) {
          seen.add(p.id);
          pairs.push(p);
        }
      }
    }
    return {
      taskId: s.task.id,
      nodes,
      pairs,
      stats: {
        criticalNodes: nodes.filter((x) => x.critical).length,
        criticalBy,
        generations: s.generations,
        generatedTokens: s.tokens,
      },
    };
  });

  async function locateCritical(
    s: TaskState,
    depth: number,
  ): Promise<(CriticalLocation & { prefix: string })[]> {
    const { task } = s;
    const out: (CriticalLocation & { prefix: string })[] = [];
    const add = (loc: CriticalLocation | null, program: string) => {
      if (!loc) return;
      const prefix = program.slice(0, loc.offset);
      if (!prefix.startsWith(task.prompt) || out.some((o) => o.prefix === prefix)) return;
      out.push({ ...loc, prefix });
    };
    if (depth === 1 && cfg.sources.includes('annotated') && task.secureReference?.startsWith(task.prompt)) {
      for (const a of task.riskAnnotations) {
        add(locateByAnnotation(task.secureReference, a.line, task.prompt.length), task.secureReference);
      }
    }
    const secure = s.leaves.filter((l) => l.verdict.securePass).map((l) => l.program);
    const frontier = ctx.rng.fork(`frontier:${task.id}:${depth}`).shuffle(s.frontier);
    for (const leaf of frontier) {
      if (out.length >= cfg.maxCriticalPerTask) break;
      let loc: CriticalLocation | null = null;
      if (cfg.sources.includes('oracle')) {
        loc = locateByOracle({
          prompt: task.prompt,
          program: leaf.program,
          verdict: leaf.verdict,
          securePrograms: secure,
          relevant: (f) => relevant(task, f),
        });
        // Nesting goes deeper than the node the leaf was sampled from.
        if (loc && loc.offset <= leaf.originLength && depth > 1) loc = null;
      }
      if (!loc && cfg.sources.includes('value') && budgetLeft(s) >= cfg.valueRollouts * 2) {
        const origin = leaf.program.slice(0, leaf.originLength);
        const siblings = s.leaves.filter((l) => l.program.startsWith(origin));
        const v0 = siblings.filter((l) => l.verdict.securePass).length / Math.max(1, siblings.length);
        let probe = 0;
        loc = await locateByValue({
          prompt: origin,
          program: leaf.program,
          v0,
          maxProbes: Math.min(cfg.valueMaxProbes, Math.floor(budgetLeft(s) / cfg.valueRollouts)),
          estimate: async (offset) => {
            const prefix = leaf.program.slice(0, offset);
            const made = await expand(
              [{ s, prefix, n: cfg.valueRollouts, tag: `v${depth}.${probe++}` }],
              `value d${depth}`,
            );
            const ls = made[0] ?? [];
            return ls.filter((l) => l.verdict.securePass).length / Math.max(1, ls.length);
          },
        });
        if (loc && loc.offset <= leaf.originLength && depth > 1) loc = null;
      }
      add(loc, leaf.program);
    }
    return out.slice(0, cfg.maxCriticalPerTask + (depth === 1 ? task.riskAnnotations.length : 0));
  }
}
