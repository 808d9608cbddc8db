import { access, readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { TspError } from '../../spec/errors.ts';
import { type Language, normalizeCwe } from '../../spec/language.ts';
import { parseOrThrow } from '../../spec/parse.ts';
import { Task } from '../../spec/task.ts';
import { extractPythonUnsafe, findEntryPoint, splitCwevalSource, stripMarkers } from './cweval-source.ts';

/** CWEval's task folders, relative to `benchmark/`, and the language of each. */
export const CWEVAL_FOLDERS: readonly { folder: string; language: Language; ext: string; suffix: string }[] =
  [
    { folder: 'core/py', language: 'python', ext: 'py', suffix: '' },
    { folder: 'core/c', language: 'c', ext: 'c', suffix: '_c' },
    { folder: 'lang/c', language: 'c', ext: 'c', suffix: '_c' },
    { folder: 'core/cpp', language: 'cpp', ext: 'cpp', suffix: '_cpp' },
    { folder: 'core/go', language: 'go', ext: 'go', suffix: '_go' },
    { folder: 'core/js', language: 'javascript', ext: 'js', suffix: '_js' },
  ];

/** Where the shared benchmarks live: `$TSP_BENCHMARKS_DIR`, else `<repo>/../shared/benchmarks`. */
export function resolveBenchmarksDir(env: Record<string, string | undefined> = process.env): string {
  return resolve(
    env.TSP_BENCHMARKS_DIR ?? join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'benchmarks'),
  );
}

export async function pathExists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

export interface CwevalTaskInfo {
  /** The folder of the task (`core/c`, `lang/c`, ...). */
  folder: string;
  /** File stem shared by the task, test and unsafe files, e.g. `cwe_022_0_c`. */
  stem: string;
}

export interface LoadCwevalOptions {
  languages?: readonly Language[];
  /** Only these folders (`core/c`, `lang/c`, ...). */
  folders?: readonly string[];
}

/**
 * Loads CWEval tasks from `<cwevalDir>/benchmark`. Each task's harness is the pytest file of the
 * task (read at run time); the reference solution becomes `secureReference` and the unsafe
 * reference(s) `insecureVariants`. Task ids are `cweval/<folder>/<stem>`.
 */
export async function loadCweval(cwevalDir: string, options: LoadCwevalOptions = {}): Promise<Task[]> {
  const bench = join(cwevalDir, 'benchmark');
  if (!(await pathExists(bench)))
    throw new TspError('not-found', `CWEval benchmark not found at ${bench}`, {
      hint: 'clone CWEval and point TSP_BENCHMARKS_DIR at the folder that contains CWEval/',
    });
  const tasks: Task[] = [];
  for (const f of CWEVAL_FOLDERS) {
    if (options.languages && !options.languages.includes(f.language)) continue;
    if (options.folders && !options.folders.includes(f.folder)) continue;
    const dir = join(bench, f.folder);
    if (!(await pathExists(dir))) continue;
    const files = (await readdir(dir)).filter((n) => n.endsWith(`_task.${f.ext}`)).sort();
    for (const file of files) {
      const stem = file.slice(0, -`_task.${f.ext}`.length);
      tasks.push(await loadOne(cwevalDir, dir, f, stem));
    }
  }
  return tasks;
}

async function loadOne(
  cwevalDir: string,
  dir: string,
  f: (typeof CWEVAL_FOLDERS)[number],
  stem: string,
): Promise<Task> {
  const taskFile = join(dir, `${stem}_task.${f.ext}`);
  const testFile = join(dir, `${stem}_test.py`);
  const text = await readFile(taskFile, 'utf8');
  const parts = splitCwevalSource(text);
  if (!parts)
    throw new TspError('invalid-input', `${taskFile}: no BEGIN SOLUTION marker`, {
      hint: 'is this a CWEval task file?',
    });
  const entryPoint = findEntryPoint(parts.prompt, f.language);
  if (!entryPoint)
    throw new TspError('invalid-input', `${taskFile}: cannot find the function the prompt declares`);
  const cweMatch = /^cwe_(\d+)/.exec(stem);
  const cwe = cweMatch ? normalizeCwe(cweMatch[1] ?? '') : undefined;
  const sampleName = `${stem}_task`;
  const insecureVariants: string[] = [];
  if (f.language === 'python') {
    if (await pathExists(testFile))
      insecureVariants.push(...extractPythonUnsafe(await readFile(testFile, 'utf8'), entryPoint, sampleName));
  } else {
    const unsafeFile = join(dir, `${stem}_unsafe.${f.ext}`);
    if (await pathExists(unsafeFile)) insecureVariants.push(stripMarkers(await readFile(unsafeFile, 'utf8')));
  }
  return parseOrThrow(
    Task,
    {
      id: `cweval/${f.folder}/${stem}`,
      language: f.language,
      cwe: cwe ? [cwe] : [],
      prompt: parts.prompt,
      entryPoint,
      harness: { kind: 'pytest', testFile, sampleName },
      tests: [
        { name: 'functionality', kind: 'functional', description: 'pytest parameters marked functionality' },
        { name: 'security', kind: 'security', description: 'pytest parameters marked security' },
      ],
      secureReference: parts.prompt + parts.solution,
      insecureVariants,
      family: stem.replace(/_(?:c|cpp|go|js)$/, ''),
      provenance: { source: 'cweval', origin: relative(cwevalDir, taskFile), license: 'Apache-2.0' },
    },
    `CWEval task ${stem}`,
  );
}

/** Folder and stem of a CWEval task, from its harness. */
export function cwevalTaskInfo(task: Task): CwevalTaskInfo | undefined {
  if (task.harness.kind !== 'pytest') return undefined;
  const m = /benchmark\/((?:core|lang)\/\w+)\/(\w+)_test\.py$/.exec(task.harness.testFile);
  return m ? { folder: m[1] as string, stem: m[2] as string } : undefined;
}
