import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { TspError } from '../../spec/errors.ts';
import { type Language, normalizeCwe } from '../../spec/language.ts';
import { parseOrThrow } from '../../spec/parse.ts';
import { Task } from '../../spec/task.ts';
import { findEntryPoint } from '../cweval/cweval-source.ts';

/** One record of a SecurityEval-format JSONL file. */
export const SecurityEvalRecord = z.object({
  ID: z.string().min(1),
  Prompt: z.string(),
  Insecure_code: z.string().optional(),
});
export type SecurityEvalRecord = z.infer<typeof SecurityEvalRecord>;

const EXTENSION_LANGUAGE: Record<string, Language> = {
  py: 'python',
  c: 'c',
  h: 'c',
  cc: 'cpp',
  cpp: 'cpp',
  cxx: 'cpp',
  go: 'go',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascript',
};

/** Language of a file name by extension; undefined for languages TSP does not handle. */
export function languageOfFile(name: string): Language | undefined {
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  return ext ? EXTENSION_LANGUAGE[ext] : undefined;
}

export interface LoadSecurityEvalOptions {
  /** Language when the ID has no file extension (SecurityEval itself is Python). */
  defaultLanguage?: Language;
  /** `provenance.source` of the tasks (default `securityeval`). */
  source?: string;
}

export interface LoadSecurityEvalResult {
  tasks: Task[];
  /** Records skipped, with the reason (unsupported language, bad JSON). */
  skipped: { line: number; id?: string; reason: string }[];
}

/**
 * Loads SecurityEval-format prompts: JSONL records with `ID` (e.g. `CWE-020_author_1.py`),
 * `Prompt` and optional `Insecure_code`. These have no executable tests: the harness is `none`
 * and security comes from static analysis only (a static-only security rate).
 */
export async function loadSecurityEval(
  file: string,
  options: LoadSecurityEvalOptions = {},
): Promise<LoadSecurityEvalResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new TspError('not-found', `cannot read SecurityEval-format file ${file}`, { cause: e });
  }
  return parseSecurityEval(text, { ...options, origin: file });
}

export function parseSecurityEval(
  text: string,
  options: LoadSecurityEvalOptions & { origin?: string } = {},
): LoadSecurityEvalResult {
  const tasks: Task[] = [];
  const skipped: LoadSecurityEvalResult['skipped'] = [];
  const seen = new Set<string>();
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      skipped.push({ line: i + 1, reason: 'not JSON' });
      return;
    }
    const r = SecurityEvalRecord.safeParse(raw);
    if (!r.success) {
      skipped.push({ line: i + 1, reason: `missing ID or Prompt (${r.error.issues[0]?.message ?? ''})` });
      return;
    }
    const rec = r.data;
    const hasExt = /\.[A-Za-z0-9]+$/.test(rec.ID);
    const language = hasExt ? languageOfFile(rec.ID) : (options.defaultLanguage ?? 'python');
    if (!language) {
      skipped.push({ line: i + 1, id: rec.ID, reason: 'language not supported by TSP' });
      return;
    }
    if (seen.has(rec.ID)) {
      skipped.push({ line: i + 1, id: rec.ID, reason: 'duplicate ID' });
      return;
    }
    seen.add(rec.ID);
    const cwe = normalizeCwe(/^CWE[-_]?(\d+)/i.exec(rec.ID)?.[1] ?? '');
    tasks.push(
      parseOrThrow(
        Task,
        {
          id: `${options.source ?? 'securityeval'}/${rec.ID}`,
          language,
          cwe: cwe ? [cwe] : [],
          prompt: rec.Prompt,
          entryPoint: findEntryPoint(rec.Prompt, language) ?? 'main',
          harness: { kind: 'none' },
          tests: [],
          insecureVariants: rec.Insecure_code ? [rec.Insecure_code] : [],
          family: cwe,
          provenance: {
            source: options.source ?? 'securityeval',
            ...(options.origin ? { origin: `${options.origin}:${i + 1}` } : {}),
          },
        },
        `SecurityEval record ${rec.ID}`,
      ),
    );
  });
  return { tasks, skipped };
}
