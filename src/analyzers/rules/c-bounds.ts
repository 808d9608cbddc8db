import type { Node } from 'web-tree-sitter';
import { intLiteral, mentionsLvalue, norm, ORDERING } from '../engine/c-flow.ts';
import { guardsAt } from '../engine/dominance.ts';
import type { CallSite } from '../engine/model.ts';
import type { Rule, RuleContext } from '../engine/rule.ts';
import { call, query } from './c.ts';

/**
 * Classic C off-by-one and size mistakes, each judged inside one function on the syntax tree:
 * a loop that runs one past an array's declared size (`i <= N` over `a[N]`), a NUL written at the
 * count a read returned when the read could fill the whole buffer, a signed length checked only
 * against its upper bound and then used as a copy size, `snprintf`'s return value accumulated as
 * an offset with no test for truncation, and `malloc(sizeof(p))` for the pointer's own size.
 * The fix each rule names (`i < N`, reading `sizeof(buf) - 1`, a `len < 0` test, a test of the
 * return value, `sizeof(*p)`) makes the finding go away.
 */

const stripParens = (n: Node): Node => {
  let v = n;
  while (v.type === 'parenthesized_expression' && v.namedChildren[0]) v = v.namedChildren[0];
  return v;
};

/** The array and index of a subscript (`a[i]`) in C and C++ trees. */
function subscriptParts(s: Node): { arr: Node; idx: Node } | undefined {
  const arr = s.childForFieldName('argument');
  const idx = s.childForFieldName('index') ?? s.childForFieldName('indices')?.namedChildren[0] ?? undefined;
  return arr && idx ? { arr, idx } : undefined;
}

/**
 * The size text of a fixed array declared in this function (`char buf[256]` -> `256`), else of a
 * file-level one; the file-wide table alone would mix up same-named arrays of two functions.
 */
function arraySizeIn(fn: Node, name: string): string | undefined {
  for (const d of fn.descendantsOfType('array_declarator')) {
    const inner = d?.childForFieldName('declarator');
    const size = d?.childForFieldName('size');
    if (inner?.type === 'identifier' && inner.text === name && size) return norm(size.text);
  }
  if (fn.type !== 'function_definition') return undefined;
  const root = fn.tree.rootNode;
  for (const d of root.namedChildren) {
    if (d?.type !== 'declaration') continue;
    for (const a of d.descendantsOfType('array_declarator')) {
      const inner = a?.childForFieldName('declarator');
      const size = a?.childForFieldName('size');
      if (inner?.type === 'identifier' && inner.text === name && size) return norm(size.text);
    }
  }
  return undefined;
}

const SIGNED_LEN =
  /^(?:const\s+)?(?:signed\s+)?(?:int|long|short|long\s+long|long\s+int|ssize_t|int(?:16|32|64)_t|gint|gint32|s32|__s32)$/;

/** The signed offset of a pointer argument: `buf + off`, `off + buf`, `&buf[off]` (an identifier). */
function pointerOffset(arg: Node): Node | undefined {
  const a = stripParens(arg);
  if (a.type === 'binary_expression' && a.childForFieldName('operator')?.text === '+') {
    const l = stripParens(a.childForFieldName('left') as Node);
    const r = stripParens(a.childForFieldName('right') as Node);
    if (r.type === 'identifier' && l.type !== 'number_literal') return r;
    return undefined;
  }
  if (a.type === 'pointer_expression' && a.text.startsWith('&')) {
    const sub = a.childForFieldName('argument');
    const idx = sub?.type === 'subscript_expression' ? sub.childForFieldName('index') : undefined;
    return idx?.type === 'identifier' ? idx : undefined;
  }
  return undefined;
}

/**
 * Whether the signed identifier (a parameter, or a value read from the data) is compared before the
 * call only against an upper bound: its declared type and a text of it.
 */
function upperOnly(c: CallSite, ctx: RuleContext, node: Node): { len: string; type: string } | undefined {
  const len = node.text;
  const type = ctx.model.declaredType(len, node.startIndex)?.trim();
  if (!type || !SIGNED_LEN.test(type)) return undefined;
  const fn = ctx.model.enclosingFunction(c.node).node;
  const info = ctx.model.functionAt(c.node.startIndex);
  // From the caller (a parameter) or the data (a field read, a decoded value).
  if (!info.params.includes(len)) {
    const b = ctx.taint.latestBinding(len, node.startIndex);
    const v = b?.value ? stripParens(b.value) : undefined;
    if (!v || !/^(?:field_expression|call_expression|subscript_expression)$/.test(v.type)) return undefined;
    if (
      v.type === 'call_expression' &&
      /^(?:strlen|strnlen|sizeof|\w*count\w*|read|recv|fread)$/i.test(
        v.childForFieldName('function')?.text ?? '',
      )
    )
      return undefined;
  }
  // Every comparison of len before the copy: an upper bound and no lower one.
  let upper = false;
  for (const b of ctx.model.nodesIn(fn, ['binary_expression'])) {
    if (b.startIndex >= c.node.startIndex) break;
    const op = b.childForFieldName('operator')?.text ?? '';
    if (!/^(?:<|<=|>|>=|==|!=)$/.test(op)) continue;
    const l = b.childForFieldName('left');
    const r = b.childForFieldName('right');
    if (!l || !r) continue;
    // `len`, or `len + k` / `len - k` (`if (off + 4 > n)` bounds off from above too).
    const sum = new RegExp(`^${len}[-+][\\w()]+$|^[\\w()]+\\+${len}$`);
    const lt = norm(stripParens(l).text);
    const rt = norm(stripParens(r).text);
    const lenLeft = lt === len || sum.test(lt);
    const lenRight = !lenLeft && (rt === len || sum.test(rt));
    if (!lenLeft && !lenRight) continue;
    const exact = (lenLeft ? lt : rt) === len;
    const other = norm((lenLeft ? r : l).text);
    const k = intLiteral(other.replace(/^-/, ''));
    const flip: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
    const o = lenLeft ? op : (flip[op] ?? op);
    // `len < 0`, `len <= 0`, `len >= 0`, `len > 0`, `len == 0` are lower bounds.
    if (exact && k !== undefined && k <= 1 && !other.startsWith('-')) {
      if (o !== '==' && o !== '!=') return undefined;
      continue;
    }
    if (o === '>' || o === '>=' || o === '<' || o === '<=') upper = true;
  }
  if (!upper) return undefined;
  if (
    new RegExp(`\\(\\s*(?:unsigned|size_t|uint\\w*)[^)]*\\)\\s*${len}\\b`).test(
      ctx.source.slice(fn.startIndex, c.node.startIndex),
    )
  )
    return undefined;
  return { len, type };
}

export const C_BOUNDS_RULES: Rule[] = [
  query({
    id: 'c.loop-off-by-one',
    cwe: ['CWE-193', 'CWE-787'],
    severity: 'warning',
    title: 'Loop runs one element past the array',
    message: '',
    query: '(for_statement condition: (binary_expression) @cond body: (_) @body) @report',
    check: (caps, ctx) => {
      const { cond, body } = caps;
      if (!cond || !body) return false;
      const op = cond.childForFieldName('operator')?.text;
      const left = cond.childForFieldName('left');
      const right = cond.childForFieldName('right');
      if (!left || !right) return false;
      // `i <= N` (or `N >= i`): the last turn has i == N.
      let i: string;
      let bound: string;
      if (op === '<=' && left.type === 'identifier') [i, bound] = [left.text, norm(right.text)];
      else if (op === '>=' && right.type === 'identifier') [i, bound] = [right.text, norm(left.text)];
      else return false;
      for (const s of body.descendantsOfType('subscript_expression')) {
        if (!s) continue;
        const parts = subscriptParts(s);
        if (!parts) continue;
        if (parts.arr.type !== 'identifier' || norm(stripParens(parts.idx).text) !== i) continue;
        const size = arraySizeIn(ctx.model.enclosingFunction(s).node, parts.arr.text);
        // The array's declared size is the loop's bound (`a[10]` with `i <= 10`, `a[N]` with `i <= N`).
        if (!size || size !== bound) continue;
        // A `char s[N + 1]`-style declaration would not match; `i <= N - 1` neither.
        const write =
          s.parent?.type === 'assignment_expression' && s.parent.childForFieldName('left')?.equals(s);
        return {
          node: s,
          cwe: write ? ['CWE-193', 'CWE-787'] : ['CWE-193', 'CWE-125'],
          message: `${parts.arr.text} has ${size} elements (0..${size}-1) but the loop runs ${i} up to ${bound} inclusive: the last turn ${write ? 'writes' : 'reads'} ${parts.arr.text}[${bound}], one past the end. Use ${i} < ${bound}.`,
        };
      }
      return false;
    },
    examples: {
      bad: ['void init(void) {\n  int a[10];\n  for (int i = 0; i <= 10; i++)\n    a[i] = i;\n}\n'],
      good: [
        'void init(void) {\n  int a[10];\n  for (int i = 0; i < 10; i++)\n    a[i] = i;\n}\n',
        'void init(void) {\n  int a[11];\n  for (int i = 0; i <= 10; i++)\n    a[i] = i;\n}\n',
      ],
    },
  }),
  query({
    id: 'c.read-count-terminator',
    cwe: ['CWE-193', 'CWE-787'],
    severity: 'warning',
    title: 'NUL written at the count a full-buffer read returned',
    message: '',
    // buf[n] = '\0' / buf[n] = 0
    query:
      '(assignment_expression left: (subscript_expression) @sub right: [(char_literal) (number_literal)] @zero) @report',
    check: (caps, ctx) => {
      const { sub, zero, report } = caps;
      if (!sub || !zero || !report) return false;
      if (!/^(?:'\\0'|0)$/.test(zero.text)) return false;
      const parts = subscriptParts(sub);
      if (!parts) return false;
      if (parts.arr.type !== 'identifier' || stripParens(parts.idx).type !== 'identifier') return false;
      const buf = parts.arr.text;
      const n = stripParens(parts.idx).text;
      const fn = ctx.model.enclosingFunction(report).node;
      const declared = arraySizeIn(fn, buf);
      if (!declared) return false;
      const count = intLiteral(declared);
      // n = read(fd, buf, sizeof(buf)) / recv(s, buf, sizeof buf, 0) / fread(buf, 1, sizeof(buf), f)
      const reads = ctx.model
        .nodesIn(fn, ['call_expression'])
        .filter((c) => c.startIndex < report.startIndex);
      let readCall: Node | undefined;
      for (const c of reads) {
        const callee = c.childForFieldName('function')?.text ?? '';
        const args = c.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => !!a) ?? [];
        const [bi, si] =
          callee === 'fread' ? [0, 2] : /^(?:read|recv|pread|recvfrom)$/.test(callee) ? [1, 2] : [-1, -1];
        if (bi < 0 || norm(args[bi]?.text ?? '') !== buf) continue;
        const size = norm(args[si]?.text ?? '');
        const full =
          size === `sizeof(${buf})` ||
          size === `sizeof${buf}` ||
          size === declared ||
          (count !== undefined && intLiteral(size) === count);
        if (!full) continue;
        // The count lands in n: `n = read(...)`, `ssize_t n = read(...)`.
        const p = c.parent;
        const target =
          p?.type === 'assignment_expression'
            ? norm(p.childForFieldName('left')?.text ?? '')
            : p?.type === 'init_declarator'
              ? norm(p.childForFieldName('declarator')?.text ?? '')
              : '';
        if (target === n) readCall = c;
      }
      if (!readCall) return false;
      // A test of n against the size between the read and the write (`if (n == sizeof buf) n--`).
      const between = ctx.model
        .nodesIn(fn, ['if_statement', 'conditional_expression', 'while_statement'])
        .filter((s) => s.startIndex > readCall.endIndex && s.startIndex < report.startIndex);
      for (const s of between) {
        const c = s.childForFieldName('condition');
        if (
          c &&
          mentionsLvalue(c, n) &&
          /sizeof|[<>]=?|==/.test(c.text) &&
          !/[<>]=?\s*0\s*\)?$|<\s*0\b/.test(c.text)
        )
          return false;
      }
      if (
        new RegExp(`\\b${n}\\s*(?:--|-=)|--\\s*${n}\\b`).test(
          ctx.source.slice(readCall.endIndex, report.startIndex),
        )
      )
        return false;
      return {
        message: `The read may fill all ${declared} elements of ${buf} and return ${declared}; ${buf}[${n}] = 0 then writes one past the end. Read at most sizeof(${buf}) - 1 bytes.`,
      };
    },
    examples: {
      bad: [
        "#include <unistd.h>\nint line(int fd) {\n  char buf[256];\n  ssize_t n = read(fd, buf, sizeof(buf));\n  if (n < 0) return -1;\n  buf[n] = '\\0';\n  return buf[0];\n}\n",
      ],
      good: [
        "#include <unistd.h>\nint line(int fd) {\n  char buf[256];\n  ssize_t n = read(fd, buf, sizeof(buf) - 1);\n  if (n < 0) return -1;\n  buf[n] = '\\0';\n  return buf[0];\n}\n",
        "#include <unistd.h>\nint line(int fd) {\n  char buf[256];\n  ssize_t n = read(fd, buf, sizeof(buf));\n  if (n <= 0 || n == sizeof(buf)) return -1;\n  buf[n] = '\\0';\n  return buf[0];\n}\n",
      ],
    },
  }),
  call({
    id: 'c.signed-size-upper-only',
    cwe: ['CWE-195', 'CWE-787'],
    severity: 'warning',
    title: 'Signed length checked only against its upper bound, used as a copy size',
    message: '',
    names: ['memcpy', 'memmove', 'memset', 'strncpy', 'strncat', 'read', 'recv', 'fread', 'fgets'],
    check: (c, ctx) => {
      // The byte count: fgets(buf, n, f), fread(buf, size, n, f), the third argument otherwise; and
      // an offset into a pointer argument (`memcpy(dst, buf + off, n)`, `&buf[off]`).
      const sizeArg = c.args[c.name === 'fgets' ? 1 : 2];
      const candidates: { node: Node; role: 'size' | 'offset' }[] = [];
      if (sizeArg?.type === 'identifier') candidates.push({ node: sizeArg, role: 'size' });
      for (const a of c.args.slice(0, 2)) {
        const off = a ? pointerOffset(a) : undefined;
        if (off) candidates.push({ node: off, role: 'offset' });
      }
      for (const { node, role } of candidates) {
        const found = upperOnly(c, ctx, node);
        if (!found) continue;
        // An offset's upper bound must be one of the checks that decide the call (a comparison in a
        // loop that picks another value, as in `if (all[i] > start)`, bounds nothing here).
        if (
          role === 'offset' &&
          !guardsAt(c.node, ctx.model.enclosingFunction(c.node).node, ctx.model.profile, ctx.language).some(
            (g) => ORDERING.test(g.node.text) && mentionsLvalue(g.node, found.len),
          )
        )
          continue;
        const { len, type } = found;
        return role === 'size'
          ? {
              message: `${len} is a signed ${type} checked only against its upper bound: a negative ${len} passes the check and becomes a huge size_t in ${c.calleeText}(). Test ${len} < 0 too, or make it size_t.`,
            }
          : {
              node,
              cwe: ['CWE-125', 'CWE-787', 'CWE-129'],
              message: `${len} is a signed ${type} checked only against its upper bound: a negative ${len} moves the pointer before the start of the buffer and ${c.calleeText}() reads or writes there. Test ${len} < 0 too, or make it size_t.`,
            };
      }
      return false;
    },
    examples: {
      bad: [
        '#include <string.h>\nint put(const char *src, int len) {\n  char buf[64];\n  if (len > 64) return -1;\n  memcpy(buf, src, len);\n  return buf[0];\n}\n',
        // A signed offset into the source, checked only against the end.
        '#include <string.h>\nint field(const char *rec, size_t rec_len, int off, char *out) {\n  if (off + 4 > (int)rec_len) return -1;\n  memcpy(out, rec + off, 4);\n  return 0;\n}\n',
      ],
      good: [
        '#include <string.h>\nint field(const char *rec, size_t rec_len, int off, char *out) {\n  if (off < 0 || off + 4 > (int)rec_len) return -1;\n  memcpy(out, rec + off, 4);\n  return 0;\n}\n',
        // A comparison that does not decide the copy is no bound of the offset.
        '#include <string.h>\n#include <stdlib.h>\nvoid *slice(const char *data, int start, const int *ends, size_t n) {\n  int end = 0;\n  for (size_t i = 0; i < n; i++)\n    if (ends[i] > start && (!end || ends[i] < end)) end = ends[i];\n  if (!end) return NULL;\n  void *r = malloc(end - start);\n  if (r) memcpy(r, &data[start], end - start);\n  return r;\n}\n',
        '#include <string.h>\nint put(const char *src, int len) {\n  char buf[64];\n  if (len < 0 || len > 64) return -1;\n  memcpy(buf, src, len);\n  return buf[0];\n}\n',
        '#include <string.h>\nint put(const char *src, size_t len) {\n  char buf[64];\n  if (len > 64) return -1;\n  memcpy(buf, src, len);\n  return buf[0];\n}\n',
      ],
    },
  }),
  call({
    id: 'c.snprintf-offset-unchecked',
    cwe: ['CWE-787', 'CWE-120'],
    severity: 'warning',
    title: "snprintf's return value used as an offset without a truncation test",
    message: '',
    names: ['snprintf', 'vsnprintf'],
    check: (c, ctx) => {
      // off += snprintf(buf + off, size - off, ...): on truncation snprintf returns the length it
      // wanted, so off passes size and the next call writes past the buffer (size - off wraps).
      const p = c.node.parent;
      if (p?.type !== 'assignment_expression' || p.childForFieldName('operator')?.text !== '+=') return false;
      const off = norm(p.childForFieldName('left')?.text ?? '');
      if (!off || !mentionsLvalue(c.args[0] ?? c.node, off) || !mentionsLvalue(c.args[1] ?? c.node, off))
        return false;
      const fn = ctx.model.enclosingFunction(c.node).node;
      // A test of the offset against the size anywhere after the call in the function (or the loop).
      for (const s of ctx.model.nodesIn(fn, [
        'if_statement',
        'while_statement',
        'conditional_expression',
        'binary_expression',
      ])) {
        if (s.startIndex <= c.node.startIndex && s.type !== 'while_statement') continue;
        const cond = s.type === 'binary_expression' ? s : s.childForFieldName('condition');
        if (
          cond &&
          /[<>]/.test(cond.childForFieldName('operator')?.text ?? cond.text) &&
          mentionsLvalue(cond, off)
        )
          return false;
      }
      const loop = ctx.model
        .nodesIn(fn, ['binary_expression'])
        .some(
          (b) =>
            b.startIndex < c.node.startIndex &&
            /[<>]/.test(b.childForFieldName('operator')?.text ?? '') &&
            mentionsLvalue(b, off),
        );
      if (loop) return false;
      return {
        message: `${off} += ${c.calleeText}(...) adds the length ${c.calleeText} wanted to write, not what it wrote: once the output is truncated ${off} passes the buffer size and the next write goes past the end. Check the return value (r < 0 || r >= size - ${off}) before adding it.`,
      };
    },
    examples: {
      bad: [
        '#include <stdio.h>\nint join(char *out, size_t cap, char **items, int k) {\n  size_t n = 0;\n  for (int i = 0; i < k; i++)\n    n += snprintf(out + n, cap - n, "%s,", items[i]);\n  return (int)n;\n}\n',
      ],
      good: [
        '#include <stdio.h>\nint join(char *out, size_t cap, char **items, int k) {\n  size_t n = 0;\n  for (int i = 0; i < k; i++) {\n    int r = snprintf(out + n, cap - n, "%s,", items[i]);\n    if (r < 0 || (size_t)r >= cap - n) return -1;\n    n += r;\n  }\n  return (int)n;\n}\n',
        '#include <stdio.h>\nint join(char *out, size_t cap, char **items, int k) {\n  size_t n = 0;\n  for (int i = 0; i < k && n < cap; i++)\n    n += snprintf(out + n, cap - n, "%s,", items[i]);\n  return (int)n;\n}\n',
      ],
    },
  }),
  call({
    id: 'c.sizeof-pointer-alloc',
    cwe: ['CWE-467', 'CWE-131'],
    severity: 'warning',
    title: 'Allocation sized by the pointer instead of what it points to',
    message: '',
    names: ['malloc', 'calloc', 'realloc', 'alloca', 'kmalloc', 'kzalloc'],
    check: (c, ctx) => {
      const p = c.node.parent;
      const target =
        p?.type === 'assignment_expression'
          ? norm(p.childForFieldName('left')?.text ?? '')
          : p?.type === 'init_declarator'
            ? norm(p.childForFieldName('declarator')?.text ?? '').replace(/^\*+/, '')
            : p?.type === 'cast_expression' && p.parent?.type === 'init_declarator'
              ? norm(p.parent.childForFieldName('declarator')?.text ?? '').replace(/^\*+/, '')
              : p?.type === 'cast_expression' && p.parent?.type === 'assignment_expression'
                ? norm(p.parent.childForFieldName('left')?.text ?? '')
                : '';
      if (!target || !/^\w+$/.test(target)) return false;
      const size = norm(
        (c.name === 'calloc' ? c.args[1] : c.name === 'realloc' ? c.args[1] : c.args[0])?.text ?? '',
      );
      // sizeof(p) / sizeof p for the pointer being assigned (sizeof(*p) is right).
      if (size !== `sizeof(${target})` && size !== `sizeof${target}`) return false;
      const type = ctx.model.declaredType(target, c.node.startIndex) ?? '';
      if (!type.includes('*') && !/\*\s*\w+\s*=/.test(p?.parent?.text ?? '')) return false;
      return {
        message: `sizeof(${target}) is the size of the pointer (8 bytes), not of what it points to: use sizeof(*${target}) (times the count).`,
      };
    },
    examples: {
      bad: [
        '#include <stdlib.h>\nstruct node { int v[16]; };\nstruct node *make(void) {\n  struct node *n = malloc(sizeof(n));\n  return n;\n}\n',
      ],
      good: [
        '#include <stdlib.h>\nstruct node { int v[16]; };\nstruct node *make(void) {\n  struct node *n = malloc(sizeof(*n));\n  return n;\n}\n',
        '#include <stdlib.h>\nchar **make(void) {\n  char **v = malloc(4 * sizeof(char *));\n  return v;\n}\n',
      ],
    },
  }),
];
