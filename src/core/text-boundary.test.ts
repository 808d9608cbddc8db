import { describe, expect, it } from 'vitest';
import {
  commonLinePrefixLength,
  lineBoundaries,
  lineOfOffset,
  lineStartOffset,
  nextStatementLength,
  normalizeForDedup,
} from './text-boundary.ts';

const prog = 'def f(x):\n    y = x\n    return y\n';

describe('line boundaries', () => {
  it('lists the start and every offset after a newline', () => {
    expect(lineBoundaries(prog)).toEqual([0, 10, 20, 33]);
    expect(lineBoundaries(prog, 10)).toEqual([10, 20, 33]);
    expect(lineBoundaries(prog, 12)).toEqual([12, 20, 33]);
  });
  it('maps lines to offsets and back', () => {
    expect(lineStartOffset(prog, 1)).toBe(0);
    expect(lineStartOffset(prog, 3)).toBe(20);
    expect(lineStartOffset(prog, 99)).toBe(prog.length);
    expect(lineOfOffset(prog, 0)).toBe(1);
    expect(lineOfOffset(prog, 19)).toBe(2);
    expect(lineOfOffset(prog, 20)).toBe(3);
  });
});

describe('commonLinePrefixLength', () => {
  it('cuts back to the start of the first differing line', () => {
    const a = 'a = 1\nb = 2\nc = 3\n';
    const b = 'a = 1\nb = 7\nc = 3\n';
    expect(commonLinePrefixLength(a, b)).toBe(6);
  });
  it('respects the floor and handles equal strings', () => {
    expect(commonLinePrefixLength('xyz', 'xyw', 2)).toBe(2);
    expect(commonLinePrefixLength('same\n', 'same\n')).toBe(5);
  });
  it('a string that is a prefix of the other ends at a line boundary', () => {
    expect(commonLinePrefixLength('a\nb\n', 'a\nb\nc\n')).toBe(4);
  });
});

describe('nextStatementLength', () => {
  it('takes blank lines and the first statement', () => {
    expect(nextStatementLength('\n  x = 1\n  y = 2\n')).toBe('\n  x = 1\n'.length);
  });
  it('keeps a call split over lines together', () => {
    const t = 'cur.execute(\n    "SELECT 1",\n    (a,))\nreturn x\n';
    expect(nextStatementLength(t)).toBe('cur.execute(\n    "SELECT 1",\n    (a,))\n'.length);
  });
  it('does not swallow the rest after a block opener', () => {
    expect(nextStatementLength('if (a) {\n  b();\n}\nc();\n')).toBe('if (a) {\n  b();\n}\n'.length);
  });
});

describe('normalizeForDedup', () => {
  it('ignores trailing spaces and trailing blank lines', () => {
    expect(normalizeForDedup('a  \nb\n\n\n')).toBe(normalizeForDedup('a\nb'));
  });
});
