import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.ts';
import { buildSuite, createPartition, createPicker } from './build-suite.ts';
import { borrowableWords, buildCorpus, rewordDoc, withPseudoNames } from './corpus.ts';
import { FIELDS, RECORD_NAMES, RESERVED, SQL_KEYWORDS } from './vocab.ts';

describe('buildCorpus', () => {
  it('is deterministic from the seed and sized as asked', () => {
    const a = buildCorpus({ seed: 5, programs: 300, neutral: 100 });
    const b = buildCorpus({ seed: 5, programs: 300, neutral: 100 });
    const c = buildCorpus({ seed: 6, programs: 300, neutral: 100 });
    expect(a.texts).toEqual(b.texts);
    expect(a.texts).not.toEqual(c.texts);
    expect(a.stats.documents).toBe(400);
    expect(a.stats.taskPrograms).toBe(300);
    expect(a.stats.neutralPrograms).toBe(100);
    expect(a.stats.bytes).toBe(a.texts.reduce((n, t) => n + Buffer.byteLength(t), 0));
  });

  it('writes insecure variants at the configured rate', () => {
    const suite = buildSuite({ variantsPerFamily: { train: 1, eval: 0 } });
    const insecureBodies = new Set(
      suite.tasks.flatMap((t) => t.insecureVariants.map((v) => v.slice(t.prompt.length))),
    );
    for (const rate of [0, 0.6, 1]) {
      const c = buildCorpus({ seed: 1, programs: 1000, neutral: 0, insecureRate: rate });
      expect(Math.abs(c.stats.insecureRate - rate)).toBeLessThan(0.05);
      if (rate === 0) {
        // no program of the corpus ends with a known insecure completion of the same variant shape
        expect(c.stats.insecurePrograms).toBe(0);
      }
    }
    expect(insecureBodies.size).toBeGreaterThan(0);
    expect(() => buildCorpus({ seed: 1, insecureRate: 1.5 })).toThrow();
  });

  it('mixes neutral code of every language and counts tokens when given a counter', () => {
    const calls: string[] = [];
    const c = buildCorpus({
      seed: 2,
      version: 1,
      programs: 200,
      neutral: 200,
      countTokens: (t) => {
        calls.push(t);
        return t.length;
      },
    });
    expect(Object.keys(c.stats.perLanguage).sort()).toEqual(['c', 'go', 'javascript', 'python']);
    expect(calls.length).toBe(c.texts.length);
    expect(c.stats.tokens).toBe(c.texts.reduce((n, t) => n + t.length, 0));
    expect(c.texts.every((t) => t.length < 1500)).toBe(true);
    const neutral = c.texts.filter((t) => /def (count|sort|join|clamp|group|first|total|normalize)_/.test(t));
    expect(neutral.length).toBeGreaterThan(0);
  });

  it('has C++ programs (the families and neutral code) from suite version 2 on, none in version 1', () => {
    const v1 = buildCorpus({ seed: 2, programs: 400, neutral: 200, version: 1 });
    expect(v1.stats.perLanguage.cpp).toBeUndefined();
    const v2 = buildCorpus({ seed: 2, programs: 400, neutral: 200, version: 2 });
    const cppFamilies = new Set(v2.sources.filter((s) => s.startsWith('cpp-')));
    expect(cppFamilies.size).toBeGreaterThanOrEqual(6);
    const cppNeutral = v2.texts.filter((t, i) => v2.sources[i] === 'neutral' && t.includes('std::'));
    expect(cppNeutral.length).toBe(40); // every fifth of the 200
    expect(cppNeutral.every((t) => /^#include <\w+>/.test(t) && t.includes('\n// '))).toBe(true);
  });

  it('restricts languages', () => {
    const c = buildCorpus({ seed: 2, programs: 100, neutral: 50, languages: ['go'] });
    expect(Object.keys(c.stats.perLanguage)).toEqual(['go']);
    expect(c.texts.every((t) => t.startsWith('package main'))).toBe(true);
  });
});

describe('withPseudoNames', () => {
  const picker = (seed: number) =>
    withPseudoNames(createPicker(createPartition(1, 'sql-injection'), 'train', createRng(seed)));

  it('makes up about half the names, in the pool case, never repeating one within a program', () => {
    const pool = ['index', 'pos', 'position'] as const;
    let madeUp = 0;
    for (let seed = 0; seed < 400; seed++) {
      const p = picker(seed);
      const words = [p.pick(pool), p.pick(pool), p.pick(['API_KEY', 'SERVICE_KEY'])];
      if (!pool.includes(words[0] as (typeof pool)[number])) madeUp++;
      expect(words[2]).toBe(words[2]?.toUpperCase());
      const invented = words.filter((w) => !pool.includes(w as (typeof pool)[number]) && !w.endsWith('_KEY'));
      expect(new Set(invented).size).toBe(invented.length);
    }
    expect(madeUp / 400).toBeGreaterThan(0.35);
    expect(madeUp / 400).toBeLessThan(0.65);
  });

  it("never replaces values drawn with choose, a record's own fields or non-identifier pools", () => {
    for (let seed = 0; seed < 200; seed++) {
      const p = picker(seed);
      const e = p.entity();
      expect(e.fields).toContain(p.pick(e.fields));
      expect(['touch', 'mkdir']).toContain(p.choose(['touch', 'mkdir']));
      expect(['16', '32']).toContain(p.pick(['16', '32']));
    }
  });
});

describe('rewordDoc', () => {
  const doc = 'Return the name at position pos of items, or None. Write the entry to a file named path.';

  it('swaps sentence-initial verbs and drops articles, never touching other words', () => {
    const outs = new Set(Array.from({ length: 200 }, (_, i) => rewordDoc(doc, createRng(i))));
    expect(outs.size).toBeGreaterThan(10);
    for (const o of outs) {
      for (const name of ['name', 'position', 'pos', 'items', 'None', 'entry', 'file', 'named', 'path'])
        expect(o.split(/\W+/)).toContain(name);
    }
    expect([...outs].some((o) => /(Give back|Produce|Output) /.test(o))).toBe(true);
    expect([...outs].some((o) => /(Put|Emit) /.test(o))).toBe(true);
    expect([...outs].some((o) => o.includes('at position pos of items') && !o.includes('the name'))).toBe(
      true,
    );
  });

  it('rewords about rewordRate of the corpus docstrings (default 0.3)', () => {
    const plain = buildCorpus({ seed: 3, programs: 400, neutral: 100, rewordRate: 0 });
    expect(plain.stats.rewordedPrograms).toBe(0);
    const byDefault = buildCorpus({ seed: 3, programs: 400, neutral: 100 });
    expect(Math.abs(byDefault.stats.rewordedPrograms / 500 - 0.3)).toBeLessThan(0.08);
    const noisy = buildCorpus({ seed: 3, programs: 400, neutral: 100, rewordRate: 0.5 });
    expect(Math.abs(noisy.stats.rewordedPrograms / 500 - 0.5)).toBeLessThan(0.08);
    expect(noisy.texts).not.toEqual(plain.texts);
    expect(() => buildCorpus({ seed: 3, rewordRate: 2 })).toThrow();
  });

  it("lends only words no body or language owns: the families' name words, minus keywords and template identifiers", () => {
    const words = borrowableWords();
    expect(words.length).toBeGreaterThan(200);
    for (const w of ['parent', 'title', 'quantity']) expect(words).toContain(w);
    for (const w of words) {
      expect(RESERVED.has(w) || SQL_KEYWORDS.has(w), w).toBe(false);
      expect(w).toMatch(/^[a-z][a-z0-9]{2,}$/);
    }
    // 'path' is a module or local in some family's every program; 'delete' a JavaScript keyword
    expect(words).not.toContain('path');
    expect(words).not.toContain('delete');
  });

  it('borrows known words into other roles in about foreignNameRate of the programs (default none)', () => {
    // version 1's corpus: in version 2's draw of 600 programs, one parameter word of a family
    // (`content`) happens to appear only in the borrowing corpus, which the last check reads as unknown
    const opts = { seed: 3, version: 1, programs: 600, neutral: 100, pseudoNameRate: 0 };
    const plain = buildCorpus(opts);
    expect(plain.stats.foreignNamePrograms).toBe(0);
    expect(buildCorpus({ ...opts, foreignNameRate: 0 }).texts).toEqual(plain.texts);
    const borrowed = buildCorpus({ ...opts, foreignNameRate: 1 });
    expect(borrowed.stats.foreignNamePrograms).toBe(700);
    // SQL tables: a record noun's plural in plain programs; a field word's (+s) in about half of
    // the borrowing programs
    const fields = new Set(FIELDS.map((f) => `${f}s`));
    const tables = (c: { texts: string[] }) =>
      c.texts.map((t) => /FROM (\w+) WHERE/.exec(t)?.[1]).filter((x): x is string => x !== undefined);
    expect(tables(plain).filter((t) => fields.has(t))).toEqual([]);
    const share = tables(borrowed).filter((t) => fields.has(t)).length / tables(borrowed).length;
    expect(Math.abs(share - 0.5)).toBeLessThan(0.15);
    // parameters: Python signatures take words no plain program uses as a parameter
    const params = (c: { texts: string[] }) =>
      c.texts.flatMap((t) =>
        [...t.matchAll(/^def \w+\(([^)]*)\)/gm)].flatMap((m) => (m[1] ?? '').split(/,\s*/)),
      );
    const plainParams = new Set(params(plain));
    const novel = params(borrowed).filter((p) => !plainParams.has(p));
    expect(novel.length / params(borrowed).length).toBeGreaterThan(0.15);
    // each word of a novel parameter (a parameter may join several: category_pseudonym) is a
    // known word: a noun, a field, a word the families lend, or part of a plain parameter
    const known = new Set([
      ...FIELDS,
      ...RECORD_NAMES.map((e) => e.name),
      ...borrowableWords(1),
      ...[...plainParams].flatMap((p) => p.split('_')),
    ]);
    expect(novel.flatMap((p) => p.split('_')).filter((w) => !known.has(w))).toEqual([]);
    expect(() => buildCorpus({ seed: 3, foreignNameRate: -1 })).toThrow();
  });

  it('makes compounds of about compoundNameRate of the replaced names, in the style of the name they replace', () => {
    const opts = { seed: 3, programs: 600, neutral: 100, pseudoNameRate: 0, foreignNameRate: 1 };
    const single = buildCorpus(opts);
    expect(buildCorpus({ ...opts, compoundNameRate: 0 }).texts).toEqual(single.texts);
    const joined = buildCorpus({ ...opts, compoundNameRate: 1 });
    const params = (c: { texts: string[] }, re: RegExp) =>
      c.texts.flatMap((t) => [...t.matchAll(re)].flatMap((m) => (m[1] ?? '').split(/,\s*/)));
    // Python parameters: snake_case compounds of known words, many more than with single words
    const py = /^def \w+\(([^)]*)\)/gm;
    const snakeParams = (c: { texts: string[] }) => new Set(params(c, py).filter((x) => x.includes('_')));
    expect(snakeParams(joined).size).toBeGreaterThan(2 * snakeParams(single).size);
    const known = new Set([...FIELDS, ...RECORD_NAMES.map((e) => e.name), ...borrowableWords()]);
    const plainWords = new Set(
      params(buildCorpus({ ...opts, foreignNameRate: 0 }), py).flatMap((x) => x.split('_')),
    );
    for (const x of snakeParams(joined))
      for (const w of x.split('_')) expect(known.has(w) || plainWords.has(w), `${x}: ${w}`).toBe(true);
    // JavaScript parameters: camelCase compounds where the pools have camelCase names
    const js = /^function \w+\(([^)]*)\)/gm;
    const camelParams = (c: { texts: string[] }) =>
      new Set(params(c, js).filter((x) => /[a-z][A-Z]/.test(x)));
    expect(camelParams(joined).size).toBeGreaterThan(2 * camelParams(single).size);
    // environment variables (an UPPER_CASE pool): new UPPER_CASE compounds
    const envs = (c: { texts: string[] }) =>
      new Set(c.texts.flatMap((t) => [...t.matchAll(/getenv\("([A-Z_]+)"\)/g)].map((m) => m[1])));
    expect([...envs(joined)].filter((e) => !envs(single).has(e)).length).toBeGreaterThan(0);
    // made-up names too: compounds that join a made-up word with a known one
    const made = buildCorpus({ ...opts, foreignNameRate: 0, pseudoNameRate: 1, compoundNameRate: 1 });
    expect(
      [...snakeParams(made)].some(
        (x) =>
          x.split('_').some((w) => known.has(w)) &&
          x.split('_').some((w) => !known.has(w) && !plainWords.has(w)),
      ),
    ).toBe(true);
    expect(() => buildCorpus({ seed: 3, compoundNameRate: 1.5 })).toThrow();
  });
});
