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
    const analyzer = analyzerFor(task);
    if (!analyzer) return { ran: false, findings: [], durationMs: 0 };
    const t0 = performance.now();
    try {
      // Where the findings decide security, input the analyzer cannot read in full is an error
      // (a NUL byte, a 1 MB comment or syntax the parser does not know must not hide a finding).
      const decides =
        options.staticCounts === true || task.harness.kind === 'none' || !!staticEvidenceNeeded(task.cwe);
      const findings = await (await analyzer).analyze(sample.code, task.language, {
        taskCwe: task.cwe,
        ...(decides ? { strict: true } : {}),
      });
      return { ran: true, findings, durationMs: performance.now() - t0 };
    } catch (e) {
      return { ran: false, findings: [], durationMs: performance.now() - t0, error: errorText(e) };
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
