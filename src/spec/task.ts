import { z } from 'zod';
import { CweId, Language } from './language.ts';

/**
 * What the observer expects of one test of an *observed* native harness (C, C++, Go: see
 * `Harness`). The harness beside the sample only reports values (`obs`); the decision is taken
 * here, outside the sample's process, from those values and from effects the test driver saw after
 * the process ended (`canary`, `file`). Strings may hold the test's drawn values: `{w0}`..`{w7}`
 * (random lowercase words), `{dir}` (the test's fresh folder), `{marker}` (a path in the canary
 * folder).
 */
const ExpectationBase = z.union([
  z
    .object({
      /** A value the harness reported with `tsp_obs_*` / `obsInt`, `obsStr`. */
      obs: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
      /** Numbers compare as numbers, strings as text. */
      eq: z.union([z.string(), z.number()]).optional(),
      ne: z.union([z.string(), z.number()]).optional(),
      lt: z.number().optional(),
      le: z.number().optional(),
      gt: z.number().optional(),
      ge: z.number().optional(),
      oneOf: z.array(z.union([z.string(), z.number()])).optional(),
      contains: z.string().optional(),
      notContains: z.string().optional(),
      /** A JavaScript regular expression the whole value must match. */
      matches: z.string().optional(),
      /** Equal to another value the harness reported (e.g. a drawn fallback it passed in). */
      eqObs: z.string().optional(),
      /** Default true: the value must have been reported (false: must not have been). */
      present: z.boolean().optional(),
      /**
       * The test runs more than once, each time a fresh process: `differ` requires the values of two
       * runs to differ (what fresh processes compute alike, such as an unseeded or time-seeded PRNG's
       * output, is predictable), `same` requires them equal. `randomness`: four runs whose system
       * randomness the judge chooses (two streams, each given to two of the runs, in an order the
       * program cannot know): the values must be equal exactly where the streams are, so the value
       * comes from the system's randomness and from nothing else (a clock, a counter, the process).
       */
      acrossRuns: z.enum(['same', 'differ', 'randomness']).optional(),
    })
    .strict(),
  /** The canary folder (never given to the code under test): `untouched` fails on any change. */
  z.object({ canary: z.enum(['untouched', 'touched']) }).strict(),
  /** A file as the driver found it after the test's process ended. */
  z
    .object({
      file: z.string().min(1),
      exists: z.boolean().optional(),
      /** Bits that must be clear in the file's mode (e.g. 0o077: no group or other access). */
      modeClear: z.number().int().optional(),
      contains: z.string().optional(),
      notContains: z.string().optional(),
    })
    .strict(),
]);
export type Expectation = z.infer<typeof ExpectationBase> | { anyOf: Expectation[][] };
/** `anyOf`: holds when every expectation of at least one of the lists holds. */
export const Expectation: z.ZodType<Expectation> = z.lazy(() =>
  z.union([ExpectationBase, z.object({ anyOf: z.array(z.array(Expectation)).min(1) }).strict()]),
);

/**
 * One test of a task. `functional` tests check the behaviour asked for; `security` tests are
 * exploits: they pass when the exploit fails.
 */
export const TestSpec = z.object({
  /** Identifier the harness dispatches on (letters, digits, `_`). */
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'test names are identifiers'),
  kind: z.enum(['functional', 'security']),
  description: z.string().optional(),
  /**
   * Observed native harnesses only: every expectation must hold for the test to pass. The
   * harness's exit code then means nothing; a test whose process ends without its values fails.
   */
  expect: z.array(Expectation).optional(),
});
export type TestSpec = z.infer<typeof TestSpec>;

/**
 * How a task's tests run against a sample.
 *
 * `inline`: a harness source in the task's language, run by TSP's own runner. The decision is
 * always taken outside the sample's process (docs/decisions/0002):
 * - python: the harness runs in an observer process; `import solution` gives a proxy whose calls run
 *   in a separate sample process and return plain values. The harness defines `test_<name>()` for
 *   every test, raising AssertionError on failure (any other exception is an error); it may import
 *   `tsp_observe` (drawn values, canary folders, fresh sample processes).
 * - javascript: the same with CommonJS: the harness assigns `module.exports = { <name>: async () =>
 *   {...} }`, `require('./solution.js')` gives the proxy, a test fails through node:assert; it may
 *   `require('tsp-observe')`.
 * - c / cpp / go, *observed* (every test has `expect`): the harness is compiled with the sample
 *   (`solution.c` / `.cpp` / `.go`, the sample's own `main` renamed away), includes
 *   `tsp_observe.h` (Go: uses `TSP`), calls `tsp_begin(argc, argv)` / `TSP.begin(os.Args)` and runs
 *   the body under `tsp_select("{{test:<name>}}")` / `TSP.Select(...)`; bodies only report values
 *   and the expectations decide.
 * - c / cpp / go without `expect` (older protocol, forgeable by a program written against it):
 *   `main` dispatches on argv[1]; exit 0 = pass, 1 = fail, other exits, signals and sanitizer
 *   reports = error/crash.
 *
 * `pytest`: an external pytest file (CWEval) that imports or executes the sample; parameters
 * are marked `functionality` / `security`.
 */
export const Harness = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('inline'), source: z.string().min(1) }),
  z.object({
    kind: z.literal('pytest'),
    /** Absolute path of the test file (read at run time, never copied into the repository). */
    testFile: z.string().min(1),
    /** Module or file name the test file expects the sample under, e.g. `cwe_078_0_task`. */
    sampleName: z.string().min(1),
  }),
  /** No executable tests (SecurityEval-style prompts): security comes from static analysis only. */
  z.object({ kind: z.literal('none') }),
]);
export type Harness = z.infer<typeof Harness>;

export const Provenance = z.object({
  /** `builtin`, `examples`, `cweval`, `securityeval`, `safecoder`, `tsp-release`, ... */
  source: z.string().min(1),
  /** Family, file, or record the task came from. */
  origin: z.string().optional(),
  license: z.string().optional(),
  /** Generator seed / variant index when the task is generated. */
  variant: z.number().int().optional(),
});
export type Provenance = z.infer<typeof Provenance>;

/** A risk line annotated with a task (TSP release format): a critical decision node known in advance. */
export const RiskAnnotation = z.object({
  /** The line of the secure code at which the decision is made (text, stripped). */
  line: z.string(),
  cwe: CweId.optional(),
  description: z.string().optional(),
});
export type RiskAnnotation = z.infer<typeof RiskAnnotation>;

export const Task = z.object({
  id: z.string().min(1),
  language: Language,
  cwe: z.array(CweId),
  /** The text the model is given; the model's completion is appended to it. */
  prompt: z.string(),
  /** Function (or symbol) the tests call. */
  entryPoint: z.string().min(1),
  harness: Harness,
  tests: z.array(TestSpec),
  /** A complete secure program (prompt + completion). */
  secureReference: z.string().optional(),
  /** Complete insecure programs that make the mistakes real code makes. */
  insecureVariants: z.array(z.string()).default([]),
  riskAnnotations: z.array(RiskAnnotation).default([]),
  /** Family / scenario label, for grouping in reports. */
  family: z.string().optional(),
  provenance: Provenance,
});
export type Task = z.infer<typeof Task>;
export type TaskInput = z.input<typeof Task>;
