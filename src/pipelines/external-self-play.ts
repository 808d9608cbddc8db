import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAnalyzer } from '../analyzers/analyzer.ts';
import { anyCweMatches } from '../analyzers/cwe.ts';
import { buildSuite, getSplits, namedSplits } from '../benchmarks/builtin/index.ts';
import { ensureCwevalNodeModules } from '../benchmarks/cweval/cweval-setup.ts';
import { loadCweval, resolveBenchmarksDir } from '../benchmarks/cweval/load-cweval.ts';
import { registerCweval } from '../benchmarks/cweval/register-cweval.ts';
import { createRng, hashString, type Rng } from '../core/rng.ts';
import { type ChatTemplate, loadChatTemplate } from '../models/openai/chat-templates.ts';
import { createOpenAIPolicy, type FetchLike } from '../models/openai/openai-policy.ts';
import { createOracle } from '../oracle/index.ts';
import { TspError } from '../spec/errors.ts';
import type { Language } from '../spec/language.ts';
import type { Policy } from '../spec/policy.ts';
import type { RunConfig } from '../spec/run-config.ts';
import type { Task } from '../spec/task.ts';
import type { VerdictSummary } from '../spec/verdict.ts';
import { contentKey, KeyedCache } from '../store/keyed-cache.ts';
import { RunDir } from '../store/run-dir.ts';
import type { ExportFormat, ExportVariant } from '../training/export/export-pairs.ts';
import {
  type ExternalRoundOutput,
  type ExternalRoundRecord,
  loadLoraAdapter,
  type PolicyTarget,
  runExternalSelfPlay,
  type SwitchMode,
} from '../training/export/external-trainer.ts';
import { checkTrainerCommand } from '../training/export/trainer-preflight.ts';
import { limitTasks } from './builtin-experiment.ts';
import { createCachedJudge, type JudgeMany, judgeKey } from './judging.ts';
import { applySamplingSettings, type SamplingSettings } from './presets.ts';
import { buildSelfPlayRound } from './self-play-round.ts';
import {
  oracleProgramJudge,
  readTaskFileStrict,
  type TaskFileValidation,
  validateTaskFile,
} from './task-file.ts';
import type { RoundContext } from './tsp-round.ts';

/**
 * `tsp train --external`: the self-play loop against a real model over HTTP. Each round runs the
 * engine's tree search (or SPIN pairs) with an OpenAI-compatible policy on the current endpoint and
 * model, judges every branch with the sandbox oracle and the static analyzer, keeps the trees and
 * pairs, exports the verified pairs, runs the user's trainer command, and switches the policy to
 * what it produced (a LoRA adapter loaded into the server, or the endpoint the trainer wrote).
 *
 * The work directory is a `RunDir`: generations and verdicts are cached there, so an interrupted
 * round run again replays them instead of sampling and judging again, and `rounds.jsonl` holds the
 * rounds that finished (a resumed loop starts after them).
 */

export type ExternalMethod = 'tsp' | 'spin';

export interface ExternalTrainingInput {
  workDir: string;
  rounds: number;
  trainerCommand: string;
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:8000/v1`. */
  endpoint: string;
  model: string;
  /** Checkpoint / weights of the initial model, passed to the trainer as `{model}`. */
  modelPath?: string;
  apiKey?: string;
  /** Requests in flight to the endpoint (default 4). */
  concurrency?: number;
  switchMode: SwitchMode;
  /** LoRA adapter of round r is loaded as `<adapterPrefix><r>` (default `<work dir name>-round-`). */
  adapterPrefix?: string;
  format: ExportFormat;
  variants?: ExportVariant[];
  method: ExternalMethod;
  /** Tree / SPIN settings, suite size and oracle slots come from the preset. */
  config: RunConfig;
  /**
   * Sampling flags and `--set` assignments, applied to `config` after the real-model defaults
   * (`REAL_MODEL_SAMPLING`, unless the endpoint serves the embedded model, i.e. `tsp serve`).
   */
  sampling?: SamplingSettings;
  /** Chat template for an instruct model: a name (`chatml`, ...) or a template file. */
  chatTemplate?: string;
  /** Run this round's trainer again: the last finished round, or the interrupted one. */
  retrainRound?: number;
  /** Validates a task file before any sampling (default: `validateTaskFile` with the oracle). */
  validateTasks?: (tasks: Task[]) => Promise<TaskFileValidation>;
  /**
   * `builtin:train` (default), `builtin:eval`, a held-out split (`builtin:unseen-cwe`; suite version 2:
   * `builtin:unseen-sibling`, `builtin:unseen-distant`), `cweval`, or a task JSONL file.
   */
  tasks: string;
  /** At most this many tasks (0 = all; default: the preset's train-task limit for builtin tasks). */
  maxTasks?: number;
  languages?: Language[];
  seed?: number;
  /** Generation requests per policy call (and per cache entry). */
  chunkSize?: number;
  trainerTimeoutMs?: number;
  versions?: Record<string, string>;
  fetch?: FetchLike;
  /** Judges programs (default: the sandbox oracle with the static analyzer); injected by tests. */
  judgeMany?: JudgeMany;
  /** Programs per oracle call, each call's verdicts written before the next (default 48). */
  judgeChunk?: number;
  onLog?: (line: string) => void;
  onProgress?: (e: { phase: string; done: number; total: number }) => void;
}

/** What the tree search of one round found, kept in the round's record. */
export interface ExternalRoundStats {
  [key: string]: unknown;
  method: ExternalMethod;
  /** The policy that generated: model name and the OpenAI policy id (model@endpoint). */
  model: string;
  policyId: string;
  tasks: number;
  criticalNodes: number;
  criticalBy: Record<string, number>;
  pairs: number;
  verifiedPairs: number;
  generatedTokens: number;
  /** Distinct programs judged in the round (cached or not). */
  judged: number;
  /** Generation chunks sampled from the endpoint vs replayed from the work directory's cache. */
  sampledChunks: number;
  replayedChunks: number;
  /** Verdicts computed by the oracle in this invocation (the rest came from the cache). */
  oracleRuns: number;
  /** Of those, verdicts the oracle itself failed on (counted as failing, not cached). */
  oracleErrors: number;
  /** Generations sampled in this invocation that stopped at the token limit. */
  truncatedGenerations?: number;
}

/** Programs judged per oracle call; each chunk's verdicts are written before the next starts. */
const JUDGE_CHUNK = 48;

/** The verdict cache, except that verdicts listed as untrusted stay in memory only. */
class TrustedCache extends KeyedCache<VerdictSummary> {
  private readonly memory = new Map<string, VerdictSummary>();

  constructor(
    path: string,
    private readonly untrusted: ReadonlySet<string>,
  ) {
    super(path);
  }

  override get(key: string): VerdictSummary | undefined {
    return this.memory.get(key) ?? super.get(key);
  }

  override set(key: string, value: VerdictSummary): void {
    this.setMany([[key, value]]);
  }

  override setMany(entries: readonly [string, VerdictSummary][]): void {
    for (const [k, v] of entries) if (this.untrusted.has(k)) this.memory.set(k, v);
    super.setMany(entries.filter(([k]) => !this.untrusted.has(k)));
  }
}

export interface ExternalTrainingResult {
  workDir: string;
  resumed: boolean;
  tasks: number;
  /** Every finished round, including those of earlier invocations. */
  rounds: ExternalRoundRecord[];
  /** Rounds finished before this invocation started. */
  previousRounds: number;
  /** The policy after the last finished round. */
  policy: PolicyTarget;
  /** Set when the loop stopped before `rounds` (a round had no verified pair to train on). */
  stoppedAt?: { round: number; reason: string };
}

/** Loads the tasks to train on from a spec (`builtin:<split>`, `cweval`, or a task JSONL path). */
export async function loadTrainingTasks(
  spec: string,
  options: {
    config: RunConfig;
    maxTasks?: number;
    languages?: Language[];
    onLog?: (line: string) => void;
  },
): Promise<Task[]> {
  const { config } = options;
  let tasks: Task[];
  let defaultMax = 0;
  if (spec.startsWith('builtin')) {
    const split = spec.split(':')[1] ?? 'train';
    const suite = buildSuite({
      seed: config.suite.seed,
      variantsPerFamily: { train: config.suite.trainVariants, eval: config.suite.evalVariants },
      version: config.suite.version,
    });
    const splits = namedSplits(getSplits(suite, 'standard'));
    const list = splits[split];
    if (!list)
      throw new TspError('invalid-input', `unknown built-in split '${split}'`, {
        hint: `use builtin:${Object.keys(splits).join(', builtin:')}`,
      });
    tasks = list;
    defaultMax = split === 'train' ? config.suite.maxTrainTasks : config.suite.maxEvalTasks;
  } else if (spec === 'cweval') {
    const dir = join(resolveBenchmarksDir(), 'CWEval');
    const nodeModulesDir = await ensureCwevalNodeModules(undefined, options.onLog);
    registerCweval({ cwevalDir: dir, nodeModulesDir });
    tasks = await loadCweval(dir);
  } else {
    tasks = await readTaskFileStrict(spec);
  }
  if (options.languages) {
    const langs = options.languages;
    tasks = tasks.filter((t) => langs.includes(t.language));
  }
  tasks = limitTasks(tasks, options.maxTasks ?? defaultMax, config.suite.seed);
  if (tasks.length === 0)
    throw new TspError('invalid-input', `no tasks to train on from '${spec}'`, {
      hint: 'check --tasks and --languages',
    });
  return tasks;
}

/** The models an endpoint serves (`GET /models`), or undefined when it does not list them. */
export async function listServedModels(
  baseUrl: string,
  options: { fetch?: FetchLike; apiKey?: string; timeoutMs?: number } = {},
): Promise<string[] | undefined> {
  return (await listServedModelEntries(baseUrl, options))?.map((m) => m.id);
}

/** The embedded model served by `tsp serve` lists itself as owned by `tsp`. */
export const EMBEDDED_OWNER = 'tsp';

/** Like `listServedModels`, with each model's `owned_by`. */
export async function listServedModelEntries(
  baseUrl: string,
  options: { fetch?: FetchLike; apiKey?: string; timeoutMs?: number } = {},
): Promise<{ id: string; ownedBy?: string }[] | undefined> {
  const url = `${baseUrl.replace(/\/+$/, '')}/models`;
  const fetchFn = options.fetch ?? ((i: string, o: RequestInit) => fetch(i, o));
  let res: Response;
  try {
    res = await fetchFn(url, {
      method: 'GET',
      headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
  } catch (e) {
    throw new TspError(
      'backend-error',
      `cannot reach the endpoint ${baseUrl}: ${e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e)}`,
      {
        hint: 'start the server first (e.g. `vllm serve <model>` or `tsp serve --model <checkpoint>`) and pass its base URL with /v1, e.g. --endpoint http://127.0.0.1:8000/v1',
        retryable: true,
        cause: e,
      },
    );
  }
  if (res.status === 401 || res.status === 403)
    throw new TspError('backend-error', `${url}: HTTP ${res.status}: the endpoint refused the request`, {
      hint: 'pass the API key with --api-key (or OPENAI_API_KEY)',
    });
  if (res.status === 404 && !/\/v1\/?$/.test(baseUrl)) {
    // A base URL without /v1 is the most common mistake: say so if /v1 answers.
    const v1 = `${baseUrl.replace(/\/+$/, '')}/v1`;
    const ok = await fetchFn(`${v1}/models`, {
      method: 'GET',
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    })
      .then((r) => r.ok)
      .catch(() => false);
    if (ok)
      throw new TspError('invalid-input', `${url} does not exist, but ${v1}/models does`, {
        hint: `pass the base URL with /v1: --endpoint ${v1}`,
      });
  }
  if (!res.ok) return undefined;
  try {
    const body = (await res.json()) as { data?: { id?: unknown; owned_by?: unknown }[] };
    if (!Array.isArray(body.data)) return undefined;
    return body.data.flatMap((m) =>
      typeof m.id === 'string'
        ? [{ id: m.id, ...(typeof m.owned_by === 'string' ? { ownedBy: m.owned_by } : {}) }]
        : [],
    );
  } catch {
    return undefined;
  }
}

/**
 * Checks that the endpoint answers and serves the model. A LoRA adapter of a finished round that
 * the server no longer has (it was restarted) is loaded again from its folder.
 */
export async function ensurePolicyServed(
  target: PolicyTarget,
  options: { fetch?: FetchLike; apiKey?: string; reloadAdapter?: boolean; onLog?: (line: string) => void },
): Promise<void> {
  const served = await listServedModels(target.baseUrl, options);
  if (!served || served.includes(target.model)) return;
  if (options.reloadAdapter && target.modelPath) {
    options.onLog?.(
      `${target.model} is not loaded at ${target.baseUrl}; loading it again from ${target.modelPath}`,
    );
    await loadLoraAdapter(target.baseUrl, target.model, target.modelPath, options.fetch);
    return;
  }
  throw new TspError(
    'not-found',
    `the endpoint ${target.baseUrl} does not serve the model '${target.model}'`,
    {
      hint: `it serves: ${served.join(', ') || '(nothing)'}; pass one of them with --model`,
    },
  );
}

/** The random source of a round's tree search (request seeds, pair choice): fixed by seed and round. */
export function createRoundRng(seed: number, round: number): Rng {
  return createRng(hashString(`external:${seed}:round-${round}`));
}

/**
 * Makes sure one process at a time works in a directory: `<dir>/.lock` holds the owner's pid; a
 * lock whose process is gone (killed) is taken over. Returns the release function.
 */
export function lockWorkDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, '.lock');
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid))
        throw new TspError('invalid-input', `${dir} is in use by another tsp process (pid ${pid})`, {
          hint: 'wait for it to finish or stop it; two runs in one work directory would interleave their rounds',
        });
      rmSync(file, { force: true });
    }
  }
  return () => {
    try {
      if (readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file, { force: true });
    } catch {}
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Identifies the weights behind a target, for the generation cache. The initial model is known by
 * its name alone, so `--model-path` (which only the trainer reads) may be added on resume; a
 * trained round's model by its folder and the time its trainer finished (a retrained round's
 * generations are not replayed from the previous training).
 */
function modelKeyOf(target: PolicyTarget, initial: boolean): string {
  if (initial) return `external:${target.model}`;
  return `external:${target.model}${target.modelPath ? `@${target.modelPath}` : ''}${target.revision ? `#${target.revision}` : ''}`;
}

/** A name that identifies a chat template by what it renders (a file's content, not its path). */
function chatTemplateKey(t: ChatTemplate): { name: string; render: string; stop: readonly string[] } {
  return {
    name: t.name,
    render: t.render({ system: '{{system}}', user: '{{user}}', assistantPrefix: '{{assistant}}' }),
    stop: t.stop,
  };
}

/**
 * Whether the policy is a real model (anything but the embedded GPT served by `tsp serve`): a
 * resumed run keeps what its manifest says; a new one asks the endpoint's model list.
 */
async function isRealModel(
  input: ExternalTrainingInput,
  fetchOpts: { fetch?: FetchLike; apiKey?: string },
): Promise<boolean> {
  const manifest = join(input.workDir, 'manifest.json');
  if (existsSync(manifest)) {
    try {
      const m = JSON.parse(readFileSync(manifest, 'utf8')) as { config?: { realModel?: unknown } };
      if (typeof m.config?.realModel === 'boolean') return m.config.realModel;
    } catch {}
  }
  const entries = await listServedModelEntries(input.endpoint, fetchOpts).catch(() => undefined);
  return entries?.find((m) => m.id === input.model)?.ownedBy !== EMBEDDED_OWNER;
}

function countRecords(file: string): number {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim()).length;
  } catch {
    return 0;
  }
}

function isTaskFile(spec: string): boolean {
  return !spec.startsWith('builtin') && spec !== 'cweval';
}

async function validateWithOracle(tasks: Task[]): Promise<TaskFileValidation> {
  const oracle = await createOracle({ slots: 2 });
  try {
    return await validateTaskFile(
      { tasks, problems: [] },
      { judge: oracleProgramJudge(oracle), concurrency: 2 },
    );
  } finally {
    await oracle.close();
  }
}

/**
 * The finished rounds a run continues from, given `--retrain-round N`: all of them when N is the
 * round after the last finished one (an interrupted round), the rounds before N when N is the last
 * finished round (its trainer runs again). An earlier N is refused: later rounds sampled from it.
 */
export function retrainedPrevious(
  finished: readonly ExternalRoundRecord[],
  retrainRound: number | undefined,
): ExternalRoundRecord[] {
  if (retrainRound === undefined || retrainRound === finished.length + 1) return [...finished];
  if (retrainRound === finished.length && retrainRound >= 1) return finished.slice(0, -1);
  throw new TspError(
    'invalid-input',
    `--retrain-round ${retrainRound}: ${finished.length} round(s) finished; only round ${finished.length || 1}${finished.length ? ` or ${finished.length + 1}` : ''} can be trained again`,
    {
      hint: 'rounds after a retrained one sampled from its old model: start a new --work-dir to redo an earlier round',
    },
  );
}

/** The whole loop; see the module comment. */
export async function runExternalTraining(input: ExternalTrainingInput): Promise<ExternalTrainingResult> {
  const log = input.onLog ?? (() => {});
  const fetchOpts = {
    ...(input.fetch ? { fetch: input.fetch } : {}),
    ...(input.apiKey ? { apiKey: input.apiKey } : {}),
  };
  const realModel = await isRealModel(input, fetchOpts);
  const config = applySamplingSettings(input.config, input.sampling ?? {}, { realModel });
  const chatTemplate = input.chatTemplate ? await loadChatTemplate(input.chatTemplate) : undefined;
  const seed = input.seed ?? config.seeds[0] ?? 1;
  if (input.tasks === 'cweval')
    log(
      'warning: CWEval is an evaluation benchmark; training on it makes its scores (tsp eval --benchmark cweval) meaningless for this model. Train on builtin:train, SafeCoder, or your own tasks, and keep CWEval for evaluation.',
    );
  const tasks = await loadTrainingTasks(input.tasks, {
    config,
    ...(input.maxTasks !== undefined ? { maxTasks: input.maxTasks } : {}),
    ...(input.languages ? { languages: input.languages } : {}),
    onLog: log,
  });
  // What decides the results; the trainer command, the number of rounds and the endpoint's
  // address may change when a run is resumed.
  // `--model-path` is not part of it: only the trainer reads it, so it may be added on resume.
  const identity = {
    kind: 'external-self-play',
    method: input.method,
    model: input.model,
    realModel,
    chatTemplate: chatTemplate ? chatTemplateKey(chatTemplate) : null,
    switch: input.switchMode,
    adapterPrefix: input.adapterPrefix ?? null,
    format: input.format,
    seed,
    tasks: input.tasks,
    taskIds: contentKey(tasks.map((t) => t.id)),
    search: input.method === 'spin' ? config.spin : config.tree,
    chunkSize: input.chunkSize ?? 32,
  };
  const initial: PolicyTarget = {
    baseUrl: input.endpoint,
    model: input.model,
    ...(input.modelPath ? { modelPath: input.modelPath } : {}),
  };
  // Pre-flight, before any sampling and before a new work directory is made: the trainer command
  // will run, the endpoint answers and serves the model, the task file validates.
  const isNew = !existsSync(join(input.workDir, 'manifest.json'));
  const finishedBefore = countRecords(join(input.workDir, 'rounds.jsonl'));
  if (finishedBefore < input.rounds || input.retrainRound)
    checkTrainerCommand(input.trainerCommand, {
      // after a finished round the trainer starts from that round's output
      modelPath:
        input.modelPath ??
        (finishedBefore > 0 ? join(input.workDir, `round-${finishedBefore}`, 'model') : ''),
    });
  if (isNew) {
    await ensurePolicyServed(initial, fetchOpts);
    if (isTaskFile(input.tasks)) {
      log(`validating ${tasks.length} task(s) of ${input.tasks} (tsp tasks validate)`);
      const v = await (input.validateTasks ?? validateWithOracle)(tasks);
      if (!v.ok) {
        const bad = [...v.problems, ...v.tasks.flatMap((t) => t.problems.map((p) => `${t.taskId}: ${p}`))];
        throw new TspError('invalid-input', `the task file ${input.tasks} does not validate: ${bad[0]}`, {
          hint: `${bad.length} problem(s); \`tsp tasks validate ${input.tasks}\` lists them (docs/tasks.md). Nothing was sampled.`,
        });
      }
    }
  }
  const release = lockWorkDir(input.workDir);
  try {
    const runDir = new RunDir(input.workDir, identity, input.versions ?? { node: process.version });
    runDir.writeJsonl('tasks.jsonl', tasks);
    if (runDir.resumed)
      log(
        `resuming ${runDir.path}: ${runDir.records<ExternalRoundRecord>('rounds').length} round(s) finished, ${runDir.genCache.size} generation chunks and ${runDir.verdictCache.size} verdicts cached`,
      );
    log(`${tasks.length} tasks (${input.tasks}), method ${input.method}, preset ${config.preset}`);
    const s = config.tree.sampling;
    log(
      `sampling for ${realModel ? 'a real model' : 'the embedded model (tsp serve)'}: max tokens ${s.maxTokens}, temperature ${s.temperature}, top-p ${s.topP}${s.stop?.length ? `, stop ${JSON.stringify(s.stop)}` : ''}, ${input.method === 'spin' ? config.spin.samples : config.tree.rootSamples} samples per prompt, chat template ${chatTemplate?.name ?? 'plain'}`,
    );

    const finished = runDir.records<ExternalRoundRecord>('rounds');
    const previous = retrainedPrevious(finished, input.retrainRound);
    if (previous.length < finished.length)
      log(
        `round ${input.retrainRound}: trained again (--retrain-round); its self-play replays from the caches`,
      );
    const last = previous[previous.length - 1];
    // With adapters the next policy lives on the --endpoint server, wherever it listens now.
    const start: PolicyTarget = last
      ? input.switchMode === 'lora'
        ? { ...last.next, baseUrl: input.endpoint }
        : last.next
      : initial;
    if (previous.length < input.rounds) {
      await ensurePolicyServed(start, {
        ...fetchOpts,
        reloadAdapter: input.switchMode === 'lora' && Boolean(last),
        onLog: log,
      });
    }

    // What the server could not honour (a prompt cut to its context) and programs cut at the token
    // limit are counted per round and said, not dropped.
    const sampled = { generations: 0, truncated: 0, warnings: new Set<string>() };
    const watched = (p: Policy): Policy => ({
      id: p.id,
      score: (r, o) => p.score(r, o),
      generate: async (requests, o) => {
        const results = await p.generate(requests, o);
        for (const r of results) {
          for (const w of r.warnings) sampled.warnings.add(w);
          for (const g of r.generations) {
            sampled.generations++;
            if (g.finishReason === 'length') sampled.truncated++;
          }
        }
        return results;
      },
    });
    const makePolicy = (t: PolicyTarget) =>
      watched(
        createOpenAIPolicy({
          endpoints: [
            {
              baseUrl: t.baseUrl,
              model: t.model,
              ...(input.apiKey ? { apiKey: input.apiKey } : {}),
              ...(input.concurrency ? { concurrency: input.concurrency } : {}),
            },
          ],
          ...(input.fetch ? { fetch: input.fetch } : {}),
          // The engine's generations do not need log-probs.
          logprobs: false,
          ...(chatTemplate ? { chatTemplate } : {}),
        }),
      );

    const oracle = input.judgeMany
      ? undefined
      : await createOracle({
          ...(config.slots > 0 ? { slots: config.slots } : {}),
          staticAnalyzer: await createAnalyzer(),
          staticCounts: config.staticCounts,
          coverageGate: config.coverageGate,
        });
    const judgeMany: JudgeMany =
      input.judgeMany ??
      ((items) =>
        (oracle as NonNullable<typeof oracle>).judgeMany(
          items.map((i) => ({
            task: i.task,
            sample: { taskId: i.task.id, code: i.code, ...(i.sampleId ? { sampleId: i.sampleId } : {}) },
          })),
        ));
    // Verdicts the oracle itself failed on are used (as failing) but not kept: a resumed run judges
    // them again instead of replaying a broken sandbox's answer.
    const untrusted = new Set<string>();
    const oracleErrors: string[] = [];
    const verdictCache = new TrustedCache(runDir.file('cache-verdicts.jsonl'), untrusted);
    const judge = createCachedJudge(
      async (items) => {
        const verdicts = await judgeMany(items);
        verdicts.forEach((v, k) => {
          const item = items[k];
          if (v.oracleErrors.length === 0 || !item) return;
          untrusted.add(judgeKey(item.task.id, item.code));
          oracleErrors.push(v.oracleErrors[0] as string);
        });
        return verdicts;
      },
      verdictCache,
      input.judgeChunk ?? JUDGE_CHUNK,
    );

    const runRound = async (
      policy: Policy,
      round: number,
      target: PolicyTarget,
    ): Promise<ExternalRoundOutput> => {
      const errorsBefore = oracleErrors.length;
      Object.assign(sampled, { generations: 0, truncated: 0, warnings: new Set<string>() });
      const missesBefore = runDir.genCache.misses;
      const hitsBefore = runDir.genCache.hits;
      const judgedBefore = judge.judged();
      const ctx: RoundContext = {
        policy,
        modelKey: modelKeyOf(target, previous.length === 0 && round === 1),
        judge,
        genCache: runDir.genCache,
        chunkSize: input.chunkSize ?? 32,
        rng: createRoundRng(seed, round),
        round,
        relevantFinding: (task, f) => anyCweMatches(f.cwe, task.cwe),
        onProgress: (phase, done, total) =>
          input.onProgress?.({ phase: `round ${round}: ${phase}`, done, total }),
      };
      const { pairs, nodes, criticalNodes, criticalBy, generatedTokens, judged } = await buildSelfPlayRound(
        input.method,
        tasks,
        config,
        ctx,
      );
      const oracleRuns = judge.judged() - judgedBefore;
      const failed = oracleErrors.slice(errorsBefore);
      if (oracleRuns > 0 && failed.length === oracleRuns)
        throw new TspError(
          'sandbox-failure',
          `round ${round}: the oracle failed on all ${oracleRuns} programs it judged: ${failed[0]}`,
          {
            hint: 'check the sandbox with `tsp doctor`; nothing was trained, and the run resumes from here',
          },
        );
      if (failed.length)
        log(
          `round ${round}: ${failed.length} verdicts had oracle errors (counted as failing, not cached): ${failed[0]}`,
        );
      runDir.writeJsonl(`pairs/round-${round}.jsonl`, pairs);
      if (nodes.length) runDir.writeJsonl(`trees/round-${round}.jsonl`, nodes);
      const stats: ExternalRoundStats = {
        method: input.method,
        model: target.model,
        policyId: policy.id,
        tasks: tasks.length,
        criticalNodes,
        criticalBy,
        pairs: pairs.length,
        verifiedPairs: pairs.filter((p) => p.chosenVerified && p.rejectedVerified).length,
        generatedTokens,
        judged,
        sampledChunks: runDir.genCache.misses - missesBefore,
        replayedChunks: runDir.genCache.hits - hitsBefore,
        oracleRuns,
        oracleErrors: failed.length,
        truncatedGenerations: sampled.truncated,
      };
      if (sampled.truncated)
        log(
          `round ${round}: ${sampled.truncated} of ${sampled.generations} generations sampled now stopped at max tokens ${(input.method === 'spin' ? config.spin : config.tree).sampling.maxTokens}: a program cut short fails its tests (raise --max-tokens)`,
        );
      for (const w of [...sampled.warnings].slice(0, 3)) log(`round ${round}: warning: ${w}`);
      if (sampled.warnings.size > 3)
        log(`round ${round}: ... and ${sampled.warnings.size - 3} more warnings`);
      log(
        `round ${round}: ${stats.criticalNodes} critical nodes, ${stats.verifiedPairs} verified pairs, ${stats.judged} programs judged (${stats.oracleRuns} by the oracle now), ${stats.sampledChunks} generation chunks sampled, ${stats.replayedChunks} replayed`,
      );
      return { pairs, stats };
    };

    // Adapter names are unique per work directory, so runs sharing one server do not collide.
    const adapterPrefix = input.adapterPrefix ?? `${runDir.manifest.runId}-round-`;
    try {
      const records = await runExternalSelfPlay({
        rounds: input.rounds,
        initial: start,
        previous,
        makePolicy,
        runRound,
        trainerCommand: input.trainerCommand,
        switchMode: input.switchMode,
        adapterName: (round) => `${adapterPrefix}${round}`,
        workDir: runDir.path,
        format: input.format,
        ...(input.variants ? { variants: input.variants } : {}),
        ...(input.fetch ? { fetch: input.fetch } : {}),
        ...(input.trainerTimeoutMs ? { trainerTimeoutMs: input.trainerTimeoutMs } : {}),
        ...(input.retrainRound ? { retrainRounds: [input.retrainRound] } : {}),
        onLog: log,
      });
      const end = records[records.length - 1];
      const result: ExternalTrainingResult = {
        workDir: runDir.path,
        resumed: runDir.resumed,
        tasks: tasks.length,
        rounds: records,
        previousRounds: previous.length,
        policy: end ? end.next : start,
      };
      if (records.length < input.rounds)
        result.stoppedAt = {
          round: records.length + 1,
          reason: 'no verified pair to train on (the policy produced no secure-and-vulnerable branches)',
        };
      return result;
    } finally {
      await oracle?.close();
    }
  } finally {
    release();
  }
}
