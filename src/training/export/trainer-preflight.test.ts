import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TspError } from '../../spec/errors.ts';
import { checkTrainerCommand, shellWords } from './trainer-preflight.ts';

const PATH = '/usr/bin:/bin';

function problem(command: string, modelPath = '', cwd = process.cwd()): TspError {
  try {
    checkTrainerCommand(command, { modelPath }, { PATH, cwd });
  } catch (e) {
    return e as TspError;
  }
  throw new Error(`no problem found in ${command}`);
}

describe('trainer command pre-flight', () => {
  it('splits the first shell words, quotes removed, up to an operator', () => {
    expect(shellWords(`FOO=1 'my trainer' --out "{output}" && echo done`)).toEqual([
      'FOO=1',
      'my trainer',
      '--out',
      '{output}',
    ]);
  });

  it('names a program that is not on PATH, with the way to run tsp itself', () => {
    const e = problem('tsp dpo --model {model} --data {export}/segment.jsonl --out {output}', '/m');
    expect(e.message).toContain("'tsp' is not on PATH");
    expect(e.hint).toContain('node <repo>/bin/tsp.js');
  });

  it('refuses {model} without --model-path, and unknown placeholders', () => {
    const e = problem('sh -c "echo {model} {outptu}"');
    expect(e.message).toContain('unknown placeholder {outptu}');
    expect(e.message).toContain('no --model-path');
    expect(problem('echo $TSP_MODEL_PATH').message).toContain('TSP_MODEL_PATH');
  });

  it('finds a script an interpreter would run, relative to the working directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsp-preflight-'));
    expect(problem('sh train-lora.sh', '', dir).message).toContain('train-lora.sh, which does not exist');
    writeFileSync(join(dir, 'train-lora.sh'), 'true\n');
    expect(checkTrainerCommand('sh train-lora.sh', { modelPath: '' }, { PATH, cwd: dir }).resolved).toMatch(
      /\/sh$/,
    );
    const exe = join(dir, 'train.sh');
    writeFileSync(exe, '#!/bin/sh\ntrue\n');
    expect(problem('./train.sh {output}', '', dir).message).toContain('not an executable file');
    chmodSync(exe, 0o755);
    const ok = checkTrainerCommand(
      'TSP_X=1 ./train.sh {output} {model}',
      { modelPath: '/m' },
      { PATH, cwd: dir },
    );
    expect(ok).toMatchObject({ program: './train.sh', resolved: exe, uses: ['{output}', '{model}'] });
  });

  it('leaves shell built-ins alone', () => {
    expect(checkTrainerCommand('cd /tmp && true', { modelPath: '' }, { PATH }).program).toBeUndefined();
  });
});
