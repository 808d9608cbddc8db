import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TspError } from '../../spec/errors.ts';
import {
  ENDPOINT_FILE,
  expandTrainerCommand,
  loadLoraAdapter,
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
    const { readFile } = await import('node:fs/promises');
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
