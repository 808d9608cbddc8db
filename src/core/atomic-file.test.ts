import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicSync } from './atomic-file.ts';

const root = mkdtempSync(join(tmpdir(), 'tsp-atomic-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => {
  const d = join(root, String(n++));
  mkdirSync(d);
  return d;
};

describe.each([
  ['sync', async (p: string, d: string | Uint8Array) => writeFileAtomicSync(p, d)],
  ['async', writeFileAtomic],
] as const)('writeFileAtomic (%s)', (_, write) => {
  it('writes text and bytes, replaces an existing file, and leaves no temporary file', async () => {
    const dir = freshDir();
    const path = join(dir, 'a.json');
    writeFileSync(path, 'old contents that are longer than the new ones');
    await write(path, '{"x":1}\n');
    expect(readFileSync(path, 'utf8')).toBe('{"x":1}\n');
    await write(join(dir, 'b.bin'), new Uint8Array([0, 255, 7]));
    expect([...readFileSync(join(dir, 'b.bin'))]).toEqual([0, 255, 7]);
    expect(readdirSync(dir).sort()).toEqual(['a.json', 'b.bin']);
  });

  it('fails like the file system does and removes its temporary file', async () => {
    const dir = freshDir();
    // The target is a directory: the temp file is written, the rename fails.
    mkdirSync(join(dir, 'taken'));
    await expect(write(join(dir, 'taken'), 'x')).rejects.toThrow(/EISDIR|ENOTEMPTY|EEXIST|EPERM/);
    expect(readdirSync(dir)).toEqual(['taken']);
    await expect(write(join(dir, 'missing', 'a.txt'), 'x')).rejects.toThrow(/ENOENT/);
  });
});

describe('writeFileAtomic (concurrent)', () => {
  it('lets writes of the same file overlap: each completes and the file holds one whole version', async () => {
    const dir = freshDir();
    const path = join(dir, 'state.json');
    const versions = Array.from({ length: 8 }, (_, i) => `${String(i).repeat(50_000)}\n`);
    await Promise.all(versions.map((v) => writeFileAtomic(path, v)));
    expect(versions).toContain(readFileSync(path, 'utf8'));
    expect(readdirSync(dir)).toEqual(['state.json']);
  });
});
