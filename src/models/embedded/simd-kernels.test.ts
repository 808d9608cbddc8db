import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.ts';
import { assembleKernels, attentionKernels } from './simd-kernels.ts';

describe('WebAssembly SIMD attention kernels', () => {
  it('assemble to a valid module', () => {
    const wasm = (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly;
    expect(wasm.validate(assembleKernels())).toBe(true);
  });

  it('compute dot products and weighted sums like plain JS', () => {
    const k = attentionKernels();
    expect(k).not.toBeNull();
    if (!k) return;
    const rng = createRng(1);
    const hd = 12;
    const n = 37;
    const f = new Float32Array(k.memory.buffer);
    const q = 0;
    const keys = 64;
    const out = keys + n * hd * 4 + 16;
    const acc = out + n * 4 + 16;
    for (let j = 0; j < hd; j++) f[q / 4 + j] = rng.next() - 0.5;
    for (let i = 0; i < n * hd; i++) f[keys / 4 + i] = rng.next() - 0.5;
    k.dots(q, keys, n, hd / 4, out);
    for (let s = 0; s < n; s++) {
      let d = 0;
      for (let j = 0; j < hd; j++) d += (f[q / 4 + j] as number) * (f[keys / 4 + s * hd + j] as number);
      expect(f[out / 4 + s]).toBeCloseTo(d, 5);
    }
    // weights = the dot products just computed; acc starts at 1 (wsum accumulates)
    for (let j = 0; j < hd; j++) f[acc / 4 + j] = 1;
    k.wsum(out, keys, n, hd / 4, acc);
    for (let j = 0; j < hd; j++) {
      let a = 1;
      for (let s = 0; s < n; s++) a += (f[out / 4 + s] as number) * (f[keys / 4 + s * hd + j] as number);
      expect(f[acc / 4 + j]).toBeCloseTo(a, 4);
    }
    // n = 0 leaves outputs untouched
    f[out / 4] = 42;
    k.dots(q, keys, 0, hd / 4, out);
    expect(f[out / 4]).toBe(42);
  });

  it('gives every caller its own memory', () => {
    const a = attentionKernels();
    const b = attentionKernels();
    expect(a?.memory).not.toBe(b?.memory);
  });
});
