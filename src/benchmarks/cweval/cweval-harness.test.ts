import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  composeProgram,
  cwevalVerdict,
  runCwevalSample,
  scoreCwevalRun,
  testNameOf,
} from './cweval-harness.ts';
import { loadCweval, pathExists, resolveBenchmarksDir } from './load-cweval.ts';

describe('CWEval harness pieces', () => {
  it('appends the entry point unless the sample has its own main', () => {
    const main = 'int main(int argc, char **argv) { return 0; }\n';
    expect(composeProgram('c', 'int f(void) { return 1; }', main)).toBe(
      `int f(void) { return 1; }\n\n${main}`,
    );
    expect(composeProgram('c', `int f(void);\n${main}`, main)).toBe(`int f(void);\n${main}`);
    expect(composeProgram('python', 'def f(): pass', 'ignored')).toBe('def f(): pass');
    expect(composeProgram('go', 'package main\nfunc f() {}\n', 'func main() { f() }\n')).toContain(
      'func main()',
    );
    expect(composeProgram('javascript', 'function f() {}', '', false)).toBe('function f() {}');
  });
  it('shortens huge parametrized test names stably', () => {
    const long = `f.py::test_x[${'AA.'.repeat(1000)}-False]`;
    const a = testNameOf(long);
    expect(a.length).toBeLessThan(200);
    expect(a).toBe(testNameOf(long));
    expect(a).not.toBe(testNameOf(long.replace('False', 'True')));
    expect(testNameOf('f.py::test_y[1-2]')).toBe('test_y[1-2]');
  });
});

const cwevalDir = join(resolveBenchmarksDir(), 'CWEval');
const have = await pathExists(cwevalDir);
if (!have && process.env.CI) throw new Error(`CWEval benchmark missing at ${cwevalDir} (required in CI)`);

describe.skipIf(!have)(
  `CWEval harness in the sandbox (${have ? cwevalDir : 'CWEval missing: skipped'})`,
  () => {
    it('scores the Python and C references of CWE-22/78 the way CWEval does', async () => {
      const tasks = await loadCweval(cwevalDir);
      const py = tasks.find((t) => t.id === 'cweval/core/py/cwe_078_0');
      const c = tasks.find((t) => t.id === 'cweval/core/c/cwe_022_0_c');
      if (!py || !c) throw new Error('tasks missing');
      const [pySafe, pyUnsafe, cSafe, cUnsafe, cBroken] = await Promise.all([
        runCwevalSample(py, py.secureReference ?? ''),
        runCwevalSample(py, py.insecureVariants[0] ?? ''),
        runCwevalSample(c, c.secureReference ?? ''),
        runCwevalSample(c, c.insecureVariants[0] ?? '', { completeProgram: true }),
        runCwevalSample(c, `${c.prompt} return 0 +; }`),
      ]);
      expect(scoreCwevalRun(pySafe!)).toEqual({ functional: true, secure: true, securePass: true });
      expect(pySafe!.tests.filter((t) => t.kind === 'functional')).toHaveLength(3);
      expect(pySafe!.tests.filter((t) => t.kind === 'security')).toHaveLength(4);
      // CWEval's own self-tests of its unsafe reference are not the sample's tests
      expect(pySafe!.tests.some((t) => t.name.includes('unsafe'))).toBe(false);
      expect(scoreCwevalRun(pyUnsafe!)).toEqual({ functional: true, secure: false, securePass: false });
      expect(pyUnsafe!.tests.filter((t) => t.kind === 'security').every((t) => t.status === 'fail')).toBe(
        true,
      );
      expect(scoreCwevalRun(cSafe!).securePass).toBe(true);
      expect(cSafe!.build.ok).toBe(true);
      expect(scoreCwevalRun(cUnsafe!)).toEqual({ functional: true, secure: false, securePass: false });
      expect(cBroken!.build.ok).toBe(false);
      expect(cBroken!.build.log).toMatch(/error/);
      const v = cwevalVerdict(c, { sampleId: 's1' }, cUnsafe!);
      expect(v).toMatchObject({
        taskId: c.id,
        sampleId: 's1',
        secureBy: 'dynamic',
        functional: true,
        secure: false,
      });
    });
  },
);
