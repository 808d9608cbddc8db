/**
 * CWEval harness timing: per-sample scoring time of TSP's harness (one sandbox per sample: build,
 * then pytest in-process in the driver) against pytest started afresh per sample (a new
 * interpreter that imports pytest, what CWEval's scripts do), on the secure references of a
 * fixed set of tasks from every language. Needs the CWEval benchmark and its node packages.
 */
import { join } from 'node:path';
import {
  type CwevalHarnessOptions,
  runCwevalSample,
  scoreCwevalRun,
} from '../src/benchmarks/cweval/cweval-harness.ts';
import { ensureCwevalNodeModules } from '../src/benchmarks/cweval/cweval-setup.ts';
import { loadCweval, resolveBenchmarksDir } from '../src/benchmarks/cweval/load-cweval.ts';
import type { Task } from '../src/spec/task.ts';

const PER_LANGUAGE = 4;
const REPEATS = 2;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export async function run(): Promise<{ table: string; json: unknown }> {
  const all = await loadCweval(join(resolveBenchmarksDir(), 'CWEval'));
  const nodeModulesDir = await ensureCwevalNodeModules();
  const tasks: Task[] = [];
  for (const lang of ['python', 'c', 'cpp', 'go', 'javascript'] as const)
    tasks.push(...all.filter((t) => t.language === lang && !t.id.includes('1333')).slice(0, PER_LANGUAGE));
  const rows: { language: string; mode: string; ms: number[]; ok: number }[] = [];
  const rowOf = (language: string, mode: string) => {
    let row = rows.find((r) => r.language === language && r.mode === mode);
    if (!row) {
      row = { language, mode, ms: [], ok: 0 };
      rows.push(row);
    }
    return row;
  };
  // Interleaved (A B, then B A on the next repeat) so that load drift hits both modes alike.
  for (let r = 0; r < REPEATS; r++)
    for (const t of tasks) {
      const modes = r % 2 === 0 ? (['in-process', 'fresh'] as const) : (['fresh', 'in-process'] as const);
      for (const mode of modes) {
        const opts: CwevalHarnessOptions = { nodeModulesDir, pytestMode: mode };
        const t0 = performance.now();
        const res = await runCwevalSample(t, t.secureReference ?? '', opts);
        const row = rowOf(t.language, mode);
        row.ms.push(performance.now() - t0);
        if (scoreCwevalRun(res).securePass) row.ok++;
      }
    }
  const lines = [
    'language    in-process ms (median)   fresh pytest ms (median)   samples   func-sec ok (both modes)',
  ];
  for (const lang of new Set(rows.map((r) => r.language))) {
    const a = rows.find((r) => r.language === lang && r.mode === 'in-process');
    const b = rows.find((r) => r.language === lang && r.mode === 'fresh');
    if (!a || !b) continue;
    lines.push(
      `${lang.padEnd(12)}${median(a.ms).toFixed(0).padStart(10)}${median(b.ms).toFixed(0).padStart(27)}${String(a.ms.length).padStart(20)}   ${a.ok}/${a.ms.length}, ${b.ok}/${b.ms.length}`,
    );
  }
  const allA = rows.filter((r) => r.mode === 'in-process').flatMap((r) => r.ms);
  const allB = rows.filter((r) => r.mode === 'fresh').flatMap((r) => r.ms);
  lines.push(
    `${'all'.padEnd(12)}${median(allA).toFixed(0).padStart(10)}${median(allB).toFixed(0).padStart(27)}${String(allA.length).padStart(20)}`,
  );
  return {
    table: lines.join('\n'),
    json: { perLanguage: rows, tasks: tasks.map((t) => t.id), repeats: REPEATS },
  };
}
