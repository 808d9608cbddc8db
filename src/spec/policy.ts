/**
 * The Policy interface: what TSP needs from a code model. The embedded tfjs GPT and the
 * OpenAI-compatible HTTP backend both implement it; types only, no runtime code.
 */

export interface GenerateRequest {
  /** The prompt, or any prefix to continue: the continuation is appended to it verbatim. */
  prompt: string;
  n?: number;
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  /** Generation stops before the first occurrence of any of these strings. */
  stop?: string[];
  seed?: number;
}

export type FinishReason = 'stop' | 'length' | 'error';

export interface Generation {
  /** The continuation only (not the prompt). */
  text: string;
  /** Per-token log-probabilities of the sampled tokens, when the backend gives them. */
  tokenLogprobs?: number[];
  /** Char offset in `text` where each token starts (same length as tokenLogprobs). */
  tokenOffsets?: number[];
  finishReason: FinishReason;
  completionTokens: number;
}

export interface GenerateResult {
  generations: Generation[];
  /** Settings a backend could not honour (e.g. a server that ignores `seed`). */
  warnings: string[];
  promptTokens: number;
}

export interface ScoreRequest {
  prefix: string;
  continuation: string;
}

export interface ScoreResult {
  /** Log-probability of each continuation token given everything before it. */
  tokenLogprobs: number[];
  /** Char offset in `continuation` where each token starts. */
  tokenOffsets: number[];
  total: number;
}

export interface Policy {
  /** A stable name for manifests and reports (checkpoint hash, model name). */
  readonly id: string;
  generate(requests: GenerateRequest[], options?: { signal?: AbortSignal }): Promise<GenerateResult[]>;
  score(requests: ScoreRequest[], options?: { signal?: AbortSignal }): Promise<ScoreResult[]>;
}
