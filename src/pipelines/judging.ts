import type { Task } from '../spec/task.ts';
import { summarizeVerdict, type Verdict, type VerdictSummary } from '../spec/verdict.ts';
import { contentKey, type KeyedCache } from '../store/keyed-cache.ts';

export interface JudgeItem {
  task: Task;
  /** The complete program. */
  code: string;
  sampleId?: string;
}

/** Judges many programs at once (all oracle slots busy), answering in the same order. */
export type JudgeMany = (items: readonly JudgeItem[]) => Promise<Verdict[]>;

/** A judge that remembers: the same program for the same task is judged once per run. */
export type Judge = (items: readonly JudgeItem[]) => Promise<VerdictSummary[]>;

export function judgeKey(taskId: string, code: string): string {
  return contentKey({ t: taskId, c: code });
}

export function createCachedJudge(
  judgeMany: JudgeMany,
  cache: KeyedCache<VerdictSummary>,
  /** Programs per `judgeMany` call, each call's verdicts cached before the next (default: all at once). */
  chunk = Number.POSITIVE_INFINITY,
): Judge & { judged: () => number } {
  let judged = 0;
  const judge = async (items: readonly JudgeItem[]): Promise<VerdictSummary[]> => {
    const keys = items.map((i) => judgeKey(i.task.id, i.code));
    const todo = new Map<string, JudgeItem>();
    keys.forEach((k, idx) => {
      if (cache.get(k) === undefined && !todo.has(k)) todo.set(k, items[idx] as JudgeItem);
    });
    const list = [...todo.entries()];
    const size = Math.max(1, chunk);
    // A persistent cache keeps each chunk as soon as it is judged: a run killed while judging keeps its work.
    for (let at = 0; at < list.length; at += size) {
      const part = list.slice(at, at + size);
      const verdicts = await judgeMany(part.map(([, item]) => item));
      judged += part.length;
      cache.setMany(part.map(([k], i) => [k, summarizeVerdict(verdicts[i] as Verdict)]));
    }
    return keys.map((k) => cache.get(k) as VerdictSummary);
  };
  return Object.assign(judge, { judged: () => judged });
}
