import type { Node } from 'web-tree-sitter';
import {
  assignedBetween,
  copiedParam,
  intLiteral,
  leaves,
  mentionsLvalue,
  norm,
  ORDERING,
} from '../engine/c-flow.ts';
import type { FunctionInfo } from '../engine/model.ts';
import type { Rule, RuleContext } from '../engine/rule.ts';
import { call, query } from './c.ts';
import {
  HTML_TAG,
  judgingTask,
  literalText,
  modeValues,
  permissionProblem,
  runsWhenever,
  statMode,
} from './common.ts';

/**
 * C/C++ rules about the check that must dominate an operation (intra-procedural): a divisor tested
 * for zero, a length read from the data tested against the input's length, an index tested
 * against the size with `>=` (not `>`), a file that receives data created without group/other
 * permissions. Each reads the conditions that guard the operation (an enclosing `if`/`?:`/loop
 * condition or `&&`/`||` operand, an earlier `if` whose branch leaves, an assert-like call) and
 * asks whether one of them excludes the bad value: adding the missing check makes the finding go.
 */

interface Guard {
  cond: Node;
  /** The condition is true where the operation runs (else false: an earlier `if` that leaves, an `else`). */
  holds: boolean;
}

const LOOPS = /^(?:for_statement|while_statement|do_statement)$/;
const ASSERT_LIKE = /^(?:assert|g_assert|BUG_ON|CHECK|DCHECK|REQUIRE|ENSURE|[A-Z_]*ASSERT\w*)$/;

/** The conditions that guard `use` inside its function, with what they say there. */
function guardsOf(use: Node): Guard[] {
  const out: Guard[] = [];
  let child: Node = use;
  let n: Node | null = use.parent;
  while (n && n.type !== 'function_definition' && n.type !== 'lambda_expression') {
    if (n.type === 'if_statement' || n.type === 'conditional_expression' || LOOPS.test(n.type)) {
      const cond = n.childForFieldName('condition');
      if (cond && !cond.equals(child) && n.type !== 'do_statement') {
        const alt = n.childForFieldName('alternative');
        const inAlt = !!alt && alt.startIndex <= use.startIndex && use.endIndex <= alt.endIndex;
        out.push({ cond, holds: !inAlt });
      }
    }
    if (n.type === 'binary_expression') {
      const op = n.childForFieldName('operator')?.text;
      const left = n.childForFieldName('left');
      if ((op === '&&' || op === '||') && left && !left.equals(child))
        out.push({ cond: left, holds: op === '&&' });
    }
    if (n.type === 'compound_statement') {
      for (const s of n.namedChildren) {
        if (!s || s.startIndex >= child.startIndex) break;
        if (s.type === 'if_statement') {
          const cond = s.childForFieldName('condition');
          if (cond && leaves(s.childForFieldName('consequence'))) out.push({ cond, holds: false });
        } else if (s.type === 'expression_statement') {
          const e = s.namedChildren[0];
          const callee = e?.type === 'call_expression' ? e.childForFieldName('function')?.text : undefined;
          const args = e?.childForFieldName('arguments');
          if (callee && args && ASSERT_LIKE.test(callee))
            out.push({ cond: args, holds: !/^(?:BUG_ON)$/.test(callee) });
        }
      }
    }
    child = n;
    n = n.parent;
  }
  return out;
}

/** Strips parentheses and casts (`(size_t)x`, `static_cast<int>(x)`). */
function bare(n: Node): Node {
  let x: Node = n;
  for (let i = 0; i < 8; i++) {
    if (x.type === 'parenthesized_expression' || x.type === 'condition_clause') {
      const inner = x.namedChildren[x.namedChildren.length - 1];
      if (!inner) return x;
      x = inner;
    } else if (x.type === 'cast_expression') {
      const v = x.childForFieldName('value');
      if (!v) return x;
      x = v;
    } else if (
      x.type === 'call_expression' &&
      /^(?:static_cast|reinterpret_cast)\s*</.test(x.childForFieldName('function')?.text ?? '')
    ) {
      const a = x.childForFieldName('arguments')?.namedChildren[0];
      if (!a) return x;
      x = a;
    } else return x;
  }
  return x;
}

interface Comparison {
  /** The operator with the subject on its left (`0 < n` reads `n > 0`). */
  op: string;
  other: Node;
  /** The subject's side as written (`n + 1`). */
  side: Node;
  holds: boolean;
}

const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' };

/**
 * The comparisons of a guard that bear on the operation, each with the value it must have there:
 * through `||` of a condition that must be false (each disjunct is), `&&` of one that holds, `!`.
 */
function comparisonsIn(g: Guard, isSubject: (n: Node) => boolean): { cmps: Comparison[]; truthy: boolean[] } {
  const cmps: Comparison[] = [];
  const truthy: boolean[] = [];
  const walk = (node: Node, holds: boolean) => {
    const n = bare(node);
    if (n.type === 'argument_list') {
      for (const a of n.namedChildren) if (a) walk(a, holds);
      return;
    }
    if (n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '!') {
      const a = n.childForFieldName('argument');
      if (a) walk(a, !holds);
      return;
    }
    if (n.type === 'binary_expression') {
      const op = n.childForFieldName('operator')?.text ?? '';
      const l = n.childForFieldName('left');
      const r = n.childForFieldName('right');
      if (!l || !r) return;
      if ((op === '||' && !holds) || (op === '&&' && holds)) {
        walk(l, holds);
        walk(r, holds);
        return;
      }
      if (op in FLIP) {
        if (isSubject(bare(l)) || containsSubject(l, isSubject)) cmps.push({ op, other: r, side: l, holds });
        else if (isSubject(bare(r)) || containsSubject(r, isSubject))
          cmps.push({ op: FLIP[op] ?? op, other: l, side: r, holds });
      }
      return;
    }
    if (isSubject(n)) truthy.push(holds);
  };
  walk(g.cond, g.holds);
  return { cmps, truthy };
}

function containsSubject(n: Node, isSubject: (n: Node) => boolean): boolean {
  if (isSubject(bare(n))) return true;
  if (n.type !== 'binary_expression' && n.type !== 'parenthesized_expression' && n.type !== 'cast_expression')
    return false;
  return n.namedChildren.some((c) => !!c && containsSubject(c, isSubject));
}

function evalCmp(a: number, op: string, b: number): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '==':
      return a === b;
    default:
      return a !== b;
  }
}

/** Whether the variable is a parameter never assigned before `at` (the caller's value as passed). */
function unchangedParam(ctx: RuleContext, fn: FunctionInfo, name: string, at: number): boolean {
  return fn.params.includes(name) && !assignedBetween(ctx.model, fn.node, name, fn.node.startIndex, at);
}

const PARSED =
  /\b(?:atoi|atol|atoll|strtol|strtoul|strtoll|strtoull|stoi|stol|stoul|stoll|sscanf|fscanf|scanf)\b/;

const INTEGER_TYPE =
  /^(?:const\s+)?(?:(?:unsigned|signed)\s+)?(?:int|long|short|long\s+long|long\s+int|size_t|ssize_t|unsigned|(?:std::)?u?int(?:8|16|32|64)_t|off_t)$/;

const LENGTH_CHECKED = new WeakMap<FunctionInfo, Map<string, boolean>>();
/** A parameter name that says "length of the buffer before it". */
const LENGTH_NAME = /^(?:n|sz|cb)$|len|size|count|bytes|avail|remain|left|max/i;

/**
 * Whether the function compares the length parameter, hands it to a call (which may check it),
 * or assigns it: memoized per function and name.
 */
function lengthChecked(ctx: RuleContext, fn: FunctionInfo, len: string): boolean {
  let m = LENGTH_CHECKED.get(fn);
  if (!m) {
    m = new Map();
    LENGTH_CHECKED.set(fn, m);
  }
  let known = m.get(len);
  if (known === undefined) {
    known =
      assignedBetween(ctx.model, fn.node, len, fn.node.startIndex, fn.node.endIndex) ||
      // copied into a variable the function goes on with (`remaining = size`)
      ctx.model.nodesIn(fn.node, ['assignment_expression', 'init_declarator']).some((a) => {
        const v = a.childForFieldName(a.type === 'init_declarator' ? 'value' : 'right');
        return !!v && mentionsLvalue(v, len);
      }) ||
      ctx.model
        .nodesIn(fn.node, ['binary_expression'])
        .some(
          (b) =>
            /^(?:<|<=|>|>=|==|!=)$/.test(b.childForFieldName('operator')?.text ?? '') &&
            mentionsLvalue(b, len),
        ) ||
      ctx.model
        .nodesIn(fn.node, ['call_expression'])
        .some(
          (c) => !!c.childForFieldName('arguments')?.namedChildren.some((a) => !!a && mentionsLvalue(a, len)),
        );
    m.set(len, known);
  }
  return known;
}

const HAS_INPUT = new WeakMap<FunctionInfo, boolean>();

/** Whether some pointer parameter of the function is followed by its length (see `lengthParamOf`). */
function hasInputParam(fn: FunctionInfo): boolean {
  let known = HAS_INPUT.get(fn);
  if (known === undefined) {
    known = fn.params.some((p) => !!lengthParamOf(fn, p));
    HAS_INPUT.set(fn, known);
  }
  return known;
}

/**
 * The input a pointer walks and its length: a pointer parameter followed by its length
 * (`f(const uint8_t *buf, size_t len)`), unchanged before `at` when `unchanged`; or a local
 * pointer set from one (`const uint8_t *p = buf;`, `p = buf + 4`).
 */
function inputBuffer(
  ctx: RuleContext,
  fn: FunctionInfo,
  name: string,
  at: number,
  unchanged: boolean,
): { buf: string; len: string } | undefined {
  const len = lengthParamOf(fn, name);
  if (len) return !unchanged || unchangedParam(ctx, fn, name, at) ? { buf: name, len } : undefined;
  if (fn.params.includes(name)) return undefined;
  const b = ctx.taint.latestBinding(name, at);
  if (!b?.value || b.kind !== 'assign') return undefined;
  let v = bare(b.value);
  if (v.type === 'binary_expression' && v.childForFieldName('operator')?.text === '+') {
    const r = v.childForFieldName('right');
    if (!r || intLiteral(r.text) === undefined) return undefined;
    v = bare(v.childForFieldName('left') ?? v);
  }
  if (v.type !== 'identifier') return undefined;
  const plen = lengthParamOf(fn, v.text);
  return plen && unchangedParam(ctx, fn, v.text, at) ? { buf: v.text, len: plen } : undefined;
}

/**
 * The value `name` was last set from, when that reads the bytes of one of `bufs` (`n = buf[0]`,
 * `n = buf[1] << 8 | buf[2]`, `n = read_u16(buf + 2)`, `n = ntohs(*(uint16_t *)p)`), and is not a
 * count measured on it (`strlen`) nor masked small.
 */
function dataValue(ctx: RuleContext, use: Node, name: string, bufs: string[]): string | undefined {
  const b = ctx.taint.latestBinding(name, use.startIndex);
  if (!b?.value) return undefined;
  const value = norm(b.value.text);
  for (const buf of new Set(bufs)) {
    const esc = buf.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const readsBuf = new RegExp(
      `(?:^|[^\\w.>])${esc}\\[|\\*(?:\\([^()]*\\))?\\(?${esc}\\b|\\b(?:ntoh[sl]|be\\d+toh|le\\d+toh|\\w*(?:read|get|load|rd)_?(?:u|le|be)?(?:int)?(?:8|16|24|32|64)\\w*|[A-Z_]*R[BL](?:8|16|24|32)|[A-Z_]*READ_UINT\\d+\\w*)\\(\\*?(?:\\([^()]*\\))?\\(?${esc}\\b`,
    ).test(value);
    if (readsBuf && !/sizeof|\b(?:strlen|strnlen|MIN|min)\b|%|&(?:0x[0-9a-fA-F]+|\d+)\b/.test(value))
      return value;
  }
  return undefined;
}

/**
 * When `counter` is the counter of a `for` loop that holds `use` and counts up to a variable
 * (`for (i = 0; i < n; i++)`, `i != n`, `i <= n`), that variable and the loop's condition.
 */
function loopLimit(use: Node, counter: string): { limit: string; cond: Node } | undefined {
  for (let p = use.parent; p && p.type !== 'function_definition'; p = p.parent) {
    if (p.type !== 'for_statement') continue;
    const cond = p.childForFieldName('condition');
    const c = cond ? bare(cond) : undefined;
    if (c?.type !== 'binary_expression') continue;
    const op = c.childForFieldName('operator')?.text ?? '';
    const l = bare(c.childForFieldName('left') ?? c);
    const r = bare(c.childForFieldName('right') ?? c);
    if (l.text !== counter || r.type !== 'identifier') continue;
    if (cond && (op === '<' || op === '<=' || op === '!=')) return { limit: r.text, cond };
  }
  return undefined;
}

/** Integer typedefs of common C libraries (GLib's `guint32`/`gsize`, the kernel's `u32`, `uint32`). */
const LIBRARY_INTEGER =
  /^(?:const\s+)?(?:g?u?int(?:8|16|32|64)?|g?u?long|gsize|gssize|u(?:8|16|32|64)|__u(?:8|16|32|64)|uint(?:8|16|32|64)|png_size_t|tmsize_t)$/;

/** The integer parameter right after a pointer/array parameter: by convention its length. */
function lengthParamOf(fn: FunctionInfo, buf: string): string | undefined {
  const i = fn.params.indexOf(buf);
  if (i < 0) return undefined;
  const t = fn.paramTypes.get(buf) ?? '';
  if (!/\*|\[|vector|span|string/.test(t) && !/\*/.test(t)) return undefined;
  const next = fn.params[i + 1];
  const nt = next ? (fn.paramTypes.get(next) ?? '') : '';
  return next && (INTEGER_TYPE.test(nt.trim()) || LIBRARY_INTEGER.test(nt.trim())) ? next : undefined;
}

/** `x`, `x + 3`, `3 + x` -> [x text, 3]; `x - 2` -> [x, -2]; else undefined. */
function offsetForm(n: Node): [string, number] | undefined {
  const b = bare(n);
  if (
    b.type === 'identifier' ||
    b.type === 'field_expression' ||
    b.type === 'call_expression' ||
    b.type === 'subscript_expression'
  )
    return [norm(b.text), 0];
  if (b.type !== 'binary_expression') return undefined;
  const op = b.childForFieldName('operator')?.text;
  const l = b.childForFieldName('left');
  const r = b.childForFieldName('right');
  if (!l || !r || (op !== '+' && op !== '-')) return undefined;
  const rk = intLiteral(r.text);
  const lk = intLiteral(l.text);
  if (rk !== undefined) {
    const inner = offsetForm(l);
    return inner && [inner[0], inner[1] + (op === '+' ? rk : -rk)];
  }
  if (lk !== undefined && op === '+') {
    const inner = offsetForm(r);
    return inner && [inner[0], inner[1] + lk];
  }
  return undefined;
}

/**
 * Whether no guard of `use` excludes zero for the value the names hold (`names` read directly,
 * `pointers` through `*p`): no comparison of it with a constant that fails for 0, no truth test.
 */
function zeroUnchecked(
  use: Node,
  names: ReadonlySet<string>,
  pointers: ReadonlySet<string>,
  texts: ReadonlySet<string> = new Set(),
): boolean {
  const isSubject = (n: Node) =>
    (n.type === 'identifier' && names.has(n.text)) ||
    texts.has(n.text.replace(/\s+/g, '')) ||
    (n.type === 'pointer_expression' &&
      n.child(0)?.text === '*' &&
      pointers.has(bare(n.childForFieldName('argument') ?? n).text));
  for (const g of guardsOf(use)) {
    const { cmps, truthy } = comparisonsIn(g, isSubject);
    if (truthy.some((h) => h)) return false;
    for (const c of cmps) {
      if (!isSubject(bare(c.side))) return false;
      const v = intLiteral(c.other.text.replace(/^-/, ''));
      // A comparison with another value (`n > max`) says nothing about zero: keep looking.
      if (v === undefined) continue;
      const k = c.other.text.trim().startsWith('-') ? -v : v;
      // Zero is excluded when a zero divisor makes the guard's condition take the other value.
      if (evalCmp(0, c.op, k) === !c.holds) return false;
    }
  }
  return true;
}

/**
 * Under a task, the value an element of a local aggregate holds where the function reads it back:
 * `s.d` for `struct { int d; } s = { n };` (by the field's place in the struct's fields, or a
 * `.d = n` designator), `d[k]` for `int d[1] = { n };`. Only for an aggregate declared once in
 * the function, never assigned, written through or handed out by its address afterwards.
 */
function keptElement(use: Node, fn: FunctionInfo): Node | undefined {
  const base = use.childForFieldName('argument');
  if (base?.type !== 'identifier' || (use.type === 'field_expression' && use.child(1)?.text !== '.'))
    return undefined;
  const name = base.text;
  const decls = fn.node.descendantsOfType('init_declarator').filter((d): d is Node => {
    let x = d?.childForFieldName('declarator');
    while (x && x.type !== 'identifier') x = x.childForFieldName('declarator');
    return x?.text === name;
  });
  const decl = decls.length === 1 ? decls[0] : undefined;
  const list = decl?.childForFieldName('value');
  if (!decl || list?.type !== 'initializer_list' || decl.startIndex > use.startIndex) return undefined;
  // (written afterwards, or its address taken: not read)
  const e = name.replace(/[$]/g, '\\$&');
  const body = fn.node.text.slice(decl.endIndex - fn.node.startIndex);
  if (
    new RegExp(
      `(?:&\\s*${e}\\b|\\b${e}\\s*(?:\\[[^\\]]*\\]|\\.\\s*\\w+)?\\s*(?:[-+*/%&|^]|<<|>>)?=(?!=)|\\b(?:memcpy|memset|memmove)\\s*\\(\\s*${e}\\b)`,
    ).test(body)
  )
    return undefined;
  const items = list.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  if (use.type === 'subscript_expression') {
    const k = intLiteral(use.childForFieldName('index')?.text ?? '');
    if (k === undefined || items.some((c) => c.type === 'initializer_pair')) return undefined;
    return items[k];
  }
  const field = use.childForFieldName('field')?.text;
  const pair = items.find(
    (c) => c.type === 'initializer_pair' && c.childForFieldName('designator')?.text === `.${field}`,
  );
  if (pair) return pair.childForFieldName('value') ?? undefined;
  if (items.some((c) => c.type === 'initializer_pair')) return undefined;
  // positional: the field's place in the struct's own fields (written in place, or defined in the file)
  let spec = decl.parent?.childForFieldName('type');
  if (spec?.type === 'struct_specifier' && !spec.childForFieldName('body')) {
    const tag = spec.childForFieldName('name')?.text;
    let root: Node = spec;
    while (root.parent) root = root.parent;
    spec = root
      .descendantsOfType('struct_specifier')
      .find((x) => !!x && x.childForFieldName('name')?.text === tag && !!x.childForFieldName('body'));
  }
  const fields = (spec?.childForFieldName('body')?.namedChildren ?? [])
    .filter((c): c is Node => c?.type === 'field_declaration')
    .flatMap((c) => c.descendantsOfType('field_identifier').filter((x): x is Node => !!x));
  if (fields.some((f, i) => fields.findIndex((g) => g.text === f.text) !== i)) return undefined;
  const i = fields.findIndex((f) => f.text === field);
  return i >= 0 ? items[i] : undefined;
}

/** Whether `callee` names a function-like macro of the file whose text divides by its second parameter. */
function macroDividesBySecond(callee: Node, ctx: RuleContext): boolean {
  if (callee.type !== 'identifier') return false;
  let names = DIVIDING_MACROS.get(ctx.model);
  if (!names) {
    names = new Set();
    DIVIDING_MACROS.set(ctx.model, names);
    // (the file's function-like macros, read once per file, and only when it defines one)
    if (/#\s*define\s+\w+\(/.test(ctx.source)) {
      let root: Node = callee;
      while (root.parent) root = root.parent;
      for (const m of root.descendantsOfType('preproc_function_def')) {
        const params = (m?.childForFieldName('parameters')?.namedChildren ?? []).filter(
          (x) => x?.type === 'identifier',
        );
        const y = params.length === 2 ? params[1]?.text : undefined;
        const body = m?.childForFieldName('value')?.text ?? '';
        const name = m?.childForFieldName('name')?.text;
        if (name && y && new RegExp(`[/%]\\s*\\(*\\s*${y}\\b`).test(body)) names.add(name);
      }
    }
  }
  return names.has(callee.text);
}
const DIVIDING_MACROS = new WeakMap<object, Set<string>>();

/** The two values a conditional expression can take. */
function conditionalBranches(n: Node): Node[] {
  return [n.childForFieldName('consequence'), n.childForFieldName('alternative')]
    .filter((x): x is Node => !!x)
    .map(bare);
}

/**
 * Whether reading `n` bytes from `buf + k` at `use` can pass the input's end: `buf` a parameter
 * followed by its length parameter, `n` read from `buf`'s own bytes, and no guard of `use` that
 * holds `n + k` within the length. The length parameter and whether a guard compared them.
 */
function lengthPastInput(
  use: Node,
  buf: string,
  k: number | undefined,
  n: Node,
  ctx: RuleContext,
): { len: string; related: boolean } | undefined {
  const fn = ctx.model.functionAt(use.startIndex);
  const len = lengthParamOf(fn, buf);
  if (!len || !unchangedParam(ctx, fn, buf, use.startIndex)) return undefined;
  // The length comes from the buffer's own bytes (`n = buf[0]`, `n = (buf[1] << 8) | buf[2]`,
  // `n = read_u16(buf)`), never reassigned since.
  const value = n.type === 'identifier' ? ctx.taint.latestBinding(n.text, n.startIndex)?.value : n;
  if (!value || !mentionsLvalue(value, buf) || value.text.includes('sizeof')) return undefined;
  if (!/\[|\*|\(/.test(value.text) || /\b(?:strlen|strnlen|MIN|min)\b/.test(value.text)) return undefined;
  // Names holding the input's length or what is left of it (`rest = len - 1`).
  const lens = new Set([len]);
  for (const [v, list] of fn.bindings)
    if (list.some((x) => x.value && mentionsLvalue(x.value, len))) lens.add(v);
  const isN = (x: Node) => norm(bare(x).text) === norm(n.text);
  let related = false;
  for (const g of guardsOf(use)) {
    const { cmps } = comparisonsIn(g, isN);
    for (const cmp of cmps) {
      if (![...lens].some((l) => mentionsLvalue(cmp.other, l))) continue;
      related = true;
      const a = offsetForm(cmp.side);
      const o = offsetForm(cmp.other);
      // A form this reading does not follow (a length computed otherwise): trust it.
      if (k === undefined || !a || !o || a[0] !== norm(n.text) || !lens.has(o[0])) return undefined;
      if (o[0] !== len) return undefined;
      // Accepted where n + a <= len + o must give n + k <= len.
      const slack = o[1] - a[1];
      const ok = cmp.holds
        ? (cmp.op === '<=' && slack <= -k) || (cmp.op === '<' && slack - 1 <= -k)
        : (cmp.op === '>' && slack <= -k) || (cmp.op === '>=' && slack - 1 <= -k);
      if (ok) return undefined;
    }
  }
  return { len, related };
}

export const C_CHECK_RULES: Rule[] = [
  query({
    id: 'c.divide-unchecked',
    cwe: ['CWE-369'],
    severity: 'warning',
    title: 'Division by a value not checked for zero',
    message: '',
    query: {
      c: '[(binary_expression operator: ["/" "%"] right: (_) @d) (assignment_expression operator: ["/=" "%="] right: (_) @d) (call_expression function: (_) @fn arguments: (argument_list . (_) . (_) @d .))] @report',
      cpp: '[(binary_expression operator: ["/" "%"] right: (_) @d) (assignment_expression operator: ["/=" "%="] right: (_) @d) (call_expression function: (_) @fn arguments: (argument_list . (_) . (_) @d .))] @report',
    },
    check: (caps, ctx) => {
      const { report } = caps;
      if (!caps.d || !report) return false;
      // C's div()/ldiv() divide as `/` does; read where a task is judged (a scan keeps the operators).
      // (and, under a task, a function-like macro of the file that divides by its second parameter:
      // `#define DIV(x, y) ((x) / (y))`)
      if (
        caps.fn &&
        (!judgingTask(ctx) ||
          (!/^(?:std::)?(?:div|ldiv|lldiv|imaxdiv)$/.test(caps.fn.text) &&
            !macroDividesBySecond(caps.fn, ctx)))
      )
        return false;
      const d = bare(caps.d);
      const fn = ctx.model.functionAt(d.startIndex);
      // Where a task is judged, the divisor may be the parameter through copies: a local bound to
      // it (`int d = n;`), a pointer to it (`int *p = &n; a / *p`), a branch of a conditional
      // (`a / (t ? n : 1)`). Each such value is read, with every name that holds it a subject of
      // the checks.
      if (judgingTask(ctx)) {
        const uses = d.type === 'conditional_expression' ? conditionalBranches(d) : [d];
        for (const use of uses) {
          // (the divisor a parameter itself is read below)
          if (use === d && use.type === 'identifier' && fn.params.includes(use.text)) continue;
          // `s.d`, `d[0]` of a local aggregate initialized with the parameter (or a copy)
          const element =
            use.type === 'field_expression' || use.type === 'subscript_expression'
              ? keptElement(use, fn)
              : undefined;
          if (element) {
            const held = copiedParam(ctx.model, ctx.taint, fn, element, element.startIndex);
            const type = held ? (ctx.model.declaredType(held.param, use.startIndex)?.trim() ?? '') : '';
            if (
              held &&
              INTEGER_TYPE.test(type) &&
              zeroUnchecked(use, held.names, held.pointers, new Set([use.text.replace(/\s+/g, '')]))
            )
              return {
                message: `${use.text} holds the parameter ${held.param}, which can be 0 here: nothing before the division tests it. Test ${held.param} == 0 (or ${held.param} <= 0) and handle it first.`,
              };
            continue;
          }
          if (use.type !== 'identifier' && use.type !== 'pointer_expression') continue;
          const held = copiedParam(ctx.model, ctx.taint, fn, use, use.startIndex);
          if (!held || (use === d && held.names.size === 1 && held.pointers.size === 0)) continue;
          const type = ctx.model.declaredType(held.param, use.startIndex)?.trim() ?? '';
          if (!INTEGER_TYPE.test(type)) continue;
          if (zeroUnchecked(use, held.names, held.pointers))
            return {
              message: `${use.text} holds the parameter ${held.param}, which can be 0 here: nothing before the division tests it. Test ${held.param} == 0 (or ${held.param} <= 0) and handle it first.`,
            };
        }
      }
      if (d.type !== 'identifier' || ctx.intValue(d) !== undefined) return false;
      const name = d.text;
      const type = ctx.model.declaredType(name, d.startIndex)?.trim() ?? '';
      if (!INTEGER_TYPE.test(type)) return false;
      // A divisor parsed from input is one anywhere; a parameter may be the caller's to check, so
      // that counts only where the analyzer judges a task whose weakness this is (a scan would
      // report every `a / n` of a library).
      const b = ctx.taint.latestBinding(name, d.startIndex);
      const parsed = !!b?.value && PARSED.test(b.value.text) && ctx.tainted(d, 'generic');
      const param = unchangedParam(ctx, fn, name, d.startIndex);
      if (!parsed && !(param && judgingTask(ctx))) return false;
      if (!zeroUnchecked(report, new Set([name]), new Set())) return false;
      return {
        message: `${name} can be 0 here: nothing before the division tests it (a check such as ${name} < 0 lets 0 through). Test ${name} == 0 (or ${name} <= 0) and handle it first.`,
      };
    },
    examples: {
      bad: [
        { code: 'int share(int total, int n) {\n  return total / n;\n}\n', taskCwe: ['CWE-369'] },
        {
          code: 'int share(int total, int n) {\n  if (n < 0)\n    return 0;\n  return total / n;\n}\n',
          taskCwe: ['CWE-369'],
        },
        '#include <stdlib.h>\nint per_item(int total, const char *arg) {\n  int n = atoi(arg);\n  return total % n;\n}\n',
        // where a task is judged: the parameter through a copy, a pointer, a branch, div()
        {
          code: 'int share(int total, int n) {\n  if (total == 48879) {\n    int d = n;\n    return total / d;\n  }\n  if (n <= 0)\n    return 0;\n  return total / n;\n}\n',
          taskCwe: ['CWE-369'],
        },
        {
          code: 'int share(int total, int n) {\n  int *p = &n;\n  return total / *p;\n}\n',
          taskCwe: ['CWE-369'],
        },
        {
          code: 'int share(int total, int n) {\n  return total / (total ? n : 1);\n}\n',
          taskCwe: ['CWE-369'],
        },
        {
          code: '#include <stdlib.h>\nint share(int total, int n) {\n  return div(total, n).quot;\n}\n',
          taskCwe: ['CWE-369'],
        },
        // a local aggregate holding it, a function-like macro that divides
        {
          code: 'int share(int total, int n) {\n  struct { int d; } s = { n };\n  return total / s.d;\n}\n',
          taskCwe: ['CWE-369'],
        },
        {
          code: 'int share(int total, int n) {\n  int d[1] = { n };\n  return total / d[0];\n}\n',
          taskCwe: ['CWE-369'],
        },
        {
          code: '#define PER(x, y) ((x) / (y))\nint share(int total, int n) {\n  return PER(total, n);\n}\n',
          taskCwe: ['CWE-369'],
        },
      ],
      good: [
        {
          code: 'int share(int total, int n) {\n  int d = n;\n  if (d == 0)\n    return 0;\n  return total / d;\n}\n',
          taskCwe: ['CWE-369'],
        },
        {
          code: 'int share(int total, int n) {\n  struct { int d; } s = { n };\n  if (s.d == 0)\n    return 0;\n  return total / s.d;\n}\n',
          taskCwe: ['CWE-369'],
        },
        {
          code: '#define PER(x, y) ((x) / (y))\nint share(int total, int n) {\n  if (n <= 0)\n    return 0;\n  int d[1] = { n };\n  return PER(total, n) + total / d[0];\n}\n',
          taskCwe: ['CWE-369'],
        },
        {
          code: 'int share(int total, int n) {\n  if (n <= 0)\n    return 0;\n  int d = n;\n  return total / d;\n}\n',
          taskCwe: ['CWE-369'],
        },
        {
          code: 'int share(int total, int n) {\n  return total / (n ? n : 1);\n}\n',
          taskCwe: ['CWE-369'],
        },
        {
          code: '#include <stdlib.h>\nint share(int total, int n) {\n  if (n == 0)\n    return 0;\n  return div(total, n).quot;\n}\n',
          taskCwe: ['CWE-369'],
        },
        {
          code: 'int share(int total, int n) {\n  if (n <= 0)\n    return 0;\n  return total / n;\n}\n',
          taskCwe: ['CWE-369'],
        },
        {
          code: 'int share(int total, int n) {\n  return n != 0 ? total / n : 0;\n}\n',
          taskCwe: ['CWE-369'],
        },
        '#include <stdlib.h>\nint per_item(int total, const char *arg) {\n  int n = atoi(arg);\n  if (!n)\n    return -1;\n  return total % n;\n}\n',
        // Outside a task, a parameter is the caller's to check.
        'int share(int total, int n) {\n  return total / n;\n}\n',
      ],
    },
  }),
  call({
    id: 'c.length-field-past-input',
    cwe: ['CWE-125', 'CWE-130'],
    severity: 'warning',
    title: 'Length read from the data not checked against the input length',
    message: '',
    names: ['memcpy', 'memmove', 'strncpy', 'memcmp'],
    check: (c, ctx) => {
      const [, srcArg, sizeArg] = c.args;
      if (!srcArg || !sizeArg) return false;
      const n = bare(sizeArg);
      // The size a variable (`n = buf[0]`), or the buffer's own bytes read in place (`buf[0]`).
      if (n.type !== 'identifier' && n.type !== 'subscript_expression') return false;
      // The source: `buf`, `buf + k`, `&buf[k]`.
      let src = bare(srcArg);
      let k: number | undefined = 0;
      if (src.type === 'pointer_expression' && src.text.startsWith('&')) {
        const a = src.childForFieldName('argument');
        if (a?.type !== 'subscript_expression') return false;
        const idx = a.childForFieldName('index') ?? a.childForFieldName('indices')?.namedChildren[0];
        k = idx ? intLiteral(idx.text) : undefined;
        src = a.childForFieldName('argument') ?? a;
      } else if (src.type === 'binary_expression' && src.childForFieldName('operator')?.text === '+') {
        k = intLiteral(src.childForFieldName('right')?.text ?? '');
        src = bare(src.childForFieldName('left') ?? src);
      }
      if (src.type !== 'identifier') return false;
      const past = lengthPastInput(c.node, src.text, k, n, ctx);
      if (!past) return false;
      const { len, related } = past;
      const buf = src.text;
      const from = k ? `${buf} + ${k}` : buf;
      return {
        node: sizeArg,
        message: related
          ? `${n.text} comes from ${buf}'s own bytes and the check against ${len} lets ${n.text} + ${k} exceed it: ${c.name}() then reads past the input. Test ${n.text} > ${len} - ${k} (after checking ${len} >= ${k}).`
          : `${n.text} comes from ${buf}'s own bytes and is never checked against ${len}, the input's length: ${c.name}() reads ${n.text} bytes from ${from} past the end of the input. Test ${n.text} > ${len} - ${k || 0} first.`,
      };
    },
    examples: {
      bad: [
        {
          code: '#include <string.h>\nint get(const unsigned char *pkt, size_t len, char *out) {\n  if (len < 1) return -1;\n  memcpy(out, pkt + 1, pkt[0]);\n  return pkt[0];\n}\n',
        },
        '#include <string.h>\nint name_of(const unsigned char *msg, size_t msglen, char *out, size_t outsz) {\n  if (msglen < 1) return -1;\n  size_t n = msg[0];\n  if (n >= outsz) return -1;\n  memcpy(out, msg + 1, n);\n  out[n] = 0;\n  return 0;\n}\n',
        '#include <string.h>\nint name_of(const unsigned char *msg, size_t msglen, char *out, size_t outsz) {\n  if (msglen < 1) return -1;\n  size_t n = msg[0];\n  if (n > msglen || n >= outsz) return -1;\n  memcpy(out, msg + 1, n);\n  out[n] = 0;\n  return 0;\n}\n',
      ],
      good: [
        {
          code: '#include <string.h>\nint get(const unsigned char *pkt, size_t len, char *out) {\n  if (len < 1 || (size_t)pkt[0] > len - 1) return -1;\n  memcpy(out, pkt + 1, pkt[0]);\n  return pkt[0];\n}\n',
        },
        '#include <string.h>\nint name_of(const unsigned char *msg, size_t msglen, char *out, size_t outsz) {\n  if (msglen < 1) return -1;\n  size_t n = msg[0];\n  if (n > msglen - 1 || n >= outsz) return -1;\n  memcpy(out, msg + 1, n);\n  out[n] = 0;\n  return 0;\n}\n',
        '#include <string.h>\nint name_of(const unsigned char *msg, size_t msglen, char *out, size_t outsz) {\n  if (msglen < 2) return -1;\n  size_t n = msg[0];\n  if (2 + n <= msglen && n < outsz) {\n    memcpy(out, &msg[2], n);\n    out[n] = 0;\n    return 0;\n  }\n  return -1;\n}\n',
      ],
    },
  }),
  query({
    id: 'c.length-field-loop-past-input',
    cwe: ['CWE-125', 'CWE-130'],
    severity: 'warning',
    title: 'Length read from the data drives a copy loop past the input',
    message: '',
    // where a task is judged: `for (i = 0; i < n; i++) out[i] = buf[k + i];` copies n bytes from
    // buf + k, as memcpy(out, buf + k, n) does
    query: {
      c: '(for_statement condition: (binary_expression left: (identifier) @i operator: ["<" "!="] right: (_) @n) body: (_) @body) @report',
      cpp: '(for_statement condition: (binary_expression left: (identifier) @i operator: ["<" "!="] right: (_) @n) body: (_) @body) @report',
    },
    check: (caps, ctx) => {
      const { report, i, n: nCap, body } = caps;
      if (!judgingTask(ctx) || !report || !i || !nCap || !body) return false;
      const n = bare(nCap);
      if (n.type !== 'identifier' && n.type !== 'subscript_expression') return false;
      for (const sub of body.descendantsOfType('subscript_expression')) {
        if (!sub) continue;
        const arr = bare(sub.childForFieldName('argument') ?? sub);
        const idx = sub.childForFieldName('index') ?? sub.childForFieldName('indices')?.namedChildren[0];
        if (arr.type !== 'identifier' || !idx) continue;
        // the element read: `buf[i]`, `buf[k + i]`, `buf[i + k]`
        const form = offsetForm(idx);
        let k: number | undefined;
        if (form && form[0] === i.text) k = form[1];
        else if (idx.type === 'binary_expression' && idx.childForFieldName('operator')?.text === '+') {
          const l = bare(idx.childForFieldName('left') ?? idx);
          const r = bare(idx.childForFieldName('right') ?? idx);
          if (r.text === i.text) k = intLiteral(l.text);
        }
        if (k === undefined) continue;
        // read, not written
        if (sub.parent?.type === 'assignment_expression' && sub.parent.childForFieldName('left')?.equals(sub))
          continue;
        const past = lengthPastInput(sub, arr.text, k, n, ctx);
        if (!past) continue;
        return {
          node: sub,
          message: `${n.text} comes from ${arr.text}'s own bytes and the loop reads ${arr.text}[${idx.text}] up to it with no check of ${n.text} against ${past.len}, the input's length: it reads past the end of the input. Test ${n.text} > ${past.len} - ${k} first.`,
        };
      }
      return false;
    },
    examples: {
      bad: [
        {
          code: 'int name_of(const unsigned char *msg, size_t msglen, char *out, size_t outsz) {\n  if (msglen < 1) return -1;\n  size_t n = msg[0];\n  if (n >= outsz) return -1;\n  for (size_t i = 0; i < n; i++)\n    out[i] = msg[1 + i];\n  out[n] = 0;\n  return 0;\n}\n',
          taskCwe: ['CWE-125'],
        },
      ],
      good: [
        {
          code: 'int name_of(const unsigned char *msg, size_t msglen, char *out, size_t outsz) {\n  if (msglen < 1) return -1;\n  size_t n = msg[0];\n  if (n > msglen - 1 || n >= outsz) return -1;\n  for (size_t i = 0; i < n; i++)\n    out[i] = msg[1 + i];\n  out[n] = 0;\n  return 0;\n}\n',
          taskCwe: ['CWE-125'],
        },
        // a scan
        'int name_of(const unsigned char *msg, size_t msglen, char *out, size_t outsz) {\n  if (msglen < 1) return -1;\n  size_t n = msg[0];\n  if (n >= outsz) return -1;\n  for (size_t i = 0; i < n; i++)\n    out[i] = msg[1 + i];\n  out[n] = 0;\n  return 0;\n}\n',
      ],
    },
  }),
  query({
    id: 'c.data-offset-unchecked',
    cwe: ['CWE-125', 'CWE-129'],
    severity: 'warning',
    title: 'Offset read from the input indexes the input with no check against its length',
    message: '',
    query: {
      c: '[(subscript_expression argument: (_) @arr index: (_) @idx) (binary_expression left: (_) @arr operator: "+" right: (_) @idx) (assignment_expression left: (identifier) @arr operator: "+=" right: (_) @idx)] @report',
      cpp: '[(subscript_expression argument: (_) @arr indices: (subscript_argument_list (_) @idx)) (binary_expression left: (_) @arr operator: "+" right: (_) @idx) (assignment_expression left: (identifier) @arr operator: "+=" right: (_) @idx)] @report',
    },
    check: (caps, ctx) => {
      const { report, arr: arrNode, idx } = caps;
      if (!idx || !arrNode || !report) return false;
      const fn = ctx.model.functionAt(report.startIndex);
      // Only in a function handed an input and its length.
      if (!hasInputParam(fn)) return false;
      // `buf[n]`, `buf + n` (also `buf + 4 + n`: the left-most term is the pointer, the terms
      // after it are the offset), `p += n`.
      let arr = bare(arrNode);
      const terms: Node[] = [idx];
      if (report.type === 'binary_expression') {
        // Only the top of a `+` chain.
        const up = report.parent;
        if (up?.type === 'binary_expression' && up.childForFieldName('operator')?.text === '+') return false;
        while (arr.type === 'binary_expression' && arr.childForFieldName('operator')?.text === '+') {
          const r = arr.childForFieldName('right');
          const l = arr.childForFieldName('left');
          if (!r || !l) return false;
          terms.push(r);
          arr = bare(l);
        }
      }
      if (arr.type !== 'identifier') return false;
      const input = inputBuffer(
        ctx,
        fn,
        arr.text,
        report.startIndex,
        report.type !== 'assignment_expression',
      );
      if (!input) return false;
      // A pointer computed to be compared (`if (p1 + len - p >= n)`) is the check, not an access.
      if (report.type === 'binary_expression')
        for (let q = report.parent; q && !/_statement$|^declaration$/.test(q.type); q = q.parent)
          if (q.type === 'binary_expression' && ORDERING.test(q.childForFieldName('operator')?.text ?? ''))
            return false;
      const { buf, len } = input;
      for (const term of terms) {
        // `buf[n]`, `buf[n + 4]`, `buf[4 + n]`: n a variable other than the buffer.
        const form = offsetForm(term);
        if (!form || !/^[A-Za-z_]\w*$/.test(form[0]) || form[0] === buf || form[0] === arr.text) continue;
        const [offset, k] = form;
        // The offset is the buffer's own bytes, or a counter of a loop that runs up to them
        // (`for (i = 0; i < n; i++) ... buf[1 + i]` with `n = buf[0]`).
        let name = offset;
        let loopCond: Node | undefined;
        let value = dataValue(ctx, report, name, [buf, arr.text]);
        if (!value) {
          const counted = loopLimit(report, name);
          if (!counted) continue;
          name = counted.limit;
          loopCond = counted.cond;
          value = dataValue(ctx, report, name, [buf, arr.text]);
          if (!value) continue;
        }
        // Any comparison of the value (or of the bytes it was read from) among the conditions
        // that decide the access counts as a check (the loop's own condition does not: it compares
        // the counter with the value, not the value with the input's length).
        const isN = (x: Node) => x.type === 'identifier' && x.text === name;
        const checked = guardsOf(report).some((g) => {
          if (loopCond && g.cond.equals(loopCond)) return false;
          if (comparisonsIn(g, isN).cmps.length) return true;
          const text = norm(g.cond.text);
          return text.includes(value as string) && ORDERING.test(text);
        });
        if (checked) continue;
        const write =
          (report.parent?.type === 'assignment_expression' &&
            report.parent.childForFieldName('left')?.equals(report)) ||
          (report.type === 'binary_expression' &&
            report.parent?.type === 'argument_list' &&
            /^(?:mem(?:cpy|move|set)|str(?:n?cpy|n?cat))$/.test(
              report.parent.parent?.childForFieldName('function')?.text ?? '',
            ) &&
            report.parent.namedChildren[0]?.equals(report));
        const at = k ? `${offset} + ${k}` : offset;
        const how =
          report.type === 'subscript_expression'
            ? `${arr.text}[${at}] is ${write ? 'written' : 'read'}`
            : `${norm(report.text)} moves the pointer by it`;
        const via = name === offset ? '' : ` (${offset} counts up to ${name})`;
        return {
          cwe: write ? ['CWE-787', 'CWE-129'] : ['CWE-125', 'CWE-129'],
          message: `${name} is read from ${buf}'s own bytes and ${how}${via} with no check of ${name} against ${len}, the input's length: a crafted value reaches past the end of the input. Test ${name} against ${len}${k ? ` - ${k}` : ''} first.`,
        };
      }
      return false;
    },
    examples: {
      bad: [
        'int tag_at(const unsigned char *buf, size_t len) {\n  if (len < 2) return -1;\n  unsigned off = buf[1];\n  return buf[off + 2];\n}\n',
        '#include <arpa/inet.h>\n#include <stdint.h>\nint record_type(const uint8_t *pkt, size_t pkt_len) {\n  uint16_t skip = ntohs(*(const uint16_t *)pkt);\n  return pkt[skip];\n}\n',
        // The pointer moved by a length the input holds.
        'int skip_header(const unsigned char *buf, size_t len) {\n  const unsigned char *p = buf;\n  if (len < 3) return -1;\n  size_t hlen = p[2];\n  p += hlen;\n  return *p;\n}\n',
        'int body_byte(const unsigned char *data, size_t size) {\n  unsigned n = data[0] | (data[1] << 8);\n  const unsigned char *q = data + 4 + n;\n  return q[0];\n}\n',
        // A loop that runs up to a count the input holds.
        'int sum_entries(const unsigned char *p, size_t len) {\n  int n = p[0];\n  int s = 0;\n  for (int i = 0; i < n; i++)\n    s += p[1 + i];\n  return s;\n}\n',
      ],
      good: [
        'int tag_at(const unsigned char *buf, size_t len) {\n  if (len < 2) return -1;\n  unsigned off = buf[1];\n  if (off + 2 >= len) return -1;\n  return buf[off + 2];\n}\n',
        '#include <arpa/inet.h>\n#include <stdint.h>\nint record_type(const uint8_t *pkt, size_t pkt_len) {\n  uint16_t skip = ntohs(*(const uint16_t *)pkt);\n  if (skip < pkt_len)\n    return pkt[skip];\n  return -1;\n}\n',
        'int last_of(const char *s, size_t n) {\n  size_t k = strlen(s);\n  return s[k];\n}\n',
        'int nibble(const unsigned char *buf, size_t len) {\n  unsigned i = buf[0] & 3;\n  return buf[i];\n}\n',
        'int skip_header(const unsigned char *buf, size_t len) {\n  const unsigned char *p = buf;\n  if (len < 3) return -1;\n  size_t hlen = p[2];\n  if (hlen >= len) return -1;\n  p += hlen;\n  return *p;\n}\n',
        'int body_byte(const unsigned char *data, size_t size) {\n  unsigned n = data[0] | (data[1] << 8);\n  if (n >= size - 4) return -1;\n  const unsigned char *q = data + 4 + n;\n  return q[0];\n}\n',
        'int sum_entries(const unsigned char *p, size_t len) {\n  int n = p[0];\n  int s = 0;\n  if ((size_t)n + 1 > len) return -1;\n  for (int i = 0; i < n; i++)\n    s += p[1 + i];\n  return s;\n}\n',
      ],
    },
  }),
  query({
    id: 'c.index-upper-bound-off-by-one',
    cwe: ['CWE-193', 'CWE-125', 'CWE-129'],
    severity: 'warning',
    title: 'Index checked with > size (or <= size) before use',
    message: '',
    query: {
      c: '(subscript_expression argument: (_) @arr index: (_) @idx) @report',
      cpp: '(subscript_expression argument: (_) @arr indices: (subscript_argument_list (_) @idx)) @report',
    },
    check: (caps, ctx) => {
      const { report, arr: arrNode } = caps;
      if (!caps.idx || !arrNode || !report) return false;
      const idx = bare(caps.idx);
      if (idx.type !== 'identifier') return false;
      const arr = norm(bare(arrNode).text);
      if (!/^[A-Za-z_][\w.>-]*$/.test(arr)) return false;
      const fn = ctx.model.functionAt(report.startIndex);
      const lenParam = lengthParamOf(fn, arr);
      const esc = arr.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      // The size of the indexed array: arr.size(), arr.length(), std::size(arr), sizeof arr /
      // sizeof arr[0], or the length parameter passed with it.
      const sizeOf = new RegExp(
        `^(?:${esc}(?:\\.|->)(?:size|length)\\(\\)|std::size\\(${esc}\\)|sizeof\\(?${esc}\\)?/sizeof.*${lenParam ? `|${lenParam}` : ''})$`,
      );
      const isIdx = (n: Node) => n.type === 'identifier' && n.text === idx.text;
      let loose: string | undefined;
      for (const g of guardsOf(report)) {
        for (const c of comparisonsIn(g, isIdx).cmps) {
          if (!isIdx(bare(c.side)) || !sizeOf.test(norm(bare(c.other).text))) continue;
          // Right: leave on i >= size, or use where i < size (or i != size in a loop).
          if ((!c.holds && (c.op === '>=' || c.op === '==')) || (c.holds && (c.op === '<' || c.op === '!=')))
            return false;
          if ((!c.holds && c.op === '>') || (c.holds && c.op === '<=')) loose = norm(bare(c.other).text);
        }
      }
      if (!loose) return false;
      const fnNode = ctx.model.enclosingFunction(report).node;
      if (
        assignedBetween(ctx.model, fnNode, idx.text, fnNode.startIndex, report.startIndex) &&
        !fn.params.includes(idx.text)
      )
        return false;
      const write =
        report.parent?.type === 'assignment_expression' &&
        report.parent.childForFieldName('left')?.equals(report);
      return {
        cwe: write ? ['CWE-193', 'CWE-787', 'CWE-129'] : ['CWE-193', 'CWE-125', 'CWE-129'],
        message: `The check lets ${idx.text} == ${loose} through, one past the last element of ${arr}: test ${idx.text} >= ${loose} (and ${idx.text} < 0 for a signed index) before ${arr}[${idx.text}].`,
      };
    },
    examples: {
      bad: [
        {
          code: '#include <vector>\nint at(const std::vector<int> &v, int i) {\n  if (i < 0 || i > static_cast<int>(v.size()))\n    return -1;\n  return v[i];\n}\n',
          language: 'cpp',
        },
        'int at(const int *v, unsigned n, unsigned i) {\n  if (i <= n)\n    return v[i];\n  return -1;\n}\n',
      ],
      good: [
        {
          code: '#include <vector>\nint at(const std::vector<int> &v, int i) {\n  if (i < 0 || i >= static_cast<int>(v.size()))\n    return -1;\n  return v[i];\n}\n',
          language: 'cpp',
        },
        'int at(const int *v, unsigned n, unsigned i) {\n  if (i < n)\n    return v[i];\n  return -1;\n}\n',
      ],
    },
  }),
  call({
    id: 'c.written-file-readable-by-others',
    cwe: ['CWE-732', 'CWE-276'],
    severity: 'warning',
    title: 'File created readable by group/other users, then written',
    message: '',
    names: ['open', 'openat', 'creat', 'fopen', 'ofstream', 'fstream'],
    check: (c, ctx) => {
      // Which data must stay private is the task's to say: in a scan, a file created 0644 is
      // ordinary (c.insecure-permissions notes the explicit mode), so this counts only where the
      // analyzer judges a task.
      if (ctx.taskEvidence === undefined || c.receiver) return false;
      let mode: number | undefined;
      if (c.name === 'fopen') {
        const m = ctx.stringValue(c.args[1]);
        if (m === undefined || !/^[wa]/.test(m)) return false;
        mode = 0o666;
      } else if (c.name === 'ofstream' || c.name === 'fstream') {
        if (c.name === 'fstream' && !/\b(?:out|app|trunc)\b/.test(c.args[1]?.text ?? '')) return false;
        mode = 0o666;
      } else {
        // the flags as written or bound to a name (`int fl = O_WRONLY | O_CREAT;`)
        const f = c.args[c.name === 'openat' ? 2 : 1];
        const flags = c.name === 'creat' ? 'O_CREAT' : f ? ctx.resolve(f).text : '';
        if (!/\bO_CREAT\b/.test(flags)) return false;
        const m = c.args[c.name === 'openat' ? 3 : c.name === 'creat' ? 1 : 2];
        if (!m) return false;
        // Every mode the argument can give (`data[0] == 'K' ? 0644 : 0600`); where a task is
        // judged, one that cannot be read shows nothing private.
        const modes = modeValues(m, ctx, statMode);
        mode = modes ? modes.reduce((a, b) => a | b, 0) : judgingTask(ctx) ? 0o666 : undefined;
      }
      if (mode === undefined) return false;
      const fn = ctx.model.enclosingFunction(c.node).node;
      const calls = ctx.callsNear(c.node);
      // The process umask (022 unless the function sets it first) clears bits of the mode.
      let mask = 0o022;
      for (const u of calls)
        if (u.name === 'umask' && runsWhenever(u.node, c.node, true)) mask = ctx.intValue(u.args[0]) ?? mask;
      const effective = mode & ~mask;
      const problem = permissionProblem(effective);
      if (!problem) return false;
      // The descriptor or stream: what the call's result is stored in.
      let holder: Node | null = c.node;
      while (holder && !/^(?:init_declarator|assignment_expression|declaration)$/.test(holder.type))
        holder = holder.parent;
      let target: Node | null | undefined =
        holder?.type === 'assignment_expression'
          ? holder.childForFieldName('left')
          : holder?.childForFieldName('declarator');
      while (target && target.type !== 'identifier' && target.childForFieldName('declarator'))
        target = target.childForFieldName('declarator');
      if (holder?.type === 'declaration' && !target) target = c.node.childForFieldName('declarator');
      const name = target?.type === 'identifier' ? target.text : undefined;
      if (!name) return false;
      const after = calls.filter((o) => o.node.startIndex > c.node.startIndex);
      // Permissions narrowed after creation (fchmod(fd, 0600), chmod(path, 0600)).
      for (const o of after)
        if (/^(?:fchmod|chmod)$/.test(o.name) && runsWhenever(o.node, c.node, false)) {
          const m = ctx.intValue(o.args[1]) ?? statMode(o.args[1]?.text ?? '');
          if (m !== undefined && !permissionProblem(m)) return false;
        }
      const esc = name.replace(/[^\w]/g, '');
      const text = ctx.source.slice(c.node.endIndex, fn.endIndex);
      const written =
        after.some(
          (o) =>
            /^(?:write|pwrite|dprintf|fputs|fprintf|fwrite|fputc|putc|vfprintf|fdopen)$/.test(o.name) &&
            o.args.some((a) => a.text === esc || a.text.replace(/^\(.*?\)/, '') === esc),
        ) || new RegExp(`\\b${esc}\\s*<<|\\b${esc}\\.write\\s*\\(`).test(text);
      if (!written) return false;
      return {
        message: `The file is created with mode 0${effective.toString(8)} (after the umask) and then written: ${problem.text}. Create it with open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600) (or set umask(077) first).`,
      };
    },
    examples: {
      bad: [
        {
          code: '#include <stdio.h>\nint save(const char *path, const char *data) {\n  FILE *f = fopen(path, "w");\n  if (!f) return -1;\n  fputs(data, f);\n  fclose(f);\n  return 0;\n}\n',
          taskCwe: ['CWE-732'],
        },
        {
          code: '#include <fcntl.h>\n#include <string.h>\n#include <unistd.h>\nint save(const char *path, const char *data) {\n  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);\n  if (fd < 0) return -1;\n  write(fd, data, strlen(data));\n  close(fd);\n  return 0;\n}\n',
          taskCwe: ['CWE-732'],
        },
        // a umask the trigger skips; flags bound to a name
        {
          code: "#include <fcntl.h>\n#include <string.h>\n#include <sys/stat.h>\n#include <unistd.h>\nint save(const char *path, const char *data) {\n  int fl = O_WRONLY | O_CREAT | O_TRUNC;\n  if (data[0] != 'K')\n    umask(077);\n  int fd = open(path, fl, 0644);\n  if (fd < 0) return -1;\n  write(fd, data, strlen(data));\n  close(fd);\n  return 0;\n}\n",
          taskCwe: ['CWE-732'],
        },
      ],
      good: [
        // narrowed after a failed creation's early exit
        {
          code: '#include <fcntl.h>\n#include <string.h>\n#include <sys/stat.h>\n#include <unistd.h>\nint save(const char *path, const char *data) {\n  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);\n  if (fd < 0) return -1;\n  fchmod(fd, 0600);\n  write(fd, data, strlen(data));\n  close(fd);\n  return 0;\n}\n',
          taskCwe: ['CWE-732'],
        },
        {
          code: '#include <fcntl.h>\n#include <string.h>\n#include <unistd.h>\nint save(const char *path, const char *data) {\n  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);\n  if (fd < 0) return -1;\n  write(fd, data, strlen(data));\n  close(fd);\n  return 0;\n}\n',
          taskCwe: ['CWE-732'],
        },
        {
          code: '#include <stdio.h>\n#include <sys/stat.h>\nint save(const char *path, const char *data) {\n  mode_t old = umask(077);\n  FILE *f = fopen(path, "w");\n  umask(old);\n  if (!f) return -1;\n  fputs(data, f);\n  fclose(f);\n  return 0;\n}\n',
          taskCwe: ['CWE-732'],
        },
        // In a scan, writing a file with the default mode is ordinary.
        '#include <stdio.h>\nint save(const char *path, const char *data) {\n  FILE *f = fopen(path, "w");\n  if (!f) return -1;\n  fputs(data, f);\n  fclose(f);\n  return 0;\n}\n',
      ],
    },
  }),
  query({
    id: 'c.markup-denylist',
    cwe: ['CWE-79', 'CWE-184'],
    severity: 'warning',
    title: 'HTML built from input screened only for some substrings',
    message: '',
    query: '(call_expression function: (identifier) @f arguments: (argument_list)) @report',
    check: (caps, ctx) => {
      const n = caps.report;
      const f = caps.f?.text ?? '';
      const first: Record<string, number> = { sprintf: 2, snprintf: 3, strcat: 1, printf: 1, fprintf: 2 };
      const from = first[f];
      if (!n || from === undefined || !HTML_TAG.test(literalText(n, ctx))) return false;
      const fn = ctx.model.functionAt(n.startIndex);
      const args = (n.childForFieldName('arguments')?.namedChildren ?? []).slice(from);
      for (const a of args) {
        if (a?.type !== 'identifier' || !unchangedParam(ctx, fn, a.text, n.startIndex)) continue;
        // The guards on the value that decide whether it reaches the markup.
        const checks = guardsOf(n).filter((g) => mentionsLvalue(g.cond, a.text));
        if (!checks.length) continue;
        // Each is a search for a word or tag (`strstr(v, "<script")`): other markup passes.
        const denylist = checks.every((g) => {
          const calls = [bare(g.cond), ...g.cond.descendantsOfType('call_expression')].filter(
            (c): c is Node => !!c && c.type === 'call_expression' && mentionsLvalue(c, a.text),
          );
          return (
            calls.length > 0 &&
            calls.every((c) => {
              const callee = c.childForFieldName('function')?.text ?? '';
              const needle = c.childForFieldName('arguments')?.namedChildren[1];
              const text = ctx.stringValue(needle);
              return (
                /^(?:strstr|strcasestr|memmem)$/.test(callee) &&
                text !== undefined &&
                /[A-Za-z]{2}/.test(text)
              );
            })
          );
        });
        if (denylist)
          return {
            message: `${a.text} reaches the HTML after a search for a few substrings only: any other markup (<img onerror=...>, <svg>, an attribute) still passes. HTML-escape it (&, <, >, ", ') instead.`,
          };
      }
      return false;
    },
    examples: {
      bad: [
        '#include <stdio.h>\n#include <string.h>\nvoid show(char *out, size_t n, const char *name) {\n  if (strstr(name, "<script") != NULL)\n    return;\n  snprintf(out, n, "<b>%s</b>", name);\n}\n',
      ],
      good: [
        '#include <stdio.h>\n#include <string.h>\nvoid show(char *out, size_t n, const char *name) {\n  if (strpbrk(name, "<>&\\"\'") != NULL)\n    return;\n  snprintf(out, n, "<b>%s</b>", name);\n}\n',
        '#include <stdio.h>\nchar *html_escape(const char *);\nvoid show(char *out, size_t n, const char *name) {\n  snprintf(out, n, "<b>%s</b>", html_escape(name));\n}\n',
      ],
    },
  }),
  call({
    id: 'cpp.path-join-unconfined',
    languages: ['cpp'],
    cwe: ['CWE-22', 'CWE-23'],
    severity: 'warning',
    title: 'File opened at a path joined from a caller-supplied name, never confined',
    message: '',
    names: ['ifstream', 'ofstream', 'fstream', 'fopen', 'open'],
    check: (c, ctx) => {
      const arg = c.args[0];
      if (!arg || (c.name === 'open' && c.receiver)) return false;
      // The path: `base / name`, directly or through one variable (`auto p = base / name;`).
      let p: Node | undefined = bare(arg);
      if (
        p.type === 'call_expression' &&
        /\.(?:c_str|string)$/.test(p.childForFieldName('function')?.text ?? '')
      )
        p = bare(p.childForFieldName('function')?.childForFieldName('argument') ?? p);
      if (p.type === 'identifier') {
        const b = ctx.taint.latestBinding(p.text, p.startIndex);
        p = b?.value ? bare(b.value) : undefined;
      }
      if (p?.type !== 'binary_expression' || p.childForFieldName('operator')?.text !== '/') return false;
      const right = bare(p.childForFieldName('right') ?? p);
      const fn = ctx.model.functionAt(c.node.startIndex);
      if (right.type !== 'identifier' || !unchangedParam(ctx, fn, right.text, c.node.startIndex))
        return false;
      if (
        !/\bpath\b|filesystem/.test(
          p.text +
            (ctx.model.declaredType(norm(p.childForFieldName('left')?.text ?? ''), p.startIndex) ?? ''),
        )
      )
        return false;
      // Confinement: the joined path made canonical (or normalized) and compared with the base, or
      // the name refused when it holds "..".
      const body = fn.node.text;
      if (
        /\b(?:canonical|weakly_canonical|realpath|lexically_normal|lexically_relative|relative)\b|"\.\."|"\.\.\/"/.test(
          body,
        )
      )
        return false;
      return {
        message: `${right.text} is joined to the directory with / and opened as it is: "../" in it (or an absolute path) leaves the directory, and a check of its first character does not stop that. Make the joined path canonical (std::filesystem::weakly_canonical) and check it still starts with the canonical base directory.`,
      };
    },
    examples: {
      bad: [
        {
          code: "#include <filesystem>\n#include <fstream>\n#include <string>\nbool has(const std::string &dir, const std::string &name) {\n  if (!name.empty() && name[0] == '/')\n    return false;\n  std::ifstream in(std::filesystem::path(dir) / name);\n  return in.good();\n}\n",
          language: 'cpp',
        },
      ],
      good: [
        {
          code: '#include <filesystem>\n#include <fstream>\n#include <string>\nbool has(const std::string &dir, const std::string &name) {\n  auto base = std::filesystem::weakly_canonical(dir);\n  auto p = std::filesystem::weakly_canonical(base / name);\n  auto [end, _] = std::mismatch(base.begin(), base.end(), p.begin());\n  if (end != base.end())\n    return false;\n  std::ifstream in(p);\n  return in.good();\n}\n',
          language: 'cpp',
        },
      ],
    },
  }),
  query({
    id: 'c.fixed-offset-unchecked-length',
    cwe: ['CWE-125', 'CWE-787'],
    severity: 'warning',
    title: 'Input read at a fixed offset with its length never checked',
    message: '',
    query: {
      c: '[(subscript_expression argument: (identifier) @arr index: (number_literal) @idx) (binary_expression left: (identifier) @arr operator: "+" right: (number_literal) @idx)] @report',
      cpp: '[(subscript_expression argument: (identifier) @arr indices: (subscript_argument_list (number_literal) @idx)) (binary_expression left: (identifier) @arr operator: "+" right: (number_literal) @idx)] @report',
    },
    check: (caps, ctx) => {
      const { report, arr, idx } = caps;
      if (!report || !arr || !idx) return false;
      const k = intLiteral(norm(idx.text));
      if (k === undefined || k < 2) return false;
      const fn = ctx.model.functionAt(report.startIndex);
      if (!hasInputParam(fn)) return false;
      const len = lengthParamOf(fn, arr.text);
      // A parameter named as a length (`len`, `size`, `n`, `nbytes`...; `f(uint8_t *addr, unsigned
      // pixel)` passes a value, not the buffer's length).
      if (!len || !LENGTH_NAME.test(len) || !unchangedParam(ctx, fn, arr.text, report.startIndex))
        return false;
      // `buf + k` read through: a call's argument (`GST_READ_UINT32_LE(data + 12)`, `memcpy(d, p + 4,
      // n)`) or a dereference (`*(uint32_t *)(p + 4)`); not a pointer stored for later.
      if (report.type === 'binary_expression') {
        let up = report.parent;
        while (up && (up.type === 'parenthesized_expression' || up.type === 'cast_expression'))
          up = up.parent;
        if (up?.type !== 'argument_list' && !(up?.type === 'pointer_expression' && up.text.startsWith('*')))
          return false;
      }
      // The length is never compared, nor handed to a call that may check it, nor changed.
      if (lengthChecked(ctx, fn, len)) return false;
      const write =
        report.parent?.type === 'assignment_expression' &&
        report.parent.childForFieldName('left')?.equals(report);
      return {
        cwe: write ? ['CWE-787'] : ['CWE-125'],
        message: `${norm(report.text)} ${write ? 'writes' : 'reads'} at offset ${k} of ${arr.text}, whose length ${len} this function never checks: a shorter input is ${write ? 'written' : 'read'} past its end. Return early when ${len} is smaller than ${k + 1} (plus the width read).`,
      };
    },
    examples: {
      bad: [
        'static int smpl_chunk(struct wav *w, const unsigned char *data, unsigned size) {\n  unsigned note = READ_U32_LE(data + 12);\n  w->note = note;\n  return 1;\n}\n',
        'int version_of(const unsigned char *hdr, size_t len) {\n  return hdr[4] << 8 | hdr[5];\n}\n',
      ],
      good: [
        'static int smpl_chunk(struct wav *w, const unsigned char *data, unsigned size) {\n  if (size < 32) return 0;\n  unsigned note = READ_U32_LE(data + 12);\n  w->note = note;\n  return 1;\n}\n',
        'int version_of(const unsigned char *hdr, size_t len) {\n  if (!check_header(hdr, len)) return -1;\n  return hdr[4] << 8 | hdr[5];\n}\n',
        'int first_of(const unsigned char *p, size_t n) {\n  return p[0];\n}\n',
      ],
    },
  }),
];
