import { describe, expect, it } from 'vitest';
import type { Finding } from '../spec/finding.ts';
import { createAnalyzer } from './analyzer.ts';
import { externalOption, fromSources, sourceOption } from './cweval-quality.ts';
import { dedent, type FixPair, measureSafeCoder, splitOf } from './safecoder-quality.ts';

describe('SafeCoder scorer', () => {
  it('dedents methods cut out of a class', () => {
    expect(dedent('    def f(self):\n        return 1\n')).toBe('def f(self):\n    return 1\n');
    expect(dedent('x = 1\n')).toBe('x = 1\n');
  });

  it('splits records by a stable hash, about 60% dev', () => {
    expect(splitOf('github.com/a/b#f')).toBe(splitOf('github.com/a/b#f'));
    const dev = Array.from({ length: 1000 }, (_, i) => splitOf(`k${i}`)).filter((s) => s === 'dev').length;
    expect(dev).toBeGreaterThan(520);
    expect(dev).toBeLessThan(680);
  });

  it('counts recall, fixed-side flags and findings gone after the fix', async () => {
    const pair = (before: string, after: string): FixPair => ({
      id: 'x',
      language: 'python',
      cwe: 'CWE-089',
      split: 'dev',
      before,
      after,
    });
    const { rows } = await measureSafeCoder(
      [
        pair(
          'def f(cur, n):\n    cur.execute("SELECT * FROM t WHERE n = \'%s\'" % n)\n',
          'def f(cur, n):\n    cur.execute("SELECT * FROM t WHERE n = ?", (n,))\n',
        ),
        pair('def g(x):\n    return x\n', 'def g(x):\n    return x\n'),
      ],
      await createAnalyzer(),
    );
    const py = rows.find((r) => r.language === 'python');
    expect(py).toMatchObject({ pairs: 2, detected: 1, fixedFlagged: 0, gone: 1 });
  });

  it('reads --external [names] and scores findings by their origin', () => {
    expect(externalOption(['--split', 'dev'])).toBe(false);
    expect(externalOption(['--external', '--verbose'])).toBe(true);
    expect(externalOption(['--external', 'clang,cppcheck'])).toEqual(['clang', 'cppcheck']);
    expect(sourceOption(['--sources', 'external'])).toBe('external');
    expect(sourceOption(['--sources', 'nonsense'])).toBe('all');
    const at = { startLine: 1, startColumn: 1, endLine: 1, endColumn: 2, startByte: 0, endByte: 1 };
    const f = (source: string, also?: string[]): Finding => ({
      cwe: ['CWE-416'],
      ruleId: `${source}.x`,
      source,
      severity: 'error',
      message: '',
      span: at,
      ...(also ? { alsoReportedBy: also } : {}),
    });
    const all = [f('tsp'), f('tsp', ['clang']), f('clang')];
    expect(fromSources(all, 'all')).toHaveLength(3);
    expect(fromSources(all, 'tsp')).toHaveLength(2);
    // A TSP finding that clang also reported counts for clang.
    expect(fromSources(all, 'external')).toEqual([all[1], all[2]]);
  });
});
