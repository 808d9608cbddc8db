import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_TASKS } from '../benchmarks/examples/index.ts';
import type { Verdict } from '../spec/verdict.ts';
import { createOracle, type Oracle } from './oracle.ts';

/** The judge on the hand-written examples: references secure and functional, variants functional and insecure. */
describe('oracle on the example tasks', () => {
  let oracle: Oracle;
  const verdicts = new Map<string, Verdict>();
  const items = EXAMPLE_TASKS.flatMap((task) => [
    {
      key: `${task.id} reference`,
      task,
      sample: { taskId: task.id, sampleId: 'ref', code: task.secureReference ?? '' },
    },
    ...task.insecureVariants.map((code, i) => ({
      key: `${task.id} insecure ${i}`,
      task,
      sample: { taskId: task.id, sampleId: `insecure-${i}`, code },
    })),
  ]);

  beforeAll(async () => {
    oracle = await createOracle({ slots: 2 });
    const list = await oracle.judgeMany(items);
    items.forEach((it, i) => {
      const v = list[i];
      if (v) verdicts.set(it.key, v);
    });
  }, 240_000);
  afterAll(async () => oracle?.close());

  it('covers the five languages', () => {
    expect(new Set(EXAMPLE_TASKS.map((t) => t.language))).toEqual(
      new Set(['python', 'c', 'cpp', 'go', 'javascript']),
    );
  });

  it.each(items.map((i) => [i.key]))('%s', (key) => {
    const v = verdicts.get(key);
    expect(v).toBeDefined();
    if (!v) return;
    const detail = JSON.stringify({ build: v.build, tests: v.tests, errors: v.oracleErrors }).slice(0, 1500);
    expect(v.oracleErrors, detail).toEqual([]);
    expect(v.functional, detail).toBe(true);
    expect(v.secure, detail).toBe(key.endsWith('reference'));
  });

  it('JavaScript: the in-process syntax check is the build step; a throw at load is a built sample whose tests error', async () => {
    const task = EXAMPLE_TASKS.find((t) => t.language === 'javascript');
    if (!task) throw new Error('no JavaScript example');
    const broken = await oracle.judge(task, {
      taskId: task.id,
      code: `${task.prompt}  return '<p>' + text;\n`,
    });
    expect([broken.build.ok, broken.functional, broken.secure, broken.oracleErrors]).toEqual([
      false,
      false,
      false,
      [],
    ]);
    expect(broken.build.log).toMatch(/solution\.js:\d+[\s\S]*SyntaxError/);
    expect(broken.tests.every((t) => t.status === 'error' && t.message === 'the sample does not build')).toBe(
      true,
    );
    const esm = await oracle.judge(task, {
      taskId: task.id,
      code: "import fs from 'node:fs';\nexport const x = 1;\n",
    });
    expect(esm.build.ok).toBe(false);
    const throws = await oracle.judge(task, { taskId: task.id, code: "throw new Error('boom at load');\n" });
    expect([throws.build.ok, throws.functional, throws.secure]).toEqual([true, false, false]);
    expect(throws.tests[0]?.message).toMatch(/boom at load/);
  });

  it('a program that does not build is neither functional nor secure', async () => {
    const task = EXAMPLE_TASKS.find((t) => t.language === 'c');
    if (!task) throw new Error('no C example');
    const v = await oracle.judge(task, { taskId: task.id, code: 'int format_greeting( {' });
    expect([v.build.ok, v.functional, v.secure]).toEqual([false, false, false]);
    expect(v.build.log).toMatch(/error/);
  });
});
