import { z } from 'zod';

/** One generated program for a task. `code` is the complete source: prompt + completion. */
export const Sample = z.object({
  taskId: z.string().min(1),
  /** Stable id within a run (e.g. `<task>#<round>#<n>`); optional for ad-hoc judging. */
  sampleId: z.string().optional(),
  code: z.string(),
  model: z.string().optional(),
  generation: z
    .object({
      temperature: z.number().optional(),
      topP: z.number().optional(),
      seed: z.number().int().optional(),
      maxTokens: z.number().int().optional(),
      finishReason: z.string().optional(),
      completionTokens: z.number().int().optional(),
    })
    .partial()
    .optional(),
});
export type Sample = z.infer<typeof Sample>;
