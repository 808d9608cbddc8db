/**
 * tfjs backend selection. `wasm` (SIMD, one thread: threads do not work in Node) is the default,
 * with the native fast path under it when the addon is built (native-blas.ts: OpenBLAS matmuls
 * and fused attention; `native: false` or `TSP_NATIVE=0` keeps the plain wasm kernels); `cpu` is
 * the pure-JS reference, ~25x slower, used by tests to check gradients.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { TspError } from '../../spec/errors.ts';
import { setNativePath } from './native-blas.ts';

export type BackendName = 'wasm' | 'cpu';

/**
 * Make `name` the active tfjs backend (idempotent); on wasm, with the native kernels when
 * `native` and the addon is available. Returns whether the native path is active.
 */
export async function useBackend(name: BackendName = 'wasm', native = true): Promise<boolean> {
  if (tf.getBackend() !== name) {
    const ok = await tf.setBackend(name);
    if (!ok)
      throw new TspError('missing-tool', `tfjs backend '${name}' failed to initialise`, {
        hint: 'reinstall @tensorflow/tfjs-backend-wasm (npm ci); the wasm files ship in its dist/ folder',
      });
    await tf.ready();
  }
  return setNativePath(name === 'wasm' && native);
}

export { tf };
