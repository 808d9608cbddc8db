import { join } from 'node:path';
import { defineCommand } from 'citty';
import { TspError } from '../../spec/errors.ts';
import {
  EXPORT_VARIANTS,
  type ExportVariant,
  readRunPairs,
  writeExport,
} from '../../training/export/export-pairs.ts';
import { printJson } from '../output.ts';

export default defineCommand({
  meta: {
    name: 'export',
    description:
      "Write a run's verified preference pairs for an external DPO trainer: LLaMA-Factory (data + dataset_info.json) or TRL (prompt/chosen/rejected JSONL); whole programs and the prefix-in-prompt segment variant.",
  },
  args: {
    run: {
      type: 'string',
      required: true,
      description: 'run directory (reads pairs/*.jsonl) or a pairs JSONL file',
    },
    format: { type: 'string', required: true, description: 'llamafactory or trl' },
    out: { type: 'string', description: 'output folder (default <run>/export/<format>)' },
    variant: {
      type: 'string',
      default: 'both',
      description:
        'whole, segment (prefix in the prompt, each side to the end of its program), both (whole and segment), or segment-only (just the divergent statement: only for trainers that append no end-of-sequence token; see docs/real-models.md)',
    },
    sharegpt: { type: 'boolean', description: 'llamafactory: sharegpt rows instead of alpaca' },
    round: { type: 'string', description: 'only pairs of these rounds (comma-separated)' },
    'include-unverified': {
      type: 'boolean',
      description: 'also pairs whose sides the oracle did not both judge',
    },
    json: { type: 'boolean', description: 'print what was written as JSON' },
  },
  async run({ args }) {
    const format = args.format;
    if (format !== 'llamafactory' && format !== 'trl')
      throw new TspError('invalid-input', `unknown format '${format}'`, { hint: 'use llamafactory or trl' });
    const variants: ExportVariant[] =
      args.variant === 'both'
        ? ['whole', 'segment']
        : (EXPORT_VARIANTS as readonly string[]).includes(args.variant)
          ? [args.variant as ExportVariant]
          : [];
    if (!variants.length)
      throw new TspError('invalid-input', `unknown variant '${args.variant}'`, {
        hint: `use both, ${EXPORT_VARIANTS.join(', ')}`,
      });
    const rounds = args.round ? args.round.split(',').map((s) => Number(s.trim())) : undefined;
    const pairs = await readRunPairs(args.run);
    const out = args.out ?? join(args.run, 'export', format);
    const written = await writeExport(pairs, out, {
      format,
      variants,
      formatting: args.sharegpt ? 'sharegpt' : 'alpaca',
      includeUnverified: Boolean(args['include-unverified']),
      ...(rounds ? { rounds } : {}),
    });
    if (args.json) return printJson(written);
    console.log(
      `exported ${written.pairs} pairs (${written.skipped} left out: unverified, other rounds, or identical sides) to ${out}`,
    );
    for (const f of written.files) console.log(`  ${f}`);
    if (format === 'llamafactory')
      console.log(
        `LLaMA-Factory: dataset_dir: ${out}  dataset: ${Object.values(written.datasets).join(' or ')}  (stage: dpo; template: empty for raw code continuation)`,
      );
  },
});
