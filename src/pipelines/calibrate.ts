import { createPartition, createPicker, selectFamilies } from '../benchmarks/builtin/build-suite.ts';
import { DEFAULT_UNSEEN_CWES } from '../benchmarks/builtin/splits.ts';
import { computeMetrics } from '../core/metrics.ts';
import { createRng } from '../core/rng.ts';
import type { Policy } from '../spec/policy.ts';
import type { Metrics } from '../spec/results.ts';
import { Task } from '../spec/task.ts';
import type { Verdict } from '../spec/verdict.ts';

export type Side = 'train' | 'eval';

/** One cell of the calibration grid: where the names and the docstring phrasing come from. */
export interface CalibrationRow {
  names: Side;
  phrasing: Side;
  metrics: Metrics;
}

export interface CalibrationOptions {
  policy: Policy;
  judge: (items: { task: Task; code: string }[]) => Promise<Verdict[]>;
  /** Suite seed (the slot partition; default 7, the default preset's). */
  suiteSeed?: number;
  /** Draw seed of the prompts (default 1). */
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
 * train-side or eval-side docstring phrasing, sampled and judged. `train`/`train` is a fresh
 * variant of what the corpus taught; `eval`/`eval` is the held-out `eval` split's condition.
 */
export async function calibrateNamesAndPhrasing(options: CalibrationOptions): Promise<CalibrationRow[]> {
  const partition = createPartition(options.suiteSeed ?? 7);
  const families = selectFamilies(options.families ? { families: options.families } : {}).filter(
    (f) => options.families || !DEFAULT_UNSEEN_CWES.includes(f.meta.cwe),
  );
  const rng = createRng(options.seed ?? 1).fork('calibrate');
  const rows: CalibrationRow[] = [];
  for (const names of ['train', 'eval'] as const) {
    for (const phrasing of ['train', 'eval'] as const) {
      const tasks = families.map((f) => {
        // the picker draws names from one side; `side` picks the phrasing pool
        const picker = {
          ...createPicker(partition, names, rng.fork(`${f.meta.id}/${names}`)),
          side: phrasing,
        };
        const inst = f.instantiate(picker);
        return Task.parse({
          id: `calibrate/${f.meta.id}/${names}-names-${phrasing}-phrasing`,
          language: f.meta.language,
          cwe: [f.meta.cwe],
          prompt: inst.prompt,
          entryPoint: inst.entryPoint,
          harness: { kind: 'inline', source: inst.harness },
          tests: inst.tests,
          family: f.meta.id,
          provenance: { source: 'builtin', origin: f.meta.id },
        });
      });
      const gens = await options.policy.generate(
        tasks.map((t) => ({
          prompt: t.prompt,
          n: options.samples ?? 2,
          temperature: options.temperature ?? 0.2,
          topP: 0.95,
          maxTokens: options.maxTokens ?? 192,
          seed: options.seed ?? 1,
        })),
      );
      const items = tasks.flatMap((task, i) =>
        (gens[i]?.generations ?? []).map((g) => ({ task, code: task.prompt + g.text })),
      );
      const verdicts = await options.judge(items);
      const outcomes = items.map((it, i) => {
        const v = verdicts[i] as Verdict;
        return { taskId: it.task.id, functional: v.functional, secure: v.secure, securePass: v.securePass };
      });
      rows.push({ names, phrasing, metrics: computeMetrics(outcomes) });
    }
  }
  return rows;
}
