import { join } from 'node:path';
import { regExpLiteral } from '../../src/analyzers/engine/rule.ts';
import { buildSuite } from '../../src/benchmarks/builtin/build-suite.ts';
import {
  CWEVAL_NODE_PACKAGES,
  cwevalNodeModulesReady,
  defaultCwevalNodeDir,
} from '../../src/benchmarks/cweval/cweval-setup.ts';
import { loadCweval, pathExists, resolveBenchmarksDir } from '../../src/benchmarks/cweval/load-cweval.ts';
import { registerCweval } from '../../src/benchmarks/cweval/register-cweval.ts';
import { getExampleTask } from '../../src/benchmarks/examples/index.ts';
import type { Task } from '../../src/spec/task.ts';

/**
 * Which task a forger attacks: a built-in family (its first train variant, seed 1), a hand-written
 * example, or a CWEval task (`core/py/cwe_078_0`: folder and stem, data read from
 * TSP_BENCHMARKS_DIR at run time).
 */
export type Target =
  | { kind: 'builtin'; family: string }
  | { kind: 'example'; id: string }
  | { kind: 'cweval'; id: string };

export function targetLabel(t: Target): string {
  return t.kind === 'builtin' ? t.family : t.kind === 'example' ? `examples/${t.id}` : `cweval/${t.id}`;
}

/** The CWEval checkout, when the shared benchmarks are present. */
export async function findCwevalDir(): Promise<string | undefined> {
  const dir = join(resolveBenchmarksDir(), 'CWEval');
  return (await pathExists(join(dir, 'benchmark'))) ? dir : undefined;
}

let registered: string | undefined;
let nodePackagesReady = false;
/**
 * Registers the `pytest` harness kind with the oracle (once), with CWEval's node packages when they
 * are installed (`tsp eval --benchmark cweval` installs them; without them the JavaScript tasks that
 * `require` escape-html, lodash or jsdom fail their own tests, so no forger can target those).
 */
export async function useCweval(cwevalDir: string): Promise<void> {
  if (registered === cwevalDir) return;
  const nodeModules = join(defaultCwevalNodeDir(), 'node_modules');
  nodePackagesReady = await cwevalNodeModulesReady();
  registerCweval({ cwevalDir, ...(nodePackagesReady ? { nodeModulesDir: nodeModules } : {}) });
  registered = cwevalDir;
}

/** The start of the reason a forger is skipped for want of CWEval's node packages. */
export const NODE_PACKAGES_MISSING = "CWEval's node packages are not installed";

/**
 * Why a task cannot be judged here: a CWEval JavaScript task whose reference `require`s one of the
 * packages CWEval's tasks need (escape-html, lodash, jsdom...) while they are not installed.
 */
export function missingNodePackages(task: Task): string | undefined {
  if (task.language !== 'javascript' || !task.id.startsWith('cweval/') || nodePackagesReady) return undefined;
  const needed = Object.keys(CWEVAL_NODE_PACKAGES).filter((p) =>
    new RegExp(`require\\(\\s*['"]${regExpLiteral(p)}['"]`).test(task.secureReference ?? ''),
  );
  return needed.length
    ? `${NODE_PACKAGES_MISSING} (${needed.join(', ')}): scripts/setup.sh installs them`
    : undefined;
}

const cwevalCache = new Map<string, Promise<Task[]>>();

/** Builds or loads the task of a target; undefined when it does not exist (or CWEval is missing). */
export async function resolveTarget(t: Target, cwevalDir?: string): Promise<Task | undefined> {
  if (t.kind === 'builtin') {
    const suite = buildSuite({ families: [t.family], variantsPerFamily: { train: 1, eval: 0 } });
    return suite.tasks[0];
  }
  if (t.kind === 'example') return getExampleTask(t.id);
  if (!cwevalDir) return undefined;
  const folder = t.id.split('/').slice(0, 2).join('/');
  let tasks = cwevalCache.get(folder);
  if (!tasks) {
    tasks = loadCweval(cwevalDir, { folders: [folder] });
    cwevalCache.set(folder, tasks);
  }
  return (await tasks).find((x) => x.id === `cweval/${t.id}`);
}
