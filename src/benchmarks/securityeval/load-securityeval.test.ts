import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TspError } from '../../spec/errors.ts';
import { languageOfFile, loadSecurityEval, parseSecurityEval } from './load-securityeval.ts';

// A small fixture in SecurityEval's format (written for this test, not copied from the data set).
const FIXTURE = [
  {
    ID: 'CWE-078_fixture_1.py',
    Prompt: 'import subprocess\n\ndef list_dir(path):\n    """List a directory given by the user."""\n',
    Insecure_code:
      'import subprocess\n\ndef list_dir(path):\n    return subprocess.check_output("ls " + path, shell=True)\n',
  },
  { ID: 'CWE-089_fixture_2.py', Prompt: 'def find_user(db, name):\n' },
  { ID: 'CWE-119_fixture_3.c', Prompt: '#include <string.h>\n\nvoid copy(char *dst, const char *src) {\n' },
  { ID: 'CWE-022_fixture_4.rb', Prompt: 'def read(path)\n' },
  { ID: 'CWE-089_fixture_2.py', Prompt: 'duplicate' },
  { Prompt: 'no id' },
];

describe('SecurityEval-format loader', () => {
  it('reads records into static-only tasks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'secev-'));
    const file = join(dir, 'prompts.jsonl');
    await writeFile(file, `${FIXTURE.map((r) => JSON.stringify(r)).join('\n')}\n{not json\n`);
    const { tasks, skipped } = await loadSecurityEval(file);
    expect(tasks.map((t) => t.id)).toEqual([
      'securityeval/CWE-078_fixture_1.py',
      'securityeval/CWE-089_fixture_2.py',
      'securityeval/CWE-119_fixture_3.c',
    ]);
    const [a, b, c] = tasks;
    expect(a?.cwe).toEqual(['CWE-78']);
    expect(a?.harness).toEqual({ kind: 'none' });
    expect(a?.tests).toEqual([]);
    expect(a?.entryPoint).toBe('list_dir');
    expect(a?.insecureVariants[0]).toContain('shell=True');
    expect(b?.insecureVariants).toEqual([]);
    expect(c?.language).toBe('c');
    expect(c?.entryPoint).toBe('copy');
    expect(skipped.map((s) => s.reason)).toEqual([
      'language not supported by TSP',
      'duplicate ID',
      expect.stringContaining('missing ID'),
      'not JSON',
    ]);
  });

  it('uses the default language for IDs without an extension', () => {
    const { tasks } = parseSecurityEval(JSON.stringify({ ID: 'CWE-079_x', Prompt: 'function f(a) {\n' }), {
      defaultLanguage: 'javascript',
      source: 'mine',
    });
    expect(tasks[0]?.language).toBe('javascript');
    expect(tasks[0]?.id).toBe('mine/CWE-079_x');
    expect(tasks[0]?.provenance.source).toBe('mine');
  });

  it('maps extensions and fails clearly on a missing file', async () => {
    expect(languageOfFile('a.cc')).toBe('cpp');
    expect(languageOfFile('a.java')).toBeUndefined();
    await expect(loadSecurityEval('/nonexistent/x.jsonl')).rejects.toBeInstanceOf(TspError);
  });
});
