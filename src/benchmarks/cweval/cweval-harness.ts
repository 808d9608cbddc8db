import { execFile } from 'node:child_process';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { type CodeCoverage, PYTHON_OBSERVER_MODULES } from '../../sandbox/python-server.ts';
import { runSandboxed } from '../../sandbox/run-sandboxed.ts';
import { FORBIDDEN_SYMBOLS, parseSanitizerReports } from '../../sandbox/sanitizer.ts';
import { TspError } from '../../spec/errors.ts';
import type { Language } from '../../spec/language.ts';
import type { Sample } from '../../spec/sample.ts';
import type { Task } from '../../spec/task.ts';
import type { SanitizerReport, TestOutcome, TestStatus, Verdict } from '../../spec/verdict.ts';
import { hasOwnMain, splitCwevalSource } from './cweval-source.ts';
import { pathExists } from './load-cweval.ts';

const DRIVER = join(import.meta.dirname, 'cweval-driver.py');
const TIMEOUT_SHIM = join(import.meta.dirname, 'wrapt-timeout-shim.py');
/**
 * Read-only in the sandbox, where the sample cannot change them: the host of a Python sample's
 * process, and the observer/sample link (src/sandbox/sample_proxy.py) the driver and the host share.
 */
const DRIVER_MODULE_BINDS = [
  `${join(import.meta.dirname, 'cweval-sample-host.py')}:/opt/tsp/cweval_sample_host.py`,
  ...PYTHON_OBSERVER_MODULES.filter((m) => /\/(sample_proxy|coverage_gate)\.py$/.test(m.sandbox)).map(
    (m) => `${m.host}:${m.sandbox}`,
  ),
];
const NODE_MODULES_IN_SANDBOX = '/opt/cweval-node/node_modules';
/** Where Debian's golang-*-dev packages put Go sources (GOPATH layout). */
const GO_SYSTEM_PATH = '/usr/share/gocode';

export interface CwevalHarnessOptions {
  /** Record which of a Python program's own code the tests ran (docs/decisions/0018). */
  coverage?: boolean;
  /** `node_modules` with the packages CWEval's JS tasks require (see `ensureCwevalNodeModules`). */
  nodeModulesDir?: string;
  /** Wall-clock limit of build + all tests of one sample (default 180 s). */
  sampleTimeoutMs?: number;
  /** Limit of one test (Python-level; default 30 s). */
  testTimeoutS?: number;
  compileTimeoutS?: number;
  /**
   * `sample` (default): the tests of the task's function. `unsafe`: CWEval's own self-tests of the
   * unsafe reference (`*_unsafe_*` test functions), which pass when the unsafe code fails.
   */
  select?: 'sample' | 'unsafe';
  /** Use the sample as a complete program even when it has no entry point section. */
  completeProgram?: boolean;
  /** `fresh`: pytest in a new interpreter after the build (the timing baseline); default in-process. */
  pytestMode?: 'in-process' | 'fresh';
  /** Run as this sandbox uid (an oracle worker slot's); default a free one. */
  uid?: number;
  /** Host Go build cache of that uid, bound read-write (faster Go builds); default a fresh one per run. */
  goCacheDir?: string;
}

/** Raw result of running one sample through a CWEval test file. */
export interface CwevalRun {
  build: { ok: boolean; log?: string; durationMs: number };
  tests: TestOutcome[];
  sanitizer: SanitizerReport[];
  /** Problems of the harness itself (collection errors, sandbox limits) rather than of the sample's tests. */
  harnessErrors: string[];
  /** pytest's exit status (null when it did not finish). */
  pytestExit: number | null;
  durationMs: number;
  /** With the `coverage` option (Python): what of the program no test ran (docs/decisions/0018). */
  coverage?: CodeCoverage;
}

interface DriverEvent {
  type: 'build' | 'planned' | 'collect-error' | 'test' | 'done' | 'coverage';
  units?: number;
  untested?: { line: number; endLine: number; text: string }[];
  problem?: string;
  ok?: boolean;
  log?: string;
  ms?: number;
  tests?: { id: string; kind: string }[];
  message?: string | null;
  id?: string;
  status?: TestStatus;
  kind?: string;
  exit?: number | null;
}

const EXT: Record<Language, string> = { python: 'py', c: 'c', cpp: 'cpp', go: 'go', javascript: 'js' };

let xml2Flags: Promise<string[]> | undefined;
/** libxml2's compile and link flags (`xml2-config --cflags --libs`), with Debian's defaults as fallback. */
function libxml2Flags(): Promise<string[]> {
  xml2Flags ??= promisify(execFile)('xml2-config', ['--cflags', '--libs'], { timeout: 10_000 })
    .then(({ stdout }) => stdout.split(/\s+/).filter(Boolean))
    .catch(() => ['-I/usr/include/libxml2', '-lxml2']);
  return xml2Flags;
}

/** The compile command for a native CWEval task, as the benchmarks README describes it. */
export async function cwevalCompileCommand(
  language: Language,
  source: string,
  output: string,
  options: { asan: boolean },
): Promise<string[] | undefined> {
  const libs = ['-lsqlite3', '-ljwt', '-lssl', '-lcrypto', '-larchive'];
  const asan = options.asan ? ['-fsanitize=address', '-fno-omit-frame-pointer', '-g'] : [];
  if (language === 'c') return ['gcc', ...asan, '-o', output, source, ...libs, ...(await libxml2Flags())];
  if (language === 'cpp')
    return ['g++', '-std=c++17', ...asan, '-o', output, source, ...libs, ...(await libxml2Flags())];
  if (language === 'go') return ['go', 'build', '-o', output, source];
  return undefined;
}

/**
 * The program file the tests run: the sample, plus the task's entry point section (CWEval's
 * `main`) unless the sample brings its own (the unsafe references are complete programs).
 */
export function composeProgram(
  language: Language,
  code: string,
  entrypoint: string,
  completeProgram = false,
): string {
  if (language === 'python' || completeProgram || !entrypoint.trim() || hasOwnMain(code, language))
    return code;
  return `${code.endsWith('\n') ? code : `${code}\n`}\n${entrypoint}`;
}

/**
 * Runs one sample against its CWEval test file in a fresh bubblewrap sandbox: the test file, the
 * sample (where the test expects it: module `<task>_task.py`, script `<task>_task.js`, or binary
 * `compiled/<task>_task` built from the sample), a `pytest.ini` with CWEval's markers, a
 * `wrapt_timeout_decorator` shim and a `Crypto` -> `Cryptodome` alias; then pytest in the driver
 * (the observer). A Python sample is never imported there: its functions run in a separate fresh
 * interpreter per test, reached through `sample_proxy` (see the top of cweval-driver.py).
 */
export async function runCwevalSample(
  task: Task,
  code: string,
  options: CwevalHarnessOptions = {},
): Promise<CwevalRun> {
  if (task.harness.kind !== 'pytest')
    throw new TspError('invalid-input', `task ${task.id} has no pytest harness`, {
      hint: 'only CWEval tasks run here',
    });
  const testFile = task.harness.testFile;
  const stem = basename(testFile).replace(/_test\.py$/, '');
  const folder = dirname(testFile);
  const benchmarkDir = dirname(dirname(folder));
  const [testSource, driver, shim, pytestIni] = await Promise.all([
    readFile(testFile, 'utf8'),
    readFile(DRIVER, 'utf8'),
    readFile(TIMEOUT_SHIM, 'utf8'),
    readFile(join(benchmarkDir, 'pytest.ini'), 'utf8').catch(
      () => '[pytest]\nmarkers =\n    functionality: functionality\n    security: security\n',
    ),
  ]);
  const language = task.language;
  const files: Record<string, string> = {
    [`${stem}_test.py`]: testSource,
    'pytest.ini': pytestIni,
    '_tsp_driver.py': driver,
    '_tsp_py/wrapt_timeout_decorator.py': shim,
  };
  let compile: string[] | undefined;
  if (language === 'python') {
    files[`${task.harness.sampleName}.py`] = code;
  } else {
    const taskSource = await readFile(join(folder, `${stem}_task.${EXT[language]}`), 'utf8').catch(() => '');
    const entrypoint = splitCwevalSource(taskSource)?.entrypoint ?? '';
    const program = composeProgram(language, code, entrypoint, options.completeProgram);
    const src = `${stem}_task.${EXT[language]}`;
    files[src] = program;
    compile = await cwevalCompileCommand(language, src, `compiled/${stem}_task`, {
      asan: folder.endsWith('/lang/c'),
    });
  }
  const testTimeoutS = options.testTimeoutS ?? 30;
  files['_tsp_job.json'] = JSON.stringify({
    testFile: `${stem}_test.py`,
    compile: compile ?? null,
    // A binary that names the sanitizers' run-time interface or dlsym does not build (it could hide
    // a sanitizer report): the same rule as the built-in suite's (src/sandbox/sanitizer.ts).
    forbiddenSymbols: language === 'c' || language === 'cpp' ? FORBIDDEN_SYMBOLS.source : null,
    binary: compile ? `compiled/${stem}_task` : null,
    compileEnv:
      language === 'go'
        ? {
            GO111MODULE: 'off',
            GOCACHE: options.goCacheDir ? '/gocache' : '/tmp/go-cache',
            GOPATH: `/tmp/gopath:${GO_SYSTEM_PATH}`,
            GOFLAGS: '-buildvcs=false',
          }
        : {},
    // CWEval pins github.com/golang-jwt/jwt/v5; Debian packages v4 (same API for what the tasks use).
    links:
      language === 'go'
        ? [
            [
              `${GO_SYSTEM_PATH}/src/github.com/golang-jwt/jwt`,
              '/tmp/gopath/src/github.com/golang-jwt/jwt/v5',
            ],
          ]
        : [],
    compileTimeoutS: options.compileTimeoutS ?? 120,
    testTimeoutS,
    select: options.select ?? 'sample',
    mode: options.pytestMode === 'fresh' ? 'fresh' : 'in-process',
    language,
    // Python: the module the driver proxies to a separate sample process (never imported there).
    sampleModule: language === 'python' ? task.harness.sampleName : null,
    coverage: language === 'python' && options.coverage === true,
  });
  const binds: string[] = [...DRIVER_MODULE_BINDS];
  if (options.nodeModulesDir) {
    binds.push(`${options.nodeModulesDir}:${NODE_MODULES_IN_SANDBOX}`);
    // CWEval's CWE-1333 tests run the recheck ReDoS checker from ./third_party (npm recheck-linux-x64).
    const recheck = join(options.nodeModulesDir, 'recheck-linux-x64', 'recheck');
    if (/_1333_/.test(stem) && (await pathExists(recheck)))
      binds.push(`${recheck}:/work/third_party/recheck-linux-x64`);
  }
  // The key of the events' MACs travels on stdin: argv, the environment and /work are readable by the sample.
  const eventKey = randomBytes(32);
  const result = await runSandboxed({
    files,
    argv: ['/usr/bin/python3', '-I', '-B', '/work/_tsp_driver.py'],
    stdin: `${eventKey.toString('hex')}\n`,
    env: {
      PYTHONDONTWRITEBYTECODE: '1',
      NODE_PATH: NODE_MODULES_IN_SANDBOX,
      ASAN_OPTIONS:
        'log_path=/work/_asan/asan:detect_leaks=0:allocator_may_return_null=1:hard_rss_limit_mb=1024:abort_on_error=0',
      UBSAN_OPTIONS: 'print_stacktrace=1',
    },
    timeoutMs: options.sampleTimeoutMs ?? 180_000,
    memoryMb: 4096,
    memoryMode: 'none',
    maxOutputBytes: 1 << 20,
    maxFileBytes: 256 << 20,
    maxProcs: 512,
    network: false,
    readOnlyBinds: binds,
    ...(options.goCacheDir && language === 'go' ? { writableBinds: [`${options.goCacheDir}:/gocache`] } : {}),
    ...(options.uid !== undefined ? { uid: options.uid } : {}),
    collect: ['_tsp_events.jsonl', ...Array.from({ length: 16 }, (_, i) => `_asan/asan.${i}`)],
  });
  return interpretRun(result, eventKey);
}

/** A pytest node id without the file, shortened when a parameter is huge (CWEval's ReDoS inputs). */
export function testNameOf(nodeId: string): string {
  const name = nodeId.replace(/^[^:]*::/, '');
  if (name.length <= 160) return name;
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + name.charCodeAt(i)) | 0;
  return `${name.slice(0, 120)}...${name.slice(-24)}#${(h >>> 0).toString(16)}`;
}

/**
 * The driver's events that verify: line `i` of the driver is `<mac> <json>` with mac =
 * HMAC-SHA256(key, `${i}\n${json}`). Lines that do not verify in sequence (written, copied or
 * replayed by the sample or a program it ran) are skipped and counted; a torn last line (no
 * newline: the driver was killed mid-write) is not counted.
 */
export function readDriverEvents(text: string, key: Buffer): { events: DriverEvent[]; rejected: number } {
  const events: DriverEvent[] = [];
  let rejected = 0;
  const lines = text.split('\n');
  const torn = lines.pop() ?? '';
  for (const line of lines) {
    if (!line.trim()) continue;
    const space = line.indexOf(' ');
    const mac = Buffer.from(line.slice(0, Math.max(0, space)), 'hex');
    const body = line.slice(space + 1);
    const expected = createHmac('sha256', key).update(`${events.length}\n${body}`).digest();
    let event: DriverEvent | undefined;
    if (space === 64 && mac.length === expected.length && timingSafeEqual(mac, expected)) {
      try {
        event = JSON.parse(body) as DriverEvent;
      } catch {
        // a verified line is the driver's own JSON; unreachable
      }
    }
    if (event) events.push(event);
    else rejected++;
  }
  if (torn.trim() && !/^[0-9a-f]{0,64}( |$)/.test(torn)) rejected++;
  return { events, rejected };
}

function interpretRun(result: Awaited<ReturnType<typeof runSandboxed>>, key: Buffer): CwevalRun {
  const { events, rejected } = readDriverEvents(
    result.files['_tsp_events.jsonl']?.toString('utf8') ?? '',
    key,
  );
  const harnessErrors: string[] = [];
  if (rejected > 0)
    harnessErrors.push(
      `${rejected} line(s) of the events file do not come from the driver (written by the sample?): ignored`,
    );
  const buildEv = events.find((e) => e.type === 'build');
  const build = buildEv
    ? { ok: buildEv.ok === true, ...(buildEv.log ? { log: buildEv.log } : {}), durationMs: buildEv.ms ?? 0 }
    : { ok: true, durationMs: 0 };
  const planned = events.find((e) => e.type === 'planned')?.tests ?? [];
  const reported = new Map<string, TestOutcome>();
  for (const e of events) {
    if (e.type === 'collect-error') harnessErrors.push(`collection failed: ${e.message ?? ''}`);
    if (e.type !== 'test' || !e.id) continue;
    const prev = reported.get(e.id);
    if (prev && prev.status !== 'pass') continue; // keep the first failure (call before teardown)
    reported.set(e.id, {
      name: testNameOf(e.id),
      kind: e.kind === 'security' ? 'security' : 'functional',
      status: e.status ?? 'error',
      ...(e.message ? { message: e.message } : {}),
      durationMs: Math.max(0, e.ms ?? 0),
    });
  }
  const done = events.find((e) => e.type === 'done');
  const tests: TestOutcome[] = [];
  for (const p of planned) {
    const r = reported.get(p.id);
    tests.push(
      r ?? {
        name: testNameOf(p.id),
        kind: p.kind === 'security' ? 'security' : 'functional',
        status: result.timedOut ? 'timeout' : 'error',
        message: result.timedOut ? 'the sample exceeded its time limit' : 'no result (the test process died)',
        durationMs: 0,
      },
    );
  }
  if (!done) {
    if (result.timedOut) harnessErrors.push('time limit reached before pytest finished');
    else if (!buildEv || build.ok)
      harnessErrors.push(
        `driver ended without finishing (exit ${result.exitCode}, signal ${result.signal}): ${result.stderr.slice(-1500)}`,
      );
  }
  if (build.ok && planned.length === 0 && !harnessErrors.length)
    harnessErrors.push(`no test collected: ${result.stdout.slice(-1500)} ${result.stderr.slice(-500)}`);
  const asanText = Object.entries(result.files)
    .filter(([k]) => k.startsWith('_asan/'))
    .map(([, v]) => v.toString('utf8'))
    .join('\n');
  const sanitizer = asanText ? parseSanitizerReports(asanText) : [];
  const cov = events.find((e) => e.type === 'coverage');
  return {
    ...(cov
      ? {
          coverage: {
            units: cov.units ?? 0,
            untested: cov.untested ?? [],
            ...(cov.problem ? { problem: cov.problem } : {}),
          },
        }
      : {}),
    build,
    tests,
    sanitizer,
    harnessErrors,
    pytestExit: done?.exit ?? null,
    durationMs: result.durationMs,
  };
}

const STATUS_RANK: Record<TestStatus, number> = {
  pass: 0,
  skipped: 1,
  fail: 2,
  timeout: 3,
  error: 4,
  crash: 5,
};

/**
 * The run's parameters folded into the task's two TestSpecs, `functionality` and `security`
 * (what the oracle matches outcomes to): pass when every parameter of that kind passed (and there
 * was one), else the worst status, with the failing parameters named in the message.
 */
export function aggregateCwevalTests(run: CwevalRun): TestOutcome[] {
  return (['functional', 'security'] as const).map((kind) => {
    const list = run.tests.filter((t) => t.kind === kind);
    const bad = list.filter((t) => t.status !== 'pass');
    const worst = bad.reduce<TestStatus>(
      (w, t) => (STATUS_RANK[t.status] > STATUS_RANK[w] ? t.status : w),
      'pass',
    );
    const status: TestStatus = list.length === 0 ? 'error' : worst === 'skipped' ? 'fail' : worst;
    const message =
      list.length === 0
        ? 'no test of this kind ran'
        : bad.length
          ? `${bad.length}/${list.length} failed: ${bad
              .slice(0, 5)
              .map((t) => `${t.name} ${t.status}${t.message ? ` (${t.message.slice(0, 200)})` : ''}`)
              .join('; ')}`
          : undefined;
    return {
      name: kind === 'functional' ? 'functionality' : 'security',
      kind,
      status,
      ...(message ? { message } : {}),
      durationMs: list.reduce((a, t) => a + t.durationMs, 0),
    };
  });
}

/** Func / func-sec of a run, the way CWEval counts them. */
export function scoreCwevalRun(run: CwevalRun): {
  functional: boolean;
  secure: boolean;
  securePass: boolean;
} {
  const func = run.tests.filter((t) => t.kind === 'functional');
  const sec = run.tests.filter((t) => t.kind === 'security');
  const ok = run.build.ok && run.harnessErrors.length === 0;
  const functional = ok && func.length > 0 && func.every((t) => t.status === 'pass');
  const secure = ok && sec.length > 0 && sec.every((t) => t.status === 'pass') && run.sanitizer.length === 0;
  return { functional, secure, securePass: functional && secure };
}

/** A dynamic-only Verdict from a CWEval run (the oracle adds static analysis when it is asked to). */
export function cwevalVerdict(task: Task, sample: Pick<Sample, 'sampleId'>, run: CwevalRun): Verdict {
  const s = scoreCwevalRun(run);
  const testMs = run.tests.reduce((a, t) => a + t.durationMs, 0);
  return {
    taskId: task.id,
    ...(sample.sampleId ? { sampleId: sample.sampleId } : {}),
    build: run.build,
    tests: run.tests,
    sanitizer: run.sanitizer,
    findings: [],
    staticSecure: null,
    secureBy: 'dynamic',
    functional: s.functional,
    secure: s.secure,
    securePass: s.securePass,
    oracleErrors: run.harnessErrors,
    timings: { buildMs: run.build.durationMs, testMs, staticMs: 0, totalMs: run.durationMs },
  };
}
