import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scripted OpenAI-compatible completions server on 127.0.0.1, for tests of the HTTP backend:
 * each request takes the next behaviour from a queue (falling back to `fallback`), and every
 * request body is recorded. Internal (tests only).
 */
export type FakeBehaviour =
  | { kind: 'ok'; choices?: number; logprobs?: boolean; text?: string; delayMs?: number }
  | { kind: 'status'; status: number; body?: string; retryAfter?: string }
  | { kind: 'garbage' }
  | { kind: 'kill-mid-response' }
  | { kind: 'hang' };

export interface FakeServer {
  baseUrl: string;
  requests: Record<string, unknown>[];
  queue: FakeBehaviour[];
  fallback: FakeBehaviour;
  /** Requests being handled right now, and the most at once. */
  inFlight: number;
  maxInFlight: number;
  close(): Promise<void>;
}

/** The fake model's continuation of a prompt: deterministic, with tokens of 2 chars. */
export function fakeContinuation(prompt: string, index: number, seed: number | undefined): string {
  return `#${index}:${seed ?? 'x'}:${prompt.length}`;
}

function splitTokens(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += 2) out.push(text.slice(i, i + 2));
  return out;
}

function respondOk(req: Record<string, unknown>, b: Extract<FakeBehaviour, { kind: 'ok' }>) {
  const prompt = String(req.prompt ?? '');
  const n = b.choices ?? (typeof req.n === 'number' ? req.n : 1);
  const seed = typeof req.seed === 'number' ? req.seed : undefined;
  const echo = req.echo === true;
  const wantLp = typeof req.logprobs === 'number' && b.logprobs !== false;
  const choices = Array.from({ length: n }, (_, i) => {
    let text = b.text ?? fakeContinuation(prompt, i, seed);
    const max = typeof req.max_tokens === 'number' ? req.max_tokens : 1000;
    let finish = 'stop';
    const toks = splitTokens(text);
    if (toks.length > max) {
      text = toks.slice(0, max).join('');
      finish = 'length';
    }
    if (Array.isArray(req.stop) && b.text === undefined) {
      for (const s of req.stop as string[]) {
        const at = text.indexOf(s);
        if (at >= 0) text = text.slice(0, at);
      }
    }
    const full = echo ? prompt + text : text;
    const tokens = echo ? [...splitTokens(prompt), ...splitTokens(text)] : splitTokens(text);
    let off = 0;
    const textOffset = tokens.map((t) => {
      const o = off;
      off += t.length;
      return o + (echo ? 0 : prompt.length);
    });
    // log-probability of a token: -(its char codes sum mod 7 + 1) / 10, so tests can recompute it.
    const tokenLogprobs = tokens.map((t, k) => (echo && k === 0 ? null : -(((sumCodes(t) % 7) + 1) / 10)));
    return {
      index: i,
      text: full,
      finish_reason: finish,
      logprobs: wantLp
        ? { tokens, token_logprobs: tokenLogprobs, text_offset: textOffset, top_logprobs: null }
        : null,
    };
  });
  return {
    id: 'cmpl-fake',
    object: 'text_completion',
    model: String(req.model ?? ''),
    choices,
    usage: { prompt_tokens: splitTokens(prompt).length, completion_tokens: 0 },
  };
}

export function sumCodes(t: string): number {
  let s = 0;
  for (const ch of t) s += ch.codePointAt(0) ?? 0;
  return s;
}

export async function startFakeServer(fallback: FakeBehaviour = { kind: 'ok' }): Promise<FakeServer> {
  const state = {
    requests: [] as Record<string, unknown>[],
    queue: [] as FakeBehaviour[],
    inFlight: 0,
    maxInFlight: 0,
  };
  const fake: Partial<FakeServer> = {};
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', async () => {
      fake.inFlight = (fake.inFlight ?? 0) + 1;
      fake.maxInFlight = Math.max(fake.maxInFlight ?? 0, fake.inFlight);
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {}
      fake.requests?.push(body);
      const b = fake.queue?.shift() ?? (fake.fallback as FakeBehaviour);
      const done = () => {
        fake.inFlight = (fake.inFlight ?? 1) - 1;
      };
      if (b.kind === 'hang') {
        res.on('close', done);
        return;
      }
      if (b.kind === 'ok' && b.delayMs) await new Promise((r) => setTimeout(r, b.delayMs));
      done();
      if (b.kind === 'status') {
        res.writeHead(b.status, {
          'content-type': 'application/json',
          ...(b.retryAfter ? { 'retry-after': b.retryAfter } : {}),
        });
        res.end(b.body ?? JSON.stringify({ error: { message: `fake ${b.status}` } }));
      } else if (b.kind === 'garbage') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('<html>not json at all');
      } else if (b.kind === 'kill-mid-response') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '5000' });
        res.write('{"choices":[{"text":"par');
        setTimeout(() => req.socket.destroy(), 5);
      } else if (b.kind === 'ok') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(respondOk(body, b)));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  Object.assign(fake, state, {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    fallback,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
  return fake as FakeServer;
}
