/**
 * Atomic file writes: the data goes to a temporary file next to the target (same directory, so
 * the same file system) which is then renamed over it, so a reader or a resumed run never sees a
 * half-written file. The one file-system helper in core: the run directory (store) and the
 * checkpoints (models, training) both need it, and core is the layer both may import.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';

let counter = 0;

/** A temporary name next to `path`, unique within this process (concurrent writes never share it). */
function tempPathFor(path: string): string {
  counter += 1;
  return `${path}.tmp-${process.pid}-${counter}`;
}

/** Writes `data` to `path` atomically (temp file + rename); the temp file is removed on failure. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const tmp = tempPathFor(path);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Writes `data` to `path` atomically (temp file + rename); the temp file is removed on failure. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempPathFor(path);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
