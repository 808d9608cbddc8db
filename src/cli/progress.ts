/**
 * Progress display for long CLI phases, driven by the library's `onProgress({ phase, done, total })`
 * callbacks. On a TTY: one bar redrawn in place with counts, rate and ETA. Otherwise (CI logs,
 * pipes): one line when a phase reaches each percentage step (none during its first seconds, so a
 * fast phase prints only its final line), so logs stay short. Writes to
 * stderr by default, so `--json` output on stdout stays clean. Dependency-free.
 */

export interface ProgressEvent {
  phase: string;
  done: number;
  total: number;
}

/** The part of a stream the renderer uses (process.stderr fits). */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  stream?: ProgressStream;
  /** Force TTY (bar) or line mode; default: the stream's isTTY. */
  tty?: boolean;
  /** Milliseconds clock, for tests. */
  now?: () => number;
  /** Minimum time between two redraws of the bar. Default 100 ms. */
  redrawMs?: number;
  /** Line mode prints when a phase crosses a multiple of this percentage. Default 25. */
  stepPercent?: number;
  /**
   * Line mode stays silent for the first this-many milliseconds of a phase except for its final
   * line, so fast phases print one line. Default 2000.
   */
  quietMs?: number;
  /** Nothing is printed when false (e.g. `--quiet`). Default true. */
  enabled?: boolean;
}

export interface ProgressRenderer {
  /** Feed one progress event (pass this as `onProgress`). */
  update(event: ProgressEvent): void;
  /** Print a line without breaking the bar. */
  log(line: string): void;
  /** End the display (finishes the bar line). */
  done(): void;
}

interface PhaseState {
  start: number;
  lastStep: number;
  finished: boolean;
}

/** `m:ss`, or `h:mm:ss` from an hour. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

function formatRate(perMs: number): string {
  const perS = perMs * 1000;
  if (!Number.isFinite(perS) || perS <= 0) return '';
  return perS >= 10
    ? `${perS.toFixed(0)}/s`
    : perS >= 1
      ? `${perS.toFixed(1)}/s`
      : `${(perS * 60).toFixed(1)}/min`;
}

/** Counts, percentage, rate and ETA of a phase, e.g. `12/40 30% 3.1/s ETA 0:09`. */
export function describeProgress(e: ProgressEvent, elapsedMs: number): string {
  if (e.total <= 0) return `${e.done}`;
  const done = Math.min(e.done, e.total);
  const pct = Math.floor((100 * done) / e.total);
  const parts = [`${done}/${e.total}`, `${pct}%`];
  if (done >= e.total) {
    parts.push(`in ${formatDuration(elapsedMs)}`);
    return parts.join(' ');
  }
  const rate = done > 0 && elapsedMs > 0 ? done / elapsedMs : 0;
  const r = formatRate(rate);
  if (r) parts.push(r);
  if (rate > 0) parts.push(`ETA ${formatDuration((e.total - done) / rate)}`);
  return parts.join(' ');
}

/** A bar of `width` cells for done/total. */
export function renderBar(done: number, total: number, width: number): string {
  const frac = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const full = Math.floor(frac * width);
  return `${'█'.repeat(full)}${'░'.repeat(width - full)}`;
}

export function createProgress(options: ProgressOptions = {}): ProgressRenderer {
  const stream = options.stream ?? process.stderr;
  const tty = options.tty ?? !!stream.isTTY;
  const now = options.now ?? (() => Date.now());
  const redrawMs = options.redrawMs ?? 100;
  const step = Math.max(1, Math.min(100, options.stepPercent ?? 25));
  const enabled = options.enabled ?? true;
  const quietMs = options.quietMs ?? 2000;
  const phases = new Map<string, PhaseState>();
  let barShown = false;
  let lastDraw = -Infinity;
  let lastEvent: ProgressEvent | undefined;

  const clearBar = () => {
    if (barShown) stream.write('\r\x1b[2K');
    barShown = false;
  };

  const drawBar = (e: ProgressEvent, state: PhaseState) => {
    // A pseudo-terminal may report 0 columns: then assume a common width.
    const cols = (stream.columns ?? 0) >= 40 ? (stream.columns as number) - 1 : 99;
    const stats = describeProgress(e, now() - state.start);
    // The phase name comes first; the bar takes what is left (10 to 30 cells).
    const barWidth = e.total > 0 ? Math.min(30, Math.max(10, cols - stats.length - e.phase.length - 4)) : 0;
    const room = cols - stats.length - (barWidth ? barWidth + 4 : 1);
    const phase = e.phase.length > room ? `${e.phase.slice(0, Math.max(8, room - 1))}…` : e.phase;
    const bar = barWidth ? ` [${renderBar(e.done, e.total, barWidth)}] ` : ' ';
    stream.write(`\r\x1b[2K${phase}${bar}${stats}`);
    barShown = true;
    lastDraw = now();
  };

  const stateOf = (e: ProgressEvent): PhaseState => {
    let s = phases.get(e.phase);
    if (!s || (s.finished && e.done < e.total)) {
      s = { start: now(), lastStep: 0, finished: false };
      phases.set(e.phase, s);
    }
    return s;
  };

  return {
    update(e) {
      if (!enabled) return;
      const state = stateOf(e);
      if (state.finished) return;
      const complete = e.total > 0 && e.done >= e.total;
      if (tty) {
        const phaseChanged = lastEvent !== undefined && lastEvent.phase !== e.phase;
        if (phaseChanged && barShown) {
          // Keep the previous phase's last state on its own line.
          stream.write('\n');
          barShown = false;
        }
        if (complete || phaseChanged || now() - lastDraw >= redrawMs) drawBar(e, state);
        if (complete) {
          // A finished phase keeps its final line.
          stream.write('\n');
          barShown = false;
        }
        lastEvent = e;
      } else {
        const pct = e.total > 0 ? Math.floor((100 * Math.min(e.done, e.total)) / e.total) : 0;
        const stepNow = Math.floor(pct / step);
        const quiet = now() - state.start < quietMs;
        if (complete || (!quiet && stepNow > state.lastStep)) {
          stream.write(`${e.phase}: ${describeProgress(e, now() - state.start)}\n`);
          state.lastStep = stepNow;
        }
      }
      if (complete) state.finished = true;
    },
    log(line) {
      if (!enabled) {
        stream.write(`${line}\n`);
        return;
      }
      const e = lastEvent;
      clearBar();
      stream.write(`${line}\n`);
      if (tty && e) {
        const s = phases.get(e.phase);
        if (s && !s.finished) drawBar(e, s);
      }
    },
    done() {
      if (barShown) stream.write('\n');
      barShown = false;
    },
  };
}
