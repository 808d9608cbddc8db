import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TspError } from '../../spec/errors.ts';

/** The observer helpers harnesses import (tsp_observe / tsp-observe), in-process versions. */
const PY_OBSERVE = fileURLToPath(new URL('../../sandbox/tsp_observe.py', import.meta.url));
const JS_OBSERVE = fileURLToPath(new URL('../../sandbox/tsp-observe-local.cjs', import.meta.url));

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
  const harness = task.harness.source;
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
        const b = await run('go', ['build', '-o', 'prog', 'solution.go', 'harness.go'], dir, 120_000);
        if (b.code !== 0) return { build: { ok: false, log: b.stderr.slice(0, 4000) }, tests: [] };
        argvOf = (n) => [join(dir, 'prog'), [n]];
        break;
      }
    }
    const tests: LocalTestResult[] = [];
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
