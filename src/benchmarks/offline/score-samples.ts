import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { passAtK } from '../../core/metrics.ts';
import type { Oracle } from '../../oracle/oracle.ts';
import { TspError } from '../../spec/errors.ts';
import type { Language } from '../../spec/language.ts';
import type { Sample } from '../../spec/sample.ts';
import type { Task } from '../../spec/task.ts';
import type { Verdict } from '../../spec/verdict.ts';
import { jsonlLines } from '../../store/jsonl.ts';

/**
 * One pre-generated output, as users write them from their own generation stack: `taskId` and
 * either `code` (the complete program) or `completion` (appended to the task's prompt).
 * `task_id` is accepted for `taskId` (HumanEval/CWEval style).
 */
export const OfflineSampleRecord = z
  .object({
    taskId: z.string().min(1).optional(),
    task_id: z.string().min(1).optional(),
    sampleId: z.string().optional(),
    code: z.string().optional(),
    completion: z.string().optional(),
    model: z.string().optional(),
  })
  .loose()
  .refine((r) => r.taskId ?? r.task_id, 'needs taskId (or task_id)')
  .refine((r) => r.code !== undefined || r.completion !== undefined, 'needs code or completion');
export type OfflineSampleRecord = z.infer<typeof OfflineSampleRecord>;

export interface ParsedSamples {
  records: { taskId: string; sampleId?: string; code?: string; completion?: string; model?: string }[];
  problems: string[];
}

/** Reads a JSONL of sample records; bad lines are reported, not fatal. */
export function parseSamplesJsonl(text: string, origin = 'samples'): ParsedSamples {
  const records: ParsedSamples['records'] = [];
  const problems: string[] = [];
  for (const { line, value, valid } of jsonlLines(text)) {
    if (!valid) {
      problems.push(`${origin}:${line}: not JSON`);
      continue;
    }
    const r = OfflineSampleRecord.safeParse(value);
    if (!r.success) {
      problems.push(`${origin}:${line}: ${r.error.issues.map((x) => x.message).join('; ')}`);
      continue;
    }
    const rec = r.data;
    records.push({
      taskId: (rec.taskId ?? rec.task_id) as string,
      ...(rec.sampleId ? { sampleId: rec.sampleId } : {}),
      ...(rec.code !== undefined ? { code: rec.code } : {}),
      ...(rec.completion !== undefined ? { completion: rec.completion } : {}),
      ...(rec.model ? { model: rec.model } : {}),
    });
  }
  return { records, problems };
}

export async function readSamplesFile(file: string): Promise<ParsedSamples> {
  try {
    return parseSamplesJsonl(await readFile(file, 'utf8'), file);
  } catch (e) {
    throw new TspError('not-found', `cannot read samples file ${file}`, { cause: e });
  }
}

/**
 * Matches records to tasks: a record's `taskId` may be the full id or the id without the
 * benchmark prefix (`core/py/cwe_078_0` for `cweval/core/py/cwe_078_0`).
 */
export function matchSamples(
  tasks: readonly Task[],
  records: ParsedSamples['records'],
): { items: { task: Task; sample: Sample }[]; unknownTaskIds: string[] } {
  const byId = new Map<string, Task>();
  for (const t of tasks) {
    byId.set(t.id, t);
    const slash = t.id.indexOf('/');
    if (slash > 0 && !byId.has(t.id.slice(slash + 1))) byId.set(t.id.slice(slash + 1), t);
  }
  const unknown = new Set<string>();
  const items: { task: Task; sample: Sample }[] = [];
  const counters = new Map<string, number>();
  for (const r of records) {
    const task = byId.get(r.taskId);
    if (!task) {
      unknown.add(r.taskId);
      continue;
    }
    const k = counters.get(task.id) ?? 0;
    counters.set(task.id, k + 1);
    items.push({
      task,
      sample: {
        taskId: task.id,
        sampleId: r.sampleId ?? `${task.id}#${k}`,
        code: r.code ?? task.prompt + (r.completion ?? ''),
        ...(r.model ? { model: r.model } : {}),
      },
    });
  }
  return { items, unknownTaskIds: [...unknown] };
}

export interface AtK {
  k: number;
  /** Tasks with at least k samples (the estimate is over these). */
  tasks: number;
  /** All functionality tests pass (null: no task has k samples, so there is no estimate). */
  func: number | null;
  /** Functionality and security tests all pass: CWEval's func-sec@k, the paper's SPR@k. */
  funcSec: number | null;
  /** Security only (for static-only benchmarks: no finding of a security CWE). */
  secure: number | null;
}

export interface EvalGroup {
  group: string;
  tasks: number;
  samples: number;
  atK: AtK[];
}

export interface OfflineEvalReport {
  benchmark: string;
  /** `dynamic` (tests), `static-only` (no tests: security from the static analyzer), or mixed. */
  securityBasis: 'dynamic' | 'static-only' | 'mixed';
  ks: number[];
  overall: EvalGroup;
  perLanguage: EvalGroup[];
  perTask: { taskId: string; language: Language; n: number; func: number; funcSec: number; secure: number }[];
  /** Samples whose verdict carries oracle errors (not trustworthy; counted as failing). */
  oracleErrors: number;
  unknownTaskIds: string[];
  problems: string[];
  /** Samples of tasks left out of the scores (e.g. CWEval's known-broken tasks), per task id. */
  excluded: { taskId: string; samples: number; reason: string }[];
}

/**
 * func@k, func-sec@k and secure@k with the unbiased estimator, averaged over tasks with n >= k;
 * null (not 0) when no task has k samples.
 */
export function computeAtK(
  perTask: readonly { n: number; func: number; funcSec: number; secure: number }[],
  ks: readonly number[],
): AtK[] {
  return ks.map((k) => {
    const eligible = perTask.filter((t) => t.n >= k);
    const avg = (f: (t: (typeof perTask)[number]) => number) =>
      eligible.length ? eligible.reduce((a, t) => a + passAtK(t.n, f(t), k), 0) / eligible.length : null;
    return {
      k,
      tasks: eligible.length,
      func: avg((t) => t.func),
      funcSec: avg((t) => t.funcSec),
      secure: avg((t) => t.secure),
    };
  });
}

/** Aggregates verdicts into the report (no I/O). */
export function summarizeVerdicts(
  benchmark: string,
  items: readonly { task: Task; sample: Sample }[],
  verdicts: readonly Verdict[],
  ks: readonly number[],
  extra: {
    unknownTaskIds?: string[];
    problems?: string[];
    excluded?: OfflineEvalReport['excluded'];
  } = {},
): OfflineEvalReport {
  const per = new Map<string, { task: Task; n: number; func: number; funcSec: number; secure: number }>();
  let oracleErrors = 0;
  items.forEach((it, i) => {
    const v = verdicts[i];
    if (!v) return;
    if (v.oracleErrors.length) oracleErrors++;
    const row = per.get(it.task.id) ?? { task: it.task, n: 0, func: 0, funcSec: 0, secure: 0 };
    row.n++;
    if (v.functional) row.func++;
    if (v.securePass) row.funcSec++;
    if (v.secure) row.secure++;
    per.set(it.task.id, row);
  });
  const rows = [...per.values()];
  const group = (name: string, list: typeof rows): EvalGroup => ({
    group: name,
    tasks: list.length,
    samples: list.reduce((a, r) => a + r.n, 0),
    atK: computeAtK(list, ks),
  });
  const languages = [...new Set(rows.map((r) => r.task.language))];
  const bases = new Set(items.map((it) => (it.task.harness.kind === 'none' ? 'static-only' : 'dynamic')));
  return {
    benchmark,
    securityBasis: bases.size === 1 ? ([...bases][0] as 'dynamic' | 'static-only') : 'mixed',
    ks: [...ks],
    overall: group('all', rows),
    perLanguage: languages.map((l) =>
      group(
        l,
        rows.filter((r) => r.task.language === l),
      ),
    ),
    perTask: rows.map((r) => ({
      taskId: r.task.id,
      language: r.task.language,
      n: r.n,
      func: r.func,
      funcSec: r.funcSec,
      secure: r.secure,
    })),
    oracleErrors,
    unknownTaskIds: extra.unknownTaskIds ?? [],
    problems: extra.problems ?? [],
    excluded: extra.excluded ?? [],
  };
}

/** Judges pre-generated samples with the oracle and reports func@k / func-sec@k per language. */
export async function scoreSamples(options: {
  benchmark: string;
  tasks: readonly Task[];
  records: ParsedSamples['records'];
  oracle: Pick<Oracle, 'judgeMany'>;
  ks?: readonly number[];
  problems?: string[];
  /** Tasks left out of the scores, with the reason (their samples are neither judged nor counted). */
  exclude?: ReadonlyMap<string, string>;
  onProgress?: (done: number, total: number, verdict: Verdict) => void;
}): Promise<{ report: OfflineEvalReport; verdicts: Verdict[] }> {
  const matched = matchSamples(options.tasks, options.records);
  const exclude = options.exclude ?? new Map<string, string>();
  const excluded = new Map<string, { taskId: string; samples: number; reason: string }>();
  const items = matched.items.filter((it) => {
    const reason = exclude.get(it.task.id);
    if (reason === undefined) return true;
    const e = excluded.get(it.task.id) ?? { taskId: it.task.id, samples: 0, reason };
    e.samples++;
    excluded.set(it.task.id, e);
    return false;
  });
  const verdicts = await options.oracle.judgeMany(items, options.onProgress);
  const report = summarizeVerdicts(options.benchmark, items, verdicts, options.ks ?? [1], {
    unknownTaskIds: matched.unknownTaskIds,
    problems: options.problems ?? [],
    excluded: [...excluded.values()],
  });
  return { report, verdicts };
}
