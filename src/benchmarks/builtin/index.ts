/**
 * The built-in secure-coding suite: task families (one weakness, one language, one scenario)
 * generated from slots, with executable functional and exploit tests; leak-free splits; the
 * pretraining corpus; and validation of every reference and insecure variant.
 */
export {
  buildSuite,
  cwesOf,
  DEFAULT_VARIANTS,
  listFamilies,
  lookupBuiltinTask,
  type Suite,
  type SuiteOptions,
  type TaskInfo,
  type VariantCounts,
} from './build-suite.ts';
export { buildCorpus, type Corpus, type CorpusOptions, type CorpusStats } from './corpus.ts';
export type { FamilyMeta, Side } from './family.ts';
export { runProgramLocally } from './local-runner.ts';
export {
  type CrossLanguageSplits,
  DEFAULT_UNSEEN_CWES,
  getSplits,
  heldOutCwes,
  namedSplits,
  SIBLING_UNSEEN_CWES,
  type SplitConfig,
  type SplitOptions,
  type Splits,
  type StandardSplits,
  type UnseenGroup,
  unseenGroups,
} from './splits.ts';
export {
  type FamilyValidation,
  type ProgramJudge,
  type ProgramOutcome,
  type ValidationReport,
  validateTasks,
} from './validate.ts';
