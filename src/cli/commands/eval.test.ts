import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { OfflineEvalReport } from '../../benchmarks/offline/score-samples.ts';
import { formatEvalReport } from './eval.ts';

const bin = new URL('../../../bin/tsp.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'tsp-eval-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function tsp(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await promisify(execFile)(process.execPath, [bin, ...args], { timeout: 120_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: x.code ?? -1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}

describe('tsp eval report', () => {
  const group = (k2: number | null) => ({
    group: 'all',
    tasks: 2,
    samples: 2,
    atK: [
      { k: 1, tasks: 2, func: 0.5, funcSec: 0.5, secure: 1 },
      { k: 10, tasks: 0, func: k2, funcSec: k2, secure: k2 },
    ],
  });
  it('says first what was not scored, and n/a where no task has k samples', () => {
    const report: OfflineEvalReport = {
      benchmark: 'cweval',
      securityBasis: 'dynamic',
      ks: [1, 10],
      overall: group(null),
      perLanguage: [{ ...group(null), group: 'javascript' }],
      perTask: [],
      oracleErrors: 0,
      unknownTaskIds: [],
      problems: ['s.jsonl:3: not JSON'],
      excluded: [
        { taskId: 'cweval/core/js/cwe_078_0_js', samples: 1, reason: 'passes for an empty program' },
      ],
    };
    const lines = formatEvalReport(report).split('\n');
    expect(lines[0]).toBe('1 unreadable sample line(s) skipped (--skip-bad-lines): s.jsonl:3: not JSON');
    expect(lines[1]).toContain('1 known-broken task(s) left out of the scores (--include-broken keeps them)');
    expect(lines.find((l) => l.startsWith('all'))).toMatch(/50\.0% +50\.0% +n\/a +n\/a$/);
    expect(lines.at(-1)).toBe('@10: n/a, no task has 10 samples (give at least 10 per task)');
  });
});

describe('tsp eval --samples with unreadable lines', () => {
  it('exits 2 with the count first, unless --skip-bad-lines', async () => {
    const tasks = join(dir, 'tasks.jsonl');
    const prompt = 'import os\n\ndef run(cmd):\n';
    writeFileSync(
      tasks,
      `${JSON.stringify({
        id: 'my/run',
        language: 'python',
        cwe: ['CWE-78'],
        prompt,
        entryPoint: 'run',
        harness: { kind: 'none' },
        tests: [],
        provenance: { source: 'mine' },
      })}\n`,
    );
    const samples = join(dir, 'samples.jsonl');
    writeFileSync(samples, '{"taskId": "my/run", "completion": "    return os.system(cmd)\\n"}\nnot json\n');
    const args = ['eval', '--benchmark', 'tasks', '--file', tasks, '--samples', samples, '--slots', '1'];
    const refused = await tsp(args);
    expect(refused.code).toBe(2);
    expect(refused.stderr.split('\n')[0]).toBe(
      `1 of 2 lines of ${samples} are not sample records: ${samples}:2: not JSON`,
    );
    const skipped = await tsp([...args, '--skip-bad-lines']);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stdout.split('\n')[0]).toContain('1 unreadable sample line(s) skipped');
    expect(skipped.stdout).toContain('1 samples of 1 tasks');
  }, 120_000);
});
