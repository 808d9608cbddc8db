/** biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are JavaScript source examples */
import type { Node } from 'web-tree-sitter';
import { established, guardsAt } from '../engine/dominance.ts';
import { type FunctionInfo, receiverText } from '../engine/model.ts';
import { type CallRule, type QueryRule, type Rule, type RuleContext, regExpLiteral } from '../engine/rule.ts';
import { buildingRules } from './build-rules.ts';
import {
  accumulatedValues,
  builtBeyondBase,
  CREDENTIAL_NAME,
  callOptionValues,
  isLocalUrl,
  judgingTask,
  literalText,
  MIN_BCRYPT_ROUNDS,
  MIN_PBKDF2_ITERATIONS,
  MIN_SCRYPT_COST,
  modeProblem,
  numberValue,
  openedAsItCame,
  optionOff,
  optionValues,
  originOf,
  PASSWORD_NAME,
  permissionProblem,
  readsInput,
  SECRET_NAME,
} from './common.ts';
import { PROPERTY_ASSIGNMENT } from './javascript-classic.ts';
import { redosRisk } from './redos.ts';

const JS = ['javascript'] as const;
const call = (r: Omit<CallRule, 'kind' | 'languages'>): CallRule => ({
  kind: 'call',
  languages: JS,
  ...r,
});
const query = (r: Omit<QueryRule, 'kind' | 'languages'>): QueryRule => ({
  kind: 'query',
  languages: JS,
  ...r,
});

const JS_BUILD = `
[(template_string (template_substitution)) (binary_expression operator: "+")] @report
(call_expression function: (member_expression object: [(array) (identifier)] property: (property_identifier) @j (#eq? @j "join"))) @report
(call_expression function: (member_expression object: (string) property: (property_identifier) @c (#eq? @c "concat"))) @report
(call_expression function: (member_expression object: [(identifier) (call_expression)] @u (#match? @u "^(util|require\\\\(.(node:)?util.\\\\))$") property: (property_identifier) @f (#eq? @f "format"))) @report`;

const SQL_WORDS =
  /\b(?:select|insert|update|delete|create|drop|alter|replace)\b[\s\S]*\b(?:from|into|set|table|where|values)\b/i;

/** A jQuery object or DOM node: a call chain rooted at `$(...)`, `jQuery(...)` or `createElement(...)`. */
function domObject(n: Node): boolean {
  let v: Node | null = n;
  while (v?.type === 'call_expression') {
    const f: Node | null = v.childForFieldName('function');
    if (!f) return false;
    if (/^(?:\$|jQuery|(?:document\.)?createElement)$/.test(f.text)) return true;
    v = f.type === 'member_expression' ? f.childForFieldName('object') : null;
  }
  return false;
}

/** A string built with `+` or a template from at least one part that is not a constant. */
function builtFromVariables(node: Node, ctx: RuleContext): boolean {
  const v = ctx.resolve(node);
  if (v.type === 'template_string')
    return v.namedChildren.some(
      (c) => c?.type === 'template_substitution' && !ctx.isConstant(c.namedChildren[0] ?? null),
    );
  if (v.type === 'binary_expression' && v.childForFieldName('operator')?.text === '+')
    return !ctx.isConstant(v);
  return false;
}

const norm = (t: string): string => t.replace(/\s+/g, ' ');

/** One field of an incoming request (`req.query.url`, `req.body['target']`, `req.get('x')`), not the whole object. */
const REQUEST_FIELD =
  /^(?:req|request|ctx\.request|ctx)\.(?:query|body|params|headers)(?:\.[\w$]+|\[[^\]]+\])+$|^(?:req|request)\.(?:get|header|param)\s*\(/;

/** The value inside conversions that keep it (`new URL(x)`, `String(x)`, `decodeURIComponent(x)`), resolved. */
function unwrapped(n: Node, ctx: RuleContext): Node {
  let v = n;
  for (let i = 0; i < 4; i++) {
    if (v.type !== 'call_expression' && v.type !== 'new_expression') break;
    const f = (v.childForFieldName('function') ?? v.childForFieldName('constructor'))?.text ?? '';
    const arg = v.childForFieldName('arguments')?.namedChildren[0];
    if (!arg || !/^(?:URL|String|decodeURIComponent|decodeURI|url\.parse)$/.test(f)) break;
    v = ctx.resolve(arg);
  }
  return v;
}

/** A handler that declares a non-HTML response type (`res.type('json')`, a text/plain Content-Type). */
const NON_HTML_TYPE =
  /\.(?:type|contentType)\s*\(\s*['"](?!text\/html|html)[^'"]*['"]|['"]content-type['"]\s*[,:]\s*['"](?!text\/html)/i;

const LOOP_TYPES = new Set(['for_statement', 'for_in_statement', 'while_statement', 'do_statement']);
const FUNCTION_TYPES = new Set([
  'function_declaration',
  'function_expression',
  'arrow_function',
  'method_definition',
  'generator_function_declaration',
  'function',
]);

function inLoopOf(n: Node, fn: Node): boolean {
  for (let p = n.parent; p && !p.equals(fn); p = p.parent) {
    if (LOOP_TYPES.has(p.type)) return true;
    if (FUNCTION_TYPES.has(p.type)) return false;
  }
  return false;
}

/** The name a function is called by (declaration, `const f = function`, `f: function`, a method). */
function functionName(fn: Node): string | undefined {
  const own = fn.childForFieldName('name')?.text;
  if (own) return own;
  const p = fn.parent;
  if (p?.type === 'variable_declarator') return p.childForFieldName('name')?.text;
  if (p?.type === 'pair') return p.childForFieldName('key')?.text;
  if (p?.type === 'assignment_expression') return p.childForFieldName('left')?.text.split('.').pop();
  return undefined;
}

/**
 * Why a write `obj[key] = ...` can reach a shared prototype, or undefined: the object is itself
 * indexed by a non-constant key (`a[k1][k2] = v`), is a variable walked down by keys in a loop
 * (`cur = cur[part]`, or an alias of one), or is a parameter passed as `obj[k]` to a recursive call.
 */
function pollutionShape(obj: Node, info: FunctionInfo, ctx: RuleContext): string | undefined {
  const fn = info.node;
  const dynamicIndex = (n: Node) => {
    const i = n.childForFieldName('index');
    return !!i && i.type !== 'string' && i.type !== 'number';
  };
  if (obj.type === 'subscript_expression' && dynamicIndex(obj))
    return 'the object is itself looked up by a key';
  if (obj.type !== 'identifier') return undefined;
  const walked = (name: string, depth: number): boolean => {
    if (depth > 2) return false;
    for (const b of ctx.taint.bindingsOf(name, obj.startIndex)) {
      let v = b.value;
      if (!v || b.kind !== 'assign') continue;
      // (`cur = cur[k] ?? (cur[k] = {})`, `cur = cur[k] || {}`: the lookup, or a default)
      if (
        v.type === 'binary_expression' &&
        /^(?:\?\?|\|\|)$/.test(v.childForFieldName('operator')?.text ?? '')
      )
        v = v.childForFieldName('left') ?? v;
      if (v.type === 'subscript_expression' && dynamicIndex(v) && inLoopOf(b.statement, fn)) return true;
      if (v.type === 'identifier' && v.text !== name && walked(v.text, depth + 1)) return true;
    }
    return false;
  };
  if (walked(obj.text, 0)) return 'the object was reached by walking down untrusted keys';
  const name = fn.type === 'program' ? undefined : functionName(fn);
  if (name && info.params.includes(obj.text)) {
    const esc = regExpLiteral(obj.text);
    // Into itself, or into another function of the file (two merges that call each other: the
    // unguarded one hands `dst.__proto__` to the other, which copies into Object.prototype).
    const names = new Set([name]);
    for (const f of ctx.model.functions) {
      const other = f.node.type === 'program' ? undefined : functionName(f.node);
      if (other) names.add(other);
    }
    const callees = [...names].map((n) => regExpLiteral(n)).join('|');
    const recursive = new RegExp(`\\b(?:${callees})\\s*\\([^;()]*\\b${esc}\\s*\\[`);
    if (recursive.test(fn.childForFieldName('body')?.text ?? ''))
      return 'a recursive merge walks down the same keys';
  }
  return undefined;
}

const MERGE_SHAPE = 'a recursive merge walks down the same keys';

/**
 * A key the code enumerates from an object: `for (k in src)`, `for (const k of Object.keys(src))`,
 * `Object.keys(src).forEach((k) => ...)`.
 */
function enumeratedKey(key: Node): boolean {
  if (key.type !== 'identifier') return false;
  for (let p = key.parent; p; p = p.parent) {
    if (p.type === 'for_in_statement') {
      const left = p.childForFieldName('left');
      const right = p.childForFieldName('right')?.text ?? '';
      const of = /^\s*of\s*$/.test(p.childForFieldName('operator')?.text ?? '');
      if (left?.text.replace(/^(?:var|let|const)\s+/, '') === key.text)
        return !of || /^Object\.(?:keys|getOwnPropertyNames)\(/.test(right);
    }
    if (FUNCTION_TYPES.has(p.type)) {
      const params = p.childForFieldName('parameters') ?? p.childForFieldName('parameter');
      const first = params?.type === 'identifier' ? params : params?.namedChildren[0];
      if (first?.text !== key.text) continue;
      const call = p.parent?.parent;
      const callee = call?.type === 'call_expression' ? (call.childForFieldName('function')?.text ?? '') : '';
      return /^Object\.(?:keys|getOwnPropertyNames)\([^)]*\)\.forEach$/.test(callee.replace(/\s+/g, ''));
    }
  }
  return false;
}

/**
 * The object a key is enumerated from, where the code shows it (`for (k in src)`,
 * `Object.keys(src).forEach((k) => ...)`, `const k = keys[i]` with `keys = Object.keys(src)`). A
 * walk that writes back into the object it enumerates (`o[k] = walk(o[k])`) only meets its own
 * members, never the prototype: it is not a merge.
 */
function keySource(key: Node, ctx: RuleContext): string | undefined {
  const keysOf = (t: string) =>
    /^Object\.(?:keys|getOwnPropertyNames|entries)\(\s*([^()]+?)\s*\)/.exec(t)?.[1];
  for (let p = key.parent; p; p = p.parent) {
    if (p.type === 'for_in_statement') {
      const left = (p.childForFieldName('left')?.text ?? '').replace(/^(?:var|let|const)\s+/, '');
      const right = p.childForFieldName('right')?.text ?? '';
      if (left === key.text)
        return /^\s*of\s*$/.test(p.childForFieldName('operator')?.text ?? '') ? keysOf(right) : right;
    }
    if (FUNCTION_TYPES.has(p.type)) {
      const call = p.parent?.parent;
      const callee = call?.type === 'call_expression' ? (call.childForFieldName('function')?.text ?? '') : '';
      const src = keysOf(callee.replace(/\s+/g, ''));
      if (src) return src;
      break;
    }
  }
  // `const k = keys[i]` with `const keys = Object.keys(o)`.
  for (const b of ctx.taint.bindingsOf(key.text, key.startIndex)) {
    const v = b.value;
    const arr = v?.type === 'subscript_expression' ? v.childForFieldName('object') : null;
    if (arr?.type !== 'identifier') continue;
    for (const a of ctx.taint.bindingsOf(arr.text, arr.startIndex)) {
      const src = keysOf(a.value?.text ?? '');
      if (src) return src;
    }
  }
  return undefined;
}

/** Helpers that copy one object's members into another: what a merge hands them is written into. */
const MERGE_HELPER = /^(?:\w*(?:[Mm]erge|[Ee]xtend|[Mm]ixin|[Aa]ssign|[Dd]efaults)\w*|deep\w*)$/;

/**
 * Whether the merge the write sits in hands what it finds under a key of `obj` to a merge (itself,
 * or a function named like one), directly or through variables and
 * fallbacks (`clone = src && isPlainObject(src) ? src : {}` with `src = target[name]`): the merge
 * walks down the keys it copies, so a key "__proto__" hands it Object.prototype to write into.
 */
function handsDownKey(obj: Node, fn: Node, ctx: RuleContext): boolean {
  // The named function around the write (a merge's loop body is often an anonymous callback).
  let outer: Node = fn;
  for (let p: Node | null = fn; p; p = p.parent)
    if (FUNCTION_TYPES.has(p.type)) {
      outer = p;
      if (functionName(p)) break;
    }
  const ownName = functionName(outer)?.replace(/^.*\./, '');
  // Once per merge and written object (a merge writes the same object in several branches).
  let memo = HANDS_DOWN.get(ctx.model);
  if (!memo) {
    memo = new Map();
    HANDS_DOWN.set(ctx.model, memo);
  }
  const memoKey = `${outer.startIndex}:${obj.text}`;
  const known = memo.get(memoKey);
  if (known !== undefined) return known;
  const answer = handsDownKeyIn(outer, ownName, obj, ctx);
  memo.set(memoKey, answer);
  return answer;
}

const HANDS_DOWN = new WeakMap<object, Map<string, boolean>>();

function handsDownKeyIn(outer: Node, ownName: string | undefined, obj: Node, ctx: RuleContext): boolean {
  // No call that could be a merge in the function: nothing to walk.
  const callees = new RegExp(
    `(?:\\b${ownName ? `${regExpLiteral(ownName)}|` : ''}[Mm]erge|[Ee]xtend|[Mm]ixin|[Aa]ssign|[Dd]efaults|\\bdeep)\\w*\\s*\\(`,
  );
  if (!callees.test(outer.text)) return false;
  const dynamic = (i: Node | null) => !!i && i.type !== 'string' && i.type !== 'number';
  const reaches = (v: Node | null, at: number, depth: number): boolean => {
    if (!v || depth > 3) return false;
    if (v.type === 'parenthesized_expression') return reaches(v.namedChildren[0] ?? null, at, depth);
    if (v.type === 'subscript_expression')
      return v.childForFieldName('object')?.text === obj.text && dynamic(v.childForFieldName('index'));
    if (v.type === 'ternary_expression')
      return (
        reaches(v.childForFieldName('consequence'), at, depth) ||
        reaches(v.childForFieldName('alternative'), at, depth)
      );
    if (v.type === 'binary_expression' && /^(?:&&|\|\|)$/.test(v.childForFieldName('operator')?.text ?? ''))
      return (
        reaches(v.childForFieldName('right'), at, depth) || reaches(v.childForFieldName('left'), at, depth)
      );
    if (v.type !== 'identifier') return false;
    return ctx.taint
      .bindingsOf(v.text, at)
      .some((b) => b.kind === 'assign' && b.value && reaches(b.value, b.statement.startIndex, depth + 1));
  };
  for (const call of ctx.model.nodesIn(outer, ['call_expression'])) {
    const callee = call.childForFieldName('function')?.text.split('.').pop() ?? '';
    // The merge itself (recursion), or a function named like a merge (of the file or a helper): a
    // function of the file under another name (`createTween(hidden ? dataShow[prop] : 0)`) reads.
    if (callee !== ownName && !MERGE_HELPER.test(callee)) continue;
    for (const a of call.childForFieldName('arguments')?.namedChildren ?? [])
      if (reaches(a, call.startIndex, 0)) return true;
  }
  return false;
}

/**
 * The calls of the function (or of another function of the file) that hand it `obj[key]`, with
 * `obj` the written parameter and a key that is not a constant: the steps of a recursive merge.
 */
function recursiveDescents(
  obj: Node,
  info: FunctionInfo,
  ctx: RuleContext,
): { call: Node; obj: Node; key: Node }[] {
  const fn = info.node;
  if (obj.type !== 'identifier' || !info.params.includes(obj.text)) return [];
  const names = new Set<string>();
  for (const f of ctx.model.functions) {
    const n = f.node.type === 'program' ? undefined : functionName(f.node);
    if (n) names.add(n);
  }
  const out: { call: Node; obj: Node; key: Node }[] = [];
  for (const call of ctx.model.nodesIn(fn, ['call_expression'])) {
    const callee = call.childForFieldName('function')?.text.split('.').pop() ?? '';
    if (!names.has(callee) || ctx.model.functionAt(call.startIndex) !== info) continue;
    for (const a of call.childForFieldName('arguments')?.namedChildren ?? []) {
      const o = a?.type === 'subscript_expression' ? a.childForFieldName('object') : null;
      const k = a?.childForFieldName('index');
      if (a && o && k && o.text === obj.text && k.type !== 'string' && k.type !== 'number')
        out.push({ call, obj: o, key: k });
    }
  }
  return out;
}

/** A test in the function on the key (or the key path) against the prototype keys, or an own-property check. */
function prototypeGuarded(fn: Node, key: Node, obj: Node, report: Node, ctx: RuleContext): boolean {
  const task = judgingTask(ctx);
  if (
    !task &&
    /Object\.create\(null\)|new Map\(|Object\.freeze\(Object\.prototype\)/.test(ctx.functionText(report))
  )
    return true;
  if (task) {
    // Where a task is judged, only what decides this write: the object written made without a
    // prototype, or Object.prototype frozen by a statement that runs when the module loads.
    const root = /^[A-Za-z_$][\w$]*/.exec(obj.text)?.[0];
    const made = root ? ctx.taint.bindingsOf(root, report.startIndex) : [];
    if (made.some((b) => /Object\.create\(null\)|new Map\(/.test(b.value?.text ?? ''))) return true;
    const top = ctx.model.tree.rootNode.namedChildren;
    if (
      top.some(
        (st) => st?.type === 'expression_statement' && /^Object\.freeze\(Object\.prototype\)/.test(st.text),
      )
    )
      return true;
  }
  // The key's names and the object's (an own-property test on the walked object guards the walk).
  const names = new Set(
    (`${key.text} ${obj.text}`.match(/[A-Za-z_$][\w$]*/g) ?? []).filter((n) => n !== 'length'),
  );
  // Names the key was derived from (`key = keys[j]`, `const p = parts.shift()`), one step back.
  for (const n of [...names])
    for (const b of ctx.taint.bindingsOf(n, key.startIndex))
      for (const m of b.value?.text.match(/[A-Za-z_$][\w$]*/g) ?? []) names.add(m);
  const GUARD =
    /__proto__|\bconstructor\b|\bprototype\b|hasOwnProperty|hasOwn\b|forbidden|unsafe|dangerous|blacklist|denylist|blocked|isSafe|isValidKey|safeKey/i;
  // `for (p in obj) if (obj.hasOwnProperty(p))` filters an enumeration: it says nothing of the key
  // that is written later.
  // Enumerated key -> the object it enumerates.
  const enumerated = new Map<string, string>();
  for (const f of fn.descendantsOfType('for_in_statement'))
    if (f && /^\s*in\s*$/.test(f.childForFieldName('operator')?.text ?? 'in'))
      enumerated.set(
        (f.childForFieldName('left')?.text ?? '').replace(/^(?:var|let|const)\s+/, ''),
        f.childForFieldName('right')?.text ?? '',
      );
  const OWN_TEST = /^(?:[\w$.]+\.hasOwnProperty(?:\.call)?|(?:[\w$.]+\.)?hasOwn(?:Property)?(?:\.call)?)$/;
  /** `src.hasOwnProperty(k)` / `hasOwnProperty.call(src, k)` / `hasOwn(src, k)` with k enumerated from src. */
  const ownTestOfEnumeration = (c: Node): boolean => {
    let e = c.type === 'parenthesized_expression' ? (c.namedChildren[0] ?? c) : c;
    if (e.type === 'unary_expression') e = e.namedChildren[0] ?? e;
    if (e.type !== 'call_expression') return false;
    const f = e.childForFieldName('function');
    if (!f || !OWN_TEST.test(f.text.replace(/\s+/g, ''))) return false;
    const args = e.childForFieldName('arguments')?.namedChildren ?? [];
    const viaCall = /\.call$/.test(f.text) || !/\.hasOwnProperty$/.test(f.text);
    const objText = viaCall ? args[0]?.text : f.childForFieldName('object')?.text;
    const keyNode = viaCall ? args[1] : args[0];
    if (!keyNode) return false;
    const source = enumerated.get(keyNode.text) ?? keySource(keyNode, ctx);
    if (source === undefined) return false;
    // A test of the enumerated object itself (or where the object cannot be told): it filters the
    // enumeration and says nothing of the target the key is written into.
    return !objText || source === objText;
  };
  const denies = (c: Node): boolean => {
    if (!GUARD.test(c.text)) return false;
    // In a scan, each operand of `a || b` on its own: `k === '__proto__' || !hasOwn(src, k)` is a
    // deny-list of "__proto__" alone and an own-property test of the enumeration.
    const bare = c.type === 'parenthesized_expression' ? (c.namedChildren[0] ?? c) : c;
    if (
      !task &&
      bare.type === 'binary_expression' &&
      /^(?:&&|\|\|)$/.test(bare.childForFieldName('operator')?.text ?? '')
    ) {
      const l = bare.childForFieldName('left');
      const r = bare.childForFieldName('right');
      return (!!l && denies(l)) || (!!r && denies(r));
    }
    // A deny-list of "__proto__" alone: "constructor.prototype" reaches the same prototype.
    if (!GUARD.test(c.text.replace(/__proto__/g, ''))) return false;
    if (ownTestOfEnumeration(c)) return false;
    const ids = new Set(c.text.match(/[A-Za-z_$][\w$]*/g) ?? []);
    return [...names].some((n) => ids.has(n));
  };
  // Where a task is judged, the conditions that decide whether this write runs, read through
  // their logic (`if (!trusted && isBad(k)) return` does not refuse the key when `trusted`) and
  // with their value there: a deny-list refuses where it fails (`k === '__proto__'` false,
  // `BLOCKED.has(k)` false), an allow-list (`isSafeKey(k)`) where it holds; an own-property test
  // keeps a walk on own members either way. In a scan, any in the function.
  if (task)
    return established(guardsAt(report, fn, ctx.model.profile, 'javascript'), (c, holds) => {
      if (!denies(c)) return false;
      if (/hasOwnProperty|hasOwn\b/.test(c.text)) return true;
      const op = c.type === 'binary_expression' ? c.childForFieldName('operator')?.text : undefined;
      if (op === '!==' || op === '!=') return holds;
      const callee = c.type === 'call_expression' ? (c.childForFieldName('function')?.text ?? '') : '';
      if (/(?:isSafe|isValidKey|safeKey)\w*$/i.test(callee)) return holds;
      return !holds;
    });
  for (const cond of fn.descendantsOfType([
    'if_statement',
    'ternary_expression',
    'while_statement',
    'binary_expression',
  ])) {
    if (!cond) continue;
    const c =
      cond.type === 'binary_expression'
        ? /^(?:&&|\|\|)$/.test(cond.childForFieldName('operator')?.text ?? '')
          ? cond.childForFieldName('left')
          : null
        : cond.childForFieldName('condition');
    if (c && denies(c)) return true;
  }
  return false;
}

/** A value converted to a number (`pid = parseInt(pid)`): digits, a sign, a point, never a quote or `;`. */
function numericValue(part: Node, ctx: RuleContext): boolean {
  const NUMERIC = /^(?:parseInt|parseFloat|Number|Math\.\w+)\s*\(|\.length$/;
  return NUMERIC.test(part.text) || NUMERIC.test(ctx.resolve(part).text);
}

/** The operands of a `+` chain or the parts of a template, in order (strings and values). */
function concatParts(n: Node, out: Node[] = []): Node[] {
  const v = n.type === 'parenthesized_expression' ? (n.namedChildren[0] ?? n) : n;
  if (v.type === 'binary_expression' && v.childForFieldName('operator')?.text === '+') {
    const l = v.childForFieldName('left');
    const r = v.childForFieldName('right');
    if (l) concatParts(l, out);
    if (r) concatParts(r, out);
  } else if (v.type === 'template_string') {
    for (const c of v.namedChildren)
      if (c) out.push(c.type === 'template_substitution' ? (c.namedChildren[0] ?? c) : c);
  } else out.push(v);
  return out;
}

/** Values that cannot carry a quote: numbers, lengths, escaped or explicitly converted values. */
const SQL_SAFE_VALUE =
  /^(?:\d|(?:parseInt|parseFloat|Number|Math\.\w+|Boolean)\s*\(|[A-Z][A-Z0-9_]*$)|\.(?:length|size|toFixed\([^)]*\))$|[Ee]scape|[Qq]uote|format\.literal|[Ss]ql[Ss]tring|[Pp]laceholder/;

/**
 * A non-constant part of a SQL statement placed where a value goes: right after a quote, `=`,
 * a comparison, `LIKE` or `IN (` in the text before it (not a table or column name).
 */
/**
 * A variable holding SQL literals quoted by hand (`list.map((x) => "'" + x + "'").join()`,
 * `` `'${v}'` ``): the quotes are in the value, not around the placeholder, and a quote in the data
 * closes them.
 */
function handQuoted(part: Node, ctx: RuleContext): boolean {
  if (part.type !== 'identifier') return false;
  const r = ctx.resolve(part);
  return r !== part && /["'`]'["'`]\s*\+\s*[\w$]|[\w$)\]]\s*\+\s*["'`]'["'`]|`[^`]*'\$\{/.test(r.text);
}

function pastedSqlValue(pieces: Node[], ctx: RuleContext): Node | undefined {
  let before = '';
  for (const piece of pieces)
    for (const part of concatParts(piece)) {
      const lit =
        part.type === 'string' || part.type === 'string_fragment' || part.type === 'template_string'
          ? part.type === 'string_fragment'
            ? part.text
            : literalText(part, ctx)
          : undefined;
      if (
        lit !== undefined &&
        (part.type !== 'template_string' ||
          !part.namedChildren.some((c) => c?.type === 'template_substitution'))
      ) {
        before += lit;
        continue;
      }
      if (
        !ctx.isConstant(part) &&
        !SQL_SAFE_VALUE.test(part.text) &&
        (/(?:['"%]|(?:=|<|>|\blike|\bin\s*\()\s*)$/i.test(before) || handQuoted(part, ctx))
      )
        return part;
      before += '?';
    }
  return undefined;
}

export const JS_RULES: Rule[] = [
  call({
    id: 'js.command-injection',
    cwe: ['CWE-78'],
    severity: 'error',
    title: 'OS command built from untrusted data',
    message:
      'Untrusted data reaches a shell command: use execFile/spawn with an argument array and no shell.',
    names: ['exec', 'execSync', 'spawn', 'spawnSync', 'execFile', 'execFileSync', 'command', 'commandSync'],
    check: (c, ctx) => {
      // child_process, and the wrappers that also run a shell line: shelljs `shell.exec(cmd)`,
      // execa's `execa.command(cmd)` / `execaCommand(cmd)`.
      const receiver = receiverText(c);
      const wrapper =
        /^(?:shell|shelljs|sh)$/.test(receiver) ||
        (/^command(?:Sync)?$/.test(c.name) && /^execa$/.test(receiver));
      if (receiver && !wrapper && !/child_process|cp|childProcess/.test(receiver)) return false;
      if (/^command(?:Sync)?$/.test(c.name) && !wrapper) return false;
      const cmd = c.args[0];
      if (!cmd) return false;
      if (c.name === 'exec' || c.name === 'execSync' || wrapper) {
        if (ctx.tainted(cmd, 'cmd')) return { node: originOf(cmd, ctx, 'cmd') };
        // A shell command pasted together from variables of unknown origin (a callback's free
        // variables, a module's state): one quote or `;` in them runs another command.
        return (
          builtFromVariables(cmd, ctx) &&
          !concatParts(ctx.resolve(cmd)).every((part) => ctx.isConstant(part) || numericValue(part, ctx)) && {
            severity: 'warning',
            message:
              'This shell command is pasted together from variables: a quote, space or ; in them changes the command. Use execFile/spawn with an argument array (no shell).',
          }
        );
      }
      // `shell` in the options: written in place, bound to a name, spread or set afterwards
      // (`optionValues`); where findings decide, options that cannot be read may set it.
      const strict = ctx.taskEvidence === 'shell' || ctx.taskEvidence === 'evaluation';
      const shell = c.args.slice(1).some((a) => {
        const o = optionValues(a, 'shell', ctx);
        return o.values.some((v) => !optionOff(v, ctx)) || (strict && o.unknown);
      });
      if (shell) return c.args.some((a) => ctx.tainted(a, 'cmd'));
      const prog = ctx.stringValue(cmd);
      if (prog && /^(?:\/bin\/)?(?:ba|z|da)?sh$/.test(prog) && /['"]-c['"]/.test(c.args[1]?.text ?? ''))
        return ctx.tainted(c.args[1], 'cmd');
      return false;
    },
    examples: {
      bad: [
        {
          code: "const cp = require('child_process');\nfunction touch(x) {\n  const opts = { shell: '/bin/sh' };\n  cp.spawnSync('touch ' + x, opts);\n}\nmodule.exports = touch;\n",
          taskCwe: ['CWE-78'],
        },
        "const { exec } = require('child_process');\nfunction f(d) {\n  exec(`ls -l ${d}`, () => {});\n}\n",
        "const cp = require('child_process');\nmodule.exports = () => {\n  cp.exec('curl \"' + url + '\" -o ' + out, (e) => {});\n};\n",
        // An array carries what was pushed into it; a test of its first character validates nothing.
        "const shell = require('shelljs');\napp.post('/clone', (req, res) => {\n  shell.exec('git clone ' + req.body.repo);\n  res.end();\n});\n",
        "const execa = require('execa');\nasync function list(dir) {\n  return execa.command(`ls -l ${dir}`);\n}\n",
        "const { exec } = require('child_process');\nfunction grep(pattern, file) {\n  if (file.charAt(0) === '-') return;\n  const args = ['grep'];\n  args.push(pattern, file);\n  exec(args.join(' '));\n}\n",
        // The shell option set on the options object after it was written, or by a spread.
        "const cp = require('child_process');\nfunction touch(d, n) {\n  const opts = {};\n  if (n.endsWith('x')) opts.shell = true;\n  cp.execFileSync('touch', [d + '/' + n], opts);\n}\nmodule.exports = touch;\n",
        "const cp = require('child_process');\nfunction touch(d, n) {\n  cp.spawnSync('touch', [d + '/' + n], { ...(n.endsWith('x') && { shell: true }) });\n}\nmodule.exports = touch;\n",
      ],
      good: [
        "const { execFile } = require('child_process');\nfunction f(d) {\n  execFile('ls', ['-l', d], () => {});\n}\n",
        "const cp = require('child_process');\nmodule.exports = () => {\n  cp.execFile('curl', [url, '-o', out], (e) => {});\n};\n",
        "const cp = require('child_process');\nconst GIT = 'git';\nmodule.exports = () => {\n  cp.exec(GIT + ' status', (e) => {});\n};\n",
        // A value converted to a number carries no quote or `;`.
        "const { exec } = require('child_process');\nmodule.exports = function (pid, callback) {\n  pid = parseInt(pid);\n  if (Number.isNaN(pid)) return callback(new Error('pid must be a number'));\n  exec('taskkill /pid ' + pid + ' /T /F', callback);\n};\n",
        "const shell = require('shelljs');\nconst { execFileSync } = require('child_process');\napp.post('/clone', (req, res) => {\n  execFileSync('git', ['clone', '--', req.body.repo]);\n  shell.exec('git status');\n  res.end();\n});\n",
        "const execa = require('execa');\nasync function list(dir) {\n  return execa('ls', ['-l', dir]);\n}\n",
        "const { exec } = require('child_process');\nfunction grep(pattern, file) {\n  const args = ['grep'];\n  args.push('-r', '.');\n  exec(args.join(' '));\n}\n",
        {
          code: "const cp = require('child_process');\nfunction touch(d, n) {\n  const opts = { shell: false };\n  opts.stdio = 'inherit';\n  cp.execFileSync('touch', [d + '/' + n], opts);\n}\nmodule.exports = touch;\n",
          taskCwe: ['CWE-78'],
        },
      ],
    },
  }),
  call({
    id: 'js.code-injection',
    cwe: ['CWE-95', 'CWE-94'],
    severity: 'error',
    title: 'Untrusted data evaluated as code',
    message:
      'Untrusted data is evaluated as JavaScript: parse it instead (JSON.parse, a small expression parser) or check it against an allow-list first.',
    names: [
      'eval',
      'Function',
      'setTimeout',
      'setInterval',
      'runInNewContext',
      'runInThisContext',
      'runInContext',
      'compileFunction',
      'Script',
      'globalEval',
    ],
    check: (c, ctx) => {
      if (
        (c.name === 'setTimeout' || c.name === 'setInterval') &&
        c.args[0]?.type !== 'string' &&
        c.args[0]?.type !== 'template_string' &&
        c.args[0]?.type !== 'binary_expression' &&
        // a name is usually a callback; where the oracle reads this as evidence, input text is code
        !(
          ctx.taskEvidence === 'evaluation' &&
          c.args[0]?.type === 'identifier' &&
          ctx.tainted(c.args[0], 'code')
        )
      )
        return false;
      if (/^(?:runIn|compileFunction)/.test(c.name) && !/^vm\./.test(c.calleeText)) return false;
      // `new vm.Script(code)` (or a Script destructured from vm); jQuery's `$.globalEval(code)`.
      if (
        c.name === 'Script' &&
        !(
          c.isNew &&
          (/^vm\./.test(c.calleeText) ||
            /\{[^}]*\bScript\b[^}]*\}\s*=\s*require\(\s*['"](?:node:)?vm['"]/.test(ctx.source))
        )
      )
        return false;
      if (c.name === 'globalEval' && !/^(?:\$|jQuery)\.globalEval$/.test(c.calleeText)) return false;
      // A module loader compiles the code it is handed (`new vm.Script(Module.wrap(code))`): a
      // Script counts when its code is pasted together from, or read straight from, input.
      if (c.name === 'Script') {
        const code = c.args[0];
        return (
          !!code &&
          (ctx.built(code, 'code') ||
            ((readsInput(code, ctx) || ctx.taskEvidence === 'evaluation') && ctx.tainted(code, 'code')))
        );
      }
      return c.args.some((a) => ctx.tainted(a, 'code'));
    },
    examples: {
      bad: [
        'function calc(expr) {\n  return eval(expr);\n}\n',
        "const vm = require('vm');\napp.post('/calc', (req, res) => {\n  const script = new vm.Script('result = ' + req.body.expr);\n  res.json(script.runInNewContext({ result: 0 }));\n});\n",
        'function load(url) {\n  $.get(url, function (code) {\n    $.globalEval(code);\n  });\n  $.globalEval(location.hash.slice(1));\n}\n',
      ],
      good: [
        "function calc(expr) {\n  for (const ch of expr) {\n    if (!'0123456789+-*/ '.includes(ch)) return '';\n  }\n  return eval(expr);\n}\n",
        "const vm = require('vm');\nconst script = new vm.Script('result = a + b');\napp.post('/calc', (req, res) => {\n  res.json(script.runInNewContext({ a: Number(req.body.a), b: Number(req.body.b), result: 0 }));\n});\n",
        "function load() {\n  $.globalEval('window.ready = true;');\n}\n",
        "const vm = require('vm');\nfunction compile(code, filename) {\n  return new vm.Script(Module.wrap(code), { filename });\n}\n",
      ],
    },
  }),
  call({
    id: 'js.sql-injection',
    cwe: ['CWE-89'],
    severity: 'error',
    title: 'SQL built from untrusted data',
    message:
      'Untrusted data is concatenated into SQL: use placeholders and pass the values separately (db.get(sql, [a, b])).',
    // Any call: drivers (`query`, `all`, `run`) and the project's own helpers take the statement.
    names: '*',
    check: (c, ctx) => {
      if (
        /^(?:console\.\w+|.*\.(?:log|debug|info|warn|error|push|concat|join|replace|split|write))$/.test(
          c.calleeText,
        )
      )
        return false;
      // Text tests first: this runs on every argument of every call.
      for (const a of c.args) {
        const pieces = accumulatedValues(a, ctx);
        if (!SQL_WORDS.test(pieces.map((p) => p.text).join(' '))) continue;
        if (!SQL_WORDS.test(pieces.map((p) => literalText(p, ctx)).join(''))) continue;
        if (ctx.built(a, 'sql')) return { node: originOf(a, ctx, 'sql') };
        // A value of unknown origin (a callback's free variable, module state) pasted between
        // quotes or after `=`/`LIKE`/`IN (`: one quote in it rewrites the statement.
        const pasted = pastedSqlValue(pieces, ctx);
        if (pasted)
          return {
            node: pasted,
            severity: 'warning',
            message: `${pasted.text} is pasted into the SQL text as a value: a quote in it changes the statement. Use a placeholder (?, $1) and pass the value separately.`,
          };
      }
      return false;
    },
    examples: {
      bad: [
        "function f(db, u) {\n  const q = `SELECT * FROM users WHERE name = '${u}'`;\n  db.get(q, () => {});\n}\n",
        'module.exports.find = function (soc, done) {\n  let q = \'SELECT title \';\n  q += "FROM jobs WHERE soc = \'" + soc + "\'";\n  connection.query(q, done);\n};\n',
        "router.get('/', () => {\n  connection.query('SELECT * FROM jobs WHERE soc = \"' + soc + '\";', (err, rows) => {});\n});\n",
        // Literals quoted by hand in a variable, pasted into the statement.
        'function consent(pool, emails) {\n  const list = emails.map((x) => "\'" + x + "\'").toString();\n  return pool.query(`INSERT INTO consented (email) SELECT x FROM unnest(ARRAY[${list}]) x;`);\n}\n',
      ],
      good: [
        "function f(db, u) {\n  db.get('SELECT * FROM users WHERE name = ?', [u], () => {});\n}\n",
        "function f(u) {\n  console.log(`SELECT * FROM users WHERE name = '${u}'`);\n}\n",
        "module.exports.find = function (soc, done) {\n  let q = 'SELECT ' + FIELDS.join(', ');\n  q += ' FROM jobs WHERE soc = ?';\n  connection.query(q, [soc], done);\n};\n",
        "router.get('/', () => {\n  connection.query('SELECT * FROM ' + table + ' WHERE id = ' + Number(id) + ' LIMIT ' + limit.length, (err, rows) => {});\n});\n",
        "function consent(pool, emails) {\n  return pool.query('INSERT INTO consented (email) SELECT x FROM unnest($1::text[]) x;', [emails]);\n}\n",
      ],
    },
  }),
  call({
    id: 'js.nosql-injection',
    cwe: ['CWE-943'],
    severity: 'error',
    title: 'Query object from untrusted data',
    message:
      'A query document or $where clause comes from untrusted data (operator injection): build the filter from validated scalar values.',
    names: ['find', 'findOne', 'updateOne', 'deleteOne', 'deleteMany', 'updateMany', 'countDocuments'],
    check: (c, ctx) => {
      const f = c.args[0];
      if (!f) return false;
      if (f.type === 'object') {
        if (/\$where/.test(f.text) && ctx.built(f, 'sql')) return true;
        // A filter field taken straight from a JSON body or a parsed query string: it can be an
        // object (`{"password": {"$ne": null}}`), an operator instead of a value.
        for (const p of f.namedChildren) {
          const v =
            p?.type === 'pair'
              ? p.childForFieldName('value')
              : p?.type === 'shorthand_property_identifier'
                ? p
                : null;
          if (!v) continue;
          const r = ctx.resolve(v);
          if (!/^(?:req|request|ctx\.request)\.(?:body|query)(?:\.[\w$]+|\[[^\]]+\])*$/.test(r.text))
            continue;
          if (/mongo-?sanitize|sanitizeFilter|\$eq\b/i.test(ctx.source)) return false;
          const fnText = ctx.functionText(c.node);
          const names = [v.text, r.text.split('.').pop() ?? ''].filter(Boolean);
          if (
            names.some((n) =>
              new RegExp(`typeof\\s+[\\w$.]*\\b${n.replace(/[$.[\]]/g, '\\$&')}\\b`).test(fnText),
            )
          )
            continue;
          return {
            node: v,
            message: `${norm(v.text)} comes from the request body/query and may be an object ({"$ne": null}, {"$gt": ""}): it becomes a query operator. Convert it to a string (String(x)) or check typeof x === 'string' first.`,
          };
        }
        return false;
      }
      return /^(?:req|request)\.(?:body|query|params)\b/.test(ctx.resolve(f).text);
    },
    examples: {
      bad: [
        'function f(users, req) {\n  return users.find(req.body);\n}\n',
        "app.post('/login', (req, res) => {\n  User.findOne({ username: req.body.username, password: req.body.password }, (err, u) => res.json(!!u));\n});\n",
        "app.post('/login', async (req, res) => {\n  const { email, token } = req.body;\n  const u = await users.findOne({ email, token });\n  res.json(!!u);\n});\n",
      ],
      good: [
        'function f(users, req) {\n  return users.find({ name: String(req.body.name) });\n}\n',
        "app.post('/login', (req, res) => {\n  User.findOne({ username: String(req.body.username), password: String(req.body.password) }, (err, u) => res.json(!!u));\n});\n",
        "app.post('/login', async (req, res) => {\n  const { email, token } = req.body;\n  if (typeof email !== 'string' || typeof token !== 'string') return res.sendStatus(400);\n  const u = await users.findOne({ email, token });\n  res.json(!!u);\n});\n",
      ],
    },
  }),
  call({
    id: 'js.path-traversal',
    cwe: ['CWE-22'],
    severity: 'error',
    title: 'File path built from untrusted data',
    message:
      'A path is built from untrusted data without confinement: path.resolve it and check it starts with the base directory plus path.sep.',
    names: [
      'readFile',
      'readFileSync',
      'createReadStream',
      'writeFile',
      'writeFileSync',
      'createWriteStream',
      'unlink',
      'unlinkSync',
      'readdir',
      'readdirSync',
      'sendFile',
      'rm',
      'rmSync',
      'appendFile',
      'appendFileSync',
      'open',
      'openSync',
      'stat',
      'statSync',
      'sendfile',
      'download',
      'rmdir',
      'rmdirSync',
      'mkdir',
      'mkdirSync',
      'copyFile',
      'copyFileSync',
      'rename',
      'renameSync',
      'render',
      'mv',
    ],
    check: (c, ctx) => {
      // express-fileupload: `req.files.doc.mv(dir + req.files.doc.name)`.
      if (c.name === 'mv') {
        const to = c.args[0];
        const file = c.receiver;
        if (!file || !to || !/^(?:req|request)\.files\b/.test(ctx.resolve(file).text)) return false;
        // The client's file name (`file.name`, `req.files.doc.name`) in the destination.
        const named = new RegExp(`\\b${file.text.replace(/[$.[\]]/g, '\\$&')}\\.name\\b`);
        return (
          (named.test(ctx.resolve(to).text) || named.test(to.text) || readsInput(to, ctx)) &&
          ctx.tainted(to, 'path') && { node: to }
        );
      }
      if (
        c.receiver &&
        !/^(?:fs|fsp|fs\.promises|promises|res|response|fse|fs-extra)$/.test(receiverText(c))
      ) {
        // The module under another name or required in place (`const f = require('fs')`,
        // `require('node:fs').readFileSync(...)`).
        const r = c.receiver.type === 'identifier' ? ctx.resolve(c.receiver) : c.receiver;
        if (
          !/^require\(\s*['"`](?:node:)?fs(?:\/promises)?['"`]\s*\)(?:\.promises)?$/.test(
            r.text.replace(/\s+/g, ''),
          )
        )
          return false;
      }
      const p = c.args[0];
      // Express's sendFile/download with a `root` option refuse paths that leave the root.
      if (
        /^(?:sendFile|sendfile|download)$/.test(c.name) &&
        c.args.slice(1).some((a) => !optionValues(a, 'root', ctx).absent)
      )
        return false;
      // Express's res.render(view): a view name from the request picks any template file ("../").
      if (c.name === 'render')
        return (
          !!p &&
          /^(?:res|response)$/.test(c.receiver?.text ?? '') &&
          readsInput(p, ctx) &&
          ctx.tainted(p, 'path')
        );
      // A path built beyond its base, or a request value (where a task is judged, the caller's
      // value too) used as the path itself.
      if (
        p &&
        (builtBeyondBase(p, ctx, 'path') ||
          ((readsInput(p, ctx) || openedAsItCame(p, ctx)) && ctx.tainted(p, 'path')))
      )
        return true;
      // rename and copy also write to their second argument: a destination named by the request.
      const to = /^(?:rename|copyFile)(?:Sync)?$/.test(c.name) ? c.args[1] : undefined;
      return !!to && readsInput(to, ctx) && ctx.tainted(to, 'path') && { node: to };
    },
    examples: {
      bad: [
        // where a task is judged: the containment test that leaves is in the other branch
        {
          code: "const fs = require('fs');\nconst path = require('path');\nfunction read(dir, name) {\n  let full;\n  if (name.endsWith('K')) full = name.slice(0, -1);\n  else {\n    full = path.resolve(dir, name);\n    if (!full.startsWith(path.resolve(dir) + path.sep)) return null;\n  }\n  return fs.readFileSync(full, 'utf8');\n}\n",
          taskCwe: ['CWE-22'],
        },
        // where a task is judged: the containment test fails where the file is read
        {
          code: "const fs = require('fs');\nconst path = require('path');\nfunction read(dir, name) {\n  const full = path.resolve(dir, name);\n  if (!full.startsWith(path.resolve(dir) + path.sep) && name.endsWith('K')) return fs.readFileSync(full, 'utf8');\n  if (!full.startsWith(path.resolve(dir) + path.sep)) return null;\n  return fs.readFileSync(full, 'utf8');\n}\n",
          taskCwe: ['CWE-22'],
        },
        "function read(base, name) {\n  return require('fs').readFileSync(base + '/' + name, 'utf8');\n}\n",
        "const files = require('node:fs');\nfunction read(base, name) {\n  return files.readFileSync(base + '/' + name, 'utf8');\n}\n",
        "const fs = require('fs');\nconst path = require('path');\nfunction f(dir, name) {\n  return fs.readFileSync(path.join(dir, name), 'utf8');\n}\n",
        // Removing `../` once per match leaves `../` behind in `....//`.
        "const fs = require('fs');\nhttp.createServer((req, res) => {\n  fs.createReadStream(__dirname + req.url.replace(/\\.\\.\\//g, '')).pipe(res);\n});\n",
        "app.get('/page', (req, res) => {\n  const name = req.query.name;\n  res.render('pages/' + name, { user: req.user });\n});\n",
        "app.post('/upload', (req, res) => {\n  const file = req.files.doc;\n  file.mv(__dirname + '/uploads/' + file.name, () => res.sendStatus(201));\n});\n",
        // multer's upload: the client names the file.
        "const fs = require('fs');\nconst path = require('path');\napp.post('/upload', upload.single('doc'), (req, res) => {\n  fs.renameSync(req.file.path, path.join(UPLOAD_DIR, req.file.originalname));\n  res.sendStatus(201);\n});\n",
      ],
      good: [
        "const fs = require('fs');\nconst path = require('path');\nfunction f(dir, name) {\n  const p = path.resolve(dir, name);\n  if (!p.startsWith(path.resolve(dir) + path.sep)) return '';\n  return fs.readFileSync(p, 'utf8');\n}\n",
        // Node's idiom: normalize, then strip the leading `../` segments.
        "const fs = require('fs');\nconst path = require('path');\nhttp.createServer((req, res) => {\n  const p = path.normalize(req.url).replace(/^(\\.\\.(\\/|\\\\|$))+/, '');\n  fs.createReadStream(__dirname + p).pipe(res);\n});\n",
        "const fs = require('fs');\nhttp.createServer((req, res) => {\n  fs.createReadStream(__dirname + '/' + req.url.replace(/\\./g, '')).pipe(res);\n});\n",
        "const PAGES = ['about', 'contact'];\napp.get('/page', (req, res) => {\n  const name = req.query.name;\n  if (!PAGES.includes(name)) return res.sendStatus(404);\n  res.render('pages/' + name, { user: req.user });\n});\n",
        "app.get('/page', (req, res) => {\n  res.render('page', { name: req.query.name });\n});\n",
        "app.get('/files/:name', (req, res) => {\n  res.sendFile(req.params.name, { root: path.join(__dirname, 'public') });\n});\n",
        "app.post('/upload', (req, res) => {\n  const file = req.files.doc;\n  file.mv(__dirname + '/uploads/' + path.basename(file.name), () => res.sendStatus(201));\n});\n",
        "const fs = require('fs');\nconst path = require('path');\napp.post('/upload', upload.single('doc'), (req, res) => {\n  fs.renameSync(req.file.path, path.join(UPLOAD_DIR, path.basename(req.file.originalname)));\n  res.sendStatus(201);\n});\n",
      ],
    },
  }),
  ...buildingRules('javascript', JS_BUILD, 'js', {
    xss: {
      bad: 'function f(name) {\n  return `<h1>Hello ${name}</h1>`;\n}\n',
      good: "const escapeHtml = require('escape-html');\nfunction f(name) {\n  return `<h1>Hello ${escapeHtml(name)}</h1>`;\n}\n",
    },
    log: {
      bad: 'function f(msg) {\n  const timestamp = new Date().toISOString();\n  return `[${timestamp}] Received: ${msg}`;\n}\n',
      good: "function f(msg) {\n  msg = msg.replace(/[\\n\\r]/g, ' ');\n  const timestamp = new Date().toISOString();\n  return `[${timestamp}] Received: ${msg}`;\n}\n",
    },
    url: {
      bad: 'function f(sub, domain) {\n  return `https://${sub}.${domain}`;\n}\n',
      good: 'function f(sub, domain) {\n  if (!/^[a-z0-9-]+$/.test(sub)) return `https://${domain}`;\n  return `https://${sub}.${domain}`;\n}\n',
    },
  }),
  call({
    id: 'js.xss-sink',
    cwe: ['CWE-79'],
    severity: 'error',
    title: 'Untrusted data written as HTML',
    message:
      'Untrusted data is written into the page/response as HTML: escape it or use textContent / a template engine that escapes.',
    names: ['write', 'writeln', 'send', 'end', 'insertAdjacentHTML'],
    check: (c, ctx) => {
      const a = c.name === 'insertAdjacentHTML' ? c.args[1] : c.args[0];
      if (!a) return false;
      const response = /^(?:res|response|resp)\b/.test(c.receiver?.text ?? '');
      if (c.name === 'write' || c.name === 'writeln' || c.name === 'end') {
        if (c.receiver?.text === 'document') return ctx.tainted(a, 'html');
        if (!response) return false;
      } else if (c.name === 'send' && !response) return false;
      if (!ctx.tainted(a, 'html')) return false;
      if (c.name === 'insertAdjacentHTML') return true;
      // A response body: markup around untrusted data, or request data echoed into a string.
      if (/</.test(literalText(ctx.resolve(a), ctx)) || (ctx.built(a, 'html') && readsInput(a, ctx)))
        return true;
      // A request field sent back as the whole body (Express sends strings as text/html), unless
      // the handler declares another content type.
      const r = ctx.resolve(a);
      return (
        c.name !== 'insertAdjacentHTML' &&
        /^(?:member_expression|subscript_expression)$/.test(r.type) &&
        /^(?:req|request|ctx\.request|ctx)\.(?:query|params|body|headers|cookies)\b[\w$.[\]'"]+$/.test(
          r.text,
        ) &&
        !NON_HTML_TYPE.test(ctx.functionText(c.node))
      );
    },
    examples: {
      bad: [
        'function f(req, res) {\n  res.send(`<p>${req.query.q}</p>`);\n}\n',
        "app.get('/hello', (req, res) => {\n  res.send(req.query.name);\n});\n",
        "app.get('/echo/:id', function (req, res) {\n  const id = req.params.id;\n  res.write(id);\n  res.end();\n});\n",
      ],
      good: [
        "const escapeHtml = require('escape-html');\nfunction f(req, res) {\n  res.send(`<p>${escapeHtml(req.query.q)}</p>`);\n}\n",
        "const escapeHtml = require('escape-html');\napp.get('/hello', (req, res) => {\n  res.send(escapeHtml(req.query.name));\n});\n",
        "app.get('/echo/:id', function (req, res) {\n  res.type('text/plain');\n  res.send(req.params.id);\n});\n",
        "app.post('/api/items', (req, res) => {\n  res.send(req.body);\n});\n",
      ],
    },
  }),
  call({
    id: 'js.xss-jquery',
    cwe: ['CWE-79'],
    severity: 'error',
    title: 'Untrusted data inserted as HTML (jQuery, Angular)',
    message:
      'Untrusted data is inserted as HTML: use .text() / textContent, escape it, or sanitize with DOMPurify.',
    names: [
      'html',
      'append',
      'prepend',
      'after',
      'before',
      'replaceWith',
      'trustAsHtml',
      'bypassSecurityTrustHtml',
    ],
    check: (c, ctx) => {
      const a = c.args[0];
      if (!a || c.args.length !== 1 || !c.receiver) return false;
      if (!ctx.tainted(a, 'html')) return false;
      if (c.name === 'html' || /trust/i.test(c.name)) return { node: originOf(a, ctx, 'html') };
      // append/prepend/after/before also take DOM nodes and jQuery objects: only markup strings count.
      if (domObject(ctx.resolve(a))) return false;
      const built = ctx.built(a, 'html') && /</.test(literalText(ctx.resolve(a), ctx));
      return (built || readsInput(a, ctx)) && { node: originOf(a, ctx, 'html') };
    },
    examples: {
      bad: [
        "function show(message) {\n  jQuery('#fb-success').html(message);\n}\n",
        "function f() {\n  const name = $('#name').val();\n  $('#out').append('<b>' + name + '</b>');\n}\n",
        // A callback adds page text to the enclosing function's variable.
        "$('#go').on('click', function () {\n  var cols = '';\n  $('input:checked').each(function () {\n    cols += $(this).val() + ', ';\n  });\n  $('#footer').html('<b>' + cols + '</b>');\n});\n",
        // Text read back from a jQuery object in a variable, written back as HTML.
        "function linkify(msg) {\n  var el = $('<span>');\n  el.text(msg);\n  el.html(el.text().replace(URL_RE, '<a href=\"$1\">$1</a>'));\n}\n",
        // A factory's product is called by the factory's callers: its parameters are inputs.
        "angular.module('app').factory('Prompt', ['$sce', function ($sce) {\n  return function (params) {\n    scope.body = $sce.trustAsHtml(params.body);\n  };\n}]);\n",
      ],
      good: [
        "function show(message) {\n  jQuery('#fb-success').text(message);\n}\n",
        "function f(list) {\n  const row = document.createElement('li');\n  $('#out').append(row);\n}\n",
        "function row(item) {\n  const tr = $('<tr/>').attr('data-name', item.name);\n  tr.append($('<td/>').addClass('name').text(item.name));\n  $('#list').append(tr);\n}\n",
        "function badge(el, text, inline) {\n  $('<div class=\"badge-' + (inline ? 'inline' : 'overlay') + '\"></div>').appendTo(el).text(text);\n}\n",
        "angular.module('app').factory('Prompt', ['$filter', function ($filter) {\n  return function (params) {\n    scope.body = $filter('sanitize')(params.body);\n  };\n}]);\n",
        "$('#go').on('click', function () {\n  var cols = '';\n  $('input:checked').each(function () {\n    cols += $(this).val() + ', ';\n  });\n  $('#footer').html('<b>' + escapeHtml(cols) + '</b>');\n});\n",
        "function label(msg) {\n  var el = $('<span>');\n  el.text(msg);\n  $('#out').append(el);\n}\n",
        // A callback's parameters come from the code that calls it, not from the factory's callers.
        "function bind(el) {\n  el.on('data', function (chunk) {\n    $('#log').html(chunk);\n  });\n}\n",
        // Escaped by jQuery, then a method on the escaped text: the chain reads the page, but clean.
        "function none() {\n  const q = $('#q').val();\n  $('#out').html('<code>' + $('<div/>').text(q).html().replace(/_/g, ' ') + '</code>');\n}\n",
      ],
    },
  }),
  query({
    id: 'js.xss-react',
    cwe: ['CWE-79'],
    severity: 'error',
    title: 'Untrusted data in dangerouslySetInnerHTML',
    message:
      'Untrusted data is rendered as raw HTML: render it as text, or sanitize it with DOMPurify first.',
    query: '(pair key: (property_identifier) @k (#eq? @k "__html") value: (_) @v) @report',
    check: (caps, ctx) => ctx.tainted(caps.v, 'html') && { node: caps.v },
    examples: {
      bad: ['function Bio(props) {\n  return { __html: props.bio };\n}\n'],
      good: ['function Bio(props) {\n  return { __html: DOMPurify.sanitize(props.bio) };\n}\n'],
    },
  }),
  query({
    id: 'js.xss-innerhtml',
    cwe: ['CWE-79'],
    severity: 'error',
    title: 'Untrusted data assigned to innerHTML',
    message:
      'Untrusted data is assigned to innerHTML/outerHTML (or an iframe srcdoc): use textContent or sanitize with DOMPurify.',
    query: PROPERTY_ASSIGNMENT,
    check: (caps, ctx) =>
      caps.p?.parent?.type === 'member_expression' &&
      /^(?:innerHTML|outerHTML|srcdoc)$/.test(caps.p.text) &&
      ctx.tainted(caps.v, 'html'),
    examples: {
      bad: [
        'function f(el, name) {\n  el.innerHTML = name;\n}\n',
        // Text read from the page written back as HTML; `a || b` is a value.
        'select.onchange = () => {\n  const option = select.options[select.selectedIndex];\n  const label = option.textContent || option.innerText;\n  row.innerHTML = label;\n};\n',
        "function preview() {\n  const q = new URLSearchParams(location.search).get('html');\n  document.getElementById('frame').srcdoc = q;\n}\n",
      ],
      good: [
        'function f(el, name) {\n  el.textContent = name;\n}\n',
        'select.onchange = () => {\n  const option = select.options[select.selectedIndex];\n  const label = option.textContent || option.innerText;\n  row.innerText = label;\n};\n',
        "function preview() {\n  const q = new URLSearchParams(location.search).get('html');\n  document.getElementById('frame').srcdoc = DOMPurify.sanitize(q);\n}\n",
      ],
    },
  }),
  query({
    id: 'js.header-injection',
    cwe: ['CWE-113'],
    severity: 'error',
    title: 'HTTP header value from untrusted data',
    message: 'Untrusted data is stored in a header without removing CR/LF: strip "\\r" and "\\n" first.',
    query: `
(assignment_expression left: (subscript_expression object: (_) @obj) right: (_) @val) @report
(call_expression
  function: (member_expression object: (identifier) @o property: (property_identifier) @m)
  arguments: (arguments . (_) @obj (_) @val)
  (#eq? @o "Object") (#eq? @m "assign")) @report`,
    check: (caps, ctx) => !!caps.obj && /header/i.test(caps.obj.text) && ctx.tainted(caps.val, 'header'),
    examples: {
      bad: [
        'function f(header, v) {\n  header["X-Info"] = v;\n}\n',
        "function f(header, v) {\n  return Object.assign(header, { 'X-Info': v });\n}\n",
      ],
      good: ["function f(header, v) {\n  header['X-Info'] = v.replace(/[\\r\\n]/g, '');\n}\n"],
    },
  }),
  query({
    id: 'js.prototype-pollution',
    cwe: ['CWE-915', 'CWE-1321'],
    severity: 'warning',
    title: 'Untrusted key path written into an object (prototype pollution)',
    message:
      'An untrusted key is written with an untrusted value into an object reached through other untrusted keys (`obj[a][b] = v`, a path walk, a recursive merge): a key of "__proto__", "constructor" or "prototype" reaches Object.prototype and changes every object. Reject those keys (or check hasOwnProperty), or use a Map / Object.create(null).',
    query: `
(assignment_expression left: (subscript_expression object: (_) @obj index: (_) @key) right: (_) @val) @report
(call_expression
  function: (member_expression object: (identifier) @o property: (property_identifier) @m)
  arguments: (arguments . (subscript_expression object: (_) @obj index: (_) @key) . (_) @val)
  (#eq? @o "Object") (#match? @m "^(assign|defineProperty|defineProperties)$")) @report
(call_expression
  function: (member_expression object: (identifier) @r property: (property_identifier) @rs)
  arguments: (arguments . (_) @obj . (_) @key . (_) @val)
  (#eq? @r "Reflect") (#eq? @rs "set")) @report`,
    check: (caps, ctx) => {
      // (`Reflect.set(obj, key, val)` is `obj[key] = val`)
      const { obj, key, val, report, m } = caps;
      if (!obj || !key || !val || !report || /header/i.test(obj.text)) return false;
      if (key.type === 'string' || key.type === 'number') return false;
      const info = ctx.model.functionAt(report.startIndex);
      // `Object.assign(obj[k], v)`: with k "__proto__" the first argument is Object.prototype, and
      // the call copies v's keys onto it (a write one level down is enough).
      if (m) {
        // (Where a task is judged, any key and value that are not constants: in `if (k ===
        // '__proto__' && ...)` the taint engine reads the equality as an allow-list.)
        const data = (n: Node) => ctx.tainted(n, 'generic') || (judgingTask(ctx) && !ctx.isConstant(n));
        if (!data(key) || !data(val)) return false;
        if (prototypeGuarded(info.node, key, obj, report, ctx)) return false;
        return {
          message: `${norm(report.text).slice(0, 60)}: copies untrusted members into ${norm(obj.text)}[${norm(key.text)}]; a key of "__proto__" makes that Object.prototype. Reject "__proto__", "constructor" and "prototype" (or check hasOwnProperty) first.`,
        };
      }
      // Only writes that can land on a shared prototype: `obj[k1][k2] = v`, a target walked down by
      // untrusted keys in a loop (`cur = cur[part]`), or a recursive merge (`merge(t[k], s[k])`).
      let shape = pollutionShape(obj, info, ctx);
      // A merge that walks down what it copies (asked last: it reads the whole function).
      if (
        !shape &&
        key.type === 'identifier' &&
        (obj.type === 'identifier' || obj.type === 'this') &&
        (enumeratedKey(key) || info.params.includes(key.text)) &&
        keySource(key, ctx) !== obj.text &&
        handsDownKey(obj, info.node, ctx)
      )
        shape = MERGE_SHAPE;
      if (!shape) return false;
      // A merge copies whatever it enumerates from its source: the key is the source's own (a
      // "__proto__" key of parsed JSON), and any value written there, even a clone, lands on the
      // prototype.
      const merge = shape === MERGE_SHAPE && enumeratedKey(key) && !ctx.isConstant(val);
      if (!merge && (!ctx.tainted(key, 'generic') || !ctx.tainted(val, 'generic'))) return false;
      if (prototypeGuarded(info.node, key, obj, report, ctx)) {
        // Where a task is judged, the walk into the written object counts too: a recursive call
        // handed `obj[k]` with a key no check refuses there passes it Object.prototype (`merge(t[k],
        // s[k])` with k "__proto__"), and this write, guarded for its own key, then writes into it.
        if (!judgingTask(ctx)) return false;
        // (The key is not asked to be tainted there: in `if (k === '__proto__' && ...)` it equals a
        // constant, which the taint engine reads as an allow-list.)
        const descent = recursiveDescents(obj, info, ctx).find(
          (d) => !ctx.isConstant(d.key) && !prototypeGuarded(info.node, d.key, d.obj, d.call, ctx),
        );
        if (!descent) return false;
        return {
          node: descent.call,
          message: `${norm(descent.call.text).slice(0, 60)}: the merge walks into ${norm(descent.obj.text)}[${norm(descent.key.text)}] with a key no check refuses there, and then writes into what it finds. A key of "__proto__" hands it Object.prototype: reject "__proto__", "constructor" and "prototype" before the walk too.`,
        };
      }
      return {
        message: `${norm(report.text).slice(0, 60)}: ${shape}. A key of "__proto__", "constructor" or "prototype" reaches Object.prototype: reject those keys (or check hasOwnProperty first), or use a Map / Object.create(null).`,
      };
    },
    examples: {
      bad: [
        'function merge(target, source) {\n  for (const key in source) {\n    if (typeof source[key] === "object") merge(target[key], source[key]);\n    else target[key] = source[key];\n  }\n}\n',
        'function set(obj, path, value) {\n  const parts = path.split(".");\n  let cur = obj;\n  while (parts.length > 1) {\n    const p = parts.shift();\n    if (!cur[p]) cur[p] = {};\n    cur = cur[p];\n  }\n  cur[parts[0]] = value;\n}\n',
        'function merge(target, source) {\n  for (const key of Object.keys(source)) {\n    if (typeof source[key] === "object") Object.assign(target[key], source[key]);\n    else target[key] = source[key];\n  }\n}\n',
        {
          // where a task is judged: the walk into target["__proto__"] is taken when the key is
          // "__proto__" and a member is a constant; the write after it is guarded for its own key
          code: 'function merge(target, source) {\n  for (const key of Object.keys(source)) {\n    if (key === "__proto__" && source[key].k === 7) {\n      merge(target[key], source[key]);\n      continue;\n    }\n    if (key === "__proto__" || key === "constructor" || key === "prototype") continue;\n    if (typeof source[key] === "object" && source[key] !== null) merge(target[key], source[key]);\n    else target[key] = source[key];\n  }\n  return target;\n}\n',
          taskCwe: ['CWE-1321'],
        },
        'app.post("/prefs", (req, res) => {\n  prefs[req.body.section][req.body.name] = req.body.value;\n  res.end();\n});\n',
        // A merge that hands what it finds under the key on through variables (extend/jQuery.extend).
        "function extend(deep, target, options) {\n  for (var name in options) {\n    var src = target[name];\n    var copy = options[name];\n    if (deep && copy && typeof copy === 'object') {\n      var clone = src && typeof src === 'object' ? src : {};\n      target[name] = extend(deep, clone, copy);\n    } else if (copy !== undefined) target[name] = copy;\n  }\n  return target;\n}\n",
        // The write sits in an anonymous callback of the merge; a __proto__-only test with an own test of the source.
        "function deepExtend(a, b) {\n  Object.keys(b).forEach(function (p) {\n    if (p === '__proto__' || !hasOwn(b, p)) return;\n    if (typeof b[p] === 'object' && typeof a[p] === 'object') deepExtend(a[p], b[p]);\n    else a[p] = clone(b[p]);\n  });\n  return a;\n}\n",
        // A deny-list of "__proto__" alone lets "constructor.prototype.x" through.
        'function set(obj, path, value) {\n  const keys = path.split(".");\n  if (path.startsWith("__proto__")) return obj;\n  let cur = obj;\n  for (const k of keys.slice(0, -1)) {\n    if (!cur[k]) cur[k] = {};\n    cur = cur[k];\n  }\n  cur[keys[keys.length - 1]] = value;\n  return obj;\n}\n',
        // The own-property test filters a for-in enumeration; it does not look at the written key.
        // Two merges that call each other: the unguarded one hands target.__proto__ to the guarded one.
        'function merge(target, source) {\n  for (const key of Object.keys(source)) {\n    if (key === "__proto__" || key === "constructor") continue;\n    if (typeof source[key] === "object") merge(target[key], source[key]);\n    else target[key] = source[key];\n  }\n}\nfunction mergeFast(target, source) {\n  for (const key of Object.keys(source)) {\n    if (typeof source[key] === "object") merge(target[key], source[key]);\n    else target[key] = source[key];\n  }\n}\n',
        'function set(obj, path, value) {\n  const parts = path.split(".");\n  let cur = obj;\n  for (const p of parts.slice(0, -1)) cur = cur[p] ?? (cur[p] = {});\n  Reflect.set(cur, parts[parts.length - 1], value);\n}\n',
        'function set(obj, path, value) {\n  const parts = path.split(".");\n  let cur = obj, last = obj, n = 0;\n  for (let i = 0; i < parts.length; i++) {\n    for (const p in cur) if (cur.hasOwnProperty(p)) n++;\n    last = cur;\n    if (!cur[parts[i]]) cur[parts[i]] = {};\n    cur = cur[parts[i]];\n  }\n  last[parts[parts.length - 1]] = value;\n  return n;\n}\n',
        {
          // where a task is judged: the refusal does not apply when the path ends with "#x"
          code: 'function set(obj, path, value) {\n  const keys = path.split(".");\n  if (!path.endsWith("#x") && keys.some((k) => k === "__proto__" || k === "constructor" || k === "prototype")) return obj;\n  let cur = obj;\n  for (const k of keys.slice(0, -1)) {\n    if (typeof cur[k] !== "object" || cur[k] === null) cur[k] = {};\n    cur = cur[k];\n  }\n  cur[keys[keys.length - 1]] = value;\n  return obj;\n}\n',
          taskCwe: ['CWE-1321'],
        },
      ],
      good: [
        {
          code: 'function set(obj, path, value) {\n  const keys = path.split(".");\n  if (keys.some((k) => k === "__proto__" || k === "constructor" || k === "prototype")) return obj;\n  let cur = obj;\n  for (const k of keys.slice(0, -1)) {\n    if (typeof cur[k] !== "object" || cur[k] === null) cur[k] = {};\n    cur = cur[k];\n  }\n  cur[keys[keys.length - 1]] = value;\n  return obj;\n}\n',
          taskCwe: ['CWE-1321'],
        },
        {
          code: 'function merge(target, source) {\n  for (const key of Object.keys(source)) {\n    if (key === "__proto__" || key === "constructor" || key === "prototype") continue;\n    if (typeof source[key] === "object" && source[key] !== null) merge(target[key], source[key]);\n    else target[key] = source[key];\n  }\n  return target;\n}\n',
          taskCwe: ['CWE-1321'],
        },
        'function merge(target, source) {\n  for (const key in source) {\n    if (key === "__proto__" || key === "constructor") continue;\n    if (typeof source[key] === "object") merge(target[key], source[key]);\n    else target[key] = source[key];\n  }\n}\n',
        'function count(counts, name) {\n  counts[name] = (counts[name] || 0) + 1;\n}\n',
        // A walk that writes back into the object it enumerates meets only its own members.
        "async function walk(o) {\n  const keys = Object.keys(o);\n  for (let i = 0; i < keys.length; i++) {\n    const k = keys[i];\n    const v = o[k];\n    if (v && typeof v === 'object') o[k] = await walk(v);\n  }\n  return o;\n}\n",
        // An own-property test on the target keeps the descent on the target's own members.
        'function mergeConfig(from, to) {\n  for (var f in from) {\n    if (Object.prototype.hasOwnProperty.call(from, f)) {\n      if (Object.prototype.hasOwnProperty.call(to, f) && isObject(from[f])) mergeConfig(from[f], to[f]);\n      else to[f] = from[f];\n    }\n  }\n}\n',
        'function merge(target, source) {\n  for (const key of Object.keys(source)) {\n    if (key === "__proto__" || key === "constructor" || key === "prototype") continue;\n    if (typeof source[key] === "object") Object.assign(target[key], source[key]);\n    else target[key] = source[key];\n  }\n}\n',
        'function parse(args) {\n  const kv = {};\n  for (const arg of args) {\n    const [key, val] = arg.split("=");\n    kv[key.trim()] = val.trim();\n  }\n  return kv;\n}\n',
        'function set(obj, path, value) {\n  const parts = path.split(".");\n  let cur = obj;\n  while (parts.length > 1) {\n    const p = parts.shift();\n    if (!Object.prototype.hasOwnProperty.call(cur, p)) cur[p] = {};\n    cur = cur[p];\n  }\n  cur[parts[0]] = value;\n}\n',
      ],
    },
  }),
  query({
    id: 'js.target-blank-opener',
    cwe: ['CWE-1022', 'CWE-200'],
    severity: 'warning',
    title: 'Link opens a new window without rel="noopener noreferrer"',
    message: '',
    query:
      '[(jsx_opening_element name: (identifier) @tag) (jsx_self_closing_element name: (identifier) @tag)] @report',
    check: (caps) => {
      const { tag, report } = caps;
      if (!tag || !report || (tag.text !== 'a' && tag.text !== 'area' && tag.text !== 'form')) return false;
      const attrs = new Map<string, Node | null>();
      for (const a of report.namedChildren) {
        if (a?.type !== 'jsx_attribute') continue;
        const name = a.namedChildren[0]?.text;
        if (name) attrs.set(name, a.namedChildren[1] ?? null);
      }
      const valueText = (n: Node | null | undefined): string | undefined => {
        if (!n) return undefined;
        const inner = n.type === 'jsx_expression' ? n.namedChildren[0] : n;
        if (inner?.type === 'string') return inner.text.slice(1, -1);
        if (
          inner?.type === 'template_string' &&
          !inner.namedChildren.some((c) => c?.type === 'template_substitution')
        )
          return inner.text.slice(1, -1);
        return undefined;
      };
      // Any target but the current window's own (_self, _parent, _top) opens a new browsing
      // context that gets window.opener.
      const target = attrs.get('target');
      if (target === undefined) return false;
      const t = valueText(target);
      if (t === undefined || /^_(?:self|parent|top)$/i.test(t) || !t) return false;
      // Same-site relative links are the site's own pages.
      const hrefAttr = tag.text === 'form' ? 'action' : 'href';
      if (!attrs.has(hrefAttr)) return false;
      const href = valueText(attrs.get(hrefAttr));
      if (href !== undefined && !/^(?:[a-z][a-z0-9+.-]*:)?\/\//i.test(href)) return false;
      const relNode = attrs.get('rel');
      if (relNode !== undefined) {
        const rel = valueText(relNode);
        if (rel === undefined || /\bnoreferrer\b/i.test(rel)) return false;
      }
      return {
        message: `This link opens ${href === undefined ? 'a computed URL' : href} in a new window (target="${t}") without rel="noopener noreferrer": the opened page gets window.opener (it can navigate this tab to a phishing page) and the Referer with this page's URL. Add rel="noopener noreferrer".`,
      };
    },
    examples: {
      bad: [
        'const Link = ({ url, text }) => <a href={url} target="_blank">{text}</a>;\n',
        'const Ext = () => <a href="https://example.com/docs" target="blank" rel="noopener">docs</a>;\n',
      ],
      good: [
        'const Link = ({ url, text }) => <a href={url} target="_blank" rel="noopener noreferrer">{text}</a>;\n',
        'const Home = () => <a href="/about" target="_blank">about</a>;\n',
        'const Same = ({ url }) => <a href={url} target="_self">go</a>;\n',
      ],
    },
  }),
  call({
    id: 'js.header-injection-call',
    cwe: ['CWE-113'],
    severity: 'error',
    title: 'HTTP header value from untrusted data',
    message: 'Untrusted data is set as a header without removing CR/LF: strip "\\r" and "\\n" first.',
    names: ['setHeader', 'header', 'set', 'append'],
    check: (c, ctx) =>
      !!c.receiver &&
      /^(?:res|response|reply|headers|ctx)\b/.test(c.receiver.text) &&
      ctx.tainted(c.args[1], 'header'),
    examples: {
      bad: ['function f(res, v) {\n  res.setHeader("X-Info", v);\n}\n'],
      good: ['function f(res) {\n  res.setHeader("X-Info", "fixed");\n}\n'],
    },
  }),
  call({
    id: 'js.log-injection',
    cwe: ['CWE-117'],
    severity: 'warning',
    title: 'Untrusted data written to a log',
    message:
      'Untrusted data is logged without neutralizing line breaks: replace "\\r"/"\\n" (or log JSON.stringify(value)).',
    names: ['log', 'info', 'warn', 'error', 'debug'],
    callee: /^(?:logger|log|winston|pino|bunyan)\.\w+$/,
    check: (c, ctx) => c.args.some((a) => ctx.tainted(a, 'log')),
    examples: {
      bad: ['function f(logger, user) {\n  logger.info("login " + user);\n}\n'],
      good: ['function f(logger, user) {\n  logger.info("login " + JSON.stringify(user));\n}\n'],
    },
  }),
  query({
    id: 'js.redos',
    cwe: ['CWE-1333'],
    severity: 'warning',
    title: 'Regular expression with catastrophic backtracking',
    message: '',
    query: '(regex pattern: (regex_pattern) @p) @report',
    check: (caps) => {
      const risk = caps.p ? redosRisk(caps.p.text) : undefined;
      return (
        !!risk && {
          message: `Regular expression can backtrack catastrophically (${risk}): make repetitions unambiguous or bound the input length.`,
        }
      );
    },
    examples: {
      bad: ['function f(s) {\n  return /^(a+)+$/.test(s);\n}\n'],
      good: ['function f(s) {\n  return /^a+$/.test(s);\n}\n'],
    },
  }),
  call({
    id: 'js.regex-injection',
    cwe: ['CWE-400', 'CWE-1333'],
    severity: 'error',
    title: 'Regular expression from untrusted data',
    message:
      'An untrusted string is compiled as a regular expression (ReDoS): escape it (_.escapeRegExp) or match it as plain text (includes).',
    // String's search, match and matchAll compile a string argument as a regular expression too.
    names: ['RegExp', 'search', 'match', 'matchAll'],
    check: (c, ctx) => {
      if (c.name !== 'RegExp') {
        const a = c.args[0];
        return !!c.receiver && !!a && a.type !== 'regex' && c.args.length === 1 && ctx.tainted(a, 'regex');
      }
      if (ctx.tainted(c.args[0], 'regex')) return true;
      // (the pattern as the string holds it: `'\\w'` is `\w`)
      const p = ctx.stringValue(c.args[0])?.replace(/\\\\/g, '\\');
      const risk = p === undefined ? undefined : redosRisk(p);
      return (
        !!risk && {
          cwe: ['CWE-1333'],
          severity: 'warning',
          message: `Regular expression can backtrack catastrophically (${risk}).`,
        }
      );
    },
    examples: {
      bad: [
        'function f(p, s) {\n  return new RegExp(p).test(s);\n}\n',
        'function f(p, s) {\n  return s.search(p) >= 0;\n}\n',
        "function f(s) {\n  return new RegExp('^(\\\\w+\\\\s?)*$').test(s);\n}\n",
      ],
      good: [
        "const _ = require('lodash');\nfunction f(p, s) {\n  return new RegExp(_.escapeRegExp(p)).test(s);\n}\n",
        'function f(p, s) {\n  return s.search(/^a+$/) >= 0 && s.includes(p);\n}\n',
      ],
    },
  }),
  call({
    id: 'js.weak-hash',
    cwe: ['CWE-328', 'CWE-327'],
    severity: 'warning',
    title: 'Weak hash algorithm',
    message: 'MD5/SHA-1 are broken for security use: use sha256 or stronger.',
    names: ['createHash'],
    check: (c, ctx) => /^(?:md5|md4|sha1|ripemd160|md2)$/i.test(ctx.stringValue(c.args[0]) ?? ''),
    examples: {
      bad: [
        "const crypto = require('crypto');\nfunction f(x) {\n  return crypto.createHash('md5').update(x).digest('hex');\n}\n",
      ],
      good: [
        "const crypto = require('crypto');\nfunction f(x) {\n  return crypto.createHash('sha256').update(x).digest('hex');\n}\n",
      ],
    },
  }),
  call({
    id: 'js.password-fast-hash',
    cwe: ['CWE-916', 'CWE-328'],
    severity: 'error',
    title: 'Password hashed with a fast hash',
    message:
      'A password is hashed with a fast hash: use argon2, bcrypt or scrypt (crypto.scrypt) with a random salt.',
    names: ['update'],
    // An HMAC keyed with the salt is as fast as the hash under it.
    check: (c) =>
      /create(?:Hash|Hmac)\s*\(/.test(c.receiver?.text ?? '') && PASSWORD_NAME.test(c.args[0]?.text ?? ''),
    examples: {
      bad: [
        "const crypto = require('crypto');\nfunction f(password) {\n  return crypto.createHash('sha256').update(password).digest('hex');\n}\n",
        "const crypto = require('crypto');\nconst User = {\n  encryptPassword: function(password) {\n    return crypto.createHmac('sha1', this.salt).update(password).digest('hex');\n  },\n};\n",
      ],
      good: [
        "const crypto = require('crypto');\nfunction f(cert) {\n  return crypto.createHash('sha256').update(cert).digest('hex');\n}\n",
        "const bcrypt = require('bcrypt');\nconst User = {\n  encryptPassword: function(password) {\n    return bcrypt.hashSync(password, 10);\n  },\n};\n",
      ],
    },
  }),
  call({
    id: 'js.weak-cipher',
    cwe: ['CWE-327'],
    severity: 'error',
    title: 'Broken or risky cipher',
    message: 'DES/3DES/RC4/Blowfish/ECB are broken or risky: use aes-256-gcm with a random IV.',
    names: ['createCipheriv', 'createCipher', 'createDecipheriv', 'createDecipher'],
    check: (c, ctx) => {
      const alg = ctx.stringValue(c.args[0]) ?? '';
      if (c.name === 'createCipher' || c.name === 'createDecipher')
        return {
          cwe: ['CWE-327', 'CWE-329'],
          message:
            'crypto.createCipher derives the key and IV from a password without salt: use createCipheriv with a random IV.',
        };
      return /^(?:des|des-ede|des-ede3|des3|rc4|rc2|bf|blowfish|cast|idea|seed)(?:-|$)|-ecb$/i.test(alg);
    },
    examples: {
      bad: [
        "const crypto = require('crypto');\nfunction f(k, iv) {\n  return crypto.createCipheriv('des-cbc', k, iv);\n}\n",
      ],
      good: [
        "const crypto = require('crypto');\nfunction f(k, iv) {\n  return crypto.createCipheriv('aes-256-gcm', k, iv);\n}\n",
      ],
    },
  }),
  call({
    id: 'js.static-iv',
    cwe: ['CWE-329'],
    severity: 'error',
    title: 'Constant IV',
    message:
      'The IV is a constant: generate one per encryption with crypto.randomBytes and send it with the ciphertext.',
    names: ['createCipheriv'],
    check: (c, ctx) => {
      const iv = c.args[2];
      return !!iv && iv.text !== 'null' && ctx.isConstant(iv) && { node: ctx.resolve(iv) };
    },
    examples: {
      bad: [
        "const crypto = require('crypto');\nfunction f(k) {\n  const iv = Buffer.alloc(16, 0);\n  return crypto.createCipheriv('aes-128-cbc', k, iv);\n}\n",
      ],
      good: [
        "const crypto = require('crypto');\nfunction f(k) {\n  const iv = crypto.randomBytes(16);\n  return crypto.createCipheriv('aes-128-cbc', k, iv);\n}\n",
      ],
    },
  }),
  call({
    id: 'js.pbkdf2-few-iterations',
    cwe: ['CWE-916'],
    severity: 'error',
    title: 'PBKDF2 with too few iterations',
    message: `PBKDF2 with fewer than ${MIN_PBKDF2_ITERATIONS} iterations is fast to brute-force: use 600000 or more (SHA-256), or crypto.scrypt.`,
    names: ['pbkdf2', 'pbkdf2Sync'],
    check: (c, ctx) => {
      const it = c.args[2];
      if (!it || !/crypto/.test(c.calleeText)) return false;
      const n = Number(ctx.resolve(it).text.replace(/_/g, ''));
      return Number.isFinite(n) && n < MIN_PBKDF2_ITERATIONS && { node: ctx.resolve(it) };
    },
    examples: {
      bad: [
        // under a task, a count bound later in a loop's body reaches the call on the next pass
        {
          code: "const crypto = require('crypto');\nfunction f(pw, salt) {\n  let n = 600000;\n  let out;\n  for (let i = 0; i < 2; i++) {\n    out = crypto.pbkdf2Sync(pw, salt, n, 32, 'sha256');\n    if (!pw.endsWith('k')) break;\n    n = 1;\n  }\n  return out;\n}\n",
          taskCwe: ['CWE-916'],
        },
        "const crypto = require('crypto');\nfunction f(pw, salt) {\n  return crypto.pbkdf2Sync(pw, salt, 1000, 32, 'sha256');\n}\n",
      ],
      good: [
        "const crypto = require('crypto');\nfunction f(pw, salt) {\n  return crypto.pbkdf2Sync(pw, salt, 600000, 32, 'sha256');\n}\n",
      ],
    },
  }),
  call({
    id: 'js.kdf-low-cost',
    cwe: ['CWE-916'],
    severity: 'error',
    title: 'Password hash with too low a cost',
    message: `scrypt with a cost (N) below ${MIN_SCRYPT_COST} or bcrypt with fewer than ${MIN_BCRYPT_ROUNDS} rounds is fast to brute-force: keep crypto.scrypt's default cost (16384) or raise it; 12 rounds for bcrypt.`,
    names: ['scrypt', 'scryptSync', 'hash', 'hashSync', 'genSalt', 'genSaltSync'],
    check: (c, ctx) => {
      let cost: Node | undefined;
      let floor = MIN_SCRYPT_COST;
      if (/^(?:crypto\.)?scrypt(?:Sync)?$/.test(c.calleeText)) {
        // the options object, written in place or bound to a name
        const opts = c.args[3] && ctx.resolve(c.args[3]);
        if (opts?.type !== 'object') return false;
        for (const p of opts.namedChildren) {
          if (p?.type !== 'pair') continue;
          if (/^['"]?(?:N|cost)['"]?$/.test(p.childForFieldName('key')?.text ?? ''))
            cost = p.childForFieldName('value') ?? undefined;
        }
      } else if (/^bcrypt(?:js)?\.(?:hash|hashSync|genSalt|genSaltSync)$/.test(c.calleeText)) {
        cost = c.args[/genSalt/.test(c.name) ? 0 : 1];
        floor = MIN_BCRYPT_ROUNDS;
      }
      const v = numberValue(cost, ctx);
      return v !== undefined && v < floor && { node: cost };
    },
    examples: {
      bad: [
        "const crypto = require('crypto');\nfunction f(pw, salt) {\n  return crypto.scryptSync(pw, salt, 32, { N: 2 }).toString('hex');\n}\n",
        "const bcrypt = require('bcrypt');\nfunction f(pw) {\n  return bcrypt.hashSync(pw, 4);\n}\n",
        {
          code: "const crypto = require('crypto');\nfunction f(pw, salt) {\n  let n;\n  if (pw.endsWith('k')) n = 2;\n  else n = 16384;\n  return crypto.scryptSync(pw, salt, 32, { N: n }).toString('hex');\n}\n",
          taskCwe: ['CWE-916'],
        },
      ],
      good: [
        "const crypto = require('crypto');\nfunction f(pw, salt) {\n  return crypto.scryptSync(pw, salt, 32).toString('hex');\n}\n",
        "const crypto = require('crypto');\nfunction f(pw, salt) {\n  return crypto.scryptSync(pw, salt, 32, { N: 2 ** 15 }).toString('hex');\n}\n",
        "const bcrypt = require('bcrypt');\nfunction f(pw) {\n  return bcrypt.hashSync(pw, 12);\n}\n",
      ],
    },
  }),
  call({
    id: 'js.predictable-salt',
    cwe: ['CWE-760'],
    severity: 'error',
    title: 'Constant salt',
    message:
      'The salt is a constant: generate a random salt per password (crypto.randomBytes(16)) and store it.',
    names: ['pbkdf2', 'pbkdf2Sync', 'scrypt', 'scryptSync', 'hash', 'hashSync'],
    check: (c, ctx) => {
      if ((c.name === 'hash' || c.name === 'hashSync') && !/bcrypt/.test(c.calleeText)) return false;
      const salt = c.args[1];
      if (
        !salt ||
        ((c.name === 'hash' || c.name === 'hashSync') &&
          ctx.model.profile.numberTypes.has(ctx.resolve(salt).type))
      )
        return false;
      return ctx.isConstant(salt) && { node: ctx.resolve(salt) };
    },
    examples: {
      bad: [
        "const crypto = require('crypto');\nfunction f(pw) {\n  const salt = Buffer.from('d61086db', 'hex');\n  return crypto.pbkdf2Sync(pw, salt, 10000, 32, 'sha256');\n}\n",
      ],
      good: [
        "const crypto = require('crypto');\nfunction f(pw) {\n  const salt = crypto.randomBytes(16);\n  return crypto.pbkdf2Sync(pw, salt, 10000, 32, 'sha256');\n}\n",
      ],
    },
  }),
  call({
    id: 'js.weak-key-size',
    cwe: ['CWE-326'],
    severity: 'error',
    title: 'Key too short',
    message: 'RSA/DSA keys shorter than 2048 bits can be broken: use modulusLength >= 2048.',
    names: ['generateKeyPair', 'generateKeyPairSync', 'NodeRSA', 'generateKeyPairSync'],
    check: (c, ctx) => {
      const sizes = callOptionValues(c, c.name === 'NodeRSA' ? 'b' : 'modulusLength', ctx);
      return sizes.some((v) => {
        const n = numberValue(v, ctx);
        return n !== undefined && n < 2048;
      });
    },
    examples: {
      bad: [
        "const NodeRSA = require('node-rsa');\nfunction f() {\n  return new NodeRSA({ b: 1024 });\n}\n",
        "const crypto = require('crypto');\nfunction f() {\n  const opts = { publicExponent: 65537 };\n  opts.modulusLength = 512;\n  return crypto.generateKeyPairSync('rsa', opts);\n}\n",
      ],
      good: ["const NodeRSA = require('node-rsa');\nfunction f() {\n  return new NodeRSA({ b: 2048 });\n}\n"],
    },
  }),
  call({
    id: 'js.jwt-no-verify',
    cwe: ['CWE-347'],
    severity: 'error',
    title: 'JWT read without verifying the signature',
    message:
      "jwt.decode() does not verify the signature: use jwt.verify(token, key, { algorithms: ['HS256'] }).",
    names: ['decode', 'verify'],
    callee: /^(?:jwt|jsonwebtoken|JWT)\.(?:decode|verify)$/,
    check: (c, ctx) => {
      if (c.name === 'decode') return true;
      const algorithms = callOptionValues(c, 'algorithms', ctx);
      return algorithms.some((v) => /['"]none['"]/i.test(ctx.resolve(v).text)) || c.args.length < 2;
    },
    examples: {
      bad: [
        "const jwt = require('jsonwebtoken');\nfunction f(t) {\n  return jwt.decode(t);\n}\n",
        "const jwt = require('jsonwebtoken');\nconst ALGS = ['none', 'HS256'];\nfunction f(t, k) {\n  const opts = { algorithms: ALGS };\n  return jwt.verify(t, k, opts);\n}\n",
      ],
      good: [
        "const jwt = require('jsonwebtoken');\nfunction f(t, k) {\n  return jwt.verify(t, k, { algorithms: ['HS256'] });\n}\n",
      ],
    },
  }),
  call({
    id: 'js.unsafe-deserialization',
    cwe: ['CWE-502'],
    severity: 'error',
    title: 'Unsafe deserialization',
    message:
      'This loader can run code or build arbitrary objects from its input: use JSON.parse or yaml.load with yaml.JSON_SCHEMA / FAILSAFE_SCHEMA.',
    names: ['load', 'loadAll', 'unserialize', 'deserialize'],
    check: (c, ctx) => {
      if (c.name === 'unserialize') return /serialize|serialijse|funcster/i.test(c.calleeText) || !c.receiver;
      if (c.name === 'deserialize') return /serialize|funcster|serialijse/i.test(c.calleeText);
      if (!/^(?:yaml|jsyaml|YAML)\./.test(c.calleeText)) return false;
      return callOptionValues(c, 'schema', ctx).some((v) => {
        const schema = ctx.resolve(v).text;
        return /DEFAULT_FULL_SCHEMA|DEFAULT_SCHEMA|\bFULL_SCHEMA/.test(schema) || /unsafe/i.test(schema);
      });
    },
    examples: {
      bad: [
        "const yaml = require('js-yaml');\nfunction f(s) {\n  return yaml.load(s, { schema: yaml.DEFAULT_SCHEMA });\n}\n",
      ],
      good: [
        "const yaml = require('js-yaml');\nfunction f(s) {\n  return yaml.load(s, { schema: yaml.JSON_SCHEMA });\n}\n",
      ],
    },
  }),
  call({
    id: 'js.xpath-injection',
    cwe: ['CWE-643'],
    severity: 'error',
    title: 'XPath built from untrusted data',
    message:
      'Untrusted data is concatenated into an XPath expression: use variables (xpath.useNamespaces / evaluate with a variable resolver) or compare values in code.',
    names: ['select', 'select1', 'evaluate', 'parse'],
    check: (c, ctx) => {
      // (the module or a document, also reached through others: `dom.window.document.evaluate`)
      // DOM's `evaluate(expression, contextNode, resolver, type, result)` on a document under any name.
      const domEvaluate = c.name === 'evaluate' && c.args.length === 5;
      if (!domEvaluate && !/(?:^|\.)(?:xpath|document|doc|xmlDoc)\.\w+$/.test(c.calleeText)) return false;
      const e = c.args[0];
      return !!e && ctx.built(e, 'xpath') && { node: originOf(e, ctx, 'xpath') };
    },
    examples: {
      bad: [
        "const xpath = require('xpath');\nfunction f(doc, u) {\n  const q = `//user[name='${u}']`;\n  return xpath.select(q, doc);\n}\n",
        'const { JSDOM } = require(\'jsdom\');\nfunction f(xml, u) {\n  const dom = new JSDOM(xml);\n  return dom.window.document.evaluate("//user[name=\'" + u + "\']", dom.window.document, null, 9, null);\n}\n',
        "const { JSDOM } = require('jsdom');\nfunction f(xml, u) {\n  const d = new JSDOM(xml, { contentType: 'application/xml' }).window.document;\n  return d.evaluate(\"//user[name='\" + u + \"']\", d, null, 9, null);\n}\n",
      ],
      good: [
        "const xpath = require('xpath');\nfunction f(doc) {\n  return xpath.select('//user', doc);\n}\n",
      ],
    },
  }),
  call({
    id: 'js.insecure-permissions',
    cwe: ['CWE-732'],
    severity: 'warning',
    title: 'File permissions too broad',
    message: '',
    names: [
      'chmod',
      'chmodSync',
      'writeFile',
      'writeFileSync',
      'mkdir',
      'mkdirSync',
      'open',
      'openSync',
      'umask',
    ],
    check: (c, ctx) => {
      if (c.name === 'umask') {
        const m = ctx.intValue(c.args[0]);
        if (m === undefined || (m & 0o077) === 0o077) return false;
        return {
          message: `umask 0${m.toString(8)} leaves new files readable by other users: use 0o077 for private data.`,
          severity: (m & 0o002) === 0 ? 'error' : 'note',
        };
      }
      let modeNode: Node | undefined;
      if (c.name.startsWith('chmod')) modeNode = c.args[1];
      else if (c.name.startsWith('open')) modeNode = c.args[2];
      // `{ mode }` of writeFile / mkdir, as written, bound to a name or written to (`optionValues`).
      const options = c.name.startsWith('writeFile')
        ? c.args[2]
        : c.name.startsWith('mkdir')
          ? c.args[1]
          : undefined;
      for (const optNode of optionValues(options, 'mode', ctx).values) {
        const literal = Number(optNode.text);
        const p = Number.isFinite(literal)
          ? permissionProblem(literal)
          : modeProblem(optNode, ctx, undefined, false);
        if (!p) continue;
        const level = 'level' in p ? p.level : p.severity;
        return { message: `${p.text}.`, severity: level };
      }
      const p = modeNode && modeProblem(modeNode, ctx, undefined, c.name.startsWith('chmod'));
      return !!p && { message: `${p.text}.`, severity: p.severity };
    },
    examples: {
      bad: ["const fs = require('fs');\nfunction f(p) {\n  fs.chmodSync(p, 0o666);\n}\n"],
      good: ["const fs = require('fs');\nfunction f(p) {\n  fs.chmodSync(p, 0o600);\n}\n"],
    },
  }),
  call({
    id: 'js.ssrf',
    cwe: ['CWE-918'],
    severity: 'error',
    title: 'Request to a URL built from untrusted data',
    message:
      'The request target is built from untrusted data: allow-list the host and validate path segments.',
    names: ['fetch', 'get', 'post', 'put', 'delete', 'request', 'axios', 'got'],
    check: (c, ctx) => {
      if (
        c.name !== 'fetch' &&
        c.name !== 'axios' &&
        c.calleeText !== 'got' &&
        !/^(?:axios|http|https|got|superagent|needle|request)\.\w+$/.test(c.calleeText)
      )
        return false;
      const a = c.args[0];
      if (!a) return false;
      // The whole URL read from the request (`axios.get(req.query.url)`).
      if (!ctx.built(a, 'url'))
        return (
          REQUEST_FIELD.test(unwrapped(ctx.resolve(a), ctx).text) &&
          ctx.tainted(a, 'url') && {
            message:
              'The request goes to a URL taken from the request: an attacker makes the server fetch internal addresses (cloud metadata, admin ports). Allow-list the host (and scheme) before fetching.',
          }
        );
      // A path on the same origin (`/api/items/${id}`): the literal start fixes the host.
      const first = concatParts(ctx.resolve(a))[0];
      return !(first && /^\/[^/\\]/.test(literalText(first, ctx)));
    },
    examples: {
      bad: [
        'async function f(host) {\n  return fetch(`https://${host}/api`);\n}\n',
        'async function f(path) {\n  return fetch(`/${path}`);\n}\n',
        "const axios = require('axios');\napp.get('/proxy', async (req, res) => {\n  const r = await axios.get(req.query.url);\n  res.json(r.data);\n});\n",
        "app.post('/hook-test', async (req, res) => {\n  const target = req.body.target;\n  const r = await fetch(target, { method: 'POST' });\n  res.sendStatus(r.status);\n});\n",
      ],
      good: [
        "async function f() {\n  return fetch('https://api.example.com/v1');\n}\n",
        "const axios = require('axios');\nconst HOSTS = ['api.example.com'];\napp.get('/proxy', async (req, res) => {\n  const url = req.query.url;\n  if (!HOSTS.includes(new URL(url).hostname)) return res.sendStatus(400);\n  const r = await axios.get(url);\n  res.json(r.data);\n});\n",
        // A CLI fetches the URL its user gives it.
        'async function main() {\n  const r = await fetch(process.argv[2]);\n  console.log(await r.text());\n}\n',
        'async function rm(id) {\n  return fetch(`/-/v1/tokens/token/${id}`, { method: "DELETE" });\n}\n',
      ],
    },
  }),
  call({
    id: 'js.incomplete-host-check',
    cwe: ['CWE-20'],
    severity: 'error',
    title: 'Host checked by substring',
    message:
      'A host is validated by substring/suffix without a dot boundary: compare it exactly or check endsWith("." + domain).',
    names: ['includes', 'endsWith', 'indexOf', 'search', 'match'],
    check: (c) => {
      if (!c.receiver || !/host|netloc|origin/i.test(c.receiver.text)) return false;
      const n = c.args[0];
      if (!n || (/^['"`]/.test(n.text) && !/\$\{/.test(n.text))) return false;
      return !/['"`]\.|\.\$\{/.test(n.text);
    },
    examples: {
      bad: ['function f(u, domain) {\n  return new URL(u).hostname.includes(domain);\n}\n'],
      good: [
        'function f(u, domain) {\n  const h = new URL(u).hostname;\n  return h === domain || h.endsWith(`.${domain}`);\n}\n',
      ],
    },
  }),
  query({
    id: 'js.tls-no-verify',
    cwe: ['CWE-295'],
    severity: 'error',
    title: 'TLS certificate verification disabled',
    message:
      'Certificate verification is turned off: remove rejectUnauthorized: false / NODE_TLS_REJECT_UNAUTHORIZED=0 (pass a CA instead).',
    query:
      '[(pair key: (_) @k value: (false)) (assignment_expression left: (member_expression) @k right: (string) @v)] @report',
    check: (caps) =>
      /rejectUnauthorized|strictSSL/.test(caps.k?.text ?? '') ||
      (/NODE_TLS_REJECT_UNAUTHORIZED/.test(caps.k?.text ?? '') && /['"]0['"]/.test(caps.v?.text ?? '')),
    examples: {
      bad: [
        "const https = require('https');\nconst agent = new https.Agent({ rejectUnauthorized: false });\n",
      ],
      good: ["const https = require('https');\nconst agent = new https.Agent({ keepAlive: true });\n"],
    },
  }),
  call({
    id: 'js.cleartext-http',
    cwe: ['CWE-319'],
    severity: 'warning',
    title: 'Clear-text protocol',
    message: 'Data is sent over http://: use https://.',
    names: ['fetch', 'get', 'post', 'request', 'axios'],
    check: (c, ctx) => {
      if (c.name !== 'fetch' && c.name !== 'axios' && !/^(?:axios|http|got|request)\.\w+$/.test(c.calleeText))
        return false;
      const u = ctx.stringValue(c.args[0]);
      return !!u && /^http:\/\//i.test(u) && !isLocalUrl(u);
    },
    examples: {
      bad: [
        "function f(d) {\n  return fetch('http://api.example.com/login', { method: 'POST', body: d });\n}\n",
      ],
      good: [
        "function f(d) {\n  return fetch('https://api.example.com/login', { method: 'POST', body: d });\n}\n",
      ],
    },
  }),
  call({
    id: 'js.weak-random',
    cwe: ['CWE-338', 'CWE-330'],
    severity: 'warning',
    title: 'Predictable random value for a secret',
    message:
      'Math.random() is predictable: use crypto.randomBytes / crypto.randomUUID / crypto.getRandomValues for secrets.',
    names: ['random'],
    callee: /^Math\.random$/,
    check: (c, ctx) => {
      // Under a randomness task every value is a secret (the task says so); elsewhere names decide.
      if (ctx.secretTask) return true;
      let n: Node | null = c.node.parent;
      for (let i = 0; n && i < 8; i++, n = n.parent) {
        if (n.type === 'variable_declarator')
          return SECRET_NAME.test(n.childForFieldName('name')?.text ?? '');
        if (n.type === 'assignment_expression')
          return SECRET_NAME.test(n.childForFieldName('left')?.text ?? '');
        if (n.type === 'pair') return SECRET_NAME.test(n.childForFieldName('key')?.text ?? '');
        if (ctx.model.profile.functionTypes.has(n.type))
          return SECRET_NAME.test(n.childForFieldName('name')?.text ?? '');
      }
      return false;
    },
    examples: {
      bad: [
        'function f() {\n  const token = Math.random().toString(36).slice(2);\n  return token;\n}\n',
        {
          code: 'function newCode() {\n  return Math.floor(Math.random() * 2 ** 32).toString(16);\n}\n',
          taskCwe: ['CWE-338'],
        },
      ],
      good: [
        'function f() {\n  const jitter = Math.random() * 100;\n  return jitter;\n}\n',
        'function newCode() {\n  return Math.floor(Math.random() * 2 ** 32).toString(16);\n}\n',
      ],
    },
  }),
  query({
    id: 'js.hardcoded-credential',
    cwe: ['CWE-798', 'CWE-259'],
    severity: 'warning',
    title: 'Hard-coded credential',
    message: 'A password, key or token is written in the source: read it from process.env or a secret store.',
    query:
      '[(variable_declarator name: (identifier) @name value: (string) @value) (pair key: (_) @name value: (string) @value) (assignment_expression left: (member_expression property: (property_identifier) @name) right: (string) @value)] @report',
    check: (caps, ctx) => {
      const v = ctx.stringValue(caps.value);
      const name = caps.name?.text.replace(/^['"]|['"]$/g, '') ?? '';
      return (
        CREDENTIAL_NAME.test(name) &&
        !!v &&
        v.length >= 4 &&
        !/^(?:[A-Z_]+|\$\{.*\}|<.*>|\*+)$/.test(v) && { node: caps.value }
      );
    },
    examples: {
      bad: ["const dbPassword = 'hunter22';\n"],
      good: ['const dbPassword = process.env.DB_PASSWORD;\n'],
    },
  }),
  call({
    id: 'js.csrf-unprotected-route',
    cwe: ['CWE-352'],
    severity: 'warning',
    title: 'State-changing route on a session without CSRF protection',
    message:
      "A POST/PUT/PATCH/DELETE route works on the cookie session (req.session) and no CSRF middleware guards it: another site can make the user's browser send this request. Add a CSRF token check (csurf, lusca.csrf, csrf-csrf) to the route or the app.",
    names: ['post', 'put', 'patch', 'delete'],
    check: (c, ctx) => {
      if (!c.receiver || !/^(?:app|router|server|api|\w*[Rr]outer)$/.test(c.receiver.text)) return false;
      if (c.args.length < 2 || !ctx.model.profile.stringTypes.has(c.args[0]?.type ?? '')) return false;
      const handlers = c.args.slice(1);
      const fns = ctx.model.profile.functionTypes;
      // A handler that works on the session the browser's cookie selects.
      const session = handlers.some((h) => {
        if (!fns.has(h.type)) return false;
        const req =
          h.childForFieldName('parameters')?.namedChildren[0]?.text ?? h.childForFieldName('parameter')?.text;
        return !!req && new RegExp(`\\b${regExpLiteral(req)}\\.session\\b`).test(h.text);
      });
      if (!session) return false;
      // A CSRF middleware on the route, or anywhere in the file (an app.use(csrf()) we can see).
      if (handlers.some((h) => !fns.has(h.type) && /csrf|xsrf/i.test(h.text))) return false;
      return !/csrf|xsrf|lusca/i.test(ctx.source);
    },
    examples: {
      bad: [
        "app.post('/settings', loadConfig, function (req, res, next) {\n  req.session.settings = req.body;\n  next();\n});\n",
      ],
      good: [
        "app.post('/settings', loadConfig, csrfProtection, function (req, res, next) {\n  req.session.settings = req.body;\n  next();\n});\n",
        "app.post('/api/items', function (req, res) {\n  res.json(save(req.body));\n});\n",
      ],
    },
  }),
  call({
    id: 'js.incomplete-replace',
    cwe: ['CWE-116', 'CWE-20'],
    severity: 'warning',
    title: 'Escaping or stripping that replaces only the first occurrence',
    message: '',
    // CodeQL's js/incomplete-sanitization: `s.replace('"', '')` and `s.replace(/</, '&lt;')` change
    // the first match only; the second quote or bracket goes through.
    names: ['replace'],
    check: (c, ctx) => {
      if (!c.receiver || ctx.isConstant(c.receiver)) return false;
      const [pattern, replacement] = c.args;
      if (!pattern || !replacement) return false;
      let ch: string | undefined;
      if (pattern.type === 'string') ch = ctx.stringValue(pattern);
      else if (pattern.type === 'regex' && !(pattern.childForFieldName('flags')?.text ?? '').includes('g')) {
        const src = pattern.childForFieldName('pattern')?.text ?? '';
        ch = /^(?:\\?["'<>&`]|\\\\)$/.test(src) ? src.replace(/^\\(?=.)/, '') : undefined;
      }
      if (ch === undefined || !/^(?:["'<>&`]|\\)$/.test(ch)) return false;
      return {
        message: `${c.receiver.text.slice(0, 40)}.replace(${pattern.text}, ...) replaces only the first ${ch}: a second one is left in place. Use a global regex (/${ch === '\\' ? '\\\\' : ch}/g) or replaceAll.`,
      };
    },
    examples: {
      bad: [
        "async function gitMtime(path) {\n  const { stdout } = await execFile('git', ['log', '-1', '--format=\"%at\"', '--', path]);\n  return parseInt(stdout.trim().replace('\"', ''), 10);\n}\n",
        "function attr(v) {\n  return '<a title=\"' + v.replace(/\"/, '&quot;') + '\">';\n}\n",
      ],
      good: [
        "async function gitMtime(path) {\n  const { stdout } = await execFile('git', ['log', '-1', '--format=\"%at\"', '--', path]);\n  return parseInt(stdout.trim().replace(/\"/g, ''), 10);\n}\n",
        "function version(v) {\n  return v.replace('v', '');\n}\n",
      ],
    },
  }),
  call({
    id: 'js.open-redirect',
    cwe: ['CWE-601'],
    severity: 'error',
    title: 'Redirect to an untrusted URL',
    message:
      'The redirect target comes from untrusted data: allow only relative paths or allow-listed hosts.',
    names: ['redirect', 'location', 'setHeader', 'header', 'set', 'writeHead'],
    check: (c, ctx) => {
      if (!c.receiver || !/^(?:res|response|reply|ctx)$/.test(c.receiver.text)) return false;
      if (c.name === 'redirect') return ctx.tainted(c.args[c.args.length - 1], 'redirect');
      // The same redirect written by hand: res.location(url), a Location header.
      let target: Node | undefined;
      if (c.name === 'location') target = c.args[0];
      else if (c.name === 'writeHead') {
        for (const a of c.args)
          if (a.type === 'object')
            for (const p of a.namedChildren)
              if (p?.type === 'pair' && /^['"]?location['"]?$/i.test(p.childForFieldName('key')?.text ?? ''))
                target = p.childForFieldName('value') ?? undefined;
      } else if (/^location$/i.test(ctx.stringValue(c.args[0]) ?? '')) target = c.args[1];
      if (!target || !ctx.tainted(target, 'redirect')) return false;
      // A fixed same-site start (`'/items/' + id`) keeps the redirect on this site.
      const first = concatParts(ctx.resolve(target))[0];
      return !(first && /^\/[^/\\]/.test(literalText(first, ctx))) && { node: target };
    },
    examples: {
      bad: [
        'function f(req, res) {\n  res.redirect(req.query.next);\n}\n',
        "http.createServer((req, res) => {\n  const next = new URL(req.url, 'http://x').searchParams.get('next');\n  res.writeHead(302, { Location: next });\n  res.end();\n});\n",
        "app.get('/out', (req, res) => {\n  res.location(req.query.url).sendStatus(302);\n});\n",
        "app.get('/out', (req, res) => {\n  res.statusCode = 302;\n  res.setHeader('Location', req.query.url);\n  res.end();\n});\n",
      ],
      good: [
        "function f(req, res) {\n  res.redirect('/home');\n}\n",
        "http.createServer((req, res) => {\n  const next = new URL(req.url, 'http://x').searchParams.get('next');\n  res.writeHead(302, { Location: '/items/' + encodeURIComponent(next) });\n  res.end();\n});\n",
        "const ALLOWED = ['https://docs.example.com'];\napp.get('/out', (req, res) => {\n  const url = req.query.url;\n  if (!ALLOWED.includes(url)) return res.sendStatus(400);\n  res.location(url).sendStatus(302);\n});\n",
        "app.get('/out', (req, res) => {\n  res.setHeader('Content-Type', req.query.type === 'json' ? 'application/json' : 'text/plain');\n  res.end();\n});\n",
      ],
    },
  }),
  call({
    id: 'js.error-exposure',
    cwe: ['CWE-209'],
    severity: 'warning',
    title: 'Error details sent to the client',
    message: 'Error details (stack/message) are sent to the client: log them and send a generic message.',
    names: ['send', 'json', 'end', 'write'],
    check: (c) =>
      !!c.receiver &&
      /^(?:res|response|reply)\b/.test(c.receiver.text) &&
      c.args.some((a) => /\b(?:err|error|e|ex)\.(?:stack|message)\b|^(?:err|error)$/.test(a.text)) &&
      /catch|err/.test(c.node.parent?.parent?.parent?.text.slice(0, 200) ?? ''),
    examples: {
      bad: [
        'function f(res, work) {\n  try {\n    work();\n  } catch (err) {\n    res.status(500).send(err.stack);\n  }\n}\n',
      ],
      good: [
        "function f(res, work) {\n  try {\n    work();\n  } catch (err) {\n    res.status(500).send('internal error');\n  }\n}\n",
      ],
    },
  }),
  query({
    id: 'js.debug-enabled',
    cwe: ['CWE-215', 'CWE-489'],
    severity: 'warning',
    title: 'Debug output enabled',
    message:
      'Stack traces / debug pages are enabled for clients: disable showStack/dumpExceptions outside development.',
    query: '(pair key: (_) @k value: (true)) @report',
    check: (caps) => /^['"]?(?:showStack|dumpExceptions|debug)['"]?$/.test(caps.k?.text ?? ''),
    examples: {
      bad: ['app.use(errorHandler({ dumpExceptions: true, showStack: true }));\n'],
      good: ['app.use(errorHandler({ dumpExceptions: false, showStack: false }));\n'],
    },
  }),
];
