import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendJsonl, readJsonl } from './jsonl.ts';
import { contentKey, KeyedCache } from './keyed-cache.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'tsp-jsonl-'));

describe('jsonl', () => {
  it('round-trips records and skips a torn last line', () => {
    const p = join(dir(), 'a.jsonl');
    appendJsonl(p, [{ a: 1 }, { a: 2 }]);
    appendFileSync(p, '{"a": 3, "b"'); // killed mid-write
    expect(readJsonl(p)).toEqual([{ a: 1 }, { a: 2 }]);
    appendJsonl(p, [{ a: 4 }]); // starts on a fresh line
    expect(readJsonl(p)).toEqual([{ a: 1 }, { a: 2 }, { a: 4 }]);
  });
  it('refuses corruption in the middle', () => {
    const p = join(dir(), 'b.jsonl');
    writeFileSync(p, '{"a":1}\nnot json\n{"a":2}\n');
    expect(() => readJsonl(p)).toThrow(/b.jsonl:2/);
  });
});

describe('KeyedCache', () => {
  it('persists values and reloads them', () => {
    const p = join(dir(), 'c.jsonl');
    const c = new KeyedCache<number>(p);
    c.set('x', 1);
    c.setMany([
      ['y', 2],
      ['x', 9],
    ]);
    const d = new KeyedCache<number>(p);
    expect(d.get('x')).toBe(1);
    expect(d.get('y')).toBe(2);
    expect(d.size).toBe(2);
  });
  it('keys ignore object key order but not values', () => {
    expect(contentKey({ a: 1, b: [1, 2] })).toBe(contentKey({ b: [1, 2], a: 1 }));
    expect(contentKey({ a: 1 })).not.toBe(contentKey({ a: 2 }));
  });
});
