import { createServer, type Server } from 'node:net';
import { TspError } from '../spec/errors.ts';

/**
 * Unprivileged uids for sandboxed code. Each TSP process reserves a block of uids of its own for
 * its lifetime: RLIMIT_NPROC counts the processes of a uid across the whole machine, and cleanup
 * and leak checks go by uid, so two processes must never share a block.
 *
 * The reservation is an exclusive lock held by an fd for the process lifetime: a listening Unix
 * socket in the abstract namespace (`\0tsp-uid-block-<first uid>`). Binding a name that another
 * socket holds fails with EADDRINUSE, and the kernel releases the name when the socket closes,
 * which includes the process dying by any signal: no stale lock files, no pid guessing. The
 * search starts at a block derived from the pid and takes the next free one. (Abstract names are
 * per network namespace: TSP processes that share uids must share the host network namespace,
 * which they do unless one runs inside a container with its own.)
 */
export const UID_MIN = 60_000;
const BLOCK = 32;
const BLOCKS = 150;

/** The range of uids TSP may ever use (for leak checks: no process of these uids should outlive a run). */
export const UID_RANGE: readonly [number, number] = [UID_MIN, UID_MIN + BLOCK * BLOCKS - 1];

interface Reservation {
  base: number;
  server: Server;
}

let reservation: Reservation | undefined;
let reserving: Promise<Reservation> | undefined;
const inUse = new Set<number>();

function lockName(base: number): string {
  return `\0tsp-uid-block-${base}`;
}

function tryLock(base: number): Promise<Server | undefined> {
  return new Promise((resolve, reject) => {
    const server = createServer((sock) => sock.destroy());
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') resolve(undefined);
      else reject(e);
    });
    server.listen({ path: lockName(base) }, () => {
      // The lock must not keep the process alive.
      server.unref();
      resolve(server);
    });
  });
}

async function reserve(preferred: number): Promise<Reservation> {
  const start = ((preferred % BLOCKS) + BLOCKS) % BLOCKS;
  for (let i = 0; i < BLOCKS; i++) {
    const base = UID_MIN + ((start + i) % BLOCKS) * BLOCK;
    let server: Server | undefined;
    try {
      server = await tryLock(base);
    } catch (e) {
      throw new TspError('sandbox-failure', `cannot lock a sandbox uid block: ${(e as Error).message}`, {
        hint: 'TSP locks uid blocks with abstract Unix sockets; the host network namespace must allow them',
      });
    }
    if (server) return { base, server };
  }
  throw new TspError('sandbox-failure', `all ${BLOCKS} sandbox uid blocks are taken by other TSP processes`, {
    hint: 'too many TSP processes at once; wait for some to finish',
    retryable: true,
  });
}

/**
 * Reserves this process's uid block (once; later calls return the same block). `preferred` picks
 * the block to try first (default: from the pid); the first free block from there is taken.
 */
export async function reserveUidBlock(
  options: { preferred?: number } = {},
): Promise<readonly [number, number]> {
  if (!reservation) {
    reserving ??= reserve(options.preferred ?? process.pid);
    try {
      reservation = await reserving;
    } finally {
      reserving = undefined;
    }
  }
  return [reservation.base, reservation.base + BLOCK - 1];
}

/** Takes a free uid of this process's block (reserving the block first); give it back with `releaseUid`. */
export async function acquireUid(): Promise<number> {
  const [base] = await reserveUidBlock();
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
  if (!reservation)
    throw new TspError('internal', 'no sandbox uid block reserved yet', {
      hint: 'call reserveUidBlock() (or create an oracle) first',
    });
  return [reservation.base, reservation.base + BLOCK - 1];
}

export function releaseUid(uid: number): void {
  inUse.delete(uid);
}

/**
 * Gives the block back before the process ends (tests; a process that exits releases it anyway).
 * Only when none of its uids is handed out.
 */
export async function releaseUidBlock(): Promise<void> {
  const r = reservation;
  if (!r || inUse.size > 0) return;
  reservation = undefined;
  await new Promise<void>((resolve) => r.server.close(() => resolve()));
}
