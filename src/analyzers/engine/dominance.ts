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
}

const BLOCK_TYPES = new Set(['block', 'statement_block', 'compound_statement', 'statement_list']);
const LOOP_TYPES = new Set(['for_statement', 'for_in_statement', 'for_range_loop', 'while_statement']);

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

/** The condition of an `if`/`elif`/`while`, without the parentheses C-like grammars keep. */
function conditionOf(stmt: Node): Node | null {
  const c = stmt.childForFieldName('condition');
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
 * - the condition of an `if` directly in the body of an earlier loop of an enclosing block whose
 *   branch leaves the function (false: the loop refused every element it holds for).
 */
export function guardsAt(use: Node, fn: Node, profile: LanguageProfile, lang: Language): Guard[] {
  const out: Guard[] = [];
  const add = (node: Node | null | undefined, holds: boolean) => {
    if (node) out.push({ node, holds });
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
      const cond = conditionOf(p);
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
        else if (LOOP_TYPES.has(s.type)) {
          // `for name in names: if name.startswith('-'): raise ...`: what an earlier loop refuses
          // by leaving the function is false of every element after it.
          const body = s.childForFieldName('body');
          for (const t of body?.namedChildren ?? [])
            if (
              t &&
              profile.ifTypes.has(t.type) &&
              endsWithExit(t, leavingExits(profile), profile.exitCalls, lang)
            )
              add(conditionOf(t), false);
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

/** Whether the condition (with value `holds`) establishes a fact `leaf` reads, in either polarity. */
export function decided(n: Node, holds: boolean, leaf: (x: Node) => boolean): boolean {
  return readCondition(
    n,
    holds,
    (x) => leaf(x),
    (a, b) => a || b,
    (a, b) => a && b,
  );
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
