import { describe, expect, it } from 'vitest';
import type { Task } from '../../spec/task.ts';
import type { Verdict } from '../../spec/verdict.ts';
import { computeAtK, matchSamples, parseSamplesJsonl, scoreSamples } from './score-samples.ts';

function task(
  id: string,
  language: Task['language'] = 'python',
  harness: Task['harness'] = { kind: 'none' },
): Task {
  return {
    id,
    language,
    cwe: ['CWE-78'],
    prompt: `# ${id}\n`,
    entryPoint: 'f',
    harness,
    tests: [],
    insecureVariants: [],
    riskAnnotations: [],
    provenance: { source: 'test' },
  };
}

function verdict(taskId: string, functional: boolean, secure: boolean): Verdict {
  return {
    taskId,
    build: { ok: true, durationMs: 0 },
    tests: [],
    sanitizer: [],
    findings: [],
    staticSecure: null,
    secureBy: 'dynamic',
    functional,
    secure,
    securePass: functional && secure,
    oracleErrors: [],
    timings: { buildMs: 0, testMs: 0, staticMs: 0, totalMs: 0 },
  };
}

describe('offline samples', () => {
  it('parses records with code or completion, task_id alias, and reports bad lines', () => {
    const text = [
      JSON.stringify({ taskId: 'a', code: 'x' }),
      JSON.stringify({ task_id: 'b', completion: 'y' }),
      JSON.stringify({ taskId: 'c' }),
      'nope',
      '',
    ].join('\n');
    const { records, problems } = parseSamplesJsonl(text, 's.jsonl');
    expect(records).toEqual([
      { taskId: 'a', code: 'x' },
      { taskId: 'b', completion: 'y' },
    ]);
    expect(problems).toEqual(['s.jsonl:3: needs code or completion', 's.jsonl:4: not JSON']);
  });

  it('matches ids with or without the benchmark prefix and builds complete programs', () => {
    const tasks = [task('cweval/core/py/cwe_078_0'), task('securityeval/CWE-089_x.py')];
    const { items, unknownTaskIds } = matchSamples(tasks, [
      { taskId: 'core/py/cwe_078_0', completion: 'body' },
      { taskId: 'cweval/core/py/cwe_078_0', code: 'full' },
      { taskId: 'missing', code: '' },
    ]);
    expect(items.map((i) => [i.task.id, i.sample.sampleId, i.sample.code])).toEqual([
      ['cweval/core/py/cwe_078_0', 'cweval/core/py/cwe_078_0#0', '# cweval/core/py/cwe_078_0\nbody'],
      ['cweval/core/py/cwe_078_0', 'cweval/core/py/cwe_078_0#1', 'full'],
    ]);
    expect(unknownTaskIds).toEqual(['missing']);
  });

  it('computes func@k and func-sec@k with the unbiased estimator over tasks with n >= k', () => {
    const [k1, k2, k5] = computeAtK(
      [
        { n: 4, func: 2, funcSec: 1, secure: 3 },
        { n: 2, func: 0, funcSec: 0, secure: 2 },
      ],
      [1, 2, 5],
    );
    expect(k1).toEqual({
      k: 1,
      tasks: 2,
      func: (0.5 + 0) / 2,
      funcSec: (0.25 + 0) / 2,
      secure: (0.75 + 1) / 2,
    });
    // task 1: 1 - C(2,2)/C(4,2) = 5/6 func; 1 - C(3,2)/C(4,2) = 1/2 func-sec
    expect(k2?.func).toBeCloseTo((5 / 6 + 0) / 2);
    expect(k2?.funcSec).toBeCloseTo((0.5 + 0) / 2);
    // no task has 5 samples: no estimate (n/a), not 0%
    expect(k5).toEqual({ k: 5, tasks: 0, func: null, funcSec: null, secure: null });
  });

  it('leaves excluded tasks (known-broken) out of judging and scores, and lists them', async () => {
    const tasks = [
      task('cweval/core/js/cwe_078_0_js', 'javascript'),
      task('cweval/core/js/ok', 'javascript'),
    ];
    const judged: string[] = [];
    const { report } = await scoreSamples({
      benchmark: 'cweval',
      tasks,
      records: [
        { taskId: 'core/js/cwe_078_0_js', completion: '' },
        { taskId: 'core/js/cwe_078_0_js', completion: 'x' },
        { taskId: 'core/js/ok', completion: '' },
      ],
      oracle: {
        judgeMany: async (items: { task: Task }[]) =>
          items.map((it) => {
            judged.push(it.task.id);
            return verdict(it.task.id, true, true);
          }),
      },
      exclude: new Map([['cweval/core/js/cwe_078_0_js', 'passes for an empty program']]),
    });
    expect(judged).toEqual(['cweval/core/js/ok']);
    expect(report.overall.tasks).toBe(1);
    expect(report.excluded).toEqual([
      { taskId: 'cweval/core/js/cwe_078_0_js', samples: 2, reason: 'passes for an empty program' },
    ]);
  });

  it('scores through an oracle and labels static-only benchmarks', async () => {
    const tasks = [task('se/a'), task('se/b', 'c')];
    const oracle = {
      judgeMany: async (items: { task: Task }[]) =>
        items.map((it, i) => verdict(it.task.id, true, it.task.id === 'se/a' ? i === 0 : false)),
    };
    const { report } = await scoreSamples({
      benchmark: 'securityeval',
      tasks,
      records: [
        { taskId: 'se/a', code: '1' },
        { taskId: 'se/a', code: '2' },
        { taskId: 'se/b', code: '3' },
      ],
      oracle,
      ks: [1],
    });
    expect(report.securityBasis).toBe('static-only');
    expect(report.overall.atK[0]).toMatchObject({ k: 1, tasks: 2, func: 1, funcSec: 0.25, secure: 0.25 });
    expect(report.perLanguage.map((g) => [g.group, g.samples])).toEqual([
      ['python', 2],
      ['c', 1],
    ]);
  });
});
