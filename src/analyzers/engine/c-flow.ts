import type { Node } from 'web-tree-sitter';
import type { Binding, FileModel, FunctionInfo } from './model.ts';

/**
 * Intra-procedural facts for C/C++ memory-safety rules, read from the tree-sitter syntax tree (so
 * snippets without headers work): which checks guard a use of an lvalue (an enclosing `if`, `&&`,
 * `?:` or loop condition that mentions it, or an earlier `if` that leaves the function or loop
 * when it fails, or an assert-like call), whether a statement leaves its block, and where an lvalue
 * is assigned again. Lvalues are compared by their text without spaces (`c->prev`, `buf`, `s.len`).
 */

// (ImageMagick's ThrowReaderException/ThrowWriterException/ThrowBinaryException/ThrowImageException
// macros record the error and `return`; ThrowMagickException and ThrowFileException only record it.)
const EXIT_TYPES = new Set(['return_statement', 'goto_statement', 'break_statement', 'continue_statement']);
const EXIT_CALL =
  /^(?:exit|_exit|abort|err|errx|panic|BUG|longjmp|__builtin_unreachable|assert_not_reached|usage|die|bail|fatal|fatal_error|Py_FatalError|Throw(?!Magick|File)\w*Exception|(?:[A-Z][A-Z0-9_]*)?(?:THROW|BAIL|DIE|ABORT|FATAL|GOTO|RETURN)[A-Z0-9_]*)$/;
// Checking macros that return, throw or abort when the condition fails: assert-likes, GLib's
// g_return_*_if_fail, TensorFlow's OP_REQUIRES, Godot's ERR_FAIL_*, *_OR_RETURN, VERIFY, ...
const ASSERT_CALL =
  /^(?:assert|BUG_ON|WARN_ON(?:_ONCE)?|g_return_if_fail|g_return_val_if_fail|g_assert|CHECK|DCHECK|ENSURE|REQUIRE|av_assert[0-2]|return_if_fail|\w*_RETURN_IF\w*|\w*CHECK\w*|OP_REQUIRES\w*|ERR_FAIL_\w+|[A-Z]\w*_OR_RETURN\w*|RETURN_(?:IF|UNLESS)\w*|[A-Z_]*ASSERT\w*|VERIFY\w*|[A-Z_]*ENSURE\w*|[A-Z_]*REQUIRE\w*)$/;
const LOOP_TYPES = new Set(['for_statement', 'while_statement', 'do_statement', 'for_range_loop']);
const FUNCTION_TYPES = new Set(['function_definition', 'lambda_expression']);

export const norm = (s: string): string => s.replace(/\s+/g, '');

/**
 * An ordering comparison (`<`, `<=`, `>`, `>=`) in C text: not the `>` of `p->f`, nor a shift
 * (`<<`, `>>`). `/[<>]/` alone reads every `t->n` as a bound.
 */
export const ORDERING = /(?<![-<>])(?:<=?|>=?)(?![<>])/;

/** Whether `expr` mentions the lvalue (as a whole word: `p` in `p->x`, not in `pp`). */
export function mentionsLvalue(expr: Node, lvalue: string): boolean {
  const text = norm(expr.text);
  const esc = lvalue.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&').replace(/\\-/g, '-');
  // (Not a field named like it, `s.p` or `s->p`; but `n>p`, once spaces are gone, compares p.)
  return new RegExp(`(?:^|[^\\w.>]|(?<!-)>)${esc}(?![\\w])`).test(text);
}

/** Whether the statement (block or single statement) always leaves: its last statement exits. */
export function leaves(stmt: Node | null | undefined): boolean {
  if (!stmt) return false;
  if (EXIT_TYPES.has(stmt.type)) return true;
  if (stmt.type === 'expression_statement') {
    const e = stmt.namedChildren[0];
    const callee = e?.type === 'call_expression' ? e.childForFieldName('function')?.text : undefined;
    return !!callee && EXIT_CALL.test(callee);
  }
  if (stmt.type === 'compound_statement') {
    const stmts = stmt.namedChildren.filter((c) => c && c.type !== 'comment');
    return leaves(stmts[stmts.length - 1]);
  }
  if (stmt.type === 'if_statement') {
    const alt = stmt.childForFieldName('alternative');
    return !!alt && leaves(stmt.childForFieldName('consequence')) && leaves(alt.namedChildren[0] ?? alt);
  }
  return false;
}

function conditionOf(n: Node): Node | null {
  return n.childForFieldName('condition');
}

/**
 * Whether a check on `lvalue` guards the use: an enclosing condition mentioning it (the use in an
 * `if`'s branch, the right of `&&`/`||`, a `?:` arm, a loop body), or, earlier in an enclosing
 * block, an `if` mentioning it whose branch leaves, or an assert-like call on it.
 */
export function guardedUse(use: Node, lvalue: string, from = 0): boolean {
  let child: Node = use;
  let n: Node | null = use.parent;
  while (n && !FUNCTION_TYPES.has(n.type)) {
    if (n.type === 'if_statement' || n.type === 'conditional_expression' || LOOP_TYPES.has(n.type)) {
      const cond = conditionOf(n);
      if (cond && !cond.equals(child) && cond.startIndex >= from && mentionsLvalue(cond, lvalue)) return true;
    }
    if (n.type === 'binary_expression') {
      const op = n.childForFieldName('operator')?.text;
      const left = n.childForFieldName('left');
      if ((op === '&&' || op === '||') && left && !left.equals(child) && mentionsLvalue(left, lvalue))
        return true;
    }
    if (n.type === 'compound_statement' || n.type === 'translation_unit') {
      for (let s of n.namedChildren) {
        if (!s || s.startIndex >= child.startIndex) break;
        if (s.endIndex <= from) continue;
        // `skip: if (!p) break;`: the labeled statement's own statement.
        while (s.type === 'labeled_statement' && s.namedChildren.length > 1)
          s = s.namedChildren[s.namedChildren.length - 1] as Node;
        if (s.type === 'if_statement') {
          const cond = conditionOf(s);
          if (cond && mentionsLvalue(cond, lvalue) && leaves(s.childForFieldName('consequence'))) return true;
        }
        if (s.type === 'expression_statement') {
          const e = s.namedChildren[0];
          const callee = e?.type === 'call_expression' ? e.childForFieldName('function')?.text : undefined;
          if (callee && ASSERT_CALL.test(callee) && mentionsLvalue(e as Node, lvalue)) return true;
        }
      }
    }
    child = n;
    n = n.parent;
  }
  return false;
}

/**
 * Assignments (`x = ...`, `x++`, out-parameters `&x`, a declaration `T *x = ...` such as one in a
 * loop body that runs again each turn) to the lvalue between two positions.
 */
export function assignedBetween(
  model: FileModel,
  fn: Node,
  lvalue: string,
  from: number,
  to: number,
): boolean {
  return writePositions(model, fn, lvalue).some((at) => at >= from && at < to);
}

/** Where in `fn` the lvalue is written (assigned, declared, updated, its address taken), by start index; memoized per file. */
function writePositions(model: FileModel, fn: Node, lvalue: string): number[] {
  let cache = WRITES.get(model);
  if (!cache) {
    cache = new Map();
    WRITES.set(model, cache);
  }
  const key = `${fn.startIndex}:${fn.endIndex}:${lvalue}`;
  const known = cache.get(key);
  if (known) return known;
  const out: number[] = [];
  for (const a of model.nodesIn(fn, [
    'assignment_expression',
    'update_expression',
    'pointer_expression',
    'init_declarator',
  ])) {
    if (!a) continue;
    if (a.type === 'init_declarator') {
      let d: Node | null = a.childForFieldName('declarator');
      while (d && d.type !== 'identifier') d = d.childForFieldName('declarator');
      if (d && d.text === lvalue) out.push(a.startIndex);
    } else if (a.type === 'assignment_expression') {
      const left = a.childForFieldName('left');
      if (left && norm(left.text) === lvalue) out.push(a.startIndex);
    } else if (a.type === 'update_expression') {
      if (norm(a.childForFieldName('argument')?.text ?? '') === lvalue) out.push(a.startIndex);
    } else if (a.text.startsWith('&') && norm(a.childForFieldName('argument')?.text ?? '') === lvalue) {
      out.push(a.startIndex);
    }
  }
  cache.set(key, out);
  return out;
}
const WRITES = new WeakMap<FileModel, Map<string, number[]>>();

/**
 * Uses of the lvalue that read memory through it: `p->f`, `p[i]`, `*p`, `p + n`, and string or
 * memory calls that read their first argument (`mem*(p, ...)`, `strcmp(p, ...)`, `atoi(p)`, `strdup(p)`).
 */
export function dereferences(
  model: FileModel,
  fn: Node,
  lvalue: string,
  from: number,
  anyCallArgument = false,
): Node[] {
  const out: Node[] = [];
  for (const n of model.nodesIn(fn, ['field_expression', 'subscript_expression', 'pointer_expression'])) {
    if (!n || n.startIndex < from) continue;
    if (n.type === 'field_expression') {
      if (n.childForFieldName('operator')?.text !== '->') continue;
      if (norm(n.childForFieldName('argument')?.text ?? '') === lvalue) out.push(n);
    } else if (n.type === 'subscript_expression') {
      if (norm(n.childForFieldName('argument')?.text ?? '') === lvalue) out.push(n);
    } else if (n.text.startsWith('*') && norm(n.childForFieldName('argument')?.text ?? '') === lvalue) {
      out.push(n);
    }
  }
  // Pointer arithmetic on a NULL result (`p + n`) yields a wild pointer that is used next.
  for (const b of model.nodesIn(fn, ['binary_expression'])) {
    if (!b || b.startIndex < from || b.childForFieldName('operator')?.text !== '+') continue;
    if (norm(b.childForFieldName('left')?.text ?? '') === lvalue && b.parent?.type !== 'binary_expression')
      out.push(b);
  }
  for (const c of model.nodesIn(fn, ['call_expression'])) {
    if (!c || c.startIndex < from) continue;
    const callee = c.childForFieldName('function')?.text ?? '';
    const first = c.childForFieldName('arguments')?.namedChildren[0];
    if (
      /^(?:mem(?:cpy|move|set|cmp)|str(?:n?cpy|n?cat|len|n?cmp|n?casecmp|n?dup|r?chr|str|c?spn|to(?:u?ll?|d|f))|ato(?:[ilf]|ll)|f?puts|sprintf|snprintf|fgets|fread)$/.test(
        callee,
      ) &&
      first
    ) {
      if (norm(first.text.replace(/^\([^()]*\)/, '')) === lvalue) out.push(c);
    } else if (anyCallArgument) {
      // A freed pointer handed to any function is a use.
      const arg = c
        .childForFieldName('arguments')
        ?.namedChildren.find((a) => a && norm(a.text.replace(/^\([^()]*\)/, '')) === lvalue);
      if (arg) out.push(arg);
    }
  }
  return out.sort((a, b) => a.startIndex - b.startIndex);
}

/** Whether the node sits inside a loop body of the function, and that loop. */
export function enclosingLoop(node: Node): Node | undefined {
  let n: Node | null = node.parent;
  while (n && !FUNCTION_TYPES.has(n.type)) {
    if (LOOP_TYPES.has(n.type)) return n;
    n = n.parent;
  }
  return undefined;
}

/**
 * Whether control can flow from the end of `stmt` to `to` (later in the function): false when a
 * block between them ends by leaving (return/goto/break/continue) after `stmt`.
 */
export function fallsThrough(stmt: Node, to: number): boolean {
  let child: Node = stmt;
  let n: Node | null = stmt.parent;
  while (n && !FUNCTION_TYPES.has(n.type)) {
    if (n.startIndex <= to && to < n.endIndex) {
      // The other branch of the same `if` is not reached from this one.
      const alt = n.type === 'if_statement' ? n.childForFieldName('alternative') : null;
      if (alt && !alt.equals(child) && alt.startIndex <= to && to < alt.endIndex) return false;
      // In the common block, a statement between the two that always leaves ends the path (code
      // after it, such as a `fail:` label, is reached by a jump, not from here).
      if (n.type === 'compound_statement' || n.type === 'case_statement' || n.type === 'translation_unit') {
        for (const s of n.namedChildren) {
          if (!s || s.startIndex < child.endIndex) continue;
          if (s.endIndex > to) break;
          if (EXIT_TYPES.has(s.type) || leaves(s)) return false;
        }
      }
      return true;
    }
    if (n.type === 'compound_statement' || n.type === 'case_statement') {
      for (const s of n.namedChildren)
        if (s && s.startIndex >= child.endIndex && (EXIT_TYPES.has(s.type) || leaves(s))) return false;
    }
    child = n;
    n = n.parent;
  }
  return true;
}

/**
 * The `goto` that control from the end of `stmt` takes before anything else leaves (`free(p); goto
 * fail;`, or the `goto` after the `if` that holds `stmt`), with the labeled statement it jumps to in
 * the same function; undefined when the path ends otherwise (a return, the end of a loop's body) or
 * the label is not in the function.
 */
export function gotoAfter(stmt: Node): { jump: Node; label: Node } | undefined {
  let child: Node = stmt;
  let n: Node | null = stmt.parent;
  while (n && !FUNCTION_TYPES.has(n.type) && !LOOP_TYPES.has(n.type) && n.type !== 'switch_statement') {
    // `return(cond ? DestroyImageList(image) : image);` leaves where it frees.
    if (EXIT_TYPES.has(n.type)) return undefined;
    if (n.type === 'compound_statement' || n.type === 'case_statement' || n.type === 'labeled_statement') {
      for (const s of n.namedChildren) {
        if (!s || s.startIndex < child.endIndex) continue;
        if (s.type === 'goto_statement') {
          const name = s.childForFieldName('label')?.text;
          let fn: Node | null = n;
          while (fn && !FUNCTION_TYPES.has(fn.type)) fn = fn.parent;
          const label = fn
            ?.descendantsOfType('labeled_statement')
            .find((l) => l?.childForFieldName('label')?.text === name);
          return label ? { jump: s, label } : undefined;
        }
        if (EXIT_TYPES.has(s.type) || leaves(s)) return undefined;
      }
    }
    child = n;
    n = n.parent;
  }
  return undefined;
}

/** Whether control that enters the labeled statement `label` reaches `at` (in it, or after it by falling through). */
export function reachedFromLabel(label: Node, at: number): boolean {
  if (label.startIndex <= at && at < label.endIndex) return true;
  return at >= label.endIndex && fallsThrough(label, at);
}

/**
 * Whether control from the end of `stmt` (inside `loop`'s body, with no loop between them) reaches
 * the loop's next turn: it falls to the end of the body, or a `continue` on the way sends it there
 * (a retry path: `free(p); continue;`). A `return`, `goto` or `break` first ends the path; a `break`
 * that only leaves a `switch` does not.
 */
export function reachesNextTurn(stmt: Node, loop: Node): boolean {
  let child: Node = stmt;
  let n: Node | null = stmt.parent;
  while (n && !n.equals(loop)) {
    if (FUNCTION_TYPES.has(n.type) || LOOP_TYPES.has(n.type)) return false;
    if (n.type === 'compound_statement' || n.type === 'case_statement') {
      for (const s of n.namedChildren) {
        if (!s || s.startIndex < child.endIndex) continue;
        if (s.type === 'continue_statement') return true;
        if (s.type === 'break_statement' && n.type === 'case_statement') break;
        if (EXIT_TYPES.has(s.type) || leaves(s)) return false;
      }
    }
    child = n;
    n = n.parent;
  }
  return !!n;
}

/** Whether a loop can end by its own condition (not `for (;;)`, `while (1)`, `while (true)`). */
export function loopCanEnd(loop: Node): boolean {
  const cond = loop.childForFieldName('condition');
  if (!cond) return loop.type === 'for_range_loop';
  const t = norm(cond.text).replace(/^\((.*)\)$/, '$1');
  return !/^(?:1|true|TRUE)$/.test(t);
}

/** Value of a decimal/hex integer literal text, else undefined. */
export function intLiteral(text: string): number | undefined {
  const t = text.replace(/[uUlL]+$/, '');
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) return Number.parseInt(t, 16);
  if (/^\d+$/.test(t)) return Number.parseInt(t, 10);
  return undefined;
}

/** Bytes of a C string literal's body (an escape sequence is one byte). */
export function cLength(body: string): number {
  return body.replace(/\\(?:x[0-9a-fA-F]+|[0-7]{1,3}|.)/g, 'x').length;
}

export interface PrintfConversion {
  /** The conversion letter (`d`, `s`, `%`, ...). */
  conv: string;
  width: number;
  precision?: number;
  /** Index of its value among the arguments after the format (undefined for `%%`). */
  arg?: number;
  /** Offsets of the directive in the format text. */
  start: number;
  end: number;
}

/** The conversions of a printf format, with the argument each one reads (`*` widths take one too). */
export function printfConversions(fmt: string): PrintfConversion[] {
  const out: PrintfConversion[] = [];
  let k = 0;
  for (const m of fmt.matchAll(
    /%([-+ #0]*)(\d+|\*)?(?:\.(\d+|\*))?(?:hh|h|ll|l|L|z|j|t|q)?([diouxXeEfFgGaAcspn%])/g,
  )) {
    const start = m.index ?? 0;
    const end = start + m[0].length;
    const conv = m[4] ?? '';
    if (conv === '%') {
      out.push({ conv, width: 0, start, end });
      continue;
    }
    if (m[2] === '*') k++;
    if (m[3] === '*') k++;
    out.push({
      conv,
      width: m[2] === '*' ? 0 : Number(m[2] ?? 0),
      ...(m[3] === undefined || m[3] === '*' ? {} : { precision: Number(m[3]) }),
      arg: k++,
      start,
      end,
    });
  }
  return out;
}

/** `x` without parentheses and casts (`(long)x`, `static_cast<int>(x)`). */
export function stripCasts(n: Node): Node {
  let x: Node = n;
  for (let i = 0; i < 8; i++) {
    const inner =
      x.type === 'parenthesized_expression'
        ? x.namedChildren[x.namedChildren.length - 1]
        : x.type === 'cast_expression'
          ? x.childForFieldName('value')
          : x.type === 'call_expression' &&
              /^static_cast\s*</.test(x.childForFieldName('function')?.text ?? '')
            ? x.childForFieldName('arguments')?.namedChildren[0]
            : undefined;
    if (!inner) return x;
    x = inner;
  }
  return x;
}

/**
 * The parameter `node` holds, unchanged since the function began, through plain copies (casts
 * and parentheses aside): the parameter itself, a local bound to a copy of it (`int d = n;`), `*p`
 * for a pointer bound to `&n`. With the names and the pointers that hold it; undefined otherwise.
 */
export function copiedParam(
  model: FileModel,
  taint: {
    latestBinding(name: string, at: number): Binding | undefined;
    bindingsOf(name: string, at: number): Binding[];
  },
  fn: FunctionInfo,
  node: Node,
  at: number,
  depth = 0,
): { param: string; names: Set<string>; pointers: Set<string> } | undefined {
  const n = stripCasts(node);
  if (depth > 4) return undefined;
  if (n.type === 'identifier') {
    if (fn.params.includes(n.text))
      return assignedBetween(model, fn.node, n.text, fn.node.startIndex, at)
        ? undefined
        : { param: n.text, names: new Set([n.text]), pointers: new Set() };
    // (a copy bound before the use, of a parameter the function never writes: a loop's later
    // `i = p;` reaching the use on the next pass is not read here)
    // (a cheap look at every binding first: asking for the one that reaches here makes a rule's
    // check run again with each other one)
    const plain = (x: Binding) => {
      const v = x.value && stripCasts(x.value);
      return (
        !!v && (v.type === 'identifier' || (v.type === 'pointer_expression' && v.child(0)?.text === '*'))
      );
    };
    if (!taint.bindingsOf(n.text, at).some((x) => x.kind === 'assign' && x.at <= at && plain(x)))
      return undefined;
    const b = taint.latestBinding(n.text, at);
    if (!b?.value || b.kind !== 'assign' || b.at > at || assignedBetween(model, fn.node, n.text, b.at, at))
      return undefined;
    const held = copiedParam(model, taint, fn, b.value, b.at, depth + 1);
    if (held && assignedBetween(model, fn.node, held.param, fn.node.startIndex, fn.node.endIndex))
      return undefined;
    held?.names.add(n.text);
    return held;
  }
  if (n.type === 'pointer_expression' && n.child(0)?.text === '*') {
    const p = stripCasts(n.childForFieldName('argument') ?? n);
    if (p.type !== 'identifier') return undefined;
    if (!taint.bindingsOf(p.text, at).some((x) => x.value && /^&/.test(x.value.text))) return undefined;
    const b = taint.latestBinding(p.text, at);
    const v = b?.value && stripCasts(b.value);
    if (!b || v?.type !== 'pointer_expression' || v.child(0)?.text !== '&') return undefined;
    if (assignedBetween(model, fn.node, p.text, b.at, at)) return undefined;
    const target = v.childForFieldName('argument');
    // (taking `&n` counts as a write of `n` afterwards: read `n` where the address is taken)
    const held = target && copiedParam(model, taint, fn, target, v.startIndex, depth + 1);
    held?.pointers.add(p.text);
    return held ?? undefined;
  }
  return undefined;
}
