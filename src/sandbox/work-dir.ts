import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
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

/**
 * A fresh host folder for canaries (bound read-only at SANDBOX_CANARY_ROOT, see bwrap.ts), holding
 * an empty folder per name, on which the sandbox mounts the canaries' tmpfs. Owned by this (root)
 * process, mode 0711: inside, where root is not mapped, it is another user's folder that cannot be
 * listed; nothing is ever written to it. Synchronous: the warm servers make theirs while building
 * their command line.
 */
export function createCanaryRoot(names: readonly string[]): string {
  const root = sandboxRoot();
  mkdirSync(root, { recursive: true, mode: 0o711 });
  chmodSync(root, 0o711);
  removeOrphanCanaryRoots(root);
  const dir = mkdtempSync(join(root, `c-${process.pid}-`));
  chmodSync(dir, 0o711);
  for (const name of names) mkdirSync(join(dir, name), { mode: 0o755 });
  return dir;
}

/** Canary roots of TSP processes that are gone (killed before they could remove theirs). */
function removeOrphanCanaryRoots(root: string): void {
  for (const name of readdirSync(root)) {
    const pid = Number(/^c-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH')
        rmSync(join(root, name), { recursive: true, force: true });
    }
  }
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
