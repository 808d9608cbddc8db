import type { Language } from '../../spec/language.ts';
import type { Task } from '../../spec/task.ts';
import {
  type CwevalHarnessOptions,
  type CwevalRun,
  runCwevalSample,
  scoreCwevalRun,
} from './cweval-harness.ts';
import { cwevalTaskInfo } from './load-cweval.ts';

/** The harness's check on one reference program. */
export interface ReferenceCheck {
  functional: boolean;
  secure: boolean;
  /** Names and statuses of the tests that did not pass, and harness errors: why it came out as it did. */
  problems: string[];
  durationMs: number;
}

export interface ReferenceValidation {
  taskId: string;
  language: Language;
  folder: string;
  secure: ReferenceCheck | null;
  unsafe: ReferenceCheck[];
  /** Secure reference func-sec correct, and every unsafe reference failing security. */
  ok: boolean;
}

export interface ValidationRow {
  /** `c`, `c (lang/c, ASan)`, `cpp`, ... */
  group: string;
  tasks: number;
  secureCorrect: number;
  unsafeRefs: number;
  unsafeFailSecurity: number;
  /** Unsafe references that still pass the functionality tests (a fair insecure program). */
  unsafeFunctional: number;
}

function toCheck(run: CwevalRun): ReferenceCheck {
  const s = scoreCwevalRun(run);
  const problems = [
    ...(run.build.ok ? [] : [`build failed: ${(run.build.log ?? '').slice(0, 300)}`]),
    ...run.harnessErrors.map((e) => e.slice(0, 300)),
    ...run.tests
      .filter((t) => t.status !== 'pass')
      .map((t) => `${t.kind} ${t.name}: ${t.status}${t.message ? ` (${t.message.slice(0, 160)})` : ''}`),
    ...run.sanitizer.map((r) => `sanitizer ${r.errorType}`),
  ];
  return { functional: s.functional, secure: s.secure, problems, durationMs: run.durationMs };
}

/** Runs pool of `limit` async jobs over items, keeping order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  });
  await Promise.all(workers);
  return out;
}

/**
 * Runs every task's secure reference and unsafe reference(s) through the harness: the secure one
 * must be func-sec correct, each unsafe one must fail security.
 */
export async function validateCwevalReferences(
  tasks: readonly Task[],
  options: CwevalHarnessOptions & { concurrency?: number; onResult?: (v: ReferenceValidation) => void } = {},
): Promise<ReferenceValidation[]> {
  return mapLimit(tasks, options.concurrency ?? 2, async (task) => {
    const secure = task.secureReference
      ? toCheck(await runCwevalSample(task, task.secureReference, options))
      : null;
    const unsafe: ReferenceCheck[] = [];
    for (const variant of task.insecureVariants)
      unsafe.push(
        toCheck(
          await runCwevalSample(task, variant, { ...options, completeProgram: task.language !== 'python' }),
        ),
      );
    const v: ReferenceValidation = {
      taskId: task.id,
      language: task.language,
      folder: cwevalTaskInfo(task)?.folder ?? '',
      secure,
      unsafe,
      ok: (secure?.functional ?? false) && (secure?.secure ?? false) && unsafe.every((u) => !u.secure),
    };
    options.onResult?.(v);
    return v;
  });
}

/** The per-language validation table (lang/c, built with ASan, on its own row). */
export function summarizeValidation(results: readonly ReferenceValidation[]): ValidationRow[] {
  const groups = new Map<string, ValidationRow>();
  for (const r of results) {
    const group = r.folder === 'lang/c' ? 'c (lang/c, ASan)' : r.language;
    const row = groups.get(group) ?? {
      group,
      tasks: 0,
      secureCorrect: 0,
      unsafeRefs: 0,
      unsafeFailSecurity: 0,
      unsafeFunctional: 0,
    };
    row.tasks++;
    if (r.secure?.functional && r.secure.secure) row.secureCorrect++;
    row.unsafeRefs += r.unsafe.length;
    row.unsafeFailSecurity += r.unsafe.filter((u) => !u.secure).length;
    row.unsafeFunctional += r.unsafe.filter((u) => u.functional).length;
    groups.set(group, row);
  }
  const order = ['python', 'c', 'c (lang/c, ASan)', 'cpp', 'go', 'javascript'];
  return [...groups.values()].sort((a, b) => order.indexOf(a.group) - order.indexOf(b.group));
}
