import type { Node } from 'web-tree-sitter';
import type { Language } from '../../spec/language.ts';
import type { CallSite } from '../engine/model.ts';
import { type CallRule, type QueryRule, type RuleContext, regExpLiteral } from '../engine/rule.ts';
import type { TaintKind } from '../engine/taint.ts';

/** Names that hold secrets or security decisions (for weak-randomness and hard-coded-credential rules). */
export const SECRET_NAME =
  /(?:^|_|\b|[a-z])(?:pass(?:word|wd|phrase)?|pwd|secret|token|api_?key|apikey|access_?key|private_?key|priv_?key|credential|auth|session|csrf|nonce|salt|otp|pin|iv)(?:$|_|\b|[A-Z0-9])/i;

/** Credential-like variable names whose literal value is a hard-coded secret. */
export const CREDENTIAL_NAME =
  /^(?:[a-z0-9_]*_)?(?:password|passwd|pwd|pass|secret|secret_?key|api_?key|apikey|access_?key|auth_?token|private_?key|client_?secret|db_?password|token)$/i;

/** A password-like name: the data being hashed is a password. */
export const PASSWORD_NAME = /pass(?:word|wd|phrase)?|pwd/i;

/**
 * PBKDF2 below this many iterations is reported as a fast hash (an error: the oracle calls the
 * sample insecure). 10,000 is the floor NIST SP 800-132 gave for critical keys; OWASP now asks for
 * 600,000 with SHA-256, and the message says so, but a higher floor flagged CWEval's secure
 * references, whose tasks specify 10,000 iterations (docs/analyzer.md).
 */
export const MIN_PBKDF2_ITERATIONS = 10000;

/**
 * scrypt below this cost (N) and bcrypt below this many rounds (log2) are reported as fast hashes.
 * 2^14 is the cost Node's crypto.scrypt and the scrypt paper's interactive logins use (OWASP asks for
 * 2^17); bcrypt's libraries default to 10-12 rounds and accept 4.
 */
export const MIN_SCRYPT_COST = 2 ** 14;
export const MIN_BCRYPT_ROUNDS = 10;

export const HTML_TAG =
  /<\/?(?:html|head|body|div|span|p|a|b|i|u|em|strong|h[1-6]|ul|ol|li|table|tr|td|th|form|input|button|script|style|img|br|hr|label|select|option|textarea|pre|code|title|meta|link|section|article|nav|header|footer|main|iframe|small|blockquote)\b[^<>]*>/i;

export const TIMESTAMP_CALL =
  /datetime\.(?:now|utcnow|today)|time\.(?:time|strftime|ctime|asctime|localtime|gmtime)|strftime|isoformat|asctime|ctime\(|localtime\(|time\.Now\(\)|new Date\(|Date\.now\(|toISOString|std::chrono|put_time|timestamp/i;

export function isLocalUrl(url: string): boolean {
  return /^http:\/\/(?:localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[::1\]|[a-z0-9-]+\.local(?:host)?)(?:[:/]|$)/i.test(
    url,
  );
}

/**
 * Where an injection payload is assembled: when the sink's argument is a variable holding a string
 * built in the same function, its building expression (the earlier line the model chose); else the node.
 */
export function originOf(node: Node, ctx: RuleContext, kind: TaintKind): Node {
  const r = ctx.resolve(node);
  if (r !== node && !r.equals(node) && ctx.built(r, kind)) {
    const fnA = ctx.model.functionAt(node.startIndex);
    const fnB = ctx.model.functionAt(r.startIndex);
    if (fnA === fnB) return r;
  }
  return node;
}

/** The value of `key` in an object literal (`{ key: v }`, shorthand `{ key }`), written in it. */
export function propertyValue(obj: Node | undefined | null, key: string): Node | undefined {
  if (obj?.type !== 'object') return undefined;
  let found: Node | undefined;
  for (const p of obj.namedChildren) {
    if (p?.type === 'shorthand_property_identifier' && p.text === key) found = p;
    if (p?.type !== 'pair') continue;
    const k = p.childForFieldName('key')?.text.replace(/^['"]|['"]$/g, '');
    if (k === key) found = p.childForFieldName('value') ?? undefined;
  }
  return found;
}

/** What an options object can give one key where it is read (`optionValues`). */
export interface OptionValues {
  /** Every expression that can be the key's value (written in a literal, a spread, a later write). */
  values: Node[];
  /** The key may be missing (the option then takes its default). */
  absent: boolean;
  /** Part of the object cannot be read (a call's result, a computed key): it may set the key. */
  unknown: boolean;
}

const JS_FALSY = /^(?:false|null|undefined|0|''|""|``|void 0)$/;
const NO_OPTIONS = /^(?:string|number|true|template_string|array|arrow_function|function_expression)$/;

/**
 * Every value a JavaScript options object can give `key` (`{ shell: true }`, `{ mode: 0o600 }`):
 * the object written in place or bound to a name (under a task, each binding that can reach the
 * call: `TaintEngine.choices`), its spreads and `Object.assign` sources (`{ ...(t && { shell: true
 * }) }`), both sides of `?:` / `||` / `&&`, and every property written to the name after that
 * binding (`opts.shell = true`, `opts['sh' + 'ell'] = t`: a computed key that cannot be read counts
 * as the key). A conditional write does not erase what came before it, so a rule looks at every
 * value, and at the default when the key may be missing (`absent`).
 */
export function optionValues(arg: Node | undefined | null, key: string, ctx: RuleContext): OptionValues {
  const out: OptionValues = { values: [], absent: false, unknown: false };
  const keyOf = (k: Node | null | undefined): string | undefined => {
    if (!k) return undefined;
    if (k.type === 'computed_property_name') return ctx.stringValue(k.namedChildren[0]);
    return k.text.replace(/^['"`]|['"`]$/g, '');
  };
  // Whether the expression certainly gives the key (else it may be missing). `spread`: it is
  // spread into the options, where what cannot be read may set the key (an argument that cannot be
  // read is more likely another parameter: `execFileSync('sort', names.slice(1), opts)`).
  const walk = (n: Node | null | undefined, depth: number, spread: boolean): boolean => {
    if (!n || JS_FALSY.test(n.text) || NO_OPTIONS.test(n.type)) return false;
    if (depth > 8) {
      out.unknown ||= spread;
      return false;
    }
    switch (n.type) {
      case 'object': {
        let present = false;
        for (const p of n.namedChildren) {
          if (!p || p.type === 'comment') continue;
          if (p.type === 'shorthand_property_identifier') {
            if (p.text === key) {
              out.values.push(p);
              present = true;
            }
          } else if (p.type === 'pair') {
            const k = keyOf(p.childForFieldName('key'));
            const v = p.childForFieldName('value');
            if ((k === undefined || k === key) && v) {
              out.values.push(v);
              if (k === undefined) out.unknown = true;
              else present = true;
            }
          } else if (p.type === 'spread_element')
            present = walk(p.namedChildren[0], depth + 1, true) || present;
          else out.unknown = true;
        }
        return present;
      }
      case 'parenthesized_expression':
        return walk(n.namedChildren[0], depth + 1, spread);
      case 'ternary_expression': {
        const a = walk(n.childForFieldName('consequence'), depth + 1, spread);
        return walk(n.childForFieldName('alternative'), depth + 1, spread) && a;
      }
      case 'binary_expression': {
        const op = n.childForFieldName('operator')?.text;
        if (op !== '&&' && op !== '||' && op !== '??') break;
        const l = op !== '&&' && walk(n.childForFieldName('left'), depth + 1, spread);
        return walk(n.childForFieldName('right'), depth + 1, spread) && (op === '&&' || l);
      }
      case 'call_expression':
        if (/^Object\.assign$/.test(n.childForFieldName('function')?.text ?? '')) {
          let present = false;
          for (const a of n.childForFieldName('arguments')?.namedChildren ?? [])
            present = walk(a, depth + 1, true) || present;
          return present;
        }
        break;
      case 'identifier':
        return readName(n, depth, spread);
    }
    out.unknown ||= spread;
    return false;
  };
  // A name: the binding that reaches the use (each in turn under a task), and every property written
  // to the name between the last assignment that always runs and the use.
  const readName = (use: Node, depth: number, spread: boolean): boolean => {
    const at = use.startIndex;
    let written = false;
    const scope = ctx.model.scopesAt(at).find((s) => s.bindings.has(use.text));
    const list = scope?.bindings.get(use.text) ?? [];
    for (let i = list.length - 1; i >= 0; i--) {
      const b = list[i];
      if (!b || b.at > at) continue;
      if (b.kind === 'assign' && ctx.taint.unconditionalFor(b.statement, at)) break;
      if (b.kind !== 'augment' || !b.value) continue;
      // (other additions, `list.push(x)`, `s += t`, set no property)
      const left = b.statement.childForFieldName('left');
      if (!left || left.childForFieldName('object')?.text !== use.text) continue;
      const k =
        left.type === 'member_expression'
          ? left.childForFieldName('property')?.text
          : left.type === 'subscript_expression'
            ? ctx.stringValue(left.childForFieldName('index'))
            : undefined;
      if (k !== undefined && k !== key) continue;
      out.values.push(b.value);
      if (k === undefined || b.statement.type !== 'assignment_expression') out.unknown = true;
      else if (ctx.taint.unconditionalFor(b.statement, at)) written = true;
    }
    let p = at;
    for (let i = 0; i < 32; i++) {
      const b = ctx.taint.latestBinding(use.text, p);
      if (b?.kind === 'augment') {
        p = b.statement.startIndex;
        continue;
      }
      // A parameter: the caller's options (a task's prompt fixes the parameters).
      if (!b || b.kind === 'param') return written;
      if (b.kind !== 'assign' || !b.value) {
        out.unknown ||= spread;
        return written;
      }
      return walk(b.value, depth + 1, spread) || written;
    }
    out.unknown ||= spread;
    return written;
  };
  out.absent = !walk(arg, 0, false);
  return out;
}

/** `optionValues` of every argument of a call (the options object may be any of them). */
export function callOptionValues(call: CallSite, key: string, ctx: RuleContext): Node[] {
  return call.args.flatMap((a) => optionValues(a, key, ctx).values);
}

/** Whether a JavaScript option value is a constant that turns the option off (`false`, `0`, `null`, ...). */
export function optionOff(v: Node, ctx: RuleContext): boolean {
  return JS_FALSY.test(ctx.resolve(v).text.trim());
}

/**
 * The whole number an expression always has, if the analyzer can tell: a literal, a name bound to
 * one (under a task, each binding that can reach it in turn: `TaintEngine.choices`), or `**`, `<<`,
 * `*`, `+`, `-` of such (`2 ** 14`, `1 << 14`).
 */
export function numberValue(node: Node | null | undefined, ctx: RuleContext, depth = 0): number | undefined {
  if (!node || depth > 8) return undefined;
  const n = ctx.resolve(node);
  if (ctx.model.profile.numberTypes.has(n.type)) return ctx.intValue(n);
  if (n.type === 'parenthesized_expression') return numberValue(n.namedChildren[0], ctx, depth + 1);
  if (n.type !== 'binary_operator' && n.type !== 'binary_expression') return undefined;
  const l = numberValue(n.childForFieldName('left'), ctx, depth + 1);
  const r = numberValue(n.childForFieldName('right'), ctx, depth + 1);
  if (l === undefined || r === undefined) return undefined;
  switch (n.childForFieldName('operator')?.text) {
    case '**':
      return r >= 0 && r < 64 ? l ** r : undefined;
    case '<<':
      return r >= 0 && r < 31 ? l * 2 ** r : undefined;
    case '*':
      return l * r;
    case '+':
      return l + r;
    case '-':
      return l - r;
  }
  return undefined;
}

/** Distinct tainted identifiers that a string-building expression interpolates. */
export function taintedParts(node: Node, ctx: RuleContext, kind: TaintKind): string[] {
  const names = new Set<string>();
  const stack: Node[] = ctx.model.profile.callTypes.has(node.type)
    ? [...(node.childForFieldName('arguments')?.namedChildren ?? [])].filter((c): c is Node => !!c)
    : [node];
  while (stack.length) {
    const n = stack.pop();
    if (!n) continue;
    if (ctx.model.profile.identifierTypes.has(n.type)) {
      if (ctx.tainted(n, kind)) names.add(n.text);
      continue;
    }
    if (ctx.model.profile.callTypes.has(n.type)) {
      if (ctx.tainted(n, kind)) names.add(n.text);
      continue;
    }
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return [...names];
}

/** Whether a string-building node is the outermost of its chain (report each expression once). */
export function isOutermostBuild(node: Node): boolean {
  const p = node.parent;
  if (!p) return true;
  if (p.type === node.type && (p.type === 'binary_operator' || p.type === 'binary_expression')) return false;
  if (p.type === 'parenthesized_expression') return isOutermostBuild(p);
  return true;
}

/** The literal (non-interpolated) text of a string-building expression. */
export function literalText(node: Node, ctx: RuleContext): string {
  const out: string[] = [];
  const stack: Node[] = [node];
  while (stack.length) {
    const n = stack.pop();
    if (!n) continue;
    const type = n.type;
    if (type === 'string_content' || type === 'string_fragment' || type === 'escape_sequence') {
      out.push(n.text);
      continue;
    }
    if (type === 'interpolation' || type === 'template_substitution') continue;
    const s = ctx.model.profile.stringTypes.has(type) ? ctx.stringValue(n) : undefined;
    if (s !== undefined) {
      out.push(s);
      continue;
    }
    for (let i = n.namedChildCount - 1; i >= 0; i--) {
      const c = n.namedChild(i);
      if (c) stack.push(c);
    }
  }
  return out.join('');
}

/** Whether the analyzer judges a task (a rule may then report what would be noise in a scan). */
export const judgingTask = (ctx: RuleContext): boolean => ctx.taskEvidence !== undefined;

const FUNCTION_NODE = /function|lambda|arrow|func_literal|method_definition|method_declaration/;
const BRANCHING =
  /^(?:if_statement|elif_clause|else_clause|for_statement|for_in_statement|for_range_loop|while_statement|do_statement|switch_statement|expression_switch_statement|type_switch_statement|switch_case|switch_default|expression_case|default_case|case_clause|match_statement|except_clause|catch_clause|conditional_expression|ternary_expression|select_statement|communication_case)$/;
const EXITS = [
  'return_statement',
  'raise_statement',
  'throw_statement',
  'break_statement',
  'continue_statement',
];

/**
 * Whether `x` runs whenever `call` does, as far as the text shows: from `x` up to the first node that
 * holds `call`, no function boundary and no branch, loop or handler body (the condition of an `if`
 * runs; a right operand of `and`/`&&`/`||` does not).
 */
function unconditionalWith(x: Node, call: Node): boolean {
  let child = x;
  for (let p = x.parent; p; child = p, p = p.parent) {
    if (p.startIndex <= call.startIndex && call.endIndex <= p.endIndex) return true;
    if (FUNCTION_NODE.test(p.type)) return false;
    if (BRANCHING.test(p.type)) {
      // the head of a branch runs (`if err := f.Chmod(0o600); err != nil`): its condition,
      // initializer or switch value
      const heads = ['condition', 'initializer', 'value'].map((f) => p.childForFieldName(f));
      if (!heads.some((h) => h && h.startIndex <= child.startIndex && child.endIndex <= h.endIndex))
        return false;
    }
    if (
      (p.type === 'boolean_operator' || p.type === 'binary_expression') &&
      /^(?:and|or|&&|\|\||\?\?)$/.test(p.childForFieldName('operator')?.text ?? '') &&
      child.equals(p.childForFieldName('right') ?? child)
    )
      return false;
  }
  return false;
}

/**
 * Whether the call `other` runs whenever `call` does, before it (`before`) or after it: it does not
 * sit in a branch, a loop or a function of its own relative to `call` (the head of a branch runs:
 * `if (RAND_bytes(iv, 16) != 1)`, Go's `if err := f.Chmod(0o600); ...`), and when it comes after, no
 * exit (`return`, `raise`, `throw`, `break`, `continue`) of the same function lies between them,
 * except under a test of what `call` made (`if (fd < 0) return -1;`: nothing was made). A chmod or
 * a umask that sets what a creation leaves open, or a random fill of an IV, counts only so: one on
 * another path (after the secure branch, past a trigger's early return) sets nothing for the
 * creation it is read against.
 */
export function runsWhenever(other: Node, call: Node, before: boolean): boolean {
  if (before ? other.endIndex > call.startIndex : other.startIndex < call.endIndex) return false;
  if (!unconditionalWith(other, call)) return false;
  if (before) return true;
  let common: Node | null = other.parent;
  while (common && !(common.startIndex <= call.startIndex && call.endIndex <= common.endIndex))
    common = common.parent;
  if (!common) return false;
  const made = madeNames(call);
  const test = made.length ? new RegExp(`\\b(?:${made.join('|')})\\b`) : undefined;
  for (const x of common.descendantsOfType(EXITS)) {
    if (!x || x.startIndex < call.endIndex || x.startIndex >= other.startIndex) continue;
    let ownFunction = false;
    let failed = false;
    for (let p = x.parent; p && !p.equals(common); p = p.parent) {
      if (FUNCTION_NODE.test(p.type)) ownFunction = true;
      const cond = p.childForFieldName('condition');
      if (!failed && test && cond && test.test(cond.text)) failed = true;
    }
    if (!ownFunction && !failed) return false;
  }
  return true;
}

/** The names a call's results are stored in (`fd = open(...)`, `FILE *f = fopen(...)`, Go's `f, err := os.Create(...)`). */
function madeNames(call: Node): string[] {
  let holder: Node | null = call.parent;
  while (holder && !/declarator|assignment|short_var_declaration/.test(holder.type)) holder = holder.parent;
  const left = holder
    ? (holder.childForFieldName('declarator') ??
      holder.childForFieldName('left') ??
      holder.childForFieldName('name'))
    : null;
  return (left?.text.replace(/^[*&\s]+/, '').split(/\s*,\s*/) ?? []).filter((n) => /^\w+$/.test(n));
}

export const ALL_LANGUAGES: readonly Language[] = ['python', 'c', 'cpp', 'go', 'javascript'];
export const C_FAMILY: readonly Language[] = ['c', 'cpp'];

/** Permission bits check shared by chmod / open / mkdir / umask rules. */
export function permissionProblem(mode: number): { level: 'error' | 'note'; text: string } | undefined {
  if (mode & 0o002)
    return { level: 'error', text: `mode 0${mode.toString(8)} lets every user write the file` };
  if (mode & 0o066)
    return {
      level: 'note',
      text: `mode 0${mode.toString(8)} lets group/other users read or write it; use 0600 (0700 for directories) for private data`,
    };
  return undefined;
}

/**
 * Path built from untrusted data beyond its base: the first component (the base directory, usually
 * configuration) may come from the caller, but a later component (the file name) must not be
 * tainted. Looks through one variable to the expression that built the path.
 */
export function builtBeyondBase(node: Node, ctx: RuleContext, kind: TaintKind): boolean {
  if (!ctx.built(node, kind)) return false;
  let r = ctx.resolve(node);
  if (r === node && ctx.model.profile.identifierTypes.has(node.type)) {
    const b = ctx.taint.latestBinding(node.text, node.startIndex);
    if (b?.kind === 'out' && b.value) r = b.value;
  }
  const parts = pathParts(r, ctx);
  if (parts.length < 2) return ctx.built(r, kind);
  return parts.slice(1).some((p) => ctx.tainted(p, kind));
}

function pathParts(n: Node, ctx: RuleContext): Node[] {
  const p = ctx.model.profile;
  if (p.callTypes.has(n.type)) {
    const args = (n.childForFieldName('arguments')?.namedChildren ?? []).filter(
      (c): c is Node => !!c && c.type !== 'keyword_argument',
    );
    const callee = (n.childForFieldName('function') ?? n.childForFieldName('constructor'))?.text ?? '';
    // The elements of a literal list joined (`strings.Join([]string{base, name}, "/")`,
    // `'/'.join([base, name])`) are the parts.
    if (/(?:^|\.)(?:join|Join|resolve)$/.test(callee))
      return args.flatMap((a) => {
        if (/^(?:list|tuple|array)$/.test(a.type)) return a.namedChildren.filter((c): c is Node => !!c);
        if (a.type === 'composite_literal')
          return (a.childForFieldName('body')?.namedChildren ?? [])
            .map((c) => (c?.type === 'literal_element' ? c.namedChildren[0] : c))
            .filter((c): c is Node => !!c);
        return [a];
      });
    // The folder of a path keeps the path's parts (`filepath.Dir(filepath.Join(base, name))`).
    if (/(?:^|\.)(?:Dir|dirname)$/.test(callee) && args[0]) return pathParts(ctx.resolve(args[0]), ctx);
    if (/printf$|Sprintf$/.test(callee)) {
      const fi = args.findIndex((a) => p.stringTypes.has(a.type));
      return fi >= 0 ? args.slice(fi + 1) : args;
    }
    return [n];
  }
  if (n.type === 'binary_operator' || n.type === 'binary_expression') {
    const l = n.childForFieldName('left');
    const r = n.childForFieldName('right');
    return [...(l ? pathParts(l, ctx) : []), ...(r ? pathParts(r, ctx) : [])].filter(
      (x) => !p.stringTypes.has(x.type),
    );
  }
  if (n.type === 'string' || n.type === 'template_string') {
    return n.namedChildren.filter(
      (c): c is Node => !!c && (c.type === 'interpolation' || c.type === 'template_substitution'),
    );
  }
  return [n];
}

/** Literal SQL statement text (the skeleton of a query built by formatting). */
export const SQL_STATEMENT =
  /\b(?:select\b[\s\S]*?\bfrom|insert\s+(?:or\s+\w+\s+)?into|update\b[\s\S]*?\bset|delete\s+from|replace\s+into|(?:create|drop|alter|truncate)\s+table)\b/i;

/**
 * Whether the expression reads untrusted input itself (a request field, argv, the environment,
 * stdin), directly or through local variables: a parameter alone does not count. Rules whose sink
 * is common in ordinary code (logging, file removal) ask this instead of plain taint. `skip`: sources
 * whose text it matches do not count (`/^process\./`: only what a remote attacker controls).
 */
export function readsInput(
  node: Node | undefined | null,
  ctx: RuleContext,
  depth = 0,
  skip?: RegExp,
): boolean {
  if (!node || depth > 5) return false;
  const p = ctx.model.profile;
  const stack: Node[] = [node];
  while (stack.length) {
    const n = stack.pop();
    if (!n) continue;
    if (p.sourceNodeTypes.has(n.type) && p.sourcePattern.test(n.text) && !skip?.test(n.text)) return true;
    if (p.identifierTypes.has(n.type)) {
      const b = ctx.taint.latestBinding(n.text, n.startIndex);
      if (b?.value && b.kind !== 'sanitize' && readsInput(b.value, ctx, depth + 1, skip)) return true;
      continue;
    }
    if (p.functionTypes.has(n.type)) continue;
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return false;
}

/** A string built by formatting (concatenation, interpolation, format calls) from untrusted data. */
export function builtStatement(
  node: Node | undefined,
  ctx: RuleContext,
  kind: TaintKind,
  statement: RegExp,
): boolean {
  if (!node) return false;
  // Cheap text test first: this runs on every argument of every call.
  const pieces = accumulatedValues(node, ctx);
  if (!statement.test(pieces.map((p) => p.text).join(' '))) return false;
  return statement.test(pieces.map((p) => literalText(p, ctx)).join('')) && ctx.built(node, kind);
}

/**
 * The values a variable was built from, in order: its last plain assignment and every `+=` after it
 * (`sql = "SELECT a "; sql += "FROM t WHERE id = '" + id + "'"`), so a statement assembled over
 * several lines is read whole. Anything else: the resolved value alone.
 */
export function accumulatedValues(node: Node, ctx: RuleContext): Node[] {
  if (!ctx.model.profile.identifierTypes.has(node.type)) return [ctx.resolve(node)];
  const list = ctx.taint
    .bindingsOf(node.text, node.startIndex)
    .filter((b) => b.at <= node.startIndex && b.value)
    .sort((a, b) => a.at - b.at);
  const out: Node[] = [];
  for (let i = list.length - 1; i >= 0; i--) {
    const b = list[i];
    if (!b?.value) continue;
    const augment = /augmented/.test(b.statement.type);
    if (b.kind !== 'assign' && !augment) break;
    out.unshift(augment ? b.value : ctx.resolve(b.value));
    if (!augment) break;
  }
  return out.length ? out : [ctx.resolve(node)];
}

/** `call` and `query` rule builders that fill in `kind` and the languages (one pair per rule file). */
export function ruleBuilders(languages: readonly Language[]): {
  call: (r: Omit<CallRule, 'kind' | 'languages'>) => CallRule;
  query: (r: Omit<QueryRule, 'kind' | 'languages'>) => QueryRule;
} {
  return {
    call: (r) => ({ kind: 'call', languages, ...r }),
    query: (r) => ({ kind: 'query', languages, ...r }),
  };
}

/**
 * Where a task is judged: the path `p` is a parameter's value opened as it came (or a slice of it,
 * or past a prefix: `name[:-3]`, `name.slice(3)`, `name + 3`), and the function confines that same
 * parameter somewhere else (joins it under a folder, or tests it for traversal): a name the task
 * keeps in a folder, opened without it, is any file. (A parameter that is a path in its own right,
 * an archive to extract, is never confined, and is not read here.)
 */
export function openedAsItCame(p: Node, ctx: RuleContext, depth = 0): boolean {
  if (!judgingTask(ctx)) return false;
  let v = p;
  for (let k = 0; k < 4; k++) {
    if (v.type === 'parenthesized_expression' && v.namedChildren[0]) v = v.namedChildren[0];
    else if ((v.type === 'subscript' || v.type === 'slice_expression') && v.namedChildren[0])
      v = v.childForFieldName('value') ?? v.childForFieldName('operand') ?? v.namedChildren[0];
    else if (
      (v.type === 'call_expression' || v.type === 'call') &&
      /\.(?:slice|substring|substr)$/.test(v.childForFieldName('function')?.text ?? '')
    )
      v = v.childForFieldName('function')?.childForFieldName('object') ?? v;
    else if (
      v.type === 'binary_expression' &&
      v.childForFieldName('operator')?.text === '+' &&
      /^\d+$/.test(v.childForFieldName('right')?.text ?? '') &&
      ctx.language !== 'javascript' &&
      ctx.language !== 'python'
    )
      v = v.childForFieldName('left') ?? v;
    else break;
  }
  if (v.type !== 'identifier') return false;
  if (!ctx.taint.isParam(v.text, v.startIndex) || ctx.resolve(v) !== v) {
    // A variable: any assignment that can reach here that is the parameter as it came (one side
    // of an `if` may join it under the folder, the other not).
    return (
      depth < 3 &&
      ctx.taint
        .bindingsOf(v.text, v.startIndex)
        .some((b) => !!b.value && openedAsItCame(b.value, ctx, depth + 1))
    );
  }
  const name = regExpLiteral(v.text);
  const fn = ctx.model.functionAt(p.startIndex).node.text;
  const confined = new RegExp(
    [
      // joined under a folder
      `(?:\\bpath\\.join|\\bpath\\.resolve|\\bfilepath\\.Join|(?<![\\w.])Path)\\([^;\\n]*\\b${name}\\b`,
      `["'\`]%s\\/%s["'\`][^;\\n]*\\b${name}\\b`,
      `\\/\\s*${name}\\b`,
      // tested for traversal or an absolute name
      `(?:isabs|IsAbs|isAbsolute)\\(\\s*${name}\\b`,
      `['"\`]\\.\\.['"\`]\\s*in\\s+${name}\\b`,
      `\\b${name}(?:\\.split\\([^)]*\\))?\\.(?:includes|indexOf)\\(\\s*['"\`]\\.\\.`,
      `(?:strstr|strings\\.Contains)\\(\\s*${name}\\s*,\\s*"\\.\\."`,
      `\\b${name}\\[0\\]\\s*==\\s*'\\/'`,
    ].join('|'),
  );
  return confined.test(fn);
}

/**
 * The modes a permission argument can give: a constant (`0o600`, `S_IRUSR | S_IWUSR` through
 * `named`), each branch of a conditional, an `|` of such, a conversion (`os.FileMode(0o600)`) or a
 * parse of a literal (`int('600', 8)`, `parseInt('600', 8)`); undefined when one cannot be read.
 */
export function modeValues(
  n: Node | null | undefined,
  ctx: RuleContext,
  named?: (text: string) => number | undefined,
  depth = 0,
): number[] | undefined {
  if (!n || depth > 6) return undefined;
  const direct = ctx.intValue(n) ?? named?.(n.text);
  if (direct !== undefined) return [direct];
  if (ctx.model.profile.identifierTypes.has(n.type)) {
    const r = ctx.resolve(n);
    return r === n || r.equals(n) ? undefined : modeValues(r, ctx, named, depth + 1);
  }
  const kids = n.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  if (n.type === 'parenthesized_expression' && kids.length === 1)
    return modeValues(kids[0], ctx, named, depth + 1);
  if (n.type === 'conditional_expression' || n.type === 'ternary_expression') {
    // Python `a if c else b`; C and JavaScript `c ? a : b`.
    const branches =
      n.type === 'conditional_expression' && ctx.language === 'python'
        ? [kids[0], kids[2]]
        : [n.childForFieldName('consequence'), n.childForFieldName('alternative')];
    const all = branches.map((b) => modeValues(b, ctx, named, depth + 1));
    return all.every((x) => x !== undefined) ? all.flat() : undefined;
  }
  if (
    (n.type === 'binary_operator' || n.type === 'binary_expression') &&
    n.childForFieldName('operator')?.text === '|'
  ) {
    const l = modeValues(n.childForFieldName('left'), ctx, named, depth + 1);
    const r = modeValues(n.childForFieldName('right'), ctx, named, depth + 1);
    return l && r ? l.flatMap((a) => r.map((b) => a | b)) : undefined;
  }
  if (n.type === 'call' || n.type === 'call_expression') {
    const callee = n.childForFieldName('function')?.text ?? '';
    const args = (n.childForFieldName('arguments')?.namedChildren ?? []).filter((c): c is Node => !!c);
    if (/^(?:(?:os|fs)\.FileMode|uint32|int|mode_t|Number)$/.test(callee) && args.length === 1)
      return modeValues(args[0], ctx, named, depth + 1);
    if (
      /^(?:int|parseInt|Number\.parseInt)$/.test(callee) &&
      args.length === 2 &&
      ctx.intValue(args[1]) === 8
    ) {
      const s = ctx.stringValue(args[0]);
      return s !== undefined && /^[0-7]+$/.test(s) ? [Number.parseInt(s, 8)] : undefined;
    }
  }
  return undefined;
}

/**
 * The worst permission problem of the modes a mode argument can give. Where a task is judged (its
 * weakness is a permission: the file is its secret) and the call changes an existing file's mode
 * (`raise`: a chmod; creation has task rules of its own), group or other access is a warning, not
 * a note, and a mode that cannot be read is one too (nothing shows the file stays private).
 */
export function modeProblem(
  n: Node | null | undefined,
  ctx: RuleContext,
  named?: (text: string) => number | undefined,
  raise = true,
): { severity: 'error' | 'warning' | 'note'; text: string } | undefined {
  const task = judgingTask(ctx) && raise;
  const values = modeValues(n, ctx, named);
  if (!values)
    return task && n
      ? { severity: 'warning', text: `the mode ${n.text} cannot be read as a constant` }
      : undefined;
  const problems = values.map(permissionProblem).filter((p) => !!p);
  const worst = problems.find((p) => p.level === 'error') ?? problems[0];
  if (!worst) return undefined;
  return { severity: worst.level === 'error' ? 'error' : task ? 'warning' : 'note', text: worst.text };
}

/** The mode of a combination of stat's permission names (`stat.S_IRUSR | stat.S_IWUSR`). */
export function statMode(text: string): number | undefined {
  // Only a combination of the names (`stat.S_IRUSR | stat.S_IWUSR`): with other parts, not read here.
  if (!/^(?:\s|\||\(|\)|(?:\w+\.)?S_I[RWX](?:USR|GRP|OTH|WXU|WXG|WXO))+$/.test(text)) return undefined;
  const bits: Record<string, number> = {
    S_IRWXU: 0o700,
    S_IRUSR: 0o400,
    S_IWUSR: 0o200,
    S_IXUSR: 0o100,
    S_IRWXG: 0o070,
    S_IRGRP: 0o040,
    S_IWGRP: 0o020,
    S_IXGRP: 0o010,
    S_IRWXO: 0o007,
    S_IROTH: 0o004,
    S_IWOTH: 0o002,
    S_IXOTH: 0o001,
  };
  const names = text.match(/S_I[RWX](?:USR|GRP|OTH|WXU|WXG|WXO)/g);
  if (!names) return undefined;
  return names.reduce((m, n) => m | (bits[n] ?? 0), 0);
}
