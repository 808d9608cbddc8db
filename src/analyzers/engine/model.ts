import { builtinModules } from 'node:module';
import type { Node, Tree } from 'web-tree-sitter';
import type { Language } from '../../spec/language.ts';
import { type LanguageProfile, PROFILES } from './profiles.ts';

/**
 * One pass over a syntax tree that indexes what the rules and the taint engine ask about: call
 * sites (with callee text, positional and keyword arguments), functions and their parameters, and
 * variable bindings (assignments, loop variables, out-parameters) in source order.
 */

export interface CallSite {
  node: Node;
  /** The callee expression (for C++ constructor declarations: the declared type). */
  callee: Node | null;
  /** Callee text without whitespace, e.g. `os.path.join`, `std::regex`, `crypto.createHash`. */
  calleeText: string;
  /** Last segment of the callee: `join`, `regex`, `createHash`. */
  name: string;
  /** Receiver expression of a method call (`cursor` in `cursor.execute(q)`). */
  receiver: Node | null;
  args: Node[];
  kwargs: Map<string, Node>;
  argList: Node | null;
  isNew: boolean;
}

export interface Binding {
  name: string;
  /** Index (UTF-16) from which the binding is visible. */
  at: number;
  /** The expression the variable takes its value from (null for parameters). */
  value: Node | null;
  /** The statement that binds (for branch analysis). */
  statement: Node;
  /**
   * `raised`: the name an `except ... as e` / `catch (e)` clause binds; `value` is the `try` body,
   * whose `raise`/`throw` values it takes (read under a task only).
   */
  kind: 'param' | 'assign' | 'augment' | 'loop' | 'out' | 'stream' | 'sanitize' | 'raised';
}

/** One place a function of the file is invoked (`FileModel.invocationsOf`). */
export interface Invocation {
  call: CallSite;
  /** Leading parameters the call does not pass (a Python method's `self`, read from the receiver). */
  offset: number;
  /** The function is handed to the call (a callback): its parameters take the call's other values. */
  callback: boolean;
  /** A method call: the receiver is the object the method's `self`/`this` stands for. */
  method?: boolean;
}

export interface FunctionInfo {
  node: Node;
  params: string[];
  /** Parameter names with their declared type text (C/C++/Go: for pointer/element checks). */
  paramTypes: Map<string, string>;
  bindings: Map<string, Binding[]>;
  start: number;
  end: number;
}

/** Node types the per-language visitors read (bindings); calls, functions and ifs come from the profile. */
const INDEXED_TYPES: ReadonlySet<string> = new Set([
  'assignment',
  'augmented_assignment',
  'for_statement',
  'for_in_clause',
  'with_item',
  'named_expression',
  'init_declarator',
  'declaration',
  'assignment_expression',
  'for_range_loop',
  'binary_expression',
  'short_var_declaration',
  'assignment_statement',
  'var_spec',
  'const_spec',
  'range_clause',
  'variable_declarator',
  'augmented_assignment_expression',
  'for_in_statement',
  'except_clause',
  'catch_clause',
  'send_statement',
  'global_statement',
  'nonlocal_statement',
]);

/** C/C++: node types the flow helpers (c-flow.ts) look up per function with `nodesIn`. */
const C_FLOW_TYPES = [
  'assignment_expression',
  'init_declarator',
  'update_expression',
  'pointer_expression',
  'field_expression',
  'subscript_expression',
  'binary_expression',
  'comparison_operator',
  'call_expression',
  'if_statement',
  'while_statement',
  'conditional_expression',
];

const INDEXED_BY_LANGUAGE = new Map<Language, string[]>();

/** The node types the model reads in a language: bindings, functions, calls, ifs (and C's flow types). */
export function indexedTypes(language: Language): string[] {
  let types = INDEXED_BY_LANGUAGE.get(language);
  if (!types) {
    const p = PROFILES[language];
    const flow = language === 'c' || language === 'cpp' ? C_FLOW_TYPES : [];
    types = [...new Set([...INDEXED_TYPES, ...p.functionTypes, ...p.callTypes, ...p.ifTypes, ...flow])];
    INDEXED_BY_LANGUAGE.set(language, types);
  }
  return types;
}

/** A node of one of the indexed types, with its type (known from the query pattern that found it). */
export interface IndexedNode {
  node: Node;
  type: string;
}

export class FileModel {
  readonly profile: LanguageProfile;
  readonly calls: CallSite[] = [];
  readonly functions: FunctionInfo[] = [];
  /** Bindings outside any function (module level). */
  readonly topLevel: FunctionInfo;
  /** The indexed nodes by type, in source order (if statements; C's flow types...). */
  private readonly byType = new Map<string, Node[]>();
  /** `nodesIn` answers by the node's span (start and end: the root and a function at 0 differ), then by the types asked. */
  private readonly nodesInCache = new Map<string, Map<string, Node[]>>();
  private readonly declaredTypes = new Map<string, string>();
  /** JavaScript: each function's enclosing scope, and the names its own declarations introduce. */
  private readonly enclosing = new Map<FunctionInfo, FunctionInfo>();
  private readonly declaredIn = new Map<FunctionInfo, Set<string>>();
  private readonly arraySizes = new Map<string, string>();

  /**
   * `indexed`: the file's nodes of the `indexedTypes` of its language, with their types, in the
   * order of a walk (source order, an enclosing node before the nodes it contains); run-rules'
   * `matchFile` collects them in the same pass as the rules' matches.
   */
  constructor(
    readonly language: Language,
    readonly tree: Tree,
    readonly source: string,
    indexed: readonly IndexedNode[],
  ) {
    this.profile = PROFILES[language];
    const root = tree.rootNode;
    this.topLevel = {
      node: root,
      params: [],
      paramTypes: new Map(),
      bindings: new Map(),
      start: root.startIndex,
      end: root.endIndex,
    };
    this.index(indexed);
    this.functions.sort((a, b) => a.start - b.start);
    for (const f of [this.topLevel, ...this.functions])
      for (const list of f.bindings.values()) list.sort((a, b) => a.at - b.at);
    this.throughWrappers();
  }

  /**
   * Calls of the program's own functions that only pass their parameters on: a function (named once
   * in the file, or a lambda, arrow function or closure bound once to a name) whose body has no branch,
   * loop, `try`, assertion or short-circuit test. A call `rd(join(base, name))` of `def rd(p): with
   * open(p) as f: return f.read()` is also read as the calls inside it, with each argument that is a
   * parameter replaced by what the call passes (`open(join(base, name))`, at the outer call: the
   * checks that count are the caller's). A function with a check of its own is not read through: its
   * check may be what confines the value.
   */
  private throughWrappers(): void {
    const p = this.profile;
    // A name with more than one definition or binding (or bound to anything but a function) is none.
    const candidates = new Map<string, (Node | null)[]>();
    const add = (name: string | undefined, fn: Node | null | undefined) => {
      if (!name) return;
      const list = candidates.get(name) ?? [];
      list.push(fn ?? null);
      candidates.set(name, list);
    };
    for (const f of this.functions) {
      const n = f.node;
      if (n.type === 'function_definition' && (this.language === 'c' || this.language === 'cpp'))
        add(declaratorName(n.childForFieldName('declarator') ?? n), n);
      else if (/^(?:function_definition|function_declaration|generator_function_declaration)$/.test(n.type))
        add(n.childForFieldName('name')?.text, n);
    }
    for (const scope of [this.topLevel, ...this.functions])
      for (const [name, list] of scope.bindings)
        for (const b of list) {
          if (b.kind === 'param') continue;
          let v = b.value;
          if (v?.type === 'expression_list' && v.namedChildCount === 1) v = v.namedChild(0);
          add(name, v && p.functionTypes.has(v.type) ? v : null);
        }
    const branching =
      /^(?:if_statement|elif_clause|else_clause|conditional_expression|ternary_expression|for_statement|for_in_statement|for_range_loop|while_statement|do_statement|try_statement|assert_statement|switch_statement|expression_switch_statement|type_switch_statement|select_statement|match_statement|boolean_operator|with_statement_guard|catch_clause|except_clause|defer_statement|go_statement|goto_statement|labeled_statement)$/;
    // Only a name some call writes bare can be read through (the loop below asks no other).
    const calledBare = new Set<string>();
    for (const c of this.calls)
      if (!c.calleeText.includes('.') && !c.calleeText.includes('::')) calledBare.add(c.calleeText);
    const wrappers = new Map<string, { fn: FunctionInfo; inner: CallSite[] }>();
    for (const [name, nodes] of candidates) {
      const node = nodes.length === 1 ? nodes[0] : undefined;
      if (!node || !calledBare.has(name)) continue;
      const fn = this.functions.find(
        (f) => f.node.startIndex === node.startIndex && f.node.endIndex === node.endIndex,
      );
      if (!fn?.params.length) continue;
      const body = node.childForFieldName('body') ?? node;
      let plain = true;
      const walk = (n: Node) => {
        if (!plain) return;
        if (
          branching.test(n.type) ||
          (n.type === 'binary_expression' &&
            /^(?:&&|\|\||\?\?)$/.test(n.childForFieldName('operator')?.text ?? ''))
        ) {
          plain = false;
          return;
        }
        for (const c of n.namedChildren) if (c) walk(c);
      };
      walk(body);
      if (!plain) continue;
      const inner = this.calls.filter(
        (c) =>
          c.node.startIndex >= fn.start && c.node.endIndex <= fn.end && this.enclosingFunction(c.node) === fn,
      );
      if (inner.length) wrappers.set(name, { fn, inner });
    }
    if (!wrappers.size) return;
    let pending = this.calls;
    for (let depth = 0; depth < 3 && pending.length; depth++) {
      const made: CallSite[] = [];
      for (const call of pending) {
        if (call.calleeText.includes('.') || call.calleeText.includes('::')) continue;
        const w = wrappers.get(call.calleeText);
        if (!w || (call.node.startIndex >= w.fn.start && call.node.endIndex <= w.fn.end)) continue;
        const passed = (a: Node): Node | undefined => {
          if (!p.identifierTypes.has(a.type)) return undefined;
          const i = w.fn.params.indexOf(a.text);
          if (i < 0) return undefined;
          return call.args[i] ?? call.kwargs.get(a.text);
        };
        for (const s of w.inner) {
          let replaced = false;
          const args = s.args.map((a) => {
            const r = passed(a);
            if (r) replaced = true;
            return r ?? a;
          });
          const kwargs = new Map(
            [...s.kwargs].map(([k, a]) => {
              const r = passed(a);
              if (r) replaced = true;
              return [k, r ?? a] as const;
            }),
          );
          const receiver = s.receiver && passed(s.receiver);
          if (receiver) replaced = true;
          if (!replaced) continue;
          made.push({
            ...s,
            node: call.node,
            args,
            kwargs,
            receiver: receiver ?? s.receiver,
            argList: call.argList,
          });
        }
      }
      this.calls.push(...made);
      pending = made;
    }
  }

  /** Invocations of each function (`invocationsOf`), computed once per function asked about. */
  private readonly invocationCache = new Map<FunctionInfo, Invocation[]>();

  /**
   * Where a function of the file is invoked, read from the file: calls of the name it is defined
   * or bound under (a method's name on any receiver, a Python class's name or a JavaScript `new`
   * for its constructor), a call of the function written in place (an IIFE), and calls it is handed
   * to as a callback (`map(lambda p: ..., xs)`, `xs.forEach((x) => ...)`, a function passed by name).
   * `offset`: how many leading parameters the call does not pass (a Python method's `self`).
   */
  invocationsOf(fn: FunctionInfo): Invocation[] {
    const known = this.invocationCache.get(fn);
    if (known) return known;
    const out: Invocation[] = [];
    this.invocationCache.set(fn, out);
    const node = fn.node;
    const seen = new Set<CallSite>();
    const push = (inv: Invocation) => {
      if (seen.has(inv.call)) return;
      seen.add(inv.call);
      out.push(inv);
    };
    // Written in place: called (`(lambda p: ...)(x)`, an IIFE) or handed to a call as an argument.
    let holder = node.parent;
    while (holder && (holder.type === 'parenthesized_expression' || holder.type === 'keyword_argument'))
      holder = holder.parent;
    if (holder && this.profile.callTypes.has(holder.type)) {
      const call = this.callByNode.get(holder.id);
      if (call) push({ call, offset: 0, callback: false });
    } else if (holder && /^(?:argument_list|arguments)$/.test(holder.type) && holder.parent) {
      const call = this.callByNode.get(holder.parent.id);
      if (call) push({ call, offset: 0, callback: true });
    }
    const named = invokedName(node, this.language);
    if (named) {
      const index = this.invocationIndex();
      if (!named.method)
        for (const call of this.argumentIndex().get(named.name) ?? [])
          push({ call, offset: 0, callback: true });
      if (named.ctor) {
        for (const call of index.byCallee.get(named.ctor) ?? [])
          push({ call, offset: named.offset, callback: false });
        for (const call of index.byName.get(named.ctor) ?? [])
          if (call.isNew) push({ call, offset: named.offset, callback: false });
      } else if (named.method) {
        for (const call of index.byName.get(named.name) ?? [])
          if (call.receiver) push({ call, offset: named.offset, callback: false, method: true });
      } else
        for (const call of index.byCallee.get(named.name) ?? []) push({ call, offset: 0, callback: false });
    }
    out.sort((x, y) => x.call.node.startIndex - y.call.node.startIndex);
    return out;
  }

  private functionsByName: Map<string, FunctionInfo[]> | undefined;
  private functionsByStart: Map<number, FunctionInfo> | undefined;

  /**
   * The functions of the file a call node invokes by name, as a method or written in place (not as
   * a callback), with the invocation: candidates by the call's name, then `invocationsOf`.
   */
  invokedAt(node: Node): { fn: FunctionInfo; inv: Invocation }[] {
    const call = this.callByNode.get(node.id);
    if (!call) return [];
    if (!this.functionsByName) {
      // Each function by the name a call may invoke it under (its own, or its class's).
      const byName = new Map<string, FunctionInfo[]>();
      for (const fn of this.functions) {
        const named = invokedName(fn.node, this.language);
        if (named) addTo(byName, named.ctor ?? named.name, fn);
      }
      this.functionsByName = byName;
      this.functionsByStart = new Map(this.functions.map((f) => [f.start, f]));
    }
    const candidates = new Set([
      ...(this.functionsByName.get(call.calleeText) ?? []),
      ...(this.functionsByName.get(call.name) ?? []),
    ]);
    const literal = call.callee
      ? this.functionsByStart?.get(unparenthesized(call.callee).startIndex)
      : undefined;
    if (literal) candidates.add(literal);
    const out: { fn: FunctionInfo; inv: Invocation }[] = [];
    for (const fn of candidates) {
      const inv = this.invocationsOf(fn).find((i) => !i.callback && i.call.node.id === node.id);
      if (inv) out.push({ fn, inv });
    }
    return out;
  }

  private invocations: { byCallee: Map<string, CallSite[]>; byName: Map<string, CallSite[]> } | undefined;
  private argumentNames: Map<string, CallSite[]> | undefined;

  /** The calls by callee text and by the callee's last segment, built once per file. */
  private invocationIndex(): NonNullable<FileModel['invocations']> {
    if (this.invocations) return this.invocations;
    const byCallee = new Map<string, CallSite[]>();
    const byName = new Map<string, CallSite[]>();
    for (const call of this.calls) {
      addTo(byCallee, call.calleeText, call);
      addTo(byName, call.name, call);
    }
    this.invocations = { byCallee, byName };
    return this.invocations;
  }

  /** The calls by the names passed to them as arguments (a function handed over by name). */
  private argumentIndex(): Map<string, CallSite[]> {
    if (this.argumentNames) return this.argumentNames;
    const map = new Map<string, CallSite[]>();
    for (const call of this.calls)
      for (const a of call.args) if (a.type === 'identifier') addTo(map, a.text, call);
    this.argumentNames = map;
    return map;
  }

  /** C/C++: function names other names stand for in this file's macros (see `macroAliases`). */
  private macroAliasMap: Map<string, string> | undefined;
  private functionAliasMap: Map<string, string> | undefined;
  private tableAliasMap: Map<string, string> | undefined;
  private moduleAliasMap: Map<string, string> | undefined;
  private pasteMacroMap: Map<string, { params: string[]; parts: string[] }> | undefined;
  private readonly callByNode = new Map<number, CallSite>();
  /** Call expressions read as another function than the one written (through an alias, `.call`...). */
  readonly renamedCalls: Node[] = [];

  /**
   * A C/C++ call through a macro that only renames a function (`#define RUN system`, or
   * `#define SH(x) system(x)` passing its parameters on in order) is read as a call of that function:
   * the compiler calls it, and a rule looking for `system` must see it too.
   */
  private throughMacros(call: CallSite | null): CallSite | null {
    if (!call) return call;
    call = unwrapApplication(this.language, call);
    if (this.language === 'python' || this.language === 'javascript') call = this.throughBound(call);
    if (this.language !== 'c' && this.language !== 'cpp') {
      // `o = open; o(path)`, `const rd = fs.readFileSync; rd(p)`: the call of an alias is read as a
      // call of what it names, so a sink is not hidden behind another name. Likewise a module under
      // another name (`import os as o`, Go's `import o "os"`), a member named by constant text
      // (`fs['readFile' + 'Sync']`, `getattr(os, 'sys' + 'tem')`), a module imported by a constant
      // name in place (`__import__('os').system`).
      this.functionAliasMap ??= functionAliases(this.source, this.language);
      this.moduleAliasMap ??= moduleAliases(this.source, this.language);
      let text = canonicalCallee(call.calleeText, this.language);
      // an element of a table of functions bound once (`const ops = [util.format]; ops[0](t)`)
      this.tableAliasMap ??= tableAliases(this.source, this.language);
      text = this.tableAliasMap.get(text.replace(/\s+/g, '')) ?? text;
      const dot = text.indexOf('.');
      const head = dot < 0 ? text : text.slice(0, dot);
      const module = this.moduleAliasMap.get(head);
      if (module) text = module + (dot < 0 ? '' : text.slice(dot));
      else if (dot < 0) text = this.functionAliasMap.get(text) ?? text;
      text = canonicalCallee(text, this.language);
      if (text === call.calleeText) return call;
      return { ...call, calleeText: text, name: text.split('.').pop() ?? text };
    }
    this.macroAliasMap ??= macroAliases(this.source);
    this.functionAliasMap ??= pointerAliases(this.source);
    this.moduleAliasMap ??= moduleAliases(this.source, this.language);
    this.pasteMacroMap ??= pasteMacros(this.source);
    let text = call.calleeText;
    this.tableAliasMap ??= tableAliases(this.source, this.language);
    text = this.tableAliasMap.get(text.replace(/\s+/g, '')) ?? text;
    if (this.pasteMacroMap.size) text = pasted(text, this.pasteMacroMap) ?? text;
    const sep = text.indexOf('::');
    const module = sep < 0 ? undefined : this.moduleAliasMap.get(text.slice(0, sep));
    if (module) text = module + text.slice(sep);
    const target = this.macroAliasMap.get(text) ?? this.functionAliasMap.get(text);
    if (target) text = this.macroAliasMap.get(target) ?? target;
    if (text === call.calleeText) return call;
    const name = text.split('::').pop() ?? text;
    return { ...call, calleeText: text, name };
  }

  /** Names bound once to a function with arguments bound (`functools.partial`, `.bind`), by name. */
  private boundMap: Map<string, CallSite> | undefined;

  /**
   * A call of a name bound once to a function with some arguments bound in front, read as the call
   * of that function with those arguments first: Python's `run = functools.partial(f, a, k=v)`,
   * `run(b)` is `f(a, b, k=v)`; JavaScript's `const run = f.bind(self, a)`, `run(b)` is `f(a, b)`.
   */
  private throughBound(call: CallSite): CallSite {
    if (call.callee?.type !== 'identifier') return call;
    if (!this.boundMap) {
      this.boundMap = new Map();
      const py = this.language === 'python';
      if (py ? this.source.includes('partial') : this.source.includes('.bind(')) {
        const counts = new Map<string, number>();
        const found = new Map<string, CallSite>();
        const types = py ? ['assignment'] : ['variable_declarator', 'assignment_expression'];
        for (const a of this.tree.rootNode.descendantsOfType(types)) {
          const left = a?.childForFieldName('left') ?? a?.childForFieldName('name');
          const right = a?.childForFieldName('right') ?? a?.childForFieldName('value');
          if (left?.type !== 'identifier') continue;
          counts.set(left.text, (counts.get(left.text) ?? 0) + 1);
          const inner =
            right && /^call(?:_expression)?$/.test(right.type) ? readCall(this.language, right) : null;
          if (!inner) continue;
          if (py && /^(?:functools\.)?partial$/.test(inner.calleeText) && inner.args[0]) {
            found.set(left.text, {
              ...inner,
              ...calleeParts(unparenthesized(inner.args[0])),
              args: inner.args.slice(1),
            });
          } else if (
            !py &&
            inner.callee?.type === 'member_expression' &&
            inner.name === 'bind' &&
            inner.receiver
          ) {
            found.set(left.text, {
              ...inner,
              ...calleeParts(unparenthesized(inner.receiver)),
              args: inner.args.slice(1),
              kwargs: new Map(),
            });
          }
        }
        for (const [name, site] of found) if (counts.get(name) === 1) this.boundMap.set(name, site);
      }
    }
    const bound = this.boundMap.get(call.calleeText);
    if (!bound) return call;
    return {
      ...call,
      callee: bound.callee,
      calleeText: bound.calleeText,
      name: bound.name,
      receiver: bound.receiver,
      args: [...bound.args, ...call.args],
      kwargs: new Map([...bound.kwargs, ...call.kwargs]),
    };
  }

  /**
   * The call site a call node is read as (through aliases, macros, `.call`/`.apply`...): for query
   * rules that match calls by the name written.
   */
  callOf(node: Node): CallSite | undefined {
    return this.callByNode.get(node.id);
  }

  nodesOfType(type: string): Node[] {
    return this.byType.get(type) ?? [];
  }

  /**
   * The nodes of indexed types inside `node` (a function, or the root), in source order; several
   * types are merged by start. Answers are cached by the node's start (so the root and a function
   * that starts the file share answers, as the per-function walk this replaces did).
   */
  nodesIn(node: Node, types: readonly string[]): Node[] {
    const span = `${node.startIndex}:${node.endIndex}`;
    let byTypes = this.nodesInCache.get(span);
    if (!byTypes) {
      byTypes = new Map();
      this.nodesInCache.set(span, byTypes);
    }
    const key = types.join('|');
    let found = byTypes.get(key);
    if (!found) {
      const start = node.startIndex;
      const end = node.endIndex;
      const inside = (type: string): Node[] => {
        if (!indexedTypes(this.language).includes(type))
          throw new Error(`nodesIn: ${type} is not indexed for ${this.language}`);
        const all = this.nodesOfType(type);
        const out: Node[] = [];
        for (let i = firstStartingAt(all, start); i < all.length; i++) {
          const n = all[i] as Node;
          if (n.startIndex >= end) break;
          // A node starting where `node` starts and ending after it encloses it (`[] { ... }()`).
          if (n.startIndex === start && n.endIndex > end) continue;
          out.push(n);
        }
        return out;
      };
      found =
        types.length === 1
          ? inside(types[0] as string)
          : types.flatMap(inside).sort((a, b) => a.startIndex - b.startIndex);
      byTypes.set(key, found);
    }
    return found;
  }

  /**
   * The innermost function whose node contains `node` (the node itself when it is a function), or
   * the top level: read from the functions' ranges, not by climbing parents (tree-sitter finds each
   * parent by descending from the root).
   */
  enclosingFunction(node: Node): FunctionInfo {
    const start = node.startIndex;
    const end = node.endIndex;
    let best = this.topLevel;
    for (const f of this.functions) {
      if (f.start > start) break;
      if (end > f.end || f.start < best.start) continue;
      // A node spanning exactly a function's range but not a function is a wrapper around it.
      if (f.start === start && f.end === end && !this.profile.functionTypes.has(node.type)) continue;
      best = f;
    }
    return best;
  }

  /** Innermost function containing the index, or the top level. */
  functionAt(index: number): FunctionInfo {
    let best = this.topLevel;
    for (const f of this.functions) {
      if (f.start > index) break;
      if (f.end >= index && f.start >= best.start) best = f;
    }
    return best;
  }

  /** Chain of enclosing scopes from innermost to the top level. */
  scopesAt(index: number): FunctionInfo[] {
    const out = this.functions.filter((f) => f.start <= index && f.end >= index);
    out.sort((a, b) => b.start - a.start);
    out.push(this.topLevel);
    return out;
  }

  /** Declared type text of a local or parameter (C/C++/Go), when known. */
  /** C/C++: the element count (size expression text, no spaces) of a fixed array declared with this name. */
  arraySize(name: string): string | undefined {
    return this.arraySizes.get(name);
  }

  declaredType(name: string, at: number): string | undefined {
    for (const scope of this.scopesAt(at)) {
      const t = scope.paramTypes.get(name);
      if (t) return t;
    }
    return this.declaredTypes.get(name);
  }

  private index(indexed: readonly IndexedNode[]): void {
    const fnStack: FunctionInfo[] = [];
    const p = this.profile;
    for (const { node, type } of indexed) {
      // (Python's `lambda` keyword token has the type of the expression it starts: not a function)
      if (type === 'lambda' && !node.isNamed) continue;
      const start = node.startIndex;
      while (fnStack.length && (fnStack[fnStack.length - 1]?.end ?? 0) <= start) fnStack.pop();
      let list = this.byType.get(type);
      if (!list) {
        list = [];
        this.byType.set(type, list);
      }
      list.push(node);
      const scope = fnStack[fnStack.length - 1] ?? this.topLevel;
      if (p.functionTypes.has(type)) {
        const fn = this.readFunction(node);
        this.functions.push(fn);
        this.enclosing.set(fn, scope);
        fnStack.push(fn);
      } else {
        this.visit(node, type, scope);
      }
    }
  }

  private bind(scope: FunctionInfo, b: Binding): void {
    let list = scope.bindings.get(b.name);
    if (!list) {
      list = [];
      scope.bindings.set(b.name, list);
    }
    list.push(b);
  }

  private visit(node: Node, type: string, scope: FunctionInfo): void {
    if (this.profile.callTypes.has(type)) {
      const read = readCall(this.language, node);
      const call = this.throughMacros(read);
      if (call) {
        this.calls.push(call);
        this.callByNode.set(node.id, call);
        if (call !== read && call.calleeText !== read?.calleeText && type === 'call_expression')
          this.renamedCalls.push(node);
        // `sanitize_input(buf);` as a statement cleans `buf` in place.
        // (The parent is asked last: tree-sitter finds it by descending from the root.)
        if (
          /saniti[sz]|escape|strip_?(?:crlf|newlines?)|clean|^validate|^(?:ensure|check|assert)_?(?:safe|valid)/i.test(
            call.name,
          ) &&
          call.args[0] &&
          node.parent?.type === 'expression_statement'
        ) {
          const target = baseIdentifier(call.args[0]);
          if (target)
            this.bind(scope, {
              name: target,
              at: node.endIndex,
              value: node,
              statement: node.parent,
              kind: 'sanitize',
            });
        } else if (this.profile.outParamCalls.test(call.calleeText) && call.args[0]) {
          const target = baseIdentifier(call.args[0]);
          if (target)
            this.bind(scope, { name: target, at: node.endIndex, value: node, statement: node, kind: 'out' });
        } else if (
          // `parts.push(v)` / `unshift` / `splice(i, 0, v)` as a statement adds v to the array: the
          // array carries v's data, as `obj.x = v` does.
          ((this.language === 'javascript' && /^(?:push|unshift|splice|set|add)$/.test(call.name)) ||
            // Python's `parts.append(v)`, Go's `b.WriteString(v)` (a strings.Builder or a buffer)
            (this.language === 'python' && /^(?:append|extend|insert|write|writelines)$/.test(call.name)) ||
            (this.language === 'go' && /^(?:WriteString|WriteByte|WriteRune)$/.test(call.name)) ||
            // C++'s `s.append(v)`, `s.insert(i, v)`, `s.push_back(c)`, `s.replace(i, n, v)`,
            // chained or not (`s.append(a).append(b)`): the string carries v's data, as `s += v` does
            (this.language === 'cpp' && CPP_STRING_MUTATOR.test(call.name))) &&
          call.receiver &&
          call.args.length &&
          node.parent?.type === 'expression_statement'
        ) {
          const target = baseIdentifier(
            this.language === 'cpp' ? mutatedString(call.receiver) : call.receiver,
          );
          if (target && target !== 'this') this.addedBy(scope, target, node);
        } else if (
          // `setattr(o, 'k', v)` as a statement: o carries v, as after `o.k = v`
          this.language === 'python' &&
          call.calleeText === 'setattr' &&
          call.args.length === 3 &&
          call.args[0] &&
          node.parent?.type === 'expression_statement'
        ) {
          const target = baseIdentifier(call.args[0]);
          if (target && target !== 'self') this.addedBy(scope, target, node);
        } else if (
          // `Object.defineProperty(o, 'k', { value: v })` (or `defineProperties`, `Reflect.set`) as a
          // statement: o carries v
          this.language === 'javascript' &&
          /^(?:Object\.definePropert(?:y|ies)|Reflect\.(?:set|defineProperty))$/.test(call.calleeText) &&
          call.args.length >= 2 &&
          call.args[0] &&
          node.parent?.type === 'expression_statement'
        ) {
          const target = baseIdentifier(call.args[0]);
          if (target && target !== 'this') this.addedBy(scope, target, node);
        }
      }
      return;
    }
    switch (this.language) {
      case 'python':
        this.visitPython(node, type, scope);
        return;
      case 'c':
      case 'cpp':
        this.visitC(node, type, scope);
        return;
      case 'go':
        this.visitGo(node, type, scope);
        return;
      case 'javascript':
        this.visitJs(node, type, scope);
        return;
    }
  }

  /** Python: the names each function declares `global` (assignments to them bind the module's). */
  private readonly globalNames = new Map<FunctionInfo, Set<string>>();
  /** Python: the names each function declares `nonlocal` (assignments to them also bind the enclosing function's). */
  private readonly nonlocalNames = new Map<FunctionInfo, Set<string>>();

  private visitPython(node: Node, type: string, scope: FunctionInfo): void {
    if (type === 'global_statement') {
      const names = this.globalNames.get(scope) ?? new Set<string>();
      for (const n of node.namedChildren) if (n?.type === 'identifier') names.add(n.text);
      this.globalNames.set(scope, names);
      return;
    }
    if (type === 'nonlocal_statement') {
      const names = this.nonlocalNames.get(scope) ?? new Set<string>();
      for (const n of node.namedChildren) if (n?.type === 'identifier') names.add(n.text);
      this.nonlocalNames.set(scope, names);
      return;
    }
    if (type === 'assignment' || type === 'augmented_assignment') {
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      if (!left || !right) return;
      const globals = this.globalNames.get(scope);
      // Writing into an element or an attribute (`d['k'] = v`, `o.k = v`) keeps the rest of the
      // object: the object carries v's data too (an addition, as JavaScript's `o.k = v` is).
      if (left.type === 'subscript' || left.type === 'attribute') {
        const name = baseIdentifier(left);
        if (name && name !== 'self')
          this.bind(globals?.has(name) ? this.topLevel : scope, {
            name,
            at: node.endIndex,
            value: right,
            statement: node,
            kind: 'augment',
          });
        return;
      }
      const nonlocals = this.nonlocalNames.get(scope);
      for (const name of patternNames(left)) {
        const b: Binding = {
          name,
          at: node.endIndex,
          value: right,
          statement: node,
          kind: type === 'assignment' ? 'assign' : 'augment',
        };
        this.bind(globals?.has(name) ? this.topLevel : scope, b);
        // `nonlocal r; r = v` in a closure changes the enclosing function's r, whenever it runs
        if (nonlocals?.has(name))
          for (
            let outer = this.enclosing.get(scope);
            outer && outer !== this.topLevel;
            outer = this.enclosing.get(outer)
          )
            if (outer.params.includes(name) || outer.bindings.has(name)) {
              this.bind(outer, { ...b, kind: 'augment' });
              break;
            }
      }
    } else if (type === 'for_statement' || type === 'for_in_clause') {
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      const body = node.childForFieldName('body');
      if (!left || !right) return;
      // A comprehension's variable is visible in the whole comprehension (its body comes first).
      const comprehension = type === 'for_in_clause' ? node.parent : null;
      for (const name of patternNames(left))
        this.bind(scope, {
          name,
          at: body ? body.startIndex : (comprehension?.startIndex ?? right.endIndex),
          value: right,
          statement: node,
          kind: 'loop',
        });
    } else if (type === 'with_item') {
      const value = node.childForFieldName('value');
      if (value?.type === 'as_pattern') {
        const target =
          value.childForFieldName('alias') ?? value.namedChildren[value.namedChildren.length - 1];
        const expr = value.namedChildren[0];
        if (target && expr)
          for (const name of patternNames(target))
            this.bind(scope, { name, at: node.endIndex, value: expr, statement: node, kind: 'assign' });
      }
    } else if (type === 'except_clause') {
      const alias = node.namedChildren.find((c) => c?.type === 'as_pattern')?.childForFieldName('alias');
      const body = node.parent?.type === 'try_statement' ? node.parent.childForFieldName('body') : null;
      const name = alias?.namedChildren[0] ?? alias;
      if (name?.type === 'identifier' && body)
        this.bind(scope, {
          name: name.text,
          at: node.startIndex,
          value: body,
          statement: node,
          kind: 'raised',
        });
    } else if (type === 'named_expression') {
      const name = node.childForFieldName('name');
      const value = node.childForFieldName('value');
      if (name && value)
        this.bind(scope, { name: name.text, at: node.endIndex, value, statement: node, kind: 'assign' });
    }
  }

  private recordArray(decl: Node): void {
    const inner = decl.childForFieldName('declarator');
    const size = decl.childForFieldName('size');
    if (inner?.type === 'identifier' && size) this.arraySizes.set(inner.text, size.text.replace(/\s+/g, ''));
  }

  private visitC(node: Node, type: string, scope: FunctionInfo): void {
    if (type === 'init_declarator') {
      const decl = node.childForFieldName('declarator');
      if (decl?.type === 'array_declarator') this.recordArray(decl);
      const value = node.childForFieldName('value');
      const name = decl ? declaratorName(decl) : undefined;
      if (!name) return;
      const declaration = node.parent;
      const typeNode = declaration?.childForFieldName('type');
      const declType = typeNode?.text;
      if (declType)
        this.declaredTypes.set(name, declType + (decl?.type === 'pointer_declarator' ? ' *' : ''));
      if (value)
        this.bind(scope, { name, at: node.endIndex, value, statement: declaration ?? node, kind: 'assign' });
      // C++ `std::regex re(pattern);` constructs through a declaration: index it as a call.
      if (value?.type === 'argument_list' && declType) {
        const typeText = compact(declType);
        this.calls.push({
          node,
          callee: typeNode ?? null,
          calleeText: typeText,
          name: typeText.replace(/<.*$/, '').split('::').pop() ?? typeText,
          receiver: null,
          args: value.namedChildren.filter((a): a is Node => !!a && a.type !== 'comment'),
          kwargs: new Map(),
          argList: value,
          isNew: true,
        });
      }
    } else if (type === 'declaration') {
      const declType = node.childForFieldName('type')?.text;
      if (!declType) return;
      for (const d of node.childrenForFieldName('declarator')) {
        if (!d || d.type === 'init_declarator') continue;
        // `std::regex re(pattern);` inside a body parses as a function declaration (the most
        // vexing parse): read it as a constructor call whose arguments are the "parameter types".
        if (d.type === 'function_declarator' && scope !== this.topLevel) {
          const params = d.childForFieldName('parameters')?.namedChildren ?? [];
          const args = params.map((p) =>
            p?.type === 'parameter_declaration' && !p.childForFieldName('declarator')
              ? p.childForFieldName('type')
              : null,
          );
          if (
            args.length &&
            args.every((a) => a && (a.type === 'type_identifier' || a.type === 'qualified_identifier'))
          ) {
            const typeText = compact(declType);
            const name = declaratorName(d);
            this.calls.push({
              node: d,
              callee: node.childForFieldName('type'),
              calleeText: typeText,
              name: typeText.replace(/<.*$/, '').split('::').pop() ?? typeText,
              receiver: null,
              args: args.filter((a): a is Node => !!a),
              kwargs: new Map(),
              argList: d.childForFieldName('parameters'),
              isNew: true,
            });
            if (name) this.declaredTypes.set(name, declType);
            continue;
          }
        }
        if (d.type === 'array_declarator') this.recordArray(d);
        const name = declaratorName(d);
        if (name) this.declaredTypes.set(name, declType + (d.type === 'pointer_declarator' ? ' *' : ''));
      }
    } else if (type === 'assignment_expression') {
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      const op = node.childForFieldName('operator')?.text ?? '=';
      const name = left ? baseIdentifier(left) : undefined;
      if (!name || !right || !left) return;
      // Writing into an element (buf[i] = x) keeps the rest of the buffer: it augments.
      const whole = left.type === 'identifier';
      this.bind(scope, {
        name,
        at: node.endIndex,
        value: right,
        statement: node,
        kind: whole && op === '=' ? 'assign' : 'augment',
      });
    } else if (type === 'for_range_loop') {
      const decl = node.childForFieldName('declarator');
      const right = node.childForFieldName('right');
      const body = node.childForFieldName('body');
      const name = decl ? declaratorName(decl) : undefined;
      if (name && right)
        this.bind(scope, {
          name,
          at: body?.startIndex ?? node.endIndex,
          value: right,
          statement: node,
          kind: 'loop',
        });
    } else if (
      type === 'binary_expression' &&
      this.source.slice(node.startIndex, node.endIndex).includes('<<') &&
      node.parent?.type === 'expression_statement'
    ) {
      // `out << a << b;` : a stream insertion builds `out` (C++ logs, stringstreams).
      if (node.childForFieldName('operator')?.text !== '<<') return;
      let left = node.childForFieldName('left');
      while (left?.type === 'binary_expression') left = left.childForFieldName('left');
      if (left?.type === 'identifier' && !/^(?:std::)?(?:cout|cerr|clog)$/.test(left.text))
        this.bind(scope, {
          name: left.text,
          at: node.endIndex,
          value: node,
          statement: node,
          kind: 'stream',
        });
    }
  }

  private visitGo(node: Node, type: string, scope: FunctionInfo): void {
    if (
      type === 'short_var_declaration' ||
      type === 'assignment_statement' ||
      type === 'var_spec' ||
      type === 'const_spec'
    ) {
      const lefts =
        type === 'var_spec' || type === 'const_spec'
          ? node.childrenForFieldName('name').filter((n): n is Node => !!n)
          : (node.childForFieldName('left')?.namedChildren.filter((n): n is Node => !!n) ?? []);
      const rightList = node.childForFieldName(
        type === 'var_spec' || type === 'const_spec' ? 'value' : 'right',
      );
      const rights = rightList?.namedChildren.filter((n): n is Node => !!n) ?? [];
      const op = node.childForFieldName('operator')?.text ?? '=';
      lefts.forEach((l, i) => {
        const name = baseIdentifier(l);
        const value = rights.length === lefts.length ? rights[i] : rights[0];
        if (!name || name === '_') return;
        if (type !== 'assignment_statement' && l.type === 'identifier') {
          let declared = this.declaredIn.get(scope);
          if (!declared) {
            declared = new Set();
            this.declaredIn.set(scope, declared);
          }
          declared.add(name);
        }
        if (!value) return;
        const whole = l.type === 'identifier' && (op === '=' || op === ':=');
        const b: Binding = {
          name,
          at: node.endIndex,
          value,
          statement: type === 'var_spec' || type === 'const_spec' ? (node.parent ?? node) : node,
          kind: whole ? 'assign' : 'augment',
        };
        this.bind(scope, b);
        if (type === 'assignment_statement') this.bindOuter(scope, b);
      });
    } else if (type === 'send_statement') {
      // `ch <- v`: the channel carries v, as an array carries what is pushed to it.
      const name = baseIdentifier(node.childForFieldName('channel') ?? node);
      const value = node.childForFieldName('value');
      if (name && value)
        this.bind(scope, { name, at: node.endIndex, value, statement: node, kind: 'augment' });
    } else if (type === 'range_clause') {
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      const body = node.parent?.childForFieldName('body');
      if (!left || !right) return;
      for (const l of left.namedChildren) {
        if (l && l.type === 'identifier' && l.text !== '_')
          this.bind(scope, {
            name: l.text,
            at: body?.startIndex ?? node.endIndex,
            value: right,
            statement: node.parent ?? node,
            kind: 'loop',
          });
      }
    }
  }

  /**
   * A callback that adds to a variable of the function it is written in (`list.each(function () {
   * acc += $(this).val(); })`, `items.forEach((x) => { out.push(x); })`) changes that function's
   * variable: the addition is also bound there (as an addition, so earlier values still count).
   */
  /** A call statement that adds to a variable (`list.append(x)`, `setattr(o, 'k', v)`): an addition, also where a callback captures it. */
  private addedBy(scope: FunctionInfo, name: string, call: Node): void {
    const b: Binding = { name, at: call.endIndex, value: call, statement: call, kind: 'augment' };
    this.bind(scope, b);
    this.bindCaptured(scope, b);
  }

  private bindCaptured(scope: FunctionInfo, b: Binding): void {
    if (b.kind !== 'augment' || scope === this.topLevel || scope.params.includes(b.name)) return;
    if (this.declaredIn.get(scope)?.has(b.name)) return;
    if (scope.node.parent?.type !== 'arguments') return;
    const outer = this.enclosing.get(scope);
    if (!outer || outer === this.topLevel) return;
    if (outer.params.includes(b.name) || this.declaredIn.get(outer)?.has(b.name)) this.bind(outer, b);
  }

  /**
   * Go and JavaScript: a closure that assigns a variable of a function around it (`func() { r =
   * dest }()`, a deferred one, `() => { r = url; }`) changes that function's variable; the
   * assignment is also bound there, as an addition (whether and when the closure runs is not known).
   */
  private bindOuter(scope: FunctionInfo, b: Binding): void {
    if (scope === this.topLevel || scope.params.includes(b.name) || this.declaredIn.get(scope)?.has(b.name))
      return;
    for (
      let outer = this.enclosing.get(scope);
      outer && outer !== this.topLevel;
      outer = this.enclosing.get(outer)
    )
      if (outer.params.includes(b.name) || this.declaredIn.get(outer)?.has(b.name)) {
        this.bind(outer, { ...b, kind: 'augment' });
        return;
      }
  }

  private visitJs(node: Node, type: string, scope: FunctionInfo): void {
    if (type === 'variable_declarator') {
      const name = node.childForFieldName('name');
      const value = node.childForFieldName('value');
      if (name) {
        let declared = this.declaredIn.get(scope);
        if (!declared) {
          declared = new Set();
          this.declaredIn.set(scope, declared);
        }
        for (const n of patternNames(name)) declared.add(n);
      }
      if (!name || !value) return;
      for (const n of patternNames(name))
        this.bind(scope, {
          name: n,
          at: node.endIndex,
          value,
          statement: node.parent ?? node,
          kind: 'assign',
        });
    } else if (type === 'assignment_expression' || type === 'augmented_assignment_expression') {
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      const name = left ? baseIdentifier(left) : undefined;
      if (!name || !right || !left) return;
      const whole = left.type === 'identifier' && type === 'assignment_expression';
      const b: Binding = {
        name,
        at: node.endIndex,
        value: right,
        statement: node,
        kind: whole ? 'assign' : 'augment',
      };
      this.bind(scope, b);
      this.bindCaptured(scope, b);
      if (whole) this.bindOuter(scope, b);
    } else if (type === 'catch_clause') {
      const param = node.childForFieldName('parameter');
      const body = node.parent?.type === 'try_statement' ? node.parent.childForFieldName('body') : null;
      if (param?.type === 'identifier' && body)
        this.bind(scope, {
          name: param.text,
          at: node.startIndex,
          value: body,
          statement: node,
          kind: 'raised',
        });
    } else if (type === 'for_in_statement') {
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      const body = node.childForFieldName('body');
      if (!left || !right) return;
      for (const n of patternNames(left))
        this.bind(scope, {
          name: n,
          at: body?.startIndex ?? node.endIndex,
          value: right,
          statement: node,
          kind: 'loop',
        });
    }
  }

  private readFunction(node: Node): FunctionInfo {
    const fn: FunctionInfo = {
      node,
      params: [],
      paramTypes: new Map(),
      bindings: new Map(),
      start: node.startIndex,
      end: node.endIndex,
    };
    const add = (name: string | undefined, typeText?: string) => {
      if (!name) return;
      fn.params.push(name);
      if (typeText) fn.paramTypes.set(name, typeText);
    };
    switch (this.language) {
      case 'python': {
        const params = node.childForFieldName('parameters');
        for (const p of params?.namedChildren ?? []) {
          if (!p) continue;
          if (p.type === 'identifier') add(p.text);
          else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter')
            add(p.childForFieldName('name')?.text, p.childForFieldName('type')?.text);
          else if (p.type === 'typed_parameter')
            add(
              p.namedChildren.find((c) => c?.type === 'identifier')?.text,
              p.childForFieldName('type')?.text,
            );
          else if (p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern')
            add(p.namedChildren[0]?.text);
        }
        break;
      }
      case 'c':
      case 'cpp': {
        let decl = node.childForFieldName('declarator');
        for (
          let type = decl?.type;
          decl && type !== 'function_declarator' && type !== 'abstract_function_declarator';
          type = decl?.type
        )
          decl = decl.childForFieldName('declarator') ?? null;
        const params = decl?.childForFieldName('parameters');
        for (const p of params?.namedChildren ?? []) {
          const paramType = p?.type;
          if (!p || (paramType !== 'parameter_declaration' && paramType !== 'optional_parameter_declaration'))
            continue;
          const d = p.childForFieldName('declarator');
          const typeText = p.childForFieldName('type')?.text ?? '';
          const array = d?.type === 'array_declarator';
          const ptr = d?.text.trim().startsWith('*') || array ? ' *' : '';
          // `char buf[NAME_MAX]` as a parameter documents the caller's buffer size.
          if (d && array) this.recordArray(d);
          add(d ? declaratorName(d) : undefined, typeText + ptr);
        }
        break;
      }
      case 'go': {
        const params = node.childForFieldName('parameters');
        for (const p of params?.namedChildren ?? []) {
          if (!p) continue;
          const typeText = p.childForFieldName('type')?.text;
          for (const n of p.childrenForFieldName('name')) add(n?.text, typeText);
        }
        const recv = node.childForFieldName('receiver');
        for (const p of recv?.namedChildren ?? [])
          for (const n of p?.childrenForFieldName('name') ?? []) if (n) fn.paramTypes.set(n.text, 'receiver');
        break;
      }
      case 'javascript': {
        const single = node.childForFieldName('parameter');
        if (single) add(single.text);
        const params = node.childForFieldName('parameters');
        for (const p of params?.namedChildren ?? []) if (p) for (const n of patternNames(p)) add(n);
        break;
      }
    }
    return fn;
  }
}

/**
 * The name a function is invoked by, when it has one: a `def`/function declaration's name, a method's
 * (with its class's name when it is the constructor), or the name a function literal is bound to
 * once in place (`rd = lambda p: ...`, `const rd = (p) => ...`, `rd := func(...)`, `auto rd = [](...)`).
 */
function invokedName(
  node: Node,
  language: Language,
): { name: string; method: boolean; ctor?: string; offset: number } | undefined {
  const t = node.type;
  if (language === 'python' && t === 'function_definition') {
    const name = node.childForFieldName('name')?.text;
    if (!name) return undefined;
    const holder = node.parent?.type === 'decorated_definition' ? node.parent : node;
    const cls = holder.parent?.type === 'block' ? holder.parent.parent : null;
    if (cls?.type !== 'class_definition') return { name, method: false, offset: 0 };
    const first = node.childForFieldName('parameters')?.namedChildren[0]?.text;
    const offset = first === 'self' || first === 'cls' ? 1 : 0;
    const ctor = name === '__init__' ? cls.childForFieldName('name')?.text : undefined;
    return { name, method: true, offset, ...(ctor ? { ctor } : {}) };
  }
  if (language === 'javascript') {
    if (t === 'function_declaration' || t === 'generator_function_declaration') {
      const name = node.childForFieldName('name')?.text;
      return name ? { name, method: false, offset: 0 } : undefined;
    }
    if (t === 'method_definition') {
      const name = node.childForFieldName('name')?.text;
      if (!name) return undefined;
      const cls = node.parent?.type === 'class_body' ? node.parent.parent : null;
      const ctor = name === 'constructor' ? cls?.childForFieldName('name')?.text : undefined;
      return { name, method: true, offset: 0, ...(ctor ? { ctor } : {}) };
    }
  }
  // A function literal bound to a name in place.
  let holder = node.parent;
  while (holder?.type === 'parenthesized_expression') holder = holder.parent;
  if (holder?.type === 'expression_list') holder = holder.parent;
  if (!holder) return undefined;
  const target =
    holder.type === 'variable_declarator'
      ? holder.childForFieldName('name')
      : holder.type === 'init_declarator'
        ? holder.childForFieldName('declarator')
        : /^(?:assignment|short_var_declaration|assignment_statement)$/.test(holder.type)
          ? holder.childForFieldName('left')
          : null;
  const name = target?.text.trim();
  if (!name || !/^[A-Za-z_$][\w$]*$/.test(name)) return undefined;
  return { name, method: false, offset: 0 };
}

/** Index of the first node (of a list in source order) starting at or after `index`. */
function firstStartingAt(nodes: readonly Node[], index: number): number {
  let lo = 0;
  let hi = nodes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((nodes[mid] as Node).startIndex < index) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Names bound by an assignment target / parameter pattern (tuples, destructuring, defaults). */
export function patternNames(node: Node): string[] {
  switch (node.type) {
    case 'identifier':
    case 'shorthand_property_identifier_pattern':
      return [node.text];
    case 'assignment_pattern':
    case 'default_parameter': {
      const left = node.childForFieldName('left') ?? node.childForFieldName('name');
      return left ? patternNames(left) : [];
    }
    case 'pattern_list':
    case 'as_pattern_target':
    case 'tuple_pattern':
    case 'list_pattern':
    case 'array_pattern':
    case 'object_pattern':
    case 'expression_list':
    case 'parenthesized_expression':
    case 'rest_pattern':
    case 'lexical_declaration':
    case 'variable_declaration':
      return node.namedChildren.flatMap((c) => (c ? patternNames(c) : []));
    case 'pair_pattern': {
      const v = node.childForFieldName('value');
      return v ? patternNames(v) : [];
    }
    case 'variable_declarator': {
      const n = node.childForFieldName('name');
      return n ? patternNames(n) : [];
    }
    default:
      return [];
  }
}

/** The variable a C/Go/JS/Python lvalue writes to: `buf` for `buf[i]`, `*buf`, `buf.x`, `&buf`. */
/** C++ string methods that add text to the string they are called on. */
const CPP_STRING_MUTATOR = /^(?:append|insert|push_back|replace|assign)$/;

/** The string a chain of C++ mutators is called on (`s` of `s.append(a).append(b)`). */
function mutatedString(receiver: Node): Node {
  let r = receiver;
  for (let i = 0; i < 16 && r.type === 'call_expression'; i++) {
    const f = r.childForFieldName('function');
    if (f?.type !== 'field_expression' || !CPP_STRING_MUTATOR.test(f.childForFieldName('field')?.text ?? ''))
      break;
    const inner = f.childForFieldName('argument');
    if (!inner) break;
    r = inner;
  }
  return r;
}

export function baseIdentifier(node: Node): string | undefined {
  let n: Node | null = node;
  for (let i = 0; n && i < 8; i++) {
    const type = n.type;
    if (type === 'identifier' || type === 'this' || type === 'self') return n.text;
    n =
      n.childForFieldName('argument') ??
      n.childForFieldName('object') ??
      n.childForFieldName('operand') ??
      n.childForFieldName('value') ??
      n.childForFieldName('left') ??
      n.childForFieldName('field') ??
      n.namedChildren[0] ??
      null;
    const next = n?.type;
    if (next === 'field_identifier' || next === 'property_identifier') return undefined;
  }
  return undefined;
}

/** The identifier a C declarator declares (`*p`, `buf[10]`, `&r`, `(*fp)(int)`). */
export function declaratorName(node: Node): string | undefined {
  let n: Node | null = node;
  for (let i = 0; n && i < 8; i++) {
    const type = n.type;
    if (type === 'identifier' || type === 'field_identifier') return n.text;
    n =
      n.childForFieldName('declarator') ?? n.namedChildren.find((c) => c?.type !== 'type_qualifier') ?? null;
  }
  return undefined;
}

function compact(text: string): string {
  return text.replace(/\s+/g, '');
}

/** The callee's text (without whitespace), its last segment and its receiver (`cursor` in `cursor.execute`). */
function calleeParts(calleeNode: Node): { calleeText: string; name: string; receiver: Node | null } {
  const calleeText = compact(calleeNode.text);
  let receiver: Node | null = null;
  let name = calleeText;
  switch (calleeNode.type) {
    case 'attribute':
      receiver = calleeNode.childForFieldName('object');
      name = calleeNode.childForFieldName('attribute')?.text ?? name;
      break;
    case 'member_expression':
      receiver = calleeNode.childForFieldName('object');
      name = calleeNode.childForFieldName('property')?.text ?? name;
      break;
    case 'selector_expression':
      receiver = calleeNode.childForFieldName('operand');
      name = calleeNode.childForFieldName('field')?.text ?? name;
      break;
    case 'field_expression':
      receiver = calleeNode.childForFieldName('argument');
      name = calleeNode.childForFieldName('field')?.text ?? name;
      break;
    case 'qualified_identifier':
      name = calleeText.split('::').pop() ?? name;
      break;
  }
  return { calleeText, name, receiver };
}

/** The expression a parenthesized callee stands for: `(f)`, and the last of a sequence `(0, f)`. */
function unparenthesized(node: Node): Node {
  let n = node;
  for (let i = 0; i < 8; i++) {
    if (n.type === 'parenthesized_expression' || n.type === 'sequence_expression') {
      const inner = n.namedChildren.filter((c) => c && c.type !== 'comment').pop();
      if (!inner) return n;
      n = inner;
    } else return n;
  }
  return n;
}

/**
 * A call that applies another function to arguments, read as the call of that function: in
 * JavaScript `f.call(self, a, b)`, `f.apply(self, [a, b])`, `Reflect.apply(f, self, [a, b])` and a
 * parenthesized callee (`(0, fs.readFileSync)(p)`); in Python `f.__call__(a)`,
 * `functools.partial(f, a)(b)` and `operator.methodcaller('m', a)(obj)`; in Go and C a
 * parenthesized callee. The callee node stays the one written (rules about hidden calls read it).
 */
export function unwrapApplication(language: Language, call: CallSite): CallSite {
  if (!call.callee || call.isNew) return call;
  // What the full reading below can change, told from the callee's text: a parenthesized callee,
  // JavaScript's `.call`/`.apply`/`Reflect.apply`, Python's `__call__` or a call's result called.
  const t = call.calleeText;
  if (
    t[0] !== '(' &&
    !(language === 'javascript' && (t.endsWith('call') || t.endsWith('apply') || /\.bind\(.*\)$/s.test(t))) &&
    !(language === 'python' && (t.endsWith(')') || t.endsWith('__call__')))
  )
    return call;
  const written = call.callee;
  const callee = unparenthesized(written);
  const elements = (n: Node | undefined): Node[] | undefined =>
    n?.type === 'array' || n?.type === 'list' || n?.type === 'tuple'
      ? n.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment')
      : undefined;
  const as = (fn: Node, args: Node[]): CallSite => ({ ...call, ...calleeParts(unparenthesized(fn)), args });
  if (language === 'javascript' && callee.type === 'member_expression') {
    const obj = callee.childForFieldName('object');
    const prop = callee.childForFieldName('property')?.text;
    const fn = obj && unparenthesized(obj);
    if (compact(callee.text) === 'Reflect.apply' && call.args[0]) {
      const site = as(call.args[0], elements(call.args[2]) ?? []);
      // a method taken from a prototype applies to the value given as `this`, as with `.call`
      const target = unparenthesized(call.args[0]);
      return target.type === 'member_expression' &&
        /\.prototype$/.test(compact(target.childForFieldName('object')?.text ?? '')) &&
        call.args[1]
        ? { ...site, receiver: call.args[1] }
        : site;
    }
    if (fn && /^(?:identifier|member_expression|subscript_expression)$/.test(fn.type)) {
      // a method taken from a prototype applies to the value given as `this`
      // (`Array.prototype.join.call(parts, '')` is `parts.join('')`)
      const self = (site: CallSite): CallSite =>
        fn.type === 'member_expression' &&
        /\.prototype$/.test(compact(fn.childForFieldName('object')?.text ?? ''))
          ? { ...site, receiver: call.args[0] ?? site.receiver }
          : site;
      if (prop === 'call') return self(as(fn, call.args.slice(1)));
      if (prop === 'apply') return self(as(fn, elements(call.args[1]) ?? []));
    }
  }
  // `f.bind(self, a)(b)`: bound and called in place, the call `f(a, b)`
  if (language === 'javascript' && callee.type === 'call_expression') {
    const inner = readCall(language, callee);
    const bound = inner?.callee && unparenthesized(inner.callee);
    const target = bound?.type === 'member_expression' ? bound.childForFieldName('object') : null;
    if (inner && target && bound?.childForFieldName('property')?.text === 'bind')
      return as(target, [...inner.args.slice(1), ...call.args]);
  }
  if (language === 'python') {
    if (callee.type === 'attribute' && callee.childForFieldName('attribute')?.text === '__call__') {
      const obj = callee.childForFieldName('object');
      if (obj) return as(obj, call.args);
    }
    if (callee.type === 'call') {
      const inner = readCall(language, callee);
      if (inner && /^(?:functools\.)?partial$/.test(inner.calleeText) && inner.args[0])
        return {
          ...as(inner.args[0], [...inner.args.slice(1), ...call.args]),
          kwargs: new Map([...inner.kwargs, ...call.kwargs]),
        };
      const method =
        inner && /^(?:operator\.)?methodcaller$/.test(inner.calleeText) ? inner.args[0] : undefined;
      const obj = call.args[0];
      if (inner && method && obj && /^["']\w+["']$/.test(method.text)) {
        const m = method.text.slice(1, -1);
        return {
          ...call,
          calleeText: `${compact(obj.text)}.${m}`,
          name: m,
          receiver: obj,
          args: inner.args.slice(1),
        };
      }
    }
  }
  return callee === written ? call : as(callee, call.args);
}

// A literal piece, escapes allowed (Python's `r`/`u` prefix too): `'sys\\x74em'`, `r'open'`.
const CONST_PIECE = `(?:[rRuU]?'(?:[^'\\\\]|\\\\.)*'|[rRuU]?"(?:[^"\\\\]|\\\\.)*"|\`(?:[^\`$\\\\]|\\\\.)*\`)`;
const CONST_TEXT = `${CONST_PIECE}(?:\\+${CONST_PIECE})*`;
const DOTTED = String.raw`[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*`;

/** The value of constant text written as literals joined by `+` (compact: no whitespace). */
function foldConstant(text: string): string {
  return [...text.matchAll(new RegExp(CONST_PIECE, 'g'))]
    .map((m) => {
      const raw = /^[rR]/.test(m[0]);
      const body = m[0].replace(/^[rRuU]/, '').slice(1, -1);
      return raw ? body : unescapeLiteral(body);
    })
    .join('');
}

/** ASCII characters by their Unicode name, as Python's `\N{...}` escape gives them (letters, digits, `_`). */
function namedCharacter(name: string): string | undefined {
  // (callee texts are read without whitespace: `LATIN SMALL LETTER E` may come as `LATINSMALLLETTERE`)
  const n = name.toUpperCase().replace(/\s+/g, '');
  const letter = /^LATIN(SMALL|CAPITAL)LETTER([A-Z])$/.exec(n);
  if (letter?.[2]) return letter[1] === 'SMALL' ? letter[2].toLowerCase() : letter[2];
  const digits = ['ZERO', 'ONE', 'TWO', 'THREE', 'FOUR', 'FIVE', 'SIX', 'SEVEN', 'EIGHT', 'NINE'];
  const digit = /^DIGIT([A-Z]+)$/.exec(n);
  if (digit?.[1] && digits.includes(digit[1])) return String(digits.indexOf(digit[1]));
  if (n === 'LOWLINE') return '_';
  if (n === 'FULLSTOP') return '.';
  return undefined;
}

/** A string literal's text with its escapes read (`\x74`, `\u0074`, `\u{74}`, `\164`, `\N{...}`, `\n`). */
function unescapeLiteral(body: string): string {
  if (!body.includes('\\')) return body;
  const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' };
  return body.replace(
    /\\(?:x([0-9a-fA-F]{2})|u\{([0-9a-fA-F]{1,6})\}|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|([0-7]{1,3})|N\{([^}]+)\}|([\s\S]))/g,
    (m, x?: string, ub?: string, u4?: string, u8?: string, oct?: string, named?: string, ch?: string) => {
      const hex = x ?? ub ?? u4 ?? u8;
      if (hex) {
        const cp = Number.parseInt(hex, 16);
        return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
      }
      if (oct) return String.fromCharCode(Number.parseInt(oct, 8));
      if (named) return namedCharacter(named) ?? m;
      return ch === undefined ? m : (simple[ch] ?? ch);
    },
  );
}

// canonicalCallee's patterns, built once (it runs twice for every call of a file).
const KEYED_MEMBER = new RegExp(`^(${DOTTED}|require\\(${CONST_TEXT}\\))\\[(${CONST_TEXT})\\]`);
const PY_IMPORT_CALL = new RegExp(
  `(?<![\\w.])(?:builtins\\.)?(?:__import__|(?:importlib\\.)?import_module)\\((${CONST_TEXT})\\)`,
  'g',
);
const PY_GETATTR = new RegExp(`^(?:builtins\\.)?getattr\\((${DOTTED}),(${CONST_TEXT})\\)`);
const JS_REQUIRE_IN_PLACE = new RegExp(
  `^(?:(?:globalThis\\.)?process\\.mainModule\\.|module\\.)?require\\((${CONST_TEXT})\\)(?=\\.)`,
);
/** Texts canonicalCallee may change: a subscript, a call in the callee, or a global prefix. */
const MAYBE_COMPUTED = /[[(]|^(?:globalThis|global|builtins|__builtins__)\./;

/**
 * A callee's text with the names it reaches by constant text spelled out (the text compact, without
 * whitespace): `fs['readFile'+'Sync']` is `fs.readFileSync`, `getattr(os,'sys'+'tem')` is
 * `os.system`, `__import__('os').system` and `importlib.import_module('os').system` are `os.system`;
 * Python's `builtins.open` is `open`. A name computed from anything but literals is left as written
 * (a dispatch table: what it calls is not in the text).
 */
export function canonicalCallee(text: string, language: Language): string {
  if (language !== 'python' && language !== 'javascript') return text;
  if (!MAYBE_COMPUTED.test(text)) return text;
  let t = text;
  for (let i = 0; i < 6; i++) {
    const before = t;
    t = t.replace(KEYED_MEMBER, (_m, obj: string, key: string) => {
      const k = foldConstant(key);
      return /^[A-Za-z_$][\w$]*$/.test(k) ? `${obj}.${k}` : _m;
    });
    if (language === 'python')
      t = t
        .replace(PY_IMPORT_CALL, (_m, key: string) => foldConstant(key))
        .replace(PY_GETATTR, (_m, obj: string, key: string) => {
          const k = foldConstant(key);
          return /^[A-Za-z_]\w*$/.test(k) ? `${obj}.${k}` : _m;
        })
        .replace(/^(?:builtins|__builtins__)\.(?=[A-Za-z_]\w*$)/, '');
    else
      t = t
        .replace(/^(?:globalThis|global)\.(?=[A-Za-z_$][\w$]*$)/, '')
        // Node's own module required in place (`require('vm').runInNewContext`,
        // `module.require('fs')`, `process.mainModule.require('fs')`): the module.
        .replace(JS_REQUIRE_IN_PLACE, (m, key: string) => {
          const mod = foldConstant(key).replace(/^node:/, '');
          return NODE_MODULES.has(mod.split('/')[0] ?? '') && /^[a-z_]+(?:\/[a-z_]+)?$/.test(mod)
            ? mod.replace('/', '.')
            : m;
        });
    if (t === before) break;
  }
  return t;
}

/** Reads a call node of any of the five grammars into a CallSite. */
/**
 * The file's C/C++ macros that only rename a function: object-like `#define NAME target` and
 * function-like `#define NAME(a, b) target(a, b)` (the parameters passed on as they came), resolved
 * through chains of such macros (up to 8 steps). Read from the text line by line: a definition
 * inside a comment counts too, which can only add findings.
 */
/**
 * Names bound once in the file, by a plain assignment, to another name or a dotted one (`o = open`,
 * `const rd = fs.readFileSync`, `ex := exec.Command`): what a call of the name calls. A name bound
 * more than once (or to anything else) is not an alias.
 */
export function functionAliases(source: string, language: Language): Map<string, string> {
  const out = new Map<string, string>();
  const seen = new Map<string, number>();
  const assign =
    language === 'go'
      ? /^[ \t]*(?:var[ \t]+)?([A-Za-z_]\w*)[ \t]*(?::=|=)/gm
      : /^[ \t]*(?:(?:const|let|var)[ \t]+)?([A-Za-z_$][\w$]*)[ \t]*=(?!=)/gm;
  for (const m of source.matchAll(assign)) if (m[1]) seen.set(m[1], (seen.get(m[1]) ?? 0) + 1);
  const simple =
    language === 'go'
      ? /^[ \t]*(?:var[ \t]+)?([A-Za-z_]\w*)[ \t]*(?::=|=)[ \t]*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)[ \t]*$/gm
      : /^[ \t]*(?:(?:const|let|var)[ \t]+)?([A-Za-z_$][\w$]*)[ \t]*=[ \t]*([^\n;#]+?)[ \t]*;?[ \t]*$/gm;
  const dotted = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/;
  for (const m of source.matchAll(simple)) {
    const [, name] = m;
    // The value as a callee would be read (`getattr(os, 'sys' + 'tem')`, `fs['readFile' + 'Sync']`,
    // a bound function `fs.readFileSync.bind(fs)`).
    let target = m[2] && canonicalCallee(compact(m[2]), language);
    if (target && language === 'javascript') target = target.replace(/^([\w$.]+)\.bind\([\w$.]*\)$/, '$1');
    if (!name || !target || !dotted.test(target) || name === target || seen.get(name) !== 1) continue;
    if (/^(?:true|false|None|null|undefined|nil|True|False|this|self)$/.test(target)) continue;
    out.set(name, target);
  }
  // Names bound by a declaration the assignment count does not see: Python's `from m import f as g`,
  // JavaScript's renaming destructuring `const { readFileSync: rd } = fs` (of `require('m')`: the
  // name itself, as `const { readFileSync } = require('fs')` would bind it), Go's typed
  // `var rd func(string) ([]byte, error) = os.ReadFile`.
  const declared = (name: string | undefined, target: string | undefined) => {
    if (name && target && name !== target && !seen.has(name)) out.set(name, target);
  };
  if (language === 'python')
    for (const m of source.matchAll(
      /^[ \t]*from[ \t]+([\w.]+)[ \t]+import[ \t]+(?:\(([\w\s,]+)\)|([\w \t,]+))/gm,
    ))
      for (const item of (m[2] ?? m[3] ?? '').split(',')) {
        const [n, alias] = item.trim().split(/\s+as\s+/);
        if (n && alias) declared(alias, canonicalCallee(`${m[1]}.${n}`, language));
      }
  if (language === 'javascript')
    for (const m of source.matchAll(
      /(?:const|let|var)[ \t]*\{([^{}=]*)\}[ \t]*=[ \t]*(require\([ \t]*['"][^'"]+['"][ \t]*\)|[A-Za-z_$][\w$.]*(?![\w$.(]))/g,
    ))
      for (const item of (m[1] ?? '').split(',')) {
        const [n, renamed] = item.split(':').map((x) => x.trim());
        const alias = renamed ?? n;
        if (!n || !alias || !/^[\w$]+$/.test(n) || !/^[\w$]+$/.test(alias)) continue;
        // of Node's own module: the module's function (`const { format } = require('util')`)
        const mod = /^require\([ \t]*['"](?:node:)?([a-z_]+)['"]/.exec(m[2] ?? '')?.[1];
        if (mod && NODE_MODULES.has(mod)) declared(alias, `${mod}.${n}`);
        // of a variable (`const { format } = util`): its member, renamed or not
        else if (!m[2]?.startsWith('require')) declared(alias, `${m[2]}.${n}`);
        else if (alias !== n) declared(alias, n);
      }
  if (language === 'go')
    for (const m of source.matchAll(
      /^[ \t]*var[ \t]+([A-Za-z_]\w*)[ \t]+[^=\n]+=[ \t]*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)[ \t]*$/gm,
    ))
      declared(m[1], m[2]);
  // Chains (`a = open; b = a`), a few steps.
  for (const [name, target] of out) {
    let t = target;
    for (let i = 0; i < 4 && out.has(t) && out.get(t) !== name; i++) t = out.get(t) ?? t;
    out.set(name, t);
  }
  return out;
}

/**
 * Modules under another name: Python's `import os as o`, Go's `import o "os"` (the package's own
 * name), C++'s `namespace fs2 = std::filesystem;`. A call through the other name (`o.system`,
 * `fs2::path`) is read as through the module's.
 */
export function moduleAliases(source: string, language: Language): Map<string, string> {
  const out = new Map<string, string>();
  if (language === 'python') {
    for (const m of source.matchAll(/^[ \t]*import[ \t]+([^\n#;]+)/gm))
      for (const item of (m[1] ?? '').split(',')) {
        const [mod, alias] = item.trim().split(/\s+as\s+/);
        if (mod && alias && /^[\w.]+$/.test(mod) && /^\w+$/.test(alias) && mod !== alias) out.set(alias, mod);
      }
  } else if (language === 'javascript') {
    // `const u = require('util')`: Node's own modules, bound once.
    for (const m of source.matchAll(
      /^[ \t]*(?:const|let|var)[ \t]+([A-Za-z_$][\w$]*)[ \t]*=[ \t]*require\([ \t]*['"`](?:node:)?([a-z_]+(?:\/[a-z_]+)?)['"`][ \t]*\)[ \t]*;?[ \t]*$/gm,
    )) {
      const [, name, mod] = m;
      if (!name || !mod || !NODE_MODULES.has(mod.split('/')[0] ?? '')) continue;
      const target = mod.replace('/', '.');
      const bound =
        source.match(new RegExp(`(?<![\\w$.])${name.replace('$', '\\$')}[ \\t]*=(?!=)`, 'g')) ?? [];
      if (name !== target && bound.length === 1) out.set(name, target);
    }
  } else if (language === 'go') {
    for (const block of source.matchAll(/^import[ \t]*(?:\(([^)]*)\)|([^\n]*))/gm))
      for (const m of (block[1] ?? block[2] ?? '').matchAll(/(?:^|\n)[ \t]*([A-Za-z_]\w*)[ \t]+"([^"]+)"/g)) {
        const pkg = (m[2] ?? '')
          .split('/')
          .filter((x) => !/^v\d+$/.test(x))
          .pop();
        // Not where the package's own name is ambiguous (`crypto/rand` and `math/rand`,
        // `html/template` and `text/template`): there the other name tells them apart.
        if (m[1] && pkg && m[1] !== pkg && !/^(?:rand|template)$/.test(pkg))
          out.set(m[1], pkg.replace(/[.-]/g, '_'));
      }
  } else if (language === 'cpp') {
    for (const m of source.matchAll(
      /\bnamespace[ \t]+(\w+)[ \t]*=[ \t]*((?:::)?\w+(?:[ \t]*::[ \t]*\w+)*)[ \t]*;/g,
    ))
      if (m[1] && m[2]) out.set(m[1], compact(m[2]).replace(/^::/, ''));
  }
  return out;
}

/** Node's own modules (a program cannot write them). */
const NODE_MODULES: ReadonlySet<string> = new Set(
  builtinModules.map((m) => m.replace(/^node:/, '').split('/')[0] ?? m),
);

/**
 * The text a call's receiver is read as (`cp` in `cp.exec`; `child_process` when the call was read
 * through `const q = require('child_process'); q.exec(...)`), without whitespace.
 */
export function receiverText(c: CallSite): string {
  if (c.calleeText.endsWith(`.${c.name}`)) return c.calleeText.slice(0, -(c.name.length + 1));
  return c.receiver ? compact(c.receiver.text) : '';
}

/**
 * C/C++: names declared once as a pointer to a function and set to one (`FILE *(*op)(const char *,
 * const char *) = fopen;`, `opener_t op = &fopen;`, `auto op = fopen;`): a call of the name calls it.
 */
export function pointerAliases(source: string): Map<string, string> {
  const out = new Map<string, string>();
  const found = [
    ...source.matchAll(/\(\s*\*\s*(\w+)\s*\)\s*\([^;{}]*\)\s*=\s*&?\s*((?:::)?[A-Za-z_]\w*(?:::\w+)*)\s*;/g),
    ...source.matchAll(
      /^[ \t]*(?:const[ \t]+)?[A-Za-z_][\w:]*[ \t*&]+(\w+)[ \t]*=[ \t]*&?[ \t]*((?:::)?[A-Za-z_]\w*(?:::\w+)*)[ \t]*;/gm,
    ),
    // `std::function<int(const char *)> run = std::system;`
    ...source.matchAll(
      /^[ \t]*(?:const[ \t]+)?(?:std[ \t]*::[ \t]*)?function[ \t]*<[^;{}=\n]*>[ \t&]*(\w+)[ \t]*(?:=[ \t]*|\{[ \t]*)&?[ \t]*((?:::)?[A-Za-z_]\w*(?:::\w+)*)[ \t]*\}?[ \t]*;/gm,
    ),
  ];
  for (const m of found) {
    const [, name, target] = m;
    if (!name || !target || name === target || /^(?:NULL|nullptr|true|false)$/.test(target)) continue;
    // bound once: no other assignment to the name
    if ((source.match(new RegExp(`\\b${name}\\s*=(?!=)`, 'g')) ?? []).length > 1) continue;
    out.set(name, target.replace(/^::/, ''));
  }
  return out;
}

/**
 * Tables of functions bound once in the file, by element: `const ops = [cp.execSync, util.format]`
 * (JavaScript, Python), `ops := []func(string) error{f, g}` (Go), `int (*ops[])(const char *) = {
 * puts, system };` (C/C++). `ops[1]` -> the second function's name. Only tables whose every element
 * is a (dotted) name, bound by one assignment in the file.
 */
export function tableAliases(source: string, language: Language): Map<string, string> {
  const out = new Map<string, string>();
  if (!/[[{][ \t]*[A-Za-z_$]/.test(source)) return out;
  const found =
    language === 'c' || language === 'cpp'
      ? source.matchAll(/\(\s*\*\s*(\w+)\s*\[\s*\d*\s*\]\s*\)\s*\([^;{}]*\)\s*=\s*\{([^{}]*)\}\s*;/g)
      : language === 'go'
        ? source.matchAll(
            /^[ \t]*(?:var[ \t]+)?([A-Za-z_]\w*)[ \t]*(?::=|=)[ \t]*\[\d*\]func\b[^{\n]*\{([^{}\n]*)\}[ \t]*$/gm,
          )
        : source.matchAll(
            /^[ \t]*(?:(?:const|let|var)[ \t]+)?([A-Za-z_$][\w$]*)[ \t]*=[ \t]*\[([^[\]\n]*)\][ \t]*;?[ \t]*$/gm,
          );
  const sep = language === 'c' || language === 'cpp' ? '::' : '.';
  for (const m of found) {
    const [, name, list] = m;
    if (!name || list === undefined) continue;
    const e = name.replace(/\$/g, '\\$');
    if ((source.match(new RegExp(`(?<![\\w$.])${e}[ \\t]*(?::=|=)(?!=)`, 'g')) ?? []).length > 1) continue;
    const items = list.split(',').map((x) => x.trim().replace(/^&\s*/, ''));
    if (items[items.length - 1] === '') items.pop();
    const dotted =
      sep === '.' ? /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/ : /^(?:::)?[A-Za-z_]\w*(?:::\w+)*$/;
    if (!items.length || !items.every((x) => dotted.test(x))) continue;
    for (const [i, x] of items.entries()) out.set(`${name}[${i}]`, x.replace(/^::/, ''));
  }
  return out;
}

/**
 * The file's C/C++ function-like macros that paste their parameters into a name (`#define J(a, b)
 * a ## b`, so `J(sys, tem)(cmd)` calls `system`): name -> parameters and the pieces pasted.
 */
export function pasteMacros(source: string): Map<string, { params: string[]; parts: string[] }> {
  const out = new Map<string, { params: string[]; parts: string[] }>();
  if (!source.includes('##')) return out;
  for (const m of source.matchAll(
    /^[ \t]*#[ \t]*define[ \t]+(\w+)\(([\w\s,]*)\)[ \t]+(\w+(?:[ \t]*##[ \t]*\w+)+)[ \t]*$/gm,
  ))
    if (m[1] && m[3])
      out.set(m[1], {
        params: (m[2] ?? '').split(',').map((p) => p.trim()),
        parts: m[3].split('##').map((p) => p.trim()),
      });
  return out;
}

/** A callee written as a pasting macro's use (`J(sys,tem)`, compact), as the name it expands to. */
function pasted(
  text: string,
  macros: Map<string, { params: string[]; parts: string[] }>,
): string | undefined {
  const m = /^(\w+)\(([\w,]*)\)$/.exec(text);
  const macro = m?.[1] ? macros.get(m[1]) : undefined;
  if (!macro) return undefined;
  const args = (m?.[2] ?? '').split(',');
  if (args.length !== macro.params.length) return undefined;
  return macro.parts.map((p) => args[macro.params.indexOf(p)] ?? p).join('');
}

export function macroAliases(source: string): Map<string, string> {
  const direct = new Map<string, string>();
  if (!source.includes('#')) return direct;
  for (const m of source.matchAll(
    /^[ \t]*#[ \t]*define[ \t]+(\w+)[ \t]+((?:::)?[A-Za-z_]\w*(?:::\w+)*)[ \t]*$/gm,
  ))
    if (m[1] && m[2] && m[1] !== m[2]) direct.set(m[1], m[2].replace(/^::/, ''));
  for (const m of source.matchAll(
    /^[ \t]*#[ \t]*define[ \t]+(\w+)\(([\w\s,]*)\)[ \t]+\(?[ \t]*((?:::)?\w+(?:::\w+)*)[ \t]*\(([\w\s,()"'.+-]*)\)[ \t]*\)?[ \t]*;?[ \t]*$/gm,
  )) {
    const [, name, params, target, args] = m;
    if (!name || !target || name === target) continue;
    const ps = (params ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    const as = (args ?? '')
      .split(',')
      .map((a) => a.trim().replace(/^\((\w+)\)$/, '$1'))
      .filter(Boolean);
    // the parameters passed on in order, then constants (`#define OPEN(p) fopen(p, "r")`)
    const constant = /^(?:"[^"]*"|'[^']*'|[+-]?\d+)$/;
    if (
      ps.length <= as.length &&
      ps.every((p, i) => p === as[i]) &&
      as.slice(ps.length).every((a) => constant.test(a))
    )
      direct.set(name, target.replace(/^::/, ''));
  }
  // `#define RUN sys ## tem`: the pasted name
  for (const m of source.matchAll(
    /^[ \t]*#[ \t]*define[ \t]+(\w+)[ \t]+(\w+(?:[ \t]*##[ \t]*\w+)+)[ \t]*$/gm,
  ))
    if (m[1] && m[2]) direct.set(m[1], m[2].replace(/[ \t]*##[ \t]*/g, ''));
  const out = new Map<string, string>();
  for (const name of direct.keys()) {
    let t = name;
    for (let i = 0; i < 8 && direct.has(t); i++) t = direct.get(t) ?? t;
    if (t !== name) out.set(name, t);
  }
  return out;
}

export function readCall(language: Language, node: Node): CallSite | null {
  const isNew = node.type === 'new_expression';
  const callee = node.childForFieldName(isNew ? 'constructor' : 'function');
  const argList = node.childForFieldName('arguments');
  if (!callee) return null;
  // `new (require('vm').Script)(code)`: the constructor in parentheses
  let calleeNode: Node = isNew ? unparenthesized(callee) : callee;
  let calleeType = calleeNode.type;
  // Go generics / C++ templates: `f[T](x)`, `make_unique<T>(x)`.
  if (calleeType === 'template_function' || calleeType === 'generic_type') {
    calleeNode = calleeNode.childForFieldName('name') ?? calleeNode;
    calleeType = calleeNode.type;
  }
  const { calleeText, name, receiver } = calleeParts(calleeNode);
  const args: Node[] = [];
  const kwargs = new Map<string, Node>();
  for (const a of argList?.namedChildren ?? []) {
    const type = a?.type;
    if (!a || type === 'comment') continue;
    if (language === 'python' && type === 'keyword_argument') {
      const k = a.childForFieldName('name')?.text;
      const v = a.childForFieldName('value');
      if (k && v) kwargs.set(k, v);
    } else args.push(a);
  }
  void language;
  return { node, callee: calleeNode, calleeText, name, receiver, args, kwargs, argList, isNew };
}

/**
 * The operator of a binary node: Python's `and`/`or` (boolean_operator), `in`, `not in`, `<`
 * (comparison_operator, whose operator tokens are unnamed children), and every grammar's
 * binary_expression operator field.
 */
export function operatorOf(node: Node): string | undefined {
  if (node.type === 'boolean_operator') return node.childForFieldName('operator')?.text;
  if (node.type === 'comparison_operator') {
    const ops = node.children.filter((c) => c && !c.isNamed).map((c) => c?.text ?? '');
    return ops.join(' ').replace(/\s+/g, ' ') || undefined;
  }
  if (node.type === 'binary_expression') return node.childForFieldName('operator')?.text;
  return undefined;
}

/** Loop statements of the five grammars, and Python's comprehensions (a loop in an expression). */
export const LOOP_TYPE =
  /^(?:for|while|do|for_in|for_range)_(?:statement|loop)$|^(?:list|set|dictionary)_comprehension$|^generator_expression$/;

function addTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (!list) map.set(key, [value]);
  else if (list[list.length - 1] !== value) list.push(value);
}
