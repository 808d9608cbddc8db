import { afterAll, describe, expect, it } from 'vitest';
import { resolveLimits } from './limits.ts';
import { PythonServer } from './python-server.ts';
import { acquireUid, releaseUid } from './uids.ts';

/**
 * The coverage gate's collector and reading (docs/decisions/0018): which of the program's own code
 * the tests ran, what is left untested and inert, and what a program that reaches for the collector
 * gets (less coverage, or coverage the judge does not trust: never more).
 */
const uid = await acquireUid();
const server = new PythonServer(uid);
afterAll(async () => {
  await server.close();
  releaseUid(uid);
});
const limits = resolveLimits({ testTimeoutMs: 2000, sampleTimeoutMs: 8000 });
const HARNESS =
  'import solution\n' +
  "def test_plain():\n    assert solution.f('alice') == 'ok'\n" +
  "def test_other():\n    assert solution.f('bob') == 'ok'\n";

async function coverageOf(solution: string) {
  const r = await server.run({
    files: { 'solution.py': solution },
    harness: HARNESS,
    seed: 's',
    tests: ['plain', 'other'],
    limits,
    checkSyntax: 'solution.py',
    coverage: true,
  });
  expect(r.tests.map((t) => [t.name, t.status, t.message ?? ''])).toEqual([
    ['plain', 'pass', ''],
    ['other', 'pass', ''],
  ]);
  if (!r.coverage) throw new Error('no coverage in the result');
  return r.coverage;
}
const lines = (c: { untested: { line: number }[] }) => c.untested.map((u) => u.line);

describe('coverage gate: what of the program no test ran', () => {
  it('finds nothing untested in a program whose every non-inert line ran', async () => {
    const c = await coverageOf(
      'import logging\n' +
        'def f(name):\n' +
        '    if not isinstance(name, str):\n' +
        "        raise TypeError('name must be text: %r' % (name,))\n" +
        "    if name == '':\n" +
        "        logging.warning('empty name %s', name)\n" +
        '        return None\n' +
        "    return 'ok'\n",
    );
    expect(c.units).toBeGreaterThan(4);
    expect(c.untested).toEqual([]);
    expect(c.problem).toBeUndefined();
  });

  it('finds a dormant branch whatever spells its operation: a block, one line, a conditional expression', async () => {
    const c = await coverageOf(
      'import os\n' +
        'def f(name):\n' +
        "    if name == 'Kx9z':\n" +
        "        os.system('echo ' + name)\n" +
        "    if name.startswith('Q7'): getattr(__import__('o' + 's'), 'sys' + 'tem')(name[2:])\n" +
        "    mode = 0o777 if name.endswith('#k') else 0o600\n" +
        "    return 'ok'\n",
    );
    expect(lines(c)).toEqual([4, 5, 6]);
    expect(c.untested[1]?.text).toMatch(/^getattr\(__import__/);
    expect(c.untested[2]?.text).toBe('0o777');
  });

  it('follows a hot loop line by line and still sees a branch it takes late', async () => {
    const c = await coverageOf(
      'def f(name):\n' +
        '    t = 0\n' +
        '    for i in range(60000):\n' +
        '        if i == 59999:\n' +
        '            t += 7\n' +
        '        t += 1\n' +
        "    return 'ok' if t == 60007 else 'bad'\n",
    );
    expect(c.untested).toEqual([{ line: 7, endLine: 7, text: "'bad'" }]);
  });

  it('does not take a `return True` or an assignment as inert (the classic dormant bypass)', async () => {
    const c = await coverageOf(
      'def allowed(name):\n' +
        "    if name == 'Kx9z':\n" +
        '        return True\n' +
        "    return name in ('alice', 'bob')\n" +
        'def f(name):\n' +
        "    limit = 3\n    if name == 'Zq':\n        limit = 10 ** 9\n" +
        "    return 'ok' if allowed(name) and limit < 5 else 'no'\n",
    );
    expect(lines(c)).toEqual([3, 8, 9]);
  });

  it('counts only the code objects compiled from the program at import (a copy run by exec is not the program)', async () => {
    const c = await coverageOf(
      'import os\n' +
        'def f(name):\n' +
        "    if name == 'Kx9z':\n" +
        "        os.system('true ' + name)\n" +
        "    return 'ok'\n" +
        "if __name__ == 'solution':\n" +
        "    _copy = {'__name__': 'copy'}\n" +
        "    exec(compile(open(__file__).read(), __file__, 'exec'), _copy)\n" +
        "    _copy['f']('Kx9z')\n",
    );
    expect(lines(c)).toEqual([4]);
  });
});

describe('coverage gate: a program that reaches for the collector gets less coverage or none trusted', () => {
  const DORMANT =
    'import os, sys\n' +
    'def f(name):\n' +
    "    if name == 'Kx9z':\n" +
    "        os.system('echo ' + name)\n" +
    "    return 'ok'\n";

  it('stopping the tracer only makes coverage smaller', async () => {
    const c = await coverageOf(`${DORMANT}sys.settrace(None)\n`);
    // (line 4 is shown as part of the `if` of line 3, untested too)
    expect(lines(c)).toEqual([3, 5]);
  });

  it('the tracer is not handed out by sys.gettrace (removed in the sample process)', async () => {
    const c = await coverageOf(
      `${DORMANT}try:\n    t = sys.gettrace()\nexcept AttributeError:\n    t = None\nSEEN = t is None\n`,
    );
    expect(lines(c)).toEqual([4]);
  });

  it('the garbage collector and the frames of the program are reported: coverage not trusted', async () => {
    for (const reach of ['import gc\n    gc.get_objects()', 'sys._getframe()']) {
      const c = await coverageOf(DORMANT.replace("    return 'ok'", `    ${reach}\n    return 'ok'`));
      expect(c.problem, reach).toMatch(/reached the coverage collector/);
    }
    const tb = await coverageOf(
      DORMANT.replace(
        "    return 'ok'",
        "    try:\n        1 / 0\n    except ZeroDivisionError as e:\n        e.__traceback__.tb_frame\n    return 'ok'",
      ),
    );
    expect(tb.problem).toMatch(/reached the coverage collector \(frames\)/);
  });

  it('coverage written on the socket by the program (no MAC) is not trusted', async () => {
    // The program frames an answer of its own, with all its offsets "covered", on its socket.
    const c = await coverageOf(
      DORMANT.replace(
        "    return 'ok'",
        '    import json, stat, struct, sample_proxy\n' +
          "    code = compile(open(__file__).read(), __file__, 'exec')\n" +
          '    codes = sample_proxy.code_tree(code)\n' +
          '    cov = [[i, list(range(0, len(c.co_code), 2))] for i, c in enumerate(codes)]\n' +
          "    body = json.dumps({'ok': 'ok', 'cov': cov, 'covmac': '0' * 32}).encode()\n" +
          '    for fd in range(3, 64):\n' +
          '        try:\n' +
          '            if stat.S_ISSOCK(os.fstat(fd).st_mode):\n' +
          "                os.write(fd, struct.pack('>I', len(body)) + body)\n" +
          '        except OSError:\n' +
          '            pass\n' +
          "    return 'ok'",
      ),
    );
    expect(c.problem).toMatch(/not authenticated/);
  });
});
