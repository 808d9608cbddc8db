import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { TspError } from '../../spec/errors.ts';
import type { Policy } from '../../spec/policy.ts';
import type { Pair } from '../../spec/tree.ts';
import { type ExportFormat, type ExportVariant, type WrittenExport, writeExport } from './export-pairs.ts';

/**
 * `tsp train --external '<command>'`: each self-play round's verified pairs are exported, a
 * user's trainer command runs on them, and the policy switches to what it produced, either a new
 * OpenAI-compatible endpoint or a LoRA adapter loaded into the running vLLM server through its
 * adapter-loading API. The round itself (trees, oracle, pairs) is injected, so this module knows
 * nothing of the engine.
 */

/** Where the policy is served. `modelPath` is the checkpoint / adapter the trainer starts from. */
export interface PolicyTarget {
  baseUrl: string;
  model: string;
  modelPath?: string;
  /**
   * Which training of that path (the time its trainer finished): a round trained again
   * (`--retrain-round`) writes new weights to the same folder and name, and its generations must
   * not be replayed from the old ones.
   */
  revision?: string;
}

/** Values a trainer command receives as `{placeholders}` (shell-quoted) and `TSP_*` variables. */
export interface TrainerVars {
  round: number;
  /** The export folder of this round (LLaMA-Factory dataset_dir, or the TRL JSONL files). */
  exportDir: string;
  /** Folder the trainer must write the new model / adapter to. */
  outputDir: string;
  /** Checkpoint or adapter of the current policy ('' when unknown). */
  modelPath: string;
  baseUrl: string;
  modelName: string;
}

export const TRAINER_PLACEHOLDERS: Readonly<Record<string, keyof TrainerVars>> = {
  round: 'round',
  export: 'exportDir',
  output: 'outputDir',
  model: 'modelPath',
  base_url: 'baseUrl',
  model_name: 'modelName',
};

export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

/** Substitutes `{round}`, `{export}`, `{output}`, `{model}`, `{base_url}`, `{model_name}` (shell-quoted). */
export function expandTrainerCommand(template: string, vars: TrainerVars): string {
  return template.replace(/\{([a-z_]+)\}/g, (whole, name: string) => {
    const key = TRAINER_PLACEHOLDERS[name];
    return key ? shellQuote(String(vars[key])) : whole;
  });
}

export function trainerEnv(vars: TrainerVars): Record<string, string> {
  return {
    TSP_ROUND: String(vars.round),
    TSP_EXPORT_DIR: vars.exportDir,
    TSP_OUTPUT_DIR: vars.outputDir,
    TSP_MODEL_PATH: vars.modelPath,
    TSP_BASE_URL: vars.baseUrl,
    TSP_MODEL: vars.modelName,
  };
}

export interface TrainerRun {
  command: string;
  exitCode: number | null;
  durationMs: number;
  /** Last lines of the trainer's output. */
  outputTail: string;
}

/** Pids of every descendant of `root` (Linux /proc), children before their own children. */
async function listDescendants(root: number): Promise<number[]> {
  const children = new Map<number, number[]>();
  for (const name of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    // Field 4 (ppid) follows the parenthesized command name, which may contain spaces.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (Number.isInteger(ppid)) children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    for (const c of children.get(queue.shift() as number) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

/** Start time of a process (field 22 of /proc/<pid>/stat), to recognize it later; '' if gone. */
async function startTimeOf(pid: number): Promise<string> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat ? (stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '') : '';
}

/**
 * SIGTERM to a process and its descendants, SIGKILL 5 s later to those still running (the same
 * processes: a pid is only signalled again if its start time is unchanged).
 */
async function killProcessTree(pid: number): Promise<void> {
  const all = [pid, ...(await listDescendants(pid))];
  const started = await Promise.all(all.map(startTimeOf));
  for (const p of all) {
    try {
      process.kill(p, 'SIGTERM');
    } catch {}
  }
  setTimeout(() => {
    all.forEach(async (p, i) => {
      if (!started[i] || (await startTimeOf(p)) !== started[i]) return;
      try {
        process.kill(p, 'SIGKILL');
      } catch {}
    });
  }, 5000).unref();
}

/** Runs the trainer command with `/bin/sh -c`; a non-zero exit is a TspError naming the command. */
export async function runTrainerCommand(
  template: string,
  vars: TrainerVars,
  options: {
    cwd?: string;
    env?: Record<string, string>;
    timeoutMs?: number;
    onOutput?: (chunk: string) => void;
  } = {},
): Promise<TrainerRun> {
  const command = expandTrainerCommand(template, vars);
  const t0 = performance.now();
  let tail = '';
  let timedOut = false;
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], {
      cwd: options.cwd,
      env: { ...process.env, ...(options.env ?? {}), ...trainerEnv(vars) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // On timeout the whole tree goes: the shell's children (the trainer itself) would otherwise
    // keep running and hold the output pipes open.
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          if (child.pid !== undefined) void killProcessTree(child.pid);
        }, options.timeoutMs)
      : undefined;
    const onData = (b: Buffer) => {
      const s = b.toString('utf8');
      tail = (tail + s).slice(-4000);
      options.onOutput?.(s);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve(code);
    });
  });
  const run = { command, exitCode, durationMs: performance.now() - t0, outputTail: tail };
  if (exitCode !== 0)
    throw new TspError(
      'backend-error',
      `trainer command ${timedOut ? `timed out after ${Math.round((options.timeoutMs ?? 0) / 1000)} s` : `failed (exit ${exitCode})`} in round ${vars.round}: ${command}`,
      {
        hint: `its last output: ${tail.split('\n').slice(-6).join(' | ')}`,
      },
    );
  return run;
}

/**
 * Loads a LoRA adapter into a running vLLM server (`POST /v1/load_lora_adapter`; vLLM needs
 * `VLLM_ALLOW_RUNTIME_LORA_UPDATING=True` and `--enable-lora`). `tsp serve` implements the same
 * call for embedded checkpoints.
 */
export async function loadLoraAdapter(
  baseUrl: string,
  name: string,
  path: string,
  fetchFn: (input: string, init: RequestInit) => Promise<Response> = (i, o) => fetch(i, o),
): Promise<void> {
  const url = `${baseUrl.replace(/\/+$/, '')}/load_lora_adapter`;
  let res: Response;
  try {
    res = await fetchFn(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ lora_name: name, lora_path: path }),
    });
  } catch (e) {
    throw new TspError('backend-error', `${url}: network error while loading adapter ${name}`, {
      retryable: true,
      cause: e,
    });
  }
  if (!res.ok)
    throw new TspError(
      'backend-error',
      `${url}: HTTP ${res.status} loading adapter ${name} from ${path}: ${(await res.text()).slice(0, 300)}`,
      {
        hint: `the server must run with --enable-lora (vLLM: and VLLM_ALLOW_RUNTIME_LORA_UPDATING=True) and be able to read ${path}`,
        retryable: res.status >= 500,
      },
    );
}

/** What a trainer (or the launcher it calls) writes when it serves the new model itself. */
export const EndpointFile = z.object({
  baseUrl: z.string().url(),
  model: z.string().min(1),
  modelPath: z.string().optional(),
});
export const ENDPOINT_FILE = 'tsp-endpoint.json';

export type SwitchMode = 'lora' | 'endpoint';

/** The policy after a round's training: a loaded adapter on the same server, or the endpoint the trainer wrote. */
export async function switchPolicy(
  mode: SwitchMode,
  current: PolicyTarget,
  outputDir: string,
  round: number,
  fetchFn?: (input: string, init: RequestInit) => Promise<Response>,
  options: {
    /** Adapter name for round r (default `tsp-round-<r>`). */
    adapterName?: (round: number) => string;
    /** A resumed round: an adapter of that name already loaded (by the interrupted run) is kept. */
    acceptLoaded?: boolean;
  } = {},
): Promise<PolicyTarget> {
  if (mode === 'lora') {
    const name = options.adapterName?.(round) ?? `tsp-round-${round}`;
    try {
      await loadLoraAdapter(current.baseUrl, name, outputDir, fetchFn);
    } catch (e) {
      const loaded = e instanceof TspError && /HTTP 400 .*already been loaded/.test(e.message);
      if (!loaded) throw e;
      if (!options.acceptLoaded)
        throw new TspError(
          'invalid-input',
          `the server already has an adapter named '${name}' (${current.baseUrl})`,
          {
            hint: 'another run on this server loaded one under that name: choose another adapter name (tsp train: --adapter-prefix, or another --work-dir name)',
            cause: e,
          },
        );
    }
    return { baseUrl: current.baseUrl, model: name, modelPath: outputDir };
  }
  const file = join(outputDir, ENDPOINT_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new TspError('not-found', `the trainer wrote no ${file}`, {
      hint: `with --switch endpoint the trainer (or its launcher) writes {"baseUrl": "...", "model": "..."} to {output}/${ENDPOINT_FILE} once the new model is served`,
    });
  }
  const parsed = EndpointFile.safeParse(JSON.parse(text));
  if (!parsed.success) throw new TspError('invalid-input', `${file}: expected baseUrl and model`);
  return { modelPath: outputDir, ...parsed.data };
}

export interface ExternalRoundRecord {
  round: number;
  policy: PolicyTarget;
  pairs: number;
  exported: number;
  exportDir: string;
  trainer: TrainerRun;
  next: PolicyTarget;
  /** What the round reported about itself (e.g. the tree search's statistics). */
  stats?: Record<string, unknown>;
  /** The trainer's output was reused from an interrupted run of the same round (not run again). */
  trainerReused?: boolean;
}

/** What a round returns: its pairs, optionally with statistics kept in the round's record. */
export interface ExternalRoundOutput {
  pairs: Pair[];
  stats?: Record<string, unknown>;
}

/**
 * Written to `round-<r>/trainer.json` when the trainer succeeded and wrote its output, so a resumed
 * round does not train again (`tsp train --retrain-round <r>` runs it again anyway).
 */
interface TrainerDone {
  exportHash: string;
  trainer: TrainerRun;
  finishedAt?: string;
}

/** Unloads an adapter from a vLLM (or `tsp serve`) server; a name it does not have is fine. */
export async function unloadLoraAdapter(
  baseUrl: string,
  name: string,
  fetchFn: (input: string, init: RequestInit) => Promise<Response> = (i, o) => fetch(i, o),
): Promise<void> {
  const url = `${baseUrl.replace(/\/+$/, '')}/unload_lora_adapter`;
  await fetchFn(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ lora_name: name }),
  }).catch(() => undefined);
}

/** Why the trainer's output folder does not hold a finished model ('' when it does). */
async function missingOutput(mode: SwitchMode, outputDir: string): Promise<string> {
  const names = await readdir(outputDir).catch(() => [] as string[]);
  if (mode === 'lora' && names.length === 0) return `wrote nothing to ${outputDir}`;
  if (mode === 'endpoint' && !names.includes(ENDPOINT_FILE))
    return `wrote no ${join(outputDir, ENDPOINT_FILE)}`;
  return '';
}

function hashPairIds(pairs: readonly Pair[]): string {
  return createHash('sha256')
    .update(pairs.map((p) => p.id).join('\n'))
    .digest('hex')
    .slice(0, 16);
}

async function readTrainerDone(file: string): Promise<TrainerDone | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as TrainerDone;
  } catch {
    return undefined;
  }
}

/**
 * The self-play loop against real models: for each round, run the injected round on the current
 * policy, export its verified pairs, run the trainer, switch the policy. Writes
 * `<workDir>/round-<r>/{pairs.jsonl, export/, model/, trainer.json}` and `<workDir>/rounds.jsonl`.
 *
 * Resuming: `previous` holds the records of finished rounds (from `rounds.jsonl`); the loop starts
 * after them with `initial` as the policy (the caller passes the last record's `next`). A round
 * whose trainer already succeeded on the same exported pairs (`trainer.json`) is not trained again.
 */
export async function runExternalSelfPlay(options: {
  rounds: number;
  initial: PolicyTarget;
  makePolicy: (target: PolicyTarget) => Policy;
  runRound: (policy: Policy, round: number, target: PolicyTarget) => Promise<Pair[] | ExternalRoundOutput>;
  previous?: readonly ExternalRoundRecord[];
  adapterName?: (round: number) => string;
  trainerCommand: string;
  switchMode: SwitchMode;
  workDir: string;
  format: ExportFormat;
  variants?: ExportVariant[];
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  trainerTimeoutMs?: number;
  /** Rounds whose trainer runs again even if it already finished on the same pairs. */
  retrainRounds?: readonly number[];
  onLog?: (line: string) => void;
}): Promise<ExternalRoundRecord[]> {
  const records: ExternalRoundRecord[] = [...(options.previous ?? [])];
  let target = options.initial;
  await mkdir(options.workDir, { recursive: true });
  for (let round = records.length + 1; round <= options.rounds; round++) {
    const dir = join(options.workDir, `round-${round}`);
    await mkdir(dir, { recursive: true });
    options.onLog?.(`round ${round}: self-play with ${target.model} at ${target.baseUrl}`);
    const output = await options.runRound(options.makePolicy(target), round, target);
    const { pairs, stats } = Array.isArray(output) ? { pairs: output, stats: undefined } : output;
    await writeFile(join(dir, 'pairs.jsonl'), pairs.map((p) => `${JSON.stringify(p)}\n`).join(''));
    const exported: WrittenExport = await writeExport(pairs, join(dir, 'export'), {
      format: options.format,
      variants: options.variants ?? ['whole', 'segment'],
    });
    options.onLog?.(
      `round ${round}: ${pairs.length} pairs, ${exported.pairs} verified exported to ${exported.dir}`,
    );
    if (exported.pairs === 0) {
      options.onLog?.(`round ${round}: no verified pair; the policy stays ${target.model}`);
      break;
    }
    const vars: TrainerVars = {
      round,
      exportDir: exported.dir,
      outputDir: join(dir, 'model'),
      modelPath: target.modelPath ?? '',
      baseUrl: target.baseUrl,
      modelName: target.model,
    };
    await mkdir(vars.outputDir, { recursive: true });
    const doneFile = join(dir, 'trainer.json');
    const exportHash = hashPairIds(pairs);
    const done = await readTrainerDone(doneFile);
    const retrain = options.retrainRounds?.includes(round) ?? false;
    const reused =
      !retrain &&
      done?.exportHash === exportHash &&
      !(await missingOutput(options.switchMode, vars.outputDir));
    let trainer: TrainerRun;
    let finishedAt: string | undefined;
    if (done && reused) {
      trainer = done.trainer;
      finishedAt = done.finishedAt;
      options.onLog?.(
        `round ${round}: the trainer already finished on these pairs (${doneFile}); not run again (--retrain-round ${round} runs it again)`,
      );
    } else {
      if (retrain) options.onLog?.(`round ${round}: running the trainer again (--retrain-round)`);
      trainer = await runTrainerCommand(options.trainerCommand, vars, {
        ...(options.trainerTimeoutMs ? { timeoutMs: options.trainerTimeoutMs } : {}),
        ...(options.onLog ? { onOutput: (s: string) => options.onLog?.(s.trimEnd()) } : {}),
      });
      // Only a trainer that wrote its output counts as finished: one that exited 0 but saved
      // elsewhere runs again when the command is fixed and the run resumed.
      const missing = await missingOutput(options.switchMode, vars.outputDir);
      if (missing)
        throw new TspError('not-found', `round ${round}: the trainer finished but ${missing}`, {
          hint:
            options.switchMode === 'lora'
              ? 'the trainer command must save the new adapter / model to {output} (also in TSP_OUTPUT_DIR); fix it and run the same tsp train again: the round resumes from its caches and trains again'
              : `with --switch endpoint the trainer (or its launcher) writes {"baseUrl": "...", "model": "..."} to {output}/${ENDPOINT_FILE} once the new model is served; fix it and run again`,
        });
      finishedAt = new Date().toISOString();
      await writeFile(
        doneFile,
        `${JSON.stringify({ exportHash, trainer, finishedAt } satisfies TrainerDone)}\n`,
      );
      if (retrain && options.switchMode === 'lora' && options.adapterName)
        await unloadLoraAdapter(target.baseUrl, options.adapterName(round), options.fetch);
    }
    const switched = await switchPolicy(options.switchMode, target, vars.outputDir, round, options.fetch, {
      ...(options.adapterName ? { adapterName: options.adapterName } : {}),
      acceptLoaded: reused,
    });
    const next: PolicyTarget = { ...switched, ...(finishedAt ? { revision: finishedAt } : {}) };
    const record: ExternalRoundRecord = {
      round,
      policy: target,
      pairs: pairs.length,
      exported: exported.pairs,
      exportDir: exported.dir,
      trainer,
      next,
      ...(stats ? { stats } : {}),
      ...(reused ? { trainerReused: true } : {}),
    };
    records.push(record);
    // Written whole, then renamed: a kill never leaves a torn record of a finished round.
    const roundsFile = join(options.workDir, 'rounds.jsonl');
    await writeFile(`${roundsFile}.tmp`, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    await rename(`${roundsFile}.tmp`, roundsFile);
    options.onLog?.(`round ${round}: policy is now ${next.model} at ${next.baseUrl}`);
    target = next;
  }
  return records;
}
