import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractPythonUnsafe, findEntryPoint, hasOwnMain, splitCwevalSource } from './cweval-source.ts';
import { loadCweval, pathExists, resolveBenchmarksDir } from './load-cweval.ts';

const C_TASK = `#include <stdio.h>

// BEGIN PROMPT
/** Add two numbers. */
int add(int a, int b) {
    // BEGIN SOLUTION
    return a + b;
}

// BEGIN ENTRYPOINT
int main(int argc, char *argv[]) {
    printf("%d", add(1, 2));
    return 0;
}
`;

const PY_TASK = `def get_x(p: str) -> str:
    '''Doc.'''
    # BEGIN SOLUTION
    return p
`;

const PY_TEST = `import os
import pytest
from cwe_001_0_task import get_x
from lxml import etree


def get_x_unsafe(p: str) -> str:
    x = p

    return x + '!'


def helper():
    pass


@pytest.mark.parametrize('a', [pytest.param(1, marks=pytest.mark.functionality)])
def test_get_x(a):
    assert get_x(a)
`;

describe('CWEval source parsing', () => {
  it('splits prompt, solution and entry point by markers', () => {
    const p = splitCwevalSource(C_TASK);
    expect(p?.prompt).toBe('#include <stdio.h>\n\n/** Add two numbers. */\nint add(int a, int b) {\n');
    expect(p?.solution).toBe('    return a + b;\n}\n\n');
    expect(p?.entrypoint.startsWith('int main(')).toBe(true);
    const py = splitCwevalSource(PY_TASK);
    expect(py?.prompt).toBe("def get_x(p: str) -> str:\n    '''Doc.'''\n");
    expect(py?.entrypoint).toBe('');
    expect(splitCwevalSource('no markers')).toBeUndefined();
  });

  it('finds the entry point in each language', () => {
    expect(findEntryPoint('int helper(int x) {\n}\nchar *read_file(const char *a, size_t n) {\n', 'c')).toBe(
      'read_file',
    );
    expect(findEntryPoint('std::string f(const std::map<int, int>& m) {\n', 'cpp')).toBe('f');
    expect(findEntryPoint('func (s *S) m() {}\nfunc readFile(a, b string) string {\n', 'go')).toBe(
      'readFile',
    );
    expect(findEntryPoint('const x = 1;\nasync function get_ls(dir) {\n', 'javascript')).toBe('get_ls');
    expect(findEntryPoint('def a():\n  pass\ndef b(x):\n', 'python')).toBe('b');
  });

  it('extracts the Python unsafe reference as a module', () => {
    const [m, more] = extractPythonUnsafe(PY_TEST, 'get_x', 'cwe_001_0_task');
    expect(more).toBeUndefined();
    expect(m).toContain('import os\nfrom lxml import etree');
    expect(m).not.toContain('cwe_001_0_task');
    expect(m).toContain("def get_x(p: str) -> str:\n    x = p\n\n    return x + '!'\n");
    expect(m).not.toContain('helper');
  });

  it('detects programs with their own main', () => {
    expect(hasOwnMain(C_TASK, 'c')).toBe(true);
    expect(hasOwnMain('int add(int a);', 'c')).toBe(false);
    expect(hasOwnMain('package main\nfunc main() {}', 'go')).toBe(true);
    expect(hasOwnMain('if (require.main === module) {}', 'javascript')).toBe(true);
  });
});

describe('loadCweval on a fixture', () => {
  it('builds pytest-harness tasks with references', async () => {
    const root = await mkdtemp(join(tmpdir(), 'cweval-fixture-'));
    await mkdir(join(root, 'benchmark/core/c'), { recursive: true });
    await mkdir(join(root, 'benchmark/core/py'), { recursive: true });
    await writeFile(join(root, 'benchmark/core/c/cwe_020_0_c_task.c'), C_TASK);
    await writeFile(join(root, 'benchmark/core/c/cwe_020_0_c_unsafe.c'), C_TASK.replace('a + b', 'a - b'));
    await writeFile(join(root, 'benchmark/core/c/cwe_020_0_c_test.py'), '');
    await writeFile(join(root, 'benchmark/core/py/cwe_001_0_task.py'), PY_TASK);
    await writeFile(join(root, 'benchmark/core/py/cwe_001_0_test.py'), PY_TEST);
    const tasks = await loadCweval(root);
    expect(tasks.map((t) => t.id)).toEqual(['cweval/core/py/cwe_001_0', 'cweval/core/c/cwe_020_0_c']);
    const [py, c] = tasks;
    expect(py?.harness).toEqual({
      kind: 'pytest',
      testFile: join(root, 'benchmark/core/py/cwe_001_0_test.py'),
      sampleName: 'cwe_001_0_task',
    });
    expect(py?.cwe).toEqual(['CWE-1']);
    expect(py?.insecureVariants).toHaveLength(1);
    expect(c?.entryPoint).toBe('add');
    expect(c?.cwe).toEqual(['CWE-20']);
    expect(c?.secureReference).toBe(`${c?.prompt}    return a + b;\n}\n\n`);
    expect(c?.insecureVariants[0]).toContain('a - b');
    expect(c?.insecureVariants[0]).not.toContain('BEGIN');
    expect(c?.tests.map((t) => t.kind)).toEqual(['functional', 'security']);
  });
});

const cwevalDir = join(resolveBenchmarksDir(), 'CWEval');
const haveCweval = await pathExists(cwevalDir);
if (!haveCweval && process.env.CI)
  throw new Error(`CWEval benchmark missing at ${cwevalDir} (required in CI)`);

describe.skipIf(!haveCweval)(
  `loadCweval on the real benchmark (${haveCweval ? cwevalDir : 'missing: skipped'})`,
  () => {
    it('loads all 119 tasks in five languages with a reference each', async () => {
      const tasks = await loadCweval(cwevalDir);
      const per: Record<string, number> = {};
      for (const t of tasks) per[t.language] = (per[t.language] ?? 0) + 1;
      expect(per).toEqual({ python: 25, c: 31, cpp: 21, go: 19, javascript: 23 });
      expect(tasks.every((t) => t.secureReference?.startsWith(t.prompt))).toBe(true);
      expect(new Set(tasks.map((t) => t.id)).size).toBe(119);
      // every prompt names its entry point, and the entry point appears in the test file's target
      expect(tasks.filter((t) => !t.prompt.includes(t.entryPoint))).toEqual([]);
      const withUnsafe = tasks.filter((t) => t.insecureVariants.length > 0).length;
      expect(withUnsafe).toBeGreaterThanOrEqual(110);
    });
  },
);
