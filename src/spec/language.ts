import { z } from 'zod';

/** The five languages TSP generates, judges and scans. */
export const Language = z.enum(['python', 'c', 'cpp', 'go', 'javascript']);
export type Language = z.infer<typeof Language>;

export const LANGUAGES: readonly Language[] = Language.options;

/** Usual file extension of a source file in each language. */
export const LANGUAGE_EXTENSION: Record<Language, string> = {
  python: 'py',
  c: 'c',
  cpp: 'cpp',
  go: 'go',
  javascript: 'js',
};

/** A CWE id in canonical form, e.g. `CWE-89` (no leading zeros). */
export const CweId = z
  .string()
  .regex(/^CWE-\d+$/, 'expected a CWE id such as "CWE-89"')
  .refine((s) => !/^CWE-0\d/.test(s), 'CWE ids have no leading zeros ("CWE-89", not "CWE-089")');
export type CweId = z.infer<typeof CweId>;

/** Normalizes "cwe-089", "CWE089", "89" to "CWE-89"; returns undefined when it is not a CWE id. */
export function normalizeCwe(raw: string): CweId | undefined {
  const m = /^\s*(?:cwe)?[-_ ]?0*(\d+)\s*$/i.exec(raw);
  return m ? `CWE-${m[1]}` : undefined;
}
