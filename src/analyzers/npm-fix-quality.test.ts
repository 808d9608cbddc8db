import { describe, expect, it } from 'vitest';
import { changedLines, cutFilePair, type NpmFixEntry } from './npm-fix-quality.ts';

const entry: NpmFixEntry = {
  package: 'example',
  vulnerable: '1.0.0',
  fixed: '1.0.1',
  files: ['index.js'],
  cwe: 'CWE-1321',
  reason: 'test',
};

const before = `'use strict';
function untouched(a) {
  return a + 1;
}
module.exports = function merge(target, src) {
  Object.keys(src).forEach(function (key) {
    target[key] = src[key];
  });
  return target;
};
`;
const after = `'use strict';
function untouched(a) {
    return a + 1;
}
module.exports = function merge(target, src) {
  Object.keys(src).forEach(function (key) {
    if (key === '__proto__') return;
    target[key] = src[key];
  });
  return target;
};
function isValidKey(key) {
  return key !== '__proto__';
}
`;

describe('npm fix pairs', () => {
  it('diffs lines ignoring whitespace, marking the insertion point on the before side', () => {
    const d = changedLines(before, after);
    expect([...d.after].sort((x, y) => x - y)).toEqual([6, 11, 12, 13]);
    expect(d.before.has(6)).toBe(true);
    expect(d.before.has(2)).toBe(false);
  });

  it('cuts the named function around a change (not a re-indented one, not an added helper)', async () => {
    const { pairs, notes } = await cutFilePair(entry, 'index.js', before, after);
    expect(notes).toEqual([]);
    expect(pairs.map((p) => p.name)).toEqual(['merge']);
    const [p] = pairs;
    expect(p?.before).toContain('target[key] = src[key]');
    expect(p?.before).not.toContain('__proto__');
    expect(p?.after).toContain("key === '__proto__'");
    expect(p?.id).toBe('example@1.0.0:index.js#merge');
  });

  it('keeps only the listed functions and reports a file that does not differ', async () => {
    const only = await cutFilePair({ ...entry, functions: ['other'] }, 'index.js', before, after);
    expect(only.pairs).toEqual([]);
    const same = await cutFilePair(entry, 'index.js', before, before);
    expect(same.notes[0]).toMatch(/does not differ/);
  });
});
