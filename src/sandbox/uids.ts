/**
 * Unprivileged uids for sandboxed code. Each process of TSP takes a block of uids derived from its
 * pid, so that two TSP processes running at once (e.g. parallel test files) rarely share a uid:
 * RLIMIT_NPROC counts the processes of a uid across the whole machine.
 */
export const UID_MIN = 60_000;
const BLOCK = 32;
const BLOCKS = 150;

const base = UID_MIN + (process.pid % BLOCKS) * BLOCK;
const inUse = new Set<number>();

/** The range of uids TSP may ever use (for leak checks: no process of these uids should outlive a run). */
export const UID_RANGE: readonly [number, number] = [UID_MIN, UID_MIN + BLOCK * BLOCKS - 1];

/** Takes a free uid of this process's block; give it back with `releaseUid`. */
export function acquireUid(): number {
  for (let i = 0; i < BLOCK; i++) {
    const uid = base + i;
    if (!inUse.has(uid)) {
      inUse.add(uid);
      return uid;
    }
  }
  // More concurrent sandboxes than the block holds: share uids (limits still bite, just jointly).
  return base + Math.floor(Math.random() * BLOCK);
}

/** The uids this process may hand out (for leak checks of this process's sandboxes). */
export function ownUidBlock(): readonly [number, number] {
  return [base, base + BLOCK - 1];
}

export function releaseUid(uid: number): void {
  inUse.delete(uid);
}
