import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.ts';
import { LATEST_SUITE_VERSION } from '../../spec/run-config.ts';
import { createPartition, createPicker, listFamilies } from './build-suite.ts';
import { buildCorpus } from './corpus.ts';
import { FIELDS, pluralize, pseudoWord, RECORD_NAMES, RESERVED, recordNames, SQL_KEYWORDS } from './vocab.ts';

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

  it('writes English plurals from suite version 2: consonant + y, sibilants, irregulars kept', () => {
    expect(
      [
        'dish',
        'ferry',
        'trophy',
        'allergy',
        'reply',
        'cactus',
        'box',
        'church',
        'quiz',
        'day',
        'key',
        'book',
      ].map(pluralize),
    ).toEqual([
      'dishes',
      'ferries',
      'trophies',
      'allergies',
      'replies',
      'cactuses',
      'boxes',
      'churches',
      'quizes',
      'days',
      'keys',
      'books',
    ]);
    const v2 = new Map(recordNames(2).map((e) => [e.name, e.plural]));
    for (const [name, plural] of v2) {
      if (/[^aeiou]y$/.test(name)) expect(plural, name).toMatch(/ies$/);
      if (/(s|x|z|ch|sh)$/.test(name)) expect(plural, name).toMatch(/es$/);
    }
    expect(v2.get('galaxy')).toBe('galaxies');
    // version 1 (the shipped base's corpus) keeps its +s plurals for the nouns without an explicit one
    const v1 = new Map(recordNames(1).map((e) => [e.name, e.plural]));
    expect([v1.get('dish'), v1.get('ferry'), v1.get('galaxy')]).toEqual(['dishs', 'ferrys', 'galaxies']);
  });

  it('partitions nouns and fields by side: an eval entity never uses a train-side name', () => {
    const part = createPartition(7, 'sql-injection');
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

  it('holds a different third out for each principle', () => {
    const a = createPartition(7, 'sql-injection');
    const b = createPartition(7, 'path-traversal');
    expect(a.evalNouns.size).toBe(Math.floor(nouns.length / 3));
    expect([...a.evalNouns]).not.toEqual([...b.evalNouns]);
    expect([...createPartition(7, 'sql-injection').evalNouns]).toEqual([...a.evalNouns]);
  });

  describe.each(Array.from({ length: LATEST_SUITE_VERSION }, (_, i) => i + 1))(
    'the pretraining corpus of suite version %i',
    (version) => {
      // borrowed names included: they must respect the partition too
      const corpus = buildCorpus({
        seed: 2,
        suiteSeed: 7,
        version,
        programs: 3000,
        neutral: 1000,
        foreignNameRate: 0.5,
      });
      const plainCorpus = buildCorpus({ seed: 2, suiteSeed: 7, version, programs: 3000, neutral: 1000 });
      const wordsOf = (texts: string[]) =>
        new Set(
          texts
            .join('\n')
            .toLowerCase()
            .split(/[^a-z]+/),
        );
      const principleOf = new Map(listFamilies().map((f) => [f.id, f.principle]));

      it("never uses a principle's eval-side noun or field in that principle's programs", () => {
        const principles = [...new Set(principleOf.values())];
        const leaks: Record<string, string[]> = {};
        for (const principle of principles) {
          const part = createPartition(7, principle, version);
          const words = wordsOf(
            corpus.texts.filter((_, i) => principleOf.get(corpus.sources[i] ?? '') === principle),
          );
          // strict: not even as an ordinary English word of a template (so 'user' and 'number', which
          // the templates use as words, are not slot values)
          const leaked = [...part.evalNouns, ...part.evalFields].filter((w) => words.has(w));
          if (leaked.length) leaks[principle] = leaked;
          // and where its scenario names a record, its programs use many train-side nouns (a few
          // hundred programs per principle here), so copying, not memorizing, fits them (measured
          // without borrowed names, which put nouns where a scenario has no record)
          const trainNouns = nouns.filter((n) => !part.evalNouns.has(n));
          const plainWords = wordsOf(
            plainCorpus.texts.filter((_, i) => principleOf.get(plainCorpus.sources[i] ?? '') === principle),
          );
          const used = trainNouns.filter((n) => plainWords.has(n)).length;
          if (used > 0) expect(used / trainNouns.length, principle).toBeGreaterThan(0.2);
        }
        expect(leaks).toEqual({});
      });

      it('uses every noun and field somewhere: held-out names are known words, new only to their scenario', () => {
        const words = wordsOf(corpus.texts);
        expect(nouns.filter((n) => !words.has(n))).toEqual([]);
        expect(FIELDS.filter((f) => !words.has(f))).toEqual([]);
        expect(corpus.sources.filter((s) => s === 'neutral').length).toBe(1000);
      });
    },
  );
});

describe('pseudoWord', () => {
  it('makes pronounceable lower-case words that are no vocabulary word, keyword or parameter name', () => {
    const rng = createRng(3);
    const words = Array.from({ length: 3000 }, () => pseudoWord(rng));
    const vocab = new Set([...RECORD_NAMES.flatMap((e) => [e.name, e.plural]), ...FIELDS]);
    for (const w of words) {
      expect(w).toMatch(/^[a-z]{4,}$/);
      expect(vocab.has(w), w).toBe(false);
      expect(RESERVED.has(w) || SQL_KEYWORDS.has(w), w).toBe(false);
    }
    expect(new Set(words).size).toBeGreaterThan(2500);
  });

  it('names about half the records of pseudoNameRate of the corpus programs with made-up words', () => {
    const vocabNames = new Set([1, 2].flatMap((v) => recordNames(v).map((e) => e.plural)));
    const tableOf = (t: string) => /FROM (\w+) WHERE/.exec(t)?.[1];
    const count = (rate: number) => {
      const c = buildCorpus({ seed: 4, programs: 3000, neutral: 0, pseudoNameRate: rate });
      const tables = c.texts.map(tableOf).filter((x): x is string => x !== undefined);
      return tables.filter((t) => !vocabNames.has(t)).length / tables.length;
    };
    // in a program with made-up names each name (the record among them) is made up with probability 1/2
    expect(count(0)).toBe(0);
    expect(Math.abs(count(0.3) - 0.15)).toBeLessThan(0.06);
    expect(Math.abs(count(1) - 0.5)).toBeLessThan(0.1);
  });
});
