import { describe, expect, it } from 'vitest';
import { repeatedFlag, samplingSettingsFrom, unescapeFlag } from './args.ts';

describe('command-line values', () => {
  it('collects every value of a repeated flag, in both spellings', () => {
    const raw = ['--set', 'a=1', '--stop=x', '--set=b=2', '--stop', '\\n\\n', '--k', '1'];
    expect(repeatedFlag(raw, 'set')).toEqual(['a=1', 'b=2']);
    expect(repeatedFlag(raw, 'stop').map(unescapeFlag)).toEqual(['x', '\n\n']);
  });

  it('reads the sampling flags, leaving absent ones unset, and refuses bad numbers', () => {
    const raw = ['--max-tokens', '900', '--stop', '```', '--set', 'tree.maxDepth=3'];
    expect(samplingSettingsFrom({ 'max-tokens': '900', 'top-p': '0.9' }, raw)).toEqual({
      maxTokens: 900,
      topP: 0.9,
      stop: ['```'],
      set: ['tree.maxDepth=3'],
    });
    expect(() => samplingSettingsFrom({ temperature: 'hot' }, [])).toThrow(/--temperature/);
    expect(() => samplingSettingsFrom({ samples: '0' }, [])).toThrow(/--samples/);
  });
});
