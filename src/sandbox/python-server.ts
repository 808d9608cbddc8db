import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { TspError } from '../spec/errors.ts';
import type { TestStatus } from '../spec/verdict.ts';
import { buildSandboxCommand, modeTracer, SANDBOX_CANARY_ROOT } from './bwrap.ts';
import type { Limits } from './limits.ts';
import {
  createModeLog,
  type ModeEvidence,
  ModeHistory,
  NO_SUPERVISOR,
  removeModeLog,
  watchedModeProblem,
} from './mode-events.ts';
import { createCanaryRoot, removeWorkDir } from './work-dir.ts';

const SERVER_SOURCE = fileURLToPath(new URL('./python-server.py', import.meta.url));
const SERVER_IN_SANDBOX = '/opt/tsp/python-server.py';
/** The observer/sample link and the observer's helpers, beside the server in the sandbox. */
export const PYTHON_OBSERVER_MODULES = [
  'sample_proxy.py',
  'tsp_observe.py',
  'fresh_state.py',
  'coverage_gate.py',
].map((name) => ({
  host: fileURLToPath(new URL(`./${name}`, import.meta.url)),
  sandbox: `/opt/tsp/${name}`,
}));
export const SANDBOX_PYTHON = '/usr/bin/python3';
/** Canaries a sample's harness may make (the suite's harnesses make one per security test). */
const CANARY_POOL = 16;

export interface PythonTestRequest {
  /** Files of the sample directory (e.g. `solution.py`): what the sample process sees. */
  files: Record<string, string>;
  /**
   * Source of the harness module, loaded from memory in the observer process (never written where
   * the sample could read or change it); its `test_<name>()` functions are the tests.
   */
  harness: string;
  /** Name the harness module gets (default `harness`). */
  module?: string;
  /** Module name under which the harness imports the sample (default `solution`). */
  sampleModule?: string;
  /** Seed of the values the harness draws through `tsp_observe` (the same seed, the same values). */
  seed?: string;
  tests: string[];
  /** Each test's kind (the JavaScript observer treats a sample still running at the end as failing its security tests). */
  kinds?: { name: string; kind: 'functional' | 'security' }[];
  limits: Limits;
  /** File whose syntax decides `build.ok`. */
  checkSyntax?: string;
  env?: Record<string, string>;
  /**
   * Record which of the program's own code the tests ran (docs/decisions/0018): the result's
   * `coverage` lists what never ran and is not inert.
   */
  coverage?: boolean;
}

/** What of the program's own code no test ran (src/sandbox/coverage_gate.py). */
export interface CodeCoverage {
  /** Units (statements, conditional parts of expressions) with instructions of their own. */
  units: number;
  /** Units none of whose instructions ran and that are not inert. */
  untested: { line: number; endLine: number; text: string }[];
  /** Why the coverage cannot be trusted (the program reached the collector, a malformed report). */
  problem?: string;
}

export interface PythonTestResult {
  build: { ok: boolean; log?: string };
  tests: { name: string; status: TestStatus; message?: string; durationMs: number }[];
  /** stdout + stderr of the sample, capped. */
  output: string;
  durationMs: number;
  /** The server died or stopped answering during this request (it has been restarted). */
  serverDied?: string;
  /** With the request's `coverage`, when the program built. */
  coverage?: CodeCoverage;
}

interface Pending {
  id: number;
  resolve: (v: RawResponse | { died: string }) => void;
  timer: NodeJS.Timeout;
}

interface RawResponse {
  id: number;
  fatal?: string;
  build?: { ok: boolean; log: string | null };
  tests?: {
    name: string;
    status: TestStatus;
    message: string | null;
    ms: number;
    /** Files whose modes the harness looked at (`tsp_observe.mode_clear`): [st_dev, st_ino, bits]. */
    watch?: [string, string, number][];
  }[];
  output?: string;
  ms?: number;
  coverage?: CodeCoverage;
}

/**
 * A warm Python fork-server in its own bubblewrap sandbox, for one worker slot. Requests run one
 * at a time; a server that dies (or that a sample stops) is killed and started again on the next
 * request.
 */
export class PythonServer {
  private proc: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private buffer = '';
  private pending: Pending | undefined;
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private canaryPool: { hostDir: string; names: string[] } | undefined;
  /** The mode supervisor's log of this server's sandbox (undefined: no supervisor here). */
  protected modeLog: ModeHistory | undefined;
  /** How many times the server process was started (1 after the first request). */
  starts = 0;
  /** How the server is named in messages. */
  protected label = 'python test server';

  constructor(
    readonly uid: number,
    protected readonly options: {
      preload?: string[];
      readOnlyBinds?: string[];
      /** Run under the file-mode supervisor (for harnesses that check file modes; see `traceModes()`). */
      traceModes?: boolean;
    } = {},
  ) {}

  /** Runs the tests of one sample; serialised with the other requests of this server. */
  run(req: PythonTestRequest): Promise<PythonTestResult> {
    const next = this.queue.then(() => this.runNow(req));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Starts the server now (otherwise the first request does). */
  async start(): Promise<void> {
    await this.ensureStarted();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.kill();
    if (this.canaryPool) await removeWorkDir(this.canaryPool.hostDir);
    this.canaryPool = undefined;
    if (this.modeLog) removeModeLog(this.modeLog.file);
    this.modeLog = undefined;
  }

  /** Host pid of the sandbox process, for tests. */
  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** The request line's fields (besides `id`). */
  protected encode(req: PythonTestRequest): Record<string, unknown> {
    return {
      files: req.files,
      harness: req.harness,
      module: req.module ?? 'harness',
      sampleModule: req.sampleModule ?? 'solution',
      seed: req.seed ?? 'tsp',
      tests: req.tests,
      limits: req.limits,
      checkSyntax: req.checkSyntax ?? null,
      env: req.env ?? {},
      ...(req.coverage ? { coverage: true } : {}),
    };
  }

  /**
   * This server's canaries (see bwrap.ts `canaries`), made on first use: CANARY_POOL folders with
   * random names, handed out in turn to each sample's harness (tsp_observe `canary()`), emptied by
   * the server after every sample. Passed to the sandbox as TSP_CANARY_POOL.
   */
  protected canaries(): { hostDir: string; names: string[] } {
    if (!this.canaryPool) {
      const names = Array.from({ length: CANARY_POOL }, () => `c${randomBytes(6).toString('hex')}`);
      this.canaryPool = { hostDir: createCanaryRoot(names), names };
    }
    return this.canaryPool;
  }

  /** Environment of the server's sandbox: its canary pool, beside `extra`. */
  protected sandboxEnv(extra: Record<string, string>): Record<string, string> {
    return {
      ...extra,
      TSP_IN_SANDBOX: '1',
      TSP_CANARY_POOL: this.canaries()
        .names.map((n) => `${SANDBOX_CANARY_ROOT}/${n}`)
        .join(','),
    };
  }

  /** The sandboxed command of the server. */
  protected command() {
    return buildSandboxCommand({
      uid: this.uid,
      canaries: this.canaries(),
      argv: [SANDBOX_PYTHON, '-I', SERVER_IN_SANDBOX],
      readOnlyBinds: [
        `${SERVER_SOURCE}:${SERVER_IN_SANDBOX}`,
        ...PYTHON_OBSERVER_MODULES.map((m) => `${m.host}:${m.sandbox}`),
        ...(this.options.readOnlyBinds ?? []),
      ],
      env: this.sandboxEnv({ TSP_PRELOAD: (this.options.preload ?? []).join(',') }),
      ...this.traceModes(),
    });
  }

  /**
   * With the `traceModes` option the sandbox runs under the mode supervisor (when it is built):
   * every mode a process of it gives a file with group/other bits goes to this server's log, read
   * after each request. Without it, a test that watched a file's modes fails (it cannot be judged).
   */
  protected traceModes(): { traceModes?: string } {
    if (!this.options.traceModes || !modeTracer()) return {};
    this.modeLog ??= new ModeHistory(createModeLog());
    return { traceModes: this.modeLog.file };
  }

  private async runNow(req: PythonTestRequest): Promise<PythonTestResult> {
    if (this.closed) throw new TspError('internal', 'python server is closed');
    await this.ensureStarted();
    const id = this.nextId++;
    const start = performance.now();
    const payload = `${JSON.stringify({
      id,
      ...this.encode(req),
    })}\n`;
    // Requests run one at a time: what the log gains from here to the answer is this request's.
    this.modeLog?.advance();
    const watchdogMs = req.limits.sampleTimeoutMs + req.limits.testTimeoutMs + 5_000;
    const answer = await new Promise<RawResponse | { died: string }>((resolve) => {
      const timer = setTimeout(() => {
        this.failPending('the server stopped answering');
      }, watchdogMs);
      this.pending = { id, resolve, timer };
      this.proc?.stdin?.write(payload);
    });
    const durationMs = performance.now() - start;
    if ('died' in answer) {
      this.kill();
      return {
        build: { ok: true },
        tests: req.tests.map((name) => ({
          name,
          status: 'crash',
          message: `${this.label}: ${answer.died}`,
          durationMs: 0,
        })),
        output: '',
        durationMs,
        serverDied: answer.died,
      };
    }
    if (answer.fatal !== undefined)
      throw new TspError('sandbox-failure', `${this.label} failed: ${answer.fatal.slice(-500)}`);
    const evidence: ModeEvidence = this.modeLog?.advance() ?? {
      unobservable: this.options.traceModes
        ? NO_SUPERVISOR
        : `this ${this.label} runs without the mode supervisor (the harness's mode check was not recognised)`,
    };
    return {
      build: { ok: answer.build?.ok ?? false, ...(answer.build?.log ? { log: answer.build.log } : {}) },
      tests: (answer.tests ?? []).map((t) => {
        const watched = (t.watch ?? []).map(([dev, ino, clear]) => ({ dev, ino, clear: Number(clear) }));
        const problem = t.status === 'pass' ? watchedModeProblem(watched, evidence) : undefined;
        return {
          name: t.name,
          status: problem ? 'fail' : t.status,
          ...(problem ? { message: problem } : t.message ? { message: t.message } : {}),
          durationMs: t.ms,
        };
      }),
      output: answer.output ?? '',
      durationMs,
      ...(answer.coverage ? { coverage: answer.coverage } : {}),
    };
  }

  private ensureStarted(): Promise<void> {
    if (this.proc && this.ready) return this.ready;
    this.starts++;
    const cmd = this.command();
    const proc = spawn(cmd.file, cmd.args, { detached: true, env: {}, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc = proc;
    this.buffer = '';
    let stderr = '';
    proc.stderr?.on('data', (c: Buffer) => {
      if (stderr.length < 8192) stderr += c.toString('utf8');
    });
    proc.stdin?.on('error', () => {});
    this.ready = new Promise<void>((resolve, reject) => {
      let isReady = false;
      const timer = setTimeout(() => {
        if (!isReady) {
          this.kill();
          reject(new TspError('sandbox-failure', `${this.label} did not start within 30 s`));
        }
      }, 30_000);
      proc.stdout?.on('data', (c: Buffer) => {
        this.buffer += c.toString('utf8');
        let nl = this.buffer.indexOf('\n');
        while (nl >= 0) {
          const line = this.buffer.slice(0, nl);
          this.buffer = this.buffer.slice(nl + 1);
          nl = this.buffer.indexOf('\n');
          if (!isReady) {
            if (line.includes('"ready"')) {
              isReady = true;
              clearTimeout(timer);
              resolve();
            }
            continue;
          }
          this.onLine(line);
        }
      });
      proc.on('close', (code, signal) => {
        clearTimeout(timer);
        if (this.proc === proc) {
          this.proc = undefined;
          this.ready = undefined;
        }
        const why = `server exited (${signal ?? `code ${code}`})${stderr ? `: ${stderr.slice(-300)}` : ''}`;
        if (!isReady)
          reject(
            new TspError('sandbox-failure', `${this.label} failed to start: ${why}`, {
              hint: 'run `tsp doctor`; the sandbox needs bwrap, setpriv and /usr/bin/python3',
            }),
          );
        this.failPending(why);
      });
    });
    return this.ready;
  }

  private onLine(line: string): void {
    let msg: RawResponse;
    try {
      msg = JSON.parse(line) as RawResponse;
    } catch {
      return;
    }
    const p = this.pending;
    if (!p || msg.id !== p.id) return;
    clearTimeout(p.timer);
    this.pending = undefined;
    p.resolve(msg);
  }

  private failPending(why: string): void {
    const p = this.pending;
    if (!p) return;
    clearTimeout(p.timer);
    this.pending = undefined;
    p.resolve({ died: why });
  }

  private kill(): void {
    const proc = this.proc;
    this.proc = undefined;
    this.ready = undefined;
    if (proc?.pid !== undefined) {
      try {
        process.kill(-proc.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
}
