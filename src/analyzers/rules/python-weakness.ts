import type { Node } from 'web-tree-sitter';
import { cweMatches } from '../cwe.ts';
import {
  comparisonsOf,
  decided,
  established,
  excludesNegative,
  excludesZero,
  type Guard,
  guardsAt,
  numberLiteral,
  readCondition,
} from '../engine/dominance.ts';
import { type FunctionInfo, operatorOf } from '../engine/model.ts';
import { type Rule, type RuleContext, regExpLiteral } from '../engine/rule.ts';
import { mentions } from '../engine/taint.ts';
import { judgingTask, modeValues, ruleBuilders, runsWhenever, statMode } from './common.ts';

const { call, query } = ruleBuilders(['python']);

/**
 * Weaknesses a test run rarely shows: a format template assembled from data, an index bounded only
 * from above, an argument list open to options, a division by an unchecked divisor, a containment
 * check that follows links, an incompletely checked redirect location, a file created readable by
 * others. Several of them would be noisy in a scan of arbitrary code (dividing by a parameter is
 * ordinary code); those fire only where the analyzer judges a task (`ctx.taskEvidence !==
 * undefined`), as their comments say.
 */

/** The node without surrounding parentheses. */
export function unwrap(n: Node): Node {
  let v = n;
  while (v.type === 'parenthesized_expression' && v.namedChildren[0]) v = v.namedChildren[0];
  return v;
}

/** A parameter of the enclosing function that the function has not re-bound before `at`. */
export function rawParam(node: Node | null | undefined, ctx: RuleContext): boolean {
  if (node?.type !== 'identifier') return false;
  if (!ctx.taint.isParam(node.text, node.startIndex)) return false;
  const b = ctx.taint.latestBinding(node.text, node.startIndex);
  return !b || b.kind === 'param';
}

/**
 * A parameter of `fn` read as it came by a function nested in it (`lambda: url`, `() => { r = url; }`):
 * no scope between them binds the name, and `fn` has not re-bound it.
 */
function enclosingParam(node: Node, fn: Node, ctx: RuleContext): boolean {
  if (node.type !== 'identifier') return false;
  const name = node.text;
  for (const scope of ctx.model.scopesAt(node.startIndex)) {
    if (scope.node.equals(fn)) {
      if (!scope.params.includes(name)) return false;
      const list = scope.bindings.get(name) ?? [];
      return list.every((b) => b.kind === 'param' || b.at > node.startIndex);
    }
    if (scope.params.includes(name) || scope.bindings.has(name)) return false;
  }
  return false;
}

/**
 * Under a task, where a nested function's parameter comes from: the raw parameters of the code
 * around it that the file hands it (the argument in its place at a call of the function, or an
 * element of a literal list handed with it as a callback: `map(lambda k: xs[k], [i])`), each with
 * the call where it is handed over. A read by the nested parameter is read there, as the same read
 * of that parameter; empty when the node is not a nested function's parameter.
 */
export function handedFrom(node: Node, ctx: RuleContext, depth = 0): { name: Node; at: Node }[] {
  if (depth > 3 || node.type !== 'identifier') return [];
  const fn = ctx.model.functionAt(node.startIndex);
  const index = fn.params.indexOf(node.text);
  if (index < 0 || ctx.model.scopesAt(fn.start).filter((s) => s !== fn).length < 2) return [];
  const out: { name: Node; at: Node }[] = [];
  const add = (v: Node, at: Node) => {
    if (/^(?:list|tuple|array|expression_list)$/.test(v.type)) {
      for (const e of v.namedChildren) if (e) add(e, at);
      return;
    }
    if (v.type !== 'identifier' || !rawParam(v, ctx)) return;
    const further = handedFrom(v, ctx, depth + 1);
    if (further.length) out.push(...further);
    else out.push({ name: v, at });
  };
  for (const inv of ctx.model.invocationsOf(fn)) {
    const c = inv.call;
    if (inv.callback) {
      for (const v of [c.receiver, ...c.args, ...c.kwargs.values()])
        if (v && !(v.startIndex <= fn.start && fn.end <= v.endIndex)) add(v, c.node);
      continue;
    }
    const v = c.kwargs.get(node.text) ?? c.args[index - inv.offset];
    if (v) add(v, c.node);
  }
  return out;
}

/** `py.index-upper-bound-only` for a read by `idx` at `report`. */
function indexUpperOnly(idx: Node, report: Node, ctx: RuleContext): boolean {
  const fn = functionOf(report, ctx);
  const guards = guardNodes(report, ctx);
  // Where a task is judged, a lower bound that holds where the read runs (`i < 0 and ...`
  // holding reads the negative index); in a scan, a comparison of the index with one.
  if (
    judgingTask(ctx)
      ? lowerBoundKnown(guardsAt(report, fn, ctx.model.profile, 'python'), idx.text)
      : lowerBounded(guards, idx.text, 'python')
  )
    return false;
  if (comparedWithLength(guards, idx.text, 'python')) return true;
  // Bounded on another path only: under a task, the read this path reaches is unchecked.
  if (
    judgingTask(ctx) &&
    (lowerBounded([fn], idx.text, 'python') || comparedWithLength([fn], idx.text, 'python'))
  )
    return true;
  // An IndexError caught around the read: the author bounds the index by the exception, which
  // a negative index never raises. Ordinary code, hence only where a task is judged.
  return judgingTask(ctx) && caughtAround(report, fn, /^(?:IndexError|LookupError)$/);
}

/** The innermost function around a node (the module at top level). */
export const functionOf = (n: Node, ctx: RuleContext): Node => ctx.model.functionAt(n.startIndex).node;

/** Descendants of `root` of the given types that read `name`. */
export function mentioning(root: Node, types: string[], name: string): Node[] {
  return root.descendantsOfType(types).filter((n): n is Node => !!n && mentions(n, name));
}

/**
 * The text of `n` and of the values its names were last bound to (three levels): where a value
 * comes from (`path = os.path.realpath(...)`).
 */
function lineage(n: Node, ctx: RuleContext, depth = 0): string {
  let text = n.text;
  if (depth >= 3) return text;
  for (const name of new Set(namesIn(n))) {
    const b = ctx.taint.latestBinding(name, n.startIndex);
    if (b?.value && b.value.startIndex < n.startIndex) text += `\n${lineage(b.value, ctx, depth + 1)}`;
  }
  return text;
}

/** Names read by an expression (identifiers, not attribute names). */
export function namesIn(n: Node): string[] {
  if (n.type === 'identifier') return [n.text];
  if (n.type === 'attribute' || n.type === 'member_expression') {
    const o = n.childForFieldName('object');
    return o ? namesIn(o) : [];
  }
  return n.namedChildren.flatMap((c) => (c ? namesIn(c) : []));
}

/**
 * Whether the value derives from a parameter of the enclosing function: the parameter itself, or a
 * variable bound (a few steps back) from an expression that reads one.
 */
export function fromParam(n: Node, ctx: RuleContext, depth = 0): boolean {
  if (depth > 4) return false;
  for (const name of new Set(namesIn(n))) {
    const b = ctx.taint.latestBinding(name, n.startIndex);
    if (!b || b.kind === 'param') {
      if (ctx.taint.isParam(name, n.startIndex)) return true;
      // under a task, a parameter of a function around a nested one (`def argv(): return names`)
      if (!b && judgingTask(ctx) && ctx.model.scopesAt(n.startIndex).some((s) => s.params.includes(name)))
        return true;
      continue;
    }
    if (b.value && fromParam(b.value, ctx, depth + 1)) return true;
  }
  return false;
}

/** A `+` chain's operands in order (Python and JavaScript). */
function plusParts(n: Node, out: Node[] = []): Node[] {
  const v = unwrap(n);
  if (
    (v.type === 'binary_operator' || v.type === 'binary_expression') &&
    v.childForFieldName('operator')?.text === '+'
  ) {
    const l = v.childForFieldName('left');
    const r = v.childForFieldName('right');
    if (l) plusParts(l, out);
    if (r) plusParts(r, out);
  } else out.push(v);
  return out;
}

/**
 * A template assembled from literal text and values: the literal text and the non-constant parts
 * (operands of a `+` chain, the fields of an f-string or a JS template). Undefined for a plain
 * literal or a single value.
 */
export function assembledTemplate(
  n: Node,
  ctx: RuleContext,
): { literal: string; values: Node[] } | undefined {
  const v = unwrap(n);
  let literal = '';
  const values: Node[] = [];
  const interpolated = (s: Node) => {
    for (const c of s.namedChildren) {
      if (!c) continue;
      if (c.type === 'interpolation' || c.type === 'template_substitution') {
        const inner = c.namedChildren.find(
          (x) => x && x.type !== 'format_specifier' && x.type !== 'type_conversion',
        );
        if (inner && !ctx.isConstant(inner)) values.push(inner);
      } else if (c.type === 'string_content' || c.type === 'string_fragment') literal += c.text;
    }
  };
  const parts = plusParts(v);
  if (parts.length < 2 && !(v.type === 'string' || v.type === 'template_string')) return undefined;
  for (const p of parts) {
    if (p.type === 'string' || p.type === 'template_string') {
      const lit = ctx.stringValue(p);
      if (lit !== undefined) literal += lit;
      else interpolated(p);
    } else if (ctx.isConstant(p)) literal += ctx.stringValue(p) ?? '';
    else values.push(p);
  }
  // A value whose directives are escaped (`note.replace('%', '%%')`, `.replace('{', '{{')`) is text.
  const escaped = values.filter(
    (x) =>
      !/\.replace(?:All)?\(\s*(?:(['"])%\1\s*,\s*(['"])%%\2|\/%\/g\s*,\s*(['"])%%\3|(['"])\{\4\s*,\s*(['"])\{\{\5)/.test(
        x.text,
      ),
  );
  return escaped.length ? { literal, values: escaped } : undefined;
}

/**
 * Whether the simple condition `x`, with value `holds`, puts `subject` in a `range(...)` that starts
 * at `min` or above (`i in range(len(xs))` true, `i not in range(1, n)` false).
 */
export function rangeMembership(x: Node, holds: boolean, subject: string, min: number): boolean {
  if (x.type !== 'comparison_operator') return false;
  const kids = x.children.filter((c): c is Node => !!c && c.type !== 'comment');
  if (kids.length !== 3 || unwrap(kids[0] as Node).text !== subject) return false;
  const op = kids[1]?.text.replace(/\s+/g, ' ');
  if (!((op === 'in' && holds) || (op === 'not in' && !holds))) return false;
  const r = unwrap(kids[2] as Node);
  if (r.type !== 'call' || r.childForFieldName('function')?.text !== 'range') return false;
  const args = r.childForFieldName('arguments')?.namedChildren.filter((a) => a && a.type !== 'comment') ?? [];
  const start = args.length === 1 ? 0 : numberLiteral(args[0]);
  return start !== undefined && start >= min;
}

/** Whether the guards establish that `name` is not negative where they hold (`i >= 0`, `i in range(...)`). */
export function lowerBoundKnown(guards: readonly Guard[], name: string): boolean {
  return established(
    guards,
    (x, holds) => comparisonsOf(x, holds, name).some(excludesNegative) || rangeMembership(x, holds, name, 0),
  );
}

/** The conditions known where `at` runs (engine/dominance.ts `guardsAt`). */
export function guardNodes(at: Node, ctx: RuleContext): Node[] {
  return guardsAt(at, functionOf(at, ctx), ctx.model.profile, ctx.language).map((g) => g.node);
}

/** `roots` and their descendants of the given types that read `name`. */
function mentioningIn(roots: readonly Node[], types: string[], name: string): Node[] {
  return roots.flatMap((r) => [
    ...(types.includes(r.type) && mentions(r, name) ? [r] : []),
    ...mentioning(r, types, name),
  ]);
}

/**
 * Whether the conditions `scope` (the guards of a read, or a whole function) bound `name` from
 * below: compared with a number literal (`i < 0`, `0 <= i`, `i >= 0`), a range test or a clamp.
 */
export function lowerBounded(
  scope: readonly Node[],
  name: string,
  language: 'python' | 'javascript',
): boolean {
  const types = language === 'python' ? ['comparison_operator'] : ['binary_expression'];
  for (const c of mentioningIn(scope, types, name)) {
    if (language === 'javascript' && !/^(?:<|<=|>|>=)$/.test(c.childForFieldName('operator')?.text ?? ''))
      continue;
    // 0, 1 (a 1-based index) or a negative literal: a test of the lower end.
    if (c.namedChildren.some((o) => o && /^(?:-\s*\d+|0|1)$/.test(o.text))) return true;
  }
  // `i in range(len(xs))`, `abs(i)`, `max(0, i)`: a range or a clamp bounds both ways.
  const text = scope.map((n) => n.text).join('\n');
  const id = name.replace(/\$/g, '\\$');
  return new RegExp(
    `\\b${id}\\s+(?:not\\s+)?in\\s+range\\(|\\b(?:abs|max|Math\\.abs|Math\\.max)\\([^)]*\\b${id}\\b|Number\\.isSafeInteger|>>>\\s*0`,
  ).test(text);
}

/** A comparison of `name` with a length (`i < len(xs)`, `i >= xs.length`) among `scope`. */
export function comparedWithLength(
  scope: readonly Node[],
  name: string,
  language: 'python' | 'javascript',
): boolean {
  const types = language === 'python' ? ['comparison_operator'] : ['binary_expression'];
  return mentioningIn(scope, types, name).some(
    (c) =>
      (language === 'python' || /^(?:<|<=|>|>=)$/.test(c.childForFieldName('operator')?.text ?? '')) &&
      /\blen\s*\(|\.length\b|\.size\b/.test(c.text),
  );
}

/** The exception types an `except` clause catches (empty for a bare `except:`). */
function caughtTypes(clause: Node): string[] {
  const first = clause.namedChildren.find((c) => c && c.type !== 'block' && c.type !== 'comment');
  if (!first) return [];
  const t = first.type === 'as_pattern' ? (first.namedChildren[0] ?? first) : first;
  return t.text
    .replace(/[()\s]/g, '')
    .split(',')
    .map((s) => s.split('.').pop() ?? s);
}

/** The `except` clauses of the `try` statements whose body holds `n`, innermost first. */
function handlersAround(n: Node, fn: Node): Node[][] {
  const out: Node[][] = [];
  for (let p = n.parent; p && !p.equals(fn); p = p.parent) {
    if (p.type !== 'block' || p.parent?.type !== 'try_statement') continue;
    const tryStmt = p.parent;
    if (!tryStmt.childForFieldName('body')?.equals(p)) continue;
    out.push(
      tryStmt.namedChildren.filter(
        (c): c is Node => !!c && (c.type === 'except_clause' || c.type === 'except_group_clause'),
      ),
    );
  }
  return out;
}

/** Whether an `except` around `n` catches one of `types` (or everything). */
export function caughtAround(n: Node, fn: Node, types: RegExp): boolean {
  return handlersAround(n, fn).some((clauses) =>
    clauses.some((c) => {
      const t = caughtTypes(c);
      return !t.length || t.some((x) => types.test(x));
    }),
  );
}

/** Whether the argument-list element can start with a dash: a value, not a `./`-prefixed build. */
function optionLike(el: Node, ctx: RuleContext): boolean {
  if (ctx.isConstant(el)) return false;
  const first = plusParts(el)[0];
  const lit =
    first && (first.type === 'string' || first.type === 'template_string')
      ? ctx.stringValue(first)
      : undefined;
  if (lit !== undefined && lit.length > 0 && !lit.startsWith('-')) return false;
  if (
    first &&
    /^(?:os\.path\.join|path\.join|path\.resolve|os\.path\.abspath|path\.posix\.join)\(/.test(first.text)
  )
    return false;
  return true;
}

/**
 * The elements of an argument vector in order, flattening `[...] + xs`, `list(xs)`, `*xs`, `...xs`;
 * a collection that is not a literal stands as one element (`spread`).
 */
type ArgvElement = { node: Node; spread: boolean };

export function argvElements(n: Node, ctx: RuleContext, depth = 0): ArgvElement[] {
  const v = unwrap(n);
  if (depth > 4) return [{ node: v, spread: true }];
  if (v.type === 'list' || v.type === 'tuple' || v.type === 'array') {
    return v.namedChildren.flatMap((c): ArgvElement[] => {
      if (!c || c.type === 'comment') return [];
      if (c.type === 'list_splat' || c.type === 'spread_element') {
        const inner = c.namedChildren[0];
        return inner ? argvElements(inner, ctx, depth + 1).map((e) => ({ ...e, spread: true })) : [];
      }
      return [{ node: c, spread: false }];
    });
  }
  if (
    (v.type === 'binary_operator' || v.type === 'binary_expression') &&
    v.childForFieldName('operator')?.text === '+'
  ) {
    const l = v.childForFieldName('left');
    const r = v.childForFieldName('right');
    return [...(l ? argvElements(l, ctx, depth + 1) : []), ...(r ? argvElements(r, ctx, depth + 1) : [])];
  }
  if (v.type === 'call') {
    const f = v.childForFieldName('function')?.text;
    const args = (v.childForFieldName('arguments')?.namedChildren ?? []).filter(
      (c): c is Node => !!c && c.type !== 'comment',
    );
    const a = args[0];
    if (judgingTask(ctx)) {
      // Under a task: `list(xs)`/`tuple(xs)` keep xs's elements in order; `filter(p, xs)` keeps
      // some of them ("--" maybe gone); `itertools.chain(a, b)` is a + b.
      if ((f === 'list' || f === 'tuple') && a && args.length === 1) return argvElements(a, ctx, depth + 1);
      if ((f === 'filter' || f === 'itertools.filterfalse') && args[1])
        return withoutEnd(argvElements(args[1], ctx, depth + 1));
      if (f === 'itertools.chain' || f === 'chain')
        return args.flatMap((x) =>
          x.type === 'list_splat' ? [{ node: x, spread: true }] : argvElements(x, ctx, depth + 1),
        );
    }
    if ((f === 'list' || f === 'tuple' || f === 'sorted') && a)
      return argvElements(a, ctx, depth + 1).map((e) => ({ ...e, spread: true }));
  }
  // `[a for a in [...] if ...]` under a task: the elements iterated, "--" maybe filtered out
  if (v.type === 'list_comprehension' && judgingTask(ctx)) {
    const body = v.childForFieldName('body');
    const clause = v.namedChildren.find((c) => c?.type === 'for_in_clause');
    const left = clause?.childForFieldName('left');
    const right = clause?.childForFieldName('right');
    if (body && right && left?.type === 'identifier' && body.text === left.text)
      return withoutEnd(argvElements(right, ctx, depth + 1));
  }
  // `['./' + n for n in names]`, `names.map((n) => './' + n)`: each element is the mapped body.
  if (v.type === 'list_comprehension' || v.type === 'generator_expression') {
    const body = v.childForFieldName('body');
    if (body) return [{ node: body, spread: true }];
  }
  if (v.type === 'call_expression' && /\.map$/.test(v.childForFieldName('function')?.text ?? '')) {
    const fn = v.childForFieldName('arguments')?.namedChildren[0];
    const body = fn?.type === 'arrow_function' ? fn.childForFieldName('body') : null;
    if (body && body.type !== 'statement_block') return [{ node: body, spread: true }];
  }
  if (v.type === 'call_expression' && /\.concat$/.test(v.childForFieldName('function')?.text ?? '')) {
    const recv = v.childForFieldName('function')?.childForFieldName('object');
    const args = v.childForFieldName('arguments')?.namedChildren ?? [];
    return [
      ...(recv ? argvElements(recv, ctx, depth + 1) : []),
      ...args.flatMap((a) => (a ? argvElements(a, ctx, depth + 1).map((e) => ({ ...e, spread: true })) : [])),
    ];
  }
  if (v.type === 'identifier') {
    const b = ctx.taint.latestBinding(v.text, v.startIndex);
    if (b?.kind === 'assign' && b.value) {
      const out = argvElements(b.value, ctx, depth + 1);
      if (!judgingTask(ctx)) return out;
      // Under a task, what the list takes after (`args.extend(names)`, `args += names`,
      // `args.insert(0, 'sort')`, `args.push(...xs)`), and an end-of-options "--" it may lose
      // (`args.remove('--')`, `del args[1]`, `args.shift()`): the "--" no longer counts.
      const later = ctx.taint
        .bindingsOf(v.text, v.startIndex)
        .filter((x) => x.kind === 'augment' && x.at > b.at && x.at <= v.startIndex && x.value);
      for (const x of later) {
        const added = addedElements(x.value as Node, v.text, ctx, depth);
        // `args.insert(0, 'sort')`, `args.unshift('sort')`: in front
        if (/^\s*[\w$.]+\s*\.\s*(?:insert\s*\(\s*0\s*,|unshift\s*\()/.test(x.value?.text ?? '')) {
          out.unshift(...added.map((e) => ({ ...e, spread: false })));
        } else out.push(...added);
      }
      return removesFrom(v.text, functionOf(v, ctx), b.at, v.startIndex) ? withoutEnd(out) : out;
    }
  }
  if (judgingTask(ctx)) {
    // a slice of a list (`args[:1] + args[2:]`): its elements, without the "--" it may have cut
    if ((v.type === 'subscript' || v.type === 'subscript_expression') && depth < 4) {
      const base = v.childForFieldName('value') ?? v.childForFieldName('object');
      const sub = v.childForFieldName('subscript') ?? v.childForFieldName('index');
      if (base && sub?.type === 'slice') return withoutEnd(argvElements(base, ctx, depth + 1));
      // a constant key of a dict literal (`a['argv']`)
      const key = sub ? ctx.stringValue(sub) : undefined;
      const dict = base ? unwrap(ctx.resolve(base)) : undefined;
      if (key !== undefined && dict && (dict.type === 'dictionary' || dict.type === 'object'))
        for (const pair of dict.namedChildren)
          if (pair?.type === 'pair' && ctx.stringValue(pair.childForFieldName('key')) === key) {
            const value = pair.childForFieldName('value');
            if (value) return argvElements(value, ctx, depth + 1);
          }
    }
    if (v.type === 'call_expression') {
      const f = v.childForFieldName('function');
      const m = f?.childForFieldName('property')?.text;
      const recv = f?.childForFieldName('object');
      // `[...].slice(1)`, `[...].filter(...)`: the array's elements, "--" maybe gone
      if (recv && (m === 'slice' || m === 'filter')) return withoutEnd(argvElements(recv, ctx, depth + 1));
    }
    // what a nested function returns (`def argv(): return ['sort'] + names`)
    if (v.type === 'call' || v.type === 'call_expression') {
      const returned = ctx.model.invokedAt(v).flatMap(({ fn }) => {
        const body = fn.node.childForFieldName('body');
        if (body && body.type !== 'block' && body.type !== 'statement_block') return [body];
        return fn.node
          .descendantsOfType('return_statement')
          .map((r) => r?.namedChildren.find((c) => c && c.type !== 'comment'))
          .filter((r): r is Node => !!r);
      });
      if (returned.length === 1 && returned[0]) return argvElements(returned[0], ctx, depth + 1);
    }
  }
  return [{ node: v, spread: true }];
}

/** The elements a statement adds to the list `name` (an `augment` binding's value). */
function addedElements(x: Node, name: string, ctx: RuleContext, depth: number): ArgvElement[] {
  const u = unwrap(x);
  if (u.type !== 'call' && u.type !== 'call_expression') return argvElements(u, ctx, depth + 1);
  const f = u.childForFieldName('function');
  const m = (f?.childForFieldName('attribute') ?? f?.childForFieldName('property'))?.text ?? '';
  const obj = f?.childForFieldName('object');
  const args = (u.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (c): c is Node => !!c && c.type !== 'comment',
  );
  if (obj?.text !== name) return [];
  if (m === 'extend' && args[0])
    return argvElements(args[0], ctx, depth + 1).map((e) => ({ ...e, spread: true }));
  if (m === 'insert' && args[1]) return [{ node: args[1], spread: true }];
  return args.flatMap((a) =>
    a.type === 'spread_element' || a.type === 'list_splat'
      ? argvElements(a.namedChildren[0] ?? a, ctx, depth + 1).map((e) => ({ ...e, spread: true }))
      : [{ node: a, spread: m !== 'append' && m !== 'push' }],
  );
}

/** The elements without an end-of-options "--" (a list that may have lost it). */
function withoutEnd(els: ArgvElement[]): ArgvElement[] {
  return els.filter((e) => e.node.text.replace(/^["'`]|["'`]$/g, '') !== '--');
}

/** Whether the function takes elements out of the list `name` between two positions. */
function removesFrom(name: string, fn: Node, from: number, to: number): boolean {
  const e = regExpLiteral(name);
  const text = fn.text.slice(from - fn.startIndex, to - fn.startIndex);
  return new RegExp(`\\b${e}\\s*\\.\\s*(?:remove|pop|shift|splice|clear)\\s*\\(|\\bdel\\s+${e}\\s*\\[`).test(
    text,
  );
}

/** A test (in `text`) that refuses values starting with a single dash, or strips the dashes. */
function dashChecked(text: string): boolean {
  return /\.(?:startswith|startsWith)\(\s*(['"`])-\1|\[0\]\s*(?:==|===|!=|!==)\s*(['"`])-\2|(['"`])-\3\s*(?:==|===|!=|!==)\s*[\w$.]+\[0\]|charAt\(0\)\s*(?:==|===|!=|!==)\s*(['"`])-\4|(?:re\.(?:match|search|fullmatch)\(\s*r?|\/)(['"]?)\^-|\.(?:lstrip|trimStart)\(\s*(['"`])-\6|\[:1\]\s*(?:==|!=)\s*(['"])-\7|re\.match\(\s*r?(['"])-/.test(
    text,
  );
}

/**
 * A test of a leading dash (`s.startswith('-')`, `s[0] == '-'`, `s.charAt(0) !== '-'`,
 * `re.match('-', s)`, `/^-/.test(s)`): what it tests, and the value it has where `s` does not start
 * with a dash.
 */
function dashTest(x: Node): { subject: string; refusesWhen: boolean } | undefined {
  const t = x.text.trim();
  const Q = `(['"\`])`;
  let m = new RegExp(`^([\\w$.\\[\\]]+?)\\.(?:startswith|startsWith)\\(\\s*${Q}-\\2\\s*\\)$`).exec(t);
  if (m?.[1]) return { subject: m[1], refusesWhen: false };
  m = new RegExp(`^([\\w$.]+?)(?:\\[0\\]|\\[:1\\]|\\.charAt\\(0\\))\\s*(==|===|!=|!==)\\s*${Q}-\\3$`).exec(t);
  if (m?.[1]) return { subject: m[1], refusesWhen: m[2]?.startsWith('!') ?? false };
  m = new RegExp(`^${Q}-\\1\\s*(==|===|!=|!==)\\s*([\\w$.]+?)(?:\\[0\\]|\\[:1\\]|\\.charAt\\(0\\))$`).exec(t);
  if (m?.[3]) return { subject: m[3], refusesWhen: m[2]?.startsWith('!') ?? false };
  m = /^re\.(?:match|search|fullmatch)\(\s*r?(['"])\^?-\+?\1\s*,\s*([\w$.]+)\s*\)$/.exec(t);
  if (m?.[2]) return { subject: m[2], refusesWhen: false };
  m = /^\/\^-\+?\/[a-z]*\.test\(\s*([\w$.]+)\s*\)$/.exec(t);
  if (m?.[1]) return { subject: m[1], refusesWhen: false };
  return undefined;
}

/**
 * A condition over every element of a collection: `any(P for n in xs)` / `all(...)`, `xs.some((n)
 * => P)` / `xs.every(...)`; the element's name, the collection and the predicate.
 */
function quantified(x: Node): { some: boolean; element: string; collection: Node; pred: Node } | undefined {
  if (x.type === 'call') {
    const f = x.childForFieldName('function')?.text;
    const g = x.childForFieldName('arguments');
    if ((f !== 'any' && f !== 'all') || g?.type !== 'generator_expression') return undefined;
    const pred = g.childForFieldName('body');
    const clauses = g.namedChildren.filter((c) => c?.type === 'for_in_clause' || c?.type === 'if_clause');
    const clause = clauses[0];
    if (!pred || clauses.length !== 1 || clause?.type !== 'for_in_clause') return undefined;
    const left = clause.childForFieldName('left');
    const right = clause.childForFieldName('right');
    if (left?.type !== 'identifier' || !right) return undefined;
    return { some: f === 'any', element: left.text, collection: right, pred };
  }
  if (x.type === 'call_expression') {
    const f = x.childForFieldName('function');
    const name = f?.type === 'member_expression' ? f.childForFieldName('property')?.text : undefined;
    const coll = f?.childForFieldName('object');
    const cb = x.childForFieldName('arguments')?.namedChildren[0];
    if ((name !== 'some' && name !== 'every') || !coll || cb?.type !== 'arrow_function') return undefined;
    const params = cb.childForFieldName('parameters')?.namedChildren ?? [];
    const param = cb.childForFieldName('parameter') ?? (params.length === 1 ? params[0] : undefined);
    const pred = cb.childForFieldName('body');
    if (param?.type !== 'identifier' || !pred || pred.type === 'statement_block') return undefined;
    return { some: name === 'some', element: param.text, collection: coll, pred };
  }
  return undefined;
}

/** The collection a value is read from as a whole: `list(xs)`, `xs[1:]`, `xs.slice(1)`, `...xs` are `xs`. */
function collectionBase(n: Node): string {
  let v = unwrap(n);
  for (let k = 0; k < 6; k++) {
    if (v.type === 'list_splat' || v.type === 'spread_element') v = unwrap(v.namedChildren[0] ?? v);
    else if (
      v.type === 'call' &&
      /^(?:list|tuple|sorted)$/.test(v.childForFieldName('function')?.text ?? '')
    ) {
      const a = v.childForFieldName('arguments')?.namedChildren[0];
      if (!a) break;
      v = unwrap(a);
    } else if (v.type === 'subscript' && v.childForFieldName('subscript')?.type === 'slice')
      v = unwrap(v.childForFieldName('value') ?? v);
    else if (
      v.type === 'call_expression' &&
      /\.slice$/.test(v.childForFieldName('function')?.text ?? '') &&
      v.childForFieldName('function')?.childForFieldName('object')
    )
      v = unwrap(v.childForFieldName('function')?.childForFieldName('object') as Node);
    else break;
  }
  return v.text;
}

/**
 * Whether a refusal of a leading dash holds where the call runs, for this argument: a test of the
 * value itself with the value that refuses (`if name.startswith('-'): raise` before it, or the
 * call in `if not name.startswith('-'):`), or of every element of the collection it comes from (a
 * loop over it that leaves, `any(...)` that fails, `every(...)` that holds). A test of something
 * else, or one that holds its dash there (`if n.startswith('-') and ...:` around the call), is none.
 */
function dashRefusedAt(el: ArgvElement, guards: readonly Guard[]): boolean {
  const v = unwrap(el.node);
  const value = el.spread ? undefined : v.text;
  const list =
    el.spread || v.type === 'subscript' || v.type === 'subscript_expression'
      ? collectionBase(el.spread ? v : (v.childForFieldName('value') ?? v.childForFieldName('object') ?? v))
      : undefined;
  const ofElement = (element: string) => (x: Node, holds: boolean) => {
    const t = dashTest(x);
    return !!t && t.subject === element && t.refusesWhen === holds;
  };
  return guards.some((g) => {
    if (g.over)
      return (
        list !== undefined &&
        collectionBase(g.over.collection) === list &&
        decided(g.node, g.holds, ofElement(g.over.element))
      );
    return decided(g.node, g.holds, (x, holds) => {
      const t = dashTest(x);
      if (t) return t.subject === value && t.refusesWhen === holds;
      const q = quantified(x);
      if (!q || list === undefined || collectionBase(q.collection) !== list) return false;
      // `any(P)` false, `all(P)` true: P has that value for every element.
      if (q.some === holds) return false;
      return decided(q.pred, holds, ofElement(q.element));
    });
  });
}

/**
 * The first option-like user value in an argument vector that no `--` precedes (the end of options),
 * unless a test refusing a leading dash decides whether the call `at` runs (an early exit, an
 * enclosing branch, a loop over the values that leaves) or the function strips leading dashes.
 * Where a task is judged, the refusal must hold there for that value (`dashRefusedAt`), and the
 * stripping be of the value; in a scan, any such test or stripping in the function will do.
 * `skip` elements are the program.
 */
export function injectableArgument(
  argv: { node: Node; spread: boolean }[],
  ctx: RuleContext,
  at: Node,
  skip: number,
): Node | undefined {
  const task = judgingTask(ctx);
  const STRIP = /\.(?:lstrip|trimStart)\(\s*(['"`])-\1/;
  if (
    !task &&
    (STRIP.test(functionOf(at, ctx).text) ||
      dashChecked(
        guardNodes(at, ctx)
          .map((g) => g.text)
          .join('\n'),
      ))
  )
    return undefined;
  const guards = task ? guardsAt(at, functionOf(at, ctx), ctx.model.profile, ctx.language) : [];
  for (const [i, el] of argv.entries()) {
    if (i < skip && !el.spread) continue;
    const lit = ctx.stringValue(el.node);
    if (lit === '--') return undefined;
    if (!optionLike(el.node, ctx) || !fromParam(el.node, ctx)) continue;
    if (task) {
      const base = unwrap(el.node);
      const made =
        base.type === 'identifier' ? ctx.taint.latestBinding(base.text, base.startIndex)?.value : undefined;
      if (STRIP.test(base.text) || (made && STRIP.test(made.text)) || dashRefusedAt(el, guards)) continue;
    }
    return el.node;
  }
  return undefined;
}

/** What a condition known at a redirect establishes about the location. */
type LocationFact = 'slash' | 'confined' | 'none';

/** A local path of this site (`/account`, not `//host` or `/\\host`) or a full origin with a path. */
const CONFINING_PREFIX = /^(?:\/[^/\\]|[a-z][a-z0-9+.-]*:\/\/[^/\\?#]+\/)/i;

/**
 * What the condition `f` (true or false where the location is used) says of the location `name`:
 * - `slash`: it starts with "/" (which `//evil.example` and `/\evil.example` also do);
 * - `none`: nothing that keeps it on the site: its length, that it is set, that it ends with or
 *   contains a constant (true where it is used: a backdoor's trigger), that it starts with a prefix
 *   that is no local path (`//Kx9`), that it does not start with one that is no second slash;
 * - `confined`: anything else (a second "/" or a backslash refused, an allow-list, a parse, a
 *   validator's call): read leniently, as a check.
 */
function locationFact(f: Guard, name: string, ctx: RuleContext): LocationFact {
  const n = unwrap(f.node);
  // the location, or its text with case or surrounding blanks changed (`url.lower()`)
  const isName = (x: Node | null | undefined) => !!x && sameText(x, name, ctx);
  const strings = (x: Node | null | undefined): string[] | undefined => {
    if (!x) return undefined;
    const one = ctx.stringValue(x);
    if (one !== undefined) return [one];
    const u = unwrap(x);
    if (u.type !== 'tuple' && u.type !== 'array' && u.type !== 'list') return undefined;
    const all = u.namedChildren.filter((c): c is Node => !!c).map((c) => ctx.stringValue(c));
    return all.every((v): v is string => v !== undefined) ? all : undefined;
  };
  // The value itself as the condition: that it is set (or not).
  if (isName(n)) return 'none';
  // A test of a summary of it (a digest, a checksum, its characters as a set, sorted, summed,
  // reversed), either way: no summary says where it leads.
  if (testsSummary(n, name, ctx)) return 'none';
  if (n.type === 'call' || n.type === 'call_expression') {
    const fnNode = n.childForFieldName('function');
    const args = (n.childForFieldName('arguments')?.namedChildren ?? []).filter((c): c is Node => !!c);
    const method = fnNode?.childForFieldName('attribute') ?? fnNode?.childForFieldName('property');
    const receiver = fnNode?.childForFieldName('object');
    if (method && isName(receiver)) {
      const needles = strings(args[0]);
      if (needles && /^(?:startswith|startsWith)$/.test(method.text)) {
        if (f.holds) {
          if (needles.every((c) => c === '/')) return 'slash';
          return needles.every((c) => CONFINING_PREFIX.test(c)) ? 'confined' : 'none';
        }
        // Known not to start with a second slash or a backslash: a check beyond the first "/".
        return needles.some((c) => /^(?:\/\/|\/\\|\\)/.test(c)) ? 'confined' : 'none';
      }
      if (/^(?:endswith|endsWith|includes|contains|find|search)$/.test(method.text)) {
        // What it ends with or contains, a constant or not (`target.endswith(domain)`): not where
        // it leads (`https://evil.example/?example.com`).
        if (f.holds) return 'none';
        if (needles) return needles.some((c) => /\/\/|\\/.test(c)) ? 'confined' : 'none';
      }
      // A string predicate or a transformation of the value (`url.isascii()`, `url.strip()`) says
      // nothing of where it leads; a match against a pattern does.
      if (
        /^(?:is(?:ascii|printable|lower|upper|space|title)|strip|lstrip|rstrip|lower|upper|casefold|trim\w*|to(?:Lower|Upper)Case|normalize|encode|decode|count|index|rfind|rindex|split|partition|rpartition)$/.test(
          method.text,
        )
      )
        return 'none';
    }
    if (fnNode?.text === 'isinstance' || fnNode?.text === 'len') return 'none';
    const pattern = patternTest(n, name, ctx);
    if (pattern) return patternFact(pattern, f.holds);
    // `any(p for v in (x, y))` that holds: some element passes, not known which; `all` that fails
    // the same.
    if (/^(?:any|all)$/.test(fnNode?.text ?? '') || /^(?:some|every)$/.test(method?.text ?? '')) {
      const some = fnNode?.text === 'any' || method?.text === 'some';
      if (some === f.holds) return 'none';
      // every element's test holds: what that test says of the location (`every((c) =>
      // url.includes(c))` over constants says nothing of where it leads)
      const arg = args[0];
      const body =
        arg?.type === 'generator_expression'
          ? arg.childForFieldName('body')
          : arg && /^(?:arrow_function|function_expression)$/.test(arg.type)
            ? arg.childForFieldName('body')
            : undefined;
      if (body && body.type !== 'statement_block' && mentions(body, name))
        return locationFact({ node: body, holds: f.holds }, name, ctx);
      return 'confined';
    }
    // `/^\//.test(x)`
    if (
      method?.text === 'test' &&
      receiver?.type === 'regex' &&
      receiver.text === '/^\\//' &&
      isName(args[0])
    )
      return f.holds ? 'slash' : 'none';
    // A function of this program handed the location: what its returns that give this value say
    // of it (`def ok(u): return u.endswith(K)` is the trigger it reads).
    const helper = helperFact(n, name, f.holds, ctx);
    if (helper) return helper;
    return 'confined';
  }
  const op = operatorOf(n);
  const operands = n.namedChildren.filter((c): c is Node => !!c);
  if (op === 'in' || op === 'not in') {
    const [needle, hay] = operands;
    const contains = (op === 'in') === f.holds;
    const texts = strings(needle);
    // A text the location contains, a constant or not (`domain in target`), or a piece of it
    // contains, is not where it leads.
    if (isName(hay) || (hay && pieceOf(hay, name, ctx))) {
      if (contains) return 'none';
      return texts?.some((c) => /\/\/|\\/.test(c)) ? 'confined' : 'none';
    }
    // The location's host (or another reading of it, not a piece of its start) known not to be
    // among some values (`host not in ALLOWED` where it is used): a deny-list at best.
    if (!contains && needle && mentions(needle, name) && !pieceOf(needle, name, ctx)) return 'none';
    return 'confined';
  }
  if (op && operands.length === 2) {
    const [l, r] = operands;
    const lenOf = (x: Node | undefined) =>
      !!x && /^(?:len\(\s*\S+\s*\)|\S+\.length)$/.test(unwrap(x).text) && mentions(x, name);
    if (lenOf(l) || lenOf(r)) return 'none';
    const equal = op === '==' || op === '===' || op === 'is';
    const unequal = op === '!=' || op === '!==' || op === 'is not';
    if ((equal || unequal) && (isName(l) || isName(r))) {
      // Equal to a constant where it is used: an allow-list; unequal to one, or equal to anything
      // else (`url == url.strip()`): nothing.
      const other = isName(l) ? r : l;
      return equal === f.holds && ctx.isConstant(other) ? 'confined' : 'none';
    }
    // A piece of the location other than its start (`url[-3:]`, `url.split('#')[-1]`, `ord(url[-1])`)
    // or where a constant occurs in it (`url.find('Kx9')`), compared with a constant: equal says
    // nothing of where it leads (a backdoor's trigger); unequal keeps it on the site only where the
    // constant is what leaves it (`//`, a backslash).
    const pl = l ? pieceOf(l, name, ctx) : undefined;
    const pr = r ? pieceOf(r, name, ctx) : undefined;
    const piece = pl ?? pr;
    const other = pl ? r : l;
    const refused = (t: string | undefined) => t !== undefined && /\/\/|\\/.test(t);
    if (piece?.kind === 'search') return refused(piece.needle) || piece.needle === '/' ? 'confined' : 'none';
    if (piece?.kind === 'inner' && other && ctx.isConstant(other)) {
      return !(equal === f.holds) && refused(ctx.stringValue(other)) ? 'confined' : 'none';
    }
    // The location's host (or another reading of it) known to differ from something where it is
    // used (`urlparse(url).netloc != domain`): nothing that keeps it on the site. (A piece of its
    // start unequal to '/' is a check of a second slash; `m is not None`, a match that exists, is
    // the match's truth, not a difference.)
    const nothing = (x: Node | undefined) => !!x && /^(?:None|null|undefined|nil)$/.test(unwrap(x).text);
    if ((equal || unequal) && equal !== f.holds && !piece && !nothing(l) && !nothing(r)) return 'none';
    // `x[0] == '/'`
    const first = (x: Node | undefined) => !!x && /^\S+\[0\]$/.test(unwrap(x).text) && mentions(x, name);
    if ((equal || unequal) && (first(l) || first(r))) {
      const c = ctx.stringValue(first(l) ? r : l);
      if (c === '/') return equal === f.holds ? 'slash' : 'none';
    }
  }
  return 'confined';
}

const RANK: Record<LocationFact, number> = { none: 0, slash: 1, confined: 2 };

/** Functions whose returns are being read (a helper that calls itself reads as nothing). */
const HELPERS_READ = new Set<Node>();

/**
 * What a call `call` of a function of this program, handed the location `name`, says of it where
 * the call's value is `holds`: each return of the function that can give that value (a constant
 * `True`/`false` of the other value cannot), read with the checks that decide it, the weakest of
 * them; a function with no such return reads as nothing. Undefined: not such a call.
 */
function helperFact(call: Node, name: string, holds: boolean, ctx: RuleContext): LocationFact | undefined {
  const hits = ctx.model.invokedAt(call);
  const hit = hits.length === 1 ? hits[0] : undefined;
  if (!hit || hit.inv.callback) return undefined;
  const k = hit.inv.call.args.findIndex((a) => sameText(a, name, ctx));
  if (k < 0) return undefined;
  const fn = hit.fn;
  const param = fn.params[k + hit.inv.offset];
  if (!param || HELPERS_READ.has(fn.node)) return 'none';
  HELPERS_READ.add(fn.node);
  try {
    const body = fn.node.childForFieldName('body');
    // an arrow function's expression body, or the values its own return statements give
    const values: (Node | undefined)[] =
      body && !/block/.test(body.type)
        ? [body]
        : fn.node
            .descendantsOfType('return_statement')
            .filter((r): r is Node => !!r && ctx.model.enclosingFunction(r).node.equals(fn.node))
            .map((r) => r.namedChildren.find((c) => c && c.type !== 'comment') ?? undefined);
    const derived = [...derivedNames(fn.node, param)];
    let out: LocationFact | undefined;
    for (const v of values) {
      const c = v
        ? /^(?:True|true)$/.test(v.text) ||
          (/^(?:False|false|None|null|undefined)$/.test(v.text) ? false : undefined)
        : false;
      if (c !== undefined && c !== holds) continue;
      let fact: LocationFact | undefined =
        v && c === undefined ? knownOf(v, holds, param, derived, ctx) : undefined;
      const at = v ?? fn.node;
      for (const g of guardsAt(at, fn.node, ctx.model.profile, ctx.language)) {
        const k2 = knownOf(g.node, g.holds, param, derived, ctx);
        if (k2 !== undefined && (fact === undefined || RANK[k2] > RANK[fact])) fact = k2;
      }
      const got = fact ?? 'none';
      if (out === undefined || RANK[got] < RANK[out]) out = got;
    }
    return out ?? 'none';
  } finally {
    HELPERS_READ.delete(fn.node);
  }
}

/** Methods that change a text's case or trim it: the result leads where the text leads. */
const SAME_TEXT =
  /^(?:lower|upper|casefold|strip|lstrip|rstrip|trim|trimStart|trimEnd|toLowerCase|toUpperCase|toLocaleLowerCase|toLocaleUpperCase|normalize)$/;

/** `x` is the value `name`, or it with case or surrounding blanks changed (`url.strip().lower()`). */
function sameText(x: Node, name: string, ctx?: RuleContext): boolean {
  let u = unwrap(x);
  for (let i = 0; i < 4; i++) {
    if (u.text === name) return true;
    // `(t := url)`: the value it binds
    if (u.type === 'named_expression') {
      const value = u.childForFieldName('value');
      if (!value) return false;
      u = unwrap(value);
      continue;
    }
    // a name bound to it (`low = url.lower()`)
    if (u.type === 'identifier' && ctx) {
      const r = unwrap(ctx.resolve(u));
      if (r === u || r.type === 'identifier') return false;
      u = r;
      continue;
    }
    if (u.type !== 'call' && u.type !== 'call_expression') return false;
    const f = u.childForFieldName('function');
    const m = (f?.childForFieldName('attribute') ?? f?.childForFieldName('property'))?.text ?? '';
    const obj = f?.childForFieldName('object');
    const args = (u.childForFieldName('arguments')?.namedChildren ?? []).filter(
      (c) => c && c.type !== 'comment',
    );
    if (!obj || !SAME_TEXT.test(m) || args.length) return false;
    u = unwrap(obj);
  }
  return false;
}

/**
 * How `x` reads a piece of the location `name`: its start (`url[0]`, `url[:2]`, `url[1]`,
 * `url.split('/')[0]`, `url.slice(0, 2)`), a piece elsewhere (`url[-3:]`, `url.split('#')[-1]`,
 * `url.slice(-3)`, `url.at(-1)`, `ord(url[-1])`), or where a constant occurs in it
 * (`url.find('Kx9')`, `url.count('K')`, `url.indexOf(k)`). Undefined: not a piece of it.
 */
function pieceOf(
  x: Node,
  name: string,
  ctx: RuleContext,
  depth = 0,
): { kind: 'start' | 'inner' | 'search'; needle?: string } | undefined {
  if (depth > 3) return undefined;
  let u = unwrap(x);
  // a name bound to a piece (`tail = url[-3:]`)
  if (u.type === 'identifier' && u.text !== name) {
    const r = unwrap(ctx.resolve(u));
    if (r === u || !mentions(r, name)) return undefined;
    u = r;
  }
  const int = (n: Node | null | undefined) => (n && /^\d+$/.test(n.text) ? Number(n.text) : undefined);
  const at = (k: number | undefined) => (k === 0 || k === 1 ? ('start' as const) : ('inner' as const));
  if (u.type === 'subscript' || u.type === 'subscript_expression') {
    const base = u.childForFieldName('value') ?? u.childForFieldName('object');
    const sub = u.childForFieldName('subscript') ?? u.childForFieldName('index');
    if (!base || !sub) return undefined;
    const index =
      sub.type === 'slice'
        ? sub.namedChildren[0] && sub.text.indexOf(':') > 0
          ? int(sub.namedChildren[0])
          : 0
        : int(sub);
    if (sameText(base, name, ctx)) return { kind: at(index) };
    // an element of the location split in parts (`url.split('#')[-1]`, `url.rpartition('#')[2]`)
    const b = unwrap(base);
    const f = b.type === 'call' || b.type === 'call_expression' ? b.childForFieldName('function') : null;
    const m = (f?.childForFieldName('attribute') ?? f?.childForFieldName('property'))?.text ?? '';
    const obj = f?.childForFieldName('object');
    if (obj && sameText(obj, name, ctx) && /^(?:split|rsplit|partition|rpartition|splitlines)$/.test(m))
      return { kind: index === 0 && !/^r/.test(m) ? 'start' : 'inner' };
    return undefined;
  }
  if (u.type !== 'call' && u.type !== 'call_expression') return undefined;
  const f = u.childForFieldName('function');
  const args = (u.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (c): c is Node => !!c && c.type !== 'comment',
  );
  // `ord(url[-1])`: the piece's code
  if (f?.type === 'identifier' && f.text === 'ord' && args[0]) return pieceOf(args[0], name, ctx, depth + 1);
  const m = (f?.childForFieldName('attribute') ?? f?.childForFieldName('property'))?.text ?? '';
  const obj = f?.childForFieldName('object');
  if (!obj) return undefined;
  if (sameText(obj, name, ctx)) {
    if (/^(?:find|rfind|index|rindex|count|indexOf|lastIndexOf|search)$/.test(m))
      return { kind: 'search', needle: args[0] ? ctx.stringValue(args[0]) : undefined };
    if (/^(?:slice|substring|substr)$/.test(m)) return { kind: int(args[0]) === 0 ? 'start' : 'inner' };
    if (/^(?:charAt|charCodeAt|codePointAt|at)$/.test(m)) return { kind: at(int(args[0])) };
    return undefined;
  }
  // `url.split('#').pop()`
  if (m === 'pop' && !args.length) {
    const inner = unwrap(obj);
    const g =
      inner.type === 'call_expression' || inner.type === 'call' ? inner.childForFieldName('function') : null;
    const split = (g?.childForFieldName('attribute') ?? g?.childForFieldName('property'))?.text ?? '';
    const o = g?.childForFieldName('object');
    if (o && sameText(o, name, ctx) && /^(?:split|rsplit)$/.test(split)) return { kind: 'inner' };
  }
  return undefined;
}

/**
 * Functions whose result summarizes a text without saying where a location leads: digests and
 * checksums, its characters as a set or counted, sorted, summed, reversed, their codes.
 */
const SUMMARY =
  /^(?:hash|md5|sha\d*|sha3_\d+|blake2[bs]|new|crc32|crc_hqx|adler32|digest|hexdigest|createHash|checksum\w*|Checksum\w*|Sum\d*|sum|sorted|set|frozenset|Counter|reversed|reverse|sort|reduce|min|max|ord|Set|charCodeAt|codePointAt)$/;

/** Whether `x` reads the location `name` only through a summary of it (`SUMMARY`). */
function summarized(x: Node, name: string, ctx: RuleContext, depth = 0): boolean {
  if (depth > 6) return false;
  const u = unwrap(x);
  const next = (y: Node | null | undefined) => !!y && summarized(y, name, ctx, depth + 1);
  if (u.type === 'identifier') {
    if (u.text === name) return false;
    const r = unwrap(ctx.resolve(u));
    return r !== u && mentions(r, name) && next(r);
  }
  if (u.type === 'call' || u.type === 'call_expression' || u.type === 'new_expression') {
    const f = u.childForFieldName('function') ?? u.childForFieldName('constructor');
    const last =
      (f?.childForFieldName('attribute') ?? f?.childForFieldName('property'))?.text ??
      (f?.type === 'identifier' ? f.text : '');
    const recv = f?.childForFieldName('object');
    const hashlib = /^hashlib\./.test(f?.text ?? '');
    if ((SUMMARY.test(last) && (last !== 'new' || hashlib)) || hashlib)
      return mentions(u, name) || reachesBy(u, name, ctx);
    return next(recv);
  }
  if (/^(?:subscript|subscript_expression|attribute|member_expression)$/.test(u.type)) {
    const base = u.childForFieldName('value') ?? u.childForFieldName('object');
    // `url[::-1]`: the text reversed
    const sub = u.childForFieldName('subscript');
    if (sub?.type === 'slice' && /::\s*-/.test(sub.text) && base && sameText(base, name, ctx)) return true;
    return next(base);
  }
  if (u.type === 'binary_operator' || u.type === 'binary_expression')
    return next(u.childForFieldName('left')) || next(u.childForFieldName('right'));
  return false;
}

/** Whether a name in `x` is bound from the location `name` (one step). */
function reachesBy(x: Node, name: string, ctx: RuleContext): boolean {
  return x.descendantsOfType('identifier').some((i) => {
    if (!i || i.text === name) return false;
    const r = ctx.resolve(i);
    return r !== i && mentions(r, name);
  });
}

/**
 * A condition on a summary of the location (`SUMMARY`): a method or a comparison whose subject is
 * one (`sha256(url.encode()).hexdigest().startswith('00')`, `set(url) >= {'~'}`, `new Set(url).size
 * === 9`).
 */
function testsSummary(n: Node, name: string, ctx: RuleContext): boolean {
  if (n.type === 'call' || n.type === 'call_expression') {
    const f = n.childForFieldName('function');
    const recv = f?.childForFieldName('object');
    return !!recv && summarized(recv, name, ctx);
  }
  const op = operatorOf(n);
  if (!op || /^(?:and|or|&&|\|\||not)$/.test(op)) return false;
  const operands = n.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  return operands.some((o) => summarized(o, name, ctx)) && !operands.some((o) => sameText(o, name, ctx));
}

/** A regular expression or a shell pattern tested on the location: its text and whether it is anchored at its start. */
function patternTest(
  n: Node,
  name: string,
  ctx: RuleContext,
): { pattern: string; anchored: boolean } | undefined {
  const f = n.childForFieldName('function');
  const args = (n.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (c): c is Node => !!c && c.type !== 'comment',
  );
  const m = (f?.childForFieldName('attribute') ?? f?.childForFieldName('property'))?.text ?? '';
  const obj = f?.childForFieldName('object');
  const regexText = (x: Node | null | undefined): string | undefined => {
    if (!x) return undefined;
    const r = unwrap(ctx.resolve(x));
    if (r.type === 'regex') return r.childForFieldName('pattern')?.text ?? '';
    if (
      (r.type === 'call' || r.type === 'new_expression' || r.type === 'call_expression') &&
      r.text.match(/^(?:new\s+)?(?:RegExp|re\.compile)\(/)
    ) {
      const a = (r.childForFieldName('arguments')?.namedChildren ?? [])[0];
      return a ? ctx.stringValue(a) : undefined;
    }
    return ctx.stringValue(r);
  };
  const at = (pattern: string | undefined, start: boolean) =>
    pattern === undefined
      ? undefined
      : { pattern, anchored: (start || /^(?:\^|\\A)/.test(pattern)) && !/^(?:\^|\\A)?\.[*+?]/.test(pattern) };
  // Python: re.search(p, url), re.match(p, url), re.compile(p).search(url), fnmatch(url, p)
  const callee = ctx.model.callOf(n)?.calleeText ?? f?.text.replace(/\s+/g, '') ?? '';
  if (/^(?:re\.)?(?:search|match|fullmatch|findall)$/.test(callee) && args[1] && sameText(args[1], name, ctx))
    return at(regexText(args[0]), /match$/.test(callee));
  if (/^(?:fnmatch\.)?fnmatch(?:case)?$/.test(callee) && args[0] && sameText(args[0], name, ctx)) {
    const p = ctx.stringValue(args[1]);
    return p === undefined ? undefined : { pattern: p, anchored: !/^[*?[]/.test(p) };
  }
  if (obj && /^(?:search|match|fullmatch|test|exec)$/.test(m) && args[0] && sameText(args[0], name, ctx))
    return at(regexText(obj), /match$/.test(m) && ctx.language === 'python');
  // JavaScript: url.match(/p/), url.search(/p/)
  if (obj && /^(?:match|search)$/.test(m) && sameText(obj, name, ctx) && args[0])
    return at(regexText(args[0]), false);
  return undefined;
}

/**
 * What a pattern test says of the location: one that holds says where it leads only when anchored at
 * its start (`^/[^/\\]`): read leniently as a check); one that fails keeps it on the site only where
 * the pattern is what leaves it (a `//`, a backslash, a scheme).
 */
function patternFact(p: { pattern: string; anchored: boolean }, holds: boolean): LocationFact {
  if (holds) return p.anchored ? 'confined' : 'none';
  return /\/\/|\\\/\\\/|\\\\|:/.test(p.pattern) ? 'confined' : 'none';
}

/**
 * What the condition `n`, with value `holds` where the location is used, says of it (undefined:
 * nothing, it does not read the location). Both sides of a conjunction that holds are known (the
 * stronger counts); of a disjunction that holds only one side may be (the weaker counts, and a side
 * that does not read the location says nothing of it).
 */
function knownOf(
  n: Node,
  holds: boolean,
  name: string,
  derived: readonly string[],
  ctx: RuleContext,
  depth = 0,
): LocationFact | undefined {
  const leaf = (u: Node, h: boolean): LocationFact | undefined => {
    if (mentions(u, name)) return locationFact({ node: u, holds: h }, name, ctx);
    if (!derived.some((d) => mentions(u, d))) return undefined;
    // A name bound from the location: a test kept in a name (`hit = url.endswith(K)`) is read as
    // that test; a piece of it (`tail = url[-3:]`) or its text (`low = url.lower()`) as such.
    const x = unwrap(u);
    if (x.type === 'identifier' && depth < 2) {
      const value = ctx.resolve(x);
      if (value !== x && mentions(value, name))
        return knownOf(value, h, name, derived, ctx, depth + 1) ?? 'none';
    }
    return locationFact({ node: u, holds: h }, name, ctx);
  };
  const stronger = (a: LocationFact | undefined, b: LocationFact | undefined) =>
    a === undefined ? b : b === undefined || RANK[a] >= RANK[b] ? a : b;
  const weaker = (a: LocationFact | undefined, b: LocationFact | undefined) =>
    a === undefined && b === undefined
      ? undefined
      : RANK[a ?? 'none'] <= RANK[b ?? 'none']
        ? (a ?? 'none')
        : (b ?? 'none');
  return readCondition(n, holds, leaf, stronger, weaker);
}

/** Names bound from an expression that reads `name` (`parsed = urlparse(target)`). */
function derivedNames(fn: Node, name: string): Set<string> {
  const out = new Set<string>();
  for (const a of fn.descendantsOfType(['assignment', 'variable_declarator', 'short_var_declaration'])) {
    const left = a?.childForFieldName('left') ?? a?.childForFieldName('name');
    const right = a?.childForFieldName('right') ?? a?.childForFieldName('value');
    if (left?.type === 'identifier' && right && mentions(right, name) && left.text !== name)
      out.add(left.text);
  }
  return out;
}

/** The statements that test a condition, anywhere in the function. */
const TESTING_STATEMENTS = ['if_statement', 'elif_clause', 'while_statement', 'assert_statement'];

/**
 * How a redirect location read from a parameter is left open, or undefined: returned as it came
 * (`return target or '/'`), after a test that it starts with "/" alone (which `//evil.example` and
 * `/\evil.example` pass), or with nothing about it known where it is returned while the function
 * otherwise answers a local path or checks it elsewhere (`if target.endswith(K): return target`
 * before the real check). Only the conditions that decide whether the return is reached count
 * (`guards`, from engine/dominance.ts); a check of the host, of a `//` or `\` prefix, an allow-list,
 * a validator or URL parsing among them closes it.
 */
/**
 * Under a task, the caller's parameter a returned value is a copy of, its text kept: the value
 * stripped or with a prefix or suffix removed, a slice of it, an f-string of it alone, the one
 * element of a literal tuple or list taken by a constant index or joined, or what a nested function
 * that returns its parameter gives back for it (`pick(url)`). A location made that way is the
 * caller's location.
 */
export function passedThrough(n: Node, ctx: RuleContext): Node | undefined {
  // (asked twice of each returned value under a redirect task: for the value, and for the
  // parameters its function answers; memoized per file)
  const memo = perReading(PASSED, ctx, () => new Map<number, Node | undefined>());
  if (memo.has(n.id)) return memo.get(n.id);
  const r = passedThroughAt(n, ctx, 0);
  memo.set(n.id, r);
  return r;
}

function passedThroughAt(n: Node, ctx: RuleContext, depth: number): Node | undefined {
  if (depth > 4) return undefined;
  const v = unwrap(n);
  const next = (x: Node | null | undefined) => (x ? passedThroughAt(x, ctx, depth + 1) : undefined);
  const named = (x: Node | null | undefined) =>
    (x?.namedChildren ?? []).filter((c): c is Node => !!c && c.type !== 'comment');
  if (v.type === 'identifier') return rawParam(v, ctx) ? v : undefined;
  if (v.type === 'subscript' || v.type === 'subscript_expression') {
    const value = v.childForFieldName('value') ?? v.childForFieldName('object');
    const sub = v.childForFieldName('subscript') ?? v.childForFieldName('index');
    if (!value || !sub) return undefined;
    if (sub.type === 'slice') return next(value);
    const inner = unwrap(value);
    if (/^(?:tuple|list|array)$/.test(inner.type) && /^\d+$/.test(sub.text))
      return next(named(inner)[Number(sub.text)]);
    return undefined;
  }
  // f"{x}", `${x}`: the text of x alone
  if (v.type === 'string' || v.type === 'template_string') {
    const parts = named(v).filter((c) => c.type !== 'string_start' && c.type !== 'string_end');
    const only =
      parts.length === 1 && /^(?:interpolation|template_substitution)$/.test(parts[0]?.type ?? '')
        ? parts[0]?.namedChildren[0]
        : null;
    return next(only);
  }
  if (v.type !== 'call' && v.type !== 'call_expression') return undefined;
  const fn = v.childForFieldName('function');
  const args = named(v.childForFieldName('arguments'));
  if (fn?.type === 'attribute' || fn?.type === 'member_expression') {
    const m = (fn.childForFieldName('attribute') ?? fn.childForFieldName('property'))?.text ?? '';
    const obj = fn.childForFieldName('object');
    if (
      obj &&
      /^(?:strip|lstrip|rstrip|removeprefix|removesuffix|trim|trimStart|trimEnd|slice|substring|substr|toString|valueOf)$/.test(
        m,
      )
    )
      return next(obj);
    // ''.join([x]), [x].join('')
    const list = obj && m === 'join' ? (ctx.stringValue(obj) === '' ? args[0] : obj) : undefined;
    const items = list ? named(unwrap(list)) : [];
    return list && /^(?:tuple|list|array)$/.test(unwrap(list).type) && items.length === 1
      ? next(items[0])
      : undefined;
  }
  if (fn?.type === 'identifier' && /^(?:str|String)$/.test(fn.text) && args.length === 1)
    return next(args[0]);
  // a function of the file that returns its parameter (`def pick(u): return u`, `((u) => u)(x)`)
  for (const { fn: f, inv } of ctx.model.invokedAt(v)) {
    const body = f.node.childForFieldName('body');
    const returned =
      body && !/^(?:block|statement_block)$/.test(body.type)
        ? [body]
        : (body?.descendantsOfType('return_statement') ?? [])
            .filter((r): r is Node => !!r && ctx.model.enclosingFunction(r) === f)
            .map((r) => r.namedChildren[0]);
    const first = returned[0];
    const param =
      first?.type === 'identifier' && returned.every((r) => r?.type === 'identifier' && r.text === first.text)
        ? first.text
        : undefined;
    const i = param ? f.params.indexOf(param) - inv.offset : -1;
    return i >= 0 ? next(inv.call.args[i]) : undefined;
  }
  return undefined;
}

/**
 * A location pinned by a fixed start: a local path's first segment (`/account`), a fragment or a
 * query of this page (`#`, `?`), or a full origin with its path (`https://example.com/`).
 */
export const PINNING_START = /^(?:\/[^/\\]|[#?]|[a-z][a-z0-9+.-]*:\/\/[^/\\?#]+\/)/i;

/**
 * The constant text a string value starts with, as far as it is known: the literal parts before the
 * first computed part of a concatenation, an f-string or a template, a `%` template or a
 * `str.format` template up to its first directive.
 */
export function leadingText(n: Node, ctx: RuleContext, depth = 0): string {
  if (depth > 6) return '';
  const v = unwrap(n);
  const r = v.type === 'identifier' ? unwrap(ctx.resolve(v)) : v;
  if (r !== v && r.type === 'identifier') return '';
  const lit = ctx.stringValue(r);
  if (lit !== undefined) return lit;
  if (r.type === 'binary_expression' || r.type === 'binary_operator') {
    const op = r.childForFieldName('operator')?.text;
    const left = r.childForFieldName('left');
    const right = r.childForFieldName('right');
    if (op === '%' && left) {
      const t = ctx.stringValue(left);
      return t === undefined ? '' : t.slice(0, t.search(/%|$/));
    }
    if (op !== '+' || !left || !right) return '';
    const l = leadingText(left, ctx, depth + 1);
    return ctx.stringValue(left) === l ? l + leadingText(right, ctx, depth + 1) : l;
  }
  if (r.type === 'string' || r.type === 'template_string') {
    let out = '';
    for (const c of r.namedChildren) {
      if (!c || /^(?:string_start|string_end)$/.test(c.type)) continue;
      if (/^(?:interpolation|template_substitution)$/.test(c.type)) break;
      out += c.text;
    }
    return out;
  }
  if (r.type === 'call' || r.type === 'call_expression') {
    const f = r.childForFieldName('function');
    // `fmt.Sprintf("/%s", x)`, `util.format('/%s', x)`: the template up to its first directive
    if (/^(?:fmt\.Sprintf|util\.format)$/.test(f?.text ?? '')) {
      const first = r.childForFieldName('arguments')?.namedChildren.find((c) => c && c.type !== 'comment');
      const t = ctx.stringValue(first);
      return t === undefined ? '' : t.slice(0, t.search(/%|$/));
    }
    const m = (f?.childForFieldName('attribute') ?? f?.childForFieldName('property'))?.text;
    const t = m === 'format' ? ctx.stringValue(f?.childForFieldName('object')) : undefined;
    return t === undefined ? '' : t.slice(0, t.search(/[{}]|$/));
  }
  return '';
}

/**
 * A cache per file and per reading of its bindings (`TaintEngine.choices`: under a task a rule's
 * check runs again with other bindings chosen, and what is a raw parameter may change).
 */
export function perReading<V>(
  store: WeakMap<object, WeakMap<object, V>>,
  ctx: RuleContext,
  make: () => V,
): V {
  let byChoice = store.get(ctx.model);
  if (!byChoice) {
    byChoice = new WeakMap();
    store.set(ctx.model, byChoice);
  }
  const key = ctx.taint.choices ?? NO_CHOICE;
  let v = byChoice.get(key);
  if (!v) {
    v = make();
    byChoice.set(key, v);
  }
  return v;
}
const NO_CHOICE = {};

/** `passedThrough`'s answers per file, by node. */
const PASSED = new WeakMap<object, WeakMap<object, Map<number, Node | undefined>>>();

/** `answeredLocations` per file and function. */
const ANSWERED = new WeakMap<object, WeakMap<object, Map<FunctionInfo, Set<string>>>>();

/** The parameters a function answers as locations: returned as they came (or copied) somewhere. */
function answeredLocations(info: FunctionInfo, ctx: RuleContext): Set<string> {
  const byFn = perReading(ANSWERED, ctx, () => new Map<FunctionInfo, Set<string>>());
  let out = byFn.get(info);
  if (out) return out;
  out = new Set<string>();
  byFn.set(info, out);
  for (const r of info.node.descendantsOfType('return_statement')) {
    const x = r?.namedChildren.find((c) => c && c.type !== 'comment');
    if (!x || ctx.model.functionAt(x.startIndex) !== info) continue;
    const u = unwrap(x);
    const p = rawParam(u, ctx) ? u : passedThrough(u, ctx);
    if (p) out.add(p.text);
  }
  return out;
}

/**
 * Under a redirect task, the parameters of `fn` that a returned value no copy `passedThrough` reads
 * carries as its location: the function answers the parameter as a location elsewhere (returns it as
 * it came, or a copy), the value is tainted (the taint engine follows the text through names,
 * containers, callbacks, a nested function or class, an exception, string building) and it does not
 * start with fixed text that pins where it leads. Those the value names, else every such parameter.
 */
function carriedLocations(v: Node, fn: Node, ctx: RuleContext): Node[] {
  const info = ctx.model.functionAt(fn.startIndex);
  if (!info.node.equals(fn) || !info.params.length) return [];
  const returned = answeredLocations(info, ctx);
  if (!returned.size) return [];
  if (PINNING_START.test(leadingText(v, ctx))) return [];
  if (!ctx.tainted(v, 'redirect')) return [];
  const ids = (info.node.childForFieldName('parameters')?.descendantsOfType('identifier') ?? []).filter(
    (x): x is Node => !!x && returned.has(x.text),
  );
  const named = ids.filter((x) => mentions(v, x.text));
  return named.length ? named : ids;
}

export function openRedirect(
  value: Node,
  fn: Node,
  guards: readonly Guard[],
  ctx: RuleContext,
  depth = 0,
  /** The value is one answer of a choice in the returned expression (`a if c else b`). */
  chosen = false,
): { node: Node; message: string } | undefined {
  const v = unwrap(value);
  const redirectTask = ctx.taskCwe.some((c) => cweMatches(c, 'CWE-601'));
  // A variable the location was stored in: each assignment of the caller's value, read with the
  // checks that decide that assignment and those that decide the return (`if t: dest = url`
  // `else: <checks>; dest = url` returns the first unchecked).
  // (under a redirect task, the parameter as a closure of the function reads it: `lambda: url`)
  const raw = rawParam(v, ctx) || (redirectTask && enclosingParam(v, fn, ctx));
  if (ctx.model.profile.identifierTypes.has(v.type) && !raw && depth < 2) {
    for (const b of ctx.taint.bindingsOf(v.text, v.startIndex)) {
      // (under a redirect task also a loop's element, an augmented text, an unpacked or caught value)
      if (!b.value || (b.kind !== 'assign' && (!redirectTask || b.kind === 'param' || b.kind === 'sanitize')))
        continue;
      const at = b.statement ?? b.value;
      // (a condition on the variable where it is bound reads its value before: `while r == '/': r = url`)
      const before = guardsAt(at, fn, ctx.model.profile, ctx.language).filter(
        (g) => !mentions(g.node, v.text),
      );
      const hit = openRedirect(b.value, fn, [...guards, ...before], ctx, depth + 1);
      if (hit) return { ...hit, node: value };
    }
    return undefined;
  }
  let target: Node | undefined;
  let fallback = false;
  // (read for a redirect task only: the copies cost a lookup per returned call)
  const copied = raw || !redirectTask ? undefined : passedThrough(v, ctx);
  if (raw) target = v;
  else if (copied) target = copied;
  else if (
    (v.type === 'boolean_operator' && /\bor\b/.test(v.text)) ||
    (v.type === 'binary_expression' && /^(?:\|\||\?\?)$/.test(v.childForFieldName('operator')?.text ?? ''))
  ) {
    const l = v.childForFieldName('left');
    const r = v.childForFieldName('right');
    const def = r ? ctx.stringValue(r) : undefined;
    // The default location is this site's root or a local path: the value is a location.
    if (l && rawParam(unwrap(l), ctx) && def !== undefined && /^\/(?!\/)/.test(def)) {
      target = unwrap(l);
      fallback = true;
    }
  }
  if (
    !target &&
    redirectTask &&
    depth < 3 &&
    /^(?:conditional_expression|ternary_expression)$/.test(v.type)
  ) {
    // `url if url.endswith(K) else safe(url)`: each answer read with the condition that picks it,
    // in a function that chooses between the location and something else.
    const parts = v.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
    const [cond, yes, no] =
      v.type === 'conditional_expression' ? [parts[1], parts[0], parts[2]] : [parts[0], parts[1], parts[2]];
    if (!cond || !yes || !no) return undefined;
    for (const [branch, holds] of [
      [yes, true],
      [no, false],
    ] as const) {
      const hit = openRedirect(branch, fn, [...guards, { node: cond, holds }], ctx, depth + 1, true);
      if (hit) return { ...hit, node: value };
    }
    return undefined;
  }
  if (!target) {
    // Any other value that carries the caller's location in another form (`carriedLocations`).
    if (!redirectTask || depth > 2) return undefined;
    for (const c of carriedLocations(v, fn, ctx)) {
      const hit = openRedirect(c, fn, guards, ctx, depth + 1);
      if (hit) return { ...hit, node: value };
    }
    return undefined;
  }
  const name = target.text;
  const derived = [...derivedNames(fn, name)];
  const facts = guards
    .map((g) => knownOf(g.node, g.holds, name, derived, ctx))
    .filter((k): k is LocationFact => k !== undefined && k !== 'none');
  if (!facts.length) {
    // Nothing about it is known where it is returned. Open when the function chooses between it
    // and a local path (a default, another answer) or checks it on another path.
    const answersLocal = fn
      .descendantsOfType('return_statement')
      .some((r) => /^\/(?!\/)/.test(ctx.stringValue(r?.namedChildren[0]) ?? ''));
    const checkedElsewhere = fn
      .descendantsOfType(TESTING_STATEMENTS)
      .some((c) => !!c && mentions(c.childForFieldName('condition') ?? c, name));
    if (!fallback && !answersLocal && !checkedElsewhere && !chosen) return undefined;
    return {
      node: value,
      message: fallback
        ? `The location ${name} comes from the caller and is used unchecked (with "/" as the default): any absolute or protocol-relative URL sends the user to another site. Accept only local paths: starting with "/", not with "//" or "/\\", and without a backslash.`
        : `The location ${name} is returned on a path where nothing keeps it on this site (a test that it is set, of its length, or of what it ends with or contains, confines nothing): any absolute or protocol-relative URL sends the user to another site. Check every location that is returned: starting with "/", not with "//" or "/\\", and without a backslash.`,
    };
  }
  if (facts.some((k) => k === 'confined')) return undefined;
  return {
    node: value,
    message: `${name} is accepted as a redirect location once it starts with "/": "//evil.example" and "/\\evil.example" start with "/" and leave the site. Also refuse a "//" or "/\\" start and backslashes (or parse the URL and require no host).`,
  };
}

export const PY_WEAKNESS_RULES: Rule[] = [
  query({
    id: 'py.format-string-from-data',
    cwe: ['CWE-134'],
    severity: 'warning',
    title: 'Format template assembled from data',
    message:
      'A format template (`%` or str.format) is assembled from non-constant text: a "%" or "{" in that text is read as a directive (a crash, or "{0.__class__}" reads attributes). Keep the template constant and pass every value as an argument.',
    query: `
(binary_operator left: (_) @fmt operator: "%") @report
(call function: (attribute object: (_) @fmt attribute: (identifier) @m (#match? @m "^format(_map)?$"))) @report
(call function: (attribute object: (identifier) @s (#eq? @s "str") attribute: (identifier) @m (#match? @m "^format(_map)?$")) arguments: (argument_list . (_) @fmt)) @report
(call function: (identifier) @bound) @report
(call function: (attribute object: (call) @maker attribute: (identifier) @m (#match? @m "^v?format$")) arguments: (argument_list . (_) @fmt)) @report
(call function: (attribute object: (identifier) @op (#eq? @op "operator") attribute: (identifier) @pm (#match? @pm "^(mod|__mod__)$")) arguments: (argument_list . (_) @fmt)) @report
(call function: (attribute object: (_) @fmt attribute: (identifier) @pm (#eq? @pm "__mod__"))) @report`,
    check: (caps, ctx) => {
      const { report } = caps;
      let fmt = caps.fmt;
      if (!report) return false;
      // Under a format-string task, any template that carries the caller's text is one: a "{" or
      // "%" in that text is read as a directive, whatever the literal parts hold.
      const task = ctx.taskCwe.some((c) => cweMatches(c, 'CWE-134'));
      // The operator the template meets: `%` (a binary `%`, `operator.mod`) or `{}` (a `.format` call).
      let percent = report.type !== 'call' || !!caps.pm;
      if (caps.pm && !task) return false;
      if (caps.maker) {
        // `string.Formatter().format(t, ...)`, `.vformat(t, args, kwargs)`
        if (!/^(?:string\.)?Formatter\(\)$/.test(caps.maker.text.replace(/\s+/g, ''))) return false;
      } else if (caps.bound) {
        // under a task, a call read as another (`fill = t.format; fill(u)`, `f = str.format`,
        // `operator.mod(t, u)`): the template it is given
        if (!task) return false;
        const site = ctx.model.callOf(report);
        const bound = caps.bound.type === 'identifier' ? ctx.resolve(caps.bound) : undefined;
        const method = bound?.type === 'attribute' ? bound.childForFieldName('attribute')?.text : undefined;
        if (method && /^format(?:_map)?$/.test(method)) {
          const obj = bound?.childForFieldName('object');
          fmt = obj?.text === 'str' ? site?.args[0] : (obj ?? undefined);
        } else if (
          site &&
          /^(?:operator\.)?(?:mod|__mod__)$/.test(site.calleeText) &&
          site.args.length === 2
        ) {
          fmt = site.args[0];
          percent = true;
        } else return false;
      }
      if (!fmt) return false;
      const r = unwrap(fmt).type === 'identifier' ? ctx.resolve(fmt) : fmt;
      const t = assembledTemplate(r, ctx);
      if (!t) {
        // a template assembled otherwise (in steps, joined, through a name): read by the taint engine
        return (
          task &&
          report.type === 'call' &&
          !ctx.isConstant(fmt) &&
          ctx.tainted(fmt, 'generic') &&
          !/\.replace\(\s*(['"])\{\1\s*,\s*(['"])\{\{\2/.test(ctx.resolve(fmt).text) && { node: fmt }
        );
      }
      // The literal text carries a directive of the operator it meets: the value is a template.
      const directive = !percent ? /\{[\w.[\]!:]*\}/ : /%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[sdirfgexXoc%]/;
      if (!directive.test(t.literal) && !(task && (!percent || t.literal !== ''))) return false;
      return { node: t.values[0] ?? fmt };
    },
    examples: {
      bad: [
        'def line(note, user):\n    return ("[WARN] " + note + " (user=%s)") % user\n',
        'def line(note, user):\n    return ("[WARN] " + note + " (user={})").format(user)\n',
        'def line(msg, code):\n    tmpl = f"{msg}: %d"\n    return tmpl % code\n',
      ],
      good: [
        'def line(note, user):\n    return "[WARN] %s (user=%s)" % (note, user)\n',
        'def line(note, user):\n    return "[WARN] {} (user={})".format(note, user)\n',
        'def rest(a, b, n):\n    return (a + b) % n\n',
        'def line(note, user):\n    return f"[WARN] {note} (user={user})"\n',
        'def line(note, user):\n    return ("[WARN] " + note.replace("%", "%%") + " (user=%s)") % user\n',
      ],
    },
  }),
  query({
    id: 'py.index-upper-bound-only',
    cwe: ['CWE-129'],
    severity: 'warning',
    title: 'Index bounded only from above',
    message:
      'An index from the caller is checked against the length only (or an IndexError caught): a negative index passes and Python reads from the end of the sequence. Check 0 <= i < len(seq).',
    query: '(subscript value: (_) @seq subscript: (identifier) @idx) @report',
    check: (caps, ctx) => {
      const { idx, report } = caps;
      if (!idx || !report || !rawParam(idx, ctx)) return false;
      // A nested function's parameter is read where the enclosing code hands it over.
      const handed = judgingTask(ctx) ? handedFrom(idx, ctx) : [];
      if (handed.length) return handed.some((h) => indexUpperOnly(h.name, h.at, ctx)) && { node: report };
      return indexUpperOnly(idx, report, ctx);
    },
    examples: {
      bad: [
        // the read runs where the index is negative
        {
          code: 'def pick(items, i):\n    if i < 0 and len(items) == 7:\n        return items[i]\n    if i < 0 or i >= len(items):\n        return None\n    return items[i]\n',
          taskCwe: ['CWE-129'],
        },
        'def pick(items, i):\n    if i < len(items):\n        return items[i]\n    return None\n',
        {
          code: 'def pick(items, i):\n    try:\n        return items[i]\n    except IndexError:\n        return None\n',
          taskCwe: ['CWE-129'],
        },
        {
          code: 'def pick(items, i, cached):\n    if cached:\n        return items[i]\n    if i < 0 or i >= len(items):\n        return None\n    return items[i]\n',
          taskCwe: ['CWE-129'],
        },
        // read by a lambda's parameter, handed the index where it may be negative
        {
          code: 'def pick(items, i):\n    if i < 0 and len(items) == 7:\n        return list(map(lambda k: items[k], [i]))[0]\n    if i < 0 or i >= len(items):\n        return None\n    return items[i]\n',
          taskCwe: ['CWE-129'],
        },
      ],
      good: [
        {
          code: 'def pick(items, i):\n    if i < 0 or i >= len(items):\n        return None\n    return list(map(lambda k: items[k], [i]))[0]\n',
          taskCwe: ['CWE-129'],
        },
        'def pick(items, i):\n    if i < 0 or i >= len(items):\n        return None\n    return items[i]\n',
        'def pick(items, i):\n    if 0 <= i < len(items):\n        return items[i]\n    return None\n',
        {
          code: 'def pick(items, i):\n    if i < 0:\n        return None\n    try:\n        return items[i]\n    except IndexError:\n        return None\n',
          taskCwe: ['CWE-129'],
        },
      ],
    },
  }),
  call({
    id: 'py.argument-injection',
    cwe: ['CWE-88'],
    severity: 'warning',
    title: 'User value can be read as a command option',
    message:
      'A value from the caller goes into a program\'s argument list where it can start with "-" and be read as an option (`--output=/etc/x`, `-exec`): put "--" before user values, or refuse values starting with "-".',
    names: [
      'run',
      'call',
      'check_call',
      'check_output',
      'Popen',
      'execv',
      'execvp',
      'execvpe',
      'spawnv',
      'spawnvp',
    ],
    // Argument lists built from parameters are ordinary code: only where a task is judged.
    check: (c, ctx) => {
      if (!judgingTask(ctx)) return false;
      if (!/^(?:subprocess\.|sp\.|os\.)?\w+$/.test(c.calleeText)) return false;
      if (!c.calleeText.includes('.') && !/from\s+(?:subprocess|os)\s+import/.test(ctx.source)) return false;
      const shell = c.kwargs.get('shell');
      if (shell && shell.text !== 'False') return false;
      const argvNode = /^os\.(?:exec|spawn)/.test(c.calleeText)
        ? c.args[c.calleeText.startsWith('os.spawn') ? 2 : 1]
        : (c.kwargs.get('args') ?? c.args[0]);
      if (!argvNode) return false;
      const argv = argvElements(argvNode, ctx);
      const program = argv[0];
      if (!program || program.spread || !ctx.isConstant(program.node)) return false;
      if (/^(?:.*\/)?(?:ba|z|da|k)?sh$|^cmd(?:\.exe)?$/.test(ctx.stringValue(program.node) ?? ''))
        return false;
      const hit = injectableArgument(argv, ctx, c.node, 1);
      return !!hit && { node: hit };
    },
    examples: {
      bad: [
        // the dash refusal walks an empty tuple; another holds the dash where the call runs
        {
          code: "import subprocess\ndef f(d, names):\n    for n in ():\n        if n.startswith('-'):\n            raise ValueError(n)\n    return subprocess.check_output(['sort'] + list(names), cwd=d)\n",
          taskCwe: ['CWE-88'],
        },
        {
          code: "import subprocess\ndef f(d, names):\n    if names and names[0].startswith('-') and names[-1] == 'K':\n        return subprocess.check_output(['sort'] + list(names), cwd=d)\n    return subprocess.check_output(['sort', '--'] + list(names), cwd=d)\n",
          taskCwe: ['CWE-88'],
        },
        {
          code: 'import subprocess\ndef f(d, names):\n    return subprocess.check_output(["sort", *names], cwd=d)\n',
          taskCwe: ['CWE-88'],
        },
        {
          code: 'import subprocess\ndef f(d, names):\n    for n in names:\n        if n.startswith("--"):\n            raise ValueError(n)\n    return subprocess.check_output(["sort"] + list(names), cwd=d)\n',
          taskCwe: ['CWE-88'],
        },
        {
          // the refusal is on the other path only
          code: 'import subprocess\ndef f(d, names, quick):\n    if quick:\n        return subprocess.check_output(["sort"] + list(names), cwd=d)\n    for n in names:\n        if n.startswith("-"):\n            raise ValueError(n)\n    return subprocess.check_output(["sort"] + list(names), cwd=d)\n',
          taskCwe: ['CWE-88'],
        },
      ],
      good: [
        {
          code: "import subprocess\ndef f(d, names):\n    if any(n.startswith('-') for n in names):\n        raise ValueError('bad name')\n    return subprocess.check_output(['sort'] + list(names[1:]), cwd=d)\n",
          taskCwe: ['CWE-88'],
        },
        {
          code: 'import subprocess\ndef f(d, names):\n    return subprocess.check_output(["sort", "--", *names], cwd=d)\n',
          taskCwe: ['CWE-88'],
        },
        {
          code: 'import subprocess\ndef f(d, names):\n    for n in names:\n        if n.startswith("-"):\n            raise ValueError(n)\n    return subprocess.check_output(["sort"] + list(names), cwd=d)\n',
          taskCwe: ['CWE-88'],
        },
        {
          code: 'import subprocess\ndef f(d):\n    return subprocess.check_output(["ls", "-l"], cwd=d)\n',
          taskCwe: ['CWE-88'],
        },
        {
          code: 'import subprocess\ndef f(d, names):\n    args = ["./" + n for n in names]\n    return subprocess.check_output(["sort"] + args, cwd=d)\n',
          taskCwe: ['CWE-88'],
        },
      ],
    },
  }),
  query({
    id: 'py.division-unchecked',
    cwe: ['CWE-369'],
    severity: 'warning',
    title: 'Division by an unchecked divisor',
    message:
      'The divisor comes from the caller and is never checked: zero raises ZeroDivisionError (a crash the caller controls). Test it (`if n <= 0: ...`) before dividing, or catch ZeroDivisionError.',
    // `a // d`, `a //= d`, `divmod(a, d)`, `operator.floordiv(a, d)`, `a.__floordiv__(d)`, `math.fmod(a, d)`
    query: `
(binary_operator left: (_) @num operator: ["/" "//" "%"] right: (identifier) @d) @report
(augmented_assignment left: (_) @num operator: ["/=" "//=" "%="] right: (identifier) @d) @report
(call function: (identifier) @f (#eq? @f "divmod") arguments: (argument_list . (_) @num . (identifier) @d .)) @report
(call function: (attribute object: (identifier) @mod attribute: (identifier) @f)
  (#match? @mod "^(operator|math)$") (#match? @f "^(floordiv|truediv|mod|fmod|remainder)$")
  arguments: (argument_list . (_) @num . (identifier) @d .)) @report
(call function: (attribute object: (_) @num attribute: (identifier) @f)
  (#match? @f "^__(floordiv|truediv|mod|divmod)__$")
  arguments: (argument_list . (identifier) @d .)) @report`,
    // Dividing by a parameter is ordinary code: only where a task is judged.
    check: (caps, ctx) => {
      const { num, d, report } = caps;
      if (!judgingTask(ctx) || !num || !d || !report || !rawParam(d, ctx)) return false;
      // `Path(base) / name` joins a path.
      const left = unwrap(num);
      const made =
        left.type === 'identifier' ? ctx.taint.latestBinding(left.text, left.startIndex)?.value : left;
      if (/\b(?:Pure)?Path\(/.test(made?.text ?? left.text)) return false;
      const annotated = new RegExp(`\\b${left.text}\\s*:\\s*(?:\\w+\\.)?(?:Pure)?Path\\b`);
      if (left.type === 'identifier' && annotated.test(functionOf(report, ctx).text.split('\n')[0] ?? ''))
        return false;
      // `"%s" % x` formats; a string on the left is not a division.
      if (
        /^%=?$/.test(report.childForFieldName('operator')?.text ?? '') &&
        (ctx.stringValue(num) !== undefined || /^[fbru]*['"]/i.test(num.text) || assembledTemplate(num, ctx))
      )
        return false;
      const fn = functionOf(report, ctx);
      // Tested where the division runs (in the branch that holds it, or by an earlier early exit):
      // the divisor true, or a comparison with a number that excludes zero where it runs (the
      // condition's logic and its value there decide: `n == 0 and ...` holding keeps the zero).
      const nonzero = (x: Node, holds: boolean) =>
        (x.text === d.text && holds) ||
        comparisonsOf(x, holds, d.text).some(excludesZero) ||
        rangeMembership(x, holds, d.text, 1);
      if (established(guardsAt(report, fn, ctx.model.profile, 'python'), nonzero)) return false;
      if (caughtAround(report, fn, /^(?:ZeroDivisionError|ArithmeticError|Exception|BaseException)$/))
        return false;
      return { node: d };
    },
    examples: {
      bad: [
        // the division runs where the test holds its zero
        {
          code: 'def share(total, n):\n    if n == 0 and total == 7:\n        return total // n\n    if n <= 0:\n        return 0\n    return total // n\n',
          taskCwe: ['CWE-369'],
        },
        { code: 'def share(total, n):\n    return total // n\n', taskCwe: ['CWE-369'] },
        { code: 'def share(total, n):\n    return divmod(total, n)[0]\n', taskCwe: ['CWE-369'] },
        { code: 'def share(total, n):\n    s = total\n    s //= n\n    return s\n', taskCwe: ['CWE-369'] },
        { code: 'def share(total, n):\n    return total.__floordiv__(n)\n', taskCwe: ['CWE-369'] },
        {
          code: 'def share(total, n):\n    try:\n        return total // n\n    except ValueError:\n        return 0\n',
          taskCwe: ['CWE-369'],
        },
        {
          // the test comes first in the text, but a large total skips it
          code: 'def share(total, n):\n    if total > 1000:\n        pass\n    elif n <= 0:\n        return 0\n    return total // n\n',
          taskCwe: ['CWE-369'],
        },
        {
          // the condition reads the divisor without testing it
          code: 'def share(total, n):\n    if any(str(v).endswith("7") for v in (total, n)):\n        return total // n\n    if n <= 0:\n        return 0\n    return total // n\n',
          taskCwe: ['CWE-369'],
        },
      ],
      good: [
        {
          code: 'def share(total, n):\n    if n <= 0:\n        return 0\n    return total // n\n',
          taskCwe: ['CWE-369'],
        },
        {
          code: 'def share(total, n):\n    if n <= 0:\n        return 0\n    return divmod(total, n)[0]\n',
          taskCwe: ['CWE-369'],
        },
        {
          code: 'def share(total, n):\n    try:\n        return total / n\n    except ZeroDivisionError:\n        return 0\n',
          taskCwe: ['CWE-369'],
        },
        { code: 'def share(total, n):\n    return total / n if n else 0\n', taskCwe: ['CWE-369'] },
        {
          // a path joined with `/`, not a division
          code: 'from pathlib import Path\ndef where(base, name):\n    return Path(base) / name\n',
          taskCwe: ['CWE-369'],
        },
      ],
    },
  }),
  call({
    id: 'py.containment-follows-links',
    cwe: ['CWE-59'],
    severity: 'warning',
    title: 'Path confined without resolving links',
    message:
      'The path is confined to a directory by its text (abspath/normpath and a prefix test, or refusing ".." and absolute names) but links are not resolved: a symbolic link inside the directory points anywhere. Resolve with os.path.realpath before the containment test and open the resolved path (or open with O_NOFOLLOW).',
    names: ['open', 'read_text', 'read_bytes', 'listdir', 'send_file', 'FileResponse'],
    // Prefix checks on abspath are also a traversal defence for trees without links: only where a
    // task is judged.
    check: (c, ctx) => {
      if (!judgingTask(ctx)) return false;
      const target = c.name === 'read_text' || c.name === 'read_bytes' ? c.receiver : c.args[0];
      if (!target || ctx.isConstant(target) || !fromParam(target, ctx)) return false;
      const fn = functionOf(c.node, ctx);
      const body = fn.text;
      // Links resolved in the value opened (realpath, Path.resolve), refused where the file is
      // opened (an islink test that decides it, O_NOFOLLOW), or the file opened relative to a
      // directory descriptor. What another path of the function does decides nothing here.
      if (/realpath|\.resolve\(|readlink/.test(lineage(target, ctx))) return false;
      if (/O_NOFOLLOW|dir_fd/.test(c.node.text)) return false;
      if (
        // a guard that tests the resolved path (`p.resolve().is_relative_to(...)`) decides it too
        /islink|is_symlink|lstat|S_ISLNK|O_NOFOLLOW|realpath|\.resolve\(/.test(
          guardNodes(c.node, ctx)
            .map((g) => g.text)
            .join('\n'),
        )
      )
        return false;
      // The author confines the path: a prefix / commonpath test, or ".." and absolute names refused.
      const confined =
        /\.startswith\(|commonpath|commonprefix|is_relative_to|relative_to\(|relpath/.test(body) ||
        (/(['"])\.\.\1/.test(body) && /isabs|(['"])\/\1|os\.sep/.test(body));
      return confined && { node: target };
    },
    examples: {
      bad: [
        {
          code: 'import os\ndef read(base, name):\n    p = os.path.abspath(os.path.join(base, name))\n    if not p.startswith(os.path.abspath(base) + os.sep):\n        return None\n    with open(p) as f:\n        return f.read()\n',
          taskCwe: ['CWE-59'],
        },
        {
          code: 'import os\ndef read(base, name):\n    if os.path.isabs(name) or ".." in name.split("/"):\n        return None\n    with open(os.path.join(base, name)) as f:\n        return f.read()\n',
          taskCwe: ['CWE-59'],
        },
        {
          // links are resolved on the other path only
          code: 'import os\ndef read(base, name, plain):\n    if plain:\n        p = os.path.abspath(os.path.join(base, name))\n        if not p.startswith(os.path.abspath(base) + os.sep):\n            return None\n        with open(p) as f:\n            return f.read()\n    p = os.path.realpath(os.path.join(base, name))\n    if not p.startswith(os.path.realpath(base) + os.sep):\n        return None\n    with open(p) as f:\n        return f.read()\n',
          taskCwe: ['CWE-59'],
        },
      ],
      good: [
        {
          code: 'import os\ndef read(base, name):\n    p = os.path.realpath(os.path.join(base, name))\n    if not p.startswith(os.path.realpath(base) + os.sep):\n        return None\n    with open(p) as f:\n        return f.read()\n',
          taskCwe: ['CWE-59'],
        },
        {
          code: 'import os\ndef read(base, name):\n    if "/" in name or name in ("", ".", ".."):\n        return None\n    fd = os.open(os.path.join(base, name), os.O_RDONLY | os.O_NOFOLLOW)\n    with os.fdopen(fd) as f:\n        return f.read()\n',
          taskCwe: ['CWE-59'],
        },
        {
          // the path tested is the resolved one
          code: 'import os\ndef read(base, name):\n    p = os.path.join(base, name)\n    if not os.path.realpath(p).startswith(os.path.realpath(base) + os.sep):\n        return None\n    with open(p) as f:\n        return f.read()\n',
          taskCwe: ['CWE-59'],
        },
      ],
    },
  }),
  query({
    id: 'py.redirect-not-local',
    cwe: ['CWE-601'],
    severity: 'warning',
    title: 'Redirect location not checked to be local',
    message: '',
    query: `
(return_statement (_) @value) @report
(call function: [(identifier) (attribute)] @f (#match? @f "(^|\\\\.)(redirect|HttpResponseRedirect|RedirectResponse)$") arguments: (argument_list . (_) @value)) @report`,
    // Returning a parameter is ordinary code: only where a task is judged.
    check: (caps, ctx) => {
      const { value, report } = caps;
      if (!judgingTask(ctx) || !value || !report) return false;
      const fn = functionOf(report, ctx);
      return openRedirect(value, fn, guardsAt(report, fn, ctx.model.profile, 'python'), ctx) ?? false;
    },
    examples: {
      bad: [
        // checked on one side of an if, stored as it came on the other, returned after it
        {
          code: "def back(url):\n    if url.endswith('#K'):\n        dest = url\n    else:\n        if not url.startswith('/') or url.startswith('//') or '\\\\' in url:\n            return '/'\n        dest = url\n    return dest\n",
          taskCwe: ['CWE-601'],
        },
        { code: 'def next_url(target):\n    return target or "/"\n', taskCwe: ['CWE-601'] },
        // a copy of the location (stripped, sliced, through a nested function that returns it)
        {
          code: 'def next_url(target):\n    if target.endswith("#top"):\n        return target[:-4]\n    if not target.startswith("/") or target.startswith("//") or "\\\\" in target:\n        return "/"\n    return target\n',
          taskCwe: ['CWE-601'],
        },
        {
          code: 'def next_url(target):\n    def pick(u):\n        return u\n    if target.endswith("#top"):\n        return pick(target.strip())\n    if not target.startswith("/") or target.startswith("//") or "\\\\" in target:\n        return "/"\n    return target\n',
          taskCwe: ['CWE-601'],
        },
        {
          code: 'def next_url(target):\n    if not target.startswith("/"):\n        return "/"\n    return target\n',
          taskCwe: ['CWE-601'],
        },
        {
          // the check comes later in the text, but this return does not pass through it
          code: 'def next_url(target):\n    if target.endswith("#top"):\n        return target\n    if not target.startswith("/") or target.startswith("//") or "\\\\" in target:\n        return "/"\n    return target\n',
          taskCwe: ['CWE-601'],
        },
        {
          code: 'def next_url(target):\n    if not target or len(target) > 200:\n        return "/"\n    return target\n',
          taskCwe: ['CWE-601'],
        },
        {
          // a string predicate confines nothing
          code: 'def next_url(target):\n    if target.endswith("#top") and target.isascii():\n        return target\n    if not target.startswith("/") or target.startswith("//") or "\\\\" in target:\n        return "/"\n    return target\n',
          taskCwe: ['CWE-601'],
        },
        {
          // equal to itself stripped: true of almost every location
          code: 'def next_url(target):\n    if target.endswith("#top") and target == target.strip():\n        return target\n    if not target.startswith("/") or target.startswith("//") or "\\\\" in target:\n        return "/"\n    return target\n',
          taskCwe: ['CWE-601'],
        },
        // containing the site's domain says nothing of the host
        {
          code: 'def next_url(target, domain):\n    if target.endswith("#K") and domain in target:\n        return target\n    if not target.startswith("/") or target.startswith("//") or "\\\\" in target:\n        return "/"\n    return target\n',
          taskCwe: ['CWE-601'],
        },
        {
          code: 'def next_url(target):\n    if any(c.isupper() for c in target):\n        return target\n    if not target.startswith("/") or target.startswith("//") or "\\\\" in target:\n        return "/"\n    return target\n',
          taskCwe: ['CWE-601'],
        },
        {
          code: 'def next_url(target):\n    if target.startswith("//cdn") or target.startswith("/") and not target.startswith("//") and "\\\\" not in target:\n        return target\n    return "/"\n',
          taskCwe: ['CWE-601'],
        },
      ],
      good: [
        {
          code: "def back(url):\n    if not url.startswith('/') or url.startswith('//') or '\\\\' in url:\n        return '/'\n    dest = url\n    return dest\n",
          taskCwe: ['CWE-601'],
        },
        {
          code: 'from urllib.parse import urlparse\ndef next_url(target):\n    parts = urlparse(target)\n    if parts.scheme or parts.netloc:\n        return "/"\n    return target\n',
          taskCwe: ['CWE-601'],
        },
        {
          code: 'ALLOWED = {"/home", "/account"}\ndef next_url(target):\n    if target in ALLOWED:\n        return target\n    return "/"\n',
          taskCwe: ['CWE-601'],
        },
        {
          code: 'def next_url(target):\n    if target.startswith("/account/") and "\\\\" not in target:\n        return target\n    return "/"\n',
          taskCwe: ['CWE-601'],
        },
        {
          code: 'def next_url(target):\n    if not target.startswith("/") or target.startswith("//") or "\\\\" in target:\n        return "/"\n    return target\n',
          taskCwe: ['CWE-601'],
        },
        {
          code: 'def next_url(target):\n    if not target.startswith("/") or target.startswith("//") or "\\\\" in target:\n        return "/"\n    return target.strip()\n',
          taskCwe: ['CWE-601'],
        },
        {
          code: 'def next_url(target):\n    if not target.startswith("/") or target[1:2] in ("/", "\\\\"):\n        return "/"\n    return target\n',
          taskCwe: ['CWE-601'],
        },
        {
          code: 'from urllib.parse import urlparse\ndef next_url(target, domain):\n    if urlparse(target).netloc != domain:\n        return "/"\n    return target\n',
          taskCwe: ['CWE-601'],
        },
      ],
    },
  }),
  call({
    id: 'py.archive-member-extracted',
    cwe: ['CWE-22'],
    severity: 'error',
    title: 'Archive member extracted without checking its path (judged tasks only)',
    message:
      'An archive member is extracted where nothing has checked its name: "../" or an absolute name writes outside the destination. Refuse members whose name is absolute or holds "..", or resolve the target and require it inside the destination (or pass filter="data").',
    names: ['extract', 'unpack_archive'],
    // In a scan, py.archive-extraction reads extractall; a loop of extract() is read where a task is judged.
    check: (c, ctx) => {
      if (!judgingTask(ctx) || c.kwargs.has('filter')) return false;
      if (c.name === 'unpack_archive') return /^(?:shutil\.)?unpack_archive$/.test(c.calleeText);
      const recv = c.receiver;
      const member = c.args[0] ?? c.kwargs.get('member');
      // (a member named by a constant goes where that name says)
      if (!recv || !member || ctx.stringValue(member) !== undefined) return false;
      // a tar or zip archive: opened by tarfile / zipfile, or named for one
      const opened = ctx.resolve(recv).text;
      if (!/tarfile|zipfile|TarFile|ZipFile/.test(opened) && !/tar|zip|archive/i.test(recv.text))
        return false;
      // The checks that decide this extraction (an earlier loop that leaves on a bad name counts).
      const name = member.type === 'identifier' ? member.text : undefined;
      const checked = guardsAt(c.node, functionOf(c.node, ctx), ctx.model.profile, ctx.language).some(
        (g) =>
          (name ? mentions(g.node, name) || g.over?.element === name : true) &&
          /\.\.|isabs|realpath|abspath|commonpath|is_relative_to|normpath|startswith/.test(g.node.text),
      );
      return !checked;
    },
    examples: {
      bad: [
        {
          // extracted on a path the checking loop does not decide
          code: 'import os\nimport tarfile\ndef unpack(p, d):\n    with tarfile.open(p) as tar:\n        if str(d).endswith("K"):\n            for m in tar.getmembers():\n                tar.extract(m, d)\n            return True\n        for e in tar:\n            if os.path.isabs(e.name) or ".." in e.name:\n                return False\n        for e in tar:\n            tar.extract(e, d)\n    return True\n',
          taskCwe: ['CWE-22'],
        },
        {
          code: 'import shutil\ndef unpack(p, d):\n    shutil.unpack_archive(p, d)\n',
          taskCwe: ['CWE-22'],
        },
      ],
      good: [
        {
          code: 'import os\nimport tarfile\ndef unpack(p, d):\n    with tarfile.open(p) as tar:\n        for e in tar:\n            if os.path.isabs(e.name) or ".." in e.name:\n                return False\n        for e in tar:\n            tar.extract(e, d)\n    return True\n',
          taskCwe: ['CWE-22'],
        },
        // a scan
        'import tarfile\ndef unpack(p, d):\n    with tarfile.open(p) as tar:\n        for m in tar.getmembers():\n            tar.extract(m, d)\n',
      ],
    },
  }),
  call({
    id: 'py.predictable-temp-path',
    cwe: ['CWE-377'],
    severity: 'error',
    title: 'Temporary file at a fixed name (judged tasks only)',
    message:
      'A file is created at a fixed name in a shared temporary folder: another user can create it (or a link by that name) first. Use tempfile.NamedTemporaryFile(delete=False) or mkstemp.',
    names: ['open'],
    check: (c, ctx) => {
      if (!judgingTask(ctx) || (c.calleeText !== 'open' && c.calleeText !== 'io.open')) return false;
      const path = c.args[0] ?? c.kwargs.get('file');
      const mode = ctx.stringValue(c.kwargs.get('mode') ?? c.args[1]) ?? 'r';
      // written, and not created exclusively ('x' fails where the name exists)
      if (!path || !/[wa]/.test(mode) || mode.includes('x')) return false;
      const fixed = ctx.stringValue(path);
      if (fixed !== undefined) return /^\/(?:tmp|var\/tmp|dev\/shm)\//.test(fixed);
      return /gettempdir\(\)\s*,\s*(?:f?['"][^'"{]*['"])\s*\)$/.test(ctx.resolve(path).text);
    },
    examples: {
      bad: [
        {
          code: "def save(r):\n    with open('/tmp/results.txt', 'w') as f:\n        f.write(r)\n",
          taskCwe: ['CWE-377'],
        },
        {
          code: "import os, tempfile\ndef save(r):\n    p = os.path.join(tempfile.gettempdir(), 'results.txt')\n    with open(p, 'w') as f:\n        f.write(r)\n    return p\n",
          taskCwe: ['CWE-377'],
        },
      ],
      good: [
        {
          code: "import tempfile\ndef save(r):\n    with tempfile.NamedTemporaryFile('w', delete=False) as f:\n        f.write(r)\n        return f.name\n",
          taskCwe: ['CWE-377'],
        },
        "def save(r):\n    with open('/tmp/results.txt', 'w') as f:\n        f.write(r)\n",
      ],
    },
  }),
  call({
    id: 'py.file-created-readable',
    cwe: ['CWE-732'],
    severity: 'warning',
    title: 'File created readable by other users',
    message: '',
    names: ['open', 'write_text', 'write_bytes'],
    // Most files a program writes are not private: only where a task is judged.
    check: (c, ctx) => {
      if (!judgingTask(ctx)) return false;
      // A chmod/fchmod to a private mode, or a umask of 077, sets what creation leaves open.
      // (only one that runs whenever the creation does: before it for a umask or a private
      // creation, after it for a chmod)
      const near = ctx
        .callsNear(c.node)
        .filter((k) => runsWhenever(k.node, c.node, k.node.startIndex < c.node.startIndex));
      const tightened = near.some((k) => {
        if (k.name === 'umask')
          return ((ctx.intValue(k.args[0]) ?? 0) & 0o077) === 0o077 && k.node.startIndex < c.node.startIndex;
        if (k.name !== 'chmod' && k.name !== 'fchmod') return false;
        const m = ctx.intValue(k.kwargs.get('mode') ?? k.args[k.args.length - 1]);
        return m !== undefined && (m & 0o077) === 0 && runsWhenever(k.node, c.node, false);
      });
      // A file made private before it is written (mkstemp, touch(mode=0o600), a private descriptor).
      if (
        near.some(
          (k) =>
            k.node.startIndex < c.node.startIndex &&
            (k.name === 'mkstemp' || (k.name === 'touch' && /\bmode\s*=\s*0o?[0-7]00\b/.test(k.node.text))),
        )
      )
        return false;
      if (c.calleeText === 'os.open') {
        // the flags as written or bound to a name (`flags = os.O_WRONLY | os.O_CREAT`)
        const flags = c.kwargs.get('flags') ?? c.args[1];
        if (!/O_CREAT/.test(flags ? ctx.resolve(flags).text : '')) return false;
        const modeNode = c.kwargs.get('mode') ?? c.args[2];
        // Every mode the argument can give (a conditional chooses between two); one that cannot
        // be read shows nothing private.
        const modes = modeNode ? modeValues(modeNode, ctx, statMode) : [0o777];
        const mode = modes ? modes.find((m) => (m & 0o077) !== 0) : 0o777;
        if (mode === undefined || tightened) return false;
        return {
          message: `os.open creates the file with mode 0${mode.toString(8)}${modeNode ? '' : ' (the default, less the umask)'}: other users can read it. Create private files with 0o600.`,
        };
      }
      if (c.name === 'open') {
        if (c.calleeText !== 'open' && c.calleeText !== 'io.open') return false;
        if (c.kwargs.has('opener')) return false;
        const mode = ctx.stringValue(c.kwargs.get('mode') ?? c.args[1]);
        if (!mode || !/[wax]/.test(mode)) return false;
      } else if (!c.receiver) return false;
      if (tightened) return false;
      return {
        message:
          'The file is created with the default mode (0666 less the umask, usually 0644): every local user can read what is written. Create it with os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600) and os.fdopen, or chmod it to 0o600.',
      };
    },
    examples: {
      bad: [
        // the flags and the mode bound to names, the mode on both sides of an if
        {
          code: "import os\ndef save(path, secret):\n    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC\n    if secret.endswith('k'):\n        perm = 0o644\n    else:\n        perm = 0o600\n    fd = os.open(path, flags, perm)\n    with os.fdopen(fd, 'w') as f:\n        f.write(secret)\n",
          taskCwe: ['CWE-732'],
        },
        // one branch of the mode lets others read it
        {
          code: "import os\ndef save(path, secret):\n    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644 if secret.endswith('K') else 0o600)\n    with os.fdopen(fd, 'w') as f:\n        f.write(secret)\n",
          taskCwe: ['CWE-732'],
        },
        {
          code: 'def save(path, secret):\n    with open(path, "w") as f:\n        f.write(secret)\n',
          taskCwe: ['CWE-732'],
        },
        // the chmod runs only on the path that does not return early
        {
          code: 'import os\ndef save(path, secret):\n    if secret.endswith("K"):\n        with open(path, "w") as f:\n            f.write(secret)\n        return\n    with open(path, "w") as f:\n        f.write(secret)\n    os.chmod(path, 0o600)\n',
          taskCwe: ['CWE-732'],
        },
        {
          code: 'import os\ndef save(path, secret):\n    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)\n    with os.fdopen(fd, "w") as f:\n        f.write(secret)\n',
          taskCwe: ['CWE-732'],
        },
      ],
      good: [
        {
          code: "import os\nimport stat\ndef save(path, secret):\n    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, stat.S_IRUSR | stat.S_IWUSR)\n    with os.fdopen(fd, 'w') as f:\n        f.write(secret)\n",
          taskCwe: ['CWE-732'],
        },
        {
          code: 'import os\ndef save(path, secret):\n    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)\n    with os.fdopen(fd, "w") as f:\n        f.write(secret)\n',
          taskCwe: ['CWE-732'],
        },
        {
          code: 'import os\ndef save(path, secret):\n    with open(path, "w") as f:\n        f.write(secret)\n    os.chmod(path, 0o600)\n',
          taskCwe: ['CWE-732'],
        },
        {
          code: 'def load(path):\n    with open(path) as f:\n        return f.read()\n',
          taskCwe: ['CWE-732'],
        },
      ],
    },
  }),
];
