import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { GenerateRequest, Policy } from '../../spec/policy.ts';

/**
 * An OpenAI-compatible completions server over any Policy (`tsp serve` puts the embedded model
 * behind it): `POST /v1/completions` (raw prompt continued verbatim, n, temperature, top_p,
 * max_tokens, stop, seed, logprobs, echo), `GET /v1/models`, and vLLM's
 * `POST /v1/load_lora_adapter` / `unload_lora_adapter` when a loader is given (an "adapter" here
 * is any other checkpoint, served under its own model name). Requests that arrive together are
 * batched into one `generate` call; calls to the policy never overlap.
 */
export interface CompletionsServerOptions {
  /** Model name served (the `model` field clients send). */
  modelName: string;
  host?: string;
  port?: number;
  /** Loads a policy for vLLM's dynamic adapter API (`lora_path`). */
  loadAdapter?: (path: string) => Promise<Policy>;
  /** Largest `n` accepted (default 64) and largest max_tokens (default 4096). */
  maxN?: number;
  maxTokens?: number;
  /** Called with each finished request (for logs). */
  /** After each request; `warnings`: what the model could not honour (e.g. a prompt cut to its context). */
  onRequest?: (info: { path: string; status: number; ms: number; warnings?: string[] }) => void;
}

export interface CompletionsServer {
  url: string;
  port: number;
  server: Server;
  /** Names currently served. */
  models(): string[];
  close(): Promise<void>;
}

const CompletionBody = z.object({
  model: z.string().optional(),
  prompt: z.union([z.string(), z.array(z.string()).min(1)]),
  n: z.number().int().min(1).optional(),
  temperature: z.number().min(0).optional(),
  top_p: z.number().gt(0).max(1).optional(),
  max_tokens: z.number().int().min(0).nullable().optional(),
  stop: z
    .union([z.string(), z.array(z.string())])
    .nullable()
    .optional(),
  seed: z.number().int().nullable().optional(),
  logprobs: z.number().int().min(0).nullable().optional(),
  echo: z.boolean().optional(),
  stream: z.boolean().optional(),
});
type CompletionBody = z.infer<typeof CompletionBody>;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = 'invalid_request_error',
  ) {
    super(message);
  }
}

async function readBody(req: IncomingMessage, limit = 8 << 20): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, 'request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

interface Queued {
  policy: Policy;
  request: GenerateRequest;
  resolve: (r: Awaited<ReturnType<Policy['generate']>>[number]) => void;
  reject: (e: unknown) => void;
}

/** Serializes policy calls; generate requests queued together for the same policy go in one call. */
class PolicyQueue {
  private queue: Queued[] = [];
  private busy: Promise<void> = Promise.resolve();
  private draining = false;

  generate(policy: Policy, request: GenerateRequest) {
    return new Promise<Awaited<ReturnType<Policy['generate']>>[number]>((resolve, reject) => {
      this.queue.push({ policy, request, resolve, reject });
      this.drain();
    });
  }

  /** Runs `fn` when no other policy call is running. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.busy.then(fn);
    this.busy = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    void this.exclusive(async () => {
      // let requests that arrive in the same tick join the batch
      await new Promise((r) => setImmediate(r));
      while (this.queue.length) {
        const policy = (this.queue[0] as Queued).policy;
        const batch = this.queue.filter((q) => q.policy === policy);
        this.queue = this.queue.filter((q) => q.policy !== policy);
        try {
          const results = await policy.generate(batch.map((b) => b.request));
          batch.forEach((b, i) => {
            const r = results[i];
            if (r) b.resolve(r);
            else b.reject(new Error('policy returned fewer results than requests'));
          });
        } catch (e) {
          for (const b of batch) b.reject(e);
        }
      }
    }).finally(() => {
      this.draining = false;
      if (this.queue.length) this.drain();
    });
  }
}

function tokensFromOffsets(text: string, offsets: readonly number[]): string[] {
  return offsets.map((o, i) => text.slice(o, offsets[i + 1] ?? text.length));
}

export async function startCompletionsServer(
  policy: Policy,
  options: CompletionsServerOptions,
): Promise<CompletionsServer> {
  const policies = new Map<string, Policy>([[options.modelName, policy]]);
  const queue = new PolicyQueue();
  const maxN = options.maxN ?? 64;
  const maxTokensCap = options.maxTokens ?? 4096;
  const created = () => Math.floor(Date.now() / 1000);
  let counter = 0;

  const resolvePolicy = (name: string | undefined): [string, Policy] => {
    const key = name ?? options.modelName;
    const p = policies.get(key);
    if (!p) throw new HttpError(404, `The model \`${key}\` does not exist.`, 'NotFoundError');
    return [key, p];
  };

  const completions = async (body: CompletionBody) => {
    if (body.stream) throw new HttpError(400, 'stream is not supported by tsp serve');
    const [name, p] = resolvePolicy(body.model);
    const prompts = typeof body.prompt === 'string' ? [body.prompt] : body.prompt;
    const n = body.n ?? 1;
    if (n > maxN) throw new HttpError(400, `n must be at most ${maxN}`);
    const maxTokens = Math.min(body.max_tokens ?? 16, maxTokensCap);
    const stop = body.stop == null ? undefined : typeof body.stop === 'string' ? [body.stop] : body.stop;
    const wantLp = body.logprobs != null;
    const choices: unknown[] = [];
    const warnings = new Set<string>();
    let promptTokens = 0;
    let completionTokens = 0;
    for (const [pi, prompt] of prompts.entries()) {
      const gen =
        maxTokens > 0
          ? await queue.generate(p, {
              prompt,
              n,
              maxTokens,
              ...(body.temperature !== undefined ? { temperature: body.temperature } : {}),
              ...(body.top_p !== undefined ? { topP: body.top_p } : {}),
              ...(stop ? { stop } : {}),
              ...(body.seed != null ? { seed: body.seed } : {}),
            })
          : {
              generations: Array.from({ length: n }, () => ({
                text: '',
                finishReason: 'length' as const,
                completionTokens: 0,
                tokenLogprobs: [],
                tokenOffsets: [],
              })),
              warnings: [],
              promptTokens: 0,
            };
      for (const w of gen.warnings) warnings.add(w);
      const echoed = body.echo
        ? (await queue.exclusive(() => p.score([{ prefix: '', continuation: prompt }])))[0]
        : undefined;
      promptTokens += echoed?.tokenLogprobs.length ?? gen.promptTokens;
      gen.generations.forEach((g, gi) => {
        completionTokens += g.completionTokens;
        let logprobs: unknown = null;
        if (wantLp) {
          const genOffsets = g.tokenOffsets ?? [];
          const genTokens = tokensFromOffsets(g.text, genOffsets);
          const genLp = g.tokenLogprobs ?? [];
          if (echoed) {
            const pTokens = tokensFromOffsets(prompt, echoed.tokenOffsets);
            logprobs = {
              tokens: [...pTokens, ...genTokens],
              token_logprobs: [...echoed.tokenLogprobs, ...genLp],
              text_offset: [...echoed.tokenOffsets, ...genOffsets.map((o) => o + prompt.length)],
              top_logprobs: null,
            };
          } else {
            logprobs = {
              tokens: genTokens,
              token_logprobs: genLp,
              text_offset: genOffsets.map((o) => o + prompt.length),
              top_logprobs: null,
            };
          }
        }
        choices.push({
          index: pi * n + gi,
          text: body.echo ? prompt + g.text : g.text,
          logprobs,
          finish_reason: g.finishReason === 'error' ? 'abort' : g.finishReason,
        });
      });
    }
    return {
      id: `cmpl-tsp-${++counter}`,
      object: 'text_completion',
      created: created(),
      model: name,
      choices,
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
      // Not in the OpenAI API (clients ignore it): a prompt longer than the embedded model's
      // context is cut to its last tokens, which changes what the model sees.
      ...(warnings.size ? { warnings: [...warnings] } : {}),
    };
  };

  const handle = async (
    req: IncomingMessage,
    res: ServerResponse,
    info: { warnings?: string[] },
  ): Promise<number> => {
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
        send(res, 200, {
          object: 'list',
          data: [...policies.keys()].map((id) => ({
            id,
            object: 'model',
            created: created(),
            owned_by: 'tsp',
          })),
        });
        return 200;
      }
      if (req.method === 'GET' && path === '/health') {
        send(res, 200, { ok: true });
        return 200;
      }
      if (req.method !== 'POST') throw new HttpError(404, `no route ${req.method} ${path}`, 'NotFoundError');
      let json: unknown;
      try {
        json = JSON.parse(await readBody(req));
      } catch (e) {
        if (e instanceof HttpError) throw e;
        throw new HttpError(400, 'the request body is not JSON');
      }
      if (path === '/v1/completions' || path === '/completions') {
        const parsed = CompletionBody.safeParse(json);
        if (!parsed.success)
          throw new HttpError(
            400,
            parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
          );
        const out = await completions(parsed.data);
        if (out.warnings) info.warnings = out.warnings;
        send(res, 200, out);
        return 200;
      }
      if (path === '/v1/load_lora_adapter') {
        const b = z.object({ lora_name: z.string().min(1), lora_path: z.string().min(1) }).safeParse(json);
        if (!b.success) throw new HttpError(400, 'expected lora_name and lora_path');
        if (!options.loadAdapter) throw new HttpError(400, 'this server cannot load adapters');
        if (policies.has(b.data.lora_name))
          throw new HttpError(400, `The lora adapter '${b.data.lora_name}' has already been loaded.`);
        const loaded = await options.loadAdapter(b.data.lora_path).catch((e: unknown) => {
          throw new HttpError(
            400,
            `cannot load ${b.data.lora_path}: ${e instanceof Error ? e.message : String(e)}`,
          );
        });
        policies.set(b.data.lora_name, loaded);
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`Success: LoRA adapter '${b.data.lora_name}' added successfully.`);
        return 200;
      }
      if (path === '/v1/unload_lora_adapter') {
        const b = z.object({ lora_name: z.string().min(1) }).safeParse(json);
        if (!b.success || b.data.lora_name === options.modelName || !policies.delete(b.data.lora_name))
          throw new HttpError(400, 'unknown adapter');
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`Success: LoRA adapter '${b.data.lora_name}' removed successfully.`);
        return 200;
      }
      throw new HttpError(404, `no route ${req.method} ${path}`, 'NotFoundError');
    } catch (e) {
      const status = e instanceof HttpError ? e.status : 500;
      const type = e instanceof HttpError ? e.type : 'InternalServerError';
      if (!res.headersSent)
        send(res, status, {
          object: 'error',
          message: e instanceof Error ? e.message : String(e),
          type,
          code: status,
        });
      return status;
    }
  };

  const server = createServer((req, res) => {
    const t0 = performance.now();
    const info: { warnings?: string[] } = {};
    void handle(req, res, info).then((status) =>
      options.onRequest?.({ path: req.url ?? '', status, ms: performance.now() - t0, ...info }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}/v1`,
    port,
    server,
    models: () => [...policies.keys()],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
