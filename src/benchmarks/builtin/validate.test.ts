import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.ts';
import { LATEST_SUITE_VERSION } from '../../spec/run-config.ts';
import type { Task } from '../../spec/task.ts';
import { buildSuite, createPartition, createPicker, selectFamilies, toTask } from './build-suite.ts';
import { withPseudoNames } from './corpus.ts';
import { runProgramLocally } from './local-runner.ts';
import { changedLines, type ProgramJudge, validateTasks } from './validate.ts';
import { nameParts } from './vocab.ts';

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/g;

const localJudge: ProgramJudge = async (task, code) => {
  const r = await runProgramLocally(task, code);
  return { buildOk: r.build.ok, ...(r.build.log ? { buildLog: r.build.log } : {}), tests: r.tests };
};

describe('changedLines', () => {
  it('finds the lines of b that differ from a', () => {
    expect(changedLines('a\nb\nc\n', 'a\nX\nc\n')).toEqual([2]);
    expect(changedLines('a\nb\nc\n', 'a\nX\nY\nc\n')).toEqual([2, 3]);
    expect(changedLines('a\nb\n', 'a\nb\n')).toEqual([]);
  });
});

describe('validateTasks with the local runner (Python and JavaScript families)', () => {
  const suite = buildSuite({ languages: ['python', 'javascript'], variantsPerFamily: { train: 1, eval: 0 } });

  it('every secure reference is functional and secure; every insecure variant functional and exploited', async () => {
    const report = await validateTasks(suite.tasks, { judge: localJudge, concurrency: 2 });
    const failing = report.families.filter((f) => !f.ok).flatMap((f) => f.problems);
    expect(failing).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.families.length).toBe(suite.families.length);
  }, 120_000);

  it.each([
    ['single words', 0],
    ['compounds', 1],
  ])(
    "the corpus's made-up names (%s) keep every program correct (same checks on renamed variants)",
    async (_, compoundShare) => {
      const families = selectFamilies({ languages: ['python', 'javascript'] });
      const picker = (f: (typeof families)[number]) =>
        createPicker(createPartition(1, f.meta.principle), 'train', createRng(11));
      // share 1: every name the picker may rename is made up (and, with compoundShare 1, joins words
      // wherever the name it replaces or its pool does)
      const renamed = families.map((f) =>
        toTask(f.meta, f.instantiate(withPseudoNames(picker(f), 1, compoundShare)), 'train', 0, 1),
      );
      const plain = families.map((f) => f.instantiate(picker(f)));
      expect(renamed.filter((t, i) => t.entryPoint === plain[i]?.entryPoint)).toEqual([]);
      if (compoundShare > 0) {
        // the renamed prompts do join words: many more distinct compound names than single words give
        const compounds = (share: number) =>
          new Set(
            families
              .flatMap(
                (f) => f.instantiate(withPseudoNames(picker(f), 1, share)).prompt.match(IDENTIFIER) ?? [],
              )
              .filter((w) => nameParts(w).length > 1),
          ).size;
        expect(compounds(compoundShare)).toBeGreaterThan(1.5 * compounds(0));
      }
      const report = await validateTasks(renamed, { judge: localJudge, concurrency: 2 });
      expect(report.families.filter((f) => !f.ok).flatMap((f) => f.problems)).toEqual([]);
    },
    120_000,
  );

  it('catches a swapped reference: an insecure "secure" reference and a secure "insecure" variant', async () => {
    const t = suite.tasks.find((x) => x.family === 'py-sqli-select') as Task;
    const broken: Task = {
      ...t,
      secureReference: t.insecureVariants[0],
      insecureVariants: [t.secureReference ?? '', t.insecureVariants[1] ?? ''],
    };
    const report = await validateTasks([broken], { judge: localJudge });
    expect(report.ok).toBe(false);
    const problems = report.families[0]?.problems.join('\n') ?? '';
    expect(problems).toMatch(/secure reference fails security tests/);
    expect(problems).toMatch(/insecure variant passes every exploit test/);
  }, 60_000);

  it('catches a non-functional insecure variant and flags static misses only when asked', async () => {
    const t = suite.tasks.find((x) => x.family === 'js-xss-render') as Task;
    const broken: Task = {
      ...t,
      insecureVariants: [`${t.prompt}  return '';\n}\n`, t.insecureVariants[1] ?? ''],
    };
    const analyzer = { analyze: async () => [] };
    const lenient = await validateTasks([broken], { judge: localJudge, analyzer });
    expect(lenient.families[0]?.problems.join('\n')).toMatch(/not functional/);
    expect(lenient.staticMisses).toBe(2);
    const ok = suite.tasks.find((x) => x.family === 'js-hash-fingerprint') as Task;
    const strict = await validateTasks([ok], { judge: localJudge, analyzer, requireStatic: true });
    expect(strict.ok).toBe(false);
    const loose = await validateTasks([ok], { judge: localJudge, analyzer });
    expect(loose.ok).toBe(true);
  }, 60_000);
});

/** Opt-in: every family in every language (C with ASan, Go builds), every secure style. */
describe.skipIf(!process.env.TSP_SLOW)('every family and every secure style (slow)', () => {
  it('validates all families locally, one train and one eval variant', async () => {
    const suite = buildSuite({ version: LATEST_SUITE_VERSION, variantsPerFamily: { train: 1, eval: 1 } });
    const report = await validateTasks(suite.tasks, { judge: localJudge, concurrency: 2 });
    expect(report.families.filter((f) => !f.ok).flatMap((f) => f.problems)).toEqual([]);
  }, 900_000);

  it('every secure style of every family is functional and secure', async () => {
    const problems: string[] = [];
    const version = LATEST_SUITE_VERSION;
    for (const fam of selectFamilies({ version })) {
      const base = buildSuite({ version, families: [fam.meta.id], variantsPerFamily: { train: 1, eval: 0 } })
        .tasks[0] as Task;
      const inst = fam.instantiate(
        createPicker(createPartition(1, fam.meta.principle, version), 'train', createRng(9)),
      );
      for (const [i, style] of inst.secureStyles.entries()) {
        const task: Task = {
          ...base,
          prompt: inst.prompt,
          harness: { kind: 'inline', source: inst.harness },
        };
        const r = await localJudge(task, inst.prompt + style);
        const bad = r.tests.filter((x) => x.status !== 'pass');
        if (!r.buildOk || bad.length)
          problems.push(`${fam.meta.id} style ${i}: ${bad.map((b) => b.name).join(',') || 'build'}`);
      }
    }
    expect(problems).toEqual([]);
  }, 900_000);
});
