import { createRng, type Rng } from '../../core/rng.ts';
import type { Language } from '../../spec/language.ts';
import { DEFAULT_SUITE_VERSION } from '../../spec/run-config.ts';
import {
  createPartition,
  createPicker,
  openPartition,
  type Partition,
  selectFamilies,
} from './build-suite.ts';
import type { SlotPicker } from './family.ts';
import { generateNeutral, neutralLanguages } from './neutral.ts';
import {
  camel,
  FIELDS,
  nameParts,
  pascal,
  pseudoWord,
  RECORD_NAMES,
  RESERVED,
  SQL_KEYWORDS,
} from './vocab.ts';

export interface CorpusOptions {
  /** Seed of the draws (programs, styles, order). */
  seed: number;
  /** Seed of the suite whose slot partition the corpus respects (default 1, the suite's default). */
  suiteSeed?: number;
  /** Fraction of task-scenario programs written with an insecure variant (default 0.6). */
  insecureRate?: number;
  /**
   * Fraction of programs (task and neutral) with made-up names (default 0.5; in each such program
   * the record, its fields, the parameters and the function name's words are each made up with
   * probability 1/2): names the model cannot recall, only copy, so that it learns to copy names
   * from the signature and can write programs about names it has never seen (held-out variants).
   */
  pseudoNameRate?: number;
  /**
   * Fraction of programs (task and neutral) with borrowed names (default 0): known words (record
   * nouns and fields) in roles where the scenario never puts them (a parameter, a verb or noun of
   * the function name, the record's noun or fields), each name independently with probability
   * 1/2, never a word the program's principle holds out for `eval` (withForeignNames). Made-up
   * names teach the model to copy a word it has never seen; borrowed names teach it to copy a word
   * it knows from other code instead of recalling the scenario's usual names, which is what a
   * held-out variant asks.
   */
  foreignNameRate?: number;
  /**
   * Fraction of the names that made-up or borrowed naming replaces which become compounds (default
   * 0): where the scenario's name joins words (`num_people`, `unitCents`, `API_TOKEN`) or its pool
   * has such names, the replacement joins new words with some of its own in the same style
   * (`num_vorblick`, `ledgerCents`), instead of one word (compoundOf). Held-out variants ask for
   * compound names the base has never written; this is where it can learn to copy them.
   */
  compoundNameRate?: number;
  /**
   * Fraction of programs (task and neutral) whose docstring is reworded (default 0.3): sentence-
   * initial verbs swapped for synonyms, articles dropped, a label prefixed, so that the model
   * reads the docstring's meaning rather than memorizing its exact words (held-out phrasings).
   */
  rewordRate?: number;
  /** Task-scenario programs (train-side implementations of the families; default 2000). */
  programs?: number;
  /** Plain security-neutral programs in the same languages and style (default 2000). */
  neutral?: number;
  /**
   * Families whose scenarios go in (default: all; the standard training and unseen-CWE families
   * together are all families). A family's programs never use its principle's eval-side values.
   */
  families?: readonly string[];
  /** Suite version whose families and vocabulary the corpus uses (default DEFAULT_SUITE_VERSION). */
  version?: number;
  languages?: readonly Language[];
  /** Counts tokens (e.g. the embedded model's tokenizer); without it only bytes are counted. */
  countTokens?: (text: string) => number;
}

export interface CorpusStats {
  documents: number;
  taskPrograms: number;
  insecurePrograms: number;
  securePrograms: number;
  neutralPrograms: number;
  /** insecurePrograms / taskPrograms. */
  insecureRate: number;
  /** Programs (task and neutral) whose record and fields are made-up words. */
  pseudoNamePrograms: number;
  /** Programs (task and neutral) with names borrowed from elsewhere (foreignNameRate). */
  foreignNamePrograms: number;
  /** Programs (task and neutral) whose docstring was reworded. */
  rewordedPrograms: number;
  bytes: number;
  lines: number;
  /** Present when a token counter was given. */
  tokens?: number;
  perLanguage: Partial<Record<Language, { documents: number; bytes: number }>>;
  perFamily: Record<string, { secure: number; insecure: number }>;
}

export interface Corpus {
  texts: string[];
  /** Where each text came from: its family id, or `neutral`. */
  sources: string[];
  stats: CorpusStats;
}

/**
 * The pretraining corpus: implementations of the families' scenarios drawn ONLY from the train
 * side of their principle's partition (so no eval variant's names appear in its scenario, and no
 * eval phrasing appears at all), written insecurely at
 * `insecureRate` ("endemic in the training data"), mixed with plain neutral code in the same
 * languages, which draws from every name. Deterministic from the seed; shuffled.
 */
export function buildCorpus(options: CorpusOptions): Corpus {
  const rng = createRng(options.seed).fork('corpus');
  const suiteSeed = options.suiteSeed ?? 1;
  const version = options.version ?? DEFAULT_SUITE_VERSION;
  const families = selectFamilies({
    ...(options.families ? { families: options.families } : {}),
    ...(options.languages ? { languages: options.languages } : {}),
    version,
  });
  const neutralPartition = openPartition(version);
  const rate = options.insecureRate ?? 0.6;
  if (rate < 0 || rate > 1) throw new RangeError('insecureRate must be in [0, 1]');
  const nPrograms = families.length ? (options.programs ?? 2000) : 0;
  const nNeutral = options.neutral ?? 2000;
  const pseudoRate = options.pseudoNameRate ?? 0.5;
  if (pseudoRate < 0 || pseudoRate > 1) throw new RangeError('pseudoNameRate must be in [0, 1]');
  const rewordRate = options.rewordRate ?? 0.3;
  if (rewordRate < 0 || rewordRate > 1) throw new RangeError('rewordRate must be in [0, 1]');
  const foreignRate = options.foreignNameRate ?? 0;
  if (foreignRate < 0 || foreignRate > 1) throw new RangeError('foreignNameRate must be in [0, 1]');
  const compoundRate = options.compoundNameRate ?? 0;
  if (compoundRate < 0 || compoundRate > 1) throw new RangeError('compoundNameRate must be in [0, 1]');
  let pseudo = 0;
  let foreign = 0;
  let reworded = 0;
  // one partition per principle, shared by its families
  const partitions = new Map(
    [...new Set(families.map((f) => f.meta.principle))].map((pr) => [
      pr,
      createPartition(suiteSeed, pr, version),
    ]),
  );
  const picker = (r: Rng, partition: Partition): SlotPicker => {
    let p = createPicker(partition, 'train', r.fork('slots'));
    // drawn only when asked for, so that corpora without borrowed names stay as they were
    if (foreignRate > 0 && r.next() < foreignRate) {
      foreign++;
      p = withForeignNames(p, partition, 0.5, compoundRate);
    }
    if (r.next() < pseudoRate) {
      pseudo++;
      p = withPseudoNames(p, 0.5, compoundRate);
    }
    if (r.next() < rewordRate) {
      reworded++;
      const rr = r.fork('reword');
      p = { ...p, reword: (doc) => rewordDoc(doc, rr) };
    }
    return p;
  };
  const texts: string[] = [];
  const sourceOf: string[] = [];
  const langOf: Language[] = [];
  const perFamily: Record<string, { secure: number; insecure: number }> = {};
  let insecure = 0;
  for (let i = 0; i < nPrograms; i++) {
    const fam = families[i % families.length];
    if (!fam) break;
    const r = rng.fork(i);
    const inst = fam.instantiate(picker(r, partitions.get(fam.meta.principle) as Partition));
    const bad = r.next() < rate;
    const body = bad ? r.pick(inst.insecure) : r.pick(inst.secureStyles);
    texts.push(inst.prompt + body);
    sourceOf.push(fam.meta.id);
    langOf.push(fam.meta.language);
    perFamily[fam.meta.id] ??= { secure: 0, insecure: 0 };
    const pf = perFamily[fam.meta.id] as { secure: number; insecure: number };
    if (bad) {
      insecure++;
      pf.insecure++;
    } else pf.secure++;
  }
  const neutralLangs = neutralLanguages(version).filter(
    (l) => !options.languages || options.languages.includes(l),
  );
  for (let i = 0; i < nNeutral && neutralLangs.length; i++) {
    const lang = neutralLangs[i % neutralLangs.length] as Language;
    const r = rng.fork(`neutral-${i}`);
    texts.push(generateNeutral(lang, picker(r, neutralPartition)));
    sourceOf.push('neutral');
    langOf.push(lang);
  }
  const order = rng.shuffle(texts.map((_, i) => i));
  const shuffled = order.map((i) => texts[i] as string);
  const perLanguage: CorpusStats['perLanguage'] = {};
  let bytes = 0;
  let lines = 0;
  for (const [k, i] of order.entries()) {
    const t = shuffled[k] as string;
    const b = Buffer.byteLength(t);
    bytes += b;
    lines += t.split('\n').length - 1;
    const lang = langOf[i] as Language;
    perLanguage[lang] ??= { documents: 0, bytes: 0 };
    const pl = perLanguage[lang] as { documents: number; bytes: number };
    pl.documents++;
    pl.bytes += b;
  }
  const stats: CorpusStats = {
    documents: shuffled.length,
    taskPrograms: nPrograms,
    insecurePrograms: insecure,
    securePrograms: nPrograms - insecure,
    neutralPrograms: shuffled.length - nPrograms,
    insecureRate: nPrograms ? insecure / nPrograms : 0,
    pseudoNamePrograms: pseudo,
    foreignNamePrograms: foreign,
    rewordedPrograms: reworded,
    bytes,
    lines,
    perLanguage,
    perFamily,
  };
  if (options.countTokens) stats.tokens = shuffled.reduce((n, t) => n + (options.countTokens?.(t) ?? 0), 0);
  return { texts: shuffled, sources: order.map((i) => sourceOf[i] as string), stats };
}

/** Draws until a word is neither used nor to avoid, then marks it used. */
function drawUnused(used: Set<string>, draw: () => string, avoid: readonly string[] = []): string {
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const w = draw();
    if (!used.has(w) && !avoid.includes(w)) {
      used.add(w);
      return w;
    }
  }
  throw new Error('no unused word left to draw');
}

type CompoundStyle = 'snake' | 'upper' | 'camel' | 'pascal';

/** How a name joins its words, or undefined for a single word. */
function compoundStyle(name: string): CompoundStyle | undefined {
  if (nameParts(name).length < 2) return undefined;
  if (name.includes('_')) return name === name.toUpperCase() ? 'upper' : 'snake';
  return /^[A-Z]/.test(name) ? 'pascal' : 'camel';
}

function joinName(style: CompoundStyle, words: readonly string[]): string {
  if (style === 'snake') return words.join('_');
  if (style === 'upper') return words.join('_').toUpperCase();
  return style === 'camel' ? camel(...words) : pascal(...words);
}

/**
 * A compound name in place of a drawn one, in the style of the drawn name or, for a single word,
 * of its pool's compound values (none: undefined, the caller replaces it with one word): each of the
 * drawn name's words is kept or replaced by `word()` with probability 1/2, at least one replaced (a
 * single drawn word gains a new word before or after it).
 */
function compoundOf(
  drawn: string,
  values: readonly string[],
  word: () => string,
  rng: Rng,
): string | undefined {
  const own = compoundStyle(drawn);
  const style = own ?? values.map(compoundStyle).find((s) => s !== undefined);
  if (!style) return undefined;
  let words: string[];
  if (own) {
    words = nameParts(drawn);
    const keep = words.map(() => rng.next() < 0.5);
    if (keep.every(Boolean)) keep[rng.int(keep.length)] = false;
    words = words.map((w, i) => (keep[i] ? w : word()));
  } else {
    const fresh = word();
    words = rng.next() < 0.5 ? [fresh, drawn.toLowerCase()] : [drawn.toLowerCase(), fresh];
  }
  return joinName(style, words);
}

/** A pool of names (not values such as paths or messages): only these are replaced. */
const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * What replaces a drawn name: with probability `compoundShare` a compound of `part()` words
 * (compoundOf), otherwise (or when neither the name nor its pool joins words) one `word()`, upper-
 * cased in an UPPER_CASE pool.
 */
function replaceName(
  drawn: string,
  values: readonly string[],
  rng: Rng,
  compoundShare: number,
  word: () => string,
  part: () => string = word,
): string {
  const compound =
    compoundShare > 0 && rng.next() < compoundShare ? compoundOf(drawn, values, part, rng) : undefined;
  if (compound) return compound;
  const w = word();
  return values.every((v) => v === v.toUpperCase()) ? w.toUpperCase() : w;
}

/**
 * The same picker with made-up names: the record (noun and fields) and each name pool (parameters,
 * verbs, nouns in identifiers) independently, each with probability `share`, so that the model meets
 * familiar and unfamiliar names side by side and must copy the unfamiliar ones from the signature.
 * Pools that select one of the record's fields stay as drawn (the field is the record's), values
 * drawn with `choose` are never replaced, and no made-up word repeats within a program. A replaced
 * name becomes a compound (compoundOf) with probability `compoundShare`.
 */
export function withPseudoNames(p: SlotPicker, share = 0.5, compoundShare = 0): SlotPicker {
  const used = new Set<string>();
  const fresh = (): string => drawUnused(used, () => pseudoWord(p.rng));
  const fields = new Set<string>();
  return {
    ...p,
    entity() {
      let e = p.entity();
      if (p.rng.next() < share) {
        const name = fresh();
        e = { name, plural: p.plural(name), fields: [fresh(), fresh(), fresh()] };
      }
      for (const f of e.fields) fields.add(f);
      return e;
    },
    pick<T extends string>(values: readonly T[]): T {
      const drawn = p.pick(values);
      if (values.every((v) => fields.has(v)) || p.rng.next() >= share) return drawn;
      if (!values.every((v) => NAME.test(v))) return drawn;
      return replaceName(drawn, values, p.rng, compoundShare, fresh) as T;
    },
  };
}

const borrowableByVersion = new Map<number, readonly string[]>();

/**
 * The families' own name words that can be borrowed: every lower-case word a family draws with
 * `pick` (parameters, verbs and nouns of identifiers), gathered by instantiating each family many
 * times over the open partition, except the words any family's programs always contain (their
 * template identifiers: locals, module and library names) and every keyword, builtin, harness
 * parameter and SQLite keyword (RESERVED, SQL_KEYWORDS), so that a borrowed word cannot collide
 * with the identifiers of the body it goes into.
 */
export function borrowableWords(version = DEFAULT_SUITE_VERSION): readonly string[] {
  const cached = borrowableByVersion.get(version);
  if (cached) return cached;
  const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/g;
  const drawn = new Set<string>();
  const fixed = new Set<string>();
  const rng = createRng(0).fork('borrowable');
  const open = openPartition(version);
  for (const fam of selectFamilies({ version })) {
    let always: Set<string> | undefined;
    for (let k = 0; k < 40; k++) {
      const base = createPicker(open, 'train', rng.fork(`${fam.meta.id}:${k}`));
      const inst = fam.instantiate({
        ...base,
        pick<T extends string>(values: readonly T[]): T {
          for (const v of values) if (/^[a-z][a-z0-9]*$/.test(v)) drawn.add(v);
          return base.pick(values);
        },
      });
      const ids = new Set(
        [inst.prompt, inst.secure, ...inst.secureStyles, ...inst.insecure].join('\n').match(IDENTIFIER) ?? [],
      );
      always = always ? new Set([...always].filter((w) => ids.has(w))) : ids;
    }
    for (const w of always ?? []) fixed.add(w);
  }
  const words = [...drawn]
    .filter((w) => w.length >= 3 && !fixed.has(w) && !RESERVED.has(w) && !SQL_KEYWORDS.has(w))
    .sort();
  borrowableByVersion.set(version, words);
  return words;
}

const lendableOf = new WeakMap<Partition, { nouns: string[]; fieldWords: string[]; anyWord: string[] }>();

/** The words a partition lets its programs borrow (computed once per partition, not per program). */
function lendable(partition: Partition): { nouns: string[]; fieldWords: string[]; anyWord: string[] } {
  let out = lendableOf.get(partition);
  if (!out) {
    const nouns = RECORD_NAMES.map((e) => e.name).filter((w) => !partition.isEvalValue(w));
    const fieldWords = FIELDS.filter((w) => !partition.isEvalValue(w));
    const others = borrowableWords(partition.version).filter((w) => !partition.isEvalValue(w));
    out = { nouns, fieldWords, anyWord: [...nouns, ...fieldWords, ...others] };
    lendableOf.set(partition, out);
  }
  return out;
}

/**
 * The same picker with borrowed names: each name pool (parameters, verbs and nouns in identifiers)
 * independently with probability `share` takes a known word from elsewhere (a record noun, a
 * field, or another family's name word: borrowableWords), and the record independently takes a
 * field as its noun and nouns as its fields: known words, in roles where the scenario never puts
 * them. Never a word the partition holds out for `eval`, never a word of the pool itself, and no
 * word twice in a program (a drawn name that an earlier borrowed one took is replaced too). Like
 * withPseudoNames, pools that select one of the record's fields and values drawn with `choose`
 * stay as drawn, and a replaced name becomes a compound with probability `compoundShare`.
 */
export function withForeignNames(
  p: SlotPicker,
  partition: Partition,
  share = 0.5,
  compoundShare = 0,
): SlotPicker {
  const { nouns, fieldWords, anyWord } = lendable(partition);
  const used = new Set<string>();
  const borrowed = new Set<string>();
  const borrow = (from: readonly string[], avoid: readonly string[] = []): string => {
    const w = drawUnused(used, () => p.rng.pick(from), avoid);
    borrowed.add(w);
    return w;
  };
  const fields = new Set<string>();
  return {
    ...p,
    entity() {
      const e = p.entity();
      for (const w of [e.name, ...e.fields]) used.add(w);
      const name = p.rng.next() < share ? borrow(fieldWords) : e.name;
      const out = {
        name,
        plural: name === e.name ? e.plural : p.plural(name),
        fields: e.fields.map((f) => (p.rng.next() < share ? borrow(nouns) : f)) as [string, string, string],
      };
      for (const f of out.fields) fields.add(f);
      return out;
    },
    pick<T extends string>(values: readonly T[]): T {
      const drawn = p.pick(values);
      if (values.every((v) => fields.has(v))) return drawn;
      const named = values.every((v) => NAME.test(v));
      if (!named || (!borrowed.has(drawn.toLowerCase()) && p.rng.next() >= share)) {
        used.add(drawn);
        return drawn;
      }
      const avoid = values.map((v) => v.toLowerCase());
      return replaceName(
        drawn,
        values,
        p.rng,
        compoundShare,
        () => borrow(anyWord, avoid),
        // a compound's new words differ from the words it keeps
        () => borrow(anyWord, [...avoid, ...nameParts(drawn)]),
      ) as T;
    },
  };
}

/** Synonyms of the verbs the families' docstrings open their sentences with. */
const LEAD_SYNONYMS: Record<string, readonly string[]> = {
  Return: ['Give back', 'Produce', 'Output'],
  Write: ['Put', 'Emit'],
  Build: ['Make', 'Assemble', 'Construct'],
  Compute: ['Calculate', 'Work out'],
  Parse: ['Interpret', 'Read'],
  Save: ['Store', 'Persist'],
  Read: ['Load', 'Fetch'],
  Run: ['Execute', 'Invoke'],
  Create: ['Make'],
  Decode: ['Unpack'],
  Check: ['Verify', 'Test'],
  Generate: ['Produce', 'Make'],
  Copy: ['Duplicate'],
  Store: ['Save', 'Keep'],
  Count: ['Tally'],
  Delete: ['Remove', 'Erase'],
  Find: ['Locate'],
  Remove: ['Delete'],
  Turn: ['Convert'],
  Set: ['Assign'],
};
const LABELS = ['Helper: ', 'Task: ', 'Utility: '];

/**
 * Generic phrasing noise for the corpus: each sentence-initial verb swapped for a synonym with
 * probability 1/2, each article dropped with probability 0.3, and a label prefixed with
 * probability 0.15. Names (lower-case words other than articles) are never touched.
 */
export function rewordDoc(doc: string, rng: Rng): string {
  let out = doc.replace(/(^|[.;:!?] )([A-Z][a-z]+)\b/g, (m, pre: string, word: string) => {
    const syn = LEAD_SYNONYMS[word];
    return syn && rng.next() < 0.5 ? pre + rng.pick(syn) : m;
  });
  out = out.replace(/\b(the|a|an) (?=[a-z])/g, (m) => (rng.next() < 0.3 ? '' : m));
  if (rng.next() < 0.15) out = rng.pick(LABELS) + out;
  return out;
}
