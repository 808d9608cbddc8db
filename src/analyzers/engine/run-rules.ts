import {
  type Language as Grammar,
  type Node,
  Query,
  type QueryCapture,
  type QueryMatch,
  type QueryPredicate,
  type Tree,
} from 'web-tree-sitter';
import type { Severity } from '../../spec/finding.ts';
import type { CweId, Language } from '../../spec/language.ts';
import { type CallSite, type FileModel, type IndexedNode, indexedTypes } from './model.ts';
import type { CallRule, Captures, QueryRule, Rule, RuleContext, RuleHit } from './rule.ts';
import { TaintEngine } from './taint.ts';

export interface RawHit {
  rule: Rule;
  node: Node;
  message: string;
  cwe: CweId[];
  severity: Severity;
}

/**
 * Rules compiled for one language: calls indexed by name, query rules as one combined query. The
 * combined query starts with one pattern per node type the FileModel indexes, so one pass of
 * tree-sitter over a file finds the model's nodes and the rules' matches.
 */
export interface CompiledRules {
  language: Language;
  byName: Map<string, CallRule[]>;
  everyCall: CallRule[];
  query: Query;
  /** The first `indexedPatterns` patterns of the query capture the model's nodes, each under its type. */
  indexedPatterns: number;
  /** patternIndex -> the rules checking that pattern's matches (rules with the same query text share it). */
  patternRules: QueryRule[][];
  /** Query rules also checked at the calls read under another name (`QueryRule.renamedCalls`). */
  renamedRules: QueryRule[];
  /** patternIndex -> the pattern's text predicates (`#eq?`, `#match?`, `#any-of?`), tested in `matchFile`. */
  textTests: (TextTest | undefined)[];
}

/** A pattern's text predicates as one test of a match's captures (`text` reads a node's text). */
type TextTest = (captures: readonly QueryCapture[], text: (node: Node) => string) => boolean;

/**
 * The text predicates web-tree-sitter evaluates itself, renamed in the query source (`#eq?` ->
 * `#tsp-eq?`) so that it hands them over as general predicates (`predicatesForPattern`) and
 * `matchFile` tests them instead. Its own evaluation builds closures and redefines a function's
 * name for each match it tests, and reads the text through the tree's text callback: on the bench's
 * files most matches it tests fail (a Python file: 465 of the 470 it tests), and that was up to a
 * quarter of `matchFile`'s time. Strings and comments of the query are left as they are.
 */
const TEXT_PREDICATE =
  /("(?:[^"\\]|\\.)*"|;[^\n]*)|\(\s*#((?:any-)?(?:not-)?eq|(?:any-)?(?:not-)?match|(?:not-)?any-of)\?/g;

function withOwnTextPredicates(source: string): string {
  return source.replace(TEXT_PREDICATE, (m, skip: string | undefined, op: string) =>
    skip !== undefined ? m : `(#tsp-${op}?`,
  );
}

/**
 * A pattern's renamed text predicates as one test, with web-tree-sitter's semantics (0.25,
 * `parseAnyPredicate`, `parseMatchPredicate`, `parseAnyOfPredicate`): `eq?` and `match?` hold for
 * every node of the capture (`any-` for one of them), `not-` negates each comparison; `match?` and
 * `any-of?` fail on a capture with no node (their negations hold), `eq?` holds.
 */
function textTest(predicates: readonly QueryPredicate[], where: string): TextTest | undefined {
  const tests: TextTest[] = [];
  for (const { operator, operands } of predicates) {
    if (!operator.startsWith('tsp-')) continue;
    const op = operator.slice(4);
    const first = operands[0];
    if (first?.type !== 'capture')
      throw new Error(`${where}: the first argument of #${op} must be a capture`);
    const name = first.name;
    const nodes = (caps: readonly QueryCapture[]) => caps.filter((c) => c.name === name).map((c) => c.node);
    if (op.endsWith('any-of?')) {
      const positive = op === 'any-of?';
      const values = operands.slice(1).map((o) => {
        if (o.type !== 'string') throw new Error(`${where}: the arguments of #${op} must be strings`);
        return o.value;
      });
      tests.push((caps, text) => {
        const ns = nodes(caps);
        if (!ns.length) return !positive;
        return ns.every((n) => values.includes(text(n))) === positive;
      });
      continue;
    }
    const second = operands[1];
    if (operands.length !== 2 || !second)
      throw new Error(`${where}: #${op} takes 2 arguments, got ${operands.length}`);
    const all = !op.startsWith('any-');
    const positive = !op.includes('not-');
    if (op.endsWith('match?')) {
      if (second.type !== 'string')
        throw new Error(`${where}: the second argument of #${op} must be a string`);
      const re = new RegExp(second.value);
      const test = (n: Node, text: (node: Node) => string) => re.test(text(n)) === positive;
      tests.push((caps, text) => {
        const ns = nodes(caps);
        if (!ns.length) return !positive;
        return all ? ns.every((n) => test(n, text)) : ns.some((n) => test(n, text));
      });
    } else if (second.type === 'string') {
      const value = second.value;
      const test = (n: Node, text: (node: Node) => string) => (text(n) === value) === positive;
      tests.push((caps, text) => {
        const ns = nodes(caps);
        return all ? ns.every((n) => test(n, text)) : ns.some((n) => test(n, text));
      });
    } else {
      const other = second.name;
      tests.push((caps, text) => {
        const ns = nodes(caps);
        const os = caps.filter((c) => c.name === other).map((c) => c.node);
        const some = (n: Node) => os.some((o) => (text(n) === text(o)) === positive);
        return all ? ns.every(some) : ns.some(some);
      });
    }
  }
  if (!tests.length) return undefined;
  if (tests.length === 1) return tests[0];
  return (caps, text) => tests.every((t) => t(caps, text));
}

export function queryFor(rule: QueryRule, language: Language): string | undefined {
  return typeof rule.query === 'string' ? rule.query : rule.query[language];
}

export function compileRules(rules: readonly Rule[], language: Language, grammar: Grammar): CompiledRules {
  const byName = new Map<string, CallRule[]>();
  const everyCall: CallRule[] = [];
  // The model indexes nodes by type name, as descendantsOfType would: the named nodes of that name
  // (not a supertype's, such as JavaScript's `declaration`, whose pattern would match its subtypes)
  // and the anonymous tokens of that name (Python's `lambda` keyword).
  const supertypes = new Set(grammar.supertypes);
  const sources: string[] = [];
  for (const type of indexedTypes(language)) {
    const named = grammar.idForNodeType(type, true);
    if (named !== null && !supertypes.has(named)) sources.push(`(${type}) @${type}`);
    if (grammar.idForNodeType(type, false) !== null) sources.push(`${JSON.stringify(type)} @${type}`);
  }
  const indexedPatterns = sources.length;
  /** Each distinct query text (matched once, checked by each of its rules) and its rules. */
  const texts = new Map<string, QueryRule[]>();
  const renamedRules: QueryRule[] = [];
  for (const rule of rules) {
    if (!rule.languages.includes(language)) continue;
    if (rule.kind === 'query' && rule.renamedCalls) renamedRules.push(rule);
    if (rule.kind === 'call') {
      if (rule.names === '*') everyCall.push(rule);
      else
        for (const n of rule.names) {
          const list = byName.get(n) ?? [];
          list.push(rule);
          byName.set(n, list);
        }
    } else {
      const src = queryFor(rule, language);
      if (!src) continue;
      const list = texts.get(src);
      if (list) list.push(rule);
      else texts.set(src, [rule]);
    }
  }
  // One compilation of the combined query (compiling each text alone as well, to count its
  // patterns, doubled tree-sitter's query analysis: C++ ~1 s against ~0.2 s); each pattern is its
  // text's by where it starts in the combined source. A query text that does not compile is named by
  // compiling the texts one by one.
  const owners: QueryRule[][] = [];
  const starts: number[] = [];
  let offset = sources.reduce((n, t) => n + Buffer.byteLength(t) + 1, 0);
  for (const [src, owner] of texts) {
    sources.push(withOwnTextPredicates(src));
    owners.push(owner);
    starts.push(offset);
    offset += Buffer.byteLength(sources[sources.length - 1] ?? '') + 1;
  }
  let query: Query;
  try {
    query = new Query(grammar, sources.join('\n'));
  } catch (combined) {
    for (const [src, owner] of texts) {
      try {
        new Query(grammar, src).delete();
      } catch (e) {
        throw new Error(`rule ${owner[0]?.id}: invalid ${language} query: ${(e as Error).message}`);
      }
    }
    throw combined;
  }
  const patternRules: QueryRule[][] = [];
  const textTests: (TextTest | undefined)[] = [];
  for (let i = 0, t = -1; i < query.patternCount(); i++) {
    if (i < indexedPatterns) {
      patternRules.push([]);
      continue;
    }
    const start = query.startIndexForPattern(i);
    while (t + 1 < starts.length && (starts[t + 1] ?? 0) <= start) t++;
    const owner = owners[t] ?? [];
    patternRules.push(owner);
    textTests[i] = textTest(query.predicatesForPattern(i), `rule ${owner[0]?.id}: ${language} query`);
  }
  return { language, byName, everyCall, query, indexedPatterns, patternRules, renamedRules, textTests };
}

/**
 * One pass of the combined query over a file (the tree of `source`): the model's indexed nodes, in
 * walk order, and the rules' matches (those whose text predicates hold).
 */
export function matchFile(
  compiled: CompiledRules,
  tree: Tree,
  source: string,
): { indexed: IndexedNode[]; matches: QueryMatch[] } {
  const indexed: (IndexedNode & { start: number; end: number })[] = [];
  const matches: QueryMatch[] = [];
  const text = (n: Node) => source.slice(n.startIndex, n.endIndex);
  let sorted = true;
  for (const m of compiled.query.matches(tree.rootNode)) {
    const c = m.captures[0];
    if (m.patternIndex >= compiled.indexedPatterns) {
      const test = compiled.textTests[m.patternIndex];
      if (!test || test(m.captures, text)) matches.push(m);
    } else if (c) {
      const start = c.node.startIndex;
      const last = indexed[indexed.length - 1];
      if (last && last.start >= start) sorted = false;
      indexed.push({ node: c.node, type: c.name, start, end: -1 });
    }
  }
  // tree-sitter reports a match as it enters the node, mostly in walk order already; where it did
  // not (or two nodes start together), order by start, the enclosing (longer) node first.
  if (!sorted)
    indexed.sort((a, b) => {
      if (a.start !== b.start) return a.start - b.start;
      if (a.end < 0) a.end = a.node.endIndex;
      if (b.end < 0) b.end = b.node.endIndex;
      return b.end - a.end;
    });
  return { indexed, matches };
}

/**
 * Runs every rule of a language over a file. A rule whose check throws aborts the analysis (the
 * oracle fails closed: an untrustworthy analysis is an oracle error), unless `onRuleError` is given:
 * then that rule is reported there and skipped for the rest of the file, and the others still run
 * (what `tsp scan` wants).
 */
export function runRules(
  compiled: CompiledRules,
  model: FileModel,
  matches: readonly QueryMatch[],
  onRuleError?: (rule: Rule, error: unknown) => void,
  facts: { taskEvidence?: RuleContext['taskEvidence']; taskCwe?: RuleContext['taskCwe'] } = {},
): RawHit[] {
  const ctx = createContext(model, facts.taskEvidence, facts.taskCwe ?? []);
  const hits: RawHit[] = [];
  const failed = new Set<Rule>();
  const guarded = <T>(rule: Rule, run: () => T): T | false => {
    if (!onRuleError || failed.has(rule)) return false;
    try {
      return run();
    } catch (error) {
      failed.add(rule);
      onRuleError(rule, error);
      return false;
    }
  };
  const emit = (rule: Rule, hit: RuleHit, fallback: Node) => {
    if (!hit) return;
    const d = hit === true ? {} : hit;
    hits.push({
      rule,
      node: d.node ?? fallback,
      message: d.message ?? rule.message,
      cwe: d.cwe ?? rule.cwe,
      severity: d.severity ?? rule.severity,
    });
  };
  // A rule without a check hits wherever it matches; with `onRuleError` a failing rule is skipped;
  // under a task a check runs again for each other binding that can reach a value it read.
  const explore = ctx.taskEvidence !== undefined;
  const judge = (rule: Rule, check: () => RuleHit): RuleHit =>
    !rule.check
      ? true
      : onRuleError
        ? guarded(rule, check)
        : explore
          ? exploreBindings(ctx.taint, check)
          : check();
  for (const call of model.calls) {
    const rules = compiled.byName.get(call.name);
    for (const rule of [...(rules ?? []), ...compiled.everyCall]) {
      if (rule.callee && !rule.callee.test(call.calleeText)) continue;
      emit(
        rule,
        judge(rule, () => rule.check?.(call, ctx) ?? true),
        call.node,
      );
    }
  }
  for (const m of matches) {
    const rules = compiled.patternRules[m.patternIndex];
    if (!rules) continue;
    const caps: Captures = {};
    for (const c of m.captures) caps[c.name] ??= c.node;
    const report = caps.report ?? m.captures[0]?.node;
    if (!report) continue;
    for (const rule of rules) {
      emit(
        rule,
        judge(rule, () => rule.check?.(caps, ctx) ?? true),
        report,
      );
    }
  }
  for (const node of compiled.renamedRules.length ? model.renamedCalls : []) {
    const caps: Captures = { report: node, renamed: node };
    for (const rule of compiled.renamedRules) {
      emit(
        rule,
        judge(rule, () => rule.check?.(caps, ctx) ?? true),
        node,
      );
    }
  }
  return hits;
}

/**
 * A check, run first with the bindings the text gives last; if it finds nothing where more than one
 * binding could reach a value it read (`TaintEngine.choices`), again with each other one in turn
 * (at most 32 runs), so `if t: mode = 0o777` / `else: mode = 0o600` is read with both modes.
 */
function exploreBindings(taint: TaintEngine, check: () => RuleHit): RuleHit {
  taint.choices = undefined;
  taint.choicePoints = new Map();
  let hit = check();
  const points = [...taint.choicePoints];
  if (!hit && points.length) {
    let budget = 32;
    search: for (const [key, n] of points)
      for (let i = 1; i < n; i++) {
        if (budget-- <= 0) break search;
        taint.choices = new Map([[key, i]]);
        taint.forgetChoices();
        hit = check();
        if (hit) break search;
      }
    taint.choices = undefined;
    taint.forgetChoices();
  }
  taint.choicePoints = undefined;
  return hit;
}

function createContext(
  model: FileModel,
  taskEvidence: RuleContext['taskEvidence'],
  taskCwe: RuleContext['taskCwe'],
): RuleContext {
  // Where the oracle decides with static evidence, a guard counts only if it is verified validation.
  const taint = new TaintEngine(
    model,
    new Set(
      taskEvidence === 'shell'
        ? (['cmd'] as const)
        : taskEvidence === 'evaluation'
          ? (['code'] as const)
          : taskEvidence === 'dormant'
            ? (['sql', 'html'] as const)
            : [],
    ),
    taskEvidence !== undefined,
  );
  const p = model.profile;
  const ctx: RuleContext = {
    language: model.language,
    source: model.source,
    model,
    secretTask: taskEvidence === 'randomness',
    taskEvidence,
    taskCwe,
    taint,
    tainted: (node, kind) => !!node && taint.tainted(node, kind),
    built: (node, kind) => !!node && taint.built(node, kind),
    resolve: (node) => taint.resolve(node),
    stringValue: (node) => {
      if (!node) return undefined;
      const n = taint.resolve(node);
      return literalString(n, model.language, p.stringTypes);
    },
    intValue: (node) => {
      if (!node) return undefined;
      const n = taint.resolve(node);
      if (!p.numberTypes.has(n.type)) return undefined;
      return parseIntLiteral(n.text, model.language);
    },
    isConstant: (node) => !!node && isConstantExpr(node, ctx, 0),
    callsNear: (node, wholeFile) => {
      if (wholeFile) return model.calls;
      const fn = model.functionAt(node.startIndex);
      return model.calls.filter((c) => c.node.startIndex >= fn.start && c.node.endIndex <= fn.end);
    },
    functionText: (node) => model.functionAt(node.startIndex).node.text,
  };
  return ctx;
}

const CONSTANT_WRAPPERS =
  /^(?:Buffer\.from|Buffer\.alloc|bytes|bytearray|bytes\.fromhex|bytearray\.fromhex|str|String|.*\.encode|\[\]byte|string|std::string|std::vector<.*>|b|new Uint8Array|Uint8Array\.from|strdup)$/;

function isConstantExpr(node: Node, ctx: RuleContext, depth: number): boolean {
  if (depth > 8) return false;
  const p = ctx.model.profile;
  if (p.stringTypes.has(node.type)) return !node.namedChildren.some((c) => c?.type === 'interpolation');
  if (p.numberTypes.has(node.type)) return true;
  if (['true', 'false', 'null', 'nil', 'None', 'True', 'False', 'NULL', 'nullptr'].includes(node.text))
    return true;
  if (p.identifierTypes.has(node.type)) {
    const r = ctx.resolve(node);
    if (r === node || r.equals(node))
      return /^[A-Z][A-Z0-9_]*$/.test(node.text) && !ctx.taint.isParam(node.text, node.startIndex);
    return isConstantExpr(r, ctx, depth + 1);
  }
  if (p.callTypes.has(node.type)) {
    const callee = (
      node.childForFieldName('function') ?? node.childForFieldName('constructor')
    )?.text.replace(/\s+/g, '');
    if (!callee || !CONSTANT_WRAPPERS.test(callee)) return false;
    if (/\.encode$/.test(callee)) {
      const obj = node.childForFieldName('function')?.childForFieldName('object');
      if (obj && !isConstantExpr(obj, ctx, depth + 1)) return false;
    }
    const args =
      node.childForFieldName('arguments')?.namedChildren.filter((c) => c && c.type !== 'comment') ?? [];
    return args.every((a) => !!a && isConstantExpr(a, ctx, depth + 1));
  }
  const kids = node.namedChildren.filter((c) => c && c.type !== 'comment');
  if (!kids.length) return false;
  const allowed = new Set([
    'binary_operator',
    'binary_expression',
    'list',
    'tuple',
    'array',
    'parenthesized_expression',
    'composite_literal',
    'literal_value',
    'literal_element',
    'initializer_list',
    'expression_list',
    'concatenated_string',
    'unary_expression',
    'unary_operator',
    'type_conversion_expression',
    'cast_expression',
    'slice_type',
    'type_identifier',
    'primitive_type',
    'type_descriptor',
    'qualified_identifier',
    'template_type',
    'array_type',
    'new_expression',
    'argument_list',
    'arguments',
  ]);
  if (!allowed.has(node.type)) return false;
  return kids.every((k) => !!k && (isTypeNode(k) || isConstantExpr(k, ctx, depth + 1)));
}

function isTypeNode(n: Node): boolean {
  return /type|primitive/.test(n.type) && !/literal/.test(n.type);
}

export function literalString(
  n: Node,
  language: Language,
  stringTypes: ReadonlySet<string>,
): string | undefined {
  if (n.type === 'concatenated_string')
    return n.namedChildren.map((c) => (c ? (literalString(c, language, stringTypes) ?? '') : '')).join('');
  if (n.type === 'template_string' && !n.namedChildren.some((c) => c?.type === 'template_substitution'))
    return n.text.slice(1, -1);
  if (!stringTypes.has(n.type)) return undefined;
  if (n.namedChildren.some((c) => c?.type === 'interpolation')) return undefined;
  const t = n.text;
  if (n.type === 'raw_string_literal' && language !== 'go') {
    const m = /^[uUL8]*R"([^(]*)\(([\s\S]*)\)\1"$/.exec(t);
    return m ? m[2] : t;
  }
  const m = /^[rRbBuUfFL8]*("""|'''|"|'|`)([\s\S]*)\1$/.exec(t);
  return m ? m[2] : t;
}

export function parseIntLiteral(text: string, language: Language): number | undefined {
  const t = text.replace(/[_']/g, '').replace(/[uUlL]+$/, '');
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) return Number.parseInt(t.slice(2), 16);
  if (/^0[oO][0-7]+$/.test(t)) return Number.parseInt(t.slice(2), 8);
  if (/^0[bB][01]+$/.test(t)) return Number.parseInt(t.slice(2), 2);
  if (/^0[0-7]+$/.test(t) && language !== 'python' && language !== 'javascript') return Number.parseInt(t, 8);
  if (/^\d+$/.test(t)) return Number.parseInt(t, 10);
  return undefined;
}

export type { CallSite };
