/**
 * End to end: `tsp run --preset smoke` on the embedded default, and a run killed with SIGKILL in the
 * middle that, started again with the same run directory, ends with the same results as the
 * uninterrupted run, having done nothing twice. Minutes, not seconds: the smoke preset pretrains
 * a tiny base model (cached for the second run) and judges every sample in the sandbox.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunResults } from '../../src/spec/results.ts';
import { readJsonl } from '../../src/store/jsonl.ts';

const repo = resolve(import.meta.dirname, '../..');
const bin = join(repo, 'bin', 'tsp.js');
const work = mkdtempSync(join(tmpdir(), 'tsp-run-e2e-'));
const cacheDir = join(work, 'cache');

function tsp(args: string[]) {
  // six methods since issue 17: on a loaded 2-core machine a smoke run can take more than 10 minutes
  return spawnSync(process.execPath, [bin, ...args], { cwd: repo, encoding: 'utf8', timeout: 1_200_000 });
}

function comparable(dir: string) {
  const r = RunResults.parse(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')));
  return { ...r, runId: '', createdAt: '', finishedAt: '' };
}

describe('tsp run --preset smoke', () => {
  const straight = join(work, 'straight');

  it('runs every phase and writes results, trees, pairs and the report', () => {
    const r = tsp(['run', '--preset', 'smoke', '--work-dir', straight, '--cache-dir', cacheDir, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('| TSP |');
    const results = comparable(straight);
    expect(results.methods).toEqual(['base', 'sft', 'spin', 'unlikelihood', 'tsp-release', 'tsp']);
    expect(results.comparisons.some((c) => c.a === 'tsp' && c.b === 'tsp-release')).toBe(true);
    expect(results.summary.some((s) => s.method === 'tsp' && s.split === 'eval')).toBe(true);
    expect(results.treeStats.some((t) => t.method === 'tsp')).toBe(true);
    expect(existsSync(join(straight, 'report.html'))).toBe(true);
    expect(existsSync(join(straight, 'trees', 'tsp-s1-r1.jsonl'))).toBe(true);
  }, 1_200_000);

  it('resumes after kill -9 with nothing lost, nothing done twice, and the same results', async () => {
    const dir = join(work, 'killed');
    // The oracle's verdicts depend on timing (a sample can time out on a loaded machine); give the
    // resumed run the uninterrupted run's verdicts so that the comparison tests resumption only.
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    cpSync(join(straight, 'cache-verdicts.jsonl'), join(dir, 'cache-verdicts.jsonl'));
    const child = spawn(
      process.execPath,
      [bin, 'run', '--preset', 'smoke', '--work-dir', dir, '--cache-dir', cacheDir, '--quiet'],
      {
        cwd: repo,
        stdio: 'ignore',
      },
    );
    // Kill it in the middle: once two training phases are recorded.
    await new Promise<void>((done, fail) => {
      const timer = setInterval(() => {
        const phases = existsSync(join(dir, 'phases.jsonl'))
          ? readJsonl(join(dir, 'phases.jsonl')).length
          : 0;
        if (phases >= 2) {
          clearInterval(timer);
          child.kill('SIGKILL');
          done();
        }
      }, 100);
      child.on('exit', (code) => {
        clearInterval(timer);
        fail(new Error(`the run ended (${code}) before it could be killed`));
      });
    });
    await new Promise((r) => child.once('exit', r));
    expect(existsSync(join(dir, 'results.json'))).toBe(false);
    const r = tsp(['run', '--preset', 'smoke', '--work-dir', dir, '--cache-dir', cacheDir, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    expect(comparable(dir)).toEqual(comparable(straight));
    // Nothing done twice: every training phase, evaluation and generation chunk is recorded once.
    const names = readJsonl<{ name: string }>(join(dir, 'phases.jsonl')).map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    const evals = readJsonl<{ method: string; seed: number; round: number; split: string }>(
      join(dir, 'evaluations.jsonl'),
    ).map((e) => `${e.method}/${e.seed}/${e.round}/${e.split}`);
    expect(new Set(evals).size).toBe(evals.length);
    const chunks = readJsonl<{ k: string }>(join(dir, 'cache-generations.jsonl')).map((c) => c.k);
    expect(new Set(chunks).size).toBe(chunks.length);
  }, 1_800_000);
});
