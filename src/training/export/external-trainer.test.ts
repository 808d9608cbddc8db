import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TspError } from '../../spec/errors.ts';
import type { Pair } from '../../spec/tree.ts';
import {
  ENDPOINT_FILE,
  expandTrainerCommand,
  loadLoraAdapter,
  runExternalSelfPlay,
  runTrainerCommand,
  switchPolicy,
  type TrainerVars,
} from './external-trainer.ts';

const VARS: TrainerVars = {
  round: 2,
  exportDir: '/runs/a b/export',
  outputDir: '/runs/out',
  modelPath: "/m/it's",
  baseUrl: 'http://127.0.0.1:8000/v1',
  modelName: 'qwen',
};

describe('external trainer pieces', () => {
  it('substitutes placeholders shell-quoted and leaves unknown ones', () => {
    expect(
      expandTrainerCommand('train --data {export} --out {output} --from {model} -r {round} {x}', VARS),
    ).toBe(`train --data '/runs/a b/export' --out /runs/out --from '/m/it'\\''s' -r 2 {x}`);
  });

  it('runs the command with TSP_* variables and fails clearly on a non-zero exit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tsp-trainer-'));
    const ok = await runTrainerCommand('echo "$TSP_ROUND:$TSP_MODEL" > {output}/seen', {
      ...VARS,
      outputDir: dir,
    });
    expect(ok.exitCode).toBe(0);
    expect(await readFile(join(dir, 'seen'), 'utf8')).toBe('2:qwen\n');
    const err = (await runTrainerCommand('echo boom >&2; exit 3', VARS).catch((e: unknown) => e)) as TspError;
    expect(err).toBeInstanceOf(TspError);
    expect(err.message).toContain('exit 3');
    expect(err.hint).toContain('boom');
  });

  it('switches to the endpoint the trainer wrote, or says what is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tsp-switch-'));
    const cur = { baseUrl: 'http://a/v1', model: 'm0' };
    await expect(switchPolicy('endpoint', cur, dir, 1)).rejects.toThrow(ENDPOINT_FILE);
    await writeFile(join(dir, ENDPOINT_FILE), JSON.stringify({ baseUrl: 'http://b:9/v1', model: 'm1' }));
    expect(await switchPolicy('endpoint', cur, dir, 1)).toEqual({
      baseUrl: 'http://b:9/v1',
      model: 'm1',
      modelPath: dir,
    });
  });

  it('loads an adapter with the vLLM call and reports refusals', async () => {
    const calls: { url: string; body: unknown }[] = [];
    const fetchOk = async (url: string, init: RequestInit) => {
      calls.push({ url, body: JSON.parse(String(init.body)) });
      return new Response('Success', { status: 200 });
    };
    const next = await switchPolicy(
      'lora',
      { baseUrl: 'http://h:8000/v1/', model: 'base' },
      '/out/r3',
      3,
      fetchOk,
    );
    expect(next).toEqual({ baseUrl: 'http://h:8000/v1/', model: 'tsp-round-3', modelPath: '/out/r3' });
    expect(calls).toEqual([
      { url: 'http://h:8000/v1/load_lora_adapter', body: { lora_name: 'tsp-round-3', lora_path: '/out/r3' } },
    ]);
    const refuse = async () => new Response('LoRA is not enabled', { status: 400 });
    const err = (await loadLoraAdapter('http://h/v1', 'x', '/p', refuse).catch(
      (e: unknown) => e,
    )) as TspError;
    expect(err.message).toMatch(/HTTP 400 .*LoRA is not enabled/);
    expect(err.hint).toContain('--enable-lora');
  });
});

describe('the trainer of a round', () => {
  const pair: Pair = {
    id: 'p1',
    taskId: 't',
    round: 1,
    source: 'tsp',
    prompt: 'p\n',
    prefix: 'p\n',
    chosen: 'a\n',
    rejected: 'b\n',
    chosenSegmentChars: 2,
    rejectedSegmentChars: 2,
    chosenVerified: true,
    rejectedVerified: true,
  };

  it('runs again after exiting 0 without output, and again on request (--retrain-round)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tsp-retrain-'));
    const runs = join(dir, 'runs.txt');
    const adapterCalls: string[] = [];
    const options = {
      rounds: 1,
      initial: { baseUrl: 'http://h/v1', model: 'base', modelPath: '/m' },
      makePolicy: () => ({}) as never,
      runRound: async () => [pair],
      // writes its adapter to the wrong place
      trainerCommand: `echo run >> ${runs}; mkdir -p {output}/../elsewhere && touch {output}/../elsewhere/adapter`,
      switchMode: 'lora' as const,
      adapterName: (r: number) => `w-round-${r}`,
      workDir: join(dir, 'w'),
      format: 'trl' as const,
      fetch: async (url: string) => {
        adapterCalls.push(url.split('/').pop() as string);
        return new Response('Success');
      },
    };
    const err = (await runExternalSelfPlay(options).catch((e: unknown) => e)) as TspError;
    expect(err.message).toMatch(/round 1: the trainer finished but wrote nothing to .*round-1\/model/);
    expect(err.hint).toContain('run the same tsp train again');
    // fixed command: it runs (it was not marked finished), and the round completes
    const fixed = { ...options, trainerCommand: `echo run >> ${runs}; touch {output}/adapter` };
    const [first] = await runExternalSelfPlay(fixed);
    expect(first?.trainerReused).toBeUndefined();
    expect(first?.next).toMatchObject({ model: 'w-round-1', modelPath: join(dir, 'w', 'round-1', 'model') });
    expect(first?.next.revision).toBeDefined();
    expect((await readFile(runs, 'utf8')).trim().split('\n')).toHaveLength(2);
    // asked to train round 1 again: runs, unloads the old adapter and loads the new one
    adapterCalls.length = 0;
    const [again] = await runExternalSelfPlay({ ...fixed, retrainRounds: [1] });
    expect((await readFile(runs, 'utf8')).trim().split('\n')).toHaveLength(3);
    expect(adapterCalls).toEqual(['unload_lora_adapter', 'load_lora_adapter']);
    expect(again?.next.revision).not.toBe(first?.next.revision);
    // and otherwise not again
    const [reused] = await runExternalSelfPlay(fixed);
    expect(reused?.trainerReused).toBe(true);
    expect((await readFile(runs, 'utf8')).trim().split('\n')).toHaveLength(3);
  });
});
