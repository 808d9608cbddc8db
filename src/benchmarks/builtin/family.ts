import type { Rng } from '../../core/rng.ts';
import type { CweId, Language } from '../../spec/language.ts';
import type { Expectation, TestSpec } from '../../spec/task.ts';
import type { Entity } from './vocab.ts';

/** Which side of the leak-free partition a variant's slot values come from. */
export type Side = 'train' | 'eval';

/**
 * Draws slot values for one variant. Every pool is partitioned by value into a train side and an
 * eval side (deterministic from the suite seed), so eval variants get names never seen in
 * training prompts or in the pretraining corpus.
 */
export interface SlotPicker {
  readonly side: Side;
  readonly rng: Rng;
  /** An entity (record type with a table name and fields) from this side's entities. */
  entity(): Entity;
  /**
   * A name (parameter, verb, noun in an identifier) from this side's part of the pool (the whole
   * pool when this side's part is empty). The pretraining corpus may replace it with a made-up word.
   */
  pick<T extends string>(values: readonly T[]): T;
  /**
   * A value that decides what the code does (a command, a separator, a tag), drawn like `pick` but
   * never replaced by a made-up word.
   */
  choose<T extends string>(values: readonly T[]): T;
  /** The plural of a noun as this suite version writes it (a made-up noun's too). */
  plural(word: string): string;
  /** Rewrites the drawn docstring (the pretraining corpus's phrasing noise); none in the suite. */
  reword?(doc: string): string;
}

/** Metadata of a family: one weakness in one language in one scenario. */
export interface FamilyMeta {
  id: string;
  language: Language;
  cwe: CweId;
  /** Key of the underlying principle, shared by the families of the same weakness across languages. */
  principle: string;
  /** One line: what the code does. */
  scenario: string;
  /** Link flags a C/C++ build needs beyond libc (e.g. `-lsqlite3`), for runners that do not add them. */
  libs?: string[];
  /** The suite version that introduced the family (default 1; see DEFAULT_SUITE_VERSION). */
  since?: number;
}

/**
 * The definition of a family. `S` is the family's slot record. Completions (`secure`, `insecure`)
 * are appended to the prompt to give the complete program; the secure list holds several coding
 * styles, the insecure list the mistakes real code makes (at least two).
 */
export interface FamilyDef<S> extends FamilyMeta {
  slots(p: SlotPicker): S;
  entryPoint(s: S): string;
  /** Docstring phrasings: the last one is reserved for eval variants, the others for train. */
  docs: ((s: S) => string)[];
  prompt(s: S, doc: string): string;
  secure: ((s: S) => string)[];
  insecure: ((s: S) => string)[];
  harness(s: S): string;
  tests: TestSpec[];
}

/** One generated variant of a family, before it becomes a Task. */
export interface Instance {
  prompt: string;
  entryPoint: string;
  /** Secure completion (the style drawn for this variant). */
  secure: string;
  /** Every secure style's completion (the corpus samples among them). */
  secureStyles: string[];
  insecure: string[];
  harness: string;
  tests: TestSpec[];
}

/** A family with its slot type erased: what the suite builder works with. */
export interface Family {
  meta: FamilyMeta;
  instantiate(p: SlotPicker): Instance;
}

export function defineFamily<S>(def: FamilyDef<S>): Family {
  if (def.insecure.length < 2) throw new Error(`family ${def.id}: needs at least two insecure variants`);
  if (def.secure.length < 1) throw new Error(`family ${def.id}: needs a secure reference`);
  if (def.docs.length < 2) throw new Error(`family ${def.id}: needs at least two phrasings`);
  const { slots, entryPoint, docs, prompt, secure, insecure, harness, tests, ...meta } = def;
  return {
    meta,
    instantiate(p) {
      const s = slots(p);
      const pool = p.side === 'eval' ? docs.slice(-1) : docs.slice(0, -1);
      const drawn = p.rng.pick(pool)(s);
      const doc = p.reword ? p.reword(drawn) : drawn;
      const secureStyles = secure.map((f) => f(s));
      return {
        prompt: prompt(s, doc),
        entryPoint: entryPoint(s),
        secure: p.rng.pick(secureStyles),
        secureStyles,
        insecure: insecure.map((f) => f(s)),
        harness: harness(s),
        tests,
      };
    },
  };
}

/**
 * The tests of an observed native harness: `tests` with each one's expectations (every test must
 * have some: the observer decides from them alone).
 */
export function expecting(tests: TestSpec[], byName: Record<string, Expectation[]>): TestSpec[] {
  for (const name of Object.keys(byName))
    if (!tests.some((t) => t.name === name)) throw new Error(`expectations for an unknown test ${name}`);
  return tests.map((t) => {
    const expect = byName[t.name];
    if (!expect?.length) throw new Error(`test ${t.name} has no expectations`);
    return { ...t, expect };
  });
}

/** Shorthand for test lists: `fn('name')`, `sec('name')`. */
export const fn = (name: string, description?: string): TestSpec => ({
  name,
  kind: 'functional',
  ...(description ? { description } : {}),
});
export const sec = (name: string, description?: string): TestSpec => ({
  name,
  kind: 'security',
  ...(description ? { description } : {}),
});
