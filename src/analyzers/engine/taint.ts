import type { Node } from 'web-tree-sitter';
import type { Language } from '../../spec/language.ts';
import { FILTERED, filtersCharacters, testedSafe } from './c-filter.ts';
import { endsWithExit, leavingExits, readCondition } from './dominance.ts';
import {
  type Binding,
  type CallSite,
  declaratorName,
  type FileModel,
  type FunctionInfo,
  LOOP_TYPE,
  operatorOf,
  readCall,
} from './model.ts';
import {
  moduleFixed,
  trustedSanitizer,
  type VerifiedKind,
  validatorsTampered,
  verifiedValidation,
} from './verified-guards.ts';

/**
 * A light intra-procedural taint step. Sources: the enclosing function's parameters (generated
 * code is often a single function whose arguments come from the caller) and reads of requests,
 * argv, the environment and stdin. Taint follows assignments, copies, out-parameters and string
 * building in source order; a sanitizer call for the sink's kind, a re-assignment from a clean
 * value, or a validating `if` (an early exit, or the branch the sink sits in) cuts it.
 */
export type TaintKind =
  | 'sql'
  | 'cmd'
  | 'code'
  | 'path'
  | 'html'
  | 'header'
  | 'log'
  | 'url'
  | 'xpath'
  | 'ldap'
  | 'regex'
  | 'redirect'
  | 'index'
  | 'format'
  | 'generic';

interface TaintValue {
  tainted: boolean;
  /** The value was assembled by string building (concatenation, formatting) from tainted data. */
  built: boolean;
}

const CLEAN: TaintValue = { tainted: false, built: false };
const RAW: TaintValue = { tainted: true, built: false };

const NUMERIC_KINDS: ReadonlySet<TaintKind> = new Set(['index', 'format']);

/** Calls that neutralize data for a sink kind, per language (tested on the callee text). */
const SANITIZERS: Record<Language, Partial<Record<TaintKind, RegExp>>> = {
  python: {
    cmd: /^(?:shlex\.quote|pipes\.quote|quote)$/,
    path: /^(?:os\.path\.basename|secure_filename|werkzeug\.utils\.secure_filename|(?:flask\.|werkzeug\.utils\.|werkzeug\.security\.)?safe_join|.*\.name)$/,
    html: /^(?:html\.escape|escape|markupsafe\.escape|cgi\.escape|bleach\.clean|Markup\.escape|xml\.sax\.saxutils\.escape)$/,
    url: /^(?:urllib\.parse\.quote|quote|quote_plus|urllib\.parse\.quote_plus|urlencode)$/,
    regex: /^(?:re\.escape)$/,
    sql: /^(?:int|float)$/,
  },
  javascript: {
    cmd: /^(?:shellescape|shellEscape|quote|shq)$/,
    path: /^(?:path\.basename|basename)$/,
    html: /^(?:escape|escapeHtml|escapeHTML|he\.encode|he\.escape|validator\.escape|DOMPurify\.sanitize|sanitizeHtml|xss|_\.escape|lodash\.escape|encodeURIComponent)$/,
    url: /^(?:encodeURIComponent|encodeURI|querystring\.escape)$/,
    regex: /^(?:_\.escapeRegExp|escapeRegExp|escapeStringRegexp|lodash\.escapeRegExp|RegExp\.escape)$/,
    sql: /^(?:mysql\.escape|connection\.escape|pool\.escape|SqlString\.escape|sqlstring\.escape|pgFormat|format\.literal)$/,
    log: /^(?:JSON\.stringify|encodeURIComponent)$/,
    header: /^(?:encodeURIComponent|encodeURI)$/,
  },
  go: {
    path: /^(?:filepath\.Base|path\.Base)$/,
    html: /^(?:html\.EscapeString|template\.HTMLEscapeString|template\.HTMLEscaper|url\.QueryEscape)$/,
    url: /^(?:url\.QueryEscape|url\.PathEscape)$/,
    regex: /^(?:regexp\.QuoteMeta)$/,
    log: /^(?:strconv\.Quote)$/,
    header: /^(?:strconv\.Quote|url\.QueryEscape)$/,
  },
  c: { path: /^(?:basename)$/ },
  cpp: { path: /^(?:basename|.*::filename)$/ },
};

/** Escapes that turn every "/" of a location into "%2F": what is left is one relative path segment. */
const REDIRECT_ESCAPES =
  /^(?:encodeURIComponent|querystring\.escape|(?:urllib\.parse\.)?quote_plus|url\.(?:QueryEscape|PathEscape))$/;

/** A user-written escaper/validator for injection kinds (`html_escape`, `sanitizeInput`, `escapeRegex`). */
const NAMED_SANITIZER =
  /(?:escape|saniti[sz]|quote|encodeuri|urlencode|strip_?tags|clean_?input|html_?(?:encode|entities)|encode_?html|^e_?html$)/i;

const INJECTION_KINDS: ReadonlySet<TaintKind> = new Set([
  'sql',
  'cmd',
  'code',
  'html',
  'header',
  'log',
  'url',
  'xpath',
  'ldap',
  'regex',
  'redirect',
]);

const COMPARISON_OPS = new Set(['<', '<=', '>', '>=']);
const EQUALITY_OPS = new Set(['==', '===', '!=', '!==']);

/** C calls that append to their first argument (an out-binding that keeps the value before it). */
const APPENDS = /^(?:strcat|strncat|strlcat)$/;

export class TaintEngine {
  private readonly memo = new Map<string, TaintValue>();
  private readonly inProgress = new Set<string>();
  private readonly readOnly = new Map<string, boolean>();
  private tampered: boolean | undefined;
  /** Functions of the file read as HTML escapers or not (`escapesHtml`). */
  private readonly escapers = new Map<string, boolean>();
  /** Above 0 while reading the arguments of a call that may transform text (verified kinds). */
  private guardsOff = 0;

  /**
   * @param verified kinds whose guards must be validation the analyzer can verify (the oracle's
   * static evidence: `verified-guards.ts`); other kinds take any check of the value.
   */
  constructor(
    private readonly model: FileModel,
    private readonly verified: ReadonlySet<VerifiedKind> = new Set(),
    /** The code is judged for a task (the oracle), not scanned: see `searchHoldsTrue`. */
    private readonly underTask = false,
  ) {}

  /** Whether untrusted data reaches this expression (for a sink of `kind`). */
  tainted(node: Node, kind: TaintKind): boolean {
    return this.evaluate(node, kind, 0).tainted;
  }

  /** Whether the expression is a string assembled from untrusted data (an injection payload). */
  built(node: Node, kind: TaintKind): boolean {
    return this.evaluate(node, kind, 0).built;
  }

  /** Follows an identifier to the value last assigned to it (for constant checks); else the node. */
  resolve(node: Node, depth = 0): Node {
    if (depth > 6 || !this.model.profile.identifierTypes.has(node.type)) return node;
    const b = this.latestBinding(node.text, node.startIndex);
    // In C and C++ a write into an element (`p[n] = 0`, `*q = c`) keeps the rest of the buffer: its
    // value is not the byte written.
    const c = this.model.language === 'c' || this.model.language === 'cpp';
    if (
      !b?.value ||
      b.kind === 'out' ||
      b.kind === 'loop' ||
      b.kind === 'stream' ||
      b.kind === 'raised' ||
      (c && b.kind === 'augment')
    )
      return node;
    // Under a task, a module's variable bound more than once and read in a function has no one
    // value (see `variable`).
    if (
      this.underTask &&
      (this.model.topLevel.bindings.get(node.text)?.length ?? 0) > 1 &&
      this.model.topLevel.bindings.get(node.text)?.includes(b) &&
      this.model.functionAt(node.startIndex) !== this.model.topLevel
    )
      return node;
    return this.resolve(b.value, depth + 1);
  }

  /**
   * Under a task, where more than one binding can reach a use (`if t: alg = 'md5'` / `else: alg =
   * 'sha3_256'`), which one `latestBinding` answers there (key `name@use`, an index among the
   * bindings that reach it, the latest in the text first): runRules sets it to run a rule's check
   * again with each other binding (`exploreBindings`), so a value read where a rule decides is every
   * value the program can give it there, not only the one written last.
   */
  choices: ReadonlyMap<string, number> | undefined;
  /** Set while a check runs under a task: each use where a choice was possible, and how many bindings reach it. */
  choicePoints: Map<string, number> | undefined;

  /** The most recent binding of a name visible at `at` (under a task, the one chosen: `choices`). */
  latestBinding(name: string, at: number): Binding | undefined {
    for (const scope of this.model.scopesAt(at)) {
      const list = scope.bindings.get(name);
      if (list)
        for (let i = list.length - 1; i >= 0; i--) {
          const b = list[i];
          if (b && b.at <= at) return this.choicePoints ? this.chosen(name, at, list, i, scope) : b;
        }
      if (scope.params.includes(name)) return undefined;
    }
    return undefined;
  }

  /**
   * The bindings of `list` (from index `latest` back) that can reach the use at `at`: each one back
   * to the first assignment that runs whenever the use does; if none does, also what came before
   * them if it is a parameter (`undefined`: the value the caller gives). The one `choices` names is
   * returned. A C call that writes into its first argument (`snprintf(path, ...)`, `read(fd, buf,
   * n)`) binds it as an assignment does, unless it appends (`strcat`).
   */
  private chosen(
    name: string,
    at: number,
    list: readonly Binding[],
    latest: number,
    scope: FunctionInfo,
  ): Binding | undefined {
    const reaching: (Binding | undefined)[] = [];
    let covered = false;
    for (let i = latest; i >= 0 && reaching.length < 8; i--) {
      const b = list[i];
      if (!b || b.at > at) continue;
      reaching.push(b);
      const kills =
        b.kind === 'assign' ||
        b.kind === 'loop' ||
        b.kind === 'sanitize' ||
        (b.kind === 'out' &&
          !APPENDS.test(readCall(this.model.language, b.value ?? b.statement)?.calleeText ?? ''));
      if (kills && this.unconditionalFor(b.statement, at)) {
        covered = true;
        break;
      }
    }
    if (!covered && scope.params.includes(name)) reaching.push(undefined);
    // In a loop, what the body binds after the use reaches it on the next pass.
    for (let i = latest + 1; i < list.length && reaching.length < 8; i++) {
      const b = list[i];
      if (b && b.at > at && this.loopWith(b.statement, at)) reaching.push(b);
    }
    if (reaching.length < 2) return reaching[0];
    const key = `${name}@${at}`;
    this.choicePoints?.set(key, reaching.length);
    return reaching[Math.min(this.choices?.get(key) ?? 0, reaching.length - 1)];
  }

  /** Whether a named nested function is what a function enclosing it returns (`return wrapper`). */
  private returnedByName(scope: FunctionInfo): boolean {
    let known = this.returnedNames.get(scope);
    if (known !== undefined) return known;
    const name = scope.node.childForFieldName('name')?.text;
    const re = name && new RegExp(`^[ \\t]*return[ \\t]+${name.replace(/\$/g, '\\$')}[ \\t]*;?[ \\t]*$`, 'm');
    known =
      !!re &&
      this.model
        .scopesAt(scope.start)
        .some(
          (s) => s !== scope && s !== this.model.topLevel && s.start < scope.start && re.test(s.node.text),
        );
    this.returnedNames.set(scope, known);
    return known;
  }
  /** `returnedByName`'s answers (they depend on the text only). */
  private readonly returnedNames = new Map<FunctionInfo, boolean>();

  /** The outermost loop of the function that holds both this statement and the position `at`. */
  private loopWith(statement: Node, at: number): Node | undefined {
    let found: Node | undefined;
    for (let n = statement.parent; n && !this.model.profile.functionTypes.has(n.type); n = n.parent)
      if (LOOP_TYPE.test(n.type) && n.startIndex <= at && at <= n.endIndex) found = n;
    return found;
  }

  /**
   * Whether `s` reads one of `names` other than through a call that removes or replaces characters
   * inside it (`x.replace('/', '')`, `re.sub(...)`, `strings.ReplaceAll`): a predicate of what such
   * a call leaves (`x.replace('/', '').isalnum()`) holds of a value that keeps them.
   */
  private readsItself(s: Node, names: ReadonlySet<string>): boolean {
    if (![...names].some((nm) => mentions(s, nm))) return false;
    let n: Node | null = s;
    while (n?.type === 'parenthesized_expression') n = n.namedChildren[0] ?? null;
    if (!n || !this.model.profile.callTypes.has(n.type)) return true;
    const call = readCall(this.model.language, n);
    return !call || !CHARACTER_EDIT.test(call.name);
  }

  /** Forgets what was read under other `choices` (the memoized flow of values). */
  forgetChoices(): void {
    this.memo.clear();
    this.readOnly.clear();
    this.escapers.clear();
  }

  /** All bindings of a name in the scopes visible at `at` (any position). */
  bindingsOf(name: string, at: number): Binding[] {
    return this.model.scopesAt(at).flatMap((s) => s.bindings.get(name) ?? []);
  }

  isParam(name: string, at: number): boolean {
    return this.model.functionAt(at).params.includes(name);
  }

  private evaluate(node: Node, kind: TaintKind, depth: number): TaintValue {
    if (depth > 60) return CLEAN;
    const p = this.model.profile;
    const type = node.type;
    if (p.stringTypes.has(type) && !hasInterpolation(node)) return CLEAN;
    if (p.numberTypes.has(type)) return CLEAN;
    if (
      p.sourceNodeTypes.has(type) &&
      !p.callTypes.has(type) &&
      p.sourcePattern.test(node.text) &&
      !this.sanitizedChain(node, kind)
    )
      return RAW;
    // Under a task a method's `this` is the object it is called on (`new R(name).read()`).
    if (type === 'this' && this.underTask) return this.thisOf(node, kind, depth);
    if (p.identifierTypes.has(type)) {
      if (isNameNotReference(node)) return CLEAN;
      return this.variable(node.text, node.startIndex, kind, depth);
    }
    // Under a task a JavaScript `new Proxy(target, handler)` holds what the target holds and what
    // the handler's traps return (`new Proxy({}, { get: () => url }).to` reads the trap).
    if (
      this.underTask &&
      type === 'new_expression' &&
      /^(?:globalThis\.)?Proxy$/.test(node.childForFieldName('constructor')?.text ?? '')
    ) {
      const [target, handler] = (node.childForFieldName('arguments')?.namedChildren ?? []).filter(
        (c): c is Node => !!c && c.type !== 'comment',
      );
      let out = target ? this.evaluate(target, kind, depth + 1) : CLEAN;
      for (const trap of handler?.type === 'object' ? handler.namedChildren : []) {
        const f =
          trap?.type === 'pair'
            ? trap.childForFieldName('value')
            : trap?.type === 'method_definition'
              ? trap
              : null;
        if (!f) continue;
        const fn = this.model.functionAt(f.startIndex);
        if (!fn.node.equals(f)) continue;
        const v = this.returnedBy(fn, kind, depth + 1);
        if (v.tainted) out = { tainted: true, built: out.built || v.built };
      }
      return out;
    }
    if (p.callTypes.has(type)) return this.call(node, kind, depth);
    // JavaScript's `a || b` / `a ?? b` is one of its operands and `a && b` is b: values, not tests.
    if (type === 'binary_expression' && this.model.language === 'javascript') {
      const op = node.childForFieldName('operator')?.text;
      if (op === '||' || op === '??' || op === '&&') {
        const sides = [node.childForFieldName('right'), op === '&&' ? null : node.childForFieldName('left')];
        let out = CLEAN;
        for (const side of sides) {
          if (!side) continue;
          const v = this.evaluate(side, kind, depth + 1);
          if (v.tainted) out = { tainted: true, built: out.built || v.built };
        }
        return out;
      }
    }
    if (isComparison(node)) return CLEAN;
    // Under a task a getter of an object literal (`{ get to() { return url; } }`) is the value it
    // returns: reading the property runs it.
    if (
      this.underTask &&
      type === 'method_definition' &&
      node.children.some((c) => c?.type === 'get') &&
      node.parent?.type === 'object'
    ) {
      const fn = this.model.functionAt(node.startIndex);
      if (fn.node.equals(node)) return this.returnedBy(fn, kind, depth);
    }
    // A function is not data, but under verified kinds what it captures is: an object whose
    // `toString` returns the input carries the input to a sink that converts it to text.
    if (p.functionTypes.has(type) && !this.verified.has(kind as VerifiedKind)) return CLEAN;
    let tainted = false;
    let built = false;
    // `c ? a : b` is a or b: the condition picks one and does not flow into the value.
    const condition =
      type === 'ternary_expression' || type === 'conditional_expression'
        ? node.childForFieldName('condition')
        : null;
    for (const child of node.namedChildren) {
      if (!child || (condition && child.equals(condition))) continue;
      const v = this.evaluate(child, kind, depth + 1);
      if (v.tainted) tainted = true;
      if (v.built) built = true;
      if (tainted && built) break;
    }
    if (tainted && !built && (isStringBuilding(node) || this.joinsFilesystemPath(node))) built = true;
    return { tainted, built };
  }

  /**
   * Under a task, C++'s `std::filesystem::path(base) / name`, `p / name` for a `path` variable: a
   * join, as `+` of text is (scans leave it to cpp.path-join-unconfined).
   */
  private joinsFilesystemPath(node: Node): boolean {
    if (!this.underTask || this.model.language !== 'cpp' || node.type !== 'binary_expression') return false;
    if (node.childForFieldName('operator')?.text !== '/') return false;
    let left = node.childForFieldName('left');
    while (left?.type === 'binary_expression' && left.childForFieldName('operator')?.text === '/')
      left = left.childForFieldName('left');
    if (!left) return false;
    if (/^(?:std::)?(?:filesystem::|fs::)?path\s*[({]/.test(left.text)) return true;
    const type =
      left.type === 'identifier' ? (this.model.declaredType(left.text, left.startIndex) ?? '') : '';
    return /(?:^|::)path$/.test(type.replace(/^const\s+|\s*&$/g, '').trim());
  }

  private call(node: Node, kind: TaintKind, depth: number): TaintValue {
    const p = this.model.profile;
    // Read as the model reads it: through aliases, `.call`/`.apply`, constant computed names.
    const call = this.model.callOf(node) ?? readCall(this.model.language, node);
    if (!call) return CLEAN;
    const text = call.calleeText;
    // Escaping undone (`html.unescape(html.escape(x))`, `escape(x).replace('&lt;', '<')`): the
    // text as it was before the escaper.
    if (kind === 'html') {
      const undone = undoesEscaping(this.model.language, call, this.model.profile.stringTypes);
      if (undone) {
        const v = this.evaluate(this.beforeEscaping(undone, kind), kind, depth + 1);
        if (v.tainted) return v;
      }
    }
    // A sanitizer applied to a request read (`request.args["u"].replace("\n", "")`) cleans it.
    if (this.sanitizes(call.name, text, call.args, kind)) return CLEAN;
    // A method chained on a sanitized read (`req.url.replace(/\./g, '').split('?')`) is not the
    // read itself: its text matches the source pattern, but its receiver is clean.
    if (p.sourcePattern.test(node.text) && !this.sanitizedChain(call.receiver, kind)) return RAW;
    // Text read back from a jQuery object held in a variable (`const el = $('<span>'); ...
    // el.text()`), as `$('#x').text()` is: markup once written back as HTML.
    if (
      this.model.language === 'javascript' &&
      (call.name === 'text' || call.name === 'val') &&
      !call.args.length &&
      call.receiver?.type === 'identifier'
    ) {
      const b = this.latestBinding(call.receiver.text, node.startIndex);
      if (b?.kind === 'assign' && b.value && /^(?:\$|jQuery)\s*\(/.test(b.value.text)) return RAW;
    }
    if (!NUMERIC_KINDS.has(kind) && p.neutralCalls.test(text)) return CLEAN;
    // Under a task a nested function's call is also what it returns (see `returnedBy`).
    if (this.underTask)
      for (const fn of this.nestedCalled(call)) {
        const r = this.returnedBy(fn, kind, depth);
        if (r.tainted) return r;
      }
    // Values bound to a statement's placeholders (`text(sql).bindparams(p0=v)`) are not SQL text.
    if (kind === 'sql' && call.receiver && /^(?:bindparams|bind_params|params)$/.test(call.name))
      return this.evaluate(call.receiver, kind, depth + 1);
    let tainted = false;
    let built = false;
    const parts = call.receiver ? [call.receiver, ...call.args, ...call.kwargs.values()] : [...call.args];
    if (!call.receiver) for (const v of call.kwargs.values()) parts.push(v);
    // Under a task, a function computed in place is data too: a method taken from the input
    // (`getattr(url, 'strip')()`) gives back the input's text.
    if (this.underTask && call.callee && p.callTypes.has(call.callee.type)) parts.push(call.callee);
    // Under verified kinds a guard confines the text it read, not what a call makes of it
    // (`bytes.fromhex(x).decode()` of a validated hex string is any text): the arguments of a call
    // that may transform text are read as if unguarded.
    const transforms = this.verified.has(kind as VerifiedKind) && !PRESERVING_CALL.test(text);
    if (transforms) this.guardsOff++;
    try {
      for (const a of parts) {
        const v = this.evaluate(a, kind, depth + 1);
        if (v.tainted) tainted = true;
        if (v.built) built = true;
      }
    } finally {
      if (transforms) this.guardsOff--;
    }
    if (tainted && p.buildingCalls.test(text)) built = true;
    // Text put into a placeholder of other text (`'... @'.replace('@', x)`, Go's
    // `strings.Replace(t, "@", x, 1)`): the replacement is built into the result.
    if (tainted && !built && /^(?:replace|replaceAll|Replace|ReplaceAll)$/.test(call.name)) {
      const replacement = call.receiver ? call.args[1] : call.args[2];
      if (replacement && this.evaluate(replacement, kind, depth + 1).tainted) built = true;
    }
    return { tainted, built };
  }

  /**
   * Whether the call sanitizes for `kind`. Under verified kinds only a standard library's escaper
   * counts, and only where the program has not rebound or patched it (verified-guards.ts): a
   * function the program wrote is trusted by its name nowhere the oracle decides with it.
   */
  private sanitizes(name: string, text: string, args: Node[], kind: TaintKind): boolean {
    // Under a task a redirect location is neutralized only by an escape of its slashes (a name
    // that says "quote" or "escape" may leave `//evil.example` as it is: `encodeURI`, `quote`).
    if (this.underTask && kind === 'redirect') return REDIRECT_ESCAPES.test(text);
    if (!this.verified.has(kind as VerifiedKind))
      return isSanitizerCall(this.model.language, name, text, args, kind);
    if (kind === 'html' && isEscapingReplace(this.model.language, name, text, args)) return true;
    if (kind === 'html' && text === name && this.escapesHtml(name)) return true;
    if (
      kind === 'html' &&
      text === name &&
      this.model.language === 'javascript' &&
      this.requiredEscaper(name)
    )
      return true;
    return trustedSanitizer(text, this.model.language, kind as VerifiedKind, this.model.source);
  }

  /**
   * A function of the file that escapes HTML, read from its body (verified kinds): defined once
   * under `name`, never assigned, and every `return` in it gives a chain that escapes `<`
   * (`s.replace(/&/g, '&amp;').replace(/</g, '&lt;')...`, `html.escape(s)`). A helper that returns
   * its input raw on any path is no escaper, whatever it is called.
   */
  private escapesHtml(name: string): boolean {
    const known = this.escapers.get(name);
    if (known !== undefined) return known;
    this.escapers.set(name, false);
    const lang = this.model.language;
    if (lang === 'c' || lang === 'cpp') {
      // C/C++: one definition of that name whose body copies no '&', '<', '>', '"' or "'" but in
      // an entity (c-filter.ts: CWEval's `html_escape`).
      const defs = this.model.functions.filter(
        (f) =>
          f.node.type === 'function_definition' &&
          declaratorName(f.node.childForFieldName('declarator') ?? f.node) === name,
      );
      const ok = defs.length === 1 && !!defs[0] && filtersCharacters(defs[0].node, FILTERED.html, lang);
      this.escapers.set(name, ok);
      return ok;
    }
    // `function esc(s) {...}` / `def esc(s):`, or one `const esc = (s) => ...` binding.
    const bound = this.model.topLevel.bindings.get(name) ?? [];
    const named = this.model.functions.filter((f) => f.node.childForFieldName('name')?.text === name);
    const assigned = bound.length === 1 && bound[0]?.kind === 'assign' ? bound[0].value : null;
    const fnNode =
      named.length === 1 && bound.length === 0
        ? named[0]?.node
        : named.length === 0 &&
            assigned &&
            /^(?:arrow_function|function_expression|function)$/.test(assigned.type)
          ? assigned
          : undefined;
    const def = fnNode
      ? this.model.functions.find((f) => f.node.startIndex === fnNode.startIndex)
      : undefined;
    let ok = false;
    if (fnNode && def) {
      const body = fnNode.childForFieldName('body');
      const values =
        body && body.type !== 'statement_block' && body.type !== 'block'
          ? [body]
          : fnNode
              .descendantsOfType('return_statement')
              .filter((r): r is Node => !!r && this.model.enclosingFunction(r) === def)
              .map((r) => r.namedChildren.find((c) => c && c.type !== 'comment') ?? null);
      ok = values.length > 0 && values.every((v) => !!v && this.sanitizedChain(v, 'html'));
    }
    this.escapers.set(name, ok);
    return ok;
  }

  /**
   * JavaScript: `name` is bound only to `require('escape-html')` (each binding of it in the file),
   * in a file that cannot change what that require gives (`moduleFixed`: the sandbox binds the
   * package read-only, and nothing in the file could write a module that shadows it or patch the
   * loader).
   */
  private requiredEscaper(name: string): boolean {
    const key = `require:${name}`;
    const known = this.escapers.get(key);
    if (known !== undefined) return known;
    const bindings = [this.model.topLevel, ...this.model.functions].flatMap(
      (f) => f.bindings.get(name) ?? [],
    );
    const ok =
      bindings.length > 0 &&
      bindings.every((b) => {
        const v = b.kind === 'assign' ? b.value : null;
        if (v?.type !== 'call_expression' || v.childForFieldName('function')?.text !== 'require')
          return false;
        const args = v.childForFieldName('arguments')?.namedChildren ?? [];
        return args.length === 1 && /^(['"])escape-html\1$/.test(args[0]?.text ?? '');
      }) &&
      moduleFixed(this.model.source);
    this.escapers.set(key, ok);
    return ok;
  }

  /** Whether a call in the chain below `node` (`a.b(...).c(...)[0]`) sanitizes for `kind`. */
  private sanitizedChain(node: Node | null, kind: TaintKind): boolean {
    const lang = this.model.language;
    const p = this.model.profile;
    for (let r = node, i = 0; r && i < 12; i++) {
      if (p.callTypes.has(r.type)) {
        const c = readCall(lang, r);
        if (!c) return false;
        if (this.sanitizes(c.name, c.calleeText, c.args, kind)) return true;
        r = c.receiver;
      } else if (/^(?:member_expression|subscript_expression|attribute|subscript)$/.test(r.type)) {
        r = r.childForFieldName('object') ?? r.childForFieldName('value');
      } else return false;
    }
    return false;
  }

  private variable(name: string, at: number, kind: TaintKind, depth: number): TaintValue {
    for (const scope of this.model.scopesAt(at)) {
      const list = scope.bindings.get(name) ?? [];
      // Under a task, a module's variable read in a function holds whatever any of its bindings
      // put there (a function sets it, `global`, before another reads it): order in the text says
      // nothing of the order of the calls.
      if (
        this.underTask &&
        scope === this.model.topLevel &&
        list.length &&
        this.model.functionAt(at) !== scope
      ) {
        let out = CLEAN;
        for (const b of list) {
          const v = this.binding(b, kind, depth);
          if (v.tainted) out = { tainted: true, built: out.built || v.built };
        }
        return out;
      }
      const acc: TaintValue = CLEAN;
      // Under a task, what a loop's body binds after the use reaches it on the next pass (unless a
      // check in the loop before the use cuts it).
      if (this.underTask)
        for (const b of list) {
          if (b.at <= at || (b.kind === 'sanitize' && this.verified.has(kind as VerifiedKind))) continue;
          const loop = this.loopWith(b.statement, at);
          if (!loop) continue;
          const v = this.binding(b, kind, depth);
          if (v.tainted && (this.guardsOff > 0 || !this.guarded(name, loop.startIndex, at, kind, scope)))
            return v;
        }
      for (let i = list.length - 1; i >= 0; i--) {
        const b = list[i];
        if (!b || b.at > at) continue;
        // `check_safe(x)` as a statement "sanitizes" x only by its name: not under verified kinds.
        if (b.kind === 'sanitize' && this.verified.has(kind as VerifiedKind)) continue;
        const v = this.binding(b, kind, depth);
        if (v.tainted && (this.guardsOff > 0 || !this.guarded(name, b.at, at, kind, scope))) {
          return { tainted: true, built: v.built || acc.built };
        }
        const unconditional =
          (b.kind === 'assign' || b.kind === 'loop' || b.kind === 'sanitize') &&
          this.unconditionalFor(b.statement, at);
        if (unconditional) return acc;
      }
      if (scope.params.includes(name)) {
        // Parameters of a closure nested in another function get their values from the enclosing
        // code (callbacks, helpers), not from the caller: they are not sources. A JavaScript
        // function the enclosing one returns (a factory's product: `return function (msg) {...}`)
        // is called by the factory's callers, so its parameters are.
        if (
          scope !== this.model.topLevel &&
          !(this.model.language === 'javascript' && isReturned(scope.node)) &&
          // under a task, a nested function the enclosing one returns by name (a decorator's
          // wrapper rebound over the entry point: `f = wrap(f)`) is called by the program's callers
          !(this.underTask && this.returnedByName(scope)) &&
          // under verified kinds a closure's parameters may carry the input (`(lambda c: os.system(c))(x)`)
          !this.verified.has(kind as VerifiedKind) &&
          this.model
            .scopesAt(scope.start)
            .some((s) => s !== scope && s !== this.model.topLevel && s.start < scope.start)
        ) {
          // Under a task they carry what the file hands them (`receivedBy`).
          if (!this.underTask) return CLEAN;
          if (this.guardsOff === 0 && this.guarded(name, scope.start, at, kind, scope)) return CLEAN;
          return this.receivedBy(scope, name, kind, depth);
        }
        if (this.guardsOff === 0 && this.guarded(name, scope.start, at, kind, scope)) return CLEAN;
        return RAW;
      }
      if (list.length) return acc;
    }
    return CLEAN;
  }

  /**
   * Under a task, what a parameter of a nested function receives where the file invokes it
   * (`FileModel.invocationsOf`): the argument in its place at each call of its name (a method's
   * `self` is the receiver), the call's other values where it is handed over as a callback
   * (`map(lambda p: open(p), [name])`, `[name].forEach((p) => ...)`), and its default value. Each is
   * read at the invocation, where the caller's checks count. A function invoked nowhere the file
   * shows receives nothing known.
   */
  private receivedBy(scope: FunctionInfo, name: string, kind: TaintKind, depth: number): TaintValue {
    const key = `recv:${scope.start}:${name}:${kind}:${this.guardsOff > 0}`;
    const memo = this.memo.get(key);
    if (memo) return memo;
    if (this.inProgress.has(key)) return CLEAN;
    this.inProgress.add(key);
    let out = CLEAN;
    const index = scope.params.indexOf(name);
    const values: Node[] = [];
    for (const inv of this.model.invocationsOf(scope)) {
      const c = inv.call;
      if (inv.callback) {
        for (const v of [c.receiver, ...c.args, ...c.kwargs.values()])
          if (v && !(v.startIndex <= scope.start && scope.end <= v.endIndex)) values.push(v);
        continue;
      }
      const i = index - inv.offset;
      const v = i < 0 ? (inv.method ? c.receiver : null) : (c.kwargs.get(name) ?? c.args[i]);
      if (v) values.push(v);
    }
    const fallback = defaultValue(scope.node, name);
    if (fallback) values.push(fallback);
    for (const v of values) {
      const t = this.evaluate(v, kind, depth + 1);
      if (t.tainted)
        out = { tainted: true, built: out.built || (t.built && this.builtBeyondBase(v, kind, depth)) };
      if (out.built) break;
    }
    this.inProgress.delete(key);
    this.memo.set(key, out);
    return out;
  }

  /**
   * For paths, whether a value handed to a nested function is built from input beyond its first part
   * (the folder): `join(base, basename(name))` is a path under the folder the caller confined, as the
   * rules read it where it is opened in place (`builtBeyondBase`); a call of the program's own
   * function or class is read through its arguments. Other kinds: built as evaluated.
   */
  private builtBeyondBase(v: Node, kind: TaintKind, depth: number): boolean {
    if (kind !== 'path' || depth > 40) return true;
    const p = this.model.profile;
    const r = this.resolve(v);
    if (p.callTypes.has(r.type)) {
      const call = readCall(this.model.language, r);
      if (!call) return true;
      if (/^(?:join|Join|resolve)$/.test(call.name) && call.args.length > 1)
        return call.args.slice(1).some((a) => this.evaluate(a, kind, depth + 1).tainted);
      if (/^[A-Za-z_]\w*$/.test(call.calleeText) && this.model.functions.some((f) => invokedHere(f, call)))
        return call.args.some((a) => this.builtBeyondBase(a, kind, depth + 1));
      return true;
    }
    if (r.type === 'binary_expression' || r.type === 'binary_operator') {
      const parts: Node[] = [];
      const flat = (n: Node) => {
        if (
          (n.type === 'binary_expression' || n.type === 'binary_operator') &&
          n.childForFieldName('operator')?.text === '+'
        ) {
          const l = n.childForFieldName('left');
          const rr = n.childForFieldName('right');
          if (l) flat(l);
          if (rr) flat(rr);
        } else parts.push(n);
      };
      flat(r);
      if (parts.length > 1) return parts.slice(1).some((a) => this.evaluate(a, kind, depth + 1).tainted);
    }
    return true;
  }

  /**
   * Under a task, what a call of a nested function of the file returns (or yields): its `return`
   * values read in its own scope, where what it captures comes from the enclosing code
   * (`def mk(): return join(base, name)` ... `open(mk())`). Top-level functions are not followed:
   * their parameters are sources already, which the call's arguments stand for.
   */
  private returnedBy(fn: FunctionInfo, kind: TaintKind, depth: number): TaintValue {
    const key = `ret:${fn.start}:${kind}:${this.guardsOff > 0}`;
    const memo = this.memo.get(key);
    if (memo) return memo;
    if (this.inProgress.has(key)) return CLEAN;
    this.inProgress.add(key);
    let out = CLEAN;
    for (const v of returnedValues(fn, this.model)) {
      const t = this.evaluate(v, kind, depth + 1);
      if (t.tainted) out = { tainted: true, built: out.built || t.built };
      if (out.built) break;
    }
    this.inProgress.delete(key);
    this.memo.set(key, out);
    return out;
  }

  /** The text an escaper was given, through names bound to it and chained escapes (`escape(x)` -> `x`). */
  private beforeEscaping(n: Node, kind: TaintKind): Node {
    let r = n;
    for (let i = 0; i < 8; i++) {
      r = this.resolve(r);
      if (!this.model.profile.callTypes.has(r.type)) return r;
      const c = this.model.callOf(r) ?? readCall(this.model.language, r);
      if (!c || !this.sanitizes(c.name, c.calleeText, c.args, kind)) return r;
      // An escaping replace chain (`s.replace('<', '&lt;')`) escapes its receiver; an escaper
      // function (`html.escape(s)`) its first argument.
      const next =
        /^(?:replace|replaceAll)$/.test(c.name) && c.receiver ? c.receiver : (c.args[0] ?? c.receiver);
      if (!next) return r;
      r = next;
    }
    return r;
  }

  /** JavaScript's `this` in a method: the receivers of the method's calls the file shows. */
  private thisOf(node: Node, kind: TaintKind, depth: number): TaintValue {
    let fn = this.model.enclosingFunction(node);
    while (fn.node.type === 'arrow_function') fn = this.model.enclosingFunction(fn.node.parent ?? fn.node);
    if (fn === this.model.topLevel) return CLEAN;
    const key = `this:${fn.start}:${kind}:${this.guardsOff > 0}`;
    const memo = this.memo.get(key);
    if (memo) return memo;
    if (this.inProgress.has(key)) return CLEAN;
    this.inProgress.add(key);
    let out = CLEAN;
    // The constructor's object is what its class's other methods are called on.
    const cls = fn.node.parent?.type === 'class_body' ? fn.node.parent : null;
    const methods = cls
      ? this.model.functions.filter(
          (f) => f.node.parent?.startIndex === cls.startIndex && f.node.parent.endIndex === cls.endIndex,
        )
      : [fn];
    for (const m of methods)
      for (const inv of this.model.invocationsOf(m)) {
        const v = inv.method ? inv.call.receiver : null;
        if (!v) continue;
        const t = this.evaluate(v, kind, depth + 1);
        if (t.tainted) out = { tainted: true, built: out.built || t.built };
      }
    this.inProgress.delete(key);
    this.memo.set(key, out);
    return out;
  }

  /** The nested functions (not top-level ones) a call names, by the name they are defined or bound under. */
  private nestedCalled(call: CallSite): FunctionInfo[] {
    this.nested ??= this.model.functions.filter(
      (f) => this.model.enclosingFunction(f.node.parent ?? f.node) !== this.model.topLevel,
    );
    if (!this.nested.length) return [];
    return this.model
      .invokedAt(call.node)
      .map((x) => x.fn)
      .filter((f) => this.nested?.includes(f));
  }

  /** The functions nested in another (built on first use). */
  private nested: FunctionInfo[] | undefined;

  private binding(b: Binding, kind: TaintKind, depth: number): TaintValue {
    const key = `${b.name}@${b.at}:${b.kind}:${kind}:${this.guardsOff > 0}`;
    const memo = this.memo.get(key);
    if (memo) return memo;
    if (this.inProgress.has(key) || !b.value) return CLEAN;
    this.inProgress.add(key);
    let v: TaintValue;
    if (b.kind === 'sanitize') {
      v = CLEAN;
    } else if (b.kind === 'raised') {
      // Under a task: what the `try` body raises or throws (`raise KeyError(name)` ... `except
      // KeyError as e: open(e.args[0])`). Scans read nothing into it.
      v = CLEAN;
      if (this.underTask)
        for (const r of b.value.descendantsOfType(['raise_statement', 'throw_statement'])) {
          const x = r?.namedChildren.find((c) => c && c.type !== 'comment');
          const t = x ? this.evaluate(x, kind, depth + 1) : CLEAN;
          if (t.tainted) v = { tainted: true, built: v.built || t.built };
        }
    } else if (b.kind === 'out') {
      // strcpy(dst, src) / snprintf(dst, n, fmt, args...): dst takes the other arguments' data.
      const call = readCall(this.model.language, b.value);
      v = CLEAN;
      if (call && !this.sanitizes(call.name, call.calleeText, call.args, kind)) {
        if (/^(?:fgets|gets|read|recv|recvfrom|fread|getline)$/.test(call.calleeText)) v = RAW;
        else {
          for (const a of call.args.slice(1)) {
            const av = this.evaluate(a, kind, depth + 1);
            if (av.tainted) v = { tainted: true, built: v.built || av.built };
          }
          if (v.tainted && /printf|cat$/.test(call.calleeText)) v = { tainted: true, built: true };
          // A copy to a place past the buffer's start (`memcpy(p + n, src, k)`, `strcpy(&p[n], s)`)
          // appends to what is there.
          const dst = call.args[0];
          if (v.tainted && dst && !this.model.profile.identifierTypes.has(dst.type))
            v = { tainted: true, built: true };
        }
      }
    } else if (b.kind === 'stream') {
      v = this.evaluate(b.value, kind, depth + 1);
      if (v.tainted) v = { tainted: true, built: true };
    } else {
      v = this.evaluate(b.value, kind, depth + 1);
      if (b.kind === 'augment' && v.tainted) v = { tainted: true, built: true };
    }
    this.inProgress.delete(key);
    this.memo.set(key, v);
    return v;
  }

  /** True when the binding statement is not inside a branch that excludes the use at `at`. */
  unconditionalFor(statement: Node, at: number): boolean {
    const branch = this.model.profile.branchTypes;
    let n: Node | null = statement.parent;
    while (n) {
      if (this.model.profile.functionTypes.has(n.type)) return true;
      if (branch.has(n.type) && n.type !== 'block') return n.startIndex <= at && at <= n.endIndex;
      n = n.parent;
    }
    return true;
  }

  /** A validating `if` between `from` and the use at `at` cuts the flow of `name`. */
  private guarded(name: string, from: number, at: number, kind: TaintKind, scope: FunctionInfo): boolean {
    const p = this.model.profile;
    // Under a task, a C/C++ loop's character written to a log line is guarded only by tests that
    // rule out both line breaks where it is written (c-filter.ts): `if (ch == '\r') ... else out +=
    // ch` still lets a '\n' through.
    const lang = this.model.language;
    // (HTML too where the oracle decides with verified guards: `&`, `<`, `>`, `"` and `'`)
    const filtered =
      kind === 'log' ? FILTERED.log : kind === 'html' && this.verified.has('html') ? FILTERED.html : null;
    if (this.underTask && filtered && (lang === 'c' || lang === 'cpp')) {
      if ((scope.bindings.get(name) ?? []).some((b) => b.kind === 'loop')) {
        const node = this.model.tree.rootNode.descendantForIndex(at);
        return !!node && testedSafe(name, node, filtered);
      }
    }
    for (const type of p.ifTypes) {
      for (const stmt of this.model.nodesOfType(type)) {
        if (stmt.startIndex < from || stmt.startIndex > at) continue;
        if (stmt.startIndex < scope.start || stmt.endIndex > scope.end) continue;
        const cond = stmt.childForFieldName('condition');
        if (!cond || cond.endIndex > at) continue;
        const inside = stmt.endIndex >= at;
        if (!inside && !this.exitsBefore(stmt, at)) continue;
        // Under a task, an early exit guards only what follows it in a block that holds the use
        // (one in the other branch of an `if` decides nothing here).
        if (!inside && this.underTask && !this.exitDominates(stmt, at)) continue;
        // In the `else` branch the condition is false there, as after an early exit.
        const alt = stmt.childForFieldName('alternative');
        const holds = inside && !(alt && alt.startIndex <= at);
        if (this.verified.has(kind as VerifiedKind)) {
          if (!inside && this.runsAfterLeaving(stmt, at)) continue;
          if (this.verifiedCondition(cond, name, at, holds, kind as VerifiedKind)) return true;
        } else if (this.conditionValidates(cond, name, kind, at, holds)) return true;
      }
    }
    return false;
  }

  /**
   * Whether the `if` before the use at `at` ends by leaving: a return, raise or exit leaves the
   * function; a break or continue only its loop, so it guards uses inside that loop alone.
   */
  private exitsBefore(stmt: Node, at: number): boolean {
    const p = this.model.profile;
    const lang = this.model.language;
    if (!endsWithExit(stmt, p.exitStatementTypes, p.exitCalls, lang)) return false;
    if (endsWithExit(stmt, leavingExits(p), p.exitCalls, lang)) return true;
    for (let n = stmt.parent; n && !p.functionTypes.has(n.type); n = n.parent)
      if (LOOP_TYPE.test(n.type)) return n.startIndex <= at && at < n.endIndex;
    return false;
  }

  /**
   * Whether an `if` that leaves comes before the use at `at` on every path to it: between it and the
   * first enclosing node that holds the use there are only blocks and loops (a loop that refuses an
   * element by leaving), no branch of another `if`, `switch` or `try`.
   */
  private exitDominates(stmt: Node, at: number): boolean {
    for (let n = stmt.parent; n; n = n.parent) {
      if (n.startIndex <= at && at < n.endIndex) return true;
      if (this.model.profile.functionTypes.has(n.type) || BRANCHING.test(n.type)) return false;
    }
    return false;
  }

  /**
   * Whether the use at `at` runs on the way out of the `if`'s early exit: in a `finally` of a `try`
   * around it, or in an `except`/`catch` the exit's raise reaches.
   */
  private runsAfterLeaving(stmt: Node, at: number): boolean {
    for (let n = stmt.parent; n && !this.model.profile.functionTypes.has(n.type); n = n.parent) {
      if (n.type !== 'try_statement') continue;
      for (const part of n.namedChildren)
        if (part && /^(?:finally_clause|except_clause|except_group_clause|catch_clause)$/.test(part.type))
          if (part.startIndex <= at && at < part.endIndex) return true;
    }
    return false;
  }

  /** The oracle's reading of a guard for `kind` (see verified-guards.ts). */
  private verifiedCondition(
    cond: Node,
    name: string,
    at: number,
    holds: boolean,
    kind: VerifiedKind,
  ): boolean {
    // C and C++ strings are writable memory: what a check read, the program can rewrite before the
    // sink through any alias. No guard is verified there.
    if (this.model.language === 'c' || this.model.language === 'cpp') return false;
    this.tampered ??= validatorsTampered(this.model.source, this.model.language);
    if (this.tampered || !this.pristine(name, at)) return false;
    const chars = new Set<string>();
    for (const scope of this.model.scopesAt(at))
      for (const [v, list] of scope.bindings)
        if (list.some((b) => b.kind === 'loop' && b.value && eachCharacterOf(b.value, name))) chars.add(v);
    return verifiedValidation(cond, holds, { whole: new Set([name]), chars }, kind, {
      language: this.model.language,
      stringTypes: this.model.profile.stringTypes,
      callTypes: this.model.profile.callTypes,
      literal: (n) => this.strictLiteral(n, at, 0),
    });
  }

  /**
   * The value a verified guard reads is the input as it came (a parameter never re-bound before
   * `at`, or re-bound only to a copy of itself with its case or surrounding space changed): a value
   * the program rebuilt can be an object that reads one way to the check and another to the sink.
   */
  private pristine(name: string, at: number): boolean {
    const scope = this.model.scopesAt(at).find((s) => s.bindings.has(name) || s.params.includes(name));
    if (!scope) return false;
    const p = this.model.profile;
    const copy = new RegExp(
      `^${name.replace(/\$/g, '\\$')}\\.(?:strip|lstrip|rstrip|lower|upper|trim|trimStart|trimEnd|toLowerCase|toUpperCase)\\(\\)$`,
    );
    return (scope.bindings.get(name) ?? [])
      .filter((b) => b.at <= at)
      .every((b) => {
        if (b.kind === 'param') return true;
        if (b.kind !== 'assign' || !b.value) return false;
        const text = b.value.text.replace(/\s+/g, '');
        // A copy of itself, or a read of the request/argv/environment as it came.
        if (copy.test(text)) return true;
        return (
          p.sourceNodeTypes.has(b.value.type) &&
          p.sourcePattern.test(b.value.text) &&
          !/lambda|=>|\bfunction\b|\bclass\b|[{}]/.test(b.value.text)
        );
      });
  }

  /**
   * The literal a node stands for, when the program cannot have changed it: a string, number or
   * regex literal, a collection or set(...) / re.compile(...) of such, or a name bound once to one
   * and otherwise only read (tested for membership, matched against). Undefined otherwise.
   */
  private strictLiteral(n: Node, at: number, depth: number): Node | undefined {
    if (depth > 6) return undefined;
    const p = this.model.profile;
    if (n.type === 'identifier') {
      const scope = this.model.scopesAt(at).find((s) => s.bindings.has(n.text) || s.params.includes(n.text));
      const list = scope?.bindings.get(n.text) ?? [];
      const b = list[0];
      if (!scope || scope.params.includes(n.text) || list.length !== 1 || b?.kind !== 'assign' || !b.value)
        return undefined;
      if (!this.onlyRead(n.text, b)) return undefined;
      return this.strictLiteral(b.value, at, depth + 1);
    }
    if (p.stringTypes.has(n.type)) return hasInterpolation(n) ? undefined : n;
    if (p.numberTypes.has(n.type) || n.type === 'regex') return n;
    if (/^(?:list|tuple|set|array|parenthesized_expression|expression_list)$/.test(n.type))
      return n.namedChildren.every((c) => !c || c.type === 'comment' || this.strictLiteral(c, at, depth + 1))
        ? n
        : undefined;
    if (n.type === 'dictionary' || n.type === 'object')
      return n.namedChildren.every((c) => {
        if (!c || c.type === 'comment') return true;
        const key = c.childForFieldName('key');
        return !!key && (key.type === 'property_identifier' || !!this.strictLiteral(key, at, depth + 1));
      })
        ? n
        : undefined;
    if (p.callTypes.has(n.type) || n.type === 'new_expression') {
      const call = readCall(this.model.language, n);
      if (
        call &&
        /^(?:set|frozenset|Set|list|tuple|re\.compile|regexp\.MustCompile|regexp\.Compile)$/.test(
          call.calleeText,
        ) &&
        call.args.every((a) => /^re\.[A-Z]+$/.test(a.text) || this.strictLiteral(a, at, depth + 1))
      )
        return n;
    }
    return undefined;
  }

  /**
   * Every use of `name` other than its binding reads it: a membership test, a match, an argument of
   * issubset/strspn-like calls, the iterable of a comprehension. Anything else (another binding, a
   * mutating method, an argument of an unknown call, an alias) may change what it holds.
   */
  private onlyRead(name: string, binding: Binding): boolean {
    const key = `${name}@${binding.at}`;
    const known = this.readOnly.get(key);
    if (known !== undefined) return known;
    const source = this.model.source;
    const root = this.model.tree.rootNode;
    const re = new RegExp(`(?<![\\w$.])${name.replace(/\$/g, '\\$')}(?![\\w$])`, 'g');
    let ok = true;
    for (let m = re.exec(source); m && ok; m = re.exec(source)) {
      const node = root.descendantForIndex(m.index, m.index + name.length);
      if (node?.type !== 'identifier' || node.text !== name) continue;
      // The binding's own target (`NAME = ...`, `const NAME = ...`).
      const holder = node.parent;
      if (
        holder &&
        binding.statement.startIndex <= holder.startIndex &&
        holder.endIndex <= binding.statement.endIndex &&
        (holder.childForFieldName('left')?.equals(node) || holder.childForFieldName('name')?.equals(node))
      )
        continue;
      ok = readPosition(node, this.model.language);
    }
    this.readOnly.set(key, ok);
    return ok;
  }

  /**
   * A value the program does not compute from data: a literal (or a literal collection), a
   * constant's name (ALL_CAPS), a variable bound only to such values, or a comprehension's
   * variable drawn from one (`c` in `any(c in x for c in ';&|')`).
   */
  private constantValue(n: Node, at: number, depth: number): boolean {
    if (depth > 4) return false;
    const p = this.model.profile;
    if (p.stringTypes.has(n.type))
      return !n.namedChildren.some((c) => c && /interpolation|substitution/.test(c.type));
    if (
      /^(?:integer|float|number|number_literal|int_literal|char_literal|true|false|none|null)$/.test(n.type)
    )
      return true;
    if (/^(?:list|tuple|set|array|parenthesized_expression|expression_list)$/.test(n.type))
      return n.namedChildren.every((c) => !c || c.type === 'comment' || this.constantValue(c, at, depth + 1));
    if (n.type !== 'identifier') return false;
    if (/^[A-Z][A-Z0-9_]*$/.test(n.text)) return true;
    for (let g = n.parent; g; g = g.parent) {
      if (/comprehension|generator_expression/.test(g.type)) {
        for (const c of g.namedChildren) {
          if (c?.type !== 'for_in_clause') continue;
          const right = c.childForFieldName('right');
          if (c.childForFieldName('left')?.text === n.text && right)
            return this.constantValue(right, at, depth + 1);
        }
      }
      if (!p.functionTypes.has(g.type)) continue;
      const params = g.childForFieldName('parameters') ?? g.childForFieldName('parameter');
      if (!params || !mentions(params, n.text)) break;
      // The callback's parameter of `[';', '&'].some((c) => x.includes(c))`.
      const call = g.parent?.type === 'arguments' ? g.parent.parent : null;
      const site = call && p.callTypes.has(call.type) ? readCall(this.model.language, call) : null;
      return (
        !!site?.receiver &&
        /^(?:some|every|forEach|filter|find|map)$/.test(site.name) &&
        this.constantValue(site.receiver, at, depth + 1)
      );
    }
    for (const scope of this.model.scopesAt(at)) {
      const list = (scope.bindings.get(n.text) ?? []).filter((b) => b.at <= at);
      if (scope.params.includes(n.text)) return false;
      if (list.length) return list.every((b) => !!b.value && this.constantValue(b.value, at, depth + 1));
    }
    return false;
  }

  /**
   * Under a task, whether `search` (a search of the value for the constant `needle`: `'Kx9' in x`,
   * `x.startswith('Kx9')`) is true where the value is used: reached from the condition through
   * parentheses and negations only. That the value contains a constant confines nothing, and a
   * backdoor is written that way (`if x.startswith(TRIGGER): run(x)`). For redirect targets and
   * URLs a prefix test keeps counting (`url.startswith('/')` is how a local path is checked; a
   * suffix or a substring is not); scans keep the lenient reading.
   */
  private constantSearchTrue(
    search: Node,
    cond: Node,
    inside: boolean,
    kind: TaintKind,
    at: number,
    needle: Node,
    prefix = false,
  ): boolean {
    if (!this.underTask || (prefix && (kind === 'redirect' || kind === 'url'))) return false;
    if (!this.constantValue(needle, at, 0)) return false;
    const c = this.model.language === 'c' || this.model.language === 'cpp';
    const name =
      c && this.model.profile.callTypes.has(search.type)
        ? readCall(this.model.language, search)?.name
        : undefined;
    // C's strncmp/memcmp are 0 where the prefix is there: the call itself holds where it is not.
    let truth = !(name && /^(?:strncmp|strncasecmp|memcmp|bcmp|compare)$/.test(name));
    let compared = false;
    for (let n: Node = search; n.startIndex !== cond.startIndex || n.endIndex !== cond.endIndex; ) {
      const parent = n.parent;
      if (!parent) return false;
      if (
        parent.type === 'not_operator' ||
        (parent.type === 'unary_expression' && parent.child(0)?.text === '!')
      )
        truth = !truth;
      else if (c && !compared && parent.type === 'binary_expression') {
        // C/C++: the search's result compared with what says "not found" (`strstr(x, "k") != NULL`,
        // `s.find("k") != std::string::npos`, `strncmp(x, "k", 1) == 0`, `s.find("k") == 0`).
        const op = parent.childForFieldName('operator')?.text;
        const left = parent.childForFieldName('left');
        const other = left?.equals(n) ? parent.childForFieldName('right') : left;
        const o = (other?.text ?? '').replace(/\s+/g, '');
        if (op !== '==' && op !== '!=') return false;
        const pointer = /^(?:strstr|strcasestr|strchr|strrchr|strpbrk)$/.test(name ?? '');
        const index = name === 'find' || name === 'rfind';
        if (
          (pointer && /^(?:NULL|0|nullptr|\(void\*\)0)$/.test(o)) ||
          (index && /^(?:std::)?(?:string::)?npos$/.test(o))
        ) {
          if (op === '==') truth = !truth;
        } else if (index && o === '0' && op === '==') {
          // found at the start: a prefix test
        } else if (/^(?:strncmp|strncasecmp|memcmp|bcmp|compare)$/.test(name ?? '') && o === '0') {
          truth = !truth;
          if (op === '!=') truth = !truth;
        } else return false;
        compared = true;
      } else if (!/^(?:parenthesized_expression|condition_clause)$/.test(parent.type)) return false;
      n = parent;
    }
    return truth === inside;
  }

  /**
   * Under a task, whether `cond` (true where the value is used when `inside`, else false) validates
   * it, read through its logic: of a conjunction that holds (or a disjunction that fails) either
   * side may validate, of a disjunction that holds (or a conjunction that fails) both sides must,
   * a negation flips; `any(p for v in xs)` / `xs.some(p)` that holds says only that some element
   * passes, so it validates nothing, and when it fails `p` fails for every element (as `all`/
   * `every` that holds says `p` holds for each). Scans keep the lenient reading (any part that
   * validates).
   */
  private conditionValidates(
    cond: Node,
    name: string,
    kind: TaintKind,
    at: number,
    inside: boolean,
  ): boolean {
    if (!this.underTask) return this.partValidates(cond, name, kind, at, inside);
    return readCondition(
      cond,
      inside,
      (n, holds) => this.leafValidates(n, name, kind, at, holds),
      (a, b) => a || b,
      (a, b) => a && b,
    );
  }

  /** A simple condition under a task: an iterating predicate is read through; anything else by part. */
  private leafValidates(n: Node, name: string, kind: TaintKind, at: number, inside: boolean): boolean {
    if (this.model.profile.callTypes.has(n.type)) {
      const call = readCall(this.model.language, n);
      if (call && ITERATING_PREDICATE.test(call.calleeText)) {
        const some = /^any$|\.some$/.test(call.calleeText);
        // `any` that holds, `all` that fails: one element, not known which.
        if (some === inside) return false;
        const arg = call.args[0];
        const pred =
          arg?.type === 'generator_expression' || arg?.type === 'list_comprehension'
            ? arg.childForFieldName('body')
            : arg && this.model.profile.functionTypes.has(arg.type)
              ? arg.childForFieldName('body')
              : undefined;
        if (!pred) return this.partValidates(n, name, kind, at, inside);
        // The body of `(v) => { ... return p; }` is a block: its returns' values are the predicate.
        const preds =
          pred.type === 'statement_block'
            ? pred.descendantsOfType('return_statement').map((x) => x?.namedChildren[0])
            : [pred];
        return (
          preds.length > 0 && preds.every((x) => !!x && this.conditionValidates(x, name, kind, at, inside))
        );
      }
    }
    return this.partValidates(n, name, kind, at, inside);
  }

  /**
   * Under a task, whether `node` reads the values `names` only in part: one element or character
   * (`x[i]`, `*x`, `s.back()`, `s.at(i)`, `s.substr(a, n)`, `*s.rbegin()`), a C pointer past its
   * start (`x + k`), or its length (`strlen(x)`, `s.size()`); and it reads at least one of them. A
   * check of such a piece against a constant is a trigger's, not an allow-list: it says nothing of
   * the rest of the value.
   */
  private partsOnly(node: Node, names: ReadonlySet<string>, at: number): boolean {
    const lang = this.model.language;
    const c = lang === 'c' || lang === 'cpp';
    // (C and C++: elsewhere a subscript is as often a record's field, `d['key']`, as a piece)
    if (!c) return false;
    const p = this.model.profile;
    let seen = false;
    const stack: Node[] = [node];
    while (stack.length) {
      const n = stack.pop();
      if (!n) continue;
      if (p.identifierTypes.has(n.type) && names.has(n.text) && !isNameNotReference(n)) {
        if (!this.partRead(n, node, at)) return false;
        seen = true;
        continue;
      }
      for (const ch of n.namedChildren) if (ch) stack.push(ch);
    }
    return seen;
  }

  /** `*r.begin()` for `r` among `names`, bound to a path made relative (`p.lexically_relative(base)`). */
  private relativeHead(o: Node, names: ReadonlySet<string>, at: number): boolean {
    const m = /^\*\s*([A-Za-z_]\w*)\s*\.\s*begin\s*\(\s*\)$/.exec(o.text);
    const r = m?.[1];
    if (!r || !names.has(r)) return false;
    const b = this.latestBinding(r, at);
    // (made relative from a normalized path: `a/../../x` relative to the base starts with `a`)
    const m2 =
      b?.value && /^([A-Za-z_]\w*)\s*\.\s*(?:lexically_relative|lexically_proximate)\s*\(/.exec(b.value.text);
    const from = m2 ? this.latestBinding(m2[1] ?? '', at) : undefined;
    return !!from?.value && /\b(?:weakly_canonical|canonical|lexically_normal)\s*\(/.test(from.value.text);
  }

  /** Whether `n` is in a loop of its function. */
  private inLoop(n: Node): boolean {
    for (let x = n.parent; x && !this.model.profile.functionTypes.has(x.type); x = x.parent)
      if (LOOP_TYPE.test(x.type)) return true;
    return false;
  }

  /** Whether the mention `id` of a value is read in part within `top` (see `partsOnly`). */
  private partRead(id: Node, top: Node, at: number): boolean {
    // The value itself, or the same text in another form (`s.c_str()`, `s.data()`, `s.begin()`).
    let v: Node = id;
    for (let k = 0; k < 4 && v.id !== top.id; k++) {
      const parent = v.parent;
      if (!parent) break;
      if (parent.type === 'parenthesized_expression' || parent.type === 'cast_expression') {
        v = parent;
        continue;
      }
      const call = parent.parent;
      if (
        parent.type === 'field_expression' &&
        parent.childForFieldName('argument')?.id === v.id &&
        call?.type === 'call_expression' &&
        /^(?:c_str|data|begin|rbegin|cbegin|crbegin)$/.test(parent.childForFieldName('field')?.text ?? '') &&
        !call.childForFieldName('arguments')?.namedChildren.length
      ) {
        v = call;
        continue;
      }
      break;
    }
    if (v.id === top.id) return false;
    const parent = v.parent;
    if (!parent) return false;
    // `x[k]` (the value subscripted, not the index), `*x`; in a loop, `x[i]` and `*x` are each
    // element in turn (`for (i = 0; x[i]; i++) if (!isalnum(x[i])) ...`): the whole value.
    if (parent.type === 'subscript_expression' || parent.type === 'subscript') {
      if ((parent.childForFieldName('argument') ?? parent.childForFieldName('value'))?.id !== v.id)
        return false;
      const index =
        parent.childForFieldName('index') ??
        parent.childForFieldName('indices')?.namedChildren[0] ??
        parent.childForFieldName('subscript');
      // (a key, `m["id"]`, names a field of a map: not a piece of a string)
      if (index && this.model.profile.stringTypes.has(index.type)) return false;
      return !(index && this.model.profile.identifierTypes.has(index.type) && this.inLoop(parent));
    }
    if (parent.type === 'pointer_expression') return parent.child(0)?.text === '*' && !this.inLoop(parent);
    // `s.back()`, `s.at(i)`, `s.substr(a, n)`; `s.size()`, `s.length()`
    if (parent.type === 'field_expression') {
      const field = parent.childForFieldName('field')?.text ?? '';
      return (
        parent.childForFieldName('argument')?.id === v.id &&
        parent.parent?.type === 'call_expression' &&
        (PART_METHOD.test(field) || /^(?:size|length|empty)$/.test(field))
      );
    }
    // `strlen(x)`, `sizeof x`
    if (parent.type === 'argument_list') {
      const callee = parent.parent?.childForFieldName('function')?.text ?? '';
      return /^(?:strlen|strnlen|wcslen)$/.test(callee);
    }
    if (parent.type === 'sizeof_expression') return true;
    // `x + k`, `k + x`, `x - k` for a pointer `x`: the text past its start
    if (
      parent.type === 'binary_expression' &&
      /^[+-]$/.test(parent.childForFieldName('operator')?.text ?? '')
    ) {
      const type = this.model.declaredType(id.text, at) ?? '';
      return /\*|\[/.test(type) && !/\*\s*\*/.test(type);
    }
    return false;
  }

  /** Whether any part of `cond` validates the value (the reading of scans, and of a condition's leaves). */
  /** Whether the call `n` is compared with the length of one of `names` (`strspn(x, S) == strlen(x)`). */
  private comparedWithLength(n: Node, names: ReadonlySet<string>): boolean {
    let e: Node = n;
    while (e.parent?.type === 'parenthesized_expression' || e.parent?.type === 'cast_expression')
      e = e.parent;
    const cmp = e.parent;
    const op = cmp ? operatorOf(cmp) : undefined;
    if (!cmp || !op || !(COMPARISON_OPS.has(op) || EQUALITY_OPS.has(op))) return false;
    const other = cmp.namedChildren.find((c) => c && c.id !== e.id);
    return (
      !!other && /\b(?:strlen|size|length)\b/.test(other.text) && [...names].some((nm) => mentions(other, nm))
    );
  }

  private partValidates(cond: Node, name: string, kind: TaintKind, at: number, inside: boolean): boolean {
    // Under a task, a path test confines the value with one value only: a containment test where
    // it holds, a traversal test where it fails (`'..' in parts and ...` holding finds the
    // traversal; `not full.startswith(base) and ...` holding finds the escape).
    if (this.underTask && kind === 'path') {
      const confines = pathTestConfinesWhen(cond, this.model.language);
      if (confines !== undefined && confines !== inside) return false;
    }
    const names = new Set([name]);
    // A canonical form of `name` (realpath, EvalSymlinks, abspath, resolve) validates `name`.
    for (const scope of this.model.scopesAt(at))
      for (const [v, list] of scope.bindings)
        if (
          list.some(
            (b) =>
              b.value &&
              mentions(b.value, name) &&
              /(?:EvalSymlinks|Abs|abspath|realpath|resolve|normpath|Clean|canonical|lexically_relative|lexically_proximate)\s*\(/i.test(
                b.value.text,
              ),
          )
        )
          names.add(v);
    // A loop variable drawn from `name` (`for c in name`, `for (char c : name)`) validates `name`.
    for (const scope of this.model.scopesAt(at))
      for (const [v, list] of scope.bindings)
        if (list.some((b) => b.kind === 'loop' && b.value && mentions(b.value, name))) names.add(v);
    const p = this.model.profile;
    const lang = this.model.language;
    const stack: Node[] = [cond];
    while (stack.length) {
      const n = stack.pop();
      if (!n) continue;
      const op = operatorOf(n);
      if (op && (COMPARISON_OPS.has(op) || EQUALITY_OPS.has(op) || op === 'in' || op === 'not in')) {
        const operands = n.namedChildren.filter((c): c is Node => !!c);
        if (operands.some((o) => [...names].some((nm) => mentions(o, nm)))) {
          // C++: the first component of a path made relative to the base is not ".." where the
          // value is used (`rel = p.lexically_relative(base); if (*rel.begin() == "..") return`)
          if (
            this.underTask &&
            kind === 'path' &&
            (op === '==') !== inside &&
            (op === '==' || op === '!=') &&
            operands.some((o) => /^"\.\."$/.test(o.text)) &&
            operands.some((o) => this.relativeHead(o, names, at))
          )
            return true;
          if (COMPARISON_OPS.has(op)) {
            if (kind === 'index' || kind === 'format') return true;
          } else if (op === 'in' || op === 'not in') {
            // `x in ALLOWED` (the value is the element) is an allow-list; `';' in x` or `c in x`
            // for `c` drawn from a constant a deny-list. A value searched for in `x` that the
            // program computed (`p in x` for `p` read from a file) says nothing of what else `x`
            // holds, except as a path check (`base in full`), which the path kind keeps.
            const [left] = operands;
            if (op === 'in' && left && this.constantSearchTrue(n, cond, inside, kind, at, left)) {
              // `if 'Kx9' in x: use(x)`: the value contains a constant there; nothing is confined.
            } else if (
              kind === 'path' ||
              (left && [...names].some((nm) => mentions(left, nm))) ||
              (left && this.constantValue(left, at, 0))
            )
              return true;
          } else if (
            // `typeof x === "object"` checks a type, not the value; `x.charAt(0) !== "["` one
            // character of it (a parser's branch), not the value.
            !operands.some((o) => /^typeof\b/.test(o.text) || isPartOf(o)) &&
            // under a task, a digest or a sum of the value compared with a constant is a trigger's
            !(this.underTask && operands.some((o) => summaryOf(o, names, lang))) &&
            operands.some((o) => p.stringTypes.has(o.type) && !/^[rRbBuU]*(["'`])\1$/.test(o.text)) &&
            (((op === '==' || op === '===') === inside &&
              !(this.underTask && operands.some((o) => this.partsOnly(o, names, at)))) ||
              // A CR/LF test (`ch == '\n'`) sorts line breaks out in either branch.
              operands.some((o) => p.stringTypes.has(o.type) && /\\[nr]/.test(o.text)))
          ) {
            // Equality with a non-empty literal: an allow-list (`x == "asc"` where it holds, or
            // `x != "asc"` before an early exit or in the else branch). `x != ""` validates nothing.
            return true;
          }
        }
      }
      if (p.callTypes.has(n.type)) {
        const call = readCall(lang, n);
        const mentioned = (s: Node | null | undefined) => !!s && [...names].some((nm) => mentions(s, nm));
        const found = call ? searchOperands(call, this.underTask) : undefined;
        if (
          found &&
          call &&
          this.constantSearchTrue(n, cond, inside, kind, at, found.needle, PREFIX_SEARCH.test(call.name))
        )
          continue;
        // Under a task, a call that reads only a part of the value (`toupper(x[0])`, `strcmp(x + k,
        // "..")`, `s.back()`) or a number from it (`atoi(x)`) confines nothing of the rest.
        if (
          call &&
          this.underTask &&
          (call.receiver ? [call.receiver, ...call.args] : call.args).some(mentioned) &&
          (NUMERIC_PARSE.test(call.calleeText) ||
            SUMMARY_CALL.test(call.calleeText) ||
            (lang === 'javascript' && call.isNew && call.calleeText === 'Set') ||
            this.partsOnly(n, names, at) ||
            // an iterator of it (`*s.rbegin()`: the enclosing expression is what reads it)
            (!call.args.length && /^(?:begin|end|rbegin|rend|cbegin|cend|crbegin|crend)$/.test(call.name)))
        )
          continue;
        // Under a task, a count or a span of the value's characters compared with a constant (not
        // with its length: `strspn(x, OK) == strlen(x)` is an allow-list) confines nothing:
        // `strspn(x, "Kx9") == 3`, `x[strcspn(x, "~")] != 0`, `std::count(...) == 2`, a hash of it.
        if (call && this.underTask && COUNTING.test(call.calleeText) && !this.comparedWithLength(n, names))
          continue;
        const search = kind !== 'path' ? found : undefined;
        if (search) {
          // `ALLOWED.includes(x)` is an allow-list, `x.includes(';')` a deny-list; `x.includes(p)`
          // for a `p` the program computed is neither.
          if (
            mentioned(search.needle) ||
            (mentioned(search.haystack) && this.constantValue(search.needle, at, 0))
          )
            return true;
        } else if (
          call &&
          !p.nonValidatorCalls.test(call.calleeText) &&
          // under a task, a string predicate or transformation of the value (`name.isascii()`,
          // `name.normalize() === name`) checks nothing about what it holds
          !(this.underTask && (STRING_METHOD.test(call.name) || CHARACTER_EDIT.test(call.name))) &&
          !ITERATING_PREDICATE.test(call.calleeText) &&
          !FILESYSTEM_QUERY.test(call.calleeText)
        ) {
          const subjects = call.receiver ? [call.receiver, ...call.args] : call.args;
          // Under a task the predicate must read the value itself, or it with its case or outer
          // spaces changed: `x.replace('/', '').isalnum()` holds of a value that keeps its '/'.
          if (subjects.some(this.underTask ? (s: Node) => this.readsItself(s, names) : mentioned))
            return true;
        }
        // Whether a path computed from the value exists (`os.path.isdir(os.path.dirname(x))`)
        // says nothing of its content: the calls that compute the path are not checks.
        if (call && FILESYSTEM_QUERY.test(call.calleeText)) continue;
      }
      for (const c of n.namedChildren) if (c) stack.push(c);
    }
    return false;
  }
}

/**
 * Calls whose result holds no character their arguments do not (verified kinds): conversions to
 * text, path joins, case and space changes, formatting and joining.
 */
const PRESERVING_CALL =
  /^(?:str|String|os\.path\.join|path\.join|filepath\.Join|path\.Join|fmt\.Sprintf|.*\.(?:strip|lstrip|rstrip|lower|upper|trim|trimStart|trimEnd|toLowerCase|toUpperCase|format|join|concat|toString))$/;

/** Nodes whose parts run on some paths only (see `exitDominates`). */
const BRANCHING =
  /^(?:if_statement|elif_clause|else_clause|else|switch_statement|expression_switch_statement|type_switch_statement|case_clause|switch_case|switch_default|expression_case|default_case|catch_clause|except_clause|except_group_clause|try_statement|conditional_expression|ternary_expression)$/;

/** `any(...)`, `all(...)`, `xs.some(...)`, `xs.every(...)`: the predicate is in their argument. */
const ITERATING_PREDICATE = /^(?:any|all)$|\.(?:some|every)$/;

/** Methods of a string that test a property of every character that no injection lacks (isalnum, isdigit and isidentifier do confine: not here), or transform it. */
const STRING_METHOD =
  /^(?:is(?:ascii|printable|lower|upper|space|title)|strip|lstrip|rstrip|lower|upper|casefold|normalize|trim|trimStart|trimEnd|toLowerCase|toUpperCase|toLocaleLowerCase|toLocaleUpperCase|encode|decode)$/;

/** Calls that remove or replace characters inside a string (their result's characters are not the value's). */
const CHARACTER_EDIT =
  /^(?:replace|replaceAll|removeprefix|removesuffix|translate|sub|subn|Replace|ReplaceAll|TrimPrefix|TrimSuffix|TrimLeft|TrimRight|Trim|TrimFunc|Map|filter)$/;

/** Calls that count or span characters of the value, or hash it: a number, no allow-list. */
const COUNTING = /^(?:strspn|strcspn|(?:std::)?(?:count|count_if)|(?:std::)?hash\b[\s\S]*)$/;

/** Searches that test how the value starts. */
const PREFIX_SEARCH = /^(?:startswith|startsWith|HasPrefix|lastIndexOf|starts_with)$/;

/**
 * Calls that summarize a value (a digest, a checksum, a sum of its codes): what they return says
 * nothing of what the value holds. (Not `set`: `set(x) <= ALLOWED` is a character allow-list.)
 */
const SUMMARY_CALL =
  /^(?:hashlib\.\w+|hash|zlib\.(?:crc32|adler32)|binascii\.crc32|crc32\.\w+|(?:md5|sha1|sha256|sha512)\.Sum\w*|sum|ord)$|\.(?:hexdigest|digest|update)$/;

/**
 * Whether `x` reads one of `names`, each time inside a summary of it (`SUMMARY_CALL`, JavaScript's
 * `new Set(x)`): `hashlib.md5(x.encode()).hexdigest()[:6]`, `fmt.Sprintf("%x", md5.Sum([]byte(x)))`.
 */
function summaryOf(x: Node, names: ReadonlySet<string>, language: string): boolean {
  const uses = x.descendantsOfType('identifier').filter((i): i is Node => !!i && names.has(i.text));
  if (!uses.length) return false;
  return uses.every((u) => {
    for (let p = u.parent; p && p.startIndex >= x.startIndex && p.endIndex <= x.endIndex; p = p.parent) {
      if (!/^(?:call|call_expression|new_expression)$/.test(p.type)) continue;
      const call = readCall(language as Language, p);
      if (!call) continue;
      if (SUMMARY_CALL.test(call.calleeText)) return true;
      if (language === 'javascript' && call.isNew && call.calleeText === 'Set') return true;
    }
    return false;
  });
}

/** Calls that read a number from text (C, C++): what they return says nothing of the rest of it. */
const NUMERIC_PARSE =
  /^(?:atoi|atol|atoll|atof|strtol|strtoul|strtoll|strtoull|strtod|strtof|strtold|sscanf|(?:std::)?sto(?:i|l|ul|ll|ull|f|d|ld))$/;

/** Methods that give one character or a piece of a string (C++, JavaScript, Java-like): `s.back()`, `s.at(i)`, `s.substr(a, n)`. */
const PART_METHOD = /^(?:back|front|at|substr|substring|slice|charAt|charCodeAt|codePointAt)$/;

const SEARCH_METHOD =
  /^(?:includes|indexOf|lastIndexOf|contains|find|rfind|index|rindex|count|startswith|endswith|startsWith|endsWith|has|search)$/;
const SEARCH_FUNCTION =
  /^(?:strings\.(?:Contains|ContainsAny|ContainsRune|Index|IndexAny|HasPrefix|HasSuffix|Count)|strstr|strchr|strrchr|strpbrk|strcasestr|strncmp|strncasecmp)$/;

/** The searched value and what is searched for, in a substring or membership call. */
function searchOperands(
  call: {
    name: string;
    calleeText: string;
    receiver: Node | null;
    args: Node[];
  },
  underTask = false,
): { haystack: Node; needle: Node } | undefined {
  const [a, b] = call.args;
  if (SEARCH_FUNCTION.test(call.calleeText)) return a && b ? { haystack: a, needle: b } : undefined;
  if (underTask) {
    // Under a task, also C's `memcmp(x, "k", n)` (a prefix test, as strncmp), C++20's
    // `s.starts_with("k")` / `s.ends_with("k")`, and `s.compare(pos, n, "k")` (a part of `s`
    // compared: 0 where it matches, as strncmp).
    if (/^(?:memcmp|bcmp)$/.test(call.calleeText)) return a && b ? { haystack: a, needle: b } : undefined;
    if (call.receiver && /^(?:starts_with|ends_with)$/.test(call.name) && a && call.args.length === 1)
      return { haystack: call.receiver, needle: a };
    const last = call.args[call.args.length - 1];
    if (call.receiver && call.name === 'compare' && call.args.length >= 3 && last)
      return { haystack: call.receiver, needle: last };
  }
  // A second argument that is a constant position searches the same way (`s.rfind("k", 0)`,
  // `x.startswith('k', 0)`, `x.includes('k', 0)`).
  if (
    call.receiver &&
    SEARCH_METHOD.test(call.name) &&
    a &&
    (call.args.length === 1 || /^\d+$/.test(b?.text ?? ''))
  )
    return { haystack: call.receiver, needle: a };
  return undefined;
}

/** A constant that a traversal test looks for: `..`, a separator, a drive or a NUL. */
const TRAVERSAL_TOKEN = /^[rRbBuU]*(['"`])(?:\.\.|\/|\\\\|\.\.\/|\.\.\\\\|:|\\0|\\x00)\1$/;

/**
 * For a simple path test, the value it has where the path is confined: true for a containment or
 * allow-list test (`full.startswith(base)`, `strings.HasPrefix(p, root)`, `x in ALLOWED`,
 * `commonpath([b, p]) == b`), false for a traversal or escape test (`'..' in parts`,
 * `x.includes('..')`, `os.path.isabs(x)`, `filepath.IsAbs(p)`); undefined when it is not one of
 * these forms (read as before).
 */
function pathTestConfinesWhen(cond: Node, lang: Language): boolean | undefined {
  let n = cond;
  while (n.type === 'parenthesized_expression' && n.namedChildren.length === 1 && n.namedChildren[0])
    n = n.namedChildren[0];
  const op = operatorOf(n);
  if (op === 'in' || op === 'not in') {
    const left = n.namedChildren[0];
    if (!left) return undefined;
    const deny = TRAVERSAL_TOKEN.test(left.text.trim());
    return op === 'in' ? !deny : deny;
  }
  if (op === '==' || op === '===' || op === '!=' || op === '!==') {
    // `os.path.commonpath([base, p]) == base`, `path.relative(b, p).startsWith('..') === false`
    const operands = n.namedChildren.filter((c): c is Node => !!c);
    if (!operands.some((o) => /commonpath|commonprefix|relative/i.test(o.text))) return undefined;
    return op === '==' || op === '===';
  }
  const call = readCall(lang, n);
  if (!call) return undefined;
  if (/(?:^|\.)(?:isabs|IsAbs|isAbsolute|is_absolute)$/.test(call.calleeText)) return false;
  const found = searchOperands(call);
  if (found) {
    // A search for a traversal token is a deny-list; a prefix test against a base a containment test.
    if (TRAVERSAL_TOKEN.test(found.needle.text.trim())) return false;
    if (PREFIX_SEARCH.test(call.name) || /HasPrefix$/.test(call.calleeText)) return true;
    return undefined;
  }
  if (/(?:^|\.)(?:is_relative_to|relative_to)$/.test(call.calleeText)) return true;
  return undefined;
}

/** Calls that ask whether a path exists or what it is, in every language. */
const FILESYSTEM_QUERY =
  /(?:^|[.:>])(?:exists|isfile|isdir|islink|ismount|is_file|is_dir|is_symlink|existsSync|statSync|lstatSync|accessSync|stat|lstat|access|Stat|Lstat|IsNotExist|IsExist|filesystem::exists|filesystem::is_directory|filesystem::is_regular_file)$/;

/** One character or a slice of a string: `s.charAt(i)`, `s.charCodeAt(i)`, `s.slice(a, b)`, `s[0]`. */
function isPartOf(operand: Node): boolean {
  return /^[\w$.]+(?:\.(?:charAt|charCodeAt|codePointAt|slice|substr|substring)\([^()]*\)|\[\d+\]|\[[^\]:]*:[^\]]*\])$/.test(
    operand.text.replace(/\s+/g, ''),
  );
}

/** A function expression that is the value of a `return` statement. */
function isReturned(fn: Node): boolean {
  let p = fn.parent;
  while (p?.type === 'parenthesized_expression') p = p.parent;
  return p?.type === 'return_statement';
}

function isSanitizerCall(lang: Language, name: string, text: string, args: Node[], kind: TaintKind): boolean {
  const table = SANITIZERS[lang][kind];
  if (table?.test(text)) return true;
  if (INJECTION_KINDS.has(kind) && name !== 'encode' && name !== 'decode' && NAMED_SANITIZER.test(name))
    return true;
  if (kind === 'html' && isEscapingReplace(lang, name, text, args)) return true;
  if (kind === 'path' && lang === 'javascript' && isTraversalStrippingReplace(name, text, args)) return true;
  // jQuery's escape idiom: `$('<div/>').text(s).html()`.
  if (
    kind === 'html' &&
    lang === 'javascript' &&
    name === 'html' &&
    !args.length &&
    /\.text\([\s\S]*\)\.html$/.test(text)
  )
    return true;
  if (
    (kind === 'header' || kind === 'log') &&
    /^(?:replace|replaceAll|ReplaceAll|Replace|sub|translate|strip|splitlines|split)$/.test(name)
  ) {
    const argText = args.map((a) => a.text).join(' ');
    if (/\\[nr]|\\x0[ad]|\\u000[ad]/i.test(argText) || name === 'splitlines') return true;
  }
  return false;
}

/**
 * An HTML escape written by hand: a replace of every `<` (a global regex or a replace-all whose
 * pattern matches a lone `<`) by something that is not a `<` (`&lt;`, a lookup table, nothing):
 * `s.replace(/[&<>"']/g, (c) => MAP[c])`, `s.replaceAll('<', '&lt;')`, Python's
 * `s.replace('<', '&lt;')` and `re.sub(r'[<>]', '', s)`, Go's `strings.ReplaceAll(s, "<", "&lt;")`.
 * Escaping only `&`, only the first `<` (`s.replace('<', ...)` in JavaScript) or a tag name
 * (`/<script>/g`) does not count.
 */
function isEscapingReplace(lang: Language, name: string, callee: string, args: Node[]): boolean {
  let pattern: Node | undefined;
  let replacement: Node | undefined;
  if (lang === 'javascript' && (name === 'replace' || name === 'replaceAll') && callee.includes('.')) {
    [pattern, replacement] = args;
    // `replace` with a string or a non-global regex replaces the first match only.
    if (name === 'replace' && !(pattern?.type === 'regex' && regexFlags(pattern).includes('g'))) return false;
  } else if (lang === 'python' && name === 'replace' && callee.includes('.') && args.length === 2) {
    // str.replace replaces every occurrence; a regex is not a pattern here.
    [pattern, replacement] = args;
    return !!pattern && literalText(pattern) === '<' && replacementEscapes(replacement);
  } else if (lang === 'python' && callee === 're.sub' && args.length === 3) {
    [pattern, replacement] = args;
  } else if (lang === 'go' && (callee === 'strings.ReplaceAll' || callee === 'strings.Replace')) {
    if (callee === 'strings.Replace' && args[3]?.text !== '-1') return false;
    [, pattern, replacement] = args;
    return !!pattern && literalText(pattern) === '<' && replacementEscapes(replacement);
  } else return false;
  if (!pattern) return false;
  const source = pattern.type === 'regex' ? pattern.childForFieldName('pattern')?.text : literalText(pattern);
  if (source === undefined) return false;
  if (pattern.type !== 'regex' && !(lang === 'python' && callee === 're.sub')) {
    return source === '<' && replacementEscapes(replacement);
  }
  let matchesLt = false;
  try {
    matchesLt = new RegExp(`^(?:${source})$`).test('<');
  } catch {
    return false;
  }
  return matchesLt && replacementEscapes(replacement);
}

/**
 * A replace that leaves no `..` segment in a path: removing every dot (`p.replace(/\./g, '')`), or,
 * on a `path.normalize(...)` result (which has resolved inner `..`), stripping all leading `../`
 * (`path.normalize(p).replace(/^(\.\.(\/|\\|$))+/, '')`, the idiom Node's docs suggest).
 * Decided by running the pattern on traversal strings: removing only `../` once, or only `..`
 * globally (`....//` becomes `../`), does not count.
 */
function isTraversalStrippingReplace(name: string, callee: string, args: Node[]): boolean {
  if ((name !== 'replace' && name !== 'replaceAll') || !callee.includes('.')) return false;
  const [pattern, replacement] = args;
  if (pattern?.type !== 'regex' || !replacement) return false;
  const to = literalText(replacement);
  const source = pattern.childForFieldName('pattern')?.text;
  if (to === undefined || source === undefined) return false;
  let re: RegExp;
  try {
    re = new RegExp(source, regexFlags(pattern));
  } catch {
    return false;
  }
  const normalized = /(?:^|\.)normalize\s*\(/.test(callee);
  // What a normalized path can still hold (leading `../`; a bare `..` is let through: request
  // paths start with `/`), and for a raw one anything.
  const attacks = ['../../etc/passwd', '..\\..\\boot.ini', '../'];
  if (!normalized) attacks.push('..', '/../x', 'a/../../b', '....//....//etc', '.../...//x', 'a/..\\..\\b');
  const traversal = /(?:^|[\\/])\.\.(?:[\\/]|$)/;
  return attacks.every((a) => !traversal.test(a.replace(re, to)));
}

function regexFlags(regex: Node): string {
  return regex.childForFieldName('flags')?.text ?? '';
}

/** A replacement that cannot put a `<` back: a literal without one, or computed (a function, a table). */
function replacementEscapes(replacement: Node | undefined): boolean {
  if (!replacement) return false;
  const text = literalText(replacement);
  return text === undefined || !text.includes('<');
}

/** The text of a plain string literal (no interpolation), else undefined. */
function literalText(node: Node): string | undefined {
  if (node.namedChildren.some((c) => c?.type === 'interpolation' || c?.type === 'template_substitution'))
    return undefined;
  if (!/string/.test(node.type) || node.type === 'string_content') return undefined;
  const m = /^[rRbBuU]*("|'|`)([\s\S]*)\1$/.exec(node.text);
  return m ? m[2] : undefined;
}

/** Identifier in a position that names something rather than reading a variable. */
function isNameNotReference(node: Node): boolean {
  const parent = node.parent;
  if (!parent) return false;
  switch (parent.type) {
    case 'keyword_argument':
      return parent.childForFieldName('name')?.equals(node) ?? false;
    case 'attribute':
      return parent.childForFieldName('attribute')?.equals(node) ?? false;
    case 'call':
    case 'call_expression':
      return parent.childForFieldName('function')?.equals(node) ?? false;
    case 'function_definition':
    case 'function_declaration':
    case 'class_definition':
      return parent.childForFieldName('name')?.equals(node) ?? false;
    default:
      return false;
  }
}

function hasInterpolation(node: Node): boolean {
  for (const c of node.namedChildren) if (c?.type === 'interpolation') return true;
  return false;
}

function isComparison(node: Node): boolean {
  if (node.type === 'comparison_operator' || node.type === 'not_operator') return true;
  if (node.type === 'unary_expression' && node.childForFieldName('operator')?.text === '!') return true;
  const op = operatorOf(node);
  return !!op && (COMPARISON_OPS.has(op) || EQUALITY_OPS.has(op) || op === '&&' || op === '||');
}

function isStringBuilding(node: Node): boolean {
  switch (node.type) {
    case 'string':
    case 'template_string':
      return true;
    case 'binary_operator': {
      const op = node.childForFieldName('operator')?.text;
      return op === '+' || op === '%';
    }
    case 'binary_expression':
      return (
        node.childForFieldName('operator')?.text === '+' || node.childForFieldName('operator')?.text === '<<'
      );
    case 'augmented_assignment':
    case 'augmented_assignment_expression':
      return true;
    default:
      return false;
  }
}

/** Whether the subtree reads a variable named `name`. */
export function mentions(node: Node, name: string): boolean {
  const type = node.type;
  if (type === 'identifier' || type === 'shorthand_property_identifier') return node.text === name;
  if (!node.text.includes(name)) return false;
  // Python's `os.path` and `f(path=x)` hold identifiers that name an attribute or a parameter,
  // not the variable `path`.
  if (type === 'attribute') {
    const object = node.childForFieldName('object');
    return !!object && mentions(object, name);
  }
  if (type === 'keyword_argument') {
    const value = node.childForFieldName('value');
    return !!value && mentions(value, name);
  }
  for (const c of node.namedChildren) if (c && mentions(c, name)) return true;
  return false;
}

/** `for c in x`, `for (const c of x)`, `for _, r := range x`, `for c in list(x)`: one character of `x` a time. */
function eachCharacterOf(value: Node, name: string): boolean {
  const text = value.text.replace(/\s+/g, '');
  return (
    text === name ||
    text === `list(${name})` ||
    text === `[...${name}]` ||
    text === `Array.from(${name})` ||
    text === `${name}.split('')` ||
    text === `${name}.split("")` ||
    text === `[]rune(${name})` ||
    text === `[]byte(${name})`
  );
}

const READ_METHODS =
  /^(?:includes|has|contains|__contains__|issubset|issuperset|test|match|fullmatch|search|MatchString|some|every)$/;
const READ_FUNCTIONS = /^(?:set|frozenset|strspn|strcspn|strpbrk|strings\.ContainsAny|strings\.IndexAny)$/;

/** Whether this occurrence of a name only reads the value (see TaintEngine.onlyRead). */
function readPosition(node: Node, lang: Language): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if (parent.type === 'comparison_operator') return true;
  if (parent.type === 'binary_expression') {
    const op = parent.childForFieldName('operator')?.text;
    return op === 'in' || op === '==' || op === '===' || op === '!=' || op === '!==';
  }
  if (parent.type === 'for_in_clause') return parent.childForFieldName('right')?.equals(node) ?? false;
  if (/^(?:attribute|member_expression|selector_expression)$/.test(parent.type)) {
    const object = parent.childForFieldName('object') ?? parent.childForFieldName('operand');
    const call = parent.parent;
    if (!object?.equals(node) || !call || !/^(?:call|call_expression)$/.test(call.type)) return false;
    const c = readCall(lang, call);
    return !!c && READ_METHODS.test(c.name);
  }
  if (parent.type === 'argument_list' || parent.type === 'arguments') {
    const call = parent.parent;
    const c = call ? readCall(lang, call) : null;
    return (
      !!c && (READ_FUNCTIONS.test(c.calleeText) || /^(?:issubset|issuperset|includes|has)$/.test(c.name))
    );
  }
  return false;
}

/** A parameter's default value in a function's parameter list (`def f(p=x)`, `function f(p = x)`). */
function defaultValue(fn: Node, name: string): Node | undefined {
  const params = fn.childForFieldName('parameters');
  for (const p of params?.namedChildren ?? []) {
    if (!p) continue;
    if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
      if (p.childForFieldName('name')?.text === name) return p.childForFieldName('value') ?? undefined;
    } else if (p.type === 'assignment_pattern') {
      if (p.childForFieldName('left')?.text === name) return p.childForFieldName('right') ?? undefined;
    }
  }
  return undefined;
}

/** What a function gives back: its `return` and `yield` values, or an expression body (lambda, arrow). */
function returnedValues(fn: FunctionInfo, model: FileModel): Node[] {
  const body = fn.node.childForFieldName('body');
  if (!body) return [];
  if (!/^(?:block|statement_block|compound_statement)$/.test(body.type)) return [body];
  const out: Node[] = [];
  for (const r of body.descendantsOfType(['return_statement', 'yield', 'yield_expression'])) {
    if (!r || model.enclosingFunction(r) !== fn) continue;
    const v = r.namedChildren.find((c) => c && c.type !== 'comment');
    if (v) out.push(v);
    // Go's bare `return` in a function with named results (`func() (to string) { to = x; return }`):
    // what the function assigns to them
    else if (model.language === 'go' && r.type === 'return_statement')
      for (const d of fn.node.childForFieldName('result')?.descendantsOfType('parameter_declaration') ?? [])
        for (const name of d?.childrenForFieldName('name') ?? [])
          for (const b of (name && fn.bindings.get(name.text)) || [])
            if (b.value && b.at <= r.startIndex) out.push(b.value);
  }
  return out;
}

/** Whether `call` invokes the function of the file `fn` by its name or its class's. */
function invokedHere(fn: FunctionInfo, call: CallSite): boolean {
  const n = fn.node;
  const name = n.childForFieldName('name')?.text;
  if (name && name === call.calleeText) return true;
  const holder = n.parent?.type === 'decorated_definition' ? n.parent : n;
  const cls =
    holder.parent?.type === 'block' || holder.parent?.type === 'class_body' ? holder.parent.parent : null;
  return !!cls && /class/.test(cls.type) && cls.childForFieldName('name')?.text === call.calleeText;
}

const UNESCAPERS =
  /^(?:html\.unescape|unescape|he\.decode|he\.unescape|_\.unescape|lodash\.unescape|html\.UnescapeString|xml\.sax\.saxutils\.unescape|decodeURIComponent)$/;

/**
 * The text a call undoes escaping on, or undefined: an unescaper's argument, or the receiver (Go:
 * the first argument) of a `replace` that puts back a character escaping removed (`'<'`, `'>'`,
 * a quote).
 */
function undoesEscaping(
  language: Language,
  call: CallSite,
  stringTypes: ReadonlySet<string>,
): Node | undefined {
  if (UNESCAPERS.test(call.calleeText)) return call.args[0];
  if (!/^(?:replace|replaceAll|Replace|ReplaceAll)$/.test(call.name)) return undefined;
  const receiverless = language === 'go' || !call.receiver;
  const pattern = receiverless ? call.args[1] : call.args[0];
  const replacement = receiverless ? call.args[2] : call.args[1];
  // What it looks for is an entity (`&lt;`), what it puts back the character (`'<'`): not a
  // newline turned into `<br>` after escaping.
  if (!pattern || !/&(?:lt|gt|quot|apos|#\w+);/i.test(pattern.text)) return undefined;
  if (!replacement || !stringTypes.has(replacement.type) || !/[<>"']/.test(replacement.text.slice(1, -1)))
    return undefined;
  return receiverless ? call.args[0] : (call.receiver ?? undefined);
}
