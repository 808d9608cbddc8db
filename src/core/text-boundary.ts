/**
 * Statement/line boundaries of a program, in UTF-16 char offsets (what JS strings index). A node of
 * a decision tree is a prefix that ends at the prompt or right after a newline of the completion.
 */

/** Offsets in `text` that are boundaries at or after `from`: `from` itself, then after each '\n'. */
export function lineBoundaries(text: string, from = 0): number[] {
  const out = [from];
  for (let i = text.indexOf('\n', from); i !== -1; i = text.indexOf('\n', i + 1)) {
    if (i + 1 <= text.length && i + 1 !== from) out.push(i + 1);
  }
  return out;
}

/** Char offset where 1-based line `line` starts (text.length when past the end). */
export function lineStartOffset(text: string, line: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl === -1) return text.length;
    offset = nl + 1;
  }
  return offset;
}

/** 1-based line number of a char offset. */
export function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Length of the longest common prefix of two strings. */
export function commonPrefixLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/**
 * The last line boundary (>= `floor`) at or before the point where `a` and `b` diverge: the longest
 * prefix made of whole lines that both share. Equal strings give their full length.
 */
export function commonLinePrefixLength(a: string, b: string, floor = 0): number {
  const cp = commonPrefixLength(a, b);
  if (cp === a.length && cp === b.length) return cp;
  const nl = a.lastIndexOf('\n', cp - 1);
  return Math.max(floor, nl + 1);
}

/** Length of the first line of `text`, including its newline (the whole text if it has none). */
export function firstLineLength(text: string): number {
  const nl = text.indexOf('\n');
  return nl === -1 ? text.length : nl + 1;
}

/**
 * Length of the next statement of `text`: its first non-blank line, with the blank lines before it.
 * A line that opens a bracket continues until the brackets balance (a call split over lines), so a
 * statement is not cut in the middle.
 */
export function nextStatementLength(text: string): number {
  let i = 0;
  while (i < text.length) {
    const len = firstLineLength(text.slice(i));
    const line = text.slice(i, i + len);
    i += len;
    if (line.trim() !== '') break;
  }
  let depth = bracketDepth(text.slice(0, i));
  while (depth > 0 && i < text.length) {
    const len = firstLineLength(text.slice(i));
    depth += bracketDepth(text.slice(i, i + len));
    i += len;
  }
  return i;
}

function bracketDepth(s: string): number {
  let d = 0;
  for (const ch of s) {
    if (ch === '(' || ch === '[' || ch === '{') d++;
    else if (ch === ')' || ch === ']' || ch === '}') d--;
  }
  return d;
}

/** Normalizes a continuation for de-duplication: trailing spaces per line and trailing blank lines. */
export function normalizeForDedup(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .trimEnd();
}
