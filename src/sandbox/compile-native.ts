import { chown, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SANDBOX_WORK_DIR } from './bwrap.ts';
import { runSandboxed } from './run-sandboxed.ts';
import { acquireUid, releaseUid } from './uids.ts';
import { createWorkDir, removeWorkDir, sandboxRoot } from './work-dir.ts';

export type NativeLanguage = 'c' | 'cpp' | 'go';

export interface CompileNativeOptions {
  language: NativeLanguage;
  /** Source files (and headers) by relative name. */
  files: Record<string, string>;
  /** Translation units to compile (C/C++); default every `.c` / `.cpp` / `.cc` file. Go builds the folder. */
  sources?: string[];
  /**
   * C/C++: one of `sources` compiled on its own first (`-c`); when it does not compile, the build
   * stops there with its errors, without spending the other units' compile time (a judge's sample,
   * which fails far more often than its trusted harness). Same flags, same binary otherwise.
   */
  compileFirst?: string;
  /** Flags for the `compileFirst` unit's own compile only (e.g. `-Dmain=...`, `-include <header>`). */
  firstFlags?: string[];
  /** Name of the binary in the work dir (default `prog`). */
  output?: string;
  /** ASan + UBSan for C/C++ (default true). */
  sanitize?: boolean;
  /** Extra compiler / linker flags. */
  flags?: string[];
  timeoutMs?: number;
  /** Host folders bound read-only (`host:sandbox`), e.g. precompiled headers. */
  readOnlyBinds?: string[];
  /** Host work dir (from `createWorkDir`) to build in and keep; default a fresh one, removed after. */
  workDir?: string;
  uid?: number;
  /** Also return the binary's bytes (useful without `workDir`). */
  returnBinary?: boolean;
}

export interface CompileResult {
  ok: boolean;
  /** Compiler output (capped). */
  log: string;
  durationMs: number;
  timedOut: boolean;
  /** Path of the binary inside the sandbox's /work (when ok). */
  binaryPath?: string;
  binary?: Buffer;
  /** The command line used, for reports. */
  command: string[];
}

/** Libraries a C/C++ source needs, detected from its includes. */
export function detectNativeLibs(source: string): string[] {
  const libs: string[] = [];
  if (/#\s*include\s*<sqlite3\.h>/.test(source)) libs.push('-lsqlite3');
  if (/#\s*include\s*<openssl\//.test(source)) libs.push('-lssl', '-lcrypto');
  if (/#\s*include\s*<jwt\.h>/.test(source)) libs.push('-ljwt');
  if (/#\s*include\s*<archive(_entry)?\.h>/.test(source)) libs.push('-larchive');
  if (/#\s*include\s*<libxml\//.test(source)) libs.push('-I/usr/include/libxml2', '-lxml2');
  if (/#\s*include\s*<pthread\.h>/.test(source)) libs.push('-pthread');
  return libs;
}

export const SANITIZER_FLAGS = [
  '-fsanitize=address,undefined',
  '-fno-sanitize-recover=all',
  '-fno-omit-frame-pointer',
];

/** Environment for running a sanitized binary: reports go to stderr, exit code 86, RSS cap instead of RLIMIT_AS. */
export function sanitizerEnv(memoryMb: number): Record<string, string> {
  return {
    ASAN_OPTIONS: `detect_leaks=0:hard_rss_limit_mb=${memoryMb}:exitcode=86:abort_on_error=0:handle_abort=1:allocator_may_return_null=0:symbolize=1`,
    UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1:exitcode=86',
  };
}

/** Exit code the sanitizers use (set in `sanitizerEnv`). */
export const SANITIZER_EXIT_CODE = 86;

const GO = '/usr/bin/go';

/** Host folder of a uid's Go build cache, created on first use; compiler-written only, reused across builds. */
export async function goCacheDir(uid: number): Promise<string> {
  const dir = join(sandboxRoot(), `gocache-${uid}`);
  await mkdir(sandboxRoot(), { recursive: true, mode: 0o711 });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chown(dir, uid, uid);
  return dir;
}

/** The C/C++ compiler and the flags every unit of a build is compiled with (before its inputs). */
export function compilerArgs(language: 'c' | 'cpp', sanitize = true): string[] {
  return [
    language === 'c' ? '/usr/bin/gcc' : '/usr/bin/g++',
    language === 'c' ? '-std=gnu17' : '-std=gnu++17',
    '-g',
    '-O1',
    ...(sanitize ? SANITIZER_FLAGS : []),
  ];
}

function compileCommand(opts: CompileNativeOptions, output: string): string[][] {
  const names = Object.keys(opts.files);
  if (opts.language === 'go') return [[GO, 'build', '-o', output, '.']];
  const exts = opts.language === 'c' ? ['.c'] : ['.cpp', '.cc', '.cxx'];
  const sources = opts.sources ?? names.filter((n) => exts.some((e) => n.endsWith(e)));
  const all = sources.map((s) => opts.files[s] ?? '').join('\n');
  const compiler = compilerArgs(opts.language, opts.sanitize !== false);
  const libs = detectNativeLibs(all);
  const first = opts.compileFirst;
  if (first !== undefined && !sources.includes(first))
    throw new Error(`compileFirst ${first} is not one of the sources`);
  const object = first === undefined ? undefined : `${first.replace(/\.[^./]*$/, '')}.tsp.o`;
  const link = [
    ...compiler,
    '-o',
    output,
    ...sources.map((s) => (s === first && object ? object : s)),
    ...(opts.flags ?? []),
    ...libs,
    '-lm',
  ];
  if (first === undefined || !object) return [link];
  // the -I of a detected library matters when compiling; linker flags are inert with -c
  const includes = libs.filter((f) => f.startsWith('-I'));
  return [[...compiler, ...(opts.firstFlags ?? []), '-c', first, '-o', object, ...includes], link];
}

/**
 * Compiles C (gcc), C++ (g++) or Go (1.19, GOPATH mode, offline, cgo off) inside the sandbox.
 * The compiler is trusted but its input is not, so it runs with no network and no access outside
 * the work dir. Go uses a per-uid build cache bound read-write at /gocache.
 */
export async function compileNative(opts: CompileNativeOptions): Promise<CompileResult> {
  const ownUid = opts.uid === undefined;
  const uid = opts.uid ?? (await acquireUid());
  const dir = opts.workDir ?? (await createWorkDir(uid));
  const output = opts.output ?? 'prog';
  const steps = compileCommand(opts, output);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  try {
    const go = opts.language === 'go';
    const goCache = go ? await goCacheDir(uid) : undefined;
    let spentMs = 0;
    let logs = '';
    for (const [i, argv] of steps.entries()) {
      const last = i === steps.length - 1;
      const r = await runSandboxed({
        files: i === 0 ? opts.files : {},
        argv,
        workDir: dir,
        uid,
        timeoutMs: Math.max(1, timeoutMs - spentMs),
        memoryMb: 0,
        memoryMode: 'none',
        maxOutputBytes: 64 * 1024,
        maxFileBytes: 512 * 1024 * 1024,
        maxProcs: 256,
        network: false,
        ...(opts.readOnlyBinds?.length ? { readOnlyBinds: opts.readOnlyBinds } : {}),
        ...(go
          ? {
              writableBinds: [`${goCache}:/gocache`],
              env: {
                GOCACHE: '/gocache',
                GOPATH: '/tmp/gopath',
                GO111MODULE: 'off',
                GOPROXY: 'off',
                GOFLAGS: '',
                CGO_ENABLED: '0',
                GOTOOLCHAIN: 'local',
                HOME: '/tmp',
              },
            }
          : {}),
        ...(opts.returnBinary && last ? { collect: [output] } : {}),
      });
      spentMs += r.durationMs;
      const log = `${r.stdout}${r.stderr}`.trim();
      logs = logs && log ? `${logs}\n${log}` : logs || log;
      const ok = r.exitCode === 0 && !r.timedOut;
      if (ok && !last) continue;
      return {
        ok,
        log: r.timedOut ? `compilation timed out after ${timeoutMs} ms\n${logs}` : logs,
        durationMs: spentMs,
        timedOut: r.timedOut,
        ...(ok ? { binaryPath: `${SANDBOX_WORK_DIR}/${output}` } : {}),
        ...(ok && r.files[output] ? { binary: r.files[output] } : {}),
        command: argv,
      };
    }
    throw new Error('unreachable: a build has at least one step');
  } finally {
    if (!opts.workDir) await removeWorkDir(dir);
    if (ownUid) releaseUid(uid);
  }
}
