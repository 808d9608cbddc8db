import { hashString } from '../core/rng.ts';
import type { Policy } from '../spec/policy.ts';
import type { RunConfig } from '../spec/run-config.ts';
import type { Task } from '../spec/task.ts';

/** One generated sample, in the record format `tsp eval --samples` reads. */
export interface GeneratedSample {
  taskId: string;
  sampleId: string;
  completion: string;
  model: string;
  finishReason: string;
}

/**
 * Samples `samples` completions of every task's prompt from a policy (the benchmark half of
 * `tsp eval --endpoint`): one request per task with `n`, seeded per task, tasks in flight at once
 * up to the policy's own concurrency. Warnings of the backend are collected, not dropped.
 */
export async function generateBenchmarkSamples(input: {
  policy: Policy;
  model: string;
  tasks: readonly Task[];
  sampling: RunConfig['eval']['sampling'];
  samples: number;
  seed: number;
  /** Tasks requested at once (the policy limits requests per endpoint itself). */
  parallel?: number;
  onProgress?: (done: number, total: number) => void;
}): Promise<{ samples: GeneratedSample[]; warnings: string[]; truncated: number }> {
  const out: GeneratedSample[][] = new Array(input.tasks.length);
  const warnings = new Set<string>();
  let truncated = 0;
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < input.tasks.length) {
      const i = next++;
      const task = input.tasks[i] as Task;
      const [result] = await input.policy.generate([
        {
          prompt: task.prompt,
          n: input.samples,
          temperature: input.sampling.temperature,
          topP: input.sampling.topP,
          maxTokens: input.sampling.maxTokens,
          ...(input.sampling.stop?.length ? { stop: input.sampling.stop } : {}),
          seed: hashString(`eval:${input.seed}:${task.id}`),
        },
      ]);
      for (const w of result?.warnings ?? []) warnings.add(w);
      out[i] = (result?.generations ?? []).map((g, k) => {
        if (g.finishReason === 'length') truncated++;
        return {
          taskId: task.id,
          sampleId: `${task.id}#${k}`,
          completion: g.text,
          model: input.model,
          finishReason: g.finishReason,
        };
      });
      input.onProgress?.(++done, input.tasks.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, input.parallel ?? 8) }, worker));
  return { samples: out.flat(), warnings: [...warnings], truncated };
}
