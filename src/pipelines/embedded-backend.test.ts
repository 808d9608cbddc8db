import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunConfig } from '../spec/run-config.ts';
import { baseCheckpointDir, baseKey, createEmbeddedBackend } from './embedded-backend.ts';
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

  it('trains a second stage on top of the first, each cached under its own key', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'tsp-base-'));
    dirs.push(cacheDir);
    const staged: RunConfig = {
      ...getPreset('smoke'),
      base: { ...tiny, continueSteps: 2, continueLearningRate: 1e-3 },
    };
    const firstOnly: RunConfig = { ...getPreset('smoke'), base: tiny };
    const logs: string[] = [];
    const backend = (config: RunConfig) =>
      createEmbeddedBackend({ config, corpus: () => corpus, cacheDir, onLog: (l) => logs.push(l) });
    const progress: string[] = [];
    const m = await backend(staged).base((phase, done) => progress.push(`${phase} ${done}`));
    m.dispose();
    expect(logs[0]).toMatch(/pretraining 1 layers/);
    expect(logs[1]).toMatch(/continuing pretraining for 2 steps/);
    expect(progress).toContain('pretrain 3');
    expect(progress).toContain('pretrain (continued) 2');
    const firstKey = baseKey(firstOnly, corpus);
    const finalKey = baseKey(staged, corpus);
    expect(firstKey).not.toBe(finalKey);
    expect(existsSync(join(baseCheckpointDir(cacheDir, firstKey), 'config.json'))).toBe(true);
    expect(existsSync(join(baseCheckpointDir(cacheDir, finalKey), 'config.json'))).toBe(true);
    // both are found again without training, and the stages differ
    logs.length = 0;
    const a = await backend(firstOnly).base();
    const b = await backend(staged).base();
    expect(logs.every((l) => l.startsWith('base model: cached at'))).toBe(true);
    const [wa, wb] = [a.model.readValues(), b.model.readValues()];
    const name = [...wa.keys()][0] as string;
    expect([...(wa.get(name) ?? [])]).not.toEqual([...(wb.get(name) ?? [])]);
    a.dispose();
    b.dispose();
  }, 120_000);
});
