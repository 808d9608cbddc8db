/**
 * A line diff (Myers' O(ND) algorithm): the changed regions between two texts, as 1-based line
 * ranges on each side. A region with `oldCount` 0 is an insertion after line `oldStart - 1`, one
 * with `newCount` 0 a deletion before line `newStart`.
 */

export interface LineHunk {
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
}

/** The edit script's changed regions, in order. Lines compare exactly (no whitespace folding). */
export function diffLines(before: readonly string[], after: readonly string[], maxEdits = 4000): LineHunk[] {
  // Trim the common prefix and suffix: most patches change a few lines of a long file.
  let lo = 0;
  while (lo < before.length && lo < after.length && before[lo] === after[lo]) lo++;
  let hiA = before.length;
  let hiB = after.length;
  while (hiA > lo && hiB > lo && before[hiA - 1] === after[hiB - 1]) {
    hiA--;
    hiB--;
  }
  const a = before.slice(lo, hiA);
  const b = after.slice(lo, hiB);
  const n = a.length;
  const m = b.length;
  if (n === 0 && m === 0) return [];
  const max = n + m;
  const offset = max + 1;
  const trace: Int32Array[] = [];
  let v: Int32Array = new Int32Array(2 * max + 3);
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    // A very large edit (a rewritten file): one region is as good an answer, and the trace stays small.
    if (d > maxEdits) return [{ oldStart: lo + 1, oldCount: n, newStart: lo + 1, newCount: m }];
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (k === -d || (k !== d && (v[offset + k - 1] ?? 0) < (v[offset + k + 1] ?? 0)))
        x = v[offset + k + 1] ?? 0;
      else x = (v[offset + k - 1] ?? 0) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
    if (found) trace.push(v.slice());
  }
  // Walk back through the trace, marking changed lines on each side.
  const delA = new Uint8Array(n);
  const insB = new Uint8Array(m);
  let x = n;
  let y = m;
  for (let d = trace.length - 2; d > 0 && (x > 0 || y > 0); d--) {
    v = trace[d] as Int32Array;
    const k = x - y;
    const prevK =
      k === -d || (k !== d && (v[offset + k - 1] ?? 0) < (v[offset + k + 1] ?? 0)) ? k + 1 : k - 1;
    const prevX = v[offset + prevK] ?? 0;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
    }
    if (x === prevX) insB[--y] = 1;
    else delA[--x] = 1;
  }
  const hunks: LineHunk[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && !delA[i] && !insB[j]) {
      i++;
      j++;
      continue;
    }
    const h: LineHunk = { oldStart: lo + i + 1, oldCount: 0, newStart: lo + j + 1, newCount: 0 };
    while (i < n && delA[i]) {
      h.oldCount++;
      i++;
    }
    while (j < m && insB[j]) {
      h.newCount++;
      j++;
    }
    if (h.oldCount === 0 && h.newCount === 0) {
      i++;
      j++;
      continue;
    }
    hunks.push(h);
  }
  return hunks;
}
