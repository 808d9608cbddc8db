// Which conditions are known where a statement runs: the reader of dominating checks the rules
// share, so that a check counts where it decides whether the use is reached, and not because it
// comes earlier in the text (`if x.endswith(K): return x` followed by the real check returns `x`
// unchecked).
import type { Node } from 'web-tree-sitter';
import type { Language } from '../../spec/language.ts';
import type { LanguageProfile } from './profiles.ts';
import { endsWithExit } from './taint.ts';

/** A condition and its value wherever the use runs. */
export interface Guard {
  node: Node;
  holds: boolean;
}

const BLOCK_TYPES = new Set(['block', 'statement_block', 'compound_statement', 'statement_list']);
const LOOP_TYPES = new Set(['for_statement', 'for_in_statement', 'for_range_loop', 'while_statement']);

/** The profile's exits that leave the function (a `break` or `continue` leaves only the loop). */
const leaving = (profile: LanguageProfile): ReadonlySet<string> =>
  new Set(
    [...profile.exitStatementTypes].filter((t) => t !== 'break_statement' && t !== 'continue_statement'),
  );

const within = (n: Node, outer: Node | null | undefined): boolean =>
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
              endsWithExit(t, leaving(profile), profile.exitCalls, lang)
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
 * Whether the condition `n`, with value `holds` where it matters, establishes a fact `leaf` reads
 * (either polarity): both sides of a conjunction that holds (or a disjunction that fails) are
 * known, so either may; of a disjunction that holds only one side is, so both must.
 */
export function decided(n: Node, holds: boolean, leaf: (x: Node) => boolean): boolean {
  let u = n;
  while (u.type === 'parenthesized_expression' && u.namedChildren[0]) u = u.namedChildren[0];
  if (u.type === 'not_operator' || (u.type === 'unary_expression' && u.child(0)?.text === '!')) {
    const arg = u.childForFieldName('argument') ?? u.namedChildren[0];
    return !!arg && decided(arg, !holds, leaf);
  }
  const op =
    u.type === 'boolean_operator' || u.type === 'binary_expression'
      ? u.childForFieldName('operator')?.text
      : undefined;
  const l = u.childForFieldName('left');
  const r = u.childForFieldName('right');
  if (l && r && (op === 'and' || op === '&&' || op === 'or' || op === '||')) {
    const both = (op === 'and' || op === '&&') === holds;
    return both
      ? decided(l, holds, leaf) || decided(r, holds, leaf)
      : decided(l, holds, leaf) && decided(r, holds, leaf);
  }
  return leaf(u);
}
