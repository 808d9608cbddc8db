import { describe, expect, it } from 'vitest';
import { getPreset } from '../../pipelines/presets.ts';
import { applyOverrides, repeatedFlag } from './run.ts';

describe('tsp run overrides', () => {
  it('collects every --set in order, in both spellings', () => {
    const raw = ['--seeds', '1', '--set', 'training.beta=0.5', '--set=tree.rootSamples=2', '--quiet'];
    expect(repeatedFlag(raw, 'set')).toEqual(['training.beta=0.5', 'tree.rootSamples=2']);
    expect(() => repeatedFlag(['--set'], 'set')).toThrow(/needs a value/);
  });

  it('applies the named flags, then the --set assignments (a later one wins)', () => {
    const c = applyOverrides(getPreset('smoke'), { seeds: '4,5', rounds: '3' }, [
      'training.rounds=2',
      'training.preferenceEpochs=1',
      'training.preferenceEpochs=2',
    ]);
    expect(c.seeds).toEqual([4, 5]);
    expect(c.training.rounds).toBe(2);
    // the preset's own value is 3: 2 can only come from the last --set
    expect(getPreset('smoke').training.preferenceEpochs).toBe(3);
    expect(c.training.preferenceEpochs).toBe(2);
  });
});
