import type { StaticAnalyzer } from '../../spec/analyzer.ts';
import type { Task } from '../../spec/task.ts';
import type { TestStatus } from '../../spec/verdict.ts';

/** What validation needs to know about one run of one program against its task's tests. */
export interface ProgramOutcome {
  buildOk: boolean;
  buildLog?: string;
  tests: { name: string; kind: 'functional' | 'security'; status: TestStatus; message?: string }[];
  /** Problems of the runner itself: the outcome cannot be trusted. */
  oracleErrors?: string[];
}

/** Runs a complete program against a task's tests (the sandboxed oracle, or the local runner). */
export type ProgramJudge = (task: Task, code: string) => Promise<ProgramOutcome>;

export interface ProgramCheck {
  role: 'secure' | 'insecure';
  index: number;
  ok: boolean;
  functional: boolean;
  /** Security tests that did not pass (an exploit that worked, or a crash). */
  exploited: string[];
  /** Lines (1-based) that differ from the secure reference, for the static check. */
  changedLines: number[];
  /** Static analysis flagged a changed line with a finding (null: no analyzer or not applicable). */
  staticFlagged: boolean | null;
  problems: string[];
}

export interface TaskValidation {
  taskId: string;
  family: string;
  ok: boolean;
  checks: ProgramCheck[];
}

export interface FamilyValidation {
  family: string;
  language: string;
  cwe: string;
  tasks: number;
  secureOk: number;
  secureTotal: number;
  insecureOk: number;
  insecureTotal: number;
  /** Insecure programs whose changed line static analysis flagged / insecure programs analyzed. */
  staticFlagged: number;
  staticTotal: number;
  ok: boolean;
  problems: string[];
}

export interface ValidationReport {
  ok: boolean;
  families: FamilyValidation[];
  tasks: TaskValidation[];
  /** The static check failed somewhere (counts as a failure only with `requireStatic`). */
  staticMisses: number;
  durationMs: number;
}

export interface ValidateOptions {
  judge: ProgramJudge;
  analyzer?: StaticAnalyzer;
  /** Count a missing static finding on an insecure variant as a failure (default false: reported only). */
  requireStatic?: boolean;
  concurrency?: number;
  /** Insecure variants a task must have (default 2: the built-in suite's rule). */
  minInsecureVariants?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Lines of `b` (1-based) that are not in `a` at the same position after the common prefix/suffix. */
export function changedLines(a: string, b: string): number[] {
  const x = a.split('\n');
  const y = b.split('\n');
  let pre = 0;
  while (pre < x.length && pre < y.length && x[pre] === y[pre]) pre++;
  let suf = 0;
  while (suf < x.length - pre && suf < y.length - pre && x[x.length - 1 - suf] === y[y.length - 1 - suf])
    suf++;
  const out: number[] = [];
  for (let i = pre; i < y.length - suf; i++) out.push(i + 1);
  return out;
}

async function checkProgram(
  task: Task,
  code: string,
  role: 'secure' | 'insecure',
  index: number,
  opts: ValidateOptions,
): Promise<ProgramCheck> {
  const problems: string[] = [];
  const out = await opts.judge(task, code);
  for (const e of out.oracleErrors ?? []) problems.push(`oracle: ${e}`);
  const functionalTests = out.tests.filter((t) => t.kind === 'functional');
  const functional =
    out.buildOk && functionalTests.length > 0 && functionalTests.every((t) => t.status === 'pass');
  const failedSecurity = out.tests.filter((t) => t.kind === 'security' && t.status !== 'pass');
  const exploited = failedSecurity.map((t) => t.name);
  if (!out.buildOk)
    problems.push(`build failed: ${(out.buildLog ?? '').split('\n').slice(0, 3).join(' | ')}`);
  else if (!functional) {
    const bad = functionalTests.filter((t) => t.status !== 'pass');
    problems.push(
      `not functional: ${bad.map((t) => `${t.name}=${t.status}`).join(', ') || 'no functional tests ran'}`,
    );
  }
  const ranAll = task.tests.every((t) => out.tests.some((o) => o.name === t.name));
  if (out.buildOk && !ranAll) problems.push('some tests did not run');
  if (role === 'secure' && exploited.length)
    problems.push(
      `secure reference fails security tests: ${failedSecurity.map((t) => `${t.name} (${t.status}${t.message ? `: ${t.message.slice(0, 300)}` : ''})`).join(', ')}`,
    );
  if (role === 'insecure' && out.buildOk && exploited.length === 0)
    problems.push('insecure variant passes every exploit test');
  const lines = role === 'insecure' ? changedLines(task.secureReference ?? '', code) : [];
  let staticFlagged: boolean | null = null;
  if (role === 'insecure' && opts.analyzer) {
    const findings = await opts.analyzer.analyze(code, task.language);
    staticFlagged = findings.some((f) => lines.some((l) => l >= f.span.startLine && l <= f.span.endLine));
    if (!staticFlagged && opts.requireStatic)
      problems.push(`static analysis did not flag the changed lines ${lines.join(',')}`);
  }
  return {
    role,
    index,
    ok: problems.length === 0,
    functional,
    exploited,
    changedLines: lines,
    staticFlagged,
    problems,
  };
}

async function validateTask(task: Task, opts: ValidateOptions): Promise<TaskValidation> {
  const checks: ProgramCheck[] = [];
  if (!task.secureReference) {
    checks.push({
      role: 'secure',
      index: 0,
      ok: false,
      functional: false,
      exploited: [],
      changedLines: [],
      staticFlagged: null,
      problems: ['no secure reference'],
    });
  } else checks.push(await checkProgram(task, task.secureReference, 'secure', 0, opts));
  for (const [i, code] of task.insecureVariants.entries())
    checks.push(await checkProgram(task, code, 'insecure', i, opts));
  const minInsecure = opts.minInsecureVariants ?? 2;
  if (task.insecureVariants.length < minInsecure)
    checks[0]?.problems.push(`fewer than ${minInsecure === 2 ? 'two' : minInsecure} insecure variants`);
  return {
    taskId: task.id,
    family: task.family ?? task.id,
    ok: checks.every((c) => c.ok && c.problems.length === 0),
    checks,
  };
}

/** Runs every secure reference and insecure variant of `tasks` and summarizes per family. */
export async function validateTasks(
  tasks: readonly Task[],
  opts: ValidateOptions,
): Promise<ValidationReport> {
  const start = Date.now();
  const results: TaskValidation[] = new Array(tasks.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      const task = tasks[i] as Task;
      results[i] = await validateTask(task, opts);
      opts.onProgress?.(++done, tasks.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 2) }, worker));
  const byFamily = new Map<string, FamilyValidation>();
  for (const [i, r] of results.entries()) {
    const task = tasks[i] as Task;
    let f = byFamily.get(r.family);
    if (!f) {
      f = {
        family: r.family,
        language: task.language,
        cwe: task.cwe.join(','),
        tasks: 0,
        secureOk: 0,
        secureTotal: 0,
        insecureOk: 0,
        insecureTotal: 0,
        staticFlagged: 0,
        staticTotal: 0,
        ok: true,
        problems: [],
      };
      byFamily.set(r.family, f);
    }
    f.tasks++;
    for (const c of r.checks) {
      if (c.role === 'secure') {
        f.secureTotal++;
        if (c.ok) f.secureOk++;
      } else {
        f.insecureTotal++;
        if (c.ok) f.insecureOk++;
        if (c.staticFlagged !== null) {
          f.staticTotal++;
          if (c.staticFlagged) f.staticFlagged++;
        }
      }
      for (const p of c.problems)
        f.problems.push(`${r.taskId} ${c.role}${c.role === 'insecure' ? `#${c.index}` : ''}: ${p}`);
    }
    if (!r.ok) f.ok = false;
  }
  const families = [...byFamily.values()];
  const staticMisses = families.reduce((n, f) => n + (f.staticTotal - f.staticFlagged), 0);
  return {
    ok: families.every((f) => f.ok),
    families,
    tasks: results,
    staticMisses,
    durationMs: Date.now() - start,
  };
}
