import { describe, expect, it } from 'vitest';
import { isTspError } from '../spec/errors.ts';
import { createMockPolicy, splitMockTokens } from './mock-policy.ts';

describe('createMockPolicy', () => {
  it('returns scripted continuations by exact prompt and cycles lists over n', async () => {
    const p = createMockPolicy({ 'def f(x):\n': ['    return x\n', '    return eval(x)\n'] });
    const [r] = await p.generate([{ prompt: 'def f(x):\n', n: 3 }]);
    expect(r?.generations.map((g) => g.text)).toEqual([
      '    return x\n',
      '    return eval(x)\n',
      '    return x\n',
    ]);
    expect(r?.generations.every((g) => g.finishReason === 'stop')).toBe(true);
  });

  it('records every call and request', async () => {
    const p = createMockPolicy(() => 'x');
    await p.generate([{ prompt: 'a' }, { prompt: 'b', seed: 3 }]);
    await p.score([{ prefix: 'a', continuation: 'b c' }]);
    expect(p.generateCalls).toHaveLength(1);
    expect(p.generateRequests().map((r) => r.prompt)).toEqual(['a', 'b']);
    expect(p.scoreCalls[0]?.requests[0]?.continuation).toBe('b c');
    p.reset();
    expect(p.generateCalls).toHaveLength(0);
  });

  it('applies stop strings and maxTokens with consistent offsets', async () => {
    const p = createMockPolicy([{ match: /^q/, respond: 'foo(bar)\nbaz\n' }]);
    const [a, b] = await p.generate([
      { prompt: 'q1', stop: ['\nbaz'] },
      { prompt: 'q2', maxTokens: 2 },
    ]);
    expect(a?.generations[0]?.text).toBe('foo(bar)');
    expect(a?.generations[0]?.finishReason).toBe('stop');
    expect(b?.generations[0]?.text).toBe('foo(');
    expect(b?.generations[0]?.finishReason).toBe('length');
    expect(b?.generations[0]?.tokenOffsets).toEqual([0, 3]);
    expect(b?.generations[0]?.completionTokens).toBe(2);
  });

  it('passes sample and call indices to a responder function', async () => {
    const p = createMockPolicy(
      (prompt, { sampleIndex, callIndex }) => `${prompt}:${callIndex}:${sampleIndex}`,
    );
    await p.generate([{ prompt: 'p' }]);
    const [r] = await p.generate([{ prompt: 'p', n: 2 }]);
    expect(r?.generations.map((g) => g.text)).toEqual(['p:1:0', 'p:1:1']);
  });

  it('throws a TspError for an unscripted prompt unless a fallback is given', async () => {
    const p = createMockPolicy({ a: 'x' });
    const err = await p.generate([{ prompt: 'b' }]).catch((e: unknown) => e);
    expect(isTspError(err) && err.code).toBe('not-found');
    const q = createMockPolicy({ a: 'x' }, { fallback: 'y' });
    const [r] = await q.generate([{ prompt: 'b' }]);
    expect(r?.generations[0]?.text).toBe('y');
  });

  it('scores with scripted or default log-probs', async () => {
    const p = createMockPolicy(
      {},
      { tokenLogprob: -1, score: (r) => (r.prefix === 's' ? [-2, -3] : undefined) },
    );
    const [d, s] = await p.score([
      { prefix: 'x', continuation: 'a b' },
      { prefix: 's', continuation: 'ab!' },
    ]);
    expect(d?.tokenLogprobs).toEqual([-1, -1, -1]);
    expect(d?.total).toBe(-3);
    expect(s?.tokenOffsets).toEqual([0, 2]);
    expect(s?.total).toBe(-5);
  });

  it('splits mock tokens into words, spaces, newlines and symbols', () => {
    expect(splitMockTokens('a  = b\n').pieces).toEqual(['a', '  ', '=', ' ', 'b', '\n']);
  });
});
