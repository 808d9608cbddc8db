import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TspError } from '../spec/errors.ts';
import { Task } from '../spec/task.ts';
import { registerTaskSource, resolveTask } from './task-sources.ts';

const dir = mkdtempSync(join(tmpdir(), 'tsp-task-sources-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const valid = {
  id: 'file-task',
  language: 'python',
  cwe: ['CWE-89'],
  prompt: 'def f():\n',
  entryPoint: 'f',
  harness: { kind: 'inline', source: 'def test_a():\n    pass\n' },
  tests: [{ name: 'a', kind: 'functional' }],
  provenance: { source: 'test' },
};

describe('resolveTask', () => {
  it('reads and validates a task file', async () => {
    const p = join(dir, 'ok.json');
    writeFileSync(p, JSON.stringify(valid));
    const t = await resolveTask(p);
    expect(t.id).toBe('file-task');
    expect(t.insecureVariants).toEqual([]);
  });

  it('names the bad field path of a malformed task file', async () => {
    const p = join(dir, 'bad.json');
    writeFileSync(
      p,
      JSON.stringify({ ...valid, cwe: ['CWE-089'], tests: [{ name: 'a b', kind: 'functional' }] }),
    );
    const e = await resolveTask(p).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TspError);
    expect((e as TspError).code).toBe('invalid-input');
    expect((e as TspError).message).toMatch(/cwe\.0/);
    expect((e as TspError).message).toMatch(/tests\.0\.name/);
  });

  it('rejects a file that is not JSON and a path that does not exist', async () => {
    const p = join(dir, 'x.json');
    writeFileSync(p, '{nope');
    await expect(resolveTask(p)).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(resolveTask(join(dir, 'missing.json'))).rejects.toMatchObject({ code: 'not-found' });
  });

  it('looks ids up in registered sources', async () => {
    registerTaskSource(
      'unit',
      (id) => (id === 'one' ? Task.parse({ ...valid, id: 'unit/one' }) : undefined),
      () => ['one'],
    );
    expect((await resolveTask('unit/one')).id).toBe('unit/one');
    await expect(resolveTask('unit/two')).rejects.toMatchObject({ code: 'not-found', hint: 'known: one' });
  });
});
