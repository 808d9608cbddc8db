import type { TestSpec } from '../spec/task.ts';
import type { TestOutcome } from '../spec/verdict.ts';

/** What one batch run (one process running several tests in order) reported. */
export interface BatchReport {
  outcomes: Map<string, TestOutcome>;
  /** The test that had started and not ended when the process stopped. */
  current?: string;
  /** Why the process stopped early (`timeout`, `exit 3`, `SIGKILL`...), when it did. */
  died?: { status: 'timeout' | 'crash' | 'error'; message: string };
}

/**
 * Runs tests in batches: one process runs them in order; when it dies or hangs, the test it was on
 * gets `crash`/`timeout` and the remaining ones run in a fresh process, until all have an outcome
 * or the sample's time budget is spent.
 */
export async function runTestsResumable(
  tests: readonly TestSpec[],
  budgetMs: number,
  runBatch: (tests: TestSpec[], remainingMs: number) => Promise<BatchReport>,
): Promise<TestOutcome[]> {
  const deadline = performance.now() + budgetMs;
  const results = new Map<string, TestOutcome>();
  let remaining = [...tests];
  for (let round = 0; remaining.length > 0 && round <= tests.length; round++) {
    const left = deadline - performance.now();
    if (left <= 0) break;
    const report = await runBatch(remaining, left);
    for (const t of remaining) {
      const o = report.outcomes.get(t.name);
      if (o) results.set(t.name, { ...o, kind: t.kind });
    }
    let next = remaining.filter((t) => !results.has(t.name));
    if (next.length > 0) {
      const victim = next.find((t) => t.name === report.current) ?? next[0];
      if (victim) {
        const why = report.died ?? {
          status: 'error' as const,
          message: 'the test runner stopped without a result',
        };
        results.set(victim.name, {
          name: victim.name,
          kind: victim.kind,
          status: why.status,
          message: why.message,
          durationMs: 0,
        });
        next = next.filter((t) => t !== victim);
      }
    }
    remaining = next;
  }
  return tests.map(
    (t) =>
      results.get(t.name) ?? {
        name: t.name,
        kind: t.kind,
        status: 'timeout',
        message: 'sample time limit reached before this test ran',
        durationMs: 0,
      },
  );
}
