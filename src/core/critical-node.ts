import type { CriticalSource } from '../spec/tree.ts';
import type { VerdictSummary } from '../spec/verdict.ts';
import { commonLinePrefixLength, lineBoundaries, lineStartOffset } from './text-boundary.ts';

export interface CriticalLocation {
  /** Char offset in the program: the node's prefix is program.slice(0, offset). */
  offset: number;
  source: CriticalSource;
  /** Why this point: `secure-sibling` (first line that differs from the closest secure leaf), `finding`, ... */
  reason: 'secure-sibling' | 'finding' | 'value-drop' | 'annotation';
  detail?: string;
}

/**
 * Oracle-located critical node of an insecure leaf: the line boundary just before the flaw first
 * appears. Evidence, in order of preference:
 * 1. the first line where the leaf departs from its closest secure-pass sibling, when that is no
 *    later than the first relevant finding (the decision that led away from the secure path);
 * 2. the start of the line of the first relevant finding or sanitizer frame.
 * Returns null when neither exists (the value-located search can still find one).
 */
export function locateByOracle(input: {
  prompt: string;
  program: string;
  verdict: VerdictSummary;
  /** Complete programs of secure-pass leaves that share the prompt. */
  securePrograms: readonly string[];
  /** Which findings count (default: all, e.g. only the task's CWEs). */
  relevant?: (f: { ruleId: string; cwe: string[] }) => boolean;
}): CriticalLocation | null {
  const { prompt, program, verdict } = input;
  const floor = prompt.length;
  const relevant = input.relevant ?? (() => true);
  const lines = (verdict.evidence?.findings ?? []).filter(relevant).map((f) => f.startLine);
  let findingOffset: number | null = null;
  if (lines.length > 0) {
    const off = lineStartOffset(program, Math.min(...lines));
    findingOffset = Math.max(floor, off);
  }
  let sibling: number | null = null;
  for (const s of input.securePrograms) {
    if (s === program) continue;
    const len = commonLinePrefixLength(program, s, floor);
    if (sibling === null || len > sibling) sibling = len;
  }
  if (sibling !== null && sibling < program.length && (findingOffset === null || sibling <= findingOffset)) {
    return { offset: sibling, source: 'oracle', reason: 'secure-sibling' };
  }
  if (findingOffset !== null && findingOffset < program.length) {
    return { offset: findingOffset, source: 'oracle', reason: 'finding' };
  }
  return null;
}

/**
 * Value-located critical node: along the path of an insecure program, the boundary after which
 * the secure-pass value drops most, found by bisection. `estimate(offset)` runs rollouts from
 * program.slice(0, offset) and returns their secure-pass rate. The root value `v0` must be > 0 (a
 * secure continuation exists); the program itself counts as value 0. Costs about log2(lines)
 * estimates. Returns the last boundary whose value stays at least `keep` x v0, or null.
 */
export async function locateByValue(input: {
  prompt: string;
  program: string;
  v0: number;
  estimate: (offset: number) => Promise<number>;
  keep?: number;
  maxProbes?: number;
}): Promise<(CriticalLocation & { probes: { offset: number; value: number }[] }) | null> {
  const { prompt, program, v0, estimate } = input;
  if (v0 <= 0) return null;
  const keep = input.keep ?? 0.5;
  const bounds = lineBoundaries(program, prompt.length).filter((b) => b < program.length);
  if (bounds.length === 0) return null;
  let lo = 0; // index into bounds: known value >= keep * v0 (the prompt)
  let hi = bounds.length; // past the end: the insecure program (value 0)
  const probes: { offset: number; value: number }[] = [];
  const maxProbes = input.maxProbes ?? 8;
  while (hi - lo > 1 && probes.length < maxProbes) {
    const mid = (lo + hi) >> 1;
    const offset = bounds[mid] as number;
    const value = await estimate(offset);
    probes.push({ offset, value });
    if (value >= keep * v0) lo = mid;
    else hi = mid;
  }
  return { offset: bounds[lo] as number, source: 'value', reason: 'value-drop', probes };
}

/**
 * Annotated critical node (TSP release format): the prefix of a program before the first line that
 * matches the risk line: exactly after stripping, else a line containing it or contained in it by at
 * least half of its length. Returns the char offset of that line's start, or null.
 */
export function locateByAnnotation(program: string, riskLine: string, floor = 0): CriticalLocation | null {
  const target = riskLine.trim();
  if (!target) return null;
  const starts = lineBoundaries(program, 0);
  const lineAt = (start: number) => {
    const nl = program.indexOf('\n', start);
    return program.slice(start, nl === -1 ? program.length : nl);
  };
  for (const start of starts) {
    if (start >= floor && start < program.length && lineAt(start).trim() === target) {
      return { offset: start, source: 'annotated', reason: 'annotation' };
    }
  }
  for (const start of starts) {
    if (start < floor || start >= program.length) continue;
    const line = lineAt(start).trim();
    if (!line) continue;
    const covered = line.includes(target) ? target.length : target.includes(line) ? line.length : 0;
    if (covered > 0 && covered >= Math.max(line.length, target.length) / 2) {
      return { offset: start, source: 'annotated', reason: 'annotation' };
    }
  }
  return null;
}
