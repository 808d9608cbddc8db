import { describe, expect, it } from 'vitest';
import { createAnalyzer } from './analyzer.ts';
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
});
