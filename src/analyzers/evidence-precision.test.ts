import { describe, expect, it } from 'vitest';
import { cwevalRoot } from './cweval-quality.ts';
import { measureEvidencePrecision } from './evidence-precision.ts';

/**
 * The oracle counts a finding of the task's weakness whatever the tests say: a secure reference
 * with such a finding would be a wrong verdict, an insecure variant without one a forgery's way in
 * where the tests cannot show the weakness (shell, in-program evaluation, predictable randomness,
 * weak hashes, credentials, password hashing). No family of the generated suite (nor CWEval's
 * references, when the benchmarks are there) may flag a secure reference; those kinds must show
 * every insecure variant, and so must every other family of the suite (`dormant`: the tests show
 * the weakness, and static evidence is there for backdoors they never reach); on CWEval's
 * references of those other weaknesses recall is measured, not required. The table: `node
 * --import tsx src/analyzers/evidence-precision.ts`.
 */
describe('static evidence on the references', () => {
  it('flags no secure reference and shows every insecure variant', async () => {
    const rows = await measureEvidencePrecision({ variants: 2, cweval: !!cwevalRoot() });
    expect(rows.some((r) => r.evidence === 'shell')).toBe(true);
    expect(rows.some((r) => r.evidence === 'evaluation')).toBe(true);
    expect(rows.some((r) => r.evidence === 'randomness')).toBe(true);
    expect(rows.flatMap((r) => r.secureFlagged)).toEqual([]);
    // The generated suite: every insecure variant shown, of every kind; CWEval: those where the tests
    // cannot show the weakness (its dormant rows are measured, 7 of 117 missed at 693b945).
    expect(
      rows
        .filter((r) => !r.family.startsWith('cweval/') || r.evidence !== 'dormant')
        .flatMap((r) => r.insecureMissed),
    ).toEqual([]);
    expect(rows.some((r) => r.evidence === 'dormant' && !r.family.startsWith('cweval/'))).toBe(true);
  });
});
