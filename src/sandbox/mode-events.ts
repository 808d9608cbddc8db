import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
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

export function removeModeLog(file: string): void {
  rmSync(file, { force: true });
}

/** The most of a log read at once (~700,000 events); more also counts as unresolved. */
const MAX_READ_BYTES = 32 << 20;

/**
 * The complete lines of the log from byte `from` on, as events, and where they end. More than
 * MAX_READ_BYTES (a sample creating loose files by the hundred thousand) adds an unresolved
 * event: what was not read cannot be ruled out.
 */
function readFrom(file: string, from: number): { events: ModeEvent[]; end: number } {
  const fd = openSync(file, 'r');
  let buf: Buffer;
  let overflow = false;
  try {
    const avail = fstatSync(fd).size - from;
    overflow = avail > MAX_READ_BYTES;
    const size = Math.max(0, Math.min(avail, MAX_READ_BYTES));
    buf = Buffer.alloc(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, buf, got, size - got, from + got);
      if (n <= 0) break;
      got += n;
    }
    buf = buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
  const whole = buf.lastIndexOf(0x0a) + 1;
  const events: ModeEvent[] = [];
  for (const line of buf.subarray(0, whole).toString('latin1').split('\n')) {
    const [ino, dev, mode] = line.split(' ');
    if (ino === undefined || dev === undefined || mode === undefined) continue;
    events.push({ file: ino === '0' ? 'unresolved' : `${dev}:${ino}`, mode: Number.parseInt(mode, 8) });
  }
  if (overflow) events.push({ file: 'unresolved', mode: 0o077 });
  return { events, end: from + whole };
}

/** Every event of a log (a sandbox that ran one batch). */
export function readModeEvents(file: string): ModeEvent[] {
  return readFrom(file, 0).events;
}

/**
 * A warm server's log, read request by request. A watched file is checked against every mode its
 * inode had since the server's sandbox started, not only during the request: a file that was
 * readable by others before the secret went into it is not secure either (a descriptor opened then
 * reads the secret later), and inode numbers of a tmpfs are not reused. An unresolved loosening
 * counts only in the request during which it happened: one sample cannot fail another's tests.
 */
export class ModeHistory {
  private offset = 0;
  private readonly loose = new Map<string, number>();

  constructor(readonly file: string) {}

  /**
   * Reads what the supervisor appended since the last call: returns every inode's modes so far
   * and the unresolved events among the new ones (call it before a request to close the
   * previous one, and after it for that request's evidence).
   */
  advance(): ModeEvent[] {
    const { events, end } = readFrom(this.file, this.offset);
    this.offset = end;
    const unresolved: ModeEvent[] = [];
    for (const e of events) {
      if (e.file === 'unresolved') unresolved.push(e);
      else this.loose.set(e.file, (this.loose.get(e.file) ?? 0) | e.mode);
    }
    return [...[...this.loose].map(([file, mode]) => ({ file, mode })), ...unresolved];
  }
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
        return `the file had mode ${e.mode.toString(8)} before the harness looked (bits ${w.clear.toString(8)} must never be set; its final mode hides it)`;
    }
  }
  return undefined;
}
