import { z } from 'zod';
import { MethodName } from './results.ts';
import { CriticalSource } from './tree.ts';

const Sampling = z.object({
  temperature: z.number().min(0).max(5),
  topP: z.number().gt(0).max(1),
  maxTokens: z.number().int().min(1),
  /** Generation stops before the first of these strings (a real model's end-of-program markers). */
  stop: z.array(z.string().min(1)).optional(),
});

/**
 * The corpus settings of a base model that a pretraining stage may also set for itself (a new data
 * mix for that stage).
 */
export const CORPUS_SETTINGS = {
  /** Fraction of corpus programs with made-up names (default 0.5). */
  pseudoNameRate: z.number().min(0).max(1).optional(),
  /** Fraction of corpus programs with borrowed names: known words in new roles (default 0). */
  foreignNameRate: z.number().min(0).max(1).optional(),
  /** Fraction of the made-up or borrowed names that are compounds like num_vorblick (default 0). */
  compoundNameRate: z.number().min(0).max(1).optional(),
  /** Fraction of corpus programs whose docstring is reworded (default 0.3). */
  rewordRate: z.number().min(0).max(1).optional(),
};

type CorpusSettings = { [K in keyof typeof CORPUS_SETTINGS]?: number };

/** The corpus settings an object (a base or one of its stages) sets, in a fixed order. */
export function corpusSettingsOf(o: CorpusSettings): CorpusSettings {
  const out: CorpusSettings = {};
  for (const k of Object.keys(CORPUS_SETTINGS) as (keyof CorpusSettings)[]) {
    const v = o[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/**
 * Versions of the built-in suite: 1 is the first suite (45 families; its base ships as
 * models/base-default-suite1, so `--set suite.version=1` reproduces earlier runs); 2 adds issue
 * 20's families (C++, sibling unseen CWEs) and correct English plurals, and is the default (the
 * shipped models/base-default was pretrained on its corpus).
 */
export const DEFAULT_SUITE_VERSION = 2;
export const LATEST_SUITE_VERSION = 2;

/** Everything that decides what `tsp run` does. A preset fills it; flags override fields. */
export const RunConfig = z.object({
  preset: z.string(),
  seeds: z.array(z.number().int()).min(1),
  methods: z.array(MethodName).min(1),
  /** Built-in suite size and the configurations to run. */
  suite: z.object({
    seed: z.number().int(),
    /** Variants per family in the train / eval splits. */
    trainVariants: z.number().int().min(1),
    evalVariants: z.number().int().min(1),
    /** Limit the tasks used per split (0 = all), to keep small presets small. */
    maxTrainTasks: z.number().int().min(0),
    maxEvalTasks: z.number().int().min(0),
    crossLanguage: z.boolean(),
    /** Suite version (see DEFAULT_SUITE_VERSION); run directories written before it existed read as 1. */
    version: z.number().int().min(1).max(LATEST_SUITE_VERSION).default(1),
  }),
  /** The embedded base model: pretraining on the built-in corpus (cached by config hash). */
  base: z.object({
    vocabSize: z.number().int().min(260),
    layers: z.number().int().min(1),
    dModel: z.number().int().min(8),
    heads: z.number().int().min(1),
    context: z.number().int().min(16),
    corpusPrograms: z.number().int().min(1),
    insecureRate: z.number().min(0).max(1),
    ...CORPUS_SETTINGS,
    steps: z.number().int().min(1),
    batchSize: z.number().int().min(1),
    learningRate: z.number().positive(),
    seed: z.number().int(),
    /**
     * Further pretraining stages, in order: each runs this many more steps from the previous
     * stage's model (found shipped or cached by its own key, so a longer base extends a shorter
     * one), with a fresh optimizer, warm-up and cosine cycle at its own learning rate, on the
     * corpus drawn with the base's corpus settings or the stage's own.
     */
    stages: z
      .array(
        z.object({
          steps: z.number().int().min(1),
          learningRate: z.number().positive(),
          /** This stage's corpus settings, where they differ from the base's. */
          ...CORPUS_SETTINGS,
        }),
      )
      .min(1)
      .optional(),
  }),
  training: z.object({
    /** SFT steps shared by the self-play methods before round 1. */
    sftWarmupSteps: z.number().int().min(0),
    /** Optimizer steps per self-play round; SFT gets the same number per round (matched compute). */
    stepsPerRound: z.number().int().min(1),
    rounds: z.number().int().min(1),
    batchSize: z.number().int().min(1),
    learningRate: z.number().positive(),
    preferenceLearningRate: z.number().positive(),
    beta: z.number().positive(),
    /** Weight of the NLL anchor on the chosen side in preference losses. */
    anchorWeight: z.number().min(0),
    /**
     * At most this many passes over a round's pairs (default: no cap, stepsPerRound steps however
     * few the pairs). A round with a handful of pairs otherwise repeats them tens of times.
     */
    preferenceEpochs: z.number().int().min(1).optional(),
  }),
  tree: z.object({
    rootSamples: z.number().int().min(1),
    branchSamples: z.number().int().min(1),
    maxDepth: z.number().int().min(1),
    sources: z.array(CriticalSource).min(1),
    maxCriticalPerTask: z.number().int().min(1),
    valueRollouts: z.number().int().min(1),
    valueMaxProbes: z.number().int().min(1),
    maxPairsPerNode: z.number().int().min(1),
    /** statement / to-end: the contrast from the divergence; whole: whole-program pairs from the prompt. */
    segment: z.enum(['statement', 'to-end', 'whole']),
    /** false (an ablation): rejected sides are taken without reading their verdict. */
    verifyRejected: z.boolean().default(true),
    maxGenerationsPerTask: z.number().int().min(1),
    sampling: Sampling,
  }),
  spin: z.object({
    samples: z.number().int().min(1),
    maxPairsPerTask: z.number().int().min(1),
    sampling: Sampling,
  }),
  /**
   * The TSP release's recipe (`tsp-release`): branch at the annotated risk line (the release's
   * prefix rule), sample `samples` continuations there, pair every one as rejected without judging
   * it against the secure reference as chosen, DPO on the whole continuation.
   */
  release: z
    .object({ samples: z.number().int().min(1), sampling: Sampling })
    .default({ samples: 4, sampling: { temperature: 1, topP: 0.95, maxTokens: 192 } }),
  eval: z.object({
    samplesPerTask: z.number().int().min(1),
    everyRound: z.boolean(),
    /** Also evaluate on the training prompts (split `train`): a diagnostic of what training did where it trained, not a held-out result. */
    trainSplit: z.boolean(),
    sampling: Sampling,
  }),
  /** Oracle worker slots (0 = one per core). */
  slots: z.number().int().min(0),
  /** Static analysis folded into `secure` (beside the executable exploit tests). */
  staticCounts: z.boolean(),
  /**
   * The oracle's coverage gate (docs/decisions/0018): a Python sample with non-inert code no test
   * ran is `untested`, not secure. On unless false.
   */
  coverageGate: z.boolean().default(true),
});
export type RunConfig = z.infer<typeof RunConfig>;
