import { describe, expect, it } from 'vitest';
import { buildSuite } from './build-suite.ts';
import { buildCorpus } from './corpus.ts';

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

  it('restricts languages', () => {
    const c = buildCorpus({ seed: 2, programs: 100, neutral: 50, languages: ['go'] });
    expect(Object.keys(c.stats.perLanguage)).toEqual(['go']);
    expect(c.texts.every((t) => t.startsWith('package main'))).toBe(true);
  });
});
