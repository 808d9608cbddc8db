import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { staticEvidenceNeeded } from '../analyzers/cwe.ts';
import { goCacheDir } from '../sandbox/compile-native.ts';
import { JsObserverServer } from '../sandbox/js-observer-server.ts';
import { type Limits, resolveLimits } from '../sandbox/limits.ts';
import { PythonServer } from '../sandbox/python-server.ts';
import { acquireUid, releaseUid } from '../sandbox/uids.ts';
import type { StaticAnalyzer } from '../spec/analyzer.ts';
import { isTspError } from '../spec/errors.ts';
import type { Finding } from '../spec/finding.ts';
import type { Sample } from '../spec/sample.ts';
import type { Task } from '../spec/task.ts';
import type { Verdict } from '../spec/verdict.ts';
import { assembleVerdict, type StaticPart } from './assemble-verdict.ts';
import {
  getHarnessRunner,
  type HarnessResult,
  hasHarnessRunner,
  registerHarnessRunner,
  type WorkerSlot,
} from './harness-registry.ts';
import { runInlineHarness } from './inline-runner.ts';

if (!hasHarnessRunner('inline')) registerHarnessRunner('inline', runInlineHarness);
if (!hasHarnessRunner('none'))
  registerHarnessRunner('none', async () => ({ build: { ok: true, durationMs: 0 }, tests: [], testMs: 0 }));

export interface OracleOptions {
  /** Worker slots (parallel samples); default: the machine's available parallelism. */
  slots?: number;
  /**
   * Static analysis for every sample. Without one, tasks whose weakness the tests cannot always show
   * (predictable randomness, input evaluated in the program: `staticEvidenceNeeded`) still get TSP's
   * default analyzer.
   */
  staticAnalyzer?: StaticAnalyzer;
  limits?: Partial<Limits>;
  /** Fold static analysis into `secure` even when the task has executable tests. */
  staticCounts?: boolean;
  /** Host node_modules folder bound read-only for JavaScript runs (NODE_PATH). */
  nodeModules?: string;
  /** Modules the warm Python servers import up front, beyond the built-in list. */
  pythonPreload?: string[];
  /**
   * Seed of the values harnesses draw per judging (markers, payload words, paths). Each judging's
   * seed is derived from it, the task id and the sample's code: the same seed and sample give the
   * same verdict. Default `tsp`.
   */
  seed?: string;
  /**
   * The coverage gate (docs/decisions/0018), on unless false: a Python sample whose own code has a
   * non-inert part no test ran is not judged `secure` (it is `untested`, with the code in
   * `verdict.untestedCode`).
   */
  coverageGate?: boolean;
  /**
   * Measurement only (decision 0018): no static analysis at all, and the weaknesses that need its
   * evidence are judged by the tests alone, to see what the other defenses deny by themselves.
   * Never for a verdict that trains or evaluates anything.
   */
  holdBackStatic?: boolean;
}

/** The seed of one judging: the oracle's seed, the task and the sample's code, hashed. */
export function judgingSeed(oracleSeed: string, task: Task, sample: Sample): string {
  return createHash('sha256').update(`${oracleSeed}\0${task.id}\0${sample.code}`).digest('hex').slice(0, 32);
}

export interface JudgeItem {
  task: Task;
  sample: Sample;
}

export interface Oracle {
  /** Builds the sample, runs the task's tests in the sandbox (and static analysis), returns its Verdict. */
  judge(task: Task, sample: Sample): Promise<Verdict>;
  /** Judges many samples on all slots; results in input order. */
  judgeMany(
    items: JudgeItem[],
    onProgress?: (done: number, total: number, verdict: Verdict) => void,
  ): Promise<Verdict[]>;
  close(): Promise<void>;
  readonly slots: number;
  readonly limits: Readonly<Limits>;
}

function errorText(e: unknown): string {
  if (isTspError(e)) return `${e.code}: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

/**
 * Creates the execution oracle: a pool of worker slots, each with its own unprivileged uid and a
 * warm Python fork-server (started on first use). A sample that hangs or crashes only affects its
 * own verdict; a failure of the oracle itself lands in `verdict.oracleErrors` (never secure).
 */
/**
 * The finding a sample gets when the strict analysis cannot read it in full: an error of the task's
 * weakness (it cannot be ruled out), at the start of the file.
 */
function unanalyzableFinding(task: Task, why: string): Finding {
  return {
    cwe: task.cwe.length ? [...task.cwe] : ['CWE-20'],
    ruleId: 'tsp.unanalyzable',
    source: 'tsp',
    severity: 'error',
    message: `${why.replace(/^invalid-input: /, '')}; the task's weakness cannot be ruled out`,
    span: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1, startByte: 0, endByte: 0 },
  };
}

export async function createOracle(options: OracleOptions = {}): Promise<Oracle> {
  const limits = resolveLimits(options.limits);
  const count = Math.max(1, Math.floor(options.slots ?? availableParallelism()));
  const slots: WorkerSlot[] = [];
  for (let i = 0; i < count; i++) {
    const uid = await acquireUid();
    slots.push({
      index: i,
      uid,
      python: new PythonServer(uid, { ...(options.pythonPreload ? { preload: options.pythonPreload } : {}) }),
      js: new JsObserverServer(uid, { ...(options.nodeModules ? { nodeModules: options.nodeModules } : {}) }),
      // Started on first use, like the others: only a suite with mode-checking harnesses starts them.
      pythonModes: new PythonServer(uid, {
        ...(options.pythonPreload ? { preload: options.pythonPreload } : {}),
        traceModes: true,
      }),
      jsModes: new JsObserverServer(uid, {
        ...(options.nodeModules ? { nodeModules: options.nodeModules } : {}),
        traceModes: true,
      }),
    });
  }
  const free: WorkerSlot[] = [...slots];
  const waiters: ((s: WorkerSlot) => void)[] = [];
  let closed = false;

  const takeSlot = (): Promise<WorkerSlot> => {
    const s = free.pop();
    if (s) return Promise.resolve(s);
    return new Promise((resolve) => waiters.push(resolve));
  };
  const giveSlot = (s: WorkerSlot) => {
    const w = waiters.shift();
    if (w) w(s);
    else free.push(s);
  };

  let defaultAnalyzer: Promise<StaticAnalyzer> | undefined;
  const analyzerFor = (task: Task): Promise<StaticAnalyzer> | undefined => {
    if (options.staticAnalyzer) return Promise.resolve(options.staticAnalyzer);
    if (!staticEvidenceNeeded(task.cwe)) return undefined;
    defaultAnalyzer ??= import('../analyzers/analyzer.ts').then((m) => m.createAnalyzer());
    return defaultAnalyzer;
  };

  const runStatic = async (task: Task, sample: Sample): Promise<StaticPart> => {
    if (options.holdBackStatic) return { ran: false, findings: [], durationMs: 0 };
    const analyzer = analyzerFor(task);
    if (!analyzer) return { ran: false, findings: [], durationMs: 0 };
    const t0 = performance.now();
    // Where the findings decide security, input the analyzer cannot read in full (a NUL byte, a 1 MB
    // comment, syntax the parser does not know) must not hide a finding: the strict analysis refuses
    // it, and the sample gets a finding that says so (its weakness cannot be ruled out). That is the
    // sample's doing, not the oracle's: an oracle error is kept for the analyzer itself failing.
    const decides =
      options.staticCounts === true || task.harness.kind === 'none' || !!staticEvidenceNeeded(task.cwe);
    try {
      const findings = await (await analyzer).analyze(sample.code, task.language, {
        taskCwe: task.cwe,
        ...(decides ? { strict: true } : {}),
      });
      return { ran: true, findings, durationMs: performance.now() - t0 };
    } catch (e) {
      const durationMs = performance.now() - t0;
      if (decides && isTspError(e) && e.code === 'invalid-input')
        return { ran: true, findings: [unanalyzableFinding(task, e.message)], durationMs };
      return { ran: false, findings: [], durationMs, error: errorText(e) };
    }
  };

  const judge = async (task: Task, sample: Sample): Promise<Verdict> => {
    const t0 = performance.now();
    const staticPromise = runStatic(task, sample);
    let harness: HarnessResult;
    if (closed) {
      harness = {
        build: { ok: false, durationMs: 0 },
        tests: [],
        testMs: 0,
        oracleErrors: ['the oracle is closed'],
      };
    } else {
      const slot = await takeSlot();
      try {
        const runner = getHarnessRunner(task.harness.kind);
        harness = await runner({
          task,
          sample,
          limits,
          slot,
          seed: judgingSeed(options.seed ?? 'tsp', task, sample),
          ...(options.nodeModules ? { nodeModules: options.nodeModules } : {}),
          ...(options.coverageGate !== false ? { coverage: true } : {}),
        });
      } catch (e) {
        harness = { build: { ok: false, durationMs: 0 }, tests: [], testMs: 0, oracleErrors: [errorText(e)] };
      } finally {
        giveSlot(slot);
      }
    }
    const stat = await staticPromise;
    return assembleVerdict(task, sample, harness, stat, {
      staticCounts: options.staticCounts ?? false,
      totalMs: performance.now() - t0,
      ...(options.holdBackStatic ? { holdBackStatic: true } : {}),
    });
  };

  return {
    slots: count,
    limits,
    judge,
    async judgeMany(items, onProgress) {
      let done = 0;
      return Promise.all(
        items.map(async ({ task, sample }) => {
          const v = await judge(task, sample);
          done++;
          onProgress?.(done, items.length, v);
          return v;
        }),
      );
    },
    async close() {
      closed = true;
      for (const s of slots) {
        for (const server of [s.python, s.js, s.pythonModes, s.jsModes]) await server.close();
        await rm(await goCacheDir(s.uid), { recursive: true, force: true });
        releaseUid(s.uid);
      }
    },
  };
}
