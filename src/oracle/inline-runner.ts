import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { modeTracer, SANDBOX_CANARY_ROOT } from '../sandbox/bwrap.ts';
import {
  type CompileNativeOptions,
  compileNative,
  compilerArgs,
  type NativeLanguage,
  SANITIZER_EXIT_CODE,
  sanitizerEnv,
} from '../sandbox/compile-native.ts';
import { drawGuardSuffix, guardNativeHarness, prepareNativeSample } from '../sandbox/finish-guard.ts';
import {
  createModeLog,
  type ModeEvidence,
  ModeHistory,
  NO_SUPERVISOR,
  removeModeLog,
} from '../sandbox/mode-events.ts';
import { withPrecompiledPrelude } from '../sandbox/precompiled-prelude.ts';
import { SANDBOX_PYTHON } from '../sandbox/python-server.ts';
import {
  RANDOMNESS_SHIM,
  RANDOMNESS_SHIM_IN_SANDBOX,
  randomnessEnv,
  randomnessShimProblem,
} from '../sandbox/randomness.ts';
import { runSandboxed, type SandboxResult } from '../sandbox/run-sandboxed.ts';
import { FORBIDDEN_SYMBOLS, parseSanitizerReports } from '../sandbox/sanitizer.ts';
import { createWorkDir, removeWorkDir } from '../sandbox/work-dir.ts';
import { TspError } from '../spec/errors.ts';
import type { TestSpec } from '../spec/task.ts';
import type { SanitizerReport, TestOutcome, TestStatus } from '../spec/verdict.ts';
import {
  checkExpectations,
  checksModes,
  drawBuildSuffix,
  drawTests,
  type FileState,
  filesToReport,
  parseObservations,
  placeTestIds,
  planRandomness,
  runsNeeded,
  type TestDraw,
  usesRandomness,
} from './expectations.ts';
import type { HarnessContext, HarnessResult } from './harness-registry.ts';
import { type BatchReport, runTestsResumable } from './resumable-tests.ts';

const NATIVE_DRIVER = fileURLToPath(new URL('../sandbox/native-driver.py', import.meta.url));
const DRIVER_IN_SANDBOX = '/opt/tsp/native-driver.py';
const FRESH_STATE = fileURLToPath(new URL('../sandbox/fresh_state.py', import.meta.url));
const MESSAGE_LIMIT = 2000;

/** Runs an `inline` harness (protocol in src/spec/task.ts) for the task's language. */
export async function runInlineHarness(ctx: HarnessContext): Promise<HarnessResult> {
  if (ctx.task.harness.kind !== 'inline')
    throw new TspError('internal', `inline runner given a '${ctx.task.harness.kind}' harness`);
  switch (ctx.task.language) {
    case 'python':
      return runPython(ctx, ctx.task.harness.source);
    case 'javascript':
      return runJavaScript(ctx, ctx.task.harness.source);
    case 'c':
    case 'cpp':
    case 'go':
      return ctx.task.tests.some((t) => t.expect !== undefined)
        ? runObservedNative(ctx, ctx.task.language, ctx.task.harness.source)
        : runNative(ctx, ctx.task.language, ctx.task.harness.source);
  }
}

/**
 * Harnesses that check a file's modes run in the slot's servers under the file-mode supervisor.
 * A harness is the judge's own code, so its text is a safe guide: one that checks modes in a way
 * these miss runs unsupervised, and its mode checks then fail (never pass) for want of evidence.
 */
const PY_MODE_CHECK = /\btsp_observe\.mode_clear\s*\(/;
const JS_MODE_CHECK = /\.modeClear\s*\(/;

async function runPython(ctx: HarnessContext, harness: string): Promise<HarnessResult> {
  const req = {
    files: { 'solution.py': ctx.sample.code },
    harness,
    seed: ctx.seed,
    tests: ctx.task.tests.map((t) => t.name),
    limits: ctx.limits,
    checkSyntax: 'solution.py',
    ...(ctx.coverage ? { coverage: true } : {}),
  };
  const server = PY_MODE_CHECK.test(harness) ? ctx.slot.pythonModes : ctx.slot.python;
  let r = await server.run(req);
  // A server that died is restarted; run once more so that a hiccup of the oracle is not blamed on the sample.
  if (r.serverDied) r = await server.run(req);
  const kinds = new Map(ctx.task.tests.map((t) => [t.name, t.kind]));
  return {
    build: { ok: r.build.ok, ...(r.build.log ? { log: r.build.log } : {}), durationMs: 0 },
    tests: r.tests.map((t) => ({
      name: t.name,
      kind: kinds.get(t.name) ?? 'functional',
      status: t.status,
      ...(t.message ? { message: t.message.slice(-MESSAGE_LIMIT) } : {}),
      durationMs: t.durationMs,
    })),
    testMs: r.durationMs,
    ...(r.coverage ? { coverage: r.coverage } : {}),
  };
}

interface RunnerEvent {
  event?: string;
  test?: string;
  status?: TestStatus;
  message?: string;
  ms?: number;
  exit?: number | null;
  /** Native finish guard: the code the harness finished with, or null when it never got there. */
  finished?: number | null;
  signal?: string | null;
  timedOut?: boolean;
  /** JavaScript build event. */
  ok?: boolean;
  log?: string;
  stdout?: string;
  stderr?: string;
}

function parseEvents(stdout: string, prefix = ''): RunnerEvent[] {
  const events: RunnerEvent[] = [];
  for (const line of stdout.split('\n')) {
    if (prefix && !line.startsWith(prefix)) continue;
    try {
      const ev = JSON.parse(line.slice(prefix.length)) as unknown;
      if (ev && typeof ev === 'object') events.push(ev as RunnerEvent);
    } catch {
      // not an event
    }
  }
  return events;
}

function diedOf(r: {
  timedOut: boolean;
  outputTruncated: boolean;
  exitCode: number | null;
  signal: string | null;
}) {
  if (r.timedOut) return { status: 'timeout' as const, message: 'time limit reached' };
  if (r.outputTruncated) return { status: 'error' as const, message: 'output limit exceeded' };
  if (r.exitCode === 0)
    return { status: 'error' as const, message: `${UNFINISHED_MESSAGE} (the process exited with 0)` };
  return {
    status: 'crash' as const,
    message: `test process died (${r.signal ?? `exit ${r.exitCode}`})`,
  };
}

function collectBatch(
  events: RunnerEvent[],
  tests: TestSpec[],
  toOutcome: (ev: RunnerEvent, t: TestSpec) => TestOutcome,
) {
  const byName = new Map(tests.map((t) => [t.name, t]));
  const outcomes = new Map<string, TestOutcome>();
  let current: string | undefined;
  for (const ev of events) {
    const t = ev.test ? byName.get(ev.test) : undefined;
    if (!t) continue;
    if (ev.event === 'start') current = t.name;
    else if (ev.event === 'end' && !outcomes.has(t.name)) {
      outcomes.set(t.name, toOutcome(ev, t));
      if (current === t.name) current = undefined;
    }
  }
  return { outcomes, current };
}

async function runJavaScript(ctx: HarnessContext, harness: string): Promise<HarnessResult> {
  const req = {
    files: { 'solution.js': ctx.sample.code },
    harness,
    seed: ctx.seed,
    tests: ctx.task.tests.map((t) => t.name),
    kinds: ctx.task.tests.map((t) => ({ name: t.name, kind: t.kind })),
    limits: ctx.limits,
  };
  const server = JS_MODE_CHECK.test(harness) ? ctx.slot.jsModes : ctx.slot.js;
  let r = await server.run(req);
  // An observer that died is restarted; run once more so that a hiccup of the oracle is not blamed on the sample.
  if (r.serverDied) r = await server.run(req);
  const build = { ok: r.build.ok, ...(r.build.log ? { log: r.build.log } : {}), durationMs: 0 };
  const kinds = new Map(ctx.task.tests.map((t) => [t.name, t.kind]));
  const tests = r.tests.map((t) => ({
    name: t.name,
    kind: kinds.get(t.name) ?? ('functional' as const),
    status: t.status,
    ...(t.message ? { message: t.message.slice(0, MESSAGE_LIMIT) } : {}),
    durationMs: t.durationMs,
  }));
  if (!build.ok) return notBuilt(ctx, build, r.durationMs);
  return { build, tests, testMs: r.durationMs };
}

/** Every test errored with `message` (by default: the sample does not build). */
function notBuilt(
  ctx: HarnessContext,
  build: HarnessResult['build'],
  testMs: number,
  message = 'the sample does not build',
): HarnessResult {
  return {
    build,
    tests: ctx.task.tests.map((t) => ({
      name: t.name,
      kind: t.kind,
      status: 'error',
      message,
      durationMs: 0,
    })),
    testMs,
  };
}

/**
 * The sample's own `main`, renamed away so that the harness's main is the program's entry point
 * (and, for C/C++, the finish guard's `exit` macro pushed away around the sample).
 */
export function renameSampleMain(language: NativeLanguage, code: string): string {
  return prepareNativeSample(language, code);
}

/** Message of a test whose process ended before the harness returned (a forged pass, or a bug). */
export const UNFINISHED_MESSAGE = 'test ended before the harness finished';

/** A native test process that timed out, reported a sanitizer error or died by a signal. */
function endedAbnormally(
  ev: RunnerEvent,
  reports: SanitizerReport[],
): { status: TestStatus; message: string } | undefined {
  if (ev.timedOut) return { status: 'timeout', message: 'test time limit reached' };
  if (reports.length > 0 || ev.exit === SANITIZER_EXIT_CODE)
    return { status: 'crash', message: reports[0]?.message ?? 'sanitizer error' };
  if (ev.signal)
    return {
      status: ev.signal === 'SIGXCPU' ? 'timeout' : 'crash',
      message: ev.signal === 'SIGXFSZ' ? 'file size limit exceeded (SIGXFSZ)' : `killed by ${ev.signal}`,
    };
  return undefined;
}

function nativeOutcome(ev: RunnerEvent, t: TestSpec, ownFiles: string[]): TestOutcome {
  const stderr = ev.stderr ?? '';
  const reports = parseSanitizerReports(stderr, ownFiles);
  const ended = endedAbnormally(ev, reports);
  let status: TestStatus;
  let message: string | undefined;
  if (ended) {
    status = ended.status;
    message = ended.message;
  } else if (ev.finished !== undefined && ev.finished !== null && ev.finished !== ev.exit) {
    // The harness finished with one code and the process ended with another (an exit handler of
    // the sample changed it): trust neither.
    status = 'error';
    message = `exit ${ev.exit} after the harness finished with ${ev.finished}`;
  } else if (ev.exit === 0 && ev.finished === null) {
    status = 'error';
    message = `${UNFINISHED_MESSAGE} (exit 0 without the harness returning or calling exit)`;
  } else if (ev.exit === 0) status = 'pass';
  else if (ev.exit === 1) {
    status = 'fail';
    message = `${ev.stderr ?? ''}${ev.stdout ?? ''}`.trim() || 'exit 1';
  } else {
    status = 'error';
    message = `exit ${ev.exit}: ${stderr.trim()}`;
  }
  const goFatal = /^(panic: |fatal error: )/m.exec(stderr);
  if (goFatal && status === 'error') {
    status = 'crash';
    message = stderr.slice(goFatal.index);
  }
  return {
    name: t.name,
    kind: t.kind,
    status,
    ...(message ? { message: message.slice(0, MESSAGE_LIMIT) } : {}),
    durationMs: ev.ms ?? 0,
    ...(reports[0] ? { sanitizer: reports[0] } : {}),
  };
}

/** What renames a C/C++ sample's own `main` when the sample is a unit of its own. */
const RENAME_MAIN = '-Dmain=tsp_solution_main';

/**
 * The sample's file and the build options of its units. A C/C++ sample that is a unit of its own
 * is compiled first (`compileFirst`), as written (its lines are the file's lines, so compiler
 * messages quote the right ones), its `main` renamed on the command line; a C++ one whose leading
 * system includes are its task prompt's gets them from a precompiled header
 * (src/sandbox/precompiled-prelude.ts: the same program, most of a failing compile's time saved).
 * Go, and a harness that includes the sample, take `inFile` (the sample with an in-file renaming).
 */
async function sampleBuild(
  ctx: HarnessContext,
  language: NativeLanguage,
  files: { solution: string; harness: string; includesSolution: boolean },
  inFile: () => string,
): Promise<{
  text: string;
  options: Pick<CompileNativeOptions, 'sources' | 'compileFirst' | 'firstFlags' | 'readOnlyBinds'>;
}> {
  if (language === 'go') return { text: inFile(), options: {} };
  if (files.includesSolution) return { text: inFile(), options: { sources: [files.harness] } };
  const options = { sources: [files.harness, files.solution], compileFirst: files.solution };
  const code = ctx.sample.code;
  if (language === 'c') return { text: code, options: { ...options, firstFlags: [RENAME_MAIN] } };
  const pch = await withPrecompiledPrelude(
    code,
    [...compilerArgs('cpp'), RENAME_MAIN],
    ctx.slot.uid,
    ctx.task.prompt,
  );
  return {
    text: pch.code,
    options: {
      ...options,
      firstFlags: [RENAME_MAIN, ...pch.flags],
      ...(pch.binds.length ? { readOnlyBinds: pch.binds } : {}),
    },
  };
}

async function runNative(
  ctx: HarnessContext,
  language: NativeLanguage,
  harness: string,
): Promise<HarnessResult> {
  const uid = ctx.slot.uid;
  const dir = await createWorkDir(uid);
  const ext = language === 'c' ? 'c' : language === 'cpp' ? 'cpp' : 'go';
  const solution = `solution.${ext}`;
  const harnessFile = `harness.${ext}`;
  const includesSolution = new RegExp(`#\\s*include\\s*"${solution.replace('.', '\\.')}"`).test(harness);
  const start = performance.now();
  const guard = guardNativeHarness(language, harness, drawGuardSuffix());
  try {
    const unit = await sampleBuild(ctx, language, { solution, harness: harnessFile, includesSolution }, () =>
      prepareNativeSample(language, ctx.sample.code),
    );
    const compiled = await compileNative({
      language,
      files: { [solution]: unit.text, [harnessFile]: guard.harness, ...guard.extraFiles },
      ...unit.options,
      flags: guard.flags,
      workDir: dir,
      uid,
      timeoutMs: ctx.limits.compileTimeoutMs,
    });
    const build = {
      ok: compiled.ok,
      ...(compiled.log ? { log: compiled.log.slice(0, 8000) } : {}),
      durationMs: compiled.durationMs,
    };
    if (!compiled.ok) return notBuilt(ctx, build, performance.now() - start);
    const testStart = performance.now();
    const tests = await runTestsResumable(
      ctx.task.tests,
      ctx.limits.sampleTimeoutMs,
      async (batch, leftMs) => {
        const request = { argv: ['./prog'], tests: batch.map((t) => t.name), finishChannel: true };
        return runDriverBatch(ctx, language, dir, request, batch, leftMs, 65536, (ev, t) =>
          nativeOutcome(ev, t, [solution]),
        );
      },
    );
    return { build, tests, testMs: performance.now() - testStart };
  } finally {
    await removeWorkDir(dir);
  }
}

const OBSERVE_C = fileURLToPath(new URL('../sandbox/tsp_observe.h', import.meta.url));
const OBSERVE_GO = fileURLToPath(new URL('../sandbox/tsp_observe.go', import.meta.url));
/** Where an observed native test's folders live: /tmp, a size-limited tmpfs (the sample's disk quota). */
const OBSERVED_ROOT = '/tmp/tsp';

/** Why an observed harness cannot run as written, or undefined. */
function observedHarnessProblem(ctx: HarnessContext): string | undefined {
  const without = ctx.task.tests.filter((t) => t.expect === undefined).map((t) => t.name);
  if (without.length > 0) return `tests without expectations in an observed harness: ${without.join(', ')}`;
  return undefined;
}

/**
 * C, C++ and Go with an *observed* harness (tests with `expect`): the harness beside the sample
 * only reports values; each test runs as `prog <random id> <dir> <marker> <words...>` in a fresh
 * folder on the size-limited /tmp, and the decision is taken here from the values reported under
 * that test's id, the canary folder and the files as the driver found them after the process (and
 * anything it left running) ended. The exit code means nothing; timeouts, signals and sanitizer
 * reports keep their meaning.
 */
async function runObservedNative(
  ctx: HarnessContext,
  language: NativeLanguage,
  harness: string,
): Promise<HarnessResult> {
  const problem = observedHarnessProblem(ctx);
  const draws = drawTests(ctx.seed, ctx.task.tests, OBSERVED_ROOT, SANDBOX_CANARY_ROOT);
  const placed = placeTestIds(harness, draws);
  const notRunnable =
    problem ?? (placed.missing.length ? `harness has no test ${placed.missing.join(', ')}` : undefined);
  if (notRunnable) {
    return {
      build: { ok: false, log: notRunnable, durationMs: 0 },
      tests: [],
      testMs: 0,
      oracleErrors: [`the task's harness is not runnable: ${notRunnable}`],
    };
  }
  const uid = ctx.slot.uid;
  const dir = await createWorkDir(uid);
  const ext = language === 'c' ? 'c' : language === 'cpp' ? 'cpp' : 'go';
  const solution = `solution.${ext}`;
  const harnessFile = `harness.${ext}`;
  const includesSolution = new RegExp(`#\\s*include\\s*"${solution.replace('.', '\\.')}"`).test(harness);
  const start = performance.now();
  const suffix = drawBuildSuffix(ctx.seed);
  const goRename = (src: string) =>
    src.replace(/\bTSP\b/g, `tsp${suffix}`).replace(/\btspObserver\b/g, `tspObserver${suffix}`);
  const kit: Record<string, string> =
    language === 'go'
      ? { 'tsp_observe.go': goRename(await readFile(OBSERVE_GO, 'utf8')) }
      : { 'tsp_observe.h': await readFile(OBSERVE_C, 'utf8') };
  const harnessSource = language === 'go' ? goRename(placed.source) : placed.source;
  try {
    const unit = await sampleBuild(ctx, language, { solution, harness: harnessFile, includesSolution }, () =>
      language === 'go'
        ? prepareNativeSample(language, ctx.sample.code)
        : prepareObservedC(ctx.sample.code, solution),
    );
    const compiled = await compileNative({
      language,
      files: { [solution]: unit.text, [harnessFile]: harnessSource, ...kit },
      ...unit.options,
      workDir: dir,
      uid,
      timeoutMs: ctx.limits.compileTimeoutMs,
      returnBinary: true,
    });
    let build = {
      ok: compiled.ok,
      ...(compiled.log ? { log: compiled.log.slice(0, 8000) } : {}),
      durationMs: compiled.durationMs,
    };
    const forbidden =
      compiled.ok && language !== 'go'
        ? FORBIDDEN_SYMBOLS.exec(compiled.binary?.toString('latin1') ?? '')
        : null;
    if (forbidden)
      build = {
        ok: false,
        log: `the program uses ${forbidden[0]}, which a test program may not use (it could hide a sanitizer report)`,
        durationMs: compiled.durationMs,
      };
    const shimProblem =
      build.ok && ctx.task.tests.some((t) => usesRandomness(t.expect ?? []))
        ? language === 'go'
          ? 'a Go program is linked statically: its system randomness cannot be chosen'
          : randomnessShimProblem()
        : undefined;
    if (shimProblem) return { ...notBuilt(ctx, build, 0, shimProblem), oracleErrors: [shimProblem] };
    if (!build.ok) return notBuilt(ctx, build, performance.now() - start);
    const testStart = performance.now();
    const byName = new Map(draws.map((d) => [d.name, d]));
    const sanitizers = sanitizerEnv(ctx.limits.memoryMb);
    // Tests that compare runs by their randomness: each run's stream, chosen here (never shown to a run).
    const plans = new Map(
      ctx.task.tests.filter((t) => usesRandomness(t.expect ?? [])).map((t) => [t.name, planRandomness()]),
    );
    const tests = await runTestsResumable(
      ctx.task.tests,
      ctx.limits.sampleTimeoutMs,
      async (batch, leftMs) => {
        const request = {
          argv: ['/work/prog'],
          observed: batch.map((t) => {
            const d = byName.get(t.name) as TestDraw;
            return {
              name: t.name,
              args: [d.id, d.dir, d.marker, ...d.words],
              dir: d.dir,
              canary: d.canary,
              marker: d.marker,
              files: filesToReport(t.expect ?? [], d),
              repeat: runsNeeded(t.expect ?? []),
              ...(plans.has(t.name)
                ? { runEnv: plans.get(t.name)?.streams.map((key) => randomnessEnv(key, sanitizers)) }
                : {}),
            };
          }),
        };
        // The values a test reports can reach MiBs: room for them beside the outputs.
        return runDriverBatch(ctx, language, dir, request, batch, leftMs, 8 * 1024 * 1024, (ev, t) =>
          observedOutcome(ev, t, byName.get(t.name) as TestDraw, [solution], plans.get(t.name)?.streamOfRun),
        );
      },
    );
    return { build, tests, testMs: performance.now() - testStart };
  } finally {
    await removeWorkDir(dir);
  }
}

/** The sample's C/C++ file for an observed harness: its own `main` renamed (no finish guard). */
function prepareObservedC(code: string, file: string): string {
  return `#define main tsp_solution_main\n#line 1 "${file}"\n${code}\n#undef main\n`;
}

function observedOutcome(
  ev: RunnerEvent & {
    obs?: string;
    obsRuns?: string[];
    canaryTouched?: boolean;
    files?: Record<string, FileState>;
    modeEvidence?: ModeEvidence;
  },
  t: TestSpec,
  draw: TestDraw,
  ownFiles: string[],
  streamOfRun?: number[],
): TestOutcome {
  const stderr = ev.stderr ?? '';
  const reports = parseSanitizerReports(stderr, ownFiles);
  const base = { name: t.name, kind: t.kind, durationMs: ev.ms ?? 0 };
  const ended = endedAbnormally(ev, reports);
  if (ended)
    return {
      ...base,
      status: ended.status,
      message: ended.message.slice(0, MESSAGE_LIMIT),
      ...(reports[0] ? { sanitizer: reports[0] } : {}),
    };
  if ((ev as { lingering?: boolean }).lingering)
    return { ...base, status: 'timeout', message: 'the test left a process running past its time limit' };
  const goFatal = /^(panic: |fatal error: )/m.exec(stderr);
  const why = checkExpectations(
    t.expect ?? [],
    {
      observations: parseObservations(ev.obs ?? '', draw.id),
      laterRuns: (ev.obsRuns ?? []).slice(1).map((o) => parseObservations(o, draw.id)),
      ...(streamOfRun ? { streamOfRun } : {}),
      canaryTouched: ev.canaryTouched === true,
      files: ev.files ?? {},
      ...(ev.modeEvidence ? { modeEvidence: ev.modeEvidence } : {}),
    },
    draw,
  );
  if (why === null) return { ...base, status: 'pass' };
  if (goFatal)
    return { ...base, status: 'crash', message: stderr.slice(goFatal.index, goFatal.index + MESSAGE_LIMIT) };
  const tail = `${stderr}${ev.stdout ?? ''}`.trim();
  return { ...base, status: 'fail', message: `${why}${tail ? `\n${tail}` : ''}`.slice(0, MESSAGE_LIMIT) };
}

/**
 * One batch of native tests through the driver (native-driver.py) in a fresh sandbox: the
 * request's own fields plus the limits and environment every native test gets. Observed requests
 * (with `observed`) see their build folder read-only: they write only to the size-limited /tmp.
 */
async function runDriverBatch(
  ctx: HarnessContext,
  language: NativeLanguage,
  dir: string,
  request: Record<string, unknown>,
  batch: TestSpec[],
  leftMs: number,
  extraOutputBytes: number,
  toOutcome: (ev: RunnerEvent, t: TestSpec) => TestOutcome,
): Promise<BatchReport> {
  const go = language === 'go';
  // Tests that judge a file's mode bits run under the mode supervisor (every mode the file had is
  // judged, not only the last), or fail where it is not built.
  const watchesModes = 'observed' in request && batch.some((t) => checksModes(t.expect ?? []));
  const modeLog = watchesModes && modeTracer() ? createModeLog() : undefined;
  let modeEvidence: ModeEvidence | undefined = watchesModes ? { unobservable: NO_SUPERVISOR } : undefined;
  let r: SandboxResult;
  try {
    r = await runSandboxed({
      files: {},
      argv: [SANDBOX_PYTHON, '-I', DRIVER_IN_SANDBOX],
      stdin: JSON.stringify({
        ...request,
        testTimeoutMs: ctx.limits.testTimeoutMs,
        maxOutputBytes: ctx.limits.maxOutputBytes,
        ...(go ? { addressSpaceBytes: (ctx.limits.memoryMb + 1024) * 1024 * 1024 } : {}),
        env: go ? { GOMAXPROCS: '2', GOTRACEBACK: 'single' } : sanitizerEnv(ctx.limits.memoryMb),
      }),
      workDir: dir,
      ...('observed' in request ? { workDirReadOnly: true, canaries: canaryNames(request) } : {}),
      uid: ctx.slot.uid,
      timeoutMs: Math.min(leftMs, ctx.limits.testTimeoutMs * batch.length + 2_000),
      memoryMb: ctx.limits.memoryMb,
      memoryMode: 'none',
      cpuSeconds: ctx.limits.cpuSeconds,
      maxOutputBytes: Math.max(ctx.limits.maxOutputBytes * 2 * batch.length + extraOutputBytes, 1 << 20),
      maxFileBytes: ctx.limits.maxFileBytes,
      maxProcs: ctx.limits.maxProcs,
      network: false,
      readOnlyBinds: [
        `${NATIVE_DRIVER}:${DRIVER_IN_SANDBOX}`,
        `${FRESH_STATE}:/opt/tsp/fresh_state.py`,
        ...(randomnessShimProblem() ? [] : [`${RANDOMNESS_SHIM}:${RANDOMNESS_SHIM_IN_SANDBOX}`]),
      ],
      ...(modeLog ? { traceModes: modeLog } : {}),
    });
    if (modeLog) modeEvidence = new ModeHistory(modeLog).advance();
  } finally {
    if (modeLog) removeModeLog(modeLog);
  }
  const events = parseEvents(r.stdout).map((ev) => (modeEvidence ? { ...ev, modeEvidence } : ev));
  const { outcomes, current } = collectBatch(events, batch, toOutcome);
  const report: BatchReport = { outcomes, ...(current ? { current } : {}) };
  if (outcomes.size < batch.length) {
    report.died = diedOf(r);
    if (r.exitCode !== null && r.exitCode !== 0 && r.stderr.includes('Traceback'))
      report.died = { status: 'error', message: `test driver failed: ${r.stderr.slice(-500)}` };
  }
  return report;
}

/** The canary folders (names under SANDBOX_CANARY_ROOT) of an observed request's tests. */
function canaryNames(request: Record<string, unknown>): string[] {
  const tests = (request.observed ?? []) as { canary: string }[];
  return tests.map((t) => t.canary.slice(SANDBOX_CANARY_ROOT.length + 1));
}

/** Sanitizer reports attached to test outcomes. */
export function sanitizerReportsOf(tests: TestOutcome[]): SanitizerReport[] {
  return tests.flatMap((t) => (t.sanitizer ? [t.sanitizer] : []));
}
