import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createOracle } from '../../oracle/oracle.ts';
import {
  aggregateCwevalTests,
  type CwevalRun,
  composeProgram,
  cwevalVerdict,
  runCwevalSample,
  scoreCwevalRun,
  testNameOf,
} from './cweval-harness.ts';
import { loadCweval, pathExists, resolveBenchmarksDir } from './load-cweval.ts';
import { registerCweval } from './register-cweval.ts';

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
  it('folds parameters into the functionality and security specs the oracle matches', () => {
    const run: CwevalRun = {
      build: { ok: true, durationMs: 1 },
      tests: [
        { name: 'test_a[1]', kind: 'functional', status: 'pass', durationMs: 2 },
        { name: 'test_a[2]', kind: 'security', status: 'fail', message: 'leak', durationMs: 3 },
        { name: 'test_a[3]', kind: 'security', status: 'timeout', durationMs: 4 },
      ],
      sanitizer: [],
      harnessErrors: [],
      pytestExit: 1,
      durationMs: 10,
    };
    const [f, s] = aggregateCwevalTests(run);
    expect(f).toMatchObject({ name: 'functionality', kind: 'functional', status: 'pass', durationMs: 2 });
    expect(s).toMatchObject({ name: 'security', kind: 'security', status: 'timeout' });
    expect(s?.message).toBe('2/2 failed: test_a[2] fail (leak); test_a[3] timeout');
    const [none] = aggregateCwevalTests({ ...run, tests: [] });
    expect(none?.status).toBe('error');
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

    it('runs through the oracle once registered (pytest harness kind, cweval/ task ids)', async () => {
      registerCweval({ cwevalDir });
      const { resolveTask } = await import('../../oracle/task-sources.ts');
      const task = await resolveTask('cweval/core/py/cwe_078_0');
      const oracle = await createOracle({ slots: 2 });
      try {
        const [good, bad] = await oracle.judgeMany([
          { task, sample: { taskId: task.id, code: task.secureReference ?? '' } },
          { task, sample: { taskId: task.id, code: task.insecureVariants[0] ?? '' } },
        ]);
        expect(good).toMatchObject({ functional: true, secure: true, securePass: true, oracleErrors: [] });
        expect(bad).toMatchObject({ functional: true, secure: false, securePass: false });
        expect(bad?.tests.find((t) => t.name === 'security')?.message).toMatch(/^4\/4 failed/);
      } finally {
        await oracle.close();
      }
    });
  },
);
