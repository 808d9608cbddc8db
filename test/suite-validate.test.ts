import { describe, expect, it } from 'vitest';
import { selectFamilies } from '../src/benchmarks/builtin/build-suite.ts';
import { LATEST_SUITE_VERSION } from '../src/spec/run-config.ts';
import { runTsp } from './_tsp-cli.ts';

/**
 * `tsp suite validate` over every family of the latest suite version, in the sandbox, as a user
 * runs it: each family's secure references must be functional and secure, its insecure variants
 * functional and caught by an exploit test (C and C++ under ASan/UBSan, Go, JavaScript, Python).
 * About four minutes on two cores; the local-runner checks in src/benchmarks/builtin cover only
 * Python and JavaScript.
 */
describe(`tsp suite validate (suite version ${LATEST_SUITE_VERSION}, every family, sandboxed)`, () => {
  it('passes for every family', async () => {
    const r = await runTsp(
      ['suite', 'validate', '--suite-version', String(LATEST_SUITE_VERSION), '--json'],
      1_200_000,
    );
    let report: { ok: boolean; families: { family: string; ok: boolean; problems: string[] }[] };
    try {
      report = JSON.parse(r.stdout) as typeof report;
    } catch {
      throw new Error(`no JSON report (exit ${r.code}): ${r.stderr.slice(-2000)}`);
    }
    const failing = report.families.filter((f) => !f.ok).map((f) => `${f.family}: ${f.problems.join('; ')}`);
    expect(failing).toEqual([]);
    expect(report.families.map((f) => f.family).sort()).toEqual(
      selectFamilies({ version: LATEST_SUITE_VERSION })
        .map((f) => f.meta.id)
        .sort(),
    );
    expect(report.ok).toBe(true);
    expect(r.code).toBe(0);
  }, 1_200_000);
});
