import { describe, expect, it } from 'vitest';
import type { Language } from '../../spec/language.ts';
import { loadGrammar, parseLoaded } from '../parser.ts';
import { ALL_RULES } from '../rules/index.ts';
import {
  canonicalCallee,
  FileModel,
  functionAliases,
  macroAliases,
  moduleAliases,
  pointerAliases,
} from './model.ts';
import { compileRules, matchFile } from './run-rules.ts';

describe('FileModel.nodesIn', () => {
  it('answers the root and a function that starts at offset 0 apart (they share a start, not a span)', async () => {
    const grammar = await loadGrammar('c');
    const code = 'int f(int a) { return g(a); }\nint h(void) { return k(1) + m(2); }\n';
    const tree = parseLoaded('c', grammar, code);
    const { indexed } = matchFile(compileRules(ALL_RULES, 'c', grammar), tree, code);
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

/** The calls a file's model reads, as `callee(arg, ...)` with the argument texts. */
async function callsOf(language: Language, code: string): Promise<string[]> {
  const grammar = await loadGrammar(language);
  const tree = parseLoaded(language, grammar, code);
  const { indexed } = matchFile(compileRules(ALL_RULES, language, grammar), tree, code);
  const model = new FileModel(language, tree, code, indexed);
  return model.calls.map((c) => `${c.calleeText}(${c.args.map((a) => a.text).join(', ')})`);
}

describe('other spellings of a call (red team, thirteenth session)', () => {
  it('spells out names reached by constant text, and only those', () => {
    expect(canonicalCallee("fs['readFile'+'Sync']", 'javascript')).toBe('fs.readFileSync');
    expect(canonicalCallee("require('util')['for'+'mat']", 'javascript')).toBe('util.format');
    expect(canonicalCallee("process.mainModule.require('node:fs').readFileSync", 'javascript')).toBe(
      'fs.readFileSync',
    );
    expect(canonicalCallee("require('./local').run", 'javascript')).toBe("require('./local').run");
    expect(canonicalCallee("globalThis['ev'+'al']", 'javascript')).toBe('eval');
    expect(canonicalCallee("getattr(__import__('o'+'s'),'sys'+'tem')", 'python')).toBe('os.system');
    expect(canonicalCallee("importlib.import_module('builtins').open", 'python')).toBe('open');
    expect(canonicalCallee('builtins.open', 'python')).toBe('open');
    // a dispatch table: what it calls is not in the text
    expect(canonicalCallee('ops[name]', 'javascript')).toBe('ops[name]');
    expect(canonicalCallee('getattr(obj,name)', 'python')).toBe('getattr(obj,name)');
  });

  it('reads modules and functions under other names', () => {
    expect(
      Object.fromEntries(moduleAliases('import os as o, sys\nimport os.path as op\n', 'python')),
    ).toEqual({
      o: 'os',
      op: 'os.path',
    });
    expect(
      Object.fromEntries(
        moduleAliases('import (\n\to2 "os"\n\tcrand "crypto/rand"\n\ttt "text/template"\n\t"fmt"\n)\n', 'go'),
      ),
    ).toEqual({ o2: 'os' });
    expect(
      Object.fromEntries(
        moduleAliases("const u = require('util');\nconst x = require('lodash');\n", 'javascript'),
      ),
    ).toEqual({
      u: 'util',
    });
    expect(Object.fromEntries(moduleAliases('namespace fs2 = std::filesystem;\n', 'cpp'))).toEqual({
      fs2: 'std::filesystem',
    });
    expect(
      Object.fromEntries(
        functionAliases(
          "from builtins import open as o\nfrom os import system as s, path\ng = getattr(os, 'sys' + 'tem')\n",
          'python',
        ),
      ),
    ).toEqual({ o: 'open', s: 'os.system', g: 'os.system' });
    expect(
      Object.fromEntries(
        functionAliases(
          "const { readFileSync: rd } = fs;\nconst { exec: run } = require('child_process');\nconst { format } = require('util');\nconst b = fs.readFileSync.bind(fs);\n",
          'javascript',
        ),
      ),
    ).toEqual({
      rd: 'fs.readFileSync',
      run: 'child_process.exec',
      format: 'util.format',
      b: 'fs.readFileSync',
    });
    expect(
      Object.fromEntries(functionAliases('\tvar rf func(string) ([]byte, error) = os.ReadFile\n', 'go')),
    ).toEqual({
      rf: 'os.ReadFile',
    });
    expect(
      Object.fromEntries(
        pointerAliases(
          'FILE *(*op)(const char *, const char *) = fopen;\nopener_t op2 = &fopen;\nint n = m;\nn = 2;\n',
        ),
      ),
    ).toEqual({ op: 'fopen', op2: 'fopen' });
    expect(Object.fromEntries(macroAliases('#define OPENIT(p) fopen(p, "r")\n'))).toEqual({
      OPENIT: 'fopen',
    });
  });

  it('reads a function applied through call, apply, Reflect.apply, partial and methodcaller', async () => {
    const js = await callsOf(
      'javascript',
      "function f(p) {\n  fs.readFileSync.call(fs, p, 'utf8');\n  fs.readFileSync.apply(fs, [p]);\n  Reflect.apply(fs.readFileSync, fs, [p]);\n  (0, fs.readFileSync)(p);\n  const u = require('util');\n  u.format('%s', p);\n}\n",
    );
    expect(js).toEqual(
      expect.arrayContaining(["fs.readFileSync(p, 'utf8')", 'fs.readFileSync(p)', "util.format('%s', p)"]),
    );
    expect(js.filter((c) => c === 'fs.readFileSync(p)')).toHaveLength(3);
    const proto = await callsOf(
      'javascript',
      "function f(v) {\n  return Array.prototype.join.call(['<p>', v], '');\n}\n",
    );
    expect(proto).toContain("Array.prototype.join('')");
    const py = await callsOf(
      'python',
      "import functools, operator\ndef f(p):\n    functools.partial(open, p)()\n    open.__call__(p)\n    operator.methodcaller('read_text')(p)\n",
    );
    expect(py).toEqual(expect.arrayContaining(['open(p)', 'p.read_text()']));
    expect(py.filter((c) => c === 'open(p)')).toHaveLength(2);
  });

  it('reads an element of a table of functions and a function bound and called in place (red team, seventeenth session)', async () => {
    const js = await callsOf(
      'javascript',
      "const util = require('util');\nfunction f(t, u) {\n  const ops = [util.format, fs.readFileSync];\n  ops[0](t, u);\n  ops[1](t);\n  util.format.bind(null, t)(u);\n}\n",
    );
    expect(js).toEqual(expect.arrayContaining(['util.format(t, u)', 'fs.readFileSync(t)']));
    expect(js.filter((c) => c === 'util.format(t, u)')).toHaveLength(2);
    const c = await callsOf(
      'c',
      '#include <stdio.h>\nvoid f(char *o, size_t n, const char *d) {\n  int (*fs[])(char *, size_t, const char *, ...) = { puts2, snprintf };\n  fs[1](o, n, d);\n}\n',
    );
    expect(c).toContain('snprintf(o, n, d)');
    // a table bound twice is not read
    const twice = await callsOf(
      'javascript',
      'function f(t) {\n  let ops = [util.format];\n  ops = [String];\n  ops[0](t);\n}\n',
    );
    expect(twice).not.toContain('util.format(t)');
  });

  it('reads a call of a function that only passes its parameters on as the calls inside it', async () => {
    const py = await callsOf(
      'python',
      'import os\ndef rd(p):\n    with open(p) as f:\n        return f.read()\ndef get(base, name):\n    return rd(os.path.join(base, name))\n',
    );
    expect(py).toContain('open(os.path.join(base, name))');
    const js = await callsOf(
      'javascript',
      "function get(base, name) {\n  const rd = (p) => fs.readFileSync(p, 'utf8');\n  return rd(base + name);\n}\n",
    );
    expect(js).toContain("fs.readFileSync(base + name, 'utf8')");
    const go = await callsOf(
      'go',
      'package main\nfunc get(base, name string) ([]byte, error) {\n\trd := func(p string) ([]byte, error) { return os.ReadFile(p) }\n\treturn rd(base + name)\n}\n',
    );
    expect(go).toContain('os.ReadFile(base + name)');
    const c = await callsOf(
      'c',
      'static FILE *op(const char *p) { return fopen(p, "r"); }\nFILE *get(char *path) { return op(path); }\n',
    );
    expect(c).toContain('fopen(path, "r")');
    // A function with a check of its own is not read through: the check may confine the value.
    const checked = await callsOf(
      'python',
      "import os\ndef rd(p):\n    if '..' in p:\n        return None\n    with open(p) as f:\n        return f.read()\ndef get(base, name):\n    return rd(os.path.join(base, name))\n",
    );
    expect(checked).not.toContain('open(os.path.join(base, name))');
  });
});

describe('bindings the model reads (red team, fifteenth session)', () => {
  async function bindings(language: Language, code: string, name: string): Promise<string[]> {
    const grammar = await loadGrammar(language);
    const tree = parseLoaded(language, grammar, code);
    const { indexed } = matchFile(compileRules(ALL_RULES, language, grammar), tree, code);
    const model = new FileModel(language, tree, code, indexed);
    return [model.topLevel, ...model.functions].flatMap((s) =>
      (s.bindings.get(name) ?? []).map(
        (b) => `${s === model.topLevel ? 'top' : s.node.type}:${b.kind}:${b.value?.text}`,
      ),
    );
  }
  it("binds the name of Python's `with ... as`", async () =>
    expect(
      await bindings('python', 'def f(p):\n    with open(p) as fh:\n        return fh.read()\n', 'fh'),
    ).toEqual(['function_definition:assign:open(p)']));
  it('binds a Python object written into by element, attribute or setattr as an addition', async () => {
    const code =
      "def f(a, b, c):\n    d = {}\n    d['k'] = a\n    d.x = b\n    setattr(d, 'y', c)\n    return d\n";
    expect(await bindings('python', code, 'd')).toEqual([
      'function_definition:assign:{}',
      'function_definition:augment:a',
      'function_definition:augment:b',
      "function_definition:augment:setattr(d, 'y', c)",
    ]);
  });
  it("binds a Python closure's nonlocal assignment in the enclosing function too", async () =>
    expect(
      await bindings(
        'python',
        "def f(u):\n    r = '/'\n    def s():\n        nonlocal r\n        r = u\n    s()\n    return r\n",
        'r',
      ),
    ).toEqual([
      "function_definition:assign:'/'",
      'function_definition:augment:u',
      'function_definition:assign:u',
    ]));
  it("binds a Go closure's assignment of an outer variable in the enclosing function too", async () =>
    expect(
      await bindings(
        'go',
        'package main\n\nfunc f(u string) string {\n\tr := "/"\n\tfunc() { r = u }()\n\treturn r\n}\n',
        'r',
      ),
    ).toEqual([
      'function_declaration:assign:"/"',
      'function_declaration:augment:u',
      'func_literal:assign:u',
    ]));
  it("binds a JavaScript closure's assignment of an outer variable in the enclosing function too", async () =>
    expect(
      await bindings(
        'javascript',
        "function f(u) {\n  let r = '/';\n  (() => { r = u; })();\n  return r;\n}\n",
        'r',
      ),
    ).toEqual([
      "function_declaration:assign:'/'",
      'function_declaration:augment:u',
      'arrow_function:assign:u',
    ]));
  it("keeps a Go closure's own variable to itself", async () =>
    expect(
      await bindings(
        'go',
        'package main\n\nfunc f(u string) string {\n\tr := "/"\n\tfunc() { r := u; _ = r }()\n\treturn r\n}\n',
        'r',
      ),
    ).toEqual(['function_declaration:assign:"/"', 'func_literal:assign:u']));
});
