/**
 * The ablations of issue 17, as data: each question is a list of variants of one preset (a few
 * `--set` assignments each), run as separate resumable runs of TSP alone, compared with the
 * question's reference variant by the same paired task-level bootstrap as the main table (the
 * variants share the base model, the seeds and the evaluation tasks, so tasks and seeds pair).
 */

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../core/atomic-file.ts';
import { pairedDifference } from '../core/bootstrap.ts';
import { countsOf } from '../core/comparisons.ts';
import { hashString } from '../core/rng.ts';
import type { AblationRow, AblationSummary } from '../spec/ablation.ts';
import { TspError } from '../spec/errors.ts';
import type { MethodName, RunResults } from '../spec/results.ts';
import type { RunConfig } from '../spec/run-config.ts';
import { setConfigValue } from './presets.ts';

export interface AblationVariant {
  label: string;
  /** `path=value` assignments on top of the preset and ABLATION_BASE_SETS. */
  sets: string[];
}

export interface Ablation {
  name: string;
  question: string;
  variants: AblationVariant[];
  /** The label of the variant the others are compared with (the preset's own TSP). */
  reference: string;
}

/**
 * Every ablation runs TSP alone (the variants differ in how TSP builds or uses its pairs), on the
 * standard configuration only (the questions are about the held-out splits of the trained languages).
 */
export const ABLATION_BASE_SETS: readonly string[] = ['methods=["tsp"]', 'suite.crossLanguage=false'];

const REFERENCE: AblationVariant = { label: 'TSP as in the preset', sets: [] };

export const ABLATIONS: Record<string, Ablation> = {
  locators: {
    name: 'locators',
    question:
      "Which critical-node locators matter: the suite's annotations alone, the automatic ones (oracle + value) alone, or all three?",
    variants: [
      { label: 'annotated only', sets: ['tree.sources=["annotated"]'] },
      { label: 'oracle + value', sets: ['tree.sources=["oracle","value"]'] },
      { ...REFERENCE, label: 'all three (preset)' },
    ],
    reference: 'all three (preset)',
  },
  localization: {
    name: 'localization',
    question:
      'Does localizing the contrast help: the next statement after the divergence, everything after it, or whole-program DPO on the same pairs?',
    variants: [
      { ...REFERENCE, label: 'statement (preset)' },
      { label: 'to-end', sets: ['tree.segment=to-end'] },
      { label: 'whole program', sets: ['tree.segment=whole'] },
    ],
    reference: 'statement (preset)',
  },
  nesting: {
    name: 'nesting',
    question:
      'Does nesting help: branch once at the critical nodes (no nesting, maxDepth 1), search the still-vulnerable branches once more (maxDepth 2, the preset) or twice (maxDepth 3)?',
    variants: [
      { label: 'no nesting (maxDepth 1)', sets: ['tree.maxDepth=1'] },
      { ...REFERENCE, label: 'one level (maxDepth 2, preset)' },
      { label: 'two levels (maxDepth 3)', sets: ['tree.maxDepth=3'] },
    ],
    reference: 'one level (maxDepth 2, preset)',
  },
  'train-prompts': {
    name: 'train-prompts',
    question:
      "Does self-play on more training prompts help: the preset's 24 (one variant of 24 families) against 48 (one variant of each of the 45 trainable families, then more)?",
    variants: [
      { ...REFERENCE, label: '24 prompts (preset)' },
      // the larger eval limit keeps every evaluation task of the preset in the variant's eval
      // split (it holds the trained families' variants), so the two pair on the preset's 48 tasks
      { label: '48 prompts', sets: ['suite.maxTrainTasks=48', 'suite.maxEvalTasks=96'] },
    ],
    reference: '24 prompts (preset)',
  },
  efficiency: {
    name: 'efficiency',
    question:
      'Can TSP make more verified pairs per generated token without losing SPR@1: half the root samples (4, as many as self-play draws per prompt), or up to 4 pairs per critical node instead of 2?',
    variants: [
      { ...REFERENCE, label: '8 root samples, 2 pairs per node (preset)' },
      { label: '4 root samples', sets: ['tree.rootSamples=4'] },
      { label: '4 pairs per node', sets: ['tree.maxPairsPerNode=4'] },
    ],
    reference: '8 root samples, 2 pairs per node (preset)',
  },
  verification: {
    name: 'verification',
    question:
      "Does verifying the rejected side matter: TSP's pairs against the same trees with rejected sides taken unjudged?",
    variants: [
      { ...REFERENCE, label: 'verified (preset)' },
      { label: 'unverified rejected sides', sets: ['tree.verifyRejected=false'] },
    ],
    reference: 'verified (preset)',
  },
};

export function getAblation(name: string): Ablation {
  const a = ABLATIONS[name];
  if (!a)
    throw new TspError('invalid-input', `unknown ablation '${name}'`, {
      hint: `ablations: ${Object.keys(ABLATIONS).join(', ')}`,
    });
  return a;
}

/**
 * The run directory name of a variant: `reference` for the preset's own TSP (shared by every
 * ablation), else its assignments made file-safe, so two ablations never run the same variant twice.
 */
export function variantDirName(v: AblationVariant): string {
  if (v.sets.length === 0) return 'reference';
  return v.sets
    .join('_')
    .replace(/[^A-Za-z0-9.=-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/-$/, '');
}

/** One variant's finished (or partial) run, as the summary reads it. */
export interface VariantRun {
  variant: AblationVariant;
  dir: string;
  results: RunResults;
  /** Wall time of the run that finished it, seconds (null when unknown, e.g. resumed). */
  wallSeconds: number | null;
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/**
 * The comparison of an ablation's variants (pure): per split, each variant's TSP at its final
 * round, its paired difference with the reference variant, and its tree statistics.
 */
export function summarizeAblation(
  ablation: Ablation,
  runs: readonly VariantRun[],
  options: { method?: MethodName; splits?: readonly string[]; resamples?: number } = {},
): AblationSummary {
  const method = options.method ?? 'tsp';
  const ref = runs.find((r) => r.variant.label === ablation.reference);
  const finalRound = (r: RunResults) =>
    Math.max(0, ...r.evaluations.filter((e) => e.method === method).map((e) => e.round));
  const splits = options.splits ?? [
    ...new Set(runs.flatMap((r) => r.results.evaluations.map((e) => e.split))),
  ];
  const rows: AblationRow[] = [];
  for (const split of splits) {
    for (const run of runs) {
      const round = finalRound(run.results);
      const evs = run.results.evaluations.filter(
        (e) => e.method === method && e.split === split && e.round === round,
      );
      if (evs.length === 0) continue;
      const functional = evs.filter((e) => e.overall.pass1 > 0);
      const vsReference: AblationRow['vsReference'] = {};
      if (ref && run !== ref) {
        const mine = countsOf(run.results.evaluations, method, split, round);
        const theirs = countsOf(ref.results.evaluations, method, split, finalRound(ref.results));
        for (const metric of ['spr1', 'pass1', 'vulnRate'] as const) {
          const d = pairedDifference(mine, theirs, metric, {
            resamples: options.resamples ?? 2000,
            seed: hashString(`${ablation.name}|${run.variant.label}|${split}|${metric}`),
            confidence: 0.95,
          });
          if (d.tasks > 0) vsReference[metric] = { diff: d.estimate, lo: d.lo, hi: d.hi, tasks: d.tasks };
        }
      }
      const trees = run.results.treeStats.filter((t) => t.method === method);
      const sources = [...new Set(trees.flatMap((t) => Object.keys(t.criticalBy)))].sort();
      const criticalBy: Record<string, number> = {};
      for (const s of sources)
        criticalBy[s] = mean(trees.map((t) => (t.criticalBy[s] ?? 0) / Math.max(1, t.tasks))) ?? 0;
      const withInsecure = trees.filter((t) => t.rejectedInsecure !== undefined);
      rows.push({
        label: run.variant.label,
        dir: run.dir,
        reference: run === ref,
        split,
        spr1: mean(evs.map((e) => e.overall.spr1)),
        pass1: mean(evs.map((e) => e.overall.pass1)),
        vulnRate: mean(functional.map((e) => e.overall.vulnRate)),
        vsReference,
        criticalNodesPerTask: mean(trees.map((t) => t.criticalNodesPerTask)),
        criticalBy,
        verifiedPairs: mean(trees.map((t) => t.verifiedPairs)),
        verifiedPairsPer1kTokens: mean(trees.map((t) => t.verifiedPairsPer1kTokens)),
        rejectedInsecurePer1kTokens: mean(
          withInsecure.map((t) =>
            t.generatedTokens ? (1000 * (t.rejectedInsecure ?? 0)) / t.generatedTokens : 0,
          ),
        ),
        wallSeconds: run.wallSeconds,
      });
    }
  }
  return {
    name: ablation.name,
    question: ablation.question,
    preset: runs[0]?.results.preset ?? '',
    seeds: ref?.results.seeds ?? runs[0]?.results.seeds ?? [],
    rows,
  };
}

/** The configuration of a variant: the preset (with the command line's overrides), then the ablation's own assignments. */
export function variantConfig(config: RunConfig, variant: AblationVariant): RunConfig {
  return [...ABLATION_BASE_SETS, ...variant.sets].reduce(setConfigValue, config);
}

/**
 * Runs (or resumes) every variant of an ablation under `root` (one run directory per variant,
 * the reference shared by all ablations), then writes `ablation-<name>.json` and returns the
 * summary. `run` is the experiment (injected: the embedded one from the CLI, a fake in tests).
 * A variant's wall time is recorded when a call finishes it from scratch; a resumed variant keeps
 * what was recorded, or none.
 */
export async function runAblation(input: {
  ablation: Ablation;
  config: RunConfig;
  root: string;
  run: (config: RunConfig, dir: string) => Promise<RunResults>;
  now?: () => number;
  onLog?: (line: string) => void;
}): Promise<AblationSummary> {
  const now = input.now ?? Date.now;
  mkdirSync(input.root, { recursive: true });
  const runs: VariantRun[] = [];
  for (const variant of input.ablation.variants) {
    const dir = join(input.root, variantDirName(variant));
    const wallFile = join(dir, 'wall.json');
    const fresh = !existsSync(join(dir, 'manifest.json'));
    input.onLog?.(`ablation ${input.ablation.name}: ${variant.label} in ${dir}${fresh ? '' : ' (resumed)'}`);
    const started = now();
    const results = await input.run(variantConfig(input.config, variant), dir);
    if (fresh) {
      writeFileAtomicSync(wallFile, `${JSON.stringify({ seconds: (now() - started) / 1000 })}\n`);
    }
    const wall = existsSync(wallFile)
      ? (JSON.parse(readFileSync(wallFile, 'utf8')) as { seconds?: unknown }).seconds
      : null;
    runs.push({ variant, dir, results, wallSeconds: typeof wall === 'number' ? wall : null });
  }
  const summary = summarizeAblation(input.ablation, runs);
  writeFileAtomicSync(
    join(input.root, `ablation-${input.ablation.name}.json`),
    `${JSON.stringify(summary, null, 2)}\n`,
  );
  return summary;
}
