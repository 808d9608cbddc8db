import { z } from 'zod';
import { CweId, Language } from './language.ts';

/** A mean with its spread over seeds (sample standard deviation; 0 with one seed). */
export const Stat = z.object({ mean: z.number(), std: z.number(), n: z.number().int().min(1) });
export type Stat = z.infer<typeof Stat>;

/** Unbiased pass@1-type estimates over tasks (n samples per task). */
export const Metrics = z.object({
  /** secure AND functional */
  spr1: z.number().min(0).max(1),
  pass1: z.number().min(0).max(1),
  secure1: z.number().min(0).max(1),
  /** Fraction of functional samples that are insecure (vulnerability rate among working code). */
  vulnRate: z.number().min(0).max(1),
  tasks: z.number().int().min(0),
  samples: z.number().int().min(0),
});
export type Metrics = z.infer<typeof Metrics>;

export const MethodName = z.enum(['base', 'sft', 'spin', 'tsp', 'unlikelihood', 'tsp-release']);
export type MethodName = z.infer<typeof MethodName>;

/**
 * The methods in the order the tables list them: the base, then supervised and preference
 * baselines, TSP last. A paired difference is always later minus earlier (TSP - the others).
 */
export const METHOD_ORDER: readonly MethodName[] = [
  'base',
  'sft',
  'spin',
  'unlikelihood',
  'tsp-release',
  'tsp',
];

/** Per-sample counts of one task in one evaluation: what the paired bootstrap resamples. */
export const TaskCounts = z.object({
  n: z.number().int().min(1),
  functional: z.number().int().min(0),
  secure: z.number().int().min(0),
  securePass: z.number().int().min(0),
});
export type TaskCounts = z.infer<typeof TaskCounts>;

/** Evaluation splits of the built-in suite (other benchmarks use their own name). */
export const SplitName = z.string().min(1);

/** One evaluation of one model (method, seed, round) on one split. */
export const Evaluation = z.object({
  method: MethodName,
  seed: z.number().int(),
  /** Self-play round after which the model was evaluated; 0 = before any self-play. */
  round: z.number().int().min(0),
  split: SplitName,
  overall: Metrics,
  perLanguage: z.partialRecord(Language, Metrics).default({}),
  perCwe: z.record(CweId, Metrics).default({}),
  /** Counts per task id (absent in runs made before the paired bootstrap). */
  perTask: z.record(z.string(), TaskCounts).optional(),
});
export type Evaluation = z.infer<typeof Evaluation>;

/** Tree statistics of one self-play round of one method. */
export const TreeStats = z.object({
  method: MethodName,
  seed: z.number().int(),
  round: z.number().int().min(1),
  tasks: z.number().int().min(0),
  criticalNodes: z.number().int().min(0),
  criticalNodesPerTask: z.number().min(0),
  criticalBy: z.record(z.string(), z.number().int().min(0)).default({}),
  pairs: z.number().int().min(0),
  verifiedPairs: z.number().int().min(0),
  generatedTokens: z.number().int().min(0),
  verifiedPairsPer1kTokens: z.number().min(0),
  judged: z.number().int().min(0),
  /**
   * Pairs whose rejected side is verified insecure: the verified pairs, and for recipes that pair
   * without judging (tsp-release, unverified ablation) what the oracle said afterwards. Absent in
   * older runs.
   */
  rejectedInsecure: z.number().int().min(0).optional(),
});
export type TreeStats = z.infer<typeof TreeStats>;

/** One row of the paper-style table: a method on a split, mean and spread over seeds. */
export const SummaryRow = z.object({
  method: MethodName,
  split: SplitName,
  spr1: Stat,
  pass1: Stat,
  secure1: Stat,
  /** Over the seeds with at least one functional sample; null when none had one. */
  vulnRate: Stat.nullable(),
});
export type SummaryRow = z.infer<typeof SummaryRow>;

export const ComparedMetric = z.enum(['spr1', 'pass1', 'secure1', 'vulnRate']);

/**
 * `a - b` on a split (each method at its last round) with a 95% interval from a paired bootstrap
 * that resamples tasks, the seeds of a task inside it (core/bootstrap.ts). null where undefined
 * (a vulnerability rate with no functional sample) or with too few defined replicates.
 */
export const Comparison = z.object({
  split: SplitName,
  a: MethodName,
  b: MethodName,
  metric: ComparedMetric,
  diff: z.number().nullable(),
  lo: z.number().nullable(),
  hi: z.number().nullable(),
  tasks: z.number().int().min(0),
  seeds: z.number().int().min(0),
  resamples: z.number().int().min(0),
  /** The difference seed by seed over all the tasks (do the seeds agree on the sign?). */
  perSeed: z.array(z.number().nullable()).default([]),
});
export type Comparison = z.infer<typeof Comparison>;

/**
 * The held-out evaluation splits of the built-in experiment and their titles: `unseen-cwe` (suite
 * version 1: the CWEs no training data covers), and from version 2 the same held-out CWEs in two
 * groups, siblings of a trained principle and distant ones.
 */
export const UNSEEN_SPLITS: Readonly<Record<string, string>> = {
  'unseen-cwe': 'Unseen CWEs',
  'unseen-sibling': 'Unseen CWEs, siblings (a trained principle at another CWE and API)',
  'unseen-distant': 'Unseen CWEs, distant (no trained relative)',
};

/** The held-out split of a `unseenCwe` row of results.json. */
export function unseenSplitOf(row: { split?: string | undefined }): string {
  return row.split ?? 'unseen-cwe';
}

/** `results.json` of a run directory. */
export const RunResults = z.object({
  runId: z.string(),
  preset: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().optional(),
  seeds: z.array(z.number().int()),
  methods: z.array(MethodName),
  evaluations: z.array(Evaluation),
  summary: z.array(SummaryRow),
  /**
   * Vulnerability rate on each held-out split (over seeds with a functional sample; null when
   * none), and its relative reduction vs SFT ((sft - m) / sft, over seeds where both are defined).
   */
  unseenCwe: z
    .array(
      z.object({
        /** The held-out split (UNSEEN_SPLITS); absent: `unseen-cwe`, the only one of suite version 1. */
        split: SplitName.optional(),
        method: MethodName,
        vulnRate: Stat.nullable(),
        reductionVsSft: Stat.nullable(),
        /**
         * The relative reduction (sft - m) / sft of the vulnerability rates over all seeds, with
         * its paired task-level bootstrap interval (null where a rate is undefined).
         */
        reductionVsSftInterval: z
          .object({ estimate: z.number().nullable(), lo: z.number().nullable(), hi: z.number().nullable() })
          .optional(),
      }),
    )
    .default([]),
  /** C/C++-only training evaluated on Python/Go/JavaScript families of the same CWEs. */
  crossLanguage: z
    .array(z.object({ method: MethodName, language: Language, spr1: Stat, vulnRate: Stat.nullable() }))
    .default([]),
  treeStats: z.array(TreeStats).default([]),
  /** Paired differences between methods with bootstrap intervals, per split and metric. */
  comparisons: z.array(Comparison).default([]),
  notes: z.array(z.string()).default([]),
});
export type RunResults = z.infer<typeof RunResults>;
