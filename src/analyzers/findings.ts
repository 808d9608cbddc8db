import type { Finding, Severity } from '../spec/finding.ts';
import { anyCweMatches } from './cwe.ts';

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, note: 2 };

/**
 * Merges findings that report the same weakness at the same place: same file, same start line, and
 * related CWEs (see cwe.ts), from any source. TSP's own finding is kept when there is one (its span
 * is the exact expression); the other sources are listed in `alsoReportedBy`. Exact repeats of one
 * rule at one span collapse too. Output is sorted by position.
 */
export function dedupeFindings(findings: Finding[]): Finding[] {
  const ordered = [...findings].sort(
    (a, b) =>
      (a.source === 'tsp' ? 0 : 1) - (b.source === 'tsp' ? 0 : 1) ||
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      a.span.startByte - b.span.startByte,
  );
  const kept: Finding[] = [];
  for (const f of ordered) {
    const dup = kept.find(
      (k) =>
        (k.file ?? '') === (f.file ?? '') &&
        k.span.startLine === f.span.startLine &&
        (k.ruleId === f.ruleId || anyCweMatches(k.cwe, f.cwe)),
    );
    if (!dup) {
      kept.push({ ...f });
      continue;
    }
    if (dup.source !== f.source) {
      const also = new Set(dup.alsoReportedBy ?? []);
      also.add(f.source);
      dup.alsoReportedBy = [...also].sort();
    } else if (dup.ruleId !== f.ruleId && dup.span.startByte === f.span.startByte) {
      // Two TSP rules on the same expression with related CWEs: keep one, union the CWEs.
      dup.cwe = [...new Set([...dup.cwe, ...f.cwe])];
    } else if (dup.ruleId !== f.ruleId) {
      kept.push({ ...f });
    }
  }
  return kept.sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      a.span.startByte - b.span.startByte ||
      a.ruleId.localeCompare(b.ruleId),
  );
}
