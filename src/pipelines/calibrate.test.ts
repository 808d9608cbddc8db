import { describe, expect, it } from 'vitest';
import { createPartition, listFamilies } from '../benchmarks/builtin/build-suite.ts';
import type { GenerateRequest, GenerateResult, Policy } from '../spec/policy.ts';
import type { Task } from '../spec/task.ts';
import type { Verdict } from '../spec/verdict.ts';
import { calibrateNamesAndPhrasing, nameKind, probeNameCopying } from './calibrate.ts';

const principleOf = (t: Task): string => listFamilies().find((f) => f.id === t.family)?.principle ?? '';

describe('calibrateNamesAndPhrasing', () => {
  it('samples one prompt per family for each names x phrasing cell and scores each cell on its own', async () => {
    const prompts: string[] = [];
    const policy = {
      name: 'capture',
      generate: async (reqs: GenerateRequest[]): Promise<GenerateResult[]> =>
        reqs.map((r) => {
          prompts.push(r.prompt);
          return {
            generations: Array.from({ length: r.n ?? 1 }, () => ({
              text: '',
              finishReason: 'stop' as const,
              completionTokens: 0,
            })),
            warnings: [],
            promptTokens: 0,
          };
        }),
    } as unknown as Policy;
    const judged: Task[] = [];
    // functional exactly when both names and phrasing are train-side; secure never
    const judgeMany = async (items: readonly { task: Task; code: string }[]) =>
      items.map(({ task }) => {
        judged.push(task);
        const functional = task.id.endsWith('train-names-train-phrasing');
        return {
          functional,
          secure: false,
          securePass: false,
          tests: [],
          findings: [],
          sanitizer: [],
        } as unknown as Verdict;
      });
    const families = ['py-sqli-select', 'c-cmdi-create', 'go-path-read', 'js-xss-render'];
    const rows = await calibrateNamesAndPhrasing({ policy, judgeMany, families, samples: 3 });
    expect(rows.map((r) => `${r.names}/${r.phrasing}`)).toEqual([
      'train/train',
      'train/eval',
      'eval/train',
      'eval/eval',
    ]);
    expect(rows.map((r) => r.metrics.pass1)).toEqual([1, 0, 0, 0]);
    expect(
      rows.every((r) => r.metrics.tasks === families.length && r.metrics.samples === 3 * families.length),
    ).toBe(true);
    expect(rows[0]?.metrics.vulnRate).toBe(1);

    // eval-side prompts use only eval-side record nouns; train-side prompts none
    const evalNoun = (t: Task) => {
      const part = createPartition(7, principleOf(t));
      return [...part.evalNouns].some((n) => new RegExp(`\\b${n}s?\\b`).test(t.prompt));
    };
    const cell = (names: string, phrasing: string) =>
      judged.filter((t) => t.id.endsWith(`${names}-names-${phrasing}-phrasing`));
    const byCell = (names: string, phrasing: string) => cell(names, phrasing).map((t) => t.prompt);
    expect(cell('eval', 'eval').some(evalNoun)).toBe(true);
    expect(cell('train', 'eval').some(evalNoun)).toBe(false);
    // same names side, other phrasing: the prompts differ (another docstring pool)
    expect(byCell('train', 'train')).not.toEqual(byCell('train', 'eval'));
    expect(prompts.length).toBe(4 * families.length);
  });
});

describe('nameKind', () => {
  it('tells record words, other single words and compounds apart', () => {
    expect(nameKind('invoices')).toBe('record word');
    expect(nameKind('city')).toBe('record word');
    expect(nameKind('supplied')).toBe('other word');
    expect(nameKind('num_people')).toBe('compound');
    expect(nameKind('createSatelliteWorkspace')).toBe('compound');
    expect(nameKind('PROPERTY_API_TOKEN')).toBe('compound');
    expect(nameKind('AUDIT')).toBe('other word');
  });
});

describe('probeNameCopying', () => {
  it('scores the first body use of each name the prompt introduces, never a template word', async () => {
    const probed: { prefix: string; continuation: string }[] = [];
    const policy = {
      score: async (reqs: { prefix: string; continuation: string }[]) =>
        reqs.map((r) => {
          probed.push(r);
          // the whole name is likelier when it is a made-up word's (odd but recognisable in the means)
          const p = /^ ?[a-z]+$/.test(r.continuation) ? 0.5 : 0.25;
          return { tokenLogprobs: [Math.log(0.8)], tokenOffsets: [0], total: Math.log(p) };
        }),
    };
    const rows = await probeNameCopying({ policy, families: ['py-sqli-select'], draws: 2 });
    expect(rows.map((r) => r.names)).toEqual(['train', 'eval', 'made-up']);
    for (const r of rows) {
      expect(r.uses).toBeGreaterThanOrEqual(4); // the table and the column, in two draws
      expect(r.firstToken).toBeCloseTo(0.8, 9);
      expect(r.wholeName).toBeGreaterThan(0.24);
      expect(r.wholeName).toBeLessThan(0.51);
      // the table (a noun's plural) and the column (a field) are record words, or made up
      const kinds = Object.entries(r.byKind);
      expect(kinds.reduce((n, [, v]) => n + (v?.uses ?? 0), 0)).toBe(r.uses);
      if (r.names !== 'made-up') expect(r.byKind['record word']?.uses).toBeGreaterThanOrEqual(4);
    }
    const names = probed.map((r) => r.continuation.trim());
    for (const template of ['conn', 'cur', 'execute', 'fetchall', 'return', 'SELECT', 'WHERE'])
      expect(names).not.toContain(template);
    // each probe continues the program exactly where the name starts
    for (const r of probed)
      expect(r.prefix.endsWith('\n') || /[\s(,'"[.]$/.test(r.prefix) || r.continuation.startsWith(' ')).toBe(
        true,
      );
  });
});
