import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunResults } from '../spec/results.ts';
import { RunConfig } from '../spec/run-config.ts';
import type { Task } from '../spec/task.ts';
import { readJsonl } from '../store/jsonl.ts';
import { RunDir } from '../store/run-dir.ts';
import { createFakeBackend, fakeJudgeMany } from './_fake-backend.ts';
import { type ExperimentData, runExperiment } from './experiment.ts';
import type { JudgeMany } from './judging.ts';
import { getPreset } from './presets.ts';

function task(id: string, cwe: string, language: Task['language'] = 'python'): Task {
  const prompt = `def ${id}(db, name):\n    """Look the row up."""\n`;
  return {
    id,
    language,
    cwe: [cwe],
    prompt,
    entryPoint: id,
    harness: { kind: 'none' },
    tests: [],
    secureReference: `${prompt}    cur = db.cursor()\n    cur.execute("SELECT 1 WHERE n = ?", (name,))\n    return cur.fetchone()\n`,
    insecureVariants: [
      `${prompt}    cur = db.cursor()\n    cur.execute("SELECT 1 WHERE n = '%s'" % name)\n    return cur.fetchone()\n`,
    ],
    riskAnnotations: [{ line: 'cur.execute("SELECT 1 WHERE n = ?", (name,))' }],
    provenance: { source: 'test' },
  };
}

const data: ExperimentData = {
  standard: {
    train: [task('a', 'CWE-89'), task('b', 'CWE-89'), task('c', 'CWE-78')],
    eval: [task('d', 'CWE-89'), task('e', 'CWE-78')],
    unseen: { 'unseen-cwe': [task('f', 'CWE-22')] },
  },
  crossLanguage: { train: [task('g', 'CWE-89', 'c')], eval: [task('h', 'CWE-89', 'go')] },
};

function config(): RunConfig {
  const c = getPreset('smoke');
  return {
    ...c,
    seeds: [1, 2],
    training: { ...c.training, rounds: 2 },
    tree: { ...c.tree, rootSamples: 6 },
    eval: { ...c.eval, everyRound: true, samplesPerTask: 4 },
  };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'tsp-exp-'));

describe('runExperiment', () => {
  it('runs every method, writes trees, pairs and a valid results.json', async () => {
    const dir = tmp();
    const calls: string[] = [];
    const all = [
      ...data.standard.train,
      ...data.standard.eval,
      ...Object.values(data.standard.unseen).flat(),
      ...(data.crossLanguage?.train ?? []),
      ...(data.crossLanguage?.eval ?? []),
    ];
    const runDir = new RunDir(dir, config(), {});
    const results = await runExperiment({
      config: config(),
      data,
      backend: createFakeBackend(all, calls),
      judgeMany: fakeJudgeMany,
      runDir,
    });
    const parsed = RunResults.safeParse(results);
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(results.summary.map((r) => `${r.method}/${r.split}`)).toEqual(
      expect.arrayContaining([
        'base/eval',
        'sft/eval',
        'spin/eval',
        'tsp/eval',
        'tsp/unseen-cwe',
        'tsp/cross-language',
      ]),
    );
    expect(results.summary.find((r) => r.method === 'tsp' && r.split === 'eval')?.spr1.n).toBe(2);
    // Matched compute: SFT gets as many steps per round as each self-play round.
    expect(calls.filter((c) => c === 'sft:6').length).toBe(2 * 2 * 2); // 2 seeds x 2 configurations x 2 rounds
    expect(calls.some((c) => c.startsWith('tsp:'))).toBe(true);
    expect(calls.some((c) => c.startsWith('dpo:'))).toBe(true);
    const nodes = readJsonl<{ critical: boolean }>(join(dir, 'trees', 'tsp-s1-r1.jsonl'));
    expect(nodes.some((n) => n.critical)).toBe(true);
    const pairs = readJsonl<{ chosenVerified: boolean; rejectedVerified: boolean }>(
      join(dir, 'pairs', 'tsp-s1-r1.jsonl'),
    );
    expect(pairs.length).toBeGreaterThan(0);
    expect(pairs.every((p) => p.chosenVerified && p.rejectedVerified)).toBe(true);
    expect(results.treeStats.find((t) => t.method === 'tsp')?.verifiedPairsPer1kTokens).toBeGreaterThan(0);
    expect(results.unseenCwe.find((u) => u.method === 'tsp')?.reductionVsSft).toBeDefined();
    // Round 1 of the tree-building methods is one tree, sampled and judged once, trained two ways.
    expect(readJsonl(join(dir, 'pairs', 'unlikelihood-s1-r1.jsonl'))).toEqual(
      readJsonl(join(dir, 'pairs', 'tsp-s1-r1.jsonl')),
    );
    expect(calls.some((c) => c.startsWith('unlikelihood:'))).toBe(true);
    // The release's recipe: unjudged pairs at the annotated line, judged afterwards for the statistics.
    const release = readJsonl<{ prefix: string; chosenVerified: boolean; rejectedVerified: boolean }>(
      join(dir, 'pairs', 'tsp-release-s1-r1.jsonl'),
    );
    expect(release.length).toBeGreaterThan(0);
    expect(release.every((p) => !p.chosenVerified && !p.rejectedVerified)).toBe(true);
    expect(release.every((p) => p.prefix.endsWith('cur = db.cursor()\n'))).toBe(true);
    const releaseStats = results.treeStats.find((t) => t.method === 'tsp-release');
    expect(releaseStats?.verifiedPairs).toBe(0);
    expect(releaseStats?.rejectedInsecure).toBeGreaterThanOrEqual(0);
    // Paired differences of every pair of methods on every split, with intervals.
    const c = results.comparisons.find((x) => x.split === 'eval' && x.a === 'tsp' && x.b === 'spin');
    expect(c).toMatchObject({ metric: 'spr1', tasks: 2, seeds: 2 });
    expect(c?.lo).not.toBeNull();
    expect(
      new Set(results.comparisons.filter((x) => x.split === 'eval').map((x) => `${x.a}-${x.b}`)).size,
    ).toBe(15); // 6 methods
  });

  it('evaluates and reports each held-out split apart (suite version 2: siblings and distant CWEs)', async () => {
    const v2: ExperimentData = {
      standard: {
        ...data.standard,
        unseen: {
          'unseen-sibling': [task('s1', 'CWE-88'), task('s2', 'CWE-916')],
          'unseen-distant': [task('f', 'CWE-134')],
        },
      },
    };
    const all = [...v2.standard.train, ...v2.standard.eval, ...Object.values(v2.standard.unseen).flat()];
    const cfg = { ...config(), methods: ['base', 'sft', 'tsp'] as RunConfig['methods'] };
    const results = await runExperiment({
      config: cfg,
      data: v2,
      backend: createFakeBackend(all),
      judgeMany: fakeJudgeMany,
      runDir: new RunDir(tmp(), cfg, {}),
    });
    expect(RunResults.safeParse(results).error?.issues ?? []).toEqual([]);
    const splits = new Set(results.summary.map((r) => r.split));
    expect(splits).toEqual(new Set(['eval', 'unseen-sibling', 'unseen-distant']));
    expect(results.unseenCwe.map((u) => `${u.split}/${u.method}`)).toEqual([
      'unseen-sibling/base',
      'unseen-sibling/sft',
      'unseen-sibling/tsp',
      'unseen-distant/base',
      'unseen-distant/sft',
      'unseen-distant/tsp',
    ]);
    for (const split of ['unseen-sibling', 'unseen-distant'])
      expect(results.comparisons.some((c) => c.split === split && c.a === 'tsp' && c.b === 'sft')).toBe(true);
  });

  it('resumes after an interruption with nothing repeated and the same results', async () => {
    const all = [
      ...data.standard.train,
      ...data.standard.eval,
      ...Object.values(data.standard.unseen).flat(),
      ...(data.crossLanguage?.train ?? []),
      ...(data.crossLanguage?.eval ?? []),
    ];
    const straightDir = tmp();
    const straight = await runExperiment({
      config: config(),
      data,
      backend: createFakeBackend(all),
      judgeMany: fakeJudgeMany,
      runDir: new RunDir(straightDir, config(), {}),
    });

    const dir = tmp();
    let budget = 10; // judged programs before the "kill"
    const judged: string[] = [];
    const dying: JudgeMany = async (items) => {
      if (budget <= 0) throw new Error('killed');
      budget -= items.length;
      judged.push(...items.map((i) => `${i.task.id}\u0000${i.code}`));
      return fakeJudgeMany(items);
    };
    await expect(
      runExperiment({
        config: config(),
        data,
        backend: createFakeBackend(all),
        judgeMany: dying,
        runDir: new RunDir(dir, config(), {}),
      }),
    ).rejects.toThrow('killed');
    expect(readJsonl(join(dir, 'evaluations.jsonl')).length).toBeGreaterThan(0); // it died part-way
    const counting: JudgeMany = async (items) => {
      judged.push(...items.map((i) => `${i.task.id}\u0000${i.code}`));
      return fakeJudgeMany(items);
    };
    const resumed = await runExperiment({
      config: config(),
      data,
      backend: createFakeBackend(all),
      judgeMany: counting,
      runDir: new RunDir(dir, config(), {}),
    });
    expect(new Set(judged).size).toBe(judged.length); // no program judged twice
    const strip = (r: typeof straight) => ({ ...r, runId: '', createdAt: '', finishedAt: '' });
    expect(strip(resumed)).toEqual(strip(straight));
  });

  it('refuses to resume a run directory with another configuration', () => {
    const dir = tmp();
    new RunDir(dir, config(), {});
    expect(() => new RunDir(dir, { ...config(), seeds: [9] }, {})).toThrow(
      /different configuration: seeds: \[[^\]]*\] -> \[9\]/,
    );
  });

  it('resumes a run directory started before a setting existed, reading the setting as its default', () => {
    const dir = tmp();
    const { version: _added, ...oldSuite } = config().suite;
    new RunDir(dir, { ...config(), suite: oldSuite }, {});
    const normalize = (c: unknown) => RunConfig.parse(c);
    // such a run was on suite version 1, whatever the presets' default is now
    const v1 = { ...config(), suite: { ...config().suite, version: 1 } };
    expect(new RunDir(dir, v1, {}, undefined, normalize).resumed).toBe(true);
    // another value than the default is still another configuration
    expect(
      () =>
        new RunDir(dir, { ...config(), suite: { ...config().suite, version: 2 } }, {}, undefined, normalize),
    ).toThrow(/different configuration: suite.version: 1 -> 2/);
  });
});
