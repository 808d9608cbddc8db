import type { Node } from 'web-tree-sitter';
import {
  assignedBetween,
  dereferences,
  enclosingFunction,
  enclosingLoop,
  fallsThrough,
  guardedUse,
  intLiteral,
  mentionsLvalue,
  nodesIn,
  norm,
} from '../engine/c-flow.ts';
import type { Rule } from '../engine/rule.ts';
import { call, query } from './c.ts';

/**
 * C/C++ memory-safety rules that reason about one function's control flow (engine/c-flow.ts):
 * a dereference of a result that can be NULL with no check dominating it (CWE-476/690), a use of a
 * pointer after it was freed on a path that reaches the use, including the next turn of a retry
 * loop (CWE-416), and an allocation size computed by a multiplication that nothing bounds
 * (CWE-190/680). Adding the missing check (`if (!p) return`, `p = NULL` after the free, a bound on
 * the count) makes each finding go away.
 */

/** Allocators that return NULL on failure (not the aborting xmalloc/g_malloc/emalloc families). */
const ALLOCATOR =
  /^(?!(?:x|g_|e|pe|safe_)(?:m|c|re)alloc)(?:\w+_)?(?:malloc|calloc|realloc|zalloc|mallocz|reallocarray|strdup|strndup|memdup|alloc_array|aligned_alloc)$/i;

/** Library calls documented to return NULL for "not found"/failure. */
const NULLABLE_CALL =
  /^(?:fopen|fdopen|tmpfile|getenv|strchr|strrchr|strstr|memchr|strpbrk|realpath|getpwnam|getpwuid|getgrnam|localtime|gmtime|opendir|dlopen|dlsym|xml\w*New\w*|xmlDocGetRootElement|xmlGetProp|json_object_get|cJSON_GetObjectItem\w*)$/;

const FREE_CALL =
  /^(?:free|kfree|kvfree|vfree|kzfree|g_free|av_free|xmlFree|OPENSSL_free|CRYPTO_free|[a-z]\w*_free|[a-z]\w*Free)$/;

function unwrap(n: Node): Node {
  let v = n;
  while (v.type === 'cast_expression' || v.type === 'parenthesized_expression') {
    const inner = v.childForFieldName('value') ?? v.namedChildren[v.namedChildren.length - 1];
    if (!inner) break;
    v = inner;
  }
  return v;
}

function calleeName(call: Node): string {
  return (call.childForFieldName('function')?.text ?? '').replace(/\s+/g, '');
}

function lvalueOf(target: Node): string | undefined {
  let t: Node | null = target;
  while (t && (t.type === 'pointer_declarator' || t.type === 'init_declarator'))
    t = t.childForFieldName('declarator');
  if (!t || !/^(?:identifier|field_expression|subscript_expression)$/.test(t.type)) return undefined;
  return norm(t.text);
}

export const C_MEMORY_RULES: Rule[] = [
  query({
    id: 'c.unchecked-allocation',
    cwe: ['CWE-476', 'CWE-690'],
    severity: 'warning',
    title: 'Result that can be NULL dereferenced without a check',
    message:
      'The allocation (or lookup) can return NULL and the result is dereferenced with no check on the way: test it (if (!p) ...) before the first use.',
    query:
      '[(init_declarator declarator: (_) @var value: (_) @val) (assignment_expression left: (_) @var right: (_) @val)] @report',
    check: (caps, ctx) => {
      if (!caps.val || !caps.var) return false;
      const val = unwrap(caps.val);
      if (val.type !== 'call_expression') return false;
      const callee = calleeName(val);
      const alloc = ALLOCATOR.test(callee);
      if (!alloc && !NULLABLE_CALL.test(callee)) return false;
      const lv = lvalueOf(caps.var);
      if (!lv) return false;
      const fn = enclosingFunction(val);
      // Cheap text test first: is the result dereferenced or handed to a mem/str call at all?
      const after = ctx.source.slice(val.endIndex, fn.endIndex).replace(/\s+/g, '');
      const esc = lv.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      if (!new RegExp(`${esc}(?:->|\\[|\\+)|\\*${esc}|\\(${esc}[,)]`).test(after)) return false;
      const use = dereferences(fn, lv, val.endIndex)[0];
      if (!use || assignedBetween(fn, lv, val.endIndex, use.startIndex)) return false;
      if (guardedUse(use, lv, caps.val.startIndex)) return false;
      return {
        node: use,
        message: `${lv} comes from ${callee}(), which can return NULL, and is dereferenced here without a check: test it first (if (!${lv}) ...).`,
      };
    },
    examples: {
      bad: [
        '#include <stdlib.h>\n#include <string.h>\nchar *f(size_t n) {\n  char *buf = malloc(n);\n  memset(buf, 0, n);\n  return buf;\n}\n',
        'struct C { unsigned char *prev; };\nint enc(struct C *c, int w, int h) {\n  unsigned char *p;\n  c->prev = av_malloc(w * 3 * (h + 3));\n  p = c->prev + w;\n  c->prev[0] = 1;\n  return 0;\n}\n',
      ],
      good: [
        '#include <stdlib.h>\n#include <string.h>\nchar *f(size_t n) {\n  char *buf = malloc(n);\n  if (buf == NULL) return NULL;\n  memset(buf, 0, n);\n  return buf;\n}\n',
        'struct C { unsigned char *prev; };\nint enc(struct C *c, int w, int h) {\n  unsigned char *p;\n  c->prev = av_malloc(w * 3 * (h + 3));\n  if (!c->prev)\n    return -12;\n  p = c->prev + w;\n  c->prev[0] = 1;\n  return 0;\n}\n',
      ],
    },
  }),
  call({
    id: 'c.use-after-free',
    cwe: ['CWE-416'],
    severity: 'error',
    title: 'Pointer used after it was freed',
    message: '',
    names: '*',
    callee: FREE_CALL,
    check: (c, ctx) => {
      const arg = c.args[0];
      if (!arg || c.args.length > 2) return false;
      const lv = lvalueOf(unwrap(arg));
      if (!lv) return false;
      const stmt = c.node.parent?.type === 'expression_statement' ? c.node.parent : c.node;
      const fn = enclosingFunction(c.node);
      const loop = enclosingLoop(c.node);
      // Uses after the free, or anywhere in an enclosing loop (its next turn); quick text test first.
      const from = loop ? loop.startIndex : c.node.endIndex;
      const rest = ctx.source.slice(from, fn.endIndex).replace(/\s+/g, '');
      if (rest.split(lv).length < (loop ? 3 : 2)) return false;
      for (const use of dereferences(fn, lv, from, true)) {
        if (use.startIndex >= c.node.startIndex && use.endIndex <= c.node.endIndex) continue;
        const owner = use.type === 'call_expression' ? use : use.parent?.parent;
        if (owner?.type === 'call_expression' && FREE_CALL.test(calleeName(owner))) continue;
        let reached: boolean;
        if (use.startIndex > c.node.endIndex) {
          reached =
            !assignedBetween(fn, lv, c.node.endIndex, use.startIndex) && fallsThrough(stmt, use.startIndex);
        } else {
          // The next turn of a loop (a retry path) reaches uses earlier in its body.
          reached =
            !!loop &&
            use.startIndex > loop.startIndex &&
            !assignedBetween(fn, lv, loop.startIndex, loop.endIndex) &&
            fallsThrough(stmt, loop.endIndex - 1);
        }
        if (!reached) continue;
        return {
          node: use,
          message: `${lv} was freed by ${c.calleeText}() on line ${c.node.startPosition.row + 1} and is used here: set it to NULL after freeing (and test it), or do not use it after the free.`,
        };
      }
      return false;
    },
    examples: {
      bad: [
        '#include <stdlib.h>\nstruct S { int n; };\nint f(struct S *s) {\n  free(s);\n  return s->n;\n}\n',
        '#include <stdlib.h>\nstruct B { char *data; };\nint send_all(struct B *b, int tries) {\n  while (tries-- > 0) {\n    if (push(b->data) == 0) return 0;\n    free(b->data);\n  }\n  return -1;\n}\n',
      ],
      good: [
        '#include <stdlib.h>\nstruct S { int n; };\nint f(struct S *s) {\n  int n = s->n;\n  free(s);\n  return n;\n}\n',
        '#include <stdlib.h>\nstruct B { char *data; };\nint send_all(struct B *b, int tries) {\n  while (tries-- > 0) {\n    if (push(b->data) == 0) return 0;\n    free(b->data);\n    b->data = NULL;\n    return -1;\n  }\n  return -1;\n}\n',
        '#include <stdlib.h>\nint g(char *p, int bad) {\n  if (bad) {\n    free(p);\n    return -1;\n  }\n  return p[0];\n}\n',
      ],
    },
  }),
  call({
    id: 'c.alloc-overflow',
    cwe: ['CWE-190', 'CWE-680'],
    severity: 'warning',
    title: 'Allocation size multiplication can overflow',
    message: '',
    names: '*',
    callee: /^(?:\w+_)?(?:malloc|realloc|alloca|mallocz)$/,
    check: (c, ctx) => {
      const size = c.args[/realloc$/.test(c.name) ? 1 : 0];
      if (!size) return false;
      const product = findProduct(size);
      if (!product) return false;
      // A factor widened first (`(size_t)n * m`) makes the product 64-bit wide.
      if (/\(\s*(?:size_t|u?int64_t|unsigned\s+long(?:\s+long)?|long\s+long|uint64)\s*\)/.test(product.text))
        return false;
      const factors = productFactors(product).filter(
        (f) => !/^(?:sizeof\b|\d|[A-Z][A-Z0-9_]*$)/.test(f.text.trim()),
      );
      if (!factors.length) return false;
      const fn = enclosingFunction(c.node);
      // A bound on any factor before the allocation (or an explicit overflow test) counts as a check.
      const before = ctx.source.slice(fn.startIndex, c.node.startIndex);
      const bounded = factors.some(
        (f) => before.includes(f.text) && boundedBefore(fn, norm(f.text), c.node.startIndex),
      );
      if (bounded || /SIZE_MAX|INT_MAX|UINT_MAX|mul_overflow/.test(ctx.functionText(c.node))) return false;
      return {
        node: size,
        message: `The allocation size ${norm(size.text)} multiplies ${factors.map((f) => norm(f.text)).join(', ')} with no bound checked first: it can wrap around and allocate too little (check count <= SIZE_MAX / size, or use calloc/reallocarray).`,
      };
    },
    examples: {
      bad: [
        '#include <stdlib.h>\nstruct T { int a, b; };\nstruct T *mk(size_t count) {\n  struct T *t = malloc(count * sizeof(struct T));\n  return t;\n}\n',
      ],
      good: [
        '#include <stdlib.h>\n#include <stdint.h>\nstruct T { int a, b; };\nstruct T *mk(size_t count) {\n  if (count > SIZE_MAX / sizeof(struct T)) return NULL;\n  struct T *t = malloc(count * sizeof(struct T));\n  return t;\n}\n',
        '#include <stdlib.h>\nstruct T { int a, b; };\nstruct T *mk(size_t count) {\n  if (count > 1024) return NULL;\n  return malloc(count * sizeof(struct T));\n}\n',
        '#include <stdlib.h>\n#include <stdint.h>\nvoid *mk(uint32_t size, uint32_t elem) {\n  return malloc((size_t)size * elem);\n}\n',
      ],
    },
  }),
];

function findProduct(n: Node): Node | undefined {
  const v = unwrap(n);
  if (v.type !== 'binary_expression') return undefined;
  const op = v.childForFieldName('operator')?.text;
  if (op === '*') return v;
  if (op === '+' || op === '-') {
    for (const side of [v.childForFieldName('left'), v.childForFieldName('right')]) {
      const p = side ? findProduct(side) : undefined;
      if (p) return p;
    }
  }
  return undefined;
}

function productFactors(n: Node): Node[] {
  const v = unwrap(n);
  if (v.type === 'binary_expression' && v.childForFieldName('operator')?.text === '*') {
    const l = v.childForFieldName('left');
    const r = v.childForFieldName('right');
    return [...(l ? productFactors(l) : []), ...(r ? productFactors(r) : [])];
  }
  return [v];
}

/** Whether a relational test mentioning the value appears in the function before `at`. */
function boundedBefore(fn: Node, value: string, at: number): boolean {
  for (const cond of nodesIn(fn, ['if_statement', 'while_statement', 'conditional_expression'])) {
    if (!cond || cond.startIndex >= at) continue;
    const c = cond.childForFieldName('condition');
    if (c && /[<>]/.test(c.text) && mentionsLvalue(c, value)) return true;
  }
  for (const a of nodesIn(fn, ['call_expression'])) {
    if (!a || a.startIndex >= at) continue;
    if (/assert|CHECK|BUG_ON/.test(calleeName(a)) && /[<>]/.test(a.text) && mentionsLvalue(a, value))
      return true;
  }
  return false;
}

/** Calls that write at most `size` bytes into `dst`: [dst index, size index]. */
const SIZED_WRITES: Record<string, [number, number]> = {
  snprintf: [0, 1],
  vsnprintf: [0, 1],
  strncpy: [0, 2],
  memcpy: [0, 2],
  memmove: [0, 2],
  memset: [0, 2],
  fgets: [0, 1],
  read: [1, 2],
  recv: [1, 2],
  fread: [0, 1],
};

/** scanf family: index of the format argument. */
const SCANF_FORMAT: Record<string, number> = { scanf: 0, sscanf: 1, fscanf: 1 };

/** Whether `size` (text) is larger than the declared `declared` (text): numbers, or `N + k`. */
function exceeds(size: string, declared: string, orEqual: boolean): boolean {
  const a = intLiteral(size);
  const b = intLiteral(declared);
  if (a !== undefined && b !== undefined) return orEqual ? a >= b : a > b;
  if (orEqual && size === declared) return true;
  const m = /^(.+)\+(\d+)$/.exec(size);
  return !!m && m[1] === declared && Number(m[2]) > 0;
}

C_MEMORY_RULES.push(
  query({
    id: 'c.fixed-buffer-index',
    cwe: ['CWE-787', 'CWE-125', 'CWE-193'],
    severity: 'error',
    title: 'Constant index at or past the end of a fixed array',
    message: '',
    query: '(subscript_expression argument: (identifier) @arr) @report',
    check: (caps, ctx) => {
      const arr = caps.arr;
      // C names the index `index`; C++ wraps it in `indices`.
      const idx =
        caps.report?.childForFieldName('index') ??
        caps.report?.childForFieldName('indices')?.namedChildren[0];
      if (!arr || !idx || !caps.report) return false;
      // Only constant indexes (a number or a macro, maybe plus a number) can be compared with the size.
      const index = norm(idx.text);
      if (!/^(?:\d+|0x[0-9a-f]+|[A-Z_][A-Z0-9_]*(?:\+\d+)?)$/i.test(index)) return false;
      const declared = ctx.model.arraySize(arr.text);
      if (!declared || !exceeds(index, declared, true)) return false;
      const parent = caps.report.parent;
      const write =
        parent?.type === 'assignment_expression' && parent.childForFieldName('left')?.equals(caps.report);
      return {
        cwe: write ? ['CWE-787', 'CWE-193'] : ['CWE-125', 'CWE-193'],
        message: `${arr.text} has ${declared} elements, so index ${norm(idx.text)} is past its end: the last element is ${arr.text}[${declared} - 1].`,
      };
    },
    examples: {
      bad: ['#define MAX 64\nvoid f(void) {\n  char buf[MAX];\n  read_name(buf);\n  buf[MAX] = 0;\n}\n'],
      good: ['#define MAX 64\nvoid f(void) {\n  char buf[MAX];\n  read_name(buf);\n  buf[MAX - 1] = 0;\n}\n'],
    },
  }),
  call({
    id: 'c.size-exceeds-buffer',
    cwe: ['CWE-787', 'CWE-120'],
    severity: 'error',
    title: 'Size argument larger than the destination array',
    message: '',
    names: [...Object.keys(SIZED_WRITES), ...Object.keys(SCANF_FORMAT)],
    check: (c, ctx) => {
      const sized = SIZED_WRITES[c.name];
      if (sized) {
        const dst = c.args[sized[0]];
        const size = c.args[sized[1]];
        if (dst?.type !== 'identifier' || !size) return false;
        const declared = ctx.model.arraySize(dst.text);
        if (!declared || !exceeds(norm(size.text), declared, false)) return false;
        return {
          node: size,
          message: `${c.name}() may write ${norm(size.text)} bytes into ${dst.text}, which holds ${declared}: pass sizeof ${dst.text}.`,
        };
      }
      // scanf("%10s", buf): a width of N stores N characters plus the NUL.
      const fi = SCANF_FORMAT[c.name];
      const format = fi === undefined ? undefined : c.args[fi];
      if (fi === undefined || format?.type !== 'string_literal') return false;
      let k = fi + 1;
      for (const m of format.text.matchAll(/%(\*)?(\d*)(?:hh|h|ll|l|L|z|j|t)?([a-zA-Z[%])/g)) {
        if (m[3] === '%') continue;
        if (m[1]) continue;
        const arg = c.args[k++];
        if (!m[2] || (m[3] !== 's' && m[3] !== '[') || arg?.type !== 'identifier') continue;
        const declared = ctx.model.arraySize(arg.text);
        if (declared && exceeds(m[2], declared, true))
          return {
            node: arg,
            message: `%${m[2]}${m[3]} stores up to ${Number(m[2]) + 1} bytes (with the NUL) into ${arg.text}, which holds ${declared}: use a width of at most ${declared} - 1.`,
          };
      }
      return false;
    },
    examples: {
      bad: [
        '#include <stdio.h>\nvoid f(const char *p) {\n  char match[65];\n  snprintf(match, 66, "path=%s", p);\n}\n',
        '#include <stdio.h>\nvoid f(const char *line) {\n  char unit[10];\n  sscanf(line, "%d %10s", &n, unit);\n}\n',
      ],
      good: [
        '#include <stdio.h>\nvoid f(const char *p) {\n  char match[68];\n  snprintf(match, 67, "path=%s", p);\n}\n',
        '#include <stdio.h>\nvoid f(const char *line) {\n  char unit[11];\n  sscanf(line, "%d %10s", &n, unit);\n}\n',
      ],
    },
  }),
);
