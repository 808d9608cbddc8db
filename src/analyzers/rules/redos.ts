/**
 * A small backtracking-risk check for regular expressions (CWE-1333), used on regex literals that
 * reach a backtracking engine (Python re, JavaScript, C++ std::regex; not Go's RE2). It flags:
 *  - nested quantifiers whose inner repetition can match what starts the group (`(a+)+`, `(\w+\s?)*`);
 *  - an unbounded repeated group whose characters are all also matched by an earlier unbounded atom
 *    with only such characters in between (`[\w.]+\.[a-z]+(\.[a-z]+)*`): the same text can be split
 *    between them in polynomially many ways;
 *  - alternations under a repetition whose branches overlap (`(a|a)*`, `(\w|\d)+`).
 * It is a heuristic over a parsed atom list, not a full automaton analysis.
 */

interface Atom {
  /** Characters the atom can match (a 128-bit ASCII set; non-ASCII counted as one bucket). */
  chars: Set<number>;
  min: number;
  max: number;
  group?: Atom[][];
}

const ANY = new Set<number>(Array.from({ length: 129 }, (_, i) => i));

function range(a: number, b: number): number[] {
  const out: number[] = [];
  for (let i = a; i <= b; i++) out.push(i);
  return out;
}

function classEscape(ch: string): number[] | undefined {
  switch (ch) {
    case 'd':
      return range(48, 57);
    case 'w':
      return [...range(48, 57), ...range(65, 90), ...range(97, 122), 95];
    case 's':
      return [9, 10, 11, 12, 13, 32];
    case 'D':
    case 'W':
    case 'S':
      return [...ANY];
    default:
      return undefined;
  }
}

class RegexParser {
  private i = 0;
  constructor(private readonly src: string) {}

  parseAlternation(): Atom[][] {
    const branches: Atom[][] = [this.parseSequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      branches.push(this.parseSequence());
    }
    return branches;
  }

  private parseSequence(): Atom[] {
    const atoms: Atom[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const atom = this.parseAtom();
      if (!atom) continue;
      this.parseQuantifier(atom);
      atoms.push(atom);
    }
    return atoms;
  }

  private parseAtom(): Atom | undefined {
    const c = this.src[this.i++] ?? '';
    if (c === '^' || c === '$') return undefined;
    if (c === '(') {
      if (this.src[this.i] === '?') {
        // (?:  (?=  (?!  (?<name>  (?P<name>
        this.i++;
        const k = this.src[this.i];
        if (k === '=' || k === '!') {
          this.i++;
          this.parseAlternation();
          this.i++;
          return undefined;
        }
        if (k === '<' && (this.src[this.i + 1] === '=' || this.src[this.i + 1] === '!')) {
          this.i += 2;
          this.parseAlternation();
          this.i++;
          return undefined;
        }
        if (k === 'P' || k === '<') {
          const close = this.src.indexOf('>', this.i);
          this.i = close < 0 ? this.i + 1 : close + 1;
        } else if (k === ':') this.i++;
        else while (this.i < this.src.length && /[a-zA-Z-]/.test(this.src[this.i] ?? '')) this.i++;
        if (this.src[this.i] === ':') this.i++;
      }
      const group = this.parseAlternation();
      if (this.src[this.i] === ')') this.i++;
      const chars = new Set<number>();
      for (const b of group) for (const a of b) for (const x of a.chars) chars.add(x);
      return { chars, min: 1, max: 1, group };
    }
    if (c === '[') return { chars: this.parseClass(), min: 1, max: 1 };
    if (c === '.') return { chars: new Set(ANY), min: 1, max: 1 };
    if (c === '\\') {
      const e = this.src[this.i++] ?? '';
      const cls = classEscape(e);
      if (cls) return { chars: new Set(cls), min: 1, max: 1 };
      if (/[bBAzZG]/.test(e)) return undefined;
      if (e === 'n') return { chars: new Set([10]), min: 1, max: 1 };
      if (e === 't') return { chars: new Set([9]), min: 1, max: 1 };
      return { chars: new Set([code(e)]), min: 1, max: 1 };
    }
    return { chars: new Set([code(c)]), min: 1, max: 1 };
  }

  private parseClass(): Set<number> {
    const out = new Set<number>();
    let negate = false;
    if (this.src[this.i] === '^') {
      negate = true;
      this.i++;
    }
    let first = true;
    while (this.i < this.src.length && (this.src[this.i] !== ']' || first)) {
      first = false;
      let c = this.src[this.i++] ?? '';
      let lo: number;
      if (c === '\\') {
        const e = this.src[this.i++] ?? '';
        const cls = classEscape(e);
        if (cls) {
          for (const x of cls) out.add(x);
          continue;
        }
        c = e === 'n' ? '\n' : e === 't' ? '\t' : e;
      }
      lo = code(c);
      if (this.src[this.i] === '-' && this.src[this.i + 1] && this.src[this.i + 1] !== ']') {
        this.i++;
        let hiC = this.src[this.i++] ?? '';
        if (hiC === '\\') hiC = this.src[this.i++] ?? '';
        const hi = code(hiC);
        for (let x = lo; x <= hi && x <= 128; x++) out.add(x);
      } else out.add(lo);
    }
    this.i++;
    if (!negate) return out;
    const neg = new Set<number>();
    for (const x of ANY) if (!out.has(x)) neg.add(x);
    return neg;
  }

  private parseQuantifier(atom: Atom): void {
    const c = this.src[this.i];
    if (c === '*' || c === '+' || c === '?') {
      this.i++;
      atom.min = c === '+' ? 1 : 0;
      atom.max = c === '?' ? 1 : Number.POSITIVE_INFINITY;
    } else if (c === '{') {
      const m = /^\{(\d*)(,?)(\d*)\}/.exec(this.src.slice(this.i));
      if (!m) return;
      this.i += m[0].length;
      atom.min = Number(m[1] || 0);
      atom.max = m[2] ? (m[3] ? Number(m[3]) : Number.POSITIVE_INFINITY) : atom.min;
    } else return;
    if (this.src[this.i] === '?' || this.src[this.i] === '+') this.i++;
  }
}

function code(ch: string): number {
  const n = ch.charCodeAt(0);
  return Number.isNaN(n) ? 0 : Math.min(n, 128);
}

function subset(a: Set<number>, b: Set<number>): boolean {
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

function overlaps(a: Set<number>, b: Set<number>): boolean {
  for (const x of a) if (b.has(x)) return true;
  return false;
}

const unbounded = (a: Atom) => a.max === Number.POSITIVE_INFINITY;

/** First characters a sequence can start with (through optional atoms). */
function firstChars(seq: Atom[]): Set<number> {
  const out = new Set<number>();
  for (const a of seq) {
    const f = a.group ? unionFirst(a.group) : a.chars;
    for (const x of f) out.add(x);
    if (a.min > 0) break;
  }
  return out;
}

function unionFirst(branches: Atom[][]): Set<number> {
  const out = new Set<number>();
  for (const b of branches) for (const x of firstChars(b)) out.add(x);
  return out;
}

function findInSequence(seq: Atom[]): string | undefined {
  for (let j = 0; j < seq.length; j++) {
    const g = seq[j];
    if (!g) continue;
    if (g.group) {
      const inner = g.group.map(findInSequence).find((r) => r);
      if (inner) return inner;
      if (unbounded(g) || g.max > 10) {
        // Nested quantifier: an inner unbounded atom that can also start the next iteration.
        const first = unionFirst(g.group);
        for (const branch of g.group)
          for (const a of branch)
            if (
              unbounded(a) &&
              overlaps(a.chars, first) &&
              branch.every((x) => x === a || x.min === 0 || subset(x.chars, a.chars))
            )
              return 'nested quantifier: a repeated group contains a repetition that can match the same text';
        // Overlapping alternatives under repetition.
        if (g.group.length > 1)
          for (let x = 0; x < g.group.length; x++)
            for (let y = x + 1; y < g.group.length; y++) {
              const bx = g.group[x];
              const by = g.group[y];
              if (bx && by && bx.length && by.length && overlaps(firstChars(bx), firstChars(by)))
                return 'repeated alternation whose branches can match the same text';
            }
      }
    }
    if (!unbounded(g) || !g.group) continue;
    // Polynomial overlap: an earlier unbounded atom that covers the group and everything between.
    for (let i = j - 1; i >= 0; i--) {
      const a = seq[i];
      if (!a) break;
      if (unbounded(a) && !a.group && subset(g.chars, a.chars)) {
        const between = seq.slice(i + 1, j);
        if (between.every((b) => subset(b.chars, a.chars)))
          return 'an unbounded group overlaps an earlier unbounded repetition: the same text can be split between them in many ways';
      }
    }
  }
  return undefined;
}

/** A reason when the pattern risks catastrophic backtracking, else undefined. */
export function redosRisk(pattern: string): string | undefined {
  if (pattern.length > 2000) return undefined;
  try {
    const branches = new RegexParser(pattern).parseAlternation();
    for (const b of branches) {
      const r = findInSequence(b);
      if (r) return r;
    }
  } catch {
    return undefined;
  }
  return undefined;
}
