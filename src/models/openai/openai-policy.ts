import { createRng } from '../../core/rng.ts';
import { TspError } from '../../spec/errors.ts';
import type {
  FinishReason,
  GenerateRequest,
  GenerateResult,
  Generation,
  Policy,
  ScoreRequest,
  ScoreResult,
} from '../../spec/policy.ts';
import { CHAT_TEMPLATES, type ChatTemplate, renderCompletionPrompt } from './chat-templates.ts';
import {
  type CompletionChoice,
  type CompletionRequestBody,
  CompletionResponse,
  computeTokenOffsets,
} from './completions-api.ts';
import {
  type BackoffOptions,
  computeBackoffMs,
  isRetryableStatus,
  parseRetryAfter,
  Semaphore,
  sleep,
} from './retry.ts';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Settings a server is known not to support: TSP drops them from requests and warns. */
export interface EndpointCapabilities {
  seed?: boolean;
  logprobs?: boolean;
  n?: boolean;
  /** Most stop strings the server accepts (OpenAI: 4); the rest are applied client-side. */
  maxStop?: number;
}

export interface OpenAIEndpoint {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:8000/v1`. */
  baseUrl: string;
  /** The `model` field sent (for vLLM: the served model name or a loaded LoRA adapter's name). */
  model: string;
  apiKey?: string;
  /** Requests in flight to this endpoint at most (default 4). */
  concurrency?: number;
  capabilities?: EndpointCapabilities;
}

export interface OpenAIPolicyOptions {
  endpoints: OpenAIEndpoint[];
  /** Injected fetch (default: global fetch). */
  fetch?: FetchLike;
  /** Per-request timeout in ms (default 120 s). */
  timeoutMs?: number;
  /** Retries after the first attempt, for retryable failures only (default 4). */
  maxRetries?: number;
  backoff?: BackoffOptions;
  /** Seed of the backoff jitter. */
  jitterSeed?: number;
  /** Template applied client-side; default `plain` (the prefix is sent as it is). */
  chatTemplate?: ChatTemplate;
  instruction?: string;
  system?: string;
  /** Ask for the sampled tokens' log-probabilities (default true). */
  logprobs?: boolean;
  /** Stable id for manifests; default `openai:<model>@<first endpoint>`. */
  id?: string;
  /** Injected sleep (tests). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

interface EndpointState {
  endpoint: OpenAIEndpoint;
  url: string;
  gate: Semaphore;
}

interface PostOutcome {
  response: CompletionResponse;
  endpoint: EndpointState;
}

function mapFinishReason(raw: string | null | undefined): FinishReason {
  if (raw === 'length') return 'length';
  if (raw === 'error' || raw === 'abort') return 'error';
  return 'stop';
}

/** Cuts `text` before the first occurrence of any stop string; returns the cut position or -1. */
export function applyStops(text: string, stops: readonly string[]): { text: string; cut: boolean } {
  let at = -1;
  for (const s of stops) {
    if (!s) continue;
    const i = text.indexOf(s);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  return at < 0 ? { text, cut: false } : { text: text.slice(0, at), cut: true };
}

/**
 * A Policy over any OpenAI-compatible `/v1/completions` server (vLLM, llama.cpp server, Ollama,
 * TGI). Sends a raw prompt so that any prefix can be continued; applies a chat template
 * client-side when configured. Several endpoints, each with its own concurrency limit; requests
 * go to the least loaded one. Retries with backoff and jitter on 408/409/429/5xx and network
 * errors only. Settings a server ignores come back as warnings.
 */
export class OpenAIPolicy implements Policy {
  readonly id: string;
  private readonly endpoints: EndpointState[];
  private readonly fetchFn: FetchLike;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly backoff: BackoffOptions;
  private readonly random: () => number;
  private readonly template: ChatTemplate;
  private readonly wantLogprobs: boolean;
  private readonly sleepFn: (ms: number, signal?: AbortSignal) => Promise<void>;
  private roundRobin = 0;

  constructor(private readonly options: OpenAIPolicyOptions) {
    if (options.endpoints.length === 0)
      throw new TspError('invalid-input', 'OpenAI backend: no endpoint given', {
        hint: 'pass at least one base URL such as http://127.0.0.1:8000/v1',
      });
    this.endpoints = options.endpoints.map((endpoint) => ({
      endpoint,
      url: `${endpoint.baseUrl.replace(/\/+$/, '')}/completions`,
      gate: new Semaphore(endpoint.concurrency ?? 4),
    }));
    const first = options.endpoints[0] as OpenAIEndpoint;
    this.id = options.id ?? `openai:${first.model}@${first.baseUrl}`;
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.maxRetries = options.maxRetries ?? 4;
    this.backoff = options.backoff ?? { baseMs: 250, maxMs: 8_000 };
    this.random = createRng(options.jitterSeed ?? 0x7e57).next;
    this.template = options.chatTemplate ?? (CHAT_TEMPLATES.plain as ChatTemplate);
    this.wantLogprobs = options.logprobs ?? true;
    this.sleepFn = options.sleep ?? sleep;
  }

  async generate(
    requests: GenerateRequest[],
    options: { signal?: AbortSignal } = {},
  ): Promise<GenerateResult[]> {
    return Promise.all(requests.map((r) => this.generateOne(r, options.signal)));
  }

  async score(requests: ScoreRequest[], options: { signal?: AbortSignal } = {}): Promise<ScoreResult[]> {
    return Promise.all(requests.map((r) => this.scoreOne(r, options.signal)));
  }

  private renderPrompt(prefix: string): string {
    return renderCompletionPrompt(this.template, prefix, {
      ...(this.options.instruction ? { instruction: this.options.instruction } : {}),
      ...(this.options.system ? { system: this.options.system } : {}),
    });
  }

  private async generateOne(req: GenerateRequest, signal?: AbortSignal): Promise<GenerateResult> {
    const n = req.n ?? 1;
    const warnings = new Set<string>();
    const stops = [...(req.stop ?? []), ...this.template.stop];
    const prompt = this.renderPrompt(req.prompt);
    const generations: Generation[] = [];
    let promptTokens = 0;
    // A server that ignores `n` returns fewer choices: ask again for the rest (bounded).
    for (let round = 0; generations.length < n && round < n; round++) {
      const want = n - generations.length;
      const { body, dropped, clientStops } = this.buildBody(prompt, { ...req, n: want }, stops, round);
      const { response, endpoint } = await this.post(body, signal);
      const label = endpoint.endpoint.baseUrl;
      for (const d of dropped.get(endpoint) ?? []) warnings.add(`${label}: ${d}`);
      promptTokens = response.usage?.prompt_tokens ?? promptTokens;
      for (const w of response.warnings ?? []) warnings.add(`${label}: ${w}`);
      const choices = [...response.choices].sort((a, b) => (a.index ?? 0) - (b.index ?? 0)).slice(0, want);
      if (choices.length === 0)
        throw new TspError('backend-error', `${endpoint.url} answered with no choices`, {
          hint: 'check that the server serves the model and supports /v1/completions',
        });
      if (choices.length < want)
        warnings.add(
          `${label}: server returned ${choices.length} of n=${want} choices (n ignored); requested the rest separately`,
        );
      for (const c of choices)
        generations.push(this.toGeneration(c, stops, clientStops, warnings, label, response));
    }
    return { generations, warnings: [...warnings], promptTokens };
  }

  private toGeneration(
    choice: CompletionChoice,
    stops: string[],
    clientStops: boolean,
    warnings: Set<string>,
    label: string,
    response: CompletionResponse,
  ): Generation {
    const cut = applyStops(choice.text, stops);
    if (cut.cut && !clientStops) warnings.add(`${label}: server ignored a stop string; applied client-side`);
    const text = cut.text;
    const lp = choice.logprobs ?? undefined;
    const gen: Generation = {
      text,
      finishReason: cut.cut ? 'stop' : mapFinishReason(choice.finish_reason),
      completionTokens:
        lp?.tokens?.length ?? (response.choices.length === 1 ? (response.usage?.completion_tokens ?? 0) : 0),
    };
    if (this.wantLogprobs) {
      if (!lp?.token_logprobs || lp.token_logprobs.length === 0) {
        if (text.length > 0) warnings.add(`${label}: server returned no logprobs although asked`);
      } else {
        const offsets = computeTokenOffsets(choice.text, lp.tokens, lp.text_offset);
        const keep: number[] = [];
        const keepOffsets: number[] = [];
        lp.token_logprobs.forEach((v, i) => {
          const off = offsets[i] ?? 0;
          if (off < text.length) {
            keep.push(v ?? 0);
            keepOffsets.push(off);
          }
        });
        gen.tokenLogprobs = keep;
        gen.tokenOffsets = keepOffsets;
        gen.completionTokens = keep.length;
      }
    }
    return gen;
  }

  private buildBody(
    prompt: string,
    req: GenerateRequest,
    stops: string[],
    round: number,
  ): { body: CompletionRequestBody; dropped: Map<EndpointState, string[]>; clientStops: boolean } {
    // The body depends on the endpoint only through its capabilities; build per endpoint lazily.
    const dropped = new Map<EndpointState, string[]>();
    let clientStops = false;
    const body: CompletionRequestBody = { model: '', prompt };
    if (req.n !== undefined) body.n = req.n;
    if (req.temperature !== undefined) body.temperature = req.temperature;
    if (req.topP !== undefined) body.top_p = req.topP;
    if (req.maxTokens !== undefined) body.max_tokens = req.maxTokens;
    if (stops.length) body.stop = stops;
    if (req.seed !== undefined) body.seed = req.seed + round;
    if (this.wantLogprobs) body.logprobs = 1;
    for (const ep of this.endpoints) {
      const caps = ep.endpoint.capabilities ?? {};
      const notes: string[] = [];
      if (caps.seed === false && body.seed !== undefined)
        notes.push('server does not support seed; sampled unseeded');
      if (caps.logprobs === false && body.logprobs !== undefined)
        notes.push('server does not support logprobs');
      if (caps.n === false && (body.n ?? 1) > 1)
        notes.push('server does not support n; one request per sample');
      if (caps.maxStop !== undefined && stops.length > caps.maxStop) {
        notes.push(`server accepts ${caps.maxStop} stop strings; the rest applied client-side`);
        clientStops = true;
      }
      dropped.set(ep, notes);
    }
    return { body, dropped, clientStops };
  }

  /** The body actually sent to one endpoint (model name, capabilities applied). */
  private bodyFor(ep: EndpointState, body: CompletionRequestBody): CompletionRequestBody {
    const caps = ep.endpoint.capabilities ?? {};
    const out: CompletionRequestBody = { ...body, model: ep.endpoint.model };
    if (caps.seed === false) delete out.seed;
    if (caps.logprobs === false) delete out.logprobs;
    if (caps.n === false) out.n = 1;
    if (caps.maxStop !== undefined && out.stop && out.stop.length > caps.maxStop)
      out.stop = out.stop.slice(0, caps.maxStop);
    if (out.stop && out.stop.length === 0) delete out.stop;
    return out;
  }

  private pickEndpoint(avoid?: EndpointState): EndpointState {
    const candidates =
      avoid && this.endpoints.length > 1 ? this.endpoints.filter((e) => e !== avoid) : this.endpoints;
    let best: EndpointState | undefined;
    let bestLoad = Number.POSITIVE_INFINITY;
    const start = this.roundRobin++;
    for (let k = 0; k < candidates.length; k++) {
      const ep = candidates[(start + k) % candidates.length] as EndpointState;
      const load = (ep.gate.inUse + ep.gate.waiting) / ep.gate.limit;
      if (load < bestLoad) {
        best = ep;
        bestLoad = load;
      }
    }
    return best as EndpointState;
  }

  /** One POST with retries; a retry prefers another endpoint when there are several. */
  private async post(body: CompletionRequestBody, signal: AbortSignal | undefined): Promise<PostOutcome> {
    let last: TspError | undefined;
    let previous: EndpointState | undefined;
    for (let attempt = 0; attempt <= this.maxRetries; attempt++) {
      const ep = this.pickEndpoint(previous);
      previous = ep;
      const release = await ep.gate.acquire();
      let retryAfterMs: number | undefined;
      try {
        return { response: await this.postOnce(ep, this.bodyFor(ep, body), signal), endpoint: ep };
      } catch (e) {
        if (!(e instanceof TspError) || !e.retryable || signal?.aborted) throw e;
        last = e;
        retryAfterMs = (e as TspError & { retryAfterMs?: number }).retryAfterMs;
      } finally {
        release();
      }
      if (attempt < this.maxRetries)
        await this.sleepFn(computeBackoffMs(attempt, this.backoff, this.random, retryAfterMs), signal);
    }
    throw new TspError(
      'backend-error',
      `${last?.message ?? 'request failed'} (gave up after ${this.maxRetries + 1} attempts)`,
      {
        hint: last?.hint ?? 'check that the server is up',
        retryable: true,
        cause: last,
      },
    );
  }

  private async postOnce(
    ep: EndpointState,
    body: CompletionRequestBody,
    signal?: AbortSignal,
  ): Promise<CompletionResponse> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (ep.endpoint.apiKey) headers.authorization = `Bearer ${ep.endpoint.apiKey}`;
    let res: Response;
    let text: string;
    try {
      res = await this.fetchFn(ep.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: combined,
      });
      text = await res.text();
    } catch (e) {
      if (signal?.aborted) throw e;
      const timedOut = timeout.aborted;
      throw new TspError(
        'backend-error',
        timedOut
          ? `${ep.url}: no answer within ${this.timeoutMs} ms`
          : `${ep.url}: network error (${describeCause(e)})`,
        { hint: 'check that the server is running and reachable', retryable: true, cause: e },
      );
    }
    if (!res.ok) {
      const err = new TspError('backend-error', `${ep.url}: HTTP ${res.status} ${snippet(text)}`, {
        hint:
          res.status === 404
            ? 'check the base URL (it should end in /v1) and the model name'
            : res.status === 401 || res.status === 403
              ? 'check the API key'
              : 'see the server log',
        retryable: isRetryableStatus(res.status),
      });
      const ra = parseRetryAfter(res.headers.get('retry-after'));
      if (ra !== undefined) Object.assign(err, { retryAfterMs: ra });
      throw err;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new TspError(
        'backend-error',
        `${ep.url}: HTTP ${res.status} but the body is not JSON: ${snippet(text)}`,
        {
          hint: 'is this an OpenAI-compatible completions server?',
          cause: e,
        },
      );
    }
    const parsed = CompletionResponse.safeParse(json);
    if (!parsed.success)
      throw new TspError(
        'backend-error',
        `${ep.url}: HTTP ${res.status} but not a completions response: ${snippet(text)}`,
        {
          hint: 'the server must implement the OpenAI /v1/completions response (choices[].text)',
        },
      );
    return parsed.data;
  }

  private async scoreOne(req: ScoreRequest, signal?: AbortSignal): Promise<ScoreResult> {
    const head = this.renderPrompt(req.prefix);
    const full = head + req.continuation;
    const body: CompletionRequestBody = {
      model: '',
      prompt: full,
      echo: true,
      logprobs: 1,
      max_tokens: 1,
      temperature: 0,
    };
    const { response, endpoint } = await this.post(body, signal);
    const choice = response.choices[0];
    const lp = choice?.logprobs;
    if (!choice || !lp?.token_logprobs || !lp.tokens)
      throw new TspError(
        'unsupported',
        `${endpoint.endpoint.baseUrl}: server returned no prompt log-probabilities for echo`,
        {
          hint: 'scoring needs echo + logprobs on /v1/completions (vLLM supports it; llama.cpp server does not)',
        },
      );
    const offsets =
      lp.text_offset && lp.text_offset.length === lp.tokens.length
        ? lp.text_offset
        : computeTokenOffsets(lp.tokens.join(''), lp.tokens);
    const tokenLogprobs: number[] = [];
    const tokenOffsets: number[] = [];
    for (let i = 0; i < lp.tokens.length; i++) {
      const off = offsets[i] ?? 0;
      const end = off + (lp.tokens[i] ?? '').length;
      if (off >= full.length) break; // the one generated token after the echo
      if (end <= head.length) continue;
      // A token straddling the prefix/continuation boundary counts for the continuation.
      tokenLogprobs.push(lp.token_logprobs[i] ?? 0);
      tokenOffsets.push(Math.max(0, off - head.length));
    }
    return { tokenLogprobs, tokenOffsets, total: tokenLogprobs.reduce((a, b) => a + b, 0) };
  }
}

function snippet(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 200 ? `${t.slice(0, 200)}...` : t;
}

function describeCause(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as Error & { cause?: unknown }).cause;
    if (cause instanceof Error) return `${e.message}: ${cause.message}`;
    return e.message;
  }
  return String(e);
}

export function createOpenAIPolicy(options: OpenAIPolicyOptions): OpenAIPolicy {
  return new OpenAIPolicy(options);
}
