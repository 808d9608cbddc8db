import type { z } from 'zod';
import { TspError } from './errors.ts';

/** Validates `input` against `schema`; on failure throws a TspError naming every bad field path. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const problems = r.error.issues
    .slice(0, 8)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
  const more = r.error.issues.length > 8 ? ` (and ${r.error.issues.length - 8} more)` : '';
  throw new TspError('invalid-input', `invalid ${what}: ${problems}${more}`, {
    hint: `check the ${what} against its schema (src/spec)`,
  });
}
