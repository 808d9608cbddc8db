import { z } from 'zod';

const Difference = z.object({
  diff: z.number().nullable(),
  lo: z.number().nullable(),
  hi: z.number().nullable(),
  tasks: z.number().int().min(0),
});

/** One variant of an ablation on one split: TSP's metrics, the paired difference with the reference, its trees. */
export const AblationRow = z.object({
  label: z.string(),
  /** The variant's run directory. */
  dir: z.string(),
  reference: z.boolean(),
  split: z.string(),
  spr1: z.number().nullable(),
  pass1: z.number().nullable(),
  vulnRate: z.number().nullable(),
  /** Against the reference variant, per metric (spr1, pass1, vulnRate). */
  vsReference: z.record(z.string(), Difference),
  /** Mean over seeds and rounds of the method's tree statistics. */
  criticalNodesPerTask: z.number().nullable(),
  criticalBy: z.record(z.string(), z.number()),
  verifiedPairs: z.number().nullable(),
  verifiedPairsPer1kTokens: z.number().nullable(),
  rejectedInsecurePer1kTokens: z.number().nullable(),
  /** Wall time of the run that finished the variant, seconds; null when unknown. */
  wallSeconds: z.number().nullable(),
});
export type AblationRow = z.infer<typeof AblationRow>;

/** `ablation-<name>.json`: an ablation's variants compared. */
export const AblationSummary = z.object({
  name: z.string(),
  question: z.string(),
  preset: z.string(),
  seeds: z.array(z.number().int()),
  rows: z.array(AblationRow),
});
export type AblationSummary = z.infer<typeof AblationSummary>;
