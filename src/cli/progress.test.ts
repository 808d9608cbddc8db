import { describe, expect, it } from 'vitest';
import { createProgress, describeProgress, formatDuration, renderBar } from './progress.ts';

function fakeStream(tty: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY: tty, columns: 100, write: (s: string) => chunks.push(s) } };
}

describe('progress pieces', () => {
  it('formats durations, bars and the counts/rate/ETA summary', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(61_000)).toBe('1:01');
    expect(formatDuration(3_725_000)).toBe('1:02:05');
    expect(renderBar(1, 4, 8)).toBe('██░░░░░░');
    expect(renderBar(9, 4, 4)).toBe('████');
    // 10 of 40 in 5 s: 2/s, 30 left: 15 s.
    expect(describeProgress({ phase: 'x', done: 10, total: 40 }, 5000)).toBe('10/40 25% 2.0/s ETA 0:15');
    expect(describeProgress({ phase: 'x', done: 40, total: 40 }, 65_000)).toBe('40/40 100% in 1:05');
    expect(describeProgress({ phase: 'x', done: 0, total: 40 }, 0)).toBe('0/40 0%');
    expect(describeProgress({ phase: 'x', done: 1, total: 400 }, 30_000)).toBe(
      '1/400 0% 2.0/min ETA 3:19:30',
    );
  });
});

describe('createProgress', () => {
  it('prints one line per phase step when not a TTY', () => {
    let t = 0;
    const { chunks, stream } = fakeStream(false);
    const p = createProgress({ stream, now: () => t, stepPercent: 25, quietMs: 2000 });
    for (let i = 0; i <= 100; i++) {
      t = i * 100;
      p.update({ phase: 'judge', done: i, total: 100 });
    }
    p.update({ phase: 'judge', done: 100, total: 100 });
    // A fast phase prints only its final line.
    for (let i = 0; i <= 10; i++) p.update({ phase: 'read', done: i, total: 10 });
    p.done();
    const lines = chunks.join('').trimEnd().split('\n');
    expect(lines).toEqual([
      'judge: 25/100 25% 10/s ETA 0:08',
      'judge: 50/100 50% 10/s ETA 0:05',
      'judge: 75/100 75% 10/s ETA 0:03',
      'judge: 100/100 100% in 0:10',
      'read: 10/10 100% in 0:00',
    ]);
  });

  it('redraws one bar in place on a TTY, throttled, and keeps finished phases on their own line', () => {
    let t = 0;
    const { chunks, stream } = fakeStream(true);
    const p = createProgress({ stream, now: () => t, redrawMs: 100 });
    for (let i = 0; i <= 50; i++) {
      t = i * 10;
      p.update({ phase: 'generate', done: i, total: 50 });
    }
    p.log('a message');
    t = 600;
    p.update({ phase: 'judge', done: 1, total: 2 });
    p.update({ phase: 'judge', done: 2, total: 2 });
    p.done();
    const out = chunks.join('');
    const draws = chunks.filter((c) => c.startsWith('\r\x1b[2Kgenerate'));
    // 500 ms of updates every 10 ms with a 100 ms throttle: the first, every 100 ms, and the last.
    expect(draws.length).toBeGreaterThanOrEqual(5);
    expect(draws.length).toBeLessThanOrEqual(8);
    expect(draws.at(-1)).toContain('50/50 100% in 0:01');
    expect(draws.at(-1)).toContain('[██████████');
    // The finished phase keeps its final line; the message comes after it, not over it.
    expect(out).toMatch(/50\/50 100% in 0:01\na message\n/);
    expect(out).toContain('\n\r\x1b[2Kjudge');
    expect(out.endsWith('2/2 100% in 0:00\n')).toBe(true);
  });

  it('fits the line to the terminal: the phase first, the bar shrinks, long phases are cut', () => {
    const { chunks, stream } = fakeStream(true);
    stream.columns = 60;
    const p = createProgress({ stream, now: () => 0 });
    p.update({ phase: 'read trees and pairs', done: 3, total: 12 });
    p.update({ phase: 'x'.repeat(80), done: 3, total: 12 });
    const lines = chunks.filter((c) => c.startsWith('\r')).map((c) => c.replace('\r\x1b[2K', ''));
    // 59 usable columns: 20 (phase) + 2 + 27 (bar) + 2 + 8 (stats).
    expect(lines[0]).toMatch(/^read trees and pairs \[█{6}░{21}\] 3\/12 25%$/);
    expect(lines[1]?.length).toBeLessThanOrEqual(59);
    expect(lines[1]).toContain('…');
    // Zero columns (some pseudo-terminals): assume 100.
    const z = fakeStream(true);
    z.stream.columns = 0;
    createProgress({ stream: z.stream, now: () => 0 }).update({
      phase: 'read trees and pairs',
      done: 3,
      total: 12,
    });
    expect(z.chunks[0]).toContain('read trees and pairs [');
  });

  it('prints nothing when disabled but still passes log lines through', () => {
    const { chunks, stream } = fakeStream(true);
    const p = createProgress({ stream, enabled: false });
    p.update({ phase: 'x', done: 1, total: 2 });
    p.log('hello');
    p.done();
    expect(chunks.join('')).toBe('hello\n');
  });
});
