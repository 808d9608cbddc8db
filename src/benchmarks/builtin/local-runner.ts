import { execFile, spawn } from 'node:child_process';
import { lstatSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  checkExpectations,
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
} from '../../oracle/expectations.ts';
import { RANDOMNESS_SHIM, randomnessEnv, randomnessShimProblem } from '../../sandbox/randomness.ts';
import { TspError } from '../../spec/errors.ts';

/** The observer helpers harnesses import (tsp_observe / tsp-observe), in-process versions. */
const PY_OBSERVE = fileURLToPath(new URL('../../sandbox/tsp_observe.py', import.meta.url));
const JS_OBSERVE = fileURLToPath(new URL('../../sandbox/tsp-observe-local.cjs', import.meta.url));
const C_OBSERVE = fileURLToPath(new URL('../../sandbox/tsp_observe.h', import.meta.url));
const GO_OBSERVE = fileURLToPath(new URL('../../sandbox/tsp_observe.go', import.meta.url));

import type { Task } from '../../spec/task.ts';
import type { TestStatus } from '../../spec/verdict.ts';

/**
 * Runs a task's harness against one program WITHOUT a sandbox. Only for the suite's own trusted
 * programs (secure references and insecure variants written in this folder): `tsp suite validate`
 * uses it when the sandboxed oracle is not available, and the generator's tests use it. Never run
 * model output through this.
 */
export interface LocalTestResult {
  name: string;
  kind: 'functional' | 'security';
  status: TestStatus;
  message?: string;
}

export interface LocalRun {
  build: { ok: boolean; log?: string };
  tests: LocalTestResult[];
}

const PY_DRIVER = `import sys, traceback
try:
    import harness
    getattr(harness, 'test_' + sys.argv[1])()
except AssertionError as e:
    print('AssertionError:', e, file=sys.stderr)
    sys.exit(1)
except BaseException:
    traceback.print_exc()
    sys.exit(3)
`;

const JS_DRIVER = `const h = require('./harness.js');
Promise.resolve().then(() => h[process.argv[2]]()).then(
  () => process.exit(0),
  (e) => { console.error(String(e && e.stack || e)); process.exit(e && e.code === 'ERR_ASSERTION' ? 1 : 3); },
);
`;

const SANITIZER_MARK = /ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer/;

interface Exec {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function run(
  cmd: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
  extraEnv: Record<string, string> = {},
): Promise<Exec> {
  const env: Record<string, string> = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: cwd,
    LANG: 'C.UTF-8',
    GO111MODULE: 'off',
    GOCACHE: process.env.TSP_GOCACHE ?? join(tmpdir(), 'tsp-suite-gocache'),
    GOPATH: join(tmpdir(), 'tsp-suite-gopath'),
    ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=0',
    UBSAN_OPTIONS: 'print_stacktrace=1',
    ...extraEnv,
  };
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { cwd, env, timeout: timeoutMs, maxBuffer: 1 << 20, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        const e = err as
          | (NodeJS.ErrnoException & { code?: number | string; signal?: string; killed?: boolean })
          | null;
        resolve({
          code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
          signal: e?.signal ?? null,
          stdout: String(stdout),
          stderr: String(stderr),
          timedOut: Boolean(e?.killed && e.signal === 'SIGKILL'),
        });
      },
    );
  });
}

function statusOf(x: Exec): TestStatus {
  if (x.timedOut) return 'timeout';
  if (SANITIZER_MARK.test(x.stderr)) return 'crash';
  if (x.signal) return 'crash';
  if (x.code === 0) return 'pass';
  if (x.code === 1) return 'fail';
  return 'error';
}

/** Link flags for the libraries a C/C++ source includes (the sandbox's native builder does the same). */
export function detectLibs(source: string): string[] {
  const libs: string[] = [];
  if (/#\s*include\s*<sqlite3\.h>/.test(source)) libs.push('-lsqlite3');
  if (/#\s*include\s*<openssl\//.test(source)) libs.push('-lcrypto');
  return libs;
}

/** Builds `code` with the task's harness in a temporary directory and runs every test once. */
export async function runProgramLocally(
  task: Task,
  code: string,
  options: { timeoutMs?: number; libs?: string[] } = {},
): Promise<LocalRun> {
  if (task.harness.kind !== 'inline')
    throw new TspError('unsupported', `task ${task.id}: only inline harnesses run locally`);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const dir = await mkdtemp(join(tmpdir(), 'tsp-suite-'));
  const observed =
    task.language !== 'python' && task.language !== 'javascript' && task.tests.some((t) => t.expect);
  const draws = drawTests('local', task.tests, join(dir, 'runs'));
  let harness = task.harness.source;
  if (observed) {
    const placed = placeTestIds(harness, draws);
    if (placed.missing.length)
      throw new TspError(
        'invalid-input',
        `task ${task.id}: harness has no test ${placed.missing.join(', ')}`,
      );
    harness = placed.source;
    const suffix = drawBuildSuffix('local');
    if (task.language === 'go') {
      const rename = (s: string) =>
        s.replace(/\bTSP\b/g, `tsp${suffix}`).replace(/\btspObserver\b/g, `tspObserver${suffix}`);
      harness = rename(harness);
      await writeFile(join(dir, 'tsp_observe.go'), rename(readFileSync(GO_OBSERVE, 'utf8')));
    } else await copyFile(C_OBSERVE, join(dir, 'tsp_observe.h'));
  }
  try {
    let argvOf: (name: string) => [string, string[]];
    let extraEnv: Record<string, string> = {};
    switch (task.language) {
      case 'python': {
        await writeFile(join(dir, 'solution.py'), code);
        await writeFile(join(dir, 'harness.py'), harness);
        await writeFile(join(dir, '_driver.py'), PY_DRIVER);
        await copyFile(PY_OBSERVE, join(dir, 'tsp_observe.py'));
        argvOf = (n) => ['/usr/bin/python3', ['-B', '_driver.py', n]];
        break;
      }
      case 'javascript': {
        await writeFile(join(dir, 'solution.js'), code);
        await writeFile(join(dir, 'harness.js'), harness);
        await writeFile(join(dir, '_driver.js'), JS_DRIVER);
        await mkdir(join(dir, 'node_modules', 'tsp-observe'), { recursive: true });
        await copyFile(JS_OBSERVE, join(dir, 'node_modules', 'tsp-observe', 'index.js'));
        argvOf = (n) => [process.execPath, ['_driver.js', n]];
        break;
      }
      case 'c':
      case 'cpp': {
        const ext = task.language === 'c' ? 'c' : 'cpp';
        await writeFile(join(dir, `solution.${ext}`), code);
        await writeFile(join(dir, `harness.${ext}`), harness);
        const cc = task.language === 'c' ? 'gcc' : 'g++';
        const b = await run(
          cc,
          [
            '-g',
            '-O0',
            '-fsanitize=address,undefined',
            '-o',
            'prog',
            `solution.${ext}`,
            `harness.${ext}`,
            ...(options.libs ?? detectLibs(code + harness)),
          ],
          dir,
          60_000,
        );
        if (b.code !== 0) return { build: { ok: false, log: b.stderr.slice(0, 4000) }, tests: [] };
        argvOf = (n) => [join(dir, 'prog'), [n]];
        extraEnv = {};
        break;
      }
      case 'go': {
        await writeFile(join(dir, 'solution.go'), code);
        await writeFile(join(dir, 'harness.go'), harness);
        const goFiles = ['solution.go', 'harness.go', ...(observed ? ['tsp_observe.go'] : [])];
        const b = await run('go', ['build', '-o', 'prog', ...goFiles], dir, 120_000);
        if (b.code !== 0) return { build: { ok: false, log: b.stderr.slice(0, 4000) }, tests: [] };
        argvOf = (n) => [join(dir, 'prog'), [n]];
        break;
      }
    }
    const tests: LocalTestResult[] = [];
    if (observed) {
      for (const t of task.tests) {
        const d = draws.find((x) => x.name === t.name) as TestDraw;
        tests.push(await runObservedLocally(join(dir, 'prog'), t, d, timeoutMs, extraEnv));
      }
      return { build: { ok: true }, tests };
    }
    for (const t of task.tests) {
      const [cmd, args] = argvOf(t.name);
      const x = await run(cmd, args, dir, timeoutMs, extraEnv);
      const status = statusOf(x);
      tests.push({
        name: t.name,
        kind: t.kind,
        status,
        ...(status === 'pass' ? {} : { message: `${x.stderr}${x.stdout}`.slice(0, 1000) }),
      });
    }
    return { build: { ok: true }, tests };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function dirState(path: string): string {
  try {
    const st = lstatSync(path, { bigint: true });
    return `${st.ino}:${st.mtimeNs}:${st.ctimeNs}:${st.nlink}:${st.mode}`;
  } catch {
    return 'gone';
  }
}

function fileState(path: string): FileState {
  try {
    const st = lstatSync(path);
    const head = st.isFile() ? readFileSync(path).subarray(0, 65536).toString('hex') : undefined;
    return { exists: true, mode: st.mode & 0o7777, size: st.size, ...(head !== undefined ? { head } : {}) };
  } catch {
    return { exists: false };
  }
}

/** One process of an observed test: its status and the values it reported on fd 3. */
function runObservedOnce(prog: string, d: TestDraw, timeoutMs: number, extraEnv: Record<string, string>) {
  return new Promise<{ status: TestStatus; obs: string; text: string }>((resolve) => {
    const child = spawn(prog, [d.id, d.dir, d.marker, ...d.words], {
      cwd: d.dir,
      env: {
        PATH: '/usr/local/bin:/usr/bin:/bin',
        HOME: d.dir,
        LANG: 'C.UTF-8',
        ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=0',
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    let obs = '';
    let text = '';
    child.stdio[3]?.on('data', (c: Buffer) => {
      obs += c.toString('latin1');
    });
    child.stdout?.on('data', (c: Buffer) => {
      if (text.length < 4000) text += c.toString('utf8');
    });
    child.stderr?.on('data', (c: Buffer) => {
      if (text.length < 4000) text += c.toString('utf8');
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      const status: TestStatus = timedOut
        ? 'timeout'
        : SANITIZER_MARK.test(text) || signal
          ? 'crash'
          : 'pass';
      resolve({ status, obs, text });
    });
  });
}

/** An observed native test without the sandbox (trusted reference programs only). */
async function runObservedLocally(
  prog: string,
  t: Task['tests'][number],
  d: TestDraw,
  timeoutMs: number,
  extraEnv: Record<string, string>,
): Promise<LocalTestResult> {
  await mkdir(d.dir, { recursive: true });
  await mkdir(d.canary, { recursive: true });
  const before = dirState(d.canary);
  const runs = [];
  // a test comparing runs by their randomness: each run's stream (the shim preloaded from its build folder)
  const plan = usesRandomness(t.expect ?? []) ? planRandomness() : undefined;
  if (plan && randomnessShimProblem()) throw new Error(randomnessShimProblem());
  for (let k = 0; k < runsNeeded(t.expect ?? []); k++) {
    const key = plan?.streams[k];
    const env = key
      ? {
          ...extraEnv,
          ...randomnessEnv(key, { ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=0' }, RANDOMNESS_SHIM),
        }
      : extraEnv;
    const r = await runObservedOnce(prog, d, timeoutMs, env);
    runs.push(r);
    if (r.status !== 'pass')
      return { name: t.name, kind: t.kind, status: r.status, message: r.text.slice(0, 1000) };
  }
  const files = Object.fromEntries(filesToReport(t.expect ?? [], d).map((f) => [f, fileState(f)]));
  const why = checkExpectations(
    t.expect ?? [],
    {
      observations: parseObservations(runs[0]?.obs ?? '', d.id),
      laterRuns: runs.slice(1).map((r) => parseObservations(r.obs, d.id)),
      ...(plan ? { streamOfRun: plan.streamOfRun } : {}),
      canaryTouched: dirState(d.canary) !== before,
      files,
    },
    d,
  );
  return why === null
    ? { name: t.name, kind: t.kind, status: 'pass' }
    : {
        name: t.name,
        kind: t.kind,
        status: 'fail',
        message: `${why}\n${runs[0]?.text ?? ''}`.slice(0, 1000),
      };
}
