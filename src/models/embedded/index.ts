/** The embedded default model: byte-level BPE tokenizer + a small GPT on tfjs (wasm), as a Policy. */
export { type BackendName, useBackend } from './backend.ts';
export {
  CHECKPOINT_FORMAT,
  LATEST_POINTER,
  type LoadedCheckpoint,
  loadCheckpoint,
  readCheckpointExtra,
  readLatestPointer,
  saveCheckpoint,
} from './checkpoint.ts';
export {
  cloneModel,
  createModel,
  DEFAULT_GPT_CONFIG,
  type GptConfig,
  type GptConfigInput,
  GptConfigSchema,
  GptModel,
} from './gpt.ts';
export { loadEmbeddedPolicy } from './load-policy.ts';
export { EmbeddedPolicy, type EmbeddedPolicyOptions, scoreBatch } from './policy.ts';
export { decodeSafetensors, encodeSafetensors } from './safetensors.ts';
export { END_OF_TEXT, type Encoding, Tokenizer, trainTokenizer } from './tokenizer.ts';
