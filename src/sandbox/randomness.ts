import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The randomness shim scripts/build-launchers.sh builds (native/tsp-randomness.c): preloaded into
 * a C/C++ test process, it serves the system randomness from a stream the judge chose.
 */
export const RANDOMNESS_SHIM = fileURLToPath(
  new URL('../../native/build/tsp-randomness.so', import.meta.url),
);
/** Where the shim is bound read-only in the sandbox. */
export const RANDOMNESS_SHIM_IN_SANDBOX = '/opt/tsp/tsp-randomness.so';

/** Why C/C++ randomness cannot be chosen here, or undefined when it can. */
export function randomnessShimProblem(): string | undefined {
  return existsSync(RANDOMNESS_SHIM)
    ? undefined
    : 'native/build/tsp-randomness.so is not built (run scripts/setup.sh): a test that chooses the system randomness cannot run';
}

/**
 * The environment of one native run given the stream `key` (64 hex digits), on top of `base` (the
 * sanitizers' options): the shim preloaded, and ASan told that a library before it is expected.
 */
export function randomnessEnv(
  key: string,
  base: Record<string, string>,
  shim = RANDOMNESS_SHIM_IN_SANDBOX,
): Record<string, string> {
  const asan = base.ASAN_OPTIONS;
  return {
    TSP_RANDOM_STREAM: key,
    LD_PRELOAD: shim,
    ASAN_OPTIONS: asan ? `${asan}:verify_asan_link_order=0` : 'verify_asan_link_order=0',
  };
}
