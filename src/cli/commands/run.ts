import { existsSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineCommand } from 'citty';
import { plannedComputePath } from '../../models/embedded/native-blas.ts';
import { ABLATIONS, getAblation, runAblation } from '../../pipelines/ablations.ts';
import { runBuiltinExperiment } from '../../pipelines/builtin-experiment.ts';
import { getPreset, PRESETS, setConfigValue } from '../../pipelines/presets.ts';
import { renderAblationMarkdown } from '../../report/ablation.ts';
import { renderMarkdownTable, writeReport } from '../../report/index.ts';
import { TspError } from '../../spec/errors.ts';
import { MethodName } from '../../spec/results.ts';
import type { RunConfig } from '../../spec/run-config.ts';
import { wholeNumber } from '../args.ts';
import { printJson } from '../output.ts';
import { createProgress } from '../progress.ts';

function parseList(raw: string, what: string): string[] {
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new TspError('invalid-input', `--${what} needs a comma-separated list`);
  return items;
}

/** Every value of a repeatable string flag (`--set a=1 --set b=2` or `--set=a=1`), in order. */
export function repeatedFlag(rawArgs: readonly string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const a = rawArgs[i] as string;
    if (a === `--${name}`) {
      const v = rawArgs[i + 1];
      if (v === undefined) throw new TspError('invalid-input', `--${name} needs a value`);
      out.push(v);
      i++;
    } else if (a.startsWith(`--${name}=`)) out.push(a.slice(name.length + 3));
  }
  return out;
}

/** Applies command-line overrides to a preset: the named flags, then each `--set path=value` in order. */
export function applyOverrides(
  config: RunConfig,
  args: { seeds?: string; methods?: string; rounds?: string; slots?: string },
  sets: readonly string[] = [],
): RunConfig {
  let c = structuredClone(config);
  if (args.seeds) {
    c.seeds = parseList(args.seeds, 'seeds').map((s) => {
      const n = Number(s);
      if (!Number.isInteger(n)) throw new TspError('invalid-input', `--seeds: '${s}' is not an integer`);
      return n;
    });
  }
  if (args.methods) {
    c.methods = parseList(args.methods, 'methods').map((m) => {
      const r = MethodName.safeParse(m);
      if (!r.success)
        throw new TspError('invalid-input', `--methods: unknown method '${m}'`, {
          hint: `methods: ${MethodName.options.join(', ')}`,
        });
      return r.data;
    });
  }
  if (args.rounds) c.training.rounds = wholeNumber(args.rounds, 'rounds', 1) as number;
  if (args.slots) c.slots = wholeNumber(args.slots, 'slots', 0) as number;
  for (const assignment of sets) c = setConfigValue(c, assignment);
  return c;
}

/** Where checkpoints shipped with the project live (`models/` at the repository root). */
export function shippedModelsDir(): string {
  return fileURLToPath(new URL('../../../models', import.meta.url));
}

/**
 * Every shipped base checkpoint, the preset's own first: presets that share the default's base
 * settings (paper, the ablations) find it by its key, whatever their name.
 */
export function shippedBaseDirs(preset: string): string[] {
  const root = shippedModelsDir();
  const all = existsSync(root)
    ? readdirSync(root)
        .filter((d) => d.startsWith('base-'))
        .sort()
    : [];
  const own = `base-${preset}`;
  return [own, ...all.filter((d) => d !== own)].map((d) => join(root, d));
}

function versions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const computePath = plannedComputePath();
  const v = (p: string) => {
    try {
      return (require(`${p}/package.json`) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  };
  return {
    node: process.version,
    tsp: v('../../..'),
    'tfjs-core': v('@tensorflow/tfjs-core'),
    'tfjs-backend-wasm': v('@tensorflow/tfjs-backend-wasm'),
    // native (OpenBLAS) or wasm: results agree to float summation order, not bit for bit
    'embedded-path': computePath.path,
    'embedded-path-detail': computePath.detail,
  };
}

export default defineCommand({
  meta: {
    name: 'run',
    description:
      'Run the whole experiment on the embedded default: pretrain (cached) a small GPT on the built-in corpus, then Base / SFT / unstructured self-play / SafeCoder-style / the TSP release recipe / TSP with matched compute, evaluated on the built-in splits over several seeds, with paired bootstrap intervals between methods. Resumable: run again with the same --work-dir. With --ablation, the ablations of docs/ablations.md instead.',
  },
  args: {
    preset: { type: 'string', description: `preset: ${Object.keys(PRESETS).join(', ')}`, default: 'default' },
    'work-dir': {
      type: 'string',
      description: 'run directory (default runs/<preset>-<time>); an existing one is resumed',
    },
    'cache-dir': { type: 'string', description: 'where base models are cached', default: '.tsp-cache' },
    seeds: { type: 'string', description: 'override the seeds, e.g. 1,2,3' },
    methods: { type: 'string', description: `override the methods (${MethodName.options.join(', ')})` },
    rounds: { type: 'string', description: 'override the number of self-play rounds' },
    slots: { type: 'string', description: 'oracle worker slots (0 = one per core)' },
    set: {
      type: 'string',
      description:
        'override any setting of the preset, repeatable: --set training.beta=0.5 --set tree.rootSamples=4 (JSON values)',
    },
    ablation: {
      type: 'string',
      description: `run an ablation instead: ${Object.keys(ABLATIONS).join(', ')} or all (comma list); each variant is a resumable run of TSP under the run directory (default runs/ablations-<preset>), compared with the preset's TSP by the paired bootstrap (docs/ablations.md)`,
    },
    report: { type: 'boolean', description: 'write report.html at the end', default: true },
    json: { type: 'boolean', description: 'print results.json instead of the table' },
    quiet: { type: 'boolean', description: 'no progress display' },
  },
  async run({ args, rawArgs }) {
    const config = applyOverrides(getPreset(args.preset), args, repeatedFlag(rawArgs, 'set'));
    if (args.ablation) return runAblations(config, String(args.ablation), args);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    const runDir = resolve(args['work-dir'] ?? join('runs', `${config.preset}-${stamp}`));
    const progress = createProgress({ enabled: !args.quiet });
    const log = (line: string) => progress.log(line);
    log(
      `tsp run: preset ${config.preset}, seeds ${config.seeds.join(',')}, methods ${config.methods.join(',')}, run dir ${runDir}`,
    );
    const started = Date.now();
    const results = await runBuiltinExperiment({
      config,
      runDir,
      cacheDir: resolve(args['cache-dir']),
      shippedDirs: shippedBaseDirs(config.preset),
      versions: versions(),
      onProgress: (e) => progress.update(e),
      onLog: log,
    });
    let reportPath: string | undefined;
    if (args.report)
      reportPath = (await writeReport(runDir, { onProgress: (e) => progress.update(e) })).htmlPath;
    progress.done();
    if (args.json) return printJson(results);
    console.log(`\n${renderMarkdownTable(results)}`);
    console.log(`\nrun directory: ${runDir} (${((Date.now() - started) / 60000).toFixed(1)} min)`);
    if (reportPath) console.log(`report: ${reportPath}`);
  },
});

/** `tsp run --ablation NAME[,NAME|all]`: every variant of each named ablation, then its tables. */
async function runAblations(
  config: RunConfig,
  names: string,
  args: { 'work-dir'?: string; 'cache-dir': string; quiet?: boolean; json?: boolean },
): Promise<void> {
  const list = names === 'all' ? Object.keys(ABLATIONS) : parseList(names, 'ablation');
  const ablations = list.map(getAblation);
  const root = resolve(args['work-dir'] ?? join('runs', `ablations-${config.preset}`));
  const progress = createProgress({ enabled: !args.quiet });
  const log = (line: string) => progress.log(line);
  const summaries = [];
  for (const ablation of ablations) {
    const started = Date.now();
    const summary = await runAblation({
      ablation,
      config,
      root,
      onLog: log,
      run: (c, dir) =>
        runBuiltinExperiment({
          config: c,
          runDir: dir,
          cacheDir: resolve(args['cache-dir']),
          shippedDirs: shippedBaseDirs(c.preset),
          versions: versions(),
          onProgress: (e) => progress.update(e),
          onLog: log,
        }),
    });
    const md = renderAblationMarkdown(summary);
    await writeFile(join(root, `ablation-${ablation.name}.md`), md);
    log(`ablation ${ablation.name}: ${((Date.now() - started) / 60000).toFixed(1)} min in this call`);
    summaries.push({ summary, md });
  }
  progress.done();
  if (args.json) return printJson(summaries.map((s) => s.summary));
  for (const { md } of summaries) console.log(`\n${md}`);
  console.log(`ablation runs: ${root}`);
}
