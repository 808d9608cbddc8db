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
  /** Name of the binary in the work dir (default `prog`). */
  output?: string;
  /** ASan + UBSan for C/C++ (default true). */
  sanitize?: boolean;
  /** Extra compiler / linker flags. */
  flags?: string[];
  timeoutMs?: number;
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

function compileCommand(opts: CompileNativeOptions, output: string): string[] {
  const names = Object.keys(opts.files);
  if (opts.language === 'go') return [GO, 'build', '-o', output, '.'];
  const exts = opts.language === 'c' ? ['.c'] : ['.cpp', '.cc', '.cxx'];
  const sources = opts.sources ?? names.filter((n) => exts.some((e) => n.endsWith(e)));
  const all = sources.map((s) => opts.files[s] ?? '').join('\n');
  const cc = opts.language === 'c' ? 'gcc' : 'g++';
  const std = opts.language === 'c' ? '-std=gnu17' : '-std=gnu++17';
  return [
    `/usr/bin/${cc}`,
    std,
    '-g',
    '-O1',
    ...(opts.sanitize === false ? [] : SANITIZER_FLAGS),
    '-o',
    output,
    ...sources,
    ...(opts.flags ?? []),
    ...detectNativeLibs(all),
    '-lm',
  ];
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
  const command = compileCommand(opts, output);
  try {
    const go = opts.language === 'go';
    const goCache = go ? await goCacheDir(uid) : undefined;
    const r = await runSandboxed({
      files: opts.files,
      argv: command,
      workDir: dir,
      uid,
      timeoutMs: opts.timeoutMs ?? 60_000,
      memoryMb: 0,
      memoryMode: 'none',
      maxOutputBytes: 64 * 1024,
      maxFileBytes: 512 * 1024 * 1024,
      maxProcs: 256,
      network: false,
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
      ...(opts.returnBinary ? { collect: [output] } : {}),
    });
    const log = `${r.stdout}${r.stderr}`.trim();
    const ok = r.exitCode === 0 && !r.timedOut;
    return {
      ok,
      log: r.timedOut ? `compilation timed out after ${opts.timeoutMs ?? 60_000} ms\n${log}` : log,
      durationMs: r.durationMs,
      timedOut: r.timedOut,
      ...(ok ? { binaryPath: `${SANDBOX_WORK_DIR}/${output}` } : {}),
      ...(ok && r.files[output] ? { binary: r.files[output] } : {}),
      command,
    };
  } finally {
    if (!opts.workDir) await removeWorkDir(dir);
    if (ownUid) releaseUid(uid);
  }
}
