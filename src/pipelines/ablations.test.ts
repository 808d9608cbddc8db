import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderAblationMarkdown } from '../report/ablation.ts';
import { AblationSummary } from '../spec/ablation.ts';
import type { RunConfig } from '../spec/run-config.ts';
import type { Task } from '../spec/task.ts';
import { RunDir } from '../store/run-dir.ts';
import { createFakeBackend, fakeJudgeMany } from './_fake-backend.ts';
import { ABLATIONS, getAblation, runAblation, variantConfig, variantDirName } from './ablations.ts';
import { type ExperimentData, runExperiment } from './experiment.ts';
import { getPreset } from './presets.ts';

function task(id: string, cwe: string): Task {
  const prompt = `def ${id}(db, name):\n    """Look the row up."""\n`;
  const risk = '    cur.execute("SELECT 1 WHERE n = ?", (name,))\n';
  return {
    id,
    language: 'python',
    cwe: [cwe],
    prompt,
    entryPoint: id,
    harness: { kind: 'none' },
    tests: [],
    secureReference: `${prompt}    cur = db.cursor()\n${risk}    return cur.fetchone()\n`,
    insecureVariants: [
      `${prompt}    cur = db.cursor()\n    cur.execute("SELECT 1 WHERE n = '%s'" % name)\n    return cur.fetchone()\n`,
    ],
    riskAnnotations: [{ line: risk.trim() }],
    provenance: { source: 'test' },
  };
}

const data: ExperimentData = {
  standard: {
    train: [task('a', 'CWE-89'), task('b', 'CWE-89')],
    eval: [task('d', 'CWE-89'), task('e', 'CWE-89'), task('g', 'CWE-89')],
    unseen: { 'unseen-cwe': [] },
  },
};
const all = [...data.standard.train, ...data.standard.eval];

function config(): RunConfig {
  const c = getPreset('smoke');
  return {
    ...c,
    seeds: [1, 2],
    suite: { ...c.suite, crossLanguage: false },
    eval: { ...c.eval, samplesPerTask: 4 },
  };
}

describe('ablations', () => {
  it('are data: every variant applies to the default preset, one reference each, reference dirs shared', () => {
    const d = getPreset('default');
    for (const a of Object.values(ABLATIONS)) {
      expect(a.variants.filter((v) => v.label === a.reference)).toHaveLength(1);
      for (const v of a.variants) expect(variantConfig(d, v).methods).toEqual(['tsp']);
      expect(a.variants.filter((v) => variantDirName(v) === 'reference')).toHaveLength(1);
    }
    expect(variantConfig(d, { label: 'x', sets: ['tree.segment=whole'] }).tree.segment).toBe('whole');
    expect(variantDirName({ label: 'x', sets: ['tree.sources=["annotated"]'] })).toBe(
      'tree.sources=-annotated',
    );
    expect(() => getAblation('nope')).toThrow(/unknown ablation/);
  });

  it('runs each variant once, compares it with the reference by the paired bootstrap, and resumes', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tsp-abl-'));
    let runs = 0;
    let clock = 0;
    const run = async (c: RunConfig, dir: string) => {
      runs++;
      clock += 60_000;
      return runExperiment({
        config: c,
        data,
        backend: createFakeBackend(all),
        judgeMany: fakeJudgeMany,
        runDir: new RunDir(dir, c, {}),
      });
    };
    const ablation = getAblation('verification');
    const summary = await runAblation({ ablation, config: config(), root, run, now: () => clock });
    expect(runs).toBe(2);
    expect(AblationSummary.safeParse(summary).success).toBe(true);
    const rows = summary.rows.filter((r) => r.split === 'eval');
    expect(rows.map((r) => [r.label, r.reference])).toEqual([
      ['verified (preset)', true],
      ['unverified rejected sides', false],
    ]);
    const unverified = rows[1];
    expect(unverified?.vsReference.spr1?.tasks).toBe(3);
    expect(unverified?.vsReference.spr1?.lo).not.toBeNull();
    expect(unverified?.wallSeconds).toBe(60);
    expect(existsSync(join(root, 'reference', 'results.json'))).toBe(true);
    expect(existsSync(join(root, 'ablation-verification.json'))).toBe(true);
    // the reference's metrics are the run's own TSP summary
    const ref = JSON.parse(readFileSync(join(root, 'reference', 'results.json'), 'utf8'));
    const tspEval = ref.summary.find(
      (r: { method: string; split: string }) => r.method === 'tsp' && r.split === 'eval',
    );
    expect(rows[0]?.spr1).toBeCloseTo(tspEval.spr1.mean, 12);

    // A second call resumes both runs (nothing new to do) and keeps the recorded wall times.
    const again = await runAblation({ ablation, config: config(), root, run, now: () => clock });
    expect(again.rows.find((r) => r.label === 'unverified rejected sides')?.wallSeconds).toBe(60);
    expect(again.rows.map((r) => r.spr1)).toEqual(summary.rows.map((r) => r.spr1));

    const md = renderAblationMarkdown(summary);
    expect(md).toContain('### Ablation `verification`');
    expect(md).toMatch(
      /\| verified \(preset\) \| [\d.]+ \| [\d.]+ \| [\d.–]+ \| reference \| reference \| reference \|/,
    );
    expect(md).toMatch(/\| unverified rejected sides \|.*\[/);
  });
});
