import { describe, expect, it } from 'vitest';
import { narrowToChange } from './pairs.ts';

describe('narrowToChange', () => {
  const base = { prefix: 'def f(d):\n', chosenSegmentChars: 0, rejectedSegmentChars: 0 };

  it('moves the shared start of the segments into the prefix, back to the start of the differing word', () => {
    const chosen = '    h = hashlib.sha256()\n    return h\n';
    const rejected = '    h = hashlib.sha1()\n    return h\n';
    const p = narrowToChange({ ...base, chosen, rejected, chosenSegmentChars: 25, rejectedSegmentChars: 23 });
    expect(p.prefix).toBe('def f(d):\n    h = hashlib.');
    expect(p.chosen).toBe('sha256()\n    return h\n');
    expect(p.rejected).toBe('sha1()\n    return h\n');
    // the segments still end where they ended: after the statement
    expect(p.chosen.slice(0, p.chosenSegmentChars)).toBe('sha256()\n');
    expect(p.rejected.slice(0, p.rejectedSegmentChars)).toBe('sha1()\n');
    expect(p.prefix + p.chosen).toBe(base.prefix + chosen);
    expect(p.prefix + p.rejected).toBe(base.prefix + rejected);
  });

  it('stops at punctuation: the changed token after an opening parenthesis', () => {
    const p = narrowToChange({
      ...base,
      chosen: '    cur.execute("SELECT ?", (n,))\n',
      rejected: '    cur.execute(f"SELECT {n}")\n',
      chosenSegmentChars: 34,
      rejectedSegmentChars: 31,
    });
    expect(p.prefix.endsWith('cur.execute(')).toBe(true);
    expect(p.rejected.startsWith('f"SELECT')).toBe(true);
  });

  it('leaves a pair alone when the sides differ at once or one contains the other', () => {
    const a = {
      ...base,
      chosen: 'x = 1\n',
      rejected: 'y = 1\n',
      chosenSegmentChars: 6,
      rejectedSegmentChars: 6,
    };
    expect(narrowToChange(a)).toBe(a);
    const b = {
      ...base,
      chosen: 'x = 1\n',
      rejected: 'x = 1\nmore\n',
      chosenSegmentChars: 6,
      rejectedSegmentChars: 6,
    };
    expect(narrowToChange(b)).toBe(b);
  });

  it('when the change lies past the segment, the segment becomes the statement where it is', () => {
    const p = narrowToChange({
      ...base,
      chosen: '    a = 1\n    b = safe(a)\n',
      rejected: '    a = 1\n    b = unsafe(a)\n',
      chosenSegmentChars: 10,
      rejectedSegmentChars: 10,
    });
    expect(p.chosen.slice(0, p.chosenSegmentChars)).toBe('safe(a)\n');
    expect(p.rejected.slice(0, p.rejectedSegmentChars)).toBe('unsafe(a)\n');
  });
});
