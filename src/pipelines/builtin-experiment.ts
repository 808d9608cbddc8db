import { createAnalyzer } from '../analyzers/analyzer.ts';
import { anyCweMatches } from '../analyzers/cwe.ts';
import { buildCorpus, buildSuite, getSplits } from '../benchmarks/builtin/index.ts';
import { createRng } from '../core/rng.ts';
import { createOracle } from '../oracle/index.ts';
import type { RunResults } from '../spec/results.ts';
import { corpusSettingsOf, RunConfig } from '../spec/run-config.ts';
import type { Task } from '../spec/task.ts';
import { RunDir } from '../store/run-dir.ts';
import { baseCheckpointDir, createEmbeddedBackend, shippedBaseKey } from './embedded-backend.ts';
import { type ExperimentData, type ProgressEvent, runExperiment } from './experiment.ts';

/**
 * Keeps at most `max` tasks (0 = all), spread over families: one variant of every family first,
 * then a second, and so on, in a seeded order.
 */
export function limitTasks(tasks: readonly Task[], max: number, seed: number): Task[] {
  if (max <= 0 || tasks.length <= max) return [...tasks];
  const byFamily = new Map<string, Task[]>();
  for (const t of tasks) {
    const f = t.family ?? t.id;
    byFamily.set(f, [...(byFamily.get(f) ?? []), t]);
  }
  const families = createRng(seed).shuffle([...byFamily.keys()].sort());
  const out: Task[] = [];
  for (let round = 0; out.length < max; round++) {
    let added = false;
    for (const f of families) {
      const t = byFamily.get(f)?.[round];
      if (t && out.length < max) {
        out.push(t);
        added = true;
      }
    }
    if (!added) break;
  }
  return out;
}

/**
 * The built-in suite's splits for a run configuration. The standard `eval` split holds held-out
 * variants of the families the run trains on only (when `maxTrainTasks` leaves some out, their
 * eval variants would measure families no method was trained on).
 */
export function builtinData(config: RunConfig): ExperimentData {
  const s = config.suite;
  const suite = buildSuite({
    seed: s.seed,
    variantsPerFamily: { train: s.trainVariants, eval: s.evalVariants },
    version: s.version,
  });
  const std = getSplits(suite, 'standard');
  const xl = getSplits(suite, 'cross-language');
  const train = limitTasks(std.train, s.maxTrainTasks, s.seed);
  const trained = new Set(train.map((t) => t.family));
  return {
    standard: {
      train,
      eval: limitTasks(
        std.eval.filter((t) => trained.has(t.family)),
        s.maxEvalTasks,
        s.seed,
      ),
      unseen: Object.fromEntries(
        Object.entries(std.unseen).map(([split, tasks]) => [
          split,
          limitTasks(tasks, s.maxEvalTasks, s.seed),
        ]),
      ),
    },
    ...(s.crossLanguage
      ? {
          crossLanguage: {
            train: limitTasks(xl.train, s.maxTrainTasks, s.seed),
            eval: limitTasks(xl.eval, s.maxEvalTasks, s.seed),
          },
        }
      : {}),
  };
}

export function builtinCorpus(config: RunConfig): string[] {
  return buildCorpus({
    seed: config.base.seed,
    suiteSeed: config.suite.seed,
    version: config.suite.version,
    insecureRate: config.base.insecureRate,
    ...corpusSettingsOf(config.base),
    programs: config.base.corpusPrograms,
    // Plain code teaches syntax; the task scenarios are what the experiment is about, so they dominate.
    neutral: Math.round(config.base.corpusPrograms / 2),
  }).texts;
}

/**
 * `tsp run` on the embedded default: the built-in suite, the tfjs GPT, the sandbox oracle with
 * the static analyzer, and the full comparison, in a resumable run directory.
 */
export async function runBuiltinExperiment(input: {
  config: RunConfig;
  runDir: string;
  cacheDir: string;
  /** Base checkpoints shipped with the project, used when their key matches the configuration. */
  shippedDirs?: string[];
  /** Threads for base pretraining (default: the machine's cores, at most 4). */
  pretrainThreads?: number;
  versions: Record<string, string>;
  onProgress?: (e: ProgressEvent) => void;
  onLog?: (line: string) => void;
}): Promise<RunResults> {
  const { config } = input;
  const data = builtinData(config);
  const runDir = new RunDir(input.runDir, config, input.versions, undefined, (c) => RunConfig.parse(c));
  const tasks = new Map<string, Task>();
  for (const list of [
    data.standard.train,
    data.standard.eval,
    ...Object.values(data.standard.unseen),
    data.crossLanguage?.train ?? [],
    data.crossLanguage?.eval ?? [],
  ]) {
    for (const t of list) tasks.set(t.id, t);
  }
  runDir.writeJsonl('tasks.jsonl', [...tasks.values()]);
  input.onLog?.(
    `tasks: train ${data.standard.train.length}, eval ${data.standard.eval.length}${Object.entries(
      data.standard.unseen,
    )
      .map(([split, tasks]) => `, ${split} ${tasks.length}`)
      .join('')}` +
      (data.crossLanguage
        ? `, cross-language train ${data.crossLanguage.train.length} / eval ${data.crossLanguage.eval.length}`
        : ''),
  );
  const analyzer = await createAnalyzer();
  const oracle = await createOracle({
    ...(config.slots > 0 ? { slots: config.slots } : {}),
    staticAnalyzer: analyzer,
    staticCounts: config.staticCounts,
    coverageGate: config.coverageGate,
  });
  try {
    const backend = createEmbeddedBackend({
      config,
      corpus: builtinCorpusOf(config),
      cacheDir: input.cacheDir,
      ...(input.shippedDirs ? { shippedDirs: input.shippedDirs } : {}),
      ...(input.pretrainThreads ? { pretrainThreads: input.pretrainThreads } : {}),
      ...(input.onLog ? { onLog: input.onLog } : {}),
    });
    return await runExperiment({
      config,
      data,
      backend,
      runDir,
      judgeMany: (items) =>
        oracle.judgeMany(
          items.map((i) => ({
            task: i.task,
            sample: { taskId: i.task.id, code: i.code, ...(i.sampleId ? { sampleId: i.sampleId } : {}) },
          })),
        ),
      relevantFinding: (task, f) => anyCweMatches(f.cwe, task.cwe),
      ...(input.onProgress ? { onProgress: input.onProgress } : {}),
      ...(input.onLog ? { onLog: input.onLog } : {}),
    });
  } finally {
    await oracle.close();
  }
}

/** The key of a configuration's base model (over its last stage's corpus), and that corpus's size. */
export function builtinBaseKey(config: RunConfig): { key: string; documents: number } {
  return createEmbeddedBackend({ config, corpus: builtinCorpusOf(config), cacheDir: '' }).baseIdentity();
}

/** The built-in corpus for a configuration's base settings (a stage's own, as the backend asks). */
function builtinCorpusOf(config: RunConfig): (base: RunConfig['base']) => string[] {
  return (base) => builtinCorpus({ ...config, base });
}

/** Pretrains (or finds) the base model of a configuration and returns where its checkpoint is. */
export async function pretrainBuiltinBase(input: {
  config: RunConfig;
  cacheDir: string;
  shippedDirs?: string[];
  /** Threads for base pretraining (default: the machine's cores, at most 4). */
  pretrainThreads?: number;
  onProgress?: (e: ProgressEvent) => void;
  onLog?: (line: string) => void;
}): Promise<{ checkpoint: string; key: string; documents: number }> {
  const backend = createEmbeddedBackend({
    config: input.config,
    corpus: builtinCorpusOf(input.config),
    cacheDir: input.cacheDir,
    ...(input.shippedDirs ? { shippedDirs: input.shippedDirs } : {}),
    ...(input.pretrainThreads ? { pretrainThreads: input.pretrainThreads } : {}),
    ...(input.onLog ? { onLog: input.onLog } : {}),
  });
  const model = await backend.base((phase, done, total) => input.onProgress?.({ phase, done, total }));
  model.dispose();
  // the corpus the backend drew for the last stage, not a second draw
  const { key, documents } = backend.baseIdentity();
  const shipped = input.shippedDirs?.find((d) => shippedBaseKey(d) === key);
  return { checkpoint: shipped ?? baseCheckpointDir(input.cacheDir, key), key, documents };
}
