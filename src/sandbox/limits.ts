/** Resource limits of one sandboxed run (or one sample, for the oracle). */
export interface Limits {
  /** Wall-clock limit of one test, in milliseconds. */
  testTimeoutMs: number;
  /** Wall-clock limit of all the tests of one sample together, in milliseconds. */
  sampleTimeoutMs: number;
  /** Wall-clock limit of a compilation (C, C++, Go), in milliseconds. */
  compileTimeoutMs: number;
  /** Memory per test process: an address-space limit (Python, JS heap) or ASan's hard_rss_limit_mb. */
  memoryMb: number;
  /** CPU seconds per process (RLIMIT_CPU). */
  cpuSeconds: number;
  /** Bytes kept of stdout and of stderr each; a process that writes more is killed. */
  maxOutputBytes: number;
  /** Largest file a process may write (RLIMIT_FSIZE). */
  maxFileBytes: number;
  /** Processes + threads of the sandbox uid (RLIMIT_NPROC). */
  maxProcs: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  testTimeoutMs: 5_000,
  sampleTimeoutMs: 10_000,
  compileTimeoutMs: 60_000,
  memoryMb: 512,
  cpuSeconds: 10,
  maxOutputBytes: 64 * 1024,
  maxFileBytes: 16 * 1024 * 1024,
  maxProcs: 64,
});

export function resolveLimits(partial?: Partial<Limits>): Limits {
  return { ...DEFAULT_LIMITS, ...(partial ?? {}) };
}
