import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileNative, compilerArgs, detectNativeLibs } from './compile-native.ts';
import {
  commentPrelude,
  prunePrecompiled,
  systemPrelude,
  withPrecompiledPrelude,
} from './precompiled-prelude.ts';
import { acquireUid, releaseUid } from './uids.ts';

describe('systemPrelude', () => {
  it('takes the leading system includes, blank lines between them, and stops at anything else', () => {
    const code = '#include <string>\n\n#  include <vector>  \n#include "mine.h"\n#include <map>\nint x;\n';
    expect(systemPrelude(code)).toEqual({ headers: ['#include <string>', '#include <vector>'], lines: 3 });
    expect(systemPrelude('// a comment first\n#include <string>\n')).toBeUndefined();
    expect(systemPrelude('int x;\n')).toBeUndefined();
  });

  it('refuses header names that leave the include path or are not plain names', () => {
    expect(systemPrelude('#include <../../etc/passwd>\n')).toBeUndefined();
    expect(systemPrelude('#include </etc/passwd>\n')).toBeUndefined();
    expect(systemPrelude('#include <sys/../../x>\n')).toBeUndefined();
    expect(systemPrelude('#include <string> // why\n')).toBeUndefined();
    expect(systemPrelude('#include <sys/types.h>\n')?.headers).toEqual(['#include <sys/types.h>']);
  });

  it('comments the prelude out without moving later lines; the libraries it names are still found', () => {
    const code = '#include <string>\n#include <sqlite3.h>\nint f();\n';
    const p = systemPrelude(code);
    if (!p) throw new Error('no prelude');
    expect(commentPrelude(code, p)).toBe(
      '// precompiled: #include <string>\n// precompiled: #include <sqlite3.h>\nint f();\n',
    );
    expect(detectNativeLibs(commentPrelude(code, p))).toEqual(['-lsqlite3']);
  });
});

describe('withPrecompiledPrelude', () => {
  it('compiles the same program with the precompiled header, and errors keep their line numbers', async () => {
    const uid = await acquireUid();
    try {
      const good =
        '#include <string>\n#include <vector>\n\nstd::string pick(const std::vector<std::string> &v) { return v.at(0); }\n';
      const bad =
        '#include <string>\n#include <vector>\n\nstd::string pick(int i) {\n  return undefined_name(i);\n}\n';
      for (const [code, ok] of [
        [good, true],
        [bad, false],
      ] as const) {
        const p = await withPrecompiledPrelude(code, compilerArgs('cpp'), uid);
        expect(p.flags).toEqual(['-include', expect.stringMatching(/^\/tsp-pch\/[0-9a-f]+\.h$/)]);
        expect(p.binds).toHaveLength(1);
        const r = await compileNative({
          language: 'cpp',
          files: { 'solution.cpp': p.code },
          sources: ['solution.cpp'],
          flags: [...p.flags, '-c', '-Winvalid-pch', '-H'],
          output: 'solution.o',
          readOnlyBinds: p.binds,
          uid,
        });
        expect(r.ok, r.log).toBe(ok);
        // -H marks a precompiled header that was used with '!'
        expect(r.log).toMatch(/^! \/tsp-pch\/[0-9a-f]+\.h\.gch$/m);
        expect(r.log).not.toMatch(/not used because/);
        if (!ok) expect(r.log).toMatch(/solution\.cpp:5:\d+: error: .undefined_name. was not declared/);
      }
      // no prelude: the sample as written
      expect(await withPrecompiledPrelude('int x;\n', compilerArgs('cpp'), uid)).toEqual({
        flags: [],
        code: 'int x;\n',
        binds: [],
      });
    } finally {
      releaseUid(uid);
    }
  });
});

describe('withPrecompiledPrelude with a trusted source', () => {
  it('precompiles only the prelude the trusted source (the task prompt) has', async () => {
    const uid = await acquireUid();
    try {
      const prompt = '#include <string>\n\nstd::string f();\n';
      const same = await withPrecompiledPrelude(
        '#include <string>\nint x;\n',
        compilerArgs('cpp'),
        uid,
        prompt,
      );
      expect(same.binds).toHaveLength(1);
      const other = '#include <map>\nint x;\n';
      expect(await withPrecompiledPrelude(other, compilerArgs('cpp'), uid, prompt)).toEqual({
        flags: [],
        code: other,
        binds: [],
      });
    } finally {
      releaseUid(uid);
    }
  });
});

describe('prunePrecompiled', () => {
  it('drops the oldest precompiled forms over the limit, never the headers nor the one kept', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tsp-pch-test-'));
    try {
      for (const [name, age] of [
        ['a', 3],
        ['b', 2],
        ['c', 1],
      ] as const) {
        await writeFile(join(dir, `${name}.h`), '#include <string>\n');
        await writeFile(join(dir, `${name}.h.gch`), Buffer.alloc(100));
        const t = Date.now() / 1000 - age * 60;
        await utimes(join(dir, `${name}.h.gch`), t, t);
      }
      const removed = await prunePrecompiled(dir, 200, join(dir, 'a.h.gch'));
      expect(removed.map((p) => p.slice(dir.length + 1))).toEqual(['b.h.gch']);
      expect((await readdir(dir)).sort()).toEqual(['a.h', 'a.h.gch', 'b.h', 'c.h', 'c.h.gch']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
