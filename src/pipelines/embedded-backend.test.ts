import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunConfig } from '../spec/run-config.ts';
import { baseCheckpointDir, baseKey, createEmbeddedBackend, stageCorpusBase } from './embedded-backend.ts';
import { getPreset } from './presets.ts';

const corpus = Array.from({ length: 40 }, (_, i) => `def f${i}(x):\n    return x + ${i}\n`);
const tiny = {
  ...getPreset('smoke').base,
  vocabSize: 300,
  layers: 1,
  dModel: 16,
  heads: 2,
  context: 32,
  steps: 3,
  batchSize: 4,
};

describe('embedded backend: the base model', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('trains later stages on top of the first, each cached under its own key', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'tsp-base-'));
    dirs.push(cacheDir);
    const config = (stages?: RunConfig['base']['stages']): RunConfig => ({
      ...getPreset('smoke'),
      base: stages ? { ...tiny, stages } : tiny,
    });
    const second = { steps: 2, learningRate: 1e-3 };
    const third = { steps: 1, learningRate: 5e-4 };
    const firstOnly = config();
    const two = config([second]);
    const three = config([second, third]);
    const logs: string[] = [];
    const backend = (c: RunConfig) =>
      createEmbeddedBackend({ config: c, corpus: () => corpus, cacheDir, onLog: (l) => logs.push(l) });
    const progress: string[] = [];
    const m = await backend(three).base((phase, done) => progress.push(`${phase} ${done}`));
    m.dispose();
    expect(logs[0]).toMatch(/pretraining 1 layers/);
    expect(logs[1]).toMatch(/stage 2\) for 2 steps/);
    expect(logs[2]).toMatch(/stage 3\) for 1 steps/);
    expect(progress).toContain('pretrain 3');
    expect(progress).toContain('pretrain (stage 2) 2');
    expect(progress).toContain('pretrain (stage 3) 1');
    const keys = [firstOnly, two, three].map((c) => baseKey(c, corpus));
    expect(new Set(keys).size).toBe(3);
    for (const key of keys)
      expect(existsSync(join(baseCheckpointDir(cacheDir, key), 'config.json'))).toBe(true);
    // every stage is found again without training, and the stages differ
    logs.length = 0;
    const models = [];
    for (const c of [firstOnly, two, three]) models.push(await backend(c).base());
    expect(logs).toHaveLength(3);
    expect(logs.every((l) => l.startsWith('base model: cached at'))).toBe(true);
    const values = models.map((x) => x.model.readValues());
    const name = [...(values[0]?.keys() ?? [])][0] as string;
    const firsts = values.map((v) => (v.get(name) ?? [])[0]);
    expect(new Set(firsts).size).toBe(3);
    // a shipped checkpoint is used when its config names the key
    logs.length = 0;
    const shipped = join(baseCheckpointDir(cacheDir, keys[1] as string));
    const viaShipped = await createEmbeddedBackend({
      config: two,
      corpus: () => corpus,
      cacheDir: join(cacheDir, 'empty'),
      shippedDirs: [baseCheckpointDir(cacheDir, keys[0] as string), shipped],
      onLog: (l) => logs.push(l),
    }).base();
    expect(logs).toEqual([`base model: shipped at ${shipped}`]);
    viaShipped.dispose();
    for (const x of models) x.dispose();
  }, 120_000);

  it('trains a stage on its own corpus when the stage sets corpus settings', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'tsp-base-'));
    dirs.push(cacheDir);
    const asked: (number | undefined)[] = [];
    const other = corpus.map((t) => `${t}\n# borrowed`);
    const corpusOf = (b: RunConfig['base']) => {
      asked.push(b.foreignNameRate);
      return b.foreignNameRate ? other : corpus;
    };
    const plain = { steps: 1, learningRate: 1e-3 };
    const mixed = { ...plain, foreignNameRate: 0.5 };
    const config = (stages: NonNullable<RunConfig['base']['stages']>): RunConfig => ({
      ...getPreset('smoke'),
      base: { ...tiny, stages },
    });
    const m = await createEmbeddedBackend({ config: config([mixed]), corpus: corpusOf, cacheDir }).base();
    m.dispose();
    // the first stage's corpus, then the second stage's own (each drawn once)
    expect(asked).toEqual([0.5, undefined]);
    expect(stageCorpusBase(config([mixed]).base).foreignNameRate).toBe(0.5);
    expect(stageCorpusBase(config([mixed, plain]).base).foreignNameRate).toBeUndefined();
    const key = (stages: NonNullable<RunConfig['base']['stages']>) =>
      baseKey(config(stages), stageCorpusBase(config(stages).base).foreignNameRate ? other : corpus);
    expect(existsSync(join(baseCheckpointDir(cacheDir, key([mixed])), 'config.json'))).toBe(true);
    expect(key([mixed])).not.toBe(key([plain]));
  }, 120_000);
});
