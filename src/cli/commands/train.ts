import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { defineCommand } from 'citty';
import { type ExternalMethod, runExternalTraining } from '../../pipelines/external-self-play.ts';
import { getPreset, PRESETS } from '../../pipelines/presets.ts';
import { TspError } from '../../spec/errors.ts';
import type { ExportFormat } from '../../training/export/export-pairs.ts';
import type { SwitchMode } from '../../training/export/external-trainer.ts';
import { parseLanguages, SAMPLING_ARGS, samplingSettingsFrom, wholeNumber } from '../args.ts';
import { formatTable, printJson } from '../output.ts';
import { createProgress } from '../progress.ts';

function oneOf<T extends string>(value: string, options: readonly T[], flag: string): T {
  if (!(options as readonly string[]).includes(value))
    throw new TspError('invalid-input', `--${flag}: unknown value '${value}'`, {
      hint: `use ${options.join(' or ')}`,
    });
  return value as T;
}

function versions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  let tsp = 'unknown';
  try {
    tsp = (require('../../../package.json') as { version: string }).version;
  } catch {}
  return { node: process.version, tsp };
}

export default defineCommand({
  meta: {
    name: 'train',
    description:
      "Self-play against a real model over HTTP: each round builds trees with the engine's tree search on --endpoint/--model (OpenAI completions API), verifies every branch in the sandbox oracle, exports the verified pairs, runs the --external trainer command, and switches the policy to its output (a LoRA adapter loaded into the server, or the endpoint the trainer wrote). Resumable: run again with the same --work-dir.",
  },
  args: {
    external: {
      type: 'string',
      description:
        'trainer command run with /bin/sh after each round (checked before round 1: its program must resolve); placeholders {round} {export} {output} {model} (needs --model-path) {base_url} {model_name}, also as TSP_ROUND, TSP_EXPORT_DIR, TSP_OUTPUT_DIR, TSP_MODEL_PATH, TSP_BASE_URL, TSP_MODEL',
    },
    endpoint: { type: 'string', description: 'base URL of the OpenAI-compatible server, with /v1' },
    model: { type: 'string', description: 'model name the server serves' },
    'model-path': {
      type: 'string',
      description: "the initial model's checkpoint / weights, given to the trainer as {model}",
    },
    tasks: {
      type: 'string',
      default: 'builtin:train',
      description:
        'builtin:train | builtin:eval | builtin:unseen-cwe (suite version 2: builtin:unseen-sibling, builtin:unseen-distant) | cweval (an evaluation benchmark: warned) | <tasks.jsonl> (validated first; docs/tasks.md)',
    },
    languages: { type: 'string', description: 'only tasks in these languages (python,c,cpp,go,javascript)' },
    'max-tasks': {
      type: 'string',
      description: 'at most this many tasks (0 = all; default: the preset limit for built-in tasks)',
    },
    rounds: {
      type: 'string',
      default: '2',
      description: 'self-play rounds (a resumed run may ask for more)',
    },
    switch: {
      type: 'string',
      default: 'lora',
      description: 'lora (vLLM adapter loading) or endpoint (the trainer writes {output}/tsp-endpoint.json)',
    },
    'adapter-prefix': {
      type: 'string',
      description: 'with --switch lora, round r is loaded as <prefix><r> (default: <work dir name>-round-)',
    },
    format: { type: 'string', default: 'trl', description: 'export format: trl or llamafactory' },
    method: {
      type: 'string',
      default: 'tsp',
      description: 'tsp (tree search) or spin (whole samples against the reference)',
    },
    preset: {
      type: 'string',
      default: 'default',
      description: `tree settings: ${Object.keys(PRESETS).join(', ')}`,
    },
    'work-dir': {
      type: 'string',
      description: 'work directory (default runs/train-<time>); an existing one is resumed',
    },
    seed: { type: 'string', description: 'seed of the tree search (default: the preset seed)' },
    slots: { type: 'string', description: 'oracle worker slots (0 = one per core)' },
    concurrency: { type: 'string', description: 'requests in flight to the endpoint (default 4)' },
    'api-key': { type: 'string', description: 'API key for the endpoint (default: $OPENAI_API_KEY)' },
    'trainer-timeout': { type: 'string', description: 'stop the trainer after this many minutes' },
    ...SAMPLING_ARGS,
    'retrain-round': {
      type: 'string',
      description:
        "run this round's trainer again (the last finished round, or the interrupted one), e.g. after fixing the trainer command",
    },
    json: { type: 'boolean', description: 'print the rounds as JSON' },
    quiet: { type: 'boolean', description: 'no progress display' },
  },
  async run({ args, rawArgs }) {
    if (!args.external)
      throw new TspError('invalid-input', 'tsp train needs --external <trainer command>', {
        hint: "e.g. --external 'llamafactory-cli train dpo.yaml' (training the embedded model: `tsp run`)",
      });
    if (!args.endpoint)
      throw new TspError('invalid-input', '--endpoint <url> is required', {
        hint: 'e.g. --endpoint http://127.0.0.1:8000/v1',
      });
    if (!args.model)
      throw new TspError('invalid-input', '--model <name> is required', {
        hint: 'the model name the server serves (GET /v1/models)',
      });
    const switchMode = oneOf<SwitchMode>(args.switch, ['lora', 'endpoint'], 'switch');
    const format = oneOf<ExportFormat>(args.format, ['trl', 'llamafactory'], 'format');
    const method = oneOf<ExternalMethod>(args.method, ['tsp', 'spin'], 'method');
    const config = getPreset(args.preset);
    const slots = wholeNumber(args.slots, 'slots', 0);
    if (slots !== undefined) config.slots = slots;
    const rounds = wholeNumber(args.rounds, 'rounds', 1) ?? 2;
    const maxTasks = wholeNumber(args['max-tasks'], 'max-tasks', 0);
    const seed = wholeNumber(args.seed, 'seed', 0);
    const concurrency = wholeNumber(args.concurrency, 'concurrency', 1);
    const timeoutMin = args['trainer-timeout'] ? Number(args['trainer-timeout']) : undefined;
    if (timeoutMin !== undefined && !(timeoutMin > 0))
      throw new TspError('invalid-input', '--trainer-timeout must be a positive number of minutes');
    const apiKey = args['api-key'] ?? process.env.OPENAI_API_KEY;
    const languages = parseLanguages(args.languages);
    const sampling = samplingSettingsFrom(args, rawArgs);
    const retrainRound = wholeNumber(args['retrain-round'], 'retrain-round', 1);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    const workDir = resolve(args['work-dir'] ?? join('runs', `train-${stamp}`));

    const progress = createProgress({ enabled: !args.quiet });
    const log = (line: string) => progress.log(line);
    log(`tsp train --external: ${rounds} rounds on ${args.model} at ${args.endpoint}, work dir ${workDir}`);
    const result = await runExternalTraining({
      workDir,
      rounds,
      trainerCommand: args.external,
      endpoint: args.endpoint,
      model: args.model,
      ...(args['model-path'] ? { modelPath: resolve(args['model-path']) } : {}),
      ...(apiKey ? { apiKey } : {}),
      ...(concurrency ? { concurrency } : {}),
      switchMode,
      ...(args['adapter-prefix'] ? { adapterPrefix: args['adapter-prefix'] } : {}),
      format,
      method,
      config,
      sampling,
      ...(args['chat-template'] ? { chatTemplate: args['chat-template'] } : {}),
      ...(retrainRound ? { retrainRound } : {}),
      // A task file is named by its absolute path, so a resumed run may be started from elsewhere.
      tasks: args.tasks.startsWith('builtin') || args.tasks === 'cweval' ? args.tasks : resolve(args.tasks),
      ...(maxTasks !== undefined ? { maxTasks } : {}),
      ...(languages ? { languages } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(timeoutMin ? { trainerTimeoutMs: timeoutMin * 60_000 } : {}),
      versions: versions(),
      onLog: log,
      onProgress: (e) => progress.update(e),
    }).finally(() => progress.done());
    if (args.json) return printJson(result);
    console.log(
      `\n${formatTable(
        ['round', 'policy', 'critical nodes', 'pairs', 'exported', 'trainer', 'next policy'],
        result.rounds.map((r) => [
          r.round,
          r.policy.model,
          r.stats?.method === 'tsp' ? String(r.stats.criticalNodes) : '-',
          r.pairs,
          r.exported,
          r.trainerReused ? 'reused' : `${(r.trainer.durationMs / 1000).toFixed(1)} s`,
          r.next.model,
        ]),
      )}`,
    );
    if (result.stoppedAt)
      console.log(`\nstopped before round ${result.stoppedAt.round}: ${result.stoppedAt.reason}`);
    console.log(
      `\npolicy: ${result.policy.model} at ${result.policy.baseUrl}\nwork directory: ${result.workDir}`,
    );
  },
});
