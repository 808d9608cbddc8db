/**
 * The native fast path of the embedded model: an N-API addon (native/tsp-blas.c, built by
 * scripts/setup.sh through scripts/build-native.sh) that runs the dense matmuls on Debian's
 * OpenBLAS and causal attention as one fused call per layer. It sits under tfjs-wasm rather than
 * beside it: the wasm backend keeps every tensor and every other kernel, and the BatchMatMul and
 * _FusedMatMul kernels of the wasm backend are replaced by ones that hand views of the wasm heap
 * to BLAS (no copies). Where the addon is absent (not built, or `TSP_NATIVE=0`), nothing is
 * replaced and the wasm path runs as before. `describeComputePath()` says which path is in use
 * (for `tsp doctor` and run manifests).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';

/** The addon's functions (see native/tsp-blas.c for their contracts). */
export interface NativeBlas {
  gemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float32Array,
    lda: number,
    b: Float32Array,
    ldb: number,
    beta: number,
    c: Float32Array,
    ldc: number,
    batch: number,
    strideA: number,
    strideB: number,
    strideC: number,
  ): void;
  attentionForward(
    qkv: Float32Array,
    batch: number,
    t: number,
    heads: number,
    out: Float32Array,
    probs: Float32Array,
  ): void;
  attentionBackward(
    qkv: Float32Array,
    probs: Float32Array,
    out: Float32Array,
    dy: Float32Array,
    batch: number,
    t: number,
    heads: number,
    dqkv: Float32Array,
  ): void;
  targetLogprobs(
    logits: Float32Array,
    rows: number,
    vocab: number,
    targets: Int32Array,
    logp: Float32Array,
    probs: Float32Array,
  ): void;
  targetLogprobsBackward(
    probs: Float32Array,
    rows: number,
    vocab: number,
    targets: Int32Array,
    dy: Float32Array,
    dlogits: Float32Array,
  ): void;
  layerNormForward(
    x: Float32Array,
    rows: number,
    d: number,
    gain: Float32Array,
    bias: Float32Array,
    eps: number,
    y: Float32Array,
    xhat: Float32Array,
    rstd: Float32Array,
  ): void;
  layerNormBackward(
    dy: Float32Array,
    xhat: Float32Array,
    rstd: Float32Array,
    gain: Float32Array,
    rows: number,
    d: number,
    dx: Float32Array,
    dgain: Float32Array,
    dbias: Float32Array,
  ): void;
  geluForward(x: Float32Array, y: Float32Array): void;
  geluBackward(x: Float32Array, dy: Float32Array, dx: Float32Array): void;
  decodeStep(
    x: Float32Array,
    rows: number,
    d: number,
    heads: number,
    layers: number,
    dff: number,
    vocab: number,
    eps: number,
    weights: Float32Array[],
    kcache: Float32Array[],
    vcache: Float32Array[],
    positions: Int32Array,
    capacities: Int32Array,
    logits: Float32Array,
  ): void;
  setThreads(n: number): void;
  threads(): number;
  config(): string;
}

export interface NativeStatus {
  available: boolean;
  /** The addon's file, whether or not it loaded. */
  path: string;
  /** OpenBLAS's build configuration and core when loaded; why not otherwise. */
  detail: string;
}

const BUILD_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'native', 'build');
const ADDON_PATH = join(BUILD_DIR, 'tsp-blas.node');

/**
 * The CPU flags the addon was compiled for (-march=native; written by build-native.sh) against
 * this machine's: true when they match or cannot be read (not Linux). A mismatch would mean an
 * illegal instruction, not an error, so the wasm path is used instead.
 */
function builtForThisCpu(): boolean {
  let now: string | undefined;
  try {
    now = /^flags\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim();
  } catch {
    return true;
  }
  if (now === undefined) return true;
  try {
    return readFileSync(join(BUILD_DIR, 'cpu-stamp'), 'utf8').trim() === now;
  } catch {
    return false;
  }
}

let loaded: { addon?: NativeBlas; status: NativeStatus } | undefined;

/** Load the addon once per thread (`TSP_NATIVE=0` refuses it). */
export function nativeStatus(): NativeStatus {
  return loadAddon().status;
}

function loadAddon(): { addon?: NativeBlas; status: NativeStatus } {
  if (loaded) return loaded;
  const path = ADDON_PATH;
  if (process.env.TSP_NATIVE === '0')
    loaded = { status: { available: false, path, detail: 'disabled by TSP_NATIVE=0' } };
  else if (!existsSync(path))
    loaded = {
      status: {
        available: false,
        path,
        detail: 'not built (scripts/setup.sh builds it when libopenblas-pthread-dev is installed)',
      },
    };
  else if (!builtForThisCpu())
    loaded = {
      status: {
        available: false,
        path,
        detail: 'built for another CPU (native/build/cpu-stamp); scripts/setup.sh rebuilds it',
      },
    };
  else
    try {
      const addon = createRequire(import.meta.url)(path) as NativeBlas;
      // one BLAS thread per calling thread: the data-parallel workers are the second core
      // (docs/PERFORMANCE.md: BLAS threads vs workers); TSP_BLAS_THREADS overrides
      addon.setThreads(Math.max(1, Number(process.env.TSP_BLAS_THREADS ?? 1) || 1));
      loaded = { addon, status: { available: true, path, detail: addon.config() } };
    } catch (e) {
      loaded = { status: { available: false, path, detail: `failed to load: ${(e as Error).message}` } };
    }
  return loaded;
}

let active: NativeBlas | undefined;
let originals: tf.KernelConfig[] | undefined;

/**
 * OpenBLAS threads per BLAS call (process-wide; 1 unless TSP_BLAS_THREADS says otherwise):
 * benchmarks compare BLAS threads with data-parallel workers. Returns the previous count.
 */
export function setBlasThreads(n: number): number | undefined {
  const { addon } = loadAddon();
  if (!addon) return undefined;
  const before = addon.threads();
  addon.setThreads(n);
  return before;
}

/** The addon when this thread's wasm backend runs the native kernels, else undefined. */
export function activeNative(): NativeBlas | undefined {
  return active;
}

/**
 * The path `useBackend('wasm')` takes in this process, before any backend exists: for run
 * manifests (`embedded-path`: native or wasm) and `tsp doctor`.
 */
export function plannedComputePath(): { path: 'native' | 'wasm'; detail: string } {
  const s = nativeStatus();
  return s.available
    ? { path: 'native', detail: `OpenBLAS matmuls and fused kernels (${s.detail})` }
    : { path: 'wasm', detail: `tfjs-wasm only: native addon ${s.detail}` };
}

/** What computes the embedded model in this thread, in one line. */
export function describeComputePath(): string {
  const backend = tf.getBackend();
  if (backend !== 'wasm') return `tfjs-${backend}`;
  if (active) return `native (OpenBLAS, ${active.threads()} thread(s); tfjs-wasm for the rest)`;
  return `tfjs-wasm (native path off: ${nativeStatus().detail})`;
}

/**
 * Switch this thread's wasm backend to the native kernels (`on`, when the addon is available)
 * or back to the wasm ones. Returns whether the native path is now active. Call after the wasm
 * backend is initialised.
 */
export function setNativePath(on: boolean): boolean {
  const { addon } = loadAddon();
  if (on && addon && !active) {
    originals = KERNELS.map((k) => {
      const original = tf.getKernel(k.kernelName, 'wasm');
      if (!original) throw new Error(`tfjs-wasm has no ${k.kernelName} kernel`);
      return original;
    });
    for (const [i, k] of KERNELS.entries()) {
      const original = originals[i] as tf.KernelConfig;
      tf.unregisterKernel(k.kernelName, 'wasm');
      tf.registerKernel({
        kernelName: k.kernelName,
        backendName: 'wasm',
        kernelFunc: (args) => k.kernelFunc(addon, args as unknown as KernelArgs) ?? original.kernelFunc(args),
      });
    }
    active = addon;
  } else if (!on && active && originals) {
    for (const original of originals) {
      tf.unregisterKernel(original.kernelName, 'wasm');
      tf.registerKernel(original);
    }
    originals = undefined;
    active = undefined;
  }
  return active !== undefined;
}

/** The parts of tfjs-wasm's backend the kernels use (it is not exported as a type from Node). */
interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  incRef(dataId: tf.DataId): void;
}

/** Float32 views of wasm tensors' data: valid until the next allocation on the wasm heap. */
export function heapViews(tensors: readonly tf.Tensor[]): Float32Array[] {
  const backend = tf.backend() as unknown as WasmBackend;
  return tensors.map((t) => backend.typedArrayFromHeap(t));
}

/**
 * Call `f` on float32 views of the wasm heap: the data of `inputs` (wasm tensors) and of new
 * output tensors of `shapes`, which it returns. The views are taken after every allocation (a
 * growing heap replaces its buffer) and are only used inside `f`; nothing is copied.
 */
export function onHeap(
  inputs: readonly tf.Tensor[],
  shapes: readonly number[][],
  f: (ins: Float32Array[], outs: Float32Array[]) => void,
): tf.Tensor[] {
  const backend = tf.backend() as unknown as WasmBackend;
  const infos = shapes.map((s) => backend.makeOutput(s, 'float32'));
  f(
    inputs.map((t) => backend.typedArrayFromHeap(t)),
    infos.map((i) => backend.typedArrayFromHeap(i)),
  );
  return infos.map((i) => tf.engine().makeTensorFromTensorInfo(i));
}

interface KernelArgs {
  inputs: Record<string, tf.TensorInfo | undefined>;
  backend: WasmBackend;
  attrs: Record<string, unknown>;
}

/** A replacement kernel: undefined hands the call to the wasm kernel (a case it does not cover). */
interface NativeKernel {
  kernelName: string;
  kernelFunc: (addon: NativeBlas, args: KernelArgs) => tf.TensorInfo | undefined;
}

const KERNELS: NativeKernel[] = [
  // a clone shares its input's data (as wasm's Reshape does) instead of copying it: every tensor
  // a custom gradient saves is cloned
  { kernelName: tf.Identity, kernelFunc: (_, args) => shareData(args) },
  { kernelName: tf.BatchMatMul, kernelFunc: (addon, args) => matMul(addon, args, false) },
  { kernelName: tf._FusedMatMul, kernelFunc: (addon, args) => matMul(addon, args, true) },
];

function shareData({ inputs, backend }: KernelArgs): tf.TensorInfo | undefined {
  const x = inputs.x;
  if (!x || x.dtype === 'string' || x.dtype === 'complex64') return undefined;
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

function product(xs: readonly number[]): number {
  return xs.reduce((a, b) => a * b, 1);
}

/**
 * [..., m, k] @ [..., k, n] (either transposed) as one strided-batch BLAS call, for float32 with
 * equal or broadcast (size-1) batch dimensions; fused: plus a rank-1 bias, linear activation only.
 */
function matMul(
  addon: NativeBlas,
  { inputs, backend, attrs }: KernelArgs,
  fused: boolean,
): tf.TensorInfo | undefined {
  const { a, b, bias } = inputs;
  if (!a || !b || a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  if (fused && (inputs.preluActivationWeights || (attrs.activation ?? 'linear') !== 'linear'))
    return undefined;
  if (bias && (bias.dtype !== 'float32' || bias.shape.length !== 1)) return undefined;
  const ta = attrs.transposeA === true;
  const tb = attrs.transposeB === true;
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (ra < 2 || rb < 2) return undefined;
  const m = a.shape[ta ? ra - 1 : ra - 2] as number;
  const k = a.shape[ta ? ra - 2 : ra - 1] as number;
  const n = b.shape[tb ? rb - 2 : rb - 1] as number;
  if ((b.shape[tb ? rb - 1 : rb - 2] as number) !== k) return undefined;
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const batchA = product(outerA);
  const batchB = product(outerB);
  let outer: number[];
  if (batchA === batchB && outerA.length === outerB.length && outerA.every((x, i) => x === outerB[i]))
    outer = outerA;
  else if (batchA === 1) outer = outerB;
  else if (batchB === 1) outer = outerA;
  else return undefined;
  const batch = Math.max(batchA, batchB);
  if (bias && bias.shape[0] !== n) return undefined;
  const out = backend.makeOutput([...outer, m, n], 'float32');
  if (batch === 0 || m === 0 || n === 0) return out;
  // views after the output's allocation: growing the wasm heap replaces its buffer
  const c = backend.typedArrayFromHeap(out);
  let beta = 0;
  if (bias && m > 0) {
    const bv = backend.typedArrayFromHeap(bias);
    for (let i = 0; i < batch * m; i++) c.set(bv, i * n);
    beta = 1;
  }
  addon.gemm(
    ta,
    tb,
    m,
    n,
    k,
    1,
    backend.typedArrayFromHeap(a),
    ta ? m : k,
    backend.typedArrayFromHeap(b),
    tb ? k : n,
    beta,
    c,
    n,
    batch,
    batchA === 1 ? 0 : m * k,
    batchB === 1 ? 0 : k * n,
    m * n,
  );
  return out;
}
