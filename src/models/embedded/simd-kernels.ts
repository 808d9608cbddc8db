/**
 * Two WebAssembly SIMD kernels for decoding attention over the KV cache, assembled here byte by
 * byte (no toolchain needed at build or run time). Operands live in the module's own memory:
 *
 *   dots(q, k, n, vecs, out):  out[s] = sum_j q[j] * k[s*hd + j]        for s < n
 *   wsum(w, v, n, vecs, acc):  acc[j] += sum_s w[s] * v[s*hd + j]        for j < hd
 *
 * where hd = 4 * vecs and all pointers are byte offsets of f32 arrays (16-byte aligned where
 * vectors are read). Accumulation order: dots sums four lanes per vector then the lanes; wsum adds
 * in s order, like the JS fallback, so results agree to float rounding.
 */

const I32 = 0x7f;
const V128 = 0x7b;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  brIf: (d: number) => [0x0d, ...uleb(d)],
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32: (v: number) => [0x41, ...sleb(v)],
  add: [0x6a],
  ltU: [0x49],
  eqz: [0x45],
  f32Load: [0x2a, 0x02, 0x00],
  f32Store: [0x38, 0x02, 0x00],
  f32Add: [0x92],
  v128Load: [0xfd, 0x00, 0x04, 0x00],
  v128Store: [0xfd, 0x0b, 0x04, 0x00],
  v128Zero: [0xfd, 0x0c, ...new Array<number>(16).fill(0)],
  f32x4Splat: [0xfd, 0x13],
  f32x4Lane: (l: number) => [0xfd, 0x1f, l],
  f32x4Add: [0xfd, 0xe4, 0x01],
  f32x4Mul: [0xfd, 0xe6, 0x01],
};

/** `for (i = 0; i < n; i++) body` with i32 locals i and n; skipped when n == 0. */
function forLoop(i: number, n: number, body: number[]): number[] {
  return [
    ...op.i32(0),
    ...op.set(i),
    ...op.block,
    ...op.get(n),
    ...op.eqz,
    ...op.brIf(0),
    ...op.loop,
    ...body,
    ...op.get(i),
    ...op.i32(1),
    ...op.add,
    ...op.tee(i),
    ...op.get(n),
    ...op.ltU,
    ...op.brIf(0),
    ...op.end,
    ...op.end,
  ];
}

// params: 0 a, 1 b, 2 n, 3 vecs, 4 out; locals: 5 s, 6 v, 7 pa, 8 pb, 9 acc (v128)
function dotsBody(): number[] {
  const [A, B, N, VECS, OUT, S, V, PA, PB, ACC] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const inner = [
    // acc += load(pa) * load(pb); pa += 16; pb += 16
    ...op.get(ACC),
    ...op.get(PA),
    ...op.v128Load,
    ...op.get(PB),
    ...op.v128Load,
    ...op.f32x4Mul,
    ...op.f32x4Add,
    ...op.set(ACC),
    ...op.get(PA),
    ...op.i32(16),
    ...op.add,
    ...op.set(PA),
    ...op.get(PB),
    ...op.i32(16),
    ...op.add,
    ...op.set(PB),
  ];
  const outer = [
    ...op.v128Zero,
    ...op.set(ACC),
    ...op.get(A),
    ...op.set(PA),
    ...forLoop(V, VECS, inner),
    // out[s] = lane sum; out += 4
    ...op.get(OUT),
    ...op.get(ACC),
    ...op.f32x4Lane(0),
    ...op.get(ACC),
    ...op.f32x4Lane(1),
    ...op.f32Add,
    ...op.get(ACC),
    ...op.f32x4Lane(2),
    ...op.get(ACC),
    ...op.f32x4Lane(3),
    ...op.f32Add,
    ...op.f32Add,
    ...op.f32Store,
    ...op.get(OUT),
    ...op.i32(4),
    ...op.add,
    ...op.set(OUT),
  ];
  // pb walks over all rows of b continuously
  return [...op.get(B), ...op.set(PB), ...forLoop(S, N, outer), ...op.end];
}

// params: 0 w, 1 v, 2 n, 3 vecs, 4 acc; locals: 5 s, 6 j, 7 pv, 8 pacc, 9 ws (v128)
function wsumBody(): number[] {
  const [W, VV, N, VECS, ACC, S, J, PV, PACC, WS] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const inner = [
    // store(pacc, load(pacc) + ws * load(pv)); pacc += 16; pv += 16
    ...op.get(PACC),
    ...op.get(PACC),
    ...op.v128Load,
    ...op.get(WS),
    ...op.get(PV),
    ...op.v128Load,
    ...op.f32x4Mul,
    ...op.f32x4Add,
    ...op.v128Store,
    ...op.get(PACC),
    ...op.i32(16),
    ...op.add,
    ...op.set(PACC),
    ...op.get(PV),
    ...op.i32(16),
    ...op.add,
    ...op.set(PV),
  ];
  const outer = [
    // ws = splat(w[s]); w += 4
    ...op.get(W),
    ...op.f32Load,
    ...op.f32x4Splat,
    ...op.set(WS),
    ...op.get(W),
    ...op.i32(4),
    ...op.add,
    ...op.set(W),
    ...op.get(ACC),
    ...op.set(PACC),
    ...forLoop(J, VECS, inner),
  ];
  return [...op.get(VV), ...op.set(PV), ...forLoop(S, N, outer), ...op.end];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function name(s: string): number[] {
  const b = Array.from(new TextEncoder().encode(s));
  return [...uleb(b.length), ...b];
}

function func(body: number[]): number[] {
  // locals: 4 x i32, 1 x v128
  const locals = [0x02, ...uleb(4), I32, ...uleb(1), V128];
  const code = [...locals, ...body];
  return [...uleb(code.length), ...code];
}

export function assembleKernels(): Uint8Array {
  const type = [0x01, 0x60, 0x05, I32, I32, I32, I32, I32, 0x00];
  const funcs = [0x02, 0x00, 0x00];
  const memory = [0x01, 0x00, 0x01]; // one memory, min 1 page, no max
  const exports = [
    0x03,
    ...name('dots'),
    0x00,
    0x00,
    ...name('wsum'),
    0x00,
    0x01,
    ...name('memory'),
    0x02,
    0x00,
  ];
  const code = [0x02, ...func(dotsBody()), ...func(wsumBody())];
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, type),
    ...section(3, funcs),
    ...section(5, memory),
    ...section(7, exports),
    ...section(10, code),
  ]);
}

/** The parts of WebAssembly used here (the project's TS lib has no WebAssembly types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

export interface AttentionKernels {
  memory: WasmMemory;
  dots(q: number, k: number, n: number, vecs: number, out: number): void;
  wsum(w: number, v: number, n: number, vecs: number, acc: number): void;
}

let compiled: object | null | undefined;

/**
 * A fresh instance of the kernels (its own memory), or null where WebAssembly SIMD is unavailable
 * (callers fall back to JS). The module is compiled once.
 */
export function attentionKernels(): AttentionKernels | null {
  if (compiled === null) return null;
  try {
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    compiled ??= new wasm.Module(assembleKernels());
    const inst = new wasm.Instance(compiled, {});
    const e = inst.exports as unknown as AttentionKernels;
    return { memory: e.memory, dots: e.dots, wsum: e.wsum };
  } catch {
    compiled = null;
    return null;
  }
}
