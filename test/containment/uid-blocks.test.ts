import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * uid blocks are exclusive across TSP processes: two oracles in two processes that both prefer the
 * same block get different blocks (and run their samples as uids of their own block), and a
 * process that dies, even by SIGKILL, gives its block back.
 */
const CHILD = fileURLToPath(new URL('./_oracle-process.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Holder {
  proc: ChildProcess;
  block: Promise<{ lo: number; hi: number }>;
  verdict: Promise<{ tests: { status: string; message?: string }[]; errors: string[] }>;
}

const holders: Holder[] = [];

function startHolder(preferred: number): Holder {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, String(preferred)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const events = new Map<string, (v: never) => void>();
  const waitFor = <T>(name: string) =>
    new Promise<T>((resolve, reject) => {
      events.set(name, resolve as (v: never) => void);
      proc.once('exit', (code, sig) =>
        reject(new Error(`holder exited (${code ?? sig}) before '${name}': ${stderr}`)),
      );
    });
  const block = waitFor<{ lo: number; hi: number }>('block');
  const verdict = waitFor<{ tests: { status: string; message?: string }[]; errors: string[] }>('verdict');
  // Awaited by the test when it matters; a holder killed early must not raise an unhandled rejection.
  block.catch(() => {});
  verdict.catch(() => {});
  if (proc.stdout)
    createInterface({ input: proc.stdout }).on('line', (line) => {
      try {
        const ev = JSON.parse(line) as { event: string };
        events.get(ev.event)?.(ev as never);
      } catch {
        // not ours
      }
    });
  const h = { proc, block, verdict };
  holders.push(h);
  return h;
}

function stop(h: Holder, signal?: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (h.proc.exitCode !== null || h.proc.signalCode !== null) return resolve();
    h.proc.once('exit', () => resolve());
    if (signal) h.proc.kill(signal);
    else h.proc.stdin?.end();
  });
}

afterAll(async () => {
  await Promise.all(holders.map((h) => stop(h, 'SIGKILL')));
});

describe('sandbox uid blocks across processes', () => {
  it('two oracles in two processes preferring the same block get disjoint blocks; a killed one frees its block', async () => {
    const preferred = (process.pid + 75) % 150;
    const a = startHolder(preferred);
    const b = startHolder(preferred);
    const [ba, bb] = (await Promise.all([a.block, b.block])).map(({ lo, hi }) => ({ lo, hi }));
    if (!ba || !bb) throw new Error('no blocks');
    expect(ba.hi - ba.lo).toBe(31);
    // Disjoint ranges.
    expect(ba.hi < bb.lo || bb.hi < ba.lo, JSON.stringify([ba, bb])).toBe(true);
    // Each judged its sample as a uid of its own block.
    const [va, vb] = await Promise.all([a.verdict, b.verdict]);
    for (const v of [va, vb]) {
      expect(v.errors).toEqual([]);
      expect(v.tests.map((t) => [t.status, t.message])).toEqual([['pass', undefined]]);
    }
    // SIGKILL one: no cleanup code runs, yet its block is free again for the next process.
    const killed = ba.lo === 60_000 + preferred * 32 ? a : b;
    const freed = killed === a ? ba : bb;
    await stop(killed, 'SIGKILL');
    const c = startHolder(preferred);
    const bc = await c.block;
    expect({ lo: bc.lo, hi: bc.hi }).toEqual(freed);
    expect((await c.verdict).tests[0]?.status).toBe('pass');
    await Promise.all([stop(a), stop(b), stop(c)]);
  }, 120_000);
});
