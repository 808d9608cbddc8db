import { z } from 'zod';
import { TspError } from '../spec/errors.ts';
import { parseOrThrow } from '../spec/parse.ts';
import { DEFAULT_SUITE_VERSION, RunConfig } from '../spec/run-config.ts';

// A small model trained for minutes derails easily at high temperature: branches are sampled at 0.7
// (enough diversity to reach both secure and insecure leaves), evaluation at 0.2 (close to greedy).
const sampling = { temperature: 0.7, topP: 0.95, maxTokens: 192 };

/**
 * The default preset: the README's main job (Base / SFT / unstructured self-play / SafeCoder-style
 * unlikelihood / the TSP release's recipe / TSP, three seeds; meant for < 20 minutes on this 2-core
 * machine, estimated at 21-26 (not measured end to end: docs/PERFORMANCE.md).
 */
const defaultPreset: RunConfig = {
  preset: 'default',
  seeds: [1, 2, 3],
  methods: ['base', 'sft', 'spin', 'unlikelihood', 'tsp-release', 'tsp'],
  suite: {
    seed: 7,
    trainVariants: 2,
    // Two held-out variants of each of the 24 trained families: with one variant of 20 of them,
    // the base could write 7 of the 20 tasks and every difference between methods rested on those
    // (evaluation is a small part of the run's time).
    evalVariants: 2,
    maxTrainTasks: 24,
    maxEvalTasks: 48,
    crossLanguage: true,
    version: DEFAULT_SUITE_VERSION,
  },
  base: {
    vocabSize: 1024,
    layers: 3,
    dModel: 96,
    heads: 4,
    context: 256,
    corpusPrograms: 30000,
    insecureRate: 0.6,
    // Made-up names (records, fields, parameters, function-name words) and reworded docstrings in
    // the corpus, so that the base can write held-out variants: see docs/suite.md, Calibration.
    pseudoNameRate: 0.5,
    rewordRate: 0.3,
    steps: 2500,
    batchSize: 32,
    learningRate: 3e-3,
    seed: 1,
    // Four more cycles of 2,500 steps, each from the previous stage's model (found by its own
    // key): the base copies names from the signature poorly after 2,500 steps, and each stage
    // raised the name-copying probe and the calibration grid; the fourth stage's corpus borrows
    // known words into roles their scenario never uses, which raised the copying of held-out
    // names from 36% to 45% where a third plain stage had moved it by 2; the fifth makes half of
    // the made-up and borrowed names compounds, which raised the copying of held-out compound
    // names from 11% to 34% where the same stage without them reached 14% (docs/suite.md, Calibration).
    stages: [
      { steps: 2500, learningRate: 1.5e-3 },
      { steps: 2500, learningRate: 1e-3 },
      { steps: 2500, learningRate: 1e-3, foreignNameRate: 0.5 },
      { steps: 2500, learningRate: 1e-3, foreignNameRate: 0.5, compoundNameRate: 0.5 },
    ],
  },
  training: {
    // Self-play starts from the base: an SFT warm-up on the training references makes the model
    // reproduce them (SPR@1 ~94% on the training prompts, measured), which leaves almost no
    // insecure leaf to branch from; SFT gets its steps as its own method instead.
    sftWarmupSteps: 0,
    stepsPerRound: 20,
    rounds: 2,
    batchSize: 8,
    learningRate: 1e-3,
    // Measured on seed 1 (decision 0001): at 5e-4 with no epoch cap, TSP's 24 round-1 pairs took
    // the DPO loss from 0.74 to 0.02 and training-prompt pass@1 from 71% to 47%; at 1e-4 and at
    // most 3 passes over a round's pairs, pass@1 stayed at 71% and SPR@1 rose from 29% to 63%.
    preferenceLearningRate: 1e-4,
    preferenceEpochs: 3,
    // Measured on the first default run (beta 0.1, anchor 0.2): 20 steps drove the DPO loss from
    // 0.70 to ~0.02 and both self-play methods lost half their functional samples. A larger beta
    // saturates the sigmoid at a smaller log-ratio margin (less drift from the reference), and an
    // anchor of 1 keeps full NLL on the chosen, functional branch (RPO-style).
    beta: 0.3,
    anchorWeight: 1,
  },
  tree: {
    // Measured on seed 1 from the 2,500-step base: 4 root samples and 12 generations per task
    // gave 8 verified pairs in round 1 and none in round 2; 8 and 24 (and the suite's risk
    // annotations as a third locator) gave 19 and 3.
    rootSamples: 8,
    branchSamples: 3,
    maxDepth: 2,
    sources: ['oracle', 'value', 'annotated'],
    maxCriticalPerTask: 2,
    valueRollouts: 3,
    valueMaxProbes: 3,
    maxPairsPerNode: 2,
    segment: 'statement',
    verifyRejected: true,
    maxGenerationsPerTask: 24,
    sampling,
  },
  spin: { samples: 4, maxPairsPerTask: 4, sampling },
  // The release's recipe as its authors sampled it: 4 continuations at temperature 1.0, top-p 0.95.
  release: { samples: 4, sampling: { temperature: 1, topP: 0.95, maxTokens: 192 } },
  eval: {
    // pass@1-type estimates from 8 samples per task (3 before the paired bootstrap: a task's
    // estimate moved in steps of 33 points); the final round only and no training-prompt
    // diagnostic, to bring six methods towards 20 minutes (the paper preset has both).
    samplesPerTask: 8,
    everyRound: false,
    trainSplit: false,
    sampling: { temperature: 0.2, topP: 0.95, maxTokens: 192 },
  },
  slots: 0,
  staticCounts: false,
  coverageGate: true,
};

// The smoke preset pretrains one short stage.
const { stages: _stages, ...singleStageBase } = defaultPreset.base;

/** The smoke preset: every phase of the experiment on a handful of tasks, in a few minutes; used by tests. */
const smokePreset: RunConfig = {
  ...defaultPreset,
  preset: 'smoke',
  seeds: [1],
  suite: { ...defaultPreset.suite, trainVariants: 1, evalVariants: 1, maxTrainTasks: 6, maxEvalTasks: 6 },
  base: {
    ...singleStageBase,
    vocabSize: 512,
    layers: 2,
    dModel: 64,
    heads: 2,
    context: 320,
    corpusPrograms: 600,
    steps: 120,
  },
  training: { ...defaultPreset.training, sftWarmupSteps: 8, stepsPerRound: 6, rounds: 1 },
  tree: { ...defaultPreset.tree, rootSamples: 4, branchSamples: 2, maxDepth: 1, maxGenerationsPerTask: 10 },
  spin: { ...defaultPreset.spin, samples: 4 },
  eval: { ...defaultPreset.eval, samplesPerTask: 2, everyRound: false, trainSplit: false },
};

/**
 * The paper preset: the README's headline. Five seeds, three rounds, four held-out variants of each
 * trained family (96 eval tasks, 44 unseen-CWE, 96 cross-language), 8 samples per eval task, every
 * round evaluated. Several times the default's wall time (docs/PERFORMANCE.md).
 */
const paperPreset: RunConfig = {
  ...defaultPreset,
  preset: 'paper',
  seeds: [1, 2, 3, 4, 5],
  suite: { ...defaultPreset.suite, evalVariants: 4, maxEvalTasks: 96 },
  training: { ...defaultPreset.training, rounds: 3 },
  eval: { ...defaultPreset.eval, everyRound: true, trainSplit: true },
};

export const PRESETS: Record<string, RunConfig> = {
  default: defaultPreset,
  paper: paperPreset,
  smoke: smokePreset,
};

export function getPreset(name: string): RunConfig {
  const p = PRESETS[name];
  if (!p)
    throw new TspError('invalid-input', `unknown preset '${name}'`, {
      hint: `presets: ${Object.keys(PRESETS).join(', ')}`,
    });
  return parseOrThrow(RunConfig, structuredClone(p), `preset ${name}`);
}

/** The object schema under an optional/default wrapper, or undefined for a leaf. */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  let s: z.ZodType = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
  return s instanceof z.ZodObject ? (s.shape as Record<string, z.ZodType>) : undefined;
}

/**
 * Applies one `path=value` assignment (e.g. `training.beta=0.5`, `tree.sources=["oracle"]`) to a
 * configuration: the path must name a field of the RunConfig schema, the value is read as JSON
 * (a bare word as a string; `null` removes an optional setting), and the result is validated.
 * Returns a new configuration.
 */
export function setConfigValue(config: RunConfig, assignment: string): RunConfig {
  const eq = assignment.indexOf('=');
  const path = eq > 0 ? assignment.slice(0, eq).trim().split('.') : [];
  if (path.length === 0 || path.some((k) => !k))
    throw new TspError('invalid-input', `--set '${assignment}': expected path=value`, {
      hint: 'e.g. --set training.beta=0.5',
    });
  const raw = assignment.slice(eq + 1).trim();
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = raw;
  }
  const out = structuredClone(config) as Record<string, unknown>;
  let schema: Record<string, z.ZodType> | undefined = RunConfig.shape;
  let node: Record<string, unknown> = out;
  for (const [i, key] of path.entries()) {
    const field = schema?.[key];
    if (!field)
      throw new TspError('invalid-input', `--set: no setting '${path.slice(0, i + 1).join('.')}'`, {
        hint: `settings here: ${Object.keys(schema ?? {}).join(', ')}`,
      });
    if (i === path.length - 1) {
      // `null` removes an optional setting (e.g. `base.stages=null`: a one-stage base)
      if (value === null && field.safeParse(undefined).success) delete node[key];
      else node[key] = value;
    } else {
      schema = objectShape(field);
      if (!schema)
        throw new TspError('invalid-input', `--set: '${path.slice(0, i + 1).join('.')}' is not a group`);
      node[key] ??= {};
      node = node[key] as Record<string, unknown>;
    }
  }
  return parseOrThrow(RunConfig, out, `configuration after --set ${path.join('.')}`);
}

/**
 * Sampling for a real code model (anything but the embedded GPT): a CWEval C solution runs to 400
 * tokens and more, where the presets' 192 suit the 256-token embedded model. Branches at 0.8 for
 * diversity, evaluation at 0.2 (close to greedy), as the embedded presets do.
 */
export const REAL_MODEL_SAMPLING = {
  tree: { temperature: 0.8, topP: 0.95, maxTokens: 1024 },
  eval: { temperature: 0.2, topP: 0.95, maxTokens: 1024 },
} as const;

/** The sampling and prompt settings of `tsp train` / `tsp eval` (flags), each optional. */
export interface SamplingSettings {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  /** Samples per node: the tree's root samples and SPIN's samples; evaluation samples per task. */
  samples?: number;
  /** `path=value` assignments (`setConfigValue`), applied after the flags above. */
  set?: readonly string[];
}

/**
 * A preset adjusted for the policy and the user's settings, in this order: the real-model sampling
 * defaults (unless the policy is the embedded model), the flags, then each `--set`.
 */
export function applySamplingSettings(
  preset: RunConfig,
  settings: SamplingSettings,
  options: { realModel: boolean },
): RunConfig {
  const config = structuredClone(preset);
  const groups = [config.tree.sampling, config.spin.sampling, config.eval.sampling];
  if (options.realModel) {
    Object.assign(config.tree.sampling, REAL_MODEL_SAMPLING.tree);
    Object.assign(config.spin.sampling, REAL_MODEL_SAMPLING.tree);
    Object.assign(config.eval.sampling, REAL_MODEL_SAMPLING.eval);
  }
  for (const g of groups) {
    if (settings.maxTokens !== undefined) g.maxTokens = settings.maxTokens;
    if (settings.temperature !== undefined) g.temperature = settings.temperature;
    if (settings.topP !== undefined) g.topP = settings.topP;
    if (settings.stop?.length) g.stop = [...settings.stop];
  }
  if (settings.samples !== undefined) {
    config.tree.rootSamples = settings.samples;
    config.spin.samples = settings.samples;
    config.eval.samplesPerTask = settings.samples;
  }
  let out = parseOrThrow(RunConfig, config, 'configuration with the sampling settings');
  for (const a of settings.set ?? []) out = setConfigValue(out, a);
  return out;
}
