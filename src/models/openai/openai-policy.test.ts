import { afterEach, describe, expect, it } from 'vitest';
import { TspError } from '../../spec/errors.ts';
import { type FakeServer, fakeContinuation, startFakeServer, sumCodes } from './_fake-server.ts';
import { CHAT_TEMPLATES, parseChatTemplate, renderCompletionPrompt } from './chat-templates.ts';
import { applyStops, createOpenAIPolicy, type OpenAIPolicyOptions } from './openai-policy.ts';
import { computeBackoffMs, parseRetryAfter, Semaphore } from './retry.ts';

const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(...args: Parameters<typeof startFakeServer>) {
  const s = await startFakeServer(...args);
  servers.push(s);
  return s;
}

const sleeps: number[] = [];
function policyFor(urls: string[], extra: Partial<OpenAIPolicyOptions> = {}) {
  sleeps.length = 0;
  return createOpenAIPolicy({
    endpoints: urls.map((baseUrl) => ({ baseUrl, model: 'tiny' })),
    timeoutMs: 2_000,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...extra,
  });
}

describe('OpenAIPolicy over a loopback server', () => {
  it('sends a raw prompt with every setting and returns continuations with log-probs', async () => {
    const s = await server();
    const p = policyFor([s.baseUrl]);
    const [r] = await p.generate([
      { prompt: 'def f(x):\n', n: 3, temperature: 0.7, topP: 0.9, maxTokens: 50, stop: ['\n\n'], seed: 11 },
    ]);
    const body = s.requests[0] as Record<string, unknown>;
    expect(body).toMatchObject({
      model: 'tiny',
      prompt: 'def f(x):\n',
      n: 3,
      temperature: 0.7,
      top_p: 0.9,
      max_tokens: 50,
      stop: ['\n\n'],
      seed: 11,
      logprobs: 1,
    });
    expect(r?.generations.map((g) => g.text)).toEqual(
      [0, 1, 2].map((i) => fakeContinuation('def f(x):\n', i, 11)),
    );
    const g = r?.generations[0];
    expect(g?.tokenOffsets).toEqual([0, 2, 4, 6, 8, 10, 12].slice(0, g?.tokenLogprobs?.length));
    expect(g?.tokenLogprobs?.[0]).toBeCloseTo(-(((sumCodes(g?.text.slice(0, 2) ?? '') % 7) + 1) / 10));
    expect(g?.finishReason).toBe('stop');
    expect(r?.warnings).toEqual([]);
  });

  it('retries 429 (honouring Retry-After) and then succeeds', async () => {
    const s = await server();
    s.queue.push({ kind: 'status', status: 429, retryAfter: '1' }, { kind: 'status', status: 503 });
    const p = policyFor([s.baseUrl]);
    const [r] = await p.generate([{ prompt: 'x' }]);
    expect(r?.generations).toHaveLength(1);
    expect(s.requests).toHaveLength(3);
    expect(sleeps[0]).toBeGreaterThanOrEqual(1000);
    expect(sleeps).toHaveLength(2);
  });

  it('gives up after the retry budget on persistent 500s, naming endpoint and status', async () => {
    const s = await server({ kind: 'status', status: 500 });
    const p = policyFor([s.baseUrl], { maxRetries: 2 });
    const err = await p.generate([{ prompt: 'x' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TspError);
    expect((err as TspError).code).toBe('backend-error');
    expect((err as TspError).message).toContain(`${s.baseUrl}/completions`);
    expect((err as TspError).message).toContain('HTTP 500');
    expect((err as TspError).retryable).toBe(true);
    expect(s.requests).toHaveLength(3);
  });

  it('does not retry a 400 and says which endpoint refused', async () => {
    const s = await server({ kind: 'status', status: 400, body: '{"error":"bad model"}' });
    const p = policyFor([s.baseUrl]);
    const err = (await p.generate([{ prompt: 'x' }]).catch((e: unknown) => e)) as TspError;
    expect(err.message).toMatch(/HTTP 400 .*bad model/);
    expect(err.retryable).toBe(false);
    expect(s.requests).toHaveLength(1);
  });

  it('reports garbage JSON clearly without retrying', async () => {
    const s = await server({ kind: 'garbage' });
    const p = policyFor([s.baseUrl]);
    const err = (await p.generate([{ prompt: 'x' }]).catch((e: unknown) => e)) as TspError;
    expect(err.code).toBe('backend-error');
    expect(err.message).toContain('not JSON');
    expect(s.requests).toHaveLength(1);
  });

  it('retries a server killed mid-response', async () => {
    const s = await server();
    s.queue.push({ kind: 'kill-mid-response' });
    const p = policyFor([s.baseUrl]);
    const [r] = await p.generate([{ prompt: 'abc' }]);
    expect(r?.generations[0]?.text).toBe(fakeContinuation('abc', 0, undefined));
    expect(s.requests).toHaveLength(2);
  });

  it('times out a hanging request and retries it', async () => {
    const s = await server();
    s.queue.push({ kind: 'hang' });
    const p = policyFor([s.baseUrl], { timeoutMs: 300 });
    const [r] = await p.generate([{ prompt: 'abc' }]);
    expect(r?.generations).toHaveLength(1);
    expect(s.requests).toHaveLength(2);
  });

  it('fails over to another endpoint when one is down', async () => {
    const good = await server();
    const p = policyFor(['http://127.0.0.1:1/v1', good.baseUrl], { maxRetries: 3 });
    const results = await p.generate(Array.from({ length: 4 }, (_, i) => ({ prompt: `p${i}` })));
    expect(results.every((r) => r.generations.length === 1)).toBe(true);
    expect(good.requests).toHaveLength(4);
  });

  it('keeps each endpoint under its concurrency limit and spreads the load', async () => {
    const a = await server({ kind: 'ok', delayMs: 40 });
    const b = await server({ kind: 'ok', delayMs: 40 });
    const p = createOpenAIPolicy({
      endpoints: [
        { baseUrl: a.baseUrl, model: 'tiny', concurrency: 2 },
        { baseUrl: b.baseUrl, model: 'tiny', concurrency: 1 },
      ],
    });
    await p.generate(Array.from({ length: 9 }, (_, i) => ({ prompt: `q${i}` })));
    expect(a.maxInFlight).toBeLessThanOrEqual(2);
    expect(b.maxInFlight).toBeLessThanOrEqual(1);
    expect(a.requests.length + b.requests.length).toBe(9);
    expect(b.requests.length).toBeGreaterThan(0);
  });

  it('turns ignored settings into warnings: n, logprobs, stop', async () => {
    const s = await server({ kind: 'ok', choices: 1, logprobs: false, text: 'a = 1\nSTOP b = 2' });
    const p = policyFor([s.baseUrl]);
    const [r] = await p.generate([{ prompt: 'x', n: 3, stop: ['STOP'] }]);
    expect(r?.generations).toHaveLength(3);
    expect(r?.generations[0]?.text).toBe('a = 1\n');
    expect(s.requests).toHaveLength(3);
    const w = r?.warnings.join('\n') ?? '';
    expect(w).toContain('n ignored');
    expect(w).toContain('no logprobs');
    expect(w).toContain('ignored a stop string');
  });

  it('drops settings an endpoint is declared not to support, with a warning', async () => {
    const s = await server();
    const p = createOpenAIPolicy({
      endpoints: [{ baseUrl: s.baseUrl, model: 'm', capabilities: { seed: false, maxStop: 1 } }],
    });
    const [r] = await p.generate([{ prompt: 'x', seed: 3, stop: ['A', 'B'] }]);
    expect(s.requests[0]).not.toHaveProperty('seed');
    expect(s.requests[0]?.stop).toEqual(['A']);
    expect(r?.warnings.join('\n')).toMatch(/seed/);
  });

  it('scores a continuation with echo + logprobs and aligns tokens to it', async () => {
    const s = await server();
    const p = policyFor([s.baseUrl]);
    const [r] = await p.score([{ prefix: 'abcd', continuation: 'efgh' }]);
    expect(s.requests[0]).toMatchObject({ prompt: 'abcdefgh', echo: true, logprobs: 1, max_tokens: 1 });
    expect(r?.tokenOffsets).toEqual([0, 2]);
    const expected = ['ef', 'gh'].map((t) => -(((sumCodes(t) % 7) + 1) / 10));
    expect(r?.tokenLogprobs[0]).toBeCloseTo(expected[0] as number);
    expect(r?.total).toBeCloseTo((expected[0] as number) + (expected[1] as number));
  });

  it('applies a chat template client-side, continuing the prefix inside the assistant turn', async () => {
    const s = await server();
    const p = policyFor([s.baseUrl], { chatTemplate: CHAT_TEMPLATES.chatml });
    await p.generate([{ prompt: 'int main() {', stop: ['}'] }]);
    const sent = String(s.requests[0]?.prompt);
    expect(sent.startsWith('<|im_start|>user\n')).toBe(true);
    expect(sent.endsWith('<|im_start|>assistant\nint main() {')).toBe(true);
    expect(s.requests[0]?.stop).toEqual(['}', '<|im_end|>', '<|im_start|>']);
  });

  it('stops waiting when the caller aborts', async () => {
    const s = await server({ kind: 'hang' });
    const p = policyFor([s.baseUrl], { timeoutMs: 10_000 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('cancelled')), 50);
    await expect(p.generate([{ prompt: 'x' }], { signal: ac.signal })).rejects.toThrow('cancelled');
    expect(s.requests).toHaveLength(1);
  });
});

describe('chat templates', () => {
  it('renders llama-2 and file templates', () => {
    const llama = renderCompletionPrompt(CHAT_TEMPLATES['llama-2']!, 'x = ', { instruction: 'Do it.' });
    expect(llama).toBe('[INST] Do it.\n\n```\nx = \n``` [/INST] x = ');
    const t = parseChatTemplate('#stop: <end> | \\n\\n\nSYS {{system}} U {{user}} A {{assistant}}\n');
    expect(t.stop).toEqual(['<end>', '\n\n']);
    expect(t.render({ user: 'u', assistantPrefix: 'p', system: 's' })).toBe('SYS s U u A p');
    expect(() => parseChatTemplate('{{assistant}} {{user}}')).toThrow(TspError);
    expect(renderCompletionPrompt(CHAT_TEMPLATES.plain!, 'raw')).toBe('raw');
  });
});

describe('retry helpers', () => {
  it('computes bounded full-jitter backoff', () => {
    expect(computeBackoffMs(0, { baseMs: 100, maxMs: 1000 }, () => 0.999)).toBe(99);
    expect(computeBackoffMs(10, { baseMs: 100, maxMs: 1000 }, () => 0.5)).toBe(500);
    expect(computeBackoffMs(0, { baseMs: 100, maxMs: 1000 }, () => 0, 700)).toBe(700);
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(null)).toBeUndefined();
  });
  it('semaphore bounds holders', async () => {
    const s = new Semaphore(2);
    const r1 = await s.acquire();
    await s.acquire();
    let third = false;
    const p = s.acquire().then(() => {
      third = true;
    });
    await new Promise((r) => setTimeout(r, 5));
    expect(third).toBe(false);
    r1();
    await p;
    expect(third).toBe(true);
  });
  it('applies stop strings at the earliest hit', () => {
    expect(applyStops('a;b\nc', ['\n', ';'])).toEqual({ text: 'a', cut: true });
    expect(applyStops('abc', ['x'])).toEqual({ text: 'abc', cut: false });
  });
});
