// Which conditions are known where a statement runs: the reader of dominating checks the rules
// share, so that a check counts where it decides whether the use is reached, and not because it
// comes earlier in the text (`if x.endswith(K): return x` followed by the real check returns `x`
// unchecked).
import type { Node } from 'web-tree-sitter';
import type { Language } from '../../spec/language.ts';
import { readCall } from './model.ts';
import type { LanguageProfile } from './profiles.ts';

/** A condition and its value wherever the use runs. */
export interface Guard {
  node: Node;
  holds: boolean;
  /**
   * For a condition an earlier loop refused by leaving: the collection the loop walked, and the
   * name of its element, which is what the condition speaks of (false of every element of `over`).
   */
  over?: { collection: Node; element: string };
}

const BLOCK_TYPES = new Set(['block', 'statement_block', 'compound_statement', 'statement_list']);
/**
 * The element name and the collection of a loop over a collection (`for x in xs`, `for (const x of
 * xs)`, `for _, x := range xs`, `for (auto &x : xs)`); undefined for other loops.
 */
export function loopOver(loop: Node): { collection: Node; element: string } | undefined {
  let left: Node | null | undefined;
  let right: Node | null | undefined;
  if (loop.type === 'for_statement' || loop.type === 'for_in_statement') {
    const range = loop.namedChildren.find((c) => c?.type === 'range_clause');
    const at = range ?? loop;
    left = at.childForFieldName('left');
    right = at.childForFieldName('right');
    // Go's `for i, x := range xs`: the element is the last name.
    if (left?.type === 'expression_list') left = left.namedChildren[left.namedChildren.length - 1];
  } else if (loop.type === 'for_range_loop') {
    left = loop.childForFieldName('declarator');
    right = loop.childForFieldName('right');
    while (left && left.type !== 'identifier' && left.namedChildren.length)
      left = left.namedChildren[left.namedChildren.length - 1];
  }
  if (!left || !right || left.type !== 'identifier') return undefined;
  return { collection: right, element: left.text };
}

const mentionsName = (n: Node, name: string): boolean =>
  n.type === 'identifier' ? n.text === name : n.descendantsOfType('identifier').some((x) => x?.text === name);

const LEAVING = new WeakMap<LanguageProfile, ReadonlySet<string>>();

/** The profile's exits that leave the function (a `break` or `continue` leaves only the loop). */
export function leavingExits(profile: LanguageProfile): ReadonlySet<string> {
  let set = LEAVING.get(profile);
  if (!set) {
    set = new Set(
      [...profile.exitStatementTypes].filter((t) => t !== 'break_statement' && t !== 'continue_statement'),
    );
    LEAVING.set(profile, set);
  }
  return set;
}

/** Whether `n` lies inside `outer`. */
export const within = (n: Node, outer: Node | null | undefined): boolean =>
  !!outer && outer.startIndex <= n.startIndex && n.endIndex <= outer.endIndex;

/** The condition of an `if`/`elif`/`while`/`for`, without the parentheses C-like grammars keep. */
function conditionOf(stmt: Node): Node | null {
  // Go: `for i < n {` or `for i := 0; i < n; i++ {`.
  const clause =
    stmt.type === 'for_statement' ? stmt.namedChildren.find((x) => x?.type === 'for_clause') : null;
  const c =
    (clause ?? stmt).childForFieldName('condition') ??
    (stmt.type === 'for_statement' && !stmt.children.some((x) => x?.type === '(')
      ? stmt.namedChildren.find(
          (x) =>
            !!x &&
            !x.equals(stmt.childForFieldName('body') as Node) &&
            /expression|identifier|^true$|^false$/.test(x.type) &&
            x.type !== 'for_clause',
        )
      : null);
  if (!c) return null;
  if (c.type === 'parenthesized_expression' || c.type === 'condition_clause') {
    const inner = c.namedChildren.filter((x) => x && x.type !== 'comment');
    if (inner.length === 1 && inner[0]) return inner[0];
  }
  return c;
}

/**
 * The conditions known where `use` runs inside `fn`, each with its value there:
 * - an `if`, `elif`, `while` or ternary whose branch holds the use (true in its consequence or
 *   body, false in the other branches of the chain);
 * - the left side of `and`/`&&` (true) or `or`/`||` (false) whose right side holds the use;
 * - an earlier `if` of an enclosing block whose branch ends by leaving (false after it: a return,
 *   raise or exit leaves the function, a break or continue the loop the block is in);
 * - an earlier `assert` of an enclosing block (true);
 * - the condition of an `if` directly in the body of an earlier loop over a collection, in an
 *   enclosing block, whose branch leaves the function and which speaks of the loop's element (false
 *   of every element of the collection, given as `over`: the loop refused each element it holds for;
 *   a condition of anything else was never tested if the collection was empty).
 */
export function guardsAt(use: Node, fn: Node, profile: LanguageProfile, lang: Language): Guard[] {
  const out: Guard[] = [];
  const add = (node: Node | null | undefined, holds: boolean, over?: Guard['over']) => {
    if (node) out.push(over ? { node, holds, over } : { node, holds });
  };
  let child: Node = use;
  for (let p = use.parent; p; child = p, p = p.parent) {
    if (p.type === 'if_statement' || p.type === 'elif_clause') {
      const cond = conditionOf(p);
      if (within(child, p.childForFieldName('consequence'))) add(cond, true);
      else if (!within(child, p.childForFieldName('condition'))) {
        // An `else` (or, in Python, an `elif`/`else` clause of the chain): this condition and
        // every `elif` before the clause are false there.
        add(cond, false);
        for (const c of p.namedChildren)
          if (c?.type === 'elif_clause' && c.endIndex <= child.startIndex) add(conditionOf(c), false);
      }
    } else if (p.type === 'while_statement' || p.type === 'for_statement') {
      const cond = loopOver(p) ? null : conditionOf(p);
      if (cond && within(child, p.childForFieldName('body'))) add(cond, true);
    } else if (p.type === 'conditional_expression' && lang === 'python') {
      // `a if c else b`
      const [a, c, b] = p.namedChildren;
      if (a && within(child, a)) add(c, true);
      else if (b && within(child, b)) add(c, false);
    } else if (p.type === 'ternary_expression' || p.type === 'conditional_expression') {
      const cond = p.childForFieldName('condition');
      if (within(child, p.childForFieldName('consequence'))) add(cond, true);
      else if (within(child, p.childForFieldName('alternative'))) add(cond, false);
    } else if (p.type === 'boolean_operator' || p.type === 'binary_expression') {
      const op = p.childForFieldName('operator')?.text;
      if (within(child, p.childForFieldName('right'))) {
        if (op === 'and' || op === '&&') add(p.childForFieldName('left'), true);
        else if (op === 'or' || op === '||') add(p.childForFieldName('left'), false);
      }
    } else if (BLOCK_TYPES.has(p.type)) {
      for (const s of p.namedChildren) {
        if (!s || s.startIndex >= child.startIndex) break;
        if (
          profile.ifTypes.has(s.type) &&
          endsWithExit(s, profile.exitStatementTypes, profile.exitCalls, lang)
        )
          add(conditionOf(s), false);
        else if (s.type === 'assert_statement') add(s.namedChildren[0], true);
        else {
          // `for name in names: if name.startswith('-'): raise ...`: what an earlier loop refuses
          // by leaving the function is false of every element after it.
          const over = loopOver(s);
          if (!over) continue;
          let body = s.childForFieldName('body');
          // Go's block holds a statement_list.
          if (body?.namedChildCount === 1 && body.namedChildren[0]?.type === 'statement_list')
            body = body.namedChildren[0];
          for (const t of body?.namedChildren ?? []) {
            const cond = t && conditionOf(t);
            if (
              t &&
              cond &&
              profile.ifTypes.has(t.type) &&
              mentionsName(cond, over.element) &&
              endsWithExit(t, leavingExits(profile), profile.exitCalls, lang)
            )
              add(cond, false, over);
          }
        }
      }
    }
    if (p.equals(fn)) break;
  }
  return out;
}

/**
 * Reads the condition `n`, whose value where it matters is `holds`, through its logic: parentheses
 * and negations are looked through; `leaf(x, holds)` reads each simple condition; the values of
 * both sides of a conjunction that holds (or a disjunction that fails) are known, and combine with
 * `known`; of a disjunction that holds (or a conjunction that fails) only one side's is, and they
 * combine with `oneOf`.
 */
export function readCondition<T>(
  n: Node,
  holds: boolean,
  leaf: (x: Node, holds: boolean) => T,
  known: (a: T, b: T) => T,
  oneOf: (a: T, b: T) => T,
): T {
  let u = n;
  while (
    (u.type === 'parenthesized_expression' || u.type === 'condition_clause') &&
    u.namedChildren.length === 1 &&
    u.namedChildren[0]
  )
    u = u.namedChildren[0];
  const negation = u.type === 'not_operator' || (u.type === 'unary_expression' && u.child(0)?.text === '!');
  const arg = negation
    ? (u.childForFieldName('argument') ?? u.childForFieldName('operand') ?? u.namedChildren[0])
    : null;
  if (arg) return readCondition(arg, !holds, leaf, known, oneOf);
  const op =
    u.type === 'boolean_operator' || u.type === 'binary_expression'
      ? u.childForFieldName('operator')?.text
      : undefined;
  const l = u.childForFieldName('left');
  const r = u.childForFieldName('right');
  if (l && r && (op === 'and' || op === '&&' || op === 'or' || op === '||')) {
    const a = readCondition(l, holds, leaf, known, oneOf);
    const b = readCondition(r, holds, leaf, known, oneOf);
    return (op === 'and' || op === '&&') === holds ? known(a, b) : oneOf(a, b);
  }
  return leaf(u, holds);
}

/**
 * Whether the condition, with value `holds` where the use runs, establishes a fact: `leaf(x, h)`
 * says whether the simple condition `x` with value `h` does (`n == 0` establishes "n is not zero"
 * when false, not when true).
 */
export function decided(n: Node, holds: boolean, leaf: (x: Node, holds: boolean) => boolean): boolean {
  return readCondition(
    n,
    holds,
    leaf,
    (a, b) => a || b,
    (a, b) => a && b,
  );
}

/** Whether any of the guards establishes the fact `leaf` reads (see `decided`). */
export function established(guards: readonly Guard[], leaf: (x: Node, holds: boolean) => boolean): boolean {
  return guards.some((g) => decided(g.node, g.holds, leaf));
}

/** A comparison operator's negation (`a < b` false is `a >= b`). */
export const NEGATED: Readonly<Record<string, string>> = {
  '==': '!=',
  '!=': '==',
  '===': '!==',
  '!==': '===',
  '<': '>=',
  '>=': '<',
  '>': '<=',
  '<=': '>',
};
/** An ordering operator with its sides swapped (`a < b` is `b > a`). */
export const MIRRORED: Readonly<Record<string, string>> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=' };

/** The value of an integer or decimal literal (`0`, `-1`, `1_000`, `(2)`), if `n` is one. */
export function numberLiteral(n: Node | null | undefined): number | undefined {
  if (!n) return undefined;
  const t = n.text.replace(/[()\s_]/g, '').replace(/[uUlL]+$/, '');
  if (!/^[-+]?(?:\d+(?:\.\d*)?|0[xX][0-9a-fA-F]+)$/.test(t)) return undefined;
  const v = Number(t);
  return Number.isFinite(v) ? v : undefined;
}

/**
 * The comparisons of `subject` (by its text) with a number that the simple condition `x`, with
 * value `holds`, establishes, each written `subject OP value` (`0 <= i < n` true gives `i >= 0`;
 * `i < 0` false gives `i >= 0`). A chained comparison that fails establishes none.
 */
export function comparisonsOf(x: Node, holds: boolean, subject: string): { op: string; value: number }[] {
  const out: { op: string; value: number }[] = [];
  const kids = x.children.filter((c): c is Node => !!c && c.type !== 'comment');
  const isOp = (c: Node) => !c.isNamed && c.text in NEGATED;
  if (x.type !== 'comparison_operator' && x.type !== 'binary_expression') return out;
  const pairs = kids.length === 3 ? 1 : (kids.length - 1) / 2;
  if (!holds && pairs !== 1) return out;
  for (let k = 0; k + 2 < kids.length; k += 2) {
    const [l, o, r] = [kids[k], kids[k + 1], kids[k + 2]];
    if (!l || !o || !r || !isOp(o)) continue;
    const strip = (n: Node): Node => {
      let u = n;
      while (u.type === 'parenthesized_expression' && u.namedChildren.length === 1 && u.namedChildren[0])
        u = u.namedChildren[0];
      return u;
    };
    let op = o.text;
    let value: number | undefined;
    if (strip(l).text === subject) value = numberLiteral(strip(r));
    else if (strip(r).text === subject) {
      value = numberLiteral(strip(l));
      op = MIRRORED[op] ?? op;
    }
    if (value === undefined) continue;
    out.push({ op: holds ? op : (NEGATED[op] ?? op), value });
  }
  return out;
}

/** Whether `subject OP value` excludes zero. */
export function excludesZero(c: { op: string; value: number }): boolean {
  switch (c.op) {
    case '!=':
    case '!==':
      return c.value === 0;
    case '==':
    case '===':
      return c.value !== 0;
    case '>':
      return c.value >= 0;
    case '>=':
      return c.value > 0;
    case '<':
      return c.value <= 0;
    case '<=':
      return c.value < 0;
    default:
      return false;
  }
}

/** Whether `subject OP value` excludes every negative number. */
export function excludesNegative(c: { op: string; value: number }): boolean {
  switch (c.op) {
    case '==':
    case '===':
      return c.value >= 0;
    case '>':
      return c.value >= -1;
    case '>=':
      return c.value > -1;
    default:
      return false;
  }
}

/** An `if` whose taken branch leaves the function or loop (return, raise, throw, exit()). */
export function endsWithExit(
  stmt: Node,
  exits: ReadonlySet<string>,
  exitCalls: RegExp,
  lang: Language,
): boolean {
  const body = stmt.childForFieldName('consequence') ?? stmt.childForFieldName('body');
  if (!body) return false;
  const isExit = (n: Node | null | undefined): boolean => {
    if (!n) return false;
    if (exits.has(n.type)) return true;
    if (n.type === 'expression_statement') {
      const e = n.namedChildren[0];
      if (e && (e.type === 'call' || e.type === 'call_expression')) {
        const call = readCall(lang, e);
        return !!call && exitCalls.test(call.calleeText);
      }
    }
    if (
      n.type === 'block' ||
      n.type === 'compound_statement' ||
      n.type === 'statement_block' ||
      n.type === 'statement_list'
    ) {
      const stmts = n.namedChildren.filter((c) => c && c.type !== 'comment');
      return isExit(stmts[stmts.length - 1]);
    }
    return false;
  };
  return isExit(body);
}

/**
 * Whether the simple condition `x`, with value `holds`, bounds a value by a limit: a comparison one
 * of whose sides `limit` reads as a maximum (`INT_MAX / b`, `math.MaxInt32`) or a minimum, which
 * holds the other side at or below the maximum (or at or above the minimum) there. `a > INT_MAX / b`
 * bounds `a` where it fails, not where it holds.
 */
export function limitBound(
  x: Node,
  holds: boolean,
  limit: (side: Node) => 'max' | 'min' | undefined,
): boolean {
  if (x.type !== 'binary_expression' && x.type !== 'comparison_operator') return false;
  const kids = x.children.filter((c): c is Node => !!c && c.type !== 'comment');
  if (kids.length !== 3) return false;
  const [l, o, r] = kids as [Node, Node, Node];
  if (o.isNamed || !(o.text in NEGATED) || o.text.startsWith('=') || o.text.startsWith('!')) return false;
  let op = o.text;
  let kind = limit(r);
  if (!kind) {
    kind = limit(l);
    if (!kind) return false;
    op = MIRRORED[op] ?? op;
  }
  if (!holds) op = NEGATED[op] ?? op;
  return kind === 'max' ? op === '<' || op === '<=' : op === '>' || op === '>=';
}
