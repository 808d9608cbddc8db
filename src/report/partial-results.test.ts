import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTspError } from '../spec/errors.ts';
import { buildReportData } from './data.ts';
import { type FixtureRun, writeFixtureRun } from './fixture.ts';
import { writeReport } from './index.ts';
import { loadRunResults, summarizeEvaluations } from './partial-results.ts';

let dir: string;
let fixture: FixtureRun;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsp-partial-'));
  fixture = await writeFixtureRun(join(dir, 'run'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const jsonl = (xs: readonly unknown[]) => xs.map((x) => `${JSON.stringify(x)}\n`).join('');

describe('partial runs', () => {
  it('summarizes evaluations like the engine: each method at its last round, mean and std over seeds', () => {
    const rows = summarizeEvaluations(fixture.results.evaluations);
    const key = (r: { method: string; split: string }) => `${r.method}/${r.split}`;
    expect(rows.map(key).sort()).toEqual(fixture.results.summary.map(key).sort());
    for (const r of rows) {
      const want = fixture.results.summary.find((s) => key(s) === key(r));
      expect(r.spr1.mean).toBeCloseTo(want?.spr1.mean ?? Number.NaN, 12);
      expect(r.vulnRate?.std).toBeCloseTo(want?.vulnRate?.std ?? Number.NaN, 12);
    }
  });

  it('reports a run without results.json from evaluations.jsonl and phases.jsonl, with a note', async () => {
    const run = join(dir, 'partial');
    await writeFixtureRun(run);
    await rm(join(run, 'results.json'));
    // Only the first round of the self-play methods has been evaluated; one record was written twice.
    const done = fixture.results.evaluations.filter((e) => e.round <= 1);
    await writeFile(join(run, 'evaluations.jsonl'), jsonl([...done, done[0]]));
    const stats = fixture.results.treeStats.filter((s) => s.round === 1);
    await writeFile(
      join(run, 'phases.jsonl'),
      jsonl([
        ...stats.map(({ method, seed, round, ...tree }) => ({
          name: 'x',
          method,
          seed,
          round,
          config: 'standard',
          tree,
        })),
        { name: 'xl', method: 'tsp', seed: 1, round: 1, config: 'cross-language', tree: stats[0] },
        { name: 'sft0-s1', method: 'sft0', seed: 1, round: 0, config: 'standard', train: null, pairs: 0 },
      ]),
    );
    const results = await loadRunResults(run, { runId: 'partial-run', createdAt: '2025-01-01T00:00:00Z' });
    expect(results.runId).toBe('partial-run');
    expect(results.evaluations).toHaveLength(done.length);
    expect(results.summary.find((r) => r.method === 'tsp' && r.split === 'test')?.spr1.n).toBe(2);
    expect(results.treeStats).toHaveLength(stats.length);
    expect(results.notes[0]).toMatch(/^Partial run: results.json is missing/);
    const data = await buildReportData(run);
    expect(data.run.notes[0]).toMatch(/^Partial run/);
    const r = await writeReport(run);
    expect(r.bytes).toBeGreaterThan(0);
  });

  it('still fails clearly when there is neither results.json nor any evaluation', async () => {
    const run = join(dir, 'empty');
    await writeFixtureRun(run);
    await rm(join(run, 'results.json'));
    let err: unknown;
    try {
      await buildReportData(run);
    } catch (e) {
      err = e;
    }
    expect(isTspError(err) && err.code === 'not-found' && /results.json not found/.test(err.message)).toBe(
      true,
    );
    await writeFile(join(run, 'evaluations.jsonl'), '');
    await expect(buildReportData(run)).rejects.toThrow(/results.json not found/);
  });
});
