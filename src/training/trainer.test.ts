import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.ts';
import { tf, useBackend } from '../models/embedded/backend.ts';
import { loadCheckpoint } from '../models/embedded/checkpoint.ts';
import { cloneModel, createModel, type GptModel } from '../models/embedded/gpt.ts';
import { EmbeddedPolicy } from '../models/embedded/policy.ts';
import { trainTokenizer } from '../models/embedded/tokenizer.ts';
import { planEpoch } from './batching.ts';
import { adamWStep, createAdamWState, learningRateAt } from './optimizer.ts';
import { trainLanguageModel, trainPreference, trainSupervised } from './trainer.ts';

const CORPUS = [
  'def add(a, b):\n    return a + b\n',
  'def run(cmd):\n    return subprocess.run(cmd, shell=False, check=True)\n',
  'def read(path):\n    with open(path) as f:\n        return f.read()\n',
  'int sum(int *a, int n) {\n    int s = 0;\n    for (int i = 0; i < n; i++) s += a[i];\n    return s;\n}\n',
];
const tok = trainTokenizer([...CORPUS, ...CORPUS], 360);
const tiny = (seed: number, ctx = 64): GptModel =>
  createModel({ vocabSize: tok.vocabSize, contextLength: ctx, dModel: 32, nLayers: 2, nHeads: 2 }, seed);

let dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'tsp-train-'));
  dirs.push(d);
  return d;
}

beforeAll(async () => {
  await useBackend('wasm');
});
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  dirs = [];
});

describe('optimizer and schedule', () => {
  it('warms up linearly, then decays by cosine to the floor', () => {
    expect(learningRateAt(0, 100, 1, 10, 0.1)).toBeCloseTo(0.1);
    expect(learningRateAt(9, 100, 1, 10, 0.1)).toBeCloseTo(1);
    expect(learningRateAt(10, 100, 1, 10, 0.1)).toBeCloseTo(1);
    expect(learningRateAt(55, 100, 1, 10, 0.1)).toBeCloseTo(0.55);
    expect(learningRateAt(100, 100, 1, 10, 0.1)).toBeCloseTo(0.1);
  });

  it('takes an AdamW step by hand, with clipping and decoupled decay on matrices only', () => {
    const params = new Map([
      ['h.0.mlp.wfc', Float32Array.from([1, -1])],
      ['h.0.mlp.bfc', Float32Array.from([1])],
    ]);
    const grads = new Map([
      ['h.0.mlp.wfc', Float32Array.from([3, 0])],
      ['h.0.mlp.bfc', Float32Array.from([4])],
    ]);
    const state = createAdamWState(params);
    const norm = adamWStep(
      params,
      grads,
      state,
      0.1,
      { beta1: 0.9, beta2: 0.999, eps: 1e-12, weightDecay: 0.5 },
      1,
    );
    expect(norm).toBeCloseTo(5);
    // first step: update = sign(g) (m/bc1 / sqrt(v/bc2) = g/|g|), clipping does not change the sign
    expect(params.get('h.0.mlp.wfc')?.[0]).toBeCloseTo(1 - 0.1 * (1 + 0.5 * 1), 6);
    expect(params.get('h.0.mlp.wfc')?.[1]).toBeCloseTo(-1 - 0.1 * (0 + 0.5 * -1), 6);
    expect(params.get('h.0.mlp.bfc')?.[0]).toBeCloseTo(1 - 0.1, 6);
  });

  it('plans length-bucketed batches within the token budget, deterministically', () => {
    const lengths = Array.from({ length: 200 }, (_, i) => 10 + ((i * 37) % 90));
    const opts = { batchTokens: 400, maxBatchSize: 16 };
    const plan = planEpoch(lengths, opts, createRng(3));
    expect(plan.flat().sort((a, b) => a - b)).toEqual(lengths.map((_, i) => i));
    for (const b of plan) {
      const longest = Math.max(...b.map((i) => lengths[i] as number));
      expect(b.length <= 1 || longest * b.length <= 400).toBe(true);
      expect(b.length).toBeLessThanOrEqual(16);
    }
    const padding = plan.reduce((s, b) => {
      const longest = Math.max(...b.map((i) => lengths[i] as number));
      return s + b.reduce((t, i) => t + longest - (lengths[i] as number), 0);
    }, 0);
    const real = lengths.reduce((a, b) => a + b, 0);
    expect(padding / real).toBeLessThan(0.1);
    expect(planEpoch(lengths, opts, createRng(3))).toEqual(plan);
    expect(planEpoch(lengths, opts, createRng(4))).not.toEqual(plan);
  });
});

describe('trainers', () => {
  it('overfits a tiny corpus and then continues its programs through the Policy', async () => {
    const m = tiny(1);
    const before = tf.memory().numTensors;
    const reports: number[] = [];
    const r = await trainLanguageModel(
      m,
      tok,
      CORPUS,
      { epochs: 120, learningRate: 1e-2, warmupSteps: 5, batchTokens: 1024 },
      { onStep: (s) => reports.push(s.loss) },
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(reports).toHaveLength(r.steps);
    // start: ~ln(vocab) = 5.9 nats; memorised: < 0.15 nats/token, i.e. mean per-token probability
    // above ~0.86, which only happens when the programs are reproduced almost token for token.
    expect(r.losses[0]).toBeGreaterThan(5);
    expect(r.finalLoss).toBeLessThan(0.15);
    const policy = new EmbeddedPolicy(m, tok);
    const [g] = await policy.generate([{ prompt: 'def run(cmd):\n', temperature: 0, maxTokens: 40 }]);
    expect(g?.generations[0]?.text).toBe('    return subprocess.run(cmd, shell=False, check=True)\n');
    const [good, bad] = await policy.score([
      { prefix: 'def add(a, b):\n', continuation: '    return a + b\n' },
      { prefix: 'def add(a, b):\n', continuation: '    return a - b\n' },
    ]);
    expect(good?.total).toBeGreaterThan(-1);
    expect(bad?.total).toBeLessThan((good?.total ?? 0) - 5);
    m.dispose();
  }, 120_000);

  it('stops at whichever comes first, epochs or maxSteps, and spans its schedule over what runs', async () => {
    const cfg = { learningRate: 5e-3, warmupSteps: 0, batchTokens: 128, maxBatchSize: 2, seed: 3 };
    const perEpoch = (await trainLanguageModel(tiny(1), tok, CORPUS, { ...cfg, epochs: 1 })).steps;
    expect(perEpoch).toBeGreaterThan(1);
    const lrs: number[] = [];
    const capped = await trainLanguageModel(
      tiny(1),
      tok,
      CORPUS,
      { ...cfg, epochs: 2, maxSteps: 100 },
      { onStep: (s) => lrs.push(s.learningRate) },
    );
    expect(capped.steps).toBe(2 * perEpoch);
    // the cosine schedule spans the steps that run, not 100
    const n = 2 * perEpoch;
    expect(lrs[n - 1]).toBeCloseTo(learningRateAt(n - 1, n, cfg.learningRate, 0, 0.1), 9);
    expect(lrs[n - 1]).toBeLessThan(cfg.learningRate / 2);
    expect((await trainLanguageModel(tiny(1), tok, CORPUS, { ...cfg, epochs: 50, maxSteps: 3 })).steps).toBe(
      3,
    );
  }, 60_000);

  it('resumes from a checkpoint with exactly the result of an uninterrupted run', async () => {
    const cfg = { epochs: 4, learningRate: 5e-3, warmupSteps: 2, batchTokens: 128, maxBatchSize: 2, seed: 9 };
    const full = tiny(2);
    const a = await trainLanguageModel(full, tok, CORPUS, cfg);
    expect(a.steps).toBeGreaterThan(6);
    const dir = await tempDir();
    const part = tiny(2);
    const ctl = new AbortController();
    const b = await trainLanguageModel(
      part,
      tok,
      CORPUS,
      { ...cfg, checkpointEvery: 2 },
      {
        checkpointDir: dir,
        onStep: (s) => {
          if (s.step === 5) ctl.abort();
        },
        signal: ctl.signal,
      },
    );
    expect(b.stopped).toBe(true);
    expect(b.steps).toBe(5);
    part.dispose();
    // a fresh process would start from a different init: the checkpoint must fully restore it
    const resumed = tiny(777);
    const c = await trainLanguageModel(
      resumed,
      tok,
      CORPUS,
      { ...cfg, checkpointEvery: 2 },
      { checkpointDir: dir, resume: true },
    );
    expect(c.startStep).toBe(5);
    expect(c.steps).toBe(a.steps);
    expect(c.losses).toEqual(a.losses.slice(5));
    const wa = full.readValues();
    for (const [name, v] of resumed.readValues())
      expect(Buffer.from(v.buffer).equals(Buffer.from((wa.get(name) as Float32Array).buffer)), name).toBe(
        true,
      );
    // keeps only the newest checkpoints; loadCheckpoint follows latest.json
    expect((await readdir(dir)).filter((n) => n.startsWith('step-')).length).toBeLessThanOrEqual(2);
    const loaded = await loadCheckpoint(dir);
    expect(loaded.model.readValues()).toEqual(resumed.readValues());
    // a different run cannot resume from it
    await expect(
      trainLanguageModel(tiny(3), tok, CORPUS.slice(1), cfg, { checkpointDir: dir, resume: true }),
    ).rejects.toThrow(/different training run/);
    loaded.model.dispose();
    resumed.dispose();
    full.dispose();
  }, 120_000);

  it('supervised training learns the target given the prompt', async () => {
    const m = tiny(4);
    const examples = [
      { prompt: 'def run(cmd):\n', target: '    return subprocess.run(cmd, shell=False, check=True)\n' },
      { prompt: 'def add(a, b):\n', target: '    return a + b\n' },
    ];
    const r = await trainSupervised(m, tok, examples, { epochs: 80, learningRate: 1e-2, warmupSteps: 2 });
    expect(r.finalLoss).toBeLessThan(0.2);
    const [g] = await new EmbeddedPolicy(m, tok).generate([
      { prompt: 'def add(a, b):\n', temperature: 0, maxTokens: 20 },
    ]);
    expect(g?.generations[0]?.text).toBe('    return a + b\n');
    expect(g?.generations[0]?.finishReason).toBe('stop');
    m.dispose();
  }, 120_000);

  it.each(['dpo', 'tsp', 'unlikelihood'] as const)(
    '%s training moves probability from rejected to chosen',
    async (loss) => {
      const m = tiny(5);
      await trainLanguageModel(m, tok, CORPUS, { epochs: 30, learningRate: 1e-2, warmupSteps: 2 });
      const ref = cloneModel(m);
      const policy = new EmbeddedPolicy(m, tok);
      // the corpus has check=True: the model starts out preferring the rejected side
      const chosen = '    return subprocess.run(cmd, shell=False, check=False)\n';
      const rejected = '    return subprocess.run(cmd, shell=False, check=True)\n';
      const ex = {
        prefix: 'def run(cmd):\n',
        chosen,
        rejected,
        chosenSegmentChars: chosen.indexOf('False)') + 5,
        rejectedSegmentChars: rejected.indexOf('True)') + 4,
      };
      const margin = async () => {
        const [c, r] = await policy.score([
          { prefix: ex.prefix, continuation: ex.chosen },
          { prefix: ex.prefix, continuation: ex.rejected },
        ]);
        return (c?.total ?? 0) - (r?.total ?? 0);
      };
      const before = await margin();
      const tensors = tf.memory().numTensors;
      const r = await trainPreference(m, loss === 'unlikelihood' ? undefined : ref, tok, [ex], {
        loss,
        epochs: 15,
        learningRate: 3e-3,
        beta: 0.5,
      });
      expect(tf.memory().numTensors).toBe(tensors);
      expect(r.steps).toBe(15);
      expect(await margin()).toBeGreaterThan(before + 2);
      ref.dispose();
      m.dispose();
    },
    120_000,
  );
});
