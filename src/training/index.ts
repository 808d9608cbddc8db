/** Training for the embedded GPT: pretraining, SFT and preference losses (dpo / tsp / unlikelihood). */
export { cloneModel } from '../models/embedded/gpt.ts';
export {
  encodeDocument,
  encodePreference,
  encodeSupervised,
  joinPrefix,
  type PackedBatch,
  type PreferenceExample,
  packBatch,
  planEpoch,
  type SupervisedExample,
  type WeightedSequence,
} from './batching.ts';
export {
  DEFAULT_LOSS_CONFIG,
  LOSSES,
  type LossConfig,
  type LossFn,
  type LossInputs,
  type LossOutput,
  needsReference,
  type PreferenceLossName,
} from './losses.ts';
export { adamWStep, createAdamWState, globalNorm, learningRateAt } from './optimizer.ts';
export {
  batchLogprobs,
  type PreferenceConfig,
  type PreferenceConfigInput,
  PreferenceConfigSchema,
  packPreferenceBatch,
  type StepReport,
  type TrainConfig,
  type TrainConfigInput,
  TrainConfigSchema,
  type TrainHooks,
  type TrainResult,
  trainLanguageModel,
  trainPreference,
  trainSupervised,
} from './trainer.ts';
