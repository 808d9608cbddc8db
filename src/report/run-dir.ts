/**
 * Reading a run directory for the report: every file is validated against its schema, and a bad
 * file fails with one clear error naming the file (and the line, for JSONL).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { TspError } from '../spec/errors.ts';
import { CweId, Language } from '../spec/language.ts';
import { parseOrThrow } from '../spec/parse.ts';
import { MethodName, RunResults } from '../spec/results.ts';
import { Pair, TreeNode } from '../spec/tree.ts';

/** What the report needs of a task (tasks.jsonl may hold full Task records; the rest is ignored). */
export const ReportTask = z.object({
  id: z.string().min(1),
  language: Language,
  cwe: z.array(CweId),
  prompt: z.string(),
  family: z.string().optional(),
});
export type ReportTask = z.infer<typeof ReportTask>;

/** The manifest is read leniently: the report shows what it finds. */
export const ReportManifest = z
  .object({
    runId: z.string().optional(),
    preset: z.string().optional(),
    createdAt: z.string().optional(),
    gitCommit: z.string().nullable().optional(),
    versions: z.record(z.string(), z.unknown()).optional(),
    config: z.unknown().optional(),
  })
  .loose();
export type ReportManifest = z.infer<typeof ReportManifest>;

/** `[<config>-]<method>-s<seed>-r<round>.jsonl`, e.g. `tsp-s1-r2.jsonl`, `xl-tsp-s1-r2.jsonl`. */
export interface SetKey {
  /** Experiment configuration tag: '' for the standard one, `xl` for cross-language. */
  config: string;
  method: MethodName;
  seed: number;
  round: number;
  /** The file name without `.jsonl`. */
  key: string;
}

// Method names may hold a hyphen (`tsp-release`): the longest name that fits wins.
const METHOD_PATTERN = [...MethodName.options].sort((a, b) => b.length - a.length).join('|');
const SET_FILE = new RegExp(`^((?:[a-z0-9]+-)*?)(${METHOD_PATTERN})-s(-?\\d+)-r(\\d+)\\.jsonl$`);

export function parseSetFileName(file: string): SetKey | undefined {
  const m = SET_FILE.exec(file);
  if (!m) return undefined;
  const method = MethodName.safeParse(m[2]);
  if (!method.success) return undefined;
  const config = (m[1] ?? '').replace(/-$/, '');
  const seed = Number(m[3]);
  const round = Number(m[4]);
  return { config, method: method.data, seed, round, key: file.slice(0, -'.jsonl'.length) };
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new TspError('not-found', `${what} not found: ${path}`, {
        hint: 'is this a run directory (runs/<runId>/ with results.json)?',
      });
    }
    throw new TspError('io-error', `cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
}

export async function readJsonFile<S extends z.ZodType>(
  path: string,
  schema: S,
  what: string,
): Promise<z.infer<S>> {
  const text = await readText(path, what);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new TspError('invalid-input', `${path}: not valid JSON (${(e as Error).message})`, {
      hint: `the ${what} is corrupt; re-run the step that writes it`,
    });
  }
  return parseOrThrow(schema, raw, `${what} (${path})`);
}

/** Parses JSONL; blank lines are skipped; errors name the file and the 1-based line. */
export function parseJsonl<S extends z.ZodType>(text: string, schema: S, path: string): z.infer<S>[] {
  const out: z.infer<S>[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (!line.trim()) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (e) {
      // A truncated last line is what a killed writer leaves: say so.
      const last = i === lines.length - 1 || (i === lines.length - 2 && lines[i + 1] === '');
      throw new TspError('invalid-input', `${path}:${i + 1}: not valid JSON (${(e as Error).message})`, {
        hint: last
          ? 'the last line looks truncated (a killed run?); resume the run or delete that line'
          : undefined,
      });
    }
    out.push(parseOrThrow(schema, raw, `record at ${path}:${i + 1}`));
  }
  return out;
}

export async function readJsonlFile<S extends z.ZodType>(
  path: string,
  schema: S,
  what: string,
): Promise<z.infer<S>[]> {
  return parseJsonl(await readText(path, what), schema, path);
}

async function listSetFiles(dir: string): Promise<{ file: string; set: SetKey }[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  return names
    .map((file) => ({ file, set: parseSetFileName(file) }))
    .filter((x): x is { file: string; set: SetKey } => x.set !== undefined)
    .sort(
      (a, b) =>
        a.set.config.localeCompare(b.set.config) ||
        a.set.method.localeCompare(b.set.method) ||
        a.set.seed - b.set.seed ||
        a.set.round - b.set.round,
    );
}

export interface RunDirListing {
  dir: string;
  treeFiles: { path: string; set: SetKey }[];
  pairFiles: { path: string; set: SetKey }[];
}

/** Checks that `dir` is a run directory and lists its tree and pair files. */
export async function listRunDir(dir: string): Promise<RunDirListing> {
  let s: Awaited<ReturnType<typeof stat>>;
  try {
    s = await stat(dir);
  } catch {
    throw new TspError('not-found', `run directory not found: ${dir}`, {
      hint: 'pass a run directory such as runs/<runId>',
    });
  }
  if (!s.isDirectory()) {
    throw new TspError('invalid-input', `not a directory: ${dir}`, {
      hint: 'pass a run directory such as runs/<runId>',
    });
  }
  const trees = await listSetFiles(join(dir, 'trees'));
  const pairs = await listSetFiles(join(dir, 'pairs'));
  return {
    dir,
    treeFiles: trees.map((t) => ({ path: join(dir, 'trees', t.file), set: t.set })),
    pairFiles: pairs.map((p) => ({ path: join(dir, 'pairs', p.file), set: p.set })),
  };
}

export async function readResults(dir: string): Promise<RunResults> {
  return readJsonFile(join(dir, 'results.json'), RunResults, 'results.json');
}

/** The manifest, or undefined when the run has none (an older or partial run). */
export async function readManifest(dir: string): Promise<ReportManifest | undefined> {
  try {
    await stat(join(dir, 'manifest.json'));
  } catch {
    return undefined;
  }
  return readJsonFile(join(dir, 'manifest.json'), ReportManifest, 'manifest.json');
}

export async function readTasks(dir: string): Promise<ReportTask[]> {
  try {
    await stat(join(dir, 'tasks.jsonl'));
  } catch {
    return [];
  }
  return readJsonlFile(join(dir, 'tasks.jsonl'), ReportTask, 'tasks.jsonl');
}

export async function readTreeFile(path: string): Promise<TreeNode[]> {
  return readJsonlFile(path, TreeNode, 'tree file');
}

export async function readPairFile(path: string): Promise<Pair[]> {
  return readJsonlFile(path, Pair, 'pair file');
}
