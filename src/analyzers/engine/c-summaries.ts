import type { Node } from 'web-tree-sitter';
import type { FileModel } from './model.ts';

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
  /** Helper name -> index of the parameter it frees on every path through its body. */
  frees: Map<string, number>;
  /** Helpers returning a pointer with a `return NULL;` (or `return 0;` / `nullptr`). */
  nullReturning: Set<string>;
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
  while (v.type === 'cast_expression' || v.type === 'parenthesized_expression') {
    const inner = v.childForFieldName('value') ?? v.namedChildren[v.namedChildren.length - 1];
    if (!inner) break;
    v = inner;
  }
  return v;
}

export function cSummaries(model: FileModel, freeCall: RegExp): CSummaries {
  const cached = CACHE.get(model);
  if (cached) return cached;
  const out: CSummaries = { frees: new Map(), nullReturning: new Set() };
  for (const info of model.functions) {
    const fn = info.node;
    if (fn.type !== 'function_definition') continue;
    const sig = functionSignature(fn);
    const body = fn.childForFieldName('body');
    if (!sig || !body) continue;
    // A free of a parameter as a statement of the body itself (not under an if or a loop).
    for (const s of body.namedChildren) {
      const e = s?.type === 'expression_statement' ? s.namedChildren[0] : undefined;
      if (e?.type !== 'call_expression') continue;
      const callee = (e.childForFieldName('function')?.text ?? '').replace(/\s+/g, '');
      const args = e.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => !!a) ?? [];
      const last = args[args.length - 1];
      if (!freeCall.test(callee) || !last || args.length > 2) continue;
      const k = info.params.indexOf(unwrapCasts(last).text);
      if (k >= 0) out.frees.set(sig.name, k);
    }
    if (sig.pointer)
      for (const r of body.descendantsOfType('return_statement')) {
        const v = r?.namedChildren[0];
        if (v && /^(?:NULL|0|nullptr)$/.test(unwrapCasts(v).text)) {
          out.nullReturning.add(sig.name);
          break;
        }
      }
  }
  CACHE.set(model, out);
  return out;
}
