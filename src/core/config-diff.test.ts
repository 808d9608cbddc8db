import { describe, expect, it } from 'vitest';
import { diffSettings } from './config-diff.ts';

describe('diffSettings', () => {
  it('names each differing setting by its dotted path with both values', () => {
    expect(
      diffSettings(
        { model: 'a', modelPath: null, tree: { sampling: { maxTokens: 192, stop: ['x'] } } },
        { model: 'a', modelPath: '/w', tree: { sampling: { maxTokens: 1024, stop: ['x'] } }, extra: 1 },
      ),
    ).toEqual(['extra: (unset) -> 1', 'modelPath: null -> "/w"', 'tree.sampling.maxTokens: 192 -> 1024']);
  });
  it('is empty for equal values', () => {
    expect(diffSettings({ a: [1, 2], b: { c: 'x' } }, { b: { c: 'x' }, a: [1, 2] })).toEqual([]);
  });
});
