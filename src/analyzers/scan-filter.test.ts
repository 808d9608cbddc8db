import { describe, expect, it } from 'vitest';
import type { Finding } from '../spec/finding.ts';
import type { FileScan } from './scan.ts';
import {
  applyScanFilters,
  createBaseline,
  displayPath,
  keepFinding,
  matchesSelector,
  parseBaseline,
  scanRoot,
} from './scan-filter.ts';

const finding = (
  ruleId: string,
  line: number,
  severity: Finding['severity'] = 'error',
  cwe = 'CWE-89',
): Finding => ({
  cwe: [cwe as Finding['cwe'][number]],
  ruleId,
  source: ruleId.split('.')[0] === 'bandit' ? 'bandit' : 'tsp',
  severity,
  message: 'm',
  span: { startLine: line, startColumn: 1, endLine: line, endColumn: 5, startByte: 0, endByte: 4 },
});

const scan = (file: string, source: string, findings: Finding[]): FileScan => ({
  file,
  language: 'python',
  findings,
  parseErrors: [],
  notes: [],
  source,
  durationMs: 0,
});

describe('scan root and paths', () => {
  it('reports paths relative to the deepest common folder, never with ../', () => {
    const isDir = (p: string) => !p.endsWith('.py');
    expect(scanRoot(['/usr/lib/python3/dist-packages/setuptools'], isDir)).toBe(
      '/usr/lib/python3/dist-packages/setuptools',
    );
    expect(scanRoot(['/srv/a/x.py', '/srv/b/y.py'], isDir)).toBe('/srv');
    expect(scanRoot(['/srv/a/x.py'], isDir)).toBe('/srv/a');
    expect(
      displayPath(
        '/usr/lib/python3/dist-packages/setuptools/dist.py',
        '/usr/lib/python3/dist-packages/setuptools',
      ),
    ).toBe('dist.py');
  });
});

describe('rule selection and severity', () => {
  it('matches ids, prefixes and CWEs', () => {
    const f = finding('py.sql-injection', 1);
    expect(matchesSelector(f, 'py.sql-injection')).toBe(true);
    expect(matchesSelector(f, 'py.*')).toBe(true);
    expect(matchesSelector(f, 'cwe-089')).toBe(true);
    expect(matchesSelector(f, 'CWE-79')).toBe(false);
    expect(matchesSelector(f, 'py.sql')).toBe(false);
  });
  it('keeps what --rules selects, drops --exclude-rules and findings below --min-severity', () => {
    expect(keepFinding(finding('py.a', 1), { rules: ['c.*'] })).toBe(false);
    expect(keepFinding(finding('py.a', 1), { excludeRules: ['py.a'] })).toBe(false);
    expect(keepFinding(finding('py.a', 1, 'note'), { minSeverity: 'warning' })).toBe(false);
    expect(keepFinding(finding('py.a', 1, 'warning'), { minSeverity: 'warning' })).toBe(true);
  });
});

describe('baseline', () => {
  it('suppresses known findings even when lines move, and shows new ones', () => {
    const before = [scan('/p/a.py', 'x = 1\ncur.execute(q)\n', [finding('py.sql-injection', 2)])];
    const base = parseBaseline(JSON.stringify(createBaseline(before, '/p')));
    const after = [
      scan('/p/a.py', '# moved\nx = 1\ncur.execute(q)\ncur.execute(q2)\n', [
        finding('py.sql-injection', 3),
        finding('py.sql-injection', 4),
      ]),
    ];
    expect(applyScanFilters(after, '/p', {}, base)).toBe(1);
    expect(after[0]?.findings.map((f) => f.span.startLine)).toEqual([4]);
  });
  it('rejects a file that is not a baseline', () => {
    expect(() => parseBaseline('{"results": []}')).toThrow(/baseline/);
  });
});
