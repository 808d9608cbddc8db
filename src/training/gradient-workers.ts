/**
 * Data-parallel training over threads. tfjs-wasm runs one thread per backend instance, so a
 * second core is used by a second backend: each worker thread holds a copy of the model, gets the
 * current weights with its shard of the batch, and returns that shard's gradient; the trainer
 * averages the shards' gradients by their token weights (the same gradient as the whole batch's
 * mean NLL, up to float summation order) and takes one optimizer step on the main thread.
 */
import { Worker } from 'node:worker_threads';
import type { BackendName } from '../models/embedded/backend.ts';
import type { GptConfig } from '../models/embedded/gpt.ts';
import { TspError } from '../spec/errors.ts';
import type { WeightedSequence } from './batching.ts';
import type { WorkerReply, WorkerRequest } from './gradient-worker.ts';

/** One shard's result, as the trainer combines them. */
export interface ShardGradients {
  loss: number;
  grads: Map<string, Float32Array>;
  metrics: Record<string, number>;
  tokens: number;
  positions: number;
}

/**
 * The worker's entry: tsx's loader is registered inside the thread (hooks registered on the main
 * thread do not reach workers), then the TypeScript worker module is imported.
 */
function bootstrap(): string {
  const tsx = import.meta.resolve('tsx/esm/api');
  const worker = new URL('./gradient-worker.ts', import.meta.url).href;
  return `import(${JSON.stringify(tsx)}).then((m) => { (m.register ?? m.default.register)(); return import(${JSON.stringify(worker)}); });`;
}

interface Pending {
  resolve: (r: ShardGradients) => void;
  reject: (e: Error) => void;
}

export class GradientWorkers {
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private failure: Error | undefined;

  private constructor(private readonly workers: Worker[]) {
    for (const w of workers) {
      w.on('message', (r: WorkerReply) => this.receive(r));
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`a gradient worker exited with code ${code}`));
      });
    }
  }

  /**
   * Start `count` workers, each with a model of `config` on `backend` (on wasm, with the native
   * kernels when `native`, as the main thread); resolves once all are ready.
   */
  static async start(
    count: number,
    config: GptConfig,
    backend: BackendName,
    native = false,
  ): Promise<GradientWorkers> {
    const source = bootstrap();
    const workers = Array.from({ length: count }, () => new Worker(source, { eval: true }));
    try {
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve, reject) => {
              const onMessage = (r: WorkerReply) => {
                w.off('error', reject);
                if (r.kind === 'ready') resolve();
                else reject(new Error(r.kind === 'error' ? r.message : `unexpected ${r.kind}`));
              };
              w.once('message', onMessage);
              w.once('error', reject);
              w.postMessage({ kind: 'init', config, backend, native } satisfies WorkerRequest);
            }),
        ),
      );
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw new TspError('internal', `gradient workers failed to start: ${(e as Error).message}`, {
        hint: 'train with threads: 1 (no worker threads)',
      });
    }
    return new GradientWorkers(workers);
  }

  get size(): number {
    return this.workers.length;
  }

  /** The gradients of `shards` (one per worker at most) under `params`, in shard order. */
  gradients(params: Map<string, Float32Array>, shards: WeightedSequence[][]): Promise<ShardGradients[]> {
    if (this.failure) return Promise.reject(this.failure);
    if (shards.length > this.workers.length)
      throw new TspError('internal', `${shards.length} shards for ${this.workers.length} gradient workers`);
    return Promise.all(
      shards.map(
        (items, i) =>
          new Promise<ShardGradients>((resolve, reject) => {
            const id = this.nextId++;
            this.pending.set(id, { resolve, reject });
            (this.workers[i] as Worker).postMessage({
              kind: 'step',
              id,
              params,
              items,
            } satisfies WorkerRequest);
          }),
      ),
    );
  }

  async close(): Promise<void> {
    this.failure ??= new Error('gradient workers closed');
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private receive(r: WorkerReply): void {
    if (r.kind === 'ready') return;
    const id = r.id;
    const p = id === undefined ? undefined : this.pending.get(id);
    if (r.kind === 'error') {
      const e = new TspError('internal', `gradient worker: ${r.message}`);
      if (p && id !== undefined) {
        this.pending.delete(id);
        p.reject(e);
      } else this.fail(e);
      return;
    }
    if (!p) return;
    this.pending.delete(r.id);
    p.resolve(r.result);
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
