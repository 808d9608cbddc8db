import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TspError } from '../../spec/errors.ts';
import { parseOrThrow } from '../../spec/parse.ts';
import { Pair } from '../../spec/tree.ts';
import { readJsonl } from '../../store/jsonl.ts';

/**
 * Export of TSP's verified preference pairs for external DPO trainers.
 *
 * Variants of every pair:
 * - `whole`: prompt = the task prompt; chosen / rejected = the shared text after the prompt plus
 *   each side's continuation to the end of the program (standard DPO on complete programs);
 * - `segment` (prefix-in-prompt): prompt = the shared prefix up to the critical node; chosen /
 *   rejected = each side's continuation from the critical node to the end of the program. The
 *   shared code is in the prompt, so the loss starts exactly at TSP's contrast; and each side ends
 *   where its program ends, so the end-of-sequence token that TRL's DPO tokenization appends
 *   after chosen and rejected (and LLaMA-Factory's chat templates, as end of turn) sits where
 *   the program really stops;
 * - `segment-only` (opt-in): chosen / rejected = only the divergent segment (the next statement).
 *   Only for trainers that append nothing after the response (LLaMA-Factory with
 *   `template: empty`, `tsp dpo`): with TRL's defaults it teaches "end the program after this
 *   line".
 */
export type ExportVariant = 'whole' | 'segment' | 'segment-only';
export const EXPORT_VARIANTS: readonly ExportVariant[] = ['whole', 'segment', 'segment-only'];
export type ExportFormat = 'llamafactory' | 'trl';

export interface PreferenceRecord {
  prompt: string;
  chosen: string;
  rejected: string;
}

export interface ExportOptions {
  /** Pairs whose sides were not both judged by the oracle are left out unless this is set. */
  includeUnverified?: boolean;
  /** Only pairs of these rounds. */
  rounds?: readonly number[];
}

/** Keeps the pairs to export: verified on both sides (unless asked otherwise), non-empty contrast. */
export function selectPairs(pairs: readonly Pair[], options: ExportOptions = {}): Pair[] {
  return pairs.filter(
    (p) =>
      (options.includeUnverified || (p.chosenVerified && p.rejectedVerified)) &&
      (!options.rounds || options.rounds.includes(p.round)) &&
      p.chosen !== p.rejected,
  );
}

/** One pair as prompt / chosen / rejected in the given variant. */
export function toPreferenceRecord(pair: Pair, variant: ExportVariant): PreferenceRecord {
  if (variant === 'segment') return { prompt: pair.prefix, chosen: pair.chosen, rejected: pair.rejected };
  if (variant === 'segment-only') {
    const chosen = pair.chosen.slice(0, pair.chosenSegmentChars || pair.chosen.length);
    const rejected = pair.rejected.slice(0, pair.rejectedSegmentChars || pair.rejected.length);
    return { prompt: pair.prefix, chosen, rejected };
  }
  const shared = pair.prefix.startsWith(pair.prompt) ? pair.prefix.slice(pair.prompt.length) : undefined;
  if (shared === undefined) return { prompt: pair.prefix, chosen: pair.chosen, rejected: pair.rejected };
  return { prompt: pair.prompt, chosen: shared + pair.chosen, rejected: shared + pair.rejected };
}

/** TRL's standard (non-conversational) preference format: `prompt`, `chosen`, `rejected`. */
export function toTrlRecord(pair: Pair, variant: ExportVariant): PreferenceRecord {
  return toPreferenceRecord(pair, variant);
}

/** LLaMA-Factory alpaca preference row: `instruction`, `input`, `chosen`, `rejected`. */
export interface LlamaFactoryAlpacaRow {
  instruction: string;
  input: string;
  chosen: string;
  rejected: string;
}

/** LLaMA-Factory sharegpt preference row: `conversations`, `chosen`, `rejected` messages. */
export interface LlamaFactoryShareGptRow {
  conversations: { from: 'human'; value: string }[];
  chosen: { from: 'gpt'; value: string };
  rejected: { from: 'gpt'; value: string };
}

export function toLlamaFactoryAlpaca(pair: Pair, variant: ExportVariant): LlamaFactoryAlpacaRow {
  const r = toPreferenceRecord(pair, variant);
  return { instruction: r.prompt, input: '', chosen: r.chosen, rejected: r.rejected };
}

export function toLlamaFactoryShareGpt(pair: Pair, variant: ExportVariant): LlamaFactoryShareGptRow {
  const r = toPreferenceRecord(pair, variant);
  return {
    conversations: [{ from: 'human', value: r.prompt }],
    chosen: { from: 'gpt', value: r.chosen },
    rejected: { from: 'gpt', value: r.rejected },
  };
}

/** The `dataset_info.json` entry LLaMA-Factory needs for a preference data set (`ranking: true`). */
export function llamaFactoryDatasetInfo(
  name: string,
  fileName: string,
  formatting: 'alpaca' | 'sharegpt',
): Record<string, unknown> {
  return {
    [name]:
      formatting === 'alpaca'
        ? {
            file_name: fileName,
            formatting: 'alpaca',
            ranking: true,
            columns: { prompt: 'instruction', query: 'input', chosen: 'chosen', rejected: 'rejected' },
          }
        : {
            file_name: fileName,
            formatting: 'sharegpt',
            ranking: true,
            columns: { messages: 'conversations', chosen: 'chosen', rejected: 'rejected' },
            tags: { role_tag: 'from', content_tag: 'value', user_tag: 'human', assistant_tag: 'gpt' },
          },
  };
}

/** Reads every `Pair` of a run directory (`pairs/*.jsonl`), or of one JSONL file. */
export async function readRunPairs(runDirOrFile: string): Promise<Pair[]> {
  let files: string[];
  try {
    const s = await stat(runDirOrFile);
    if (s.isDirectory()) {
      const dir = join(runDirOrFile, 'pairs');
      files = (await readdir(dir).catch(() => [] as string[]))
        .filter((n) => n.endsWith('.jsonl'))
        .sort()
        .map((n) => join(dir, n));
    } else files = [runDirOrFile];
  } catch (e) {
    throw new TspError('not-found', `no run directory or pairs file at ${runDirOrFile}`, { cause: e });
  }
  return files.flatMap((f) => readJsonl(f, (v, line) => parseOrThrow(Pair, v, `pair at ${f}:${line}`)));
}

export interface WrittenExport {
  format: ExportFormat;
  dir: string;
  files: string[];
  pairs: number;
  skipped: number;
  /** LLaMA-Factory data set names registered in dataset_info.json, per variant. */
  datasets: Partial<Record<ExportVariant, string>>;
}

/**
 * Writes the selected pairs in a trainer's format into `outDir`:
 * - `llamafactory`: `tsp_dpo_<variant>.json` (a JSON array, alpaca or sharegpt rows) and a
 *   `dataset_info.json` registering each as a ranking data set (`--dataset_dir <outDir>`);
 * - `trl`: `<variant>.jsonl` with `prompt` / `chosen` / `rejected` per line
 *   (`datasets.load_dataset('json', data_files=...)`).
 * Plus `pairs-meta.jsonl`: pair id, task, round and source per row, in the same order.
 */
export async function writeExport(
  pairs: readonly Pair[],
  outDir: string,
  options: ExportOptions & {
    format: ExportFormat;
    variants?: readonly ExportVariant[];
    formatting?: 'alpaca' | 'sharegpt';
    namePrefix?: string;
  },
): Promise<WrittenExport> {
  const selected = selectPairs(pairs, options);
  const variants = options.variants ?? ['whole', 'segment'];
  await mkdir(outDir, { recursive: true });
  const files: string[] = [];
  const datasets: WrittenExport['datasets'] = {};
  const prefix = options.namePrefix ?? 'tsp_dpo';
  if (options.format === 'llamafactory') {
    const formatting = options.formatting ?? 'alpaca';
    let info: Record<string, unknown> = {};
    for (const v of variants) {
      const name = `${prefix}_${v}`;
      const fileName = `${name}.json`;
      const rows = selected.map((p) =>
        formatting === 'alpaca' ? toLlamaFactoryAlpaca(p, v) : toLlamaFactoryShareGpt(p, v),
      );
      await writeFile(join(outDir, fileName), `${JSON.stringify(rows, null, 1)}\n`);
      info = { ...info, ...llamaFactoryDatasetInfo(name, fileName, formatting) };
      files.push(join(outDir, fileName));
      datasets[v] = name;
    }
    await writeFile(join(outDir, 'dataset_info.json'), `${JSON.stringify(info, null, 2)}\n`);
    files.push(join(outDir, 'dataset_info.json'));
  } else {
    for (const v of variants) {
      const file = join(outDir, `${v}.jsonl`);
      await writeFile(file, selected.map((p) => `${JSON.stringify(toTrlRecord(p, v))}\n`).join(''));
      files.push(file);
    }
  }
  const meta = join(outDir, 'pairs-meta.jsonl');
  await writeFile(
    meta,
    selected
      .map(
        (p) =>
          `${JSON.stringify({ id: p.id, taskId: p.taskId, round: p.round, source: p.source, criticalBy: p.criticalBy ?? null, verified: p.chosenVerified && p.rejectedVerified })}\n`,
      )
      .join(''),
  );
  files.push(meta);
  return {
    format: options.format,
    dir: outDir,
    files,
    pairs: selected.length,
    skipped: pairs.length - selected.length,
    datasets,
  };
}
