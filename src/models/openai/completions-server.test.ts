import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TspError } from '../../spec/errors.ts';
import type { Policy } from '../../spec/policy.ts';
import { useBackend } from '../embedded/backend.ts';
import { createModel } from '../embedded/gpt.ts';
import { EmbeddedPolicy } from '../embedded/policy.ts';
import { trainTokenizer } from '../embedded/tokenizer.ts';
import { type CompletionsServer, startCompletionsServer } from './completions-server.ts';
import { createOpenAIPolicy } from './openai-policy.ts';

const CODE = [
  'def add(a, b):\n    return a + b\n',
  'import os\nprint(os.getcwd())\n',
  'x = [i * i for i in range(10)]\n',
];

function tinyPolicy(seed: number): EmbeddedPolicy {
  const tok = trainTokenizer(CODE, 300);
  const model = createModel(
    { vocabSize: tok.vocabSize, contextLength: 96, dModel: 16, nLayers: 1, nHeads: 2 },
    seed,
  );
  return new EmbeddedPolicy(model, tok, { id: `tiny-${seed}` });
}

let local: EmbeddedPolicy;
let server: CompletionsServer;

beforeAll(async () => {
  await useBackend('wasm');
  local = tinyPolicy(1);
  server = await startCompletionsServer(local, { modelName: 'tiny', loadAdapter: async () => tinyPolicy(2) });
});
afterAll(async () => {
  await server?.close();
});

describe('the OpenAI backend against the embedded model behind tsp serve (loopback)', () => {
  it('lists the served model', async () => {
    const r = (await (await fetch(`${server.url}/models`)).json()) as { data: { id: string }[] };
    expect(r.data.map((m) => m.id)).toEqual(['tiny']);
  });

  it('generates exactly what the embedded policy generates for the same seed', async () => {
    const remote = createOpenAIPolicy({ endpoints: [{ baseUrl: server.url, model: 'tiny' }] });
    const req = { prompt: 'def add(a, b):\n', n: 3, temperature: 1, maxTokens: 12, seed: 7 };
    const [viaHttp] = await remote.generate([req]);
    const [direct] = await local.generate([req]);
    expect(viaHttp?.generations.map((g) => g.text)).toEqual(direct?.generations.map((g) => g.text));
    expect(viaHttp?.generations[0]?.tokenLogprobs).toHaveLength(
      direct?.generations[0]?.tokenLogprobs?.length ?? -1,
    );
    for (const [i, lp] of (viaHttp?.generations[0]?.tokenLogprobs ?? []).entries())
      expect(lp).toBeCloseTo(direct?.generations[0]?.tokenLogprobs?.[i] ?? Number.NaN, 4);
    expect(viaHttp?.generations[0]?.tokenOffsets).toEqual(direct?.generations[0]?.tokenOffsets);
    expect(viaHttp?.warnings).toEqual([]);
    // the seed repeats over HTTP
    const [again] = await remote.generate([req]);
    expect(again?.generations.map((g) => g.text)).toEqual(viaHttp?.generations.map((g) => g.text));
  });

  it('says so in the response and to the log when a prompt is cut to the context', async () => {
    const logged: string[][] = [];
    const s = await startCompletionsServer(local, {
      modelName: 'tiny',
      onRequest: (r) => logged.push(r.warnings ?? []),
    });
    try {
      const long = 'x = [i * i for i in range(10)]\n'.repeat(40);
      const body = (await (
        await fetch(`${s.url}/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'tiny', prompt: long, max_tokens: 4, seed: 1 }),
        })
      ).json()) as { warnings: string[] };
      expect(body.warnings[0]).toMatch(
        /^prompt of \d+ tokens truncated to its last 95 \(context length 96\)/,
      );
      expect(logged.flat()).toEqual(body.warnings);
      // and the HTTP policy reports it as a warning of the generation
      const remote = createOpenAIPolicy({ endpoints: [{ baseUrl: s.url, model: 'tiny' }] });
      const [r] = await remote.generate([{ prompt: long, maxTokens: 4, seed: 1 }]);
      expect(r?.warnings.some((w) => w.includes('truncated to its last 95'))).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('scores a continuation through echo the same as the policy does', async () => {
    const remote = createOpenAIPolicy({ endpoints: [{ baseUrl: server.url, model: 'tiny' }] });
    const req = { prefix: 'def add(a, b):\n', continuation: '    return a + b\n' };
    const [viaHttp] = await remote.score([req]);
    const [direct] = await local.score([{ prefix: '', continuation: req.prefix + req.continuation }]);
    // echo scores the whole text from the start; the backend keeps the continuation's tokens
    const startAt = (direct?.tokenOffsets ?? []).findIndex((o) => o >= req.prefix.length);
    const tail = direct?.tokenLogprobs.slice(startAt) ?? [];
    expect(viaHttp?.tokenLogprobs).toHaveLength(tail.length);
    expect(viaHttp?.total).toBeCloseTo(
      tail.reduce((a, b) => a + b, 0),
      3,
    );
    expect(viaHttp?.tokenOffsets[0]).toBe(0);
  });

  it('rejects an unknown model with a clear, non-retried error naming the endpoint', async () => {
    const remote = createOpenAIPolicy({ endpoints: [{ baseUrl: server.url, model: 'nope' }] });
    const err = (await remote.generate([{ prompt: 'x' }]).catch((e: unknown) => e)) as TspError;
    expect(err).toBeInstanceOf(TspError);
    expect(err.message).toContain(`${server.url}/completions: HTTP 404`);
    expect(err.retryable).toBe(false);
  });

  it('loads another checkpoint through the vLLM adapter API and serves it by name', async () => {
    const res = await fetch(`${server.url}/load_lora_adapter`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ lora_name: 'round1', lora_path: '/any' }),
    });
    expect(res.status).toBe(200);
    const remote = createOpenAIPolicy({ endpoints: [{ baseUrl: server.url, model: 'round1' }] });
    const req = { prompt: 'import os\n', maxTokens: 8, seed: 3, temperature: 1 };
    const [a] = await remote.generate([req]);
    const [b] = await tinyPolicy(2).generate([req]);
    expect(a?.generations[0]?.text).toBe(b?.generations[0]?.text);
  });

  it('fails over when a server dies mid-request', async () => {
    let release: () => void = () => {};
    const hanging: Policy = {
      id: 'hang',
      generate: () =>
        new Promise((_, reject) => {
          release = () => reject(new Error('gone'));
        }),
      score: async () => [],
    };
    const dying = await startCompletionsServer(hanging, { modelName: 'tiny' });
    const remote = createOpenAIPolicy({
      endpoints: [
        { baseUrl: dying.url, model: 'tiny', concurrency: 1 },
        { baseUrl: server.url, model: 'tiny', concurrency: 1 },
      ],
      sleep: async () => {},
    });
    // the first request goes to the dying server (round robin starts there); kill it mid-request
    const pending = remote.generate([{ prompt: 'x = ', maxTokens: 4, seed: 1 }]);
    await new Promise((r) => setTimeout(r, 100));
    dying.server.closeAllConnections();
    await dying.close();
    release();
    const [r] = await pending;
    expect(r?.generations).toHaveLength(1);
  });

  it('answers a bad request with a 400 JSON error', async () => {
    const res = await fetch(`${server.url}/completions`, { method: 'POST', body: '{"prompt": 3}' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/prompt/);
  });
});
