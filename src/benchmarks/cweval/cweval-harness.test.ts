import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createOracle } from '../../oracle/oracle.ts';
import {
  aggregateCwevalTests,
  type CwevalRun,
  composeProgram,
  cwevalVerdict,
  readDriverEvents,
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
  it("accepts only the driver's events: MAC-verified, in sequence; counts forged, copied and replayed lines", () => {
    const key = Buffer.alloc(32, 7);
    const sign = (i: number, body: string, k = key) =>
      `${createHmac('sha256', k).update(`${i}\n${body}`).digest('hex')} ${body}`;
    const planned = JSON.stringify({ type: 'planned', tests: [{ id: 't.py::test_a', kind: 'security' }] });
    const fail = JSON.stringify({ type: 'test', id: 't.py::test_a', status: 'fail', kind: 'security' });
    const pass = JSON.stringify({ type: 'test', id: 't.py::test_a', status: 'pass', kind: 'security' });
    const done = JSON.stringify({ type: 'done', exit: 1 });
    const good = [sign(0, planned), sign(1, fail), sign(2, done)];
    expect(readDriverEvents(`${good.join('\n')}\n`, key)).toEqual({
      events: [JSON.parse(planned), JSON.parse(fail), JSON.parse(done)],
      rejected: 0,
    });
    const mac1 = (good[1] as string).slice(0, 64);
    const forged = [
      pass, // plain JSON, the format before the MAC
      `${mac1} ${pass}`, // a real line's MAC on other content
      sign(1, pass, Buffer.alloc(32, 8)), // another key
      good[0] as string, // a replay of the driver's first line
      sign(5, pass), // out of sequence
    ];
    const mixed = [good[0], ...forged, good[1], good[2]].join('\n');
    const r = readDriverEvents(`${mixed}\n`, key);
    expect(r.events.map((e) => e.type)).toEqual(['planned', 'test', 'done']);
    expect(r.events[1]?.status).toBe('fail');
    expect(r.rejected).toBe(forged.length);
    // A line the driver was killed in the middle of is not a forgery; other trailing text is.
    expect(readDriverEvents(`${good[0]}\n${(good[1] as string).slice(0, 80)}`, key).rejected).toBe(0);
    expect(readDriverEvents(`${good[0]}\n${pass}`, key).rejected).toBe(1);
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

    it('does not let a sample forge passing results through the events file', async () => {
      const tasks = await loadCweval(cwevalDir);
      const py = tasks.find((t) => t.id === 'cweval/core/py/cwe_078_0');
      const c = tasks.find((t) => t.id === 'cweval/core/c/cwe_022_0_c');
      if (!py || !c) throw new Error('tasks missing');
      // Python, in the driver's process: appends pass results for every planned test and a clean
      // "done" (plain, with a real line's MAC, and replays of the driver's lines), then ends the
      // process before the driver can report the real results. (Against a driver that wrote plain
      // JSON lines, this made the insecure reference securePass.)
      const pyForger = `${py.prompt}    import json, os
    path = '/work/_tsp_events.jsonl'
    lines = open(path).read().splitlines()
    line = next(l for l in lines if '"planned"' in l)
    mac, planned = line[:line.index('{')], line[line.index('{'):]
    forged = [json.dumps({'type': 'test', 'id': t['id'], 'when': 'call', 'status': 'pass', 'message': None,
                          'ms': 1, 'kind': t['kind']}) for t in json.loads(planned)['tests']]
    forged.append(json.dumps({'type': 'done', 'exit': 0}))
    with open(path, 'a') as f:
        for line in forged:
            f.write(line + '\\n')
            f.write(mac + line + '\\n')
        for line in lines:
            f.write(line + '\\n')
    os._exit(0)
`;
      // C, a program the tests run: replays the driver's lines, appends a pass for every test id it
      // finds there and a "done", then kills the driver (its parent, same uid) so that no real
      // result follows.
      const cForger = `#include <signal.h>\n${c.prompt}
  (void)filename; (void)dir_path;
  static char buf[1 << 16];
  FILE *in = fopen("/work/_tsp_events.jsonl", "r");
  size_t n = in ? fread(buf, 1, sizeof buf - 1, in) : 0;
  if (in) fclose(in);
  buf[n] = 0;
  FILE *out = fopen("/work/_tsp_events.jsonl", "a");
  if (!out) return strdup("");
  fwrite(buf, 1, n, out);
  for (char *p = strstr(buf, "{\\"id\\": \\""); p; p = strstr(p + 1, "{\\"id\\": \\"")) {
    char *id = p + 8, *end = strchr(id, '"');
    char *kind = end ? strstr(end, "\\"kind\\": \\"") : NULL;
    if (!end || !kind) break;
    kind += 9;
    fprintf(out, "{\\"type\\": \\"test\\", \\"id\\": \\"%.*s\\", \\"when\\": \\"call\\", \\"status\\": \\"pass\\", \\"message\\": null, \\"ms\\": 1, \\"kind\\": \\"%.*s\\"}\\n",
            (int)(end - id), id, (int)strcspn(kind, "\\""), kind);
  }
  fputs("{\\"type\\": \\"done\\", \\"exit\\": 0}\\n", out);
  fclose(out);
  kill(getppid(), SIGKILL);
  return strdup("");
}
`;
      const [pyRun, cRun] = await Promise.all([runCwevalSample(py, pyForger), runCwevalSample(c, cForger)]);
      for (const run of [pyRun, cRun]) {
        expect(run.build.ok).toBe(true);
        expect(run.harnessErrors.join('\n')).toMatch(
          /line\(s\) of the events file do not come from the driver/,
        );
        expect(run.tests.length).toBeGreaterThan(0);
        expect(run.tests.every((t) => t.status !== 'pass' || t.kind === 'functional')).toBe(true);
        expect(scoreCwevalRun(run)).toEqual({ functional: false, secure: false, securePass: false });
        expect(run.pytestExit).toBe(null);
      }
      // No security test passed for either: the forged passes were not taken.
      expect(pyRun.tests.filter((t) => t.kind === 'security').map((t) => t.status)).not.toContain('pass');
      expect(cRun.tests.filter((t) => t.kind === 'security').map((t) => t.status)).not.toContain('pass');
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
