import { describe, expect, it } from 'vitest';
import { cwevalRoot } from './cweval-quality.ts';
import { measureEvidencePrecision } from './evidence-precision.ts';

/**
 * Where the oracle decides with static evidence (shell, in-program evaluation, predictable
 * randomness), a finding of the task's weakness fails the sample whatever its tests say: a secure
 * reference with such a finding would be a wrong verdict, an insecure variant without one a
 * forgery's way in. The generated suite's families of those kinds (and CWEval's references, when
 * the benchmarks are there) must have neither. The table: `node --import tsx
 * src/analyzers/evidence-precision.ts`.
 */
describe('static evidence on the references', () => {
  it('flags no secure reference and shows every insecure variant', async () => {
    const rows = await measureEvidencePrecision({ variants: 2, cweval: !!cwevalRoot() });
    expect(rows.some((r) => r.evidence === 'shell')).toBe(true);
    expect(rows.some((r) => r.evidence === 'evaluation')).toBe(true);
    expect(rows.some((r) => r.evidence === 'randomness')).toBe(true);
    expect(rows.flatMap((r) => r.secureFlagged)).toEqual([]);
    expect(rows.flatMap((r) => r.insecureMissed)).toEqual([]);
  });
});
