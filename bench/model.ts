/**
 * Embedded model benchmark: training tokens/s (batch 8 x 256, forward + backward + AdamW) and
 * sampling tokens/s (8 rows, KV cache) of the ~1M-parameter GPT on both of its paths, tfjs-wasm
 * and native (OpenBLAS under tfjs-wasm, src/models/embedded/native-blas.ts; when the addon is
 * built), against the same architecture in PyTorch on the CPU (bench/torch_reference.py, run in
 * the same process tree), plus peak memory; then the trainer itself on real text at 1 thread and
 * data-parallel over the cores, against PyTorch with as many threads, and on the native path one
 * thread with as many BLAS threads instead of workers. Rates are medians over steps / sampling
 * runs, with the best one beside them (the machine is shared); `TSP_BENCH_TRAIN_STEPS` sets the
 * measured steps (default 8).
 * `npm run bench -- model`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '../src/core/rng.ts';
import { tf, useBackend } from '../src/models/embedded/backend.ts';
import { createModel } from '../src/models/embedded/gpt.ts';
import { nativeStatus, setBlasThreads } from '../src/models/embedded/native-blas.ts';
import { EmbeddedPolicy } from '../src/models/embedded/policy.ts';
import { type Tokenizer, trainTokenizer } from '../src/models/embedded/tokenizer.ts';
import { defaultTrainThreads } from '../src/pipelines/embedded-backend.ts';
import { getPreset } from '../src/pipelines/presets.ts';
import { packBatch } from '../src/training/batching.ts';
import { adamWStep, createAdamWState } from '../src/training/optimizer.ts';
import { batchLogprobs, trainLanguageModel } from '../src/training/trainer.ts';

const here = dirname(fileURLToPath(import.meta.url));
const CONFIG = { vocabSize: 2048, contextLength: 256, dModel: 128, nLayers: 4, nHeads: 4 };
const BATCH = 8;
const TRAIN_STEPS = Number(process.env.TSP_BENCH_TRAIN_STEPS ?? 8);
const PROMPT_TOKENS = 16;
const NEW_TOKENS = 240;
const SAMPLE_REPS = 3;

interface TorchResult {
  torch?: string;
  threads?: number;
  blas?: string;
  trainTokensPerSecond?: number;
  trainTokensPerCpuSecond?: number;
  trainTokensPerSecondBest?: number;
  sampleTokensPerSecond?: number;
  sampleTokensPerSecondBest?: number;
  sampleTokensPerCpuSecond?: number;
  peakRssMiB?: number;
  error?: string;
  install?: string;
}

function runTorch(args: string[]): Promise<TorchResult> {
  const python = '/usr/bin/python3';
  if (!existsSync(python))
    return Promise.resolve({
      error: 'no /usr/bin/python3',
      install: 'apt-get install python3 python3-torch libopenblas0-pthread',
    });
  return new Promise((resolve) => {
    const child = spawn(python, [join(here, 'torch_reference.py'), ...args], {
      // OpenBLAS (libopenblas0-pthread) starts one thread per core unless told otherwise, whatever
      // torch.set_num_threads says: pinned to 1 so that --threads is the number of threads used
      // (measured here: 2 torch threads over 1-thread BLAS is PyTorch's fastest 2-core setting)
      env: { PATH: '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', OPENBLAS_NUM_THREADS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as TorchResult);
      } catch {
        const missing = /No module named 'torch'/.test(err);
        resolve({
          error: missing
            ? 'python3-torch is not installed'
            : `torch reference exited ${code}: ${err.slice(-300)}`,
          install: 'apt-get install python3-torch libopenblas0-pthread (or scripts/setup.sh --bench)',
        });
      }
    });
  });
}

async function codeCorpus(): Promise<string[]> {
  const root = join(here, '..', 'src');
  const texts: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.name.endsWith('.ts')) texts.push(await readFile(p, 'utf8'));
    }
  };
  await walk(root);
  return texts;
}

/** CPU seconds (user + system) of this process since `from`. */
function cpuSeconds(from: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1e6;
}

/** Median over repetitions (steps, or sampling runs), and the best one. */
interface Rate {
  tokensPerSecond: number;
  tokensPerCpuSecond: number;
  tokensPerSecondBest: number;
}

function measureTraining(): Rate & { stepMs: number; loss: number } {
  const model = createModel(CONFIG, 1);
  const rng = createRng(1);
  const seqs = Array.from({ length: BATCH }, () => ({
    ids: Array.from({ length: CONFIG.contextLength + 1 }, () => rng.int(CONFIG.vocabSize)),
    planes: { weight: new Float32Array(CONFIG.contextLength).fill(1) },
  }));
  const batch = packBatch(seqs);
  const params = model.readValues();
  const opt = createAdamWState(params);
  const vars = model.specs.map((s) => model.p(s.name));
  let loss = 0;
  const step = (): void => {
    const { value, grads } = tf.variableGrads(
      () => tf.mul(tf.mean(batchLogprobs(model, batch)), -1) as tf.Scalar,
      vars,
    );
    const g = new Map<string, Float32Array>();
    model.specs.forEach((s, i) => {
      g.set(s.name, (grads[(vars[i] as tf.Variable).name] as tf.Tensor).dataSync() as Float32Array);
    });
    loss = value.dataSync()[0] as number;
    tf.dispose([value, ...Object.values(grads)]);
    adamWStep(params, g, opt, 3e-4, { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.01 }, 1);
    model.writeValues(params);
  };
  step();
  step();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < TRAIN_STEPS; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    step();
    wall.push((performance.now() - t0) / 1000);
    cpu.push(cpuSeconds(c0));
  }
  model.dispose();
  const tokens = BATCH * CONFIG.contextLength;
  return {
    tokensPerSecond: tokens / median(wall),
    tokensPerCpuSecond: tokens / median(cpu),
    tokensPerSecondBest: tokens / Math.min(...wall),
    stepMs: 1000 * median(wall),
    loss,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/**
 * The trainer itself (`trainLanguageModel`: batching, the loss, AdamW) on real text, the project's
 * sources cut into 256-token windows, batches of 8 rows, with `threads` gradient threads
 * (data-parallel: the batch is split between this thread and threads - 1 worker threads).
 */
async function measureTrainer(corpus: string[], tok: Tokenizer, threads: number): Promise<Rate> {
  const model = createModel({ ...CONFIG, vocabSize: tok.vocabSize }, 1);
  const wall: number[] = [];
  const cpu: number[] = [];
  let c0 = process.cpuUsage();
  await trainLanguageModel(
    model,
    tok,
    corpus,
    {
      maxSteps: 2 + TRAIN_STEPS,
      batchTokens: BATCH * CONFIG.contextLength,
      maxBatchSize: BATCH,
      warmupSteps: 1,
      learningRate: 3e-4,
      seed: 1,
      threads,
    },
    {
      onStep: (r) => {
        // tokens per second over the positions the step processed (padding included, as in the
        // random-token rows above); the first 2 steps are warm-up
        if (r.step > 2) {
          wall.push(r.elapsedMs / 1000 / r.positions);
          cpu.push(cpuSeconds(c0) / r.positions);
        }
        c0 = process.cpuUsage();
      },
    },
  );
  model.dispose();
  return {
    tokensPerSecond: 1 / median(wall),
    tokensPerCpuSecond: 1 / median(cpu),
    tokensPerSecondBest: 1 / Math.min(...wall),
  };
}

/** The main job's evaluation sampling (the default preset's `eval.sampling`). */
const EVAL_SAMPLING = {
  temperature: getPreset('default').eval.sampling.temperature,
  topP: getPreset('default').eval.sampling.topP,
};

async function measureSampling(
  corpus: string[],
  tok: Tokenizer,
  params: { temperature: number; topP?: number } = { temperature: 1 },
): Promise<Rate & { tokens: number }> {
  const model = createModel({ ...CONFIG, vocabSize: tok.vocabSize }, 2);
  const policy = new EmbeddedPolicy(model, tok, { maxBatchRows: BATCH });
  const ids = tok.encode(corpus[0] ?? 'x').ids.slice(0, PROMPT_TOKENS - 1);
  const prompt = tok.decode(ids);
  const req = { prompt, n: BATCH, maxTokens: NEW_TOKENS, seed: 3, ...params };
  await policy.generate([{ ...req, maxTokens: 8 }]);
  const wall: number[] = [];
  const cpu: number[] = [];
  let tokens = 0;
  for (let k = 0; k < SAMPLE_REPS; k++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const [r] = await policy.generate([{ ...req, seed: req.seed + k }]);
    const n = (r?.generations ?? []).reduce((a, g) => a + g.completionTokens, 0);
    wall.push((performance.now() - t0) / 1000 / n);
    cpu.push(cpuSeconds(c0) / n);
    tokens += n;
  }
  model.dispose();
  return {
    tokensPerSecond: 1 / median(wall),
    tokensPerCpuSecond: 1 / median(cpu),
    tokensPerSecondBest: 1 / Math.min(...wall),
    tokens,
  };
}

interface PathResult {
  train: Rate & { stepMs: number; loss: number };
  sample: Rate & { tokens: number };
  /** Sampling with the main job's evaluation settings (nucleus). */
  sampleEval: Rate & { tokens: number };
  trainer1: Rate;
  trainerN: Rate;
  /** Native only: one thread with `threads` BLAS threads instead of data-parallel workers. */
  trainerBlasN?: Rate;
  peakRssMiB: number;
}

async function measurePath(
  native: boolean,
  corpus: string[],
  tok: Tokenizer,
  threads: number,
): Promise<PathResult> {
  await useBackend('wasm', native);
  const train = measureTraining();
  const sample = await measureSampling(corpus, tok);
  const sampleEval = await measureSampling(corpus, tok, EVAL_SAMPLING);
  const trainer1 = await measureTrainer(corpus, tok, 1);
  const trainerN = await measureTrainer(corpus, tok, threads);
  let trainerBlasN: Rate | undefined;
  if (native) {
    const before = setBlasThreads(threads) ?? 1;
    trainerBlasN = await measureTrainer(corpus, tok, 1);
    setBlasThreads(before);
  }
  return {
    train,
    sample,
    sampleEval,
    trainer1,
    trainerN,
    ...(trainerBlasN ? { trainerBlasN } : {}),
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

export async function run(): Promise<{ table: string; json: unknown }> {
  await useBackend('wasm');
  const corpus = await codeCorpus();
  const tok = trainTokenizer(corpus, CONFIG.vocabSize);
  const threads = Math.max(2, defaultTrainThreads());
  const status = nativeStatus();
  // the native path first: peak RSS is the process's maximum so far
  const native = status.available ? await measurePath(true, corpus, tok, threads) : undefined;
  const wasm = await measurePath(false, corpus, tok, threads);
  await useBackend('wasm');
  const torchArgs = [
    '--batch',
    String(BATCH),
    '--ctx',
    String(CONFIG.contextLength),
    '--train-steps',
    String(TRAIN_STEPS),
  ];
  const torch = await runTorch([...torchArgs, '--sample-reps', String(SAMPLE_REPS), '--threads', '1']);
  const torchN = await runTorch([...torchArgs, '--sample-reps', '1', '--threads', String(threads)]);
  const ratio = (a: number | undefined, b: number | undefined) => (a && b ? (a / b).toFixed(2) : 'n/a');
  const f = (x: number | undefined) => (x === undefined ? 'n/a' : x.toFixed(0));
  const row = (
    metric: string,
    pick: (r: PathResult) => number | undefined,
    ref: number | undefined,
    target = '',
  ) => {
    const n = native ? pick(native) : undefined;
    const w = pick(wasm);
    return `| ${metric} | ${f(w)} | ${f(n)} | ${f(ref)} | ${ratio(w, ref)} | ${ratio(n, ref)} | ${target} |`;
  };
  /** A rate's median, best and CPU-time rows. */
  const rateRows = (
    metric: string,
    unit: string,
    pick: (r: PathResult) => Rate,
    ref: { median?: number | undefined; best?: number | undefined; cpu?: number | undefined },
    target: string,
  ) => [
    row(metric, (r) => pick(r).tokensPerSecond, ref.median, target),
    row(`${metric.split(',')[0]}, wall, best ${unit}`, (r) => pick(r).tokensPerSecondBest, ref.best),
    row(
      `${metric.split(' ')[0]} tokens per CPU-second (median ${unit})`,
      (r) => pick(r).tokensPerCpuSecond,
      ref.cpu,
    ),
  ];
  const speedup = (r: PathResult | undefined) =>
    r ? `${(r.trainerN.tokensPerSecond / r.trainer1.tokensPerSecond).toFixed(2)}x` : 'n/a';
  const rows = [
    '| metric | tfjs-wasm | native | PyTorch CPU | wasm / PyTorch | native / PyTorch | target (native) |',
    '|---|---|---|---|---|---|---|',
    ...rateRows(
      `training tokens/s, wall, median step (batch ${BATCH} x ${CONFIG.contextLength}, random tokens, 1 thread)`,
      'step',
      (r) => r.train,
      {
        median: torch.trainTokensPerSecond,
        best: torch.trainTokensPerSecondBest,
        cpu: torch.trainTokensPerCpuSecond,
      },
      '>= 1.0',
    ),
    row(
      'trainer (trainLanguageModel on source text), 1 thread: tokens/s, wall, median step',
      (r) => r.trainer1.tokensPerSecond,
      torch.trainTokensPerSecond,
    ),
    row(
      `trainer, ${threads} threads (data-parallel) vs PyTorch with ${threads} threads: tokens/s, wall, median step`,
      (r) => r.trainerN.tokensPerSecond,
      torchN.trainTokensPerSecond,
      '>= 1.0',
    ),
    row(
      `trainer, 1 thread with ${threads} BLAS threads (native only) vs PyTorch with ${threads} threads`,
      (r) => r.trainerBlasN?.tokensPerSecond,
      torchN.trainTokensPerSecond,
    ),
    `| trainer, ${threads} threads: speed-up over 1 thread (median step) | ${speedup(wasm)} | ${speedup(native)} | ${torchN.trainTokensPerSecond && torch.trainTokensPerSecond ? `${(torchN.trainTokensPerSecond / torch.trainTokensPerSecond).toFixed(2)}x` : 'n/a'} | | | |`,
    ...rateRows(
      `sampling tokens/s, wall, median of ${SAMPLE_REPS} (batch ${BATCH}, KV cache, 1 thread)`,
      'run',
      (r) => r.sample,
      {
        median: torch.sampleTokensPerSecond,
        best: torch.sampleTokensPerSecondBest,
        cpu: torch.sampleTokensPerCpuSecond,
      },
      '>= 1.5',
    ),
    row(
      `sampling tokens/s with the main job's eval settings (temperature ${EVAL_SAMPLING.temperature}, top-p ${EVAL_SAMPLING.topP}; random weights: a near-flat distribution, the nucleus's worst case), wall, median of ${SAMPLE_REPS}`,
      (r) => r.sampleEval.tokensPerSecond,
      undefined,
    ),
    row('peak RSS MiB (process maximum after the path ran)', (r) => r.peakRssMiB, torch.peakRssMiB),
  ];
  const notes = [
    status.available
      ? `native path: ${status.detail}`
      : `native path ABSENT (${status.detail}): its column is n/a; scripts/setup.sh builds it`,
    torch.error
      ? `PyTorch reference unavailable: ${torch.error}. Install: ${torch.install}`
      : `PyTorch ${torch.torch}, ${torch.threads} thread(s), BLAS: ${torch.blas}; train step ${wasm.train.stepMs.toFixed(0)} ms (wasm)${native ? `, ${native.train.stepMs.toFixed(0)} ms (native)` : ''}.`,
  ];
  return {
    table: `${rows.join('\n')}\n${notes.join('\n')}`,
    json: {
      config: CONFIG,
      batch: BATCH,
      trainSteps: TRAIN_STEPS,
      threads,
      native: native ?? null,
      nativeStatus: status,
      tfjs: wasm,
      torch,
      torchThreads: { threads, result: torchN },
      ratios: {
        train: ratioOf(wasm.train.tokensPerSecond, torch.trainTokensPerSecond),
        trainNative: ratioOf(native?.train.tokensPerSecond, torch.trainTokensPerSecond),
        trainerNNative: ratioOf(native?.trainerN.tokensPerSecond, torchN.trainTokensPerSecond),
        sample: ratioOf(wasm.sample.tokensPerSecond, torch.sampleTokensPerSecond),
        sampleNative: ratioOf(native?.sample.tokensPerSecond, torch.sampleTokensPerSecond),
      },
    },
  };
}

function ratioOf(a: number | undefined, b: number | undefined): number | null {
  return a && b ? a / b : null;
}
