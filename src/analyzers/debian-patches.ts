import type { Node } from 'web-tree-sitter';
import { diffLines } from '../core/line-diff.ts';
import type { Language } from '../spec/language.ts';
import { loadGrammar, parseLoaded } from './parser.ts';

/**
 * The pure half of the Debian security-patch corpus (debian-cve-quality.ts does the I/O): reading a
 * quilt series, the CVE ids a patch names, the files it touches, and the functions a change alters
 * (the smallest function definition enclosing each changed region, on both sides).
 */

export interface SeriesEntry {
  patch: string;
  /** The -pN level (quilt's default is 1). */
  strip: number;
}

/** `debian/patches/series`: one patch per line, `#` comments, an optional `-pN`. */
export function parseSeries(text: string): SeriesEntry[] {
  const out: SeriesEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) continue;
    const [patch, ...opts] = line.split(/\s+/);
    if (!patch) continue;
    const p = opts.find((o) => /^-p\d+$/.test(o));
    out.push({ patch, strip: p ? Number(p.slice(2)) : 1 });
  }
  return out;
}

/** The DEP-3 header: everything before the first file diff. */
export function patchHeader(text: string): string {
  const m = /^(?:diff |Index: |--- |=====)/m.exec(text);
  return m ? text.slice(0, m.index) : text;
}

const CVE_RE = /CVE-(\d{4})-(\d{4,7})/gi;

/**
 * The CVE ids a patch is about: those in its file name first (Debian names patches after the CVE
 * they fix), then those in its header, in order of appearance, de-duplicated.
 */
export function cvesOfPatch(name: string, text: string): string[] {
  const seen = new Set<string>();
  for (const src of [name, patchHeader(text)])
    for (const m of src.matchAll(CVE_RE)) seen.add(`CVE-${m[1]}-${m[2]}`);
  return [...seen];
}

/** The files a unified diff changes, with the strip level applied to the new side's name. */
export function filesOfPatch(text: string, strip: number): string[] {
  const out = new Set<string>();
  const lines = text.split('\n');
  for (let i = 0; i + 1 < lines.length; i++) {
    const a = lines[i] ?? '';
    const b = lines[i + 1] ?? '';
    if (!a.startsWith('--- ') || !b.startsWith('+++ ')) continue;
    const pick = (l: string) => l.slice(4).split('\t')[0]?.trim() ?? '';
    let name = pick(b);
    if (name === '/dev/null') name = pick(a);
    const parts = name.split('/').slice(strip);
    if (parts.length && !parts.includes('..')) out.add(parts.join('/'));
  }
  return [...out];
}

const EXT_LANGUAGE: Record<string, Language> = {
  c: 'c',
  cc: 'cpp',
  cpp: 'cpp',
  cxx: 'cpp',
  'c++': 'cpp',
  hpp: 'cpp',
  hh: 'cpp',
  py: 'python',
  go: 'go',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
};

/**
 * The language of a source file; `.h` follows the package's main language (C++ packages keep
 * their classes in headers). Tests, fuzzers and examples are left out: a fix pair is about code
 * that ships.
 */
export function languageOfFile(path: string, packageLanguage: Language): Language | undefined {
  if (isTestPath(path)) return undefined;
  const ext = path.split('.').pop()?.toLowerCase() ?? '';
  if (ext === 'h') return packageLanguage === 'cpp' ? 'cpp' : packageLanguage === 'c' ? 'c' : undefined;
  return EXT_LANGUAGE[ext];
}

/** Tests, fuzzers, examples and benchmarks (by directory or by file name). */
export function isTestPath(path: string): boolean {
  if (/(^|\/)(tests?|testsuite|testdir|regress|fuzz|fuzzing|oss-fuzz|examples?|benchmarks?)\//i.test(path))
    return true;
  const base = path.split('/').pop() ?? '';
  return /^test[-_]|[-_.]test\.[a-z+]+$|_test\.(go|py)$|\.min\.js$/i.test(base);
}

const FUNCTION_TYPES: Record<Language, ReadonlySet<string>> = {
  c: new Set(['function_definition']),
  cpp: new Set(['function_definition']),
  python: new Set(['function_definition']),
  go: new Set(['function_declaration', 'method_declaration', 'func_literal']),
  javascript: new Set([
    'function_declaration',
    'generator_function_declaration',
    'function_expression',
    'function',
    'arrow_function',
    'method_definition',
  ]),
};

interface FunctionSpan {
  name: string;
  startLine: number;
  endLine: number;
  text: string;
}

/** The name a function definition declares (`Class::method` for C++ out-of-class methods). */
function functionName(node: Node, language: Language): string | undefined {
  if (language === 'c' || language === 'cpp') {
    let d: Node | null = node.childForFieldName('declarator');
    while (
      d &&
      d.type !== 'identifier' &&
      d.type !== 'field_identifier' &&
      d.type !== 'qualified_identifier'
    ) {
      if (d.type === 'destructor_name' || d.type === 'operator_name') return d.text;
      d =
        d.childForFieldName('declarator') ??
        d.namedChildren.find((c) => c?.type.endsWith('declarator')) ??
        null;
    }
    return d?.text;
  }
  const own = node.childForFieldName('name');
  if (own) return own.text;
  // An anonymous function takes the name it is bound to (`const f = () => ...`, `obj.f = function`).
  const parent = node.parent;
  if (!parent) return undefined;
  if (parent.type === 'variable_declarator') return parent.childForFieldName('name')?.text;
  if (parent.type === 'assignment_expression') return parent.childForFieldName('left')?.text;
  if (parent.type === 'pair') return parent.childForFieldName('key')?.text;
  return undefined;
}

async function functionsOf(code: string, language: Language): Promise<FunctionSpan[]> {
  const tree = parseLoaded(language, await loadGrammar(language), code);
  const types = FUNCTION_TYPES[language];
  const out: FunctionSpan[] = [];
  try {
    const visit = (node: Node): void => {
      if (types.has(node.type)) {
        const name = functionName(node, language);
        if (name)
          out.push({
            name,
            startLine: node.startPosition.row + 1,
            endLine: node.endPosition.row + 1,
            text: code.slice(node.startIndex, node.endIndex),
          });
      }
      for (const c of node.namedChildren) if (c) visit(c);
    };
    visit(tree.rootNode);
  } finally {
    tree.delete();
  }
  return out;
}

/** The smallest function containing lines [from, to]. */
function smallestEnclosing(fns: FunctionSpan[], from: number, to: number): FunctionSpan | undefined {
  let best: FunctionSpan | undefined;
  for (const f of fns)
    if (
      f.startLine <= from &&
      f.endLine >= to &&
      (!best || f.endLine - f.startLine < best.endLine - best.startLine)
    )
      best = f;
  return best;
}

export interface FunctionChange {
  name: string;
  before: string;
  after: string;
}

/**
 * The functions a change alters: for each changed region, the smallest function definition that
 * encloses it on the old side and on the new side; a function is kept when both sides have it (by
 * name; the nearest by line when a name repeats) and its text changed. Regions outside any function
 * (declarations, macros, new functions) give nothing.
 */
export async function changedFunctions(
  before: string,
  after: string,
  language: Language,
): Promise<FunctionChange[]> {
  const oldLines = before.split('\n');
  const newLines = after.split('\n');
  const hunks = diffLines(oldLines, newLines);
  if (!hunks.length) return [];
  const [oldFns, newFns] = [await functionsOf(before, language), await functionsOf(after, language)];
  const touched = new Map<string, { old?: FunctionSpan; neu?: FunctionSpan }>();
  const note = (side: 'old' | 'neu', f: FunctionSpan | undefined) => {
    if (!f) return;
    const key = `${f.name}`;
    const e = touched.get(key) ?? {};
    if (!e[side]) e[side] = f;
    touched.set(key, e);
  };
  for (const h of hunks) {
    // An insertion touches the function around its position (the line before and the line after).
    const oldFrom = h.oldCount ? h.oldStart : Math.max(1, h.oldStart - 1);
    const oldTo = h.oldCount ? h.oldStart + h.oldCount - 1 : h.oldStart;
    const newFrom = h.newCount ? h.newStart : Math.max(1, h.newStart - 1);
    const newTo = h.newCount ? h.newStart + h.newCount - 1 : h.newStart;
    // Each end on its own: a region may run from one function into the next.
    for (const l of [oldFrom, oldTo]) note('old', smallestEnclosing(oldFns, l, l));
    for (const l of [newFrom, newTo]) note('neu', smallestEnclosing(newFns, l, l));
  }
  const out: FunctionChange[] = [];
  for (const [name, e] of touched) {
    const nearest = (fns: FunctionSpan[], line: number) =>
      fns
        .filter((f) => f.name === name)
        .sort((x, y) => Math.abs(x.startLine - line) - Math.abs(y.startLine - line))[0];
    const o = e.old ?? nearest(oldFns, e.neu?.startLine ?? 0);
    const n = e.neu ?? nearest(newFns, e.old?.startLine ?? 0);
    if (!o || !n || o.text === n.text) continue;
    out.push({ name, before: o.text, after: n.text });
  }
  return out;
}
