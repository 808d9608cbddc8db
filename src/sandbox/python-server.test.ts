import { afterAll, describe, expect, it } from 'vitest';
import { resolveLimits } from './limits.ts';
import { PythonServer } from './python-server.ts';
import { acquireUid, releaseUid } from './uids.ts';

const uid = await acquireUid();
const server = new PythonServer(uid);
afterAll(async () => {
  await server.close();
  releaseUid(uid);
});
const limits = resolveLimits({ testTimeoutMs: 1000, sampleTimeoutMs: 3000 });

function run(harness: string, tests: string[], solution = 'X = 1\n') {
  return server.run({
    files: { 'solution.py': solution, 'harness.py': harness },
    module: 'harness',
    tests,
    limits,
    checkSyntax: 'solution.py',
  });
}

describe('PythonServer', () => {
  it('reports pass, fail, error, timeout and crash per test, and keeps going after a hang or a crash', async () => {
    const r = await run(
      'import os\nfrom solution import X\n' +
        'def test_ok():\n    assert X == 1\n' +
        'def test_bad():\n    assert X == 2, "X is not 2"\n' +
        'def test_raise():\n    raise KeyError("k")\n' +
        'def test_hang():\n    while True: pass\n' +
        'def test_die():\n    os._exit(9)\n' +
        'def test_after():\n    assert X == 1\n',
      ['ok', 'bad', 'raise', 'hang', 'die', 'after', 'missing'],
    );
    expect(r.tests.map((t) => [t.name, t.status])).toEqual([
      ['ok', 'pass'],
      ['bad', 'fail'],
      ['raise', 'error'],
      ['hang', 'timeout'],
      ['die', 'crash'],
      ['after', 'pass'],
      ['missing', 'error'],
    ]);
    expect(r.tests[1]?.message).toMatch(/X is not 2/);
  });

  it('reports a syntax error of the solution as a failed build', async () => {
    const r = await run('from solution import X\ndef test_ok():\n    pass\n', ['ok'], 'def broken(:\n');
    expect(r.build.ok).toBe(false);
    expect(r.build.log).toMatch(/SyntaxError/);
    expect(r.tests[0]?.status).toBe('error');
  });

  it('gives each sample a clean slate: no files, no /tmp leftovers, no modules, no processes of the previous one', async () => {
    const a = await run(
      'import os, subprocess, sys\n' +
        'def test_plant():\n' +
        "    open('/tmp/planted', 'w').write('x')\n" +
        "    os.makedirs('/work/s999', exist_ok=True)\n" +
        "    open('left.txt', 'w').write('x')\n" +
        "    sys.modules['json'].dumps = lambda *a, **k: 'hijacked'\n" +
        "    subprocess.Popen(['sleep', '1000'], start_new_session=True)\n",
      ['plant'],
    );
    expect(a.tests[0], a.tests[0]?.message).toMatchObject({ status: 'pass' });
    const b = await run(
      'import os, json\n' +
        'def test_clean():\n' +
        "    assert not os.path.exists('/tmp/planted')\n" +
        "    assert not os.path.exists('left.txt')\n" +
        "    assert json.dumps(1) == '1'\n" +
        "    others = [p for p in os.listdir('/proc') if p.isdigit() and int(p) not in (1, os.getpid(), os.getppid())]\n" +
        "    assert [open('/proc/%s/cmdline' % p).read() for p in others if 'sleep' in open('/proc/%s/cmdline' % p).read()] == []\n",
      ['clean'],
    );
    expect(b.tests[0], b.tests[0]?.message).toMatchObject({ status: 'pass' });
  });

  it('restarts after a sample kills it', async () => {
    const starts = server.starts;
    const r = await run('import os\ndef test_kill():\n    os.kill(os.getppid(), 9)\n', ['kill']);
    expect(r.serverDied).toBeDefined();
    expect(r.tests[0]?.status).toBe('crash');
    const after = await run('def test_ok():\n    pass\n', ['ok']);
    expect(after.tests[0]?.status).toBe('pass');
    expect(server.starts).toBe(starts + 1);
  });
});
