/**
 * A scripted Policy for tests: it returns continuations chosen by a script, applies stop strings and
 * maxTokens like a real backend, and records every call. No model, no randomness unless scripted.
 *
 * "Tokens" of the mock are runs of word characters, runs of spaces, or single other characters, so
 * tokenOffsets/tokenLogprobs have realistic shapes; each token gets a log-prob of `tokenLogprob`
 * (default -0.5) unless a scripted continuation gives its own.
 */
import { TspError } from '../spec/errors.ts';
import type {
  FinishReason,
  GenerateRequest,
  GenerateResult,
  Generation,
  Policy,
  ScoreRequest,
  ScoreResult,
} from '../spec/policy.ts';

/** One scripted continuation: its text, optionally its per-token log-probs (one per mock token). */
export interface MockContinuation {
  text: string;
  tokenLogprobs?: number[];
  /** Force a finish reason (otherwise 'stop', or 'length' when maxTokens cut it). */
  finishReason?: FinishReason;
}

export type MockResponse = string | MockContinuation | ReadonlyArray<string | MockContinuation>;

/** Called for each request; `sampleIndex` runs over 0..n-1, `callIndex` counts generate calls. */
export type MockResponder = (
  prompt: string,
  context: { request: GenerateRequest; sampleIndex: number; callIndex: number },
) => MockResponse | undefined;

export interface MockRule {
  /** Exact prompt, a RegExp tested on the prompt, or a predicate. */
  match: string | RegExp | ((prompt: string) => boolean);
  respond: MockResponse | MockResponder;
}

/**
 * The script: exact prompt -> continuations, a function of the prompt, or ordered rules (the first
 * match wins). A response that is a list gives sample i the item `i % list.length`.
 */
export type MockScript = Readonly<Record<string, MockResponse>> | MockResponder | readonly MockRule[];

export interface MockPolicyOptions {
  id?: string;
  /** Response when nothing in the script matches; without it an unmatched prompt throws TspError. */
  fallback?: MockResponse | MockResponder;
  /** Log-prob given to each mock token that has none scripted (default -0.5). */
  tokenLogprob?: number;
  /** Scores: per-token log-probs of a continuation given a prefix (default: `tokenLogprob` each). */
  score?: (request: ScoreRequest) => number[] | undefined;
}

export interface MockCall<T> {
  requests: T[];
  options: { signal?: AbortSignal } | undefined;
}

export interface MockPolicy extends Policy {
  /** Every generate() call with its requests (copied), in order. */
  readonly generateCalls: MockCall<GenerateRequest>[];
  /** Every score() call with its requests (copied), in order. */
  readonly scoreCalls: MockCall<ScoreRequest>[];
  /** All generate requests of all calls, flattened. */
  generateRequests(): GenerateRequest[];
  /** Forget the recorded calls. */
  reset(): void;
}

const MOCK_TOKEN = /\w+|[^\S\n]+|\n|[^\w\s]/gu;

/** Split text into mock tokens; returns the char offset where each starts. */
export function splitMockTokens(text: string): { offsets: number[]; pieces: string[] } {
  const offsets: number[] = [];
  const pieces: string[] = [];
  for (const m of text.matchAll(MOCK_TOKEN)) {
    offsets.push(m.index);
    pieces.push(m[0]);
  }
  return { offsets, pieces };
}

function isRuleList(script: MockScript): script is readonly MockRule[] {
  return Array.isArray(script);
}

function matches(rule: MockRule, prompt: string): boolean {
  if (typeof rule.match === 'string') return rule.match === prompt;
  if (rule.match instanceof RegExp) {
    rule.match.lastIndex = 0;
    return rule.match.test(prompt);
  }
  return rule.match(prompt);
}

function pickContinuation(response: MockResponse, sampleIndex: number): MockContinuation {
  const item =
    typeof response === 'string' || !Array.isArray(response)
      ? (response as string | MockContinuation)
      : (response as ReadonlyArray<string | MockContinuation>)[
          sampleIndex % (response as ReadonlyArray<unknown>).length
        ];
  if (item === undefined) throw new TspError('invalid-input', 'mock policy: an empty list of continuations');
  return typeof item === 'string' ? { text: item } : item;
}

function resolve(
  responder: MockResponse | MockResponder,
  prompt: string,
  ctx: Parameters<MockResponder>[1],
): MockResponse | undefined {
  return typeof responder === 'function' ? responder(prompt, ctx) : responder;
}

function findResponse(
  script: MockScript,
  fallback: MockPolicyOptions['fallback'],
  prompt: string,
  ctx: Parameters<MockResponder>[1],
): MockResponse {
  let response: MockResponse | undefined;
  if (typeof script === 'function') response = script(prompt, ctx);
  else if (isRuleList(script)) {
    const rule = script.find((r) => matches(r, prompt));
    if (rule) response = resolve(rule.respond, prompt, ctx);
  } else if (Object.hasOwn(script, prompt)) response = (script as Record<string, MockResponse>)[prompt];
  if (response === undefined && fallback !== undefined) response = resolve(fallback, prompt, ctx);
  if (response === undefined)
    throw new TspError(
      'not-found',
      `mock policy: no scripted continuation for prompt ${JSON.stringify(prompt.slice(0, 80))}`,
      {
        hint: 'add the prompt to the mock script or give a fallback',
      },
    );
  return response;
}

function applyLimits(c: MockContinuation, request: GenerateRequest, defaultLogprob: number): Generation {
  let text = c.text;
  let finishReason: FinishReason = c.finishReason ?? 'stop';
  let cut = -1;
  for (const s of request.stop ?? []) {
    if (s === '') continue;
    const at = text.indexOf(s);
    if (at >= 0 && (cut < 0 || at < cut)) cut = at;
  }
  if (cut >= 0) {
    text = text.slice(0, cut);
    finishReason = 'stop';
  }
  let { offsets } = splitMockTokens(text);
  let logprobs = offsets.map((_, i) => c.tokenLogprobs?.[i] ?? defaultLogprob);
  const max = request.maxTokens;
  if (max !== undefined && offsets.length > max) {
    text = text.slice(0, offsets[max]);
    offsets = offsets.slice(0, max);
    logprobs = logprobs.slice(0, max);
    finishReason = 'length';
  }
  return {
    text,
    tokenLogprobs: logprobs,
    tokenOffsets: offsets,
    finishReason,
    completionTokens: offsets.length,
  };
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new TspError('internal', 'mock policy: aborted', { retryable: true });
}

/** A Policy whose outputs come from `script`; it records calls in `generateCalls` / `scoreCalls`. */
export function createMockPolicy(script: MockScript, options: MockPolicyOptions = {}): MockPolicy {
  const generateCalls: MockCall<GenerateRequest>[] = [];
  const scoreCalls: MockCall<ScoreRequest>[] = [];
  const defaultLogprob = options.tokenLogprob ?? -0.5;
  return {
    id: options.id ?? 'mock',
    generateCalls,
    scoreCalls,
    generateRequests: () => generateCalls.flatMap((c) => c.requests),
    reset() {
      generateCalls.length = 0;
      scoreCalls.length = 0;
    },
    async generate(requests, opts) {
      const callIndex = generateCalls.length;
      generateCalls.push({
        requests: requests.map((r) => ({ ...r, stop: r.stop && [...r.stop] })),
        options: opts,
      });
      checkAborted(opts?.signal);
      return requests.map((request): GenerateResult => {
        const n = request.n ?? 1;
        const generations: Generation[] = [];
        for (let sampleIndex = 0; sampleIndex < n; sampleIndex++) {
          const ctx = { request, sampleIndex, callIndex };
          const response = findResponse(script, options.fallback, request.prompt, ctx);
          generations.push(applyLimits(pickContinuation(response, sampleIndex), request, defaultLogprob));
        }
        return { generations, warnings: [], promptTokens: splitMockTokens(request.prompt).offsets.length };
      });
    },
    async score(requests, opts) {
      scoreCalls.push({ requests: requests.map((r) => ({ ...r })), options: opts });
      checkAborted(opts?.signal);
      return requests.map((request): ScoreResult => {
        const { offsets } = splitMockTokens(request.continuation);
        const scripted = options.score?.(request);
        if (scripted && scripted.length !== offsets.length)
          throw new TspError(
            'invalid-input',
            `mock policy: score() script gave ${scripted.length} log-probs for ${offsets.length} mock tokens`,
          );
        const tokenLogprobs = scripted ?? offsets.map(() => defaultLogprob);
        return { tokenLogprobs, tokenOffsets: offsets, total: tokenLogprobs.reduce((a, b) => a + b, 0) };
      });
    },
  };
}
