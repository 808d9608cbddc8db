import type { CweId, Language } from '../../spec/language.ts';
import { DEFAULT_SUITE_VERSION } from '../../spec/run-config.ts';
import type { Task } from '../../spec/task.ts';
import type { Suite } from './build-suite.ts';

/**
 * CWEs held out of SFT and self-play in the standard configuration (they stay in pretraining):
 * each exists in three or four languages, so the unseen-CWE split covers every language. From
 * suite version 2 they are the *distant* group: principles no trained family shares.
 */
export const DEFAULT_UNSEEN_CWES: readonly CweId[] = ['CWE-134', 'CWE-601', 'CWE-732'];

/**
 * Suite version 2's *sibling* unseen CWEs, also held out of SFT and self-play: each family shares
 * the principle of a trained family (FamilyMeta.principle) with another CWE and another API or sink
 * (docs/suite.md lists which relative each has): argument injection CWE-88 (CWE-78), link
 * following CWE-59 (CWE-22), an HTML attribute CWE-83 (CWE-79), unbounded concatenation CWE-120
 * (CWE-787), password hashing CWE-916 (CWE-328), insufficiently random tokens CWE-330 (CWE-338).
 */
export const SIBLING_UNSEEN_CWES: readonly CweId[] = [
  'CWE-59',
  'CWE-83',
  'CWE-88',
  'CWE-120',
  'CWE-330',
  'CWE-916',
];

/** One held-out evaluation split of the standard configuration: its name and its CWEs. */
export interface UnseenGroup {
  split: string;
  cwes: readonly CweId[];
}

/**
 * The held-out splits of a suite version: version 1 has one, `unseen-cwe` (DEFAULT_UNSEEN_CWES);
 * version 2 reports its siblings and the distant CWEs apart, `unseen-sibling` and `unseen-distant`.
 */
export function unseenGroups(version = DEFAULT_SUITE_VERSION): UnseenGroup[] {
  return version >= 2
    ? [
        { split: 'unseen-sibling', cwes: SIBLING_UNSEEN_CWES },
        { split: 'unseen-distant', cwes: DEFAULT_UNSEEN_CWES },
      ]
    : [{ split: 'unseen-cwe', cwes: DEFAULT_UNSEEN_CWES }];
}

/** Every CWE the standard configuration of a suite version holds out of SFT and self-play. */
export function heldOutCwes(version = DEFAULT_SUITE_VERSION): CweId[] {
  return unseenGroups(version).flatMap((g) => g.cwes);
}

export const SOURCE_LANGUAGES: readonly Language[] = ['c', 'cpp'];
export const TARGET_LANGUAGES: readonly Language[] = ['python', 'go', 'javascript'];

/**
 * `standard`: `train` = train-side variants of every family whose CWE is not held out (prompts for
 * SFT and self-play; secure references for SFT); `eval` = eval-side variants (new names and
 * phrasings) of the same families; `unseen` = per held-out split (unseenGroups), the eval-side
 * variants of its CWEs' families; `unseenCwe` = all of those.
 */
export interface StandardSplits {
  config: 'standard';
  train: Task[];
  eval: Task[];
  unseenCwe: Task[];
  unseenCwes: CweId[];
  /** Split name -> tasks, in unseenGroups order (`unseen-cwe`; or `unseen-sibling`, `unseen-distant`). */
  unseen: Record<string, Task[]>;
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
  /**
   * Standard config: the CWEs held out of SFT and self-play, as one split `unseen-cwe` (default:
   * the suite version's unseenGroups).
   */
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
    const groups = options.unseenCwes
      ? [{ split: 'unseen-cwe', cwes: options.unseenCwes }]
      : unseenGroups(suite.version);
    const unseen = new Set(groups.flatMap((g) => g.cwes));
    const held = (t: Task) => t.cwe.some((c) => unseen.has(c));
    const heldEval = suite.tasks.filter((t) => held(t) && side(suite, t) === 'eval');
    return {
      config,
      train: suite.tasks.filter((t) => !held(t) && side(suite, t) === 'train'),
      eval: suite.tasks.filter((t) => !held(t) && side(suite, t) === 'eval'),
      unseenCwe: heldEval,
      unseenCwes: [...unseen].sort(),
      unseen: Object.fromEntries(
        groups.map((g) => [g.split, heldEval.filter((t) => t.cwe.some((c) => g.cwes.includes(c)))]),
      ),
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

/** The named task lists of a split set (`train`, `eval`, and the held-out splits for standard). */
export function namedSplits(s: Splits): Record<string, Task[]> {
  return s.config === 'standard'
    ? { train: s.train, eval: s.eval, ...s.unseen }
    : { train: s.train, eval: s.eval };
}
