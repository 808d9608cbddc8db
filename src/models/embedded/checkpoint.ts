/**
 * A checkpoint is a directory: model.safetensors (weights), config.json (model config and any
 * extra JSON the caller attaches, e.g. training state) and tokenizer.json. Files are written to
 * temporary names and renamed, so a killed process never leaves a half-written checkpoint file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-file.ts';
import { TspError } from '../../spec/errors.ts';
import { GptConfigSchema, GptModel } from './gpt.ts';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from './safetensors.ts';
import { Tokenizer } from './tokenizer.ts';

export const CHECKPOINT_FORMAT = 'tsp-embedded-gpt';

export interface LoadedCheckpoint {
  model: GptModel;
  tokenizer: Tokenizer;
  extra: unknown;
}

export async function saveCheckpoint(
  dir: string,
  model: GptModel,
  tokenizer: Tokenizer,
  extra?: unknown,
): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    const tensors = new Map<string, NamedTensor>();
    const values = model.readValues();
    for (const s of model.specs)
      tensors.set(s.name, { shape: s.shape, data: values.get(s.name) as Float32Array });
    await writeFileAtomic(
      join(dir, 'model.safetensors'),
      encodeSafetensors(tensors, { format: CHECKPOINT_FORMAT }),
    );
    await writeFileAtomic(join(dir, 'tokenizer.json'), JSON.stringify(tokenizer.toJSON()));
    await writeFileAtomic(
      join(dir, 'config.json'),
      `${JSON.stringify({ format: CHECKPOINT_FORMAT, version: 1, model: model.config, extra: extra ?? null }, null, 2)}\n`,
    );
  } catch (cause) {
    if (cause instanceof TspError) throw cause;
    throw new TspError('io-error', `cannot write checkpoint to ${dir}`, {
      cause,
      hint: 'check the path and free disk space',
    });
  }
}

async function readOrThrow(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (cause) {
    throw new TspError('not-found', `checkpoint file ${path} cannot be read`, {
      cause,
      hint: 'a checkpoint directory holds model.safetensors, config.json and tokenizer.json',
    });
  }
}

/** File in a training checkpoint directory naming its newest complete checkpoint. */
export const LATEST_POINTER = 'latest.json';

export interface LatestPointer {
  path: string;
  step: number;
  history: string[];
}

/** The latest.json pointer of a training checkpoint directory, if any. */
export async function readLatestPointer(dir: string): Promise<LatestPointer | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, LATEST_POINTER), 'utf8');
  } catch {
    return undefined;
  }
  const j = JSON.parse(text) as Partial<LatestPointer>;
  if (typeof j.path !== 'string')
    throw new TspError('invalid-input', `${dir}/${LATEST_POINTER} names no checkpoint`);
  return { path: j.path, step: j.step ?? 0, history: j.history ?? [j.path] };
}

/**
 * The extra JSON a checkpoint directory's config.json carries, without loading the weights
 * (undefined when there is no config.json or it carries none).
 */
export function readCheckpointExtra(dir: string): unknown {
  const file = join(dir, 'config.json');
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, 'utf8')) as { extra?: unknown }).extra ?? undefined;
}

/**
 * Load a checkpoint directory, or the newest checkpoint of a training directory (one with a
 * latest.json pointer written by the trainer).
 */
export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  const latest = await readLatestPointer(dir);
  if (latest) return loadCheckpoint(join(dir, latest.path));
  const configJson = JSON.parse((await readOrThrow(join(dir, 'config.json'))).toString('utf8')) as {
    format?: string;
    model?: unknown;
    extra?: unknown;
  };
  if (configJson.format !== CHECKPOINT_FORMAT)
    throw new TspError('invalid-input', `${dir}/config.json is not a ${CHECKPOINT_FORMAT} checkpoint`);
  const parsed = GptConfigSchema.safeParse(configJson.model);
  if (!parsed.success)
    throw new TspError('invalid-input', `${dir}/config.json: invalid model config: ${parsed.error.message}`);
  const tokenizer = Tokenizer.fromJSON(
    JSON.parse((await readOrThrow(join(dir, 'tokenizer.json'))).toString('utf8')),
  );
  const { tensors } = decodeSafetensors(new Uint8Array(await readOrThrow(join(dir, 'model.safetensors'))));
  const values = new Map<string, Float32Array>();
  for (const [name, t] of tensors) values.set(name, t.data);
  return { model: new GptModel(parsed.data, values), tokenizer, extra: configJson.extra ?? undefined };
}
