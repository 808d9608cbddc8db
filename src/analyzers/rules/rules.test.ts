import { beforeAll, describe, expect, it } from 'vitest';
import type { Language } from '../../spec/language.ts';
import { type Analyzer, createAnalyzer } from '../analyzer.ts';
import type { Rule, RuleExample } from '../engine/rule.ts';
import { ALL_RULES } from './index.ts';

/** Table-driven: every rule flags each of its vulnerable examples and none of its safe ones. */

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer();
});

function examplesOf(rule: Rule, kind: 'bad' | 'good'): { code: string; language: Language }[] {
  return rule.examples[kind].map((e: string | RuleExample) =>
    typeof e === 'string'
      ? { code: e, language: rule.languages[0] as Language }
      : { code: e.code, language: e.language ?? (rule.languages[0] as Language) },
  );
}

describe('rule packs', () => {
  it('ids are unique and every rule has a positive and a negative example', () => {
    const ids = ALL_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of ALL_RULES) {
      expect(r.examples.bad.length, r.id).toBeGreaterThan(0);
      expect(r.examples.good.length, r.id).toBeGreaterThan(0);
      expect(r.cwe.length, r.id).toBeGreaterThan(0);
    }
  });

  it('cover at least 40 CWEs, including the required list', () => {
    const cwes = new Set(ALL_RULES.flatMap((r) => r.cwe));
    expect(cwes.size).toBeGreaterThanOrEqual(40);
    const required = [
      20, 22, 78, 79, 89, 94, 95, 113, 117, 119, 120, 787, 125, 131, 134, 190, 209, 215, 252, 259, 798, 295,
      319, 326, 327, 328, 329, 330, 338, 347, 377, 400, 476, 502, 601, 611, 643, 676, 732, 918, 943, 1333,
    ];
    const missing = required.filter((n) => !cwes.has(`CWE-${n}`));
    expect(missing).toEqual([]);
  });

  for (const rule of ALL_RULES) {
    describe(rule.id, () => {
      examplesOf(rule, 'bad').forEach((ex, i) => {
        it(`flags vulnerable example ${i + 1} (${ex.language})`, async () => {
          const findings = await analyzer.analyze(ex.code, ex.language);
          expect(findings.map((f) => f.ruleId)).toContain(rule.id);
        });
      });
      examplesOf(rule, 'good').forEach((ex, i) => {
        it(`does not flag safe example ${i + 1} (${ex.language})`, async () => {
          const findings = await analyzer.analyze(ex.code, ex.language);
          expect(findings.map((f) => f.ruleId)).not.toContain(rule.id);
        });
      });
    });
  }
});
