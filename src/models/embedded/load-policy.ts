import { useBackend } from './backend.ts';
import { loadCheckpoint } from './checkpoint.ts';
import { EmbeddedPolicy, type EmbeddedPolicyOptions } from './policy.ts';

/**
 * Select the wasm backend and load a checkpoint directory (or a training directory's newest
 * checkpoint) as a Policy.
 */
export async function loadEmbeddedPolicy(
  dir: string,
  options: EmbeddedPolicyOptions = {},
): Promise<EmbeddedPolicy> {
  await useBackend('wasm');
  const { model, tokenizer } = await loadCheckpoint(dir);
  return new EmbeddedPolicy(model, tokenizer, options);
}
