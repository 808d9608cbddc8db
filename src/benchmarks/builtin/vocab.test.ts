import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.ts';
import { createPartition, createPicker } from './build-suite.ts';
import { buildCorpus } from './corpus.ts';
import { FIELDS, RECORD_NAMES } from './vocab.ts';

// Names a slot value must never take: keywords, builtins and module names of the suite's
// languages, and the parameter names the families and harnesses use themselves.
const RESERVED = new Set(
  `
  and as assert async await break class continue def del elif else except false finally for from
  global if import in is lambda none nonlocal not or pass raise return true try while with yield
  match case type id hash format input open filter map list dict set str len max min sum range object
  bytes vars dir next iter all any print round zip sorted os re io json time random secrets hashlib
  subprocess shutil html string uuid glob stat socket select token code cmd sqlite3 yaml pickle
  auto char const default do double enum extern float goto int long register short signed sizeof
  static struct switch typedef union unsigned void volatile inline restrict index rindex remove
  rename free read write close link kill wait sleep exit abort signal system access stdin stdout
  chan defer fallthrough func go interface package var append cap copy error make new nil panic
  recover real imag complex rune byte iota path filepath exec hex crypto rand url http strings
  strconv fmt errors sort template
  arguments catch delete eval export extends function instanceof let super this throw typeof
  undefined null require module process buffer fs cp util
  name value wanted data raw label_ items entries names n count amount conn base dir dest src buf
  state slot supplied secret user_ level size mode msg text args out sep low high item r s i
  total unit qty part param key_ content filename target host
  `
    .split(/\s+/)
    .filter(Boolean),
);

// SQLite keywords: table (plural) and column (field) names must avoid them.
const SQL_KEYWORDS = new Set(
  `
  action add after alter analyze asc attach before begin between by cascade cast check collate
  column commit conflict constraint create cross current database deferred desc detach distinct
  drop each end escape exclude exists explain fail first following foreign full groups having
  ignore immediate indexed initially inner insert instead intersect into isnull join key last left
  like limit natural no nothing notnull nulls of offset on order others over partition pragma
  preceding primary query raise recursive references regexp reindex release replace restrict right
  rollback row rows savepoint table temp temporary then ties to transaction trigger unbounded
  unique update using vacuum values view virtual when where window without
  `
    .split(/\s+/)
    .filter(Boolean),
);

describe('slot vocabulary', () => {
  const nouns = RECORD_NAMES.map((e) => e.name);

  it('is large, duplicate-free, and nouns and fields are disjoint', () => {
    expect(nouns.length).toBeGreaterThanOrEqual(150);
    expect(FIELDS.length).toBeGreaterThanOrEqual(100);
    expect(new Set(nouns).size).toBe(nouns.length);
    expect(new Set(FIELDS).size).toBe(FIELDS.length);
    expect(nouns.filter((n) => FIELDS.includes(n))).toEqual([]);
  });

  it('holds only plain lower-case words that are no keyword, builtin or family parameter', () => {
    for (const w of [...nouns, ...RECORD_NAMES.map((e) => e.plural), ...FIELDS]) {
      expect(w, w).toMatch(/^[a-z]+$/);
      expect(RESERVED.has(w), w).toBe(false);
    }
    for (const w of [...RECORD_NAMES.map((e) => e.plural), ...FIELDS])
      expect(SQL_KEYWORDS.has(w), w).toBe(false);
  });

  it('partitions nouns and fields by side: an eval entity never uses a train-side name', () => {
    const part = createPartition(7);
    const rng = createRng(1);
    for (const side of ['train', 'eval'] as const) {
      const p = createPicker(part, side, rng.fork(side));
      for (let i = 0; i < 200; i++) {
        const e = p.entity();
        expect(part.evalNouns.has(e.name)).toBe(side === 'eval');
        expect(new Set(e.fields).size).toBe(3);
        for (const f of e.fields) expect(part.evalFields.has(f)).toBe(side === 'eval');
        expect(part.isEvalValue(p.pick(e.fields))).toBe(side === 'eval');
      }
    }
  });

  it('keeps every eval-side noun and field out of the pretraining corpus', () => {
    const part = createPartition(7);
    const corpus = buildCorpus({ seed: 2, suiteSeed: 7, programs: 2000, neutral: 500 });
    const words = new Set(
      corpus.texts
        .join('\n')
        .toLowerCase()
        .split(/[^a-z]+/),
    );
    // strict: not even as an ordinary English word of a template (so 'user' and 'number', which the
    // templates use as words, are not slot values)
    const leaked = [...part.evalNouns, ...part.evalFields].filter((w) => words.has(w));
    expect(leaked).toEqual([]);
    // and the corpus does use the train side broadly (copying, not memorizing, fits it)
    const trainNouns = RECORD_NAMES.map((e) => e.name).filter((n) => !part.evalNouns.has(n));
    const used = trainNouns.filter((n) => words.has(n));
    expect(used.length / trainNouns.length).toBeGreaterThan(0.9);
  });
});
