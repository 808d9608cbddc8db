import { describe, expect, it } from 'vitest';
import { LATEST_SUITE_VERSION } from '../../spec/run-config.ts';
import { Task } from '../../spec/task.ts';
import { buildSuite, cwesOf, listFamilies, lookupBuiltinTask, selectFamilies } from './build-suite.ts';
import { getSplits, SOURCE_LANGUAGES } from './splits.ts';

// the latest version: every family (version 1's are a subset, see 'suite versions' below)
const version = LATEST_SUITE_VERSION;
const suite = buildSuite({ version, variantsPerFamily: { train: 3, eval: 2 } });

describe('buildSuite', () => {
  it('has at least 40 families and 16 CWEs in Python, C, Go and JavaScript', () => {
    expect(suite.families.length).toBeGreaterThanOrEqual(40);
    expect(cwesOf(suite.families).length).toBeGreaterThanOrEqual(16);
    const langs = new Set(suite.families.map((f) => f.language));
    for (const l of ['python', 'c', 'go', 'javascript']) expect(langs.has(l as never)).toBe(true);
    expect(new Set(suite.families.map((f) => f.id)).size).toBe(suite.families.length);
  });

  it('has at least 8 CWEs in C/C++ and in two of Python, Go, JavaScript with the same principle', () => {
    const shared = cwesOf(suite.families).filter((cwe) => {
      const fams = suite.families.filter((f) => f.cwe === cwe);
      const native = fams.filter((f) => f.language === 'c' || f.language === 'cpp');
      const others = new Set(fams.filter((f) => !['c', 'cpp'].includes(f.language)).map((f) => f.language));
      const principles = new Set(fams.map((f) => f.principle));
      return native.length > 0 && others.size >= 2 && principles.size === 1;
    });
    expect(shared.length).toBeGreaterThanOrEqual(8);
  });

  it('produces schema-valid tasks with tests, a secure reference and two insecure variants', () => {
    for (const t of suite.tasks) {
      expect(() => Task.parse(t)).not.toThrow();
      expect(t.tests.some((x) => x.kind === 'functional')).toBe(true);
      expect(t.tests.some((x) => x.kind === 'security')).toBe(true);
      expect(t.insecureVariants.length).toBeGreaterThanOrEqual(2);
      expect(t.harness.kind).toBe('inline');
    }
  });

  it('every program starts with the prompt, differs from the others, and stays short', () => {
    for (const t of suite.tasks) {
      const secure = t.secureReference ?? '';
      expect(secure.startsWith(t.prompt)).toBe(true);
      expect(secure.length).toBeLessThan(1500);
      expect(secure.length).toBeGreaterThan(t.prompt.length);
      for (const bad of t.insecureVariants) {
        expect(bad.startsWith(t.prompt)).toBe(true);
        expect(bad).not.toBe(secure);
        expect(bad.length).toBeLessThan(1500);
      }
      expect(new Set(t.insecureVariants).size).toBe(t.insecureVariants.length);
      expect(t.prompt).toContain(t.entryPoint);
    }
  });

  it('harnesses dispatch every declared test', () => {
    for (const t of suite.tasks) {
      if (t.harness.kind !== 'inline') continue;
      const src = t.harness.source;
      for (const test of t.tests) {
        const needle =
          t.language === 'python'
            ? `def test_${test.name}():`
            : t.language === 'javascript'
              ? `${test.name}: async`
              : test.expect
                ? `"{{test:${test.name}}}"`
                : `"${test.name}"`;
        expect(src, `${t.id} ${test.name}`).toContain(needle);
      }
    }
  });

  it('annotates a decision line that is in the secure reference', () => {
    for (const t of suite.tasks) {
      expect(t.riskAnnotations.length, t.id).toBe(1);
      expect(t.secureReference).toContain(t.riskAnnotations[0]?.line);
    }
  });

  it('prompts do not give the answer away', () => {
    const giveaways =
      /parameteri[sz]|escap|sanitiz|secur|vulnerab|inject|permission|0600|0o600|literal_eval|safe_load|secrets\.|shell|bounds? check/i;
    for (const t of suite.tasks) {
      const doc = t.prompt.split('\n').filter((l) => /"""|\/\*|\/\/|\/\*\*/.test(l));
      for (const line of doc) expect(line, t.id).not.toMatch(giveaways);
    }
  });

  it('slot values from the prompt are reused in the body', () => {
    for (const t of suite.tasks) {
      const body = (t.secureReference ?? '').slice(t.prompt.length);
      const sig =
        t.prompt
          .split('\n')
          .filter((l) => l.includes(t.entryPoint))
          .at(-1) ?? '';
      const params = [...sig.slice(sig.indexOf('(')).matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)].map((m) => m[0]);
      if (params.length === 0) continue; // e.g. a token generator takes no argument
      expect(
        params.some((p) => new RegExp(`\\b${p}\\b`).test(body)),
        t.id,
      ).toBe(true);
    }
  });

  it('is deterministic from the seed', () => {
    const again = buildSuite({ version, variantsPerFamily: { train: 3, eval: 2 } });
    expect(again.tasks).toEqual(suite.tasks);
    const other = buildSuite({ version, seed: 2, variantsPerFamily: { train: 3, eval: 2 } });
    expect(other.tasks.map((t) => t.prompt)).not.toEqual(suite.tasks.map((t) => t.prompt));
  });

  it('varies names and phrasings across variants', () => {
    for (const f of suite.families) {
      const prompts = suite.tasks.filter((t) => t.family === f.id).map((t) => t.prompt);
      expect(new Set(prompts).size, f.id).toBe(prompts.length);
    }
  });

  it('looks tasks up by id, also beyond the default variant count', () => {
    const t = suite.tasks[5] as Task;
    expect(lookupBuiltinTask(`builtin/${t.id}`, { version })).toEqual(t);
    // a family of a later version is found in the version that introduced it
    expect(lookupBuiltinTask('cpp-cmdi-create/train-0')).toEqual(
      suite.tasks.find((x) => x.id === 'cpp-cmdi-create/train-0'),
    );
    const far = lookupBuiltinTask('py-sqli-select/train-9');
    expect(far?.id).toBe('py-sqli-select/train-9');
    expect(lookupBuiltinTask('py-sqli-select/nope-1')).toBeUndefined();
    expect(lookupBuiltinTask('no-such-family/train-0')).toBeUndefined();
  });

  it('filters by family and language', () => {
    expect(buildSuite({ languages: ['go'] }).families.every((f) => f.language === 'go')).toBe(true);
    const one = buildSuite({ families: ['c-bof-field'], variantsPerFamily: { train: 2, eval: 1 } });
    expect(one.tasks.map((t) => t.id)).toEqual([
      'c-bof-field/train-0',
      'c-bof-field/train-1',
      'c-bof-field/eval-0',
    ]);
    // listFamilies: every family of every version; version 1 (the default) keeps its 56
    expect(listFamilies().length).toBe(suite.families.length);
    expect(selectFamilies({ version: 1 }).length).toBe(56);
    expect(
      listFamilies()
        .filter((f) => (f.since ?? 1) > 1)
        .every((f) => f.since === 2),
    ).toBe(true);
  });
});

describe('suite versions', () => {
  const v1 = buildSuite({ version: 1, variantsPerFamily: { train: 1, eval: 1 } });

  it('version 1 has no C++ family; version 2 adds at least six, each with since 2', () => {
    expect(v1.families.filter((f) => f.language === 'cpp')).toEqual([]);
    const cpp = suite.families.filter((f) => f.language === 'cpp');
    expect(cpp.length).toBeGreaterThanOrEqual(6);
    for (const f of cpp) expect(f.since, f.id).toBe(2);
    // version 1's families are all in version 2
    const ids = new Set(suite.families.map((f) => f.id));
    expect(v1.families.filter((f) => !ids.has(f.id))).toEqual([]);
  });

  it('every C++ family shares its principle and CWE with a C family and one in Python, Go or JavaScript', () => {
    for (const f of suite.families.filter((x) => x.language === 'cpp')) {
      // the same principle and CWE (a sibling family shares the principle under another CWE)
      const same = suite.families.filter(
        (x) => x.principle === f.principle && x.cwe === f.cwe && x.id !== f.id,
      );
      expect(
        same.some((x) => x.language === 'c'),
        f.id,
      ).toBe(true);
      expect(
        same.some((x) => ['python', 'go', 'javascript'].includes(x.language)),
        f.id,
      ).toBe(true);
    }
  });

  it("the C++ families' train variants are on the cross-language source side", () => {
    expect(SOURCE_LANGUAGES).toContain('cpp');
    const split = getSplits(suite, 'cross-language');
    const cppTrain = new Set(split.train.filter((t) => t.language === 'cpp').map((t) => t.family));
    expect([...cppTrain].sort()).toEqual(
      suite.families
        .filter((f) => f.language === 'cpp')
        .map((f) => f.id)
        .sort(),
    );
  });
});
