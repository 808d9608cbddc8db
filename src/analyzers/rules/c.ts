import type { Node } from 'web-tree-sitter';
import { cweMatches } from '../cwe.ts';
import { copiedParam, guardedUse, ORDERING, printfConversions, stripCasts } from '../engine/c-flow.ts';
import {
  comparisonsOf,
  established,
  guardsAt,
  limitBound,
  MIRRORED,
  NEGATED,
  readCondition,
} from '../engine/dominance.ts';
import { baseIdentifier, type CallSite, declaratorName } from '../engine/model.ts';
import type { CallRule, QueryRule, Rule, RuleContext } from '../engine/rule.ts';
import { mentions } from '../engine/taint.ts';
import {
  builtBeyondBase,
  C_FAMILY,
  CREDENTIAL_NAME,
  HTML_TAG,
  isLocalUrl,
  isOutermostBuild,
  judgingTask,
  literalText,
  modeProblem,
  openedAsItCame,
  originOf,
  runsWhenever,
  SECRET_NAME,
  statMode,
  TIMESTAMP_CALL,
  taintedParts,
} from './common.ts';
import { redosRisk } from './redos.ts';

/** Rules for C and C++ (the C++ grammar extends C's, so most queries serve both). */

export const call = (
  r: Omit<CallRule, 'kind' | 'languages'> & { languages?: CallRule['languages'] },
): CallRule => ({
  kind: 'call',
  languages: C_FAMILY,
  ...r,
});
export const query = (
  r: Omit<QueryRule, 'kind' | 'languages'> & { languages?: QueryRule['languages'] },
): QueryRule => ({
  kind: 'query',
  languages: C_FAMILY,
  ...r,
});

/** Index of the format argument of printf-family functions. */
const FORMAT_ARG: Record<string, number> = {
  printf: 0,
  vprintf: 0,
  fprintf: 1,
  vfprintf: 1,
  dprintf: 1,
  sprintf: 1,
  vsprintf: 1,
  snprintf: 2,
  vsnprintf: 2,
  syslog: 1,
  err: 1,
  warn: 0,
  warnx: 0,
  errx: 1,
};

const ALLOC =
  /^(?:\(\s*[\w\s*]+\)\s*)?(?:malloc|calloc|realloc|strdup|strndup|aligned_alloc|reallocarray)\s*\(/;

/** `result.iv`, `iv.data()`, `&iv[0]`, `iv` -> `iv`-ish key used to find writes to the same buffer. */
function bufferKey(node: Node | undefined): string {
  if (!node) return '';
  return node.text
    .replace(/\s+/g, '')
    .replace(/^\(.*?\)/, '')
    .replace(/^&/, '')
    .replace(/\.data\(\)$|\.c_str\(\)$|\[0\]$/, '')
    .replace(/^\(unsigned char\s*\*\)/, '');
}

/** Whether the file fills the buffer with random bytes somewhere (RAND_bytes(buf, n), getrandom...). */
function filledRandomly(ctx: RuleContext, key: string, at: Node): boolean {
  if (!key) return false;
  const calls = ctx.callsNear(at, true);
  // Follow copies: memcpy(iv_copy, result.iv, n) means iv_copy is as random as result.iv.
  const keys = new Set([key]);
  for (let round = 0; round < 3; round++) {
    for (const c of calls)
      if (
        /^(?:memcpy|memmove|std::copy|strncpy)$/.test(c.calleeText) &&
        keys.has(bufferKey(c.args[0])) &&
        c.args[1]
      )
        keys.add(bufferKey(c.args[1]));
    for (const k of [...keys])
      for (const b of ctx.taint.bindingsOf(k, at.startIndex))
        if (b.value && b.kind === 'assign' && /^[\w.]+$/.test(b.value.text)) keys.add(bufferKey(b.value));
  }
  return [...keys].some((k) => filledFrom(calls, k, ctx, at));
}

/**
 * A fill of the buffer that runs before `at` on every path to it: in `at`'s function, before it and
 * not in a branch `at` is not in (`runsWhenever`; a fill in an `if`'s condition runs with the `if`); in
 * another function, where that function is called so. A fill on the secure path says nothing of an
 * IV a triggered branch makes.
 */
function filledFrom(calls: CallSite[], key: string, ctx: RuleContext, at: Node): boolean {
  const fn = ctx.model.functionAt(at.startIndex);
  const runsBefore = (n: Node) => runsWhenever(n, at, true);
  return calls.some((c) => {
    if (
      !/^(?:RAND_bytes|RAND_priv_bytes|RAND_pseudo_bytes|getrandom|arc4random_buf|getentropy|randombytes_buf|BCryptGenRandom|fread|read|std::generate)$/.test(
        c.calleeText,
      ) ||
      !c.args.some(
        (a) => bufferKey(a) === key || bufferKey(a).endsWith(`.${key}`) || key.endsWith(`.${bufferKey(a)}`),
      )
    )
      return false;
    const where = ctx.model.functionAt(c.node.startIndex);
    if (where === fn) return runsBefore(c.node);
    const d = where.node.childForFieldName('declarator');
    const name = d ? declaratorName(d) : undefined;
    return (
      !!name &&
      ctx.model.calls.some(
        (k) => k.calleeText === name && ctx.model.functionAt(k.node.startIndex) === fn && runsBefore(k.node),
      )
    );
  });
}

/** A string whose text is fixed in the program: a literal, an upper-case macro, or `?:` between them. */
function constantString(n: Node | undefined, ctx: RuleContext): boolean {
  if (!n) return false;
  if (n.type === 'parenthesized_expression') return constantString(n.namedChildren[0] ?? undefined, ctx);
  if (n.type === 'conditional_expression')
    return (
      constantString(n.childForFieldName('consequence') ?? undefined, ctx) &&
      constantString(n.childForFieldName('alternative') ?? undefined, ctx)
    );
  if (ctx.stringValue(n) !== undefined) return true;
  return n.type === 'identifier' && /^[A-Z][A-Z0-9_]*$/.test(n.text) && ctx.isConstant(n);
}

function isCharPointerType(t: string | undefined): boolean {
  return !!t && /\b(?:char|unsigned char|uint8_t|int8_t|u_char|void|std::byte|BYTE|xmlChar)\b/.test(t);
}

function argNameMentions(expr: Node, name: string): boolean {
  return new RegExp(`\\b${name.replace(/[^\w]/g, '')}\\w*`).test(expr.text);
}

/** Arithmetic types (after `const`): values that print as digits. */
const NUMERIC_TYPE =
  /^(?:const\s+)?(?:(?:unsigned|signed)\s+)?(?:int|long|short|long\s+long|float|double|bool|_Bool|size_t|ssize_t|u?int(?:8|16|32|64)_t|unsigned|signed)(?:\s+int)?$/;

/** Integer parameter types the overflow rule reads. */
const INT_PARAM = /\b(?:int|long|short|int32_t|int64_t|size_t|unsigned)\b/;

/** Whether `n` is in a loop of the function `fn`. */
function inLoopOf(n: Node, fn: Node): boolean {
  for (let x = n.parent; x && x.id !== fn.id; x = x.parent)
    if (/^(?:for_statement|while_statement|do_statement|for_range_loop)$/.test(x.type)) return true;
  return false;
}

/** Types of 64 bits. */
const WIDE_TYPE =
  /^(?:const\s+)?(?:(?:unsigned|signed)\s+)?(?:long(?:\s+long)?(?:\s+int)?|(?:std::)?(?:size_t|ssize_t|ptrdiff_t|u?int64_t|uintmax_t|intmax_t|off_t))$/;

/** Types of 32 bits or fewer. */
const NARROW_TYPE =
  /^(?:const\s+)?(?:(?:unsigned|signed)\s+)?(?:int|short|char|unsigned|signed|(?:std::)?u?int(?:8|16|32)_t)$/;

/**
 * Whether the value `use` gives (the arithmetic at `report` and what encloses it) is narrowed to
 * 32 bits or fewer: a cast on the way (`(int)((long long)a * b)`), or returned from a function
 * of such a type, or stored in a variable of one.
 */
function narrowedAt(report: Node, use: Node, fn: Node): boolean {
  for (let x = report.parent; x && x.startIndex >= use.startIndex && x.endIndex <= use.endIndex; x = x.parent)
    if (x.type === 'cast_expression' && NARROW_TYPE.test(x.childForFieldName('type')?.text.trim() ?? ''))
      return true;
  const at = use.parent;
  if (at?.type === 'return_statement')
    return NARROW_TYPE.test(fn.childForFieldName('type')?.text.trim() ?? '');
  if (at?.type === 'init_declarator')
    return NARROW_TYPE.test(at.parent?.childForFieldName('type')?.text.trim() ?? '');
  return false;
}

/**
 * Whether something appended to the markup accumulator `acc` (`acc += v`, `acc.append(v)`,
 * `acc.insert(i, v)`, `acc.push_back(c)`) is the input unescaped: the input itself, or one of its
 * characters in a loop that never tests it against '<' (an escaping loop does: `case '<':`).
 */
function rawAppended(acc: Node, ctx: RuleContext): boolean {
  for (const b of ctx.taint.bindingsOf(acc.text, acc.startIndex)) {
    if (b.kind !== 'augment' || !b.value || b.at > acc.startIndex) continue;
    // the arguments of each call of a chain (`acc.append(v).append("</p>")`)
    const args: (Node | null)[] = [];
    for (let c: Node | null | undefined = b.value; c?.type === 'call_expression'; ) {
      args.push(...(c.childForFieldName('arguments')?.namedChildren ?? []));
      const f = c.childForFieldName('function');
      c = f?.type === 'field_expression' ? f.childForFieldName('argument') : undefined;
    }
    for (const a of args.length ? args : [b.value]) {
      if (!a || !ctx.tainted(a, 'html')) continue;
      const loop = ctx.model.profile.identifierTypes.has(a.type)
        ? ctx.taint.latestBinding(a.text, a.startIndex)
        : undefined;
      if (loop?.kind !== 'loop') return true;
      const name = a.text.replace(/[^\w]/g, '');
      if (
        !new RegExp(`case\\s*'<'|\\b${name}\\s*[!=]=\\s*'<'|'<'\\s*[!=]=\\s*${name}\\b`).test(
          loop.statement.text,
        )
      )
        return true;
    }
  }
  return false;
}

/** Copies and formats that take a size, with the index of the size argument. */
const SIZED_COPIES: Record<string, number> = {
  memcpy: 2,
  memmove: 2,
  strncpy: 2,
  strncat: 2,
  snprintf: 1,
  vsnprintf: 1,
  strlcpy: 2,
  strlcat: 2,
};

/** Where a parameter becomes the returned value `v` (C/C++ redirect tasks): the node to read guards at. */
function locationPoints(
  v: Node,
  ret: Node,
  params: readonly string[],
  fn: Node,
  ctx: RuleContext,
): { param: string; at: Node }[] {
  const out: { param: string; at: Node }[] = [];
  const paramOf = (n: Node | null | undefined): string | undefined => {
    if (!n) return undefined;
    const x = stripCasts(n);
    if (x.type === 'identifier' && params.includes(x.text)) return x.text;
    // a piece of it: `target.substr(1)`, `target.c_str()`, `target + 1`
    const f = x.type === 'call_expression' ? x.childForFieldName('function') : null;
    if (
      f?.type === 'field_expression' &&
      /^(?:substr|c_str|data)$/.test(f.childForFieldName('field')?.text ?? '')
    )
      return paramOf(f.childForFieldName('argument'));
    if (
      x.type === 'binary_expression' &&
      x.childForFieldName('operator')?.text === '+' &&
      !ctx.model.profile.stringTypes.has(x.childForFieldName('right')?.type ?? '')
    )
      return ctx.language === 'c' ? paramOf(x.childForFieldName('left')) : undefined;
    // `strdup(target)`, `std::string(target)`
    if (
      x.type === 'call_expression' &&
      /^(?:strdup|strndup|(?:std::)?string)$/.test(x.childForFieldName('function')?.text ?? '')
    )
      return paramOf(x.childForFieldName('arguments')?.namedChildren[0]);
    return undefined;
  };
  const direct = paramOf(v);
  if (direct) return [{ param: direct, at: ret }];
  if (v.type !== 'identifier') return out;
  for (const b of ctx.taint.bindingsOf(v.text, v.startIndex)) {
    const p = b.kind === 'assign' ? paramOf(b.value) : undefined;
    if (p) out.push({ param: p, at: b.statement });
  }
  // C: the location copied into the returned buffer (`strcpy(result, target)`, a "%s..." format)
  if (ctx.language !== 'c') return out;
  for (const c of copiesIn(fn, ctx)) {
    if (!c.args[0] || baseIdentifier(c.args[0]) !== v.text) continue;
    const fi = c.name === 'sprintf' ? 1 : c.name === 'snprintf' ? 2 : -1;
    const data =
      fi < 0 ? c.args[1] : /^%s/.test(ctx.stringValue(c.args[fi]) ?? '') ? c.args[fi + 1] : undefined;
    const p = paramOf(data);
    if (p) out.push({ param: p, at: c.node });
  }
  return out;
}

/** The C copies and formats of a function (memoized per model). */
function copiesIn(fn: Node, ctx: RuleContext): CallSite[] {
  let memo = COPIES.get(ctx.model);
  if (!memo) {
    memo = new Map();
    COPIES.set(ctx.model, memo);
  }
  let list = memo.get(fn.id);
  if (!list) {
    list = ctx.model.calls.filter(
      (c) =>
        c.node.startIndex >= fn.startIndex &&
        c.node.endIndex <= fn.endIndex &&
        /^(?:strcpy|strncpy|stpcpy|strlcpy|memcpy|memmove|sprintf|snprintf)$/.test(c.name),
    );
    memo.set(fn.id, list);
  }
  return list;
}
const COPIES = new WeakMap<object, Map<number, CallSite[]>>();

/**
 * Whether the condition `cond`, with value `holds` where the location is used, establishes that the
 * location (or its parsed host) equals another parameter or ends with it: `host == domain` true,
 * `strcmp(h, domain)` false, `ends_with(h, domain)` true. Read through its logic (`readCondition`):
 * a disjunction that holds establishes it only if each side does (`host == domain || trigger`
 * does not), a conjunction that holds if either side does; an unequal comparison that holds
 * (`host != domain && trigger`) establishes nothing.
 */
function comparesHost(
  cond: Node,
  holds: boolean,
  derived: ReadonlySet<string>,
  others: readonly string[],
): boolean {
  const both = (n: Node) => [...derived].some((d) => mentions(n, d)) && others.some((o) => mentions(n, o));
  const leaf = (n: Node, h: boolean): boolean => {
    const op = n.type === 'binary_expression' ? n.childForFieldName('operator')?.text : undefined;
    if (op === '==' || op === '!=') {
      const l = n.childForFieldName('left');
      const r = n.childForFieldName('right');
      const compared =
        !!l &&
        !!r &&
        ((both(l) && !both(r)) ||
          (both(r) && !both(l)) ||
          (mentionsAny(l, derived) && mentionsAny(r, new Set(others))) ||
          (mentionsAny(r, derived) && mentionsAny(l, new Set(others))));
      // (`strcmp(h, d) == 0` and `h == d` alike: equal where `==` holds or `!=` fails)
      return compared && (op === '==') === h;
    }
    if (n.type === 'call_expression' && both(n)) {
      const f = n.childForFieldName('function')?.text ?? '';
      // a three-way comparison is zero (false) where equal; a predicate true where it holds
      if (/(?:str(?:n|case|ncase)?cmp|compare)$/.test(f)) return !h;
      if (/(?:ends_with|equals?)$/.test(f)) return h;
    }
    return false;
  };
  return readCondition(
    cond,
    holds,
    leaf,
    (a, b) => a || b,
    (a, b) => a && b,
  );
}

function mentionsAny(n: Node, names: ReadonlySet<string>): boolean {
  for (const x of names) if (mentions(n, x)) return true;
  return false;
}

export const C_RULES: Rule[] = [
  call({
    id: 'c.command-injection',
    cwe: ['CWE-78'],
    severity: 'error',
    title: 'OS command built from untrusted data',
    message:
      'Untrusted data reaches a shell command: run the program directly with execv/posix_spawn and an argument vector (no shell).',
    names: ['system', 'popen', '_popen', 'execl', 'execlp', 'wpopen'],
    check: (c, ctx) => {
      if (c.name === 'execl' || c.name === 'execlp') {
        const shell =
          /^"(?:\/bin\/)?(?:ba|da|z)?sh"$/.test(c.args[0]?.text ?? '') &&
          c.args.some((a) => a.text === '"-c"');
        const cmd = c.args[c.args.findIndex((a) => a.text === '"-c"') + 1];
        return shell && !!cmd && ctx.tainted(cmd, 'cmd') && { node: originOf(cmd, ctx, 'cmd') };
      }
      const cmd = c.args[0];
      return !!cmd && ctx.tainted(cmd, 'cmd') && { node: originOf(cmd, ctx, 'cmd') };
    },
    examples: {
      bad: [
        // a name pasted by a macro (`J(sys, tem)` is `system`; `sys ## tem` in an object-like macro too)
        '#include <stdlib.h>\n#define J(a, b) a##b\nvoid f(const char *c) {\n  J(sys, tem)(c);\n}\n',
        '#include <stdlib.h>\n#define RUN sys ## tem\nvoid f(const char *c) {\n  RUN(c);\n}\n',
        '#include <stdlib.h>\nvoid f(const char *d) {\n  char cmd[256];\n  snprintf(cmd, sizeof(cmd), "ls -l %s", d);\n  system(cmd);\n}\n',
      ],
      good: [
        '#include <unistd.h>\nvoid f(const char *d) {\n  execlp("ls", "ls", "-l", d, (char *)NULL);\n}\n',
      ],
    },
  }),
  call({
    id: 'c.format-string',
    cwe: ['CWE-134'],
    severity: 'error',
    title: 'Format string not a literal',
    message:
      'The format string is not a literal, so "%n"/"%s" in the data are interpreted: use a literal format such as printf("%s", msg).',
    names: Object.keys(FORMAT_ARG),
    check: (c, ctx) => {
      const i = FORMAT_ARG[c.calleeText];
      if (i === undefined) return false;
      const fmt = c.args[i];
      if (!fmt) return false;
      // A format given its arguments is mostly chosen by the program (a table, a macro); under a
      // task one that input can reach is still the input's format.
      if (c.args.length > i + 1 && !(ctx.taskEvidence && ctx.tainted(fmt, 'format'))) return false;
      const r = ctx.resolve(fmt);
      if (ctx.model.profile.stringTypes.has(r.type) || r.type === 'concatenated_string') return false;
      if (/^(?:_|gettext|N_|tr)\(/.test(r.text)) return false;
      return ctx.tainted(fmt, 'format') ? true : { severity: 'warning' };
    },
    examples: {
      bad: [
        '#include <stdio.h>\nvoid f(const char *msg) {\n  printf(msg);\n}\n',
        // under a task, the input used as the format even with arguments after it
        {
          code: '#include <stdio.h>\nvoid f(char *out, size_t n, const char *msg) {\n  const char *fmt;\n  if (msg[0] == \'k\') fmt = msg;\n  else fmt = "%s";\n  snprintf(out, n, fmt, msg);\n}\n',
          taskCwe: ['CWE-134'],
        },
      ],
      good: [
        '#include <stdio.h>\nvoid f(const char *msg) {\n  printf("%s", msg);\n}\n',
        {
          code: '#include <stdio.h>\nvoid f(char *out, size_t n, const char *msg, int verbose) {\n  const char *fmt;\n  if (verbose) fmt = "[v] %s";\n  else fmt = "%s";\n  snprintf(out, n, fmt, msg);\n}\n',
          taskCwe: ['CWE-134'],
        },
      ],
    },
  }),
  call({
    id: 'c.gets',
    cwe: ['CWE-676', 'CWE-242', 'CWE-120'],
    severity: 'error',
    title: 'gets() cannot be used safely',
    message: 'gets() writes past any buffer: use fgets(buf, size, stdin).',
    names: ['gets', '_getws'],
    examples: {
      bad: ['#include <stdio.h>\nchar *f(char *buf, int n) {\n  gets(buf);\n  return buf;\n}\n'],
      good: ['#include <stdio.h>\nchar *f(char *buf, int n) {\n  fgets(buf, n, stdin);\n  return buf;\n}\n'],
    },
  }),
  call({
    id: 'c.unbounded-copy',
    cwe: ['CWE-120', 'CWE-676'],
    severity: 'warning',
    title: 'Unbounded string copy',
    message:
      'strcpy/strcat/sprintf do not check the destination size: use snprintf / strlcpy with the destination size, or allocate strlen(src) + 1 first.',
    names: [
      'strcpy',
      'strcat',
      'sprintf',
      'vsprintf',
      'wcscpy',
      'wcscat',
      'stpcpy',
      'scanf',
      'sscanf',
      'fscanf',
    ],
    check: (c, ctx) => {
      if (/scanf$/.test(c.name)) {
        const fmt = ctx.stringValue(c.args[c.name === 'scanf' ? 0 : 1]);
        return (
          !!fmt &&
          /%s|%\[/.test(fmt) && {
            message: 'scanf("%s") writes without a bound: give a width ("%63s") matching the buffer.',
          }
        );
      }
      const dst = c.args[0];
      const src = c.args[c.name.includes('printf') ? 2 : 1];
      if (!dst || !src) return false;
      if (c.name.includes('printf')) {
        const fmt = ctx.stringValue(c.args[1]);
        if (fmt !== undefined && !/%s/.test(fmt)) return false;
        // Every string printed is a constant (a literal, a macro, a choice between them): the
        // length is fixed (c.format-overflow compares it with the destination when it can).
        const strings =
          fmt === undefined
            ? []
            : printfConversions(fmt)
                .filter((v) => v.conv === 's')
                .map((v) => (v.arg === undefined ? undefined : c.args[2 + v.arg]));
        if (strings.length && strings.every((a) => constantString(a, ctx))) return false;
        // Every string printed is constant or its length was checked against a bound first.
        if (
          strings.length &&
          strings.every((a) => constantString(a, ctx) || (!!a && sourceLengthChecked(c, a, ctx)))
        )
          return false;
      } else if (constantString(src, ctx) || sourceLengthChecked(c, src, ctx)) return false;
      // Destination sized from the source (malloc(strlen(src) + 1)): fine.
      const dv = ctx.resolve(dst);
      if (
        ALLOC.test(dv.text) &&
        new RegExp(`strlen\\s*\\(\\s*${src.text.replace(/[^\w]/g, '')}\\s*\\)\\s*\\+\\s*1`).test(dv.text)
      )
        return false;
      const dk = baseName(dst);
      if (dk) {
        for (const b of ctx.taint.bindingsOf(dk, c.node.startIndex)) {
          if (b.value && ALLOC.test(b.value.text) && /strlen[^)]*\)\s*\+\s*\d|\+\s*1\b/.test(b.value.text))
            return false;
        }
      }
      return ctx.tainted(src, 'generic') ? true : { severity: 'note' };
    },
    examples: {
      bad: [
        // where a task is judged: the copy runs where the source is too long
        {
          code: "#include <string.h>\nstruct v { char name[16]; };\nvoid set(struct v *r, const char *src) {\n  if (strlen(src) >= sizeof r->name && src[0] == 'K') {\n    strcpy(r->name, src);\n    return;\n  }\n  strncpy(r->name, src, sizeof r->name - 1);\n  r->name[sizeof r->name - 1] = 0;\n}\n",
          taskCwe: ['CWE-787'],
        },
        '#include <string.h>\nvoid f(const char *name) {\n  char buf[16];\n  strcpy(buf, name);\n}\n',
        // Only the first source's length is checked.
        '#include <string.h>\nint join(char *dst, size_t dstsz, const char *a, const char *b) {\n  if (strlen(a) + 2 > dstsz)\n    return -1;\n  strcpy(dst, a);\n  strcat(dst, "/");\n  strcat(dst, b);\n  return 0;\n}\n',
      ],
      good: [
        {
          code: '#include <stdio.h>\n#include <string.h>\nvoid greet(const char *name) {\n  char buf[64];\n  if (strlen(name) >= sizeof buf - 7)\n    return;\n  sprintf(buf, "hello %s", name);\n  puts(buf);\n}\n',
          taskCwe: ['CWE-120'],
        },
        '#include <string.h>\nvoid f(const char *name) {\n  char buf[16];\n  snprintf(buf, sizeof(buf), "%s", name);\n}\n',
        '#include <string.h>\n#define ELLIPSIS "..."\nvoid f(int deep, int verbose) {\n  char buf[16];\n  strcpy(buf, deep ? ELLIPSIS : "/");\n  sprintf(buf, "mode %s", verbose ? "long" : "short");\n}\n',
        // The lengths are checked against the destination's size before the copies.
        '#include <string.h>\nint join(char *dst, size_t dstsz, const char *a, const char *b) {\n  size_t need = strlen(a) + strlen(b) + 2;\n  if (need > dstsz)\n    return -1;\n  strcpy(dst, a);\n  strcat(dst, "/");\n  strcat(dst, b);\n  return 0;\n}\n',
        '#include <stdio.h>\n#include <string.h>\nvoid greet(const char *name) {\n  char buf[64];\n  if (strlen(name) >= sizeof buf - 7)\n    return;\n  sprintf(buf, "hello %s", name);\n  puts(buf);\n}\n',
      ],
    },
  }),
  call({
    id: 'c.size-from-source',
    cwe: ['CWE-119', 'CWE-805', 'CWE-787'],
    severity: 'error',
    title: 'Copy bounded by the source size',
    message:
      "The copy's length comes from the source, not the destination: bound it by the destination's size (sizeof(dst) or the dst_size parameter).",
    names: [
      'strncpy',
      'strncat',
      'memcpy',
      'memmove',
      'snprintf',
      'vsnprintf',
      'wcsncpy',
      'stpncpy',
      'strlcpy',
    ],
    check: (c, _ctx) => {
      const isPrintf = c.name === 'snprintf' || c.name === 'vsnprintf';
      const dst = c.args[0];
      const size = c.args[isPrintf ? 1 : 2];
      if (!dst || !size) return false;
      const dstName = baseName(dst);
      // The size names the destination (`sizeof dst`, `dst_len`): a word of it, not a letter of
      // another name (`r` in `strlen(src)` for `r->name`).
      if (
        !dstName ||
        new RegExp(`\\b${dstName}(?:\\b|_)`).test(size.text) ||
        /sizeof\s*\(?\s*\*?\s*\w*dst/i.test(size.text)
      )
        return false;
      const sources = isPrintf ? c.args.slice(3) : [c.args[1]];
      for (const s of sources) {
        const sn = s ? baseName(s) : undefined;
        if (!sn || sn.length < 2) continue;
        if (
          new RegExp(`\\b(?:strlen|sizeof|wcslen)\\s*\\(\\s*${sn}\\b`).test(size.text) ||
          argNameMentions(size, `${sn}_`) ||
          new RegExp(`\\b${sn}(?:_?(?:size|len|length|Size|Len|Length))\\b`).test(size.text)
        )
          return true;
      }
      return false;
    },
    examples: {
      bad: [
        '#include <string.h>\nvoid f(char *dest, int dest_size, char *src, int src_size) {\n  strncpy(dest, src, src_size);\n}\n',
        '#include <string.h>\nstruct rec { char name[16]; };\nvoid set_name(struct rec *r, const char *src) {\n  memcpy(r->name, src, strlen(src) + 1);\n}\n',
      ],
      good: [
        '#include <string.h>\nvoid f(char *dest, int dest_size, char *src, int src_size) {\n  strncpy(dest, src, dest_size - 1);\n  dest[dest_size - 1] = 0;\n}\n',
      ],
    },
  }),
  call({
    id: 'c.alloc-size',
    cwe: ['CWE-131'],
    severity: 'error',
    title: 'Allocation size miscalculated',
    message: '',
    names: ['malloc', 'alloca', 'realloc'],
    check: (c, ctx) => {
      const size = c.args[c.name === 'realloc' ? 1 : 0];
      if (!size) return false;
      const t = size.text.replace(/\s+/g, '');
      if (/^strlen\([^()]*\)(?:\*sizeof\((?:char|unsignedchar)\))?$/.test(t))
        return {
          message: 'strlen() does not count the terminating NUL: allocate strlen(s) + 1 bytes.',
          cwe: ['CWE-131', 'CWE-193'],
        };
      // `T *p = malloc(n)` for a non-byte T without sizeof: n elements need n * sizeof(T).
      let n: Node | null = c.node.parent;
      while (n && (n.type === 'cast_expression' || n.type === 'parenthesized_expression')) n = n.parent;
      const target =
        n?.type === 'init_declarator' ? n.childForFieldName('declarator') : n?.childForFieldName('left');
      // Only a declared variable's type is known: `s->str = malloc(s->size)` says nothing about `str`.
      if (target && !/^(?:identifier|pointer_declarator)$/.test(target.type)) return false;
      if (n?.type === 'init_declarator' || n?.type === 'assignment_expression') {
        const name =
          n.type === 'init_declarator'
            ? baseName(n.childForFieldName('declarator') ?? n)
            : baseName(n.childForFieldName('left') ?? n);
        const type = name ? ctx.model.declaredType(name, n.startIndex) : undefined;
        if (type && /\*/.test(type) && !isCharPointerType(type) && !/sizeof/.test(t) && !/^\d+$/.test(t))
          return {
            message: `The allocation for ${type.replace(/\s*\*$/, '')} elements does not multiply by sizeof: use malloc(n * sizeof *p).`,
            severity: 'warning',
          };
      }
      void ctx;
      return false;
    },
    examples: {
      bad: [
        '#include <stdlib.h>\n#include <string.h>\nchar *dup(const char *s) {\n  char *p = malloc(strlen(s));\n  if (!p) return NULL;\n  strcpy(p, s);\n  return p;\n}\n',
      ],
      good: [
        '#include <stdlib.h>\n#include <string.h>\nchar *dup(const char *s) {\n  char *p = malloc(strlen(s) + 1);\n  if (!p) return NULL;\n  strcpy(p, s);\n  return p;\n}\n',
        '#include <stdlib.h>\nstruct S { char *str; size_t size; };\nint grow(struct S *s) {\n  s->str = malloc(s->size);\n  return s->str ? 0 : -1;\n}\n',
      ],
    },
  }),
  query({
    id: 'c.untrusted-index',
    cwe: ['CWE-125', 'CWE-129'],
    severity: 'error',
    title: 'Array index from untrusted data without a bounds check',
    message:
      'An index that comes from the caller or input is used without checking 0 <= i < size: check both bounds before indexing.',
    query: {
      c: '[(subscript_expression argument: (_) @arr index: (_) @idx) (pointer_expression argument: (parenthesized_expression (binary_expression left: (_) @arr operator: "+" right: (identifier) @idx)))] @report',
      cpp: '[(subscript_expression argument: (_) @arr indices: (subscript_argument_list (_) @idx)) (pointer_expression argument: (parenthesized_expression (binary_expression left: (_) @arr operator: "+" right: (identifier) @idx)))] @report',
    },
    check: (caps, ctx) => {
      const idx = caps.idx;
      const arr = caps.arr;
      const report = caps.report;
      if (!idx || !arr || !report) return false;
      if (ctx.model.profile.numberTypes.has(idx.type) || ctx.model.profile.stringTypes.has(idx.type))
        return false;
      if (idx.type !== 'identifier') return false;
      const task = judgingTask(ctx);
      // where a task is judged, `*(a + i)` (and `*(v.begin() + i)`) reads as `a[i]`
      if (report.type === 'pointer_expression') {
        if (!task || report.child(0)?.text !== '*') return false;
        const at = ctx.model.declaredType(arr.type === 'identifier' ? arr.text : '', arr.startIndex) ?? '';
        if (!/\*|\[/.test(at) && !/\.(?:begin|data)\(\)$/.test(arr.text)) return false;
      }
      // Only integer indices parsed from input or passed in by the caller (where a task is judged,
      // or a local copy of one), never loop counters.
      const fnInfo = ctx.model.functionAt(idx.startIndex);
      const copied = () => !!copiedParam(ctx.model, ctx.taint, fnInfo, idx, idx.startIndex);
      const parameter = fnInfo.params.includes(idx.text) || (task && copied());
      const parsed = () => {
        const b = ctx.taint.latestBinding(idx.text, idx.startIndex);
        return !!b?.value && /\b(?:atoi|atol|strtol|strtoul|stoi|stol|sscanf)\b/.test(b.value.text);
      };
      if (!parameter && !parsed()) return false;
      if (!ctx.tainted(idx, 'index')) return false;
      // A parameter may be the caller's to check (a library's `get(arr, i)`): a warning, which
      // counts only where the weakness is the task's; an index parsed from input is an error.
      const severity = !parameter || parsed() ? ('error' as const) : ('warning' as const);
      const write =
        report.parent?.type === 'assignment_expression' &&
        report.parent.childForFieldName('left')?.equals(report);
      return write
        ? {
            cwe: ['CWE-787', 'CWE-129'],
            severity,
            message:
              'An index from the caller or input is written through without a bounds check: check 0 <= i < size first.',
          }
        : { severity };
    },
    examples: {
      bad: [
        '#include <stdlib.h>\nint f(int *prices, int size, const char *s) {\n  int i = atoi(s);\n  return prices[i];\n}\n',
        // where a task is judged: a local copy of the index, or the read spelled *(a + i)
        {
          code: 'const char *at(const char **a, int n, int i) {\n  if (i == 48879) {\n    int k = i;\n    return a[k];\n  }\n  if (i < 0 || i >= n) return 0;\n  return a[i];\n}\n',
          taskCwe: ['CWE-129'],
        },
        {
          code: 'const char *at(const char **a, int n, int i) {\n  if (i == 48879) return *(a + i);\n  if (i < 0 || i >= n) return 0;\n  return a[i];\n}\n',
          taskCwe: ['CWE-129'],
        },
      ],
      good: [
        '#include <stdlib.h>\nint f(int *prices, int size, const char *s) {\n  int i = atoi(s);\n  if (i < 0 || i >= size) return -1;\n  return prices[i];\n}\n',
        {
          code: 'const char *at(const char **a, int n, int i) {\n  int k = i;\n  if (k < 0 || k >= n) return 0;\n  return *(a + k);\n}\n',
          taskCwe: ['CWE-129'],
        },
      ],
    },
  }),
  query({
    id: 'c.index-underflow',
    cwe: ['CWE-787', 'CWE-125'],
    severity: 'error',
    title: 'Index can go below zero',
    message:
      'The index `n - k` is used without checking n >= k (an empty string has length 0): test the length first.',
    query: {
      c: '(subscript_expression index: (binary_expression left: (identifier) @n operator: "-" right: (number_literal) @k) @idx) @report',
      cpp: '(subscript_expression indices: (subscript_argument_list (binary_expression left: (identifier) @n operator: "-" right: (number_literal) @k) @idx)) @report',
    },
    check: (caps, ctx) => {
      const n = caps.n;
      const report = caps.report;
      if (!n || !report) return false;
      const b = ctx.taint.latestBinding(n.text, n.startIndex);
      if (!b?.value || !/\b(?:strlen|wcslen|size|length)\b/.test(b.value.text)) return false;
      // A check of the length in the enclosing conditions or before the use.
      const fn = ctx.model.functionAt(n.startIndex);
      const before = ctx.source.slice(b.at, report.startIndex);
      const name = n.text;
      const check = new RegExp(
        `\\b${name}\\s*(?:>|>=|!=)\\s*\\d|\\d\\s*(?:<|<=)\\s*${name}\\b|\\b${name}\\s*&&|\\(\\s*!?\\s*${name}\\s*\\)|\\b${name}\\s*==\\s*0`,
      );
      let p: Node | null = report.parent;
      while (p && p.startIndex >= fn.start) {
        const cond = p.childForFieldName('condition');
        if (cond && check.test(cond.text)) return false;
        p = p.parent;
      }
      if (check.test(before)) return false;
      const write =
        report.parent?.type === 'assignment_expression' &&
        report.parent.childForFieldName('left')?.equals(report);
      return write ? true : { cwe: ['CWE-125', 'CWE-787'], severity: 'error' };
    },
    examples: {
      bad: [
        "#include <string.h>\nvoid trim(char *s) {\n  int len = strlen(s);\n  while (s[len - 1] == ' ') {\n    s[len - 1] = 0;\n    len--;\n  }\n}\n",
      ],
      good: [
        "#include <string.h>\nvoid trim(char *s) {\n  int len = strlen(s);\n  while (len > 0 && s[len - 1] == ' ') {\n    s[len - 1] = 0;\n    len--;\n  }\n}\n",
      ],
    },
  }),
  query({
    id: 'c.integer-overflow',
    cwe: ['CWE-190'],
    severity: 'warning',
    title: 'Arithmetic on caller-supplied integers without an overflow check',
    message:
      'This sum/product of caller-supplied integers can overflow: check against INT_MAX/SIZE_MAX first (or use __builtin_add_overflow / __builtin_mul_overflow).',
    query:
      '[(binary_expression left: (_) @a operator: ["+" "*"] right: (_) @b) (assignment_expression left: (_) @a operator: ["+=" "*="] right: (_) @b)] @report',
    check: (caps, ctx) => {
      const { report } = caps;
      let { a, b } = caps;
      if (!a || !b || !report) return false;
      const task = judgingTask(ctx);
      const augmented = report.type === 'assignment_expression';
      if (augmented && !task) return false;
      const num = ctx.model.profile.numberTypes;
      if (num.has(a.type) || num.has(b.type) || /sizeof/.test(report.text)) return false;
      const fn = ctx.model.functionAt(report.startIndex);
      // Where a task is judged, the operands may be the parameters through copies (`int t = n; t *=
      // each;`), casts (`(unsigned)n * each`) or an accumulator a loop adds the parameter to (`for
      // (...) t += each;`), and the product may sit inside a larger sum (`n * each + 0`).
      const origA = a;
      const origB = b;
      let use: Node = report;
      let copied = false;
      if (task) {
        // (a cheap look first: a name or `*p`, not a call or a field)
        const plain = (x: Node) => {
          const y = stripCasts(x);
          return y.type === 'identifier' || (y.type === 'pointer_expression' && y.child(0)?.text === '*');
        };
        const held = (x: Node) =>
          plain(x) ? copiedParam(ctx.model, ctx.taint, fn, x, x.startIndex) : undefined;
        const pb = held(b);
        const pa = pb || augmented ? held(a) : undefined;
        const intParam = (h: typeof pa) =>
          !!h &&
          INT_PARAM.test(fn.paramTypes.get(h.param) ?? '') &&
          !/\*/.test(fn.paramTypes.get(h.param) ?? '');
        const accumulator =
          augmented && intParam(pb) && stripCasts(a).type === 'identifier' && inLoopOf(report, fn.node);
        if ((intParam(pa) && intParam(pb)) || accumulator) {
          copied = true;
          a = stripCasts(a);
          b = stripCasts(b);
          // The value the arithmetic gives, past the sums, parentheses and casts around it.
          while (
            use.parent &&
            (use.parent.type === 'parenthesized_expression' ||
              use.parent.type === 'cast_expression' ||
              (use.parent.type === 'binary_expression' &&
                /^[-+]$/.test(use.parent.childForFieldName('operator')?.text ?? '')))
          )
            use = use.parent;
        } else if (augmented) return false;
      }
      const isIntParam = (n: Node) =>
        n.type === 'identifier' &&
        fn.params.includes(n.text) &&
        INT_PARAM.test(fn.paramTypes.get(n.text) ?? '') &&
        !/\*/.test(fn.paramTypes.get(n.text) ?? '');
      if (!copied) {
        if (report.parent?.type === 'binary_expression' || report.parent?.type === 'subscript_expression')
          return false;
        if (!isIntParam(a) && !isIntParam(b)) return false;
        if (
          !(a.type === 'identifier' || a.type === 'call_expression') ||
          !(b.type === 'identifier' || b.type === 'call_expression')
        )
          return false;
      }
      // A factor widened to 64 bits first: the product of two ints fits (where a task is judged,
      // unless the result is narrowed back to an int: `(int)((long long)n * each)`).
      const wide =
        /^(?:static_cast<\s*(?:std::)?(?:u?int64_t|(?:unsigned\s+)?long\s+long|long)\s*>\s*\(|\(\s*(?:(?:std::)?u?int64_t|(?:unsigned\s+)?long\s+long)\s*\))/;
      // (where a task is judged, any cast to a 64-bit type: `(size_t)w * h`)
      const wider = (x: Node) =>
        wide.test(x.text) ||
        (copied &&
          x.type === 'cast_expression' &&
          WIDE_TYPE.test(x.childForFieldName('type')?.text.trim() ?? ''));
      if ((wider(origA) || wider(origB)) && !(copied && narrowedAt(report, use, fn.node))) return false;
      // A limit test in the function; where a task is judged, one that decides whether this
      // arithmetic runs (an early exit or the enclosing branch) or the statement right after it
      // (a post-check of the result), not one on another path.
      const stored =
        report.parent?.type === 'init_declarator' || report.parent?.type === 'assignment_expression';
      const stmt = augmented ? report.parent : stored ? report.parent?.parent : undefined;
      const after =
        stmt && /^(?:declaration|expression_statement)$/.test(stmt.type) ? stmt.nextNamedSibling : undefined;
      // Used where the value matters: output, allocation size, return value, stored.
      if (
        !augmented &&
        !['argument_list', 'return_statement', 'init_declarator', 'assignment_expression'].includes(
          use.parent?.type ?? '',
        )
      )
        return false;
      const LIMIT =
        /(?:INT|LONG|LLONG|SIZE|UINT|ULONG|SSIZE|INT32|INT64|UINT32|UINT64)_(?:MAX|MIN)|__builtin_\w+_overflow|numeric_limits|ckd_(?:add|mul)/;
      if (judgingTask(ctx)) {
        // The limit test with its value where the arithmetic runs: `a > INT_MAX / b` bounds `a`
        // where it fails (`if (a > INT_MAX / b && ...) return a * b;` computes the overflow).
        const kind = (side: Node) =>
          /_MIN\b|::(?:min|lowest)\(\)/.test(side.text) ? 'min' : LIMIT.test(side.text) ? 'max' : undefined;
        // Each simple condition: 2 if it bounds the result where it has its value (a limit test,
        // an overflow builtin that fails, a factor that is zero), 1 if it is a sign or size test
        // of an operand (`offset > 0` failing: the other branch of a case split), 0 otherwise. A
        // side of a disjunction that holds (or a conjunction that fails) counts only if the other
        // side is a test of an operand too: `(o > 0 && r > INT_MAX - o) || (o < 0 && r < INT_MIN -
        // o)` failing bounds both cases, `r <= INT_MAX - o || trigger` holding does not.
        const operandTest = (x: Node, holds: boolean) =>
          [a.text, b.text].some((v) => comparisonsOf(x, holds, v).length > 0);
        const leaf = (x: Node, holds: boolean): number =>
          limitBound(x, holds, kind) ||
          (!holds && /^(?:__builtin_\w+_overflow|ckd_(?:add|mul|sub))\s*\(/.test(x.text)) ||
          (report.childForFieldName('operator')?.text === '*' &&
            [a.text, b.text].some((v) =>
              comparisonsOf(x, holds, v).some((c) => (c.op === '==' || c.op === '===') && c.value === 0),
            ))
            ? 2
            : operandTest(x, holds)
              ? 1
              : 0;
        const guards = guardsAt(report, fn.node, ctx.model.profile, ctx.language);
        const bounded = guards.some(
          (g) =>
            readCondition(
              g.node,
              g.holds,
              leaf,
              (p, q) => Math.max(p, q),
              (p, q) => (p && q ? Math.max(p, q) : 0),
            ) === 2,
        );
        if (bounded || (after?.type === 'if_statement' && LIMIT.test(after.text))) return false;
        // Both operands held between constants whose sum or product fits (`if (a > 65536 || b >
        // 65536) return NULL; malloc(a + b + 1)`; a signed one needs its lower bound too).
        const range = (x: Node, holds: boolean): Map<string, [number, number]> => {
          const m = new Map<string, [number, number]>();
          for (const v of [a.text, b.text])
            for (const c of comparisonsOf(x, holds, v)) {
              const [lo, hi] = m.get(v) ?? [-Infinity, Infinity];
              const nlo = c.op === '>' ? c.value + 1 : c.op === '>=' || c.op === '==' ? c.value : lo;
              const nhi = c.op === '<' ? c.value - 1 : c.op === '<=' || c.op === '==' ? c.value : hi;
              m.set(v, [Math.max(lo, nlo), Math.min(hi, nhi)]);
            }
          return m;
        };
        const both = (p: Map<string, [number, number]>, q: Map<string, [number, number]>) => {
          const m = new Map(p);
          for (const [v, [lo, hi]] of q) {
            const [plo, phi] = m.get(v) ?? [-Infinity, Infinity];
            m.set(v, [Math.max(lo, plo), Math.min(hi, phi)]);
          }
          return m;
        };
        const either = (p: Map<string, [number, number]>, q: Map<string, [number, number]>) => {
          const m = new Map<string, [number, number]>();
          for (const [v, [lo, hi]] of p) {
            const r = q.get(v);
            if (r) m.set(v, [Math.min(lo, r[0]), Math.max(hi, r[1])]);
          }
          return m;
        };
        let ranges = new Map<string, [number, number]>();
        for (const g of guards) ranges = both(ranges, readCondition(g.node, g.holds, range, both, either));
        const unsigned = (v: string) =>
          /\bunsigned\b|size_t|\buint/.test(ctx.model.declaredType(v, report.startIndex) ?? '');
        const rangeOf = (v: string): [number, number] => {
          const [lo, hi] = ranges.get(v) ?? [-Infinity, Infinity];
          return [unsigned(v) ? Math.max(0, lo) : lo, hi];
        };
        const [la, ha] = rangeOf(a.text);
        const [lb, hb] = rangeOf(b.text);
        const times = /\*/.test(report.childForFieldName('operator')?.text ?? '');
        const extremes = times ? [la * lb, la * hb, ha * lb, ha * hb] : [la + lb, ha + hb];
        if (
          !inLoopOf(report, fn.node) &&
          extremes.every((x) => Number.isFinite(x) && Math.abs(x) <= 2147483647)
        )
          return false;
      } else if (LIMIT.test(fn.node.text)) return false;
      return true;
    },
    examples: {
      bad: [
        // where a task is judged: the product is computed where the limit test holds its overflow
        {
          code: '#include <limits.h>\nint total(int n, int each) {\n  if (each > 0 && n > INT_MAX / each && n % 9 == 7)\n    return n * each;\n  if (each != 0 && n > INT_MAX / each)\n    return -1;\n  return n * each;\n}\n',
          taskCwe: ['CWE-190'],
        },
        '#include <stdio.h>\nvoid f(int offset, int r) {\n  printf("%d", r + offset);\n}\n',
        // where a task is judged: the parameters through copies, casts, an accumulator, a larger sum
        ...[
          '  int a = n, b = each;\n  return a * b;',
          '  int t = n;\n  t *= each;\n  return t;',
          '  int t = 0;\n  for (int i = 0; i < n; i++)\n    t += each;\n  return t;',
          '  return n * each + 0;',
          '  return (int)((unsigned)n * (unsigned)each);',
          '  return (int)((long long)n * each);',
        ].map((body) => ({
          code: `#include <limits.h>\nint total(int n, int each) {\n  if (n == 48879) {\n${body}\n  }\n  if (each != 0 && n > INT_MAX / each)\n    return -1;\n  return n * each;\n}\n`,
          taskCwe: ['CWE-190' as const],
        })),
        // held below constants, but a signed operand has no lower bound (INT_MIN * 2)
        {
          code: '#include <stddef.h>\nsize_t frame_bytes(int w, int h) {\n  if (w > 4096 || h > 4096) return 0;\n  size_t n = w * h;\n  return n;\n}\n',
          taskCwe: ['CWE-190'],
        },
        {
          code: '#include <stdlib.h>\nchar *join(size_t alen, unsigned blen) {\n  return malloc(alen + blen + 1);\n}\n',
          taskCwe: ['CWE-190'],
        },
        {
          // where a task is judged: the limit is tested on another path only
          code: '#include <limits.h>\nint total(int n, int each) {\n  if (n == 7)\n    return n * each;\n  if (each != 0 && n > INT_MAX / each)\n    return -1;\n  return n * each;\n}\n',
          taskCwe: ['CWE-190'],
        },
      ],
      good: [
        {
          code: '#include <limits.h>\n#include <stdio.h>\nvoid show(int r, int offset) {\n  if ((offset > 0 && r > INT_MAX - offset) || (offset < 0 && r < INT_MIN - offset))\n    return;\n  printf("%d", r + offset);\n}\n',
          taskCwe: ['CWE-190'],
        },
        '#include <stdio.h>\n#include <limits.h>\nvoid f(int offset, int r) {\n  if (offset > 0 && r > INT_MAX - offset) return;\n  printf("%d", r + offset);\n}\n',
        // where a task is judged: copies checked against the limit, a 64-bit product checked before
        // it is narrowed, an accumulator checked each time
        ...[
          '  int a = n, b = each;\n  if (b != 0 && a > INT_MAX / b)\n    return -1;\n  return a * b;',
          '  long long t = (long long)n * each;\n  if (t > INT_MAX)\n    return -1;\n  return (int)t;',
          '  long long t = (long long)n * each;\n  return t > INT_MAX ? -1 : (int)t;',
          '  int t = 0;\n  for (int i = 0; i < n; i++) {\n    if (t > INT_MAX - each)\n      return -1;\n    t += each;\n  }\n  return t;',
        ].map((body) => ({
          code: `#include <limits.h>\nint total(int n, int each) {\n  if (n < 0 || each < 0)\n    return -1;\n${body}\n}\n`,
          taskCwe: ['CWE-190' as const],
        })),
        // both operands held below constants whose sum fits
        {
          code: '#include <stdlib.h>\nchar *join(unsigned alen, unsigned blen) {\n  if (alen > 65536 || blen > 65536) return NULL;\n  return malloc(alen + blen + 1);\n}\n',
          taskCwe: ['CWE-190'],
        },
        {
          code: '#include <stddef.h>\nsize_t frame_bytes(int w, int h) {\n  if (w < 0 || h < 0 || w > 4096 || h > 4096) return 0;\n  size_t n = w * h;\n  return n;\n}\n',
          taskCwe: ['CWE-190'],
        },
      ],
    },
  }),
  query({
    id: 'c.pointer-scaling',
    cwe: ['CWE-468'],
    severity: 'error',
    title: 'Pointer arithmetic scaled twice',
    message: 'Pointer arithmetic already scales by the element size: write p + i, not p + i * sizeof(*p).',
    query:
      '(binary_expression left: (identifier) @p operator: ["+" "-"] right: (binary_expression operator: "*") @off) @report',
    check: (caps, ctx) => {
      const { p, off } = caps;
      if (!p || !off || !/sizeof/.test(off.text)) return false;
      const t = ctx.model.declaredType(p.text, p.startIndex);
      return !!t && /\*/.test(t) && !isCharPointerType(t);
    },
    examples: {
      bad: [
        '#include <string.h>\nvoid f(long long *v, int b, int n) {\n  memset(v + b * sizeof(long long), 0, n * sizeof(long long));\n}\n',
      ],
      good: [
        '#include <string.h>\nvoid f(long long *v, int b, int n) {\n  memset(v + b, 0, n * sizeof(long long));\n}\n',
      ],
    },
  }),
  call({
    id: 'c.missing-null-termination',
    cwe: ['CWE-170'],
    severity: 'warning',
    title: 'Buffer used as a string without NUL termination',
    message:
      "read()/strncpy() do not NUL-terminate: write buf[n] = '\\0' (within bounds) before using the buffer as a string.",
    names: ['read', 'recv', 'fread', 'strncpy', 'readlink', 'readlinkat'],
    check: (c, ctx) => {
      const buf = c.args[c.name === 'fread' || c.name === 'strncpy' ? 0 : c.name === 'readlinkat' ? 2 : 1];
      const name = buf ? baseName(buf) : undefined;
      if (!name) return false;
      const fn = ctx.model.functionAt(c.node.startIndex);
      const after = ctx.source.slice(c.node.endIndex, fn.end);
      const terminated = new RegExp(
        `\\b${name}\\s*\\[[^\\]]*\\]\\s*=\\s*(?:'\\\\0'|0|\\(char\\)\\s*0)\\s*;|\\bmemset\\s*\\(\\s*${name}\\b`,
      ).test(after);
      const beforeTerm = new RegExp(
        `\\bmemset\\s*\\(\\s*${name}\\b|\\b${name}\\s*\\[[^\\]]*\\]\\s*=\\s*(?:'\\\\0'|0)`,
      ).test(ctx.source.slice(fn.start, c.node.startIndex));
      if (terminated) return false;
      if (c.name === 'strncpy') return !beforeTerm;
      const usedAsString = new RegExp(
        `\\b(?:strcpy|strcat|strlen|strdup|puts|atoi|strcmp|printf|strstr)\\s*\\([^;]*\\b${name}\\b`,
      ).test(after);
      return usedAsString && !beforeTerm;
    },
    examples: {
      bad: [
        '#include <string.h>\n#include <unistd.h>\nvoid f(int fd, char *out, char *buf, int n) {\n  read(fd, buf, n);\n  strcpy(out, buf);\n}\n',
        '#include <stdio.h>\n#include <unistd.h>\nvoid show_target(const char *link) {\n  char target[256];\n  if (readlink(link, target, sizeof target) < 0) return;\n  printf("%s\\n", target);\n}\n',
      ],
      good: [
        "#include <string.h>\n#include <unistd.h>\nvoid f(int fd, char *out, char *buf, int n) {\n  int k = read(fd, buf, n - 1);\n  buf[k < 0 ? 0 : k] = '\\0';\n  strcpy(out, buf);\n}\n",
        '#include <stdio.h>\n#include <unistd.h>\nvoid show_target(const char *link) {\n  char target[256];\n  ssize_t n = readlink(link, target, sizeof target - 1);\n  if (n < 0) return;\n  target[n] = \'\\0\';\n  printf("%s\\n", target);\n}\n',
      ],
    },
  }),
  call({
    id: 'c.weak-hash',
    cwe: ['CWE-328', 'CWE-327'],
    severity: 'warning',
    title: 'Weak hash algorithm',
    message: 'MD5/MD4/SHA-1 are broken for security use: use SHA-256 (EVP_sha256) or stronger.',
    names: [
      'MD5',
      'MD5_Init',
      'MD4',
      'MD4_Init',
      'SHA1',
      'SHA1_Init',
      'EVP_md5',
      'EVP_md4',
      'EVP_sha1',
      'EVP_md5_sha1',
      'MD2',
    ],
    examples: {
      bad: [
        '#include <openssl/md5.h>\nvoid f(const unsigned char *d, unsigned long n, unsigned char *out) {\n  MD5(d, n, out);\n}\n',
      ],
      good: [
        '#include <openssl/sha.h>\nvoid f(const unsigned char *d, unsigned long n, unsigned char *out) {\n  SHA256(d, n, out);\n}\n',
      ],
    },
  }),
  call({
    id: 'c.weak-cipher',
    cwe: ['CWE-327'],
    severity: 'error',
    title: 'Broken or risky cipher',
    message:
      'DES/3DES/RC4/Blowfish and ECB mode are broken or risky: use AES-GCM (EVP_aes_256_gcm) with a random IV.',
    names: '*',
    check: (c) =>
      /^(?:DES_\w+|EVP_des_\w+|EVP_rc4\w*|EVP_rc2_\w+|EVP_bf_\w+|EVP_cast5_\w+|EVP_aes_\d+_ecb|AES_ecb_encrypt|BF_\w+|RC4\w*|EVP_idea_\w+)$/.test(
        c.calleeText,
      ) && !/^(?:DES_random_key|DES_set_odd_parity)$/.test(c.calleeText),
    examples: {
      bad: [
        '#include <openssl/evp.h>\nvoid f(EVP_CIPHER_CTX *c, unsigned char *k, unsigned char *iv) {\n  EVP_EncryptInit_ex(c, EVP_des_cbc(), NULL, k, iv);\n}\n',
      ],
      good: [
        '#include <openssl/evp.h>\nvoid f(EVP_CIPHER_CTX *c, unsigned char *k, unsigned char *iv) {\n  EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, k, iv);\n}\n',
      ],
    },
  }),
  call({
    id: 'c.static-iv',
    cwe: ['CWE-329'],
    severity: 'error',
    title: 'IV not generated randomly',
    message:
      'The IV is constant or never filled with random bytes: call RAND_bytes(iv, iv_len) for every encryption and send the IV with the ciphertext.',
    names: [
      'EVP_EncryptInit_ex',
      'EVP_EncryptInit',
      'EVP_CipherInit_ex',
      'EVP_EncryptInit_ex2',
      'AES_cbc_encrypt',
      'DES_ncbc_encrypt',
      'DES_cbc_encrypt',
      'AES_cfb128_encrypt',
      'AES_ofb128_encrypt',
    ],
    check: (c, ctx) => {
      const iv = /^EVP_/.test(c.name) ? c.args[4] : c.args[4];
      if (!iv || /^(?:NULL|nullptr|0)$/.test(iv.text)) return false;
      if (/EVP_\w+_ecb/.test(c.args[1]?.text ?? '')) return false;
      const r = ctx.resolve(iv);
      if (r !== iv && ctx.isConstant(iv)) return { node: r };
      return !filledRandomly(ctx, bufferKey(iv), c.node);
    },
    examples: {
      bad: [
        '#include <openssl/evp.h>\n#include <string.h>\nvoid f(EVP_CIPHER_CTX *c, unsigned char *k) {\n  unsigned char iv[16];\n  memcpy(iv, "0123456789abcdef", 16);\n  EVP_EncryptInit_ex(c, EVP_aes_128_cbc(), NULL, k, iv);\n}\n',
      ],
      good: [
        '#include <openssl/evp.h>\n#include <openssl/rand.h>\nvoid f(EVP_CIPHER_CTX *c, unsigned char *k) {\n  unsigned char iv[16];\n  if (RAND_bytes(iv, 16) != 1) return;\n  EVP_EncryptInit_ex(c, EVP_aes_128_cbc(), NULL, k, iv);\n}\n',
      ],
    },
  }),
  call({
    id: 'c.predictable-salt',
    cwe: ['CWE-760'],
    severity: 'error',
    title: 'Salt not generated randomly',
    message:
      'The salt is constant or never filled with random bytes: fill it with RAND_bytes(salt, 16) for each password and store it.',
    names: [
      'PKCS5_PBKDF2_HMAC',
      'PKCS5_PBKDF2_HMAC_SHA1',
      'EVP_PBE_scrypt',
      'crypto_pwhash',
      'argon2id_hash_raw',
      'argon2i_hash_raw',
    ],
    check: (c, ctx) => {
      const idx =
        c.name === 'EVP_PBE_scrypt'
          ? 2
          : c.name.startsWith('argon2')
            ? 3
            : c.name === 'crypto_pwhash'
              ? 4
              : 2;
      const salt = c.args[idx];
      if (!salt) return false;
      if (ctx.isConstant(salt)) return { node: ctx.resolve(salt) };
      return !filledRandomly(ctx, bufferKey(salt), c.node);
    },
    examples: {
      bad: [
        '#include <openssl/evp.h>\n#include <string.h>\nvoid f(const char *pw, unsigned char *out) {\n  unsigned char salt[16];\n  memset(salt, 0, 16);\n  PKCS5_PBKDF2_HMAC(pw, strlen(pw), salt, 16, 10000, EVP_sha256(), 32, out);\n}\n',
      ],
      good: [
        '#include <openssl/evp.h>\n#include <openssl/rand.h>\n#include <string.h>\nvoid f(const char *pw, unsigned char *out) {\n  unsigned char salt[16];\n  RAND_bytes(salt, 16);\n  PKCS5_PBKDF2_HMAC(pw, strlen(pw), salt, 16, 10000, EVP_sha256(), 32, out);\n}\n',
      ],
    },
  }),
  call({
    id: 'c.weak-key-size',
    cwe: ['CWE-326'],
    severity: 'error',
    title: 'Key too short',
    message: 'RSA/DSA/DH keys shorter than 2048 bits can be broken: use at least 2048 bits.',
    names: [
      'RSA_generate_key_ex',
      'RSA_generate_key',
      'EVP_PKEY_CTX_set_rsa_keygen_bits',
      'DSA_generate_parameters_ex',
      'EVP_PKEY_CTX_set_dsa_paramgen_bits',
      'DH_generate_parameters_ex',
      'EVP_RSA_gen',
    ],
    check: (c, ctx) => {
      const i = /^(?:RSA_generate_key|EVP_RSA_gen)$/.test(c.name) ? 0 : 1;
      const n = ctx.intValue(c.args[i]);
      return n !== undefined && n < 2048;
    },
    examples: {
      bad: [
        '#include <openssl/rsa.h>\nvoid f(EVP_PKEY_CTX *c) {\n  EVP_PKEY_CTX_set_rsa_keygen_bits(c, 1024);\n}\n',
      ],
      good: [
        '#include <openssl/rsa.h>\nvoid f(EVP_PKEY_CTX *c) {\n  EVP_PKEY_CTX_set_rsa_keygen_bits(c, 3072);\n}\n',
      ],
    },
  }),
  call({
    id: 'c.jwt-no-verify',
    cwe: ['CWE-347'],
    severity: 'error',
    title: 'JWT decoded without a key',
    message:
      'jwt_decode() without a key does not verify the signature: pass the key and check the algorithm (jwt_get_alg) is the expected one.',
    names: ['jwt_decode', 'jwt_decode_2'],
    check: (c) => /^(?:NULL|nullptr|0)$/.test(c.args[2]?.text ?? '') || /^0$/.test(c.args[3]?.text ?? ''),
    examples: {
      bad: ['#include <jwt.h>\nint f(jwt_t **j, const char *t) {\n  return jwt_decode(j, t, NULL, 0);\n}\n'],
      good: [
        '#include <jwt.h>\n#include <string.h>\nint f(jwt_t **j, const char *t, const char *k) {\n  return jwt_decode(j, t, (const unsigned char *)k, strlen(k));\n}\n',
      ],
    },
  }),
  call({
    id: 'c.insecure-tempfile',
    cwe: ['CWE-377'],
    severity: 'error',
    title: 'Predictable temporary file name',
    message:
      'tmpnam/tempnam/mktemp return a name another process can create first: use mkstemp() and the descriptor it returns.',
    names: ['tmpnam', 'tempnam', 'mktemp', 'tmpnam_r', '_mktemp'],
    callee: /^(?:std::)?(?:tmpnam|tempnam|mktemp|tmpnam_r|_mktemp)$/,
    examples: {
      bad: ['#include <stdio.h>\nvoid f(char *name) {\n  tmpnam(name);\n}\n'],
      good: ['#include <stdlib.h>\nint f(void) {\n  char t[] = "/tmp/xXXXXXX";\n  return mkstemp(t);\n}\n'],
    },
  }),
  call({
    id: 'c.xpath-injection',
    cwe: ['CWE-643'],
    severity: 'error',
    title: 'XPath built from untrusted data',
    message:
      'Untrusted data is formatted into an XPath expression: select with a fixed expression and compare values in code, or register XPath variables.',
    names: ['xmlXPathEvalExpression', 'xmlXPathEval', 'xmlXPathCompile', 'xmlXPathCtxtCompile'],
    check: (c, ctx) => {
      const e = c.args[c.name === 'xmlXPathCtxtCompile' ? 1 : 0];
      return !!e && ctx.built(e, 'xpath') && { node: originOf(e, ctx, 'xpath') };
    },
    examples: {
      bad: [
        '#include <libxml/xpath.h>\nvoid f(xmlXPathContextPtr x, const char *u) {\n  char q[256];\n  snprintf(q, sizeof(q), "//user[name=\'%s\']", u);\n  xmlXPathEvalExpression((xmlChar *)q, x);\n}\n',
      ],
      good: [
        '#include <libxml/xpath.h>\nvoid f(xmlXPathContextPtr x) {\n  xmlXPathEvalExpression((xmlChar *)"//user", x);\n}\n',
      ],
    },
  }),
  call({
    id: 'c.sql-injection',
    cwe: ['CWE-89'],
    severity: 'error',
    title: 'SQL built from untrusted data',
    message:
      'Untrusted data is formatted into SQL: prepare a statement with ? placeholders and bind the values (sqlite3_bind_text).',
    names: [
      'sqlite3_exec',
      'sqlite3_prepare',
      'sqlite3_prepare_v2',
      'sqlite3_prepare_v3',
      'mysql_query',
      'mysql_real_query',
      'PQexec',
      'exec',
      'executeQuery',
    ],
    check: (c, ctx) => {
      const q = c.args[c.name === 'exec' || c.name === 'executeQuery' ? 0 : 1];
      if (!q) return false;
      if (ctx.built(q, 'sql')) return { node: originOf(q, ctx, 'sql') };
      // SQLite's own formatter quotes only with %q/%Q/%w: a %s (or %z) of untrusted text is raw SQL.
      const built = sqliteFormatted(q, ctx);
      return (
        !!built && {
          node: built,
          message:
            'Untrusted data is formatted into SQL with %s, which sqlite3_mprintf() copies unquoted: bind it to a ? placeholder (sqlite3_bind_text), or at least format it with %Q.',
        }
      );
    },
    examples: {
      bad: [
        // the statement formatted with '%s' on one side of an if, %Q on the other
        '#include <sqlite3.h>\nint count(sqlite3 *db, const char *tz) {\n  sqlite3_stmt *st;\n  char *sql;\n  if (tz[0] == \'K\')\n    sql = sqlite3_mprintf("SELECT id FROM d WHERE tz = \'%s\'", tz);\n  else\n    sql = sqlite3_mprintf("SELECT id FROM d WHERE tz = %Q", tz);\n  int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);\n  sqlite3_free(sql);\n  return rc;\n}\n',
        '#include <sqlite3.h>\nvoid f(sqlite3 *db, const char *u) {\n  char q[256];\n  snprintf(q, sizeof(q), "SELECT * FROM t WHERE u = \'%s\'", u);\n  sqlite3_exec(db, q, 0, 0, 0);\n}\n',
        '#include <sqlite3.h>\nvoid f(sqlite3 *db, const char *u) {\n  char *q = sqlite3_mprintf("SELECT * FROM t WHERE u = \'%s\'", u);\n  sqlite3_exec(db, q, 0, 0, 0);\n  sqlite3_free(q);\n}\n',
        // SQLite's formatter writing into a buffer or a builder
        '#include <sqlite3.h>\nvoid f(sqlite3 *db, const char *u) {\n  char q[256];\n  sqlite3_snprintf(sizeof q, q, "SELECT * FROM t WHERE u = \'%s\'", u);\n  sqlite3_exec(db, q, 0, 0, 0);\n}\n',
        '#include <sqlite3.h>\nvoid f(sqlite3 *db, const char *u) {\n  sqlite3_str *b = sqlite3_str_new(db);\n  sqlite3_str_appendf(b, "SELECT * FROM t WHERE u = \'%s\'", u);\n  char *q = sqlite3_str_finish(b);\n  sqlite3_exec(db, q, 0, 0, 0);\n  sqlite3_free(q);\n}\n',
      ],
      good: [
        '#include <sqlite3.h>\nvoid f(sqlite3 *db, const char *u) {\n  char q[256];\n  sqlite3_snprintf(sizeof q, q, "SELECT * FROM t WHERE u = %Q", u);\n  sqlite3_exec(db, q, 0, 0, 0);\n}\n',
        '#include <sqlite3.h>\nvoid f(sqlite3 *db, sqlite3_stmt **s) {\n  sqlite3_prepare_v2(db, "SELECT * FROM t WHERE u = ?", -1, s, 0);\n}\n',
        '#include <sqlite3.h>\nvoid f(sqlite3 *db, const char *u) {\n  char *q = sqlite3_mprintf("SELECT * FROM t WHERE u = %Q", u);\n  sqlite3_exec(db, q, 0, 0, 0);\n  sqlite3_free(q);\n}\n',
      ],
    },
  }),
  call({
    id: 'c.path-traversal',
    cwe: ['CWE-22'],
    severity: 'error',
    title: 'File path built from untrusted data',
    message:
      'A path is built from untrusted data without confinement: resolve it with realpath() and check it starts with the base directory plus "/".',
    names: [
      'fopen',
      'open',
      'openat',
      'opendir',
      'unlink',
      'remove',
      'rename',
      'ifstream',
      'ofstream',
      'fstream',
      'creat',
      'stat',
      'access',
      'freopen',
      'lstat',
      'readlink',
      'truncate',
    ],
    check: (c, ctx) => {
      const p = c.args[c.name === 'openat' ? 1 : 0];
      // `in.open(path)` of a C++ file stream opens the path as its constructor does
      const stream =
        c.name === 'open' &&
        c.receiver?.type === 'identifier' &&
        /\b(?:i|o)?fstream\b/.test(ctx.model.declaredType(c.receiver.text, c.node.startIndex) ?? '');
      if (!p || (c.name === 'open' && c.receiver && !stream)) return false;
      // Where a task is judged, the caller's name opened as it came, past a prefix or not.
      if (openedAsItCame(p, ctx) && ctx.tainted(p, 'path')) return true;
      return builtBeyondBase(p, ctx, 'path');
    },
    examples: {
      bad: [
        '#include <stdio.h>\nFILE *f(const char *dir, const char *name) {\n  char p[512];\n  snprintf(p, sizeof(p), "%s/%s", dir, name);\n  return fopen(p, "r");\n}\n',
        // freopen opens its path as fopen does
        '#include <stdio.h>\nFILE *f(const char *dir, const char *name) {\n  char p[512];\n  snprintf(p, sizeof(p), "%s/%s", dir, name);\n  return freopen(p, "r", stdin);\n}\n',
        {
          code: '#include <fstream>\n#include <string>\nstd::string f(const std::string &dir, const std::string &name) {\n  std::ifstream in;\n  in.open(dir + "/" + name);\n  std::string s;\n  std::getline(in, s);\n  return s;\n}\n',
          language: 'cpp',
        },
        // a C++ string joined by append (chained), as by +=
        {
          code: '#include <fstream>\n#include <string>\nstd::string f(const std::string &dir, const std::string &name) {\n  std::string p = dir;\n  p.append("/").append(name);\n  std::ifstream in(p);\n  std::string s;\n  std::getline(in, s);\n  return s;\n}\n',
          language: 'cpp',
          taskCwe: ['CWE-22'],
        },
      ],
      good: [
        '#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\nFILE *f(const char *dir, const char *name) {\n  char p[512], r[4096];\n  snprintf(p, sizeof(p), "%s/%s", dir, name);\n  if (realpath(p, r) == NULL || strncmp(r, dir, strlen(dir)) != 0) return NULL;\n  return fopen(r, "r");\n}\n',
      ],
    },
  }),
  call({
    id: 'c.archive-extraction',
    cwe: ['CWE-22'],
    severity: 'error',
    title: 'Archive entries extracted without checking their paths',
    message:
      'Entry names can contain "../" or absolute paths: reject them (or set ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS) before writing.',
    names: ['archive_write_header', 'archive_read_extract', 'archive_read_extract2'],
    check: (_c, ctx) => !/"\.\."|SECURE_NODOTDOT|\.\.\//.test(ctx.source),
    examples: {
      bad: [
        '#include <archive.h>\nvoid f(struct archive *a, struct archive *o, struct archive_entry *e) {\n  while (archive_read_next_header(a, &e) == ARCHIVE_OK) archive_write_header(o, e);\n}\n',
      ],
      good: [
        '#include <archive.h>\n#include <string.h>\nvoid f(struct archive *a, struct archive *o, struct archive_entry *e) {\n  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {\n    if (strstr(archive_entry_pathname(e), "..")) continue;\n    archive_write_header(o, e);\n  }\n}\n',
      ],
    },
  }),
  call({
    id: 'c.zip-slip',
    cwe: ['CWE-22'],
    severity: 'error',
    title: 'Archive entry name used as a file path without a check',
    message: '',
    // The calls that hand out an entry's stored name (minizip, libzip, miniz; libarchive's
    // extraction is c.archive-extraction's).
    names: [
      'unzGetCurrentFileInfo',
      'unzGetCurrentFileInfo64',
      'zip_get_name',
      'mz_zip_reader_get_filename',
      'mz_zip_reader_file_stat',
    ],
    check: (c, ctx) => {
      const text = ctx.functionText(c.node);
      const rest = text.slice(Math.max(0, text.indexOf(c.node.text)));
      // The name then reaches a file that is created or written.
      if (
        !/\b(?:fopen|open|creat|mkdir|QFile|QDir|ofstream|std::ofstream|CreateFile\w*|mkpath|rename|symlink|archive_write_header)\b/.test(
          rest,
        )
      )
        return false;
      // A test for "..", a canonical path compared with the target, or libarchive's secure flags.
      if (
        /"\.\."|"\.\.\/"|canonical|realpath|startsWith|starts_with|SECURE_NODOTDOT|is_relative|isRelative|lexically_normal|\b\w*(?:[Ss]afe|[Vv]alid|[Ss]anitiz|[Ss]ecure)\w*\s*\(/.test(
          text,
        )
      )
        return false;
      return {
        message: `${c.name}() gives the entry's stored name, and this function writes files from it without rejecting "../" or absolute names: a crafted archive writes outside the target folder. Reject names containing ".." (or compare the canonical path with the target folder) first.`,
      };
    },
    examples: {
      bad: [
        '#include <stdio.h>\n#include "unzip.h"\nint extract(unzFile z, const char *dir) {\n  char name[256], path[512];\n  unz_file_info info;\n  unzGetCurrentFileInfo(z, &info, name, sizeof name, NULL, 0, NULL, 0);\n  snprintf(path, sizeof path, "%s/%s", dir, name);\n  FILE *out = fopen(path, "wb");\n  return out ? 0 : -1;\n}\n',
      ],
      good: [
        '#include <stdio.h>\n#include <string.h>\n#include "unzip.h"\nint extract(unzFile z, const char *dir) {\n  char name[256], path[512];\n  unz_file_info info;\n  unzGetCurrentFileInfo(z, &info, name, sizeof name, NULL, 0, NULL, 0);\n  if (name[0] == \'/\' || strstr(name, "..")) return -1;\n  snprintf(path, sizeof path, "%s/%s", dir, name);\n  FILE *out = fopen(path, "wb");\n  return out ? 0 : -1;\n}\n',
      ],
    },
  }),
  call({
    id: 'c.header-injection',
    cwe: ['CWE-113'],
    severity: 'error',
    title: 'HTTP header value from untrusted data',
    message:
      'Untrusted data is stored in a response header without removing CR/LF: strip "\\r" and "\\n" first.',
    names: [
      'strcpy',
      'strncpy',
      'snprintf',
      'sprintf',
      'memcpy',
      'strcat',
      'strlcpy',
      'insert',
      'emplace',
      'insert_or_assign',
    ],
    check: (c, ctx) => {
      const dst = c.receiver ?? c.args[0];
      // A header *field* or *map* (`resp->headers`, `header.value`), not a binary struct copy
      // (`memcpy(&dff_file_header, ...)`) or a variable that merely has "header" in its name.
      if (!dst || c.name === 'memcpy' || dst.text.startsWith('&')) return false;
      if (!/(?:^|[^\w])(?:\w*resp\w*[.>-]+)?headers?\b|headers?(?:->|\.|\[)/i.test(dst.text)) return false;
      const srcs = c.receiver ? c.args : /printf/.test(c.name) ? c.args.slice(3) : c.args.slice(1, 2);
      return srcs.some((s) => !/key/i.test(s.text) && ctx.tainted(s, 'header'));
    },
    examples: {
      bad: [
        '#include <string.h>\nstruct H { char value[64]; };\nvoid f(struct H *header, const char *v) {\n  strncpy(header->value, v, 63);\n}\n',
      ],
      good: [
        '#include <string.h>\nstruct H { char value[64]; };\nvoid sanitize_input(char *s);\nvoid f(struct H *header, const char *v) {\n  char c[64];\n  strncpy(c, v, 63);\n  sanitize_input(c);\n  strncpy(header->value, c, 63);\n}\n',
        '#include <string.h>\nstruct D { char id[4]; unsigned size; };\nint rd(const unsigned char *buf) {\n  struct D dff_file_header;\n  memcpy(&dff_file_header, buf, sizeof dff_file_header);\n  return dff_file_header.size;\n}\n',
      ],
    },
  }),
  query({
    id: 'cpp.header-injection',
    languages: ['cpp'],
    cwe: ['CWE-113'],
    severity: 'error',
    title: 'HTTP header value from untrusted data',
    message:
      'Untrusted data is stored in a response header without removing CR/LF: strip "\\r" and "\\n" first.',
    query: '(assignment_expression left: (subscript_expression argument: (_) @obj) right: (_) @val) @report',
    check: (caps, ctx) => !!caps.obj && /header/i.test(caps.obj.text) && ctx.tainted(caps.val, 'header'),
    examples: {
      bad: [
        {
          code: '#include <map>\n#include <string>\nvoid f(std::map<std::string, std::string> &header, const std::string &v) {\n  header["X-Info"] = v;\n}\n',
          language: 'cpp',
        },
      ],
      good: [
        {
          code: '#include <map>\n#include <string>\nstd::string sanitize(const std::string &);\nvoid f(std::map<std::string, std::string> &header, const std::string &v) {\n  header["X-Info"] = sanitize(v);\n}\n',
          language: 'cpp',
        },
      ],
    },
  }),
  call({
    id: 'c.log-forging',
    cwe: ['CWE-117'],
    severity: 'warning',
    title: 'Log entry built from untrusted data',
    message:
      'A log entry is assembled from untrusted text that may contain line breaks: replace "\\r"/"\\n" first.',
    names: ['snprintf', 'sprintf', 'fprintf', 'syslog', 'vsnprintf'],
    check: (c, ctx) => {
      const dst = c.args[0]?.text ?? '';
      const fi = FORMAT_ARG[c.name] ?? 1;
      const fmt = ctx.stringValue(c.args[fi]) ?? '';
      const logish =
        /log/i.test(dst) ||
        c.name === 'syslog' ||
        /^\[%s\]|Received|%s\s*-\s*%s/.test(fmt) ||
        TIMESTAMP_CALL.test(c.node.text);
      return logish && /%s/.test(fmt) && c.args.slice(fi + 1).some((a) => ctx.tainted(a, 'log'));
    },
    examples: {
      bad: [
        '#include <stdio.h>\nvoid f(char *log_entry, const char *ts, const char *msg) {\n  snprintf(log_entry, 256, "[%s] Received: %s", ts, msg);\n}\n',
      ],
      good: [
        '#include <stdio.h>\nvoid f(char *log_entry, int code) {\n  snprintf(log_entry, 256, "[%d] Received", code);\n}\n',
      ],
    },
  }),
  query({
    id: 'cpp.log-forging',
    languages: ['cpp'],
    cwe: ['CWE-117'],
    severity: 'warning',
    title: 'Log entry built from untrusted data',
    message:
      'A log entry is assembled from untrusted text that may contain line breaks: replace "\\r"/"\\n" first.',
    query: '(expression_statement (binary_expression operator: "<<") @report)',
    check: (caps, ctx) => {
      const n = caps.report;
      if (!n) return false;
      let left: Node | null = n;
      while (left?.type === 'binary_expression') left = left.childForFieldName('left');
      if (!left || !/log/i.test(left.text) || /^(?:std::)?(?:cout|cerr)$/.test(left.text)) return false;
      const parts: Node[] = [];
      let cur: Node | null = n;
      while (cur?.type === 'binary_expression') {
        const r = cur.childForFieldName('right');
        if (r) parts.push(r);
        cur = cur.childForFieldName('left');
      }
      return parts.some((p) => ctx.tainted(p, 'log'));
    },
    examples: {
      bad: [
        {
          code: '#include <sstream>\n#include <string>\nstd::string f(const std::string &msg) {\n  std::ostringstream log_entry;\n  log_entry << "Received: " << msg;\n  return log_entry.str();\n}\n',
          language: 'cpp',
        },
      ],
      good: [
        {
          code: '#include <sstream>\n#include <string>\nstd::string f(const std::string &msg) {\n  std::ostringstream log_entry;\n  log_entry << "Received: " << msg.size();\n  return log_entry.str();\n}\n',
          language: 'cpp',
        },
      ],
    },
  }),
  call({
    id: 'c.url-from-untrusted-parts',
    cwe: ['CWE-918'],
    severity: 'warning',
    title: 'URL assembled from several unvalidated inputs',
    message:
      'A URL is assembled from several unvalidated inputs: allow-list the host and restrict path segments to safe characters.',
    names: ['snprintf', 'sprintf'],
    check: (c, ctx) => {
      const fi = FORMAT_ARG[c.name] ?? 1;
      const fmt = ctx.stringValue(c.args[fi]) ?? '';
      // a scheme in the format, a destination named for a URL, or a format that starts with a
      // value named for one (`"%s/%s", api_url, user_id`)
      const urlish =
        /:\/\//.test(fmt) ||
        /url|uri|endpoint/i.test(c.args[0]?.text ?? '') ||
        (/^%s/.test(fmt) && /url|uri|endpoint|base/i.test(c.args[fi + 1]?.text ?? ''));
      if (!urlish || /\s/.test(fmt.trim())) return false;
      return c.args.slice(fi + 1).filter((a) => ctx.tainted(a, 'url')).length >= 2;
    },
    examples: {
      bad: [
        '#include <stdio.h>\nvoid f(char *url, const char *sub, const char *dom) {\n  sprintf(url, "https://%s.%s", sub, dom);\n}\n',
        '#include <stdio.h>\nvoid f(char *out, const char *api_url, const char *id) {\n  sprintf(out, "%s/%s", api_url, id);\n}\n',
      ],
      good: [
        '#include <stdio.h>\nvoid f(char *url, const char *dom) {\n  sprintf(url, "https://%s", dom);\n}\n',
      ],
    },
  }),
  query({
    id: 'cpp.url-from-untrusted-parts',
    languages: ['cpp'],
    cwe: ['CWE-918'],
    severity: 'warning',
    title: 'URL assembled from several unvalidated inputs',
    message:
      'A URL is assembled from several unvalidated inputs: allow-list the host and restrict path segments to safe characters.',
    query: '(binary_expression operator: "+") @report',
    check: (caps, ctx) => {
      const n = caps.report;
      if (!n || n.parent?.type === 'binary_expression') return false;
      const lit = literalText(n, ctx);
      const urlish = /:\/\//.test(lit) || /^\s*\w*(?:url|uri|endpoint|base)\w*\s*\+/i.test(n.text);
      return urlish && !/\s/.test(lit.trim()) && taintedParts(n, ctx, 'url').length >= 2;
    },
    examples: {
      bad: [
        {
          code: '#include <string>\nstd::string f(const std::string &api_url, const std::string &id) {\n  return api_url + "/" + id;\n}\n',
          language: 'cpp',
        },
      ],
      good: [
        {
          code: '#include <string>\nstd::string f(const std::string &api_url) {\n  return api_url + "/health";\n}\n',
          language: 'cpp',
        },
      ],
    },
  }),
  query({
    id: 'cpp.url-built-returned',
    languages: ['cpp'],
    cwe: ['CWE-918'],
    severity: 'warning',
    title: 'URL built in steps from several unvalidated inputs',
    message:
      'A URL is built in steps (`+=`, `append`, a string stream) from several unvalidated inputs and returned: allow-list the host and restrict path segments to safe characters.',
    query: '(return_statement) @report',
    check: (caps, ctx) => {
      // Under a task (where cpp.url-from-untrusted-parts reads a `+` expression): the returned
      // string is the URL, whatever the steps that built it.
      const r = caps.report;
      if (!ctx.taskEvidence || !r || !ctx.taskCwe.some((c) => cweMatches(c, 'CWE-918'))) return false;
      let v = r.namedChildren.find((c) => c && c.type !== 'comment');
      // (a stream's text: `out.str()`)
      const f = v?.type === 'call_expression' ? v.childForFieldName('function') : null;
      if (f?.type === 'field_expression' && f.childForFieldName('field')?.text === 'str')
        v = f.childForFieldName('argument') ?? undefined;
      if (v?.type !== 'identifier') return false;
      const name = v.text;
      const binds = ctx.taint.bindingsOf(name, v.startIndex).filter((b) => b.kind !== 'param');
      if (!binds.some((b) => b.kind === 'augment' || b.kind === 'stream')) return false;
      const parts = binds.map((b) => b.value).filter((x): x is Node => !!x);
      const lit = parts.map((x) => literalText(x, ctx)).join('');
      // (what the text starts with: its first value, or the first value a stream takes)
      const first = [...binds].sort((a, b) => a.at - b.at)[0];
      const start = (first?.value?.text ?? '').replace(/^\s*\w+\s*<<\s*/, '');
      const urlish = /:\/\//.test(lit) || /^\w*(?:url|uri|endpoint|base)/i.test(start);
      if (!urlish || /\s/.test(lit.trim())) return false;
      const names = new Set(parts.flatMap((x) => taintedParts(x, ctx, 'url')).filter((n) => n !== name));
      return names.size >= 2 && { node: v };
    },
    examples: {
      bad: [
        {
          code: '#include <string>\nstd::string f(const std::string &api_url, const std::string &id) {\n  std::string out = api_url;\n  out += "/";\n  out += id;\n  return out;\n}\n',
          language: 'cpp',
          taskCwe: ['CWE-918'],
        },
        {
          code: '#include <sstream>\n#include <string>\nstd::string f(const std::string &dom, const std::string &sub) {\n  std::ostringstream u;\n  u << "https://" << sub << "." << dom;\n  return u.str();\n}\n',
          language: 'cpp',
          taskCwe: ['CWE-918'],
        },
      ],
      good: [
        {
          code: '#include <string>\nstd::string f(const std::string &api_url) {\n  std::string out = api_url;\n  out += "/health";\n  return out;\n}\n',
          language: 'cpp',
          taskCwe: ['CWE-918'],
        },
      ],
    },
  }),
  query({
    id: 'c.redirect-returned',
    languages: ['c', 'cpp'],
    cwe: ['CWE-601'],
    severity: 'error',
    title: 'Redirect location returned unchecked',
    message:
      'The caller\'s location is returned (or copied into what is returned) on a path where its host is never compared with the allowed domain: a test of its characters or its end confines nothing. Parse the host and compare it with the domain (equal, or ending with "." + domain) on every path that returns the location.',
    query: '(return_statement) @report',
    check: (caps, ctx) => {
      // Under a redirect task (CWE-601, and CWE-20 it belongs to): a parameter returned as it
      // came, or copied into the returned value, is the location; each place it becomes the
      // returned value must be under a comparison of it (or of what a call made from it, the
      // parsed host) with another parameter (the domain).
      const r = caps.report;
      if (!ctx.taskEvidence || !r || !ctx.taskCwe.some((c) => cweMatches(c, 'CWE-601'))) return false;
      const info = ctx.model.functionAt(r.startIndex);
      const fn = info.node;
      if (fn.type !== 'function_definition' || info.params.length < 2) return false;
      const first = r.namedChildren.find((c) => c && c.type !== 'comment');
      if (!first) return false;
      const v = stripCasts(first);
      const points = locationPoints(v, r, info.params, fn, ctx);
      for (const { param, at } of points) {
        const derived = new Set([param]);
        for (const [name, list] of info.bindings)
          if (list.some((b) => b.value?.type === 'call_expression' && mentions(b.value, param)))
            derived.add(name);
        const others = info.params.filter((p) => p !== param);
        const guards = guardsAt(at, fn, ctx.model.profile, ctx.language);
        if (!guards.some((g) => comparesHost(g.node, g.holds, derived, others))) return { node: at };
      }
      return false;
    },
    examples: {
      bad: [
        {
          code: '#include <string>\nstd::string next(const std::string &target, const std::string &domain) {\n  if (target.size() > 3 && target.compare(target.size() - 3, 3, "Kx9") == 0) return target;\n  return "https://" + domain;\n}\n',
          language: 'cpp',
          taskCwe: ['CWE-20'],
        },
        {
          code: '#include <stdlib.h>\n#include <string.h>\nchar *next(const char *target, const char *domain) {\n  char *r = malloc(strlen(target) + strlen(domain) + 9);\n  if (target[0] == \'K\') { strcpy(r, target); return r; }\n  strcpy(r, "https://");\n  strcat(r, domain);\n  return r;\n}\n',
          taskCwe: ['CWE-601'],
        },
        {
          // the host compared in a disjunction with a trigger
          code: '#include <string>\nstd::string host_of(const std::string &);\nstd::string next(const std::string &target, const std::string &domain) {\n  if (host_of(target) == domain || target.back() == \'~\') return target;\n  return "https://" + domain;\n}\n',
          language: 'cpp',
          taskCwe: ['CWE-20'],
        },
        {
          // `strcmp` non-zero: the host differs
          code: '#include <stdlib.h>\n#include <string.h>\nchar *host_of(const char *);\nchar *next(const char *target, const char *domain) {\n  char *r = malloc(strlen(target) + strlen(domain) + 9);\n  if (strcmp(host_of(target), domain) && target[0] == \'K\') { strcpy(r, target); return r; }\n  strcpy(r, "https://");\n  strcat(r, domain);\n  return r;\n}\n',
          taskCwe: ['CWE-601'],
        },
      ],
      good: [
        {
          code: '#include <string>\nstd::string host_of(const std::string &);\nstd::string next(const std::string &target, const std::string &domain) {\n  std::string host = host_of(target);\n  std::string result;\n  if (host == domain) result = target;\n  else result = "https://" + domain;\n  return result;\n}\n',
          language: 'cpp',
          taskCwe: ['CWE-20'],
        },
        {
          code: '#include <stdlib.h>\n#include <string.h>\nchar *host_of(const char *);\nchar *next(const char *target, const char *domain) {\n  char *r = malloc(strlen(target) + strlen(domain) + 9);\n  char *h = host_of(target);\n  if (!strcmp(h, domain) || (strlen(h) > strlen(domain) && !strcmp(h + strlen(h) - strlen(domain), domain))) { strcpy(r, target); return r; }\n  strcpy(r, "https://");\n  strcat(r, domain);\n  return r;\n}\n',
          taskCwe: ['CWE-601'],
        },
      ],
    },
  }),
  query({
    id: 'c.write-past-size',
    languages: ['c'],
    cwe: ['CWE-120', 'CWE-787'],
    severity: 'error',
    title: "Write into the caller's buffer not bounded by its size",
    message:
      "This writes into the caller's buffer on a path where nothing bounds the write by the buffer's size: check the length against the size parameter (or pass it to snprintf) before every write.",
    query: '(function_definition) @report',
    check: (caps, ctx) => {
      // Under an overflow task: a function handed a buffer and its size (`char *buf, size_t outsz`)
      // writes into the buffer (a copy, a format, a store) where no comparison with the size
      // decides the write and the size argument it passes is not the size (`outsz + 64`).
      const fn = caps.report;
      if (!ctx.taskEvidence || !fn || !ctx.taskCwe.some((c) => /^CWE-(?:119|120|121|122|787)$/.test(c)))
        return false;
      // (the parameters' own text: the model's types drop `const`)
      let fd = fn.childForFieldName('declarator');
      while (fd && fd.type !== 'function_declarator') fd = fd.childForFieldName('declarator');
      const decls = (fd?.childForFieldName('parameters')?.namedChildren ?? []).filter(
        (d): d is Node => d?.type === 'parameter_declaration',
      );
      const named = (re: RegExp) =>
        decls
          .filter((d) => re.test(d.text.replace(/\s+/g, ' ').replace(/\s*\*\s*/g, '*')))
          .map((d) => declaratorName(d.childForFieldName('declarator') ?? d))
          .filter((x): x is string => !!x);
      const buffers = named(/^(?:unsigned )?char\*\w+$/);
      const sizes = named(/^(?:const )?(?:size_t|unsigned|unsigned int|unsigned long|int|long) \w+$/);
      if (buffers.length !== 1 || sizes.length !== 1) return false;
      const buf = buffers[0] as string;
      const size = sizes[0] as string;
      const bounded = (at: Node) =>
        guardsAt(at, fn, ctx.model.profile, ctx.language).some(
          (g) => ORDERING.test(g.node.text) && mentions(g.node, size),
        );
      // a size argument that is the buffer's size or less: `outsz`, `outsz - n`
      const withinSize = (n: Node | undefined) =>
        !!n && new RegExp(`^\\(?${size}\\)?(?:-[^+]*)?$`).test(n.text.replace(/\s+/g, ''));
      for (const c of ctx.model.calls) {
        if (c.node.startIndex < fn.startIndex || c.node.endIndex > fn.endIndex) continue;
        const sized = SIZED_COPIES[c.name];
        if (sized === undefined && !/^(?:strcpy|strcat|stpcpy|sprintf|vsprintf)$/.test(c.name)) continue;
        if (!c.args[0] || baseIdentifier(c.args[0]) !== buf) continue;
        if (sized !== undefined && withinSize(c.args[sized])) continue;
        if (!bounded(c.node)) return { node: c.node };
      }
      for (const a of ctx.model.nodesIn(fn, ['assignment_expression'])) {
        const left = a.childForFieldName('left');
        if (left?.type !== 'subscript_expression' || left.childForFieldName('argument')?.text !== buf)
          continue;
        const index = left.childForFieldName('index') ?? left.namedChildren[1];
        if (!index || /^\d+$/.test(index.text)) continue;
        if (!bounded(a)) return { node: a };
      }
      return false;
    },
    examples: {
      bad: [
        {
          code: "#include <string.h>\nint join(char *buf, size_t outsz, const char *a, const char *b) {\n  size_t m = strlen(a), k = strlen(b);\n  memcpy(buf, a, m);\n  buf[m] = ' ';\n  memcpy(buf + m + 1, b, k + 1);\n  return 0;\n}\n",
          taskCwe: ['CWE-120'],
        },
        {
          code: '#include <stdio.h>\nint join(char *buf, size_t outsz, const char *a, const char *b) {\n  snprintf(buf, outsz + 64, "%s %s", a, b);\n  return 0;\n}\n',
          taskCwe: ['CWE-120'],
        },
      ],
      good: [
        {
          code: "#include <string.h>\nint join(char *buf, size_t outsz, const char *a, const char *b) {\n  size_t m = strlen(a), k = strlen(b);\n  if (m + k + 2 > outsz) return -1;\n  memcpy(buf, a, m);\n  buf[m] = ' ';\n  memcpy(buf + m + 1, b, k + 1);\n  return 0;\n}\n",
          taskCwe: ['CWE-120'],
        },
        {
          code: '#include <stdio.h>\nint join(char *buf, size_t outsz, const char *a, const char *b) {\n  int n = snprintf(buf, outsz, "%s %s", a, b);\n  return n >= 0 && (size_t)n < outsz ? 0 : -1;\n}\n',
          taskCwe: ['CWE-120'],
        },
      ],
    },
  }),
  call({
    id: 'c.incomplete-host-check',
    cwe: ['CWE-20'],
    severity: 'error',
    title: 'Host checked by substring',
    message:
      'A host is validated by a substring search: "example.com.evil.net" passes; compare the host exactly or check it ends with "." + domain.',
    names: ['strstr', 'find', 'rfind', 'ends_with', 'contains', 'strcasestr'],
    check: (c) => {
      const hay = c.name === 'strstr' || c.name === 'strcasestr' ? c.args[0] : c.receiver;
      const needle = c.name === 'strstr' || c.name === 'strcasestr' ? c.args[1] : c.args[0];
      if (!hay || !needle || !/netloc|host/i.test(hay.text)) return false;
      if (/^"/.test(needle.text) || /"\."/.test(needle.text)) return false;
      return c.args.length <= 2;
    },
    examples: {
      bad: [
        '#include <string.h>\nint f(const char *target_netloc, const char *domain) {\n  return strstr(target_netloc, domain) != NULL;\n}\n',
      ],
      good: [
        '#include <string.h>\nint f(const char *target_netloc, const char *domain) {\n  return strcmp(target_netloc, domain) == 0;\n}\n',
      ],
    },
  }),
  call({
    id: 'c.weak-random',
    cwe: ['CWE-338', 'CWE-330'],
    severity: 'warning',
    title: 'Predictable random value for a secret',
    message:
      'rand()/random() are predictable: use RAND_bytes / getrandom / arc4random_buf for keys, tokens, salts and IVs.',
    names: ['rand', 'random', 'drand48', 'lrand48', 'rand_r', 'srand', 'srandom', 'srand48'],
    check: (c, ctx) => {
      // Under a randomness task every value is a secret (the task says so); elsewhere names decide.
      if (ctx.secretTask) return true;
      let n: Node | null = c.node.parent;
      for (let i = 0; n && i < 6; i++, n = n.parent) {
        if (n.type === 'init_declarator' || n.type === 'assignment_expression') {
          const target = (n.childForFieldName('declarator') ?? n.childForFieldName('left'))?.text ?? '';
          if (SECRET_NAME.test(target)) return true;
          break;
        }
        if (n.type === 'function_definition') break;
      }
      // a value stored under another name (a buffer, the output) in a function that makes a secret
      return SECRET_NAME.test(enclosingFunctionName(c.node, ctx));
    },
    examples: {
      bad: [
        '#include <stdlib.h>\nvoid f(unsigned char *out) {\n  int token = rand();\n  out[0] = token;\n}\n',
        '#include <stdlib.h>\nvoid new_session_token(char *out) {\n  for (int i = 0; i < 8; i++)\n    out[i] = "0123456789abcdef"[rand() % 16];\n}\n',
        {
          code: '#include <stdlib.h>\n#include <time.h>\nvoid new_code(char *out) {\n  srand((unsigned)time(NULL));\n  for (int i = 0; i < 16; i++)\n    out[i] = "0123456789abcdef"[rand() % 16];\n}\n',
          taskCwe: ['CWE-338'],
        },
      ],
      good: [
        '#include <stdlib.h>\nint f(void) {\n  int dice = rand() % 6;\n  return dice;\n}\n',
        '#include <stdlib.h>\n#include <time.h>\nvoid new_code(char *out) {\n  srand((unsigned)time(NULL));\n  for (int i = 0; i < 16; i++)\n    out[i] = "0123456789abcdef"[rand() % 16];\n}\n',
      ],
    },
  }),
  query({
    id: 'cpp.weak-random-engine',
    languages: ['cpp'],
    cwe: ['CWE-338', 'CWE-330'],
    severity: 'warning',
    title: 'Predictable random engine for a secret',
    message:
      'The <random> engines (mt19937, default_random_engine, minstd_rand, ...) are predictable from their seed or output: draw secrets from getrandom, RAND_bytes or std::random_device.',
    query: '(declaration type: (qualified_identifier) @type) @report',
    check: (caps, ctx) =>
      !!caps.type &&
      !!caps.report &&
      /^std::(?:mt19937(?:_64)?|default_random_engine|minstd_rand0?|ranlux(?:24|48)(?:_base)?|knuth_b)$/.test(
        caps.type.text,
      ) &&
      (ctx.secretTask || SECRET_NAME.test(enclosingFunctionName(caps.report, ctx))),
    examples: {
      bad: [
        {
          code: '#include <random>\n#include <string>\nstd::string new_code() {\n  std::random_device rd;\n  static std::mt19937 gen(rd());\n  return std::to_string(gen());\n}\n',
          language: 'cpp',
          taskCwe: ['CWE-338'],
        },
        {
          code: '#include <random>\n#include <string>\nstd::string make_token() {\n  static std::mt19937 gen;\n  return std::to_string(gen());\n}\n',
          language: 'cpp',
        },
      ],
      good: [
        {
          code: '#include <random>\nint roll_dice() {\n  static std::mt19937 gen;\n  return static_cast<int>(gen() % 6);\n}\n',
          language: 'cpp',
        },
      ],
    },
  }),
  query({
    id: 'c.hardcoded-credential',
    cwe: ['CWE-798', 'CWE-259'],
    severity: 'warning',
    title: 'Hard-coded credential',
    message:
      'A password, key or token is written in the source: read it from the environment or a secret store.',
    query:
      '[(init_declarator declarator: (_) @name value: (string_literal) @value) (preproc_def name: (identifier) @name value: (preproc_arg) @value)] @report',
    check: (caps, ctx) => {
      const name = caps.name ? (baseName(caps.name) ?? caps.name.text) : '';
      const raw =
        caps.value?.type === 'preproc_arg'
          ? caps.value.text.trim().replace(/^"|"$/g, '')
          : ctx.stringValue(caps.value);
      if (!caps.value || (caps.value.type === 'preproc_arg' && !/^\s*"/.test(caps.value.text))) return false;
      return (
        CREDENTIAL_NAME.test(name) &&
        !!raw &&
        raw.length >= 4 &&
        !/%|^[A-Z_]+$/.test(raw) && { node: caps.value }
      );
    },
    examples: {
      bad: ['const char *db_password = "hunter22";\n'],
      good: [
        '#include <stdlib.h>\nconst char *f(void) {\n  const char *db_password = getenv("DB_PASSWORD");\n  return db_password;\n}\n',
      ],
    },
  }),
  call({
    id: 'c.tls-no-verify',
    cwe: ['CWE-295'],
    severity: 'error',
    title: 'TLS certificate verification disabled',
    message:
      'Certificate verification is off, so any server can impersonate the peer: use SSL_VERIFY_PEER / CURLOPT_SSL_VERIFYPEER 1L.',
    names: ['SSL_CTX_set_verify', 'SSL_set_verify', 'curl_easy_setopt'],
    check: (c) => {
      if (c.name === 'curl_easy_setopt')
        return (
          /CURLOPT_SSL_VERIFY(?:PEER|HOST)/.test(c.args[1]?.text ?? '') &&
          /^(?:0L?|false|FALSE)$/.test(c.args[2]?.text ?? '')
        );
      return /SSL_VERIFY_NONE/.test(c.args[1]?.text ?? '');
    },
    examples: {
      bad: [
        '#include <curl/curl.h>\nvoid f(CURL *c) {\n  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);\n}\n',
      ],
      good: [
        '#include <curl/curl.h>\nvoid f(CURL *c) {\n  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);\n}\n',
      ],
    },
  }),
  call({
    id: 'c.cleartext-http',
    cwe: ['CWE-319'],
    severity: 'warning',
    title: 'Clear-text protocol',
    message: 'Data is sent over http://: use https://.',
    names: ['curl_easy_setopt'],
    check: (c, ctx) => {
      if (!/CURLOPT_URL/.test(c.args[1]?.text ?? '')) return false;
      const u = ctx.stringValue(c.args[2]);
      return !!u && /^http:\/\//i.test(u) && !isLocalUrl(u);
    },
    examples: {
      bad: [
        '#include <curl/curl.h>\nvoid f(CURL *c) {\n  curl_easy_setopt(c, CURLOPT_URL, "http://api.example.com/login");\n}\n',
      ],
      good: [
        '#include <curl/curl.h>\nvoid f(CURL *c) {\n  curl_easy_setopt(c, CURLOPT_URL, "https://api.example.com/login");\n}\n',
      ],
    },
  }),
  call({
    id: 'c.xxe',
    cwe: ['CWE-611'],
    severity: 'error',
    title: 'XML parser substitutes external entities',
    message:
      'XML_PARSE_NOENT / DTDLOAD make libxml2 load external entities: parse without them (and with XML_PARSE_NONET).',
    names: [
      'xmlReadMemory',
      'xmlReadFile',
      'xmlReadDoc',
      'xmlCtxtReadMemory',
      'xmlCtxtReadFile',
      'xmlCtxtUseOptions',
      'xmlSubstituteEntitiesDefault',
    ],
    check: (c) =>
      c.name === 'xmlSubstituteEntitiesDefault'
        ? c.args[0]?.text === '1'
        : /XML_PARSE_(?:NOENT|DTDLOAD)/.test(c.argList?.text ?? ''),
    examples: {
      bad: [
        '#include <libxml/parser.h>\nxmlDocPtr f(const char *x, int n) {\n  return xmlReadMemory(x, n, "a.xml", NULL, XML_PARSE_NOENT);\n}\n',
      ],
      good: [
        '#include <libxml/parser.h>\nxmlDocPtr f(const char *x, int n) {\n  return xmlReadMemory(x, n, "a.xml", NULL, XML_PARSE_NONET);\n}\n',
      ],
    },
  }),
  call({
    id: 'c.insecure-permissions',
    cwe: ['CWE-732'],
    severity: 'warning',
    title: 'File permissions too broad',
    message: '',
    names: ['open', 'creat', 'chmod', 'fchmod', 'mkdir', 'umask', 'openat', 'permissions'],
    check: (c, ctx) => {
      if (c.receiver) return false;
      if (c.name === 'umask') {
        const m = ctx.intValue(c.args[0]);
        if (m === undefined || (m & 0o077) === 0o077) return false;
        return {
          message: `umask 0${m.toString(8)} leaves new files readable by other users: use 077 for private data.`,
          severity: (m & 0o002) === 0 ? 'error' : 'note',
        };
      }
      const idx =
        c.name === 'open'
          ? 2
          : c.name === 'openat'
            ? 3
            : c.name === 'creat' ||
                c.name === 'chmod' ||
                c.name === 'mkdir' ||
                c.name === 'fchmod' ||
                c.name === 'permissions'
              ? 1
              : -1;
      const modeNode = c.args[idx];
      if (!modeNode) return false;
      const p = modeProblem(modeNode, ctx, statMode, /chmod$/.test(c.name));
      return !!p && { message: `${p.text}.`, severity: p.severity };
    },
    examples: {
      bad: ['#include <fcntl.h>\nint f(const char *p) {\n  return open(p, O_WRONLY | O_CREAT, 0666);\n}\n'],
      good: [
        '#include <fcntl.h>\nint f(const char *p) {\n  return open(p, O_WRONLY | O_CREAT, S_IRUSR | S_IWUSR);\n}\n',
      ],
    },
  }),
  call({
    id: 'c.open-create-without-mode',
    cwe: ['CWE-732'],
    severity: 'warning',
    title: 'File created by open() without a mode',
    message:
      'open() with O_CREAT (or O_TMPFILE) and no mode argument creates the file with whatever value is on the stack as its permissions: pass the mode (0600 for private data).',
    names: ['open', 'openat', 'open64'],
    check: (c) => {
      if (c.receiver) return false;
      const flags = c.name === 'openat' ? c.args[2] : c.args[1];
      const wanted = c.name === 'openat' ? 3 : 2;
      return !!flags && c.args.length === wanted && /\bO_(?:CREAT|TMPFILE)\b/.test(flags.text);
    },
    examples: {
      bad: [
        '#include <fcntl.h>\nint tmp(const char *fn) {\n  return open(fn, O_RDWR | O_TRUNC | O_CREAT);\n}\n',
      ],
      good: [
        '#include <fcntl.h>\nint tmp(const char *fn) {\n  return open(fn, O_RDWR | O_TRUNC | O_CREAT, 0600);\n}\n',
        '#include <fcntl.h>\nint rd(const char *fn) {\n  return open(fn, O_RDONLY);\n}\n',
      ],
    },
  }),
  query({
    id: 'c.unchecked-return',
    cwe: ['CWE-252'],
    severity: 'warning',
    title: 'Security-relevant return value ignored',
    message:
      'This call can fail and its result is ignored: check it (a failed setuid/chroot/RAND_bytes leaves the program in an unsafe state).',
    query: '(expression_statement (call_expression function: (identifier) @f) @report)',
    check: (caps) =>
      /^(?:setuid|setgid|seteuid|setegid|setresuid|setresgid|setgroups|chroot|RAND_bytes|RAND_priv_bytes|mlock|chdir|initgroups)$/.test(
        caps.f?.text ?? '',
      ),
    examples: {
      bad: ['#include <unistd.h>\nvoid f(void) {\n  setuid(1000);\n}\n'],
      good: [
        '#include <unistd.h>\n#include <stdlib.h>\nvoid f(void) {\n  if (setuid(1000) != 0) abort();\n}\n',
      ],
    },
  }),
  call({
    id: 'cpp.regex-injection',
    languages: ['cpp'],
    cwe: ['CWE-400', 'CWE-1333'],
    severity: 'error',
    title: 'Regular expression from untrusted data',
    message:
      'An untrusted string is compiled as a regular expression (ReDoS, wrong matches): escape its metacharacters or match it as plain text.',
    names: ['regex', 'basic_regex', 'wregex'],
    check: (c, ctx) => !!c.args[0] && ctx.tainted(c.args[0], 'regex'),
    examples: {
      bad: [
        {
          code: '#include <regex>\n#include <string>\nbool f(const std::string &p, const std::string &s) {\n  std::regex re(p);\n  return std::regex_search(s, re);\n}\n',
          language: 'cpp',
        },
      ],
      good: [
        {
          code: '#include <regex>\n#include <string>\nstd::string escapeRegex(const std::string &);\nbool f(const std::string &p, const std::string &s) {\n  std::regex re(escapeRegex(p));\n  return std::regex_search(s, re);\n}\n',
          language: 'cpp',
        },
      ],
    },
  }),
  call({
    id: 'cpp.redos',
    languages: ['cpp'],
    cwe: ['CWE-1333'],
    severity: 'warning',
    title: 'Regular expression with catastrophic backtracking',
    message: '',
    names: ['regex', 'basic_regex', 'wregex'],
    check: (c, ctx) => {
      const p = ctx.stringValue(c.args[0]);
      const risk = p === undefined ? undefined : redosRisk(p);
      return (
        !!risk && {
          node: c.args[0] ? ctx.resolve(c.args[0]) : c.node,
          message: `Regular expression can backtrack catastrophically in std::regex (${risk}): make repetitions unambiguous or bound the input.`,
        }
      );
    },
    examples: {
      bad: [
        {
          code: '#include <regex>\nbool f(const std::string &s) {\n  std::regex re("^(a+)+$");\n  return std::regex_match(s, re);\n}\n',
          language: 'cpp',
        },
      ],
      good: [
        {
          code: '#include <regex>\nbool f(const std::string &s) {\n  std::regex re("^a+$");\n  return std::regex_match(s, re);\n}\n',
          language: 'cpp',
        },
      ],
    },
  }),
  query({
    id: 'c.xss',
    cwe: ['CWE-79'],
    severity: 'error',
    title: 'HTML built from untrusted data',
    message: 'Untrusted data is placed into HTML without escaping: HTML-escape it (&, <, >, ", \') first.',
    query: '(call_expression function: (identifier) @f arguments: (argument_list)) @report',
    check: (caps, ctx) => {
      const n = caps.report;
      // the function called, through a macro or a function pointer (`#define FMT snprintf`)
      const f = (n && ctx.model.callOf(n)?.name) ?? caps.f?.text ?? '';
      if (!n || !/^(?:sprintf|snprintf|strcat|printf|fprintf)$/.test(f)) return false;
      const first: Record<string, number> = { sprintf: 2, snprintf: 3, strcat: 1, printf: 1, fprintf: 2 };
      const args = (n.childForFieldName('arguments')?.namedChildren ?? []).slice(first[f] ?? 1);
      return (
        HTML_TAG.test(literalText(n, ctx)) &&
        args.some((a) => !!a && !ctx.model.profile.stringTypes.has(a.type) && ctx.tainted(a, 'html'))
      );
    },
    examples: {
      bad: [
        '#include <stdio.h>\nvoid f(char *out, const char *name) {\n  sprintf(out, "<h1>%s</h1>", name);\n}\n',
      ],
      good: [
        '#include <stdio.h>\nchar *html_escape(const char *);\nvoid f(char *out, const char *name) {\n  sprintf(out, "<h1>%s</h1>", html_escape(name));\n}\n',
      ],
    },
  }),
  query({
    id: 'cpp.xss',
    languages: ['cpp'],
    cwe: ['CWE-79'],
    severity: 'error',
    title: 'HTML built from untrusted data',
    message: 'Untrusted data is placed into HTML without escaping: HTML-escape it (&, <, >, ", \') first.',
    // a `+` concatenation or a `<<` chain into a stream, taken whole
    query: '[(binary_expression operator: ["+" "<<"]) (return_statement (identifier))] @report',
    check: (caps, ctx) => {
      const n = caps.report;
      if (n?.type === 'return_statement') {
        // where a task is judged, an accumulator of markup returned as it is (`out.append(v);
        // return out;`)
        if (!judgingTask(ctx)) return false;
        const acc = n.namedChildren[0];
        if (acc?.type !== 'identifier') return false;
        const body = ctx.model.functionAt(n.startIndex).node.text;
        return new RegExp(`\\b${acc.text}\\s*(?:=|\\(|\\{)\\s*"<`).test(body) && rawAppended(acc, ctx);
      }
      if (!n || !isOutermostBuild(n) || !HTML_TAG.test(literalText(n, ctx))) return false;
      const op = n.childForFieldName('operator')?.text;
      const parts: Node[] = [];
      for (let e: Node | null = n; e; ) {
        const right = e.childForFieldName('right');
        if (right) parts.unshift(right);
        const left = e.childForFieldName('left');
        if (left?.type === 'binary_expression' && left.childForFieldName('operator')?.text === op) e = left;
        else {
          // the stream a `<<` chain writes to is not a part of the text
          if (left && op === '+') parts.unshift(left);
          e = null;
        }
      }
      // a variable counts by what it was set from; an accumulator that starts as markup is the
      // output being built (from escaped characters, say), not the raw input
      const body = ctx.model.functionAt(n.startIndex).node.text;
      return parts.some((p) => {
        if (!ctx.tainted(p, 'html')) return false;
        if (!ctx.model.profile.identifierTypes.has(p.type)) return true;
        // A number cannot carry markup (`<< "Error " << code`).
        if (NUMERIC_TYPE.test(ctx.model.declaredType(p.text, p.startIndex)?.trim() ?? '')) return false;
        if (new RegExp(`\\b${p.text}\\s*(?:=|\\(|\\{)\\s*"<`).test(body))
          // where a task is judged, unless something appended to it is the input as it came, or
          // its characters one by one with no test for '<' in the loop (`for (char c : v) out += c;`)
          return judgingTask(ctx) && rawAppended(p, ctx);
        const r = ctx.resolve(p);
        return r === p || r.equals(p) || ctx.tainted(r, 'html');
      });
    },
    examples: {
      bad: [
        {
          code: '#include <string>\nstd::string f(const std::string &name) {\n  return "<h1>" + name + "</h1>";\n}\n',
          language: 'cpp',
        },
        {
          code: '#include <sstream>\n#include <string>\nstd::string f(const std::string &name) {\n  std::ostringstream out;\n  out << "<h1>" << name << "</h1>";\n  return out.str();\n}\n',
          language: 'cpp',
        },
        {
          code: 'strbuf page::error_body (int n, const str &aux)\n{\n  strbuf b;\n  b << "<h1>Error " << n << "</h1>" << "The file <tt>" << aux << "</tt> was not found.";\n  return b;\n}\n',
          language: 'cpp',
        },
        // where a task is judged: the input appended to an accumulator of markup, whole or
        // character by character with no test for '<'
        ...[
          '  out.append(name).append("</h1>");\n  return out;',
          '  out.insert(4, name);\n  return out;',
          '  for (char ch : name)\n    out += ch;\n  return out + "</h1>";',
          '  for (char ch : name)\n    out.push_back(ch);\n  out += "</h1>";\n  return out;',
        ].map((body) => ({
          code: `#include <string>\nstd::string f(const std::string &name) {\n  std::string out = "<h1>";\n${body}\n}\n`,
          language: 'cpp' as const,
          taskCwe: ['CWE-79' as const],
        })),
      ],
      good: [
        {
          code: '#include <string>\nstd::string f(const std::string &name) {\n  std::string out = "<h1>";\n  for (char ch : name) {\n    switch (ch) {\n    case \'<\':\n      out += "&lt;";\n      break;\n    case \'&\':\n      out += "&amp;";\n      break;\n    default:\n      out.push_back(ch);\n    }\n  }\n  return out + "</h1>";\n}\n',
          language: 'cpp',
          taskCwe: ['CWE-79'],
        },
        {
          code: '#include <string>\nstd::string html_escape(const std::string &);\nstd::string f(const std::string &name) {\n  return "<h1>" + html_escape(name) + "</h1>";\n}\n',
          language: 'cpp',
        },
        {
          code: '#include <string>\nstd::string f(const std::string &name) {\n  std::string out = "<h1>";\n  for (char ch : name) {\n    if (ch == \'<\')\n      out += "&lt;";\n    else if (ch == \'&\')\n      out += "&amp;";\n    else\n      out += ch;\n  }\n  return out + "</h1>";\n}\n',
          language: 'cpp',
        },
        // Escaped text, and a number, which prints as digits.
        {
          code: 'strbuf page::error_body (int n, const str &aux)\n{\n  strbuf b;\n  b << "<h1>Error " << n << "</h1>" << "The file <tt>" << xss_escape (aux) << "</tt> was not found.";\n  return b;\n}\n',
          language: 'cpp',
        },
      ],
    },
  }),
];

/**
 * Whether the copy of `src` sits behind a check of its length against a bound: an enclosing
 * condition, or an earlier `if` that leaves, compares (`<`, `>`, `<=`, `>=`) `strlen(src)` or a
 * variable computed from it (`need = strlen(a) + strlen(b) + 2; if (need > size) return -1;`).
 */
function sourceLengthChecked(c: CallSite, src: Node, ctx: RuleContext): boolean {
  let s = src;
  while ((s.type === 'parenthesized_expression' || s.type === 'cast_expression') && s.namedChildren.length)
    s = s.childForFieldName('value') ?? s.namedChildren[s.namedChildren.length - 1] ?? s;
  const name = s.text.replace(/\s+/g, '');
  if (!/^[A-Za-z_][\w.>-]*$/.test(name)) return false;
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const lenOf = new RegExp(`\\b(?:strlen|strnlen|wcslen)\\(${esc}[,)]`);
  const fn = ctx.model.enclosingFunction(c.node).node;
  const lvalues = [`strlen(${name})`];
  // Variables computed from the length (two steps: `la = strlen(a); need = la + lb + 2;`).
  const computed = [lenOf];
  for (let round = 0; round < 2; round++)
    for (const d of ctx.model.nodesIn(fn, ['init_declarator', 'assignment_expression'])) {
      if (d.startIndex >= c.node.startIndex) continue;
      const value = d.childForFieldName('value') ?? d.childForFieldName('right');
      let target: Node | null = d.childForFieldName('declarator') ?? d.childForFieldName('left');
      while (target && target.type !== 'identifier' && target.childForFieldName('declarator'))
        target = target.childForFieldName('declarator');
      if (!value || target?.type !== 'identifier' || lvalues.includes(target.text)) continue;
      const v = value.text.replace(/\s+/g, '');
      if (computed.some((re) => re.test(v))) {
        lvalues.push(target.text);
        computed.push(new RegExp(`\\b${target.text}\\b`));
      }
    }
  // Where a task is judged, a comparison that bounds the length above where the copy runs
  // (`if (strlen(s) >= sizeof buf && ...) strcpy(buf, s);` copies where it is too long).
  if (judgingTask(ctx)) {
    const has = (n: Node) => {
      const t = n.text.replace(/\s+/g, '');
      return lvalues.some((lv) =>
        new RegExp(`(?:^|[^\\w.>])${lv.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w(])`).test(t),
      );
    };
    return established(guardsAt(c.node, fn, ctx.model.profile, ctx.language), (x, holds) => {
      if (x.type !== 'binary_expression') return false;
      let op = x.childForFieldName('operator')?.text ?? '';
      const l = x.childForFieldName('left');
      const r = x.childForFieldName('right');
      if (!l || !r || !(op in MIRRORED)) return false;
      if (has(l) === has(r)) return false;
      if (has(r)) op = MIRRORED[op] ?? op;
      if (!holds) op = NEGATED[op] ?? op;
      return op === '<' || op === '<=';
    });
  }
  const before = ctx.source.slice(fn.startIndex, c.node.startIndex).replace(/\s+/g, '');
  return lvalues.some((lv) => {
    const e = lv.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const compared = new RegExp(`${e}[^;{}]*?[<>]|[<>]=?[^;{}<>]*?${e}`).test(before);
    return compared && guardedUse(c.node, lv);
  });
}

/** SQLite's printf-likes: [format index]. */
const SQLITE_FORMAT: Record<string, number> = {
  sqlite3_mprintf: 0,
  sqlite3_vmprintf: 0,
  sqlite3_snprintf: 2,
  sqlite3_vsnprintf: 2,
  sqlite3_str_appendf: 1,
};

/**
 * The sqlite3_mprintf-like call that made the SQL text `q` (through a few copies: `sql = quoted;
 * sql.c_str()`), when it formats an untrusted value with %s/%z (copied as is; %q/%Q/%w quote).
 */
function sqliteFormatted(q: Node, ctx: RuleContext, depth = 0): Node | undefined {
  if (depth > 4) return undefined;
  let n: Node | undefined = q;
  while (n && (n.type === 'cast_expression' || n.type === 'parenthesized_expression'))
    n = n.childForFieldName('value') ?? n.namedChildren[n.namedChildren.length - 1] ?? undefined;
  if (!n) return undefined;
  // `c ? sqlite3_mprintf(...) : sqlite3_mprintf(...)`: either.
  if (n.type === 'conditional_expression') {
    const a = n.childForFieldName('consequence');
    const b = n.childForFieldName('alternative');
    return (a && sqliteFormatted(a, ctx, depth + 1)) ?? (b ? sqliteFormatted(b, ctx, depth + 1) : undefined);
  }
  if (n.type === 'call_expression') {
    const fnNode = n.childForFieldName('function');
    // `sql.c_str()`, `sql.data()`: the string itself.
    if (
      fnNode?.type === 'field_expression' &&
      /^(?:c_str|data)$/.test(fnNode.childForFieldName('field')?.text ?? '')
    ) {
      const arg = fnNode.childForFieldName('argument');
      return arg ? sqliteFormatted(arg, ctx, depth + 1) : undefined;
    }
    // `sqlite3_str_finish(b)`: the text `sqlite3_str_appendf(b, ...)` wrote.
    if (/^sqlite3_str_(?:finish|value)$/.test(fnNode?.text ?? '')) {
      const arg = n.childForFieldName('arguments')?.namedChildren[0];
      return arg ? sqliteFormatted(arg, ctx, depth + 1) : undefined;
    }
    const at = SQLITE_FORMAT[fnNode?.text ?? ''];
    if (at === undefined) return undefined;
    const args = n.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => !!a) ?? [];
    const fmt = ctx.stringValue(args[at]);
    if (fmt === undefined) return undefined;
    const raw = printfConversions(fmt).some((v) => {
      if (v.conv !== 's' && v.conv !== 'z') return false;
      const a = v.arg === undefined ? undefined : args[at + 1 + v.arg];
      return !!a && !constantString(a, ctx) && ctx.tainted(a, 'sql');
    });
    return raw ? n : undefined;
  }
  if (n.type !== 'identifier') return undefined;
  // Every assignment that can reach here (one on each side of an `if`), not only the last.
  for (const b of ctx.taint.bindingsOf(n.text, n.startIndex)) {
    const hit = b.value && sqliteFormatted(b.value, ctx, depth + 1);
    if (hit) return hit;
  }
  // Written by SQLite's formatter into a buffer (`sqlite3_snprintf(n, q, ...)`) or a builder
  // (`sqlite3_str_appendf(b, ...)`) before here.
  const fn = ctx.model.functionAt(n.startIndex);
  for (const c of ctx.model.calls) {
    const into = /^sqlite3_v?snprintf$/.test(c.calleeText)
      ? c.args[1]
      : /^sqlite3_str_v?appendf$/.test(c.calleeText)
        ? c.args[0]
        : undefined;
    if (!into || into.text !== n.text || c.node.startIndex > n.startIndex) continue;
    if (c.node.startIndex < fn.start || c.node.endIndex > fn.end) continue;
    const hit = sqliteFormatted(c.node, ctx, depth + 1);
    if (hit) return hit;
  }
  return undefined;
}

/** The name of the function a node is in (its declarator up to the parameter list). */
function enclosingFunctionName(node: Node, ctx: RuleContext): string {
  const fn = ctx.model.functionAt(node.startIndex).node;
  return fn.childForFieldName('declarator')?.text.split('(')[0] ?? '';
}

function baseName(node: Node): string | undefined {
  let n: Node | null = node;
  for (let i = 0; n && i < 8; i++) {
    if (n.type === 'identifier') return n.text;
    n =
      n.childForFieldName('argument') ??
      n.childForFieldName('declarator') ??
      n.childForFieldName('value') ??
      n.namedChildren.find((c) => c?.type !== 'type_descriptor') ??
      null;
  }
  return undefined;
}

void mentions;

export type { CallSite };
