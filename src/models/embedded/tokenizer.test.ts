import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.ts';
import { Tokenizer, trainTokenizer } from './tokenizer.ts';

const CORPUS = [
  'def add(a, b):\n    return a + b\n',
  'def run(cmd):\n    import subprocess\n    return subprocess.run(cmd, shell=False)\n',
  'int main(void) {\n    char buf[16];\n    return 0;\n}\n',
  'func main() {\n\tfmt.Println("hello")\n}\n',
  'const x = require("fs");\nconsole.log(x.readFileSync("a.txt", "utf8"));\n',
];

describe('trainTokenizer', () => {
  const tok = trainTokenizer([...CORPUS, ...CORPUS], 400);

  it('learns merges, compresses code and round-trips text', () => {
    expect(tok.merges.length).toBeGreaterThan(20);
    expect(tok.vocabSize).toBe(257 + tok.merges.length);
    for (const t of CORPUS) {
      const { ids } = tok.encode(t);
      expect(ids.length).toBeLessThan(new TextEncoder().encode(t).length * 0.5);
      expect(tok.decode(ids)).toBe(t);
    }
  });

  it('round-trips unseen text with unicode, emoji and the literal end-of-text string', () => {
    const s = 'naïve = "héllo 🙂 世界" # <|endoftext|>\r\n\ttabs\u0000';
    const { ids } = tok.encode(s);
    expect(ids).not.toContain(tok.endOfTextId);
    expect(tok.decode(ids)).toBe(s);
  });

  it('gives exact char offsets: each ASCII token is the slice between offsets', () => {
    const s = CORPUS[1] as string;
    const { ids, offsets } = tok.encode(s);
    expect(offsets[0]).toBe(0);
    ids.forEach((id, i) => {
      const end = offsets[i + 1] ?? s.length;
      expect(s.slice(offsets[i], end)).toBe(tok.decode([id]));
    });
  });

  it('maps offsets into multi-byte text to the containing char', () => {
    const s = 'é🙂x';
    const { ids, offsets } = tok.encode(s);
    // untrained pieces stay bytes: é = 2 bytes at char 0, 🙂 = 4 bytes at char 1 (2 UTF-16 units), x at 3
    expect(ids.length).toBeGreaterThanOrEqual(3);
    expect(offsets[0]).toBe(0);
    expect(offsets[offsets.length - 1]).toBe(3);
    expect([...offsets].sort((a, b) => a - b)).toEqual(offsets);
    const dec = tok.decodeWithOffsets(ids);
    expect(dec.text).toBe(s);
    expect(dec.offsets).toEqual(offsets);
  });

  it('decodeWithOffsets agrees with encode offsets and handles invalid byte sequences', () => {
    const s = CORPUS.join('');
    const enc = tok.encode(s);
    expect(tok.decodeWithOffsets(enc.ids).offsets).toEqual(enc.offsets);
    const rng = createRng(7);
    for (let trial = 0; trial < 50; trial++) {
      const ids = Array.from({ length: 12 }, () => rng.int(tok.vocabSize - 1));
      const { text, offsets } = tok.decodeWithOffsets(ids);
      expect(text).toBe(tok.decode(ids));
      for (let i = 1; i < offsets.length; i++)
        expect(offsets[i]).toBeGreaterThanOrEqual(offsets[i - 1] as number);
      expect(offsets[offsets.length - 1]).toBeLessThanOrEqual(text.length);
      // a token whose first byte starts a char: its offset is the length of the text decoded before it
      let at = 0;
      ids.forEach((id, i) => {
        const before = tok.concatBytes(ids).slice(0, at);
        const b0 = tok.bytesOf(id)[0];
        if (b0 !== undefined && b0 < 0x80 && validUtf8(before))
          expect(offsets[i]).toBe(tok.decode(ids.slice(0, i)).length);
        at += tok.bytesOf(id).length;
      });
    }
  });

  it('is deterministic and survives JSON', () => {
    const again = trainTokenizer([...CORPUS, ...CORPUS], 400);
    expect(again.merges).toEqual(tok.merges);
    const copy = Tokenizer.fromJSON(JSON.parse(JSON.stringify(tok.toJSON())));
    expect(copy.encode(CORPUS[2] as string)).toEqual(tok.encode(CORPUS[2] as string));
    expect(() => Tokenizer.fromJSON({ type: 'other' })).toThrow(/byte-bpe/);
  });

  it('stops when no pair repeats', () => {
    const small = trainTokenizer(['ab'], 1000);
    expect(small.merges.length).toBe(0);
  });
});

function validUtf8(b: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}
