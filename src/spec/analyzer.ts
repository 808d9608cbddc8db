import type { Finding } from './finding.ts';
import type { Language } from './language.ts';

/**
 * What the oracle needs from static analysis. `src/analyzers` implements it; the oracle takes one
 * by injection so it can run with or without analyzers installed.
 */
export interface StaticAnalyzer {
  analyze(code: string, language: Language, options?: { file?: string }): Promise<Finding[]>;
}
