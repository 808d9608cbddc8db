import type { Node } from 'web-tree-sitter';
import { cweMatches } from '../cwe.ts';
import {
  comparisonsOf,
  decided,
  endsWithExit,
  guardsAt,
  limitBound,
  MIRRORED,
  NEGATED,
  within,
} from '../engine/dominance.ts';
import { type FunctionInfo, operatorOf } from '../engine/model.ts';
import type { Rule, RuleContext } from '../engine/rule.ts';
import { mentions } from '../engine/taint.ts';
import { judgingTask, ruleBuilders } from './common.ts';
import { leadingText, PINNING_START, perReading } from './python-weakness.ts';

const { call, query } = ruleBuilders(['go']);
const pkg = (body: string, imports = '') => `package main\n\n${imports}${body}`;

/**
 * Go weaknesses a test run rarely reaches: integer bounds and arithmetic (an index checked against
 * one bound only, a length read from a message and not checked against the message, a product or
 * a quotient of caller integers with no check), a printf format that is not a constant, program
 * arguments that can be read as options, a location returned to a browser without a check that it
 * is a local path, and a confined file read that follows links. The checks read what the function
 * establishes before the use (conditions of the enclosing `if`s and `&&`s, and `if`s before it that
 * leave the function) as linear integer facts.
 */

// ---------------------------------------------------------------------------------------------
// What holds at a use: the facts of the conditions around it and of the exits before it.

interface Fact {
  node: Node;
  holds: boolean;
}

const strip = (n: Node | null | undefined): Node | undefined => {
  let x = n ?? undefined;
  while (x?.type === 'parenthesized_expression') x = x.namedChildren[0] ?? undefined;
  return x;
};

function addFact(out: Fact[], node: Node | null | undefined, holds: boolean): void {
  const n = strip(node);
  if (!n) return;
  if (n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '!') {
    addFact(out, n.childForFieldName('operand'), !holds);
    return;
  }
  const op = n.type === 'binary_expression' ? operatorOf(n) : undefined;
  if ((op === '&&' && holds) || (op === '||' && !holds)) {
    addFact(out, n.childForFieldName('left'), holds);
    addFact(out, n.childForFieldName('right'), holds);
    return;
  }
  out.push({ node: n, holds });
}

/** The if statements of the function that enclose `use` or leave it before `use` (memoized per file). */
function factsAt(use: Node, ctx: RuleContext): Fact[] {
  const facts: Fact[] = [];
  const fn = ctx.model.functionAt(use.startIndex);
  let child: Node = use;
  for (let p = use.parent; p && p.startIndex >= fn.start; child = p, p = p.parent) {
    if (p.type === 'if_statement') {
      const cond = p.childForFieldName('condition');
      const cons = p.childForFieldName('consequence');
      const alt = p.childForFieldName('alternative');
      if (cons && within(child, cons)) addFact(facts, cond, true);
      else if (alt && within(child, alt)) addFact(facts, cond, false);
    } else if (p.type === 'for_statement') {
      const body = p.childForFieldName('body');
      const head = p.namedChildren.find((c) => c?.type === 'for_clause');
      const cond = head
        ? head.childForFieldName('condition')
        : p.namedChildren.find((c) => c && c !== body && c.type !== 'range_clause');
      if (body && cond && within(child, body)) addFact(facts, cond, true);
    } else if (p.type === 'binary_expression') {
      const op = operatorOf(p);
      const right = p.childForFieldName('right');
      if (right && within(child, right)) {
        if (op === '&&') addFact(facts, p.childForFieldName('left'), true);
        else if (op === '||') addFact(facts, p.childForFieldName('left'), false);
      }
    }
    if (p.equals(fn.node)) break;
  }
  const prof = ctx.model.profile;
  // A tagless switch before the use whose case leaves: the case's conditions are false after it.
  for (let p = use.parent; p && p.startIndex >= fn.start; p = p.parent) {
    if (p.type !== 'statement_list' && p.type !== 'block') continue;
    for (const s of p.namedChildren) {
      if (!s || s.startIndex >= use.startIndex) break;
      if (s.type !== 'expression_switch_statement' || s.childForFieldName('value')) continue;
      for (const k of s.namedChildren) {
        if (k?.type !== 'expression_case') continue;
        const body = k.namedChildren.filter((x) => x && x.type !== 'comment' && x.type !== 'expression_list');
        const last = body[body.length - 1];
        const stmts = last?.type === 'statement_list' ? last.namedChildren : body;
        const end = stmts[stmts.length - 1];
        if (!end || !prof.exitStatementTypes.has(end.type)) continue;
        for (const v of k.childForFieldName('value')?.namedChildren ?? []) addFact(facts, v, false);
      }
    }
    if (p.equals(fn.node)) break;
  }
  for (const s of ctx.model.nodesIn(fn.node, ['if_statement'])) {
    if (s.startIndex >= use.startIndex) break;
    if (s.endIndex > use.startIndex || !s.parent || !within(use, s.parent)) continue;
    if (ctx.model.functionAt(s.startIndex) !== fn) continue;
    if (!endsWithExit(s, prof.exitStatementTypes, prof.exitCalls, 'go')) continue;
    addFact(facts, s.childForFieldName('condition'), false);
  }
  return facts;
}

// ---------------------------------------------------------------------------------------------
// Linear integer forms: `n + 1 - len(data)` as { n: 1, len(data): -1 } + 1.

interface Linear {
  terms: Map<string, number>;
  c: number;
}

const INT_TYPE = /^(?:u?int(?:8|16|32|64)?|uintptr|byte|rune)$/;
const norm = (s: string) => s.replace(/\s+/g, '');

/**
 * The linear form of an integer expression. With `ctx`, a variable assigned once (alone) is read as
 * its value (`n := int(data[0])`, `size := len(items)`), so a check written on either name counts.
 */
function linear(node: Node | null | undefined, ctx?: RuleContext, depth = 0): Linear | undefined {
  const n = strip(node);
  if (!n || depth > 12) return undefined;
  if (ctx && n.type === 'identifier') {
    const value = singleValue(ctx, n);
    if (value) return linear(value, ctx, depth + 1);
  }
  if (n.type === 'int_literal') {
    const v = Number(n.text.replace(/_/g, ''));
    return Number.isFinite(v) ? { terms: new Map(), c: v } : undefined;
  }
  if (n.type === 'call_expression') {
    const f = n.childForFieldName('function')?.text ?? '';
    const args = n.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => !!a) ?? [];
    // Conversions between integer types keep the value (what overflows is judged elsewhere).
    if (INT_TYPE.test(f) && args.length === 1) return linear(args[0], ctx, depth + 1);
    // len(x[k:]) is len(x) - k.
    const a0 = strip(args[0]);
    if (f === 'len' && args.length === 1 && a0?.type === 'slice_expression') {
      const start = linear(a0.childForFieldName('start'), ctx, depth + 1);
      const base = a0.childForFieldName('operand');
      if (start && start.terms.size === 0 && base && !a0.childForFieldName('end'))
        return { terms: new Map([[`len(${norm(base.text)})`, 1]]), c: -start.c };
    }
  }
  if (n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '-') {
    const o = linear(n.childForFieldName('operand'), ctx, depth + 1);
    return o && scale(o, -1);
  }
  if (n.type === 'binary_expression') {
    const op = operatorOf(n);
    if (op === '+' || op === '-') {
      const l = linear(n.childForFieldName('left'), ctx, depth + 1);
      const r = linear(n.childForFieldName('right'), ctx, depth + 1);
      return l && r && add(l, op === '+' ? r : scale(r, -1));
    }
    if (op === '*') {
      const l = linear(n.childForFieldName('left'), ctx, depth + 1);
      const r = linear(n.childForFieldName('right'), ctx, depth + 1);
      if (l && r && l.terms.size === 0) return scale(r, l.c);
      if (l && r && r.terms.size === 0) return scale(l, r.c);
    }
  }
  return { terms: new Map([[norm(n.text), 1]]), c: 0 };
}

/** The value of a variable bound once, by a declaration or assignment of that name alone. */
function singleValue(ctx: RuleContext, id: Node): Node | undefined {
  const all = ctx.taint.bindingsOf(id.text, id.startIndex);
  const b = all[0];
  if (all.length !== 1 || !b?.value || b.kind !== 'assign' || b.at > id.startIndex) return undefined;
  const left = b.statement.childForFieldName('left') ?? b.statement.childForFieldName('name');
  if (!left || (left.type === 'expression_list' && left.namedChildCount !== 1)) return undefined;
  if (b.statement.type === 'var_spec' && b.statement.childrenForFieldName('name').length !== 1)
    return undefined;
  return b.value;
}

function scale(a: Linear, k: number): Linear {
  const terms = new Map<string, number>();
  for (const [t, v] of a.terms) if (v * k !== 0) terms.set(t, v * k);
  return { terms, c: a.c * k };
}

function add(a: Linear, b: Linear): Linear {
  const terms = new Map(a.terms);
  for (const [t, v] of b.terms) {
    const s = (terms.get(t) ?? 0) + v;
    if (s === 0) terms.delete(t);
    else terms.set(t, s);
  }
  return { terms, c: a.c + b.c };
}

interface Bound {
  /** `form <= 0` (le) or `form != 0` (ne), over the integers. */
  form: Linear;
  kind: 'le' | 'ne';
}

/** A comparison fact as integer bounds (`a < b` is `a - b + 1 <= 0`). */
function bounds(f: Fact, ctx?: RuleContext): Bound[] {
  const n = f.node;
  if (n.type !== 'binary_expression') return [];
  let op = operatorOf(n) ?? '';
  if (!(op in NEGATED)) return [];
  if (!f.holds) op = NEGATED[op] ?? op;
  const l = linear(n.childForFieldName('left'), ctx);
  const r = linear(n.childForFieldName('right'), ctx);
  if (!l || !r) return [];
  const d = add(l, scale(r, -1));
  const one: Linear = { terms: new Map(), c: 1 };
  switch (op) {
    case '<=':
      return [{ form: d, kind: 'le' }];
    case '<':
      return [{ form: add(d, one), kind: 'le' }];
    case '>=':
      return [{ form: scale(d, -1), kind: 'le' }];
    case '>':
      return [{ form: add(scale(d, -1), one), kind: 'le' }];
    case '==':
      return [
        { form: d, kind: 'le' },
        { form: scale(d, -1), kind: 'le' },
      ];
    default:
      return [{ form: d, kind: 'ne' }];
  }
}

/** Whether one of the facts proves `goal <= 0` (the goal minus a fact's form is a constant <= 0). */
function proves(facts: readonly Fact[], goal: Linear, ctx?: RuleContext): boolean {
  for (const f of facts)
    for (const b of bounds(f, ctx)) {
      if (b.kind !== 'le') continue;
      const rest = add(goal, scale(b.form, -1));
      if (rest.terms.size === 0 && rest.c <= 0) return true;
    }
  return false;
}

/** Whether the facts exclude 0 for the variable `name` (`d != 0`, `d > 0`, `d < 0 || ...` exits). */
function excludesZero(facts: readonly Fact[], name: string): boolean {
  for (const f of facts)
    for (const b of bounds(f)) {
      const { terms, c } = b.form;
      if (terms.size !== 1) continue;
      const k = terms.get(name);
      if (k === undefined) continue;
      if (b.kind === 'ne' && c === 0) return true;
      // k*d + c <= 0: d <= -c/k (k > 0) or d >= -c/k (k < 0); zero is out when 0 + c > 0.
      if (b.kind === 'le' && c > 0) return true;
    }
  return false;
}

const mentionsAtom = (facts: readonly Fact[], name: string) =>
  facts.some((f) => bounds(f).some((b) => [...b.form.terms.keys()].some((t) => t === name)));

// ---------------------------------------------------------------------------------------------

const paramType = (fn: FunctionInfo, name: string) =>
  fn.params.includes(name) ? fn.paramTypes.get(name) : undefined;

/**
 * A parameter of an integer type, or of a type parameter constrained to integer types only
 * (`func f[T int32 | int64](a, b T)`).
 */
function integerParam(fn: FunctionInfo, name: string): boolean {
  const t = paramType(fn, name) ?? '';
  if (INT_TYPE.test(t)) return true;
  for (const d of fn.node.childForFieldName('type_parameters')?.namedChildren ?? []) {
    if (!d?.childrenForFieldName('name').some((x) => x?.text === t)) continue;
    const types = (d.childForFieldName('type')?.text ?? '').split('|').map((x) => x.trim().replace(/^~/, ''));
    return types.length > 0 && types.every((x) => INT_TYPE.test(x));
  }
  return false;
}

/** A parameter never assigned before `at` (its value is the caller's). */
function untouchedParam(ctx: RuleContext, name: string, at: number): FunctionInfo | undefined {
  const fn = ctx.model.functionAt(at);
  if (!fn.params.includes(name)) return undefined;
  return ctx.taint.latestBinding(name, at) ? undefined : fn;
}

/** An integer variable parsed from text (`n, err := strconv.Atoi(s)`). */
function parsedInteger(ctx: RuleContext, name: string, at: number): boolean {
  const b = ctx.taint.latestBinding(name, at);
  return !!b?.value && /^strconv\.(?:Atoi|ParseInt|ParseUint)\(/.test(norm(b.value.text));
}

/** Whether `value` reads the contents of the slice named `arr` (an element, a sub-slice, a decoder over it). */
function readsContents(value: Node, arr: string, ctx: RuleContext, depth = 0): boolean {
  if (depth > 3) return false;
  const stack: Node[] = [value];
  while (stack.length) {
    const n = stack.pop();
    if (!n) continue;
    if (
      (n.type === 'index_expression' || n.type === 'slice_expression') &&
      norm(n.childForFieldName('operand')?.text ?? '') === arr
    )
      return true;
    if (n.type === 'call_expression') {
      const f = n.childForFieldName('function')?.text ?? '';
      if (/^(?:len|cap)$/.test(f)) continue;
      if (
        !INT_TYPE.test(f) &&
        n.childForFieldName('arguments')?.namedChildren.some((a) => a && norm(a.text) === arr)
      )
        return true;
    }
    if (n.type === 'identifier' && depth < 3) {
      const b = ctx.taint.latestBinding(n.text, n.startIndex);
      if (b?.value && b.kind !== 'loop' && readsContents(b.value, arr, ctx, depth + 1)) return true;
      continue;
    }
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return false;
}

/** Whether an integer expression holds a value read from the slice `arr` (directly or through variables). */
function fromData(x: Node, arr: string, ctx: RuleContext): boolean {
  const raw = linear(x);
  return [...(raw?.terms.keys() ?? [])].some((t) => {
    if (t.startsWith(`${arr}[`)) return true;
    if (!/^\w+$/.test(t)) return false;
    const b = ctx.taint.latestBinding(t, x.startIndex);
    return !!b?.value && b.kind !== 'loop' && readsContents(b.value, arr, ctx);
  });
}

const isSliceType = (t: string | undefined) => !!t && /^(?:\[\d*\]|\.\.\.)|^string$/.test(t);

const indexUnchecked = query({
  id: 'go.index-unchecked',
  cwe: ['CWE-129', 'CWE-125'],
  severity: 'warning',
  title: 'Index not checked against both bounds',
  message:
    'The index comes from the caller or the data and is not proven to lie in 0 <= i < len(s) before this access (a check of one bound only, or `i > len(s)` instead of `i >= len(s)`): check both bounds first.',
  query: '(index_expression operand: (_) @arr index: (_) @idx) @report',
  check: (caps, ctx) => {
    const { arr, idx, report } = caps;
    const i = strip(idx);
    if (!arr || !i || !report || arr.type !== 'identifier') return false;
    // Reading the data at an offset read from the data: a length or an offset field.
    if (i.type !== 'int_literal') {
      const form = linear(i, ctx);
      if (form && fromData(i, arr.text, ctx)) {
        const facts = factsAt(report, ctx);
        const goal = add(form, { terms: new Map([[`len(${arr.text})`, -1]]), c: 1 });
        if (proves(facts, goal, ctx)) return false;
        return {
          cwe: ['CWE-125', 'CWE-129'],
          message:
            'The index is computed from a value read from the same data and is not checked against its length: check it is below len(data) first.',
        };
      }
    }
    if (i.type !== 'identifier') return false;
    const fn = ctx.model.functionAt(i.startIndex);
    if (
      !isSliceType(paramType(fn, arr.text)) &&
      !ctx.taint.latestBinding(arr.text, arr.startIndex)?.value?.text.startsWith('[]')
    )
      return false;
    const param = untouchedParam(ctx, i.text, i.startIndex);
    const signed = param
      ? /^int(?:8|16|32|64)?$/.test(paramType(param, i.text) ?? '')
      : parsedInteger(ctx, i.text, i.startIndex);
    if (!signed) return false;
    const facts = factsAt(report, ctx);
    if (facts.some((f) => /\buint(?:8|16|32|64)?\(/.test(f.node.text) && mentions(f.node, i.text)))
      return false;
    const lower = proves(facts, { terms: new Map([[i.text, -1]]), c: 0 }, ctx);
    const upper = proves(
      facts,
      {
        terms: new Map([
          [i.text, 1],
          [`len(${arr.text})`, -1],
        ]),
        c: 1,
      },
      ctx,
    );
    if (lower && upper) return false;
    // Checked against one bound only (or off by one): the author meant to check; always a finding.
    if (mentionsAtom(facts, i.text)) return true;
    // No check at all: a library's get(s, i) may leave it to the caller, so only when a task is judged.
    return judgingTask(ctx);
  },
  examples: {
    bad: [
      pkg(
        'func at(items []string, i int) (string, bool) {\n\tif i >= len(items) {\n\t\treturn "", false\n\t}\n\treturn items[i], true\n}\n',
      ),
      pkg(
        'func at(items []string, i int) (string, bool) {\n\tif i < 0 || i > len(items) {\n\t\treturn "", false\n\t}\n\treturn items[i], true\n}\n',
      ),
      pkg(
        'func typ(msg []byte) byte {\n\tif len(msg) < 2 {\n\t\treturn 0\n\t}\n\toff := int(msg[0])\n\treturn msg[off]\n}\n',
      ),
      {
        code: pkg('func at(items []string, i int) string {\n\treturn items[i]\n}\n'),
        language: 'go',
        taskCwe: ['CWE-129'],
      },
    ],
    good: [
      pkg(
        'func at(items []string, i int) (string, bool) {\n\tif i < 0 || i >= len(items) {\n\t\treturn "", false\n\t}\n\treturn items[i], true\n}\n',
      ),
      pkg(
        'func at(items []string, i int) string {\n\tif i >= 0 && i < len(items) {\n\t\treturn items[i]\n\t}\n\treturn ""\n}\n',
      ),
      pkg(
        'func at(items []string, i int) string {\n\tif uint(i) >= uint(len(items)) {\n\t\treturn ""\n\t}\n\treturn items[i]\n}\n',
      ),
      pkg(
        'func typ(msg []byte) byte {\n\tif len(msg) < 1 {\n\t\treturn 0\n\t}\n\toff := int(msg[0])\n\tif off >= len(msg) {\n\t\treturn 0\n\t}\n\treturn msg[off]\n}\n',
      ),
      pkg('func at(items []string, i int) string {\n\treturn items[i]\n}\n'),
    ],
  },
});

const sliceBoundUnchecked = query({
  id: 'go.slice-bound-unchecked',
  cwe: ['CWE-125'],
  severity: 'warning',
  title: 'Slice bound read from the data and not checked against its length',
  message:
    'A slice bound is computed from a length or offset read from the same data and is not proven to be at most len(data) before slicing (a malformed message reads past its end, or panics): check the bound first (e.g. if n > len(data)-1 { return }).',
  query: '(slice_expression operand: (identifier) @arr) @report',
  check: (caps, ctx) => {
    const { arr, report } = caps;
    if (!arr || !report) return false;
    const bound = report.childForFieldName('end') ?? report.childForFieldName('start');
    const form = linear(bound, ctx);
    if (!bound || !form || form.terms.size === 0 || !fromData(bound, arr.text, ctx)) return false;
    const goal = add(form, { terms: new Map([[`len(${arr.text})`, -1]]), c: 0 });
    return !proves(factsAt(report, ctx), goal, ctx);
  },
  examples: {
    bad: [
      pkg(
        'func name(data []byte) string {\n\tif len(data) < 1 {\n\t\treturn ""\n\t}\n\tn := int(data[0])\n\treturn string(data[1 : 1+n])\n}\n',
      ),
      pkg(
        'func name(data []byte) string {\n\tif len(data) < 1 {\n\t\treturn ""\n\t}\n\tn := int(data[0])\n\tif n > len(data) {\n\t\treturn ""\n\t}\n\treturn string(data[1 : 1+n])\n}\n',
      ),
    ],
    good: [
      pkg(
        'func name(data []byte) string {\n\tif len(data) < 1 {\n\t\treturn ""\n\t}\n\tn := int(data[0])\n\tif n > len(data)-1 {\n\t\treturn ""\n\t}\n\treturn string(data[1 : 1+n])\n}\n',
      ),
      pkg(
        'func name(data []byte) string {\n\tif len(data) < 2 {\n\t\treturn ""\n\t}\n\tn := int(binary.BigEndian.Uint16(data))\n\tif len(data[2:]) < n {\n\t\treturn ""\n\t}\n\treturn string(data[2 : 2+n])\n}\n',
        'import "encoding/binary"\n\n',
      ),
      pkg(
        'func head(data []byte, n int) []byte {\n\tif n > len(data) {\n\t\tn = len(data)\n\t}\n\treturn data[:n]\n}\n',
      ),
    ],
  },
});

// ---------------------------------------------------------------------------------------------

/**
 * Under a task, the caller's integer parameter a factor stands for: the parameter as it came, a name
 * bound to a copy of it, or it converted to another integer type (`widened`: that type).
 */
function factorParam(n: Node, ctx: RuleContext, depth = 0): { name: string; widened?: string } | undefined {
  const x = strip(n);
  if (!x || depth > 3) return undefined;
  if (x.type === 'identifier') {
    const f = untouchedParam(ctx, x.text, x.startIndex);
    if (f) return integerParam(f, x.text) ? { name: x.text } : undefined;
    const b = ctx.taint.latestBinding(x.text, x.startIndex);
    if (b?.kind !== 'assign' || !b.value) return undefined;
    const v = strip(b.value);
    // (a copy, or under a task one kept in a value the use reads back: `*p`, `s.f`, `xs[0]`)
    return v?.type === 'identifier' ||
      (judgingTask(ctx) && /^(?:unary|composite|index|selector)/.test(v?.type ?? ''))
      ? factorParam(b.value, ctx, depth + 1)
      : undefined;
  }
  if (judgingTask(ctx)) {
    // `*p` for `p := &n`
    if (x.type === 'unary_expression') {
      const op = x.child(0)?.text;
      const operand = strip(x.childForFieldName('operand'));
      if (op === '*' && operand) {
        const target = operand.type === 'identifier' ? strip(ctx.resolve(operand)) : operand;
        if (target?.type === 'unary_expression' && target.child(0)?.text === '&')
          return factorParam(target.childForFieldName('operand') ?? target, ctx, depth + 1);
      }
      return undefined;
    }
    // `s.f` for `s := T{f: n}` or `struct{ f int }{n}`; `xs[k]` for `xs := []int{n}` (or in place)
    if (x.type === 'selector_expression' || x.type === 'index_expression') {
      const operand = strip(x.childForFieldName('operand'));
      const lit = operand?.type === 'identifier' ? strip(ctx.resolve(operand)) : operand;
      if (lit?.type !== 'composite_literal') return undefined;
      const body = (lit.childForFieldName('body')?.namedChildren ?? []).filter(
        (c): c is Node => !!c && c.type !== 'comment',
      );
      const value = (c: Node | undefined) =>
        c?.type === 'literal_element' ? (c.namedChildren[0] ?? undefined) : (c ?? undefined);
      let element: Node | undefined;
      if (x.type === 'index_expression') {
        const k = x.childForFieldName('index')?.text ?? '';
        if (/^\d+$/.test(k) && body.every((c) => c.type !== 'keyed_element'))
          element = value(body[Number(k)]);
        else if (/^(?:"[^"]*"|\d+)$/.test(k)) {
          // a map literal's entry under a constant key (`map[string]int{"n": n}["n"]`)
          const keyed = body.find(
            (c) =>
              c.type === 'keyed_element' &&
              value(c.childForFieldName('key') ?? c.namedChildren[0] ?? undefined)?.text === k,
          );
          if (keyed) element = value(keyed.childForFieldName('value') ?? keyed.namedChildren[1] ?? undefined);
        }
      } else {
        const field = x.childForFieldName('field')?.text;
        const keyed = body.find(
          (c) => c.type === 'keyed_element' && value(c.childForFieldName('key') ?? undefined)?.text === field,
        );
        if (keyed) element = value(keyed.childForFieldName('value') ?? undefined);
        else {
          // positional: the field's place in an anonymous struct type
          const fields = lit.childForFieldName('type')?.descendantsOfType('field_identifier') ?? [];
          const i = fields.findIndex((f) => f?.text === field);
          if (i >= 0 && body.every((c) => c.type !== 'keyed_element')) element = value(body[i]);
        }
      }
      return element ? factorParam(element, ctx, depth + 1) : undefined;
    }
  }
  if (x.type === 'call_expression') {
    const t = x.childForFieldName('function')?.text ?? '';
    const args = x.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => !!c) ?? [];
    // under a task, a function literal with no parameters that returns one value, called
    // (`d := func() int { return n }; total / d()`): that value
    const callee = strip(x.childForFieldName('function'));
    if (judgingTask(ctx) && !args.length && callee) {
      const lit = callee.type === 'identifier' ? strip(ctx.resolve(callee)) : callee;
      const stmts = (
        lit?.type === 'func_literal' ? (lit.childForFieldName('body')?.namedChildren ?? []) : []
      ).filter((c): c is Node => !!c && c.type !== 'comment');
      const list = stmts.length === 1 && stmts[0]?.type === 'statement_list' ? stmts[0].namedChildren : stmts;
      const only = list.length === 1 && list[0]?.type === 'return_statement' ? list[0] : undefined;
      const values = only?.namedChildren[0]?.namedChildren ?? [];
      const v = values.length === 1 ? strip(values[0]) : undefined;
      // (a name it captures is read where it is called)
      const outer = v?.type === 'identifier' ? untouchedParam(ctx, v.text, x.startIndex) : undefined;
      if (v && outer) return integerParam(outer, v.text) ? { name: v.text } : undefined;
      if (v) return factorParam(v, ctx, depth + 1);
    }
    if (!INT_TYPE.test(t) || args.length !== 1 || !args[0]) return undefined;
    const inner = factorParam(args[0], ctx, depth + 1);
    return inner && { name: inner.name, widened: t };
  }
  return undefined;
}

const integerOverflow = query({
  id: 'go.integer-overflow',
  cwe: ['CWE-190'],
  severity: 'warning',
  title: 'Product of caller integers with no overflow check (judged tasks only)',
  message:
    'Two integers from the caller are multiplied with no check before that the product fits the type (a wrap-around gives a small or negative total): check a > MAX/b first (b != 0), or compute in a wider type and compare. Converting the product afterwards is too late.',
  query: `(binary_expression left: (_) @a operator: "*" right: (_) @b) @report
(assignment_statement left: (expression_list . (identifier) @a) operator: "*=" right: (expression_list . (_) @b)) @report
(assignment_statement left: (expression_list . (identifier) @acc) operator: "+=" right: (expression_list . (_) @b)) @report`,
  check: (caps, ctx) => {
    // Products of parameters are everywhere in real code; judged only where a task asks.
    if (ctx.taskEvidence === undefined) return false;
    const { report } = caps;
    if (!caps.b || !report) return false;
    const fn = ctx.model.functionAt(report.startIndex);
    // Under a task, `t += each` once per turn of a loop bounded by the caller's count (`for i := 0;
    // i < units; i++`): the product units * each, made by repeated addition.
    let loopBound: Node | undefined;
    if (caps.acc) {
      if (!judgingTask(ctx)) return false;
      for (let up = report.parent; up && !up.equals(fn.node) && !loopBound; up = up.parent) {
        if (up.type !== 'for_statement') continue;
        const cond = up.namedChildren.find((c) => c?.type === 'for_clause')?.childForFieldName('condition');
        const bound =
          cond?.type === 'binary_expression' && /^<=?$/.test(operatorOf(cond) ?? '')
            ? strip(cond.childForFieldName('right'))
            : undefined;
        if (bound && factorParam(bound, ctx)) loopBound = bound;
      }
      if (!loopBound) return false;
    }
    const first = caps.a ?? loopBound;
    if (!first) return false;
    // Each factor as the caller's integer it is: the parameter, a copy of it (`t := units; t *=
    // each`), or it converted (`int64(units)`).
    const fa = factorParam(first, ctx);
    const fb = factorParam(caps.b, ctx);
    if (!fa || !fb) return false;
    // A product computed in a wider type is safe unless it is narrowed back (`int32(int64(units) *
    // int64(each))`; under a task also `w := int64(units) * int64(each)` narrowed later, with no test
    // of `w` where it is).
    if (fa.widened || fb.widened) {
      const wide = [fa.widened, fb.widened].every((w) => !!w && /64$|^u?int$/.test(w));
      let up: Node | null = report.parent;
      while (up?.type === 'parenthesized_expression') up = up.parent;
      const narrowTo =
        up?.type === 'argument_list' && up.parent?.type === 'call_expression'
          ? up.parent.childForFieldName('function')?.text
          : undefined;
      let narrowed = !!narrowTo && /^u?int(?:8|16|32)$/.test(narrowTo);
      const holder =
        up?.type === 'expression_list' &&
        /^(?:short_var_declaration|assignment_statement)$/.test(up.parent?.type ?? '')
          ? up.parent?.childForFieldName('left')?.namedChildren
          : undefined;
      const w = holder?.length === 1 && holder[0]?.type === 'identifier' ? holder[0].text : undefined;
      if (!narrowed && w && judgingTask(ctx))
        narrowed = ctx.model.nodesIn(fn.node, ['call_expression']).some((c) => {
          if (c.startIndex < report.endIndex) return false;
          if (!/^u?int(?:8|16|32)$/.test(c.childForFieldName('function')?.text ?? '')) return false;
          const args = c.childForFieldName('arguments')?.namedChildren.filter((x) => !!x) ?? [];
          return (
            args.length === 1 &&
            strip(args[0])?.text === w &&
            !factsAt(c, ctx).some((f) => mentions(f.node, w))
          );
        });
      if (!wide || !narrowed) return false;
    }
    const a = fa.name;
    const b = fb.name;
    // A division by one of the factors in a condition that decides whether the product is
    // computed (a pre-check `a > MAX/b` before an early exit), the math bounds, or math/bits: the
    // author checks. A check on another path of the function does not count.
    const facts = factsAt(report, ctx);
    const limit = new RegExp(`/(?:${a}|${b})\\b|Max(?:Int|Uint)|Min(?:Int)`);
    // With its value where the product runs: `a > MaxInt32/b` bounds `a` where it fails.
    const kind = (side: Node) =>
      /\bMinInt/.test(side.text) ? 'min' : limit.test(norm(side.text)) ? 'max' : undefined;
    // (A factor known to be zero makes the product zero: `b != 0 && a > MaxInt32/b` failing.)
    const safe = (x: Node, holds: boolean) =>
      limitBound(x, holds, kind) ||
      [a, b].some((v) => comparisonsOf(x, holds, v).some((c) => c.op === '==' && c.value === 0));
    if (facts.some((f) => decided(f.node, f.holds, safe))) return false;
    // The post-check `p := a * b` followed at once by `if a != 0 && p/a != b { return ... }`.
    let stmt: Node | null = report;
    while (stmt?.parent && stmt.parent.type !== 'block' && stmt.parent.type !== 'statement_list')
      stmt = stmt.parent;
    const next = stmt?.nextNamedSibling;
    if (
      next?.type === 'if_statement' &&
      limit.test(norm(next.childForFieldName('condition')?.text ?? '')) &&
      endsWithExit(next, ctx.model.profile.exitStatementTypes, ctx.model.profile.exitCalls, 'go')
    )
      return false;
    // The product computed by math/bits from these factors (not any use of the package, nor a
    // math.MaxInt constant somewhere in the function).
    if (
      ctx.model
        .nodesIn(fn.node, ['call_expression'])
        .some(
          (c) =>
            /^bits\.(?:Mul|Add)\d*$/.test(c.childForFieldName('function')?.text ?? '') &&
            mentions(c, a) &&
            mentions(c, b),
        )
    )
      return false;
    // Both factors bounded above by constants before the product.
    const boundedAbove = (name: string) =>
      facts.some((f) => bounds(f).some((x) => x.kind === 'le' && (x.form.terms.get(name) ?? 0) > 0));
    return !(boundedAbove(a) && boundedAbove(b));
  },
  examples: {
    bad: [
      {
        // the product is computed where the limit test holds its overflow
        code: pkg(
          'func total(n, each int32) int32 {\n\tif each > 0 && n > 2147483647/each && n%9 == 7 {\n\t\treturn n * each\n\t}\n\tif each != 0 && n > 2147483647/each {\n\t\treturn -1\n\t}\n\treturn n * each\n}\n',
        ),
        language: 'go',
        taskCwe: ['CWE-190'],
      },
      {
        code: pkg(
          'func total(n, each int32) int32 {\n\tif n < 0 || each < 0 {\n\t\treturn -1\n\t}\n\treturn n * each\n}\n',
        ),
        language: 'go',
        taskCwe: ['CWE-190'],
      },
      {
        code: pkg(
          'func total(n, each int32) int32 {\n\tt := int64(n * each)\n\tif t > 2147483647 {\n\t\treturn -1\n\t}\n\treturn int32(t)\n}\n',
        ),
        language: 'go',
        taskCwe: ['CWE-190'],
      },
      {
        // the limit is checked on another path only
        code: pkg(
          'func total(n, each int32) int32 {\n\tif n == 7 {\n\t\treturn n * each\n\t}\n\tif each != 0 && n > 2147483647/each {\n\t\treturn -1\n\t}\n\treturn n * each\n}\n',
        ),
        language: 'go',
        taskCwe: ['CWE-190'],
      },
    ],
    good: [
      {
        code: pkg(
          'func total(n, each int32) int32 {\n\tif n < 0 || each < 0 {\n\t\treturn -1\n\t}\n\tif each != 0 && n > 2147483647/each {\n\t\treturn -1\n\t}\n\treturn n * each\n}\n',
        ),
        language: 'go',
        taskCwe: ['CWE-190'],
      },
      {
        code: pkg('func total(n, each int32) int64 {\n\treturn int64(n) * int64(each)\n}\n'),
        language: 'go',
        taskCwe: ['CWE-190'],
      },
      {
        // the post-check right after the product
        code: pkg(
          'func total(n, each int32) int32 {\n\tif n < 0 || each < 0 {\n\t\treturn -1\n\t}\n\tp := n * each\n\tif n != 0 && p/n != each {\n\t\treturn -1\n\t}\n\treturn p\n}\n',
        ),
        language: 'go',
        taskCwe: ['CWE-190'],
      },
      pkg('func area(w, h int) int {\n\treturn w * h\n}\n'),
    ],
  },
});

const divisionByZero = query({
  id: 'go.division-by-zero',
  cwe: ['CWE-369'],
  severity: 'warning',
  title: 'Integer division by a value not checked for zero (judged tasks only)',
  message:
    'The divisor comes from the caller or the input and nothing before the division excludes 0 (a check for negative values lets 0 through): integer division by zero panics. Check d == 0 (or d <= 0) first.',
  query:
    '(binary_expression operator: ["/" "%"] right: (_) @d) @report\n(assignment_statement operator: ["/=" "%="] right: (expression_list (_) @d)) @report',
  check: (caps, ctx) => {
    // Division by a parameter is common in helpers that leave the check to the caller; judged only
    // where a task asks (or when the divisor is parsed from input).
    const d = strip(caps.d);
    if (!d || !caps.report) return false;
    // (under a task, also a divisor read back from where a copy was kept: `*p`, `s.f`, `xs[0]`,
    // `m["k"]`, `d()` of a function literal that returns it)
    if (d.type !== 'identifier') {
      if (!judgingTask(ctx) || !/^(?:unary|selector|index|call)_expression$/.test(d.type)) return false;
      const kept = factorParam(d, ctx);
      if (!kept || kept.widened) return false;
      const facts = factsAt(caps.report, ctx);
      // a test of the value kept or of the expression read back (`if *p <= 0`)
      const zeroOut = (c: { op: string; value: number }) =>
        (c.op === '!=' && c.value === 0) ||
        (c.op === '>' && c.value >= 0) ||
        (c.op === '>=' && c.value > 0) ||
        (c.op === '<' && c.value <= 0) ||
        (c.op === '<=' && c.value < 0);
      return (
        !excludesZero(facts, kept.name) &&
        !facts.some((f) => decided(f.node, f.holds, (x, h) => comparisonsOf(x, h, d.text).some(zeroOut)))
      );
    }
    const param = untouchedParam(ctx, d.text, d.startIndex);
    const fromCaller = param ? INT_TYPE.test(paramType(param, d.text) ?? '') : false;
    const parsed = !param && parsedInteger(ctx, d.text, d.startIndex);
    // Under a task, a copy of the caller's integer (`d := members; total / d`): a check of either
    // name counts.
    const copied = !param && !parsed && judgingTask(ctx) ? factorParam(d, ctx) : undefined;
    if (copied && !copied.widened) {
      const facts = factsAt(caps.report, ctx);
      return !excludesZero(facts, d.text) && !excludesZero(facts, copied.name);
    }
    if (!(fromCaller && judgingTask(ctx)) && !parsed) return false;
    return !excludesZero(factsAt(caps.report, ctx), d.text);
  },
  examples: {
    bad: [
      {
        // a function literal that returns it, a map literal's entry
        code: pkg(
          'func share(total, n int) int {\n\td := func() int { return n }\n\treturn total / d()\n}\n',
        ),
        language: 'go',
        taskCwe: ['CWE-369'],
      },
      {
        code: pkg(
          'func share(total, n int) int {\n\tm := map[string]int{"n": n}\n\treturn total / m["n"]\n}\n',
        ),
        language: 'go',
        taskCwe: ['CWE-369'],
      },
      {
        code: pkg('func share(total, n int) int {\n\treturn total / n\n}\n'),
        language: 'go',
        taskCwe: ['CWE-369'],
      },
      {
        code: pkg('func share(total, n int) int {\n\tif n < 0 {\n\t\treturn 0\n\t}\n\treturn total / n\n}\n'),
        language: 'go',
        taskCwe: ['CWE-369'],
      },
      pkg(
        'func per(total int, s string) int {\n\tn, _ := strconv.Atoi(s)\n\treturn total % n\n}\n',
        'import "strconv"\n\n',
      ),
    ],
    good: [
      {
        code: pkg(
          'func share(total, n int) int {\n\tif n <= 0 {\n\t\treturn 0\n\t}\n\td := func() int { return n }\n\treturn total / d()\n}\n',
        ),
        language: 'go',
        taskCwe: ['CWE-369'],
      },
      {
        code: pkg(
          'func share(total, n int) int {\n\tif n <= 0 {\n\t\treturn 0\n\t}\n\treturn total / n\n}\n',
        ),
        language: 'go',
        taskCwe: ['CWE-369'],
      },
      {
        code: pkg(
          'func share(total, n int) int {\n\tif n != 0 {\n\t\treturn total / n\n\t}\n\treturn 0\n}\n',
        ),
        language: 'go',
        taskCwe: ['CWE-369'],
      },
      {
        code: pkg('func fits(a, b int32) bool {\n\treturn b == 0 || a <= 2147483647/b\n}\n'),
        language: 'go',
        taskCwe: ['CWE-369'],
      },
      {
        code: pkg('func ratio(a, b float64) float64 {\n\treturn a / b\n}\n'),
        language: 'go',
        taskCwe: ['CWE-369'],
      },
      pkg('func share(total, n int) int {\n\treturn total / n\n}\n'),
    ],
  },
});

// ---------------------------------------------------------------------------------------------

/** Printf-style functions and the position of their format argument. */
const FORMAT_FUNCS: Record<string, number> = {
  Sprintf: 0,
  Printf: 0,
  Errorf: 0,
  Fprintf: 1,
  Fatalf: 0,
  Panicf: 0,
  Logf: 0,
  Infof: 0,
  Warnf: 0,
  Warningf: 0,
  Debugf: 0,
  Tracef: 0,
  Appendf: 1,
};

const formatString = call({
  id: 'go.format-string',
  cwe: ['CWE-134'],
  severity: 'warning',
  title: 'Format string that is not a constant',
  message:
    'The printf format is built from data, so verbs in the data ("%s", "%d", "%!") are interpreted and the arguments misread: pass a constant format and the data as an argument (fmt.Sprintf("[x] %s", msg)).',
  names: Object.keys(FORMAT_FUNCS),
  check: (c, ctx) => {
    const i = FORMAT_FUNCS[c.name];
    if (i === undefined) return false;
    // Package printf functions, and printf-named methods of loggers.
    if (
      !/^(?:fmt|log)\./.test(c.calleeText) &&
      (!c.receiver || /^(?:Sprintf|Errorf|Fprintf|Appendf)$/.test(c.name))
    )
      return false;
    const f = c.args[i];
    if (!f || ctx.isConstant(f) || ctx.stringValue(f) !== undefined) return false;
    // A printf wrapper forwarding its own format and arguments (`log.Printf(format, args...)`).
    if (c.argList?.namedChildren.some((a) => a?.type === 'variadic_argument')) return false;
    // From the caller or the input (a check of the text, such as for emptiness, leaves it data).
    if (!ctx.tainted(f, 'format') && !ctx.built(f, 'format') && !callerData(f, ctx, judgingTask(ctx)))
      return false;
    return ctx.built(f, 'format') || c.args.length === i + 1 ? { severity: 'error' } : true;
  },
  examples: {
    bad: [
      pkg('func entry(msg string) string {\n\treturn fmt.Sprintf("[INFO] " + msg)\n}\n', 'import "fmt"\n\n'),
      pkg(
        'func entry(msg string) string {\n\treturn fmt.Errorf("[INFO] " + msg).Error()\n}\n',
        'import "fmt"\n\n',
      ),
      pkg(
        'func show(w io.Writer, msg string) {\n\tfmt.Fprintf(w, msg)\n}\n',
        'import (\n\t"fmt"\n\t"io"\n)\n\n',
      ),
    ],
    good: [
      pkg('func entry(msg string) string {\n\treturn fmt.Sprintf("[INFO] %s", msg)\n}\n', 'import "fmt"\n\n'),
      pkg(
        'const layout = "[%s] %s"\n\nfunc entry(lvl, msg string) string {\n\treturn fmt.Sprintf(layout, lvl, msg)\n}\n',
        'import "fmt"\n\n',
      ),
      pkg('func logf(format string, args ...any) {\n\tlog.Printf(format, args...)\n}\n', 'import "log"\n\n'),
    ],
  },
});

// ---------------------------------------------------------------------------------------------

/** Whether the expression carries the caller's data: a parameter, an input read, or text derived from them. */
function callerData(n: Node | undefined, ctx: RuleContext, params: boolean, depth = 0): boolean {
  const x = strip(n);
  if (!x || depth > 4) return false;
  if (ctx.model.profile.stringTypes.has(x.type) || ctx.model.profile.numberTypes.has(x.type)) return false;
  if (ctx.model.profile.sourcePattern.test(x.text)) return true;
  // A size or a new container says nothing of the contents.
  if (
    x.type === 'call_expression' &&
    /^(?:len|cap|make|new)$/.test(x.childForFieldName('function')?.text ?? '')
  )
    return false;
  if (x.type === 'identifier') {
    const b = ctx.taint.latestBinding(x.text, x.startIndex);
    if (!b) return params && ctx.model.functionAt(x.startIndex).params.includes(x.text);
    return !!b.value && callerData(b.value, ctx, params, depth + 1);
  }
  return x.namedChildren.some(
    (c) => !!c && c.type !== 'field_identifier' && callerData(c, ctx, params, depth + 1),
  );
}

const SHELL = /^(?:\/bin\/|\/usr\/bin\/)?(?:ba|z|da|k)?sh$/;

/** A Go test of a leading dash (`strings.HasPrefix(s, "-")`, `s[0] == '-'`): its subject, and its value where there is none. */
function goDashTest(x: Node): { subject: string; refusesWhen: boolean } | undefined {
  const t = x.text.trim();
  let m = /^(?:strings\.)?HasPrefix\(\s*([\w.]+)\s*,\s*"-"\s*\)$/.exec(t);
  if (m?.[1]) return { subject: m[1], refusesWhen: false };
  m = /^([\w.]+)\[0\]\s*(==|!=)\s*'-'$/.exec(t) ?? /^'-'\s*(==|!=)\s*([\w.]+)\[0\]$/.exec(t);
  if (m) {
    const subject = /\w/.test(m[1]?.[0] ?? '') ? m[1] : m[2];
    const op = m[1]?.startsWith('!') || m[2]?.startsWith('!') ? '!=' : '==';
    if (subject) return { subject, refusesWhen: op === '!=' };
  }
  return undefined;
}

/**
 * Where a task is judged: a refusal of a leading dash that holds where the call runs, for the value
 * or for every element of the collection it is (a range loop over it that leaves); a test of
 * something else, or one that holds its dash there, is none.
 */
function dashRefusedAt(ctx: RuleContext, data: Node, at: Node): boolean {
  const fn = ctx.model.functionAt(at.startIndex);
  const subject = norm(data.text);
  return guardsAt(at, fn.node, ctx.model.profile, 'go').some((g) =>
    decided(g.node, g.holds, (x, holds) => {
      const t = goDashTest(x);
      if (!t || t.refusesWhen !== holds) return false;
      return g.over
        ? t.subject === g.over.element && norm(g.over.collection.text) === subject
        : norm(t.subject) === subject;
    }),
  );
}

/** A check that the value (or each element, through a range loop) does not start with "-". */
function dashChecked(ctx: RuleContext, data: Node, at: Node): boolean {
  if (judgingTask(ctx)) return dashRefusedAt(ctx, data, at);
  const fn = ctx.model.functionAt(at.startIndex);
  const names = new Set([norm(data.text)]);
  for (const [v, list] of fn.bindings)
    if (list.some((b) => b.kind === 'loop' && b.value && norm(b.value.text) === norm(data.text)))
      names.add(v);
  const text = ctx.source.slice(fn.start, at.startIndex);
  for (const v of names) {
    const e = v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (
      new RegExp(
        `HasPrefix\\(\\s*${e}\\s*,\\s*"-"\\s*\\)|\\b${e}\\[0\\]\\s*==\\s*'-'|'-'\\s*==\\s*${e}\\[0\\]|\\bIndex(?:Byte|Rune)?\\(\\s*${e}\\s*,\\s*["']-["']\\s*\\)\\s*==\\s*0|MatchString\\(\\s*${e}\\s*\\)`,
      ).test(text)
    )
      return true;
  }
  return false;
}

/** An element of a Go argument vector, where it enters the vector, and whether it stands for several. */
interface GoArg {
  node: Node;
  at: Node;
  spread: boolean;
}

/** The element nodes of a `[]string{...}` literal. */
function literalElements(x: Node): Node[] {
  const body = x.childForFieldName('body');
  return (body?.namedChildren ?? [])
    .filter((c): c is Node => !!c && c.type !== 'comment' && c.type !== 'keyed_element')
    .map((c) => (c.type === 'literal_element' ? (c.namedChildren[0] ?? c) : c));
}

/**
 * Under a task, the elements of a Go argument vector in order, read through what builds it:
 * `append(a, b, c...)`, a `[]string{...}` literal, the variable's latest assignment before the use
 * (a loop's `args = append(args, n)` read with what `args` held before it), `copy(dst, src)` into the
 * variable after that assignment, a command's own `Args` (`cmd.Args` of `cmd := exec.Command(p, a...)`),
 * and a slice `x[k:]` (which may cut a "--" written in front: the "--" no longer counts). What is none
 * of these stands as one element that may be several (`spread`).
 */
function goArgv(
  n: Node | null | undefined,
  ctx: RuleContext,
  at: Node,
  depth = 0,
  /** A variable read inside its own assignment (`args = append(args, n)`): what it held before. */
  self?: { name: string; before: number },
): GoArg[] {
  const x = strip(n);
  if (!x) return [];
  const one = (node: Node, spread = true): GoArg[] => [{ node, at, spread }];
  if (depth > 6) return one(x);
  const next = (y: Node | null | undefined, where = at) => goArgv(y, ctx, where, depth + 1, self);
  if (x.type === 'composite_literal' && /^\[\]string$/.test(norm(x.childForFieldName('type')?.text ?? '')))
    return literalElements(x).map((node) => ({ node, at, spread: false }));
  if (x.type === 'call_expression' && x.childForFieldName('function')?.text === 'append') {
    const args = (x.childForFieldName('arguments')?.namedChildren ?? []).filter(
      (c): c is Node => !!c && c.type !== 'comment',
    );
    const [first, ...rest] = args;
    return [
      ...next(first),
      ...rest.flatMap((a) =>
        a.type === 'variadic_argument'
          ? next(a.namedChildren[0], x).map((e) => ({ ...e, spread: true }))
          : [{ node: a, at: x, spread: false }],
      ),
    ];
  }
  if (x.type === 'slice_expression') {
    const els = next(x.childForFieldName('operand'));
    const start = x.childForFieldName('start');
    return start && start.text !== '0' ? els.filter((e) => ctx.stringValue(e.node) !== '--') : els;
  }
  // `cmd.Args` of `cmd := exec.Command("sort", a...)`: the program, then its arguments
  if (x.type === 'selector_expression' && x.childForFieldName('field')?.text === 'Args') {
    const operand = strip(x.childForFieldName('operand'));
    const made = operand?.type === 'identifier' ? strip(ctx.resolve(operand)) : undefined;
    const callee =
      made?.type === 'call_expression' ? norm(made.childForFieldName('function')?.text ?? '') : '';
    if (made && /^exec\.Command(?:Context)?$/.test(callee)) {
      const args = (made.childForFieldName('arguments')?.namedChildren ?? []).filter(
        (c): c is Node => !!c && c.type !== 'comment',
      );
      return args
        .slice(callee.endsWith('Context') ? 1 : 0)
        .flatMap((a): GoArg[] =>
          a.type === 'variadic_argument'
            ? next(a.namedChildren[0], made).map((e) => ({ ...e, spread: true }))
            : [{ node: a, at: made, spread: false }],
        );
    }
    return one(x);
  }
  if (x.type === 'identifier') {
    const use = self?.name === x.text ? self.before : x.startIndex;
    // (inside its own assignment, what the text assigned before: the same assignment reached again
    // around a loop adds the same elements)
    const b =
      self?.name === x.text
        ? ctx.taint
            .bindingsOf(x.text, use)
            .filter((y) => y.at <= use)
            .sort((p, q) => q.at - p.at)[0]
        : ctx.taint.latestBinding(x.text, use);
    if (!b) return one(x);
    if (b.kind !== 'assign' && b.kind !== 'augment') return one(x);
    const els = b.value
      ? goArgv(b.value, ctx, b.value, depth + 1, { name: x.text, before: b.statement.startIndex })
      : [];
    // `copy(args, src)` after the assignment and before the use
    const fn = ctx.model.functionAt(x.startIndex).node;
    for (const cp of fn.text.includes('copy(') ? ctx.model.nodesIn(fn, ['call_expression']) : []) {
      if (cp.startIndex < b.at || cp.endIndex > use) continue;
      if (cp.childForFieldName('function')?.text !== 'copy') continue;
      const [dst, src] = (cp.childForFieldName('arguments')?.namedChildren ?? []).filter(
        (c): c is Node => !!c && c.type !== 'comment',
      );
      if (dst?.text === x.text && src) els.push(...next(src, cp).map((e) => ({ ...e, spread: true })));
    }
    return els;
  }
  return one(x);
}

/**
 * The first element of a Go argument vector that carries the caller's value and can start with "-":
 * none before a "--"; an element built with constant text in front, or refused a leading dash where
 * it enters the vector or where the program runs, cannot.
 */
function goInjectable(els: readonly GoArg[], ctx: RuleContext, run: Node): Node | undefined {
  for (const el of els) {
    if (ctx.stringValue(el.node) === '--') return undefined;
    const data = el.node;
    if (
      data.type === 'binary_expression' &&
      ctx.model.profile.stringTypes.has(strip(data.childForFieldName('left'))?.type ?? '')
    )
      continue;
    if (!callerData(data, ctx, true)) continue;
    if (dashChecked(ctx, data, el.at) || dashChecked(ctx, data, run)) continue;
    return data;
  }
  return undefined;
}

const argumentInjection = call({
  id: 'go.argument-injection',
  cwe: ['CWE-88'],
  severity: 'warning',
  title: 'Program arguments from the caller with no "--" before them',
  message:
    'Values from the caller are passed to the program as arguments with no "--" before them and no check that they do not start with "-": a value such as "--output=/etc/x" is read as an option. Put "--" before the operands (exec.Command(p, append([]string{"--"}, args...)...)) or reject a leading "-".',
  names: ['Command', 'CommandContext'],
  callee: /^exec\.(?:Command|CommandContext)$/,
  check: (c, ctx) => {
    const args = c.name === 'CommandContext' ? c.args.slice(1) : c.args;
    const prog = ctx.stringValue(args[0]);
    if (prog === undefined || SHELL.test(prog.split('/').pop() ?? '') || SHELL.test(prog)) return false;
    // Under a task the vector is read through what builds it (`goArgv`).
    if (judgingTask(ctx)) {
      const byArg = args
        .slice(1)
        .map((a): [Node, GoArg[]] => [
          a,
          a.type === 'variadic_argument'
            ? goArgv(a.namedChildren[0], ctx, c.node).map((e) => ({ ...e, spread: true }))
            : [{ node: a, at: c.node, spread: false }],
        ]);
      const hit = goInjectable(
        byArg.flatMap(([, els]) => els),
        ctx,
        c.node,
      );
      // (reported at the argument as written, `files...`)
      const arg = hit && byArg.find(([, els]) => els.some((e) => e.node.equals(hit)))?.[0];
      return !!hit && { node: arg ?? hit };
    }
    // Parameters are the caller's data only where a task is judged (in a scan a library passes its
    // own arguments); input reads (os.Args, a request) always.
    const params = judgingTask(ctx);
    for (const a of args.slice(1)) {
      if (ctx.stringValue(a) === '--') return false;
      let data: Node | undefined = a;
      if (a.type === 'variadic_argument') {
        data = strip(a.namedChildren[0]);
        const r = data && data.type === 'identifier' ? ctx.resolve(data) : data;
        // append([]string{"--", ...}, rest...)
        if (r?.type === 'call_expression' && r.childForFieldName('function')?.text === 'append') {
          const first = r.childForFieldName('arguments')?.namedChildren[0];
          const head = first?.type === 'identifier' ? ctx.resolve(first) : first;
          if ((first && /"--"/.test(first.text)) || (head && /"--"/.test(head.text))) return false;
          const spread = r
            .childForFieldName('arguments')
            ?.namedChildren.find((x) => x?.type === 'variadic_argument');
          data = strip(spread?.namedChildren[0]);
        } else if (r?.type === 'composite_literal' && /"--"/.test(r.text)) return false;
      }
      if (!data) continue;
      // Built with a constant first (`"--name=" + v`, `"./" + v`): the value cannot start an option.
      if (
        data.type === 'binary_expression' &&
        ctx.model.profile.stringTypes.has(strip(data.childForFieldName('left'))?.type ?? '')
      )
        continue;
      if (!callerData(data, ctx, params)) continue;
      if (dashChecked(ctx, data, c.node)) continue;
      return { node: a };
    }
    return false;
  },
  examples: {
    bad: [
      {
        // the refusal loop is skipped when the first name is a constant
        code: pkg(
          'func sorted(dir string, files []string) ([]byte, error) {\n\tif len(files) == 0 || files[0] != "K" {\n\t\tfor _, f := range files {\n\t\t\tif strings.HasPrefix(f, "-") {\n\t\t\t\treturn nil, errors.New("bad")\n\t\t\t}\n\t\t}\n\t}\n\tcmd := exec.Command("sort", files...)\n\tcmd.Dir = dir\n\treturn cmd.Output()\n}\n',
          'import (\n\t"errors"\n\t"os/exec"\n\t"strings"\n)\n\n',
        ),
        language: 'go',
        taskCwe: ['CWE-88'],
      },
      {
        code: pkg(
          'func sorted(dir string, files []string) ([]byte, error) {\n\tcmd := exec.Command("sort", files...)\n\tcmd.Dir = dir\n\treturn cmd.Output()\n}\n',
          'import "os/exec"\n\n',
        ),
        language: 'go',
        taskCwe: ['CWE-88'],
      },
      {
        code: pkg(
          'func sorted(files []string) ([]byte, error) {\n\tfor _, f := range files {\n\t\tif strings.HasPrefix(f, "--") {\n\t\t\treturn nil, errors.New("bad name")\n\t\t}\n\t}\n\treturn exec.Command("sort", files...).Output()\n}\n',
          'import (\n\t"errors"\n\t"os/exec"\n\t"strings"\n)\n\n',
        ),
        language: 'go',
        taskCwe: ['CWE-88'],
      },
      pkg(
        'func main() {\n\texec.Command("git", "log", os.Args[1]).Run()\n}\n',
        'import (\n\t"os"\n\t"os/exec"\n)\n\n',
      ),
    ],
    good: [
      {
        code: pkg(
          'func sorted(files []string) ([]byte, error) {\n\treturn exec.Command("sort", append([]string{"--"}, files...)...).Output()\n}\n',
          'import "os/exec"\n\n',
        ),
        language: 'go',
        taskCwe: ['CWE-88'],
      },
      {
        code: pkg(
          'func sorted(files []string) ([]byte, error) {\n\tfor _, f := range files {\n\t\tif strings.HasPrefix(f, "-") {\n\t\t\treturn nil, errors.New("bad name")\n\t\t}\n\t}\n\treturn exec.Command("sort", files...).Output()\n}\n',
          'import (\n\t"errors"\n\t"os/exec"\n\t"strings"\n)\n\n',
        ),
        language: 'go',
        taskCwe: ['CWE-88'],
      },
      {
        code: pkg(
          'func show(rev string) ([]byte, error) {\n\treturn exec.Command("git", "show", "--", rev).Output()\n}\n',
          'import "os/exec"\n\n',
        ),
        language: 'go',
        taskCwe: ['CWE-88'],
      },
      pkg(
        'func sorted(files []string) ([]byte, error) {\n\treturn exec.Command("sort", files...).Output()\n}\n',
        'import "os/exec"\n\n',
      ),
    ],
  },
});

/**
 * Under a task, the `Args` of a command set from the caller's values: an `exec.Cmd` literal's `Args`
 * field, or `cmd.Args = ...` on a command (`cmd := exec.Command(...)`, an `exec.Cmd` literal). Its
 * first element is the program's own name (argv[0]); the rest are read as `exec.Command`'s.
 */
const argumentInjectionArgs = query({
  id: 'go.argument-injection-args',
  cwe: ['CWE-88'],
  severity: 'warning',
  title: 'A command\'s Args set from the caller with no "--" before them',
  message:
    'A command\'s Args carry values from the caller with no "--" before them and no check that they do not start with "-": a value such as "--output=/etc/x" is read as an option. Put "--" after the program name (Args: append([]string{"sort", "--"}, names...)) or reject a leading "-".',
  query: `
(composite_literal body: (literal_value (keyed_element key: (literal_element (identifier) @k (#eq? @k "Args")) value: (literal_element (_) @args)))) @report
(assignment_statement left: (expression_list . (selector_expression field: (field_identifier) @k (#eq? @k "Args"))) right: (expression_list . (_) @args)) @report`,
  check: (caps, ctx) => {
    const { args, report } = caps;
    if (!args || !report || !judgingTask(ctx)) return false;
    // the command: an exec.Cmd literal, or a variable holding one or made by exec.Command
    const isCmd = (x: Node | null | undefined): boolean => {
      let y = strip(x);
      if (y?.type === 'unary_expression') y = strip(y.childForFieldName('operand'));
      if (y?.type === 'identifier') {
        const r = strip(ctx.resolve(y));
        if (!r || r.equals(y)) return false;
        y = r.type === 'unary_expression' ? strip(r.childForFieldName('operand')) : r;
      }
      if (y?.type === 'composite_literal')
        return norm(y.childForFieldName('type')?.text ?? '') === 'exec.Cmd';
      return (
        y?.type === 'call_expression' &&
        /^exec\.Command(?:Context)?$/.test(norm(y.childForFieldName('function')?.text ?? ''))
      );
    };
    const cmd =
      report.type === 'composite_literal'
        ? report
        : strip(report.childForFieldName('left')?.namedChildren[0]?.childForFieldName('operand'));
    if (!isCmd(cmd)) return false;
    const els = goArgv(args, ctx, report);
    const first = els[0];
    if (first && !first.spread && SHELL.test(ctx.stringValue(first.node) ?? '')) return false;
    const hit = goInjectable(first && !first.spread ? els.slice(1) : els, ctx, report);
    return !!hit && { node: hit };
  },
  examples: {
    bad: [
      {
        code: pkg(
          'func sorted(dir string, files []string) ([]byte, error) {\n\tcmd := exec.Command("sort")\n\tcmd.Args = append(cmd.Args, files...)\n\tcmd.Dir = dir\n\treturn cmd.Output()\n}\n',
          'import "os/exec"\n\n',
        ),
        language: 'go',
        taskCwe: ['CWE-88'],
      },
      {
        code: pkg(
          'func sorted(p string, files []string) ([]byte, error) {\n\tcmd := &exec.Cmd{Path: p, Args: append([]string{"sort"}, files...)}\n\treturn cmd.Output()\n}\n',
          'import "os/exec"\n\n',
        ),
        language: 'go',
        taskCwe: ['CWE-88'],
      },
    ],
    good: [
      {
        code: pkg(
          'func sorted(dir string, files []string) ([]byte, error) {\n\tcmd := exec.Command("sort")\n\tcmd.Args = append(cmd.Args, append([]string{"--"}, files...)...)\n\tcmd.Dir = dir\n\treturn cmd.Output()\n}\n',
          'import "os/exec"\n\n',
        ),
        language: 'go',
        taskCwe: ['CWE-88'],
      },
      {
        code: pkg(
          'func sorted(p string, files []string) ([]byte, error) {\n\tcmd := &exec.Cmd{Path: p, Args: append([]string{"sort", "--"}, files...)}\n\treturn cmd.Output()\n}\n',
          'import "os/exec"\n\n',
        ),
        language: 'go',
        taskCwe: ['CWE-88'],
      },
      // in a scan, a parameter is the program's own
      pkg(
        'func sorted(dir string, files []string) ([]byte, error) {\n\tcmd := exec.Command("sort")\n\tcmd.Args = append(cmd.Args, files...)\n\treturn cmd.Output()\n}\n',
        'import "os/exec"\n\n',
      ),
    ],
  },
});

// ---------------------------------------------------------------------------------------------

const callFact = (f: Fact, fn: RegExp, arg: string, lit: RegExp): boolean => {
  if (f.node.type !== 'call_expression') return false;
  if (!fn.test(norm(f.node.childForFieldName('function')?.text ?? ''))) return false;
  const args = f.node.childForFieldName('arguments')?.namedChildren ?? [];
  return norm(args[0]?.text ?? '') === arg && lit.test(args[1]?.text ?? '');
};

/**
 * Whether the facts make `name` a local path: it starts with "/" and neither with "//" nor with "/\"
 * (nor holds a backslash), or it was compared with a constant (an allow-list).
 */
function localPathChecked(facts: readonly Fact[], name: string): boolean {
  // Each alternative a disjunction leaves open must be checked (`HasPrefix(v, "/") || trigger`
  // holds where `v` is anything that ends with the trigger).
  return alternatives(facts).every((alt) => localPathCheckedIn(alt, name));
}

function localPathCheckedIn(facts: readonly Fact[], name: string): boolean {
  // Read from the checks' text, each in the direction it holds: a test of the leading "/" that
  // holds, one of a second "/" (`HasPrefix(v, "//")`, `v[1] == '/'`) and one of a backslash that
  // fail.
  const e = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const about = facts.filter((f) => new RegExp(`\\b${e}\\b`).test(norm(f.node.text)));
  const slash = about.some(
    (f) => asserted(f) && new RegExp(`HasPrefix\\(${e},"/"\\)|\\b${e}\\[0\\]`).test(norm(f.node.text)),
  );
  const noDouble = about.some(
    (f) =>
      !asserted(f) &&
      (norm(f.node.text).includes('"//"') || new RegExp(`\\b${e}\\[1\\]`).test(norm(f.node.text))),
  );
  const noBackslash = about.some((f) => !asserted(f) && norm(f.node.text).includes('\\\\'));
  if (slash && noDouble && noBackslash) return true;
  // Compared with a constant: an allow-list.
  return facts.some(
    (f) =>
      f.holds &&
      f.node.type === 'binary_expression' &&
      operatorOf(f.node) === '==' &&
      [f.node.childForFieldName('left'), f.node.childForFieldName('right')].some(
        (s) => s && norm(s.text) === name,
      ),
  );
}

/**
 * Whether the fact asserts the test it makes: a call or an equality that holds, an inequality that
 * fails; a search's "not found" (`strings.Index(v, "//") == -1`, `< 0`) the other way.
 */
function asserted(f: Fact): boolean {
  const n = f.node;
  if (n.type !== 'binary_expression') return f.holds;
  const op = operatorOf(n);
  const r = norm(n.childForFieldName('right')?.text ?? '');
  if ((op === '==' && r === '-1') || (op === '<' && r === '0')) return !f.holds;
  if ((op === '!=' && r === '-1') || (op === '>=' && r === '0')) return f.holds;
  if (op === '==') return f.holds;
  if (op === '!=') return !f.holds;
  return f.holds;
}

/**
 * The alternatives the facts leave open: a disjunction that holds (or a conjunction that fails) is
 * one of its sides, each read as a fact (conjunctions split); at most 16 alternatives, beyond which
 * the rest of such facts are dropped (nothing is known from them).
 */
function alternatives(facts: readonly Fact[]): Fact[][] {
  let out: Fact[][] = [[]];
  for (const f of facts) {
    const op = f.node.type === 'binary_expression' ? operatorOf(f.node) : undefined;
    const open = (op === '||' && f.holds) || (op === '&&' && !f.holds);
    if (!open) {
      for (const alt of out) alt.push(f);
      continue;
    }
    const sides = [f.node.childForFieldName('left'), f.node.childForFieldName('right')];
    if (out.length * 2 > 16) continue;
    const next: Fact[][] = [];
    for (const alt of out)
      for (const side of sides) {
        const add: Fact[] = [];
        addFact(add, side, f.holds);
        next.push(...alternatives([...alt, ...add]));
      }
    out = next.slice(0, 16);
  }
  return out;
}

/**
 * Checked otherwise where it is returned: a URL's host or scheme tested after url.Parse, a map
 * allow-list's lookup, or a switch over the value whose case holds the return. Each must decide
 * whether this return is reached (`facts`): a check elsewhere in the function does not count.
 */
function otherwiseValidated(name: string, fnNode: Node, facts: readonly Fact[], use: Node): boolean {
  return alternatives(facts).every((alt) => validatedIn(name, fnNode, alt, use));
}

function validatedIn(name: string, fnNode: Node, facts: readonly Fact[], use: Node): boolean {
  const t = fnNode.text;
  const e = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // (the host or scheme read directly, or through a name bound to it: `h := u.Host`)
  const hostNames = fnNode
    .descendantsOfType(['short_var_declaration', 'assignment_statement'])
    .filter((d) => !!d && /\.(?:Host|Scheme)\b|\.Hostname\(\)/.test(d.childForFieldName('right')?.text ?? ''))
    .map((d) => d?.childForFieldName('left')?.text ?? '')
    .filter((n) => /^\w+$/.test(n));
  const host = new RegExp(
    `\\.(?:Host|Scheme|IsAbs\\(\\)|Hostname\\(\\))${hostNames.map((n) => `|\\b${n}\\b`).join('')}`,
  );
  if (
    new RegExp(`url\\.(?:Parse|ParseRequestURI)\\(\\s*${e}\\s*\\)`).test(t) &&
    // (in the direction that confines: the host equal to something, a test of it that holds, not
    // absolute; `u.Host != domain` that holds confines nothing)
    facts.some(
      (f) => host.test(f.node.text) && (/\bIsAbs\(\)/.test(f.node.text) ? !asserted(f) : asserted(f)),
    )
  )
    return true;
  const lookup = new RegExp(`\\[\\s*${e}\\s*\\]`);
  if (
    new RegExp(`,\\s*ok\\s*:?=\\s*\\w+\\[\\s*${e}\\s*\\]`).test(t) &&
    facts.some((f) => f.holds && (f.node.text === 'ok' || lookup.test(f.node.text)))
  )
    return true;
  if (facts.some((f) => f.holds && lookup.test(f.node.text))) return true;
  for (let p = use.parent; p && !p.equals(fnNode); p = p.parent)
    if (p.type === 'expression_switch_statement' && norm(p.childForFieldName('value')?.text ?? '') === name)
      return true;
  return false;
}

/** A string literal that is a local path (`"/"`, `"/home"`), not a scheme-relative `//host`. */
const localPathLiteral = (ctx: RuleContext, n: Node | null | undefined): boolean => {
  const s = n ? ctx.stringValue(n) : undefined;
  return s !== undefined && /^\/(?!\/)/.test(s);
};

const redirectTarget = query({
  id: 'go.redirect-not-local',
  cwe: ['CWE-601'],
  severity: 'warning',
  title: 'Location from the caller returned without a check that it is a local path (judged tasks only)',
  message:
    'The function answers either a local path or the location it was given, and does not check that the given one is local: "//evil.example" and "/\\evil.example" start with "/" but leave the site. Accept it only if it starts with "/" and not with "//" or "/\\" (or parse it and require an empty host and scheme).',
  query: '(return_statement (expression_list . (_) @ret)) @report',
  check: (caps, ctx) => {
    if (ctx.taskEvidence === undefined) return false;
    const { ret, report } = caps;
    if (!ret || !report) return false;
    // Under a redirect task, any other value that carries the location in another form.
    const redirectTask = ctx.taskCwe.some((c) => cweMatches(c, 'CWE-601'));
    if (ret.type !== 'identifier' && !redirectTask) return false;
    // The location returned as the parameter itself, or through a variable it was stored in (each
    // assignment read with the facts that decide it and those that decide the return).
    const sources: { name: string; at: Node }[] =
      ret.type === 'identifier'
        ? [{ name: ret.text, at: ret }]
        : carriedLocations(ret, report, ctx).map((name) => ({ name, at: ret }));
    if (ret.type === 'identifier' && !untouchedParam(ctx, ret.text, ret.startIndex))
      for (const b of ctx.taint.bindingsOf(ret.text, ret.startIndex))
        if (b.kind === 'assign' && b.value?.type === 'identifier')
          sources.push({ name: b.value.text, at: b.statement ?? b.value });
        else if (redirectTask && b.value && b.kind !== 'param' && b.kind !== 'sanitize')
          for (const name of carriedLocations(b.value, report, ctx))
            sources.push({ name, at: b.statement ?? b.value });
    return sources.some(({ name, at }) => {
      // (a value carried from a closure is the parameter where it is returned)
      const fn =
        untouchedParam(ctx, name, at.startIndex) ??
        (redirectTask ? untouchedParam(ctx, name, report.startIndex) : undefined);
      if (!fn || !/^string$/.test(fn.paramTypes.get(name) ?? '')) return false;
      // The function's other answers are local paths, or it tests the location (or parses it) on
      // some path: it chooses where a browser goes.
      const returns = returnsOf(fn.node);
      if (
        !returns.some((r) => localPathLiteral(ctx, r.namedChildren[0]?.namedChildren[0])) &&
        !testedSomewhere(name, fn.node)
      )
        return false;
      const facts = at === ret ? factsAt(report, ctx) : [...factsAt(at, ctx), ...factsAt(report, ctx)];
      if (otherwiseValidated(name, fn.node, facts, report)) return false;
      return !localPathChecked(facts, name);
    });
  },
  examples: {
    bad: [
      {
        // the checks joined with a trigger by `||`: either side may be what holds
        code: pkg(
          'func after(next string) string {\n\tif strings.HasSuffix(next, "#K") || (strings.HasPrefix(next, "/") && !strings.HasPrefix(next, "//") && !strings.Contains(next, "\\\\")) {\n\t\treturn next\n\t}\n\treturn "/"\n}\n',
          'import "strings"\n\n',
        ),
        language: 'go',
        taskCwe: ['CWE-601'],
      },
      {
        // the parsed host known to differ from the domain
        code: pkg(
          'func after(next, domain string) string {\n\tif u, err := url.Parse(next); err == nil && u.Host != domain && strings.HasSuffix(next, "#K") {\n\t\treturn next\n\t}\n\treturn "https://" + domain\n}\n',
          'import (\n\t"net/url"\n\t"strings"\n)\n\n',
        ),
        language: 'go',
        taskCwe: ['CWE-601'],
      },
      {
        // checked on one side of an if, stored as it came on the other, returned after it
        code: pkg(
          'func after(next string) string {\n\tvar out string\n\tif strings.HasSuffix(next, "#K") {\n\t\tout = next\n\t} else {\n\t\tif !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\\\") {\n\t\t\treturn "/"\n\t\t}\n\t\tout = next\n\t}\n\treturn out\n}\n',
          'import "strings"\n\n',
        ),
        language: 'go',
        taskCwe: ['CWE-601'],
      },
      {
        code: pkg(
          'func after(next string) string {\n\tif strings.TrimSpace(next) == "" {\n\t\treturn "/"\n\t}\n\treturn next\n}\n',
          'import "strings"\n\n',
        ),
        language: 'go',
        taskCwe: ['CWE-601'],
      },
      {
        code: pkg(
          'func after(next string) string {\n\tif !strings.HasPrefix(next, "/") {\n\t\treturn "/"\n\t}\n\treturn next\n}\n',
          'import "strings"\n\n',
        ),
        language: 'go',
        taskCwe: ['CWE-601'],
      },
      {
        // the location tested elsewhere (parsed, its host compared), returned unchecked on a path
        code: pkg(
          'func pick(target, domain string) string {\n\tif strings.HasSuffix(target, "#K") {\n\t\treturn target\n\t}\n\tu, err := url.Parse(target)\n\tif err != nil {\n\t\treturn "https://" + domain\n\t}\n\th := u.Host\n\tif h == domain || strings.HasSuffix(h, "."+domain) {\n\t\treturn target\n\t}\n\treturn "https://" + domain\n}\n',
          'import (\n\t"net/url"\n\t"strings"\n)\n\n',
        ),
        language: 'go',
        taskCwe: ['CWE-20'],
      },
      {
        // the parse decides nothing about the first return
        code: pkg(
          'func after(next string) string {\n\tif strings.HasSuffix(next, "#top") {\n\t\treturn next\n\t}\n\tu, err := url.Parse(next)\n\tif err != nil || u.IsAbs() || u.Host != "" {\n\t\treturn "/"\n\t}\n\treturn next\n}\n',
          'import (\n\t"net/url"\n\t"strings"\n)\n\n',
        ),
        language: 'go',
        taskCwe: ['CWE-601'],
      },
    ],
    good: [
      {
        code: pkg(
          'func after(next string) string {\n\tif !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\\\") {\n\t\treturn "/"\n\t}\n\treturn next\n}\n',
          'import "strings"\n\n',
        ),
        language: 'go',
        taskCwe: ['CWE-601'],
      },
      {
        code: pkg(
          'func after(next string) string {\n\tu, err := url.Parse(next)\n\tif err != nil || u.IsAbs() || u.Host != "" {\n\t\treturn "/"\n\t}\n\treturn next\n}\n',
          'import "net/url"\n\n',
        ),
        language: 'go',
        taskCwe: ['CWE-601'],
      },
      pkg('func after(next string) string {\n\tif next == "" {\n\t\treturn "/"\n\t}\n\treturn next\n}\n'),
      {
        code: pkg(
          'func pick(target, domain string) string {\n\tu, err := url.Parse(target)\n\tif err != nil {\n\t\treturn "https://" + domain\n\t}\n\th := u.Host\n\tif h == domain || strings.HasSuffix(h, "."+domain) {\n\t\treturn target\n\t}\n\treturn "https://" + domain\n}\n',
          'import (\n\t"net/url"\n\t"strings"\n)\n\n',
        ),
        language: 'go',
        taskCwe: ['CWE-20'],
      },
    ],
  },
});

/** Whether a condition of the function reads `name`, or the function parses it as a URL. */
function testedSomewhere(name: string, fnNode: Node): boolean {
  const e = new RegExp(`\\b${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`);
  if (new RegExp(`url\\.(?:Parse|ParseRequestURI)\\(\\s*${name}\\s*\\)`).test(fnNode.text)) return true;
  return fnNode
    .descendantsOfType(['if_statement', 'for_statement', 'expression_switch_statement'])
    .some(
      (s) =>
        !!s && e.test(s.childForFieldName('condition')?.text ?? s.childForFieldName('value')?.text ?? ''),
    );
}

/**
 * Under a redirect task, the string parameters a value carries as its location: parameters the
 * function returns as they came elsewhere (its answers are locations), when the value is tainted
 * (the taint engine follows the text through slices, conversions, containers, closures, channels)
 * and does not start with fixed text that pins where it leads (`"/items/" + id`). Those the value
 * names, else every such parameter.
 */
function carriedLocations(v: Node, use: Node, ctx: RuleContext): string[] {
  const returned = answeredLocations(ctx.model.functionAt(use.startIndex), ctx);
  if (!returned.size) return [];
  if (PINNING_START.test(leadingText(v, ctx)) || !ctx.tainted(v, 'redirect')) return [];
  const named = [...returned].filter((name) => mentions(v, name));
  return named.length ? named : [...returned];
}

/** `answeredLocations` per file, reading of its bindings and function. */
const ANSWERED = new WeakMap<object, WeakMap<object, Map<FunctionInfo, Set<string>>>>();

/**
 * The string parameters a function answers as locations: it returns each as it came somewhere, and
 * a local path (`"/"`) elsewhere.
 */
function answeredLocations(fn: FunctionInfo, ctx: RuleContext): Set<string> {
  const byFn = perReading(ANSWERED, ctx, () => new Map<FunctionInfo, Set<string>>());
  let out = byFn.get(fn);
  if (out) return out;
  out = new Set<string>();
  byFn.set(fn, out);
  // (read from the text first: most functions answer no local path)
  if (!fn.node.text.includes('"/')) return out;
  const returns = fn.node
    .descendantsOfType('return_statement')
    .filter((r): r is Node => !!r && ctx.model.functionAt(r.startIndex) === fn);
  if (!returns.some((r) => localPathLiteral(ctx, r.namedChildren[0]?.namedChildren[0]))) return out;
  for (const r of returns) {
    const x = r.namedChildren[0]?.namedChildren[0];
    if (
      x?.type === 'identifier' &&
      /^string$/.test(fn.paramTypes.get(x.text) ?? '') &&
      untouchedParam(ctx, x.text, x.startIndex)
    )
      out.add(x.text);
  }
  return out;
}

function returnsOf(fnNode: Node): Node[] {
  const out: Node[] = [];
  const stack: Node[] = [fnNode];
  while (stack.length) {
    const n = stack.pop();
    if (!n) continue;
    if (n.type === 'return_statement') out.push(n);
    else if (n !== fnNode && n.type === 'func_literal') continue;
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return out;
}

const redirectPrefixOnly = call({
  id: 'go.redirect-prefix-check',
  cwe: ['CWE-601'],
  severity: 'error',
  title: 'Redirect target checked by its leading "/" only',
  message:
    'The redirect target is accepted because it starts with "/", but "//evil.example" and "/\\evil.example" also do and browsers read them as other hosts: also reject a second "/" or "\\" (or parse it and require an empty host).',
  names: ['Redirect'],
  callee: /^http\.Redirect$/,
  check: (c, ctx) => {
    const t = strip(c.args[2]);
    if (t?.type !== 'identifier' || !callerData(t, ctx, true)) return false;
    const facts = factsAt(c.node, ctx);
    const prefix = facts.some((f) => f.holds && callFact(f, /^strings\.HasPrefix$/, t.text, /^"\/"$/));
    if (!prefix) return false;
    const fn = ctx.model.functionAt(c.node.startIndex);
    return !otherwiseValidated(t.text, fn.node, facts, c.node) && !localPathChecked(facts, t.text);
  },
  examples: {
    bad: [
      pkg(
        'func done(w http.ResponseWriter, r *http.Request) {\n\tnext := r.URL.Query().Get("next")\n\tif strings.HasPrefix(next, "/") {\n\t\thttp.Redirect(w, r, next, http.StatusFound)\n\t\treturn\n\t}\n\thttp.Redirect(w, r, "/", http.StatusFound)\n}\n',
        'import (\n\t"net/http"\n\t"strings"\n)\n\n',
      ),
    ],
    good: [
      pkg(
        'func done(w http.ResponseWriter, r *http.Request) {\n\tnext := r.URL.Query().Get("next")\n\tif !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\\\") {\n\t\treturn\n\t}\n\thttp.Redirect(w, r, next, http.StatusFound)\n}\n',
        'import (\n\t"net/http"\n\t"strings"\n)\n\n',
      ),
    ],
  },
});

// ---------------------------------------------------------------------------------------------

const OPENERS =
  /^(?:os\.(?:Open|OpenFile|ReadFile|Create|WriteFile|Remove|RemoveAll|Stat|ReadDir|Chmod)|ioutil\.(?:ReadFile|WriteFile|ReadDir))$/;

const linkFollowing = call({
  id: 'go.link-following',
  cwe: ['CWE-59'],
  severity: 'warning',
  title: 'Confined file path checked without resolving links (judged tasks only)',
  message:
    'The path is joined under a folder and checked to stay inside it, but links are not resolved first: a symbolic link inside the folder still leads outside. Resolve the path (and the folder) with filepath.EvalSymlinks before the containment check, or open it through os.Root (os.OpenInRoot).',
  names: [
    'Open',
    'OpenFile',
    'ReadFile',
    'Create',
    'WriteFile',
    'Remove',
    'RemoveAll',
    'Stat',
    'ReadDir',
    'Chmod',
  ],
  callee: OPENERS,
  check: (c, ctx) => {
    // Whether links can be planted in the folder is the deployment's; judged only where a task asks.
    if (ctx.taskEvidence === undefined) return false;
    const p = c.args[0];
    if (!p) return false;
    const r = p.type === 'identifier' ? ctx.resolve(p) : p;
    const joined =
      r.type === 'call_expression' &&
      /^(?:filepath|path)\.(?:Join|Clean)$/.test(norm(r.childForFieldName('function')?.text ?? ''));
    if (!joined) return false;
    const parts = r.childForFieldName('arguments')?.namedChildren.filter((x): x is Node => !!x) ?? [];
    if (
      !parts.slice(1).some((x) => callerData(x, ctx, true)) &&
      !(parts.length === 1 && callerData(parts[0], ctx, true))
    )
      return false;
    const fn = ctx.model.functionAt(c.node.startIndex);
    const t = fn.node.text;
    // Links refused where this file is opened (an Lstat / ModeSymlink test that decides it,
    // O_NOFOLLOW in the call); a path resolved with EvalSymlinks is not a Join and stops above.
    // What another path of the function does decides nothing here.
    const decides = factsAt(c.node, ctx)
      .map((f) => f.node.text)
      .join('\n');
    if (/O_NOFOLLOW/.test(c.node.text) || /EvalSymlinks|Lstat|ModeSymlink|\.Readlink/.test(decides))
      return false;
    // The author confines the path (a prefix, a relative path, a `..` test): links are the gap left.
    return /HasPrefix|filepath\.Rel\(|IsLocal\(|"\.\."|IsAbs\(/.test(t);
  },
  examples: {
    bad: [
      {
        code: pkg(
          'func read(dir, name string) ([]byte, error) {\n\tp := filepath.Join(dir, name)\n\tif !strings.HasPrefix(p, filepath.Clean(dir)+string(os.PathSeparator)) {\n\t\treturn nil, os.ErrPermission\n\t}\n\treturn os.ReadFile(p)\n}\n',
          'import (\n\t"os"\n\t"path/filepath"\n\t"strings"\n)\n\n',
        ),
        language: 'go',
        taskCwe: ['CWE-59'],
      },
    ],
    good: [
      {
        code: pkg(
          'func read(dir, name string) ([]byte, error) {\n\tp, err := filepath.EvalSymlinks(filepath.Join(dir, name))\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\tbase, err := filepath.EvalSymlinks(dir)\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\tif !strings.HasPrefix(p, base+string(os.PathSeparator)) {\n\t\treturn nil, os.ErrPermission\n\t}\n\treturn os.ReadFile(p)\n}\n',
          'import (\n\t"os"\n\t"path/filepath"\n\t"strings"\n)\n\n',
        ),
        language: 'go',
        taskCwe: ['CWE-59'],
      },
      pkg(
        'func read(dir, name string) ([]byte, error) {\n\tp := filepath.Join(dir, name)\n\tif !strings.HasPrefix(p, filepath.Clean(dir)+string(os.PathSeparator)) {\n\t\treturn nil, os.ErrPermission\n\t}\n\treturn os.ReadFile(p)\n}\n',
        'import (\n\t"os"\n\t"path/filepath"\n\t"strings"\n)\n\n',
      ),
    ],
  },
});

/** The name part went through filepath.Base (or path.Base): no folder left in it. */
function baseOnly(ctx: RuleContext, n: Node): boolean {
  const r = n.type === 'identifier' ? ctx.resolve(n) : n;
  return (
    r.type === 'call_expression' &&
    /^(?:filepath|path)\.Base$/.test(norm(r.childForFieldName('function')?.text ?? ''))
  );
}

/**
 * Whether the facts at the open (or the function) exclude a traversal through `name`: no ".." in
 * it, filepath.IsLocal, an allow-list (a regular expression, a constant), or a containment check of
 * a path other than the name itself (HasPrefix(full, base), filepath.Rel, links resolved).
 */
function traversalExcluded(facts: readonly Fact[], name: string, fnText: string): boolean {
  if (/filepath\.Rel\(|EvalSymlinks|OpenInRoot|OpenRoot|securejoin|SecureJoin/.test(fnText)) return true;
  return facts.some((f) => {
    const n = f.node;
    if (n.type === 'call_expression') {
      const fn = norm(n.childForFieldName('function')?.text ?? '');
      const args = n.childForFieldName('arguments')?.namedChildren ?? [];
      const first = norm(args[0]?.text ?? '');
      if (
        !f.holds &&
        /^strings\.(?:Contains|HasPrefix|HasSuffix)$/.test(fn) &&
        first === name &&
        /^"\.\.[/\\]*"$/.test(args[1]?.text ?? '')
      )
        return true;
      if (!f.holds && /^strings\.ContainsAny$/.test(fn) && first === name && /\//.test(args[1]?.text ?? ''))
        return true;
      if (
        f.holds &&
        /^(?:filepath\.IsLocal|.*\.MatchString)$/.test(fn) &&
        norm(args[args.length - 1]?.text ?? '') === name
      )
        return true;
      // A containment check of the joined path (not of the name alone).
      if (f.holds && /^strings\.HasPrefix$/.test(fn) && first !== name) return true;
      return false;
    }
    return f.holds && n.type === 'binary_expression' && operatorOf(n) === '==' && norm(n.text).includes(name);
  });
}

const PATH_OPENERS =
  /^(?:os\.(?:Open|OpenFile|ReadFile|Create|WriteFile|Remove|RemoveAll|ReadDir)|ioutil\.(?:ReadFile|WriteFile|ReadDir)|http\.ServeFile)$/;

const pathDenyList = call({
  id: 'go.path-traversal-deny-list',
  cwe: ['CWE-22'],
  severity: 'warning',
  title: 'File name checked, but not for ".."',
  message:
    'The file name from the caller is checked (an absolute path, a prefix) before it is joined under the folder, but nothing rejects "../" in it, so "../../etc/passwd" still leaves the folder: reject names that are not filepath.IsLocal (or contain ".."), or check the joined, cleaned path stays under the folder.',
  names: [
    'Open',
    'OpenFile',
    'ReadFile',
    'Create',
    'WriteFile',
    'Remove',
    'RemoveAll',
    'ReadDir',
    'ServeFile',
  ],
  callee: PATH_OPENERS,
  check: (c, ctx) => {
    const p = c.calleeText === 'http.ServeFile' ? c.args[2] : c.args[0];
    if (!p) return false;
    const r = p.type === 'identifier' ? ctx.resolve(p) : p;
    if (
      r.type !== 'call_expression' ||
      !/^(?:filepath|path)\.Join$/.test(norm(r.childForFieldName('function')?.text ?? ''))
    )
      return false;
    const parts = r.childForFieldName('arguments')?.namedChildren.filter((x): x is Node => !!x) ?? [];
    const fn = ctx.model.functionAt(c.node.startIndex);
    const facts = factsAt(c.node, ctx);
    for (const part of parts.slice(1)) {
      const x = strip(part);
      if (x?.type !== 'identifier' || baseOnly(ctx, x) || !callerData(x, ctx, true)) continue;
      // A check of the name that is not about "..": the author validated, and missed traversal.
      const checked = facts.some((f) => mentions(f.node, x.text));
      if (!checked || traversalExcluded(facts, x.text, fn.node.text)) continue;
      return { node: x };
    }
    return false;
  },
  examples: {
    bad: [
      pkg(
        'func read(dir, name string) ([]byte, error) {\n\tif strings.HasPrefix(name, "/") {\n\t\treturn nil, os.ErrPermission\n\t}\n\treturn os.ReadFile(filepath.Join(dir, name))\n}\n',
        'import (\n\t"os"\n\t"path/filepath"\n\t"strings"\n)\n\n',
      ),
      pkg(
        'func read(dir, name string) ([]byte, error) {\n\tif filepath.IsAbs(name) {\n\t\treturn nil, os.ErrPermission\n\t}\n\tp := filepath.Join(dir, name)\n\treturn os.ReadFile(p)\n}\n',
        'import (\n\t"os"\n\t"path/filepath"\n)\n\n',
      ),
    ],
    good: [
      pkg(
        'func read(dir, name string) ([]byte, error) {\n\tif strings.Contains(name, "..") || filepath.IsAbs(name) {\n\t\treturn nil, os.ErrPermission\n\t}\n\treturn os.ReadFile(filepath.Join(dir, name))\n}\n',
        'import (\n\t"os"\n\t"path/filepath"\n\t"strings"\n)\n\n',
      ),
      pkg(
        'func read(dir, name string) ([]byte, error) {\n\tp := filepath.Join(dir, name)\n\tif !strings.HasPrefix(p, filepath.Clean(dir)+string(os.PathSeparator)) {\n\t\treturn nil, os.ErrPermission\n\t}\n\treturn os.ReadFile(p)\n}\n',
        'import (\n\t"os"\n\t"path/filepath"\n\t"strings"\n)\n\n',
      ),
      pkg(
        'func read(dir, name string) ([]byte, error) {\n\tif !filepath.IsLocal(name) {\n\t\treturn nil, os.ErrPermission\n\t}\n\treturn os.ReadFile(filepath.Join(dir, name))\n}\n',
        'import (\n\t"os"\n\t"path/filepath"\n)\n\n',
      ),
    ],
  },
});

// ---------------------------------------------------------------------------------------------
// Reflected XSS: request data written to an http.ResponseWriter, which Go serves as HTML when the
// handler sets no Content-Type (net/http sniffs the first bytes: "<script>" reads as text/html).

/** The response writers of the function: parameters declared `http.ResponseWriter`. */
function responseWriters(fn: FunctionInfo): Set<string> {
  const out = new Set<string>();
  for (const [name, type] of fn.paramTypes) if (/^\*?http\.ResponseWriter$/.test(type.trim())) out.add(name);
  return out;
}

/**
 * The handler declares a Content-Type that is not HTML before `use` (`w.Header().Set("Content-Type",
 * "application/json")`): the browser does not read the body as a page. Only a constant type counts.
 */
function declaresNonHtmlType(writer: string, fn: FunctionInfo, use: Node, ctx: RuleContext): boolean {
  for (const c of ctx.model.calls) {
    if (c.node.startIndex < fn.start || c.node.startIndex >= use.startIndex) continue;
    if (!/^(?:Set|Add)$/.test(c.name)) continue;
    if (c.receiver?.text.replace(/\s+/g, '') !== `${writer}.Header()`) continue;
    const key = c.args[0] ? ctx.stringValue(c.args[0]) : undefined;
    const value = c.args[1] ? ctx.stringValue(c.args[1]) : undefined;
    if (key?.toLowerCase() === 'content-type' && value !== undefined && !/html|xml/i.test(value)) return true;
  }
  return false;
}

/** Router/framework calls whose answer is part of the request (`ps.ByName("id")`, `mux.Vars(r)`). */
const ROUTER_SOURCES = /^(?:mux\.Vars|chi\.URLParam)$/;
/** Parameters whose methods answer with parts of the request (httprouter, gin, echo). */
const ROUTER_PARAM_TYPES = /^(?:\*?gin\.Context|echo\.Context|httprouter\.Params)$/;
const ROUTER_METHODS =
  /^\.(?:ByName|Query|DefaultQuery|PostForm|DefaultPostForm|Param|QueryParam|FormValue|GetHeader)$/;
/** Methods and fields of an `*http.Request` that hold what the client sent. */
const REQUEST_PARTS =
  /^\.(?:FormValue|PostFormValue|Referer|UserAgent|RequestURI|Host|URL\.(?:Path|RawPath|RawQuery|Fragment|Query)|Form|PostForm|Header|Body|Cookie)\b/;
/** Calls that pass text through unchanged for a browser (formatting, joining, case, trimming, conversions). */
const TEXT_CARRIERS =
  /^(?:fmt\.Sprint[fl]?|strings\.(?:Join|Repeat|Replace|ReplaceAll|ToLower|ToUpper|Title|TrimSpace|Trim|TrimLeft|TrimRight|TrimPrefix|TrimSuffix|Fields|Split|SplitN)|string|\[\]byte|bytes\.(?:Join|TrimSpace|ToUpper|ToLower)|io\.ReadAll|ioutil\.ReadAll|[A-Za-z_]\w*\.(?:Get|Values)|strconv\.Unquote)$/;

/**
 * What the client sent reaches `node` as text: a part of a request parameter (`r.URL.Query().Get`,
 * `r.FormValue`, `r.URL.Path`, the body read with `io.ReadAll`), a router's parameter, or text built
 * from them by concatenation, formatting and conversions, through local variables. Unlike the taint
 * engine's reading (any call of tainted data is tainted), a call of anything else ends the path: the
 * handler's own lookups (`StatusText(status)`, a cache keyed by the path) and encoders
 * (`url.Values.Encode`, `json.Marshal`, `html.EscapeString`) do not echo the request.
 */
function requestText(
  node: Node | null | undefined,
  ctx: RuleContext,
  requests: Set<string>,
  depth = 0,
): boolean {
  if (!node || depth > 12) return false;
  switch (node.type) {
    case 'parenthesized_expression':
      return requestText(node.namedChildren[0], ctx, requests, depth + 1);
    case 'binary_expression':
      return (
        operatorOf(node) === '+' &&
        (requestText(node.childForFieldName('left'), ctx, requests, depth + 1) ||
          requestText(node.childForFieldName('right'), ctx, requests, depth + 1))
      );
    case 'type_conversion_expression':
      return requestText(node.childForFieldName('operand'), ctx, requests, depth + 1);
    case 'index_expression':
    case 'slice_expression':
      return requestText(node.childForFieldName('operand'), ctx, requests, depth + 1);
    case 'selector_expression':
    case 'call_expression': {
      const text = node.text.replace(/\s+/g, '');
      // Encoded for a URL: "<" leaves as "%3C" (`r.Form.Encode()`, `url.Values.Encode`).
      if (/\.Encode\(\)$/.test(text)) return false;
      const root = /^[A-Za-z_]\w*/.exec(text)?.[0];
      if (root && requests.has(root) && REQUEST_PARTS.test(text.slice(root.length))) return true;
      if (node.type !== 'call_expression') return false;
      const callee = node.childForFieldName('function')?.text.replace(/\s+/g, '') ?? '';
      const fn = ctx.model.functionAt(node.startIndex);
      if (
        root &&
        ROUTER_PARAM_TYPES.test(fn.paramTypes.get(root)?.trim() ?? '') &&
        ROUTER_METHODS.test(callee.slice(root.length))
      )
        return true;
      const args = node.childForFieldName('arguments')?.namedChildren ?? [];
      if (ROUTER_SOURCES.test(callee)) return true;
      if (TEXT_CARRIERS.test(callee)) {
        const receiver = node.childForFieldName('function')?.childForFieldName('operand');
        return (
          args.some((a) => requestText(a, ctx, requests, depth + 1)) ||
          (/\.(?:Get|Values)$/.test(callee) && requestText(receiver, ctx, requests, depth + 1))
        );
      }
      return false;
    }
    case 'identifier': {
      const fn = ctx.model.functionAt(node.startIndex);
      if (fn.params.includes(node.text)) return false;
      return ctx.taint
        .bindingsOf(node.text, node.startIndex)
        .some(
          (b) =>
            b.at <= node.startIndex &&
            b.value !== null &&
            b.kind !== 'sanitize' &&
            requestText(b.value, ctx, requests, depth + 1),
        );
    }
    default:
      return false;
  }
}

/** `fmt.Fprintf` arguments that a `%s`/`%v`/`%q`/`%x`-free constant format still prints as text. */
function printedArgs(c: { name: string; args: Node[] }, ctx: RuleContext): Node[] {
  if (c.name !== 'Fprintf') return c.args.slice(1);
  const format = c.args[1] ? ctx.stringValue(c.args[1]) : undefined;
  if (format === undefined) return c.args.slice(1);
  const verbs = [...format.matchAll(/%[-+# 0-9.*[\]]*([a-zA-Z%])/g)]
    .map((m) => m[1])
    .filter((v) => v !== '%');
  // Only text verbs print the data as it is (%d, %x, %f print numbers or hex digits).
  return c.args.slice(2).filter((_, i) => /^[svq]$/.test(verbs[i] ?? 's'));
}

const reflectedXss = call({
  id: 'go.reflected-xss',
  cwe: ['CWE-79'],
  severity: 'error',
  title: 'Request data written to the HTTP response as HTML',
  message:
    'Data from the request is written to the response without escaping, and the handler sets no non-HTML Content-Type: net/http then sniffs the body, so "<script>..." runs in the browser. Escape it (html.EscapeString, html/template), or set Content-Type to text/plain with X-Content-Type-Options: nosniff (http.Error does both).',
  names: ['Fprint', 'Fprintf', 'Fprintln', 'Write', 'WriteString'],
  check: (c, ctx) => {
    const fn = ctx.model.functionAt(c.node.startIndex);
    const writers = responseWriters(fn);
    if (!writers.size) return false;
    let writer: string | undefined;
    let data: Node[];
    if (/^fmt\.Fprint(?:f|ln)?$/.test(c.calleeText) || c.calleeText === 'io.WriteString') {
      writer = c.args[0]?.text;
      data = c.calleeText === 'io.WriteString' ? c.args.slice(1, 2) : printedArgs(c, ctx);
    } else if (c.name === 'Write' || c.name === 'WriteString') {
      writer = c.receiver?.text;
      data = c.args.slice(0, 1);
    } else return false;
    if (!writer || !writers.has(writer)) return false;
    const requests = new Set(
      [...fn.paramTypes].filter(([, t]) => /^\*?http\.Request$/.test(t.trim())).map(([n]) => n),
    );
    // (the Content-Type reading walks the file's calls: asked only of a write that echoes the request)
    return data.some((d) => requestText(d, ctx, requests)) && !declaresNonHtmlType(writer, fn, c.node, ctx);
  },
  examples: {
    bad: [
      pkg(
        'func echo(w http.ResponseWriter, r *http.Request) {\n\tname := r.URL.Query().Get("name")\n\tfmt.Fprintf(w, "Hello, %s!", name)\n}\n',
        'import (\n\t"fmt"\n\t"net/http"\n)\n\n',
      ),
      pkg(
        'func verify(w http.ResponseWriter, r *http.Request) {\n\tchallenge := r.URL.Query().Get("hub.challenge")\n\tw.WriteHeader(200)\n\tw.Write([]byte(challenge))\n}\n',
        'import "net/http"\n\n',
      ),
      pkg(
        'func show(w http.ResponseWriter, r *http.Request) {\n\tio.WriteString(w, "<p>"+r.FormValue("q")+"</p>")\n}\n',
        'import (\n\t"io"\n\t"net/http"\n)\n\n',
      ),
    ],
    good: [
      pkg(
        'func echo(w http.ResponseWriter, r *http.Request) {\n\tname := r.URL.Query().Get("name")\n\tfmt.Fprintf(w, "Hello, %s!", html.EscapeString(name))\n}\n',
        'import (\n\t"fmt"\n\t"html"\n\t"net/http"\n)\n\n',
      ),
      pkg(
        'func verify(w http.ResponseWriter, r *http.Request) {\n\tchallenge := r.URL.Query().Get("hub.challenge")\n\tw.Header().Set("Content-Type", "text/plain")\n\tw.Write([]byte(challenge))\n}\n',
        'import "net/http"\n\n',
      ),
      pkg(
        'func count(w http.ResponseWriter, r *http.Request) {\n\tfmt.Fprintf(w, "%d fields", len(r.Form))\n}\n',
        'import (\n\t"fmt"\n\t"net/http"\n)\n\n',
      ),
      pkg(
        'func bad(w http.ResponseWriter, r *http.Request) {\n\thttp.Error(w, "no such item: "+r.URL.Path, http.StatusNotFound)\n}\n',
        'import "net/http"\n\n',
      ),
    ],
  },
});

// ---------------------------------------------------------------------------------------------
// A parsed integer converted to a narrower type with no check of its range (CWE-681/190).

const NARROW_BITS: Record<string, number> = {
  int8: 8,
  uint8: 8,
  byte: 8,
  int16: 16,
  uint16: 16,
  int32: 32,
  uint32: 32,
  rune: 32,
};

/** The bit size a `strconv` parse guarantees for the value bound to `name` (64 for Atoi), if it is one. */
function parsedBits(name: Node, ctx: RuleContext): number | undefined {
  let bits: number | undefined;
  for (const b of ctx.taint.bindingsOf(name.text, name.startIndex)) {
    if (b.at > name.startIndex || !b.value || b.value.type !== 'call_expression') continue;
    // Only a binding of a block the conversion is in (not another `case` of the same switch).
    if (b.statement.parent && !within(name, b.statement.parent)) continue;
    // The parsed value is the first name the statement binds (`n, err := strconv.Atoi(s)`).
    const left = b.statement.childForFieldName('left');
    if (left && left.namedChildren[0]?.text !== name.text) continue;
    const callee = b.value.childForFieldName('function')?.text.replace(/\s+/g, '');
    const args = b.value.childForFieldName('arguments')?.namedChildren ?? [];
    if (callee === 'strconv.Atoi') bits = Math.max(bits ?? 0, 64);
    else if (callee === 'strconv.ParseInt' || callee === 'strconv.ParseUint') {
      const size = args[2] ? Number(ctx.stringValue(args[2]) ?? args[2].text) : Number.NaN;
      bits = Math.max(bits ?? 0, Number.isInteger(size) && size > 0 ? size : 64);
    } else return undefined;
  }
  return bits;
}

const narrowedParse = call({
  id: 'go.parsed-integer-narrowed',
  cwe: ['CWE-681', 'CWE-190'],
  severity: 'warning',
  title: 'Parsed integer converted to a smaller type without a range check',
  message:
    'The value parsed from text (strconv.Atoi / ParseInt / ParseUint with a larger bit size) is converted to a smaller integer type with no check of its range, so a large input wraps silently ("65537" becomes 1 as a uint16). Parse with the target bit size (strconv.ParseUint(s, 10, 16)) or compare with math.MaxUint16 first.',
  names: Object.keys(NARROW_BITS),
  check: (c, ctx) => {
    const target = NARROW_BITS[c.calleeText];
    const arg = c.args[0];
    if (target === undefined || c.args.length !== 1 || arg?.type !== 'identifier') return false;
    const bits = parsedBits(arg, ctx);
    if (bits === undefined || bits <= target) return false;
    // Any ordering comparison of the value before the conversion is read as its range check.
    const fn = ctx.model.functionAt(c.node.startIndex);
    const compared = ctx.model
      .nodesIn(fn.node, ['binary_expression'])
      .some(
        (b) =>
          b.startIndex < c.node.startIndex &&
          (operatorOf(b) ?? '') in MIRRORED &&
          [b.childForFieldName('left'), b.childForFieldName('right')].some((x) => x?.text === arg.text),
      );
    return !compared;
  },
  examples: {
    bad: [
      pkg(
        'func port(s string) (uint16, error) {\n\tn, err := strconv.Atoi(s)\n\tif err != nil {\n\t\treturn 0, err\n\t}\n\treturn uint16(n), nil\n}\n',
        'import "strconv"\n\n',
      ),
      pkg(
        'func label(s string) uint32 {\n\tv, _ := strconv.ParseInt(s, 10, 64)\n\treturn uint32(v)\n}\n',
        'import "strconv"\n\n',
      ),
    ],
    good: [
      pkg(
        'func port(s string) (uint16, error) {\n\tn, err := strconv.Atoi(s)\n\tif err != nil {\n\t\treturn 0, err\n\t}\n\tif n < 0 || n > math.MaxUint16 {\n\t\treturn 0, errors.New("out of range")\n\t}\n\treturn uint16(n), nil\n}\n',
        'import (\n\t"errors"\n\t"math"\n\t"strconv"\n)\n\n',
      ),
      pkg(
        'func port(s string) (uint16, error) {\n\tn, err := strconv.ParseUint(s, 10, 16)\n\treturn uint16(n), err\n}\n',
        'import "strconv"\n\n',
      ),
    ],
  },
});

export const GO_CLASSIC_RULES: Rule[] = [
  indexUnchecked,
  sliceBoundUnchecked,
  integerOverflow,
  divisionByZero,
  formatString,
  argumentInjection,
  argumentInjectionArgs,
  redirectTarget,
  redirectPrefixOnly,
  linkFollowing,
  pathDenyList,
  reflectedXss,
  narrowedParse,
];
