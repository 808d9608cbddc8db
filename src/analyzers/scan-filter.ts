import { createHash } from 'node:crypto';
import { dirname, relative, resolve, sep } from 'node:path';
import type { Finding, Severity } from '../spec/finding.ts';
import { normalizeCwe } from '../spec/language.ts';
import type { FileScan } from './scan.ts';

/**
 * What `tsp scan` does between analysis and output: the scan root (paths are reported relative to
 * it in every format), rule selection (`--rules`, `--exclude-rules`), a severity threshold, and a
 * baseline of known findings (fingerprints that survive moved lines).
 */

export const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, note: 2 };

/** The deepest folder holding every scanned path (a single file's folder). */
export function scanRoot(paths: string[], isDirectory: (p: string) => boolean): string {
  const dirs = paths.map((p) => {
    const abs = resolve(p);
    return isDirectory(abs) ? abs : dirname(abs);
  });
  if (!dirs.length) return process.cwd();
  let root = dirs[0] as string;
  for (const d of dirs.slice(1))
    while (root !== dirname(root) && d !== root && !d.startsWith(root + sep)) root = dirname(root);
  return root;
}

/** A file's path relative to the scan root, with `/` separators (as SARIF and baselines want). */
export function displayPath(file: string, root: string): string {
  const rel = relative(root, resolve(file));
  return (rel || file).split(sep).join('/');
}

/**
 * Whether a finding matches a selector: a rule id (`py.sql-injection`), a prefix with `*`
 * (`py.*`, `bandit.*`), or a CWE (`CWE-89`, `cwe-089`) that the finding reports.
 */
export function matchesSelector(f: Finding, selector: string): boolean {
  const s = selector.trim();
  if (!s) return false;
  const cwe = /^cwe-?\d+$/i.test(s) ? normalizeCwe(s) : undefined;
  if (cwe) return f.cwe.includes(cwe);
  if (s.endsWith('*')) return f.ruleId.startsWith(s.slice(0, -1));
  return f.ruleId === s;
}

export interface FindingFilter {
  rules?: string[];
  excludeRules?: string[];
  minSeverity?: Severity;
}

export function keepFinding(f: Finding, filter: FindingFilter): boolean {
  if (filter.rules?.length && !filter.rules.some((s) => matchesSelector(f, s))) return false;
  if (filter.excludeRules?.some((s) => matchesSelector(f, s))) return false;
  if (filter.minSeverity && SEVERITY_RANK[f.severity] > SEVERITY_RANK[filter.minSeverity]) return false;
  return true;
}

/**
 * A finding's fingerprint: rule, file (relative to the scan root) and the normalized text of the
 * flagged line, so it stays the same when lines above it move. SARIF's primaryLocationLineHash.
 */
export function findingFingerprint(f: Finding, path: string, lineText: string): string {
  return createHash('sha256')
    .update(`${f.ruleId}\u0000${path}\u0000${lineText.replace(/\s+/g, ' ').trim()}`)
    .digest('hex')
    .slice(0, 32);
}

function fingerprintsOf(scan: FileScan, root: string): string[] {
  const path = displayPath(scan.file, root);
  const lines = scan.source?.split('\n') ?? [];
  return scan.findings.map((f) => findingFingerprint(f, path, lines[f.span.startLine - 1] ?? ''));
}

export interface Baseline {
  version: 1;
  /** Fingerprint -> how many findings had it (repeats on identical lines). */
  fingerprints: Record<string, number>;
}

export function createBaseline(scans: FileScan[], root: string): Baseline {
  const fingerprints: Record<string, number> = {};
  for (const s of scans)
    for (const fp of fingerprintsOf(s, root)) fingerprints[fp] = (fingerprints[fp] ?? 0) + 1;
  return { version: 1, fingerprints };
}

export function parseBaseline(text: string): Baseline {
  const data = JSON.parse(text) as Partial<Baseline>;
  if (data.version !== 1 || typeof data.fingerprints !== 'object' || !data.fingerprints)
    throw new Error('not a tsp baseline (expected {"version": 1, "fingerprints": {...}})');
  return { version: 1, fingerprints: data.fingerprints };
}

/**
 * Applies the filter and the baseline in place; returns how many findings the baseline suppressed.
 * A fingerprint recorded n times suppresses at most n findings (a new copy of a known line shows).
 */
export function applyScanFilters(
  scans: FileScan[],
  root: string,
  filter: FindingFilter,
  baseline?: Baseline,
): number {
  const budget = new Map(Object.entries(baseline?.fingerprints ?? {}));
  let suppressed = 0;
  for (const s of scans) {
    const prints = fingerprintsOf(s, root);
    s.findings = s.findings.filter((f, i) => {
      if (!keepFinding(f, filter)) return false;
      const fp = prints[i] ?? '';
      const left = budget.get(fp) ?? 0;
      if (left > 0) {
        budget.set(fp, left - 1);
        suppressed++;
        return false;
      }
      return true;
    });
  }
  return suppressed;
}
