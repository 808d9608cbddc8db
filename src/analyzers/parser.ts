import { createRequire } from 'node:module';
import { type Language as Grammar, type Node, Parser, type Tree } from 'web-tree-sitter';
import { TspError } from '../spec/errors.ts';
import type { Span } from '../spec/finding.ts';
import type { Language } from '../spec/language.ts';

/**
 * Tree-sitter parsing for the five languages: the runtime and each grammar's own `.wasm` are loaded
 * once per process (lazily, on first use of a language) and the parsers are reused.
 */

const GRAMMAR_PACKAGE: Record<Language, string> = {
  python: 'tree-sitter-python',
  c: 'tree-sitter-c',
  cpp: 'tree-sitter-cpp',
  go: 'tree-sitter-go',
  javascript: 'tree-sitter-javascript',
};

const require = createRequire(import.meta.url);
let runtime: Promise<void> | undefined;
const grammars = new Map<Language, Promise<Grammar>>();
const parsers = new Map<Language, Parser>();

function resolveGrammarWasm(language: Language): string {
  const pkg = GRAMMAR_PACKAGE[language];
  try {
    const dir = require.resolve(`${pkg}/package.json`).replace(/package\.json$/, '');
    return `${dir}${pkg}.wasm`;
  } catch (cause) {
    throw new TspError('missing-tool', `the ${language} grammar package '${pkg}' is not installed`, {
      hint: `run npm install (it provides node_modules/${pkg}/${pkg}.wasm)`,
      cause,
    });
  }
}

/** Loads (once) and returns the tree-sitter grammar of a language. */
export async function loadGrammar(language: Language): Promise<Grammar> {
  let g = grammars.get(language);
  if (!g) {
    runtime ??= Parser.init();
    const { Language: GrammarClass } = await import('web-tree-sitter');
    g = runtime.then(() => GrammarClass.load(resolveGrammarWasm(language)));
    grammars.set(language, g);
    g.catch(() => grammars.delete(language));
  }
  return g;
}

/** Parses source code; the grammar must have been loaded with loadGrammar first. */
export function parseLoaded(language: Language, grammar: Grammar, code: string): Tree {
  let parser = parsers.get(language);
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(grammar);
    parsers.set(language, parser);
  }
  const tree = parser.parse(code);
  if (!tree) throw new TspError('internal', `tree-sitter returned no tree for ${language} input`);
  return tree;
}

export interface ParseError {
  line: number;
  column: number;
  message: string;
}

/** ERROR and MISSING nodes of a tree, as 1-based positions (at most `limit`). */
export function collectParseErrors(tree: Tree, positions: PositionIndex, limit = 20): ParseError[] {
  const out: ParseError[] = [];
  if (!tree.rootNode.hasError) return out;
  const visit = (node: Node): void => {
    if (out.length >= limit) return;
    if (node.isMissing) {
      const p = positions.point(node.startIndex);
      out.push({ line: p.line, column: p.column, message: `missing '${node.type}'` });
      return;
    }
    if (node.type === 'ERROR') {
      const p = positions.point(node.startIndex);
      const snippet = node.text.slice(0, 40).replace(/\s+/g, ' ');
      out.push({ line: p.line, column: p.column, message: `syntax error near '${snippet}'` });
      return;
    }
    if (!node.hasError) return;
    for (const child of node.children) if (child) visit(child);
  };
  visit(tree.rootNode);
  return out;
}

/**
 * Converts web-tree-sitter's UTF-16 indices to the spec's Span: 1-based line and column (the column
 * counts UTF-16 code units, as SARIF does by default) and 0-based UTF-8 byte offsets.
 */
export class PositionIndex {
  private readonly lineStarts: number[] = [0];
  private readonly ascii: boolean;
  private byteAt: Uint32Array | undefined;

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    this.ascii = /^[\u0000-\u007f]*$/.test(text);
  }

  point(index: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= index) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: index - (this.lineStarts[lo] ?? 0) + 1 };
  }

  byte(index: number): number {
    if (this.ascii) return index;
    if (!this.byteAt) {
      const table = new Uint32Array(this.text.length + 1);
      let b = 0;
      for (let i = 0; i < this.text.length; i++) {
        table[i] = b;
        const c = this.text.charCodeAt(i);
        if (c < 0x80) b += 1;
        else if (c < 0x800) b += 2;
        else if (c >= 0xd800 && c <= 0xdbff) {
          // A surrogate pair is 4 UTF-8 bytes: count them on the high half.
          b += 4;
          table[i + 1] = b;
          i++;
        } else b += 3;
      }
      table[this.text.length] = b;
      this.byteAt = table;
    }
    return this.byteAt[Math.min(index, this.text.length)] ?? 0;
  }

  span(start: number, end: number): Span {
    const s = this.point(start);
    const e = this.point(end);
    return {
      startLine: s.line,
      startColumn: s.column,
      endLine: e.line,
      endColumn: e.column,
      startByte: this.byte(start),
      endByte: this.byte(end),
    };
  }

  lineText(line: number): string {
    const start = this.lineStarts[line - 1];
    if (start === undefined) return '';
    const next = this.lineStarts[line];
    return this.text.slice(start, next === undefined ? undefined : next - 1).replace(/\r$/, '');
  }
}
