import { describe, expect, it } from 'vitest';
import type { Task } from '../../spec/task.ts';
import { buildSuite } from './build-suite.ts';
import { buildCorpus } from './corpus.ts';
import { DEFAULT_UNSEEN_CWES, getSplits, namedSplits } from './splits.ts';

const suite = buildSuite();
const std = getSplits(suite, 'standard');
const cross = getSplits(suite, 'cross-language');

const ids = (ts: Task[]) => new Set(ts.map((t) => t.id));
const disjoint = (a: Set<string>, b: Set<string>) => [...a].every((x) => !b.has(x));
/** The docstring / comment line: the phrasing of a variant. */
const docOf = (t: Task) => t.prompt.split('\n').find((l) => /"""|^\/\*|^\/\/ |^\/\*\*/.test(l)) ?? '';

describe('standard splits', () => {
  it('are non-empty and disjoint by variant', () => {
    expect(std.train.length).toBeGreaterThan(0);
    expect(std.eval.length).toBeGreaterThan(0);
    expect(std.unseenCwe.length).toBeGreaterThan(0);
    const [a, b, c] = [ids(std.train), ids(std.eval), ids(std.unseenCwe)];
    expect(disjoint(a, b) && disjoint(a, c) && disjoint(b, c)).toBe(true);
    const trainPrompts = new Set(std.train.map((t) => t.prompt));
    for (const t of [...std.eval, ...std.unseenCwe]) expect(trainPrompts.has(t.prompt)).toBe(false);
  });

  it('eval variants use names and phrasings never seen in training prompts', () => {
    const trainNames = new Set(std.train.map((t) => t.entryPoint));
    const trainDocs = new Set(std.train.map(docOf));
    for (const t of std.eval) {
      expect(trainNames.has(t.entryPoint), t.id).toBe(false);
      expect(trainDocs.has(docOf(t)), t.id).toBe(false);
    }
  });

  it('eval covers the same families as train; unseen-CWE tasks share no CWE with train or eval', () => {
    const fam = (ts: Task[]) => new Set(ts.map((t) => t.family));
    expect(fam(std.eval)).toEqual(fam(std.train));
    const trainCwes = new Set(std.train.flatMap((t) => t.cwe));
    const evalCwes = new Set(std.eval.flatMap((t) => t.cwe));
    for (const t of std.unseenCwe) {
      for (const c of t.cwe) {
        expect(trainCwes.has(c)).toBe(false);
        expect(evalCwes.has(c)).toBe(false);
      }
    }
    expect(new Set(std.unseenCwe.flatMap((t) => t.cwe))).toEqual(new Set(DEFAULT_UNSEEN_CWES));
    expect(new Set(std.unseenCwe.map((t) => t.language)).size).toBeGreaterThanOrEqual(3);
  });

  it('holds out the CWEs it is told to', () => {
    const s = getSplits(suite, 'standard', { unseenCwes: ['CWE-78'] });
    expect(s.unseenCwe.every((t) => t.cwe.includes('CWE-78'))).toBe(true);
    expect(s.train.some((t) => t.cwe.includes('CWE-78'))).toBe(false);
    expect(s.train.some((t) => t.cwe.includes('CWE-134'))).toBe(true);
  });
});

describe('cross-language splits', () => {
  it('train on C/C++ only and evaluate on Python/Go/JavaScript families of the same CWEs', () => {
    expect(cross.train.length).toBeGreaterThan(0);
    expect(cross.eval.length).toBeGreaterThan(0);
    expect(cross.train.every((t) => t.language === 'c' || t.language === 'cpp')).toBe(true);
    expect(cross.eval.every((t) => ['python', 'go', 'javascript'].includes(t.language))).toBe(true);
    const trainCwes = new Set(cross.train.flatMap((t) => t.cwe));
    for (const t of cross.eval)
      expect(
        t.cwe.every((c) => trainCwes.has(c)),
        t.id,
      ).toBe(true);
    expect(cross.cwes.length).toBeGreaterThanOrEqual(8);
    expect(disjoint(ids(cross.train), ids(cross.eval))).toBe(true);
    expect(cross.eval.every((t) => suite.info[t.id]?.side === 'eval')).toBe(true);
    expect(Object.keys(namedSplits(cross))).toEqual(['train', 'eval']);
  });
});

describe('corpus leakage', () => {
  const corpus = buildCorpus({ seed: 3, programs: 1500, neutral: 500 });
  const text = corpus.texts.join('\n');

  it('never contains an eval or unseen-CWE variant: no eval entry point or phrasing appears', () => {
    for (const t of [...std.eval, ...std.unseenCwe, ...cross.eval]) {
      expect(text.includes(`${t.entryPoint}(`), t.id).toBe(false);
      expect(text.includes(docOf(t)), t.id).toBe(false);
    }
  });

  it('contains the scenarios of the unseen-CWE families (pretraining knows their idioms)', () => {
    const unseenFamilies = new Set(std.unseenCwe.map((t) => t.family ?? ''));
    for (const f of unseenFamilies) expect(corpus.stats.perFamily[f]?.insecure ?? 0, f).toBeGreaterThan(0);
  });
});
