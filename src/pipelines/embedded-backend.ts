import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import {
  cloneModel,
  createModel,
  EmbeddedPolicy,
  type GptModel,
  loadCheckpoint,
  readCheckpointExtra,
  saveCheckpoint,
  type Tokenizer,
  trainTokenizer,
  useBackend,
} from '../models/embedded/index.ts';
import { corpusSettingsOf, type RunConfig } from '../spec/run-config.ts';
import { contentKey } from '../store/keyed-cache.ts';
import { trainLanguageModel, trainPreference, trainSupervised } from '../training/index.ts';
import type { TrainableModel, TrainingBackend, TrainStats } from './training-backend.ts';

export interface EmbeddedModel extends TrainableModel {
  readonly model: GptModel;
  readonly tokenizer: Tokenizer;
  readonly policy: EmbeddedPolicy;
}

function wrap(model: GptModel, tokenizer: Tokenizer): EmbeddedModel {
  return {
    model,
    tokenizer,
    policy: new EmbeddedPolicy(model, tokenizer, { maxBatchRows: 48 }),
    dispose: () => model.dispose(),
  };
}

function stats(r: { steps: number; tokens: number; losses: number[] }): TrainStats {
  return {
    steps: r.steps,
    tokens: r.tokens,
    firstLoss: r.losses[0] ?? null,
    lastLoss: r.losses[r.losses.length - 1] ?? null,
  };
}

/** Identifies a base model: its configuration and the exact corpus it is trained on. */
export function baseKey(config: Pick<RunConfig, 'base'>, corpus: readonly string[]): string {
  return contentKey({ base: config.base, corpus: contentKey(corpus) });
}

/** The base key a shipped checkpoint was trained for, read from its config (no weights loaded). */
export function shippedBaseKey(dir: string): string | undefined {
  const key = (readCheckpointExtra(dir) as { baseKey?: unknown } | undefined)?.baseKey;
  return typeof key === 'string' ? key : undefined;
}

/**
 * The base settings the corpus of a configuration's last stage is drawn with: the base's own, with
 * the corpus settings that stage gives for itself (each stage is trained on its own corpus; the
 * first stage's also trains the tokenizer).
 */
export function stageCorpusBase(b: RunConfig['base']): RunConfig['base'] {
  const stage = b.stages?.at(-1);
  if (!stage) return b;
  return { ...b, ...corpusSettingsOf(stage) };
}

/** Gradient threads when none are asked for: one per core, at most 4. */
export function defaultTrainThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** Where the base model of a key is cached. */
export function baseCheckpointDir(cacheDir: string, key: string): string {
  return join(cacheDir, `base-${key.slice(0, 16)}`, 'final');
}

/**
 * The embedded default as a TrainingBackend: a GPT on tfjs-wasm, pretrained on the built-in
 * corpus once per configuration (cached under `cacheDir/base-<key>`, resumable), then trained by
 * SFT and the preference losses.
 */
export function createEmbeddedBackend(input: {
  config: RunConfig;
  /**
   * The pretraining corpus of a base configuration (its corpus settings: a stage's own are applied
   * by stageCorpusBase first); asked once per distinct setting.
   */
  corpus: (base: RunConfig['base']) => string[];
  cacheDir: string;
  /** Checkpoints shipped with the project (e.g. `models/`), used when their base key matches. */
  shippedDirs?: string[];
  onLog?: (line: string) => void;
  /** Threads for base pretraining (data-parallel; default: the machine's cores, at most 4). */
  pretrainThreads?: number;
}): TrainingBackend<EmbeddedModel> & {
  /** The key of the configuration's base model and the size of its last stage's corpus. */
  baseIdentity(): { key: string; documents: number };
} {
  const { config } = input;
  const t = config.training;
  const pretrainThreads = input.pretrainThreads ?? defaultTrainThreads();

  /** The corpus of a stage, drawn once per distinct corpus setting. */
  const corpora = new Map<string, string[]>();
  const corpusOf = (b: RunConfig['base']): string[] => {
    const settings = stageCorpusBase(b);
    const id = JSON.stringify(corpusSettingsOf(settings));
    let c = corpora.get(id);
    if (!c) {
      c = input.corpus(settings);
      corpora.set(id, c);
    }
    return c;
  };

  /** The base of a pretraining configuration: shipped, cached, or trained (stage by stage). */
  async function obtainBase(
    b: RunConfig['base'],
    onProgress: ((phase: string, done: number, total: number) => void) | undefined,
  ): Promise<{ model: GptModel; tokenizer: Tokenizer }> {
    const corpus = corpusOf(b);
    const key = baseKey({ base: b }, corpus);
    for (const shipped of input.shippedDirs ?? []) {
      if (shippedBaseKey(shipped) !== key) continue;
      input.onLog?.(`base model: shipped at ${shipped}`);
      return loadCheckpoint(shipped);
    }
    const final = baseCheckpointDir(input.cacheDir, key);
    const dir = join(final, '..');
    if (existsSync(join(final, 'config.json'))) {
      input.onLog?.(`base model: cached at ${final}`);
      return loadCheckpoint(final);
    }
    let model: GptModel;
    let tokenizer: Tokenizer;
    let steps: number;
    let learningRate: number;
    let seed: number;
    const stages = b.stages ?? [];
    const stage = stages.at(-1);
    if (stage) {
      // a later stage: the previous stage's model (itself shipped, cached or trained), then more
      // steps with a fresh optimizer and a new warm-up and cosine cycle, over a new data order
      const { stages: _all, ...first } = b;
      const previous = stages.length > 1 ? { ...first, stages: stages.slice(0, -1) } : first;
      ({ model, tokenizer } = await obtainBase(previous, onProgress));
      steps = stage.steps;
      learningRate = stage.learningRate;
      seed = b.seed + stages.length;
      input.onLog?.(
        `base model: continuing pretraining (stage ${stages.length + 1}) for ${steps} steps on ${pretrainThreads} thread(s) (cached afterwards)`,
      );
    } else {
      input.onLog?.(
        `base model: pretraining ${b.layers} layers, d=${b.dModel} on ${corpus.length} programs, ${pretrainThreads} thread(s) (cached afterwards)`,
      );
      tokenizer = trainTokenizer(corpus, b.vocabSize);
      model = createModel(
        {
          vocabSize: b.vocabSize,
          contextLength: b.context,
          dModel: b.dModel,
          nLayers: b.layers,
          nHeads: b.heads,
        },
        b.seed,
      );
      steps = b.steps;
      learningRate = b.learningRate;
      seed = b.seed;
    }
    await trainLanguageModel(
      model,
      tokenizer,
      corpus,
      {
        epochs: 1000,
        maxSteps: steps,
        learningRate,
        warmupSteps: Math.min(100, Math.floor(steps / 10)),
        maxBatchSize: b.batchSize,
        batchTokens: b.batchSize * b.context,
        seed,
        checkpointEvery: 100,
        keepCheckpoints: 1,
        threads: pretrainThreads,
      },
      {
        checkpointDir: join(dir, 'train'),
        resume: true,
        onStep: (r) =>
          onProgress?.(stage ? `pretrain (stage ${stages.length + 1})` : 'pretrain', r.step, r.totalSteps),
      },
    );
    await saveCheckpoint(final, model, tokenizer, {
      baseKey: key,
      corpusDocuments: corpus.length,
      preset: config.preset,
    });
    return { model, tokenizer };
  }

  return {
    name: 'embedded',
    baseIdentity() {
      const corpus = corpusOf(config.base);
      return { key: baseKey(config, corpus), documents: corpus.length };
    },
    async base(onProgress) {
      await useBackend('wasm');
      const { model, tokenizer } = await obtainBase(config.base, onProgress);
      return wrap(model, tokenizer);
    },
    async clone(m) {
      return wrap(cloneModel(m.model), m.tokenizer);
    },
    async sft(m, examples, opts) {
      const r = await trainSupervised(
        m.model,
        m.tokenizer,
        examples,
        {
          epochs: 1000,
          maxSteps: opts.steps,
          learningRate: t.learningRate,
          warmupSteps: Math.min(10, Math.floor(opts.steps / 5)),
          maxBatchSize: t.batchSize,
          batchTokens: t.batchSize * config.base.context,
          seed: opts.seed,
        },
        { onStep: (s) => opts.onStep?.(s.step, s.loss) },
      );
      m.policy.weightsChanged();
      return stats(r);
    },
    async preference(m, reference, examples, opts) {
      const r = await trainPreference(
        m.model,
        reference.model,
        m.tokenizer,
        examples,
        {
          loss: opts.loss,
          epochs: t.preferenceEpochs ?? 1000,
          maxSteps: opts.steps,
          learningRate: t.preferenceLearningRate,
          beta: t.beta,
          anchorWeight: t.anchorWeight,
          maxBatchSize: t.batchSize,
          batchTokens: 2 * t.batchSize * config.base.context,
          seed: opts.seed,
        },
        { onStep: (s) => opts.onStep?.(s.step, s.loss) },
      );
      m.policy.weightsChanged();
      return stats(r);
    },
    async save(m, dir) {
      await saveCheckpoint(dir, m.model, m.tokenizer);
    },
    async load(dir) {
      const { model, tokenizer } = await loadCheckpoint(dir);
      return wrap(model, tokenizer);
    },
  };
}
