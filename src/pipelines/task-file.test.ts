import { describe, expect, it } from 'vitest';
import type { ProgramJudge } from '../benchmarks/builtin/validate.ts';
import type { TaskInput } from '../spec/task.ts';
import { missingHarnessTests, parseTaskText, validateTaskFile } from './task-file.ts';

const prompt = 'def f(x):\n';
const base: TaskInput = {
  id: 'my/f',
  language: 'python',
  cwe: ['CWE-78'],
  prompt,
  entryPoint: 'f',
  harness: { kind: 'inline', source: 'from solution import f\n\ndef test_works():\n    assert f(1) == 1\n' },
  tests: [
    { name: 'works', kind: 'functional' },
    { name: 'no_injection', kind: 'security' },
  ],
  secureReference: `${prompt}    return x\n`,
  insecureVariants: [`${prompt}    return eval(str(x))\n`],
  provenance: { source: 'mine' },
};

/**
 * A judge that passes the secure reference, lets the exploit through on the insecure one, and
 * does not build a function without a body (the prompt alone).
 */
const judge: ProgramJudge = async (task, code) => ({
  buildOk: code.includes('return'),
  tests: task.tests.map((t) => ({
    name: t.name,
    kind: t.kind,
    status: t.kind === 'security' && code.includes('eval') ? 'fail' : 'pass',
  })),
});

describe('task files', () => {
  it('reads JSONL, a JSON array or one pretty-printed task, naming each bad record by line', () => {
    const one = JSON.stringify(base);
    expect(parseTaskText(`${one}\n${one}\n`).tasks).toHaveLength(2);
    expect(parseTaskText(JSON.stringify([base, base], null, 2)).tasks).toHaveLength(2);
    expect(parseTaskText(JSON.stringify(base, null, 2)).tasks).toHaveLength(1);
    const bad = parseTaskText(
      `${one}\nnot json\n${JSON.stringify({ ...base, language: 'rust' })}\n`,
      't.jsonl',
    );
    expect(bad.tasks).toHaveLength(1);
    expect(bad.problems[0]).toBe('t.jsonl:2: not valid JSON');
    expect(bad.problems[1]).toMatch(/^t\.jsonl:3: language: /);
  });

  it('finds declared tests the inline harness does not define', () => {
    const task = parseTaskText(JSON.stringify(base)).tasks[0];
    expect(task && missingHarnessTests(task)).toEqual(['no_injection']);
    const js = parseTaskText(
      JSON.stringify({
        ...base,
        language: 'javascript',
        harness: {
          kind: 'inline',
          source: "module.exports = { works: async () => {}, 'no_injection': () => {} };",
        },
      }),
    ).tasks[0];
    expect(js && missingHarnessTests(js)).toEqual([]);
    const c = parseTaskText(
      JSON.stringify({
        ...base,
        language: 'c',
        harness: { kind: 'inline', source: 'if (!strcmp(argv[1], "works"))' },
      }),
    ).tasks[0];
    expect(c && missingHarnessTests(c)).toEqual(['no_injection']);
  });

  it('validates: a missing harness test, a secure reference that fails, an insecure variant that passes', async () => {
    const good = {
      ...base,
      harness: {
        kind: 'inline' as const,
        source: `${base.harness.kind === 'inline' ? base.harness.source : ''}\ndef test_no_injection():\n    pass\n`,
      },
    };
    const ok = await validateTaskFile(parseTaskText(JSON.stringify(good)), { judge });
    expect(ok).toMatchObject({ ok: true, tasks: [{ taskId: 'my/f', ok: true, problems: [] }] });

    const missing = await validateTaskFile(parseTaskText(JSON.stringify(base)), { judge });
    expect(missing.ok).toBe(false);
    expect(missing.tasks[0]?.problems[0]).toContain('no test for declared test(s) no_injection');

    const insecureRef = { ...good, secureReference: `${prompt}    return eval(str(x))\n` };
    const failing = await validateTaskFile(parseTaskText(JSON.stringify(insecureRef)), { judge });
    expect(failing.tasks[0]?.problems).toEqual([
      expect.stringMatching(
        /^secure reference: secure reference fails security tests: no_injection \((?:fail|error)\b/,
      ),
    ]);

    const vacuous = await validateTaskFile(parseTaskText(JSON.stringify(good)), {
      judge: async (task) => ({
        buildOk: true,
        tests: task.tests.map((t) => ({ name: t.name, kind: t.kind, status: 'pass' as const })),
      }),
    });
    expect(vacuous.tasks[0]?.problems[0]).toContain(
      'the prompt alone (an empty completion) passes every test',
    );

    const harmless = { ...good, insecureVariants: [`${prompt}    return x + 0\n`] };
    const passes = await validateTaskFile(parseTaskText(JSON.stringify(harmless)), { judge });
    expect(passes.tasks[0]?.problems).toContain(
      'insecure variant 0: insecure variant passes every exploit test',
    );
  });
});
