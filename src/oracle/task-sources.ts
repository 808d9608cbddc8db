import { readFile } from 'node:fs/promises';
import { TspError } from '../spec/errors.ts';
import { parseOrThrow } from '../spec/parse.ts';
import { Task } from '../spec/task.ts';

/** Looks a task up by the part of its id after `<prefix>/`; undefined when there is none. */
export type TaskLookup = (id: string) => Task | undefined | Promise<Task | undefined>;

const sources = new Map<string, { lookup: TaskLookup; list?: () => string[] | Promise<string[]> }>();

/**
 * Registers a source of tasks addressed as `<prefix>/<id>` (e.g. `examples/py-sql-lookup`).
 * `list` (optional) names the ids it has, for error messages and listings.
 */
export function registerTaskSource(
  prefix: string,
  lookup: TaskLookup,
  list?: () => string[] | Promise<string[]>,
): void {
  sources.set(prefix, { lookup, ...(list ? { list } : {}) });
}

export function taskSourcePrefixes(): string[] {
  return [...sources.keys()];
}

/**
 * Resolves `--task`: a registered `<prefix>/<id>`, else a JSON file validated against the Task
 * schema (a clear error naming the field path when it is malformed).
 */
export async function resolveTask(ref: string): Promise<Task> {
  const slash = ref.indexOf('/');
  if (slash > 0) {
    const source = sources.get(ref.slice(0, slash));
    if (source) {
      const id = ref.slice(slash + 1);
      const task = await source.lookup(id);
      if (task) return task;
      const known = source.list ? await source.list() : [];
      throw new TspError('not-found', `no task '${id}' in '${ref.slice(0, slash)}'`, {
        hint: known.length ? `known: ${known.slice(0, 20).join(', ')}` : undefined,
      });
    }
  }
  let text: string;
  try {
    text = await readFile(ref, 'utf8');
  } catch {
    throw new TspError('not-found', `task '${ref}' is neither a task file nor a registered task id`, {
      hint: `task ids look like ${[...sources.keys()].map((p) => `${p}/<id>`).join(' or ') || '<source>/<id>'}`,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new TspError('invalid-input', `task file ${ref} is not valid JSON: ${(e as Error).message}`);
  }
  return parseOrThrow(Task, json, `task file ${ref}`);
}
