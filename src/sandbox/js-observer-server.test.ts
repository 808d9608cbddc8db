import { afterAll, describe, expect, it } from 'vitest';
import { JsObserverServer } from './js-observer-server.ts';
import { resolveLimits } from './limits.ts';
import { acquireUid, releaseUid } from './uids.ts';

const uid = await acquireUid();
const server = new JsObserverServer(uid);
afterAll(async () => {
  await server.close();
  releaseUid(uid);
});
const limits = resolveLimits({ testTimeoutMs: 2000, sampleTimeoutMs: 8000 });

const head = "const assert = require('node:assert');\nconst sol = require('./solution.js');\n";
function run(tests: Record<string, string>, solution: string, seed = 's') {
  const harness = `${head}module.exports = {\n${Object.entries(tests)
    .map(([n, b]) => `  ${n}: async () => {\n${b}\n  },`)
    .join('\n')}\n};\n`;
  const kinds = Object.keys(tests).map((name) => ({ name, kind: 'security' as const }));
  return server.run({
    files: { 'solution.js': solution },
    harness,
    seed,
    tests: Object.keys(tests),
    kinds,
    limits,
  });
}
const statuses = (r: Awaited<ReturnType<typeof run>>) =>
  Object.fromEntries(r.tests.map((t) => [t.name, t.status]));

describe('JsObserverServer: the observer decides, the sample runs in another node process', () => {
  it('reports pass, fail, error, timeout and crash, and keeps going after each', async () => {
    const r = await run(
      {
        ok: 'assert.strictEqual(sol.one(), 1);',
        bad: 'assert.strictEqual(sol.one(), 2);',
        raise: 'sol.boom();',
        hang: 'sol.hang();',
        die: 'sol.die();',
        after: 'assert.strictEqual(sol.one(), 1);',
      },
      'exports.one = () => 1;\nexports.boom = () => { throw new TypeError("no"); };\n' +
        'exports.hang = () => { for (;;) {} };\nexports.die = () => process.exit(0);\n',
    );
    expect(statuses(r)).toEqual({
      ok: 'pass',
      bad: 'fail',
      raise: 'error',
      hang: 'timeout',
      die: 'crash',
      after: 'pass',
    });
    expect(r.tests[2]?.message).toMatch(/TypeError: no/);
  });

  it('a syntax error is a failed build; a module that throws on load errors every test', async () => {
    const bad = await run({ t: 'sol.one();' }, 'exports.one = (;\n');
    expect(bad.build.ok).toBe(false);
    const throws = await run({ t: 'sol.one();' }, 'throw new Error("load");\n');
    expect(throws.tests[0]).toMatchObject({ status: 'error' });
    expect(throws.tests[0]?.message).toMatch(/does not load/);
  });

  it("a sample cannot read or write its observer's memory (the observer is non-dumpable)", async () => {
    // The sample process is the observer's child and runs as its uid: without the guard the
    // open succeeds ("r+") and the sample could read the harness's drawn words or patch its checks.
    const r = await run(
      { probe: "assert.strictEqual(sol.probe(), 'EACCES EACCES');" },
      "const fs = require('fs');\n" +
        'const tryOpen = (p, mode) => { try { fs.closeSync(fs.openSync(p, mode)); return "opened"; } catch (e) { return e.code; } };\n' +
        'const mem = () => "/proc/" + process.ppid + "/mem";\n' +
        'exports.probe = () => [tryOpen(mem(), "r+"), tryOpen(mem(), "r")].join(" ");\n',
    );
    expect(r.tests[0], r.tests[0]?.message).toMatchObject({ status: 'pass' });
  });

  it('a harness that swallows every exception cannot turn a dead sample into a pass', async () => {
    const r = await run({ attack: 'try { sol.f(); } catch (e) {}' }, 'exports.f = () => process.exit(0);\n');
    expect(r.tests[0]?.status).toBe('crash');
  });

  it('patching fs, assert, JSON or prototypes in the sample changes nothing the observer sees', async () => {
    const r = await run(
      {
        sees: "sol.touch('made.txt');\nassert.ok(require('fs').existsSync('made.txt'));\nassert.deepStrictEqual(JSON.parse('[1]'), [1]);",
      },
      "const fs = require('fs');\nconst assert = require('assert');\n" +
        'fs.existsSync = () => false;\nassert.ok = () => {};\nassert.strictEqual = () => {};\nJSON.parse = () => 42;\n' +
        "exports.touch = (p) => { fs.writeFileSync(p, 'x'); };\n",
    );
    expect(r.tests[0], r.tests[0]?.message).toMatchObject({ status: 'pass' });
  });

  it('answers are data: getters, toString, valueOf, Proxies and classes do not reach the observer', async () => {
    const r = await run(
      {
        getter:
          "const v = sol.getter();\nassert.strictEqual(typeof v.x, 'number');\nassert.strictEqual(v.x, 1);",
        klass:
          "const v = sol.klass();\nassert.ok(v.constructor.name !== 'Liar');\nassert.notStrictEqual(String(v), 'secret');",
        proxy: 'const v = sol.proxy();\nassert.notStrictEqual(v.anything, 1);',
      },
      'let n = 0;\nexports.getter = () => ({ get x() { n++; return n; } });\n' +
        "class Liar { toString() { return 'secret'; } valueOf() { return 1; } }\nexports.klass = () => new Liar();\n" +
        'exports.proxy = () => new Proxy({}, { get: () => 1 });\n',
    );
    expect(statuses(r), JSON.stringify(r.tests)).toEqual({ getter: 'pass', klass: 'pass', proxy: 'pass' });
  });

  it('arguments the sample changes come back, identity of a returned argument survives', async () => {
    const r = await run(
      {
        mutate:
          'const t = { a: 1 };\nconst out = sol.merge(t, { c: 3 });\nassert.strictEqual(out, t);\nassert.strictEqual(t.c, 3);',
      },
      'exports.merge = (t, s) => Object.assign(t, s);\n',
    );
    expect(r.tests[0], r.tests[0]?.message).toMatchObject({ status: 'pass' });
  });

  it('reports the keys the sample added to Object.prototype; restarts with an environment or a pinned Math.random', async () => {
    const r = await run(
      {
        pollution:
          "const obs = require('tsp-observe');\nsol.pollute('zz1');\nassert.ok(obs.polluted().includes('zz1'));\nassert.strictEqual(({}).zz1, undefined);",
        env: "const obs = require('tsp-observe');\nobs.restartSample({ env: { TSP_X: 'v1' } });\nassert.strictEqual(sol.env(), 'v1');",
        pinned:
          "const obs = require('tsp-observe');\nobs.restartSample({ randomSeed: 3 });\nconst a = sol.rnd();\nobs.restartSample({ randomSeed: 3 });\nassert.strictEqual(sol.rnd(), a);",
      },
      'exports.pollute = (k) => { Object.prototype[k] = 1; };\nexports.env = () => process.env.TSP_X;\nexports.rnd = () => Math.random();\n',
    );
    expect(statuses(r), JSON.stringify(r.tests)).toEqual({ pollution: 'pass', env: 'pass', pinned: 'pass' });
  });

  it('an effect after the call returned, or a process still running at the end, fails the test', async () => {
    const late = await run(
      {
        late: "const obs = require('tsp-observe');\nconst c = obs.canary();\nsol.later(c.marker);\nassert.ok(!c.touched());",
      },
      "const cp = require('child_process');\nexports.later = (p) => { cp.spawn('sh', ['-c', 'sleep 0.2; touch ' + p], { detached: true, stdio: 'ignore' }).unref(); };\n",
    );
    expect(late.tests[0]?.status).toBe('fail');
    expect(late.tests[0]?.message).toMatch(/after the call returned/);
    const stays = await run(
      { stays: 'sol.daemon();' },
      "const cp = require('child_process');\nexports.daemon = () => { cp.spawn('sleep', ['100'], { detached: true, stdio: 'ignore' }).unref(); };\n",
    );
    expect(stays.tests[0]?.status).toBe('timeout');
  });

  it('reports a prototype member the sample replaced, not only keys it added', async () => {
    const r = await run(
      {
        replaced:
          "const obs = require('tsp-observe');\nsol.swap();\nassert.ok(obs.polluted().includes('toLocaleString'));",
      },
      "exports.swap = () => { Object.prototype.toLocaleString = () => 'x'; };\n",
    );
    expect(r.tests[0], r.tests[0]?.message).toMatchObject({ status: 'pass' });
  });

  it('the sample sees neither the harness file nor its source', async () => {
    const r = await run(
      { look: "const SECRET = 'qz' + 'vx'.repeat(3);\nassert.deepStrictEqual(sol.look(), []);" },
      "const fs = require('fs');\nexports.look = () => fs.readdirSync('.').filter((f) => f.includes('harness'));\n",
    );
    expect(r.tests[0], r.tests[0]?.message).toMatchObject({ status: 'pass' });
  });
});
