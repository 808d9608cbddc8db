import { randomBytes } from 'node:crypto';
import type { NativeLanguage } from './compile-native.ts';

/**
 * Finish guard for native harnesses (C, C++, Go). The tests of the `inline` protocol run in the
 * sample's own process, and the exit code is the verdict: without a guard, a sample that calls
 * `exit(0)` / `_exit(0)` / `os.Exit(0)` would make every test "pass" without the harness checking
 * anything. With the guard, a runner-owned entry point wraps the harness's `main`:
 *
 * - C / C++: the binary is linked with `-Wl,--wrap=main`, so the C runtime enters the runner's
 *   `__wrap_main`, which calls the harness's own `main` (as `__real_main`: the harness keeps its
 *   name, its signature and C's implicit `return 0`). The harness's own `exit(...)` calls become
 *   the runner's reporting exit through a function-like macro defined before the harness (the
 *   sample's file, even when the harness `#include`s it, has the macro pushed away).
 * - Go: the harness's `func main()` is renamed and its `os.Exit(` calls become
 *   `<report>(os.Exit, ...)`; the runner file supplies `func main()`.
 *
 * The runner reads a per-test random nonce from fd 3 (then closes it) and, only when the harness
 * returned or called its exit with code c, writes `<nonce> <c>` on fd 4 (close-on-exec). The
 * native driver (native-driver.py, request field `finishChannel`) turns that into `finished: c`
 * in the test's end event; a test without it did not reach the harness's end. The runner's
 * identifiers carry a random suffix per build, so a sample cannot name them.
 */
export interface GuardedHarness {
  /**
   * The harness source, rewritten: for C/C++ a prelude before it and the runner after it (same
   * translation unit: no extra compiler run); for Go, its main and exits renamed.
   */
  harness: string;
  /** Further files to build with it (Go: the runner file). */
  extraFiles: Record<string, string>;
  /** Extra compiler / linker flags (C/C++). */
  flags: string[];
}

/** Random identifier suffix for one build. */
export function drawGuardSuffix(): string {
  return randomBytes(6).toString('hex');
}

/** The C / C++ runner: `__wrap_main` and the reporting exit. Compiled as C or C++. */
function nativeRunnerSource(suffix: string): string {
  return `/* TSP finish guard (src/sandbox/finish-guard.ts): runner-owned entry point. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifdef __cplusplus
#define TSP_C extern "C"
#define TSP_NOEXCEPT noexcept
#else
#define TSP_C
#define TSP_NOEXCEPT
#endif

/* Raw system calls: a sample that defines its own read/write/close (it may) cannot break reporting. */
static long tsp_sys3_${suffix}(long n, long a, long b, long c) {
#if defined(__x86_64__)
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return r;
#elif defined(__aarch64__)
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
  return x0;
#else
  long r = syscall(n, a, b, c);
  return r < 0 ? -errno : r;
#endif
}

static char tsp_nonce_${suffix}[128];
static size_t tsp_nonce_len_${suffix};

static void tsp_report_${suffix}(int code) {
  char buf[160];
  size_t n = tsp_nonce_len_${suffix}, i;
  unsigned v = (unsigned)code & 0xffu;
  char digits[4];
  int nd = 0;
  tsp_nonce_len_${suffix} = 0;
  if (n == 0) return;
  for (i = 0; i < n; i++) buf[i] = tsp_nonce_${suffix}[i];
  buf[n++] = ' ';
  do { digits[nd++] = (char)('0' + v % 10); v /= 10; } while (v > 0);
  while (nd > 0) buf[n++] = digits[--nd];
  buf[n++] = '\\n';
  /* On failure the driver reports the test as unfinished. */
  (void)tsp_sys3_${suffix}(SYS_write, 4, (long)buf, (long)n);
}

TSP_C void tsp_harness_exit_${suffix}(int code) TSP_NOEXCEPT {
  tsp_report_${suffix}(code);
  exit(code);
}

TSP_C int __real_main(int, char **, char **);

TSP_C int __wrap_main(int argc, char **argv, char **envp) {
  int rc;
  while (tsp_nonce_len_${suffix} < sizeof tsp_nonce_${suffix}) {
    long r = tsp_sys3_${suffix}(SYS_read, 3, (long)(tsp_nonce_${suffix} + tsp_nonce_len_${suffix}),
                                (long)(sizeof tsp_nonce_${suffix} - tsp_nonce_len_${suffix}));
    if (r == -EINTR) continue;
    if (r <= 0) break;
    tsp_nonce_len_${suffix} += (size_t)r;
  }
  (void)tsp_sys3_${suffix}(SYS_close, 3, 0, 0);
  (void)tsp_sys3_${suffix}(SYS_fcntl, 4, F_SETFD, FD_CLOEXEC);
  rc = __real_main(argc, argv, envp);
  tsp_report_${suffix}(rc);
  return rc;
}
`;
}

/**
 * Feature-test macros (`#define _GNU_SOURCE`, ...) the harness sets before its first `#include`:
 * the prelude includes a system header, so they must come first there too (repeated verbatim, an
 * identical redefinition is allowed).
 */
function featureMacros(harness: string): string {
  const firstInclude = harness.search(/^\s*#\s*include\b/m);
  const head = firstInclude < 0 ? harness : harness.slice(0, firstInclude);
  return [...head.matchAll(/^\s*#\s*define\s+_[A-Z0-9_]*SOURCE\b.*$/gm)]
    .map((m) => `${m[0].trim()}\n`)
    .join('');
}

/** Declarations put before the C / C++ harness: its `exit(...)` calls report before exiting. */
function nativeHarnessPrelude(language: 'c' | 'cpp', suffix: string, file: string, harness: string): string {
  const decl =
    language === 'cpp'
      ? `extern "C" void tsp_harness_exit_${suffix}(int) noexcept __attribute__((__noreturn__));\nnamespace std { using ::tsp_harness_exit_${suffix}; }`
      : `extern void tsp_harness_exit_${suffix}(int) __attribute__((__noreturn__));`;
  // The system's own declaration of exit comes first, untouched by the macro.
  const std = language === 'cpp' ? '#include <cstdlib>' : '#include <stdlib.h>';
  return `${featureMacros(harness)}${std}\n${decl}\n#define exit(code) tsp_harness_exit_${suffix}(code)\n#line 1 "${file}"\n`;
}

/** The Go runner: `func main()` around the renamed harness main. */
function goRunnerSource(suffix: string): string {
  return `// TSP finish guard (src/sandbox/finish-guard.ts): runner-owned entry point.
package main

import (
\t"strconv"
\t"syscall"
)

var tspNonce_${suffix} []byte

func tspReport_${suffix}(code int) {
\tn := tspNonce_${suffix}
\ttspNonce_${suffix} = nil
\tif len(n) == 0 {
\t\treturn
\t}
\tmsg := append(append(append([]byte{}, n...), ' '), strconv.Itoa(code&0xff)...)
\tmsg = append(msg, '\\n')
\tfor {
\t\tif _, err := syscall.Write(4, msg); err != syscall.EINTR {
\t\t\treturn
\t\t}
\t}
}

func tspExit_${suffix}(exit func(int), code int) {
\ttspReport_${suffix}(code)
\texit(code)
}

func main() {
\tbuf := make([]byte, 128)
\tgot := 0
\tfor got < len(buf) {
\t\tn, err := syscall.Read(3, buf[got:])
\t\tif err == syscall.EINTR {
\t\t\tcontinue
\t\t}
\t\tif err != nil || n <= 0 {
\t\t\tbreak
\t\t}
\t\tgot += n
\t}
\tsyscall.Close(3)
\tsyscall.CloseOnExec(4)
\ttspNonce_${suffix} = buf[:got]
\ttspHarnessMain_${suffix}()
\ttspReport_${suffix}(0)
}
`;
}

/**
 * Rewrites a native harness for the finish guard and returns the runner to build with it.
 * `suffix` comes from `drawGuardSuffix` (one per build).
 */
export function guardNativeHarness(
  language: NativeLanguage,
  harness: string,
  suffix: string,
): GuardedHarness {
  if (language === 'go') {
    const renamed = harness
      .replace(/^func\s+main\s*\(\s*\)/gm, `func tspHarnessMain_${suffix}()`)
      .replace(/\bos\.Exit\(/g, `tspExit_${suffix}(os.Exit, `);
    return { harness: renamed, extraFiles: { 'tsp_runner.go': goRunnerSource(suffix) }, flags: [] };
  }
  const ext = language === 'c' ? 'c' : 'cpp';
  const prelude = nativeHarnessPrelude(language, suffix, `harness.${ext}`, harness);
  // The runner follows the harness in its file; the exit macro ends before it.
  const runner = `\n#undef exit\n#line 1 "tsp-runner.${ext}"\n${nativeRunnerSource(suffix)}`;
  return { harness: `${prelude}${harness}${runner}`, extraFiles: {}, flags: ['-Wl,--wrap=main'] };
}

/**
 * The sample as compiled next to a guarded harness: its own `main` renamed away (so that the
 * harness's main is the program's) and the harness's `exit` macro pushed away around it (so that a
 * harness that `#include`s the sample does not turn the sample's exits into reporting ones).
 */
export function prepareNativeSample(language: NativeLanguage, code: string): string {
  if (language === 'go') return code.replace(/^func\s+main\s*\(\s*\)/gm, 'func tspSolutionMain()');
  const file = language === 'c' ? 'solution.c' : 'solution.cpp';
  return `#pragma push_macro("exit")\n#undef exit\n#define main tsp_solution_main\n#line 1 "${file}"\n${code}\n#undef main\n#pragma pop_macro("exit")\n`;
}
