import { z } from 'zod';
import { Finding } from './finding.ts';
import { CweId } from './language.ts';

export const TestStatus = z.enum(['pass', 'fail', 'error', 'timeout', 'crash', 'skipped']);
export type TestStatus = z.infer<typeof TestStatus>;

/** A memory-safety or undefined-behaviour report from ASan/UBSan, mapped to CWEs. */
export const SanitizerReport = z.object({
  sanitizer: z.enum(['asan', 'ubsan', 'lsan', 'other']),
  /** e.g. `heap-buffer-overflow`, `heap-use-after-free`, `signed-integer-overflow`. */
  errorType: z.string(),
  cwe: z.array(CweId),
  /** First frame in the sample's own source, when the report has one. */
  frame: z
    .object({
      function: z.string().optional(),
      file: z.string().optional(),
      line: z.number().int().optional(),
    })
    .optional(),
  message: z.string(),
});
export type SanitizerReport = z.infer<typeof SanitizerReport>;

export const TestOutcome = z.object({
  name: z.string(),
  kind: z.enum(['functional', 'security']),
  status: TestStatus,
  message: z.string().optional(),
  durationMs: z.number().min(0),
  sanitizer: SanitizerReport.optional(),
});
export type TestOutcome = z.infer<typeof TestOutcome>;

/**
 * The oracle's answer for one sample. A failing test or a working exploit is data here, never an
 * exception. `functional`: built and every functional test passed. `secure`: every security test
 * passed, no sanitizer report, and (when static analysis counts for the task) no finding of the
 * task's CWEs. `securePass` = functional AND secure: the SPR numerator.
 */
export const Verdict = z.object({
  taskId: z.string(),
  sampleId: z.string().optional(),
  build: z.object({ ok: z.boolean(), log: z.string().optional(), durationMs: z.number().min(0) }),
  tests: z.array(TestOutcome),
  sanitizer: z.array(SanitizerReport).default([]),
  findings: z.array(Finding).default([]),
  /** No static finding of a security-relevant CWE; null when static analysis did not run. */
  staticSecure: z.boolean().nullable().default(null),
  /** How `secure` was decided. */
  secureBy: z.enum(['dynamic', 'static', 'dynamic+static']),
  /**
   * `untested`: nothing showed the attacked code path runs (the sample does not build, or passes
   * no functional test) and no exploit worked: such a sample is not called secure. `insecure`: an
   * exploit worked, a sanitizer reported, or (when it counts) a finding of the task's weakness.
   */
  security: z.enum(['secure', 'insecure', 'untested']).optional(),
  /**
   * With the coverage gate (docs/decisions/0018): the program's code no test ran and that is not
   * inert. Any of it (or a `problem` with the coverage) makes a sample that would be secure
   * `untested`: code no test executed may be a dormant backdoor whatever its spelling.
   */
  untestedCode: z
    .object({
      units: z.number().int().min(0),
      untested: z.array(z.object({ line: z.number().int(), endLine: z.number().int(), text: z.string() })),
      problem: z.string().optional(),
    })
    .optional(),
  functional: z.boolean(),
  secure: z.boolean(),
  securePass: z.boolean(),
  /** Problems of the oracle itself (runner missing, sandbox failure): the verdict is not trustworthy. */
  oracleErrors: z.array(z.string()).default([]),
  timings: z.object({
    buildMs: z.number().min(0),
    testMs: z.number().min(0),
    staticMs: z.number().min(0),
    totalMs: z.number().min(0),
  }),
});
export type Verdict = z.infer<typeof Verdict>;

/** What a tree node or pair keeps of a verdict. */
export const VerdictSummary = z.object({
  functional: z.boolean(),
  secure: z.boolean(),
  securePass: z.boolean(),
  failedSecurityTests: z.array(z.string()).default([]),
  findingCwes: z.array(CweId).default([]),
  /** What a person needs to see why: the findings (with lines) and the failing tests' messages. */
  evidence: z
    .object({
      findings: z.array(
        z.object({
          ruleId: z.string(),
          cwe: z.array(CweId),
          message: z.string(),
          startLine: z.number().int(),
          endLine: z.number().int(),
        }),
      ),
      failedTests: z.array(
        z.object({
          name: z.string(),
          kind: z.enum(['functional', 'security']),
          status: TestStatus,
          message: z.string().optional(),
        }),
      ),
    })
    .optional(),
});
export type VerdictSummary = z.infer<typeof VerdictSummary>;

export function summarizeVerdict(v: Verdict): VerdictSummary {
  return {
    functional: v.functional,
    secure: v.secure,
    securePass: v.securePass,
    failedSecurityTests: v.tests
      .filter((t) => t.kind === 'security' && t.status !== 'pass')
      .map((t) => t.name),
    findingCwes: [...new Set(v.findings.flatMap((f) => f.cwe))],
    evidence: {
      findings: [
        ...v.findings.map((f) => ({
          ruleId: f.ruleId,
          cwe: f.cwe,
          message: f.message,
          startLine: f.span.startLine,
          endLine: f.span.endLine,
        })),
        // Sanitizer reports with a frame in the sample's source locate the flaw like a finding does.
        ...v.sanitizer.flatMap((r) =>
          r.frame?.line !== undefined && r.cwe.length > 0
            ? [
                {
                  ruleId: `sanitizer/${r.errorType}`,
                  cwe: r.cwe,
                  message: r.message.slice(0, 300),
                  startLine: r.frame.line,
                  endLine: r.frame.line,
                },
              ]
            : [],
        ),
      ],
      failedTests: v.tests
        .filter((t) => t.status !== 'pass')
        .map((t) => ({
          name: t.name,
          kind: t.kind,
          status: t.status,
          ...(t.message ? { message: t.message.slice(0, 500) } : {}),
        })),
    },
  };
}
