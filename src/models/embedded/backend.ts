/**
 * tfjs backend selection. `wasm` (SIMD, one thread: threads do not work in Node) is the default;
 * `cpu` is the pure-JS reference, ~25x slower, used by tests to check gradients.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { TspError } from '../../spec/errors.ts';

export type BackendName = 'wasm' | 'cpu';

/** Make `name` the active tfjs backend (idempotent). */
export async function useBackend(name: BackendName = 'wasm'): Promise<void> {
  if (tf.getBackend() === name) return;
  const ok = await tf.setBackend(name);
  if (!ok)
    throw new TspError('missing-tool', `tfjs backend '${name}' failed to initialise`, {
      hint: 'reinstall @tensorflow/tfjs-backend-wasm (npm ci); the wasm files ship in its dist/ folder',
    });
  await tf.ready();
}

export { tf };
