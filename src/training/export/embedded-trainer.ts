import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { useBackend } from '../../models/embedded/backend.ts';
import { loadCheckpoint, saveCheckpoint } from '../../models/embedded/checkpoint.ts';
import { cloneModel } from '../../models/embedded/gpt.ts';
import { TspError } from '../../spec/errors.ts';
import type { PreferenceExample } from '../batching.ts';
import { trainPreference } from '../trainer.ts';

const TrlRow = z.object({ prompt: z.string(), chosen: z.string(), rejected: z.string() });

/**
 * Reads a TRL-format preference file (`prompt` / `chosen` / `rejected` per line) as preference
 * examples. `segment` files (prefix-in-prompt) hold only the divergent segment on each side, so
 * the whole side is the segment.
 */
export async function readTrlPreferenceFile(file: string): Promise<PreferenceExample[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new TspError('not-found', `cannot read preference data ${file}`, { cause: e });
  }
  const out: PreferenceExample[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    const r = TrlRow.safeParse(JSON.parse(line));
    if (!r.success)
      throw new TspError('invalid-input', `${file}:${i + 1}: expected prompt, chosen, rejected`);
    out.push({ prefix: r.data.prompt, chosen: r.data.chosen, rejected: r.data.rejected });
  }
  return out;
}

/**
 * The embedded model as an "external" trainer: loads a checkpoint, trains it on an exported
 * preference file with the embedded trainer (frozen copy as the reference), saves the result.
 * `tsp dpo` runs it, so that the external-trainer loop can be tested end to end without a GPU.
 */
export async function trainEmbeddedOnExport(options: {
  modelDir: string;
  dataFile: string;
  outDir: string;
  steps?: number;
  loss?: 'dpo' | 'tsp' | 'unlikelihood';
  learningRate?: number;
  seed?: number;
}): Promise<{ examples: number; steps: number; firstLoss: number | null; lastLoss: number | null }> {
  await useBackend('wasm');
  const examples = await readTrlPreferenceFile(options.dataFile);
  if (examples.length === 0) throw new TspError('invalid-input', `${options.dataFile} holds no pair`);
  const { model, tokenizer, extra } = await loadCheckpoint(options.modelDir);
  const reference = cloneModel(model);
  try {
    const r = await trainPreference(model, reference, tokenizer, examples, {
      loss: options.loss ?? 'dpo',
      epochs: 1000,
      maxSteps: options.steps ?? 10,
      learningRate: options.learningRate ?? 3e-4,
      warmupSteps: 0,
      seed: options.seed ?? 0,
    });
    await saveCheckpoint(options.outDir, model, tokenizer, extra);
    return {
      examples: examples.length,
      steps: r.steps,
      firstLoss: r.losses[0] ?? null,
      lastLoss: r.losses[r.losses.length - 1] ?? null,
    };
  } finally {
    reference.dispose();
    model.dispose();
  }
}
