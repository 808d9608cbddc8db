import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { getExampleTask } from '../../benchmarks/examples/index.ts';
import type { Task } from '../../spec/task.ts';
import { Verdict } from '../../spec/verdict.ts';

const run = promisify(execFile);
const bin = new URL('../../../bin/tsp.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'tsp-judge-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function tsp(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [bin, ...args], { timeout: 120_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: x.code ?? -1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}

describe('tsp judge', () => {
  it('judges a code file against an example task and prints the Verdict as JSON', async () => {
    const code = join(dir, 'insecure.py');
    writeFileSync(
      code,
      'import sqlite3\n\ndef get_email(conn, username):\n    row = conn.execute("SELECT email FROM users WHERE name = \'%s\'" % username).fetchone()\n    return row[0] if row else None\n',
    );
    const r = await tsp(['judge', '--task', 'examples/py-sql-email', '--code', code, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const v = Verdict.parse(JSON.parse(r.stdout));
    expect(v.tests.find((t) => t.name === 'injection_or_true')?.status).toBe('fail');
    expect(v.tests.find((t) => t.name === 'quote_in_name')?.status).toBe('error');
    expect([v.functional, v.secure]).toEqual([false, false]);
  });

  it('prints a compact human verdict for the secure reference', async () => {
    const r = await tsp(['judge', '--task', 'examples/js-render-comment', '--reference']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/script_tag\s+security\s+pass/);
    expect(r.stdout).toMatch(/functional: true {2}secure: true/);
  });

  it('names the bad field of a malformed task file, without a stack trace', async () => {
    const task = join(dir, 'bad-task.json');
    writeFileSync(task, JSON.stringify({ id: 'x', language: 'cobol', cwe: [], prompt: '', entryPoint: 'f' }));
    const r = await tsp(['judge', '--task', task, '--reference']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/language/);
    expect(r.stderr).toMatch(/harness/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('reads a JSONL task file (--id), and exits 1 when the secure reference is not secure-pass', async () => {
    const good = getExampleTask('py-sql-email') as Task;
    const broken = { ...good, id: 'my/broken', secureReference: good.insecureVariants[0] };
    const file = join(dir, 'tasks.jsonl');
    writeFileSync(file, `${JSON.stringify(good)}\n${JSON.stringify(broken)}\n`);
    const which = await tsp(['judge', '--task', file, '--reference']);
    expect(which.code).toBe(2);
    expect(which.stderr).toContain('holds 2 tasks: say which with --id');
    const ok = await tsp(['judge', '--task', file, '--id', good.id, '--reference']);
    expect(ok.code, ok.stderr).toBe(0);
    const bad = await tsp(['judge', '--task', file, '--id', 'my/broken', '--reference']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('the secure reference of my/broken is not secure-pass');
  });

  it('reports an unknown example id with the known ones', async () => {
    const r = await tsp(['judge', '--task', 'examples/nope', '--reference']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/py-sql-email/);
  });
});
