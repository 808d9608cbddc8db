import { createPartition, createPicker, selectFamilies, toTask } from '../benchmarks/builtin/build-suite.ts';
import { DEFAULT_UNSEEN_CWES } from '../benchmarks/builtin/splits.ts';
import { createRng } from '../core/rng.ts';
import type { Policy } from '../spec/policy.ts';
import type { Metrics } from '../spec/results.ts';
import type { VerdictSummary } from '../spec/verdict.ts';
import { KeyedCache } from '../store/keyed-cache.ts';
import { evaluatePolicy, summarizeSamples } from './evaluate.ts';
import { createCachedJudge, type JudgeMany } from './judging.ts';

export type Side = 'train' | 'eval';

/** One cell of the calibration grid: where the names and the docstring phrasing come from. */
export interface CalibrationRow {
  names: Side;
  phrasing: Side;
  metrics: Metrics;
}

export interface CalibrationOptions {
  policy: Policy;
  judgeMany: JudgeMany;
  /** Suite seed (the slot partition; default 7, the default preset's). */
  suiteSeed?: number;
  /** Draw seed of the prompts and the samples (default 1). */
  seed?: number;
  /** Samples per prompt (default 2). */
  samples?: number;
  temperature?: number;
  maxTokens?: number;
  /** Families (default: every family whose CWE the standard splits train on). */
  families?: readonly string[];
}

/**
 * Which part of a held-out variant a base model fails on: one prompt per family for each of the
 * four combinations of train-side or eval-side names (record, fields, verbs, parameters) and
 * train-side or eval-side docstring phrasing, sampled and judged like an evaluation split.
 * `train`/`train` is a fresh variant of what the corpus taught; `eval`/`eval` is the held-out
 * `eval` split's condition.
 */
export async function calibrateNamesAndPhrasing(options: CalibrationOptions): Promise<CalibrationRow[]> {
  const suiteSeed = options.suiteSeed ?? 7;
  const seed = options.seed ?? 1;
  const families = selectFamilies(options.families ? { families: options.families } : {}).filter(
    (f) => options.families || !DEFAULT_UNSEEN_CWES.includes(f.meta.cwe),
  );
  const rng = createRng(seed).fork('calibrate');
  const judge = createCachedJudge(options.judgeMany, new KeyedCache<VerdictSummary>());
  const rows: CalibrationRow[] = [];
  for (const names of ['train', 'eval'] as const) {
    for (const phrasing of ['train', 'eval'] as const) {
      const tasks = families.map((f) => {
        // the picker draws names from one side; `side` picks the phrasing pool
        const picker = {
          ...createPicker(
            createPartition(suiteSeed, f.meta.principle),
            names,
            rng.fork(`${f.meta.id}/${names}`),
          ),
          side: phrasing,
        };
        const task = toTask(f.meta, f.instantiate(picker), phrasing, 0, suiteSeed);
        return { ...task, id: `calibrate/${f.meta.id}/${names}-names-${phrasing}-phrasing` };
      });
      const samples = await evaluatePolicy({
        policy: options.policy,
        modelKey: 'calibrate',
        tasks,
        cfg: {
          samplesPerTask: options.samples ?? 2,
          temperature: options.temperature ?? 0.2,
          topP: 0.95,
          maxTokens: options.maxTokens ?? 192,
        },
        judge,
        genCache: new KeyedCache(),
        chunkSize: 64,
        seed,
      });
      rows.push({ names, phrasing, metrics: summarizeSamples(samples).overall });
    }
  }
  return rows;
}
