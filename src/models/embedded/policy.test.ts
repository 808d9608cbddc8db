import { beforeAll, describe, expect, it } from 'vitest';
import { tf, useBackend } from './backend.ts';
import { createModel, type GptModel } from './gpt.ts';
import { EmbeddedPolicy } from './policy.ts';
import { trainTokenizer } from './tokenizer.ts';

const CORPUS = [
  'def f(x):\n    return x + 1\n',
  'print("héllo wörld")\n',
  'x = [i * 2 for i in range(10)]\n',
];
const tok = trainTokenizer([...CORPUS, ...CORPUS], 330);
let model: GptModel;

describe('EmbeddedPolicy', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    // untrained: every token keeps some probability, so sampling explores
    model = createModel(
      { vocabSize: tok.vocabSize, contextLength: 48, dModel: 16, nLayers: 2, nHeads: 2 },
      3,
    );
  });

  it('repeats samples for the same seed, varies them across the n samples of a request', async () => {
    const p = new EmbeddedPolicy(model, tok);
    const req = { prompt: 'def f(x):\n', n: 4, maxTokens: 12, seed: 42 };
    const [a] = await p.generate([req]);
    const [b] = await p.generate([req, { prompt: 'x = ', n: 2, maxTokens: 5, seed: 1 }]);
    expect(a?.generations.map((g) => g.text)).toEqual(b?.generations.map((g) => g.text));
    expect(new Set(a?.generations.map((g) => g.text)).size).toBeGreaterThan(1);
    const [c] = await p.generate([{ ...req, seed: 43 }]);
    expect(c?.generations.map((g) => g.text)).not.toEqual(a?.generations.map((g) => g.text));
    // decoding rows in smaller batches gives the same samples
    const small = new EmbeddedPolicy(model, tok, { maxBatchRows: 3 });
    const [d] = await small.generate([req]);
    expect(d?.generations.map((g) => g.text)).toEqual(a?.generations.map((g) => g.text));
  });

  it('returns per-token log-probs and offsets that agree with score()', async () => {
    const p = new EmbeddedPolicy(model, tok);
    const [r] = await p.generate([{ prompt: 'print(', n: 3, maxTokens: 10, seed: 5 }]);
    let compared = 0;
    for (const g of r?.generations ?? []) {
      expect(g.tokenLogprobs).toHaveLength(g.completionTokens);
      expect(g.tokenOffsets).toHaveLength(g.completionTokens);
      // score() re-tokenizes the text, which need not give the sampled tokens back; compare the
      // leading tokens that are identical (same start and same end offsets)
      const [s] = await p.score([{ prefix: 'print(', continuation: g.text }]);
      const go = g.tokenOffsets ?? [];
      const so = s?.tokenOffsets ?? [];
      for (let i = 0; i < Math.min(go.length, so.length); i++) {
        const end = (o: number[]) => o[i + 1] ?? g.text.length;
        if (go[i] !== so[i] || end(go) !== end(so)) break;
        expect(s?.tokenLogprobs[i]).toBeCloseTo(g.tokenLogprobs?.[i] as number, 3);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(0);
  });

  it('stops before a stop string and at maxTokens, and reports the finish reason', async () => {
    const p = new EmbeddedPolicy(model, tok);
    const reqs = Array.from({ length: 6 }, (_, i) => ({
      prompt: 'x',
      maxTokens: 20,
      stop: ['e', '\n'],
      seed: i,
    }));
    const res = await p.generate(reqs);
    for (const r of res) {
      const g = r.generations[0];
      expect(g?.text.includes('e') || g?.text.includes('\n')).toBe(false);
      if (g?.finishReason === 'length') expect(g.completionTokens).toBe(20);
    }
    const [none] = await p.generate([{ prompt: 'x', maxTokens: 0, n: 2 }]);
    expect(none?.generations.map((g) => [g.text, g.completionTokens, g.finishReason])).toEqual([
      ['', 0, 'length'],
      ['', 0, 'length'],
    ]);
    const [capped] = await p.generate([{ prompt: 'x', maxTokens: 3, seed: 9, temperature: 0 }]);
    expect(capped?.generations[0]?.completionTokens).toBeLessThanOrEqual(3);
    // a prompt longer than the context is truncated from the left, with a warning
    const ctx = model.config.contextLength;
    const [long] = await p.generate([{ prompt: 'x = 1\n'.repeat(40), maxTokens: 8, seed: 1 }]);
    expect(long?.warnings.join(' ')).toMatch(/truncated/);
    expect(long?.promptTokens).toBe(ctx - 1);
    // a prompt that fits is kept whole: the budget for new tokens shrinks instead
    const fits = 'x = 1\n'.repeat(4);
    const [short] = await p.generate([{ prompt: fits, maxTokens: ctx, seed: 1, temperature: 0 }]);
    expect(short?.promptTokens).toBe(p.encodePrefix(fits).length);
    expect(short?.warnings.join(' ')).toMatch(/capped/);
    expect(short?.generations[0]?.completionTokens).toBeLessThanOrEqual(ctx - (short?.promptTokens ?? 0));
  });

  it('scores batches of different lengths like one-at-a-time, and continues any prefix', async () => {
    const p = new EmbeddedPolicy(model, tok);
    const reqs = [
      { prefix: 'def f(x):\n', continuation: '    return x + 1\n' },
      { prefix: '', continuation: 'print("héllo")' },
      { prefix: 'x = [i * 2 fo', continuation: 'r i in range(10)]\n' },
    ];
    const together = await p.score(reqs);
    for (const [i, r] of reqs.entries()) {
      const [alone] = await p.score([r]);
      expect(together[i]?.tokenOffsets).toEqual(alone?.tokenOffsets);
      together[i]?.tokenLogprobs.forEach((lp, j) => {
        expect(lp).toBeCloseTo(alone?.tokenLogprobs[j] as number, 4);
      });
      expect(together[i]?.total).toBeLessThan(0);
    }
    expect(together[1]?.tokenOffsets[0]).toBe(0);
    const text = reqs[1]?.continuation as string;
    const offs = together[1]?.tokenOffsets ?? [];
    expect(offs.every((o, j) => j === 0 || o >= (offs[j - 1] as number))).toBe(true);
    expect(offs[offs.length - 1]).toBeLessThan(text.length);
  });

  it('decodes the same with the SIMD kernels as with plain JS, across several chunks', async () => {
    const reqs = [
      { prompt: 'def f(x):\n', n: 5, maxTokens: 15, seed: 8, temperature: 0 },
      { prompt: 'print(', n: 2, maxTokens: 9, seed: 2, temperature: 0 },
    ];
    const simd = await new EmbeddedPolicy(model, tok, { maxBatchRows: 3 }).generate(reqs);
    const js = await new EmbeddedPolicy(model, tok, { maxBatchRows: 3, simd: false }).generate(reqs);
    expect(simd.map((r) => r.generations.map((g) => g.text))).toEqual(
      js.map((r) => r.generations.map((g) => g.text)),
    );
    simd.forEach((r, i) => {
      r.generations.forEach((g, j) => {
        g.tokenLogprobs?.forEach((lp, k) => {
          expect(lp).toBeCloseTo(js[i]?.generations[j]?.tokenLogprobs?.[k] as number, 4);
        });
      });
    });
    expect(await new EmbeddedPolicy(model, tok).generate([])).toEqual([]);
  });

  it('leaks no tensors across calls and has a weight-derived id', async () => {
    const p = new EmbeddedPolicy(model, tok);
    await p.generate([{ prompt: 'x', maxTokens: 4 }]);
    await p.score([{ prefix: 'x', continuation: ' = 1' }]);
    const before = tf.memory().numTensors;
    await p.generate([{ prompt: 'def', n: 3, maxTokens: 6 }]);
    await p.score([{ prefix: 'x', continuation: ' = 1' }]);
    expect(tf.memory().numTensors).toBe(before);
    expect(p.id).toMatch(/^embedded-gpt:[0-9a-f]{8}$/);
    const other = createModel(model.config, 4);
    expect(new EmbeddedPolicy(other, tok).id).not.toBe(p.id);
    other.dispose();
  });
});
