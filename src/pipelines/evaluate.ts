import { computeMetrics, type Outcome } from '../core/metrics.ts';
import { hashString } from '../core/rng.ts';
import type { Language } from '../spec/language.ts';
import type { GenerateRequest, GenerateResult, Policy } from '../spec/policy.ts';
import type { Evaluation, Metrics, TaskCounts } from '../spec/results.ts';
import type { Task } from '../spec/task.ts';
import type { VerdictSummary } from '../spec/verdict.ts';
import type { KeyedCache } from '../store/keyed-cache.ts';
import { generateCached } from './generation.ts';
import type { Judge } from './judging.ts';

export interface EvalConfig {
  samplesPerTask: number;
  temperature: number;
  topP: number;
  maxTokens: number;
  stop?: string[];
}

export interface EvalSample {
  taskId: string;
  language: Language;
  cwe: string[];
  completion: string;
  verdict: VerdictSummary;
}

/** Metrics of a set of judged samples: overall, per language and per CWE. */
export function summarizeSamples(
  samples: readonly EvalSample[],
): Pick<Evaluation, 'overall' | 'perLanguage' | 'perCwe' | 'perTask'> {
  const outcome = (s: EvalSample): Outcome => ({ taskId: s.taskId, ...s.verdict });
  const group = <K extends string>(key: (s: EvalSample) => K[]) => {
    const m = new Map<K, Outcome[]>();
    for (const s of samples) for (const k of key(s)) m.set(k, [...(m.get(k) ?? []), outcome(s)]);
    return Object.fromEntries([...m].map(([k, os]) => [k, computeMetrics(os)])) as Record<K, Metrics>;
  };
  return {
    overall: computeMetrics(samples.map(outcome)),
    perLanguage: group((s) => [s.language]),
    perCwe: group((s) => s.cwe),
    perTask: countsPerTask(samples),
  };
}

/** Per task: samples, functional, secure and secure-and-functional counts (for the paired bootstrap). */
export function countsPerTask(samples: readonly EvalSample[]): Record<string, TaskCounts> {
  const out: Record<string, TaskCounts> = {};
  for (const s of samples) {
    const c = out[s.taskId] ?? { n: 0, functional: 0, secure: 0, securePass: 0 };
    out[s.taskId] = c;
    c.n++;
    if (s.verdict.functional) c.functional++;
    if (s.verdict.secure) c.secure++;
    if (s.verdict.securePass) c.securePass++;
  }
  return out;
}

/** Samples n programs per task from the policy, judges them, and returns the judged samples. */
export async function evaluatePolicy(input: {
  policy: Policy;
  modelKey: string;
  tasks: readonly Task[];
  cfg: EvalConfig;
  judge: Judge;
  genCache: KeyedCache<GenerateResult[]>;
  chunkSize: number;
  seed: number;
  onProgress?: (phase: string, done: number, total: number) => void;
}): Promise<EvalSample[]> {
  const { tasks, cfg } = input;
  const requests: GenerateRequest[] = tasks.map((t) => ({
    prompt: t.prompt,
    n: cfg.samplesPerTask,
    temperature: cfg.temperature,
    topP: cfg.topP,
    maxTokens: cfg.maxTokens,
    ...(cfg.stop?.length ? { stop: cfg.stop } : {}),
    seed: hashString(`eval:${input.seed}:${t.id}`),
  }));
  const results = await generateCached({
    policy: input.policy,
    modelKey: input.modelKey,
    requests,
    cache: input.genCache,
    chunkSize: input.chunkSize,
    onChunk: (d, n) => input.onProgress?.('generate', d, n),
  });
  const items = tasks.flatMap((task, i) =>
    (results[i] as GenerateResult).generations.map((g) => ({
      task,
      code: task.prompt + g.text,
      completion: g.text,
    })),
  );
  input.onProgress?.('judge', 0, items.length);
  const verdicts = await input.judge(items);
  input.onProgress?.('judge', items.length, items.length);
  return items.map((it, i) => ({
    taskId: it.task.id,
    language: it.task.language,
    cwe: it.task.cwe,
    completion: it.completion,
    verdict: verdicts[i] as VerdictSummary,
  }));
}
