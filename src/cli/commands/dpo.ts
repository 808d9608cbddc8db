import { defineCommand } from 'citty';
import { TspError } from '../../spec/errors.ts';
import { trainEmbeddedOnExport } from '../../training/export/embedded-trainer.ts';
import { printJson } from '../output.ts';

export default defineCommand({
  meta: {
    name: 'dpo',
    description:
      'Train an embedded checkpoint on an exported TRL preference file and save the result: the stand-in trainer for `tsp train --external` (from the repository: --external "node bin/tsp.js dpo --model {model} --data {export}/segment.jsonl --out {output}"; `tsp` itself is only on PATH after `npm link`).',
  },
  args: {
    model: { type: 'string', required: true, description: 'embedded checkpoint folder to start from' },
    data: { type: 'string', required: true, description: 'TRL JSONL (prompt / chosen / rejected)' },
    out: { type: 'string', required: true, description: 'folder for the trained checkpoint' },
    steps: { type: 'string', default: '10', description: 'optimizer steps' },
    loss: { type: 'string', default: 'dpo', description: 'dpo, tsp or unlikelihood' },
    lr: { type: 'string', default: '3e-4', description: 'learning rate' },
    seed: { type: 'string', default: '0', description: 'seed' },
    json: { type: 'boolean', description: 'print the result as JSON' },
  },
  async run({ args }) {
    const loss = args.loss;
    if (loss !== 'dpo' && loss !== 'tsp' && loss !== 'unlikelihood')
      throw new TspError('invalid-input', `unknown loss '${loss}'`, { hint: 'use dpo, tsp or unlikelihood' });
    const r = await trainEmbeddedOnExport({
      modelDir: args.model,
      dataFile: args.data,
      outDir: args.out,
      steps: Number(args.steps),
      loss,
      learningRate: Number(args.lr),
      seed: Number(args.seed),
    });
    if (args.json) return printJson(r);
    console.log(
      `trained on ${r.examples} pairs for ${r.steps} steps (loss ${r.firstLoss?.toFixed(4)} -> ${r.lastLoss?.toFixed(4)}); saved ${args.out}`,
    );
  },
});
