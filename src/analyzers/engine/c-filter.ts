import type { Node } from 'web-tree-sitter';

/**
 * A C or C++ function that copies text with some characters filtered out, read from its body (the
 * oracle's static evidence, where a helper the program wrote is trusted by what it does, not by its
 * name): CWEval's `html_escape` (a switch on each character that writes an entity for `&`, `<`,
 * `>`, `"`, `'` and copies the others) and its log sanitizer (`if (ch == '\n' || ch == '\r') out +=
 * ' '; else out += ch;`).
 *
 * Verified when everything the function writes is either literal text free of the filtered
 * characters (an HTML entity `&...;` allowed where `&` is filtered) or exactly the character a
 * `switch` or an `if` chain tested, where that test rules out every filtered character: the
 * `default` of a switch with a `case` for each of them (each ending with `break`, `continue` or
 * `return`: none falls into the default), or the `else` of conditions `c == 'x' || ...`, or the
 * branch of `c != 'x' && ...`. Writes are stores through a pointer or an index, the C copies and
 * formats, and, in C++, `+=`, `append`, `push_back`, `insert` and the initial value of a string.
 * Any other call (a helper that could write the output) and any returned value other than a null
 * pointer or a local the function allocated (C: `malloc`/`calloc`/`realloc`; C++: a string
 * declared empty or from a literal) leave it unverified.
 */
export function filtersCharacters(fn: Node, banned: readonly string[], language: 'c' | 'cpp'): boolean {
  let memo = MEMO.get(fn.tree);
  if (!memo) {
    memo = new Map();
    MEMO.set(fn.tree, memo);
  }
  const key = `${fn.id}:${banned.join('')}`;
  const known = memo.get(key);
  if (known !== undefined) return known;
  const ok = readFilter(fn, banned, language);
  memo.set(key, ok);
  return ok;
}
const MEMO = new WeakMap<object, Map<string, boolean>>();

function readFilter(fn: Node, banned: readonly string[], language: 'c' | 'cpp'): boolean {
  const body = fn.childForFieldName('body');
  if (!body) return false;
  const types = declaredTypes(body);
  const nodes = descendants(body);
  for (const n of nodes) {
    switch (n.type) {
      case 'call_expression': {
        const name = calleeName(n);
        const args = (n.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a);
        if (HARMLESS.test(name)) continue;
        const first = C_COPIES[name];
        const method = n.childForFieldName('function')?.type === 'field_expression';
        if (first !== undefined && !method) {
          // (the size arguments of memcpy/strncat/snprintf are no data)
          const data =
            name === 'snprintf' || name === 'sprintf' ? args.slice(first) : args.slice(first, first + 1);
          if (!data.every((d) => writesSafely(d, n, banned))) return false;
          continue;
        }
        if (language === 'cpp' && method && CPP_WRITES.test(name)) {
          if (!args.every((d) => writesSafely(d, n, banned))) return false;
          continue;
        }
        return false;
      }
      case 'assignment_expression': {
        const left = n.childForFieldName('left');
        const right = n.childForFieldName('right');
        const op =
          n.childForFieldName('operator')?.text ?? n.children.find((c) => c && /=$/.test(c.type))?.text;
        if (!left || !right) return false;
        const memory = /^(?:pointer_expression|subscript_expression|field_expression)$/.test(left.type);
        const stringVar =
          language === 'cpp' && left.type === 'identifier' && STRING_TYPE.test(types.get(left.text) ?? '');
        const appends = language === 'cpp' && op === '+=' && left.type === 'identifier';
        if ((memory || stringVar || appends) && !writesSafely(right, n, banned)) return false;
        continue;
      }
      case 'init_declarator': {
        const value = n.childForFieldName('value');
        const name = innermostName(n.childForFieldName('declarator'));
        if (
          language === 'cpp' &&
          value &&
          name &&
          STRING_OR_AUTO.test(types.get(name) ?? '') &&
          !writesSafely(value, n, banned)
        )
          return false;
        continue;
      }
      case 'return_statement': {
        const v = unwrap(n.namedChildren.find((c) => c && c.type !== 'comment') ?? null);
        if (!v || /^(?:null|nullptr|NULL|0)$/.test(v.text)) continue;
        if (v.type !== 'identifier' || !types.has(v.text)) return false;
        if (!freshLocal(v.text, types.get(v.text) ?? '', nodes, language)) return false;
        continue;
      }
    }
  }
  return true;
}

/** Characters each kind's filter keeps out of the text. */
export const FILTERED = {
  html: ['&', '<', '>', '"', "'"],
  log: ['\n', '\r'],
} as const;

const C_COPIES: Record<string, number> = {
  strcpy: 1,
  strncpy: 1,
  stpcpy: 1,
  strlcpy: 1,
  strcat: 1,
  strncat: 1,
  strlcat: 1,
  memcpy: 1,
  memmove: 1,
  sprintf: 2,
  snprintf: 3,
};
/** Calls that write nothing the function gives back. */
const HARMLESS =
  /^(?:malloc|calloc|realloc|free|strlen|sizeof|size|length|reserve|empty|c_str|data|is(?:alnum|alpha|digit|space|upper|lower|print|punct|xdigit|cntrl)|static_cast)$/;
const CPP_WRITES = /^(?:append|push_back|insert|assign|replace)$/;
const STRING_TYPE = /string/;
const STRING_OR_AUTO = /string|^auto$/;

function descendants(root: Node): Node[] {
  const out: Node[] = [];
  const stack: Node[] = [root];
  while (stack.length) {
    const n = stack.pop();
    if (!n) continue;
    out.push(n);
    for (let i = n.namedChildCount - 1; i >= 0; i--) {
      const c = n.namedChild(i);
      if (c) stack.push(c);
    }
  }
  return out;
}

function calleeName(call: Node): string {
  const f = call.childForFieldName('function');
  if (!f) return '';
  if (f.type === 'field_expression') return f.childForFieldName('field')?.text ?? '';
  if (f.type === 'qualified_identifier') return f.text.replace(/^.*::/, '');
  if (f.type === 'template_function') return f.childForFieldName('name')?.text ?? '';
  return f.text;
}

function innermostName(d: Node | null): string | undefined {
  let n = d;
  for (let i = 0; n && i < 8; i++) {
    if (n.type === 'identifier') return n.text;
    n = n.childForFieldName('declarator') ?? n.namedChildren.find((c) => c?.type === 'identifier') ?? null;
  }
  return undefined;
}

/** The declared type text of each local (`std::string`, `char *`, `size_t`), parameters excluded. */
function declaredTypes(body: Node): Map<string, string> {
  const out = new Map<string, string>();
  for (const d of body.descendantsOfType(['declaration', 'for_range_loop'])) {
    if (!d) continue;
    const type = d.childForFieldName('type')?.text ?? '';
    for (const c of d.namedChildren) {
      if (!c || c === d.childForFieldName('type') || c.type === 'type_qualifier') continue;
      if (d.type === 'for_range_loop' && c !== d.childForFieldName('declarator')) continue;
      const name = c.type === 'identifier' ? c.text : innermostName(c);
      if (!name) continue;
      const pointer =
        /pointer_declarator/.test(c.type) ||
        (c.type === 'init_declarator' && c.childForFieldName('declarator')?.type === 'pointer_declarator');
      // (a name declared twice is unknown)
      out.set(name, out.has(name) ? '?' : `${type}${pointer ? ' *' : ''}`);
    }
  }
  return out;
}

function unwrap(n: Node | null): Node | null {
  let x = n;
  while (x && (x.type === 'parenthesized_expression' || x.type === 'cast_expression'))
    x = x.childForFieldName('value') ?? x.namedChildren[x.namedChildren.length - 1] ?? null;
  return x;
}

/** A returned local: C, every value it takes is an allocation; C++, a string never set but by writes. */
function freshLocal(name: string, type: string, nodes: readonly Node[], language: 'c' | 'cpp'): boolean {
  if (type === '?') return false;
  if (language === 'cpp' && !STRING_TYPE.test(type)) return false;
  for (const n of nodes) {
    let value: Node | null = null;
    if (n.type === 'init_declarator' && innermostName(n.childForFieldName('declarator')) === name)
      value = n.childForFieldName('value');
    else if (n.type === 'assignment_expression' && n.childForFieldName('left')?.text === name) {
      // (C++: `s += ...` is a write, checked as one; `s = x` sets it)
      const op = n.children.find((c) => c && /=$/.test(c.type))?.text;
      if (language === 'cpp' && op === '+=') continue;
      value = n.childForFieldName('right');
      if (!value) return false;
    } else continue;
    if (!value) continue;
    const v = unwrap(value);
    if (language === 'cpp') {
      if (!v || !/^(?:string_literal|raw_string_literal|concatenated_string)$/.test(v.type)) return false;
      continue;
    }
    if (v?.type !== 'call_expression' || !/^(?:malloc|calloc|realloc)$/.test(calleeName(v))) return false;
  }
  return true;
}

/** The characters a C character or string literal holds (undefined when it is not one). */
export function cLiteralChars(n: Node): string | undefined {
  if (n.type === 'char_literal' || n.type === 'string_literal') {
    const raw = n.text.replace(/^(?:u8|[LuU])?/, '');
    return decodeEscapes(raw.slice(1, -1));
  }
  if (n.type === 'concatenated_string') {
    const parts = n.namedChildren.map((c) => (c ? cLiteralChars(c) : undefined));
    return parts.every((p) => p !== undefined) ? parts.join('') : undefined;
  }
  return undefined;
}

function decodeEscapes(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]+|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(Number.parseInt(e, 8));
    const map: Record<string, string> = {
      n: '\n',
      r: '\r',
      t: '\t',
      '0': '\0',
      a: '\x07',
      b: '\b',
      f: '\f',
      v: '\v',
    };
    return map[e] ?? e;
  });
}

/** Literal text that carries none of the filtered characters (entities `&...;` allowed for `&`). */
function safeLiteral(text: string, banned: readonly string[]): boolean {
  const rest = banned.includes('&')
    ? text.replace(/&(?:#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);/g, '')
    : text;
  return !banned.some((c) => rest.includes(c));
}

/** The value written at `at` is safe literal text, or the tested character where no filtered one can reach. */
function writesSafely(value: Node, at: Node, banned: readonly string[]): boolean {
  const v = unwrap(value);
  if (!v) return false;
  const lit = cLiteralChars(v);
  if (lit !== undefined) return safeLiteral(lit, banned);
  if (v.type === 'number_literal') {
    const k = Number(v.text.replace(/[uUlL]+$/, ''));
    return Number.isInteger(k) && !banned.includes(String.fromCharCode(k));
  }
  return testedSafe(v.text.replace(/\s+/g, ''), at, banned);
}

/** Whether the character `subject` (its text) is known to be none of `banned` where `at` runs. */
export function testedSafe(subject: string, at: Node, banned: readonly string[]): boolean {
  const ruled = new Set<string>();
  let child: Node = at;
  for (let p = at.parent; p; child = p, p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'lambda_expression') break;
    if (p.type === 'case_statement' && !p.childForFieldName('value')) {
      const sw = p.parent?.parent;
      if (sw?.type === 'switch_statement' && subjectOf(sw) === subject && !assignsIn(sw, subject))
        for (const c of defaultRulesOut(sw)) ruled.add(c);
    }
    if (p.type === 'if_statement' && !assignsIn(p, subject)) {
      const cond = subjectCondition(p);
      const alt = p.childForFieldName('alternative');
      if (cond && alt && (child.id === alt.id || child.parent?.id === alt.id))
        for (const c of comparedChars(cond, subject, '||', '==')) ruled.add(c);
      const yes = p.childForFieldName('consequence');
      if (cond && yes && child.id === yes.id)
        for (const c of comparedChars(cond, subject, '&&', '!=')) ruled.add(c);
    }
  }
  return banned.every((c) => ruled.has(c));
}

function subjectCondition(s: Node): Node | null {
  const c = s.childForFieldName('condition');
  return c?.type === 'condition_clause' ? c.childForFieldName('value') : c;
}

function subjectOf(sw: Node): string | undefined {
  const v = unwrap(subjectCondition(sw));
  return v?.text.replace(/\s+/g, '');
}

/** The characters a switch's `default` cannot see: its cases that end by leaving the switch arm. */
function defaultRulesOut(sw: Node): string[] {
  const out: string[] = [];
  const cases =
    sw.childForFieldName('body')?.namedChildren.filter((c): c is Node => c?.type === 'case_statement') ?? [];
  for (const [i, c] of cases.entries()) {
    const value = c.childForFieldName('value');
    if (!value) continue;
    // The arm that runs for this value: the statements from its label on, through empty labels.
    let j = i;
    let last: Node | undefined;
    for (; j < cases.length; j++) {
      const stmts = (cases[j]?.namedChildren ?? []).filter(
        (s): s is Node => !!s && s !== cases[j]?.childForFieldName('value') && s.type !== 'comment',
      );
      if (j > i && !cases[j]?.childForFieldName('value')) break; // falls into the default
      if (stmts.length) {
        last = stmts[stmts.length - 1];
        break;
      }
    }
    if (!last || !/^(?:break_statement|continue_statement|return_statement)$/.test(last.type)) continue;
    const ch = charOf(value);
    if (ch !== undefined) out.push(ch);
  }
  return out;
}

function charOf(n: Node): string | undefined {
  const lit = cLiteralChars(n);
  if (lit !== undefined) return lit.length === 1 ? lit : undefined;
  if (n.type === 'number_literal') {
    const k = Number(n.text);
    return Number.isInteger(k) ? String.fromCharCode(k) : undefined;
  }
  return undefined;
}

/** `c == 'a' || c == 'b'` (or `&&` of `!=`) compared with `subject`: the characters named. */
function comparedChars(cond: Node, subject: string, join: '||' | '&&', eq: '==' | '!='): string[] {
  const c = unwrap(cond);
  if (c?.type !== 'binary_expression') return [];
  const op = c.childForFieldName('operator')?.text;
  const l = c.childForFieldName('left');
  const r = c.childForFieldName('right');
  if (!l || !r) return [];
  if (op === join) return [...comparedChars(l, subject, join, eq), ...comparedChars(r, subject, join, eq)];
  if (op !== eq) return [];
  for (const [a, b] of [
    [l, r],
    [r, l],
  ] as const) {
    const u = unwrap(a);
    if (u && u.text.replace(/\s+/g, '') === subject) {
      const ch = charOf(unwrap(b) ?? b);
      if (ch !== undefined) return [ch];
    }
  }
  return [];
}

/** Whether a name in `subject` is assigned or stepped inside `scope` (then the test may not hold). */
function assignsIn(scope: Node, subject: string): boolean {
  const names = new Set(subject.match(/[A-Za-z_]\w*/g) ?? []);
  for (const n of scope.descendantsOfType(['assignment_expression', 'update_expression'])) {
    const target = n?.childForFieldName('left') ?? n?.childForFieldName('argument');
    const base = target?.text.match(/[A-Za-z_]\w*/)?.[0];
    if (base && names.has(base)) return true;
  }
  return false;
}
