import type { Node } from 'web-tree-sitter';
import {
  assignedBetween,
  cLength,
  copiedParam,
  dereferences,
  enclosingLoop,
  fallsThrough,
  gotoAfter,
  guardedUse,
  intLiteral,
  leaves,
  loopCanEnd,
  mentionsLvalue,
  norm,
  ORDERING,
  printfConversions,
  reachedFromLabel,
  reachesNextTurn,
} from '../engine/c-flow.ts';
import { cSummaries, unwrapCasts } from '../engine/c-summaries.ts';
import {
  decided,
  established,
  guardsAt,
  MIRRORED,
  NEGATED,
  readCondition,
  within,
} from '../engine/dominance.ts';
import { baseIdentifier, type FileModel, type FunctionInfo } from '../engine/model.ts';
import type { Rule } from '../engine/rule.ts';
import { call, query } from './c.ts';
import { judgingTask } from './common.ts';

/**
 * C/C++ memory-safety rules that reason about one function's control flow (engine/c-flow.ts):
 * a dereference of a result that can be NULL with no check dominating it (CWE-476/690), a use of a
 * pointer after it was freed on a path that reaches the use, including the next turn of a retry
 * loop (CWE-416), and an allocation size computed by a multiplication that nothing bounds
 * (CWE-190/680). Adding the missing check (`if (!p) return`, `p = NULL` after the free, a bound on
 * the count) makes each finding go away.
 */

/**
 * Allocators that return NULL on failure (not the aborting xmalloc/g_malloc/emalloc families; xstrdup,
 * g_strdup and friends abort on failure like their allocators). Besides the C library's and the
 * `prefix_malloc` spellings: libtiff's `_TIFFmalloc`, libxml2's `xmlMalloc`/`xmlStrdup`, CPython's
 * `PyMem_Malloc`, ImageMagick's `AcquireQuantumMemory`/`ResizeQuantumMemory` (each documented to
 * return NULL when it fails).
 */
const ALLOCATOR =
  /^(?!(?:x|g_|e|pe|safe_)(?:(?:m|c|re)alloc|strn?dup|memdup))(?:\w+_)?(?:malloc|calloc|realloc|zalloc|mallocz|reallocarray|strdup|strndup|memdup|alloc_array|aligned_alloc)$|^(?:devm_)?(?:k|kv|v)(?:malloc|zalloc|calloc|realloc|memdup|strdup|strndup)(?:_array|_node)?$|^kmem_cache_z?alloc$|^(?:_TIFF(?:m|c|re)alloc|xml(?:Malloc|MallocAtomic|Realloc|Strn?dup)|Py(?:Mem|Object)_(?:Raw)?(?:Malloc|Calloc|Realloc)|(?:Acquire|Resize)(?:Quantum|Magick|Aligned)Memory)$/i;

/** Library calls documented to return NULL for "not found"/failure. */
const NULLABLE_CALL =
  /^(?:fopen|fdopen|tmpfile|getenv|strchr|strrchr|strstr|memchr|strpbrk|realpath|getpwnam|getpwuid|getgrnam|localtime|gmtime|opendir|dlopen|dlsym|xml\w*New\w*|xmlDocGetRootElement|xmlGetProp|json_object_get|cJSON_GetObjectItem\w*)$/;

/** Calls that open a stream (NULL on failure). */
const STREAM_OPEN = /^(?:fopen|fdopen|freopen|tmpfile|popen|opendir|fdopendir)$/;

/** stdio/dirent calls that read their FILE or DIR argument (a NULL one crashes them). */
const STREAM_CALL =
  /^(?:f(?:gets|getc|read|write|printf|scanf|puts|putc|seek|tell|flush|close|eof|error|fileno)|getc|putc|getline|getdelim|rewind|setvbuf|readdir|closedir|pclose)$/;

/** Calls that hand the stream `lv` to a stdio function, after `from`. */
function streamUses(model: FileModel, fn: Node, lv: string, from: number): Node[] {
  return model
    .nodesIn(fn, ['call_expression'])
    .filter(
      (c) =>
        c.startIndex >= from &&
        STREAM_CALL.test(calleeName(c)) &&
        !!c.childForFieldName('arguments')?.namedChildren.some((a) => a && norm(a.text) === lv),
    );
}

/** Frees and destructors named `Destroy*` (ImageMagick's `DestroyImage(p)` releases the object; `pthread_attr_destroy` only deinitializes, so `*_destroy` is not one). */
const FREE_CALL =
  /^(?:free|kfree|kvfree|vfree|kzfree|g_free|av_free|xmlFree|OPENSSL_free|CRYPTO_free|[a-z]\w*_free|[a-z]\w*Free|Destroy[A-Z]\w*)$/;

/**
 * Whether the node is part of a `#define` (a macro's text that the parser read as code, as in
 * OpenSSL's `#define sk_X_free(sk) OPENSSL_sk_free(...)` lists): not a statement that runs.
 */
function inMacroDefinition(n: Node, source: string): boolean {
  for (let p = n.parent; p; p = p.parent)
    if (
      p.type.startsWith('preproc_') &&
      p.type !== 'preproc_if' &&
      p.type !== 'preproc_ifdef' &&
      p.type !== 'preproc_else' &&
      p.type !== 'preproc_elif'
    )
      return true;
  const lineStart = source.lastIndexOf('\n', n.startIndex - 1) + 1;
  return /^\s*#\s*define\b/.test(source.slice(lineStart, n.startIndex));
}

/** `p = DestroyImage(p)`: the pointer takes the call's result (NULL), so it no longer points at the freed memory. */
function resultStoredIn(call: Node, lv: string): Node | undefined {
  let p = call.parent;
  while (p?.type === 'cast_expression' || p?.type === 'parenthesized_expression') p = p.parent;
  return p?.type === 'assignment_expression' && norm(p.childForFieldName('left')?.text ?? '') === lv
    ? p
    : undefined;
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

/**
 * The assigned value is tested where it is assigned: the assignment is (part of) a condition
 * (`while ((p = next(f)))`, `if ((p = find(k)) == NULL)`), or an `if` on it that leaves follows it
 * in its own block before the use (`p = add(p); if (p == NULL) goto fail;` inside a loop, the use
 * after the loop).
 */
function testedWhereAssigned(assign: Node, lv: string, useAt: number): boolean {
  let n: Node = assign;
  while (n.parent && /^(?:parenthesized_expression|binary_expression|unary_expression)$/.test(n.parent.type))
    n = n.parent;
  const p = n.parent;
  if (
    p &&
    /^(?:if_statement|while_statement|for_statement|do_statement|conditional_expression)$/.test(p.type)
  )
    if (p.childForFieldName('condition')?.equals(n)) return true;
  let stmt: Node | null = assign;
  while (stmt?.parent && stmt.parent.type !== 'compound_statement') stmt = stmt.parent;
  const block = stmt?.parent;
  if (!stmt || !block) return false;
  for (const s of block.namedChildren) {
    if (!s || s.startIndex <= stmt.startIndex) continue;
    if (s.startIndex >= useAt) break;
    if (s.type !== 'if_statement') continue;
    const cond = s.childForFieldName('condition');
    if (cond && mentionsLvalue(cond, lv) && leaves(s.childForFieldName('consequence'))) return true;
  }
  return false;
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
      const val = unwrapCasts(caps.val);
      if (val.type !== 'call_expression') return false;
      const callee = calleeName(val);
      // A helper defined in this file that returns NULL on some path counts as an allocator.
      const alloc = ALLOCATOR.test(callee) || cSummaries(ctx.model, FREE_CALL).returnsNull(callee);
      if (!alloc && !NULLABLE_CALL.test(callee)) return false;
      const lv = lvalueOf(caps.var);
      if (!lv) return false;
      const fn = ctx.model.enclosingFunction(val).node;
      // Cheap text test first: is the result dereferenced or handed to a mem/str call at all?
      const after = ctx.source.slice(val.endIndex, fn.endIndex).replace(/\s+/g, '');
      const esc = lv.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const stream = STREAM_OPEN.test(callee);
      if (
        !new RegExp(`${esc}(?:->|\\[|\\+)|\\*${esc}|\\(${esc}[,)]${stream ? `|,${esc}[,)]` : ''}`).test(after)
      )
        return false;
      // A stream from fopen() is used by the stdio call it is handed to (fgets(buf, n, f)).
      const uses = [
        ...dereferences(ctx.model, fn, lv, val.endIndex),
        ...(stream ? streamUses(ctx.model, fn, lv, val.endIndex) : []),
      ].sort((a, b) => a.startIndex - b.startIndex);
      let use = uses[0];
      if (!use || assignedBetween(ctx.model, fn, lv, val.endIndex, use.startIndex)) return false;
      if (judgingTask(ctx)) {
        // Where a task is judged, every use up to the next assignment, each where a test holds
        // the pointer non-NULL (`if (p == NULL && ...) return p + 1;` uses it where it is NULL, and
        // an `if` right after the assignment counts only as what it establishes after it).
        const defined = new Set<string>();
        for (const f of ctx.model.functions) {
          let d = f.node.childForFieldName('declarator');
          while (d && d.type !== 'function_declarator') d = d.childForFieldName('declarator');
          const name = d?.childForFieldName('declarator')?.text;
          if (name) defined.add(name);
        }
        for (const m of ctx.source.matchAll(/^\s*#\s*define\s+(\w+)/gm)) if (m[1]) defined.add(m[1]);
        const definedHere = (name: string) => defined.has(name);
        const nonNull = (x: Node, holds: boolean): boolean => {
          const b = unwrapCasts(x);
          const isLv = (y: Node) => {
            const u = unwrapCasts(y);
            return (
              norm(u.text) === lv ||
              (u.type === 'assignment_expression' && norm(u.childForFieldName('left')?.text ?? '') === lv)
            );
          };
          if (isLv(b)) return holds;
          // A test macro or function from elsewhere (not defined in this file), read by its name:
          // `IS_NULL_PTR(p)` says NULL when it holds, `likely(p)` is its argument. (One defined in
          // the file is not taken at its name's word.)
          if (b.type === 'call_expression') {
            const callee = b.childForFieldName('function')?.text ?? '';
            const args = b.childForFieldName('arguments')?.namedChildren.filter((y) => !!y) ?? [];
            const first = args[0];
            if (!first || !/^\w+$/.test(callee) || definedHere(callee)) return false;
            if (/^(?:__builtin_expect|likely|unlikely|LIKELY|UNLIKELY|G_LIKELY|G_UNLIKELY)$/.test(callee))
              return decided(first, holds, nonNull);
            if (args.length !== 1 || !isLv(first)) return false;
            if (/not_?null|non_?null|valid|_ok$/i.test(callee)) return holds;
            if (/null|nil/i.test(callee)) return !holds;
            return false;
          }
          if (b.type !== 'binary_expression') return false;
          const op = b.childForFieldName('operator')?.text;
          const l = b.childForFieldName('left');
          const r = b.childForFieldName('right');
          if (!l || !r || (op !== '==' && op !== '!=')) return false;
          const nul = (y: Node) =>
            /^(?:NULL|0|nullptr|\(\s*void\s*\*\s*\)\s*0)$/.test(unwrapCasts(y).text.trim());
          if (!((isLv(l) && nul(r)) || (isLv(r) && nul(l)))) return false;
          return op === '!=' ? holds : !holds;
        };
        const unchecked = uses.find(
          (u) =>
            !assignedBetween(ctx.model, fn, lv, val.endIndex, u.startIndex) &&
            !established(guardsAt(u, fn, ctx.model.profile, ctx.language), nonNull),
        );
        if (!unchecked) return false;
        use = unchecked;
      } else {
        if (guardedUse(use, lv, caps.val.startIndex)) return false;
        if (testedWhereAssigned(caps.report ?? val, lv, use.startIndex)) return false;
      }
      return {
        node: use,
        message: `${lv} comes from ${callee}(), which can return NULL, and is dereferenced here without a check: test it first (if (!${lv}) ...).`,
      };
    },
    examples: {
      bad: [
        // where a task is judged: the use runs where the test holds the pointer NULL
        {
          code: "#include <string.h>\nconst char *domain(const char *a) {\n  const char *p = strchr(a, '@');\n  if (p == NULL && a[0] == 'K')\n    return p + 1;\n  if (p == NULL)\n    return NULL;\n  return p + 1;\n}\n",
          taskCwe: ['CWE-476'],
        },
        // atoi/strto*/strdup/strchr... read through their first argument.
        '#include <stdlib.h>\nint workers(void) {\n  const char *v = getenv("WORKERS");\n  return atoi(v);\n}\n',
        '#include <stdlib.h>\n#include <string.h>\nchar *f(size_t n) {\n  char *buf = malloc(n);\n  memset(buf, 0, n);\n  return buf;\n}\n',
        '#include <stdio.h>\nint first_line(const char *path, char *buf, int n) {\n  FILE *f = fopen(path, "r");\n  fgets(buf, n, f);\n  fclose(f);\n  return 0;\n}\n',
        'struct C { unsigned char *prev; };\nint enc(struct C *c, int w, int h) {\n  unsigned char *p;\n  c->prev = av_malloc(w * 3 * (h + 3));\n  p = c->prev + w;\n  c->prev[0] = 1;\n  return 0;\n}\n',
        'struct ctx { int id; };\nstruct ctx *ctx_new(int id) {\n  struct ctx *c = kzalloc(sizeof(*c), GFP_KERNEL);\n  c->id = id;\n  return c;\n}\n',
        // A library allocator that returns NULL (libtiff's).
        'int strip(unsigned n) {\n  unsigned char *buf = (unsigned char *)_TIFFmalloc(n);\n  buf[0] = 0;\n  _TIFFfree(buf);\n  return 0;\n}\n',
        // A helper of the same file that returns NULL when nothing matches.
        'struct node { int id; int value; struct node *next; };\nstatic struct node *find(struct node *n, int id) {\n  for (; n; n = n->next)\n    if (n->id == id) return n;\n  return NULL;\n}\nint value_of(struct node *head, int id) {\n  struct node *n = find(head, id);\n  return n->value;\n}\n',
      ],
      good: [
        {
          code: '#include <stdlib.h>\nstruct w { int *slots; };\nstruct w *w_new(void) {\n  struct w *t = malloc(sizeof *t);\n  if (IS_NULL_PTR(t))\n    return NULL;\n  t->slots = 0;\n  return t;\n}\n',
          taskCwe: ['CWE-476'],
        },
        '#include <stdlib.h>\nint workers(void) {\n  const char *v = getenv("WORKERS");\n  return v ? atoi(v) : 4;\n}\n',
        // GLib's g_strdup aborts on failure (NULL only for a NULL argument).
        '#include <glib.h>\n#include <string.h>\nstruct cred { char *host; int port; };\nvoid set_host(struct cred *c, const char *value) {\n  c->host = g_strdup(value ? value : "");\n  char *colon = strrchr(c->host, 0x3a);\n  if (colon) *colon = 0;\n}\n',
        '#include <stdlib.h>\n#include <string.h>\nchar *f(size_t n) {\n  char *buf = malloc(n);\n  if (buf == NULL) return NULL;\n  memset(buf, 0, n);\n  return buf;\n}\n',
        '#include <stdio.h>\nint first_line(const char *path, char *buf, int n) {\n  FILE *f = fopen(path, "r");\n  if (!f) return -1;\n  fgets(buf, n, f);\n  fclose(f);\n  return 0;\n}\n',
        'struct C { unsigned char *prev; };\nint enc(struct C *c, int w, int h) {\n  unsigned char *p;\n  c->prev = av_malloc(w * 3 * (h + 3));\n  if (!c->prev)\n    return -12;\n  p = c->prev + w;\n  c->prev[0] = 1;\n  return 0;\n}\n',
        'struct ctx { int id; };\nstruct ctx *ctx_new(int id) {\n  struct ctx *c = kzalloc(sizeof(*c), GFP_KERNEL);\n  if (!c)\n    return NULL;\n  c->id = id;\n  return c;\n}\n',
        'struct node { int id; int value; struct node *next; };\nstatic struct node *find(struct node *n, int id) {\n  for (; n; n = n->next)\n    if (n->id == id) return n;\n  return NULL;\n}\nint value_of(struct node *head, int id) {\n  struct node *n = find(head, id);\n  if (!n) return -1;\n  return n->value;\n}\n',
        // Tested where it is assigned: in the loop condition, or right after, inside the loop.
        'struct node { int id; struct node *next; };\nstatic struct node *next_node(struct node *n) {\n  if (!n->next) return NULL;\n  return n->next;\n}\nint last_id(struct node *n) {\n  struct node *p;\n  while ((p = next_node(n))) n = p;\n  return n->id;\n}\n',
        '#include <stdlib.h>\nstruct idx { int have; int *list; };\nint build(struct idx *index, int n) {\n  for (int i = 0; i < n; i++) {\n    index = realloc(index, sizeof(*index) * (i + 1));\n    if (index == NULL) goto fail;\n  }\n  index->have = n;\n  return 0;\nfail:\n  return -1;\n}\n',
        // A checking macro that returns when the condition fails (TensorFlow's OP_REQUIRES).
        {
          code: 'void Compute(OpKernelContext *ctx) {\n  Buffer *buf = (Buffer *)malloc(sizeof(Buffer));\n  OP_REQUIRES(ctx, buf != nullptr, errors::ResourceExhausted("no memory"));\n  buf->size = 0;\n}\n',
          language: 'cpp',
        },
        // A helper that always returns an object (or aborts) is not nullable.
        'struct node { int id; };\nstatic struct node *head_of(struct node **l) {\n  return l[0];\n}\nint first_id(struct node **l) {\n  struct node *n = head_of(l);\n  return n->id;\n}\n',
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
    check: (c, ctx) => {
      // free(p), or a pool/context first and the pointer last (png_free(png, p), kmem_cache_free(c, p)),
      // or a helper of this file that frees one of its parameters on every path.
      const library = FREE_CALL.test(c.calleeText);
      const k = library ? undefined : cSummaries(ctx.model, FREE_CALL).freedParam(c.calleeText);
      if (!library && k === undefined) return false;
      if (inMacroDefinition(c.node, ctx.source)) return false;
      const arg = k === undefined ? c.args[c.args.length - 1] : c.args[k];
      if (!arg || (k === undefined && c.args.length > 2)) return false;
      const lv = lvalueOf(unwrapCasts(arg));
      if (!lv) return false;
      const stmt = c.node.parent?.type === 'expression_statement' ? c.node.parent : c.node;
      const fn = ctx.model.enclosingFunction(c.node).node;
      const loop = enclosingLoop(c.node);
      // Uses after the free, or anywhere in an enclosing loop (its next turn); quick text test first.
      const from = loop ? loop.startIndex : c.node.endIndex;
      const rest = ctx.source.slice(from, fn.endIndex).replace(/\s+/g, '');
      const stored = resultStoredIn(c.node, lv);
      const aliases = aliasesOf(ctx.model, fn, lv, (stored ?? c.node).startIndex).filter((a) =>
        rest.includes(a),
      );
      if (rest.split(lv).length < (loop ? 3 : 2) && !aliases.length) return false;
      // A copy of the pointer made before the free (`q = p; free(p); q->x`) points at the same memory.
      for (const alias of aliases)
        for (const use of dereferences(ctx.model, fn, alias, c.node.endIndex, true)) {
          const owner = use.type === 'call_expression' ? use : use.parent?.parent;
          if (owner?.type === 'call_expression' && FREE_CALL.test(calleeName(owner))) continue;
          if (
            assignedBetween(ctx.model, fn, alias, c.node.endIndex, use.startIndex) ||
            !fallsThrough(stmt, use.startIndex)
          )
            break;
          return {
            node: use,
            message: `${alias} is a copy of ${lv}, which was freed by ${c.calleeText}() on line ${c.node.startPosition.row + 1}, and is used here: the copy points at freed memory too.`,
          };
        }
      if (stored) {
        // `p = DestroyImageInfo(p)` leaves p NULL: a dereference on the way, before p is set again,
        // reads through NULL (the freed object's field was wanted: read it before the destroy).
        for (const use of dereferences(ctx.model, fn, lv, stored.endIndex)) {
          if (use.type === 'call_expression' || use.type === 'binary_expression' || addressOnly(use))
            continue;
          if (lvaluePartAssigned(ctx.model, fn, lv, stored.endIndex, use.startIndex)) break;
          if (!fallsThrough(stmt, use.startIndex) || guardedUse(use, lv, stored.endIndex)) continue;
          return {
            cwe: ['CWE-476', 'CWE-416'],
            node: use,
            message: `${lv} was set to the result of ${c.calleeText}() on line ${c.node.startPosition.row + 1}, which destroys it and returns NULL, and is dereferenced here: read what you need from ${lv} before destroying it.`,
          };
        }
        return false;
      }
      // Returning the freed pointer hands the caller a dangling one (`if (err) free(p); return p;`).
      const uses = [
        ...dereferences(ctx.model, fn, lv, from, true),
        ...returnsOf(fn, lv, ctx.source, from),
      ].sort((a, b) => a.startIndex - b.startIndex);
      for (const use of uses) {
        if (use.startIndex >= c.node.startIndex && use.endIndex <= c.node.endIndex) continue;
        const owner = use.type === 'call_expression' ? use : use.parent?.parent;
        if (owner?.type === 'call_expression' && FREE_CALL.test(calleeName(owner))) continue;
        let reached: boolean;
        if (use.startIndex > c.node.endIndex) {
          reached =
            !lvaluePartAssigned(ctx.model, fn, lv, c.node.endIndex, use.startIndex) &&
            (fallsThrough(stmt, use.startIndex) || afterRetries(ctx.model, fn, lv, stmt, loop, use));
        } else {
          // The next turn of a loop (a retry path) reaches uses earlier in its body.
          reached =
            !!loop &&
            use.startIndex > loop.startIndex &&
            !lvaluePartAssigned(ctx.model, fn, lv, loop.startIndex, loop.endIndex) &&
            (fallsThrough(stmt, loop.endIndex - 1) || reachesNextTurn(stmt, loop));
        }
        if (!reached) continue;
        return {
          node: use,
          message: `${lv} was freed by ${c.calleeText}() on line ${c.node.startPosition.row + 1} and is used here: set it to NULL after freeing (and test it), or do not use it after the free.`,
        };
      }
      // An error path that frees and jumps to a cleanup label (`free(p); goto fail;`), where the
      // pointer is used (or returned) again.
      const jump = gotoAfter(stmt);
      if (jump && !lvaluePartAssigned(ctx.model, fn, lv, c.node.endIndex, jump.jump.startIndex)) {
        const { label } = jump;
        const afterLabel = [
          ...dereferences(ctx.model, fn, lv, label.startIndex, true),
          ...returnsOf(fn, lv, ctx.source, label.startIndex),
        ].sort((a, b) => a.startIndex - b.startIndex);
        for (const use of afterLabel) {
          const owner = use.type === 'call_expression' ? use : use.parent?.parent;
          if (owner?.type === 'call_expression' && FREE_CALL.test(calleeName(owner))) continue;
          if (lvaluePartAssigned(ctx.model, fn, lv, label.startIndex, use.startIndex)) break;
          if (!reachedFromLabel(label, use.startIndex)) continue;
          return {
            node: use,
            message: `${lv} was freed by ${c.calleeText}() on line ${c.node.startPosition.row + 1}, then the \`goto ${jump.label.childForFieldName('label')?.text}\` on line ${jump.jump.startPosition.row + 1} reaches this use of it: set it to NULL after freeing (and test it at the label).`,
          };
        }
      }
      return false;
    },
    examples: {
      bad: [
        '#include <stdlib.h>\nstruct S { int n; };\nint f(struct S *s) {\n  free(s);\n  return s->n;\n}\n',
        '#include <stdlib.h>\nstruct B { char *data; };\nint send_all(struct B *b, int tries) {\n  while (tries-- > 0) {\n    if (push(b->data) == 0) return 0;\n    free(b->data);\n  }\n  return -1;\n}\n',
        '#include <stdlib.h>\nstruct S { int n; struct S *next; };\nint pop(struct S **head) {\n  struct S *old = *head;\n  struct S *first = old;\n  free(old);\n  return first->n;\n}\n',
        // A helper of the same file that frees its argument.
        '#include <stdlib.h>\nstruct conn { int fd; char *buf; };\nstatic void conn_free(struct conn *c) {\n  free(c->buf);\n  free(c);\n}\nint conn_close(struct conn *c) {\n  conn_free(c);\n  return c->fd;\n}\n',
        // An error path that frees without leaving, then returns the pointer to the caller.
        '#include <stdlib.h>\n#include <string.h>\nchar *load(const char *src, int strict) {\n  char *buf = strdup(src);\n  if (!buf) return NULL;\n  if (strict && !valid(buf))\n    free(buf);\n  return buf;\n}\n',
        // A retry path: the failed attempt frees the message and continues; the next turn sends it.
        '#include <stdlib.h>\n#include <string.h>\nint send_msg(int fd, const char *msg) {\n  char *tmp = strdup(msg);\n  for (int tries = 0; tries < 3; tries++) {\n    if (write(fd, tmp, strlen(tmp)) < 0) {\n      free(tmp);\n      continue;\n    }\n    break;\n  }\n  return 0;\n}\n',
        // `p = Destroy*(p)` leaves p NULL, and a field of it is read after.
        'Image *read_one(const ImageInfo *info) {\n  ImageInfo *read_info = CloneImageInfo(info);\n  if (open_temp(read_info) < 0) {\n    read_info = DestroyImageInfo(read_info);\n    report_error(read_info->filename);\n    return NULL;\n  }\n  return load(read_info);\n}\n',
        // A destructor named Destroy* releases the object; a copy taken before still points at it.
        'Image *read_one(const ImageInfo *info) {\n  Image *image, *tmp;\n  tmp = AcquireImage(info);\n  image = tmp;\n  tmp = DestroyImage(tmp);\n  return image->next;\n}\n',
        // ... and after the loop gives up.
        '#include <stdlib.h>\nstruct job { char *data; int state; };\nint run(struct job *j) {\n  int tries = 0;\n  while (tries++ < 3) {\n    if (submit(j) < 0) {\n      free(j->data);\n      continue;\n    }\n    return 0;\n  }\n  log_failure(j->data);\n  return -1;\n}\n',
      ],
      good: [
        '#include <stdlib.h>\n#include <string.h>\nint send_msg(int fd, const char *msg) {\n  char *tmp = strdup(msg);\n  for (int tries = 0; tries < 3; tries++) {\n    if (write(fd, tmp, strlen(tmp)) < 0) {\n      free(tmp);\n      tmp = strdup(msg);\n      continue;\n    }\n    break;\n  }\n  free(tmp);\n  return 0;\n}\n',
        '#include <stdlib.h>\nstruct job { char *data; int state; };\nint run(struct job *j) {\n  int tries = 0;\n  while (tries++ < 3) {\n    if (submit(j) < 0) {\n      free(j->data);\n      return -1;\n    }\n    continue;\n  }\n  log_failure(j->data);\n  return -1;\n}\n',
        '#include <stdlib.h>\n#include <string.h>\nchar *load(const char *src, int strict) {\n  char *buf = strdup(src);\n  if (!buf) return NULL;\n  if (strict && !valid(buf)) {\n    free(buf);\n    return NULL;\n  }\n  return buf;\n}\n',
        'Image *read_one(const ImageInfo *info) {\n  Image *image = AcquireImage(info);\n  image = DestroyImage(image);\n  if (image == NULL) return NULL;\n  return image->next;\n}\n',
        'Image *read_one(const ImageInfo *info) {\n  ImageInfo *read_info = CloneImageInfo(info);\n  if (open_temp(read_info) < 0) {\n    report_error(read_info->filename);\n    read_info = DestroyImageInfo(read_info);\n    return NULL;\n  }\n  return load(read_info);\n}\n',
        '#include <pthread.h>\n#include <stdlib.h>\nsize_t stack_size(void) {\n  size_t size;\n  pthread_attr_t *attr = malloc(sizeof *attr);\n  if (!attr) return 0;\n  pthread_attr_init(attr);\n  pthread_attr_getstacksize(attr, &size);\n  pthread_attr_destroy(attr);\n  free(attr);\n  return size;\n}\n',
        '#include <stdlib.h>\nint drain(char **items, int n) {\n  for (;;) {\n    char *it = next_item(items, n);\n    if (!it) break;\n    if (skip(it)) {\n      free(it);\n      continue;\n    }\n    consume(it);\n  }\n  return 0;\n}\n',
        '#include <stdlib.h>\nstruct S { int n; };\nint f(struct S *s) {\n  int n = s->n;\n  free(s);\n  return n;\n}\n',
        '#include <stdlib.h>\nstruct B { char *data; };\nint send_all(struct B *b, int tries) {\n  while (tries-- > 0) {\n    if (push(b->data) == 0) return 0;\n    free(b->data);\n    b->data = NULL;\n    return -1;\n  }\n  return -1;\n}\n',
        '#include <stdlib.h>\nint g(char *p, int bad) {\n  if (bad) {\n    free(p);\n    return -1;\n  }\n  return p[0];\n}\n',
        '#include <stdlib.h>\nstruct S { int n; struct S *next; };\nint pop(struct S **head) {\n  struct S *old = *head;\n  int n = old->n;\n  *head = old->next;\n  free(old);\n  return n;\n}\n',
        '#include <stdlib.h>\nstruct conn { int fd; char *buf; };\nstatic void conn_free(struct conn *c) {\n  free(c->buf);\n  free(c);\n}\nint conn_close(struct conn *c) {\n  int fd = c->fd;\n  conn_free(c);\n  return fd;\n}\n',
      ],
    },
  }),
  call({
    id: 'c.alloc-overflow',
    cwe: ['CWE-190', 'CWE-680'],
    severity: 'warning',
    title: 'Allocation or copy size multiplication can overflow',
    message: '',
    names: '*',
    callee:
      /^(?:(?:\w+_)?(?:malloc|realloc|alloca|mallocz)|_TIFF(?:malloc|realloc)|xml(?:Malloc|Realloc)|mem(?:cpy|move|set))$/,
    check: (c, ctx) => {
      const copy = /^mem/.test(c.name);
      const arg = c.args[copy ? 2 : /realloc$/i.test(c.name) ? 1 : 0];
      if (!arg) return false;
      // The size may be computed on an earlier line (`size_t n = w * h; p = malloc(n);`).
      const v = unwrapCasts(arg);
      const resolved = v.type === 'identifier' ? ctx.resolve(v) : v;
      const via = resolved === v || resolved.equals(v) ? undefined : v.text;
      const product = findProduct(resolved);
      if (!product) return false;
      // A factor widened first (`(size_t)n * m`) makes the product 64-bit wide.
      if (
        /\(\s*(?:size_t|u?int64_t|unsigned\s+long(?:\s+long)?|long\s+long|uint64|(?!u?int(?:8|16|32)_t)\w+_t)\s*\)/.test(
          product.text,
        )
      )
        return false;
      const all = productFactors(product);
      const factors = all.filter((f) => !/^(?:sizeof\b|\d|[A-Z][A-Z0-9_]*$)/.test(f.text.trim()));
      // `n * sizeof(char)` multiplies by one.
      const byOne = all.filter((f) =>
        /^sizeof\s*\(\s*(?:(?:un)?signed\s+)?(?:char|u?int8_t|g?u?char|u8)\s*\)$/.test(f.text.trim()),
      );
      if (!factors.length || (byOne.length && all.length - byOne.length < 2)) return false;
      // One runtime count declared unsigned and at most 32 bits, times sizeof: the product is
      // computed in 64-bit size_t (LP64) and cannot wrap (`u32 n; malloc(n * sizeof(T))`).
      if (
        factors.length === 1 &&
        all.some((f) => /^sizeof\b/.test(f.text.trim())) &&
        factors[0]?.type === 'identifier' &&
        UNSIGNED_NARROW.test(ctx.model.declaredType(factors[0].text, factors[0].startIndex)?.trim() ?? '')
      )
        return false;
      // A copy of n * sizeof(T) bytes is computed in size_t; only a product of two runtime values
      // that are not already wide (size_t, 64-bit) can wrap there.
      if (copy) {
        if (/sizeof/.test(product.text) || factors.length < 2) return false;
        const wide = (f: Node) =>
          f.type === 'identifier' &&
          WIDE_INT.test(ctx.model.declaredType(f.text, f.startIndex)?.trim() ?? '');
        if (factors.some(wide)) return false;
      }
      const fn = ctx.model.enclosingFunction(c.node).node;
      // A bound on any factor (or on the size variable) before the call, or an explicit overflow
      // test, counts as a check.
      const before = ctx.source.slice(fn.startIndex, c.node.startIndex);
      const bounded = [...factors.map((f) => norm(f.text)), ...(via ? [via] : [])].some(
        (f) => before.includes(f) && boundedBefore(ctx.model, fn, f, c.node.startIndex),
      );
      if (bounded || /SIZE_MAX|INT_MAX|UINT_MAX|mul_overflow/.test(ctx.functionText(c.node))) return false;
      const what = copy ? `The ${c.name}() size` : 'The allocation size';
      const hint = copy
        ? 'widen a factor first ((size_t)count * size) or check count <= SIZE_MAX / size'
        : 'check count <= SIZE_MAX / size, or use calloc/reallocarray';
      return {
        node: arg,
        message: `${what} ${via ? `${via} = ` : ''}${norm(product.text)} multiplies ${factors.map((f) => norm(f.text)).join(', ')} with no bound checked first: it can wrap around and ${copy ? 'copy' : 'allocate'} too little (${hint}).`,
      };
    },
    examples: {
      bad: [
        '#include <stdlib.h>\nstruct T { int a, b; };\nstruct T *mk(size_t count) {\n  struct T *t = malloc(count * sizeof(struct T));\n  return t;\n}\n',
        '#include <stdlib.h>\nunsigned char *img(int w, int h) {\n  int n = w * h * 4;\n  return malloc(n);\n}\n',
        '#include <string.h>\nstruct Q { unsigned elem; char *data; };\nvoid pop(struct Q *q, void *out, unsigned count) {\n  memcpy(out, q->data, count * q->elem);\n}\n',
        '#include <stdlib.h>\nint *table(const unsigned char *in) {\n  int n = in[0] | in[1] << 8 | in[2] << 16;\n  return malloc(n << 2);\n}\n',
      ],
      good: [
        '#include <stdlib.h>\n#include <stdint.h>\nstruct T { int a, b; };\nstruct T *mk(size_t count) {\n  if (count > SIZE_MAX / sizeof(struct T)) return NULL;\n  struct T *t = malloc(count * sizeof(struct T));\n  return t;\n}\n',
        '#include <stdlib.h>\nstruct T { int a, b; };\nstruct T *mk(size_t count) {\n  if (count > 1024) return NULL;\n  return malloc(count * sizeof(struct T));\n}\n',
        '#include <stdlib.h>\n#include <stdint.h>\nvoid *mk(uint32_t size, uint32_t elem) {\n  return malloc((size_t)size * elem);\n}\n',
        '#include <stdlib.h>\nunsigned char *img(int w, int h) {\n  if (w <= 0 || h <= 0 || w > 16384 || h > 16384) return NULL;\n  int n = w * h * 4;\n  return malloc(n);\n}\n',
        '#include <string.h>\nstruct Q { unsigned elem; char *data; };\nvoid pop(struct Q *q, void *out, unsigned count) {\n  memcpy(out, q->data, (size_t)count * q->elem);\n}\n',
        '#include <string.h>\nvoid cp(int *dst, const int *src, int n) {\n  memcpy(dst, src, n * sizeof(int));\n}\n',
        '#include <stdlib.h>\n#include <string.h>\nchar *dup(const char *s) {\n  return malloc(sizeof(char) * (strlen(s) + 1));\n}\n',
        '#include <stdlib.h>\n#include <stdint.h>\nvoid **slots(uint32_t size) {\n  return malloc(size * sizeof(void *));\n}\n',
        '#include <stdlib.h>\nint *table(const unsigned char *in) {\n  int n = in[0] | in[1] << 8 | in[2] << 16;\n  if (n > 4096) return NULL;\n  return malloc(n << 2);\n}\n',
        '#include <stdlib.h>\nvoid *pages(unsigned order) {\n  return malloc(1 << order);\n}\n',
      ],
    },
  }),
];

function findProduct(n: Node): Node | undefined {
  const v = unwrapCasts(n);
  if (v.type !== 'binary_expression') return undefined;
  const op = v.childForFieldName('operator')?.text;
  if (op === '*') return v;
  // `n << 3` multiplies n by 8 (`1 << n` is a power of two, not a count's size).
  if (op === '<<' && intLiteral(v.childForFieldName('left')?.text ?? '') === undefined) return v;
  if (op === '+' || op === '-') {
    for (const side of [v.childForFieldName('left'), v.childForFieldName('right')]) {
      const p = side ? findProduct(side) : undefined;
      if (p) return p;
    }
  }
  return undefined;
}

function productFactors(n: Node): Node[] {
  const v = unwrapCasts(n);
  if (v.type === 'binary_expression' && /^(?:\*|<<)$/.test(v.childForFieldName('operator')?.text ?? '')) {
    const l = v.childForFieldName('left');
    const r = v.childForFieldName('right');
    return [...(l ? productFactors(l) : []), ...(r ? productFactors(r) : [])];
  }
  return [v];
}

/** Whether a relational test mentioning the value appears in the function before `at`. */
function boundedBefore(model: FileModel, fn: Node, value: string, at: number): boolean {
  for (const cond of model.nodesIn(fn, ['if_statement', 'while_statement', 'conditional_expression'])) {
    if (!cond || cond.startIndex >= at) continue;
    const c = cond.childForFieldName('condition');
    // Of a condition that holds the operation itself (`if (s < 0 || memcpy(d, p, s * k) == NULL)`),
    // only what is evaluated before it; `if (read(fd, buf, n) < 0)` tests the result, not `n`.
    const text = c && c.startIndex <= at && at < c.endIndex ? c.text.slice(0, at - c.startIndex) : c?.text;
    if (text && ORDERING.test(text) && mentionsLvalue(c as Node, value) && text.includes(value)) return true;
  }
  for (const a of model.nodesIn(fn, ['call_expression'])) {
    if (!a || a.startIndex >= at) continue;
    if (/assert|CHECK|BUG_ON/.test(calleeName(a)) && ORDERING.test(a.text) && mentionsLvalue(a, value))
      return true;
  }
  return false;
}

/** Allocators whose size argument says how large the block is (aborting ones included). */
const SIZED_ALLOC =
  /^(?:\w+_)?(?:x|g_|e)?(?:malloc|zalloc|mallocz|calloc|realloc)$|^(?:devm_)?(?:k|kv|v)(?:malloc|zalloc|calloc|realloc)$/;

/**
 * The values an expression is made of, as a reader names them: variables and fields (`pk->len`, not
 * `pk`), outside `sizeof`.
 */
function sizeTerms(n: Node): Set<string> {
  const out = new Set<string>();
  const visit = (x: Node) => {
    if (x.type === 'sizeof_expression') return;
    if (x.type === 'field_expression' || x.type === 'identifier') {
      out.add(norm(x.text));
      return;
    }
    if (x.type === 'call_expression') {
      const args = x.childForFieldName('arguments');
      if (args) visit(args);
      return;
    }
    for (const c of x.namedChildren) if (c) visit(c);
  };
  visit(n);
  return out;
}

/** Whether two term sets share a value, or one's variable was computed from the other's (`n = m - 1`). */
function related(ctx: RuleContextLike, a: Set<string>, b: Set<string>, at: number): boolean {
  const expand = (set: Set<string>) => {
    const out = new Set(set);
    for (const t of set) {
      if (!/^[A-Za-z_]\w*$/.test(t)) continue;
      const v = ctx.taint.latestBinding(t, at)?.value;
      if (v) for (const u of sizeTerms(v)) out.add(u);
    }
    return out;
  };
  const ea = expand(a);
  const eb = expand(b);
  for (const t of ea) if (eb.has(t)) return true;
  return false;
}
type RuleContextLike = {
  taint: { latestBinding(name: string, at: number): { value: Node | null } | undefined };
};

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

/** Unsigned integer types of at most 32 bits (a product of one with a size_t cannot wrap on LP64). */
const UNSIGNED_NARROW =
  /^(?:const\s+)?(?:unsigned(?:\s+(?:int|short|char|short\s+int))?|uint(?:8|16|32)_t|u(?:8|16|32)|__u(?:8|16|32)|guint(?:8|16|32)?|uInt|UINT|DWORD|WORD|BYTE|Uint(?:8|16|32))$/;

/** Integer types at least as wide as size_t on 64-bit targets. */
const WIDE_INT =
  /^(?:const\s+)?(?:std::)?(?:size_t|ssize_t|off_t|loff_t|u?int64_t|uint64|u64|s64|__u64|guint64|gint64|gsize|gssize|(?:unsigned\s+)?long(?:\s+long)?(?:\s+int)?|uintptr_t|intptr_t|ptrdiff_t)$/;

/** Signed integer types (an index of one can be negative); unsigned and size types cannot. */
const SIGNED_INT =
  /^(?:(?:const\s+)?(?:signed\s+)?(?:int|long|short|long\s+long|long\s+int|short\s+int|char)|(?:const\s+)?(?:ssize_t|off_t|ptrdiff_t|intptr_t|int(?:8|16|32|64)_t|gint|gint(?:8|16|32|64)|s(?:8|16|32|64)|__s(?:8|16|32|64)|Sint(?:8|16|32)|OPJ_INT32|jas_int))$/;

interface Bounds {
  lower: boolean;
  upper: boolean;
}

/**
 * What a simple condition with value `holds` says about the index `idx` (`idx OP other` once the
 * index is put on the left and the negation applied): `>`/`>=`/`==` bound it from below (unless
 * by a negative constant under -1), `<`/`<=`/`==` from above.
 */
function indexBounds(x: Node, holds: boolean, idx: string): Bounds {
  const none = { lower: false, upper: false };
  const b = unwrapCasts(x);
  if (b.type !== 'binary_expression') return none;
  let op = b.childForFieldName('operator')?.text ?? '';
  if (!(op in NEGATED)) return none;
  const l = b.childForFieldName('left');
  const r = b.childForFieldName('right');
  if (!l || !r) return none;
  let other: string;
  if (norm(unwrapCasts(l).text) === idx) other = norm(unwrapCasts(r).text);
  else if (norm(unwrapCasts(r).text) === idx) {
    other = norm(unwrapCasts(l).text);
    op = MIRRORED[op] ?? op;
  } else return none;
  if (!holds) op = NEGATED[op] ?? op;
  const k = intLiteral(other.replace(/^-/, ''));
  const belowMinusOne = k !== undefined && other.startsWith('-') && k > 1;
  return {
    lower: (op === '>' || op === '>=' || op === '==') && !belowMinusOne,
    upper: op === '<' || op === '<=' || op === '==',
  };
}

C_MEMORY_RULES.push(
  query({
    id: 'c.index-lower-bound',
    cwe: ['CWE-125', 'CWE-129'],
    severity: 'warning',
    title: 'Signed index checked only against the upper bound',
    message: '',
    query: {
      c: '[(subscript_expression argument: (_) @arr index: (identifier) @idx) (pointer_expression argument: (parenthesized_expression (binary_expression left: (_) @arr operator: "+" right: (identifier) @idx)))] @report',
      cpp: '[(subscript_expression argument: (_) @arr indices: (subscript_argument_list (identifier) @idx)) (pointer_expression argument: (parenthesized_expression (binary_expression left: (_) @arr operator: "+" right: (identifier) @idx)))] @report',
    },
    check: (caps, ctx) => {
      const { idx, report, arr } = caps;
      if (!idx || !report) return false;
      const task = judgingTask(ctx);
      // where a task is judged, `*(a + i)` (and `*(v.begin() + i)`) reads as `a[i]`
      if (report.type === 'pointer_expression') {
        if (!task || report.child(0)?.text !== '*' || !arr) return false;
        const at = ctx.model.declaredType(baseIdentifier(arr) ?? '', arr.startIndex) ?? '';
        if (!/\*|\[/.test(at) && !/\.(?:begin|data)\(\)$/.test(arr.text)) return false;
      }
      const name = idx.text;
      let names = [name];
      let type = ctx.model.declaredType(name, idx.startIndex)?.trim();
      const fn = ctx.model.enclosingFunction(report).node;
      const info = ctx.model.functionAt(idx.startIndex);
      // The value comes from outside: a parameter never reassigned, or a call's result / a field read.
      if (info.params.includes(name)) {
        if (assignedBetween(ctx.model, fn, name, fn.startIndex, report.startIndex)) return false;
      } else {
        const b = ctx.taint.latestBinding(name, idx.startIndex);
        const v = b?.value ? unwrapCasts(b.value) : undefined;
        // where a task is judged, a local copy of a parameter (`int k = i;`): every name that holds it
        const held =
          task && v?.type === 'identifier'
            ? copiedParam(ctx.model, ctx.taint, info, idx, idx.startIndex)
            : undefined;
        if (held) {
          names = [...held.names];
          if (!type || !SIGNED_INT.test(type))
            type = ctx.model.declaredType(held.param, idx.startIndex)?.trim();
        } else {
          if (!v || (v.type !== 'call_expression' && v.type !== 'field_expression')) return false;
          if (v.type === 'call_expression' && /^(?:strlen|sizeof|\w*count\w*)$/i.test(calleeName(v)))
            return false;
          if (assignedBetween(ctx.model, fn, name, v.endIndex, report.startIndex)) return false;
        }
      }
      if (!type || !SIGNED_INT.test(type)) return false;
      // What the conditions that decide whether the access runs say about the index there
      // (engine/dominance.ts): `if (i >= N) return;` leaves `i < N`, an upper bound only.
      const facts = guardsAt(report, fn, ctx.model.profile, ctx.language).map((g) =>
        readCondition<Bounds>(
          g.node,
          g.holds,
          (x, holds) =>
            names
              .map((nm) => indexBounds(x, holds, nm))
              .reduce((a, b) => ({ lower: a.lower || b.lower, upper: a.upper || b.upper })),
          (a, b) => ({ lower: a.lower || b.lower, upper: a.upper || b.upper }),
          (a, b) => ({ lower: a.lower && b.lower, upper: a.upper && b.upper }),
        ),
      );
      // In a scan, an explicit test for a negative index anywhere before also counts (a clamp, a
      // log); where a task is judged, only a lower bound that holds at the access (`if (i < 0 &&
      // ...) return a[i];` reads the negative index), or a conversion to unsigned or abs().
      const lower =
        facts.some((f) => f.lower) ||
        new RegExp(
          `${task ? '' : `\\b${name}\\s*(?:<|>=)\\s*0\\b|\\b0\\s*(?:>|<=)\\s*${name}\\b|`}\\(\\s*(?:unsigned|size_t|uint\\w*)[^)]*\\)\\s*${name}\\b|\\babs\\s*\\(\\s*${name}\\b`,
        ).test(ctx.source.slice(fn.startIndex, report.startIndex));
      const upper = facts.some((f) => f.upper);
      // Where a task is judged, any access where no lower bound holds (an upper bound elsewhere, or
      // none).
      if (lower || (!task && !upper)) return false;
      const write =
        report.parent?.type === 'assignment_expression' &&
        report.parent.childForFieldName('left')?.equals(report);
      return {
        cwe: write ? ['CWE-787', 'CWE-129'] : ['CWE-125', 'CWE-129'],
        message: `${name} is a signed ${type} checked only against the upper bound: a negative value ${write ? 'writes' : 'reads'} before the start of the array (check ${name} < 0 too, or make it unsigned).`,
      };
    },
    examples: {
      bad: [
        // where a task is judged: the read runs where the index is negative
        {
          code: 'int get(const int *a, int size, int i) {\n  if (i < 0 && size == 7) return a[i];\n  if (i < 0 || i >= size) return -1;\n  return a[i];\n}\n',
          taskCwe: ['CWE-129'],
        },
        'int get(const int *a, int size, int i) {\n  if (i >= size) return -1;\n  return a[i];\n}\n',
        'struct H { int slot; };\nvoid put(char *tab, int n, struct H *h, char v) {\n  int s = h->slot;\n  if (s < n)\n    tab[s] = v;\n}\n',
        // An early exit against a constant leaves only the upper bound.
        'int get(const int *a, int i) {\n  if (i >= 16) return -1;\n  return a[i];\n}\n',
        // A lower-bound test that does not decide whether the access runs.
        'int get(const int *a, int n, int i, int verbose) {\n  if (verbose && i > 0) log_index(i);\n  if (i >= n) return -1;\n  return a[i];\n}\n',
      ],
      good: [
        'int get(const int *a, int i) {\n  if (i >= 16 || i < 0) return -1;\n  return a[i];\n}\n',
        'int get(const int *a, int n, int i) {\n  if (i < 1) return -1;\n  if (i >= n) return -1;\n  return a[i];\n}\n',
        'int get(const int *a, int n, int i) {\n  if (i > 0 && i < n) return a[i];\n  return -1;\n}\n',
        'int get(const int *a, int size, int i) {\n  if (i < 0 || i >= size) return -1;\n  return a[i];\n}\n',
        'struct H { int slot; };\nvoid put(char *tab, int n, struct H *h, char v) {\n  int s = h->slot;\n  if (s >= 0 && s < n)\n    tab[s] = v;\n}\n',
        'int get(const int *a, unsigned size, unsigned i) {\n  if (i >= size) return -1;\n  return a[i];\n}\n',
        'int sum(const int *a, int n) {\n  int t = 0;\n  for (int i = 0; i < n; i++) t += a[i];\n  return t;\n}\n',
      ],
    },
  }),
);

/**
 * The pointer lvalues a condition compares with NULL. `tested`: any test of one (`!p`, `p == NULL`,
 * `p != 0`, `p`, `p && ...`); `null-when-true`: only those the condition holds to be NULL where it is
 * true (`!p`, `p == NULL`, `NULL == p`, `a || !p`; `&&` does not decide the branch alone).
 */
function nullComparisons(cond: Node, mode: 'tested' | 'null-when-true'): string[] {
  const tested = mode === 'tested';
  const nullLiteral = tested ? /^(?:NULL|nullptr|0|\(\w+\s*\*\s*\)\s*(?:NULL|0))$/ : /^(?:NULL|nullptr)$/;
  const out: string[] = [];
  const visit = (e: Node): void => {
    const v = unwrapCasts(e);
    if (v.type === 'binary_expression') {
      const op = v.childForFieldName('operator')?.text;
      const l = v.childForFieldName('left');
      const r = v.childForFieldName('right');
      if (!l || !r) return;
      if (op === '||' || (tested && op === '&&')) {
        visit(l);
        visit(r);
      } else if (op === '==' || (tested && op === '!=')) {
        const isNull = (n: Node) => nullLiteral.test(norm(unwrapCasts(n).text));
        if (isNull(r)) out.push(norm(unwrapCasts(l).text));
        else if (isNull(l)) out.push(norm(unwrapCasts(r).text));
      }
    } else if (v.type === 'unary_expression' && v.childForFieldName('operator')?.text === '!') {
      const a = v.childForFieldName('argument');
      if (a && (tested || /^(?:identifier|field_expression)$/.test(unwrapCasts(a).type)))
        out.push(norm(unwrapCasts(a).text));
    } else if (tested && (v.type === 'identifier' || v.type === 'field_expression')) {
      out.push(norm(v.text));
    }
  };
  visit(cond);
  return out.filter((lv) => /^[A-Za-z_][\w.>-]*$/.test(lv) && !/^[A-Z][A-Z0-9_]*$/.test(lv));
}

/**
 * `p->f`, `p[i]` and `*p` between two offsets, found from the text (`descendantForIndex` at each
 * occurrence) rather than by walking the whole function.
 */
function textualDereferences(fn: Node, lv: string, source: string, from: number, to: number): Node[] {
  const out: Node[] = [];
  for (const needle of [`${lv}->`, `${lv}[`, `*${lv}`]) {
    const skip = needle.startsWith('*') ? 1 : 0;
    for (let i = source.indexOf(needle, from); i >= 0 && i < to; i = source.indexOf(needle, i + 1)) {
      let n: Node | null = fn.descendantForIndex(i + skip, i + skip + lv.length);
      // Climb to the expression whose operand is exactly the lvalue.
      for (let k = 0; n && k < 4; k++, n = n.parent) {
        const kind = n.type;
        if (kind !== 'field_expression' && kind !== 'subscript_expression' && kind !== 'pointer_expression')
          continue;
        if (kind === 'field_expression' && n.childForFieldName('operator')?.text !== '->') continue;
        if (kind === 'pointer_expression' && !n.text.startsWith('*')) continue;
        if (norm(n.childForFieldName('argument')?.text ?? '') === lv) {
          out.push(n);
          break;
        }
      }
    }
  }
  return out.sort((a, b) => a.startIndex - b.startIndex);
}

/** `&p->a.b` computes an address through p without reading it. */
function addressOnly(use: Node): boolean {
  let n: Node = use;
  while (n.parent && (n.parent.type === 'field_expression' || n.parent.type === 'parenthesized_expression'))
    n = n.parent;
  return n.parent?.type === 'pointer_expression' && n.parent.text.startsWith('&');
}

/** Whether the use is the right operand of `&&`/`||` or an arm of `?:` (below the statement). */
function conditional(use: Node, top: Node): boolean {
  let child = use;
  for (let p = use.parent; p && !p.equals(top); child = p, p = p.parent) {
    if (p.type === 'conditional_expression' && !p.childForFieldName('condition')?.equals(child)) return true;
    if (p.type === 'binary_expression' && /^(?:&&|\|\|)$/.test(p.childForFieldName('operator')?.text ?? ''))
      if (p.childForFieldName('right')?.equals(child)) return true;
  }
  return false;
}

const BRANCHING =
  /^(?:if_statement|for_statement|while_statement|do_statement|switch_statement|case_statement|conditional_expression|for_range_loop)$/;

/**
 * The statement below `top` that makes `n` conditional: the innermost `if`, loop, `switch` or `?:`
 * between them whose condition does not hold `n` (an assignment in a `while`/`for` condition runs
 * at least once), else undefined.
 */
function conditionalContainer(n: Node, top: Node): Node | undefined {
  let child: Node = n;
  for (let p = n.parent; p && !p.equals(top); child = p, p = p.parent) {
    if (!BRANCHING.test(p.type)) continue;
    const cond = p.childForFieldName('condition');
    const init = p.childForFieldName('initializer');
    if (cond?.equals(child) || init?.equals(child)) continue;
    if (p.type === 'do_statement' && p.childForFieldName('body')?.equals(child)) continue;
    return p;
  }
  return undefined;
}

/** Whether every path through the statement assigns `lv` or leaves (an `if` with both branches doing so). */
function setsOnEveryPath(n: Node | null | undefined, lv: string): boolean {
  if (!n) return false;
  if (n.type === 'expression_statement') {
    const e = unwrapCasts(n.namedChildren[0] ?? n);
    return e.type === 'assignment_expression' && norm(e.childForFieldName('left')?.text ?? '') === lv;
  }
  if (n.type === 'else_clause') return setsOnEveryPath(n.namedChildren[0], lv);
  if (n.type === 'compound_statement')
    return n.namedChildren.some((c) => setsOnEveryPath(c, lv) || leaves(c));
  if (n.type === 'if_statement') {
    const branch = (b: Node | null | undefined) =>
      !!b && (setsOnEveryPath(b, lv) || leaves(b.type === 'else_clause' ? b.namedChildren[0] : b));
    return branch(n.childForFieldName('consequence')) && branch(n.childForFieldName('alternative'));
  }
  return leaves(n);
}

/** Identifiers of an expression (to tell whether two conditions test the same thing). */
function identifiersOf(n: Node): Set<string> {
  return new Set(
    [n, ...n.descendantsOfType(['identifier', 'field_identifier'])]
      .filter((x): x is Node => !!x && (x.type === 'identifier' || x.type === 'field_identifier'))
      .map((x) => x.text)
      .filter((t) => !/^[A-Z][A-Z0-9_]*$/.test(t)),
  );
}

/** Whether an `if`/`switch`/loop holds the use but not the later check. */
function inOtherBranch(use: Node, check: Node, fn: Node): boolean {
  for (let p = use.parent; p && !p.equals(fn); p = p.parent)
    if (/^(?:if|switch|for|while|do)_statement$|^case_statement$/.test(p.type))
      if (!(p.startIndex <= check.startIndex && check.endIndex <= p.endIndex)) return true;
  return false;
}

/** Whether an ancestor of `n` below `top` has the type. */
function inside(n: Node, top: Node, type: string): boolean {
  for (let p = n.parent; p && !p.equals(top); p = p.parent) if (p.type === type) return true;
  return false;
}

const EXIT_STATEMENT = /^(?:return|goto|break|continue)_statement$/;

/** The innermost statement (or declaration) holding the node. */
function statementOf(n: Node): Node {
  let s = n;
  while (s.parent && !/_statement$|^declaration$/.test(s.type)) s = s.parent;
  return s;
}

C_MEMORY_RULES.push(
  query({
    id: 'c.null-on-some-path',
    cwe: ['CWE-476'],
    severity: 'warning',
    title: 'Pointer set to NULL and assigned only on some paths, then dereferenced',
    message: '',
    query: {
      c: `[(init_declarator declarator: (pointer_declarator declarator: (identifier) @lv) value: (null))
           (assignment_expression left: (identifier) @lv right: (null))] @report`,
      cpp: `[(init_declarator declarator: (pointer_declarator declarator: (identifier) @lv) value: (null))
             (assignment_expression left: (identifier) @lv right: (null))] @report`,
    },
    check: (caps, ctx) => {
      const { lv: lvNode, report } = caps;
      if (!lvNode || !report) return false;
      const lv = lvNode.text;
      const info = ctx.model.functionAt(report.startIndex);
      // Outside a function only a statement (a snippet whose header did not parse), never a
      // global's initializer: its uses are in other functions.
      if (info.node.type !== 'function_definition' && report.type !== 'assignment_expression') return false;
      const fn = info.node;
      const rest = ctx.source.slice(report.endIndex, fn.endIndex);
      if (!rest.includes(`${lv}->`) && !rest.includes(`${lv}[`) && !rest.includes(`*${lv}`)) return false;
      const stmt = statementOf(report);
      const top = stmt.parent ?? fn;
      // Every assignment of the pointer after the NULL one, in order.
      const sets = ctx.model
        .nodesIn(fn, ['assignment_expression', 'pointer_expression', 'init_declarator'])
        .filter((a) => a.startIndex > report.endIndex)
        .filter((a) =>
          a.type === 'assignment_expression'
            ? norm(a.childForFieldName('left')?.text ?? '') === lv
            : a.type === 'pointer_expression'
              ? a.text.startsWith('&') && norm(a.childForFieldName('argument')?.text ?? '') === lv
              : false,
        );
      for (const use of dereferences(ctx.model, fn, lv, report.endIndex)) {
        if (use.type === 'binary_expression' || addressOnly(use)) continue;
        const useStmt = statementOf(use);
        if (inside(use, useStmt, 'sizeof_expression')) continue;
        if (!fallsThrough(stmt, use.startIndex)) return false;
        const before = sets.filter((a) => a.endIndex <= use.startIndex);
        // Set on no path (left NULL on purpose, or by a helper we cannot see): not this rule's case.
        if (!before.length) return false;
        const containers: Node[] = [];
        for (const a of before) {
          // Its address handed to a call, or an assignment on every path to the use: it may be set.
          if (a.type === 'pointer_expression') return false;
          const c = conditionalContainer(a, top);
          if (!c || within(use, c)) return false;
          // Set in a loop the use is not in: how often it runs is the data's business (a list known
          // to be non-empty, an index entry the loop always adds first); not reported.
          for (let p = a.parent; p && !p.equals(top); p = p.parent)
            if (/^(?:for|while|do)_statement$|^for_range_loop$/.test(p.type) && !within(use, p)) return false;
          // `if (n) p = a; else p = b;` and `if (n) p = a; else return;` set it on every path left.
          let chain: Node = c;
          while (chain.parent?.type === 'else_clause' && chain.parent.parent?.type === 'if_statement')
            chain = chain.parent.parent;
          if (setsOnEveryPath(chain, lv)) return false;
          containers.push(c);
        }
        // A test of the pointer where it is used, or of what the assignment was conditional on
        // (`if (n > 0) p = calloc(n, k); ... if (n > 0) p[0] = x;`), decides it.
        if (guardedUse(use, lv, report.endIndex) || conditional(use, useStmt)) return false;
        const decided = new Set<string>();
        for (const c of containers) {
          const cond = c.childForFieldName('condition');
          if (cond) for (const id of identifiersOf(cond)) decided.add(id);
        }
        for (const g of guardsAt(use, fn, ctx.model.profile, ctx.language))
          for (const id of identifiersOf(g.node)) if (decided.has(id)) return false;
        const where = containers[0] as Node;
        return {
          node: use,
          message: `${lv} is set to NULL on line ${report.startPosition.row + 1} and assigned only inside the ${where.type.replace(/_statement$|_expression$/, '')} on line ${where.startPosition.row + 1}; on the path that skips it, this dereference reads through NULL: test ${lv} before using it, or leave when it is not set.`,
        };
      }
      return false;
    },
    examples: {
      bad: [
        '#include <stdlib.h>\nstruct alias { int a, b; };\nint copy_aliases(struct alias *src, int n, int m) {\n  struct alias *out = NULL;\n  if (n > 0) {\n    out = calloc(n, sizeof(*out));\n    if (!out) return -1;\n  }\n  for (int i = 0; i < m; i++)\n    out[i] = src[i];\n  return 0;\n}\n',
        'struct conf { const char *name; int port; };\nint port_of(struct conf *deflt, struct conf *user, int use_user) {\n  struct conf *c = NULL;\n  if (use_user && user->port)\n    c = user;\n  else if (deflt->port)\n    c = deflt;\n  return c->port;\n}\n',
      ],
      good: [
        '#include <stdlib.h>\nstruct alias { int a, b; };\nint copy_aliases(struct alias *src, int n, int m) {\n  struct alias *out = NULL;\n  if (n > 0) {\n    out = calloc(n, sizeof(*out));\n    if (!out) return -1;\n    for (int i = 0; i < m; i++)\n      out[i] = src[i];\n  }\n  return 0;\n}\n',
        'struct conf { const char *name; int port; };\nint port_of(struct conf *deflt, struct conf *user, int use_user) {\n  struct conf *c = NULL;\n  if (use_user && user->port)\n    c = user;\n  else if (deflt->port)\n    c = deflt;\n  if (!c) return -1;\n  return c->port;\n}\n',
        // A global's initializer: the functions that use it test or set it elsewhere.
        '#include <stdlib.h>\nstatic char *cache = NULL;\nvoid init_cache(int n) {\n  if (n > 0)\n    cache = malloc(n);\n}\nchar first(void) {\n  return cache[0];\n}\n',
        // Set in a loop: how often it runs depends on the data.
        'struct node { int key; struct node *next; };\nint last_key(struct node *head) {\n  struct node *last = NULL;\n  for (struct node *n = head; n; n = n->next)\n    last = n;\n  return last->key;\n}\n',
        'char *pick(int fast, char *a, char *b) {\n  char *p = NULL;\n  if (fast)\n    p = a;\n  else\n    p = b;\n  return p + (p[0] == 0);\n}\n',
        '#include <stdlib.h>\nint fill(int n) {\n  int *v = NULL;\n  if (n > 0)\n    v = malloc(n * sizeof *v);\n  if (n > 0 && v)\n    v[0] = 1;\n  free(v);\n  return 0;\n}\n',
        'int first(char **list) {\n  char *p = NULL;\n  while ((p = *list++) != NULL)\n    if (p[0] == 0x2d) break;\n  return p ? p[0] : 0;\n}\n',
      ],
    },
  }),
);

C_MEMORY_RULES.push(
  query({
    id: 'c.null-check-after-dereference',
    cwe: ['CWE-476'],
    severity: 'warning',
    title: 'Pointer dereferenced before its NULL check',
    message: '',
    query: '(if_statement condition: (_) @cond) @report',
    check: (caps, ctx) => {
      const { cond, report } = caps;
      if (!cond || !report) return false;
      // Cheap text test: a NULL test at all.
      if (!/!|NULL|nullptr|==\s*0|!=\s*0/.test(cond.text) && !/^\(\s*[\w.>-]+\s*\)$/.test(norm(cond.text)))
        return false;
      // Text tests before any walk: which tested pointers are dereferenced earlier in the function?
      const info = ctx.model.functionAt(cond.startIndex);
      if (info.node.type !== 'function_definition') return false;
      const before = (needle: string) => {
        const i = ctx.source.indexOf(needle, info.start);
        return i >= 0 && i < cond.startIndex;
      };
      const tested = nullComparisons(cond, 'tested').filter(
        (lv) => before(`${lv}->`) || before(`*${lv}`) || before(`${lv}[`),
      );
      if (!tested.length) return false;
      const fn = info.node;
      // Code under `#if 0` is not compiled.
      for (let p = report.parent; p && !p.equals(fn); p = p.parent)
        if (/^preproc_if/.test(p.type) && /^#\s*if\s+0\b/.test(p.text)) return false;
      // `if (p) free(p);` is cleanup that works whether or not p was ever set: it says nothing.
      const body = report.childForFieldName('consequence');
      const only = body?.type === 'compound_statement' ? body.namedChildren : body ? [body] : [];
      if (
        only.length === 1 &&
        /^(?:\w*(?:free|Free|release|Release|destroy|Destroy|close|Close|unref|Unref|delete|Delete)\w*)\s*\(/.test(
          only[0]?.text ?? '',
        )
      )
        return false;
      for (const lv of tested) {
        for (const use of textualDereferences(fn, lv, ctx.source, info.start, cond.startIndex)) {
          // `&p->f` and `sizeof(*p)` compute, they do not read.
          if (addressOnly(use)) continue;
          const stmt = statementOf(use);
          if (inside(use, stmt, 'sizeof_expression')) continue;
          // A use on the right of `&&`, in a `?:` arm, or in a branch the check is not in, depends
          // on another test (often one that implies the pointer is set).
          if (conditional(use, stmt) || inOtherBranch(use, report, fn)) continue;
          if (guardedUse(use, lv)) continue;
          if (assignedBetween(ctx.model, fn, lv, stmt.startIndex, cond.startIndex)) continue;
          if (EXIT_STATEMENT.test(stmt.type) || !fallsThrough(stmt, report.startIndex)) continue;
          return {
            node: use,
            message: `${lv} is dereferenced here but tested for NULL on line ${report.startPosition.row + 1}: if it can be NULL, this use crashes first; test it before the first use.`,
          };
        }
      }
      return false;
    },
    examples: {
      bad: [
        'struct N { int v; struct N *next; };\nint first(struct N *n) {\n  int v = n->v;\n  if (!n)\n    return -1;\n  return v;\n}\n',
        'struct C { struct S *sock; };\nstruct S { int fd; };\nvoid stop(struct C *c) {\n  close_fd(c->sock->fd);\n  if (c->sock != NULL)\n    notify(c->sock);\n}\n',
        'int head(const int *p, int *out) {\n  *out = p[0];\n  if (p == NULL)\n    return -1;\n  return 0;\n}\n',
        'int get(const int *p) {\n  int v = *p;\n  if (!p)\n    return -1;\n  return v;\n}\n',
      ],
      good: [
        'struct N { int v; struct N *next; };\nint first(struct N *n) {\n  if (!n)\n    return -1;\n  return n->v;\n}\n',
        'struct C { struct S *sock; };\nstruct S { int fd; };\nvoid stop(struct C *c) {\n  if (c->sock != NULL) {\n    close_fd(c->sock->fd);\n    notify(c->sock);\n  }\n}\n',
        'struct N { int v; struct N *next; };\nint last(struct N *n) {\n  int v = n->v;\n  n = n->next;\n  if (!n)\n    return v;\n  return n->v;\n}\n',
        'struct N { int v; };\nint g(struct N *n, int k) {\n  if (k)\n    return n->v;\n  if (!n)\n    return 0;\n  return 1;\n}\n',
      ],
    },
  }),
);

/**
 * The fewest bytes a printf format prints, without the NUL (gcc's -Wformat-overflow=1 reasoning):
 * a number at least one digit or its width, a string given as a literal its length, other strings
 * nothing.
 */
function minFormatLength(
  fmt: string,
  args: Node[],
  literal: (n: Node | undefined) => string | undefined,
): number {
  let total = 0;
  let last = 0;
  for (const c of printfConversions(fmt)) {
    total += cLength(fmt.slice(last, c.start));
    last = c.end;
    if (c.conv === '%') total += 1;
    else if (c.conv === 's') {
      const s = literal(c.arg === undefined ? undefined : args[c.arg]);
      const len = s === undefined ? 0 : Math.min(cLength(s), c.precision ?? Number.POSITIVE_INFINITY);
      total += Math.max(c.width, len);
    } else if (c.conv !== 'n') total += Math.max(c.width, 1);
  }
  return total + cLength(fmt.slice(last));
}

C_MEMORY_RULES.push(
  call({
    id: 'c.format-overflow',
    cwe: ['CWE-787', 'CWE-120'],
    severity: 'error',
    title: 'Formatted or copied text longer than the destination array',
    message: '',
    names: ['sprintf', 'strcpy', 'stpcpy'],
    check: (c, ctx) => {
      const dst = c.args[0];
      if (dst?.type !== 'identifier') return false;
      const size = intLiteral(ctx.model.arraySize(dst.text) ?? '');
      if (size === undefined) return false;
      let least: number | undefined;
      if (c.name === 'sprintf') {
        const fmt =
          c.args[1]?.type === 'string_literal' || c.args[1]?.type === 'concatenated_string'
            ? ctx.stringValue(c.args[1])
            : undefined;
        if (fmt === undefined) return false;
        least = minFormatLength(fmt, c.args.slice(2), (n) =>
          n && (n.type === 'string_literal' || n.type === 'concatenated_string')
            ? ctx.stringValue(n)
            : undefined,
        );
      } else {
        const src = c.args[1];
        const s =
          src?.type === 'string_literal' || src?.type === 'concatenated_string'
            ? ctx.stringValue(src)
            : undefined;
        if (s === undefined) return false;
        least = cLength(s);
      }
      if (least + 1 <= size) return false;
      return {
        node: c.args[1] ?? c.node,
        message: `${c.name}() writes at least ${least + 1} bytes (with the NUL) into ${dst.text}, which holds ${size}: make the array larger or use snprintf(${dst.text}, sizeof ${dst.text}, ...).`,
      };
    },
    examples: {
      bad: [
        '#include <stdio.h>\nvoid hello(int fd, int major, int minor) {\n  char msg[12];\n  sprintf(msg, "VER %03d.%03d\\n", major, minor);\n  send_all(fd, msg);\n}\n',
        '#include <string.h>\nvoid mark(void) {\n  static char tag[4];\n  strcpy(tag, "NONE");\n}\n',
      ],
      good: [
        '#include <stdio.h>\nvoid hello(int fd, int major, int minor) {\n  char msg[16];\n  sprintf(msg, "VER %03d.%03d\\n", major, minor);\n  send_all(fd, msg);\n}\n',
        '#include <string.h>\nvoid mark(void) {\n  static char tag[5];\n  strcpy(tag, "NONE");\n}\n',
        '#include <stdio.h>\nvoid name(const char *s) {\n  char b[8];\n  sprintf(b, "%s", s);\n}\n',
      ],
    },
  }),
);

/** Integer types narrower than size_t on 64-bit targets. */
const NARROW_INT =
  /^(?:const\s+)?(?:(?:signed|unsigned)\s+)?(?:int|short|char|short\s+int)$|^(?:const\s+)?(?:unsigned|signed|u?int(?:8|16|32)_t|u(?:8|16|32)|s(?:8|16|32)|__[us](?:8|16|32)|g?u?int(?:8|16|32)?|guint|gint|DWORD|WORD|UINT|INT|uInt)$/;

C_MEMORY_RULES.push(
  query({
    id: 'c.narrow-multiplication',
    cwe: ['CWE-190', 'CWE-681'],
    severity: 'warning',
    title: 'Multiplication done in a narrow type, then widened',
    message: '',
    query: {
      c: '[(init_declarator declarator: (identifier) @var value: (binary_expression operator: "*") @product) (assignment_expression left: (identifier) @var operator: "=" right: (binary_expression operator: "*") @product)] @report',
      cpp: '[(init_declarator declarator: (identifier) @var value: (binary_expression operator: "*") @product) (assignment_expression left: (identifier) @var operator: "=" right: (binary_expression operator: "*") @product)] @report',
    },
    check: (caps, ctx) => {
      const { var: v, product } = caps;
      if (!v || !product) return false;
      const target = ctx.model.declaredType(v.text, v.startIndex)?.trim() ?? '';
      if (!WIDE_INT.test(target)) return false;
      // A cast on a factor chooses the arithmetic's type on purpose.
      if (product.descendantsOfType('cast_expression').length) return false;
      const factors = productFactors(product);
      if (factors.length < 2 || factors.some((f) => f.type !== 'identifier')) return false;
      const types = factors.map((f) => ctx.model.declaredType(f.text, f.startIndex)?.trim() ?? '');
      // Every factor is a known narrow integer, so the product is computed (and wraps) in 32 bits.
      if (!types.every((t) => NARROW_INT.test(t))) return false;
      const fn = ctx.model.enclosingFunction(product).node;
      if (factors.some((f) => boundedBefore(ctx.model, fn, f.text, product.startIndex))) return false;
      return {
        node: product,
        message: `${norm(product.text)} multiplies ${types.join(' and ')} values in ${types[0]} arithmetic and only then widens the result to ${target} ${v.text}: it wraps first. Widen a factor: (${target})${factors[0]?.text} * ${factors[1]?.text}.`,
      };
    },
    examples: {
      bad: [
        '#include <stddef.h>\nsize_t frame_bytes(int width, int height) {\n  size_t n = width * height;\n  return n;\n}\n',
      ],
      good: [
        '#include <stddef.h>\nsize_t frame_bytes(int width, int height) {\n  size_t n = (size_t)width * height;\n  return n;\n}\n',
        '#include <stddef.h>\nsize_t frame_bytes(int width, int height) {\n  if (width > 4096 || height > 4096) return 0;\n  size_t n = width * height;\n  return n;\n}\n',
        'int area(int width, int height) {\n  int n = width * height;\n  return n;\n}\n',
      ],
    },
  }),
);

/**
 * Variables holding the same pointer as `lv` at `at`: copied from it (`q = lv`, `T *q = lv`) or the
 * variable it was copied from (`lv = q`), with neither reassigned since.
 */
function aliasesOf(model: FileModel, fn: Node, lv: string, at: number): string[] {
  const out: string[] = [];
  for (const a of model.nodesIn(fn, ['assignment_expression', 'init_declarator'])) {
    if (a.startIndex >= at) continue;
    let left: Node | null = null;
    let right: Node | null = null;
    if (a.type === 'assignment_expression') {
      if (a.childForFieldName('operator')?.text !== '=') continue;
      left = a.childForFieldName('left');
      right = a.childForFieldName('right');
    } else {
      left = a.childForFieldName('declarator');
      while (left && left.type !== 'identifier') left = left.childForFieldName('declarator');
      right = a.childForFieldName('value');
    }
    if (left?.type !== 'identifier' || !right) continue;
    const r = unwrapCasts(right);
    let name: string | undefined;
    if (norm(r.text) === lv && left.text !== lv) name = left.text;
    else if (left.text === lv && r.type === 'identifier' && r.text !== lv) name = r.text;
    // The copy must be on the way to the free (not in another branch of the same `if`).
    const stmt = a.parent?.type === 'expression_statement' || a.parent?.type === 'declaration' ? a.parent : a;
    if (
      name &&
      !assignedBetween(model, fn, name, a.endIndex, at) &&
      !assignedBetween(model, fn, lv, a.endIndex, at) &&
      fallsThrough(stmt, at)
    )
      out.push(name);
  }
  return [...new Set(out)];
}

/** The identifiers an lvalue is made of (`p->buf` -> p; `list[i]` -> list, i). */
function lvalueNames(lv: string): string[] {
  return [...new Set(lv.match(/[A-Za-z_]\w*/g) ?? [])];
}

/** Whether any identifier the lvalue is built from is assigned between two positions (`p = p->next`, `i++`). */
function lvaluePartAssigned(model: FileModel, fn: Node, lv: string, from: number, to: number): boolean {
  return (
    lvalueNames(lv).some((n) => assignedBetween(model, fn, n, from, to)) ||
    assignedBetween(model, fn, lv, from, to)
  );
}

/** `return p;` / `return (p);` statements of the function after `from`. */
function returnsOf(fn: Node, lv: string, source: string, from: number): Node[] {
  const esc = lv.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`\\breturn\\s*\\(?\\s*${esc}\\s*\\)?\\s*;`, 'g');
  const text = source.slice(from, fn.endIndex);
  const out: Node[] = [];
  for (const m of text.matchAll(re)) {
    let n: Node | null = fn.descendantForIndex(from + (m.index ?? 0));
    while (n && n.type !== 'return_statement' && !n.equals(fn)) n = n.parent;
    if (n?.type === 'return_statement') out.push(n);
  }
  return out;
}

/**
 * Whether `use`, after the loop that holds the free, is reached through the loop's next turns: the
 * free's path goes on to the next turn (a `continue` on a retry path), the loop can end by its own
 * condition, nothing in the loop sets the pointer again, and control falls from the loop to the use.
 */
function afterRetries(
  model: FileModel,
  fn: Node,
  lv: string,
  stmt: Node,
  loop: Node | undefined,
  use: Node,
): boolean {
  return (
    !!loop &&
    use.startIndex >= loop.endIndex &&
    loopCanEnd(loop) &&
    reachesNextTurn(stmt, loop) &&
    !lvaluePartAssigned(model, fn, lv, loop.startIndex, loop.endIndex) &&
    fallsThrough(loop, use.startIndex)
  );
}

/** The statement that holds a call (the expression statement, else the call). */
function callStatement(call: Node): Node {
  return call.parent?.type === 'expression_statement' ? call.parent : call;
}

/** The pointer a free-like call releases, as an lvalue text, when it takes one or two arguments. */
function freedLvalue(call: Node): string | undefined {
  if (!FREE_CALL.test(calleeName(call))) return undefined;
  const args = call.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => !!a) ?? [];
  const last = args[args.length - 1];
  if (!last || args.length > 2) return undefined;
  return lvalueOf(unwrapCasts(last));
}

C_MEMORY_RULES.push(
  call({
    id: 'c.double-free',
    cwe: ['CWE-415'],
    severity: 'error',
    title: 'Pointer freed twice',
    message: '',
    names: '*',
    callee: FREE_CALL,
    check: (c, ctx) => {
      const first = c.node;
      const lv = freedLvalue(first);
      if (!lv || resultStoredIn(first, lv) || inMacroDefinition(first, ctx.source)) return false;
      const fn = ctx.model.enclosingFunction(first).node;
      const loop = enclosingLoop(first);
      // Quick text test: the freed lvalue appears again after the free (or anywhere in its loop).
      const from = loop ? loop.startIndex : first.endIndex;
      const rest = norm(ctx.source.slice(from, fn.endIndex));
      if (rest.split(lv).length < 2) return false;
      const stmt = callStatement(first);
      for (const second of ctx.model.nodesIn(fn, ['call_expression'])) {
        // In a loop the same free runs again on the next turn.
        if (!second || second.startIndex < from || (second.equals(first) && !loop)) continue;
        if (freedLvalue(second) !== lv) continue;
        let reached: boolean;
        if (second.startIndex >= first.endIndex) {
          reached =
            !lvaluePartAssigned(ctx.model, fn, lv, first.endIndex, second.startIndex) &&
            (fallsThrough(stmt, second.startIndex) || afterRetries(ctx.model, fn, lv, stmt, loop, second));
        } else {
          // The next turn of the loop frees it again unless it (or its index) changes in the loop.
          reached =
            !!loop &&
            second.startIndex > loop.startIndex &&
            !lvaluePartAssigned(ctx.model, fn, lv, loop.startIndex, loop.endIndex) &&
            (fallsThrough(stmt, loop.endIndex - 1) || reachesNextTurn(stmt, loop));
        }
        if (!reached) continue;
        return {
          node: second,
          message: `${lv} was already freed by ${calleeName(first)}() on line ${first.startPosition.row + 1} and nothing set it again: freeing it twice corrupts the heap. Set it to NULL after the first free.`,
        };
      }
      // `free(p); goto fail;` where the cleanup at `fail:` frees it again.
      const jump = gotoAfter(stmt);
      if (jump && !lvaluePartAssigned(ctx.model, fn, lv, first.endIndex, jump.jump.startIndex))
        for (const second of ctx.model.nodesIn(fn, ['call_expression'])) {
          if (second.startIndex < jump.label.startIndex || second.equals(first)) continue;
          if (freedLvalue(second) !== lv) continue;
          if (lvaluePartAssigned(ctx.model, fn, lv, jump.label.startIndex, second.startIndex)) break;
          if (!reachedFromLabel(jump.label, second.startIndex)) continue;
          return {
            node: second,
            message: `${lv} was already freed by ${calleeName(first)}() on line ${first.startPosition.row + 1}, and the \`goto ${jump.label.childForFieldName('label')?.text}\` on line ${jump.jump.startPosition.row + 1} reaches this second free: set it to NULL after the first free.`,
          };
        }
      return false;
    },
    examples: {
      bad: [
        '#include <stdlib.h>\nint load(char *buf, int bad) {\n  if (bad) {\n    free(buf);\n  }\n  use(buf);\n  free(buf);\n  return 0;\n}\n',
        '#include <stdlib.h>\nstruct J { char *data; };\nint retry(struct J *j, int n) {\n  for (int i = 0; i < n; i++) {\n    if (send_job(j) == 0) break;\n    free(j->data);\n  }\n  return 0;\n}\n',
        // The error path frees and continues; when the retries run out the cleanup frees again.
        '#include <stdlib.h>\nint post(char *body, int tries) {\n  while (tries-- > 0) {\n    if (try_post(body) < 0) {\n      free(body);\n      continue;\n    }\n    return 0;\n  }\n  free(body);\n  return -1;\n}\n',
      ],
      good: [
        // Macro definitions are text, not statements that run (OpenSSL's stack macros, which the
        // parser's error recovery reads as declarators after an unterminated macro call).
        'extern "C" {\nDECLARE_ASN1_FUNCTIONS(A)\nSKM_DEFINE_STACK_OF_INTERNAL(A, A, A)\n#define sk_A_free(sk) OPENSSL_sk_free(ossl_check_A_sk_type(sk))\n#define sk_A_zero(sk) OPENSSL_sk_zero(ossl_check_A_sk_type(sk))\nSKM_DEFINE_STACK_OF_INTERNAL(B, B, B)\n#define sk_B_free(sk) OPENSSL_sk_free(ossl_check_B_sk_type(sk))\n#define sk_B_zero(sk) OPENSSL_sk_zero(ossl_check_B_sk_type(sk))\n}\n',
        '#include <stdlib.h>\nint post(char *body, int tries) {\n  while (tries-- > 0) {\n    if (try_post(body) < 0) {\n      free(body);\n      body = NULL;\n      continue;\n    }\n    return 0;\n  }\n  free(body);\n  return -1;\n}\n',
        '#include <stdlib.h>\nint load(char *buf, int bad) {\n  if (bad) {\n    free(buf);\n    return -1;\n  }\n  use(buf);\n  free(buf);\n  return 0;\n}\n',
        '#include <stdlib.h>\nint load(char *buf, int bad) {\n  if (bad) {\n    free(buf);\n    buf = NULL;\n  }\n  free(buf);\n  return 0;\n}\n',
        '#include <stdlib.h>\nvoid clear(char **list, int n) {\n  for (int i = 0; i < n; i++)\n    free(list[i]);\n}\n',
        '#include <stdlib.h>\nstruct N { struct N *next; };\nvoid drop(struct N *p) {\n  while (p) {\n    struct N *n = p->next;\n    free(p);\n    p = n;\n  }\n}\n',
      ],
    },
  }),
);

/** A return that reports failure: a negative number or `-ECODE`, NULL, false, or an error variable. */
const ERROR_RETURN =
  /^return\s*\(?\s*(?:-\s*\w+|NULL|nullptr|false|FALSE|(?:\w+_)?(?:err|error|ret|rc|res|result|status)\w*|[A-Z][A-Z0-9_]*(?:ERR|ERROR|FAIL|NOMEM|INVALID)[A-Z0-9_]*)\s*\)?\s*;$/;

/** Free-like calls, also project destructors named `*_free_*`/`*_destroy_*` (`blk_free_flush_queue`). */
const RELEASE_CALL = new RegExp(`${FREE_CALL.source}|^(?:[a-z]\\w*_)?(?:free|destroy)_\\w+$`);

C_MEMORY_RULES.push(
  call({
    id: 'c.dangling-field-after-free',
    cwe: ['CWE-416', 'CWE-415'],
    severity: 'warning',
    title: 'Field freed on an error path and left pointing at freed memory',
    message: '',
    names: '*',
    callee: RELEASE_CALL,
    check: (c, ctx) => {
      const lv = c.args.length === 1 && c.args[0] ? lvalueOf(unwrapCasts(c.args[0])) : undefined;
      // Only a field reached through a parameter (`q->fq`): the caller still holds the struct.
      const m = lv ? /^([A-Za-z_]\w*)->\w+$/.exec(lv) : null;
      if (!lv || !m?.[1]) return false;
      const base = m[1];
      const info = ctx.model.functionAt(c.node.startIndex);
      if (info.node.type !== 'function_definition' || !info.params.includes(base)) return false;
      const fn = info.node;
      // The function set the field itself earlier (an init that fails half-way) ...
      const setEarlier = ctx.model
        .nodesIn(fn, ['assignment_expression'])
        .some(
          (a) =>
            a.startIndex < c.node.startIndex &&
            norm(a.childForFieldName('left')?.text ?? '') === lv &&
            unwrapCasts(a.childForFieldName('right') ?? a).type === 'call_expression',
        );
      if (!setEarlier) return false;
      // ... and, after the free, reports failure with no reset of the field and no free of the struct.
      const stmt = callStatement(c.node);
      for (const a of ctx.model.nodesIn(fn, ['assignment_expression']))
        if (a.startIndex > c.node.endIndex && norm(a.childForFieldName('left')?.text ?? '') === lv)
          return false;
      for (const other of ctx.model.nodesIn(fn, ['call_expression']))
        if (other.startIndex > c.node.endIndex && freedLvalue(other) === base) return false;
      const ret = fn
        .descendantsOfType('return_statement')
        .find((r) => r && r.startIndex > c.node.endIndex && fallsThrough(stmt, r.startIndex));
      if (!ret || !ERROR_RETURN.test(norm(ret.text).replace(/^return/, 'return '))) return false;
      if (lvaluePartAssigned(ctx.model, fn, base, c.node.endIndex, ret.startIndex)) return false;
      return {
        message: `${lv} is freed here and ${base} goes back to the caller with a failure (line ${ret.startPosition.row + 1}) still pointing at the freed memory: the caller's cleanup frees or uses it again. Set ${lv} = NULL after the free.`,
      };
    },
    examples: {
      bad: [
        'struct Q { struct F *fq; int (*init)(struct Q *); };\nint queue_init(struct Q *q) {\n  q->fq = alloc_flush_queue(q);\n  if (!q->fq)\n    return -ENOMEM;\n  if (q->init(q))\n    goto out_free;\n  return 0;\nout_free:\n  destroy_flush_queue(q->fq);\n  return -ENOMEM;\n}\n',
      ],
      good: [
        'struct Q { struct F *fq; int (*init)(struct Q *); };\nint queue_init(struct Q *q) {\n  q->fq = alloc_flush_queue(q);\n  if (!q->fq)\n    return -ENOMEM;\n  if (q->init(q))\n    goto out_free;\n  return 0;\nout_free:\n  destroy_flush_queue(q->fq);\n  q->fq = NULL;\n  return -ENOMEM;\n}\n',
        'struct B { char *data; };\nint reset(struct B *b) {\n  b->data = malloc(16);\n  free(b->data);\n  free(b);\n  return -1;\n}\n',
      ],
    },
  }),
);

/** A length that cannot reach the type's maximum: strlen/sizeof results, counts of a known string. */
const HARMLESS_LENGTH = /\b(?:strlen|wcslen|strnlen|sizeof|strspn|strcspn)\b/;

C_MEMORY_RULES.push(
  call({
    id: 'c.alloc-addition-overflow',
    cwe: ['CWE-190', 'CWE-680'],
    severity: 'warning',
    title: 'Allocation size `len + k` can wrap in 32 bits',
    message: '',
    names: '*',
    callee: /^(?:(?:\w+_)?(?:malloc|alloca|mallocz|zalloc)|(?:\w+_)?realloc)$/,
    check: (c, ctx) => {
      const arg = c.args[/realloc$/.test(c.name) ? 1 : 0];
      if (!arg) return false;
      const size = unwrapCasts(arg);
      if (size.type !== 'binary_expression' || size.childForFieldName('operator')?.text !== '+') return false;
      if (size.descendantsOfType('cast_expression').length) return false;
      // `len + k` (either order), or a sum of several such lengths (`hdr_len + body_len + 1`),
      // each a variable declared as a 32-bit-or-narrower integer: the sum is computed in 32 bits.
      const terms: Node[] = [];
      const flatten = (n: Node): boolean => {
        const v = unwrapCasts(n);
        if (v.type === 'binary_expression' && v.childForFieldName('operator')?.text === '+') {
          const l = v.childForFieldName('left');
          const r = v.childForFieldName('right');
          return !!l && !!r && flatten(l) && flatten(r);
        }
        if (v.type !== 'identifier' && intLiteral(norm(v.text)) === undefined) return false;
        terms.push(v);
        return true;
      };
      if (!flatten(size)) return false;
      const lens = terms.filter((t) => t.type === 'identifier');
      if (!lens.length || (lens.length === 1 && terms.length === 1)) return false;
      // Only lengths that come from outside: a parameter or a value read from data (a field, a
      // decoder call), not one measured from a string the program holds.
      const info = ctx.model.functionAt(c.node.startIndex);
      const fn = ctx.model.enclosingFunction(c.node).node;
      const types: string[] = [];
      const origins: boolean[] = [];
      for (const len of lens) {
        const type = ctx.model.declaredType(len.text, len.startIndex)?.trim() ?? '';
        if (!NARROW_INT.test(type) || /char|short|8|16/.test(type)) return false;
        const fromParam = info.params.includes(len.text);
        const bindings = ctx.taint
          .bindingsOf(len.text, c.node.startIndex)
          .filter((b) => b.at <= c.node.startIndex);
        if (!fromParam && !bindings.length) return false;
        if (
          bindings.some(
            (b) =>
              !b.value || HARMLESS_LENGTH.test(b.value.text) || intLiteral(norm(b.value.text)) !== undefined,
          )
        )
          return false;
        if (boundedBefore(ctx.model, fn, len.text, c.node.startIndex)) return false;
        types.push(type);
        origins.push(fromParam);
      }
      if (/SIZE_MAX|INT_MAX|UINT_MAX|UINT32_MAX|add_overflow/.test(ctx.functionText(c.node))) return false;
      const len = lens[0] as Node;
      const type = types[0] as string;
      const fromParam = origins.every((o) => o);
      if (lens.length > 1)
        return {
          node: arg,
          message: `${lens.map((l) => l.text).join(', ')} are ${[...new Set(types)].join('/')} values taken from ${fromParam ? 'the caller' : 'the caller or the data'} with no bound checked, so ${norm(size.text)} is computed in 32 bits and wraps to a small size when they are large: the copies that follow overflow the buffer. Check each against a limit first (or compute the size in size_t).`,
        };
      return {
        node: arg,
        message: `${len.text} is a ${type} taken from ${fromParam ? 'the caller' : 'the data'} with no bound checked, so ${norm(size.text)} wraps to a tiny size when ${len.text} is near its maximum and the copy that follows overflows the buffer: check ${len.text} against a limit first (or compute the size in size_t).`,
      };
    },
    examples: {
      bad: [
        '#include <stdlib.h>\n#include <stdint.h>\nchar *read_name(const uint8_t *p, uint32_t len) {\n  char *s = malloc(len + 1);\n  if (!s) return NULL;\n  memcpy(s, p, len);\n  s[len] = 0;\n  return s;\n}\n',
        '#include <stdlib.h>\n#include <string.h>\nchar *join(const char *a, unsigned alen, const char *b, unsigned blen) {\n  char *r = malloc(alen + blen + 1);\n  if (!r) return NULL;\n  memcpy(r, a, alen);\n  memcpy(r + alen, b, blen);\n  r[alen + blen] = 0;\n  return r;\n}\n',
      ],
      good: [
        '#include <stdlib.h>\n#include <string.h>\nchar *join(const char *a, unsigned alen, const char *b, unsigned blen) {\n  if (alen > 65536 || blen > 65536) return NULL;\n  char *r = malloc(alen + blen + 1);\n  if (!r) return NULL;\n  memcpy(r, a, alen);\n  memcpy(r + alen, b, blen);\n  r[alen + blen] = 0;\n  return r;\n}\n',
        '#include <stdlib.h>\n#include <string.h>\nchar *join(const char *a, size_t alen, const char *b, unsigned blen) {\n  char *r = malloc(alen + blen + 1);\n  if (!r) return NULL;\n  memcpy(r, a, alen);\n  memcpy(r + alen, b, blen);\n  return r;\n}\n',
        '#include <stdlib.h>\n#include <stdint.h>\nchar *read_name(const uint8_t *p, uint32_t len) {\n  if (len > 4096) return NULL;\n  char *s = malloc(len + 1);\n  if (!s) return NULL;\n  memcpy(s, p, len);\n  s[len] = 0;\n  return s;\n}\n',
        '#include <stdlib.h>\n#include <string.h>\nchar *dup(const char *p) {\n  int len = strlen(p);\n  char *s = malloc(len + 1);\n  if (!s) return NULL;\n  memcpy(s, p, len + 1);\n  return s;\n}\n',
        '#include <stdlib.h>\n#include <stdint.h>\nchar *read_name(const uint8_t *p, uint32_t len) {\n  char *s = malloc((size_t)len + 1);\n  if (!s) return NULL;\n  memcpy(s, p, len);\n  return s;\n}\n',
      ],
    },
  }),
);

/**
 * Whether the text fills the variable from the input or a buffer through its address: `read(fd,
 * &len, 4)`, `fread(&n, 2, 1, f)`, `recv(s, &len, ...)`, `memcpy(&len, p, 4)` (a decoded length).
 */
function filledFromData(text: string, name: string): boolean {
  if (!/^[A-Za-z_]\w*$/.test(name) || !text.includes(name)) return false;
  return new RegExp(
    `\\b(?:read|pread|fread|recv|recvfrom|memcpy|memmove)\\s*\\([^;]*?&\\s*\\(?\\s*${name}\\b(?!\\s*(?:\\[|->|\\.))`,
  ).test(text);
}

/** Whether the condition compares the value itself (`n > 64`, `len != 4`), not its address or a call. */
function compares(cond: Node, value: string): boolean {
  for (const b of [cond, ...cond.descendantsOfType('binary_expression')]) {
    if (b?.type !== 'binary_expression') continue;
    if (!/^(?:<|<=|>|>=|==|!=)$/.test(b.childForFieldName('operator')?.text ?? '')) continue;
    for (const side of [b.childForFieldName('left'), b.childForFieldName('right')]) {
      const v = side ? unwrapCasts(side) : undefined;
      if (
        v &&
        v.type !== 'call_expression' &&
        v.type !== 'sizeof_expression' &&
        mentionsLvalue(v, value) &&
        !norm(v.text).includes(`&${value}`)
      )
        return true;
    }
  }
  return false;
}

/** Copies into a destination of a given length: [destination index, length index]. */
const LENGTH_WRITES: Record<string, [number, number]> = {
  memcpy: [0, 2],
  memmove: [0, 2],
  strncpy: [0, 2],
  CopyMemory: [0, 2],
  RtlCopyMemory: [0, 2],
  read: [1, 2],
  recv: [1, 2],
  fread: [0, 2],
  fgets: [0, 1],
};

C_MEMORY_RULES.push(
  call({
    id: 'c.copy-length-unchecked',
    cwe: ['CWE-787', 'CWE-120'],
    severity: 'warning',
    title: 'Copy into a fixed array with a length nothing bounds',
    message: '',
    names: Object.keys(LENGTH_WRITES),
    check: (c, ctx) => {
      const spec = LENGTH_WRITES[c.name];
      const dstArg = spec ? c.args[spec[0]] : undefined;
      const size = spec ? c.args[spec[1]] : undefined;
      if (!dstArg || !size) return false;
      // fread(dst, 1, n, f) reads n bytes; other element sizes are c.size-exceeds-buffer's.
      if (
        c.name === 'fread' &&
        !/^(?:1|sizeof\(?(?:char|\*?\w+\[0\]|\*\w+)\)?)$/.test(norm(c.args[1]?.text ?? ''))
      )
        return false;
      const dst = unwrapCasts(dstArg);
      if (dst.type !== 'identifier') return false;
      const declared = ctx.model.arraySize(dst.text);
      if (!declared) return false;
      const text = norm(size.text);
      // A constant length is c.size-exceeds-buffer's business; one derived from the array is fine.
      if (
        intLiteral(text) !== undefined ||
        /^[A-Z_][A-Z0-9_]*$/.test(text) ||
        /sizeof|\bMIN\b|\bmin\b|_MIN\(/.test(text)
      )
        return false;
      if (text.includes(dst.text) || text.includes(declared)) return false;
      // The runtime values in the length: each must be unbounded for the copy to be reported.
      const names = [...new Set(text.match(/[A-Za-z_]\w*(?:(?:->|\.)\w+)*/g) ?? [])].filter(
        (n) => !/^[A-Z_][A-Z0-9_]*$/.test(n) && !/^(?:strlen|strnlen)$/.test(n),
      );
      if (!names.length) return false;
      const fn = ctx.model.enclosingFunction(c.node).node;
      const guards = guardsAt(c.node, fn, ctx.model.profile, ctx.language);
      if (
        names.some(
          (n) =>
            boundedBefore(ctx.model, fn, n, c.node.startIndex) || guards.some((g) => compares(g.node, n)),
        )
      )
        return false;
      // The length of a string the function already holds (`strlen(s)`) is c.unbounded-copy's case.
      if (/strlen/.test(text)) return false;
      // Only lengths from outside the function: a parameter, a field, a value read or decoded.
      const info = ctx.model.functionAt(c.node.startIndex);
      const outside = names.some((n) => {
        if (n.includes('->') || n.includes('.')) return true;
        if (info.params.includes(n)) return true;
        if (filledFromData(ctx.source.slice(fn.startIndex, c.node.startIndex), n)) return true;
        const b = ctx.taint.latestBinding(n, c.node.startIndex);
        return (
          !!b?.value &&
          /->|\.|\[|\b(?:ntoh[sl]|be\d+toh|le\d+toh|get_?u?\d+|read\w*|fgetc|getc|atoi|strtoul?)\b/.test(
            b.value.text,
          )
        );
      });
      if (!outside) return false;
      return {
        node: size,
        message: `${c.name}() copies ${text} bytes into ${dst.text}, which holds ${declared}, and nothing checks ${text} against that size first: test it (if (${text} > sizeof ${dst.text}) ...) before the copy.`,
      };
    },
    examples: {
      bad: [
        '#include <string.h>\nstruct Pkt { unsigned len; const char *data; };\nvoid on_packet(const struct Pkt *p) {\n  char name[64];\n  memcpy(name, p->data, p->len);\n  use(name);\n}\n',
        // A length read from the input through its address.
        '#include <unistd.h>\nint read_record(int fd) {\n  unsigned int len;\n  char body[128];\n  if (read(fd, &len, sizeof(len)) != sizeof(len)) return -1;\n  if (read(fd, body, len) < 0) return -1;\n  return body[0];\n}\n',
        '#include <stdio.h>\nint read_name(FILE *f, char *out) {\n  unsigned short n;\n  char name[64];\n  fread(&n, sizeof n, 1, f);\n  fread(name, 1, n, f);\n  return name[0];\n}\n',
      ],
      good: [
        '#include <string.h>\nstruct Pkt { unsigned len; const char *data; };\nvoid on_packet(const struct Pkt *p) {\n  char name[64];\n  if (p->len >= sizeof name) return;\n  memcpy(name, p->data, p->len);\n  use(name);\n}\n',
        '#include <string.h>\nvoid copy_id(const char *src) {\n  char id[16];\n  memcpy(id, src, sizeof id);\n  use(id);\n}\n',
        '#include <unistd.h>\nint read_record(int fd) {\n  unsigned int len;\n  char body[128];\n  if (read(fd, &len, sizeof(len)) != sizeof(len)) return -1;\n  if (len > sizeof(body)) return -1;\n  if (read(fd, body, len) < 0) return -1;\n  return body[0];\n}\n',
      ],
    },
  }),
);

/** A cheap pre-filter for the query: names that end like a NULL-returning call. */
const NULLABLE_OR_ALLOC =
  '(alloc|malloc|mallocz|calloc|realloc|reallocarray|dup|memdup|open|getenv|chr|str|pbrk|realpath|getpw\\\\w+|getgr\\\\w+|time|dlopen|dlsym|opendir|tmpfile|New\\\\w*|Element|Prop|_get|GetObjectItem\\\\w*)(_array|_node)?$';

/** String/memory calls that read through their first argument (NULL crashes them). */
const READS_FIRST =
  /^(?:str(?:len|cmp|ncmp|casecmp|ncasecmp|cpy|ncpy|cat|ncat|chr|rchr|str|dup|tol|toul|tod)|ato[ilf]|mem(?:cpy|cmp|move|set)|sscanf|fputs|puts)$/;

C_MEMORY_RULES.push(
  query({
    id: 'c.null-result-used-directly',
    cwe: ['CWE-476', 'CWE-690'],
    severity: 'warning',
    title: 'Result that can be NULL used in the same expression',
    message: '',
    // The names as a text pattern on the call: `@fn` captures only plain identifiers, and the
    // #match? predicate keeps other calls out of the check.
    query: {
      c: `((call_expression function: (identifier) @fn) @report (#match? @fn "${NULLABLE_OR_ALLOC}"))`,
      cpp: `((call_expression function: (identifier) @fn) @report (#match? @fn "${NULLABLE_OR_ALLOC}"))`,
    },
    check: (caps) => {
      const { fn, report } = caps;
      if (!fn || !report) return false;
      const name = fn.text;
      if (!NULLABLE_CALL.test(name) && !ALLOCATOR.test(name)) return false;
      // Skip casts and parentheses around the call.
      let use: Node = report;
      let p = use.parent;
      while (p && (p.type === 'parenthesized_expression' || p.type === 'cast_expression')) {
        use = p;
        p = use.parent;
      }
      // `strchr(s, ':') + 1` is a wild pointer when strchr found nothing.
      if (
        p?.type === 'binary_expression' &&
        p.childForFieldName('operator')?.text === '+' &&
        p.childForFieldName('left')?.equals(use)
      ) {
        use = p;
        p = use.parent;
      }
      if (!p) return false;
      let how: string | undefined;
      // `return strchr(s, '@') + 1;` hands the caller NULL + 1, a pointer no NULL test catches.
      if (use !== report && use.type === 'binary_expression' && p.type === 'return_statement')
        how = `return ${name}(...) + ...`;
      else if (
        p.type === 'field_expression' &&
        p.childForFieldName('operator')?.text === '->' &&
        p.childForFieldName('argument')?.equals(use)
      )
        how = `${name}(...)->${p.childForFieldName('field')?.text ?? ''}`;
      else if (p.type === 'subscript_expression' && p.childForFieldName('argument')?.equals(use))
        how = `${name}(...)[...]`;
      else if (p.type === 'pointer_expression' && p.text.startsWith('*')) how = `*${name}(...)`;
      else if (p.type === 'argument_list' && p.namedChildren[0]?.equals(use)) {
        const outer = p.parent;
        const callee = outer?.childForFieldName('function')?.text ?? '';
        if (READS_FIRST.test(callee)) how = `${callee}(${name}(...))`;
      }
      if (!how) return false;
      return {
        node: p.type === 'argument_list' ? (p.parent ?? p) : p,
        message: `${how} uses the result of ${name}(), which returns NULL when it fails or finds nothing, without a check: store it, test it for NULL, then use it.`,
      };
    },
    examples: {
      bad: [
        '#include <stdlib.h>\n#include <string.h>\nsize_t home_len(void) {\n  return strlen(getenv("HOME"));\n}\n',
        "#include <string.h>\nint port_of(const char *hostport) {\n  return atoi(strchr(hostport, ':') + 1);\n}\nint year(time_t t) {\n  return localtime(&t)->tm_year;\n}\n",
        "#include <string.h>\nconst char *after_colon(const char *s) {\n  return strchr(s, ':') + 1;\n}\n",
      ],
      good: [
        '#include <stdlib.h>\n#include <string.h>\nsize_t home_len(void) {\n  const char *h = getenv("HOME");\n  return h ? strlen(h) : 0;\n}\n',
        '#include <time.h>\nint year(time_t t) {\n  struct tm *tm = localtime(&t);\n  return tm ? tm->tm_year : -1;\n}\n',
        "#include <string.h>\nconst char *after_colon(const char *s) {\n  const char *p = strchr(s, ':');\n  return p ? p + 1 : NULL;\n}\n",
      ],
    },
  }),
);

/** Types whose every value indexes an array of 256 or more elements safely. */
const BYTE_TYPE = /^(?:const\s+)?(?:unsigned\s+char|uint8_t|u8|__u8|guint8|guchar|uchar|BYTE|Uint8)$/;

C_MEMORY_RULES.push(
  query({
    id: 'c.data-index-unchecked',
    cwe: ['CWE-125', 'CWE-787', 'CWE-129'],
    severity: 'warning',
    title: 'Fixed array indexed by a value read from data, with no bound checked',
    message: '',
    query: {
      c: '(subscript_expression argument: (identifier) @arr index: (_) @idx) @report',
      cpp: '(subscript_expression argument: (identifier) @arr indices: (subscript_argument_list (_) @idx)) @report',
    },
    check: (caps, ctx) => {
      const { arr, report } = caps;
      let idx = caps.idx;
      if (!arr || !idx || !report) return false;
      const declared = ctx.model.arraySize(arr.text);
      if (!declared) return false;
      idx = unwrapCasts(idx);
      // The index is a value read from data: a field of a struct (`h->type`), a byte of a buffer
      // (`buf[0]`), or a variable last set from one of those or from a decoding call.
      let index = norm(idx.text);
      let from: string | undefined;
      const dataRead = (n: Node) =>
        (n.type === 'field_expression' && n.childForFieldName('operator')?.text === '->') ||
        (n.type === 'subscript_expression' &&
          !ctx.model.arraySize(n.childForFieldName('argument')?.text ?? '')) ||
        (n.type === 'call_expression' &&
          /^(?:ntoh[sl]|be\d+toh|le\d+toh|(?:get|read)_?u?(?:8|16|32|le16|le32|be16|be32)|bytestream\w*_get_\w+|fgetc|getc|getchar)$/.test(
            calleeName(n),
          ));
      if (dataRead(idx)) from = index;
      else if (idx.type === 'identifier') {
        const b = ctx.taint.latestBinding(idx.text, idx.startIndex);
        const v = b?.value ? unwrapCasts(b.value) : undefined;
        if (!v || b?.kind !== 'assign' || !dataRead(v)) return false;
        from = norm(v.text);
        // A byte indexes a 256-entry table safely.
        const type = ctx.model.declaredType(idx.text, idx.startIndex)?.trim() ?? '';
        const size = intLiteral(declared);
        if (BYTE_TYPE.test(type) && size !== undefined && size >= 256) return false;
      } else return false;
      if (!from) return false;
      const fn = ctx.model.enclosingFunction(report).node;
      if (report.startIndex < fn.startIndex || fn.type !== 'function_definition') return false;
      // Any check of the index (or what it was read from) before the access, or around it.
      for (const name of new Set([index, from]))
        if (guardedUse(report, name) || boundedBefore(ctx.model, fn, name, report.startIndex)) return false;
      const size = intLiteral(declared);
      if (
        /%|&/.test(index) ||
        (size !== undefined && size >= 256 && /^(?:\w+->)?\w*(?:byte|char|u8)\w*$/i.test(index))
      )
        return false;
      index = norm(idx.text);
      const write =
        report.parent?.type === 'assignment_expression' &&
        report.parent.childForFieldName('left')?.equals(report);
      return {
        cwe: write ? ['CWE-787', 'CWE-129'] : ['CWE-125', 'CWE-129'],
        message: `${arr.text} has ${declared} elements and is indexed by ${index}${from !== index ? ` (read from ${from})` : ''}, a value that comes from the data, with no check: test ${index} < ${declared} (and >= 0) first.`,
      };
    },
    examples: {
      bad: [
        'static const int weights[4] = { 1, 2, 4, 8 };\nstruct Hdr { unsigned type; };\nint weight(const struct Hdr *h) {\n  return weights[h->type];\n}\n',
        'static int counts[16];\nvoid tally(const unsigned char *pkt) {\n  int op = pkt[0];\n  counts[op]++;\n}\n',
      ],
      good: [
        'static const int weights[4] = { 1, 2, 4, 8 };\nstruct Hdr { unsigned type; };\nint weight(const struct Hdr *h) {\n  if (h->type >= 4) return 0;\n  return weights[h->type];\n}\n',
        'static int counts[256];\nvoid tally(const unsigned char *pkt) {\n  unsigned char op = pkt[0];\n  counts[op]++;\n}\n',
      ],
    },
  }),
);

/** Per file model: whether a function (by start) compares a pointer with anything. */
const END_TESTED = new WeakMap<object, Map<string, boolean>>();

/** How many elements past `p` a bounds test on `p` vouches for (`p < end`: 1, `end - p < 4`: 4). */
function coveredBy(test: Node, p: string): number | undefined {
  const nodes = [test, ...test.descendantsOfType('binary_expression')];
  let best: number | undefined;
  for (const b of nodes) {
    if (b?.type !== 'binary_expression') continue;
    const op = b.childForFieldName('operator')?.text ?? '';
    if (!/^(?:<|<=|>|>=)$/.test(op)) continue;
    const left = b.childForFieldName('left');
    const right = b.childForFieldName('right');
    if (!left || !right) continue;
    const sides = [left, right];
    const withP = sides.find((s) => mentionsLvalue(s, p));
    const other = sides.find((s) => s !== withP);
    if (!withP || !other || mentionsLvalue(other, p)) continue;
    // The bound must be another runtime value (an end pointer, a length), not a constant.
    const ids = (`${other.text} ${withP.text}`.match(/[A-Za-z_]\w*/g) ?? []).filter(
      (n) => n !== p && !/^[A-Z_][A-Z0-9_]*$/.test(n) && n !== 'sizeof',
    );
    if (!ids.length) continue;
    const nums = `${left.text} ${right.text}`.match(/\b\d+\b/g)?.map(Number) ?? [];
    const k = nums.length
      ? Math.max(1, ...nums)
      : /[-+]/.test(`${left.text}${right.text}`.replace(p, ''))
        ? Number.POSITIVE_INFINITY
        : 1;
    best = Math.max(best ?? 0, k);
  }
  return best;
}

/** Elements a range of code moves `p` forward: `p++` 1, `p += k` k, any other assignment unknown (infinite). */
function advancesOf(model: FileModel, fn: Node, p: string, from: number, to: number, skip?: Node): number {
  let total = 0;
  for (const a of model.nodesIn(fn, ['update_expression', 'assignment_expression'])) {
    if (a.startIndex < from || a.startIndex >= to) continue;
    if (skip && a.startIndex >= skip.startIndex && a.endIndex <= skip.endIndex) continue;
    if (a.type === 'update_expression') {
      // Only `p++`: a pre-increment read (`*++p`) is a scanner idiom whose loop test covers it.
      if (norm(a.childForFieldName('argument')?.text ?? '') === p && a.text.endsWith('++')) total += 1;
      continue;
    }
    if (norm(a.childForFieldName('left')?.text ?? '') !== p) continue;
    const op = a.childForFieldName('operator')?.text;
    const k = intLiteral(norm(a.childForFieldName('right')?.text ?? ''));
    total += op === '+=' && k !== undefined ? k : Number.POSITIVE_INFINITY;
  }
  return total;
}

C_MEMORY_RULES.push(
  query({
    id: 'c.read-past-checked-end',
    cwe: ['CWE-125', 'CWE-787'],
    severity: 'warning',
    title: 'Pointer read past the bytes its end check vouched for',
    message: '',
    query: {
      c: '[(pointer_expression argument: (_) @p) (subscript_expression argument: (identifier) @p index: (number_literal) @k)] @report',
      cpp: '[(pointer_expression argument: (_) @p) (subscript_expression argument: (identifier) @p indices: (subscript_argument_list (number_literal) @k))] @report',
    },
    check: (caps, ctx) => {
      const { report } = caps;
      let pn = caps.p;
      if (!pn || !report) return false;
      if (report.type === 'pointer_expression' && !report.text.startsWith('*')) return false;
      // `*p`, `*p++`, `*(p++)`, `p[k]`.
      while (pn.type === 'parenthesized_expression' && pn.namedChildren[0]) pn = pn.namedChildren[0];
      if (pn.type === 'update_expression' && pn.text.endsWith('++'))
        pn = pn.childForFieldName('argument') ?? pn;
      if (pn.type !== 'identifier') return false;
      const p = pn.text;
      const type = ctx.model.declaredType(p, pn.startIndex) ?? '';
      if (!type.includes('*')) return false;
      // A write through p (`*p = x`) is someone else's question.
      if (
        report.parent?.type === 'assignment_expression' &&
        report.parent.childForFieldName('left')?.equals(report)
      )
        return false;
      const info = ctx.model.functionAt(report.startIndex);
      if (info.node.type !== 'function_definition') return false;
      const fn = info.node;
      // Only where the function compares p with something (`<`, `>=`, not `->` or shifts): it knows
      // the buffer ends. Once per function and pointer.
      const key = `${info.start}:${p}`;
      let cache = END_TESTED.get(ctx.model);
      if (!cache) {
        cache = new Map();
        END_TESTED.set(ctx.model, cache);
      }
      let compared = cache.get(key);
      if (compared === undefined) {
        const body = ctx.source.slice(info.start, info.end);
        const rel = '(?<![-<>])(?:<=?|>=?)(?![<>])';
        compared = new RegExp(`\\b${p}\\b[^;{}]*${rel}|${rel}[^;{}]*\\b${p}\\b`).test(body);
        cache.set(key, compared);
      }
      if (!compared) return false;
      // Offset of this read from the current position of p.
      const k = caps.k ? (intLiteral(norm(caps.k.text)) ?? 0) + 1 : 1;
      // The nearest dominating check: an enclosing condition, or an earlier `if` that leaves.
      let check: { at: number; covers: number; skip?: Node } | undefined;
      let child: Node = report;
      for (let n: Node | null = report.parent; n && !n.equals(fn); child = n, n = n.parent) {
        const cond =
          n.type === 'if_statement' ||
          n.type === 'while_statement' ||
          n.type === 'for_statement' ||
          n.type === 'do_statement' ||
          n.type === 'conditional_expression'
            ? n.childForFieldName('condition')
            : n.type === 'binary_expression' &&
                /^(?:&&|\|\|)$/.test(n.childForFieldName('operator')?.text ?? '') &&
                !n.childForFieldName('left')?.equals(child)
              ? n.childForFieldName('left')
              : null;
        if (cond && !cond.equals(child)) {
          const covers = coveredBy(cond, p);
          if (covers !== undefined && (!check || cond.startIndex > check.at))
            check = {
              at: cond.endIndex,
              covers,
              ...(n.type === 'for_statement' ? { skip: n.childForFieldName('update') ?? undefined } : {}),
            };
        }
        if (n.type === 'compound_statement') {
          for (const s of n.namedChildren) {
            if (!s || s.startIndex >= child.startIndex) break;
            if (s.type !== 'if_statement' || !leaves(s.childForFieldName('consequence'))) continue;
            const c = s.childForFieldName('condition');
            const covers = c ? coveredBy(c, p) : undefined;
            if (covers !== undefined && (!check || s.endIndex > check.at)) check = { at: s.endIndex, covers };
          }
        }
      }
      if (!check) return false;
      if (check.covers === Number.POSITIVE_INFINITY) return false;
      const moved = advancesOf(ctx.model, fn, p, check.at, report.startIndex, check.skip);
      if (moved === Number.POSITIVE_INFINITY) return false;
      if (moved + k <= check.covers) return false;
      return {
        message: `${p} was checked against its end for ${check.covers} element${check.covers === 1 ? '' : 's'} on line ${ctx.source.slice(0, check.at).split('\n').length}, but this read is ${moved + k} past that point: check ${p} against the end again before reading.`,
      };
    },
    examples: {
      bad: [
        'int rle(const unsigned char *src, const unsigned char *end, unsigned char *out) {\n  while (src < end) {\n    int run = *src++;\n    int value = *src++;\n    while (run--) *out++ = value;\n  }\n  return 0;\n}\n',
        'int hdr(const unsigned char *p, const unsigned char *end) {\n  if (end - p < 2) return -1;\n  int type = p[0];\n  int len = p[2];\n  return type + len;\n}\n',
      ],
      good: [
        'int rle(const unsigned char *src, const unsigned char *end, unsigned char *out) {\n  while (src < end) {\n    int run = *src++;\n    if (src >= end) return -1;\n    int value = *src++;\n    while (run--) *out++ = value;\n  }\n  return 0;\n}\n',
        'int hdr(const unsigned char *p, const unsigned char *end) {\n  if (end - p < 3) return -1;\n  int type = p[0];\n  int len = p[2];\n  return type + len;\n}\n',
        'int sum(const unsigned char *p, const unsigned char *end) {\n  int s = 0;\n  for (; p < end; p++) s += *p;\n  return s;\n}\n',
      ],
    },
  }),
);

C_MEMORY_RULES.push(
  query({
    id: 'c.null-deref-after-check',
    cwe: ['CWE-476'],
    severity: 'warning',
    title: 'Pointer found NULL, then dereferenced anyway',
    message: '',
    query: '(if_statement condition: (_) @cond consequence: (_) @then) @report',
    check: (caps, ctx) => {
      const { cond, then, report } = caps;
      if (!cond || !then || !report) return false;
      if (!/!|NULL|nullptr/.test(cond.text)) return false;
      const tested = nullComparisons(cond, 'null-when-true');
      if (!tested.length) return false;
      const info = ctx.model.functionAt(report.startIndex);
      if (info.node.type !== 'function_definition') return false;
      const fn = info.node;
      // A branch that leaves (return, goto, an error macro) or sets the pointer handles the NULL;
      // one made only of project macros (`IGRAPH_ERROR(...)`) may leave too.
      if (leaves(then)) return false;
      const stmts = then.type === 'compound_statement' ? then.namedChildren : [then];
      if (stmts.some((st) => st && /^[A-Z][A-Z0-9_]*\s*\(/.test(st.text))) return false;
      const after = norm(ctx.source.slice(then.startIndex, fn.endIndex));
      for (const lv of tested) {
        // Cheap text test: is it dereferenced at all from the branch on?
        if (
          !after.includes(`${lv}->`) &&
          !after.includes(`*${lv}`) &&
          !after.includes(`${lv}[`) &&
          !after.includes(`(${lv}`)
        )
          continue;
        // Only pointers: a known pointer type, or a test against NULL.
        const type = ctx.model.declaredType(lv, report.startIndex) ?? '';
        const pointer = type.includes('*') || /(?:NULL|nullptr)/.test(cond.text);
        if (!pointer && type) continue;
        if (assignedBetween(ctx.model, fn, lv, then.startIndex, then.endIndex)) continue;
        // Calls in the branch may set it through an out-parameter or a field (`init(&p)`, `load(s)`).
        if (new RegExp(`&\\s*${lv.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(then.text)) continue;
        const base = lv.split(/->|\./)[0] ?? lv;
        if (lv !== base && new RegExp(`\\(\\s*${base}\\s*[,)]`).test(norm(then.text))) continue;
        for (const use of dereferences(ctx.model, fn, lv, then.startIndex)) {
          if (addressOnly(use)) continue;
          // `p + n` is arithmetic unless p is known to be a pointer.
          if (use.type === 'binary_expression' && !type.includes('*')) continue;
          const stmt = statementOf(use);
          if (inside(use, stmt, 'sizeof_expression')) continue;
          const inThen = use.startIndex < then.endIndex;
          // The `else` branch is the non-NULL path.
          if (!inThen && use.startIndex < report.endIndex) continue;
          if (!inThen) {
            if (assignedBetween(ctx.model, fn, lv, then.endIndex, use.startIndex)) break;
            if (!fallsThrough(report, use.startIndex)) break;
            if (guardedUse(use, lv, report.endIndex)) break;
            if (conditional(use, stmt)) break;
          } else if (guardedUse(use, lv, then.startIndex) || conditional(use, stmt)) continue;
          return {
            node: use,
            message: `${lv} is NULL when the test on line ${report.startPosition.row + 1} is true, and that branch neither leaves nor sets it, so this dereference runs with ${lv} NULL: return (or set ${lv}) in that branch.`,
          };
        }
      }
      return false;
    },
    examples: {
      bad: [
        'struct dev { int flags; };\nint start(struct dev *d) {\n  if (!d)\n    log_error("no device");\n  d->flags |= 1;\n  return 0;\n}\n',
        'struct N { int v; };\nvoid show(struct N *n) {\n  if (n == NULL) {\n    printf("empty node %d\\n", n->v);\n  }\n}\n',
      ],
      good: [
        'struct dev { int flags; };\nint start(struct dev *d) {\n  if (!d) {\n    log_error("no device");\n    return -1;\n  }\n  d->flags |= 1;\n  return 0;\n}\n',
        'struct dev { int flags; };\nint start(struct dev *d, struct dev *spare) {\n  if (!d)\n    d = spare;\n  d->flags |= 1;\n  return 0;\n}\n',
        'struct dev { int flags; };\nint start(struct dev *d) {\n  if (!d)\n    log_error("no device");\n  if (d)\n    d->flags |= 1;\n  return 0;\n}\n',
      ],
    },
  }),
);

/**
 * The pointers a condition tests for non-NULL where it holds (`p`, `p != NULL`, either side of
 * `&&`): where it fails, each may be NULL as far as the code's author knew.
 */
function nonNullWhenTrue(cond: Node): string[] {
  const out: string[] = [];
  const visit = (e: Node): void => {
    const v = unwrapCasts(e);
    if (v.type === 'identifier' || v.type === 'field_expression') out.push(norm(v.text));
    else if (v.type === 'binary_expression') {
      const op = v.childForFieldName('operator')?.text;
      const l = v.childForFieldName('left');
      const r = v.childForFieldName('right');
      if (!l || !r) return;
      if (op === '&&') {
        visit(l);
        visit(r);
      } else if (op === '!=') {
        const isNull = (n: Node) => /^(?:NULL|nullptr)$/.test(norm(unwrapCasts(n).text));
        if (isNull(r)) out.push(norm(unwrapCasts(l).text));
        else if (isNull(l)) out.push(norm(unwrapCasts(r).text));
      }
    }
  };
  visit(cond);
  return out.filter((lv) => /^[A-Za-z_][\w.>-]*$/.test(lv) && !/^[A-Z][A-Z0-9_]*$/.test(lv));
}

const LAST_DEREF = new WeakMap<FileModel, Map<number, Map<string, number>>>();

/**
 * For each lvalue dereferenced in the function (`p->f`, `p[i]`, `*p`), where its last dereference
 * starts: one pass over the function's indexed nodes, memoized per file and function.
 */
function lastDereferences(model: FileModel, fn: Node): Map<string, number> {
  let perFile = LAST_DEREF.get(model);
  if (!perFile) {
    perFile = new Map();
    LAST_DEREF.set(model, perFile);
  }
  let out = perFile.get(fn.startIndex);
  if (out) return out;
  out = new Map();
  for (const n of model.nodesIn(fn, ['field_expression', 'subscript_expression', 'pointer_expression'])) {
    if (!n) continue;
    if (n.type === 'field_expression' && n.childForFieldName('operator')?.text !== '->') continue;
    if (n.type === 'pointer_expression' && !n.text.startsWith('*')) continue;
    const arg = n.childForFieldName('argument');
    if (arg) out.set(norm(arg.text), n.startIndex);
  }
  perFile.set(fn.startIndex, out);
  return out;
}

/** Whether a branch or loop that does not hold `from` holds `use` (below their common block). */
function branchesBetween(use: Node, from: Node): boolean {
  let child: Node = use;
  for (let p = use.parent; p; child = p, p = p.parent) {
    if (within(from, p)) return false;
    if (BRANCHING.test(p.type) && !p.childForFieldName('condition')?.equals(child)) return true;
  }
  return false;
}

C_MEMORY_RULES.push(
  query({
    id: 'c.null-deref-after-nonnull-test',
    cwe: ['CWE-476'],
    severity: 'warning',
    title: 'Pointer tested for NULL, then dereferenced on the path where the test failed',
    message: '',
    query: '(if_statement condition: (_) @cond consequence: (_) @then) @report',
    check: (caps, ctx) => {
      const { cond, then, report } = caps;
      if (!cond || !then || !report) return false;
      // Only an `if` of its own: an `else if` arm's failure path is the next arm.
      if (report.parent?.type === 'else_clause') return false;
      // An `else` that leaves: the path where the test failed ends there.
      const alt = report.childForFieldName('alternative');
      if (alt && leaves(alt.type === 'else_clause' ? alt.namedChildren[0] : alt)) return false;
      const tested = nonNullWhenTrue(cond);
      if (!tested.length) return false;
      const info = ctx.model.functionAt(report.startIndex);
      if (info.node.type !== 'function_definition') return false;
      const fn = info.node;
      const derefs = lastDereferences(ctx.model, fn);
      for (const lv of tested) {
        // Cheap test first: is it dereferenced at all after the `if`?
        if ((derefs.get(lv) ?? -1) < report.endIndex) continue;
        const type = ctx.model.declaredType(lv, report.startIndex) ?? '';
        // An array or a value (not a pointer) is never NULL.
        if (type && !type.includes('*') && !/_t$|^[A-Z]/.test(type.trim())) continue;
        // Written in the `if` (its condition, a branch) or through its address: its value after the
        // `if` is not the one tested.
        if (assignedBetween(ctx.model, fn, lv, report.startIndex, report.endIndex)) continue;
        // A check that already decides the `if` (an earlier `if (!p) return`) makes its test redundant.
        if (guardedUse(report, lv)) continue;
        const base = lv.split(/->|\./)[0] ?? lv;
        for (const use of dereferences(ctx.model, fn, lv, report.endIndex)) {
          if (use.type === 'binary_expression' || use.type === 'call_expression' || addressOnly(use))
            continue;
          const stmt = statementOf(use);
          if (inside(use, stmt, 'sizeof_expression')) continue;
          if (lvaluePartAssigned(ctx.model, fn, lv, report.endIndex, use.startIndex)) break;
          if (lv !== base && assignedBetween(ctx.model, fn, base, report.startIndex, report.endIndex)) break;
          if (!fallsThrough(report, use.startIndex)) break;
          if (guardedUse(use, lv, report.endIndex) || conditional(use, stmt)) break;
          // Only a use that runs whenever the test's `if` does: one under another condition may
          // depend on a flag that implies the pointer is set (`if (flags & HAS_DATA) data->n++`).
          if (branchesBetween(use, report)) continue;
          return {
            node: use,
            message: `${lv} is tested for NULL on line ${report.startPosition.row + 1} (so it can be NULL there), and the path where that test fails reaches this dereference with nothing checking it: test ${lv} here too, or leave when it is NULL.`,
          };
        }
      }
      return false;
    },
    examples: {
      bad: [
        'struct ctx { int count; int len; };\nint ctx_len(struct ctx *c, int flag) {\n  if (flag && c != NULL)\n    c->count++;\n  return c->len;\n}\n',
        'struct node { struct node *next; int v; };\nint second(struct node *n) {\n  if (n)\n    log_node(n);\n  return n->next->v;\n}\n',
      ],
      good: [
        'struct ctx { int count; int len; };\nint ctx_len(struct ctx *c, int flag) {\n  if (c == NULL) return 0;\n  if (flag && c != NULL)\n    c->count++;\n  return c->len;\n}\n',
        'struct node { struct node *next; int v; };\nint second(struct node *n) {\n  if (n)\n    log_node(n);\n  if (!n) return -1;\n  return n->next->v;\n}\n',
        'struct node { struct node *next; int v; };\nint second(struct node *n, struct node *spare) {\n  if (n)\n    log_node(n);\n  else\n    n = spare;\n  return n->next->v;\n}\n',
        'int first(const char *s, int n) {\n  if (n)\n    n--;\n  return s[0] + n;\n}\n',
      ],
    },
  }),
);

C_MEMORY_RULES.push(
  query({
    id: 'cpp.use-after-delete',
    languages: ['cpp'],
    cwe: ['CWE-416', 'CWE-415'],
    severity: 'error',
    title: 'Object used or deleted again after delete',
    message: '',
    query: { cpp: '(expression_statement (delete_expression (_) @arg) @del) @report' },
    check: (caps, ctx) => {
      const { arg, del, report } = caps;
      if (!arg || !del || !report) return false;
      const lv = lvalueOf(unwrapCasts(arg));
      if (!lv) return false;
      const fn = ctx.model.enclosingFunction(del).node;
      if (fn.type !== 'function_definition') return false;
      // Quick text test: the pointer appears after the delete at all.
      if (!norm(ctx.source.slice(del.endIndex, fn.endIndex)).includes(lv)) return false;
      const deletes = fn
        .descendantsOfType('delete_expression')
        .filter(
          (d): d is Node =>
            !!d && d.startIndex > del.endIndex && norm(unwrapCasts(d.namedChildren[0] ?? d).text) === lv,
        );
      const uses = [...dereferences(ctx.model, fn, lv, del.endIndex, true), ...deletes].sort(
        (a, b) => a.startIndex - b.startIndex,
      );
      for (const use of uses) {
        if (lvaluePartAssigned(ctx.model, fn, lv, del.endIndex, use.startIndex)) return false;
        if (!fallsThrough(report, use.startIndex)) continue;
        const again = use.type === 'delete_expression';
        return {
          node: use,
          cwe: again ? ['CWE-415'] : ['CWE-416'],
          message: again
            ? `${lv} was already deleted on line ${del.startPosition.row + 1} and nothing set it again: deleting it twice corrupts the heap. Set it to nullptr after the first delete (or use std::unique_ptr).`
            : `${lv} was deleted on line ${del.startPosition.row + 1} and is used here: the object is gone. Use it before the delete, or set ${lv} = nullptr and test it (or use std::unique_ptr).`,
        };
      }
      return false;
    },
    examples: {
      bad: [
        {
          code: 'struct Conn { int fd; };\nint close_conn(Conn *c) {\n  delete c;\n  return c->fd;\n}\n',
          language: 'cpp',
        },
        {
          code: 'struct Buf { char *p; };\nvoid reset(Buf *b, bool err) {\n  if (err)\n    delete b;\n  delete b;\n}\n',
          language: 'cpp',
        },
      ],
      good: [
        {
          code: 'struct Conn { int fd; };\nint close_conn(Conn *c) {\n  int fd = c->fd;\n  delete c;\n  return fd;\n}\n',
          language: 'cpp',
        },
        {
          code: 'struct Buf { char *p; };\nvoid reset(Buf *b, bool err) {\n  if (err) {\n    delete b;\n    return;\n  }\n  delete b;\n}\n',
          language: 'cpp',
        },
      ],
    },
  }),
);

/** Integer types of at most 16 bits, with their width (loop counters that wrap early). */
const SHORT_INT: [RegExp, number][] = [
  [/^(?:unsigned\s+char|signed\s+char|char|u?int8_t|u8|s8|__u8|__s8|BYTE|UCHAR|guint8|gint8|uint8|int8)$/, 8],
  [
    /^(?:(?:unsigned\s+|signed\s+)?short(?:\s+int)?|u?int16_t|u16|s16|__u16|__s16|WORD|USHORT|guint16|gint16|uint16|int16)$/,
    16,
  ],
];
const COUNTER_BOUND_INT =
  /^(?:(?:unsigned|signed)(?:\s+(?:int|long(?:\s+long)?))?|int|long(?:\s+(?:int|long))?|long\s+long(?:\s+int)?|size_t|ssize_t|off_t|u?int(?:32|64)_t|u32|u64|s32|s64|__u32|__u64|uint|ulong|DWORD|guint|gint|gsize|gssize|guint32|guint64|uintptr_t|ptrdiff_t)$/;

function narrowWidth(type: string): number | undefined {
  const t = type
    .replace(/\b(?:const|volatile|register|static)\b/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  for (const [re, w] of SHORT_INT) if (re.test(t)) return w;
  return undefined;
}

C_MEMORY_RULES.push(
  query({
    id: 'c.narrow-loop-counter',
    cwe: ['CWE-190', 'CWE-197'],
    severity: 'warning',
    title: 'Loop counter narrower than its bound',
    message: '',
    query: '(for_statement condition: (binary_expression) @cond) @report',
    check: (caps, ctx) => {
      const { cond, report } = caps;
      if (!cond || !report) return false;
      const op = cond.childForFieldName('operator')?.text ?? '';
      const left = cond.childForFieldName('left');
      const right = cond.childForFieldName('right');
      if (!left || !right) return false;
      // `i < n`, `i <= n`, `n > i`, `n >= i`: the counter and its bound.
      let counter: Node;
      let bound: Node;
      if ((op === '<' || op === '<=') && left.type === 'identifier') [counter, bound] = [left, right];
      else if ((op === '>' || op === '>=') && right.type === 'identifier') [counter, bound] = [right, left];
      else return false;
      const init = report.childForFieldName('initializer');
      // The counter's type: declared in the loop header, else where the function declares it.
      let type: string | undefined;
      if (init?.type === 'declaration') {
        const names = init.descendantsOfType('identifier').map((n) => n?.text);
        if (names.includes(counter.text)) type = init.childForFieldName('type')?.text;
      }
      type ??= ctx.model.declaredType(counter.text, counter.startIndex);
      const width = type === undefined ? undefined : narrowWidth(type);
      if (!width) return false;
      // The bound: a runtime value of a wider (or unknown, for a struct field) type; constants and
      // macros (`NUM_PORTS`) are the author's to size.
      const b = bound.type === 'parenthesized_expression' ? (bound.namedChildren[0] ?? bound) : bound;
      if (b.type === 'identifier') {
        if (/^[A-Z_][A-Z0-9_]*$/.test(b.text)) return false;
        const bt = ctx.model.declaredType(b.text, b.startIndex);
        if (
          !bt ||
          !COUNTER_BOUND_INT.test(
            bt
              .replace(/\b(?:const|volatile|register|static)\b/g, '')
              .replace(/\s+/g, ' ')
              .trim(),
          )
        )
          return false;
      } else if (b.type !== 'field_expression') return false;
      const field = b.childForFieldName('field')?.text ?? '';
      if (b.type === 'field_expression' && /^[A-Z_][A-Z0-9_]*$/.test(field)) return false;
      const max = 2 ** width - 1;
      return {
        node: cond,
        message: `${counter.text} is ${width === 8 ? 'an' : 'a'} ${width}-bit ${type?.trim()} compared with ${norm(b.text)}: once the bound exceeds ${max} the counter wraps and the loop never ends (or indexes past the data); give ${counter.text} the bound's type (size_t, uint32_t).`,
      };
    },
    examples: {
      bad: [
        'struct state { uint64_t num_gates; };\nvoid dump(struct state st) {\n  for (uint8_t gate = 8; gate < st.num_gates; gate++)\n    print_gate(st, gate);\n}\n',
        'void fill(unsigned char *buf, size_t len) {\n  unsigned short i;\n  for (i = 0; i < len; i++)\n    buf[i] = 0;\n}\n',
      ],
      good: [
        'struct state { uint64_t num_gates; };\nvoid dump(struct state st) {\n  for (uint64_t gate = 8; gate < st.num_gates; gate++)\n    print_gate(st, gate);\n}\n',
        'void fill(unsigned char *buf) {\n  for (uint8_t i = 0; i < NUM_CHANNELS; i++)\n    buf[i] = 0;\n}\n',
        'void fill(unsigned char *buf, uint8_t n) {\n  for (uint8_t i = 0; i < n; i++)\n    buf[i] = 0;\n}\n',
      ],
    },
  }),
);

/** Width in bytes of a fixed-width read macro or helper (`GST_READ_UINT32_LE(p)`, `AV_RB16(p)`). */
function readWidth(callee: string): number | undefined {
  const m =
    /^(?:[A-Z][A-Z0-9]*_)*?(?:READ|GET|RD|LOAD)_?U?INT(16|24|32|64)(?:_?(?:LE|BE))?$/.exec(callee) ??
    /^AV_R[BLN](16|24|32|48|64)$/.exec(callee) ??
    /^get_unaligned_(?:le|be)(16|32|64)$/.exec(callee) ??
    /^(?:le|be)(16|32|64)_to_cpup$/.exec(callee);
  return m?.[1] ? Number(m[1]) / 8 : undefined;
}

/** Calls that read into `p` and return how much they read: [buffer index, size index]. */
const COUNTED_READS: Record<string, [number, number]> = {
  fread: [0, 2],
  read: [1, 2],
  recv: [1, 2],
  pread: [1, 2],
};

/**
 * The lengths that go with buffer `p` at `at`: a variable named after it (`value_len`, `buflen`,
 * `data_size`), the length out-parameter set by the same call (`get_string(&value, &value_len)`),
 * the count a read into it returned and the size it asked for (`n = fread(p, 1, size, f)`), or the
 * integer parameter right after it (`parse(const u8 *buf, int buf_size)`).
 */
function lengthsOf(
  model: FileModel,
  fn: Node,
  info: { params: string[]; paramTypes: Map<string, string> },
  p: string,
  at: number,
): string[] {
  const out = new Set<string>();
  const body = fn.text;
  const names = { has: (n: string) => new RegExp(`\\b${n}\\b`).test(body) };
  for (const suffix of [
    '_len',
    'len',
    '_size',
    'size',
    '_length',
    'length',
    '_sz',
    '_bytes',
    'Len',
    'Size',
    'Length',
  ])
    if (names.has(`${p}${suffix}`)) out.add(`${p}${suffix}`);
  for (const prefix of ['len_', 'size_', 'n_']) if (names.has(`${prefix}${p}`)) out.add(`${prefix}${p}`);
  for (const c of model.nodesIn(fn, ['call_expression'])) {
    if (c.startIndex >= at) break;
    const args = c.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => !!a) ?? [];
    const i = args.findIndex(
      (a) => a.type === 'pointer_expression' && a.text.startsWith('&') && norm(a.text.slice(1)) === p,
    );
    const next = args[i + 1];
    if (i >= 0 && next?.type === 'pointer_expression' && next.text.startsWith('&'))
      out.add(norm(next.text.slice(1)));
    const counted = COUNTED_READS[calleeName(c)];
    if (counted && norm(args[counted[0]]?.text ?? '') === p) {
      const size = args[counted[1]];
      if (size && /^(?:identifier|field_expression)$/.test(size.type)) out.add(norm(size.text));
      else
        for (const f of size?.descendantsOfType(['field_expression', 'identifier']) ?? [])
          if (f && f.parent?.type !== 'field_expression') out.add(norm(f.text));
      const parent = c.parent;
      if (parent?.type === 'assignment_expression')
        out.add(norm(parent.childForFieldName('left')?.text ?? ''));
      if (parent?.type === 'init_declarator')
        out.add(norm(parent.childForFieldName('declarator')?.text ?? ''));
    }
  }
  const k = info.params.indexOf(p);
  const next = k >= 0 ? info.params[k + 1] : undefined;
  if (
    next &&
    /^(?:(?:const\s+)?(?:unsigned\s+)?(?:int|long|size_t|ssize_t|u?int(?:16|32|64)_t|guint|gsize|uint)|unsigned)$/.test(
      info.paramTypes.get(next)?.trim() ?? '',
    )
  )
    out.add(next);
  out.delete('');
  return [...out];
}

C_MEMORY_RULES.push(
  call({
    id: 'c.fixed-read-unchecked-length',
    cwe: ['CWE-125', 'CWE-119'],
    severity: 'warning',
    title: 'Fixed-width read from a buffer whose length is never checked',
    message: '',
    names: '*',
    check: (c, ctx) => {
      const name = c.calleeText;
      // Cheap first: every call passes here, and the reads all have a width or end in `cmp`.
      if (!/\d|cmp$/.test(name)) return false;
      let width = readWidth(name);
      if (width === undefined && (name === 'memcmp' || name === 'strncmp')) {
        // memcmp(p, "magic", 8): reads 8 bytes of p.
        const n = intLiteral(norm(c.args[2]?.text ?? ''));
        if (n !== undefined && n >= 2 && c.args[1]?.type === 'string_literal') width = n;
      }
      if (width === undefined) return false;
      const arg = c.args[0] ? unwrapCasts(c.args[0]) : undefined;
      if (arg?.type !== 'identifier') return false;
      const p = arg.text;
      // A fixed array is as long as it was declared (and another rule's question).
      if (ctx.model.arraySize(p)) return false;
      const info = ctx.model.functionAt(c.node.startIndex);
      // A snippet whose header did not parse (a macro return type) is read as a whole.
      const fn = ctx.model.enclosingFunction(c.node).node;
      const lengths = lengthsOf(ctx.model, fn, info, p, c.node.startIndex);
      if (!lengths.length) return false;
      // Any comparison of a length (or of p with an end) before the read, or around it, is a check;
      // a test of the call that produced them (`if (!get(&p, &len)) goto fail`) is not.
      for (const len of [...lengths, p])
        if (boundedBefore(ctx.model, fn, len, c.node.startIndex)) return false;
      for (const len of lengths)
        for (const cond of ctx.model.nodesIn(fn, [
          'if_statement',
          'while_statement',
          'for_statement',
          'conditional_expression',
        ])) {
          if (cond.startIndex >= c.node.startIndex) break;
          const t = cond.childForFieldName('condition');
          if (t && /[<>]|[!=]=/.test(t.text) && mentionsLvalue(t, len)) return false;
        }
      return {
        message: `${name}() reads ${width} bytes of ${p}, whose length (${lengths.join(', ')}) is never checked on the way: test ${lengths[0]} >= ${width} first.`,
      };
    },
    examples: {
      bad: [
        'void tag(const char *name, guint8 *value, guint16 value_len, int type) {\n  if (type == 3) {\n    guint v = GST_READ_UINT32_LE (value);\n    set_uint(name, v);\n  }\n}\n',
        '#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\nint is_bplist(FILE *f, long size) {\n  char *data = malloc(size + 1);\n  if (!data) return -1;\n  size_t n = fread(data, 1, size, f);\n  int r = memcmp(data, "bplist00", 8) == 0;\n  free(data);\n  return r;\n}\n',
      ],
      good: [
        'void tag(const char *name, guint8 *value, guint16 value_len, int type) {\n  if (type == 3) {\n    if (value_len < 4)\n      return;\n    guint v = GST_READ_UINT32_LE (value);\n    set_uint(name, v);\n  }\n}\n',
        '#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\nint is_bplist(FILE *f, long size) {\n  if (size < 8) return -1;\n  char *data = malloc(size + 1);\n  if (!data) return -1;\n  size_t n = fread(data, 1, size, f);\n  int r = memcmp(data, "bplist00", 8) == 0;\n  free(data);\n  return r;\n}\n',
        '#include <string.h>\nint is_gif(const unsigned char *hdr) {\n  unsigned char sig[6];\n  memcpy(sig, hdr, 6);\n  return memcmp(sig, "GIF89a", 6) == 0;\n}\n',
      ],
    },
  }),
);

/** Whether a relational comparison (`<`, `<=`, `>`, `>=`, `==`, `!=`) in the text range mentions the name. */
/** Whether the loop increments `name` (`i++`, `++i`, `i += k`, `i = i + 1`). */
function incrementedIn(loop: Node, name: string): boolean {
  for (const u of loop.descendantsOfType(['update_expression', 'assignment_expression'])) {
    if (!u) continue;
    if (u.type === 'update_expression') {
      if (/\+\+/.test(u.text) && norm(u.childForFieldName('argument')?.text ?? '') === name) return true;
    } else if (norm(u.childForFieldName('left')?.text ?? '') === name) {
      if (u.childForFieldName('operator')?.text === '+=') return true;
    }
  }
  return false;
}

/**
 * When every ordering comparison in a loop's condition sets the index against the length
 * parameter of a pointer parameter (`f(const char *s, size_t n)`: `i < n`), that parameter.
 */
function sourceLength(fn: FunctionInfo, cond: Node, i: string): string | undefined {
  let found: string | undefined;
  const cmps = [cond, ...cond.descendantsOfType('binary_expression')].filter(
    (b): b is Node =>
      !!b && b.type === 'binary_expression' && ORDERING.test(b.childForFieldName('operator')?.text ?? ''),
  );
  if (!cmps.length) return undefined;
  for (const b of cmps) {
    const l = norm(unwrapCasts(b.childForFieldName('left') ?? b).text);
    const r = norm(unwrapCasts(b.childForFieldName('right') ?? b).text);
    const other = l === i ? r : r === i ? l : undefined;
    if (!other) return undefined;
    const k = fn.params.indexOf(other);
    const prev = k > 0 ? fn.params[k - 1] : undefined;
    if (!prev || !/\*|\[/.test(fn.paramTypes.get(prev) ?? '')) return undefined;
    if (
      !/^(?:const\s+)?(?:(?:unsigned|signed)\s+)?(?:int|long|size_t|ssize_t|unsigned|u?int(?:16|32|64)_t)$/.test(
        (fn.paramTypes.get(other) ?? '').trim(),
      )
    )
      return undefined;
    if (found && found !== other) return undefined;
    found = other;
  }
  return found;
}

/** Whether every comparison of `name` in the scope sets it against `other` (and nothing else). */
function comparedOnlyWith(model: FileModel, scope: Node, name: string, other: string): boolean {
  for (const b of model.nodesIn(scope, ['binary_expression'])) {
    if (!/^(?:<|<=|>|>=|==|!=)$/.test(b.childForFieldName('operator')?.text ?? '')) continue;
    // A comparison of an element the name indexes (`s[i] != 0`) does not compare the name.
    const outside = norm(b.text).replace(/\w+\[[^\]]*\]/g, 'x');
    if (!new RegExp(`(?:^|[^\\w.>])${name}(?!\\w)`).test(outside)) continue;
    const l = norm(unwrapCasts(b.childForFieldName('left') ?? b).text);
    const r = norm(unwrapCasts(b.childForFieldName('right') ?? b).text);
    if (!((l === name && r === other) || (r === name && l === other))) return false;
  }
  return true;
}

function comparedIn(model: FileModel, scope: Node, name: string): boolean {
  for (const b of model.nodesIn(scope, ['binary_expression'])) {
    if (!/^(?:<|<=|>|>=|==|!=)$/.test(b.childForFieldName('operator')?.text ?? '')) continue;
    if (mentionsLvalue(b, name)) return true;
  }
  return false;
}

C_MEMORY_RULES.push(
  query({
    id: 'c.copy-loop-unbounded',
    cwe: ['CWE-787', 'CWE-120'],
    severity: 'warning',
    title: 'Loop copies into a fixed array until the source ends, with no bound on the index',
    message: '',
    query: {
      c: '(assignment_expression left: (subscript_expression argument: (identifier) @arr index: [(update_expression) (identifier)] @idx)) @report',
      cpp: '(assignment_expression left: (subscript_expression argument: (identifier) @arr indices: (subscript_argument_list [(update_expression) (identifier)] @idx))) @report',
    },
    check: (caps, ctx) => {
      const { arr, idx, report } = caps;
      if (!arr || !idx || !report) return false;
      const declared = ctx.model.arraySize(arr.text);
      if (!declared) return false;
      const counted = idx.type === 'identifier';
      const i = counted ? idx.text : norm(idx.childForFieldName('argument')?.text ?? '');
      if (!/^[A-Za-z_]\w*$/.test(i) || (!counted && !/\+\+/.test(idx.text))) return false;
      const loop = enclosingLoop(report);
      if (!loop) return false;
      const cond = loop.childForFieldName('condition');
      if (!cond) return false;
      const fn = ctx.model.enclosingFunction(report).node;
      // `out[i] = ...` with i the loop's own counter (incremented in the loop), into an array this
      // function declares (array sizes are known by name across the file), that the loop does not
      // walk itself (`for (i = 0; line[i]; i++) line[i] = ...`).
      if (counted) {
        if (!incrementedIn(loop, i)) return false;
        if (
          !fn
            .descendantsOfType('array_declarator')
            .some((d) => d?.childForFieldName('declarator')?.text === arr.text)
        )
          return false;
        if (new RegExp(`\\b${arr.text}\\[`).test(norm(cond.text))) return false;
      }
      // A loop that runs until the data says stop (`while (*in)`, `while ((c = getc(f)) != EOF)`):
      // its condition orders nothing, so it bounds no count. Any comparison of the index in the
      // function (a bound before the write or after it in the loop body, `if (i == sizeof out - 1)
      // break;`) counts.
      if (!ORDERING.test(cond.text)) {
        if (comparedIn(ctx.model, fn, i)) return false;
        return {
          message: `${arr.text}[${counted ? i : `${i}++`}] is written on each turn of a loop that ends only when the source does, and nothing compares ${i} with ${declared}: a longer input writes past the end of ${arr.text}. Stop the loop at ${i} < sizeof ${arr.text} - 1.`,
        };
      }
      // A loop bounded only by the source's length (`f(const char *s, size_t n)`: `i < n`), with
      // the index compared with nothing else: the destination's size bounds nothing.
      const source = sourceLength(ctx.model.functionAt(report.startIndex), cond, i);
      if (
        !source ||
        !comparedOnlyWith(ctx.model, fn, i, source) ||
        !comparedOnlyWith(ctx.model, fn, source, i)
      )
        return false;
      return {
        message: `${arr.text}[${i}] is written on each turn of a loop bounded only by ${source}, the source's length, and nothing compares ${i} with ${declared}: a source longer than ${arr.text} writes past its end. Stop the loop at ${i} < sizeof ${arr.text} - 1 as well.`,
      };
    },
    examples: {
      bad: [
        '#include <stdio.h>\nvoid echo(const char *in) {\n  char out[64];\n  int i = 0;\n  while (*in)\n    out[i++] = *in++;\n  out[i] = 0;\n  puts(out);\n}\n',
        '#include <stdio.h>\nint read_word(FILE *f, char *dst) {\n  char word[32];\n  int c, n = 0;\n  while ((c = fgetc(f)) != EOF && c != 0x20)\n    word[n++] = (char)c;\n  word[n] = 0;\n  return n;\n}\n',
        // Bounded by the source's length only.
        'int parse(const char *s, size_t n) {\n  char word[16];\n  size_t i = 0;\n  while (i < n && s[i] != 0x20) {\n    word[i] = s[i];\n    i++;\n  }\n  word[i] = 0;\n  return lookup_word(word);\n}\n',
      ],
      good: [
        '#include <stdio.h>\nvoid echo(const char *in) {\n  char out[64];\n  int i = 0;\n  while (*in && i < (int)sizeof(out) - 1)\n    out[i++] = *in++;\n  out[i] = 0;\n  puts(out);\n}\n',
        '#include <stdio.h>\nint read_word(FILE *f, char *dst) {\n  char word[32];\n  int c, n = 0;\n  while ((c = fgetc(f)) != EOF && c != 0x20) {\n    word[n++] = (char)c;\n    if (n == 31) break;\n  }\n  word[n] = 0;\n  return n;\n}\n',
        'void fill(const int *src, int n) {\n  int out[16];\n  int k = 0;\n  for (int j = 0; j < n && j < 16; j++)\n    out[k++] = src[j];\n}\n',
        'int parse(const char *s, size_t n) {\n  char word[16];\n  size_t i = 0;\n  while (i < n && i < sizeof(word) - 1 && s[i] != 0x20) {\n    word[i] = s[i];\n    i++;\n  }\n  word[i] = 0;\n  return lookup_word(word);\n}\n',
        'int parse(const char *s, size_t n) {\n  char word[16];\n  if (n >= sizeof(word)) return -1;\n  for (size_t i = 0; i < n; i++)\n    word[i] = s[i];\n  word[n] = 0;\n  return lookup_word(word);\n}\n',
      ],
    },
  }),
);

C_MEMORY_RULES.push(
  call({
    id: 'c.copy-exceeds-allocation',
    cwe: ['CWE-787', 'CWE-122'],
    severity: 'warning',
    title: 'Copy into a heap block whose size is another value, with no check between them',
    message: '',
    names: '*',
    callee: /^(?:mem(?:cpy|move)|strncpy)$/,
    check: (c, ctx) => {
      const [dst, , n] = c.args;
      if (!dst || !n) return false;
      const d = unwrapCasts(dst);
      if (d.type !== 'identifier') return false;
      const b = ctx.taint.latestBinding(d.text, c.node.startIndex);
      const alloc = b?.kind === 'assign' && b.value ? unwrapCasts(b.value) : undefined;
      if (alloc?.type !== 'call_expression' || !SIZED_ALLOC.test(calleeName(alloc))) return false;
      const aargs = alloc.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => !!a) ?? [];
      const sizeArgs = /calloc$/.test(calleeName(alloc))
        ? aargs.slice(0, 2)
        : [aargs[/realloc$/.test(calleeName(alloc)) ? 1 : 0]].filter((a): a is Node => !!a);
      if (!sizeArgs.length) return false;
      // The copy's length: a value of its own (not a constant, not one the size was computed from
      // or computed from the size, not a minimum).
      const nTerms = sizeTerms(n);
      if (!nTerms.size || [...nTerms].every((t) => /^[A-Z][A-Z0-9_]*$/.test(t))) return false;
      if (/\b(?:MIN|min|FFMIN|MIN2|g_min)\b|\?/.test(n.text)) return false;
      // A length measured on a string (`strcspn(p, ":")`) or a remainder (`end - pos`) is tied to the
      // block by the program's own bookkeeping; a length the data or the caller gives is not.
      const nv = unwrapCasts(n);
      const lenValue =
        nv.type === 'identifier' ? (ctx.taint.latestBinding(nv.text, c.node.startIndex)?.value ?? nv) : nv;
      const arithmetic = (x: Node) =>
        x.type === 'call_expression' ||
        (x.type === 'binary_expression' && x.childForFieldName('operator')?.text === '-') ||
        x
          .descendantsOfType(['call_expression', 'binary_expression'])
          .some(
            (y) => !!y && (y.type === 'call_expression' || y.childForFieldName('operator')?.text === '-'),
          );
      if (arithmetic(n) || arithmetic(lenValue)) return false;
      const mTerms = new Set(sizeArgs.flatMap((a) => [...sizeTerms(a)]));
      if (related(ctx, nTerms, mTerms, c.node.startIndex)) return false;
      const fn = ctx.model.enclosingFunction(c.node).node;
      // A block the function walks (`dst += n`) has its offsets kept by the program.
      if (assignedBetween(ctx.model, fn, d.text, alloc.endIndex, fn.endIndex)) return false;
      // Any ordering test of the length before the copy, or deciding it, counts as a check.
      for (const t of nTerms) {
        if (boundedBefore(ctx.model, fn, t, c.node.startIndex)) return false;
        if (guardedUse(c.node, t)) return false;
      }
      const size = sizeArgs.map((a) => norm(a.text)).join(' * ');
      const len = norm(n.text);
      return {
        node: n,
        message: `${d.text} was allocated with ${size} bytes on line ${alloc.startPosition.row + 1}, and ${c.name}() copies ${len} bytes into it with nothing comparing ${len} with ${size}: a larger ${len} writes past the end of the block. Check ${len} <= ${size} first (or allocate ${len}).`,
      };
    },
    examples: {
      bad: [
        '#include <stdlib.h>\n#include <string.h>\nstruct pkt { size_t cap, len; const char *data; };\nchar *dup_payload(const struct pkt *pk) {\n  char *out = malloc(pk->cap);\n  if (!out) return NULL;\n  memcpy(out, pk->data, pk->len);\n  return out;\n}\n',
        '#include <stdlib.h>\n#include <string.h>\nchar *copy_name(const char *src, size_t srclen) {\n  char *name = malloc(64);\n  if (!name) return NULL;\n  memcpy(name, src, srclen);\n  return name;\n}\n',
      ],
      good: [
        '#include <stdlib.h>\n#include <string.h>\nstruct pkt { size_t cap, len; const char *data; };\nchar *dup_payload(const struct pkt *pk) {\n  if (pk->len > pk->cap) return NULL;\n  char *out = malloc(pk->cap);\n  if (!out) return NULL;\n  memcpy(out, pk->data, pk->len);\n  return out;\n}\n',
        '#include <stdlib.h>\n#include <string.h>\nchar *copy_name(const char *src, size_t srclen) {\n  char *name = malloc(srclen + 1);\n  if (!name) return NULL;\n  memcpy(name, src, srclen);\n  name[srclen] = 0;\n  return name;\n}\n',
        '#include <stdlib.h>\n#include <string.h>\nchar *copy_name(const char *src, size_t srclen) {\n  size_t cap = srclen + 1;\n  char *name = malloc(cap);\n  if (!name) return NULL;\n  memcpy(name, src, srclen);\n  return name;\n}\n',
      ],
    },
  }),
);
