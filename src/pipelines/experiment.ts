import { existsSync } from 'node:fs';
import { compareMethods, relativeVulnReduction } from '../core/comparisons.ts';
import { stat, vulnStat } from '../core/metrics.ts';
import { narrowToChange } from '../core/pairs.ts';
import { createRng, hashString } from '../core/rng.ts';
import type { Language } from '../spec/language.ts';
import {
  type Evaluation,
  type MethodName,
  type RunResults,
  type SummaryRow,
  type TreeStats,
  UNSEEN_SPLITS,
} from '../spec/results.ts';
import type { RunConfig } from '../spec/run-config.ts';
import type { Task } from '../spec/task.ts';
import type { Pair } from '../spec/tree.ts';
import type { RunDir } from '../store/run-dir.ts';
import { type EvalSample, evaluatePolicy, summarizeSamples } from './evaluate.ts';
import { createCachedJudge, type JudgeMany } from './judging.ts';
import { buildSelfPlayRound, type SelfPlayRound } from './self-play-round.ts';
import type {
  PreferenceExample,
  PreferenceLoss,
  SftExample,
  TrainableModel,
  TrainingBackend,
  TrainStats,
} from './training-backend.ts';
import type { RoundContext } from './tsp-round.ts';

/**
 * The tasks of an experiment: the standard splits, and optionally the cross-language configuration.
 * `unseen` holds the held-out evaluation splits by name (`unseen-cwe`; from suite version 2
 * `unseen-sibling` and `unseen-distant`), each evaluated and reported on its own.
 */
export interface ExperimentData {
  standard: { train: Task[]; eval: Task[]; unseen: Record<string, Task[]> };
  crossLanguage?: { train: Task[]; eval: Task[] };
}

export interface ProgressEvent {
  /** e.g. `tsp s1 r2: depth 1: judge` */
  phase: string;
  done: number;
  total: number;
}

export interface ExperimentInput<M extends TrainableModel> {
  config: RunConfig;
  data: ExperimentData;
  backend: TrainingBackend<M>;
  judgeMany: JudgeMany;
  runDir: RunDir;
  /** Generation requests per policy call. */
  chunkSize?: number;
  /** Whether a static finding is about the task's weakness (for locating critical nodes). */
  relevantFinding?: RoundContext['relevantFinding'];
  onProgress?: (e: ProgressEvent) => void;
  onLog?: (line: string) => void;
  now?: () => Date;
}

interface PhaseRecord {
  name: string;
  method: MethodName | 'sft0';
  seed: number;
  round: number;
  config: 'standard' | 'cross-language';
  train: TrainStats | null;
  pairs: number;
  tree?: Omit<TreeStats, 'method' | 'seed' | 'round'>;
}

const SELF_PLAY: Record<string, PreferenceLoss | undefined> = {
  spin: 'dpo',
  tsp: 'tsp',
  unlikelihood: 'unlikelihood',
  'tsp-release': 'dpo',
};

/**
 * The whole experiment: from one base model, SFT, unstructured self-play (SPIN-style) and TSP with
 * matched optimizer steps, evaluated on the built-in splits, over several seeds. Every finished
 * piece of work is recorded in the run directory, so a killed run started again with the same
 * directory continues where it stopped and ends with the same results.
 */
export async function runExperiment<M extends TrainableModel>(
  input: ExperimentInput<M>,
): Promise<RunResults> {
  const { config, data, backend, runDir } = input;
  const now = input.now ?? (() => new Date());
  const chunkSize = input.chunkSize ?? 32;
  const log = input.onLog ?? (() => {});
  const progress = (phase: string, done: number, total: number) => input.onProgress?.({ phase, done, total });
  const judge = createCachedJudge(input.judgeMany, runDir.verdictCache);
  const phases = new Map(runDir.records<PhaseRecord>('phases').map((p) => [p.name, p]));
  const evaluations = new Map(runDir.records<Evaluation>('evaluations').map((e) => [evalKey(e), e]));
  if (runDir.resumed)
    log(
      `resuming ${runDir.path}: ${phases.size} training phases and ${evaluations.size} evaluations already done`,
    );

  const base = await backend.base((p, d, t) => progress(`base: ${p}`, d, t));
  try {
    for (const seed of config.seeds) {
      await runConfiguration('standard', seed, base);
      if (config.suite.crossLanguage && data.crossLanguage)
        await runConfiguration('cross-language', seed, base);
    }
  } finally {
    base.dispose();
  }

  const results = assembleResults(
    config,
    [...evaluations.values()],
    [...phases.values()],
    runDir.manifest.runId,
    runDir.manifest.createdAt,
    now().toISOString(),
  );
  runDir.writeJson('results.json', results);
  return results;

  async function evaluate(
    model: M,
    modelKey: string,
    method: MethodName,
    seed: number,
    round: number,
    split: string,
    tasks: Task[],
  ): Promise<void> {
    const key = evalKey({ method, seed, round, split });
    if (evaluations.has(key) || tasks.length === 0) return;
    const samples: EvalSample[] = await evaluatePolicy({
      policy: model.policy,
      modelKey,
      tasks,
      cfg: { samplesPerTask: config.eval.samplesPerTask, ...config.eval.sampling },
      judge,
      genCache: runDir.genCache,
      chunkSize,
      seed: hashString(`${seed}:${split}`),
      onProgress: (p, d, t) => progress(`eval ${modelKey} ${split}: ${p}`, d, t),
    });
    runDir.writeJsonl(`samples/${modelKey}-${split}.jsonl`, samples);
    const ev: Evaluation = { method, seed, round, split, ...summarizeSamples(samples) };
    runDir.append('evaluations', ev);
    evaluations.set(key, ev);
    log(
      `${modelKey} on ${split}: SPR@1 ${pct(ev.overall.spr1)}  pass@1 ${pct(ev.overall.pass1)}  secure@1 ${pct(ev.overall.secure1)}`,
    );
  }

  async function runConfiguration(
    which: 'standard' | 'cross-language',
    seed: number,
    baseModel: M,
  ): Promise<void> {
    const tag = which === 'standard' ? '' : 'xl-';
    const train = which === 'standard' ? data.standard.train : (data.crossLanguage?.train ?? []);
    const splits: [string, Task[]][] =
      which === 'standard'
        ? [
            ['eval', data.standard.eval],
            ...Object.entries(data.standard.unseen),
            ...(config.eval.trainSplit ? ([['train', data.standard.train]] as [string, Task[]][]) : []),
          ]
        : [['cross-language', data.crossLanguage?.eval ?? []]];
    const evalAll = async (m: M, key: string, method: MethodName, round: number) => {
      for (const [split, tasks] of splits) await evaluate(m, key, method, seed, round, split, tasks);
    };
    if (config.methods.includes('base')) await evalAll(baseModel, `${tag}base-s${seed}`, 'base', 0);
    const trained = config.methods.filter((m) => m !== 'base');
    if (trained.length === 0) return;

    const sftExamples: SftExample[] = train
      .filter((t) => t.secureReference?.startsWith(t.prompt))
      .map((t) => ({ prompt: t.prompt, target: (t.secureReference as string).slice(t.prompt.length) }));
    const warmName = `${tag}sft0-s${seed}`;
    const warm = await trainPhase(warmName, baseModel, { method: 'sft0', round: 0 }, async (m) =>
      config.training.sftWarmupSteps > 0
        ? backend.sft(m, sftExamples, { steps: config.training.sftWarmupSteps, seed: hashString(warmName) })
        : null,
    );
    try {
      for (const method of trained) {
        let current = await backend.clone(warm);
        try {
          for (let round = 1; round <= config.training.rounds; round++) {
            const name = `${tag}${method}-s${seed}-r${round}`;
            const next = await trainPhase(name, current, { method, round }, async (m, record) => {
              if (method === 'sft') {
                return backend.sft(m, sftExamples, {
                  steps: config.training.stepsPerRound,
                  seed: hashString(name),
                });
              }
              const loss = SELF_PLAY[method];
              if (!loss) throw new Error(`no training for method ${method}`);
              const ctx: RoundContext = {
                policy: current.policy,
                modelKey: round === 1 ? warmName : `${tag}${method}-s${seed}-r${round - 1}`,
                judge,
                genCache: runDir.genCache,
                chunkSize,
                rng: createRng(hashString(roundSeedName(tag, method, seed, round))),
                round,
                ...(input.relevantFinding ? { relevantFinding: input.relevantFinding } : {}),
                onProgress: (p, d, t) => progress(`${name}: ${p}`, d, t),
              };
              const { pairs, nodes, ...built } = await buildSelfPlayRound(method, train, config, ctx);
              const tree = treeStats(train.length, built, pairs);
              runDir.writeJsonl(`pairs/${name}.jsonl`, pairs);
              if (nodes.length) runDir.writeJsonl(`trees/${name}.jsonl`, nodes);
              record.pairs = pairs.length;
              if (tree) record.tree = tree;
              const examples: PreferenceExample[] = pairs.map((p) => {
                const sides = {
                  prefix: p.prefix,
                  chosen: p.chosen,
                  rejected: p.rejected,
                  chosenSegmentChars: p.chosenSegmentChars,
                  rejectedSegmentChars: p.rejectedSegmentChars,
                };
                // SafeCoder's (un)likelihood covers the changed tokens only
                return loss === 'unlikelihood' ? narrowToChange(sides) : sides;
              });
              if (examples.length === 0) return null;
              // The opponent and the DPO reference of round t is the model of round t-1.
              const reference = await backend.clone(m);
              try {
                return await backend.preference(m, reference, examples, {
                  loss,
                  steps: config.training.stepsPerRound,
                  seed: hashString(name),
                });
              } finally {
                reference.dispose();
              }
            });
            current.dispose();
            current = next;
            if (config.eval.everyRound || round === config.training.rounds)
              await evalAll(current, name, method, round);
          }
        } finally {
          current.dispose();
        }
      }
    } finally {
      warm.dispose();
    }

    async function trainPhase(
      name: string,
      from: M,
      phase: Pick<PhaseRecord, 'method' | 'round'>,
      train: (m: M, record: PhaseRecord) => Promise<TrainStats | null>,
    ): Promise<M> {
      const dir = runDir.checkpointDir(name);
      if (phases.has(name) && existsSync(dir)) return backend.load(dir);
      const record: PhaseRecord = { name, ...phase, seed, config: which, train: null, pairs: 0 };
      const m = await backend.clone(from);
      progress(`${name}: train`, 0, 1);
      record.train = await train(m, record);
      progress(`${name}: train`, 1, 1);
      await backend.save(m, dir);
      runDir.append('phases', record);
      phases.set(name, record);
      const t = record.train;
      log(
        `${name}: ${t ? `${t.steps} steps, loss ${fmt(t.firstLoss)} -> ${fmt(t.lastLoss)}` : 'no training data'}${record.pairs ? `, ${record.pairs} pairs` : ''}`,
      );
      return m;
    }
  }
}

function treeStats(tasks: number, built: Omit<SelfPlayRound, 'pairs' | 'nodes'>, pairs: Pair[]) {
  const verified = pairs.filter((p) => p.chosenVerified && p.rejectedVerified).length;
  const tokens = built.generatedTokens;
  return {
    tasks,
    criticalNodes: built.criticalNodes,
    criticalNodesPerTask: tasks ? built.criticalNodes / tasks : 0,
    criticalBy: built.criticalBy,
    pairs: pairs.length,
    verifiedPairs: verified,
    generatedTokens: tokens,
    verifiedPairsPer1kTokens: tokens ? (1000 * verified) / tokens : 0,
    judged: built.judged,
    rejectedInsecure: built.rejectedInsecure,
  };
}

/**
 * The name a round's sampling is seeded from. Round 1 of every method that builds the same kind of
 * data (TSP trees: tsp and unlikelihood) starts from the same model, so it shares one seed: the
 * same trees, sampled and judged once (the caches return them to the second method), and a paired
 * comparison of the losses on the same round-1 data. Later rounds sample from each method's own model.
 */
export function roundSeedName(tag: string, method: string, seed: number, round: number): string {
  const builder = method === 'spin' || method === 'tsp-release' ? method : 'tree';
  return round === 1 && builder === 'tree' ? `${tag}tree-s${seed}-r1` : `${tag}${method}-s${seed}-r${round}`;
}

function evalKey(e: { method: string; seed: number; round: number; split: string }): string {
  return `${e.method}|${e.seed}|${e.round}|${e.split}`;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const fmt = (x: number | null) => (x === null ? '-' : x.toFixed(3));

/** Final evaluations (last round for trained methods), summarized over seeds. */
export function assembleResults(
  config: RunConfig,
  evaluations: Evaluation[],
  phases: PhaseRecord[],
  runId: string,
  createdAt: string,
  finishedAt: string,
): RunResults {
  const finalRound = (m: MethodName) => (m === 'base' ? 0 : config.training.rounds);
  const finals = evaluations.filter((e) => e.round === finalRound(e.method));
  const splits = [...new Set(finals.map((e) => e.split))];
  const summary: SummaryRow[] = [];
  for (const method of config.methods) {
    for (const split of splits) {
      const es = finals.filter((e) => e.method === method && e.split === split);
      if (es.length === 0) continue;
      summary.push({
        method,
        split,
        spr1: stat(es.map((e) => e.overall.spr1)),
        pass1: stat(es.map((e) => e.overall.pass1)),
        secure1: stat(es.map((e) => e.overall.secure1)),
        vulnRate: vulnStat(es.map((e) => e.overall)),
      });
    }
  }
  // the held-out splits in the order they were evaluated; `split` is left out for version 1's one
  const unseenCwe = splits
    .filter((split) => split in UNSEEN_SPLITS)
    .flatMap((split) => {
      const unseen = finals.filter((e) => e.split === split);
      const sftBySeed = new Map(
        unseen
          .filter((e) => e.method === 'sft' && e.overall.pass1 > 0)
          .map((e) => [e.seed, e.overall.vulnRate]),
      );
      return config.methods.flatMap((method) => {
        const es = unseen.filter((e) => e.method === method);
        if (es.length === 0) return [];
        const reductions = es.flatMap((e) => {
          const sft = sftBySeed.get(e.seed);
          return sft !== undefined && sft > 0 && e.overall.pass1 > 0
            ? [(sft - e.overall.vulnRate) / sft]
            : [];
        });
        const interval =
          method === 'sft' ? undefined : relativeVulnReduction(finals, method, 'sft', split, finalRound);
        return [
          {
            ...(split === 'unseen-cwe' ? {} : { split }),
            method,
            vulnRate: vulnStat(es.map((e) => e.overall)),
            reductionVsSft: reductions.length ? stat(reductions) : null,
            ...(interval ? { reductionVsSftInterval: interval } : {}),
          },
        ];
      });
    });
  const xl = finals.filter((e) => e.split === 'cross-language');
  const crossLanguage = config.methods.flatMap((method) => {
    const es = xl.filter((e) => e.method === method);
    const langs = [...new Set(es.flatMap((e) => Object.keys(e.perLanguage)))] as Language[];
    return langs.flatMap((language) => {
      const ms = es.flatMap((e) => (e.perLanguage[language] ? [e.perLanguage[language]] : []));
      return ms.length
        ? [{ method, language, spr1: stat(ms.map((m) => m.spr1)), vulnRate: vulnStat(ms) }]
        : [];
    });
  });
  const treeStatsRows: TreeStats[] = phases
    .filter((p) => p.tree && p.config === 'standard' && p.method !== 'sft0')
    .map((p) => ({
      method: p.method as MethodName,
      seed: p.seed,
      round: p.round,
      ...(p.tree as NonNullable<PhaseRecord['tree']>),
    }));
  return {
    runId,
    preset: config.preset,
    createdAt,
    finishedAt,
    seeds: config.seeds,
    methods: config.methods,
    evaluations,
    summary,
    unseenCwe,
    crossLanguage,
    treeStats: treeStatsRows,
    comparisons: compareMethods(finals, finalRound),
    notes: [],
  };
}
