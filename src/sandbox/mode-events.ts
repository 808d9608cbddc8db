import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { sandboxRoot } from './work-dir.ts';

/**
 * File modes seen by the mode supervisor (native/tsp-modetrace.c): one event per mode with a group
 * or other bit that a process of a traced sandbox gave a regular file, at the moment it gave it
 * (a file made world-readable and chmod-ed to 0600 before the harness looks leaves its 0644 here).
 * The log lives on the host, outside every sandbox; nothing sandboxed can read or write it.
 */
export interface ModeEvent {
  /** `st_dev:st_ino` of the file; `unresolved` when the supervisor could not find the file a path named. */
  file: string;
  mode: number;
}

/** A file a harness asked to watch: its identity when it looked, and the mode bits that must never be set. */
export interface WatchedFile {
  dev: string;
  ino: string;
  clear: number;
}

/** A fresh, empty log file for one traced sandbox. */
export function createModeLog(): string {
  const dir = join(sandboxRoot(), 'modes');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${randomBytes(8).toString('hex')}.log`);
  writeFileSync(file, '', { mode: 0o600 });
  return file;
}

/** Empties the log (the supervisor appends: it goes on writing at the new end). */
export function resetModeLog(file: string): void {
  truncateSync(file, 0);
}

export function removeModeLog(file: string): void {
  rmSync(file, { force: true });
}

/** The most of a log that is read (~700,000 events); a longer one also counts as unresolved. */
const MAX_LOG_BYTES = 32 << 20;

/**
 * The events in the log, from the start (after `resetModeLog`). A log longer than MAX_LOG_BYTES
 * (a sample creating loose files by the hundred thousand) adds an unresolved event: what was not
 * read cannot be ruled out.
 */
export function readModeEvents(file: string): ModeEvent[] {
  const fd = openSync(file, 'r');
  let text: string;
  let overflow = false;
  try {
    const full = fstatSync(fd).size;
    overflow = full > MAX_LOG_BYTES;
    const size = Math.min(full, MAX_LOG_BYTES);
    const buf = Buffer.alloc(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, buf, got, size - got, got);
      if (n <= 0) break;
      got += n;
    }
    text = buf.subarray(0, got).toString('latin1');
  } finally {
    closeSync(fd);
  }
  const events: ModeEvent[] = [];
  for (const line of text.split('\n')) {
    const [ino, dev, mode] = line.split(' ');
    if (ino === undefined || dev === undefined || mode === undefined) continue;
    events.push({ file: ino === '0' ? 'unresolved' : `${dev}:${ino}`, mode: Number.parseInt(mode, 8) });
  }
  if (overflow) events.push({ file: 'unresolved', mode: 0o077 });
  return events;
}

/**
 * Why a watched file fails, from the modes it had while the sandbox ran: the first event on it with
 * one of its `clear` bits, or any unresolved one (a loosening call whose file the supervisor could
 * not find: it cannot be ruled out). Undefined when none.
 */
export function watchedModeProblem(
  watched: readonly WatchedFile[],
  events: readonly ModeEvent[],
): string | undefined {
  for (const w of watched) {
    const id = `${w.dev}:${w.ino}`;
    for (const e of events) {
      if (e.file === 'unresolved')
        return `a file mode was loosened on a path the supervisor could not resolve (mode ${e.mode.toString(8)})`;
      if (e.file === id && (e.mode & w.clear) !== 0)
        return `the file had mode ${e.mode.toString(8)} while the sample ran (bits ${w.clear.toString(8)} must never be set; its final mode hides it)`;
    }
  }
  return undefined;
}
