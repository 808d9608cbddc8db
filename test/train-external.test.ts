import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSuite, getSplits } from '../src/benchmarks/builtin/index.ts';
import { useBackend } from '../src/models/embedded/backend.ts';
import { saveCheckpoint } from '../src/models/embedded/checkpoint.ts';
import { createModel } from '../src/models/embedded/gpt.ts';
import { trainTokenizer } from '../src/models/embedded/tokenizer.ts';
import {
  createRoundRng,
  type ExternalRoundStats,
  ensurePolicyServed,
  listServedModels,
  runExternalTraining,
} from '../src/pipelines/external-self-play.ts';
import { getPreset } from '../src/pipelines/presets.ts';
import { requestSeed } from '../src/pipelines/tsp-round.ts';
import { TspError } from '../src/spec/errors.ts';
import type { Policy } from '../src/spec/policy.ts';
import type { Task } from '../src/spec/task.ts';
import type { Pair, TreeNode } from '../src/spec/tree.ts';
import type { Verdict } from '../src/spec/verdict.ts';
import {
  type ExternalRoundRecord,
  runExternalSelfPlay,
  runTrainerCommand,
} from '../src/training/export/external-trainer.ts';
import { trainSupervised } from '../src/training/trainer.ts';
import { runTsp, spawnTsp, TSP } from './_tsp-cli.ts';

/**
 * `tsp train --external` end to end, every piece a real process: `tsp serve` serves a tiny
 * embedded checkpoint over the OpenAI API, `tsp train` runs the engine's tree search against it on
 * built-in Python tasks (smoke tree settings) with the sandbox oracle, exports the verified pairs,
 * runs `tsp dpo` as the external trainer, and loads its output into the server as a LoRA-style
 * adapter. The checkpoint is pretrained in the test on the tasks' own secure and insecure
 * references, so that it samples both and the tree search finds verified pairs.
 *
 * The trainer is made to crash once in round 2: the run fails with the trainer's output in the
 * error, and the same command run again resumes: round 1 is not redone, and round 2's tree search
 * is replayed from the work directory's caches (no generation, no oracle run) before training.
 */
const FAMILIES = ['py-cmdi-create', 'py-hash-fingerprint', 'py-divide-share'];

let work: string;
let checkpoint: string;
let tasksFile: string;
let tasks: Task[];
let server: ChildProcess | undefined;
let baseUrl: string;

/** Starts `tsp serve --port 0` and waits for the line that gives its URL. */
function startServer(model: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((res, rej) => {
    const child = spawnTsp(['serve', '--model', model, '--port', '0', '--name', 'tiny', '--quiet']);
    let out = '';
    const timer = setTimeout(() => rej(new Error(`tsp serve did not start: ${out}`)), 60_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /at (http:\/\/\S+\/v1)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        res({ child, url: m[1] });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`tsp serve exited (${code}): ${out}`));
    });
  });
}

/** Stops a `tsp serve` child (if still running) and waits until it has exited. */
async function stopServer(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/**
 * `tsp train --external <trainer>` against the served tiny model on the test's tasks, two rounds
 * of the smoke preset with two slots, in `workDir`.
 */
function trainArgs(o: {
  trainer: string;
  switchMode: 'lora' | 'endpoint';
  workDir: string;
  format?: 'trl';
}): string[] {
  return [
    'train',
    '--external',
    o.trainer,
    '--endpoint',
    baseUrl,
    '--model',
    'tiny',
    '--model-path',
    checkpoint,
    '--tasks',
    tasksFile,
    '--preset',
    'smoke',
    '--rounds',
    '2',
    '--switch',
    o.switchMode,
    ...(o.format ? ['--format', o.format] : []),
    '--slots',
    '2',
    '--work-dir',
    o.workDir,
    '--quiet',
  ];
}

function readJsonl<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

describe('tsp train --external against a spawned tsp serve', () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'tsp-train-external-'));
    // The test needs verified pairs in both rounds: the tiny model below samples secure and insecure
    // bodies about equally often (suite seeds 1, 2, 3 and 7 all pass, measured 2026-11-21).
    const suite = buildSuite({ seed: 1, variantsPerFamily: { train: 1, eval: 1 } });
    tasks = getSplits(suite, 'standard').train.filter((t) => FAMILIES.includes(t.family ?? ''));
    expect(tasks.map((t) => t.family).sort()).toEqual([...FAMILIES].sort());
    tasksFile = join(work, 'tasks.jsonl');
    writeFileSync(tasksFile, tasks.map((t) => `${JSON.stringify(t)}\n`).join(''));

    // A tiny GPT that knows each task's secure reference and its insecure variants.
    await useBackend('wasm');
    const texts = tasks.flatMap((t) => [t.secureReference as string, ...t.insecureVariants]);
    const tokenizer = trainTokenizer(texts, 420);
    // The context holds the prompt plus the smoke preset's 192 new tokens.
    const model = createModel(
      { vocabSize: tokenizer.vocabSize, contextLength: 256, dModel: 48, nLayers: 2, nHeads: 2 },
      3,
    );
    // As many secure as insecure examples per task, so that it samples both about equally often.
    const examples = tasks.flatMap((t) =>
      [...t.insecureVariants.map(() => t.secureReference as string), ...t.insecureVariants].map((c) => ({
        prompt: t.prompt,
        target: c.slice(t.prompt.length),
      })),
    );
    await trainSupervised(model, tokenizer, examples, {
      epochs: 1000,
      maxSteps: 80,
      learningRate: 1e-2,
      warmupSteps: 5,
      seed: 1,
    });
    checkpoint = join(work, 'base');
    await saveCheckpoint(checkpoint, model, tokenizer);
    model.dispose();
    const started = await startServer(checkpoint);
    server = started.child;
    baseUrl = started.url;
  }, 120_000);

  afterAll(async () => {
    await stopServer(server);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('runs two rounds of tree search, trainer and adapter switch; a failed trainer resumes from the caches', async () => {
    const loop = join(work, 'loop');
    const marker = join(work, 'trainer-failed-once');
    // The trainer crashes the first time it is called for round 2.
    const trainer = [
      `if [ {round} = 2 ] && [ ! -e ${marker} ]; then touch ${marker}; echo "simulated trainer crash in round {round}"; exit 7; fi;`,
      `node ${TSP} dpo --model {model} --data {export}/segment.jsonl --out {output} --steps 2 --lr 5e-4`,
    ].join(' ');
    const args = trainArgs({ trainer, switchMode: 'lora', format: 'trl', workDir: loop });

    const first = await runTsp(args);
    expect(first.code, first.stderr).toBe(2);
    expect(first.stderr).toContain('trainer command failed (exit 7) in round 2');
    expect(first.stderr).toContain('simulated trainer crash in round 2');
    const afterFirst = readJsonl<ExternalRoundRecord>(join(loop, 'rounds.jsonl'));
    expect(afterFirst.map((r) => r.round)).toEqual([1]);
    const genCacheSize = readFileSync(join(loop, 'cache-generations.jsonl'), 'utf8').length;
    const verdictCacheSize = readFileSync(join(loop, 'cache-verdicts.jsonl'), 'utf8').length;

    const second = await runTsp([...args, '--json']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('resuming');
    const result = JSON.parse(second.stdout) as { rounds: ExternalRoundRecord[]; previousRounds: number };
    expect(result.previousRounds).toBe(1);

    const rounds = readJsonl<ExternalRoundRecord>(join(loop, 'rounds.jsonl'));
    expect(rounds.map((r) => r.round)).toEqual([1, 2]);
    expect(rounds[0]).toEqual(afterFirst[0]);
    // The policy switched: round 2 sampled from the adapter the round-1 trainer produced.
    expect(rounds.map((r) => [r.policy.model, r.next.model])).toEqual([
      ['tiny', 'loop-round-1'],
      ['loop-round-1', 'loop-round-2'],
    ]);
    const stats = rounds.map((r) => r.stats as ExternalRoundStats);
    expect(stats[0]?.policyId).toBe(`openai:tiny@${baseUrl}`);
    expect(stats[1]?.policyId).toBe(`openai:loop-round-1@${baseUrl}`);
    expect(rounds[1]?.policy.modelPath).toBe(join(loop, 'round-1', 'model'));
    const served = (await (await fetch(`${baseUrl}/models`)).json()) as { data: { id: string }[] };
    expect(served.data.map((m) => m.id)).toEqual(['tiny', 'loop-round-1', 'loop-round-2']);
    // The samples in round 2's trees are what the round-1 adapter answers to the same seeded
    // request (sampling over HTTP is deterministic by seed), and the adapter is not the base model:
    // it scores the same text differently (two DPO steps need not change a seeded sample).
    const tree2 = readJsonl<TreeNode>(join(loop, 'trees', 'round-2.jsonl'));
    const score = async (model: string, text: string) => {
      const res = await fetch(`${baseUrl}/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model, prompt: text, max_tokens: 0, echo: true, logprobs: 0 }),
      });
      const body = (await res.json()) as { choices: { logprobs: { token_logprobs: (number | null)[] } }[] };
      return body.choices[0]?.logprobs.token_logprobs ?? [];
    };
    let differsFromBase = 0;
    for (const task of tasks) {
      const seed = requestSeed(createRoundRng(1, 2), task.id, task.prompt, 'root');
      const sampled = tree2
        .filter((n) => n.taskId === task.id && /#root\.\d+$/.test(n.id))
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((n) => n.prefix.slice(task.prompt.length));
      const ask = async (model: string) => {
        const res = await fetch(`${baseUrl}/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            model,
            prompt: task.prompt,
            n: 4,
            // the smoke preset's tree sampling, which the rounds used
            temperature: getPreset('smoke').tree.sampling.temperature,
            top_p: getPreset('smoke').tree.sampling.topP,
            max_tokens: getPreset('smoke').tree.sampling.maxTokens,
            seed,
          }),
        });
        return ((await res.json()) as { choices: { text: string }[] }).choices.map((c) => c.text);
      };
      expect(sampled).toHaveLength(4);
      expect(await ask('loop-round-1')).toEqual(sampled);
      const text = task.prompt + (sampled[0] ?? '');
      const [base, adapted] = [await score('tiny', text), await score('loop-round-1', text)];
      expect(adapted).toHaveLength(base.length);
      if (base.some((lp, i) => lp !== null && Math.abs(lp - (adapted[i] ?? lp)) > 1e-6)) differsFromBase++;
    }
    expect(differsFromBase).toBeGreaterThan(0);

    // Round 2 of the second invocation replayed its tree search: nothing sampled or judged again.
    expect(stats[1]?.sampledChunks).toBe(0);
    expect(stats[1]?.replayedChunks).toBeGreaterThan(0);
    expect(stats[1]?.oracleRuns).toBe(0);
    expect(readFileSync(join(loop, 'cache-generations.jsonl'), 'utf8').length).toBe(genCacheSize);
    expect(readFileSync(join(loop, 'cache-verdicts.jsonl'), 'utf8').length).toBe(verdictCacheSize);
    expect(stats[0]?.sampledChunks).toBeGreaterThan(0);

    for (const r of rounds) {
      const round = r.round;
      // Verified pairs at critical nodes of real trees, both sides judged by the oracle.
      const pairs = readJsonl<Pair>(join(loop, 'pairs', `round-${round}.jsonl`));
      expect(pairs.length).toBeGreaterThan(0);
      expect(r.exported).toBe(pairs.length);
      const nodes = readJsonl<TreeNode>(join(loop, 'trees', `round-${round}.jsonl`));
      const critical = new Set(nodes.filter((n) => n.critical).map((n) => n.id));
      for (const p of pairs) {
        expect(p.round).toBe(round);
        expect(p.source).toBe('tsp');
        expect(critical.has(p.nodeId as string)).toBe(true);
        expect(p.chosenVerified && p.rejectedVerified).toBe(true);
        expect(p.chosenVerdict?.securePass).toBe(true);
        expect(p.rejectedVerdict?.secure).toBe(false);
        const task = tasks.find((t) => t.id === p.taskId) as Task;
        expect((p.prefix + p.chosen).startsWith(task.prompt)).toBe(true);
      }
      // The export the trainer read, and the checkpoint it wrote.
      expect(readJsonl(join(loop, `round-${round}`, 'export', 'segment.jsonl')).length).toBe(pairs.length);
      expect(readdirSync(join(loop, `round-${round}`, 'model')).length).toBeGreaterThan(0);
      expect(r.trainer.exitCode).toBe(0);
      expect(r.trainer.outputTail).toMatch(/trained on \d+ pairs/);
    }
    expect(rounds[1]?.trainer.command).toContain(`--model ${join(loop, 'round-1', 'model')}`);
    expect(existsSync(marker)).toBe(true);

    // The server restarts elsewhere and a third round is asked for: the round-2 adapter it lost is
    // loaded again from the work directory, and round 3 samples from it.
    await stopServer(server);
    const restarted = await startServer(checkpoint);
    server = restarted.child;
    const moved = args.map((a, i) => (a === baseUrl ? restarted.url : args[i - 1] === '--rounds' ? '3' : a));
    expect(moved.join(' ')).toContain(`--endpoint ${restarted.url} --model tiny`);
    expect(moved.join(' ')).toContain('--rounds 3 ');
    const third = await runTsp(moved);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stderr).toContain(`loop-round-2 is not loaded at ${restarted.url}; loading it again`);
    const after = readJsonl<ExternalRoundRecord>(join(loop, 'rounds.jsonl'));
    expect(after.slice(0, 2)).toEqual(rounds);
    const again = (await (await fetch(`${restarted.url}/models`)).json()) as { data: { id: string }[] };
    expect(again.data.map((m) => m.id)).toContain('loop-round-2');
    // Round 3 either trained (and switched) or found nothing to train on, and said so.
    if (after.length === 3) {
      expect(after[2]?.policy).toEqual({
        baseUrl: restarted.url,
        model: 'loop-round-2',
        modelPath: join(loop, 'round-2', 'model'),
      });
      expect(after[2]?.next.model).toBe('loop-round-3');
    } else {
      expect(third.stdout).toContain('stopped before round 3');
    }
    baseUrl = restarted.url;
  }, 240_000);

  it('switches by endpoint: the trainer serves its checkpoint itself and writes tsp-endpoint.json', async () => {
    const loop = join(work, 'ep');
    // The "trainer" trains, starts `tsp serve` on its output in the background, waits for its URL
    // and writes the endpoint file: what a launcher around a real trainer and vLLM would do.
    const trainer = [
      `node ${TSP} dpo --model {model} --data {export}/segment.jsonl --out {output} --steps 2 --lr 5e-4 &&`,
      `(nohup node ${TSP} serve --model {output} --port 0 --name tiny-r{round} --quiet > {output}/serve.log 2>&1 & echo $! > {output}/serve.pid) &&`,
      `for i in $(seq 300); do url=$(grep -o 'http://[^ ]*/v1' {output}/serve.log) && break; sleep 0.1; done &&`,
      `printf '{"baseUrl":"%s","model":"tiny-r%s"}' "$url" {round} > {output}/tsp-endpoint.json`,
    ].join(' ');
    const servers = () =>
      [1, 2].flatMap((r) => {
        const f = join(loop, `round-${r}`, 'model', 'serve.pid');
        return existsSync(f) ? [Number(readFileSync(f, 'utf8').trim())] : [];
      });
    try {
      const run = await runTsp(trainArgs({ trainer, switchMode: 'endpoint', workDir: loop }));
      expect(run.code, run.stderr).toBe(0);
      const rounds = readJsonl<ExternalRoundRecord>(join(loop, 'rounds.jsonl'));
      expect(rounds.map((r) => [r.policy.model, r.next.model])).toEqual([
        ['tiny', 'tiny-r1'],
        ['tiny-r1', 'tiny-r2'],
      ]);
      const urls = [baseUrl, ...rounds.map((r) => r.next.baseUrl)];
      expect(new Set(urls).size).toBe(3);
      expect(rounds[1]?.policy.baseUrl).toBe(urls[1]);
      expect((rounds[1]?.stats as ExternalRoundStats | undefined)?.policyId).toBe(
        `openai:tiny-r1@${urls[1]}`,
      );
      expect(rounds[1]?.exported).toBeGreaterThan(0);
      const listed = (await (await fetch(`${urls[2]}/models`)).json()) as { data: { id: string }[] };
      expect(listed.data.map((m) => m.id)).toEqual(['tiny-r2']);
    } finally {
      for (const pid of servers()) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {}
      }
    }
  }, 180_000);

  it('the real-model path of docs/real-models.md: eval --endpoint, pre-flight, settings in the manifest, resume, report, retrain', async () => {
    const own = await startServer(checkpoint);
    try {
      const url = own.url;
      // 1. Generate and score in one command; samples saved and scored again offline give the same numbers.
      const saved = join(work, 'samples.jsonl');
      const evalArgs = [
        'eval',
        '--benchmark',
        'tasks',
        '--file',
        tasksFile,
        '--slots',
        '2',
        '--k',
        '1,4',
        '--json',
      ];
      const gen = await runTsp([
        ...evalArgs,
        '--endpoint',
        url,
        '--model',
        'tiny',
        '--samples',
        '2',
        '--save-samples',
        saved,
      ]);
      expect(gen.code, gen.stderr).toBe(0);
      // tsp serve lists its model as owned by tsp: the preset's sampling for the embedded model
      expect(gen.stderr).toContain('max tokens 192');
      expect(gen.stderr).toContain(`generated ${tasks.length}/${tasks.length} tasks`);
      const report = JSON.parse(gen.stdout) as {
        overall: { samples: number; atK: { k: number; func: number | null }[] };
      };
      expect(report.overall.samples).toBe(2 * tasks.length);
      expect(report.overall.atK.map((a) => [a.k, a.func === null])).toEqual([
        [1, false],
        [4, true], // n/a: no task has 4 samples
      ]);
      const offline = await runTsp([...evalArgs, '--samples', saved]);
      expect(offline.code, offline.stderr).toBe(0);
      expect(JSON.parse(offline.stdout).overall).toEqual(report.overall);

      // 2. Pre-flight: a trainer that needs {model} without --model-path stops before anything is made.
      const w = join(work, 'path');
      const trainer = `node ${TSP} dpo --model {model} --data {export}/segment.jsonl --out {output} --steps 2 --lr 5e-4`;
      const common = [
        'train',
        '--external',
        trainer,
        '--endpoint',
        url,
        '--model',
        'tiny',
        '--tasks',
        tasksFile,
      ];
      const tiny = ['--preset', 'smoke', '--slots', '2', '--work-dir', w, '--quiet'];
      const noPath = await runTsp([...common, ...tiny, '--rounds', '1']);
      expect(noPath.code).toBe(2);
      expect(noPath.stderr).toContain('no --model-path was given');
      expect(existsSync(join(w, 'manifest.json'))).toBe(false);
      const notOnPath = await runTsp([
        ...common.map((a) => (a === trainer ? 'tsp dpo --out {output}' : a)),
        ...tiny,
      ]);
      expect(notOnPath.stderr).toContain("'tsp' is not on PATH");

      // 3. One round with sampling flags: they are in the manifest.
      const withPath = [
        ...common,
        '--model-path',
        checkpoint,
        ...tiny,
        '--max-tokens',
        '160',
        '--set',
        'tree.maxDepth=1',
      ];
      const one = await runTsp([...withPath, '--rounds', '1']);
      expect(one.code, one.stderr).toBe(0);
      const manifest = JSON.parse(readFileSync(join(w, 'manifest.json'), 'utf8')) as {
        config: { realModel: boolean; search: { maxDepth: number; sampling: { maxTokens: number } } };
      };
      expect(manifest.config.realModel).toBe(false);
      expect(manifest.config.search.sampling.maxTokens).toBe(160);
      expect(manifest.config.search.maxDepth).toBe(1);

      // 4. A resume with another setting is refused, naming it.
      const changed = await runTsp([...withPath.map((a) => (a === '160' ? '100' : a)), '--rounds', '2']);
      expect(changed.code).toBe(2);
      expect(changed.stderr).toContain('search.sampling.maxTokens: 160 -> 100');

      // 5. The report of a train work directory.
      const rep = await runTsp(['report', w]);
      expect(rep.code, rep.stderr).toBe(0);
      expect(readFileSync(join(w, 'results.md'), 'utf8')).toContain('## Rounds (1 finished)');

      // 6. Round 1's trainer again: the self-play replays from the caches, the adapter is reloaded.
      const again = await runTsp(
        [...withPath, '--rounds', '1', '--retrain-round', '1'].filter((a) => a !== '--quiet'),
      );
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toContain('running the trainer again');
      const rounds = readJsonl<ExternalRoundRecord>(join(w, 'rounds.jsonl'));
      expect(rounds).toHaveLength(1);
      expect((rounds[0]?.stats as ExternalRoundStats | undefined)?.sampledChunks).toBe(0);
    } finally {
      await stopServer(own.child);
    }
  }, 240_000);

  it('says clearly when the model is not served or the endpoint does not answer', async () => {
    const common = ['train', '--external', 'true', '--tasks', tasksFile, '--preset', 'smoke', '--quiet'];
    const missing = await runTsp([
      ...common,
      '--endpoint',
      baseUrl,
      '--model',
      'nope',
      '--work-dir',
      join(work, 'w-missing'),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`does not serve the model 'nope'`);
    expect(missing.stderr).toContain('it serves: tiny');
    // Nothing was started for a model that is not there.
    expect(existsSync(join(work, 'w-missing', 'manifest.json'))).toBe(false);
    // A port nobody listens on: bind one, then free it.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const closed = `http://127.0.0.1:${port}/v1`;
    const down = await runTsp([
      ...common,
      '--endpoint',
      closed,
      '--model',
      'tiny',
      '--work-dir',
      join(work, 'w-down'),
    ]);
    expect(down.code).toBe(2);
    expect(down.stderr).toContain(`cannot reach the endpoint ${closed}`);
    expect(down.stderr).toContain('hint:');
  }, 60_000);
});

describe('runExternalSelfPlay resumes a round whose trainer finished', () => {
  const pair: Pair = {
    id: 'p1',
    taskId: 't',
    round: 1,
    source: 'tsp',
    prompt: 'def f(x):\n',
    prefix: 'def f(x):\n',
    chosen: '    return safe(x)\n',
    rejected: '    return unsafe(x)\n',
    chosenSegmentChars: 19,
    rejectedSegmentChars: 21,
    chosenVerified: true,
    rejectedVerified: true,
  };
  const policy: Policy = {
    id: 'fake',
    generate: async () => [],
    score: async () => [],
  };

  it('does not train again after a failed switch, and accepts the adapter the interrupted run loaded', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tsp-external-resume-'));
    try {
      const trained = join(dir, 'trained.log');
      const loaded = new Set<string>();
      let loseResponse = true;
      // A vLLM-like server that loads the adapter but whose first answer is lost (a 500).
      let fetchCalls = 0;
      const fetchFn = async (_url: string, init: RequestInit) => {
        fetchCalls++;
        const name = (JSON.parse(String(init.body)) as { lora_name: string }).lora_name;
        if (loaded.has(name))
          return new Response(`The lora adapter '${name}' has already been loaded.`, { status: 400 });
        loaded.add(name);
        if (loseResponse) {
          loseResponse = false;
          return new Response('gateway timeout', { status: 500 });
        }
        return new Response('Success', { status: 200 });
      };
      const options = {
        rounds: 1,
        initial: { baseUrl: 'http://h/v1', model: 'base', modelPath: '/m' },
        makePolicy: () => policy,
        runRound: async () => ({ pairs: [pair], stats: { rounds: 1 } }),
        trainerCommand: `echo {round} >> ${trained} && touch {output}/adapter`,
        switchMode: 'lora' as const,
        workDir: join(dir, 'w'),
        format: 'trl' as const,
        fetch: fetchFn,
      };
      const failed = await runExternalSelfPlay(options).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(TspError);
      expect(readFileSync(trained, 'utf8')).toBe('1\n');
      expect(existsSync(join(dir, 'w', 'rounds.jsonl'))).toBe(false);

      const records = await runExternalSelfPlay(options);
      expect(readFileSync(trained, 'utf8')).toBe('1\n');
      expect(records.map((r) => [r.round, r.next.model, r.trainerReused, r.stats])).toEqual([
        [1, 'tsp-round-1', true, { rounds: 1 }],
      ]);

      // Different pairs are trained on, and a name another run loaded is refused with a hint.
      const other = await runExternalSelfPlay({
        ...options,
        workDir: join(dir, 'w2'),
        runRound: async () => [{ ...pair, id: 'p2' }],
      }).catch((e: unknown) => e);
      expect(readFileSync(trained, 'utf8')).toBe('1\n1\n');
      expect(other).toBeInstanceOf(TspError);
      expect((other as TspError).message).toContain("already has an adapter named 'tsp-round-1'");
      expect((other as TspError).hint).toContain('--adapter-prefix');

      // A trainer that exits 0 without writing anything is named before any adapter call.
      const calls = fetchCalls;
      const empty = (await runExternalSelfPlay({
        ...options,
        workDir: join(dir, 'w3'),
        trainerCommand: 'true',
      }).catch((e: unknown) => e)) as TspError;
      expect(empty.message).toMatch(/trainer finished but wrote nothing to .*w3\/round-1\/model/);
      expect(empty.hint).toContain('{output}');
      expect(fetchCalls).toBe(calls);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('trainer command', () => {
  it('names a trainer stopped by --trainer-timeout as timed out, with its last output', async () => {
    const vars = {
      round: 3,
      exportDir: '/e',
      outputDir: '/o',
      modelPath: '',
      baseUrl: 'http://h/v1',
      modelName: 'm',
    };
    const err = (await runTrainerCommand('echo starting epoch 1; sleep 20', vars, { timeoutMs: 1000 }).catch(
      (e: unknown) => e,
    )) as TspError;
    expect(err).toBeInstanceOf(TspError);
    expect(err.message).toMatch(/^trainer command timed out after 1 s in round 3: echo starting/);
    expect(err.hint).toContain('starting epoch 1');
  });
});

describe('endpoint checks before a run', () => {
  const models = (ids: string[]) =>
    new Response(JSON.stringify({ object: 'list', data: ids.map((id) => ({ id })) }));
  it('lists models, names a missing one, and points at /v1 or the API key', async () => {
    const seen: string[] = [];
    const vllm = async (url: string) => {
      seen.push(url);
      return url === 'http://h:8000/v1/models'
        ? models(['qwen', 'qwen-lora'])
        : new Response('', { status: 404 });
    };
    expect(await listServedModels('http://h:8000/v1/', { fetch: vllm })).toEqual(['qwen', 'qwen-lora']);
    await expect(
      ensurePolicyServed({ baseUrl: 'http://h:8000/v1', model: 'qwen' }, { fetch: vllm }),
    ).resolves.toBe(undefined);
    const missing = (await ensurePolicyServed(
      { baseUrl: 'http://h:8000/v1', model: 'llama' },
      { fetch: vllm },
    ).catch((e: unknown) => e)) as TspError;
    expect(missing.code).toBe('not-found');
    expect(missing.hint).toContain('qwen, qwen-lora');
    const noV1 = (await listServedModels('http://h:8000', { fetch: vllm }).catch(
      (e: unknown) => e,
    )) as TspError;
    expect(noV1.hint).toContain('--endpoint http://h:8000/v1');
    const locked = (await listServedModels('http://h/v1', {
      fetch: async () => new Response('no', { status: 401 }),
    }).catch((e: unknown) => e)) as TspError;
    expect(locked.hint).toContain('--api-key');
    // A server without a model list is not checked (its first completion will say what is wrong).
    expect(
      await listServedModels('http://h/v1', { fetch: async () => new Response('', { status: 404 }) }),
    ).toBe(undefined);
    // A finished round's adapter that a restarted server lost is loaded again.
    const loads: unknown[] = [];
    await ensurePolicyServed(
      { baseUrl: 'http://h:8000/v1', model: 'run-round-1', modelPath: '/w/round-1/model' },
      {
        reloadAdapter: true,
        fetch: async (url, init) => {
          if (url.endsWith('/load_lora_adapter')) {
            loads.push(JSON.parse(String(init.body)));
            return new Response('Success');
          }
          return models(['qwen']);
        },
      },
    );
    expect(loads).toEqual([{ lora_name: 'run-round-1', lora_path: '/w/round-1/model' }]);
  });
});

describe('runExternalTraining with a scripted endpoint and judge', () => {
  it('keeps the verdicts of a round killed while judging, and judges only the rest on resume', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tsp-external-kill-'));
    try {
      const { input, verdict } = scripted(dir);
      let calls = 0;
      const killed = await runExternalTraining({
        ...input,
        judgeChunk: 1,
        judgeMany: async (items) => {
          if (++calls === 3) throw new Error('killed');
          return items.map((i) => verdict(i.task.id, i.code === i.task.secureReference, []));
        },
      }).catch((e: unknown) => e);
      expect(calls, JSON.stringify(killed).slice(0, 300)).toBe(3);
      expect((killed as Error).message).toBe('killed');
      expect(readJsonl(join(dir, 'w', 'cache-verdicts.jsonl'))).toHaveLength(2);
      const result = await runExternalTraining({
        ...input,
        judgeMany: async (items) =>
          items.map((i) => verdict(i.task.id, i.code === i.task.secureReference, [])),
      });
      const stats = result.rounds[0]?.stats as ExternalRoundStats;
      expect(stats.oracleRuns).toBe(stats.judged - 2);
      expect(existsSync(join(dir, 'w', '.lock'))).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('samples a real model with real-model settings, and says what was cut short', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tsp-external-real-'));
    try {
      const { input, verdict } = scripted(dir);
      const asked: number[] = [];
      // the endpoint's model list names no owner (vLLM says "vllm"): a real model
      const lengthy = async (url: string, init: RequestInit) => {
        const res = await input.fetch(url, init);
        if (!url.endsWith('/completions')) return res;
        asked.push((JSON.parse(String(init.body)) as { max_tokens: number }).max_tokens);
        const body = (await res.json()) as { choices: { finish_reason: string }[]; warnings?: string[] };
        for (const c of body.choices) c.finish_reason = 'length';
        body.warnings = ['prompt of 300 tokens truncated to its last 255 (context length 256)'];
        return new Response(JSON.stringify(body));
      };
      const logs: string[] = [];
      const result = await runExternalTraining({
        ...input,
        fetch: lengthy,
        onLog: (l) => logs.push(l),
        judgeMany: async (items) =>
          items.map((i) => verdict(i.task.id, i.code === i.task.secureReference, [])),
      });
      expect(new Set(asked)).toEqual(new Set([1024]));
      const manifest = JSON.parse(readFileSync(join(dir, 'w', 'manifest.json'), 'utf8'));
      expect(manifest.config).toMatchObject({ realModel: true, search: { sampling: { maxTokens: 1024 } } });
      const stats = result.rounds[0]?.stats as ExternalRoundStats;
      expect(stats.truncatedGenerations).toBeGreaterThan(0);
      expect(
        logs.some((l) => /^round 1: \d+ of \d+ generations sampled now stopped at max tokens 1024/.test(l)),
      ).toBe(true);
      expect(logs).toContain(
        'round 1: warning: http://fake/v1: prompt of 300 tokens truncated to its last 255 (context length 256)',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stops when the oracle fails on everything, keeps no such verdict, and judges again on resume', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tsp-external-oracle-'));
    try {
      const { input, verdict, roots } = scripted(dir);
      let judged = 0;
      const broken = await runExternalTraining({
        ...input,
        judgeMany: async (items) => {
          judged += items.length;
          return items.map((i) => verdict(i.task.id, false, ['sandbox: bwrap failed']));
        },
      }).catch((e: unknown) => e);
      expect(broken).toBeInstanceOf(TspError);
      expect((broken as TspError).code).toBe('sandbox-failure');
      expect((broken as TspError).message).toContain('bwrap failed');
      expect(judged).toBeGreaterThan(0);
      const verdictCache = join(dir, 'w', 'cache-verdicts.jsonl');
      expect(existsSync(verdictCache) ? readFileSync(verdictCache, 'utf8').trim() : '').toBe('');
      expect(readFileSync(join(dir, 'w', 'cache-generations.jsonl'), 'utf8').trim()).not.toBe('');
      const sampledRoots = roots();

      const result = await runExternalTraining({
        ...input,
        judgeMany: async (items) =>
          items.map((i) => verdict(i.task.id, i.code === i.task.secureReference, [])),
      });
      const stats = result.rounds[0]?.stats as ExternalRoundStats;
      // The programs were judged again; the root samples were replayed, not requested again.
      expect(stats.oracleRuns).toBe(stats.judged);
      expect(stats.oracleRuns).toBeGreaterThan(0);
      expect(stats.oracleErrors).toBe(0);
      expect(stats.replayedChunks).toBeGreaterThan(0);
      expect(roots()).toBe(sampledRoots);
      expect(result.rounds[0]?.exported).toBeGreaterThan(0);
      expect(result.rounds[0]?.next.model).toBe('w-round-1');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** Two built-in tasks, an endpoint that continues a prefix with a reference, and verdicts by hand. */
function scripted(dir: string) {
  // The test needs verified pairs in round 2 too, which depends on what the tiny model learned from
  // these tasks: with the suite's slot vocabulary of 2026-11-21, seed 1 gives them (seed 7 does not).
  const suite = buildSuite({ seed: 1, variantsPerFamily: { train: 1, eval: 1 } });
  const picked = getSplits(suite, 'standard').train.filter((t) =>
    ['py-cmdi-create', 'py-hash-fingerprint'].includes(t.family ?? ''),
  );
  const file = join(dir, 'tasks.jsonl');
  writeFileSync(file, picked.map((t) => `${JSON.stringify(t)}\n`).join(''));
  // An endpoint that continues a prefix with the secure reference or an insecure variant.
  let rootRequests = 0;
  const fetchFn = async (url: string, init: RequestInit) => {
    if (url.endsWith('/models')) return new Response(JSON.stringify({ data: [{ id: 'm' }] }));
    if (url.endsWith('/load_lora_adapter')) return new Response('Success');
    const body = JSON.parse(String(init.body)) as { prompt: string; n: number; seed: number };
    if (picked.some((t) => t.prompt === body.prompt)) rootRequests++;
    const task = picked.find((t) => body.prompt.startsWith(t.prompt)) as Task;
    const options = [task.secureReference as string, ...task.insecureVariants].filter((c) =>
      c.startsWith(body.prompt),
    );
    const choices = Array.from({ length: body.n }, (_, k) => ({
      index: k,
      text: (options[(body.seed + k) % options.length] ?? `${body.prompt}    pass\n`).slice(
        body.prompt.length,
      ),
      finish_reason: 'stop',
    }));
    return new Response(JSON.stringify({ choices, usage: { prompt_tokens: 10, completion_tokens: 10 } }));
  };
  const verdict = (taskId: string, secure: boolean, oracleErrors: string[]): Verdict => ({
    taskId,
    build: { ok: true, durationMs: 0 },
    // an insecure verdict carries its evidence: a failed exploit test
    tests: secure ? [] : [{ name: 'exploit', kind: 'security', status: 'fail', durationMs: 0 }],
    sanitizer: [],
    findings: [],
    staticSecure: null,
    secureBy: 'dynamic',
    functional: true,
    secure,
    securePass: secure,
    oracleErrors,
    timings: { buildMs: 0, testMs: 0, staticMs: 0, totalMs: 0 },
  });
  const input = {
    workDir: join(dir, 'w'),
    rounds: 1,
    trainerCommand: 'touch {output}/adapter_model.safetensors',
    endpoint: 'http://fake/v1',
    model: 'm',
    switchMode: 'lora' as const,
    format: 'trl' as const,
    method: 'tsp' as const,
    config: getPreset('smoke'),
    tasks: file,
    fetch: fetchFn,
    // built-in tasks, validated by the suite's own tests
    validateTasks: async () => ({ ok: true, problems: [], tasks: [] }),
  };
  return { input, verdict, roots: () => rootRequests };
}
