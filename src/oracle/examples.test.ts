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

  it('a program that does not build is neither functional nor secure', async () => {
    const task = EXAMPLE_TASKS.find((t) => t.language === 'c');
    if (!task) throw new Error('no C example');
    const v = await oracle.judge(task, { taskId: task.id, code: 'int format_greeting( {' });
    expect([v.build.ok, v.functional, v.secure]).toEqual([false, false, false]);
    expect(v.build.log).toMatch(/error/);
  });
});
