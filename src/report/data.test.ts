import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTspError } from '../spec/errors.ts';
import type { Evaluation, Metrics } from '../spec/results.ts';
import { TreeNode } from '../spec/tree.ts';
import { buildRoundHeatmaps } from './aggregate.ts';
import {
  buildCurves,
  buildHeatmaps,
  buildReportData,
  type CompactNode,
  compactTree,
  selectNodes,
} from './data.ts';
import { type FixtureRun, writeFixtureRun } from './fixture.ts';
import { parseSetFileName } from './run-dir.ts';

let dir: string;
let fixture: FixtureRun;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsp-data-'));
  fixture = await writeFixtureRun(join(dir, 'run'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const m = (spr1: number, vulnRate = 0.5): Metrics => ({
  spr1,
  pass1: 0.8,
  secure1: 0.6,
  vulnRate,
  tasks: 2,
  samples: 4,
});
const ev = (
  method: Evaluation['method'],
  seed: number,
  round: number,
  spr: number,
  perCwe = {},
): Evaluation => ({
  method,
  seed,
  round,
  split: 'test',
  overall: m(spr),
  perLanguage: {},
  perCwe,
});

/** Rebuilds every prefix from the compact nodes the way the page does. */
function rebuild(nodes: CompactNode[], prompt: string): string[] {
  const out: string[] = [];
  nodes.forEach((n, i) => {
    out[i] = n.x ?? (n.p >= 0 ? `${out[n.p]}${n.e}` : prompt);
  });
  return out;
}

async function readNodes(file: string): Promise<TreeNode[]> {
  const text = await readFile(join(fixture.dir, file), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((l) => TreeNode.parse(JSON.parse(l)));
}

describe('aggregation', () => {
  it('buildCurves gives the mean and sample std over seeds per round', () => {
    const curves = buildCurves([
      ev('tsp', 1, 0, 0.2),
      ev('tsp', 2, 0, 0.4),
      ev('tsp', 1, 1, 0.5),
      ev('tsp', 2, 1, 0.7),
      ev('sft', 1, 0, 0.3),
    ]);
    const spr = curves.find((c) => c.method === 'tsp' && c.metric === 'spr1');
    expect(spr?.points.map((p) => p.round)).toEqual([0, 1]);
    expect(spr?.points[0]?.mean).toBeCloseTo(0.3, 12);
    expect(spr?.points[0]?.std).toBeCloseTo(Math.sqrt(0.02), 12);
    expect(spr?.points[1]?.mean).toBeCloseTo(0.6, 12);
    expect(curves.filter((c) => c.method === 'sft')).toHaveLength(4);
    expect(curves[0]?.method).toBe('sft');
  });

  it('buildHeatmaps takes each method at its last round and averages seeds', () => {
    const [h] = buildHeatmaps(
      [
        ev('tsp', 1, 0, 0, { 'CWE-89': m(0, 0.9) }),
        ev('tsp', 1, 2, 0, { 'CWE-89': m(0, 0.2), 'CWE-22': m(0, 0.1) }),
        ev('tsp', 2, 2, 0, { 'CWE-89': m(0, 0.4) }),
        ev('sft', 1, 0, 0, { 'CWE-89': m(0, 0.6) }),
      ],
      'perCwe',
    );
    expect(h?.columns).toEqual(['CWE-22', 'CWE-89']);
    expect(h?.rows.map((r) => r.method)).toEqual(['sft', 'tsp']);
    const tsp = h?.rows[1];
    expect(tsp?.round).toBe(2);
    expect(tsp?.cells[0]).toBeCloseTo(0.1, 12);
    expect(tsp?.cells[1]).toBeCloseTo(0.3, 12);
    expect(h?.rows[0]?.cells[0]).toBeNull();
  });

  it('buildRoundHeatmaps gives one row per round for methods evaluated after several rounds', () => {
    const hs = buildRoundHeatmaps(
      [
        ev('tsp', 1, 0, 0, { 'CWE-89': m(0, 0.8) }),
        ev('tsp', 2, 0, 0, { 'CWE-89': m(0, 0.6) }),
        ev('tsp', 1, 1, 0, { 'CWE-89': m(0, 0.3), 'CWE-22': m(0, 0.5) }),
        ev('sft', 1, 0, 0, { 'CWE-89': m(0, 0.6) }),
      ],
      'test',
    );
    expect(hs).toHaveLength(1);
    expect(hs[0]?.columns).toEqual(['CWE-22', 'CWE-89']);
    expect(hs[0]?.rows.map((r) => [r.method, r.round])).toEqual([
      ['tsp', 0],
      ['tsp', 1],
    ]);
    expect(hs[0]?.rows[0]?.cells).toEqual([null, 0.7]);
    expect(hs[0]?.rows[1]?.cells[1]).toBeCloseTo(0.3, 12);
    expect(buildRoundHeatmaps([], 'test')).toEqual([]);
  });

  it('parses set file names and rejects others', () => {
    expect(parseSetFileName('xl-spin-s1-r2.jsonl')).toEqual({
      config: 'xl',
      method: 'spin',
      seed: 1,
      round: 2,
      key: 'xl-spin-s1-r2',
    });
    expect(parseSetFileName('sft0-s1.jsonl')).toBeUndefined();
    // a method name with a hyphen, with and without a configuration tag
    expect(parseSetFileName('tsp-release-s2-r1.jsonl')).toMatchObject({ config: '', method: 'tsp-release' });
    expect(parseSetFileName('xl-tsp-release-s2-r1.jsonl')).toMatchObject({
      config: 'xl',
      method: 'tsp-release',
    });
    expect(parseSetFileName('tsp-s12-r3.jsonl')).toEqual({
      config: '',
      method: 'tsp',
      seed: 12,
      round: 3,
      key: 'tsp-s12-r3',
    });
    expect(parseSetFileName('tsp-s1-r3.json')).toBeUndefined();
    expect(parseSetFileName('magic-s1-r3.jsonl')).toBeUndefined();
  });
});

describe('compact trees', () => {
  it('rebuilds every prefix from edges, and keeps explicit prefixes only where they do not follow', async () => {
    const nodes = await readNodes('trees/tsp-s1-r1.jsonl');
    const task = nodes.filter((n) => n.taskId === nodes[0]?.taskId);
    const prompt = task.find((n) => n.kind === 'root')?.prefix ?? '';
    const c = compactTree(task, [], prompt, 1000);
    expect(c.trimmed).toBe(0);
    expect(c.nodes.every((n) => n.x === undefined)).toBe(true);
    const byId = new Map(task.map((n) => [n.id, n]));
    rebuild(c.nodes, prompt).forEach((p, i) => {
      expect(p).toBe(byId.get(c.nodes[i]?.id ?? '')?.prefix);
    });
    // A node whose prefix does not extend its parent's keeps it explicitly; an unknown prompt too.
    const odd = task.map((n) => (n.depth === 1 ? { ...n, prefix: `${n.prefix}#` } : n));
    const c2 = compactTree(odd, [], undefined, 1000);
    const byId2 = new Map(odd.map((n) => [n.id, n]));
    rebuild(c2.nodes, 'WRONG').forEach((p, i) => {
      expect(p).toBe(byId2.get(c2.nodes[i]?.id ?? '')?.prefix);
    });
  });

  it('selectNodes keeps critical nodes with their paths and branches under a cap', async () => {
    const nodes = await readNodes('trees/tsp-s1-r1.jsonl');
    const kept = selectNodes(nodes, 12);
    expect(kept.length).toBeLessThanOrEqual(12);
    const ids = new Set(kept.map((n) => n.id));
    for (const n of kept) if (n.parentId) expect(ids.has(n.parentId)).toBe(true);
    const firstCritical = nodes.find((n) => n.critical);
    expect(firstCritical && ids.has(firstCritical.id)).toBe(true);
    expect(kept.some((n) => n.parentId === firstCritical?.id)).toBe(true);
  });
});

describe('buildReportData', () => {
  it('embeds every task of the fixture with its sets, pairs at critical nodes, and no trimming notes', async () => {
    const progress: number[] = [];
    const data = await buildReportData(fixture.dir, { onProgress: (p) => progress.push(p.done) });
    expect(progress.at(-1)).toBe(fixture.treeFiles.length + fixture.pairFiles.length);
    expect(data.trees.tasks).toHaveLength(6);
    expect(data.table.map((t) => t.split)).toEqual(['test', 'unseen-cwe']);
    expect(data.trees.sets.map((s) => s.key)).toContain('tsp-s2-r2');
    expect(data.trees.sets.map((s) => s.key)).toContain('spin-s1-r1');
    const tspEntries = data.trees.entries.filter((e) => e.set.startsWith('tsp-'));
    const pairs = tspEntries.flatMap((e) => e.pairs.map((p) => ({ p, e })));
    expect(pairs.length).toBeGreaterThan(0);
    for (const { p, e } of pairs) {
      expect(e.nodes[p.node]?.c).toBeDefined();
      expect(p.pre).toBeUndefined();
    }
    const nodes = data.trees.entries.reduce((a, e) => a + e.nodes.length, 0);
    expect(nodes).toBe(fixture.nodes);
    expect(data.notes.some((n) => n.includes('viewer embeds'))).toBe(false);
  });

  it('trims to the byte budget with a note, most critical tasks first', async () => {
    const data = await buildReportData(fixture.dir, { maxTreeBytes: 20_000, maxNodesPerTree: 5 });
    expect(data.trees.tasks.length).toBeLessThan(6);
    expect(data.trees.tasks.length).toBeGreaterThan(0);
    expect(data.notes.some((n) => n.includes(`embeds ${data.trees.tasks.length} of 6 tasks`))).toBe(true);
    expect(data.notes.some((n) => /tree nodes were left out/.test(n))).toBe(true);
    expect(data.trees.entries.every((e) => e.nodes.length <= 5)).toBe(true);
  });
});

describe('run directory errors', () => {
  const code = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      return isTspError(e) ? `${e.code}: ${e.message}` : `other: ${String(e)}`;
    }
    return 'no error';
  };

  it('names a missing directory, a missing results.json and a bad JSONL line', async () => {
    expect(await code(buildReportData(join(dir, 'nope')))).toMatch(/^not-found: run directory not found/);
    const empty = join(dir, 'empty');
    await writeFixtureRun(empty);
    await rm(join(empty, 'results.json'));
    expect(await code(buildReportData(empty))).toMatch(/^not-found: results.json not found/);

    const bad = join(dir, 'bad');
    await writeFixtureRun(bad);
    await appendFile(join(bad, 'trees', 'tsp-s1-r1.jsonl'), '{"id": "x", "taskId"');
    const lines = (await readFile(join(bad, 'trees', 'tsp-s1-r1.jsonl'), 'utf8')).split('\n').length;
    expect(await code(buildReportData(bad))).toMatch(
      new RegExp(`tsp-s1-r1\\.jsonl:${lines}: not valid JSON`),
    );

    const invalid = join(dir, 'invalid');
    await writeFixtureRun(invalid);
    await writeFile(join(invalid, 'pairs', 'tsp-s1-r1.jsonl'), '{"id":"p"}\n');
    expect(await code(buildReportData(invalid))).toMatch(
      /invalid-input: invalid record at .*pairs\/tsp-s1-r1\.jsonl:1: /,
    );

    await writeFile(join(invalid, 'results.json'), '{"runId": 3}');
    expect(await code(buildReportData(invalid))).toMatch(/invalid-input: invalid results.json .*runId/);
  });
});
