import type { Node } from 'web-tree-sitter';
import type { Severity } from '../../spec/finding.ts';
import type { CweId, Language } from '../../spec/language.ts';
import type { StaticEvidence } from '../cwe.ts';
import type { CallSite, FileModel } from './model.ts';
import type { TaintEngine, TaintKind } from './taint.ts';

/**
 * The declarative rule format. A rule names its CWEs, severity, a message that says what to do
 * instead, and either
 *  - `kind: 'call'`: the call names it inspects (dispatched from one index of all call sites), or
 *  - `kind: 'query'`: a tree-sitter query per language (all of a language's query rules run as one
 *    combined query),
 * plus a small predicate (`check`) that can ask the taint engine and the constant helpers. A rule
 * reports the exact span of the vulnerable call or expression (`report`, default: the call / the
 * `@report` capture). Each rule carries a vulnerable and a safe example; the test suite runs both.
 */

export interface RuleExample {
  code: string;
  /** Language of the example; defaults to the rule's first language. */
  language?: Language;
  /** The task's CWEs the example is judged for (`analyze`'s `taskCwe`); none by default. */
  taskCwe?: CweId[];
}

export interface RuleBase {
  id: string;
  languages: readonly Language[];
  cwe: CweId[];
  severity: Severity;
  /** One line naming the weakness (SARIF shortDescription). */
  title: string;
  /** What is wrong and what to do instead. */
  message: string;
  examples: { bad: (string | RuleExample)[]; good: (string | RuleExample)[] };
}

/** What a predicate returns: false/undefined (no finding), true (report at the default node), or details. */
export type RuleHit =
  | boolean
  | undefined
  | null
  | { node?: Node; message?: string; cwe?: CweId[]; severity?: Severity };

export interface CallRule extends RuleBase {
  kind: 'call';
  /** Last segment of the callee (`execute`, `system`, `createHash`), or '*' for every call. */
  names: readonly string[] | '*';
  /** Optional test on the whole callee text (`os.system`, `std::system`). */
  callee?: RegExp;
  check?: (call: CallSite, ctx: RuleContext) => RuleHit;
}

export interface QueryRule extends RuleBase {
  kind: 'query';
  /** A tree-sitter query per language (or one for all the rule's languages); capture `@report`. */
  query: string | Partial<Record<Language, string>>;
  check?: (captures: Captures, ctx: RuleContext) => RuleHit;
  /**
   * Also checked at each call the model reads as another function than the one written (an alias, a
   * module under another name, `.call`): `captures.report` and `captures.renamed` are the call.
   */
  renamedCalls?: boolean;
}

export type Rule = CallRule | QueryRule;

export type Captures = Record<string, Node | undefined>;

export interface RuleContext {
  language: Language;
  source: string;
  model: FileModel;
  /**
   * The code is judged for predictable randomness (`taskEvidence === 'randomness'`: the task's CWE is
   * CWE-330 or a child): every value it makes is a secret, whatever its name (rules otherwise guess
   * from names: `token`, `salt`...).
   */
  secretTask: boolean;
  /**
   * Why the task's weakness is judged with static evidence (`staticEvidenceNeeded`), when the code
   * is judged for one of those: rules may then flag what only hides a sink (a call by a computed
   * name), which would be noise in a scan.
   */
  taskEvidence: StaticEvidence | undefined;
  /** The task's CWEs when the code is judged for one (empty in a scan). */
  taskCwe: readonly CweId[];
  taint: TaintEngine;
  tainted(node: Node | undefined | null, kind: TaintKind): boolean;
  built(node: Node | undefined | null, kind: TaintKind): boolean;
  /** The value last assigned to an identifier, else the node itself. */
  resolve(node: Node): Node;
  /** The text of a string literal (after resolving identifiers), or undefined. */
  stringValue(node: Node | undefined | null): string | undefined;
  /** The value of an integer literal (after resolving identifiers), or undefined. */
  intValue(node: Node | undefined | null): number | undefined;
  /** Whether the expression is made only of literals (a hard-coded value). */
  isConstant(node: Node | undefined | null): boolean;
  /** Calls in the same function as `node` (or the whole file when `wholeFile`). */
  callsNear(node: Node, wholeFile?: boolean): CallSite[];
  /** Text of the innermost function containing `node` (the file at top level). */
  functionText(node: Node): string;
}

/** `text` as a literal part of a RegExp (program text: names, parameters, member expressions). */
export function regExpLiteral(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}
