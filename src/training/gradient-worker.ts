/**
 * A worker thread of data-parallel training (see gradient-workers.ts): holds its own copy of the
 * model on its own tfjs backend and, per message, loads the main thread's current weights and
 * returns the gradient of the NLL of its shard of the batch.
 */
import { parentPort } from 'node:worker_threads';
import type { BackendName } from '../models/embedded/backend.ts';
import { useBackend } from '../models/embedded/backend.ts';
import { createModel, type GptConfig, type GptModel } from '../models/embedded/gpt.ts';
import type { WeightedSequence } from './batching.ts';
import type { ShardGradients } from './gradient-workers.ts';
import { batchGradients, nllOfSequences } from './trainer.ts';

export type WorkerRequest =
  | { kind: 'init'; config: GptConfig; backend: BackendName; native: boolean }
  | { kind: 'step'; id: number; params: Map<string, Float32Array>; items: WeightedSequence[] };

export type WorkerReply =
  | { kind: 'ready' }
  | { kind: 'step'; id: number; result: ShardGradients }
  | { kind: 'error'; id?: number; message: string };

const port = parentPort;
if (!port) throw new Error('gradient-worker.ts runs as a worker thread');
let model: GptModel | undefined;

port.on('message', async (msg: WorkerRequest) => {
  try {
    if (msg.kind === 'init') {
      if ((await useBackend(msg.backend, msg.native)) !== msg.native)
        throw new Error('the native path is active on the main thread but not in this worker');
      model = createModel(msg.config, 0);
      port.postMessage({ kind: 'ready' } satisfies WorkerReply);
      return;
    }
    if (!model) throw new Error('gradient worker: step before init');
    model.writeValues(msg.params);
    const result = batchGradients(model, nllOfSequences, msg.items);
    port.postMessage({ kind: 'step', id: msg.id, result } satisfies WorkerReply, [
      ...[...result.grads.values()].map((g) => g.buffer as ArrayBuffer),
    ]);
  } catch (e) {
    const id = msg.kind === 'step' ? msg.id : undefined;
    port.postMessage({
      kind: 'error',
      ...(id === undefined ? {} : { id }),
      message: e instanceof Error ? (e.stack ?? e.message) : String(e),
    } satisfies WorkerReply);
  }
});
