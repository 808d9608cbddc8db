import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineCommand } from 'citty';
import { pretrainBuiltinBase } from '../../pipelines/builtin-experiment.ts';
import { getPreset, PRESETS } from '../../pipelines/presets.ts';
import { wholeNumber } from '../args.ts';
import { printJson } from '../output.ts';
import { createProgress } from '../progress.ts';
import { applyOverrides, repeatedFlag, shippedBaseDirs, shippedModelsDir } from './run.ts';

export default defineCommand({
  meta: {
    name: 'pretrain',
    description:
      'Pretrain the base model of a preset on the built-in corpus (deterministic from the preset), cache it, and with --ship copy it into models/ so that `tsp run` starts from it on a fresh clone.',
  },
  args: {
    preset: { type: 'string', description: `preset: ${Object.keys(PRESETS).join(', ')}`, default: 'default' },
    'cache-dir': { type: 'string', description: 'where base models are cached', default: '.tsp-cache' },
    set: {
      type: 'string',
      description:
        'override a base setting, path=value (repeatable), e.g. --set \'base.stages=[{"steps":2500,"learningRate":0.0015}]\'',
    },
    threads: {
      type: 'string',
      description: 'threads computing gradients (data-parallel; default: the cores, at most 4)',
    },
    ship: { type: 'boolean', description: 'copy the checkpoint to models/base-<preset>/' },
    json: { type: 'boolean', description: 'print the result as JSON' },
    quiet: { type: 'boolean', description: 'no progress display' },
  },
  async run({ args, rawArgs }) {
    const config = applyOverrides(getPreset(args.preset), {}, repeatedFlag(rawArgs, 'set'));
    const shippedDir = join(shippedModelsDir(), `base-${config.preset}`);
    const progress = createProgress({ enabled: !args.quiet });
    const started = Date.now();
    const r = await pretrainBuiltinBase({
      config,
      cacheDir: resolve(args['cache-dir']),
      // earlier stages (or the whole base) may be the shipped checkpoint
      shippedDirs: [shippedDir, ...shippedBaseDirs(config.preset).filter((d) => d !== shippedDir)],
      ...(args.threads ? { pretrainThreads: wholeNumber(args.threads, 'threads', 1) as number } : {}),
      onProgress: (e) => progress.update(e),
      onLog: (l) => progress.log(l),
    });
    progress.done();
    let shipped: string | undefined;
    if (args.ship && r.checkpoint !== shippedDir) {
      shipped = shippedDir;
      rmSync(shipped, { recursive: true, force: true });
      mkdirSync(shipped, { recursive: true });
      for (const f of ['model.safetensors', 'config.json', 'tokenizer.json'])
        cpSync(join(r.checkpoint, f), join(shipped, f));
    }
    const out = {
      preset: config.preset,
      ...r,
      ...(shipped ? { shipped } : {}),
      seconds: Math.round((Date.now() - started) / 1000),
    };
    if (args.json) return printJson(out);
    console.log(
      `base model of preset ${config.preset}: ${r.checkpoint} (key ${r.key.slice(0, 16)}, ${r.documents} documents)`,
    );
    if (shipped) console.log(`shipped to ${shipped}`);
  },
});
