import { describe, expect, it } from 'vitest';
import { builtinData } from './builtin-experiment.ts';
import { getPreset } from './presets.ts';

describe('builtinData', () => {
  it('evaluates held-out variants of the trained families only, every variant of each', () => {
    const config = getPreset('default');
    config.suite = {
      ...config.suite,
      trainVariants: 2,
      evalVariants: 2,
      maxTrainTasks: 10,
      maxEvalTasks: 100,
    };
    const { standard } = builtinData(config);
    const trained = new Set(standard.train.map((t) => t.family));
    expect(trained.size).toBe(10);
    const evalFamilies = standard.eval.map((t) => t.family);
    expect(new Set(evalFamilies)).toEqual(trained);
    expect(standard.eval.length).toBe(20);
    // the held-out variants are not the trained ones
    const trainIds = new Set(standard.train.map((t) => t.id));
    expect(standard.eval.filter((t) => trainIds.has(t.id))).toEqual([]);
  });
});
