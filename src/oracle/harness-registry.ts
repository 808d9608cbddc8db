import type { JsObserverServer } from '../sandbox/js-observer-server.ts';
import type { Limits } from '../sandbox/limits.ts';
import type { CodeCoverage, PythonServer } from '../sandbox/python-server.ts';
import { TspError } from '../spec/errors.ts';
import type { Sample } from '../spec/sample.ts';
import type { Harness, Task } from '../spec/task.ts';
import type { SanitizerReport, TestOutcome } from '../spec/verdict.ts';

/** The worker slot a harness runs in: an unprivileged uid of its own and warm observers. */
export interface WorkerSlot {
  index: number;
  uid: number;
  python: PythonServer;
  js: JsObserverServer;
  /**
   * The same servers under the file-mode supervisor (bwrap.ts `traceModes`), for harnesses that
   * check a file's modes (`mode_clear` / `modeClear`): only they pay for the supervisor's stops.
   */
  pythonModes: PythonServer;
  jsModes: JsObserverServer;
}

export interface HarnessContext {
  task: Task;
  sample: Sample;
  limits: Limits;
  slot: WorkerSlot;
  /**
   * Seed of everything the harness draws per judging (markers, payload words, paths): derived from
   * the oracle's seed, the task and the sample's code, so the same seed gives the same verdict and a
   * program cannot know the values in advance.
   */
  seed: string;
  /** Host folder bound read-only for JavaScript runs (NODE_PATH), e.g. CWEval's node packages. */
  nodeModules?: string;
  /** Record which of the program's own code the tests ran (docs/decisions/0018; Python only). */
  coverage?: boolean;
}

/** What a harness runner reports; the oracle turns it into a Verdict. */
export interface HarnessResult {
  build: { ok: boolean; log?: string; durationMs: number };
  tests: TestOutcome[];
  /** Sanitizer reports not attached to one test (those of tests are collected too). */
  sanitizer?: SanitizerReport[];
  /** Failures of the runner itself: the verdict is then not trustworthy. */
  oracleErrors?: string[];
  testMs: number;
  /** With the context's `coverage`, where the runner records it: what of the program no test ran. */
  coverage?: CodeCoverage;
}

export type HarnessRunner = (ctx: HarnessContext) => Promise<HarnessResult>;

const runners = new Map<string, HarnessRunner>();

/**
 * Registers the runner of a harness kind (`inline`, `none` are built in; `pytest` is CWEval's).
 * A later registration of the same kind replaces the earlier one.
 */
export function registerHarnessRunner(kind: Harness['kind'], runner: HarnessRunner): void {
  runners.set(kind, runner);
}

export function getHarnessRunner(kind: string): HarnessRunner {
  const r = runners.get(kind);
  if (!r)
    throw new TspError('unsupported', `no runner registered for harness kind '${kind}'`, {
      hint: `import the module that calls registerHarnessRunner('${kind}', ...)`,
    });
  return r;
}

export function hasHarnessRunner(kind: string): boolean {
  return runners.has(kind);
}
