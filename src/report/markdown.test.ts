import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunResults } from '../spec/results.ts';
import { writeFixtureRun } from './fixture.ts';
import { formatStat } from './format.ts';
import { renderMarkdownTable } from './markdown.ts';

let dir: string;
let results: RunResults;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsp-md-'));
  results = (await writeFixtureRun(dir)).results;
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The rows of the table under `### <heading>` as arrays of cells. */
function tableUnder(md: string, heading: string): string[][] {
  const lines = md.split('\n');
  const start = lines.findIndex((l) => l.startsWith('### ') && l.includes(heading));
  expect(start, `heading ${heading}`).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i] as string;
    if (l.startsWith('### ')) break;
    if (l.startsWith('|')) rows.push(l.slice(2, -2).split(' | '));
  }
  return rows;
}

describe('renderMarkdownTable', () => {
  it('has one table per split whose cells are the summary rows, with the best of each column in bold', () => {
    const md = renderMarkdownTable(results);
    for (const split of ['test', 'unseen-cwe']) {
      const rows = tableUnder(md, `Split \`${split}\``);
      expect(rows[0]).toEqual(['Method', 'SPR@1 ↑', 'pass@1 ↑', 'secure@1 ↑', 'Vuln. rate ↓']);
      const body = rows.slice(2);
      const summary = results.summary.filter((r) => r.split === split);
      expect(body).toHaveLength(summary.length);
      const bestSpr = Math.max(...summary.map((r) => r.spr1.mean));
      const bestVuln = Math.min(...summary.flatMap((r) => (r.vulnRate ? [r.vulnRate.mean] : [])));
      for (const r of summary) {
        const label = {
          base: 'Base',
          sft: 'SFT',
          spin: 'Self-play (unstructured)',
          tsp: 'TSP',
          unlikelihood: 'SafeCoder-style (unlikelihood)',
          'tsp-release': 'TSP release recipe',
        }[r.method];
        const row = body.find((b) => b[0] === label);
        expect(row, label).toBeDefined();
        const strip = (s: string) => s.replace(/\*\*/g, '');
        expect(strip(row?.[1] ?? '')).toBe(formatStat(r.spr1));
        expect(strip(row?.[2] ?? '')).toBe(formatStat(r.pass1));
        expect(strip(row?.[3] ?? '')).toBe(formatStat(r.secure1));
        expect(strip(row?.[4] ?? '')).toBe(r.vulnRate ? formatStat(r.vulnRate) : '–');
        expect(row?.[1]?.startsWith('**')).toBe(r.spr1.mean === bestSpr);
        expect(row?.[4]?.startsWith('**')).toBe(r.vulnRate?.mean === bestVuln);
      }
    }
  });

  it('gives each held-out split of suite version 2 its own unseen-CWE table and README section', () => {
    type Row = RunResults['summary'][number];
    const relabel = (split: string) => (x: Row) => (x.split === 'unseen-cwe' ? { ...x, split } : x);
    const v2: RunResults = {
      ...results,
      summary: [
        ...results.summary.map(relabel('unseen-sibling')),
        ...results.summary.filter((r) => r.split === 'unseen-cwe').map(relabel('unseen-distant')),
      ],
      unseenCwe: [
        ...results.unseenCwe.map((r) => ({ ...r, split: 'unseen-sibling' })),
        ...results.unseenCwe.map((r) => ({ ...r, split: 'unseen-distant' })),
      ],
    };
    const md = renderMarkdownTable(v2);
    expect(md).not.toContain('### Unseen CWEs\n');
    for (const title of ['Unseen CWEs, siblings', 'Unseen CWEs, distant'])
      expect(
        tableUnder(md, title)
          .slice(2)
          .map((r) => r[0]),
      ).toEqual(['Base', 'SFT', 'Self-play (unstructured)', 'TSP']);
    const readme = renderMarkdownTable(v2, { variant: 'readme' });
    const headings = readme.split('\n').filter((l) => l.startsWith('### Unseen'));
    expect(headings).toEqual([
      '### Unseen CWEs, siblings (a trained principle at another CWE and API)',
      '### Unseen CWEs, distant (no trained relative)',
    ]);
    // version 1 (rows without a split) keeps its one table
    expect(renderMarkdownTable(results)).toContain('### Unseen CWEs\n');
  });

  it('lists methods in the paper order and adds the unseen-CWE, cross-language and tree panels', () => {
    const md = renderMarkdownTable(results);
    const body = tableUnder(md, 'Split `test`').slice(2);
    expect(body.map((r) => r[0])).toEqual(['Base', 'SFT', 'Self-play (unstructured)', 'TSP']);
    const unseen = tableUnder(md, 'Unseen CWEs').slice(2);
    expect(unseen.find((r) => r[0] === 'SFT')?.[2]).toBe('–');
    const cross = tableUnder(md, 'Cross-language');
    expect(cross[0]).toContain('Python SPR@1 ↑');
    const trees = tableUnder(md, 'Decision trees').slice(2);
    expect(trees.map((r) => r[1])).toEqual(['1', '2']);
    // Critical nodes per task: the mean over seeds of the fixture's own counts.
    const r1 = results.treeStats.filter((s) => s.round === 1);
    const mean = r1.reduce((a, s) => a + s.criticalNodesPerTask, 0) / r1.length;
    expect(trees[0]?.[2]).toBe(mean.toFixed(2));
  });

  it('has a per-CWE table of the main split whose cells are the mean rates over seeds at the last round', () => {
    const md = renderMarkdownTable(results);
    const rows = tableUnder(md, 'Vulnerability rate per CWE (split `test`)');
    const cwes = rows[0]?.slice(2) ?? [];
    expect(cwes).toContain('CWE-89');
    const tsp = rows.slice(2).find((r) => r[0] === 'TSP');
    const last = results.evaluations.filter((e) => e.method === 'tsp' && e.split === 'test' && e.round === 2);
    expect(tsp?.[1]).toBe('2');
    const i = cwes.indexOf('CWE-89');
    const withFunctional = last.filter((e) => (e.perCwe['CWE-89']?.pass1 ?? 0) > 0);
    const mean =
      withFunctional.reduce((a, e) => a + (e.perCwe['CWE-89']?.vulnRate ?? Number.NaN), 0) /
      withFunctional.length;
    expect(tsp?.[2 + i]?.replace(/\*\*/g, '')).toBe((mean * 100).toFixed(1));
  });

  it('shows a per-CWE rate as – where no seed had a functional sample of that CWE, not 0.0', () => {
    const none = { spr1: 0, pass1: 0, secure1: 0, vulnRate: 0, tasks: 2, samples: 6 };
    const some = { spr1: 0.5, pass1: 1, secure1: 0.5, vulnRate: 0.5, tasks: 2, samples: 6 };
    const ev = (seed: number, method: 'sft' | 'tsp', cwe89: typeof none) => ({
      method,
      seed,
      round: 1,
      split: 'eval',
      overall: some,
      perLanguage: {},
      perCwe: { 'CWE-89': cwe89, 'CWE-79': some },
    });
    const md = renderMarkdownTable(
      RunResults.parse({
        runId: 'r',
        preset: 'p',
        createdAt: 'now',
        seeds: [1, 2],
        methods: ['sft', 'tsp'],
        evaluations: [ev(1, 'sft', none), ev(2, 'sft', none), ev(1, 'tsp', none), ev(2, 'tsp', some)],
        summary: [],
      }),
    );
    const rows = tableUnder(md, 'Vulnerability rate per CWE').slice(2);
    const cwes = tableUnder(md, 'Vulnerability rate per CWE')[0]?.slice(2) ?? [];
    const at = 2 + cwes.indexOf('CWE-89');
    expect(rows.find((r) => r[0] === 'SFT')?.[at]).toBe('–');
    // TSP: one seed without a functional sample, one at 50%: the rate is 50.0, not the mean 25.0
    expect(rows.find((r) => r[0] === 'TSP')?.[at]?.replace(/\*\*/g, '')).toBe('50.0');
  });

  it('prints paired differences with their intervals under each split, bold where 0 is outside', () => {
    const md = renderMarkdownTable(results);
    const rows = tableUnder(md, 'Paired differences, split `test`');
    expect(rows[0]).toEqual([
      'Difference',
      'Δ SPR@1 ↑',
      'Δ pass@1 ↑',
      'Δ vuln. rate ↓',
      'Δ SPR@1 seed by seed',
    ]);
    const tspSpin = rows.find((r) => r[0] === 'TSP − Self-play (unstructured)');
    const c = results.comparisons.find(
      (x) => x.split === 'test' && x.a === 'tsp' && x.b === 'spin' && x.metric === 'spr1',
    );
    expect(c?.lo).not.toBeNull();
    const cell = tspSpin?.[1] ?? '';
    expect(cell.replace(/\*\*/g, '')).toMatch(/^[+−]?\d+\.\d \[[+−]?\d+\.\d, [+−]?\d+\.\d\]$/);
    const excludes = (c?.lo as number) > 0 || (c?.hi as number) < 0;
    expect(cell.startsWith('**')).toBe(excludes);
    // one difference per seed of the fixture (2 seeds)
    expect(tspSpin?.[4]?.split(' / ')).toHaveLength(2);
    // the README variant keeps TSP against the others and self-play against SFT only
    const readme = renderMarkdownTable(results, { variant: 'readme' });
    const heads = tableUnder(readme, 'paired differences')
      .slice(2)
      .map((r) => r[0]);
    expect(heads).toContain('TSP − SFT');
    expect(heads).toContain('Self-play (unstructured) − SFT');
    expect(heads).not.toContain('SFT − Base');
  });

  it('never prints a reduction vs SFT from a single seed without an interval', () => {
    const one: RunResults = RunResults.parse({
      runId: 'r',
      preset: 'p',
      createdAt: 'now',
      seeds: [1],
      methods: ['sft', 'tsp'],
      evaluations: [],
      summary: [],
      unseenCwe: [
        { method: 'sft', vulnRate: { mean: 1, std: 0, n: 1 }, reductionVsSft: null },
        { method: 'tsp', vulnRate: { mean: 1, std: 0, n: 1 }, reductionVsSft: { mean: 0, std: 0, n: 1 } },
      ],
    });
    const rows = tableUnder(renderMarkdownTable(one), 'Unseen CWEs').slice(2);
    expect(rows.find((r) => r[0] === 'TSP')?.[2]).toBe('–');
    const withInterval = {
      ...one,
      unseenCwe: [
        one.unseenCwe[0] as RunResults['unseenCwe'][number],
        {
          ...(one.unseenCwe[1] as RunResults['unseenCwe'][number]),
          reductionVsSftInterval: { estimate: 0.1, lo: -0.05, hi: 0.3 },
        },
      ],
    };
    const rows2 = tableUnder(renderMarkdownTable(withInterval), 'Unseen CWEs').slice(2);
    expect(rows2.find((r) => r[0] === 'TSP')?.[2]).toBe('+10.0 [−5.0, +30.0]');
  });

  it('drops the spread with one seed, keeps notes on one line, and says when there is nothing to show', () => {
    const one: RunResults = RunResults.parse({
      runId: 'r',
      preset: 'p',
      createdAt: 'now',
      seeds: [3],
      methods: ['tsp'],
      evaluations: [],
      summary: [
        {
          method: 'tsp',
          split: 'a|b',
          spr1: { mean: 0.5, std: 0, n: 1 },
          pass1: { mean: 0.75, std: 0, n: 1 },
          secure1: { mean: 0.6, std: 0, n: 1 },
          vulnRate: { mean: 0.25, std: 0, n: 1 },
        },
      ],
      notes: ['a | b\nc'],
    });
    const md = renderMarkdownTable(one);
    expect(md).toContain('| TSP | 50.0 | 75.0 | 60.0 | 25.0 |');
    expect(md).toContain('### Split `a|b`');
    expect(md).toContain('- a | b c');
    expect(renderMarkdownTable({ ...one, summary: [] })).toContain('No summary rows');
    // When every method ties, nothing is bold.
    const first = one.summary[0] as RunResults['summary'][number];
    const tie = renderMarkdownTable({ ...one, summary: [first, { ...first, method: 'sft' }] });
    expect(tie).not.toContain('**5');
    expect(
      renderMarkdownTable({
        ...one,
        summary: [first, { ...first, method: 'sft', spr1: { mean: 0.4, std: 0, n: 1 } }],
      }),
    ).toContain('| TSP | **50.0** | 75.0 |');
  });
});

describe("renderMarkdownTable({ variant: 'readme' })", () => {
  const s = (mean: number, std = 0.05) => ({ mean, std, n: 2 });
  const metrics = (spr1: number, pass1: number) => ({
    spr1,
    pass1,
    secure1: spr1,
    vulnRate: 0.1,
    tasks: 4,
    samples: 16,
  });
  const row = (method: 'base' | 'sft' | 'tsp', split: string, spr1: number) => ({
    method,
    split,
    spr1: s(spr1),
    pass1: s(0.5),
    secure1: s(0.25),
    vulnRate: s(0.125),
  });
  const evaluation = (
    method: 'base' | 'sft' | 'tsp',
    seed: number,
    round: number,
    spr1: number,
    pass1: number,
  ) => ({
    method,
    seed,
    round,
    split: 'train',
    overall: metrics(spr1, pass1),
  });
  const tree = (seed: number, round: number, verifiedPairs: number, generatedTokens: number) => ({
    method: 'tsp',
    seed,
    round,
    tasks: 4,
    criticalNodes: seed + round,
    criticalNodesPerTask: (seed + round) / 4,
    pairs: verifiedPairs + 1,
    verifiedPairs,
    generatedTokens,
    verifiedPairsPer1kTokens: (1000 * verifiedPairs) / generatedTokens,
    judged: 10,
  });
  // Splits listed in results.json in an order unlike the README's; a benchmark split of its own.
  const fabricated = RunResults.parse({
    runId: 'small',
    preset: 'test',
    createdAt: 'now',
    seeds: [1, 2],
    methods: ['base', 'sft', 'tsp'],
    summary: [
      row('tsp', 'train', 0.3),
      row('base', 'train', 0.1),
      row('tsp', 'cweval', 0.7),
      row('tsp', 'cross-language', 0.05),
      row('tsp', 'unseen-cwe', 0.02),
      row('sft', 'eval', 0.04),
      row('tsp', 'eval', 0.06),
      row('base', 'eval', 0.01),
    ],
    evaluations: [
      evaluation('base', 1, 0, 0.1, 0.5),
      evaluation('base', 2, 0, 0.1, 0.5),
      evaluation('sft', 1, 1, 0.6, 0.7),
      evaluation('sft', 2, 1, 0.8, 0.9),
      evaluation('tsp', 1, 1, 0.2, 0.4),
      evaluation('tsp', 2, 1, 0.4, 0.6),
      evaluation('tsp', 1, 2, 0.3, 0.3),
      evaluation('tsp', 2, 2, 0.3, 0.5),
    ],
    treeStats: [tree(1, 1, 10, 2000), tree(2, 1, 20, 2000), tree(1, 2, 3, 1000), tree(2, 2, 4, 1000)],
  });

  it('has a table per split under its README title, held-out eval first and the train diagnostic last', () => {
    const md = renderMarkdownTable(fabricated, { variant: 'readme' });
    const headings = md.split('\n').filter((l) => l.startsWith('### '));
    expect(headings).toEqual([
      '### Held-out eval',
      '### Unseen CWEs',
      '### Cross-language eval (trained on C/C++ only)',
      '### Split `cweval`',
      '### Training prompts (diagnostic: the prompts SFT and self-play trained on, not held out)',
      '### Self-play rounds',
    ]);
    expect(md.startsWith('Mean ± sample standard deviation over 2 seeds (1, 2), in percent.')).toBe(true);
    const evalRows = tableUnder(md, 'Held-out eval');
    expect(evalRows[0]).toEqual(['Method', 'SPR@1 ↑', 'pass@1 ↑', 'secure@1 ↑', 'Vuln. rate ↓']);
    expect(evalRows.slice(2)).toEqual([
      ['Base', '1.0 ± 5.0', '50.0 ± 5.0', '25.0 ± 5.0', '12.5 ± 5.0'],
      ['SFT', '4.0 ± 5.0', '50.0 ± 5.0', '25.0 ± 5.0', '12.5 ± 5.0'],
      ['TSP', '**6.0 ± 5.0**', '50.0 ± 5.0', '25.0 ± 5.0', '12.5 ± 5.0'],
    ]);
    expect(
      tableUnder(md, 'Training prompts')
        .slice(2)
        .map((r) => r[1]),
    ).toEqual(['10.0 ± 5.0', '**30.0 ± 5.0**']);
    // results.md keeps its own shape: no README titles, the per-split headings instead.
    const full = renderMarkdownTable(fabricated);
    expect(full).toContain('### Split `eval`');
    expect(full).not.toContain('### Held-out eval');
  });

  it('lists each self-play round with its training-prompt metrics over seeds and the verified pairs it built', () => {
    const md = renderMarkdownTable(fabricated, { variant: 'readme' });
    const rows = tableUnder(md, 'Self-play rounds');
    expect(rows[0]).toEqual([
      'Method',
      'Round',
      'train SPR@1 ↑',
      'train pass@1 ↑',
      'Critical nodes / task',
      'Verified pairs',
      'Verified pairs / 1k tokens',
    ]);
    // Hand-computed: SFT round 1 SPR@1 (0.6, 0.8) -> 70.0 ± 14.1; TSP round 1 critical nodes (2/4, 3/4)
    // -> 0.63 (0.625), verified pairs (10, 20) -> 15, per 1k tokens (5, 10) -> 7.50.
    expect(rows.slice(2)).toEqual([
      ['SFT', '1', '70.0 ± 14.1', '80.0 ± 14.1', '–', '–', '–'],
      ['TSP', '1', '30.0 ± 14.1', '50.0 ± 14.1', '0.63', '15', '7.50'],
      ['TSP', '2', '30.0 ± 0.0', '40.0 ± 14.1', '0.88', '3.5', '3.50'],
    ]);
  });

  it('drops the training-prompt columns without a train split and the rounds table without rounds', () => {
    const noTrain = { ...fabricated, evaluations: fabricated.evaluations.filter((e) => e.round === 0) };
    const rows = tableUnder(renderMarkdownTable(noTrain, { variant: 'readme' }), 'Self-play rounds');
    expect(rows[0]).toEqual([
      'Method',
      'Round',
      'Critical nodes / task',
      'Verified pairs',
      'Verified pairs / 1k tokens',
    ]);
    expect(rows.slice(2).map((r) => r.slice(0, 2))).toEqual([
      ['TSP', '1'],
      ['TSP', '2'],
    ]);
    const none = renderMarkdownTable({ ...noTrain, treeStats: [] }, { variant: 'readme' });
    expect(none).not.toContain('Self-play rounds');
    expect(renderMarkdownTable({ ...noTrain, summary: [] }, { variant: 'readme' })).toContain(
      'No summary rows',
    );
  });
});

describe("renderMarkdownTable({ variant: 'calibration' })", () => {
  const m = (pass1: number, vulnRate: number, tasks = 4) => ({
    spr1: pass1 * (1 - vulnRate),
    pass1,
    secure1: 1 - pass1 * vulnRate,
    vulnRate,
    tasks,
    samples: tasks * 2,
  });
  const ev = (
    seed: number,
    split: string,
    method: 'base' | 'sft',
    round: number,
    pass1: number,
    vuln: number,
  ) => ({
    method,
    seed,
    round,
    split,
    overall: m(pass1, vuln),
    perLanguage: { python: m(pass1, vuln, 2), c: m(0, 0, 2) },
    perCwe: { 'CWE-89': m(pass1, vuln) },
  });
  const calibrationRun = () =>
    RunResults.parse({
      ...results,
      seeds: [1, 2],
      evaluations: [
        ev(1, 'eval', 'base', 0, 0.5, 0.4),
        ev(2, 'eval', 'base', 0, 0.3, 0.2),
        ev(1, 'eval', 'sft', 1, 1, 0),
        ev(1, 'unseen-cwe', 'base', 0, 0, 0),
        ev(2, 'unseen-cwe', 'base', 0, 0, 0),
      ],
    });

  it("averages the base model's round-0 metrics over seeds per split, language and CWE", () => {
    const md = renderMarkdownTable(calibrationRun(), { variant: 'calibration' });
    const top = tableUnder(`### top\n${md.slice(md.indexOf('| split'))}`, 'top');
    expect(top.slice(2)).toEqual([
      ['eval', '4', '40.0', '87.0', '27.0', '30.0'],
      ['unseen-cwe', '4', '0.0', '100.0', '0.0', '–'],
    ]);
    const rows = tableUnder(md, 'Split `eval`').slice(2);
    expect(rows.map((r) => r[0])).toEqual(['C', 'Python', 'CWE-89']);
    expect(rows[0]).toEqual(['C', '2', '0.0', '100.0', '0.0', '–']);
    expect(rows[1]?.slice(2)).toEqual(['40.0', '87.0', '27.0', '30.0']);
    expect(md).not.toContain('sft');
  });

  it('says so when the run has no base evaluation', () => {
    const run = calibrationRun();
    const none = RunResults.parse({
      ...run,
      evaluations: run.evaluations.filter((e) => e.method !== 'base'),
    });
    expect(renderMarkdownTable(none, { variant: 'calibration' })).toContain(
      'No evaluation of the base model',
    );
  });
});

describe('vulnerability rate without functional samples', () => {
  it('is shown as – (the summary has null: undefined, not 0)', () => {
    const zero = { mean: 0, std: 0, n: 2 };
    const summary = results.summary.map((r, i) =>
      i === 0 ? { ...r, pass1: zero, spr1: zero, vulnRate: null } : r,
    );
    const first = summary[0];
    const md = renderMarkdownTable(RunResults.parse({ ...results, summary }));
    const row = tableUnder(md, `Split \`${first?.split}\``).find(
      (r) => r[0]?.replace(/\*/g, '') !== 'Method' && r[2] === '0.0 ± 0.0',
    );
    expect(row?.[4]).toBe('–');
  });
});
