import { describe, expect, it } from 'vitest';
import { loadGrammar, parseLoaded } from '../parser.ts';
import { ALL_RULES } from '../rules/index.ts';
import { FileModel, functionAliases, macroAliases } from './model.ts';
import { compileRules, matchFile } from './run-rules.ts';

describe('FileModel.nodesIn', () => {
  it('answers the root and a function that starts at offset 0 apart (they share a start, not a span)', async () => {
    const grammar = await loadGrammar('c');
    const code = 'int f(int a) { return g(a); }\nint h(void) { return k(1) + m(2); }\n';
    const tree = parseLoaded('c', grammar, code);
    const { indexed } = matchFile(compileRules(ALL_RULES, 'c', grammar), tree);
    const model = new FileModel('c', tree, code, indexed);
    const first = tree.rootNode.namedChildren[0];
    if (!first) throw new Error('no function');
    expect(first.startIndex).toBe(0);
    const callees = (node: typeof first) =>
      model.nodesIn(node, ['call_expression']).map((c) => c.childForFieldName('function')?.text);
    // Asked about the whole file first, then about the first function (the order that went wrong).
    expect(callees(tree.rootNode)).toEqual(['g', 'k', 'm']);
    expect(callees(first)).toEqual(['g']);
  });
});

describe('macroAliases (C/C++ macros that only rename a function)', () => {
  it('reads object-like and parameter-forwarding function-like renames, through chains', () => {
    const src = [
      '#define RUN system',
      '#  define SH(x) system(x)',
      '#define RUN2 RUN',
      '#define CP(a, b) strcpy((a), (b))',
      '#define SWAP(a, b) memcpy(b, a, 8)',
      '#define N 16',
      '#define ALLOC(n) malloc(n * 2)',
    ].join('\n');
    const m = macroAliases(src);
    expect(Object.fromEntries(m)).toEqual({ RUN: 'system', SH: 'system', RUN2: 'system', CP: 'strcpy' });
  });
});

describe('functionAliases (a call through another name for a function)', () => {
  it('reads names bound once to a name or a dotted name, through chains', () => {
    const py = ['o = open', 'run = subprocess.run', 'r2 = run', 'n = 3', 'x = y', 'x = z', 'f = g()'].join(
      '\n',
    );
    expect(Object.fromEntries(functionAliases(py, 'python'))).toEqual({
      o: 'open',
      run: 'subprocess.run',
      r2: 'subprocess.run',
    });
    const js = [
      'const rd = fs.readFileSync;',
      'let ex = cp.execSync',
      'const ok = true;',
      'var v = a.b.c;',
    ].join('\n');
    expect(Object.fromEntries(functionAliases(js, 'javascript'))).toEqual({
      rd: 'fs.readFileSync',
      ex: 'cp.execSync',
      v: 'a.b.c',
    });
    expect(
      Object.fromEntries(functionAliases('\tc := exec.Command\n\tc = nil\n\td := os.Open\n', 'go')),
    ).toEqual({
      d: 'os.Open',
    });
  });
});
