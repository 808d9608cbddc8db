import { z } from 'zod';

/**
 * The parts of the OpenAI `/v1/completions` response TSP reads (legacy completions API, as served
 * by vLLM, llama.cpp server, Ollama and TGI). Lenient: unknown fields are ignored.
 */
export const CompletionLogprobs = z
  .object({
    tokens: z.array(z.string()).optional(),
    token_logprobs: z.array(z.number().nullable()).optional(),
    text_offset: z.array(z.number()).optional(),
  })
  .loose();

export const CompletionChoice = z
  .object({
    index: z.number().int().optional(),
    text: z.string(),
    finish_reason: z.string().nullable().optional(),
    logprobs: CompletionLogprobs.nullable().optional(),
  })
  .loose();

export const CompletionResponse = z
  .object({
    id: z.string().optional(),
    model: z.string().optional(),
    choices: z.array(CompletionChoice),
    usage: z
      .object({
        prompt_tokens: z.number().optional(),
        completion_tokens: z.number().optional(),
      })
      .loose()
      .nullable()
      .optional(),
    /** `tsp serve` only: what it could not honour (a prompt cut to the model's context). */
    warnings: z.array(z.string()).optional(),
  })
  .loose();
export type CompletionResponse = z.infer<typeof CompletionResponse>;
export type CompletionChoice = z.infer<typeof CompletionChoice>;

/** The request body TSP sends. */
export interface CompletionRequestBody {
  model: string;
  prompt: string;
  n?: number;
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  stop?: string[];
  seed?: number;
  logprobs?: number;
  echo?: boolean;
}

/**
 * Char offset of each token inside `text`, from the token strings when they spell `text`
 * (robust to servers that count `text_offset` from the prompt start), else from `text_offset`
 * shifted to start at 0.
 */
export function computeTokenOffsets(
  text: string,
  tokens: string[] | undefined,
  textOffset?: number[],
): number[] {
  if (tokens && tokens.join('') === text) {
    const out: number[] = [];
    let at = 0;
    for (const t of tokens) {
      out.push(at);
      at += t.length;
    }
    return out;
  }
  if (textOffset && textOffset.length > 0) {
    const base = textOffset[0] ?? 0;
    return textOffset.map((o) => Math.max(0, o - base));
  }
  return [];
}
