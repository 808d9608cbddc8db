import { registerHarnessRunner } from '../../oracle/harness-registry.ts';
import { registerTaskSource } from '../../oracle/task-sources.ts';
import { goCacheDir } from '../../sandbox/compile-native.ts';
import type { Task } from '../../spec/task.ts';
import { aggregateCwevalTests, runCwevalSample } from './cweval-harness.ts';
import { loadCweval } from './load-cweval.ts';

/**
 * Registers CWEval with the oracle: the `pytest` harness kind runs in the oracle's worker slot
 * (its uid and Go build cache), and `cweval/<folder>/<stem>` resolves to a task (`--task`).
 */
export function registerCweval(options: { cwevalDir: string; nodeModulesDir?: string }): void {
  registerHarnessRunner('pytest', async (ctx) => {
    const goCache = ctx.task.language === 'go' ? await goCacheDir(ctx.slot.uid) : undefined;
    const nodeModulesDir = options.nodeModulesDir ?? ctx.nodeModules;
    const run = await runCwevalSample(ctx.task, ctx.sample.code, {
      uid: ctx.slot.uid,
      ...(goCache ? { goCacheDir: goCache } : {}),
      ...(nodeModulesDir ? { nodeModulesDir } : {}),
      // CWEval's tests bring their own time-outs (4 s ReDoS checks); a whole file gets a generous limit.
      sampleTimeoutMs: Math.max(120_000, ctx.limits.sampleTimeoutMs),
      testTimeoutS: Math.max(30, Math.ceil(ctx.limits.testTimeoutMs / 1000)),
      compileTimeoutS: Math.ceil(ctx.limits.compileTimeoutMs / 1000),
      ...(ctx.coverage ? { coverage: true } : {}),
    });
    return {
      build: run.build,
      tests: aggregateCwevalTests(run),
      sanitizer: run.sanitizer,
      oracleErrors: run.harnessErrors,
      testMs: run.tests.reduce((a, t) => a + t.durationMs, 0),
      ...(run.coverage ? { coverage: run.coverage } : {}),
    };
  });
  let cache: Promise<Map<string, Task>> | undefined;
  const tasks = () => {
    cache ??= loadCweval(options.cwevalDir).then(
      (list) => new Map(list.map((t) => [t.id.slice('cweval/'.length), t])),
    );
    return cache;
  };
  registerTaskSource(
    'cweval',
    async (id) => (await tasks()).get(id),
    async () => [...(await tasks()).keys()],
  );
}
