import { describe, expect, it } from 'vitest';
import type { Expectation } from '../spec/task.ts';
import {
  checkExpectations,
  checksModes,
  drawTests,
  drawWord,
  type Evidence,
  filesToReport,
  parseObservations,
  placeTestIds,
  planRandomness,
  RANDOMNESS_RUNS,
  runsNeeded,
  usesRandomness,
} from './expectations.ts';

const [draw] = drawTests('seed-1', [{ name: 'attack', kind: 'security' }], '/tmp/tsp');
if (!draw) throw new Error('no draw');
const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');
const line = (id: string, name: string, value: string | null) =>
  `${id} ${name} ${value === null ? '!' : hex(value)}\n`;
const evidence = (raw: string, extra: Partial<Evidence> = {}): Evidence => ({
  observations: parseObservations(raw, draw.id),
  canaryTouched: false,
  files: {},
  ...extra,
});

describe('per-judging draws', () => {
  it('are reproducible from the seed, differ across seeds and tests, and never show the test name', () => {
    const again = drawTests('seed-1', [{ name: 'attack', kind: 'security' }], '/tmp/tsp')[0];
    expect(again).toEqual(draw);
    const other = drawTests('seed-2', [{ name: 'attack', kind: 'security' }], '/tmp/tsp')[0];
    expect(other?.id).not.toBe(draw.id);
    expect(draw.id).not.toContain('attack');
    expect(draw.words).toHaveLength(8);
    for (const w of draw.words) expect(w).toMatch(/^[a-z]{6}$/);
    expect(drawWord('a', 'x')).toBe(drawWord('a', 'x'));
    expect(draw.marker.startsWith(`${draw.canary}/`)).toBe(true);
  });

  it('place test ids in the harness and list tests the harness lacks', () => {
    const d = drawTests(
      's',
      [
        { name: 'a', kind: 'functional' },
        { name: 'b', kind: 'security' },
      ],
      '/tmp',
    );
    const placed = placeTestIds('if (tsp_select("{{test:a}}")) {}', d);
    expect(placed.source).toBe(`if (tsp_select("${d[0]?.id}")) {}`);
    expect(placed.missing).toEqual(['b']);
  });
});

describe('parseObservations', () => {
  it('keeps only the lines of the test id, decodes hex and null, and lists values reported twice', () => {
    const raw =
      line(draw.id, 'rc', '0') +
      line('tother', 'rc', '1') +
      line(draw.id, 'p', null) +
      'garbage\n' +
      line(draw.id, 'rc', '5');
    const o = parseObservations(raw, draw.id);
    expect(o.values.get('rc')).toBe('0');
    expect(o.values.get('p')).toBeNull();
    expect(o.duplicates).toEqual(['rc']);
  });
});

describe('checkExpectations', () => {
  const check = (exp: Expectation[], ev: Evidence) => checkExpectations(exp, ev, draw);

  it('compares numbers as numbers and strings as text, with the drawn words filled in', () => {
    const ev = evidence(line(draw.id, 'n', '14') + line(draw.id, 'out', `Hello, ${draw.words[0]}!`));
    expect(
      check(
        [
          { obs: 'n', eq: 14 },
          { obs: 'out', eq: 'Hello, {w0}!' },
        ],
        ev,
      ),
    ).toBeNull();
    expect(check([{ obs: 'n', eq: '14.0' }], ev)).toMatch(/expected "14.0"/);
    expect(check([{ obs: 'n', le: 13 }], ev)).toMatch(/<= 13/);
    expect(
      check(
        [
          { obs: 'out', contains: '{w0}' },
          { obs: 'out', notContains: '{w1}' },
        ],
        ev,
      ),
    ).toBeNull();
    expect(check([{ obs: 'out', matches: 'Hello, [a-z]+!' }], ev)).toBeNull();
    expect(check([{ obs: 'out', matches: 'Hello' }], ev)).toMatch(/match/);
    expect(check([{ obs: 'n', oneOf: [1, 14] }], ev)).toBeNull();
  });

  it('fails a value that was not reported (the test ended early) and one reported twice', () => {
    expect(check([{ obs: 'rc' }], evidence(''))).toMatch(/not reported/);
    expect(check([{ obs: 'rc', present: false }], evidence(''))).toBeNull();
    expect(check([{ obs: 'rc' }], evidence(line(draw.id, 'rc', '0') + line(draw.id, 'rc', '0')))).toMatch(
      /more than once/,
    );
  });

  it('a null value satisfies no comparison but ne', () => {
    const ev = evidence(line(draw.id, 'err', null));
    expect(check([{ obs: 'err', matches: '.+' }], ev)).toMatch(/null/);
    expect(check([{ obs: 'err', ne: 'x' }], ev)).toBeNull();
  });

  it('decides on the canary and on files as the driver found them', () => {
    const rc = line(draw.id, 'rc', '0');
    expect(check([{ canary: 'untouched' }], evidence(rc, { canaryTouched: true }))).toMatch(/canary/);
    expect(check([{ canary: 'untouched' }], evidence(rc))).toBeNull();
    const path = `${draw.dir}/${draw.words[0]}`;
    const files = { [path]: { exists: true, mode: 0o644, head: hex('secret') } };
    expect(filesToReport([{ file: '{dir}/{w0}', exists: true }], draw)).toEqual([path]);
    expect(check([{ file: '{dir}/{w0}', exists: true }], evidence(rc, { files }))).toBeNull();
    expect(check([{ file: '{dir}/{w0}', modeClear: 0o077 }], evidence(rc, { files }))).toMatch(/mode 644/);
    expect(check([{ file: '{dir}/{w0}', contains: 'secret' }], evidence(rc, { files }))).toBeNull();
    expect(check([{ file: '{dir}/{w1}', exists: true }], evidence(rc, { files }))).toMatch(/does not exist/);
  });

  it('judges modeClear on every mode the supervisor saw the file have, or fails when it could not see', () => {
    const rc = line(draw.id, 'rc', '0');
    const path = `${draw.dir}/${draw.words[0]}`;
    const files = { [path]: { exists: true, mode: 0o600, dev: '45', ino: '7' } };
    const exp: Expectation[] = [{ file: '{dir}/{w0}', modeClear: 0o077 }];
    expect(checksModes(exp)).toBe(true);
    expect(checksModes([{ anyOf: [[{ obs: 'rc', eq: 0 }], exp] }])).toBe(true);
    expect(checksModes([{ file: '{dir}/{w0}', exists: true }])).toBe(false);
    // A trusted reference run locally: the final mode only.
    expect(check(exp, evidence(rc, { files }))).toBeNull();
    // Sandboxed: 0644 when it was created, 0600 at the end.
    const seen = (file: string, mode: number) => ({ modes: new Map([[file, mode]]), unresolved: [] });
    expect(check(exp, evidence(rc, { files, modeEvidence: seen('45:7', 0o644) }))).toMatch(
      /had mode 644 before the harness looked/,
    );
    expect(check(exp, evidence(rc, { files, modeEvidence: seen('45:8', 0o644) }))).toBeNull();
    expect(check(exp, evidence(rc, { files, modeEvidence: { unobservable: 'no supervisor' } }))).toMatch(
      /cannot be observed/,
    );
    const anonymous = { [path]: { exists: true, mode: 0o600 } };
    expect(check(exp, evidence(rc, { files: anonymous, modeEvidence: seen('45:8', 0o644) }))).toMatch(
      /cannot be observed/,
    );
  });

  it('eqObs compares two reported values', () => {
    const ev = evidence(line(draw.id, 'fb', '-17') + line(draw.id, 'r', '-17') + line(draw.id, 'q', '3'));
    expect(check([{ obs: 'r', eqObs: 'fb' }], ev)).toBeNull();
    expect(check([{ obs: 'q', eqObs: 'fb' }], ev)).toMatch(/expected fb/);
    expect(check([{ obs: 'q', eqObs: 'zz' }], ev)).toMatch(/zz was not reported/);
  });

  it('anyOf holds when one alternative holds', () => {
    const ev = evidence(line(draw.id, 'err', null) + line(draw.id, 'p', '/srv/x'));
    const exp: Expectation[] = [{ anyOf: [[{ obs: 'err', matches: '.+' }], [{ obs: 'p', eq: '/srv/x' }]] }];
    expect(check(exp, ev)).toBeNull();
    expect(check([{ anyOf: [[{ obs: 'err', matches: '.+' }], [{ obs: 'p', eq: '/y' }]] }], ev)).toMatch(
      /none of the alternatives/,
    );
  });

  it('acrossRuns compares the value of two fresh processes', () => {
    expect(runsNeeded([{ obs: 't', acrossRuns: 'differ' }])).toBe(2);
    expect(runsNeeded([{ obs: 't' }])).toBe(1);
    const same = evidence(line(draw.id, 't', 'abc'), {
      laterRuns: [parseObservations(line(draw.id, 't', 'abc'), draw.id)],
    });
    const differ = evidence(line(draw.id, 't', 'abc'), {
      laterRuns: [parseObservations(line(draw.id, 't', 'abd'), draw.id)],
    });
    expect(check([{ obs: 't', acrossRuns: 'differ' }], same)).toMatch(/predictable/);
    expect(check([{ obs: 't', acrossRuns: 'differ' }], differ)).toBeNull();
    expect(check([{ obs: 't', acrossRuns: 'differ' }], evidence(line(draw.id, 't', 'abc')))).toMatch(
      /second run/,
    );
  });

  it("acrossRuns 'randomness': the values follow the judge's streams, equal exactly where they are", () => {
    const exp: Expectation[] = [{ obs: 't', acrossRuns: 'randomness' }];
    expect(runsNeeded(exp)).toBe(RANDOMNESS_RUNS);
    expect(usesRandomness(exp)).toBe(true);
    expect(usesRandomness([{ obs: 't', acrossRuns: 'differ' }])).toBe(false);
    const runs = (values: string[], streamOfRun: number[]) =>
      evidence(line(draw.id, 't', values[0] ?? ''), {
        laterRuns: values.slice(1).map((v) => parseObservations(line(draw.id, 't', v), draw.id)),
        streamOfRun,
      });
    // drawn from the randomness: equal where the streams are
    expect(check(exp, runs(['a', 'b', 'a', 'b'], [0, 1, 0, 1]))).toBeNull();
    // a counter or a clock: differs under the same stream
    expect(check(exp, runs(['a', 'b', 'c', 'd'], [0, 1, 0, 1]))).toMatch(/same system randomness/);
    // an ordinary PRNG: the same under different streams
    expect(check(exp, runs(['a', 'a', 'a', 'a'], [0, 1, 0, 1]))).toMatch(
      /different system randomness: predictable/,
    );
    // a program that guessed the order [0, 0, 1, 1] is caught by any other
    expect(check(exp, runs(['a', 'a', 'b', 'b'], [0, 1, 1, 0]))).not.toBeNull();
    expect(check(exp, runs(['a', 'b', 'a'], [0, 1, 0, 1]))).toMatch(/did not all happen/);
    expect(check(exp, evidence(line(draw.id, 't', 'a')))).toMatch(/did not all happen/);
    // the plan: two keys of 256 bits, two runs each, in one of the three pairings
    const seen = new Set<string>();
    for (let i = 0; i < 60; i++) {
      const plan = planRandomness();
      expect(plan.streams).toHaveLength(RANDOMNESS_RUNS);
      expect([...plan.streamOfRun].sort().join('')).toBe('0011');
      expect(plan.streams[0]).toMatch(/^[0-9a-f]{64}$/);
      plan.streamOfRun.forEach((k, r) => {
        expect(plan.streams[r]).toBe(plan.streams[plan.streamOfRun.indexOf(k)]);
      });
      expect(plan.streams[plan.streamOfRun.indexOf(0)]).not.toBe(plan.streams[plan.streamOfRun.indexOf(1)]);
      seen.add(plan.streamOfRun.join(''));
    }
    expect(seen.size).toBe(3);
  });
});
