import { describe, expect, it } from 'vitest';
import type { Language } from '../../spec/language.ts';
import { loadGrammar, parseLoaded } from '../parser.ts';
import { guardsAt } from './dominance.ts';
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
});
