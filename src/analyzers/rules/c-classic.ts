import type { Node } from 'web-tree-sitter';
import { assignedBetween, fallsThrough, guardedUse, leaves, mentionsLvalue, norm } from '../engine/c-flow.ts';
import { unwrapCasts } from '../engine/c-summaries.ts';
import type { CallSite, FileModel, FunctionInfo } from '../engine/model.ts';
import type { Rule, RuleContext, RuleHit } from '../engine/rule.ts';
import { call, query } from './c.ts';

/**
 * Classic C/C++ weaknesses (CERT C, CWE's memory-safety and API-misuse entries) that the other C
 * packs do not cover: bounds given to the wrong API (strncat, sizeof of a pointer), addresses of
 * stack objects that outlive their frame or reach free(), check-then-use races on file names,
 * privilege-drop mistakes, zeroing a secret the compiler may drop, and C++ allocation/lifetime
 * mismatches. Each rule reads declarations of the function it is in (not the whole file) and is
 * dispatched by call name or a narrow query, so an ordinary file pays little for them.
 */

// ---------------------------------------------------------------------------------------------
// Declarations of a name, read from the function's own declarations (cached per function).

type DeclKind = 'array' | 'pointer' | 'reference' | 'value' | 'function';

interface Decl {
  kind: DeclKind;
  isStatic: boolean;
  /** The declaration's type text (`char`, `std::string`, `struct sockaddr`). */
  type: string;
  param: boolean;
  at: number;
  /** An array's declared element count (text), when given. */
  size?: string;
}

const DECLS = new WeakMap<FileModel, Map<FunctionInfo, Map<string, Decl[]>>>();

/** What a declarator makes of its identifier: the declarator node right around the name decides. */
function declaratorKind(d: Node): { name: string; kind: DeclKind; size?: string } | undefined {
  let n: Node | null = d;
  let parentType = 'init_declarator';
  let size: string | undefined;
  for (let i = 0; n && i < 10; i++) {
    const type = n.type;
    if (type === 'array_declarator') size = n.childForFieldName('size')?.text;
    if (type === 'identifier' || type === 'field_identifier')
      return {
        name: n.text,
        size,
        kind:
          parentType === 'array_declarator'
            ? 'array'
            : parentType === 'pointer_declarator'
              ? 'pointer'
              : parentType === 'reference_declarator'
                ? 'reference'
                : parentType === 'function_declarator'
                  ? 'function'
                  : 'value',
      };
    if (type !== 'parenthesized_declarator') parentType = type;
    n =
      n.childForFieldName('declarator') ??
      n.namedChildren.find((c) => c?.type !== 'type_qualifier' && c?.type !== 'ms_pointer_modifier') ??
      null;
  }
  return undefined;
}

function addDecl(map: Map<string, Decl[]>, name: string, d: Decl): void {
  const list = map.get(name);
  if (list) list.push(d);
  else map.set(name, [d]);
}

function readDeclaration(decl: Node, map: Map<string, Decl[]>, param: boolean): void {
  const type = decl.childForFieldName('type')?.text ?? '';
  let isStatic = false;
  for (const c of decl.namedChildren)
    if (
      c?.type === 'storage_class_specifier' &&
      /^(?:static|extern|thread_local|_Thread_local)$/.test(c.text)
    )
      isStatic = true;
  for (const d of decl.childrenForFieldName('declarator')) {
    if (!d) continue;
    const k = declaratorKind(d);
    if (k) addDecl(map, k.name, { kind: k.kind, isStatic, type, param, at: decl.startIndex, size: k.size });
  }
}

function declsOf(model: FileModel, fn: FunctionInfo): Map<string, Decl[]> {
  let byFn = DECLS.get(model);
  if (!byFn) {
    byFn = new Map();
    DECLS.set(model, byFn);
  }
  let map = byFn.get(fn);
  if (map) return map;
  map = new Map();
  if (fn === model.topLevel) {
    // File-scope declarations only (through extern "C" blocks and #if groups).
    const walk = (n: Node, depth: number) => {
      for (const c of n.namedChildren) {
        if (!c) continue;
        if (c.type === 'declaration') readDeclaration(c, map as Map<string, Decl[]>, false);
        else if (depth < 6 && /^(?:linkage_specification|declaration_list|preproc_\w+)$/.test(c.type))
          walk(c, depth + 1);
      }
    };
    walk(model.tree.rootNode, 0);
  } else {
    let d: Node | null = fn.node.childForFieldName('declarator');
    while (d && d.type !== 'function_declarator') d = d.childForFieldName('declarator');
    for (const p of d?.childForFieldName('parameters')?.namedChildren ?? [])
      if (p && (p.type === 'parameter_declaration' || p.type === 'optional_parameter_declaration'))
        readDeclaration(p, map, true);
    for (const decl of model.nodesIn(fn.node, ['declaration'])) readDeclaration(decl, map, false);
  }
  byFn.set(fn, map);
  return map;
}

/**
 * The one declaration of `name` in the function (its parameters and locals), or undefined when
 * there is none or several that disagree (shadowing in inner blocks: the rules then stay quiet).
 */
function localDecl(model: FileModel, fn: FunctionInfo, name: string): Decl | undefined {
  const list = declsOf(model, fn).get(name);
  if (!list?.length) return undefined;
  const first = list[0] as Decl;
  for (const d of list)
    if (d.kind !== first.kind || d.isStatic !== first.isStatic || d.param !== first.param) return undefined;
  return first;
}

const DECLARED_KINDS = new WeakMap<FileModel, Map<string, Set<DeclKind>>>();

/** Every kind a name is declared with anywhere in the file: a cheap test before the per-function one. */
function declaredAnywhereAs(model: FileModel, name: string, kind: DeclKind): boolean {
  let kinds = DECLARED_KINDS.get(model);
  if (!kinds) {
    kinds = new Map();
    for (const decl of model.nodesOfType('declaration'))
      for (const d of decl.childrenForFieldName('declarator')) {
        const k = d ? declaratorKind(d) : undefined;
        if (!k) continue;
        const set = kinds.get(k.name);
        if (set) set.add(k.kind);
        else kinds.set(k.name, new Set([k.kind]));
      }
    DECLARED_KINDS.set(model, kinds);
  }
  return !!kinds.get(name)?.has(kind);
}

/** A parameter declared as an array (`char buf[64]`) is a pointer; the type text says so. */
function paramIsArray(fn: FunctionInfo, name: string): boolean {
  let d: Node | null = fn.node.childForFieldName('declarator');
  while (d && d.type !== 'function_declarator') d = d.childForFieldName('declarator');
  for (const p of d?.childForFieldName('parameters')?.namedChildren ?? []) {
    const pd = p?.childForFieldName('declarator');
    if (pd && declaratorKind(pd)?.name === name) return pd.type === 'array_declarator';
  }
  return false;
}

/** The function a `return` belongs to returns a pointer / a reference (its declarator chain says). */
function returnShape(fn: FunctionInfo): 'pointer' | 'reference' | 'other' {
  if (fn.node.type !== 'function_definition') return 'other';
  const d = fn.node.childForFieldName('declarator');
  if (d?.type === 'pointer_declarator') return 'pointer';
  if (d?.type === 'reference_declarator') return 'reference';
  return 'other';
}

const line = (n: Node): number => n.startPosition.row + 1;

/** The statement (child of a block) a node is part of. */
function statementOf(n: Node): Node {
  let s: Node = n;
  while (s.parent && !/^(?:compound_statement|translation_unit|case_statement)$/.test(s.parent.type)) {
    if (/^(?:function_definition|lambda_expression)$/.test(s.parent.type)) break;
    s = s.parent;
  }
  return s;
}

/** The next statement after the one holding `n`, in the same block. */
function nextStatement(n: Node): Node | null {
  let s: Node | null = statementOf(n).nextNamedSibling;
  while (s && s.type === 'comment') s = s.nextNamedSibling;
  return s;
}

function callsIn(ctx: RuleContext, fn: FunctionInfo): CallSite[] {
  return ctx.callsNear(fn.node);
}

/** The identifier an argument names, under casts and parentheses (`(void *)buf` -> buf). */
function argName(n: Node | undefined): string | undefined {
  if (!n) return undefined;
  const u = unwrapCasts(n);
  return u.type === 'identifier' ? u.text : undefined;
}

// ---------------------------------------------------------------------------------------------

/** Calls that take a buffer and its size: [buffer argument indices, size argument index]. */
const SIZED_BUFFER_CALLS: Record<string, [number[], number]> = {
  memcpy: [[0, 1], 2],
  memmove: [[0, 1], 2],
  memset: [[0], 2],
  memcmp: [[0, 1], 2],
  bzero: [[0], 1],
  explicit_bzero: [[0], 1],
  strncpy: [[0], 2],
  strncat: [[0], 2],
  stpncpy: [[0], 2],
  strlcpy: [[0], 2],
  strlcat: [[0], 2],
  snprintf: [[0], 1],
  vsnprintf: [[0], 1],
  fgets: [[0], 1],
  read: [[1], 2],
  recv: [[1], 2],
  fread: [[0], 1],
  getcwd: [[0], 1],
  gethostname: [[0], 1],
  readlink: [[1], 2],
  strftime: [[0], 1],
};

/** `sizeof x` / `sizeof(x)` of a bare identifier: the identifier. */
function sizeofOperand(n: Node | undefined): string | undefined {
  if (n?.type !== 'sizeof_expression') return undefined;
  const v = n.childForFieldName('value');
  if (v) {
    const u = unwrapCasts(v);
    return u.type === 'identifier' ? u.text : undefined;
  }
  // `sizeof(x)` can parse as sizeof of a type named x.
  const t = n.childForFieldName('type');
  if (t?.type === 'type_descriptor' && /^\w+$/.test(t.text)) return t.text;
  return undefined;
}

/** Names of buffers holding secrets (not lookup keys, lexer tokens or working directories). */
const SECRET_BUFFER =
  /pass(?:word|wd|phrase)|passwd|secret|^(?:key|keybuf|key_?buf|key_?data|key_?material|keymat)$|(?:priv(?:ate)?|session|master|aes|des|hmac|enc|dec|mac|sym|shared|derived|cipher|crypt|signing|wrap)_?key|(?:auth|access|api|bearer|refresh)_?token|credential|(?:^|_)pin(?:$|_)/i;

const SECURE_ZERO =
  'explicit_bzero(), memset_s(), OPENSSL_cleanse(), sodium_memzero() or SecureZeroMemory(), which the compiler may not remove';

/**
 * Calls that open, change or run a file by name, following a symlink in its place (the file name is
 * their first argument, the second for openat). Not unlink/rename/remove (they act on the link
 * itself), not mkfifo/link (they fail if the name exists), not opendir (a listing).
 */
const PATH_USE: Record<string, number> = {
  open: 0,
  open64: 0,
  fopen: 0,
  fopen64: 0,
  freopen: 0,
  creat: 0,
  chmod: 0,
  chown: 0,
  truncate: 0,
  execv: 0,
  execve: 0,
  execl: 0,
  utime: 0,
  utimes: 0,
  openat: 1,
};

/** Functions a signal handler must not call (not async-signal-safe: CERT SIG30-C). */
const SIGNAL_UNSAFE =
  /^(?:printf|fprintf|sprintf|snprintf|vprintf|vfprintf|puts|fputs|fputc|putchar|fflush|perror|syslog|malloc|calloc|realloc|free|strdup|exit|fopen|fclose|fwrite|fread|fgets|localtime|gmtime|ctime|asctime|strtok|longjmp|setlocale|getenv|strerror)$/;

/** Calls that return a std::string by value (`str` only on a stringstream, checked below). */
const STRING_TEMP_CALL =
  /^(?:str|substr|to_string|string|std::string|std::to_string|std::wstring|std::to_wstring|generic_string|u8string|toStdString)$/;

const GETC_CALL = /^(?:getc|fgetc|getchar|getc_unlocked|fgetc_unlocked|getchar_unlocked)$/;

const CONTAINER_MUTATOR =
  /^(?:push_back|emplace_back|push_front|emplace_front|insert|emplace|erase|resize|clear|reserve|assign|pop_back|pop_front|shrink_to_fit|swap|append)$/;

/** Containers whose iterators any insertion may invalidate (and erase of the current element). */
const CONTIGUOUS = /^(?:const\s+)?(?:std::)?(?:vector|basic_string|string|wstring|deque|unordered_\w+)\b/;
/** Node-based containers: only erase of the current element invalidates the loop's iterator. */
const NODE_BASED = /^(?:const\s+)?(?:std::)?(?:map|multimap|set|multiset|list|forward_list)\b/;

function allocationKind(v: Node | null | undefined): 'new' | 'new[]' | 'malloc' | undefined {
  if (!v) return undefined;
  const u = unwrapCasts(v);
  if (u.type === 'new_expression')
    // `new T[n]`, `new T *[n]`: an array declarator somewhere in the type part.
    return u.descendantsOfType('new_declarator').length ? 'new[]' : 'new';
  if (u.type === 'call_expression') {
    const f = u.childForFieldName('function')?.text.replace(/\s+/g, '') ?? '';
    if (/^(?:std::|::)?(?:malloc|calloc|realloc|strdup|strndup|reallocarray|aligned_alloc)$/.test(f))
      return 'malloc';
  }
  return undefined;
}

/** The class a node's code belongs to: the enclosing class body, or `A` of `A::f() { ... }`. */
function ownerClass(node: Node): string {
  for (let n: Node | null = node.parent; n; n = n.parent) {
    if (n.type === 'class_specifier' || n.type === 'struct_specifier')
      return n.childForFieldName('name')?.text ?? '';
    if (n.type === 'function_definition') {
      let d: Node | null = n.childForFieldName('declarator');
      while (d && d.type !== 'function_declarator') d = d.childForFieldName('declarator');
      const name = d?.childForFieldName('declarator');
      if (name?.type === 'qualified_identifier') return name.childForFieldName('scope')?.text ?? '';
    }
  }
  return '';
}

const RELEASE_NAME: Record<'new' | 'new[]' | 'malloc', string> = {
  new: 'delete',
  'new[]': 'delete[]',
  malloc: 'free()',
};

/**
 * How the object an lvalue points to was allocated: every `lv = ...` / `T *lv = ...` in `scope`
 * (the function for a local, else the file: members set in a constructor, released in the
 * destructor). Undefined when there is none, or they disagree, or any is something else.
 */
function allocationOf(
  model: FileModel,
  scope: Node,
  lv: string,
  owner?: string,
): 'new' | 'new[]' | 'malloc' | undefined {
  let kind: 'new' | 'new[]' | 'malloc' | undefined;
  const bare = lv.replace(/^this->/, '');
  for (const n of model.nodesIn(scope, ['assignment_expression', 'init_declarator'])) {
    // A member: only the same class's code decides (another class may own a member of that name).
    if (owner !== undefined && ownerClass(n) !== owner) continue;
    let value: Node | null;
    if (n.type === 'assignment_expression') {
      const left = norm(n.childForFieldName('left')?.text ?? '');
      if (left !== lv && left.replace(/^this->/, '') !== bare) continue;
      value = n.childForFieldName('right');
    } else {
      const d = n.childForFieldName('declarator');
      if (!d || declaratorKind(d)?.name !== lv) continue;
      value = n.childForFieldName('value');
    }
    // `new T *[n]` does not parse (tree-sitter-cpp): an allocation next to an error is unknown.
    if (n.hasError || n.parent?.hasError) return undefined;
    const k = allocationKind(value);
    if (!k) {
      // nullptr / NULL / 0 resets do not decide; anything else (another pointer) does: unknown.
      if (value && /^(?:nullptr|NULL|0)$/.test(value.text)) continue;
      return undefined;
    }
    if (kind && kind !== k) return undefined;
    kind = k;
  }
  return kind;
}

/** The array a name declares in the function, else at file scope (not a parameter: those are pointers). */
function arrayDecl(model: FileModel, fn: FunctionInfo, name: string): Decl | undefined {
  if (!declaredAnywhereAs(model, name, 'array')) return undefined;
  const d = declsOf(model, fn).has(name)
    ? localDecl(model, fn, name)
    : localDecl(model, model.topLevel, name);
  return d && d.kind === 'array' && !d.param ? d : undefined;
}

/** Element types wider than a byte (so sizeof(array) is more than its element count). */
const WIDE_ELEMENT =
  /^(?:(?:const|volatile|static)\s+)*(?:(?:unsigned|signed)\s+)?(?:int|long|short|float|double|long\s+long|size_t|ssize_t|off_t|ptrdiff_t|u?int(?:16|32|64)_t|wchar_t|char16_t|char32_t|unsigned|uint|ulong|u16|u32|u64|s16|s32|s64|DWORD|WORD|struct\s+\w+)(?:\s+int)?$/;

const PATH_MAX_BYTES = 4096;

/** Reads of external data that yield a number or a length (a size an attacker picks). */
const EXTERNAL_SIZE =
  /\b(?:atoi|atol|atoll|strtol|strtoul|strtoll|strtoull|ntohs|ntohl|be16toh|be32toh|be64toh|le16toh|le32toh|getenv|secure_getenv|argv)\b/;

/**
 * The external read a stack-size expression comes from: the expression itself, or an identifier
 * in it assigned (once or twice removed) from atoi(), ntohl(), strlen(argv[1])...; with the
 * identifier, so its checks can be looked for.
 */
function externalSize(ctx: RuleContext, size: Node): { via?: string; source: string } | undefined {
  if (EXTERNAL_SIZE.test(size.text)) return { source: size.text };
  const names = size.type === 'identifier' ? [size] : size.descendantsOfType('identifier');
  for (const id of names) {
    if (!id || /^[A-Z][A-Z0-9_]*$/.test(id.text)) continue;
    let v: Node = id;
    for (let hop = 0; hop < 2; hop++) {
      const r = ctx.resolve(v);
      if (r === v || r.equals(v)) break;
      if (EXTERNAL_SIZE.test(r.text)) return { via: id.text, source: r.text };
      if (r.type !== 'identifier') break;
      v = r;
    }
  }
  return undefined;
}

/** Shared, world-writable directories where another user can plant a file or symlink first. */
const SHARED_TMP = /^"?\/(?:var\/)?tmp\/|^"?\/dev\/shm\//;

/**
 * Names of values whose comparison time must not depend on their content: MACs, computed or
 * received digests and signatures, bearer tokens, which an attacker can forge byte by byte through
 * the timing. Not a bare `signature`/`digest` (file-format magic numbers, checksums of files), and
 * not passwords (a plaintext password compared at all is a storage problem first).
 */
const SECRET_COMPARED =
  /hmac|(?:^|_)mac_?(?:tag|value)|(?:expected|computed|calculated|calc|received|given|provided)_?(?:mac|digest|signature|sig|hash)|auth_?tag|(?:csrf|auth|session|api|access|reset)_?token|api_?key|secret|(?:^|_)otp(?:_|$)/i;

/**
 * The /tmp name a path variable was given before `at`: a literal assigned to it, or the literal
 * format or source of the call that filled it (snprintf(path, n, "/tmp/x-%d", ...), strcpy(path, "/tmp/x")).
 */
function sharedTmpName(ctx: RuleContext, path: Node, at: number): string | undefined {
  for (const b of ctx.taint.bindingsOf(path.text, at)) {
    if (!b.value || b.at > at) continue;
    const literal =
      b.value.type === 'call_expression'
        ? b.value.childForFieldName('arguments')?.namedChildren.find((a) => a?.type === 'string_literal')
        : b.value;
    const v = literal ? ctx.stringValue(literal) : undefined;
    if (v !== undefined && SHARED_TMP.test(v)) return v;
  }
  return undefined;
}

/** Lock/unlock pairs: a return between them leaves the lock held. */
const UNLOCK_OF: Record<string, RegExp> = {
  pthread_mutex_lock: /^pthread_mutex_unlock$/,
  pthread_rwlock_rdlock: /^pthread_rwlock_unlock$/,
  pthread_rwlock_wrlock: /^pthread_rwlock_unlock$/,
  pthread_spin_lock: /^pthread_spin_unlock$/,
  mtx_lock: /^mtx_unlock$/,
  EnterCriticalSection: /^LeaveCriticalSection$/,
};

/** Whether `inner` lies within `outer`'s span. */
function within(inner: Node, outer: Node): boolean {
  return inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex;
}

/** A delete or free() of `arg` whose pointer the file allocated with the other operator. */
function mismatchedRelease(arg: Node, report: Node, ctx: RuleContext): RuleHit {
  const a = unwrapCasts(arg);
  if (!/^(?:identifier|field_expression)$/.test(a.type)) return false;
  const lv = norm(a.text);
  const released: 'new' | 'new[]' | 'malloc' =
    report.type === 'call_expression' ? 'malloc' : /^delete\s*\[/.test(report.text) ? 'new[]' : 'new';
  const fn = ctx.model.enclosingFunction(report);
  const local = a.type === 'identifier' ? localDecl(ctx.model, fn, lv) : undefined;
  // A local's allocations are in its function; a member's anywhere in the file.
  const scope = local && !local.param ? fn.node : ctx.model.tree.rootNode;
  if (local?.param) return false;
  if (a.type === 'identifier' && !local && declsOf(ctx.model, fn).has(lv)) return false;
  const allocated = allocationOf(
    ctx.model,
    scope,
    lv,
    local && !local.param ? undefined : ownerClass(report),
  );
  if (!allocated || allocated === released) return false;
  const how = allocated === 'new[]' ? 'new[]' : allocated === 'new' ? 'new' : 'malloc()';
  return {
    message: `${lv} comes from ${how} and is released with ${released === 'malloc' ? 'free()' : released === 'new[]' ? 'delete[]' : 'delete'}: the mismatch is undefined behaviour (destructors skipped, the allocator's bookkeeping corrupted). Release it with ${RELEASE_NAME[allocated]}, or hold it in std::vector / std::unique_ptr<T[]>.`,
  };
}

/** A stack allocation (`what`) whose size comes from external input with no comparison first. */
function unboundedStackSize(size: Node, report: Node, ctx: RuleContext, what: string): RuleHit {
  if (/^(?:number_literal|sizeof_expression)$/.test(size.type) || /^[A-Z][A-Z0-9_]*$/.test(size.text))
    return false;
  const ext = externalSize(ctx, size);
  if (!ext) return false;
  // A string (getenv, argv): only a test of its length bounds it (a NULL test does not).
  const text = /\b(?:getenv|secure_getenv|argv)\b/.test(ext.source) && !/\bato|\bstrto/.test(ext.source);
  if (ext.via && text) {
    const esc = ext.via.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const fn = ctx.model.enclosingFunction(report);
    if (
      new RegExp(`strn?len\\s*\\(\\s*${esc}\\b[^)]*\\)\\s*(?:<|<=|>|>=)`).test(
        ctx.source.slice(fn.start, report.startIndex),
      )
    )
      return false;
  }
  // Any check of the size variable before the allocation (or around it) bounds it.
  else if (ext.via && guardedUse(report, ext.via)) return false;
  if (ext.via && !text) {
    const fn = ctx.model.enclosingFunction(report);
    const esc = ext.via.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const before = ctx.source.slice(fn.start, report.startIndex);
    if (
      new RegExp(`\\b${esc}\\s*(?:<|<=|>|>=)|(?:<|<=|>|>=)\\s*${esc}\\b|\\bMIN\\s*\\(|\\bmin\\s*\\(`).test(
        before,
      )
    )
      return false;
  }
  return {
    message: `${what} takes its size from ${ext.source.length > 60 ? 'external input' : ext.source} with no upper bound: a large or negative value moves the stack pointer past the guard page (a crash, or writes into other memory). Check the size against a fixed limit first, or allocate with malloc and check the result.`,
  };
}

/** Stream openers and the call that releases what they return. */
const CLOSE_OF: Record<string, RegExp> = {
  fopen: /^fclose$/,
  fopen64: /^fclose$/,
  fdopen: /^fclose$/,
  freopen: /^fclose$/,
  tmpfile: /^fclose$/,
  opendir: /^closedir$/,
  fdopendir: /^closedir$/,
  popen: /^pclose$/,
};

/** Whether `r` sits in the branch of an `if` (inside `top`) that runs when `v` is NULL. */
function inNullBranch(r: Node, v: string, top: Node): boolean {
  const esc = v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const nullTest = new RegExp(
    `!\\s*\\(?\\s*${esc}\\b|\\b${esc}\\s*==\\s*(?:\\([^()]*\\)\\s*)?(?:NULL|0|nullptr)\\b|\\b(?:NULL|nullptr)\\s*==\\s*${esc}\\b`,
  );
  let child: Node = r;
  for (let n: Node | null = r.parent; n && !n.equals(top); n = n.parent) {
    if (n.type === 'if_statement') {
      const cons = n.childForFieldName('consequence');
      const cond = n.childForFieldName('condition');
      if (cons && cond && cons.equals(child) && nullTest.test(cond.text)) return true;
    }
    child = n;
  }
  return false;
}

/** The innermost block (`{ ... }`) around a node; a labelled statement's block is its label's. */
function blockOf(n: Node): Node {
  let b: Node | null = n.parent;
  while (b && b.type !== 'compound_statement' && !/^(?:function_definition|translation_unit)$/.test(b.type))
    b = b.parent;
  return b ?? n;
}

/**
 * A resource taken at `acquire` (a lock, an open stream) and released by `release(resource)` calls
 * later in `fn`: the last release, the returns after the acquiring statement, in its block and
 * before that last release (in order), and whether an earlier release in a block around a return
 * covers it. Undefined when `fn` never releases it (handed to the caller on purpose).
 */
function releasePaths(
  ctx: RuleContext,
  fn: FunctionInfo,
  acquire: Node,
  stmt: Node,
  block: Node,
  release: RegExp,
  resource: string,
): { last: CallSite; returns: Node[]; released: (r: Node) => boolean } | undefined {
  const releases = callsIn(ctx, fn).filter(
    (o) =>
      o.node.startIndex > acquire.endIndex &&
      release.test(o.name) &&
      !o.receiver &&
      norm(o.args[0]?.text ?? '') === resource,
  );
  const last = releases[releases.length - 1];
  if (!last) return undefined;
  const returns = fn.node
    .descendantsOfType('return_statement')
    .filter(
      (r): r is Node =>
        !!r &&
        r.startIndex > stmt.endIndex &&
        r.startIndex < last.node.startIndex &&
        within(r, block) &&
        ctx.model.enclosingFunction(r) === fn,
    );
  const released = (r: Node) =>
    releases.some((u) => u.node.startIndex < r.startIndex && within(r, blockOf(u.node)));
  return { last, returns, released };
}

function functionName(fn: FunctionInfo): string | undefined {
  let d: Node | null = fn.node.childForFieldName('declarator');
  while (d && d.type !== 'function_declarator') d = d.childForFieldName('declarator');
  return d?.childForFieldName('declarator')?.text;
}

const RETURNS_REFERENCE = new WeakMap<FileModel, boolean>();

/** Whether any function of the file returns a reference (only those can return a local by reference). */
function returnsReference(model: FileModel): boolean {
  let r = RETURNS_REFERENCE.get(model);
  if (r === undefined) {
    r = model.functions.some((f) => returnShape(f) === 'reference');
    RETURNS_REFERENCE.set(model, r);
  }
  return r;
}

export const C_CLASSIC_RULES: Rule[] = [
  call({
    id: 'c.strncat-size',
    cwe: ['CWE-787', 'CWE-193'],
    severity: 'error',
    title: "strncat() bounded by the destination's whole size",
    message: '',
    names: ['strncat', 'wcsncat'],
    check: (c, ctx) => {
      const dst = argName(c.args[0]);
      const size = c.args[2];
      if (!dst || !size) return false;
      const fn = ctx.model.enclosingFunction(c.node);
      const decl = localDecl(ctx.model, fn, dst);
      const t = norm(size.text);
      let declared: string | undefined;
      if (decl?.kind === 'array' && !decl.param) declared = decl.size ? norm(decl.size) : undefined;
      else {
        // A buffer the caller passes with its size (`char *dst, size_t dstsz`): the size parameter,
        // never reassigned, is the whole buffer's size, not the room left in it.
        const sizeName = t.replace(/-1$/, '');
        if (
          !fn.params.includes(dst) ||
          !fn.params.includes(sizeName) ||
          !/\*/.test(fn.paramTypes.get(dst) ?? '') ||
          /\*/.test(fn.paramTypes.get(sizeName) ?? '') ||
          !/\b(?:size_t|int|unsigned|long|u?int\d+_t)\b/.test(fn.paramTypes.get(sizeName) ?? '') ||
          assignedBetween(ctx.model, fn.node, sizeName, fn.node.startIndex, c.node.startIndex)
        )
          return false;
        declared = sizeName;
      }
      const whole =
        (!!decl && (t === `sizeof(${dst})` || t === `sizeof${dst}`)) || (!!declared && t === declared);
      const minusOne =
        (!!decl && (t === `sizeof(${dst})-1` || t === `sizeof${dst}-1`)) ||
        (!!declared && t === `${declared}-1`);
      if (!whole && !minusOne) return false;
      // The caller's buffer may hold anything on entry: only an append after a write into it counts.
      if (minusOne || decl?.kind !== 'array' || decl.param) {
        // `sizeof dst - 1` is right for an empty destination: report it when the destination
        // already holds text (an earlier write into it, or the append runs in a loop).
        let loop: Node | null = c.node.parent;
        while (
          loop &&
          !/^(?:for_statement|while_statement|do_statement|for_range_loop|function_definition)$/.test(
            loop.type,
          )
        )
          loop = loop.parent;
        const inLoop = !!loop && loop.type !== 'function_definition';
        const written = callsIn(ctx, fn).some(
          (o) =>
            o.node.startIndex < c.node.startIndex &&
            /^(?:strcpy|strncpy|strcat|strncat|sprintf|snprintf|memcpy|stpcpy|strlcpy|strlcat|wcscpy|wcscat|wcsncat)$/.test(
              o.name,
            ) &&
            argName(o.args[0]) === dst,
        );
        if (!inLoop && !written) return false;
      }
      return {
        message: `strncat()'s third argument is how many characters to append, not the size of ${dst}: with ${size.text} it writes past the end once ${dst} holds any text (and the NUL needs a byte too). Pass sizeof(${dst}) - strlen(${dst}) - 1, or build the string with snprintf.`,
      };
    },
    examples: {
      bad: [
        '#include <string.h>\nvoid greet(const char *name) {\n  char msg[32] = "Hello, ";\n  strncat(msg, name, sizeof(msg));\n  puts(msg);\n}\n',
        '#include <string.h>\n#define PATH_LEN 256\nvoid join(const char *dir, const char *file) {\n  char path[PATH_LEN];\n  strcpy(path, dir);\n  strncat(path, file, PATH_LEN - 1);\n  puts(path);\n}\n',
        '#include <string.h>\nvoid list(char **items, int n) {\n  char line[128];\n  line[0] = 0;\n  for (int i = 0; i < n; i++)\n    strncat(line, items[i], sizeof line - 1);\n  puts(line);\n}\n',
        '#include <string.h>\nvoid full_name(char *out, size_t outsz, const char *first, const char *last) {\n  out[0] = 0;\n  strncat(out, first, outsz - 1);\n  strncat(out, last, outsz - 1);\n}\n',
      ],
      good: [
        '#include <string.h>\nvoid greet(const char *name) {\n  char msg[32] = "Hello, ";\n  strncat(msg, name, sizeof(msg) - strlen(msg) - 1);\n  puts(msg);\n}\n',
        '#include <string.h>\n#define PATH_LEN 256\nvoid join(const char *dir, const char *file) {\n  char path[PATH_LEN];\n  strcpy(path, dir);\n  strncat(path, file, PATH_LEN - strlen(path) - 1);\n  puts(path);\n}\n',
        '#include <string.h>\nvoid copy(const char *src) {\n  char buf[64];\n  buf[0] = 0;\n  strncat(buf, src, sizeof(buf) - 1);\n  puts(buf);\n}\n',
        '#include <string.h>\nvoid full_name(char *out, size_t outsz, const char *first, const char *last) {\n  out[0] = 0;\n  strncat(out, first, outsz - 1);\n  strncat(out, last, outsz - strlen(out) - 1);\n}\n',
      ],
    },
  }),
  call({
    id: 'c.sizeof-pointer-size',
    cwe: ['CWE-467'],
    severity: 'warning',
    title: 'Buffer size given as sizeof of a pointer',
    message: '',
    names: Object.keys(SIZED_BUFFER_CALLS),
    check: (c, ctx) => {
      if (c.receiver) return false;
      const spec = SIZED_BUFFER_CALLS[c.name];
      if (!spec) return false;
      let size = c.args[spec[1]];
      // `sizeof(p) - 1` as well as `sizeof(p)`.
      if (size?.type === 'binary_expression' && /^[-+]$/.test(size.childForFieldName('operator')?.text ?? ''))
        size = size.childForFieldName('left') ?? undefined;
      const name = sizeofOperand(size);
      if (!name || !spec[0].some((i) => argName(c.args[i]) === name)) return false;
      const fn = ctx.model.enclosingFunction(c.node);
      const decl = localDecl(ctx.model, fn, name);
      if (decl?.kind !== 'pointer') {
        // `char buf[64]` as a parameter is a pointer too.
        if (!decl?.param || decl.kind !== 'array' || !paramIsArray(fn, name)) return false;
        return {
          message: `${name} is a parameter declared as an array, so it is a pointer and sizeof(${name}) is the size of a pointer (8 bytes), not of the caller's buffer: pass the buffer's size as a parameter and use it.`,
        };
      }
      return {
        message: `${name} is a pointer, so sizeof(${name}) is the size of the pointer (8 bytes), not of the buffer it points to: ${c.name}() ${c.name.startsWith('mem') || c.name.includes('zero') ? 'covers' : 'is bounded by'} the wrong length. Use the buffer's real size (a length variable, or sizeof(*${name}) times the count).`,
      };
    },
    examples: {
      bad: [
        '#include <string.h>\n#include <stdlib.h>\nchar *dup_name(const char *name) {\n  char *copy = malloc(64);\n  if (!copy) return NULL;\n  strncpy(copy, name, sizeof(copy) - 1);\n  copy[63] = 0;\n  return copy;\n}\n',
        '#include <string.h>\nstruct session { char user[32]; int uid; };\nvoid reset(struct session *s) {\n  memset(s, 0, sizeof(s));\n}\n',
        '#include <stdio.h>\nint read_line(FILE *f, char buf[256]) {\n  return fgets(buf, sizeof(buf), f) != NULL;\n}\n',
      ],
      good: [
        '#include <string.h>\n#include <stdlib.h>\nchar *dup_name(const char *name) {\n  char *copy = malloc(64);\n  if (!copy) return NULL;\n  strncpy(copy, name, 64 - 1);\n  copy[63] = 0;\n  return copy;\n}\n',
        '#include <string.h>\nstruct session { char user[32]; int uid; };\nvoid reset(struct session *s) {\n  memset(s, 0, sizeof(*s));\n}\n',
        '#include <stdio.h>\nint read_line(FILE *f, char *buf, size_t size) {\n  return fgets(buf, size, f) != NULL;\n}\n',
        '#include <string.h>\nvoid clear(void) {\n  char buf[256];\n  memset(buf, 0, sizeof(buf));\n}\n',
      ],
    },
  }),
  query({
    id: 'c.return-stack-address',
    cwe: ['CWE-562'],
    severity: 'error',
    title: 'Address of a local variable returned',
    message: '',
    query:
      '(return_statement [(identifier) (pointer_expression) (cast_expression) (call_expression)] @value) @report',
    check: (caps, ctx) => {
      const value = caps.value;
      if (!value) return false;
      const v = unwrapCasts(value);
      // Cheap shape tests before the function is looked up: most returns name a scalar or call a
      // function. Needed: a local array (C) or object (C++), &local, or (C++) local.c_str().
      if (v.type === 'identifier') {
        // (The model's table of sized arrays first: building the table of all declarations costs.)
        if (
          ctx.model.arraySize(v.text) === undefined &&
          (ctx.language !== 'cpp' ||
            !returnsReference(ctx.model) ||
            !declaredAnywhereAs(ctx.model, v.text, 'value'))
        )
          return false;
      } else if (v.type === 'pointer_expression') {
        if (!v.text.startsWith('&') || v.childForFieldName('argument')?.type !== 'identifier') return false;
      } else if (v.type === 'call_expression') {
        const f = v.childForFieldName('function');
        if (ctx.language !== 'cpp' || f?.type !== 'field_expression') return false;
        const field = f.childForFieldName('field')?.text;
        if (field !== 'c_str' && field !== 'data') return false;
      } else return false;
      const fn = ctx.model.enclosingFunction(value);
      const shape = returnShape(fn);
      if (shape === 'other') return false;
      const stack = (name: string, what: string): { message: string } | false => {
        const d = localDecl(ctx.model, fn, name);
        if (!d || d.isStatic) return false;
        if (what === 'array' && !(d.kind === 'array' && !d.param)) return false;
        if (what === 'address' && !(d.kind === 'value' || d.kind === 'array' || d.kind === 'pointer'))
          return false;
        if (what === 'reference' && !(d.kind === 'value' || d.kind === 'array')) return false;
        // An owning container (std::string, std::vector, std::array); a view or span owns nothing.
        if (
          what === 'buffer' &&
          (d.kind !== 'value' || d.param || !/string|vector|array/.test(d.type) || /_view|span/.test(d.type))
        )
          return false;
        const where = d.param ? 'a parameter (a copy on the stack)' : 'a local variable';
        return {
          message: `${name} is ${where}: its storage ends when the function returns, so the caller gets a dangling ${shape === 'reference' ? 'reference' : 'pointer'}. Return a heap copy (malloc/strdup, or a std::string by value), take the caller's buffer as a parameter, or make the object static.`,
        };
      };
      if (v.type === 'identifier') return stack(v.text, shape === 'reference' ? 'reference' : 'array');
      if (shape !== 'pointer') return false;
      if (v.type === 'pointer_expression' && v.text.startsWith('&')) {
        const arg = v.childForFieldName('argument');
        return arg?.type === 'identifier' ? stack(arg.text, 'address') : false;
      }
      if (v.type === 'call_expression' && ctx.language === 'cpp') {
        const f = v.childForFieldName('function');
        const field = f?.type === 'field_expression' ? f.childForFieldName('field')?.text : undefined;
        const obj = f?.childForFieldName('argument');
        if (
          f?.childForFieldName('operator')?.text === '.' &&
          (field === 'c_str' || field === 'data') &&
          obj?.type === 'identifier'
        )
          return stack(obj.text, 'buffer');
      }
      return false;
    },
    examples: {
      bad: [
        '#include <stdio.h>\nchar *format_id(int id) {\n  char buf[16];\n  snprintf(buf, sizeof buf, "id-%d", id);\n  return buf;\n}\n',
        'struct point { int x, y; };\nstruct point *origin(void) {\n  struct point p = {0, 0};\n  return &p;\n}\n',
        {
          code: '#include <string>\nconst char *greeting(const std::string &name) {\n  std::string s = "Hello, " + name;\n  return s.c_str();\n}\n',
          language: 'cpp',
        },
        {
          code: '#include <string>\nconst std::string &label(int n) {\n  std::string s = std::to_string(n);\n  return s;\n}\n',
          language: 'cpp',
        },
      ],
      good: [
        '#include <stdio.h>\n#include <string.h>\nchar *format_id(int id) {\n  char buf[16];\n  snprintf(buf, sizeof buf, "id-%d", id);\n  return strdup(buf);\n}\n',
        '#include <stdio.h>\nchar *format_id(int id) {\n  static char buf[16];\n  snprintf(buf, sizeof buf, "id-%d", id);\n  return buf;\n}\n',
        'struct point { int x, y; };\nstruct point origin(void) {\n  struct point p = {0, 0};\n  return p;\n}\n',
        {
          code: '#include <string>\nstd::string greeting(const std::string &name) {\n  std::string s = "Hello, " + name;\n  return s;\n}\n',
          language: 'cpp',
        },
        {
          code: '#include <string>\nstd::string format_id(int id) {\n  char buf[16];\n  snprintf(buf, sizeof buf, "id-%d", id);\n  return buf;\n}\n',
          language: 'cpp',
        },
        'char *skip_spaces(char *s) {\n  char *p = s;\n  while (*p == 32) p++;\n  return p;\n}\n',
      ],
    },
  }),
  call({
    id: 'c.free-non-heap',
    cwe: ['CWE-590', 'CWE-762'],
    severity: 'error',
    title: 'free() of memory not from malloc',
    message: '',
    names: ['free'],
    check: (c, ctx) => {
      if (c.receiver || c.calleeText !== 'free' || c.args.length !== 1) return false;
      const a = unwrapCasts(c.args[0] as Node);
      const say = (what: string) => ({
        message: `free() is given ${what}, which malloc() did not return: the allocator's state is corrupted (a crash, or a write primitive for an attacker). Free only pointers from malloc/calloc/realloc/strdup.`,
      });
      if (a.type === 'string_literal') return say('a string literal');
      if (a.type === 'pointer_expression' && a.text.startsWith('&')) {
        const arg = a.childForFieldName('argument');
        if (arg?.type !== 'identifier') return false;
        // C++: &r of a reference is the address of what it refers to (a heap object, maybe).
        if (ctx.language === 'cpp') {
          const fn = ctx.model.enclosingFunction(c.node);
          const d = localDecl(ctx.model, fn, arg.text) ?? localDecl(ctx.model, ctx.model.topLevel, arg.text);
          if (!d || d.kind === 'reference') return false;
        }
        return say(`the address of the variable ${arg.text}`);
      }
      // A sized array somewhere in the file under that name (the model's table: cheap).
      if (a.type !== 'identifier' || ctx.model.arraySize(a.text) === undefined) return false;
      const fn = ctx.model.enclosingFunction(c.node);
      const d =
        localDecl(ctx.model, fn, a.text) ??
        (declsOf(ctx.model, fn).has(a.text) ? undefined : localDecl(ctx.model, ctx.model.topLevel, a.text));
      if (d?.kind !== 'array' || d.param) return false;
      return say(
        `the array ${a.text} (${d.isStatic ? 'static storage' : fn === ctx.model.topLevel ? 'a global' : 'on the stack'})`,
      );
    },
    examples: {
      bad: [
        '#include <stdlib.h>\n#include <string.h>\nvoid handle(const char *in) {\n  char buf[64];\n  strncpy(buf, in, sizeof buf - 1);\n  buf[63] = 0;\n  puts(buf);\n  free(buf);\n}\n',
        '#include <stdlib.h>\nstruct conf { int port; };\nvoid done(void) {\n  struct conf c = {80};\n  use(&c);\n  free(&c);\n}\n',
      ],
      good: [
        '#include <stdlib.h>\n#include <string.h>\nvoid handle(const char *in) {\n  char *buf = strdup(in);\n  if (!buf) return;\n  puts(buf);\n  free(buf);\n}\n',
        '#include <stdlib.h>\nstruct conf { int port; };\nvoid done(void) {\n  struct conf *c = calloc(1, sizeof *c);\n  if (!c) return;\n  use(c);\n  free(c);\n}\n',
        '#include <stdlib.h>\nvoid drop(char buf[]) {\n  free(buf);\n}\n',
        {
          code: '#include <cstdlib>\nstruct Conf { int port; };\nvoid done(Conf *p) {\n  Conf &c = *p;\n  use(c);\n  free(&c);\n}\n',
          language: 'cpp',
        },
      ],
    },
  }),
  query({
    id: 'cpp.delete-non-heap',
    languages: ['cpp'],
    cwe: ['CWE-590'],
    severity: 'error',
    title: 'delete of an object not from new',
    message: '',
    query: '(delete_expression (_) @arg) @report',
    check: (caps, ctx) => {
      if (!caps.arg) return false;
      const a = unwrapCasts(caps.arg);
      let name: string | undefined;
      let what = '';
      if (a.type === 'pointer_expression' && a.text.startsWith('&')) {
        const arg = a.childForFieldName('argument');
        if (arg?.type !== 'identifier') return false;
        name = arg.text;
        what = `the address of ${name}`;
        const d = localDecl(ctx.model, ctx.model.enclosingFunction(a), name);
        if (!d || d.kind === 'reference') return false;
      } else if (a.type === 'identifier') {
        const d = localDecl(ctx.model, ctx.model.enclosingFunction(a), a.text);
        if (d?.kind !== 'array' || d.param) return false;
        what = `the array ${a.text}, which is ${d.isStatic ? 'static' : 'on the stack'}`;
      } else return false;
      return {
        message: `delete is given ${what}, which new did not return: the heap is corrupted. Delete only what new/new[] returned (or let the object go out of scope).`,
      };
    },
    examples: {
      bad: [
        {
          code: 'struct Item { int id; };\nvoid process() {\n  Item it;\n  use(&it);\n  delete &it;\n}\n',
          language: 'cpp',
        },
        { code: 'void run() {\n  char buf[32];\n  fill(buf);\n  delete[] buf;\n}\n', language: 'cpp' },
      ],
      good: [
        {
          code: 'struct Item { int id; };\nvoid process() {\n  Item *it = new Item();\n  use(it);\n  delete it;\n}\n',
          language: 'cpp',
        },
        {
          code: 'void run() {\n  char *buf = new char[32];\n  fill(buf);\n  delete[] buf;\n}\n',
          language: 'cpp',
        },
      ],
    },
  }),
  call({
    id: 'c.realloc-leak',
    cwe: ['CWE-401'],
    severity: 'note',
    title: 'realloc() result assigned to the pointer it resizes',
    message: '',
    names: ['realloc', 'reallocarray'],
    check: (c, ctx) => {
      if (c.receiver || !c.args[0]) return false;
      let p: Node | null = c.node.parent;
      while (p && (p.type === 'cast_expression' || p.type === 'parenthesized_expression')) p = p.parent;
      if (p?.type !== 'assignment_expression') return false;
      const lv = norm(p.childForFieldName('left')?.text ?? '');
      if (!lv || lv !== norm(unwrapCasts(c.args[0]).text)) return false;
      // A failure that ends the program loses nothing.
      const next = nextStatement(p);
      if (
        next?.type === 'expression_statement' &&
        /^(?:assert|g_assert\w*|[A-Z_]*ASSERT\w*|CHECK\w*|BUG_ON)\s*\(/.test(next.text) &&
        mentionsLvalue(next, lv)
      )
        return false;
      if (
        next?.type === 'if_statement' &&
        mentionsLvalue(next.childForFieldName('condition') ?? next, lv) &&
        /\b(?:exit|_exit|abort|err|errx|die|fatal|panic|oom|out_of_memory|xalloc_die)\w*\s*\(/i.test(
          next.childForFieldName('consequence')?.text ?? '',
        )
      )
        return false;
      void ctx;
      return {
        message: `If realloc() fails it returns NULL and leaves the old block allocated: assigning the result straight to ${lv} loses the only pointer to it (a leak, and ${lv} is NULL afterwards). Assign to a temporary, check it, then replace ${lv}.`,
      };
    },
    examples: {
      bad: [
        '#include <stdlib.h>\nint grow(char **buf, size_t *cap) {\n  char *b = *buf;\n  b = realloc(b, *cap * 2);\n  if (!b) return -1;\n  *buf = b;\n  *cap *= 2;\n  return 0;\n}\n',
        '#include <stdlib.h>\nstruct vec { int *items; size_t cap; };\nint vec_grow(struct vec *v) {\n  v->items = realloc(v->items, v->cap * 2 * sizeof *v->items);\n  if (v->items == NULL) return -1;\n  v->cap *= 2;\n  return 0;\n}\n',
      ],
      good: [
        '#include <stdlib.h>\nint grow(char **buf, size_t *cap) {\n  char *b = realloc(*buf, *cap * 2);\n  if (!b) return -1;\n  *buf = b;\n  *cap *= 2;\n  return 0;\n}\n',
        '#include <stdlib.h>\nstruct vec { int *items; size_t cap; };\nint vec_grow(struct vec *v) {\n  int *n = realloc(v->items, v->cap * 2 * sizeof *v->items);\n  if (n == NULL) return -1;\n  v->items = n;\n  v->cap *= 2;\n  return 0;\n}\n',
        '#include <stdlib.h>\n#include <stdio.h>\nvoid must_grow(char **p, size_t n) {\n  *p = realloc(*p, n);\n  if (*p == NULL) {\n    perror("realloc");\n    exit(1);\n  }\n}\n',
      ],
    },
  }),
  call({
    id: 'c.toctou-path',
    cwe: ['CWE-367'],
    severity: 'warning',
    title: 'File checked by name, then opened by name',
    message: '',
    names: ['access', 'lstat', 'stat', 'faccessat', 'euidaccess', 'eaccess'],
    check: (c, ctx) => {
      if (c.receiver) return false;
      const pathIdx = c.name === 'faccessat' ? 1 : 0;
      const path = c.args[pathIdx];
      if (!path) return false;
      const key = norm(unwrapCasts(path).text);
      if (!/^[\w.>-]+$/.test(key) && !/^"/.test(key)) return false;
      const fn = ctx.model.enclosingFunction(c.node);
      if (fn === ctx.model.topLevel) return false;
      for (const o of callsIn(ctx, fn)) {
        if (o.node.startIndex <= c.node.endIndex || o.receiver) continue;
        const i = PATH_USE[o.name];
        if (i === undefined) continue;
        const arg = o.args[i];
        if (!arg || norm(unwrapCasts(arg).text) !== key) continue;
        // open(..., O_NOFOLLOW) after a symlink check closes the race on the last component.
        if (c.name !== 'access' && o.args.some((x) => /\bO_NOFOLLOW\b/.test(x.text))) continue;
        if (c.name === 'stat' || c.name === 'lstat') {
          // stat() before open() is ordinary (sizes, existence); a symlink or owner test is a
          // security decision the open() can no longer trust.
          const buf = c.args[1] ? norm(c.args[1].text).replace(/^&/, '') : '';
          if (!buf) return false;
          const body = fn.node.text;
          const esc = buf.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          if (
            !new RegExp(
              `S_ISLNK\\s*\\(\\s*${esc}\\s*(?:\\.|->)\\s*st_mode|${esc}\\s*(?:\\.|->)\\s*st_uid`,
            ).test(body)
          )
            return false;
        }
        return {
          message: `${c.name}(${path.text}) checks the file by name and ${o.name}() on line ${line(o.node)} uses it by name again: between the two another process can replace it (for example with a symlink to a file the check would reject). Open the file first and check what was opened (fstat on the descriptor, O_NOFOLLOW), or drop privileges instead of checking with ${c.name}().`,
        };
      }
      return false;
    },
    examples: {
      bad: [
        '#include <unistd.h>\n#include <stdio.h>\nFILE *open_report(const char *path) {\n  if (access(path, R_OK) != 0)\n    return NULL;\n  return fopen(path, "r");\n}\n',
        '#include <sys/stat.h>\n#include <fcntl.h>\nint open_log(const char *path) {\n  struct stat st;\n  if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))\n    return -1;\n  return open(path, O_WRONLY | O_APPEND);\n}\n',
      ],
      good: [
        '#include <stdio.h>\nFILE *open_report(const char *path) {\n  return fopen(path, "r");\n}\n',
        '#include <sys/stat.h>\n#include <fcntl.h>\nint open_log(const char *path) {\n  struct stat st;\n  int fd = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW);\n  if (fd < 0) return -1;\n  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return -1;\n  return fd;\n}\n',
        '#include <sys/stat.h>\n#include <stdio.h>\nlong size_then_read(const char *path) {\n  struct stat st;\n  if (stat(path, &st) != 0) return -1;\n  FILE *f = fopen(path, "r");\n  if (!f) return -1;\n  fclose(f);\n  return (long)st.st_size;\n}\n',
      ],
    },
  }),
  call({
    id: 'c.chroot-without-chdir',
    cwe: ['CWE-243'],
    severity: 'warning',
    title: 'chroot() without chdir("/")',
    message:
      'chroot() does not change the working directory: a process whose current directory is outside the new root can still reach the whole file system through relative paths. Call chdir("/") right after chroot() (or chdir(dir) before chroot(".")).',
    names: ['chroot'],
    check: (c, ctx) => {
      if (c.receiver) return false;
      const fn = ctx.model.enclosingFunction(c.node);
      const dotRoot = c.args[0]?.text === '"."';
      return !callsIn(ctx, fn).some(
        (o) =>
          (o.name === 'chdir' || o.name === 'fchdir') &&
          (o.node.startIndex > c.node.endIndex || (dotRoot && o.node.startIndex < c.node.startIndex)),
      );
    },
    examples: {
      bad: [
        '#include <unistd.h>\n#include <stdlib.h>\nvoid jail(const char *dir) {\n  if (chroot(dir) != 0) abort();\n  if (setuid(65534) != 0) abort();\n}\n',
      ],
      good: [
        '#include <unistd.h>\n#include <stdlib.h>\nvoid jail(const char *dir) {\n  if (chroot(dir) != 0) abort();\n  if (chdir("/") != 0) abort();\n  if (setuid(65534) != 0) abort();\n}\n',
        '#include <unistd.h>\n#include <stdlib.h>\nvoid jail(const char *dir) {\n  if (chdir(dir) != 0 || chroot(".") != 0) abort();\n  if (setuid(65534) != 0) abort();\n}\n',
      ],
    },
  }),
  call({
    id: 'c.privilege-drop-order',
    cwe: ['CWE-696', 'CWE-273'],
    severity: 'error',
    title: 'Group privileges dropped after the user ID',
    message: '',
    names: ['setgid', 'setegid', 'setresgid', 'setregid', 'setgroups', 'initgroups'],
    check: (c, ctx) => {
      if (c.receiver) return false;
      const fn = ctx.model.enclosingFunction(c.node);
      if (fn === ctx.model.topLevel) return false;
      const before = callsIn(ctx, fn).find(
        (o) =>
          /^(?:setuid|setresuid|setreuid)$/.test(o.name) &&
          !o.receiver &&
          o.node.endIndex <= c.node.startIndex &&
          // setuid(0) regains root (from a saved set-user-ID): the group change still works.
          o.args[0]?.text !== '0',
      );
      return (
        !!before && {
          message: `${before.name}() on line ${line(before.node)} already gave up root, so this ${c.name}() fails (EPERM) and the process keeps its group privileges. Drop the groups first: setgroups/initgroups, then setgid, then setuid, checking each.`,
        }
      );
    },
    examples: {
      bad: [
        '#include <unistd.h>\n#include <grp.h>\n#include <stdlib.h>\nvoid drop(uid_t uid, gid_t gid) {\n  if (setuid(uid) != 0) abort();\n  if (setgid(gid) != 0) abort();\n}\n',
      ],
      good: [
        '#include <unistd.h>\n#include <grp.h>\n#include <stdlib.h>\nvoid drop(uid_t uid, gid_t gid) {\n  if (setgroups(0, NULL) != 0) abort();\n  if (setgid(gid) != 0) abort();\n  if (setuid(uid) != 0) abort();\n}\n',
      ],
    },
  }),
  call({
    id: 'c.secret-zeroing-removed',
    cwe: ['CWE-14'],
    severity: 'warning',
    title: 'Secret cleared with memset() right before it dies',
    message: '',
    names: ['memset', 'bzero'],
    check: (c, ctx) => {
      if (c.receiver) return false;
      const name = argName(c.args[0]);
      if (!name || !SECRET_BUFFER.test(name)) return false;
      if (c.name === 'memset' && c.args[1]?.text !== '0' && c.args[1]?.text !== "'\\0'") return false;
      const stmt = c.node.parent;
      if (stmt?.type !== 'expression_statement') return false;
      const fn = ctx.model.enclosingFunction(c.node);
      const d = localDecl(ctx.model, fn, name);
      const next = nextStatement(c.node);
      const freed =
        next?.type === 'expression_statement' &&
        /^(?:free|g_free|OPENSSL_free)\s*\(\s*(?:\([^()]*\)\s*)?(\w+)\s*\)\s*;$/.exec(next.text)?.[1] ===
          name;
      // A local array cleared as the function's last act: nothing reads it again.
      const lastAct =
        !!d &&
        d.kind === 'array' &&
        !d.param &&
        !d.isStatic &&
        (!next || next.type === 'return_statement') &&
        stmt.parent?.type === 'compound_statement' &&
        stmt.parent.parent?.type === 'function_definition' &&
        !(next && mentionsLvalue(next, name));
      if (!freed && !lastAct) return false;
      return {
        message: `${name} holds a secret and is cleared with ${c.name}() just before it ${freed ? 'is freed' : 'goes out of scope'}: nothing reads it afterwards, so the compiler may remove the store and leave the secret in memory. Use ${SECURE_ZERO}.`,
      };
    },
    examples: {
      bad: [
        '#include <string.h>\nint login(const char *user) {\n  char password[64];\n  if (!read_password(password, sizeof password)) return -1;\n  int ok = check(user, password);\n  memset(password, 0, sizeof password);\n  return ok;\n}\n',
        '#include <string.h>\n#include <stdlib.h>\nvoid drop_key(unsigned char *key, size_t len) {\n  memset(key, 0, len);\n  free(key);\n}\n',
      ],
      good: [
        '#include <string.h>\nint login(const char *user) {\n  char password[64];\n  if (!read_password(password, sizeof password)) return -1;\n  int ok = check(user, password);\n  explicit_bzero(password, sizeof password);\n  return ok;\n}\n',
        '#include <openssl/crypto.h>\n#include <stdlib.h>\nvoid drop_key(unsigned char *key, size_t len) {\n  OPENSSL_cleanse(key, len);\n  free(key);\n}\n',
        '#include <string.h>\nvoid lookup(struct table *t, const char *name) {\n  char cache_key[64];\n  make_key(cache_key, name);\n  find(t, cache_key);\n  memset(cache_key, 0, sizeof cache_key);\n}\n',
        '#include <string.h>\nvoid reuse(void) {\n  char token[64];\n  memset(token, 0, sizeof token);\n  fill(token);\n  send_token(token);\n  explicit_bzero(token, sizeof token);\n}\n',
      ],
    },
  }),
  query({
    id: 'cpp.mismatched-delete',
    languages: ['cpp'],
    cwe: ['CWE-762'],
    severity: 'error',
    title: 'Memory released with the wrong operator',
    message: '',
    query: '(delete_expression (_) @arg) @report',
    check: (caps, ctx) => !!caps.arg && !!caps.report && mismatchedRelease(caps.arg, caps.report, ctx),
    examples: {
      bad: [
        {
          code: 'void copy_name(const char *s, int n) {\n  char *buf = new char[n + 1];\n  memcpy(buf, s, n);\n  buf[n] = 0;\n  print(buf);\n  delete buf;\n}\n',
          language: 'cpp',
        },
        {
          code: 'class Packet {\n  unsigned char *data_;\npublic:\n  Packet(int n) { data_ = new unsigned char[n]; }\n  ~Packet() { delete data_; }\n};\n',
          language: 'cpp',
        },
        {
          code: '#include <cstdlib>\nstruct Node { int v; };\nvoid drop() {\n  Node *n = (Node *)malloc(sizeof(Node));\n  use(n);\n  delete n;\n}\n',
          language: 'cpp',
        },
      ],
      good: [
        {
          code: 'void copy_name(const char *s, int n) {\n  char *buf = new char[n + 1];\n  memcpy(buf, s, n);\n  buf[n] = 0;\n  print(buf);\n  delete[] buf;\n}\n',
          language: 'cpp',
        },
        {
          code: 'class Packet {\n  unsigned char *data_;\npublic:\n  Packet(int n) { data_ = new unsigned char[n]; }\n  ~Packet() { delete[] data_; }\n};\n',
          language: 'cpp',
        },
        {
          code: '#include <cstdlib>\nstruct Node { int v; };\nvoid drop() {\n  Node *n = (Node *)malloc(sizeof(Node));\n  use(n);\n  free(n);\n}\n',
          language: 'cpp',
        },
        {
          code: 'void release(char *p) {\n  delete p;\n}\nvoid make() {\n  char *p = new char[8];\n  delete[] p;\n}\n',
          language: 'cpp',
        },
        {
          code: 'class A {\n  char *buf_;\npublic:\n  A(int n) { buf_ = new char[n]; }\n  ~A() { delete[] buf_; }\n};\nclass B {\n  Widget *buf_;\npublic:\n  B(Widget *w) { adopt(w); }\n  ~B() { delete buf_; }\n};\n',
          language: 'cpp',
        },
      ],
    },
  }),
  query({
    id: 'cpp.dangling-c-str',
    languages: ['cpp'],
    cwe: ['CWE-416', 'CWE-664'],
    severity: 'error',
    title: 'Pointer kept into a temporary string',
    message: '',
    query: {
      cpp: '[(init_declarator declarator: (_) @var value: (call_expression function: (field_expression argument: (_) @obj field: (field_identifier) @f))) (assignment_expression left: (identifier) @var right: (call_expression function: (field_expression argument: (_) @obj field: (field_identifier) @f)))] @report',
    },
    check: (caps, ctx) => {
      const { f, obj, report, var: target } = caps;
      if (!f || !obj || !report || !target) return false;
      if (f.text !== 'c_str' && f.text !== 'data') return false;
      const o = unwrapCasts(obj);
      let temp = false;
      if (o.type === 'call_expression') {
        const fnNode = o.childForFieldName('function');
        const name =
          fnNode?.type === 'field_expression'
            ? (fnNode.childForFieldName('field')?.text ?? '')
            : norm(fnNode?.text ?? '').replace(/<.*$/, '');
        temp = STRING_TEMP_CALL.test(name) || STRING_TEMP_CALL.test(name.split('::').pop() ?? '');
        // string_view::substr returns a view into the original (it has data(), not c_str()).
        if (name === 'substr' && f.text !== 'c_str') temp = false;
        // A str() of one's own may return a reference: only a stringstream's is known to copy.
        if (name === 'str') {
          const recv = fnNode?.childForFieldName('argument');
          const d =
            recv?.type === 'identifier'
              ? localDecl(ctx.model, ctx.model.enclosingFunction(o), recv.text)
              : undefined;
          temp = !!d && /stringstream\b/.test(d.type);
        }
      } else if (o.type === 'binary_expression' && o.childForFieldName('operator')?.text === '+') temp = true;
      if (!temp) return false;
      // The pointer outlives the statement: the declared name or assigned variable is read later.
      const name = report.type === 'init_declarator' ? declaratorKind(target)?.name : target.text;
      if (!name) return false;
      if (report.type === 'init_declarator') {
        const k = declaratorKind(target)?.kind;
        const declType = report.parent?.childForFieldName('type')?.text ?? '';
        if (k !== 'pointer' && !/^auto$/.test(declType)) return false;
      }
      const fn = ctx.model.enclosingFunction(report);
      const stmt = statementOf(report);
      const rest = ctx.source.slice(stmt.endIndex, fn.end);
      if (!new RegExp(`\\b${name}\\b`).test(rest)) return false;
      return {
        message: `${o.text.length > 40 ? 'The string' : o.text} is a temporary destroyed at the end of this statement, so ${name} points into freed memory when it is used later. Keep the std::string in a named variable (std::string s = ...; then s.${f.text}()) for as long as the pointer is used.`,
      };
    },
    examples: {
      bad: [
        {
          code: '#include <sstream>\nvoid log_count(int n) {\n  std::ostringstream ss;\n  ss << "count=" << n;\n  const char *msg = ss.str().c_str();\n  write_log(msg);\n}\n',
          language: 'cpp',
        },
        {
          code: '#include <string>\nvoid open_user(const std::string &home, const std::string &name) {\n  const char *path = (home + "/" + name).c_str();\n  open_file(path);\n}\n',
          language: 'cpp',
        },
        {
          code: '#include <string>\nvoid show(int id) {\n  const char *p;\n  p = std::to_string(id).c_str();\n  puts(p);\n}\n',
          language: 'cpp',
        },
      ],
      good: [
        {
          code: '#include <sstream>\nvoid log_count(int n) {\n  std::ostringstream ss;\n  ss << "count=" << n;\n  std::string msg = ss.str();\n  write_log(msg.c_str());\n}\n',
          language: 'cpp',
        },
        {
          code: '#include <string>\nvoid open_user(const std::string &home, const std::string &name) {\n  const std::string path = home + "/" + name;\n  open_file(path.c_str());\n}\n',
          language: 'cpp',
        },
        {
          code: '#include <string>\nvoid show(const std::string &s) {\n  const char *p = s.c_str();\n  puts(p);\n}\n',
          language: 'cpp',
        },
        {
          code: '#include <string>\nstruct Name {\n  std::string s;\n  const std::string &str() const { return s; }\n};\nvoid show(const Name &n) {\n  const char *p = n.str().c_str();\n  puts(p);\n}\n',
          language: 'cpp',
        },
      ],
    },
  }),
  query({
    id: 'cpp.container-modified-while-iterating',
    languages: ['cpp'],
    cwe: ['CWE-416', 'CWE-664'],
    severity: 'error',
    title: 'Container changed while a loop iterates over it',
    message: '',
    query: {
      cpp: '[(for_range_loop right: (identifier) @c body: (_) @body) (for_statement initializer: (_) @init condition: (_) @cond body: (_) @body)] @report',
    },
    check: (caps, ctx) => {
      const { body, report } = caps;
      if (!body || !report) return false;
      let container: string | undefined;
      let iterator: string | undefined;
      if (report.type === 'for_range_loop') container = caps.c?.text;
      else {
        // for (auto it = v.begin(); it != v.end(); ...) / for (it = v.begin(); ...)
        const m = /^(?:[\w:<>,\s]+\s+)?(\w+)\s*=\s*(\w+)\s*(?:\.|->)\s*c?begin\s*\(\s*\)\s*;?$/.exec(
          caps.init?.text ?? '',
        );
        if (!m) return false;
        iterator = m[1];
        container = m[2];
      }
      if (!container) return false;
      const fn = ctx.model.enclosingFunction(report);
      const d = localDecl(ctx.model, fn, container);
      if (!d || (d.kind !== 'value' && d.kind !== 'reference')) return false;
      const type = d.type.replace(/^const\s+/, '');
      const contiguous = CONTIGUOUS.test(type);
      if (!contiguous && !NODE_BASED.test(type)) return false;
      for (const n of ctx.model.nodesIn(body, ['call_expression'])) {
        const f = n.childForFieldName('function');
        if (f?.type !== 'field_expression' || norm(f.childForFieldName('argument')?.text ?? '') !== container)
          continue;
        const method = f.childForFieldName('field')?.text ?? '';
        if (!CONTAINER_MUTATOR.test(method)) continue;
        const args = n.childForFieldName('arguments')?.namedChildren ?? [];
        if (!contiguous) {
          // map/set/list: only erasing the element the loop stands on breaks the loop.
          if (method !== 'erase') continue;
          if (report.type === 'for_statement') {
            if (!(args.length === 1 && args[0]?.text === iterator)) continue;
            // `for (...; it = next)`: the loop does not step from the erased iterator.
            const update = norm(report.childForFieldName('update')?.text ?? '');
            if (update !== `++${iterator}` && update !== `${iterator}++`) continue;
          } else {
            const names = (report.childForFieldName('declarator')?.text ?? '').match(/\w+/g) ?? [];
            // Erasing the element itself (x, or kv.first), not another key computed from it.
            const own = new Set(names.flatMap((nm) => [nm, `${nm}.first`]));
            if (!(args.length === 1 && own.has(norm(args[0]?.text ?? '')))) continue;
          }
        }
        // `it = v.erase(it)` keeps a valid iterator.
        const parent = n.parent;
        if (parent?.type === 'assignment_expression' || parent?.type === 'init_declarator') continue;
        if (parent?.type === 'return_statement') continue;
        // Leaving the loop right after the change is fine.
        const next = nextStatement(n);
        const stmt = statementOf(n);
        if (next && (next.type === 'break_statement' || next.type === 'return_statement' || leaves(next)))
          continue;
        if (
          !next &&
          stmt.parent?.type === 'compound_statement' &&
          stmt.parent.parent?.type === 'if_statement'
        ) {
          // The change is the last statement of an if branch: look after the if.
          const after = nextStatement(stmt.parent.parent);
          if (after && (after.type === 'break_statement' || after.type === 'return_statement')) continue;
        }
        return {
          node: n,
          message: `${container}.${method}() runs while a loop iterates over ${container} (${type.split('<')[0]}): it can invalidate the iterator the loop uses next (use after free). ${
            method === 'erase'
              ? `Continue from the iterator erase() returns (it = ${container}.erase(it)), or use std::erase_if.`
              : `Collect the changes and apply them after the loop, or iterate by index over a size taken each turn.`
          }`,
        };
      }
      return false;
    },
    examples: {
      bad: [
        {
          code: '#include <vector>\nvoid expand(std::vector<int> &v) {\n  for (int x : v)\n    if (x > 10)\n      v.push_back(x / 2);\n}\n',
          language: 'cpp',
        },
        {
          code: '#include <map>\n#include <string>\nvoid prune(std::map<std::string, int> &m) {\n  for (auto it = m.begin(); it != m.end(); ++it)\n    if (it->second == 0)\n      m.erase(it);\n}\n',
          language: 'cpp',
        },
        {
          code: '#include <set>\nvoid drop_odd(std::set<int> &s) {\n  for (int x : s)\n    if (x % 2)\n      s.erase(x);\n}\n',
          language: 'cpp',
        },
        {
          code: '#include <vector>\nvoid drop_neg(std::vector<int> &v) {\n  for (std::vector<int>::iterator it = v.begin(); it != v.end(); ++it) {\n    if (*it < 0) {\n      v.erase(it);\n    }\n  }\n}\n',
          language: 'cpp',
        },
      ],
      good: [
        {
          code: '#include <vector>\nvoid expand(std::vector<int> &v) {\n  std::vector<int> extra;\n  for (int x : v)\n    if (x > 10)\n      extra.push_back(x / 2);\n  v.insert(v.end(), extra.begin(), extra.end());\n}\n',
          language: 'cpp',
        },
        {
          code: '#include <map>\n#include <string>\nvoid prune(std::map<std::string, int> &m) {\n  for (auto it = m.begin(); it != m.end();)\n    if (it->second == 0)\n      it = m.erase(it);\n    else\n      ++it;\n}\n',
          language: 'cpp',
        },
        {
          code: '#include <vector>\nbool remove_first(std::vector<int> &v, int k) {\n  for (auto it = v.begin(); it != v.end(); ++it) {\n    if (*it == k) {\n      v.erase(it);\n      return true;\n    }\n  }\n  return false;\n}\n',
          language: 'cpp',
        },
        {
          code: '#include <map>\nvoid add(std::map<int, int> &m) {\n  for (auto &kv : m)\n    if (kv.second > 1)\n      m.insert({kv.first * 1000, 0});\n}\n',
          language: 'cpp',
        },
        {
          code: '#include <map>\nvoid prune(std::map<int, int> &m) {\n  for (auto it = m.begin(), next = it; it != m.end(); it = next) {\n    ++next;\n    if (it->second == 0)\n      m.erase(it);\n  }\n}\n',
          language: 'cpp',
        },
        {
          code: '#include <set>\nvoid drop_pairs(std::set<int> &s) {\n  for (int x : s)\n    if (x % 2)\n      s.erase(x * 1000);\n}\n',
          language: 'cpp',
        },
      ],
    },
  }),
  call({
    id: 'c.memset-swapped-args',
    cwe: ['CWE-687'],
    severity: 'warning',
    title: 'memset() with its value and length swapped',
    message: '',
    names: ['memset'],
    check: (c) => {
      if (c.receiver || c.args.length !== 3) return false;
      const value = c.args[1] as Node;
      const len = c.args[2] as Node;
      if (len.text !== '0' || value.text === '0' || /^'.*'$/.test(value.text)) return false;
      return {
        message: `memset(${c.args[0]?.text}, ${value.text}, 0) sets zero bytes: the value and the length are swapped, so the buffer is never cleared. Write memset(${c.args[0]?.text}, 0, ${value.text}).`,
      };
    },
    examples: {
      bad: [
        '#include <string.h>\nstruct req { char user[32]; char pass[32]; };\nvoid clear_req(struct req *r) {\n  memset(r, sizeof(*r), 0);\n}\n',
      ],
      good: [
        '#include <string.h>\nstruct req { char user[32]; char pass[32]; };\nvoid clear_req(struct req *r) {\n  memset(r, 0, sizeof(*r));\n}\n',
      ],
    },
  }),
  query({
    id: 'c.assignment-in-condition',
    cwe: ['CWE-481'],
    severity: 'warning',
    title: 'Constant assigned in an if condition',
    message: '',
    query: {
      c: '(if_statement condition: (parenthesized_expression (assignment_expression left: (_) @left operator: "=" right: [(number_literal) (null) (true) (false) (char_literal)] @right) @report))',
      cpp: '(if_statement condition: (condition_clause value: (assignment_expression left: (_) @left operator: "=" right: [(number_literal) (null) (true) (false) (char_literal)] @right) @report))',
    },
    check: (caps) => {
      const { left, right } = caps;
      if (!left || !right) return false;
      return {
        message: `if (${left.text} = ${right.text}) assigns ${right.text} to ${left.text} and tests the constant, so the branch ${/^(?:0|NULL|nullptr|false|'\\0')$/.test(right.text) ? 'never runs' : 'always runs'} and ${left.text} is overwritten: write == to compare.`,
      };
    },
    examples: {
      bad: [
        '#include <unistd.h>\nint is_admin(void) {\n  uid_t uid = getuid();\n  if (uid = 0)\n    return 1;\n  return 0;\n}\n',
        {
          code: 'bool check(Session *s) {\n  if (s->role = 1)\n    return grant(s);\n  return false;\n}\n',
          language: 'cpp',
        },
      ],
      good: [
        '#include <unistd.h>\nint is_admin(void) {\n  uid_t uid = getuid();\n  if (uid == 0)\n    return 1;\n  return 0;\n}\n',
        '#include <stdio.h>\nint next(FILE *f) {\n  int c;\n  if ((c = fgetc(f)) == EOF)\n    return -1;\n  return c;\n}\n',
      ],
    },
  }),
  query({
    id: 'c.comparison-as-statement',
    cwe: ['CWE-482'],
    severity: 'warning',
    title: 'Comparison written where an assignment was meant',
    message: '',
    query:
      '(expression_statement (binary_expression left: (_) @left operator: "==" right: (_) @right) @report)',
    check: (caps) => {
      const { left, right, report } = caps;
      const stmt = report?.parent;
      if (!left || !right || !stmt) return false;
      // Only a whole, well-parsed statement whose left side is a variable (macro bodies and
      // `#if` fragments parse into stray expressions).
      if (stmt.hasError || !stmt.text.endsWith(';') || stmt.parent?.type !== 'compound_statement')
        return false;
      if (!/^(?:identifier|field_expression|subscript_expression|pointer_expression)$/.test(left.type))
        return false;
      return {
        message: `${left.text} == ${right.text}; compares and throws the result away, so ${left.text} keeps its old value: write = to assign.`,
      };
    },
    examples: {
      bad: [
        'struct user { int authenticated; };\nvoid logout(struct user *u) {\n  u->authenticated == 0;\n}\n',
      ],
      good: [
        'struct user { int authenticated; };\nvoid logout(struct user *u) {\n  u->authenticated = 0;\n}\n',
      ],
    },
  }),
  call({
    id: 'c.char-compared-with-eof',
    cwe: ['CWE-197', 'CWE-704'],
    severity: 'warning',
    title: 'getc() result stored in a char and compared with EOF',
    message: '',
    names: ['getc', 'fgetc', 'getchar', 'getc_unlocked', 'fgetc_unlocked', 'getchar_unlocked'],
    check: (c, ctx) => {
      if (c.receiver || !GETC_CALL.test(c.name)) return false;
      let p: Node | null = c.node.parent;
      while (p && (p.type === 'cast_expression' || p.type === 'parenthesized_expression')) p = p.parent;
      let name: string | undefined;
      if (p?.type === 'assignment_expression' && p.childForFieldName('operator')?.text === '=') {
        const left = p.childForFieldName('left');
        name = left?.type === 'identifier' ? left.text : undefined;
      } else if (p?.type === 'init_declarator') {
        const d = p.childForFieldName('declarator');
        name = d?.type === 'identifier' ? d.text : undefined;
      }
      if (!name) return false;
      const fn = ctx.model.enclosingFunction(c.node);
      const d = localDecl(ctx.model, fn, name);
      if (d?.kind !== 'value') return false;
      const type = d.type.replace(/\b(?:const|volatile|register)\b/g, '').trim();
      if (!/^(?:(?:un)?signed\s+)?char$|^u?int8_t$/.test(type)) return false;
      const body = fn.node.text;
      if (
        !new RegExp(
          `\\b${name}\\s*[!=]=\\s*EOF\\b|\\bEOF\\s*[!=]=\\s*${name}\\b|\\(\\s*${name}\\s*=\\s*\\w+\\s*\\([^()]*\\)\\s*\\)\\s*[!=]=\\s*EOF\\b`,
        ).test(body)
      )
        return false;
      return {
        message: `${c.name}() returns an int so that EOF (-1) differs from every byte; stored in ${type} ${name} it no longer does: ${/unsigned|uint8/.test(type) ? 'the EOF test is never true and the loop never ends' : 'a 0xFF byte in the input reads as EOF and ends the read early'}. Declare ${name} as int.`,
      };
    },
    examples: {
      bad: [
        '#include <stdio.h>\nsize_t read_all(FILE *f, char *out, size_t cap) {\n  size_t n = 0;\n  char c;\n  while ((c = fgetc(f)) != EOF && n + 1 < cap)\n    out[n++] = c;\n  out[n] = 0;\n  return n;\n}\n',
      ],
      good: [
        '#include <stdio.h>\nsize_t read_all(FILE *f, char *out, size_t cap) {\n  size_t n = 0;\n  int c;\n  while ((c = fgetc(f)) != EOF && n + 1 < cap)\n    out[n++] = (char)c;\n  out[n] = 0;\n  return n;\n}\n',
      ],
    },
  }),
  query({
    id: 'c.strlen-minus-one-index',
    cwe: ['CWE-124', 'CWE-787'],
    severity: 'warning',
    title: 'Index strlen(s) - 1 on input that can be empty',
    message: '',
    query: {
      c: '(subscript_expression argument: (identifier) @buf index: (binary_expression left: (call_expression function: (identifier) @len arguments: (argument_list . (identifier) @arg .)) operator: "-" right: (number_literal) @k)) @report',
      cpp: '(subscript_expression argument: (identifier) @buf indices: (subscript_argument_list (binary_expression left: (call_expression function: (identifier) @len arguments: (argument_list . (identifier) @arg .)) operator: "-" right: (number_literal) @k))) @report',
    },
    check: (caps, ctx) => {
      const { buf, len, arg, report } = caps;
      if (!buf || !len || !arg || !report || buf.text !== arg.text) return false;
      if (len.text !== 'strlen' && len.text !== 'wcslen') return false;
      const name = buf.text;
      const fn = ctx.model.enclosingFunction(report);
      // The string was read from input in this function: a line that starts with a NUL byte (or
      // a read of zero bytes) makes strlen() 0.
      const reader = callsIn(ctx, fn).find(
        (o) =>
          o.node.startIndex < report.startIndex &&
          /^(?:fgets|fgetws|gets|read|recv|recvfrom|fread|getline|scanf|fscanf|sscanf)$/.test(o.name) &&
          o.args.some((a) => argName(a) === name || norm(a.text) === `&${name}`),
      );
      if (!reader) return false;
      // A test that the string is not empty, on the way or in an enclosing condition.
      const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const nonEmpty = new RegExp(
        `strlen\\s*\\(\\s*${esc}\\s*\\)\\s*(?:>|!=|>=)|(?:<|!=|<=)\\s*strlen\\s*\\(\\s*${esc}\\s*\\)|\\b${esc}\\s*\\[\\s*0\\s*\\]|\\*\\s*${esc}\\b|strlen\\s*\\(\\s*${esc}\\s*\\)\\s*&&|\\b${esc}\\s*\\[\\s*strlen\\s*\\(\\s*${esc}\\s*\\)\\s*-\\s*1\\s*\\]\\s*==`,
      );
      let p: Node | null = report.parent;
      let child: Node = report;
      while (p && p.startIndex >= fn.start && !/^(?:function_definition)$/.test(p.type)) {
        const cond = p.childForFieldName('condition');
        if (cond && !cond.equals(child) && nonEmpty.test(cond.text)) return false;
        if (p.type === 'binary_expression') {
          const left = p.childForFieldName('left');
          if (left && !left.equals(child) && nonEmpty.test(left.text)) return false;
        }
        child = p;
        p = p.parent;
      }
      const between = ctx.source.slice(reader.node.endIndex, report.startIndex);
      if (nonEmpty.test(between) || /\blen\w*\s*(?:>|!=)\s*0/.test(between)) return false;
      // A length variable: `n = strlen(buf); if (n > 0 ...)` tested before.
      if (/=\s*strlen\s*\(/.test(between)) return false;
      const write =
        report.parent?.type === 'assignment_expression' &&
        report.parent.childForFieldName('left')?.equals(report);
      return {
        message: `${name} comes from ${reader.name}() on line ${line(reader.node)} and can be empty (input starting with a NUL byte): then strlen(${name}) - 1 wraps and ${name}[strlen(${name}) - 1] ${write ? 'writes' : 'reads'} outside the buffer. Test strlen(${name}) > 0 first, or strip with ${name}[strcspn(${name}, "\\n")] = 0.`,
        cwe: write ? ['CWE-124', 'CWE-787'] : ['CWE-127', 'CWE-125'],
      };
    },
    examples: {
      bad: [
        '#include <stdio.h>\n#include <string.h>\nint ask(char *name, int size) {\n  if (!fgets(name, size, stdin)) return -1;\n  name[strlen(name) - 1] = 0;\n  return 0;\n}\n',
        '#include <stdio.h>\n#include <string.h>\nvoid loop(FILE *f) {\n  char line[256];\n  while (fgets(line, sizeof line, f)) {\n    if (line[strlen(line) - 1] == 10)\n      handle(line);\n  }\n}\n',
      ],
      good: [
        '#include <stdio.h>\n#include <string.h>\nint ask(char *name, int size) {\n  if (!fgets(name, size, stdin)) return -1;\n  name[strcspn(name, "\\n")] = 0;\n  return 0;\n}\n',
        '#include <stdio.h>\n#include <string.h>\nint ask(char *name, int size) {\n  if (!fgets(name, size, stdin)) return -1;\n  if (strlen(name) > 0)\n    name[strlen(name) - 1] = 0;\n  return 0;\n}\n',
        '#include <string.h>\nvoid chop(char *s) {\n  s[strlen(s) - 1] = 0;\n}\n',
      ],
    },
  }),
  call({
    id: 'c.signal-handler-unsafe-call',
    cwe: ['CWE-479', 'CWE-828'],
    severity: 'warning',
    title: 'Signal handler calls a function that is not async-signal-safe',
    message: '',
    names: ['signal', 'sigaction', 'sigset', 'bsd_signal'],
    check: (c, ctx) => {
      if (c.receiver) return false;
      let handler: string | undefined;
      if (c.name === 'sigaction') {
        // sa.sa_handler = h; ... sigaction(SIG, &sa, NULL): the assignment in the same function.
        const sa = norm(c.args[1]?.text ?? '').replace(/^&/, '');
        if (!/^\w+$/.test(sa)) return false;
        const fn = ctx.model.enclosingFunction(c.node);
        for (const a of ctx.model.nodesIn(fn.node, ['assignment_expression'])) {
          const left = norm(a.childForFieldName('left')?.text ?? '');
          if (left === `${sa}.sa_handler` || left === `${sa}.sa_sigaction`) {
            const r = a.childForFieldName('right');
            if (r?.type === 'identifier') handler = r.text;
          }
        }
      } else {
        const h = c.args[1] ? unwrapCasts(c.args[1]) : undefined;
        if (h?.type === 'identifier') handler = h.text;
      }
      if (!handler || /^(?:SIG_IGN|SIG_DFL|SIG_ERR)$/.test(handler)) return false;
      const def = ctx.model.functions.find((f) => {
        if (f.node.type !== 'function_definition') return false;
        let d: Node | null = f.node.childForFieldName('declarator');
        while (d && d.type !== 'function_declarator') d = d.childForFieldName('declarator');
        return d?.childForFieldName('declarator')?.text === handler;
      });
      if (!def) return false;
      const unsafe = ctx.model.calls.find(
        (o) =>
          o.node.startIndex >= def.start &&
          o.node.endIndex <= def.end &&
          !o.receiver &&
          SIGNAL_UNSAFE.test(o.calleeText),
      );
      if (!unsafe) return false;
      return {
        node: unsafe.node,
        message: `${handler}() is installed as a signal handler (line ${line(c.node)}) and calls ${unsafe.calleeText}(), which is not async-signal-safe: a signal that arrives while the program is inside the same library code (malloc, stdio) corrupts its state or deadlocks. In a handler only set a volatile sig_atomic_t flag (or use write() and _exit()).`,
      };
    },
    examples: {
      bad: [
        '#include <signal.h>\n#include <stdio.h>\n#include <stdlib.h>\nstatic char *buffer;\nstatic void on_term(int sig) {\n  fprintf(stderr, "caught %d\\n", sig);\n  free(buffer);\n  exit(1);\n}\nint main(void) {\n  buffer = malloc(64);\n  signal(SIGTERM, on_term);\n  for (;;) work(buffer);\n}\n',
        '#include <signal.h>\n#include <syslog.h>\nstatic void on_hup(int sig) {\n  syslog(LOG_INFO, "reload");\n}\nvoid install(void) {\n  struct sigaction sa = {0};\n  sa.sa_handler = on_hup;\n  sigaction(SIGHUP, &sa, NULL);\n}\n',
      ],
      good: [
        '#include <signal.h>\n#include <unistd.h>\nstatic volatile sig_atomic_t stop;\nstatic void on_term(int sig) {\n  (void)sig;\n  stop = 1;\n}\nint main(void) {\n  signal(SIGTERM, on_term);\n  while (!stop) work();\n  return 0;\n}\n',
        '#include <signal.h>\n#include <unistd.h>\nstatic void on_int(int sig) {\n  static const char msg[] = "interrupted\\n";\n  write(2, msg, sizeof msg - 1);\n  _exit(130);\n}\nvoid install(void) {\n  signal(SIGINT, on_int);\n}\n',
      ],
    },
  }),
  call({
    id: 'c.putenv-stack-buffer',
    cwe: ['CWE-562', 'CWE-686'],
    severity: 'error',
    title: 'putenv() given a local array',
    message: '',
    names: ['putenv'],
    check: (c, ctx) => {
      if (c.receiver) return false;
      const name = argName(c.args[0]);
      if (!name) return false;
      const fn = ctx.model.enclosingFunction(c.node);
      const d = localDecl(ctx.model, fn, name);
      if (d?.kind !== 'array' || d.param || d.isStatic || fn === ctx.model.topLevel) return false;
      return {
        message: `putenv() keeps the pointer it is given as part of the environment, and ${name} is a local array: when the function returns the environment points into a dead stack frame. Use setenv(), or a static or heap-allocated string.`,
      };
    },
    examples: {
      bad: [
        '#include <stdio.h>\n#include <stdlib.h>\nint set_tz(const char *zone) {\n  char env[64];\n  snprintf(env, sizeof env, "TZ=%s", zone);\n  return putenv(env);\n}\n',
      ],
      good: [
        '#include <stdlib.h>\nint set_tz(const char *zone) {\n  return setenv("TZ", zone, 1);\n}\n',
        '#include <stdio.h>\n#include <stdlib.h>\nint set_tz(const char *zone) {\n  static char env[64];\n  snprintf(env, sizeof env, "TZ=%s", zone);\n  return putenv(env);\n}\n',
      ],
    },
  }),
  query({
    id: 'c.sizeof-as-count',
    cwe: ['CWE-787', 'CWE-125'],
    severity: 'error',
    title: 'Loop bounded by sizeof of an array of wider elements',
    message: '',
    query:
      '(for_statement condition: (binary_expression left: (identifier) @i operator: ["<" "<="] right: (sizeof_expression) @size) body: (_) @body) @report',
    check: (caps, ctx) => {
      const { i, size, body, report } = caps;
      if (!i || !size || !body || !report) return false;
      const arr = sizeofOperand(size);
      if (!arr) return false;
      const d = arrayDecl(ctx.model, ctx.model.enclosingFunction(report), arr);
      if (!d || !WIDE_ELEMENT.test(d.type.trim())) return false;
      const esc = arr.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      if (!new RegExp(`\\b${esc}\\s*\\[\\s*${i.text}\\s*\\]`).test(body.text)) return false;
      return {
        message: `sizeof(${arr}) is its size in bytes, not its number of ${d.type} elements, so ${i.text} runs past the end and ${arr}[${i.text}] ${/=\s*[^=]/.test(body.text) ? 'writes' : 'reads'} outside the array. Bound the loop by sizeof(${arr}) / sizeof(${arr}[0]).`,
      };
    },
    examples: {
      bad: [
        'void clear_scores(void) {\n  int scores[32];\n  for (int i = 0; i < sizeof(scores); i++)\n    scores[i] = 0;\n  use(scores);\n}\n',
        'struct slot { int fd; int used; };\nstatic struct slot slots[16];\nint find_free(void) {\n  for (unsigned i = 0; i < sizeof slots; i++)\n    if (!slots[i].used) return (int)i;\n  return -1;\n}\n',
      ],
      good: [
        'void clear_scores(void) {\n  int scores[32];\n  for (int i = 0; i < sizeof(scores) / sizeof(scores[0]); i++)\n    scores[i] = 0;\n  use(scores);\n}\n',
        'void clear_name(void) {\n  char name[32];\n  for (int i = 0; i < sizeof(name); i++)\n    name[i] = 0;\n  use(name);\n}\n',
      ],
    },
  }),
  query({
    id: 'c.index-at-sizeof',
    cwe: ['CWE-787', 'CWE-193'],
    severity: 'error',
    title: 'Array indexed at sizeof(array), one past its end',
    message: '',
    query: {
      c: '(subscript_expression argument: (identifier) @arr index: (sizeof_expression) @size) @report',
      cpp: '(subscript_expression argument: (identifier) @arr indices: (subscript_argument_list . (sizeof_expression) @size .)) @report',
    },
    check: (caps, ctx) => {
      const { arr, size, report } = caps;
      if (!arr || !size || !report || sizeofOperand(size) !== arr.text) return false;
      // &buf[sizeof buf] is the end pointer: an address, not an access.
      if (report.parent?.type === 'pointer_expression' && report.parent.text.startsWith('&')) return false;
      const d = arrayDecl(ctx.model, ctx.model.enclosingFunction(report), arr.text);
      if (!d) return false;
      const write =
        report.parent?.type === 'assignment_expression' &&
        !!report.parent.childForFieldName('left')?.equals(report);
      return {
        cwe: write ? ['CWE-787', 'CWE-193'] : ['CWE-125', 'CWE-193'],
        message: `${arr.text}[sizeof ${arr.text}] is one past the last element (indices run from 0 to sizeof - 1${WIDE_ELEMENT.test(d.type.trim()) ? ', and sizeof counts bytes, not elements' : ''}): the ${write ? 'write lands' : 'read comes from'} outside the array. Use ${arr.text}[sizeof ${arr.text} - 1] for the last byte.`,
      };
    },
    examples: {
      bad: [
        '#include <string.h>\nvoid set_name(const char *s) {\n  char name[32];\n  strncpy(name, s, sizeof name);\n  name[sizeof(name)] = 0;\n  use(name);\n}\n',
      ],
      good: [
        '#include <string.h>\nvoid set_name(const char *s) {\n  char name[32];\n  strncpy(name, s, sizeof name);\n  name[sizeof(name) - 1] = 0;\n  use(name);\n}\n',
        'char *end_of(void) {\n  static char pool[64];\n  return &pool[sizeof pool];\n}\n',
      ],
    },
  }),
  call({
    id: 'c.path-buffer-too-small',
    cwe: ['CWE-785', 'CWE-120'],
    severity: 'warning',
    title: 'Path written into a buffer smaller than PATH_MAX',
    message: '',
    names: ['realpath', 'getwd'],
    check: (c, ctx) => {
      if (c.receiver) return false;
      const bufArg = c.args[c.name === 'realpath' ? 1 : 0];
      if (c.name === 'getwd')
        return {
          message:
            'getwd() writes the working directory with no size limit (PATH_MAX is not a real bound on Linux): use getcwd(buf, sizeof buf) and check it for NULL.',
          cwe: ['CWE-242', 'CWE-785'],
        };
      const name = argName(bufArg);
      if (!name) return false;
      const d = arrayDecl(ctx.model, ctx.model.enclosingFunction(c.node), name);
      const n = d?.size && /^\d+$/.test(d.size) ? Number(d.size) : undefined;
      if (n === undefined || n >= PATH_MAX_BYTES) return false;
      return {
        message: `realpath() writes up to PATH_MAX (${PATH_MAX_BYTES}) bytes into its second argument, and ${name} has ${n}: a long path overflows it. Declare it char ${name}[PATH_MAX], or pass NULL and free the result.`,
      };
    },
    examples: {
      bad: [
        '#include <stdlib.h>\n#include <string.h>\nint inside(const char *path, const char *root) {\n  char resolved[256];\n  if (!realpath(path, resolved)) return 0;\n  return strncmp(resolved, root, strlen(root)) == 0;\n}\n',
        '#include <unistd.h>\nvoid show_cwd(void) {\n  char dir[1024];\n  getwd(dir);\n  puts(dir);\n}\n',
      ],
      good: [
        '#include <stdlib.h>\n#include <string.h>\n#include <limits.h>\nint inside(const char *path, const char *root) {\n  char resolved[PATH_MAX];\n  if (!realpath(path, resolved)) return 0;\n  return strncmp(resolved, root, strlen(root)) == 0;\n}\n',
        '#include <unistd.h>\nvoid show_cwd(void) {\n  char dir[1024];\n  if (getcwd(dir, sizeof dir)) puts(dir);\n}\n',
        '#include <stdlib.h>\nchar *resolve(const char *path) {\n  return realpath(path, NULL);\n}\n',
      ],
    },
  }),
  call({
    id: 'c.sprintf-overlap',
    cwe: ['CWE-628', 'CWE-475'],
    severity: 'warning',
    title: 'sprintf() reads the buffer it writes',
    message: '',
    names: ['sprintf', 'snprintf', 'vsprintf', 'swprintf'],
    check: (c) => {
      if (c.receiver) return false;
      const dst = argName(c.args[0]);
      if (!dst) return false;
      const first = c.name === 'sprintf' || c.name === 'vsprintf' ? 2 : 3;
      const same = c.args.slice(first).find((a) => argName(a) === dst);
      return (
        !!same && {
          message: `${dst} is both the destination and an argument of ${c.name}(): source and destination overlap, which is undefined (glibc starts writing before it reads, so the text is lost or garbled, and a length check done on the old text no longer holds). Format into a separate buffer, or append at ${dst} + strlen(${dst}).`,
        }
      );
    },
    examples: {
      bad: [
        '#include <stdio.h>\nvoid add_suffix(char *name, size_t size, int n) {\n  snprintf(name, size, "%s-%d", name, n);\n}\n',
      ],
      good: [
        '#include <stdio.h>\n#include <string.h>\nvoid add_suffix(char *name, size_t size, int n) {\n  size_t len = strlen(name);\n  snprintf(name + len, size - len, "-%d", n);\n}\n',
      ],
    },
  }),
  query({
    id: 'cpp.smart-pointer-array',
    languages: ['cpp'],
    cwe: ['CWE-762'],
    severity: 'error',
    title: 'Array from new[] owned by a smart pointer to a single object',
    message: '',
    query: { cpp: '(new_expression declarator: (new_declarator)) @report' },
    check: (caps, ctx) => {
      const report = caps.report;
      if (!report) return false;
      const args = report.parent;
      if (args?.type !== 'argument_list' || args.namedChildren.length !== 1) return false;
      const holder = args.parent;
      let typeText: string | undefined;
      if (holder?.type === 'init_declarator') typeText = holder.parent?.childForFieldName('type')?.text;
      else if (holder?.type === 'call_expression') {
        const f = holder.childForFieldName('function');
        if (f?.type === 'field_expression' && f.childForFieldName('field')?.text === 'reset') {
          const recv = f.childForFieldName('argument');
          if (recv?.type !== 'identifier') return false;
          typeText = localDecl(ctx.model, ctx.model.enclosingFunction(holder), recv.text)?.type;
        } else typeText = f?.text;
      }
      const m = /\b(unique_ptr|shared_ptr|auto_ptr)\s*<([\s\S]*)>\s*$/.exec(typeText ?? '');
      if (!m || m[2]?.includes('[')) return false;
      const held = (m[2] ?? '').split(',')[0]?.trim();
      // unique_ptr<T, Deleter>: a custom deleter may well use delete[].
      if (m[2]?.includes(',')) return false;
      // The held type is the array's element type (a template parameter may itself be T[]: the
      // library's make_unique<T[]> holds new remove_extent_t<T>[n] in a unique_ptr<T>).
      if (norm(held ?? '') !== norm(report.childForFieldName('type')?.text ?? '')) return false;
      return {
        message: `std::${m[1]}<${held}> releases its pointer with delete, but it is given an array from new[]: the mismatch is undefined behaviour. Use std::${m[1] === 'auto_ptr' ? 'unique_ptr' : m[1]}<${held}[]> (or std::vector<${held}>, or std::make_unique<${held}[]>(n)).`,
      };
    },
    examples: {
      bad: [
        {
          code: '#include <memory>\nvoid read_packet(int fd, size_t n) {\n  std::unique_ptr<char> buf(new char[n]);\n  read(fd, buf.get(), n);\n}\n',
          language: 'cpp',
        },
        {
          code: '#include <memory>\nstd::shared_ptr<int> make_table(int n) {\n  return std::shared_ptr<int>(new int[n]);\n}\n',
          language: 'cpp',
        },
      ],
      good: [
        {
          code: '#include <memory>\nvoid read_packet(int fd, size_t n) {\n  std::unique_ptr<char[]> buf(new char[n]);\n  read(fd, buf.get(), n);\n}\n',
          language: 'cpp',
        },
        {
          code: '#include <memory>\nstd::shared_ptr<int> make_table(int n) {\n  return std::shared_ptr<int>(new int[n], std::default_delete<int[]>());\n}\n',
          language: 'cpp',
        },
        {
          code: '#include <memory>\n#include <type_traits>\ntemplate <typename T>\nstd::unique_ptr<T> make_array(size_t n) {\n  return std::unique_ptr<T>(new std::remove_extent_t<T>[n]());\n}\n',
          language: 'cpp',
        },
      ],
    },
  }),
  query({
    id: 'c.stack-size-from-input',
    cwe: ['CWE-770', 'CWE-789'],
    severity: 'warning',
    title: 'Variable-length array sized by input with no upper bound',
    message: '',
    query:
      '(declaration declarator: [(array_declarator size: [(identifier) (binary_expression) (call_expression) (cast_expression)] @size) (init_declarator declarator: (array_declarator size: [(identifier) (binary_expression) (call_expression) (cast_expression)] @size))]) @report',
    check: (caps, ctx) =>
      !!caps.size &&
      !!caps.report &&
      unboundedStackSize(caps.size, caps.report, ctx, 'This variable-length array'),
    examples: {
      bad: [
        '#include <stdlib.h>\n#include <string.h>\nint main(int argc, char **argv) {\n  int n = atoi(argv[1]);\n  char buf[n];\n  memset(buf, 0, n);\n  return 0;\n}\n',
      ],
      good: [
        '#include <stdlib.h>\n#include <string.h>\nint main(int argc, char **argv) {\n  int n = atoi(argv[1]);\n  if (n <= 0 || n > 4096) return 1;\n  char buf[n];\n  memset(buf, 0, n);\n  return 0;\n}\n',
        'void scale(double *v, int n) {\n  double tmp[n];\n  for (int i = 0; i < n; i++) tmp[i] = v[i] * 2;\n  store(v, tmp, n);\n}\n',
      ],
    },
  }),
  call({
    id: 'c.alloca-size-from-input',
    cwe: ['CWE-770', 'CWE-789'],
    severity: 'warning',
    title: 'alloca() sized by input with no upper bound',
    message: '',
    names: ['alloca', '_alloca', '__builtin_alloca'],
    check: (c, ctx) => !c.receiver && !!c.args[0] && unboundedStackSize(c.args[0], c.node, ctx, 'alloca()'),
    examples: {
      bad: [
        '#include <alloca.h>\n#include <arpa/inet.h>\n#include <string.h>\nvoid on_packet(const unsigned char *pkt) {\n  unsigned short len = ntohs(*(const unsigned short *)pkt);\n  char *copy = alloca(len);\n  memcpy(copy, pkt + 2, len);\n  handle(copy, len);\n}\n',
        '#include <alloca.h>\n#include <stdlib.h>\n#include <string.h>\nvoid show_env(void) {\n  const char *home = getenv("HOME");\n  if (!home) return;\n  char *copy = alloca(strlen(home) + 1);\n  strcpy(copy, home);\n  puts(copy);\n}\n',
      ],
      good: [
        '#include <stdlib.h>\n#include <arpa/inet.h>\n#include <string.h>\nvoid on_packet(const unsigned char *pkt) {\n  unsigned short len = ntohs(*(const unsigned short *)pkt);\n  char *copy = malloc(len);\n  if (!copy) return;\n  memcpy(copy, pkt + 2, len);\n  handle(copy, len);\n  free(copy);\n}\n',
        '#include <alloca.h>\n#include <arpa/inet.h>\n#include <string.h>\nvoid on_packet(const unsigned char *pkt) {\n  unsigned short len = ntohs(*(const unsigned short *)pkt);\n  if (len > 512) return;\n  char *copy = alloca(len);\n  memcpy(copy, pkt + 2, len);\n  handle(copy, len);\n}\n',
      ],
    },
  }),
  call({
    id: 'c.shared-tmp-no-excl',
    cwe: ['CWE-377', 'CWE-59'],
    severity: 'warning',
    title: 'File in /tmp created without O_EXCL',
    message: '',
    names: ['open', 'open64', 'creat', 'fopen', 'fopen64'],
    check: (c, ctx) => {
      if (c.receiver) return false;
      const path = c.args[0];
      if (!path) return false;
      const mode = c.args[1];
      if (c.name.startsWith('open')) {
        if (!mode || !/\bO_CREAT\b/.test(mode.text) || /\bO_(?:EXCL|TMPFILE)\b/.test(mode.text)) return false;
      } else if (c.name.startsWith('fopen')) {
        const m = ctx.stringValue(mode);
        if (!m || !/^[wa]/.test(m) || m.includes('x')) return false;
      }
      // The name is fixed under /tmp: a literal, or a buffer formatted from one.
      let named = ctx.stringValue(path);
      if (named === undefined && path.type === 'identifier')
        named = sharedTmpName(ctx, path, c.node.startIndex);
      if (named === undefined || !SHARED_TMP.test(named)) return false;
      return {
        message: `${c.name}() creates or truncates ${JSON.stringify(named)} in a shared directory without O_EXCL: another user can create that name first (or a symlink to a file of yours) and this program then writes into it. Use mkstemp()/tmpfile(), or O_CREAT | O_EXCL (fopen mode "wx") and fail if the file exists.`,
      };
    },
    examples: {
      bad: [
        '#include <fcntl.h>\n#include <unistd.h>\nint save_state(const char *data, size_t n) {\n  int fd = open("/tmp/app_state", O_WRONLY | O_CREAT | O_TRUNC, 0600);\n  if (fd < 0) return -1;\n  write(fd, data, n);\n  return close(fd);\n}\n',
        '#include <stdio.h>\n#include <unistd.h>\nFILE *open_log(void) {\n  char path[64];\n  snprintf(path, sizeof path, "/tmp/app-%d.log", (int)getpid());\n  return fopen(path, "w");\n}\n',
      ],
      good: [
        '#include <fcntl.h>\n#include <unistd.h>\nint save_state(const char *data, size_t n) {\n  int fd = open("/tmp/app_state", O_WRONLY | O_CREAT | O_EXCL, 0600);\n  if (fd < 0) return -1;\n  write(fd, data, n);\n  return close(fd);\n}\n',
        '#include <stdio.h>\n#include <stdlib.h>\nFILE *open_log(void) {\n  char path[] = "/tmp/app-XXXXXX";\n  int fd = mkstemp(path);\n  return fd < 0 ? NULL : fdopen(fd, "w");\n}\n',
        '#include <stdio.h>\nFILE *read_conf(void) {\n  return fopen("/tmp/app.conf", "r");\n}\n',
      ],
    },
  }),
  call({
    id: 'c.timing-unsafe-compare',
    cwe: ['CWE-208'],
    severity: 'warning',
    title: 'MAC, signature or token compared with memcmp/strcmp',
    message: '',
    names: ['memcmp', 'strcmp', 'strncmp', 'bcmp'],
    check: (c, ctx) => {
      if (c.receiver) return false;
      const a = c.args[0];
      const b = c.args[1];
      if (!a || !b) return false;
      // Comparing with a literal or a macro is a keyword, a magic number or a hard-coded value.
      if (ctx.stringValue(a) !== undefined || ctx.stringValue(b) !== undefined) return false;
      if (/^[A-Z][A-Z0-9_]*$/.test(unwrapCasts(a).text) || /^[A-Z][A-Z0-9_]*$/.test(unwrapCasts(b).text))
        return false;
      const secret = [a, b].find((x) => {
        const t = unwrapCasts(x);
        const name =
          t.type === 'identifier'
            ? t.text
            : t.type === 'field_expression'
              ? (t.childForFieldName('field')?.text ?? '')
              : '';
        return SECRET_COMPARED.test(name);
      });
      if (!secret) return false;
      return {
        message: `${c.name}() stops at the first differing byte, so the time it takes tells an attacker how much of ${secret.text} a guess got right (byte by byte forgery of a MAC, signature or token). Compare with CRYPTO_memcmp(), timingsafe_bcmp() or sodium_memcmp() over the full length.`,
      };
    },
    examples: {
      bad: [
        '#include <string.h>\n#include <openssl/hmac.h>\nint verify(const unsigned char *msg, size_t n, const unsigned char *key, const unsigned char *received_mac) {\n  unsigned char expected_mac[32];\n  unsigned int len = sizeof expected_mac;\n  HMAC(EVP_sha256(), key, 32, msg, n, expected_mac, &len);\n  return memcmp(expected_mac, received_mac, len) == 0;\n}\n',
        '#include <string.h>\nstruct session { char csrf_token[33]; };\nint csrf_ok(const struct session *s, const char *sent) {\n  return strcmp(s->csrf_token, sent) == 0;\n}\n',
      ],
      good: [
        '#include <openssl/crypto.h>\n#include <openssl/hmac.h>\nint verify(const unsigned char *msg, size_t n, const unsigned char *key, const unsigned char *received_mac) {\n  unsigned char expected_mac[32];\n  unsigned int len = sizeof expected_mac;\n  HMAC(EVP_sha256(), key, 32, msg, n, expected_mac, &len);\n  return CRYPTO_memcmp(expected_mac, received_mac, len) == 0;\n}\n',
        '#include <string.h>\nint is_keyword(const char *token) {\n  return strcmp(token, "return") == 0;\n}\n',
        '#include <string.h>\nint same_name(const char *a, const char *b) {\n  return strcmp(a, b) == 0;\n}\n',
        '#include <string.h>\nint same_station(const unsigned char *mac, const unsigned char *peer) {\n  return memcmp(mac, peer, 6) == 0;\n}\n',
        '#include <string.h>\nstatic const unsigned char png_signature[8] = {137, 80, 78, 71, 13, 10, 26, 10};\nint is_png(const unsigned char *signature) {\n  return memcmp(signature, png_signature, 8) == 0;\n}\n',
      ],
    },
  }),
  call({
    id: 'c.size-past-sizeof',
    cwe: ['CWE-787', 'CWE-193'],
    severity: 'error',
    title: 'Write sized sizeof(buffer) plus more',
    message: '',
    names: Object.keys(SIZED_BUFFER_CALLS).filter((n) => n !== 'memcmp'),
    check: (c, ctx) => {
      if (c.receiver) return false;
      const spec = SIZED_BUFFER_CALLS[c.name];
      const size = spec ? c.args[spec[1]] : undefined;
      if (!spec || size?.type !== 'binary_expression' || size.childForFieldName('operator')?.text !== '+')
        return false;
      const extra = size.childForFieldName('right');
      const k = extra?.type === 'number_literal' ? Number.parseInt(extra.text, 10) : Number.NaN;
      if (!(k > 0)) return false;
      const name = sizeofOperand(size.childForFieldName('left') ?? undefined);
      const dst = argName(c.args[spec[0][0] as number]);
      if (!name || name !== dst) return false;
      if (!arrayDecl(ctx.model, ctx.model.enclosingFunction(c.node), name)) return false;
      return {
        message: `${c.name}() may write ${size.text} bytes into ${name}, which holds sizeof(${name}): ${k} byte${k > 1 ? 's' : ''} past its end. Pass sizeof(${name}) (the functions that add a NUL already count it within the size).`,
      };
    },
    examples: {
      bad: [
        '#include <stdio.h>\nint ask(void) {\n  char answer[8];\n  if (!fgets(answer, sizeof(answer) + 1, stdin)) return -1;\n  return answer[0] == 121;\n}\n',
        '#include <string.h>\nvoid keep(const char *src) {\n  char copy[32];\n  strncpy(copy, src, sizeof copy + 1);\n  use(copy);\n}\n',
      ],
      good: [
        '#include <stdio.h>\nint ask(void) {\n  char answer[8];\n  if (!fgets(answer, sizeof(answer), stdin)) return -1;\n  return answer[0] == 121;\n}\n',
        '#include <string.h>\nvoid keep(const char *src) {\n  char copy[32];\n  strncpy(copy, src, sizeof copy - 1);\n  copy[sizeof copy - 1] = 0;\n  use(copy);\n}\n',
      ],
    },
  }),
  call({
    id: 'c.double-close',
    cwe: ['CWE-1341', 'CWE-416'],
    severity: 'error',
    title: 'Stream or descriptor closed twice',
    message: '',
    names: ['fclose', 'pclose', 'closedir', 'close'],
    check: (c, ctx) => {
      if (c.receiver || c.node.parent?.type !== 'expression_statement') return false;
      const arg = c.args[0] ? unwrapCasts(c.args[0]) : undefined;
      if (!arg || (arg.type !== 'identifier' && arg.type !== 'field_expression')) return false;
      const lv = norm(arg.text);
      const fn = ctx.model.enclosingFunction(c.node);
      if (fn === ctx.model.topLevel) return false;
      const stmt = c.node.parent;
      for (const o of callsIn(ctx, fn)) {
        if (o.node.startIndex <= c.node.endIndex || o.name !== c.name || o.receiver) continue;
        const a = o.args[0] ? norm(unwrapCasts(o.args[0]).text) : '';
        if (a !== lv) continue;
        if (assignedBetween(ctx.model, fn.node, lv, c.node.endIndex, o.node.startIndex)) return false;
        // A loop around the first close runs it again with a new value (assigned before it).
        if (!fallsThrough(stmt, o.node.startIndex)) continue;
        const file = c.name !== 'close';
        return {
          node: o.node,
          severity: file ? 'error' : 'warning',
          cwe: file ? ['CWE-1341', 'CWE-416'] : ['CWE-1341', 'CWE-675'],
          message: `${lv} was already closed by ${c.name}() on line ${line(c.node)} and nothing assigned it since: ${
            file
              ? 'the second call uses a freed FILE/DIR object (undefined behaviour, heap corruption).'
              : 'the descriptor number may already belong to a file another thread opened, which this close() shuts.'
          } Close it once, and set ${lv} to ${file ? 'NULL' : '-1'} after closing.`,
        };
      }
      return false;
    },
    examples: {
      bad: [
        '#include <stdio.h>\nint copy_header(const char *path, char *out, int n) {\n  FILE *f = fopen(path, "r");\n  if (!f) return -1;\n  if (!fgets(out, n, f)) {\n    fclose(f);\n  }\n  fclose(f);\n  return 0;\n}\n',
        '#include <unistd.h>\nint send_all(int fd, const char *buf, size_t n) {\n  ssize_t w = write(fd, buf, n);\n  close(fd);\n  if (w < 0) {\n    close(fd);\n    return -1;\n  }\n  return 0;\n}\n',
      ],
      good: [
        '#include <stdio.h>\nint copy_header(const char *path, char *out, int n) {\n  FILE *f = fopen(path, "r");\n  if (!f) return -1;\n  if (!fgets(out, n, f)) {\n    fclose(f);\n    return -1;\n  }\n  fclose(f);\n  return 0;\n}\n',
        '#include <unistd.h>\nint send_all(int fd, const char *buf, size_t n) {\n  ssize_t w = write(fd, buf, n);\n  close(fd);\n  fd = -1;\n  if (w < 0) return -1;\n  return 0;\n}\n',
        '#include <stdio.h>\nvoid each(const char **paths, int k) {\n  FILE *f;\n  for (int i = 0; i < k; i++) {\n    f = fopen(paths[i], "r");\n    if (!f) continue;\n    fclose(f);\n  }\n}\n',
      ],
    },
  }),
  query({
    id: 'cpp.lambda-returns-local-reference',
    languages: ['cpp'],
    cwe: ['CWE-416', 'CWE-562'],
    severity: 'error',
    title: 'Returned lambda captures a local by reference',
    message: '',
    query: {
      cpp: '(return_statement (lambda_expression captures: (lambda_capture_specifier) @cap body: (_) @body) @lam) @report',
    },
    check: (caps, ctx) => {
      const { cap, body, lam, report } = caps;
      if (!cap || !body || !lam || !report || !cap.text.includes('&')) return false;
      const items = cap.text
        .replace(/^\[|\]$/g, '')
        .split(',')
        .map((x) => x.trim());
      const byDefault = items.includes('&');
      const explicit = items.filter((x) => /^&\s*\w+$/.test(x)).map((x) => x.replace(/^&\s*/, ''));
      const fn = ctx.model.enclosingFunction(report);
      if (fn === ctx.model.topLevel) return false;
      const own = new Set<string>();
      for (const p of lam.childForFieldName('declarator')?.childForFieldName('parameters')?.namedChildren ??
        []) {
        const d = p?.childForFieldName('declarator');
        const k = d ? declaratorKind(d) : undefined;
        if (k) own.add(k.name);
      }
      const candidates = byDefault
        ? [...new Set(body.descendantsOfType('identifier').map((n) => n?.text ?? ''))]
        : explicit;
      for (const name of candidates) {
        if (!name || own.has(name)) continue;
        const list = declsOf(ctx.model, fn).get(name);
        // Declared (also) inside the lambda: its own variable.
        if (!list?.length || list.some((d) => d.at >= lam.startIndex && d.at < lam.endIndex)) continue;
        const d = localDecl(ctx.model, fn, name);
        if (!d || d.isStatic || (d.kind !== 'value' && d.kind !== 'array')) continue;
        return {
          message: `The returned lambda captures ${name} by reference, and ${name} is ${d.param ? 'a by-value parameter' : 'a local variable'} of this function: it is destroyed on return, so calling the lambda later reads a dead stack slot. Capture it by value ([${name}] or [=]), or move it in ([${name} = std::move(${name})]).`,
        };
      }
      return false;
    },
    examples: {
      bad: [
        {
          code: '#include <functional>\nstd::function<int()> make_counter(int start) {\n  int count = start;\n  return [&]() { return ++count; };\n}\n',
          language: 'cpp',
        },
        {
          code: '#include <functional>\n#include <string>\nstd::function<void()> greeter(const std::string &who) {\n  std::string msg = "hello " + who;\n  return [&msg]() { puts(msg.c_str()); };\n}\n',
          language: 'cpp',
        },
      ],
      good: [
        {
          code: '#include <functional>\nstd::function<int()> make_counter(int start) {\n  int count = start;\n  return [count]() mutable { return ++count; };\n}\n',
          language: 'cpp',
        },
        {
          code: '#include <functional>\n#include <string>\nstd::function<void()> greeter(const std::string &who) {\n  std::string msg = "hello " + who;\n  return [msg = std::move(msg)]() { puts(msg.c_str()); };\n}\n',
          language: 'cpp',
        },
        {
          code: '#include <functional>\nstd::function<int(int)> adder(int &total) {\n  return [&](int x) { int y = x * 2; return total += y; };\n}\n',
          language: 'cpp',
        },
      ],
    },
  }),
  query({
    id: 'cpp.reference-invalidated-by-growth',
    languages: ['cpp'],
    cwe: ['CWE-416', 'CWE-825'],
    severity: 'error',
    title: 'Reference into a vector used after the vector grew',
    message: '',
    query: {
      cpp: '(init_declarator declarator: [(reference_declarator) (pointer_declarator)] @decl value: [(subscript_expression argument: (identifier) @v) (pointer_expression argument: (subscript_expression argument: (identifier) @v)) (call_expression function: (field_expression argument: (identifier) @v field: (field_identifier) @m))]) @report',
    },
    check: (caps, ctx) => {
      const { decl, v, m, report } = caps;
      if (!decl || !v || !report) return false;
      if (m && !/^(?:front|back|data|at)$/.test(m.text)) return false;
      if (
        decl.type === 'pointer_declarator' &&
        !m &&
        report.childForFieldName('value')?.type !== 'pointer_expression'
      )
        return false;
      const name = declaratorKind(decl)?.name;
      if (!name) return false;
      const fn = ctx.model.enclosingFunction(report);
      const vd = localDecl(ctx.model, fn, v.text);
      // Only vector and string move their elements when they grow (deque keeps references).
      if (!vd || !/^(?:const\s+)?(?:std::)?(?:vector|basic_string|string|wstring)\b/.test(vd.type))
        return false;
      if (vd.kind !== 'value' && vd.kind !== 'reference') return false;
      const stmt = statementOf(report);
      for (const n of ctx.model.nodesIn(fn.node, ['call_expression'])) {
        if (n.startIndex < stmt.endIndex) continue;
        const f = n.childForFieldName('function');
        if (f?.type !== 'field_expression' || f.childForFieldName('argument')?.text !== v.text) continue;
        const method = f.childForFieldName('field')?.text ?? '';
        if (
          !/^(?:push_back|emplace_back|insert|emplace|resize|reserve|append|assign|clear|shrink_to_fit)$/.test(
            method,
          )
        )
          continue;
        // The reference or pointer is read after the growth (and, for a pointer, not re-pointed).
        const growth = statementOf(n);
        const rest = ctx.source.slice(growth.endIndex, fn.end);
        const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        if (!new RegExp(`\\b${esc}\\b`).test(rest)) return false;
        if (
          decl.type === 'pointer_declarator' &&
          assignedBetween(ctx.model, fn.node, name, stmt.endIndex, fn.end)
        )
          return false;
        // Leaving the loop or function right after the growth never reaches a later use on that path.
        if (!fallsThrough(growth, fn.end - 1)) return false;
        return {
          node: n,
          message: `${name} ${decl.type === 'reference_declarator' ? 'refers' : 'points'} into ${v.text} (line ${line(report)}), and ${v.text}.${method}() can reallocate its storage: ${name} then dangles and its later use reads freed memory. Take the reference after the change, or keep an index instead.`,
        };
      }
      return false;
    },
    examples: {
      bad: [
        {
          code: '#include <vector>\nstruct Item { int qty; };\nvoid restock(std::vector<Item> &items, Item extra) {\n  Item &first = items[0];\n  items.push_back(extra);\n  first.qty += 1;\n}\n',
          language: 'cpp',
        },
        {
          code: '#include <string>\nvoid tag(std::string &s) {\n  const char *head = s.data();\n  s.append(" [done]");\n  puts(head);\n}\n',
          language: 'cpp',
        },
      ],
      good: [
        {
          code: '#include <vector>\nstruct Item { int qty; };\nvoid restock(std::vector<Item> &items, Item extra) {\n  items.push_back(extra);\n  Item &first = items[0];\n  first.qty += 1;\n}\n',
          language: 'cpp',
        },
        {
          code: '#include <vector>\nstruct Item { int qty; };\nvoid restock(std::vector<Item> &items, Item extra) {\n  size_t first = 0;\n  items.push_back(extra);\n  items[first].qty += 1;\n}\n',
          language: 'cpp',
        },
        {
          code: '#include <deque>\nstruct Item { int qty; };\nvoid restock(std::deque<Item> &items, Item extra) {\n  Item &first = items[0];\n  items.push_back(extra);\n  first.qty += 1;\n}\n',
          language: 'cpp',
        },
      ],
    },
  }),
  call({
    id: 'c.return-with-lock-held',
    cwe: ['CWE-667', 'CWE-833'],
    severity: 'warning',
    title: 'Function returns with a mutex still locked',
    message: '',
    names: Object.keys(UNLOCK_OF),
    check: (c, ctx) => {
      if (c.receiver || c.node.parent?.type !== 'expression_statement') return false;
      const unlockName = UNLOCK_OF[c.name];
      const lock = c.args[0] ? norm(c.args[0].text) : '';
      if (!unlockName || !lock) return false;
      const fn = ctx.model.enclosingFunction(c.node);
      if (fn.node.type !== 'function_definition') return false;
      const stmt = c.node.parent;
      const block = stmt.parent;
      if (block?.type !== 'compound_statement') return false;
      const paths = releasePaths(ctx, fn, c.node, stmt, block, unlockName, lock);
      // A function that never unlocks here hands the lock to its caller on purpose.
      if (!paths) return false;
      const lastUnlock = paths.last;
      for (const r of paths.returns) {
        // Unlocked on the way: an unlock between the lock and the return, in a block around the return.
        if (paths.released(r)) continue;
        return {
          node: r,
          message: `This return leaves ${lock} locked (taken by ${c.name}() on line ${line(c.node)}; the function unlocks it on line ${line(lastUnlock.node)}, not on this path): the next ${c.name}() on it deadlocks. Unlock before returning, or jump to a single exit that unlocks.`,
        };
      }
      return false;
    },
    examples: {
      bad: [
        '#include <pthread.h>\nstatic pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;\nstatic int balance;\nint withdraw(int amount) {\n  pthread_mutex_lock(&lock);\n  if (amount > balance)\n    return -1;\n  balance -= amount;\n  pthread_mutex_unlock(&lock);\n  return 0;\n}\n',
      ],
      good: [
        '#include <pthread.h>\nstatic pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;\nstatic int balance;\nint withdraw(int amount) {\n  pthread_mutex_lock(&lock);\n  if (amount > balance) {\n    pthread_mutex_unlock(&lock);\n    return -1;\n  }\n  balance -= amount;\n  pthread_mutex_unlock(&lock);\n  return 0;\n}\n',
        '#include <pthread.h>\nvoid acquire(pthread_mutex_t *m) {\n  pthread_mutex_lock(m);\n}\n',
        '#include <pthread.h>\nstatic pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;\nint get(int *out, int k) {\n  int rc = -1;\n  pthread_mutex_lock(&lock);\n  if (k >= 0) {\n    *out = k;\n    rc = 0;\n  }\n  pthread_mutex_unlock(&lock);\n  return rc;\n}\n',
      ],
    },
  }),
  call({
    id: 'c.read-result-as-index',
    cwe: ['CWE-252', 'CWE-787', 'CWE-124'],
    severity: 'warning',
    title: 'read()/recv() result used as an index without a check for -1',
    message: '',
    names: ['read', 'recv', 'recvfrom', 'readlink', 'pread', 'pread64'],
    check: (c, ctx) => {
      if (c.receiver) return false;
      const buf = argName(c.args[1]);
      let p: Node | null = c.node.parent;
      while (p && (p.type === 'cast_expression' || p.type === 'parenthesized_expression')) p = p.parent;
      const target =
        p?.type === 'assignment_expression'
          ? p.childForFieldName('left')
          : p?.type === 'init_declarator'
            ? p.childForFieldName('declarator')
            : null;
      if (!buf || target?.type !== 'identifier' || !p) return false;
      const n = target.text;
      const fn = ctx.model.enclosingFunction(c.node);
      const esc = n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      for (const sub of ctx.model.nodesIn(fn.node, ['subscript_expression'])) {
        if (sub.startIndex < p.endIndex || sub.childForFieldName('argument')?.text !== buf) continue;
        const index = sub.childForFieldName('index') ?? sub.childForFieldName('indices')?.namedChildren[0];
        if (index?.type !== 'identifier' || index.text !== n) continue;
        // Still the count from this call (not reassigned on the way).
        if (assignedBetween(ctx.model, fn.node, n, p.endIndex, sub.startIndex)) return false;
        // Any test of the count on the way (n < 0, n <= 0, n > 0, a loop condition) counts.
        if (guardedUse(sub, n)) return false;
        const between = ctx.source.slice(p.endIndex, sub.startIndex);
        if (new RegExp(`\\b${esc}\\s*(?:<|<=|>|>=|==|!=)|(?:<|<=|>|>=|==|!=)\\s*${esc}\\b`).test(between))
          return false;
        const write =
          sub.parent?.type === 'assignment_expression' && !!sub.parent.childForFieldName('left')?.equals(sub);
        return {
          node: sub,
          message: `${c.name}() returns -1 on failure (a reset connection, an interrupted call), and ${n} is used as an index into ${buf} without a check: ${buf}[-1] ${write ? 'is written' : 'is read'}, outside the buffer. Test ${n} < 0 (and handle 0) before using it.`,
        };
      }
      return false;
    },
    examples: {
      bad: [
        '#include <sys/socket.h>\n#include <stdio.h>\nvoid greet(int sock) {\n  char buf[128];\n  ssize_t n = recv(sock, buf, sizeof buf - 1, 0);\n  buf[n] = 0;\n  printf("got %s\\n", buf);\n}\n',
        '#include <unistd.h>\nint link_target(const char *p, char *out) {\n  char buf[256];\n  int len = readlink(p, buf, sizeof buf - 1);\n  buf[len] = 0;\n  return copy_out(out, buf);\n}\n',
      ],
      good: [
        '#include <sys/socket.h>\n#include <stdio.h>\nvoid greet(int sock) {\n  char buf[128];\n  ssize_t n = recv(sock, buf, sizeof buf - 1, 0);\n  if (n < 0) return;\n  buf[n] = 0;\n  printf("got %s\\n", buf);\n}\n',
        '#include <unistd.h>\nvoid pump(int fd) {\n  char buf[128];\n  ssize_t n;\n  while ((n = read(fd, buf, sizeof buf - 1)) > 0) {\n    buf[n] = 0;\n    fputs(buf, stdout);\n  }\n}\n',
      ],
    },
  }),
  query({
    id: 'c.sizeof-pointer-count',
    cwe: ['CWE-467'],
    severity: 'warning',
    title: 'Element count computed from sizeof of a pointer',
    message: '',
    query:
      '(binary_expression left: (sizeof_expression) @num operator: "/" right: (sizeof_expression) @den) @report',
    check: (caps, ctx) => {
      const { num, den, report } = caps;
      if (!num || !den || !report) return false;
      const name = sizeofOperand(num);
      if (!name || !new RegExp(`\\b${name}\\b`).test(den.text)) return false;
      const fn = ctx.model.enclosingFunction(report);
      const d = localDecl(ctx.model, fn, name);
      const arrayParam = d?.param && d.kind === 'array' && paramIsArray(fn, name);
      if (d?.kind !== 'pointer' && !arrayParam) return false;
      return {
        message: `${name} is ${arrayParam ? 'a parameter declared as an array, which is a pointer' : 'a pointer'}, so ${report.text} is the size of a pointer divided by the element size (8, 2 or 1), not the number of elements: pass the count as a parameter.`,
      };
    },
    examples: {
      bad: [
        'void clear(int values[]) {\n  for (unsigned i = 0; i < sizeof(values) / sizeof(values[0]); i++)\n    values[i] = 0;\n}\n',
        '#include <stdlib.h>\nvoid fill(void) {\n  double *w = malloc(16 * sizeof *w);\n  if (!w) return;\n  for (size_t i = 0; i < sizeof w / sizeof *w; i++) w[i] = 1.0;\n  use(w);\n}\n',
      ],
      good: [
        'void clear(int *values, unsigned count) {\n  for (unsigned i = 0; i < count; i++)\n    values[i] = 0;\n}\n',
        'void clear_all(void) {\n  int values[16];\n  for (unsigned i = 0; i < sizeof(values) / sizeof(values[0]); i++)\n    values[i] = 0;\n  use(values);\n}\n',
      ],
    },
  }),
  call({
    id: 'cpp.free-of-new',
    languages: ['cpp'],
    cwe: ['CWE-762'],
    severity: 'error',
    title: 'free() of memory from new',
    message: '',
    names: ['free'],
    check: (c, ctx) =>
      !c.receiver &&
      c.calleeText === 'free' &&
      c.args.length === 1 &&
      mismatchedRelease(c.args[0] as Node, c.node, ctx),
    examples: {
      bad: [
        {
          code: '#include <cstdlib>\nstruct Node { int v; };\nvoid drop() {\n  Node *n = new Node();\n  use(n);\n  free(n);\n}\n',
          language: 'cpp',
        },
        {
          code: '#include <cstdlib>\nclass Buf {\n  char *p_;\npublic:\n  Buf(int n) { p_ = new char[n]; }\n  ~Buf() { free(p_); }\n};\n',
          language: 'cpp',
        },
      ],
      good: [
        {
          code: '#include <cstdlib>\nstruct Node { int v; };\nvoid drop() {\n  Node *n = (Node *)malloc(sizeof(Node));\n  use(n);\n  free(n);\n}\n',
          language: 'cpp',
        },
        {
          code: '#include <cstdlib>\nclass Buf {\n  char *p_;\npublic:\n  Buf(int n) { p_ = new char[n]; }\n  ~Buf() { delete[] p_; }\n};\n',
          language: 'cpp',
        },
      ],
    },
  }),
  call({
    id: 'c.stream-leak-on-return',
    cwe: ['CWE-775', 'CWE-772'],
    severity: 'warning',
    title: 'Stream opened, then a return skips its close',
    message: '',
    names: Object.keys(CLOSE_OF),
    check: (c, ctx) => {
      if (c.receiver) return false;
      const closeName = CLOSE_OF[c.name];
      let p: Node | null = c.node.parent;
      while (p && (p.type === 'cast_expression' || p.type === 'parenthesized_expression')) p = p.parent;
      const target =
        p?.type === 'assignment_expression'
          ? p.childForFieldName('left')
          : p?.type === 'init_declarator'
            ? p.childForFieldName('declarator')
            : null;
      const fnName = functionName(ctx.model.enclosingFunction(c.node));
      // Returning from main() ends the process, which closes everything.
      if (fnName === 'main') return false;
      const v =
        target?.type === 'identifier'
          ? target.text
          : p?.type === 'init_declarator' && target
            ? declaratorKind(target)?.name
            : undefined;
      if (!closeName || !v) return false;
      const fn = ctx.model.enclosingFunction(c.node);
      if (fn.node.type !== 'function_definition') return false;
      const stmt = statementOf(c.node);
      const block = stmt.parent;
      if (block?.type !== 'compound_statement') return false;
      const paths = releasePaths(ctx, fn, c.node, stmt, block, closeName, v);
      // Never closed here: the stream is handed on (returned, stored) on purpose.
      if (!paths) return false;
      const lastClose = paths.last;
      for (const r of paths.returns) {
        // Returning the stream (or something made from it) hands it on; so does storing it
        // (`ctx->f = f;` before a successful return).
        if (mentionsLvalue(r, v)) continue;
        const escV = v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        if (new RegExp(`[^=!<>]=\\s*${escV}\\s*;`).test(ctx.source.slice(stmt.endIndex, r.startIndex)))
          continue;
        // The open failed on that path: nothing to close.
        if (inNullBranch(r, v, block)) continue;
        if (assignedBetween(ctx.model, fn.node, v, p?.endIndex ?? c.node.endIndex, r.startIndex))
          return false;
        if (paths.released(r)) continue;
        return {
          node: r,
          message: `${v} was opened by ${c.name}() on line ${line(c.node)} and this return leaves it open (the function closes it on line ${line(lastClose.node)}, not on this path): each failure leaks a descriptor, and an attacker who triggers the path repeatedly exhausts them. Close ${v} before returning, or jump to one exit that closes it.`,
        };
      }
      return false;
    },
    examples: {
      bad: [
        '#include <stdio.h>\nint first_line(const char *path, char *out, int n) {\n  FILE *f = fopen(path, "r");\n  if (f == NULL)\n    return -1;\n  if (!fgets(out, n, f))\n    return -1;\n  fclose(f);\n  return 0;\n}\n',
        '#include <dirent.h>\nint count(const char *dir) {\n  DIR *d = opendir(dir);\n  struct dirent *e;\n  int k = 0;\n  if (!d) return -1;\n  while ((e = readdir(d)) != NULL) {\n    if (e->d_name[0] == 0)\n      return -1;\n    k++;\n  }\n  closedir(d);\n  return k;\n}\n',
      ],
      good: [
        '#include <stdio.h>\nint first_line(const char *path, char *out, int n) {\n  FILE *f = fopen(path, "r");\n  if (f == NULL)\n    return -1;\n  if (!fgets(out, n, f)) {\n    fclose(f);\n    return -1;\n  }\n  fclose(f);\n  return 0;\n}\n',
        '#include <stdio.h>\nFILE *open_log(const char *path, int append) {\n  FILE *f = fopen(path, append ? "a" : "w");\n  if (!f) return NULL;\n  if (setvbuf(f, NULL, _IOLBF, 0) != 0) {\n    fclose(f);\n    return NULL;\n  }\n  return f;\n}\n',
        '#include <stdio.h>\n#include <stdlib.h>\nint slurp(const char *path, char **out) {\n  FILE *f = fopen(path, "rb");\n  char *buf = malloc(4096);\n  if (!f) return -1;\n  if (!buf) {\n  fail:\n    fclose(f);\n    free(buf);\n    return -1;\n  }\n  if (fread(buf, 1, 4096, f) == 0) goto fail;\n  fclose(f);\n  *out = buf;\n  return 0;\n}\n',
        '#include <stdio.h>\nstruct log { FILE *f; };\nint log_open(struct log *lg, const char *path) {\n  FILE *f = fopen(path, "a");\n  if (!f) return -1;\n  if (setvbuf(f, NULL, _IOLBF, 0) != 0) goto fail;\n  lg->f = f;\n  return 0;\nfail:\n  fclose(f);\n  return -1;\n}\n',
        '#include <stdio.h>\nint dump(int fd, const char *data) {\n  FILE *file = (FILE *) NULL;\n  if (fd != -1)\n    file = fdopen(fd, "wb");\n  if ((fd == -1) || (file == (FILE *) NULL))\n    return -1;\n  fputs(data, file);\n  fclose(file);\n  return 0;\n}\n',
        '#include <stdio.h>\nint main(int argc, char **argv) {\n  FILE *in = fopen(argv[1], "rb");\n  if (!in) return 1;\n  if (argc > 2) return 2;\n  fclose(in);\n  return 0;\n}\n',
        '#include <stdio.h>\nint copy(const char *path) {\n  int rc = -1;\n  FILE *f = fopen(path, "r");\n  if (!f) return -1;\n  if (process(f) == 0) rc = 0;\n  fclose(f);\n  return rc;\n}\n',
      ],
    },
  }),
];
