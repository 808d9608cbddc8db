import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Descriptors TSP's own parent leaves open without close-on-exec (a job runner's pipe, a make
 * jobserver's) are inherited by node, and node does not close them when it spawns: unless the
 * sandbox closes them, bwrap and setpriv pass them on to the judged program, which could then write
 * to a host pipe or file. The TSP process here (`_fd-leak-process.ts`) is started holding a socket
 * at fd 200, a FIFO (a pipe) at fd 201 and a host file at fd 251, all read-write; the sandboxed code
 * must see none of them, and nothing may arrive on them.
 */
const PROBE = fileURLToPath(new URL('./_fd-leak-process.ts', import.meta.url));

describe('descriptors inherited by TSP do not reach the sandbox', () => {
  it('a bare program, a Python, a JavaScript and a C sample see only their own descriptors', async () => {
    const base = join(tmpdir(), `tsp-fdleak-${process.pid}`);
    const fifo = `${base}.fifo`;
    const file = `${base}.file`;
    execFileSync('mkfifo', ['-m', '0666', fifo]);
    const fifoFd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
    const fileFd = openSync(file, 'w+', 0o666);
    try {
      const stdio: ('pipe' | 'ignore' | number)[] = ['ignore', 'pipe', 'pipe'];
      while (stdio.length < 252) stdio.push('ignore');
      stdio[200] = 'pipe';
      stdio[201] = fifoFd;
      stdio[251] = fileFd;
      const child = spawn(process.execPath, ['--import', 'tsx', PROBE], { stdio });
      let out = '';
      let err = '';
      let onSocket = '';
      child.stdout?.on('data', (c: Buffer) => {
        out += c.toString('utf8');
      });
      child.stderr?.on('data', (c: Buffer) => {
        err += c.toString('utf8');
      });
      const socket = (child.stdio as unknown[])[200] as Readable | null;
      socket?.on('data', (c: Buffer) => {
        onSocket += c.toString('latin1');
      });
      const code = await new Promise<number | null>((r) => child.on('close', r));
      expect(code, err.slice(-3000)).toBe(0);
      const events = out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const leaked = events.find((e) => e.event === 'leaked')?.targets as string[];
      // the TSP process really held them (otherwise this test proves nothing)
      expect(leaked).toHaveLength(3);
      expect(leaked[0]).toMatch(/^socket:/);
      expect(leaked[1]).toBe(fifo);
      expect(leaked[2]).toBe(file);

      const bare = events.find((e) => e.event === 'bare') as {
        exitCode: number;
        stdout: string;
        stderr: string;
      };
      expect(bare.exitCode, bare.stderr).toBe(0);
      const seen = JSON.parse(bare.stdout) as { fds: Record<string, string>; writes: string[] };
      expect(seen).toEqual({ fds: {}, writes: ['EBADF', 'EBADF', 'EBADF'] });

      for (const language of ['python', 'javascript', 'c']) {
        const v = events.find((e) => e.event === 'verdict' && e.language === language) as
          | {
              build: { ok: boolean; log?: string };
              tests: { status: string; message?: string }[];
              errors: unknown[];
            }
          | undefined;
        expect(v, `no verdict for ${language}`).toBeDefined();
        expect(v?.errors, language).toEqual([]);
        expect(v?.build.ok, v?.build.log).toBe(true);
        expect(v?.tests[0]?.status, `${language}: ${v?.tests[0]?.message}`).toBe('pass');
      }

      expect(onSocket).toBe('');
      expect(readFileSync(file, 'utf8')).toBe('');
      const buf = Buffer.alloc(64);
      let fromPipe = '';
      try {
        fromPipe = buf.subarray(0, readSync(fifoFd, buf)).toString('latin1');
      } catch (e) {
        expect((e as NodeJS.ErrnoException).code).toBe('EAGAIN');
      }
      expect(fromPipe).toBe('');
    } finally {
      closeSync(fifoFd);
      closeSync(fileFd);
      rmSync(fifo, { force: true });
      rmSync(file, { force: true });
    }
  }, 240_000);
});
