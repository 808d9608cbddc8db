import type { CweId, Language } from '../../spec/language.ts';
import type { Task } from '../../spec/task.ts';
import type { Suite } from './build-suite.ts';

/**
 * CWEs held out of SFT and self-play in the standard configuration (they stay in pretraining):
 * each exists in three or four languages, so the unseen-CWE split covers every language.
 */
export const DEFAULT_UNSEEN_CWES: readonly CweId[] = ['CWE-134', 'CWE-601', 'CWE-732'];

export const SOURCE_LANGUAGES: readonly Language[] = ['c', 'cpp'];
export const TARGET_LANGUAGES: readonly Language[] = ['python', 'go', 'javascript'];

/**
 * `standard`: `train` = train-side variants of every family whose CWE is not held out (prompts for
 * SFT and self-play; secure references for SFT); `eval` = eval-side variants (new names and
 * phrasings) of the same families; `unseenCwe` = eval-side variants of the held-out CWEs' families.
 */
export interface StandardSplits {
  config: 'standard';
  train: Task[];
  eval: Task[];
  unseenCwe: Task[];
  unseenCwes: CweId[];
}

/**
 * `cross-language`: `train` = train-side variants of the C/C++ families whose CWE also exists in
 * Python, Go or JavaScript; `eval` = eval-side variants of the Python/Go/JavaScript families of
 * those CWEs. `cwes` lists the shared CWEs.
 */
export interface CrossLanguageSplits {
  config: 'cross-language';
  train: Task[];
  eval: Task[];
  cwes: CweId[];
}

export type Splits = StandardSplits | CrossLanguageSplits;
export type SplitConfig = Splits['config'];

export interface SplitOptions {
  /** Standard config: the CWEs held out of SFT and self-play (default DEFAULT_UNSEEN_CWES). */
  unseenCwes?: readonly CweId[];
}

function side(suite: Suite, t: Task): 'train' | 'eval' {
  const info = suite.info[t.id];
  if (!info) throw new Error(`task ${t.id} is not from this suite`);
  return info.side;
}

export function getSplits(suite: Suite, config: 'standard', options?: SplitOptions): StandardSplits;
export function getSplits(
  suite: Suite,
  config: 'cross-language',
  options?: SplitOptions,
): CrossLanguageSplits;
export function getSplits(suite: Suite, config: SplitConfig, options?: SplitOptions): Splits;
export function getSplits(suite: Suite, config: SplitConfig, options: SplitOptions = {}): Splits {
  if (config === 'standard') {
    const unseen = new Set(options.unseenCwes ?? DEFAULT_UNSEEN_CWES);
    const held = (t: Task) => t.cwe.some((c) => unseen.has(c));
    return {
      config,
      train: suite.tasks.filter((t) => !held(t) && side(suite, t) === 'train'),
      eval: suite.tasks.filter((t) => !held(t) && side(suite, t) === 'eval'),
      unseenCwe: suite.tasks.filter((t) => held(t) && side(suite, t) === 'eval'),
      unseenCwes: [...unseen].sort(),
    };
  }
  const cwesIn = (langs: readonly Language[]) =>
    new Set(suite.families.filter((f) => langs.includes(f.language)).map((f) => f.cwe));
  const source = cwesIn(SOURCE_LANGUAGES);
  const target = cwesIn(TARGET_LANGUAGES);
  const shared = [...source].filter((c) => target.has(c)).sort();
  const isShared = (t: Task) => t.cwe.some((c) => shared.includes(c));
  return {
    config,
    train: suite.tasks.filter(
      (t) => SOURCE_LANGUAGES.includes(t.language) && isShared(t) && side(suite, t) === 'train',
    ),
    eval: suite.tasks.filter(
      (t) => TARGET_LANGUAGES.includes(t.language) && isShared(t) && side(suite, t) === 'eval',
    ),
    cwes: shared,
  };
}

/** The named task lists of a split set (`train`, `eval`, and `unseen-cwe` for standard). */
export function namedSplits(s: Splits): Record<string, Task[]> {
  return s.config === 'standard'
    ? { train: s.train, eval: s.eval, 'unseen-cwe': s.unseenCwe }
    : { train: s.train, eval: s.eval };
}
