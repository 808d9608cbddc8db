import type { Node } from 'web-tree-sitter';
import type { FileModel, FunctionInfo } from './model.ts';

/**
 * Facts about the C/C++ functions defined in the same file, for rules that judge a call by what
 * the callee does (intra-file, one level, no call graph): which helpers always free one of their
 * parameters (`static void conn_free(struct conn *c) { ...; free(c); }`), and which return a
 * pointer that can be NULL (`return NULL;` on some path). A caller's use of the argument after
 * such a free, or of such a result without a check, is then judged as if the library call were
 * written in its place. Only unconditional frees count (a free under an `if` depends on state the
 * caller does not see).
 */
export interface CSummaries {
  /** Index of the parameter the helper `name` frees on every path through its body, if it does. */
  freedParam(name: string): number | undefined;
  /** Whether the helper `name` returns a pointer with a `return NULL;` (or `return 0;` / `nullptr`). */
  returnsNull(name: string): boolean;
}

const CACHE = new WeakMap<FileModel, CSummaries>();

/** The function's name and whether it returns a pointer (`T *f(...)`). */
export function functionSignature(fn: Node): { name: string; pointer: boolean } | undefined {
  let d: Node | null = fn.childForFieldName('declarator');
  let pointer = false;
  while (d && d.type !== 'function_declarator') {
    if (d.type === 'pointer_declarator' || d.type === 'reference_declarator') pointer = true;
    d =
      d.childForFieldName('declarator') ??
      d.namedChildren.find((c) => c?.type.endsWith('declarator')) ??
      null;
  }
  const name = d?.childForFieldName('declarator');
  if (!name || !/^(?:identifier|field_identifier)$/.test(name.type)) return undefined;
  return { name: name.text, pointer };
}

/** An expression without its casts and parentheses. */
export function unwrapCasts(n: Node): Node {
  let v = n;
  for (let type = v.type; type === 'cast_expression' || type === 'parenthesized_expression'; type = v.type) {
    const inner = v.childForFieldName('value') ?? v.namedChildren[v.namedChildren.length - 1];
    if (!inner) break;
    v = inner;
  }
  return v;
}

/**
 * The summaries of a file's functions. A helper's body is read when a rule first asks about its name
 * (most calls name library functions, so most bodies are never read).
 */
export function cSummaries(model: FileModel, freeCall: RegExp): CSummaries {
  const cached = CACHE.get(model);
  if (cached) return cached;
  // Definitions by name, in source order (a later definition's answer wins, as when a file
  // defines a helper twice under #if branches).
  const byName = new Map<string, { info: FunctionInfo; body: Node; pointer: boolean }[]>();
  for (const info of model.functions) {
    const fn = info.node;
    if (fn.type !== 'function_definition') continue;
    const sig = functionSignature(fn);
    const body = fn.childForFieldName('body');
    if (!sig || !body) continue;
    const list = byName.get(sig.name) ?? [];
    list.push({ info, body, pointer: sig.pointer });
    byName.set(sig.name, list);
  }
  const frees = new Map<string, number | undefined>();
  const nulls = new Map<string, boolean>();
  const out: CSummaries = {
    freedParam: (name) => {
      if (frees.has(name)) return frees.get(name);
      let freed: number | undefined;
      // A free of a parameter as a statement of the body itself (not under an if or a loop).
      for (const { info, body } of byName.get(name) ?? [])
        for (const s of body.namedChildren) {
          const e = s?.type === 'expression_statement' ? s.namedChildren[0] : undefined;
          if (e?.type !== 'call_expression') continue;
          const callee = (e.childForFieldName('function')?.text ?? '').replace(/\s+/g, '');
          const args = e.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => !!a) ?? [];
          const last = args[args.length - 1];
          if (!freeCall.test(callee) || !last || args.length > 2) continue;
          const k = info.params.indexOf(unwrapCasts(last).text);
          if (k >= 0) freed = k;
        }
      frees.set(name, freed);
      return freed;
    },
    returnsNull: (name) => {
      let known = nulls.get(name);
      if (known === undefined) {
        known = (byName.get(name) ?? []).some(
          ({ body, pointer }) =>
            pointer &&
            body.descendantsOfType('return_statement').some((r) => {
              const v = r?.namedChildren[0];
              return !!v && /^(?:NULL|0|nullptr)$/.test(unwrapCasts(v).text);
            }),
        );
        nulls.set(name, known);
      }
      return known;
    },
  };
  CACHE.set(model, out);
  return out;
}
