import { z } from 'zod';
import { CweId } from './language.ts';

/** An exact source span. Lines and columns are 1-based; byte offsets are 0-based, end exclusive (UTF-8). */
export const Span = z.object({
  startLine: z.number().int().min(1),
  startColumn: z.number().int().min(1),
  endLine: z.number().int().min(1),
  endColumn: z.number().int().min(1),
  startByte: z.number().int().min(0),
  endByte: z.number().int().min(0),
});
export type Span = z.infer<typeof Span>;

export const Severity = z.enum(['error', 'warning', 'note']);
export type Severity = z.infer<typeof Severity>;

/** One static-analysis result, from TSP's own rules or an external analyzer. */
export const Finding = z.object({
  cwe: z.array(CweId).min(1),
  ruleId: z.string().min(1),
  /** Which analyzer produced it: `tsp`, `bandit`, `cppcheck`, `flawfinder`, `eslint`, ... */
  source: z.string().min(1),
  severity: Severity,
  message: z.string(),
  span: Span,
  /** Path of the file scanned, when there was one. */
  file: z.string().optional(),
  /** Other analyzers that reported the same weakness at the same place (after de-duplication). */
  alsoReportedBy: z.array(z.string()).optional(),
});
export type Finding = z.infer<typeof Finding>;
