import { describe, expect, it } from 'vitest';
import type { Task } from '../../spec/task.ts';
import { buildSuite } from './build-suite.ts';
import { buildCorpus } from './corpus.ts';
import { DEFAULT_UNSEEN_CWES, getSplits, heldOutCwes, namedSplits, SIBLING_UNSEEN_CWES } from './splits.ts';

// version 1 (one unseen-CWE split); version 2 has its own block below
const suite = buildSuite({ version: 1 });
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

describe('standard splits of suite version 2: siblings and distant CWEs apart', () => {
  const v2 = buildSuite({ version: 2, variantsPerFamily: { train: 2, eval: 2 } });
  const s = getSplits(v2, 'standard');
  const principleOf = new Map(v2.families.map((f) => [f.id, f.principle]));
  const principles = (ts: Task[]) => new Set(ts.map((t) => principleOf.get(t.family ?? '')));

  it('version 1 keeps its one held-out split, unseen-cwe', () => {
    expect(Object.keys(std.unseen)).toEqual(['unseen-cwe']);
    expect(std.unseen['unseen-cwe']).toEqual(std.unseenCwe);
    expect(Object.keys(namedSplits(std))).toEqual(['train', 'eval', 'unseen-cwe']);
    expect(heldOutCwes(1)).toEqual([...DEFAULT_UNSEEN_CWES]);
  });

  it('holds both groups out of train and eval and reports them as two splits', () => {
    expect(Object.keys(namedSplits(s))).toEqual(['train', 'eval', 'unseen-sibling', 'unseen-distant']);
    const sibling = s.unseen['unseen-sibling'] ?? [];
    const distant = s.unseen['unseen-distant'] ?? [];
    expect(new Set(sibling.flatMap((t) => t.cwe))).toEqual(new Set(SIBLING_UNSEEN_CWES));
    expect(new Set(distant.flatMap((t) => t.cwe))).toEqual(new Set(DEFAULT_UNSEEN_CWES));
    expect(s.unseenCwe.length).toBe(sibling.length + distant.length);
    const held = new Set(heldOutCwes(2));
    for (const t of [...s.train, ...s.eval])
      expect(
        t.cwe.some((c) => held.has(c)),
        t.id,
      ).toBe(false);
    expect(sibling.every((t) => v2.info[t.id]?.side === 'eval')).toBe(true);
    expect(new Set(sibling.map((t) => t.language))).toEqual(new Set(['python', 'javascript', 'go', 'c']));
  });

  it('a sibling shares the principle of a trained family; a distant CWE shares none', () => {
    const trained = principles(s.train);
    for (const p of principles(s.unseen['unseen-sibling'] ?? [])) expect(trained.has(p), p).toBe(true);
    for (const p of principles(s.unseen['unseen-distant'] ?? [])) expect(trained.has(p), p).toBe(false);
    // every sibling CWE differs from its trained relatives' CWEs
    const trainCwes = new Set(s.train.flatMap((t) => t.cwe));
    for (const c of SIBLING_UNSEEN_CWES) expect(trainCwes.has(c), c).toBe(false);
  });

  it('keeps the sibling families out of version 1', () => {
    const v1Families = new Set(suite.families.map((f) => f.id));
    for (const t of s.unseen['unseen-sibling'] ?? [])
      expect(v1Families.has(t.family ?? ''), t.id).toBe(false);
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
