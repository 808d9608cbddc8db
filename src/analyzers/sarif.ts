import type { Finding } from '../spec/finding.ts';
import { cweHelpUri, cweName } from './cwe.ts';
import type { Rule } from './engine/rule.ts';
import type { FileScan } from './scan.ts';
import { displayPath, findingFingerprint } from './scan-filter.ts';

/**
 * SARIF 2.1.0 as GitHub code scanning accepts it: one run, `tool.driver.rules` with CWE tags and
 * help links, results with a relative artifact URI, a region and a partial fingerprint that stays
 * stable when lines move (rule + file + the normalized text of the flagged line).
 */

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: SarifRun[];
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  helpUri: string;
  help: { text: string };
  defaultConfiguration: { level: 'error' | 'warning' | 'note' };
  properties: { tags: string[]; precision: string; 'security-severity'?: string };
}

interface SarifRun {
  tool: { driver: { name: string; informationUri: string; version: string; rules: SarifRule[] } };
  results: SarifResult[];
  invocations: {
    executionSuccessful: boolean;
    toolExecutionNotifications: {
      level: 'note' | 'warning';
      message: { text: string };
      locations?: unknown[];
    }[];
  }[];
  originalUriBaseIds?: Record<string, { uri: string }>;
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: 'error' | 'warning' | 'note';
  message: { text: string };
  locations: {
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId?: string };
      region: { startLine: number; startColumn: number; endLine: number; endColumn: number };
    };
  }[];
  partialFingerprints: { primaryLocationLineHash: string };
  properties?: { cwe: string[]; source: string; alsoReportedBy?: string[] };
}

const SECURITY_SEVERITY = { error: '8.0', warning: '5.0', note: '2.0' } as const;

function toUri(file: string, baseDir: string): string {
  return displayPath(file, baseDir).split('/').map(encodeURIComponent).join('/');
}

export function toSarif(
  scans: FileScan[],
  rules: readonly Rule[],
  options: { baseDir?: string; version?: string } = {},
): SarifLog {
  const baseDir = options.baseDir ?? process.cwd();
  const ruleIndex = new Map<string, number>();
  const sarifRules: SarifRule[] = [];
  const ruleFor = (f: Finding): number => {
    const known = ruleIndex.get(f.ruleId);
    if (known !== undefined) return known;
    const def = rules.find((r) => r.id === f.ruleId);
    const primary = f.cwe[0] ?? 'CWE-710';
    const title = def?.title ?? `${cweName(primary)} (${f.source})`;
    sarifRules.push({
      id: f.ruleId,
      name: f.ruleId.replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) =>
        ch ? ch.toUpperCase() : '',
      ),
      shortDescription: { text: title },
      fullDescription: { text: def?.message || f.message || title },
      helpUri: cweHelpUri(primary),
      help: {
        text: `${def?.message || f.message} See ${f.cwe.map((c) => `${c} (${cweName(c)})`).join(', ')}.`,
      },
      defaultConfiguration: { level: def?.severity ?? f.severity },
      properties: {
        tags: ['security', ...f.cwe.map((c) => `external/cwe/${c.toLowerCase()}`)],
        precision: 'medium',
        'security-severity': SECURITY_SEVERITY[def?.severity ?? f.severity],
      },
    });
    ruleIndex.set(f.ruleId, sarifRules.length - 1);
    return sarifRules.length - 1;
  };
  const results: SarifResult[] = [];
  const notifications: SarifRun['invocations'][number]['toolExecutionNotifications'] = [];
  for (const s of scans) {
    const uri = toUri(s.file, baseDir);
    for (const n of s.notes) notifications.push({ level: 'warning', message: { text: `${uri}: ${n}` } });
    const lines = s.source?.split('\n') ?? [];
    for (const f of s.findings) {
      const idx = ruleFor(f);
      const hash = findingFingerprint(f, displayPath(s.file, baseDir), lines[f.span.startLine - 1] ?? '');
      results.push({
        ruleId: f.ruleId,
        ruleIndex: idx,
        level: f.severity,
        message: { text: f.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri, uriBaseId: '%SRCROOT%' },
              region: {
                startLine: f.span.startLine,
                startColumn: f.span.startColumn,
                endLine: f.span.endLine,
                endColumn: Math.max(
                  f.span.endColumn,
                  f.span.endLine === f.span.startLine ? f.span.startColumn + 1 : 1,
                ),
              },
            },
          },
        ],
        partialFingerprints: { primaryLocationLineHash: hash },
        properties: {
          cwe: f.cwe,
          source: f.source,
          ...(f.alsoReportedBy ? { alsoReportedBy: f.alsoReportedBy } : {}),
        },
      });
    }
  }
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'tsp-scan',
            informationUri: 'https://cwe.mitre.org/',
            version: options.version ?? '0.1.0',
            rules: sarifRules,
          },
        },
        originalUriBaseIds: {
          '%SRCROOT%': { uri: `file://${baseDir.endsWith('/') ? baseDir : `${baseDir}/`}` },
        },
        results,
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
      },
    ],
  };
}
