import {
  appendFileSync,
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  truncateSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { TspError } from '../spec/errors.ts';

/**
 * Append-only JSON Lines. A run killed mid-write leaves at most one torn last line, which reading
 * skips (and the next append starts on a fresh line), so a killed run resumes without losing what
 * was completely written.
 */
export function readJsonl<T = unknown>(
  path: string,
  parse: (value: unknown, line: number) => T = (v) => v as T,
): T[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  const out: T[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (!line.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      // Only the last line may be torn (a kill during the write); anything else is corruption.
      if (i >= lines.length - 2) continue;
      throw new TspError('io-error', `${path}:${i + 1}: not valid JSON`, {
        hint: 'the file is corrupted; remove it to redo that work',
      });
    }
    out.push(parse(value, i + 1));
  }
  return out;
}

export function appendJsonl(path: string, records: readonly unknown[]): void {
  if (records.length === 0) return;
  mkdirSync(dirname(path), { recursive: true });
  if (existsSync(path)) {
    // A torn last line (a kill during a write) is dropped before appending after it.
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      const last = Buffer.alloc(1);
      if (size > 0 && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a) {
        truncateSync(path, readFileSync(path).lastIndexOf(0x0a) + 1);
      }
    } finally {
      closeSync(fd);
    }
  }
  appendFileSync(path, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
}

/**
 * The lines of a user's JSONL text, leniently: each non-blank line's value with its 1-based line
 * number, or `undefined` as the value when the line is not JSON (the caller reports it).
 */
export function jsonlLines(text: string): { line: number; value: unknown; valid: boolean }[] {
  const out: { line: number; value: unknown; valid: boolean }[] = [];
  text.split('\n').forEach((raw, i) => {
    if (!raw.trim()) return;
    try {
      out.push({ line: i + 1, value: JSON.parse(raw), valid: true });
    } catch {
      out.push({ line: i + 1, value: undefined, valid: false });
    }
  });
  return out;
}
