import { spawn } from 'node:child_process';

export interface ProcessResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Killed by the wall-clock limit. */
  timedOut: boolean;
  /** stdout or stderr exceeded the cap: the process was killed and the output cut. */
  outputTruncated: boolean;
  durationMs: number;
}

export interface SpawnCappedOptions {
  stdin?: string | Buffer;
  timeoutMs: number;
  maxOutputBytes: number;
}

/**
 * Runs a host command in its own process group with an empty environment, a wall-clock limit that
 * kills the whole group, and capped stdout/stderr (a process that writes more is killed).
 */
export function spawnCapped(file: string, args: string[], opts: SpawnCappedOptions): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const start = performance.now();
    const child = spawn(file, args, {
      detached: true,
      env: {},
      stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let timedOut = false;
    let truncated = false;
    let settled = false;
    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, opts.timeoutMs);
    const take = (chunks: Buffer[], used: number, chunk: Buffer): number => {
      const room = opts.maxOutputBytes - used;
      if (room > 0) chunks.push(room >= chunk.length ? chunk : chunk.subarray(0, room));
      if (chunk.length > room && !truncated) {
        truncated = true;
        killGroup();
      }
      return used + chunk.length;
    };
    child.stdout?.on('data', (c: Buffer) => {
      outBytes = take(out, outBytes, c);
    });
    child.stderr?.on('data', (c: Buffer) => {
      errBytes = take(err, errBytes, c);
    });
    if (opts.stdin !== undefined && child.stdin) {
      child.stdin.on('error', () => {});
      child.stdin.end(opts.stdin);
    }
    const finish = (exitCode: number | null, signal: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      killGroup();
      resolve({
        exitCode,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
        outputTruncated: truncated,
        durationMs: performance.now() - start,
      });
    };
    child.on('error', (e) => {
      err.push(Buffer.from(`spawn failed: ${e.message}`));
      finish(null, null);
    });
    child.on('close', (code, signal) => finish(code, signal));
  });
}
