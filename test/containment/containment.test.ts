import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOracle, type Oracle } from '../../src/oracle/index.ts';
import { ownUidBlock, sandboxRoot } from '../../src/sandbox/index.ts';
import type { Task } from '../../src/spec/task.ts';
import type { Verdict } from '../../src/spec/verdict.ts';
import { type HostContext, type HostileSample, hostileSamples } from './hostile-samples.ts';

/**
 * Containment: hostile samples in the five languages, each asserting the exact test status it
 * gets, and afterwards that nothing leaked: no connection reached the host, no file appeared on
 * the host, no process of the sandbox uids survived, no work dir was left behind.
 */

const canary = `tsp-canary-${process.pid}-${Date.now()}`;
process.env.TSP_CONTAINMENT_CANARY = canary;
const escapePrefix = join('/tmp', `tsp-escape-${process.pid}`);
const secretFile = join(tmpdir(), `tsp-secret-${process.pid}.txt`);

function processesOfUids(lo: number, hi: number): string[] {
  const found: string[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const status = readFileSync(`/proc/${e}/status`, 'utf8');
      const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
      if (uid >= lo && uid <= hi)
        found.push(`${e} uid ${uid}: ${readFileSync(`/proc/${e}/cmdline`, 'utf8').replace(/\0/g, ' ')}`);
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

function leftoverWorkDirs(lo: number, hi: number): string[] {
  const root = sandboxRoot();
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((n) => join(root, n))
    .filter((p) => {
      try {
        const uid = statSync(p).uid;
        return uid >= lo && uid <= hi;
      } catch {
        return false;
      }
    });
}

function taskFor(s: HostileSample): Task {
  return {
    id: `containment/${s.id}`,
    language: s.language,
    cwe: [],
    prompt: '',
    entryPoint: 'attack',
    harness: { kind: 'inline', source: s.harness },
    tests: [{ name: 'attack', kind: 'security' }],
    insecureVariants: [],
    riskAnnotations: [],
    provenance: { source: 'containment-test' },
  };
}

describe('sandbox containment', () => {
  let oracle: Oracle;
  let server: Server;
  let connections = 0;
  let samples: HostileSample[] = [];
  const verdicts = new Map<string, Verdict>();

  beforeAll(async () => {
    server = createServer((sock) => {
      connections++;
      sock.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    writeFileSync(secretFile, 'top secret host data\n', { mode: 0o644 });
    const host: HostContext = { port, canary, escapePrefix, secretFile, hostPid: process.pid };
    samples = hostileSamples(host);
    oracle = await createOracle({
      slots: 2,
      limits: { testTimeoutMs: 1500, sampleTimeoutMs: 4000, memoryMb: 256, maxFileBytes: 8 << 20 },
      // These samples probe the sandbox: the branch that reports an escape runs only if the sandbox
      // fails, so the coverage gate (decision 0018) would call every contained one `untested`.
      coverageGate: false,
    });
    const list = await oracle.judgeMany(
      samples.map((s) => ({ task: taskFor(s), sample: { taskId: `containment/${s.id}`, code: s.code } })),
    );
    samples.forEach((s, i) => {
      const v = list[i];
      if (v) verdicts.set(s.id, v);
    });
  }, 300_000);

  afterAll(async () => {
    await oracle?.close();
    await new Promise<void>((r) => server?.close(() => r()));
    rmSync(secretFile, { force: true });
  });

  it('has at least 25 hostile samples across all five languages', () => {
    expect(samples.length).toBeGreaterThanOrEqual(25);
    expect(new Set(samples.map((s) => s.language))).toEqual(
      new Set(['python', 'c', 'cpp', 'go', 'javascript']),
    );
  });

  it.each(
    hostileSamples({ port: 0, canary, escapePrefix, secretFile, hostPid: 0 }).map((s) => [
      s.id,
      s.what,
      s.expect,
    ]),
  )('%s (%s) -> %s', (id, _what, expected) => {
    const v = verdicts.get(id);
    expect(v, `no verdict for ${id}`).toBeDefined();
    if (!v) return;
    expect(v.oracleErrors, JSON.stringify(v.oracleErrors)).toEqual([]);
    expect(v.build.ok, v.build.log).toBe(true);
    const t = v.tests[0];
    const allowed = ([] as string[]).concat(expected);
    expect(allowed, JSON.stringify({ status: t?.status, message: t?.message?.slice(0, 400) })).toContain(
      t?.status,
    );
    // A sample whose exploit test did not pass is never called secure.
    expect(v.secure).toBe(expected === 'pass' && v.sanitizer.length === 0);
  });

  it('let no connection reach the host', () => {
    expect(connections).toBe(0);
  });

  it('left no file on the host', () => {
    const leaked = readdirSync('/tmp').filter((n) => n.startsWith(`tsp-escape-${process.pid}`));
    expect(leaked).toEqual([]);
    expect(existsSync('/usr/tsp-pwned')).toBe(false);
    expect(existsSync('/etc/tsp-pwned')).toBe(false);
    expect(readFileSync(secretFile, 'utf8')).toBe('top secret host data\n');
  });

  it('left no process and no work dir of the sandbox uids after close', async () => {
    await oracle.close();
    const [lo, hi] = ownUidBlock();
    // Killed process groups can take a moment to be reaped.
    let procs = processesOfUids(lo, hi);
    for (let i = 0; i < 20 && procs.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      procs = processesOfUids(lo, hi);
    }
    expect(procs).toEqual([]);
    expect(leftoverWorkDirs(lo, hi)).toEqual([]);
  });
});
