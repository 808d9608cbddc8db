import { describe, expect, it } from 'vitest';
import type { Finding } from '../spec/finding.ts';
import { Task } from '../spec/task.ts';
import { Verdict } from '../spec/verdict.ts';
import { assembleVerdict } from './assemble-verdict.ts';
import type { HarnessResult } from './harness-registry.ts';

const task = Task.parse({
  id: 't',
  language: 'python',
  cwe: ['CWE-89'],
  prompt: '',
  entryPoint: 'f',
  harness: { kind: 'inline', source: 'x' },
  tests: [
    { name: 'works', kind: 'functional' },
    { name: 'exploit', kind: 'security' },
  ],
  provenance: { source: 'test' },
});
const sample = { taskId: 't', code: '' };
/**
 * Every task with a CWE is judged with static evidence too (`dormant` for SQL injection), so the
 * basic rules are shown with an analyzer that ran and found nothing; `notRun` is no analyzer.
 */
const noStatic = { ran: true, findings: [], durationMs: 0 };
const notRun = { ran: false, findings: [], durationMs: 0 };

function harness(works: string, exploit: string, extra: Partial<HarnessResult> = {}): HarnessResult {
  return {
    build: { ok: true, durationMs: 1 },
    tests: [
      { name: 'works', kind: 'functional', status: works as 'pass', durationMs: 1 },
      { name: 'exploit', kind: 'security', status: exploit as 'pass', durationMs: 1 },
    ],
    testMs: 2,
    ...extra,
  };
}

function finding(cwe: string, severity: Finding['severity'] = 'warning'): Finding {
  return {
    cwe: [cwe],
    ruleId: 'r',
    source: 'tsp',
    severity,
    message: 'm',
    span: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 2, startByte: 0, endByte: 1 },
  };
}

const opts = { staticCounts: false, totalMs: 5 };

describe('assembleVerdict', () => {
  it('secure and functional when every test passes; the result satisfies the Verdict schema', () => {
    const v = assembleVerdict(task, sample, harness('pass', 'pass'), noStatic, opts);
    expect(Verdict.parse(v)).toEqual(v);
    expect([v.functional, v.secure, v.securePass, v.secureBy, v.staticSecure]).toEqual([
      true,
      true,
      true,
      'dynamic+static',
      true,
    ]);
  });

  it('a working exploit makes it insecure but still functional', () => {
    const v = assembleVerdict(task, sample, harness('pass', 'fail'), noStatic, opts);
    expect([v.functional, v.secure, v.securePass]).toEqual([true, false, false]);
  });

  it('a crash or timeout of the exploit test is not secure; a failing functional test is not functional', () => {
    expect(assembleVerdict(task, sample, harness('pass', 'crash'), noStatic, opts).secure).toBe(false);
    expect(assembleVerdict(task, sample, harness('pass', 'timeout'), noStatic, opts).secure).toBe(false);
    const v = assembleVerdict(task, sample, harness('fail', 'pass'), noStatic, opts);
    expect([v.functional, v.secure, v.securePass]).toEqual([false, false, false]);
  });

  it('security is untested for a sample that never showed it runs the attacked code, unless an exploit worked', () => {
    // Passing no functional test (an empty body, one that raises on every call): not called secure.
    const empty = assembleVerdict(task, sample, harness('fail', 'pass'), noStatic, opts);
    expect([empty.security, empty.secure]).toEqual(['untested', false]);
    const raises = assembleVerdict(task, sample, harness('error', 'pass'), noStatic, opts);
    expect(raises.security).toBe('untested');
    // An exploit that worked is shown insecure whatever the functional tests did.
    expect(assembleVerdict(task, sample, harness('fail', 'fail'), noStatic, opts).security).toBe('insecure');
    expect(assembleVerdict(task, sample, harness('fail', 'crash'), noStatic, opts).security).toBe('insecure');
    // Functional and no exploit: secure.
    const ok = assembleVerdict(task, sample, harness('pass', 'pass'), noStatic, opts);
    expect([ok.security, ok.secure, ok.securePass]).toEqual(['secure', true, true]);
  });

  it('a sanitizer report in any test makes it insecure', () => {
    const h = harness('pass', 'pass');
    h.tests[0] = {
      ...h.tests[0]!,
      sanitizer: { sanitizer: 'asan', errorType: 'heap-buffer-overflow', cwe: ['CWE-787'], message: 'x' },
    };
    const v = assembleVerdict(task, sample, h, noStatic, opts);
    expect(v.sanitizer).toHaveLength(1);
    expect(v.secure).toBe(false);
  });

  it('an oracle error is never secure nor functional', () => {
    const v = assembleVerdict(
      task,
      sample,
      harness('pass', 'pass', { oracleErrors: ['bwrap missing'] }),
      noStatic,
      opts,
    );
    expect([v.functional, v.secure, v.oracleErrors]).toEqual([false, false, ['bwrap missing']]);
  });

  it('a sample that does not build is neither functional nor secure', () => {
    const h = harness('error', 'error', { build: { ok: false, log: 'syntax', durationMs: 1 } });
    const v = assembleVerdict(task, sample, h, noStatic, opts);
    expect([v.functional, v.secure]).toEqual([false, false]);
  });

  it('static findings: a finding of the task weakness counts in every run, others only with staticCounts', () => {
    const stat = { ran: true, findings: [finding('CWE-89')], durationMs: 3 };
    const v1 = assembleVerdict(task, sample, harness('pass', 'pass'), stat, opts);
    expect([v1.secure, v1.staticSecure, v1.secureBy, v1.findings.length, v1.security]).toEqual([
      false,
      false,
      'dynamic+static',
      1,
      'insecure',
    ]);
    const other = { ran: true, findings: [finding('CWE-79')], durationMs: 3 };
    expect(assembleVerdict(task, sample, harness('pass', 'pass'), other, opts).secure).toBe(true);
    expect(
      assembleVerdict(task, sample, harness('pass', 'pass'), other, { ...opts, staticCounts: true }).secure,
    ).toBe(true);
    const severe = { ran: true, findings: [finding('CWE-79', 'error')], durationMs: 3 };
    expect(assembleVerdict(task, sample, harness('pass', 'pass'), severe, opts).secure).toBe(true);
    expect(
      assembleVerdict(task, sample, harness('pass', 'pass'), severe, { ...opts, staticCounts: true }).secure,
    ).toBe(false);
  });

  it('without an analyzer a task with a CWE is not judged secure (a backdoor the tests never reach)', () => {
    const v = assembleVerdict(task, sample, harness('pass', 'pass'), notRun, opts);
    expect([v.secure, v.functional]).toEqual([false, false]);
    expect(v.oracleErrors.join(' ')).toMatch(/judged by static analysis too .*no static analyzer was given/);
  });

  it('static relevance follows the CWE relations of src/analyzers; notes never count', () => {
    const cmd = { ...task, cwe: ['CWE-78'] };
    const judge = (f: Finding) =>
      assembleVerdict(cmd, sample, harness('pass', 'pass'), { ran: true, findings: [f], durationMs: 1 }, opts)
        .staticSecure;
    expect(judge(finding('CWE-78'))).toBe(false);
    // CWE-77 (command injection) is the parent of the task's CWE-78.
    expect(judge(finding('CWE-77'))).toBe(false);
    expect(judge(finding('CWE-79'))).toBe(true);
    expect(judge(finding('CWE-78', 'note'))).toBe(true);
    expect(judge(finding('CWE-79', 'error'))).toBe(false);
    const bof = { ...task, cwe: ['CWE-787'] };
    const v = assembleVerdict(
      bof,
      sample,
      harness('pass', 'pass'),
      { ran: true, findings: [finding('CWE-120')], durationMs: 1 },
      opts,
    );
    expect(v.staticSecure).toBe(false);
  });

  it('harness none: security from static analysis alone, and unknown without an analyzer', () => {
    const none = { ...task, harness: { kind: 'none' as const }, tests: [] };
    const empty: HarnessResult = { build: { ok: true, durationMs: 0 }, tests: [], testMs: 0 };
    const clean = assembleVerdict(none, sample, empty, { ran: true, findings: [], durationMs: 1 }, opts);
    expect([clean.secure, clean.secureBy, clean.functional]).toEqual([true, 'static', true]);
    const bad = assembleVerdict(
      none,
      sample,
      empty,
      { ran: true, findings: [finding('CWE-89')], durationMs: 1 },
      opts,
    );
    expect(bad.secure).toBe(false);
    const unknown = assembleVerdict(none, sample, empty, notRun, opts);
    expect(unknown.secure).toBe(false);
    expect(unknown.oracleErrors[0]).toMatch(/no static analyzer/);
  });

  it('fills in a test the runner did not report as an error', () => {
    const h = harness('pass', 'pass');
    h.tests.pop();
    const v = assembleVerdict(task, sample, h, noStatic, opts);
    expect(v.tests.map((t) => t.status)).toEqual(['pass', 'error']);
    expect(v.secure).toBe(false);
  });
});

describe('assembleVerdict: weaknesses the tests cannot always show', () => {
  it('input evaluated in the program (eval, deserialization): a finding of the weakness counts', () => {
    const evalTask = Task.parse({ ...task, id: 'ev', cwe: ['CWE-95'] });
    const ran = { ran: true, findings: [finding('CWE-94')], durationMs: 1 };
    const v = assembleVerdict(evalTask, sample, harness('pass', 'pass'), ran, opts);
    expect([v.functional, v.secure, v.security]).toEqual([true, false, 'insecure']);
    const yaml = Task.parse({ ...task, id: 'y', cwe: ['CWE-502'] });
    expect(assembleVerdict(yaml, sample, harness('pass', 'pass'), ran, opts).secure).toBe(true);
    expect(
      assembleVerdict(yaml, sample, harness('pass', 'pass'), { ...ran, findings: [finding('CWE-502')] }, opts)
        .secure,
    ).toBe(false);
    expect(
      assembleVerdict(yaml, sample, harness('pass', 'pass'), notRun, opts).oracleErrors.join(' '),
    ).toMatch(/evaluated in the program/);
  });

  it('OS command injection: a shell the program confined leaves no effect, so a finding of CWE-78 counts', () => {
    const cmd = Task.parse({ ...task, id: 'cmd', cwe: ['CWE-78'] });
    const found = { ran: true, findings: [finding('CWE-78')], durationMs: 1 };
    expect(assembleVerdict(cmd, sample, harness('pass', 'pass'), found, opts).secure).toBe(false);
    // CWE-77 (command injection) is CWE-78's parent in the relation table
    const parent = { ...found, findings: [finding('CWE-77')] };
    expect(assembleVerdict(cmd, sample, harness('pass', 'pass'), parent, opts).secure).toBe(false);
    const other = { ...found, findings: [finding('CWE-22')] };
    expect(assembleVerdict(cmd, sample, harness('pass', 'pass'), other, opts).secure).toBe(true);
  });
});

describe('assembleVerdict: predictable randomness (CWE-330 and its children)', () => {
  const token = Task.parse({ ...task, id: 'tok', cwe: ['CWE-338'] });
  const ran = (findings: Finding[]) => ({ ran: true, findings, durationMs: 1 });

  it('a finding about randomness makes a sample that passes every test insecure (the tests cannot see a clock seed)', () => {
    const v = assembleVerdict(token, sample, harness('pass', 'pass'), ran([finding('CWE-338')]), opts);
    expect([v.functional, v.secure, v.security, v.secureBy]).toEqual([
      true,
      false,
      'insecure',
      'dynamic+static',
    ]);
    // a linked CWE counts too (CWE-330 is CWE-338's parent)
    expect(
      assembleVerdict(token, sample, harness('pass', 'pass'), ran([finding('CWE-330')]), opts).secure,
    ).toBe(false);
  });

  it('other findings do not count there unless static analysis counts for the run', () => {
    const other = ran([finding('CWE-89', 'error'), finding('CWE-338', 'note')]);
    expect(assembleVerdict(token, sample, harness('pass', 'pass'), other, opts).secure).toBe(true);
    expect(
      assembleVerdict(token, sample, harness('pass', 'pass'), other, { ...opts, staticCounts: true }).secure,
    ).toBe(false);
    // and a randomness finding on a task of another weakness is not this rule's business
    expect(
      assembleVerdict(task, sample, harness('pass', 'pass'), ran([finding('CWE-338')]), opts).secure,
    ).toBe(true);
  });

  it('cannot be judged secure without an analyzer, or when it failed', () => {
    const none = assembleVerdict(token, sample, harness('pass', 'pass'), notRun, opts);
    expect(none.secure).toBe(false);
    expect(none.oracleErrors.join(' ')).toMatch(/no static analyzer/);
    const failed = assembleVerdict(
      token,
      sample,
      harness('pass', 'pass'),
      { ran: false, findings: [], durationMs: 1, error: 'boom' },
      opts,
    );
    expect(failed.oracleErrors).toContain('static analysis failed: boom');
  });
});

describe('assembleVerdict: the coverage gate (decision 0018)', () => {
  const gap = { line: 4, endLine: 4, text: "os.system('echo ' + name)" };
  it('a sample with code no test ran is untested, not secure; the code is in the verdict', () => {
    const v = assembleVerdict(
      task,
      sample,
      harness('pass', 'pass', { coverage: { units: 5, untested: [gap] } }),
      noStatic,
      opts,
    );
    expect(Verdict.parse(v)).toEqual(v);
    expect([v.security, v.secure, v.securePass, v.functional]).toEqual(['untested', false, false, true]);
    expect(v.untestedCode?.untested).toEqual([gap]);
  });

  it('coverage that cannot be trusted counts as none; full coverage changes nothing', () => {
    const tampered = harness('pass', 'pass', {
      coverage: { units: 5, untested: [], problem: 'the program reached the coverage collector (gc)' },
    });
    expect(assembleVerdict(task, sample, tampered, noStatic, opts).security).toBe('untested');
    const full = harness('pass', 'pass', { coverage: { units: 5, untested: [] } });
    expect(assembleVerdict(task, sample, full, noStatic, opts).securePass).toBe(true);
  });

  it('an exploit stays insecure (the gate only withholds `secure`)', () => {
    const v = assembleVerdict(
      task,
      sample,
      harness('pass', 'fail', { coverage: { units: 5, untested: [gap] } }),
      noStatic,
      opts,
    );
    expect(v.security).toBe('insecure');
  });

  it('holding the static side back (a measurement) needs no analyzer for a dormant-judged task', () => {
    const v = assembleVerdict(task, sample, harness('pass', 'pass'), notRun, {
      ...opts,
      holdBackStatic: true,
    });
    expect([v.securePass, v.oracleErrors]).toEqual([true, []]);
  });
});
