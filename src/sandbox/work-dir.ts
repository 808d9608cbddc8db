import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { TspError } from '../spec/errors.ts';

/** Parent of every host-side work directory TSP creates for sandboxes. */
export function sandboxRoot(): string {
  return join(tmpdir(), 'tsp-sandbox');
}

/** Creates a fresh host directory owned by `uid` (mode 0700), to be bound at /work. */
export async function createWorkDir(uid: number): Promise<string> {
  const root = sandboxRoot();
  await mkdir(root, { recursive: true, mode: 0o711 });
  await chmod(root, 0o711);
  const dir = await mkdtemp(join(root, 'w-'));
  await chown(dir, uid, uid);
  await chmod(dir, 0o700);
  return dir;
}

function checkRelative(name: string): string {
  const n = normalize(name);
  if (!name || isAbsolute(name) || n.startsWith('..') || n.split('/').includes('..'))
    throw new TspError('invalid-input', `sandbox file name must be relative and stay inside: ${name}`);
  return n;
}

/** Writes files (relative paths, sub-folders allowed) into a work dir, owned by `uid`. */
export async function writeWorkFiles(
  dir: string,
  uid: number,
  files: Record<string, string | Buffer>,
  mode = 0o644,
): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    const rel = checkRelative(name);
    const path = join(dir, rel);
    const parent = dirname(path);
    if (parent !== dir) {
      await mkdir(parent, { recursive: true });
      let p = parent;
      while (p.length > dir.length) {
        await chown(p, uid, uid);
        p = dirname(p);
      }
    }
    await writeFile(path, content, { mode });
    await chown(path, uid, uid);
  }
}

/** Removes a work dir whatever the sandboxed code did to its permissions. */
export async function removeWorkDir(dir: string): Promise<void> {
  if (!dir.startsWith(`${sandboxRoot()}/`)) return;
  await rm(dir, { recursive: true, force: true, maxRetries: 2 });
}
