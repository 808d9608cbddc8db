import { readFile } from 'node:fs/promises';
import { type ProgramJudge, type TaskValidation, validateTasks } from '../benchmarks/builtin/validate.ts';
import type { Oracle } from '../oracle/oracle.ts';
import { TspError } from '../spec/errors.ts';
import { Task } from '../spec/task.ts';
import { jsonlLines } from '../store/jsonl.ts';

/**
 * Task files written by users (docs/tasks.md): reading them (JSONL, a JSON array, or one JSON
 * object) and validating them before anything is sampled: the schema, that the harness has every
 * test the task declares, that the secure reference is secure-pass, that each insecure variant
 * fails at least one exploit test, and that the prompt alone (an empty completion) does not pass.
 */

export interface TaskFileRead {
  tasks: Task[];
  /** `file:line: what is wrong`, one per record that is not a valid task. */
  problems: string[];
}

/** Reads tasks from JSONL (one per line), a JSON array, or a single JSON object. */
export async function readTaskFile(file: string): Promise<TaskFileRead> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new TspError('not-found', `cannot read tasks file ${file}`, {
      hint: 'give a task JSONL (docs/tasks.md; `tsp suite export` and `tsp tasks export` write them)',
      cause: e,
    });
  }
  return parseTaskText(text, file);
}

export function parseTaskText(text: string, origin = 'tasks'): TaskFileRead {
  const tasks: Task[] = [];
  const problems: string[] = [];
  const add = (value: unknown, where: string) => {
    const r = Task.safeParse(value);
    if (r.success) tasks.push(r.data);
    else
      problems.push(
        `${where}: ${r.error.issues.map((i) => `${i.path.join('.') || '(task)'}: ${i.message}`).join('; ')}`,
      );
  };
  const trimmed = text.trim();
  // A whole-file JSON value (pretty-printed object or array); else one task per line.
  if (trimmed.startsWith('[') || (trimmed.startsWith('{') && !trimmed.includes('\n{'))) {
    try {
      const value: unknown = JSON.parse(trimmed);
      if (Array.isArray(value)) for (const [i, v] of value.entries()) add(v, `${origin}[${i}]`);
      else add(value, origin);
      return { tasks, problems };
    } catch {
      // not one JSON value: read it as JSONL below
    }
  }
  for (const { line, value, valid } of jsonlLines(text)) {
    if (valid) add(value, `${origin}:${line}`);
    else problems.push(`${origin}:${line}: not valid JSON`);
  }
  return { tasks, problems };
}

/** Reads a task file and fails with every problem named (used before training on it). */
export async function readTaskFileStrict(file: string): Promise<Task[]> {
  const { tasks, problems } = await readTaskFile(file);
  if (problems.length)
    throw new TspError('invalid-input', `${problems.length} invalid task(s) in ${file}: ${problems[0]}`, {
      hint: 'see docs/tasks.md; `tsp tasks validate <file>` lists every problem',
    });
  return tasks;
}

/**
 * Tests a task declares that its inline harness does not define (read from the harness source:
 * Python `def test_<name>`, JavaScript `<name>:` / `<name>(`, C/C++/Go the quoted `"<name>"` it
 * dispatches on). Such a test would error on every sample, so no sample is ever secure-pass.
 */
export function missingHarnessTests(task: Task): string[] {
  if (task.harness.kind !== 'inline') return [];
  const src = task.harness.source;
  return task.tests
    .filter((t) => {
      switch (task.language) {
        case 'python':
          return !new RegExp(`^\\s*(?:async\\s+)?def\\s+test_${t.name}\\s*\\(`, 'm').test(src);
        case 'javascript':
          return !new RegExp(`(?:^|[\\s{,])['"]?${t.name}['"]?\\s*(?::|\\()`, 'm').test(src);
        default:
          return !src.includes(`"${t.name}"`) && !src.includes(`{{test:${t.name}}}`);
      }
    })
    .map((t) => t.name);
}

export interface TaskFileValidation {
  ok: boolean;
  /** Records that are not tasks (schema). */
  problems: string[];
  tasks: { taskId: string; ok: boolean; problems: string[] }[];
}

/** A ProgramJudge over the sandboxed oracle's public `judge`. */
export function oracleProgramJudge(oracle: Pick<Oracle, 'judge'>): ProgramJudge {
  return async (task, code) => {
    const v = await oracle.judge(task, { taskId: task.id, code });
    return {
      buildOk: v.build.ok,
      ...(v.build.log ? { buildLog: v.build.log } : {}),
      tests: v.tests.map((t) => ({
        name: t.name,
        kind: t.kind,
        status: t.status,
        ...(t.message ? { message: t.message } : {}),
      })),
      oracleErrors: v.oracleErrors,
    };
  };
}

/** Validates parsed tasks (see the module comment); `judge` runs a program against a task's tests. */
export async function validateTaskFile(
  read: TaskFileRead,
  options: { judge: ProgramJudge; concurrency?: number; onProgress?: (done: number, total: number) => void },
): Promise<TaskFileValidation> {
  const pre = new Map<string, string[]>();
  const ids = new Set<string>();
  for (const t of read.tasks) {
    const p: string[] = [];
    if (ids.has(t.id)) p.push(`duplicate task id ${t.id}`);
    ids.add(t.id);
    const missing = missingHarnessTests(t);
    if (missing.length)
      p.push(`the harness defines no test for declared test(s) ${missing.join(', ')} (see docs/tasks.md)`);
    if (!t.tests.some((x) => x.kind === 'functional')) p.push('no functional test declared');
    if (t.harness.kind !== 'none' && !t.tests.some((x) => x.kind === 'security'))
      p.push('no security (exploit) test declared');
    if (t.secureReference && !t.secureReference.startsWith(t.prompt))
      p.push('the secure reference does not start with the prompt (a completion is appended to the prompt)');
    if (t.insecureVariants.length === 0)
      p.push('no insecure variant: nothing shows that the exploit tests can fail');
    pre.set(t.id, p);
  }
  const report = await validateTasks(read.tasks, {
    judge: options.judge,
    minInsecureVariants: 1,
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  // The prompt alone (a model that writes nothing) must not pass: CWEval's core/js/cwe_078_0_js did.
  const empty = new Map<string, string>();
  for (const t of read.tasks) {
    if (t.harness.kind === 'none') continue;
    const out = await options.judge(t, t.prompt);
    const functional = out.buildOk && out.tests.some((x) => x.kind === 'functional');
    if (functional && out.tests.every((x) => x.status === 'pass'))
      empty.set(
        t.id,
        'the prompt alone (an empty completion) passes every test: the tests cannot tell a program that does nothing',
      );
  }
  const tasks = report.tasks.map((r: TaskValidation) => {
    const problems = [
      ...(pre.get(r.taskId) ?? []),
      ...(empty.has(r.taskId) ? [empty.get(r.taskId) as string] : []),
      ...r.checks.flatMap((c) =>
        c.problems.map(
          (p) => `${c.role === 'secure' ? 'secure reference' : `insecure variant ${c.index}`}: ${p}`,
        ),
      ),
    ];
    return { taskId: r.taskId, ok: problems.length === 0, problems };
  });
  return { ok: read.problems.length === 0 && tasks.every((t) => t.ok), problems: read.problems, tasks };
}
