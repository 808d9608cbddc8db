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

/** Every event of a log, one per mode the supervisor logged (tests and `tsp doctor` look at them). */
export function readModeEvents(file: string): ModeEvent[] {
  return readFrom(file, 0).events;
}

/** Why file modes could not be judged where no supervisor ran (the tests that watch them fail). */
export const NO_SUPERVISOR =
  'the mode supervisor native/build/tsp-modetrace is not built: run scripts/setup.sh';

/**
 * What a traced sandbox showed about file modes: every inode's modes (`st_dev:st_ino` -> the OR of
 * every group/other-accessible mode it had) and the modes of loosening calls whose file the
 * supervisor could not resolve; or, where no supervisor ran, why.
 */
export type ModeEvidence =
  | { modes: ReadonlyMap<string, number>; unresolved: readonly number[] }
  | { unobservable: string };

/**
 * A supervisor's log, read in steps: one step for a sandbox that ran one batch; for a warm server,
 * one before and one after each request. A watched file is checked against every mode its inode had
 * since the log began, not only during the request: a file that was readable by others before the
 * secret went into it is not secure either (a descriptor opened then reads the secret later), and
 * inode numbers of a tmpfs are not reused. An unresolved loosening counts only in the step that
 * read it: one sample cannot fail another's tests.
 */
export class ModeHistory {
  private offset = 0;
  private readonly modes = new Map<string, number>();

  constructor(readonly file: string) {}

  /** Reads what the supervisor appended since the last step. */
  advance(): ModeEvidence {
    const { events, end } = readFrom(this.file, this.offset);
    this.offset = end;
    const unresolved: number[] = [];
    for (const e of events) {
      if (e.file === 'unresolved') unresolved.push(e.mode);
      else this.modes.set(e.file, (this.modes.get(e.file) ?? 0) | e.mode);
    }
    return { modes: this.modes, unresolved };
  }
}

/**
 * Why watched files fail, from what the supervisor saw: one of them had one of its `clear` bits
 * at some point, a loosening could not be resolved (it cannot be ruled out), or nothing could be
 * observed. Undefined when none (or when nothing is watched).
 */
export function watchedModeProblem(
  watched: readonly WatchedFile[],
  evidence: ModeEvidence,
): string | undefined {
  if (watched.length === 0) return undefined;
  if ('unobservable' in evidence)
    return `file modes during the run cannot be observed (${evidence.unobservable})`;
  const [loosened] = evidence.unresolved;
  if (loosened !== undefined)
    return `a file mode was loosened on a path the supervisor could not resolve (mode ${loosened.toString(8)})`;
  for (const w of watched) {
    const mode = evidence.modes.get(`${w.dev}:${w.ino}`) ?? 0;
    if ((mode & w.clear) !== 0)
      return `the file had mode ${mode.toString(8)} before the harness looked (bits ${w.clear.toString(8)} must never be set; its final mode hides it)`;
  }
  return undefined;
}
