/** Parsing of command-line values shared by the commands. */
import { TspError } from '../spec/errors.ts';

/** A whole-number flag value (undefined when the flag is absent); `min` is the smallest allowed. */
export function wholeNumber(raw: string | undefined, flag: string, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new TspError('invalid-input', `--${flag} must be a whole number >= ${min}`);
  return n;
}
