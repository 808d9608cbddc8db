import { describe, expect, it } from 'vitest';
import { cwevalRoot, defaultBenchmarksDir, measureCwevalQuality } from './cweval-quality.ts';

/**
 * Quality gate on CWEval's reference solutions (the full table is printed by
 * `node --import tsx src/analyzers/cweval-quality.ts`). Fails in CI without the benchmarks.
 */
const root = cwevalRoot();

describe('CWEval quality', () => {
  if (!root) {
    it.skipIf(!process.env.CI)(
      `needs CWEval under ${defaultBenchmarksDir()} (set TSP_BENCHMARKS_DIR)`,
      () => {
        throw new Error(`CWEval benchmark not found under ${defaultBenchmarksDir()}`);
      },
    );
    if (!process.env.CI)
      console.warn(`skipping the CWEval quality gate: no CWEval under ${defaultBenchmarksDir()}`);
    return;
  }
  it('detects >= 80% of insecure references with the task CWE and flags no secure reference', async () => {
    const { rows } = await measureCwevalQuality(root);
    const all = rows.find((r) => r.language === 'all');
    expect(all).toBeDefined();
    if (!all) return;
    expect(all.insecure).toBeGreaterThan(100);
    expect(all.detected / all.insecure).toBeGreaterThanOrEqual(0.8);
    // the oracle calls a flagged sample insecure: a flagged secure reference is a wrong verdict
    expect(all.falsePositives).toBe(0);
  });
});
