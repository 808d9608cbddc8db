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
const limits = resolveLimits({ testTimeoutMs: 1000, sampleTimeoutMs: 4000 });

function run(harness: string, tests: string[], solution = 'def one():\n    return 1\n', seed = 's') {
  return server.run({
    files: { 'solution.py': solution },
    harness,
    seed,
    tests,
    limits,
    checkSyntax: 'solution.py',
  });
}

const statuses = (r: Awaited<ReturnType<typeof run>>) => r.tests.map((t) => [t.name, t.status]);

describe('PythonServer: the observer decides, the sample runs in another process', () => {
  it('reports pass, fail, error, timeout and crash per test, and keeps going after a hang or a crash', async () => {
    const r = await run(
      'import solution\n' +
        'def test_ok():\n    assert solution.one() == 1\n' +
        'def test_bad():\n    assert solution.one() == 2, "one is not 2"\n' +
        'def test_raise():\n    solution.boom()\n' +
        'def test_hang():\n    solution.hang()\n' +
        'def test_die():\n    solution.die()\n' +
        'def test_after():\n    assert solution.one() == 1\n',
      ['ok', 'bad', 'raise', 'hang', 'die', 'after', 'missing'],
      'import os\ndef one():\n    return 1\ndef boom():\n    raise KeyError("k")\n' +
        'def hang():\n    while True: pass\ndef die():\n    os._exit(0)\n',
    );
    expect(statuses(r)).toEqual([
      ['ok', 'pass'],
      ['bad', 'fail'],
      ['raise', 'error'],
      ['hang', 'timeout'],
      ['die', 'crash'],
      ['after', 'pass'],
      ['missing', 'error'],
    ]);
    expect(r.tests[1]?.message).toMatch(/one is not 2/);
    expect(r.tests[2]?.message).toMatch(/KeyError/);
  });

  it('reports a syntax error of the solution as a failed build, an import error on every test', async () => {
    const r = await run('import solution\ndef test_ok():\n    solution.one()\n', ['ok'], 'def broken(:\n');
    expect(r.build.ok).toBe(false);
    expect(r.build.log).toMatch(/SyntaxError/);
    const imp = await run(
      'import solution\ndef test_ok():\n    solution.one()\n',
      ['ok'],
      'import no_such_mod\n',
    );
    expect(imp.tests[0]).toMatchObject({ status: 'error' });
    expect(imp.tests[0]?.message).toMatch(/does not import/);
  });

  it('a harness that catches Exception around a call cannot mistake a dead or broken sample for a refused attack', async () => {
    const harness =
      'import solution\n' +
      'def test_attack():\n    try:\n        solution.f()\n    except Exception:\n        pass\n';
    const dead = await run(harness, ['attack'], 'import os\ndef f():\n    os._exit(0)\n');
    expect(dead.tests[0]?.status).toBe('crash');
    const broken = await run(harness, ['attack'], 'raise SystemExit(0)\n');
    expect(broken.tests[0]?.status).toBe('error');
    const refused = await run(harness, ['attack'], 'def f():\n    raise ValueError("no")\n');
    expect(refused.tests[0]?.status).toBe('pass');
    const swallowing =
      'import solution\n' +
      'def test_attack():\n    try:\n        solution.f()\n    except BaseException:\n        pass\n';
    const deadAnyway = await run(swallowing, ['attack'], 'import os\ndef f():\n    os._exit(0)\n');
    expect(deadAnyway.tests[0]?.status).toBe('crash');
  });

  it('patching modules, builtins or frames in the sample cannot change what the observer sees', async () => {
    const solution =
      'import os, sys, builtins, gc\n' +
      'os.path.exists = lambda p: False\n' +
      "import json\njson.dumps = lambda *a, **k: 'hijacked'\nbuiltins.print = None\n" +
      "sys.modules['harness'] = None\n" +
      'def touch(p):\n    open(p, "w").write("x")\n    return "ok"\n';
    const r = await run(
      'import os, solution\n' +
        "def test_sees_file():\n    assert solution.touch('made.txt') == 'ok'\n    assert os.path.exists('made.txt')\n    assert len([1, 2]) == 2\n",
      ['sees_file'],
      solution,
    );
    expect(r.tests[0], r.tests[0]?.message).toMatchObject({ status: 'pass' });
  });

  it('answers are plain values: a result whose __eq__ is always true compares as what it is', async () => {
    const r = await run(
      'import solution\n' +
        "def test_eq():\n    v = solution.liar()\n    assert v != 'secret', repr(v)\n    assert v == 'x'\n" +
        'def test_opaque():\n    v = solution.obj()\n    assert v != 42\n',
      ['eq', 'opaque'],
      'class S(str):\n    def __eq__(self, o):\n        return True\n    def __ne__(self, o):\n        return False\n' +
        "def liar():\n    return S('x')\n" +
        'class O:\n    def __eq__(self, o):\n        return True\n' +
        'def obj():\n    return O()\n',
    );
    expect(statuses(r)).toEqual([
      ['eq', 'pass'],
      ['opaque', 'pass'],
    ]);
  });

  it('observer-owned sqlite3 connections stay in the observer; only their query methods reach the sample', async () => {
    const harness =
      'import sqlite3, solution\n' +
      'def _db():\n    c = sqlite3.connect(":memory:")\n    c.execute("CREATE TABLE t (v TEXT)")\n' +
      '    c.executemany("INSERT INTO t VALUES (?)", [("a",), ("b",)])\n    return c\n' +
      'def test_rows():\n    assert solution.rows(_db(), "a") == [("a",)]\n' +
      'def test_delete():\n    c = _db()\n    solution.drop(c)\n    assert c.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 0\n' +
      'def test_no_extensions():\n    try:\n        solution.ext(_db())\n    except AttributeError:\n        return\n    raise AssertionError("reached")\n' +
      'def test_sql_error():\n    try:\n        solution.bad(_db())\n    except sqlite3.OperationalError:\n        return\n    raise AssertionError("no error")\n';
    const solution =
      'def rows(conn, v):\n    cur = conn.execute("SELECT v FROM t WHERE v = ?", (v,))\n    return cur.fetchall()\n' +
      'def drop(conn):\n    with conn:\n        conn.execute("DELETE FROM t")\n' +
      'def ext(conn):\n    conn.enable_load_extension(True)\n' +
      'def bad(conn):\n    conn.execute("SELEKT")\n';
    const r = await run(harness, ['rows', 'delete', 'no_extensions', 'sql_error'], solution);
    expect(statuses(r), JSON.stringify(r.tests)).toEqual([
      ['rows', 'pass'],
      ['delete', 'pass'],
      ['no_extensions', 'pass'],
      ['sql_error', 'pass'],
    ]);
  });

  it('an effect that comes after the call returned still fails the test (the observer waits for what the sample started)', async () => {
    const r = await run(
      'import os, tsp_observe, solution\n' +
        'def test_late():\n    c = tsp_observe.canary()\n    solution.later(c.marker)\n    assert not c.touched()\n',
      ['late'],
      "import subprocess\ndef later(p):\n    subprocess.Popen(['sh', '-c', 'sleep 0.2; touch ' + p], start_new_session=True)\n",
    );
    expect(r.tests[0]?.status).toBe('fail');
    expect(r.tests[0]?.message).toMatch(/after the call returned/);
  });

  it('a sample that lowers its own limits (so the vulnerable line fails only here) cannot pass', async () => {
    const r = await run(
      'import solution\ndef test_t():\n    solution.f()\n',
      ['t'],
      'import resource\ndef f():\n    resource.setrlimit(resource.RLIMIT_NPROC, (1, 1))\n',
    );
    expect(r.tests[0]?.status).toBe('crash');
    expect(r.tests[0]?.message).toMatch(/limits/);
  });

  it('the sample is frozen while the observer looks, and a canary shows a marker removed before returning', async () => {
    const harness =
      'import os, time, tsp_observe, solution\n' +
      "def test_frozen():\n    solution.later('keep.txt')\n    time.sleep(0.3)\n    assert os.path.exists('keep.txt')\n" +
      'def test_canary():\n    c = tsp_observe.canary()\n    solution.hide(c.marker)\n    assert not os.path.exists(c.marker)\n    assert c.touched()\n' +
      'def test_untouched():\n    c = tsp_observe.canary()\n    solution.one()\n    assert not c.touched()\n';
    const solution =
      'import os, threading, time\n' +
      "def later(p):\n    open(p, 'w').write('x')\n    threading.Thread(target=lambda: (time.sleep(0.05), os.remove(p))).start()\n" +
      "def hide(p):\n    open(p, 'w').write('x')\n    os.remove(p)\n" +
      'def one():\n    return 1\n';
    const r = await run(harness, ['frozen', 'canary', 'untouched'], solution);
    expect(statuses(r), JSON.stringify(r.tests)).toEqual([
      ['frozen', 'pass'],
      ['canary', 'pass'],
      ['untouched', 'pass'],
    ]);
  });

  it('draws the same values from the same seed and others from another', async () => {
    const harness =
      'import tsp_observe\ndef test_t():\n    raise AssertionError(tsp_observe.token() + tsp_observe.word())\n';
    const a = await run(harness, ['t'], undefined, 'seed-1');
    const b = await run(harness, ['t'], undefined, 'seed-1');
    const c = await run(harness, ['t'], undefined, 'seed-2');
    const value = (r: typeof a) => /AssertionError: (\w+)/.exec(r.tests[0]?.message ?? '')?.[1];
    expect(value(a)).toBeDefined();
    expect(value(a)).toBe(value(b));
    expect(value(a)).not.toBe(value(c));
  });

  it('never imports a module the sample wrote into its folder', async () => {
    const r = await run(
      'import solution\n' +
        'def test_plant():\n    solution.plant()\n' +
        'def test_late_import():\n    try:\n        import tsp_planted_mod\n    except ImportError:\n        return\n' +
        "    raise AssertionError('imported the sample module: ' + tsp_planted_mod.WHERE)\n",
      ['plant', 'late_import'],
      "def plant():\n    open('tsp_planted_mod.py', 'w').write('WHERE = \"sample file\"\\n')\n",
    );
    expect(statuses(r), JSON.stringify(r.tests)).toEqual([
      ['plant', 'pass'],
      ['late_import', 'pass'],
    ]);
  });

  it('never shows the harness to the sample: no harness file, nothing of it in the sample process', async () => {
    const r = await run(
      'import solution\nSECRET_EXPECTATION = "zq" + "xv" * 3\ndef test_look():\n    assert solution.look() == [], solution.look()\n',
      ['look'],
      'import os, gc\n' +
        'def look():\n    found = [f for f in os.listdir(".") if "harness" in f]\n' +
        '    found += [1 for o in gc.get_objects() if isinstance(o, str) and "zqxvxvxv" in o]\n    return found\n',
    );
    expect(r.tests[0], r.tests[0]?.message).toMatchObject({ status: 'pass' });
  });

  it('gives each sample a clean slate: no files, no /tmp or canary leftovers, no processes of the previous one', async () => {
    const a = await run(
      'import solution\ndef test_plant():\n    solution.plant()\n',
      ['plant'],
      'import os, subprocess\n' +
        "def plant():\n    open('/tmp/planted', 'w').write('x')\n    open('left.txt', 'w').write('x')\n" +
        "    for line in open('/proc/self/mountinfo'):\n" +
        '        point = line.split()[4]\n' +
        "        if point.startswith('/tspc/'):\n" +
        "            open(point + '/planted', 'w').write('x')\n" +
        "    subprocess.Popen(['sleep', '1000'], start_new_session=True)\n",
    );
    // A process it started still running when the test's time is up: the test did not end.
    expect(a.tests[0], a.tests[0]?.message).toMatchObject({ status: 'timeout' });
    const b = await run(
      'import os\nimport tsp_observe\n' +
        'def test_clean():\n' +
        '    c = tsp_observe.canary()\n' +
        "    assert c.path.startswith('/tspc/') and os.listdir(c.path) == [], c.path\n" +
        "    assert not os.path.exists('/tmp/planted')\n" +
        "    assert not os.path.exists('left.txt')\n" +
        "    cmds = [open('/proc/%s/cmdline' % p).read() for p in os.listdir('/proc') if p.isdigit()]\n" +
        "    assert not any('sleep' in c for c in cmds), cmds\n",
      ['clean'],
    );
    expect(b.tests[0], b.tests[0]?.message).toMatchObject({ status: 'pass' });
  });

  it('restarts after a sample kills every process it can, and the sample never passes that way', async () => {
    const starts = server.starts;
    const r = await run(
      'import solution\ndef test_kill():\n    solution.kill()\n',
      ['kill'],
      'import os\ndef kill():\n    os.kill(-1, 9)\n',
    );
    expect(r.tests[0]?.status).not.toBe('pass');
    const after = await run('import solution\ndef test_ok():\n    assert solution.one() == 1\n', ['ok']);
    expect(after.tests[0]?.status).toBe('pass');
    expect(server.starts).toBeGreaterThan(starts);
  });
});
