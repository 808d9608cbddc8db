/** Static security analysis: TSP's tree-sitter rules, external analyzer adapters, SARIF. */
export {
  type Analyzer,
  type CreateAnalyzerOptions,
  checkInput,
  createAnalyzer,
  type DetailedAnalysis,
  MAX_INPUT_BYTES,
  type ParseError,
} from './analyzer.ts';
export { anyCweMatches, CWE_NAMES, cweHelpUri, cweMatches, cweName } from './cwe.ts';
export type { CallRule, QueryRule, Rule, RuleContext } from './engine/rule.ts';
export { ANALYZERS, BANDIT_CWE, ESLINT_SECURITY_CWE } from './external/index.ts';
export { dedupeFindings } from './findings.ts';
export { ALL_RULES } from './rules/index.ts';
export { type SarifLog, toSarif } from './sarif.ts';
export { collectFiles, type FileScan, languageOf, scanFiles } from './scan.ts';
export {
  applyScanFilters,
  type Baseline,
  createBaseline,
  displayPath,
  type FindingFilter,
  findingFingerprint,
  keepFinding,
  matchesSelector,
  parseBaseline,
  SEVERITY_RANK,
  scanRoot,
} from './scan-filter.ts';
export { formatScanText } from './text-format.ts';

import type { Finding } from '../spec/finding.ts';
import { anyCweMatches } from './cwe.ts';

/**
 * For the oracle's Verdict: `staticSecure` is true when no finding (at or above `minSeverity`) is
 * relevant to the task's CWEs (or, without task CWEs, when there is no error-level finding).
 */
export function judgeStaticSecurity(
  findings: Finding[],
  taskCwes: string[] = [],
  minSeverity: 'error' | 'warning' | 'note' = 'warning',
): boolean {
  const rank = { error: 0, warning: 1, note: 2 } as const;
  const counted = findings.filter((f) => rank[f.severity] <= rank[minSeverity]);
  if (!taskCwes.length) return !counted.some((f) => f.severity === 'error');
  return !counted.some((f) => anyCweMatches(f.cwe, taskCwes));
}
