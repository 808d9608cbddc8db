import type { Finding } from './finding.ts';
import type { CweId, Language } from './language.ts';

/**
 * What the oracle needs from static analysis. `src/analyzers` implements it; the oracle takes one
 * by injection so it can run with or without analyzers installed.
 */
export interface StaticAnalyzer {
  /**
   * `taskCwe`: the weaknesses the code is judged for (an oracle task's CWEs). Rules that must guess
   * whether a value is a secret from its name take the task's word instead where the task is about
   * predictable randomness: every value such a program makes is a secret.
   * `strict`: the caller decides security with the findings (the oracle, where static analysis
   * counts): input that cannot be analyzed in full (empty, binary, over the size limit, with a
   * source encoding the analyzer does not read, or with parse errors outside C and C++) is an error
   * instead of a result with fewer findings.
   */
  analyze(
    code: string,
    language: Language,
    options?: { file?: string; taskCwe?: readonly CweId[]; strict?: boolean },
  ): Promise<Finding[]>;
}
