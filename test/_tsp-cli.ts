import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

/** Runs the CLI as a user does: `node bin/tsp.js <args>` from the repository root. */
export const REPO = resolve(import.meta.dirname, '..');
export const TSP = join(REPO, 'bin', 'tsp.js');

/** A child's environment without what slows node down or leaks the test runner's settings. */
export function childEnv(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'LANG', 'TSP_BENCHMARKS_DIR'];
  return Object.fromEntries(keep.flatMap((k) => (process.env[k] ? [[k, process.env[k] as string]] : [])));
}

export interface RunOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node bin/tsp.js <args>` in the repository, with the scrubbed environment. */
export function spawnTsp(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [TSP, ...args], { cwd: REPO, env: childEnv() });
}

/** Runs the CLI to completion (killed after `timeoutMs`) and collects its output. */
export function runTsp(args: string[], timeoutMs = 150_000): Promise<RunOutput> {
  return new Promise((res, rej) => {
    const child = spawnTsp(args);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', rej);
    child.on('close', (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr });
    });
  });
}
