import { join } from 'node:path';
import { buildSuite } from '../benchmarks/builtin/build-suite.ts';
import { ensureCwevalNodeModules } from '../benchmarks/cweval/cweval-setup.ts';
import { knownBrokenCweval } from '../benchmarks/cweval/known-broken.ts';
import { loadCweval, resolveBenchmarksDir } from '../benchmarks/cweval/load-cweval.ts';
import { registerCweval } from '../benchmarks/cweval/register-cweval.ts';
import { loadSafeCoder, loadTspRelease } from '../benchmarks/safecoder/load-safecoder.ts';
import { loadSecurityEval } from '../benchmarks/securityeval/load-securityeval.ts';
import { TspError } from '../spec/errors.ts';
import type { Language } from '../spec/language.ts';
import type { Task } from '../spec/task.ts';
import { readTaskFileStrict } from './task-file.ts';

/** The benchmarks `tsp eval` and `tsp tasks export` read (`tasks`: a task file of your own). */
export const BENCHMARKS = ['cweval', 'securityeval', 'safecoder', 'tsp-release', 'builtin', 'tasks'] as const;
export type BenchmarkName = (typeof BENCHMARKS)[number];

export function parseBenchmark(name: string): BenchmarkName {
  if (!(BENCHMARKS as readonly string[]).includes(name))
    throw new TspError('invalid-input', `unknown benchmark '${name}'`, {
      hint: `use ${BENCHMARKS.join(', ')}`,
    });
  return name as BenchmarkName;
}

/**
 * A benchmark's tasks (`file`: its file or folder where it has one), optionally of some languages.
 * CWEval's harness is registered and its Node packages installed on first use (`prepare`).
 */
export async function loadBenchmarkTasks(
  benchmark: BenchmarkName,
  options: {
    file?: string;
    languages?: readonly Language[];
    prepare?: boolean;
    onLog?: (s: string) => void;
  } = {},
): Promise<Task[]> {
  const root = resolveBenchmarksDir();
  const { file } = options;
  let tasks: Task[];
  switch (benchmark) {
    case 'cweval': {
      const dir = file ?? join(root, 'CWEval');
      if (options.prepare !== false) {
        const nodeModulesDir = await ensureCwevalNodeModules(undefined, options.onLog);
        registerCweval({ cwevalDir: dir, nodeModulesDir });
      }
      tasks = await loadCweval(dir);
      break;
    }
    case 'securityeval': {
      if (!file)
        throw new TspError('invalid-input', '--file <prompts.jsonl> is required for securityeval', {
          hint: 'a JSONL with ID, Prompt and optional Insecure_code per line',
        });
      const r = await loadSecurityEval(file);
      if (r.skipped.length)
        options.onLog?.(`skipped ${r.skipped.length} records (${r.skipped[0]?.reason} ...)`);
      tasks = r.tasks;
      break;
    }
    case 'safecoder':
      tasks = (await loadSafeCoder(file ?? join(root, 'SafeCoder/data_train_val/train/sec-new-desc.jsonl')))
        .tasks;
      break;
    case 'tsp-release':
      tasks = (await loadTspRelease(file ?? join(root, 'TSP/sec-new-desc_annotated.json'))).tasks;
      break;
    case 'builtin':
      tasks = buildSuite().tasks;
      break;
    case 'tasks':
      if (!file)
        throw new TspError('invalid-input', '--file <tasks.jsonl> is required for --benchmark tasks', {
          hint: 'your own task file (docs/tasks.md)',
        });
      tasks = await readTaskFileStrict(file);
      break;
  }
  const langs = options.languages;
  return langs ? tasks.filter((t) => langs.includes(t.language)) : tasks;
}

/** Tasks whose tests are known not to tell good samples from bad ones, with the reason. */
export function knownBrokenTasks(benchmark: BenchmarkName, tasks: readonly Task[]): Map<string, string> {
  return benchmark === 'cweval' ? knownBrokenCweval(tasks.map((t) => t.id)) : new Map();
}

/** The record `tsp tasks export` writes per task: what a generation stack needs. */
export function promptRecord(task: Task, broken?: string) {
  return {
    taskId: task.id,
    language: task.language,
    cwe: task.cwe,
    entryPoint: task.entryPoint,
    prompt: task.prompt,
    ...(broken ? { knownBroken: broken } : {}),
  };
}
