/**
 * Precompiled headers for a C++ sample's own system includes. Most judged C++ samples do not
 * compile, and a failing compile spends nearly all its time parsing the standard headers its first
 * lines include (`<filesystem>`, `<fstream>`, ... : ~350 ms of ~400). The leading `#include <...>`
 * lines of a sample are commented out and a header holding exactly those lines is included first
 * (`-include`), its GCC precompiled form (`.gch`) beside it; GCC uses the `.gch` when it is valid for the
 * compile's flags and otherwise reads the header's text, so the program means the same either way.
 *
 * What the sample controls is only *which* system headers, in which order: nothing of its text
 * enters a precompiled file except `<name>` of a header that already exists, and each `.gch` is
 * built once, in the sandbox, from those lines alone, then kept in a host folder bound read-only at
 * {@link PCH_MOUNT}. The sample's line numbers do not move (the lines are commented out, not
 * removed), and what reads the text for its includes (the libraries a build links) still sees them.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runSandboxed } from './run-sandboxed.ts';
import { createWorkDir, removeWorkDir, sandboxRoot } from './work-dir.ts';

/** Where the precompiled headers are bound in the sandbox (read-only). */
export const PCH_MOUNT = '/tsp-pch';

/** A system header name as it may appear in `#include <...>` (no `..`, no spaces, no quotes). */
const INCLUDE_LINE = /^[ \t]*#[ \t]*include[ \t]*<([A-Za-z0-9_+][A-Za-z0-9_+./-]*)>[ \t]*$/;

export interface SystemPrelude {
  /** The include lines, normalized (`#include <name>`), in order. */
  headers: string[];
  /** How many leading lines of the source they (and blank lines between them) take. */
  lines: number;
}

/** The leading run of `#include <...>` lines of a source (blank lines allowed between), if any. */
export function systemPrelude(code: string): SystemPrelude | undefined {
  const lines = code.split('\n');
  const headers: string[] = [];
  let taken = 0;
  for (const [i, line] of lines.entries()) {
    const m = INCLUDE_LINE.exec(line.replace(/\r$/, ''));
    if (m) {
      const name = m[1] as string;
      if (name.split('/').includes('..')) break;
      headers.push(`#include <${name}>`);
      taken = i + 1;
    } else if (line.trim() !== '') break;
  }
  return headers.length ? { headers, lines: taken } : undefined;
}

/**
 * The source with its prelude's lines commented out: every later line keeps its number, and the
 * includes stay readable to what picks libraries from the text (`detectNativeLibs`). A prelude line
 * never ends in a backslash (`INCLUDE_LINE`), so the comment cannot swallow the next line.
 */
export function commentPrelude(code: string, prelude: SystemPrelude): string {
  const lines = code.split('\n');
  return [
    ...lines.slice(0, prelude.lines).map((l) => (l.trim() === '' ? l : `// precompiled: ${l}`)),
    ...lines.slice(prelude.lines),
  ].join('\n');
}

/**
 * A C++ sample with its system prelude precompiled: `flags` that include the precompiled header
 * (`-include`, before anything of the file), the sample with the prelude's lines commented out, and the
 * read-only bind the compile needs. The sample as written (no flags, no bind) when it has no
 * prelude, another prelude than `trusted`'s, or the header cannot be built. `compiler` must be the
 * unit's whole compile command before its inputs, `-D` flags included (GCC ignores a `.gch` built
 * under other macros, and then reads the header's text: the same program, only slower).
 */
export async function withPrecompiledPrelude(
  code: string,
  compiler: readonly string[],
  uid: number,
  /**
   * Precompile only a prelude equal to this trusted source's (the task's prompt): the cache then
   * holds one header per task, whatever includes the samples write.
   */
  trusted?: string,
): Promise<{ flags: string[]; code: string; binds: string[] }> {
  const prelude = systemPrelude(code);
  const allowed =
    prelude !== undefined &&
    (trusted === undefined || systemPrelude(trusted)?.headers.join('\n') === prelude.headers.join('\n'));
  const header = prelude && allowed ? await precompiledPrelude(prelude, compiler, uid) : undefined;
  if (!prelude || !header) return { flags: [], code, binds: [] };
  return {
    flags: ['-include', header],
    code: commentPrelude(code, prelude),
    binds: [`${pchCacheDir()}:${PCH_MOUNT}`],
  };
}

/** Host folder of the precompiled headers (created on first use). */
export function pchCacheDir(): string {
  return join(sandboxRoot(), 'pch');
}

const versions = new Map<string, Promise<string>>();
function compilerVersion(compiler: string): Promise<string> {
  let v = versions.get(compiler);
  if (!v) {
    v = promisify(execFile)(compiler, ['-dumpfullversion', '-dumpversion'], { env: {} }).then(
      (r) => r.stdout.trim(),
      () => 'unknown',
    );
    versions.set(compiler, v);
  }
  return v;
}

const building = new Map<string, Promise<string | undefined>>();

/**
 * The sandbox path of a header holding `prelude`'s lines whose precompiled form for `compiler`
 * (the compile's argv up to its inputs) is ready; builds it on first use. Undefined when it cannot
 * be built (the caller compiles the sample as written).
 */
async function precompiledPrelude(
  prelude: SystemPrelude,
  compiler: readonly string[],
  uid: number,
): Promise<string | undefined> {
  const version = await compilerVersion(compiler[0] as string);
  const text = `${prelude.headers.join('\n')}\n`;
  const key = createHash('sha256')
    .update(JSON.stringify({ version, compiler, text }))
    .digest('hex')
    .slice(0, 24);
  let ready = building.get(key);
  if (!ready) {
    ready = buildOnce(key, text, compiler, uid);
    building.set(key, ready);
  }
  return ready;
}

async function buildOnce(
  key: string,
  text: string,
  compiler: readonly string[],
  uid: number,
): Promise<string | undefined> {
  const dir = pchCacheDir();
  const header = join(dir, `${key}.h`);
  const gch = `${header}.gch`;
  const inSandbox = `${PCH_MOUNT}/${key}.h`;
  if (await exists(gch)) return inSandbox;
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const work = await createWorkDir(uid);
  try {
    const r = await runSandboxed({
      files: { 'prelude.h': text },
      argv: [...compiler, '-x', 'c++-header', 'prelude.h', '-o', 'prelude.h.gch'],
      workDir: work,
      uid,
      timeoutMs: 60_000,
      memoryMb: 0,
      memoryMode: 'none',
      maxOutputBytes: 64 * 1024,
      maxFileBytes: 512 * 1024 * 1024,
      maxProcs: 64,
      network: false,
    });
    if (r.exitCode !== 0 || r.timedOut) return undefined;
    // header first, then the .gch under a temporary name renamed into place: a reader sees either
    // no .gch (and compiles the text) or a whole one
    // (each written under a temporary name and renamed: another process may be building it too)
    const tmp = `.${process.pid}.tmp`;
    await writeFile(header + tmp, text, { mode: 0o644 });
    await rename(header + tmp, header);
    await copyFile(join(work, 'prelude.h.gch'), gch + tmp);
    await chmod(gch + tmp, 0o644);
    await rename(gch + tmp, gch);
    await prunePrecompiled(dir, PCH_CACHE_BYTES, gch);
    return inSandbox;
  } catch {
    return undefined;
  } finally {
    await removeWorkDir(work);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The precompiled headers kept at most (bytes of `.gch` files; one is 20-50 MB). */
const PCH_CACHE_BYTES = 1024 * 1024 * 1024;

/**
 * Deletes the least recently built `.gch` files of `dir` until they fit in `limit` bytes, never
 * `keep`. Only the precompiled forms go: each header's text stays, so a compile that names one
 * still reads the same lines (slower, the same program).
 */
export async function prunePrecompiled(dir: string, limit: number, keep?: string): Promise<string[]> {
  const entries = await Promise.all(
    (await readdir(dir))
      .filter((n) => n.endsWith('.h.gch'))
      .map(async (n) => {
        const path = join(dir, n);
        const st = await stat(path).catch(() => undefined);
        return st ? { path, size: st.size, mtime: st.mtimeMs } : undefined;
      }),
  );
  const files = entries.filter((e) => e !== undefined).sort((a, b) => a.mtime - b.mtime);
  let total = files.reduce((n, f) => n + f.size, 0);
  const removed: string[] = [];
  for (const f of files) {
    if (total <= limit) break;
    if (f.path === keep) continue;
    await unlink(f.path).catch(() => {});
    total -= f.size;
    removed.push(f.path);
  }
  return removed;
}
