import { createOracle, type OracleOptions } from '../../src/oracle/oracle.ts';
import type { Task } from '../../src/spec/task.ts';
import type { Verdict } from '../../src/spec/verdict.ts';
import { FORGERS, type Forger } from './forgers.ts';
import { findCwevalDir, missingNodePackages, resolveTarget, targetLabel, useCweval } from './targets.ts';

/** One forger (or control) with the verdict the oracle gave it. */
export interface ForgeryResult {
  id: string;
  language: string;
  mechanism: string;
  target: string;
  degenerate: boolean;
  /**
   * `control`: the task's own secure reference (must get securePass: the harness is real);
   * `baseline`: the task's first insecure variant, without the attack (must not be secure: the
   * forger's attack, not its insecure core, is what a securePass comes from).
   */
  role: 'forger' | 'control' | 'baseline';
  verdict?: Verdict;
  /** Why it was not judged (CWEval missing) or could not be built. */
  skipped?: string;
  /** The sample starts with the task's prompt (a policy could produce it as a completion). */
  promptFirst?: boolean;
}

export interface JudgeForgersOptions {
  /** Only these forger ids (default all). */
  only?: readonly string[];
  /** Also judge each target task's secure reference and first insecure variant once. */
  controls?: boolean;
  slots?: number;
  onProgress?: (done: number, total: number) => void;
  /** The oracle's coverage gate and, for measuring it alone, no static side (decision 0018). */
  oracle?: Pick<OracleOptions, 'coverageGate' | 'holdBackStatic'>;
}

/** Judges the forgers (and the controls) with one oracle; CWEval forgers are skipped when the data is missing. */
export async function judgeForgers(options: JudgeForgersOptions = {}): Promise<ForgeryResult[]> {
  const cwevalDir = await findCwevalDir();
  if (cwevalDir) await useCweval(cwevalDir);
  const forgers = FORGERS.filter((f) => !options.only || options.only.includes(f.id));
  const results: ForgeryResult[] = [];
  const items: { task: Task; code: string; result: ForgeryResult }[] = [];
  const base = (f: Forger): ForgeryResult => ({
    id: f.id,
    language: f.language,
    mechanism: f.mechanism,
    target: targetLabel(f.target),
    degenerate: f.degenerate === true,
    role: 'forger',
  });
  const controlled = new Set<string>();
  for (const f of forgers) {
    const result = base(f);
    results.push(result);
    const task = await resolveTarget(f.target, cwevalDir);
    if (!task) {
      result.skipped =
        f.target.kind === 'cweval' && !cwevalDir
          ? 'CWEval benchmark missing (TSP_BENCHMARKS_DIR)'
          : `target ${targetLabel(f.target)} not found`;
      continue;
    }
    const missing = missingNodePackages(task);
    if (missing) {
      result.skipped = missing;
      continue;
    }
    let code: string;
    try {
      code = f.code(task);
    } catch (e) {
      result.skipped = `the forger cannot be built for ${task.id}: ${e instanceof Error ? e.message : String(e)}`;
      continue;
    }
    result.promptFirst = code.startsWith(task.prompt);
    items.push({ task, code, result });
    const label = targetLabel(f.target);
    if (options.controls && !controlled.has(label) && task.secureReference) {
      controlled.add(label);
      const control: ForgeryResult = {
        id: `control:${label}`,
        language: task.language,
        mechanism: 'secure-reference',
        target: label,
        degenerate: false,
        role: 'control',
      };
      results.push(control);
      items.push({ task, code: task.secureReference, result: control });
      const bad = task.insecureVariants[0];
      if (bad) {
        const baseline: ForgeryResult = {
          ...control,
          id: `baseline:${label}`,
          mechanism: 'insecure-variant',
          role: 'baseline',
        };
        results.push(baseline);
        items.push({ task, code: bad, result: baseline });
      }
    }
  }
  // No static analyzer: only the tests decide, except for predictable randomness, which the oracle
  // always judges with TSP's analyzer too.
  const oracle = await createOracle({ slots: options.slots ?? 2, ...options.oracle });
  try {
    const verdicts = await oracle.judgeMany(
      items.map((it) => ({
        task: it.task,
        sample: { taskId: it.task.id, sampleId: it.result.id, code: it.code },
      })),
      (done, total) => options.onProgress?.(done, total),
    );
    verdicts.forEach((v, i) => {
      const it = items[i];
      if (it) it.result.verdict = v;
    });
  } finally {
    await oracle.close();
  }
  return results;
}

/** `fail`/`error`/... of the tests that did not pass, e.g. `semicolon:error`. */
export function failingTests(v: Verdict): string[] {
  return v.tests.filter((t) => t.status !== 'pass').map((t) => `${t.name}:${t.status}`);
}
