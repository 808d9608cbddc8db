import type { Node } from 'web-tree-sitter';
import type { Language } from '../../spec/language.ts';
import { operatorOf, readCall } from './model.ts';

/**
 * Validation the analyzer can verify, for the oracle's static evidence on command injection and
 * in-program evaluation (tasks whose tests cannot always show the weakness, `taskEvidence`).
 *
 * In a scan, any check that looks at the value cuts a taint flow (a named validator, a regex, a
 * membership test): precision on real code comes first there. In the oracle that would let the
 * judged program decide its own verdict: it writes the check, and a check that is true exactly for
 * the judge's attacks (`if looks_like_an_attack(x): run safely; return`) is indistinguishable from
 * validation by name. Here a condition validates a value only when what it says holds where the
 * sink runs *and* it confines the value to text that cannot carry the weakness:
 * - the whole value is one of the program's constants (`x in ("ls", "pwd")`, `x == "asc"`);
 * - every character is in a constant set without the kind's dangerous characters (a regex matched
 *   in full, `set(x).issubset(ALLOWED)`, `for c in x: if c not in ALLOWED: return`, `str.isalnum`);
 * - for shell commands, no character of a constant deny-list that covers every shell separator
 *   (`re.search(r'[;&|`$<>\n]', x)` false, `strpbrk`, `strings.ContainsAny`).
 * The truth of the condition at the sink follows `not`, `and`, `or` and `is None` / `== null`.
 */

export type VerifiedKind = 'cmd' | 'code' | 'sql' | 'html';

/**
 * Whether the program may have changed what the validators do: it rebinds a name they are read by
 * (`re`, `set`, `any`, `RegExp`, Go's `regexp`), patches a module or a prototype
 * (`re.fullmatch = f`, `RegExp.prototype.test = f`, `setattr`, `defineProperty`), or reaches names
 * by strings (`globals()`, `sys.modules`, `__dict__`). Then no guard is verified in the file: the
 * checks are read by name, and a patched `fullmatch` can be true for everything but the judge's
 * attacks. Textual and conservative: a mention in a comment also turns verification off.
 */
export function validatorsTampered(source: string, language: Language): boolean {
  return (
    TAMPERING[language].some((re) => re.test(source)) || (language === 'python' && pythonLoopRebinds(source))
  );
}

/**
 * A standard library's escaper for the kind, called where the program has not rebound or patched
 * it: Python's `shlex.quote` / `pipes.quote` (or `quote` imported from them) for shell commands.
 * Nothing else: JavaScript and Go have no shell quoting in their standard libraries, and no escaping
 * makes text safe to evaluate.
 */
export function trustedSanitizer(
  callee: string,
  language: Language,
  kind: VerifiedKind,
  source: string,
): boolean {
  if (kind !== 'cmd' && kind !== 'html') return false;
  if (validatorsTampered(source, language)) return false;
  if (kind === 'html' && language !== 'python') return HTML_ESCAPERS[language].test(callee);
  if (language !== 'python') return false;
  const rebinds = (name: string) =>
    new RegExp(
      `(?:^|\\n)[ \\t]*(?:(?:async\\s+)?def|class)\\s+${name}\\b|(?:^|\\n)[ \\t]*(?:[\\w.]+\\s*,\\s*)*${name}\\s*(?:,[^=\\n]*)?=(?!=)|\\bas\\s+${name}\\b|\\.\\s*${name}\\s*=(?!=)|\\bfor\\s+[\\w\\s,]*\\b${name}\\b[\\w\\s,]*\\bin\\b`,
    ).test(source);
  // Python: shlex.quote / pipes.quote for shell lines; html.escape, markupsafe.escape and
  // xml.sax.saxutils.escape for HTML. Called by the module's name, or by the name imported from it.
  const [modules, name] =
    kind === 'cmd' ? [['shlex', 'pipes'], 'quote'] : [['html', 'markupsafe', 'xml.sax.saxutils'], 'escape'];
  const heads = modules.map((m) => m.split('.')[0] as string);
  if (modules.some((m) => callee === `${m}.${name}`)) return !heads.some(rebinds) && !rebinds(name);
  if (callee === name) {
    const from = modules.map((m) => m.replace(/\./g, '\\.')).join('|');
    return (
      new RegExp(`(?:^|\\n)[ \\t]*from\\s+(?:${from})\\s+import\\s+(?:[\\w\\s,]*,\\s*)?${name}\\b`).test(
        source,
      ) && !rebinds(name)
    );
  }
  return false;
}

/**
 * JavaScript: whether what `require('<package>')` gives is the package the sandbox provides
 * (read-only, on NODE_PATH), not a module the program wrote or a loader it patched. Node resolves
 * a package from `node_modules` beside the program before NODE_PATH, so a program that can write
 * files could put its own `escape-html` there (on one run, for the next). Read textually and
 * conservatively: every `require` is a call of a package that writes no file and loads no code
 * (`REQUIRABLE`); nothing reaches the loader, the process's bindings or code from text (`module.`
 * other than `exports`, `process.` other than argv/env/exit/stdout/stderr, `eval`, `Function`,
 * `constructor`, `import(`, `this`, a computed member), and the validators are not tampered with.
 */
export function moduleFixed(source: string): boolean {
  if (validatorsTampered(source, 'javascript')) return false;
  const text = source.replace(/\brequire\.main\s*===?\s*module\b/g, '');
  const requires = text.match(/\brequire\b/g)?.length ?? 0;
  const calls = [...text.matchAll(/\brequire\s*\(\s*(['"])([\w./@-]+)\1\s*\)/g)];
  if (calls.length !== requires || calls.some((m) => !REQUIRABLE.has(m[2] ?? ''))) return false;
  return !LOADER_REACH.test(text);
}

/** Packages that write no file and load no code. */
const REQUIRABLE: ReadonlySet<string> = new Set([
  'escape-html',
  'he',
  'lodash',
  'validator',
  'path',
  'url',
  'util',
  'querystring',
  'string_decoder',
  'assert',
  'crypto',
]);

const LOADER_REACH =
  /\bmodule\s*(?:\.\s*(?!exports\b)|\[)|\bexports\s*\[|\bprocess\s*(?:\.\s*(?!(?:argv|env|exit|exitCode|stdout|stderr)\b)|\[)|\b(?:eval|Function|constructor|this|import|arguments|WebAssembly)\b|[\w$)\]]\s*\[\s*(?!['"\d])/;

/** Standard escapers of HTML text, called by their module's name. */
const HTML_ESCAPERS: Record<Language, RegExp> = {
  python: /^$/,
  javascript: /^$/,
  go: /^(?:html\.EscapeString|template\.HTMLEscapeString)$/,
  c: /^$/,
  cpp: /^$/,
};

const PY_NAMES = '(?:re|set|frozenset|any|all|str|len|list|tuple|isinstance)';
const PY_METHODS =
  '(?:fullmatch|match|search|compile|issubset|issuperset|isalnum|isalpha|isdigit|isdecimal|isnumeric|isidentifier|isascii)';
const JS_NAMES = '(?:RegExp|Set|Array|String|Object|Map)';
const GO_NAMES = '(?:regexp|strings|unicode)';
const rx = (source: string) => new RegExp(source);

const TAMPERING: Record<Language, RegExp[]> = {
  python: [
    // names reached by strings, and the builtins module
    /\b(?:setattr|delattr|globals|vars|locals|__import__|importlib|__builtins__|builtins|__dict__|__class__|__globals__)\b|\bsys\s*\.\s*modules\b/,
    // `re.fullmatch = f`, `str.isalnum = f`: an attribute of a validator's module or type assigned
    /\b(?:re|str|set|frozenset|string)\s*\.\s*\w+\s*(?:=(?!=)|\+=)/,
    // the names the validators are read by, bound by the program: def, class, assignment, import
    rx(`(?:^|\\n)[ \\t]*(?:(?:async\\s+)?def|class)\\s+${PY_NAMES}\\b`),
    rx(
      `(?:^|\\n)[ \\t]*(?:[\\w.\\[\\]]+\\s*,\\s*)*${PY_NAMES}\\s*(?:,[^=\\n]*)?(?::[^=\\n]*)?(?:=(?!=)|\\+=)`,
    ),
    rx(`\\b${PY_NAMES}\\s*:=`),
    rx(`\\bas\\s+${PY_NAMES}\\b|\\bimport\\b[^\\n]*[\\s,(]${PY_NAMES.replace('re|', '')}\\b`),
    // a validator method replaced on any object (`m.fullmatch = f` for `m` an alias of `re`), or
    // defined (a str subclass's `isalnum`); classes and type(): `__eq__`/`__hash__` that lie to an
    // allow-list's membership test
    rx(`\\.\\s*${PY_METHODS}\\s*(?:=(?!=)|\\+=)|\\bdef\\s+${PY_METHODS}\\b`),
    /(?:^|\n)[ \t]*class\b|\btype\s*\(/,
  ],
  javascript: [
    /\b(?:prototype|__proto__|defineProperty|defineProperties|setPrototypeOf|getPrototypeOf|Reflect|Proxy|globalThis|global)\b|\bwith\s*\(/,
    // objects that convert to different text each time (`toString`, `valueOf`, `Symbol.toPrimitive`),
    // and classes
    /\b(?:toString|valueOf|toPrimitive|Symbol|class)\b/,
    rx(
      `\\b(?:var|let|const|function|class)\\s+${JS_NAMES}\\b|(?:^|[^.\\w$])${JS_NAMES}\\s*=(?!=)|[{,]\\s*${JS_NAMES}\\s*[,}:]`,
    ),
  ],
  go: [
    rx(`\\b${GO_NAMES}\\s*(?::=|=(?!=)|,)`),
    rx(`\\b(?:var|func|type|const)\\s+(?:\\([^)]*\\)\\s*)?${GO_NAMES}\\b|\\(\\s*${GO_NAMES}\\s`),
    rx(
      `import\\s*\\([^)]*\\b${GO_NAMES}\\s+"|import\\s+${GO_NAMES}\\s+"|\\.\\s+"(?:regexp|strings|unicode)"`,
    ),
    /\b(?:unsafe|reflect)\b/,
  ],
  // C and C++: no guard is verified (TaintEngine.verifiedCondition).
  c: [],
  cpp: [],
};

/** `for re in ...`, `for x, set in ...`: a loop target that rebinds a validator's name. */
function pythonLoopRebinds(source: string): boolean {
  const names = new RegExp(`\\b${PY_NAMES}\\b`);
  for (const m of source.matchAll(/\bfor\s+((?:(?!\bin\b)[\w\s,()[\]])*)\bin\b/g))
    if (names.test(m[1] ?? '')) return true;
  return false;
}

/** Characters that start another command or a redirection in a POSIX shell line. */
const SHELL_SEPARATORS = [';', '|', '&', '$', '`', '\n', '<', '>'];
/** Characters that end an SQL string or identifier, or start a comment or another statement. */
const SQL_CHARACTERS = ["'", '"', '`', '\\', ';', '-', '/', '#', '\n', '\r', '[', ']'];
/** Characters that open a tag or an entity, or end an attribute value. */
const HTML_CHARACTERS = ['<', '>', '&', '"', "'", '`'];
/** Characters an expression needs to name or call anything, or to build text (Python and JavaScript). */
const CODE_CHARACTERS = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$',
  "'",
  '"',
  '`',
  '[',
  ']',
  '{',
  '}',
  '\\',
  '\n',
  ';',
  '=',
  '@',
];

/** A set of characters: explicit ASCII members, plus everything outside ASCII when `other`. */
interface CharSet {
  chars: Set<string>;
  other: boolean;
}

const ASCII = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i));
const WORD = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_'];
const DIGITS = [...'0123456789'];
const SPACE = [' ', '\t', '\n', '\r', '\f', '\v'];

function safeFor(set: CharSet, kind: VerifiedKind): boolean {
  const banned =
    kind === 'cmd'
      ? SHELL_SEPARATORS
      : kind === 'sql'
        ? SQL_CHARACTERS
        : kind === 'html'
          ? HTML_CHARACTERS
          : CODE_CHARACTERS;
  // Outside ASCII: letters that Python folds to ASCII names (NFKC) in code; nothing a shell splits on.
  if (kind === 'code' && set.other) return false;
  return !banned.some((c) => set.chars.has(c));
}

function covers(denied: CharSet, kind: VerifiedKind): boolean {
  return kind === 'cmd' && SHELL_SEPARATORS.every((c) => denied.chars.has(c));
}

/** What the guard reads: the language, and how to see the program's constants. */
export interface GuardContext {
  language: Language;
  stringTypes: ReadonlySet<string>;
  callTypes: ReadonlySet<string>;
  /**
   * The literal node an expression stands for: itself, or the literal a name is bound to once and
   * otherwise only read (TaintEngine.strictLiteral).
   */
  literal(n: Node): Node | undefined;
}

/** How the guarded value appears in a condition. */
interface Subjects {
  /** The value itself. */
  whole: ReadonlySet<string>;
  /** Names that hold one character of it (`for c in x`). */
  chars: ReadonlySet<string>;
}

export function verifiedValidation(
  cond: Node,
  truth: boolean,
  subjects: Subjects,
  kind: VerifiedKind,
  ctx: GuardContext,
): boolean {
  return new Verifier(subjects, kind, ctx).holds(cond, truth, 0);
}

class Verifier {
  constructor(
    private readonly subjects: Subjects,
    private readonly kind: VerifiedKind,
    private readonly ctx: GuardContext,
  ) {}

  /** Whether `n` being `truth` where the sink runs confines the value. */
  holds(n: Node, truth: boolean, depth: number): boolean {
    if (depth > 20) return false;
    const type = n.type;
    if (type === 'parenthesized_expression') {
      const inner = n.namedChildren.find((c) => c && c.type !== 'comment');
      return !!inner && this.holds(inner, truth, depth + 1);
    }
    if (type === 'not_operator') {
      const arg = n.childForFieldName('argument');
      return !!arg && this.holds(arg, !truth, depth + 1);
    }
    if (type === 'unary_expression' && (n.childForFieldName('operator')?.text ?? n.child(0)?.text) === '!') {
      const arg = n.childForFieldName('argument') ?? n.childForFieldName('operand');
      return !!arg && this.holds(arg, !truth, depth + 1);
    }
    const op = operatorOf(n);
    const left = n.childForFieldName('left') ?? n.namedChildren[0];
    const right = n.childForFieldName('right') ?? n.namedChildren[n.namedChildren.length - 1];
    if (op === 'and' || op === '&&' || op === 'or' || op === '||') {
      if (!left || !right) return false;
      const conj = op === 'and' || op === '&&';
      // `a and b` true: both hold, one confining is enough; false: nothing is known of either.
      // `a or b` false: both are false; true: both must confine.
      if (conj === truth)
        return conj
          ? this.holds(left, true, depth + 1) || this.holds(right, true, depth + 1)
          : this.holds(left, false, depth + 1) || this.holds(right, false, depth + 1);
      return conj
        ? this.holds(left, false, depth + 1) && this.holds(right, false, depth + 1)
        : this.holds(left, true, depth + 1) && this.holds(right, true, depth + 1);
    }
    if (!op || !left || !right) return this.call(n, truth);
    // `m is None`, `m == null`, `m !== null`, `p == NULL`: the truth of `m`.
    const isNull = (x: Node) => /^(?:None|null|undefined|nil|NULL|nullptr)$/.test(x.text);
    if (op === 'is' || op === 'is not' || op === '==' || op === '===' || op === '!=' || op === '!==') {
      const positive = op === 'is not' || op === '!=' || op === '!==';
      if (isNull(right)) return this.holds(left, positive ? truth : !truth, depth + 1);
      if (isNull(left)) return this.holds(right, positive ? truth : !truth, depth + 1);
    }
    if (op === '==' || op === '===' || op === '!=' || op === '!==' || op === 'in' || op === 'not in')
      return this.comparison(op, left, right, truth);
    return false;
  }

  private isWhole(n: Node): boolean {
    return n.type === 'identifier' && this.subjects.whole.has(n.text);
  }

  /** One character of the value: a loop variable over it, or `x[i]`. */
  private isChar(n: Node): boolean {
    if (n.type === 'identifier') return this.subjects.chars.has(n.text);
    if (n.type === 'subscript' || n.type === 'subscript_expression' || n.type === 'index_expression') {
      const object =
        n.childForFieldName('value') ??
        n.childForFieldName('object') ??
        n.childForFieldName('operand') ??
        n.namedChildren[0];
      return !!object && this.isWhole(object);
    }
    return false;
  }

  private comparison(op: string, left: Node, right: Node, truth: boolean): boolean {
    const equal = op === '==' || op === '===';
    const member = op === 'in' || op === 'not in';
    // Whether the test says "is / is in" where the sink runs.
    const positive = (equal || op === 'in') === truth;
    if (equal || op === '!=' || op === '!==') {
      if (!positive) return false;
      const [subject, other] = this.isWhole(left) || this.isChar(left) ? [left, right] : [right, left];
      const lit = this.ctx.literal(other);
      if (!lit || !this.ctx.stringTypes.has(lit.type)) return false;
      const text = decodedString(lit);
      if (!text) return false;
      if (this.isWhole(subject)) return true;
      return this.isChar(subject) && safeFor(charsOf(text), this.kind);
    }
    if (!member) return false;
    if (positive) {
      // `x in ALLOWED`: a constant; `c in SAFE_CHARS`: a character from a safe set.
      if (this.isWhole(left)) return !!this.ctx.literal(right);
      if (this.isChar(left)) {
        const set = this.constantChars(right);
        return !!set && safeFor(set, this.kind);
      }
      return false;
    }
    // `';' not in x` where the sink runs: a deny-list of one string; covering needs all separators.
    if (this.isWhole(right)) {
      const lit = this.ctx.literal(left);
      return !!lit && covers(charsOf(decodedString(lit) ?? ''), this.kind);
    }
    return false;
  }

  private call(n: Node, truth: boolean): boolean {
    if (!this.ctx.callTypes.has(n.type)) return false;
    const call = readCall(this.ctx.language, n);
    if (!call) return false;
    const { name, calleeText: callee, receiver, args } = call;
    const [a, b] = args;
    // Python's any()/all() over a generator: `any(c in x for c in DENY)`, `all(c in SAFE for c in x)`.
    const generator = n.childForFieldName('arguments');
    if ((callee === 'any' || callee === 'all') && generator?.type === 'generator_expression')
      return this.generator(callee, generator, truth);
    // Regex matches.
    const match = this.regexTest(call);
    if (match) {
      if (!this.isWhole(match.subject)) return false;
      const re = parseRegex(match.pattern, match.flags, this.ctx.language);
      if (!re) return false;
      if (truth && (match.full || re.anchoredEnd) && (match.start || re.anchoredStart) && !re.alternation) {
        let allowed = re.chars;
        // Python's `$` also matches before a final newline (re.match / re.search).
        if (this.ctx.language === 'python' && !match.full && re.dollarEnd)
          allowed = { chars: new Set([...allowed.chars, '\n']), other: allowed.other };
        return safeFor(allowed, this.kind);
      }
      // A search that finds nothing where the sink runs: `re.search(r'[^a-z0-9]', x)` false.
      if (!truth && re.singleClass)
        // No character outside the listed ones (`[^a-z0-9]`), or none of the listed ones (`[;&|]`).
        return re.singleClass.negated
          ? safeFor(re.singleClass.set, this.kind)
          : covers(re.singleClass.set, this.kind);
      return false;
    }
    // Character predicates of the whole value.
    if (receiver && (this.isWhole(receiver) || this.isChar(receiver)) && !args.length && truth) {
      if (/^(?:isdigit|isdecimal|isnumeric)$/.test(name)) return true;
      if (/^(?:isalnum|isalpha|isidentifier|isascii)$/.test(name))
        return this.kind === 'cmd' && name !== 'isascii';
    }
    // set(x).issubset(SAFE), SAFE.issuperset(x)
    if (truth && name === 'issubset' && receiver && a && this.setOfWhole(receiver)) {
      const set = this.constantChars(a);
      return !!set && safeFor(set, this.kind);
    }
    if (truth && name === 'issuperset' && receiver && a && (this.isWhole(a) || this.setOfWhole(a))) {
      const set = this.constantChars(receiver);
      return !!set && safeFor(set, this.kind);
    }
    // ALLOWED.includes(x), SAFE_CHARS.has(c), ALLOWED.contains(x)
    if (
      truth &&
      receiver &&
      a &&
      args.length === 1 &&
      /^(?:includes|has|contains|__contains__)$/.test(name)
    ) {
      if (this.isWhole(a)) return !!this.ctx.literal(receiver);
      if (this.isChar(a)) {
        const set = this.constantChars(receiver);
        return !!set && safeFor(set, this.kind);
      }
    }
    // Character classification of one character: isalnum(c), isdigit(x[i]), unicode.IsDigit(r).
    if (
      truth &&
      a &&
      this.isChar(a) &&
      /^(?:isdigit|isxdigit|IsDigit|isalnum|isalpha|IsLetter|isupper|islower|IsUpper|IsLower)$/.test(name)
    )
      return /digit/i.test(name) || this.kind === 'cmd';
    // Go's deny-list: strings.ContainsAny(x, DENY) false.
    if (
      !truth &&
      (callee === 'strings.ContainsAny' || callee === 'strings.IndexAny') &&
      a &&
      b &&
      this.isWhole(a)
    ) {
      const lit = this.ctx.literal(b);
      return !!lit && covers(charsOf(decodedString(lit) ?? ''), this.kind);
    }
    return false;
  }

  private generator(callee: string, gen: Node, truth: boolean): boolean {
    const body = gen.namedChildren[0];
    const clause = gen.namedChildren.find((c) => c?.type === 'for_in_clause');
    const variable = clause?.childForFieldName('left');
    const iterable = clause?.childForFieldName('right');
    if (!body || !variable || !iterable || variable.type !== 'identifier') return false;
    if (gen.namedChildren.some((c) => c?.type === 'if_clause')) return false;
    // all(...) true / any(...) false: the body holds / fails for every item.
    const every = (callee === 'all') === truth;
    if (!every) return false;
    const bodyTruth = callee === 'all';
    if (this.isWhole(iterable)) {
      const inner = new Verifier(
        { whole: this.subjects.whole, chars: new Set([...this.subjects.chars, variable.text]) },
        this.kind,
        this.ctx,
      );
      return inner.holds(body, bodyTruth, 1);
    }
    // any(d in x for d in DENY) false: no item of a constant deny-list occurs in the value.
    const op = operatorOf(body);
    const [l, r] = [body.namedChildren[0], body.namedChildren[body.namedChildren.length - 1]];
    if (
      !bodyTruth &&
      op === 'in' &&
      l?.type === 'identifier' &&
      l.text === variable.text &&
      r &&
      this.isWhole(r)
    ) {
      const set = this.constantChars(iterable);
      return !!set && covers(set, this.kind);
    }
    return false;
  }

  /** `set(x)`, `new Set(x)`, `frozenset(x)`: the set of the value's characters. */
  private setOfWhole(n: Node): boolean {
    if (!this.ctx.callTypes.has(n.type) && n.type !== 'new_expression') return false;
    const call = readCall(this.ctx.language, n);
    return (
      !!call &&
      /^(?:set|frozenset|Set)$/.test(call.calleeText) &&
      !!call.args[0] &&
      this.isWhole(call.args[0])
    );
  }

  /** The characters of a constant: a string, a collection of one-character strings, set('...'). */
  private constantChars(n: Node, depth = 0): CharSet | undefined {
    if (depth > 4) return undefined;
    const lit = this.ctx.literal(n);
    if (!lit) return undefined;
    if (this.ctx.stringTypes.has(lit.type)) {
      const text = decodedString(lit);
      return text === undefined ? undefined : charsOf(text);
    }
    if (/^(?:list|tuple|set|array)$/.test(lit.type)) {
      const out = new Set<string>();
      for (const c of lit.namedChildren) {
        if (!c || c.type === 'comment') continue;
        const inner = this.constantChars(c, depth + 1);
        if (!inner || inner.other) return undefined;
        for (const ch of inner.chars) out.add(ch);
      }
      return { chars: out, other: false };
    }
    if (this.ctx.callTypes.has(lit.type) || lit.type === 'new_expression') {
      const call = readCall(this.ctx.language, lit);
      if (
        call &&
        /^(?:set|frozenset|Set|list|tuple)$/.test(call.calleeText) &&
        call.args.length === 1 &&
        call.args[0]
      )
        return this.constantChars(call.args[0], depth + 1);
    }
    return undefined;
  }

  /** A regex test of a value: the pattern text, its flags, and whether it must match in full / at the start. */
  private regexTest(
    call: NonNullable<ReturnType<typeof readCall>>,
  ): { subject: Node; pattern: string; flags: string; full: boolean; start: boolean } | undefined {
    const { name, calleeText: callee, receiver, args } = call;
    const lang = this.ctx.language;
    const text = (n: Node | undefined) => {
      const lit = n && this.ctx.literal(n);
      return lit && this.ctx.stringTypes.has(lit.type) ? decodedString(lit) : undefined;
    };
    if (lang === 'python') {
      // Flags: case and ASCII only (re.M moves ^ and $ to line ends, re.X changes the pattern).
      const flagsOf = (n: Node | undefined): string | undefined => {
        if (!n) return '';
        const names = n.text.split('|').map((f) => f.trim());
        if (!names.every((f) => /^re\.(?:I|IGNORECASE|A|ASCII|U|UNICODE)$/.test(f))) return undefined;
        return names.some((f) => /^re\.(?:I|IGNORECASE)$/.test(f)) ? 'i' : '';
      };
      const fn = /^re\.(fullmatch|match|search)$/.exec(callee)?.[1];
      if (fn && args[0] && args[1]) {
        const pattern = text(args[0]);
        const flags = flagsOf(args[2] ?? call.kwargs.get('flags'));
        if (pattern === undefined || flags === undefined || args.length > 3) return undefined;
        return { subject: args[1], pattern, flags, full: fn === 'fullmatch', start: fn !== 'search' };
      }
      // PATTERN.fullmatch(x) with PATTERN = re.compile('...')
      if (receiver && /^(?:fullmatch|match|search)$/.test(name) && args[0] && args.length === 1) {
        const compiled = this.ctx.literal(receiver);
        if (compiled && this.ctx.callTypes.has(compiled.type)) {
          const c = readCall(lang, compiled);
          const pattern = c && c.calleeText === 're.compile' ? text(c.args[0]) : undefined;
          const flags = c ? flagsOf(c.args[1] ?? c.kwargs.get('flags')) : undefined;
          if (pattern !== undefined && flags !== undefined)
            return { subject: args[0], pattern, flags, full: name === 'fullmatch', start: name !== 'search' };
        }
      }
      return undefined;
    }
    if (lang === 'javascript') {
      // /re/.test(x), RE.test(x), x.match(/re/), x.search(/re/) >= 0 is a comparison (not read).
      const regexNode = (n: Node | null | undefined) => {
        const lit = n && this.ctx.literal(n);
        return lit?.type === 'regex' ? lit : undefined;
      };
      const tested = name === 'test' ? regexNode(receiver) : undefined;
      const matched = name === 'match' && receiver ? regexNode(args[0]) : undefined;
      const re = tested ?? matched;
      const subject = tested ? args[0] : matched ? receiver : undefined;
      if (!re || !subject) return undefined;
      const pattern = re.childForFieldName('pattern')?.text ?? '';
      const flags = re.childForFieldName('flags')?.text ?? '';
      if (/[msy]/.test(flags)) return undefined;
      return { subject, pattern, flags, full: false, start: false };
    }
    if (lang === 'go') {
      // regexp.MustCompile("^...$").MatchString(x), regexp.MatchString("^...$", x)
      if (callee === 'regexp.MatchString' && args[0] && args[1]) {
        const pattern = text(args[0]);
        return pattern === undefined
          ? undefined
          : { subject: args[1], pattern, flags: '', full: false, start: false };
      }
      if (name === 'MatchString' && receiver && args[0]) {
        const compiled = this.ctx.literal(receiver);
        const c = compiled && this.ctx.callTypes.has(compiled.type) ? readCall(lang, compiled) : null;
        const pattern =
          c && /^regexp\.(?:MustCompile|Compile)$/.test(c.calleeText) ? text(c.args[0]) : undefined;
        if (pattern !== undefined) return { subject: args[0], pattern, flags: '', full: false, start: false };
      }
    }
    return undefined;
  }
}

/**
 * The text a plain string literal stands for, its escapes decoded (`'\n'` is a line break: a
 * deny-list's characters and a regex's pattern are what the program holds at run time; the
 * engine's `literalString` returns the literal's body as written). Raw literals (Python `r'...'`,
 * Go back-quoted strings) keep their backslashes. Undefined if interpolated.
 */
export function decodedString(lit: Node): string | undefined {
  if (lit.namedChildren.some((c) => c && /interpolation|substitution/.test(c.type))) return undefined;
  const raw = lit.text;
  const m = /^([rRbBuU]{0,2})("""|'''|"|'|`)([\s\S]*)\2$/.exec(raw);
  if (!m) return undefined;
  const body = m[3] ?? '';
  if (/r/i.test(m[1] ?? '') || lit.type === 'raw_string_literal') return body;
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|[0-7]{1,3}|.)/gs, (_, e: string) => {
    if (e[0] === 'x' || e[0] === 'u') return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    if (/^[0-7]+$/.test(e)) return String.fromCharCode(Number.parseInt(e, 8));
    return { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b' }[e] ?? e;
  });
}

function charsOf(text: string): CharSet {
  const chars = new Set<string>();
  let other = false;
  for (const c of text) {
    if (c.charCodeAt(0) < 128) chars.add(c);
    else other = true;
  }
  return { chars, other };
}

interface RegexShape {
  /** Every character any match can contain. */
  chars: CharSet;
  anchoredStart: boolean;
  anchoredEnd: boolean;
  /** The pattern ends with `$` (not `\Z` / `\z`). */
  dollarEnd: boolean;
  /** A `|` outside every group: anchors then bind only one side. */
  alternation: boolean;
  /** The pattern is one character class, possibly repeated (`[^a-z0-9]`, `[;&|]+`). */
  singleClass?: { negated: boolean; set: CharSet; complement: CharSet };
}

/**
 * Reads the shape of a simple regex: the characters it can match, its anchors. Returns undefined
 * for what it does not follow (lookarounds, back-references, unknown escapes), so those never
 * validate.
 */
export function parseRegex(pattern: string, flags: string, language: Language): RegexShape | undefined {
  const chars = new Set<string>();
  let other = false;
  let depth = 0;
  let alternation = false;
  let i = 0;
  let anchoredStart = false;
  let anchoredEnd = false;
  let dollarEnd = false;
  let classes = 0;
  let atoms = 0;
  let single: RegexShape['singleClass'];
  const ignoreCase = /i/.test(flags);
  const add = (c: string) => {
    chars.add(c);
    if (ignoreCase) {
      chars.add(c.toLowerCase());
      chars.add(c.toUpperCase());
    }
  };
  const classEscape = (e: string): CharSet | undefined => {
    switch (e) {
      case 'w':
        return { chars: new Set(WORD), other: language === 'python' || language === 'go' };
      case 'd':
        return { chars: new Set(DIGITS), other: language === 'python' };
      case 's':
        return { chars: new Set(SPACE), other: language !== 'go' };
      case 'W':
      case 'D':
      case 'S':
        return undefined;
      case 'n':
        return { chars: new Set(['\n']), other: false };
      case 't':
        return { chars: new Set(['\t']), other: false };
      case 'r':
        return { chars: new Set(['\r']), other: false };
      default:
        if (/[A-Za-z0-9]/.test(e)) return undefined;
        return { chars: new Set([e]), other: false };
    }
  };
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === '\\') {
      const e = pattern[i + 1];
      if (e === undefined) return undefined;
      if (e === 'A' && i === 0) {
        anchoredStart = true;
        i += 2;
        continue;
      }
      if ((e === 'Z' || e === 'z') && i + 2 === pattern.length) {
        anchoredEnd = true;
        i += 2;
        continue;
      }
      if (e === 'b' || e === 'B') {
        i += 2;
        continue;
      }
      const set = classEscape(e);
      if (!set) return undefined;
      for (const ch of set.chars) add(ch);
      other ||= set.other;
      atoms++;
      i += 2;
      continue;
    }
    if (c === '[') {
      const end = classEnd(pattern, i);
      if (end < 0) return undefined;
      const parsed = parseClass(pattern.slice(i + 1, end), classEscape);
      if (!parsed) return undefined;
      const set = parsed.negated ? parsed.complement : parsed.set;
      for (const ch of set.chars) add(ch);
      other ||= set.other;
      classes++;
      atoms++;
      single = parsed;
      i = end + 1;
      continue;
    }
    if (c === '(') {
      if (pattern[i + 1] === '?') {
        // Only non-capturing groups and named groups; lookarounds and inline flags are not followed.
        if (pattern[i + 2] === ':') i += 3;
        else if (pattern[i + 2] === 'P' && pattern[i + 3] === '<') i = pattern.indexOf('>', i) + 1;
        else if (pattern[i + 2] === '<' && /[A-Za-z]/.test(pattern[i + 3] ?? ''))
          i = pattern.indexOf('>', i) + 1;
        else return undefined;
        if (i <= 0) return undefined;
      } else i++;
      depth++;
      continue;
    }
    if (c === ')') {
      depth--;
      if (depth < 0) return undefined;
      i++;
      continue;
    }
    if (c === '|') {
      if (depth === 0) alternation = true;
      i++;
      continue;
    }
    if (c === '^') {
      if (i !== 0) return undefined;
      anchoredStart = true;
      i++;
      continue;
    }
    if (c === '$') {
      if (i !== pattern.length - 1) return undefined;
      anchoredEnd = true;
      dollarEnd = true;
      i++;
      continue;
    }
    if (c === '*' || c === '+' || c === '?') {
      i++;
      continue;
    }
    if (c === '{') {
      const m = /^\{\d*(?:,\d*)?\}/.exec(pattern.slice(i));
      if (m) {
        i += m[0].length;
        continue;
      }
    }
    if (c === '.') {
      for (const ch of ASCII) if (ch !== '\n') add(ch);
      other = true;
      atoms++;
      i++;
      continue;
    }
    add(c);
    if (c.charCodeAt(0) >= 128) other = true;
    atoms++;
    i++;
  }
  if (depth !== 0) return undefined;
  return {
    chars: { chars, other },
    anchoredStart,
    anchoredEnd,
    dollarEnd,
    alternation,
    ...(classes === 1 && atoms === 1 && !alternation && !anchoredStart && !anchoredEnd && single
      ? { singleClass: single }
      : {}),
  };
}

function classEnd(pattern: string, open: number): number {
  let i = open + 1;
  if (pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  while (i < pattern.length) {
    if (pattern[i] === '\\') i += 2;
    else if (pattern[i] === '[') return -1;
    else if (pattern[i] === ']') return i;
    else i++;
  }
  return -1;
}

function parseClass(
  body: string,
  classEscape: (e: string) => CharSet | undefined,
): { negated: boolean; set: CharSet; complement: CharSet } | undefined {
  const negated = body.startsWith('^');
  const chars = new Set<string>();
  let other = false;
  let i = negated ? 1 : 0;
  // Single characters (an escaped one is never a range's `-`), or null for a class escape (`\w`).
  const items: ({ c: string; escaped: boolean } | null)[] = [];
  while (i < body.length) {
    const c = body[i] as string;
    if (c === '\\') {
      const e = body[i + 1];
      if (e === undefined) return undefined;
      const set = classEscape(e);
      if (!set) return undefined;
      if (set.chars.size === 1 && !set.other) items.push({ c: [...set.chars][0] as string, escaped: true });
      else {
        for (const ch of set.chars) chars.add(ch);
        other ||= set.other;
        items.push(null);
      }
      i += 2;
      continue;
    }
    items.push({ c, escaped: false });
    i++;
  }
  for (let k = 0; k < items.length; k++) {
    const a = items[k];
    if (!a) continue;
    const dash = items[k + 1];
    const b = items[k + 2];
    if (dash && dash.c === '-' && !dash.escaped && b) {
      const from = a.c.charCodeAt(0);
      const to = b.c.charCodeAt(0);
      if (to < from) return undefined;
      for (let code = from; code <= to; code++) {
        if (code < 128) chars.add(String.fromCharCode(code));
        else other = true;
      }
      k += 2;
      continue;
    }
    if (a.c.charCodeAt(0) < 128) chars.add(a.c);
    else other = true;
  }
  const set = { chars, other };
  const complement = { chars: new Set(ASCII.filter((c) => !chars.has(c))), other: !other };
  return { negated, set, complement };
}
