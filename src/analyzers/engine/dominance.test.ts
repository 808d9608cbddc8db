import { describe, expect, it } from 'vitest';
import type { Language } from '../../spec/language.ts';
import { loadGrammar, parseLoaded } from '../parser.ts';
import { comparisonsOf, decided, excludesNegative, excludesZero, guardsAt } from './dominance.ts';
import { PROFILES } from './profiles.ts';

/** The guards (as `text` or `!text`) of the `n`-th node whose text is `at`. */
async function guards(language: Language, code: string, at: string, n = 0): Promise<string[]> {
  const tree = parseLoaded(language, await loadGrammar(language), code);
  const found: NonNullable<ReturnType<typeof tree.rootNode.child>>[] = [];
  const walk = (node: NonNullable<ReturnType<typeof tree.rootNode.child>>) => {
    if (node.text === at && /statement$/.test(node.type)) found.push(node);
    for (const c of node.namedChildren) if (c) walk(c);
  };
  walk(tree.rootNode);
  const use = found[n];
  if (!use) throw new Error(`no statement ${at}`);
  let fn = use.parent;
  while (fn && !PROFILES[language].functionTypes.has(fn.type)) fn = fn.parent;
  if (!fn) throw new Error('no function');
  return guardsAt(use, fn, PROFILES[language], language).map((g) =>
    g.holds ? g.node.text : `!${g.node.text}`,
  );
}

describe('guardsAt: the conditions that decide whether a statement runs', () => {
  it('a check later in the text does not guard an earlier return (the dormant-backdoor shape)', async () => {
    const code = [
      'def f(x):',
      "    if x.endswith('K'):",
      '        return x',
      "    if not x.startswith('/'):",
      "        return '/'",
      '    return x',
      '',
    ].join('\n');
    expect(await guards('python', code, 'return x', 0)).toEqual(["x.endswith('K')"]);
    expect(await guards('python', code, 'return x', 1)).toEqual([
      "!x.endswith('K')",
      "!not x.startswith('/')",
    ]);
  });

  it('an elif chain, an else, asserts, and a loop that refuses by raising', async () => {
    const code = [
      'def f(a, n, xs):',
      '    assert n > 0',
      '    for x in xs:',
      "        if x.startswith('-'):",
      '            raise ValueError(x)',
      '    if a:',
      '        pass',
      '    elif n < 3:',
      '        return 1',
      '    else:',
      '        return 2',
      '',
    ].join('\n');
    expect(await guards('python', code, 'return 1')).toEqual(['n < 3', '!a', 'n > 0', "!x.startswith('-')"]);
    expect(await guards('python', code, 'return 2')).toEqual(['!a', '!n < 3', 'n > 0', "!x.startswith('-')"]);
  });

  it('a branch that does not leave is no guard of what follows it (the skipped-check shape)', async () => {
    const code = [
      'def f(t, n):',
      '    if t > 9:',
      '        pass',
      '    elif n <= 0:',
      '        return 0',
      '    return t // n',
      '',
    ].join('\n');
    expect(await guards('python', code, 'return t // n')).toEqual([]);
  });

  it('JavaScript: early exits, else branches and short-circuit sides', async () => {
    const code = [
      'function f(x, i, fast) {',
      '  if (fast) return x[i];',
      '  if (i < 0 || i >= x.length) {',
      '    return null;',
      '  } else {',
      '    return x[i];',
      '  }',
      '}',
      '',
    ].join('\n');
    expect(await guards('javascript', code, 'return x[i];', 0)).toEqual(['fast']);
    expect(await guards('javascript', code, 'return x[i];', 1)).toEqual(['!i < 0 || i >= x.length', '!fast']);
  });

  it('a loop counts as a refusal only of its own elements, and names the collection it walked', async () => {
    const code = [
      'def f(d, names, other):',
      '    for n in ():',
      "        if other.startswith('-'):",
      '            raise ValueError(n)',
      '    for n in names:',
      "        if n.startswith('-'):",
      '            raise ValueError(n)',
      '    return run(d, names)',
      '',
    ].join('\n');
    const tree = parseLoaded('python', await loadGrammar('python'), code);
    const fn = tree.rootNode.namedChildren[0];
    const use = fn?.childForFieldName('body')?.namedChildren[2];
    if (!fn || !use) throw new Error('parse');
    const gs = guardsAt(use, fn, PROFILES.python, 'python');
    // the first loop's test speaks of `other`, which an empty tuple never tests
    expect(gs.map((g) => [g.node.text, g.holds, g.over?.collection.text, g.over?.element])).toEqual([
      ["n.startswith('-')", false, 'names', 'n'],
    ]);
  });

  it('Go: a range loop that refuses, and a for loop condition', async () => {
    const code = [
      'package main',
      '',
      'func f(xs []string, n int) int {',
      '\tfor _, x := range xs {',
      '\t\tif x == "" {',
      '\t\t\treturn 0',
      '\t\t}',
      '\t}',
      '\tfor i := 0; i < n; i++ {',
      '\t\tuse(i)',
      '\t}',
      '\treturn 1',
      '}',
      '',
    ].join('\n');
    expect(await guards('go', code, 'use(i)')).toEqual(['i < n', '!x == ""']);
  });
});

describe('decided and comparisonsOf: a condition read with its value where the use runs', () => {
  async function expr(language: Language, code: string, text: string) {
    const tree = parseLoaded(language, await loadGrammar(language), code);
    const hit = tree.rootNode
      .descendantsOfType(['comparison_operator', 'binary_expression', 'boolean_operator'])
      .find((n) => n?.text === text);
    if (!hit) throw new Error(`no ${text}`);
    return hit;
  }
  const nonzero = (x: Parameters<typeof comparisonsOf>[0], holds: boolean) =>
    comparisonsOf(x, holds, 'n').some(excludesZero);

  it('an equality with zero excludes it where it fails, not where it holds', async () => {
    const c = await expr('python', 'if n == 0 and t == 7:\n    pass\n', 'n == 0 and t == 7');
    expect(decided(c, true, nonzero)).toBe(false);
    expect(decided(c, false, nonzero)).toBe(false); // one side fails: which is unknown
    const d = await expr('python', 'if n == 0 or t == 7:\n    pass\n', 'n == 0 or t == 7');
    expect(decided(d, false, nonzero)).toBe(true);
  });

  it('comparisons are read from either side and through chains that hold', async () => {
    const a = await expr('python', 'x = 0 <= n < len(xs)\n', '0 <= n < len(xs)');
    expect(comparisonsOf(a, true, 'n')).toEqual([{ op: '>=', value: 0 }]);
    expect(comparisonsOf(a, false, 'n')).toEqual([]);
    const b = await expr('javascript', 'if (-1 < n) {}\n', '-1 < n');
    expect(comparisonsOf(b, true, 'n').some(excludesNegative)).toBe(true);
    expect(comparisonsOf(b, false, 'n').some(excludesNegative)).toBe(false);
    const c = await expr('c', 'int f(int n) { if (n < 0) return 0; return n; }\n', 'n < 0');
    expect(comparisonsOf(c, false, 'n')).toEqual([{ op: '>=', value: 0 }]);
    expect(comparisonsOf(c, true, 'n').some(excludesNegative)).toBe(false);
  });
});
