import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { TspError } from '../../spec/errors.ts';
import { type Language, normalizeCwe } from '../../spec/language.ts';
import { parseOrThrow } from '../../spec/parse.ts';
import { type RiskAnnotation, Task } from '../../spec/task.ts';
import { languageOfFile } from '../securityeval/load-securityeval.ts';

/** A SafeCoder record (`sec-new-desc.jsonl`); the TSP release adds `output` (the risk-node annotation). */
export const SafeCoderRecord = z
  .object({
    func_name: z.string(),
    func_src_before: z.string(),
    func_src_after: z.string(),
    vul_type: z.string(),
    file_name: z.string(),
    commit_link: z.string().optional(),
    description: z.string().optional(),
    output: z.string().optional(),
  })
  .loose();
export type SafeCoderRecord = z.infer<typeof SafeCoderRecord>;

/**
 * Parses the TSP release's annotator text: blocks `[[n]]` with `[Code_Line] <line>`,
 * `[CWE_ID] CWE-x` and `[Description] ...` (which may run over several lines).
 */
export function parseRiskAnnotations(output: string): RiskAnnotation[] {
  const out: RiskAnnotation[] = [];
  const blocks = output.split(/^\s*\[\[\d+\]\]\s*$/m).slice(1);
  for (const block of blocks) {
    const text = block.replace(/```\s*$/, '');
    const line = /\[Code_Line\][ \t]*(.*)/.exec(text)?.[1]?.trim();
    if (!line) continue;
    const cweRaw = /\[CWE_ID\][ \t]*(.*)/.exec(text)?.[1]?.trim() ?? '';
    const cwe = normalizeCwe(cweRaw.replace(/^CWE[-_ ]?/i, ''));
    const desc = /\[Description\]([\s\S]*)/.exec(text)?.[1]?.trim();
    out.push({ line, ...(cwe ? { cwe } : {}), ...(desc ? { description: desc } : {}) });
  }
  return out;
}

/**
 * The TSP release's branch point: the text of `secureCode` before the first line that matches
 * `riskLine`: equal after stripping whitespace, else (when no line is equal) the first line where
 * one contains the other and the contained part covers at least half of the line. Undefined when
 * no line matches.
 */
export function releasePrefix(secureCode: string, riskLine: string): string | undefined {
  const target = riskLine.trim();
  if (!target) return undefined;
  const lines = secureCode.split('\n');
  const starts: number[] = [];
  let at = 0;
  for (const l of lines) {
    starts.push(at);
    at += l.length + 1;
  }
  const exact = lines.findIndex((l) => l.trim() === target);
  if (exact >= 0) return secureCode.slice(0, starts[exact]);
  const partial = lines.findIndex((l) => {
    const s = l.trim();
    if (!s) return false;
    if (s.includes(target)) return target.length * 2 >= s.length;
    if (target.includes(s)) return s.length * 2 >= target.length;
    return false;
  });
  return partial >= 0 ? secureCode.slice(0, starts[partial]) : undefined;
}

const COMMENT: Record<Language, (text: string) => string> = {
  python: (t) =>
    `${t
      .split('\n')
      .map((l) => `# ${l}`.trimEnd())
      .join('\n')}\n`,
  c: (t) => `/*\n${t.replaceAll('*/', '* /')}\n*/\n`,
  cpp: (t) => `/*\n${t.replaceAll('*/', '* /')}\n*/\n`,
  go: (t) => `/*\n${t.replaceAll('*/', '* /')}\n*/\n`,
  javascript: (t) => `/*\n${t.replaceAll('*/', '* /')}\n*/\n`,
};

/** Removes the indentation common to all non-blank lines (SafeCoder functions keep their file indentation). */
export function dedent(code: string): string {
  const lines = code.replace(/\r\n/g, '\n').split('\n');
  const indents = lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)?.[0] ?? '');
  if (indents.length === 0) return code;
  let common = indents[0] as string;
  for (const ind of indents) {
    let k = 0;
    while (k < common.length && k < ind.length && common[k] === ind[k]) k++;
    common = common.slice(0, k);
  }
  return lines.map((l) => (l.startsWith(common) ? l.slice(common.length) : l.trimStart())).join('\n');
}

export interface LoadSafeCoderResult {
  tasks: Task[];
  /** Records skipped (a language TSP does not handle: Ruby, Java), with counts by reason. */
  skipped: Record<string, number>;
  /** Annotated items none of whose risk lines matches a line of the secure code. */
  unmatchedAnnotations: string[];
}

export interface SafeCoderTaskOptions {
  /** `safecoder` for sec-new-desc.jsonl, `tsp-release` for the annotated release. */
  source: 'safecoder' | 'tsp-release';
  origin?: string;
}

/**
 * Turns SafeCoder / TSP-release records into tasks: the prompt is the description as a comment in
 * the record's language, the secure reference is that comment plus the fixed function, the
 * insecure variant the comment plus the vulnerable one. Annotated risk lines (release data) become
 * `riskAnnotations`: critical decision nodes known in advance. No tests: the harness is `none`,
 * and TSP verifies each branch with the static analyzer.
 */
export function recordsToTasks(records: unknown[], options: SafeCoderTaskOptions): LoadSafeCoderResult {
  const tasks: Task[] = [];
  const skipped: Record<string, number> = {};
  const unmatchedAnnotations: string[] = [];
  records.forEach((raw, i) => {
    const r = SafeCoderRecord.safeParse(raw);
    if (!r.success) {
      skipped['invalid record'] = (skipped['invalid record'] ?? 0) + 1;
      return;
    }
    const rec = r.data;
    const language = languageOfFile(rec.file_name);
    if (!language) {
      const ext = /\.(\w+)$/.exec(rec.file_name)?.[1] ?? rec.file_name;
      skipped[`language .${ext}`] = (skipped[`language .${ext}`] ?? 0) + 1;
      return;
    }
    const description = (rec.description ?? `Write the function \`${rec.func_name}\`.`).trim();
    const prompt = COMMENT[language](description);
    const secure = prompt + dedent(rec.func_src_after);
    const insecure = prompt + dedent(rec.func_src_before);
    const riskAnnotations = rec.output ? parseRiskAnnotations(rec.output) : [];
    const id = `${options.source}/${String(i).padStart(4, '0')}-${rec.func_name.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'anonymous'}`;
    if (
      riskAnnotations.length > 0 &&
      !riskAnnotations.some((a) => releasePrefix(secure, a.line) !== undefined)
    )
      unmatchedAnnotations.push(id);
    const cwe = normalizeCwe(rec.vul_type.replace(/^cwe[-_]?/i, ''));
    const entry =
      rec.func_name
        .split(/::|\./)
        .pop()
        ?.replace(/[^\w$]/g, '') || 'anonymous';
    tasks.push(
      parseOrThrow(
        Task,
        {
          id,
          language,
          cwe: cwe ? [cwe] : [],
          prompt,
          entryPoint: entry,
          harness: { kind: 'none' },
          tests: [],
          secureReference: secure,
          insecureVariants: [insecure],
          riskAnnotations,
          family: cwe,
          provenance: {
            source: options.source,
            origin: `${options.origin ?? ''}#${i}${rec.commit_link ? ` ${rec.commit_link}` : ''}`,
            license: 'MIT',
          },
        },
        `${options.source} record ${i}`,
      ),
    );
  });
  return { tasks, skipped, unmatchedAnnotations };
}

/** SafeCoder `sec-new-desc.jsonl` (or any SafeCoder-format JSONL). */
export async function loadSafeCoder(file: string): Promise<LoadSafeCoderResult> {
  const text = await readText(file);
  const records: unknown[] = [];
  for (const [n, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    try {
      records.push(JSON.parse(line));
    } catch (e) {
      throw new TspError('invalid-input', `${file}:${n + 1}: not JSON`, { cause: e });
    }
  }
  return recordsToTasks(records, { source: 'safecoder', origin: file });
}

/** The TSP release `sec-new-desc_annotated.json` (a JSON array). */
export async function loadTspRelease(file: string): Promise<LoadSafeCoderResult> {
  const text = await readText(file);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new TspError('invalid-input', `${file}: not JSON`, { cause: e });
  }
  if (!Array.isArray(data)) throw new TspError('invalid-input', `${file}: expected a JSON array of items`);
  return recordsToTasks(data, { source: 'tsp-release', origin: file });
}

/**
 * Branch points of an annotated task, in the order of its annotations: the release's prefix for
 * each risk line that matches (the first one is where the release branches).
 */
export function annotatedBranchPoints(task: Task): { prefix: string; annotation: RiskAnnotation }[] {
  if (!task.secureReference) return [];
  const out: { prefix: string; annotation: RiskAnnotation }[] = [];
  for (const a of task.riskAnnotations) {
    const prefix = releasePrefix(task.secureReference, a.line);
    if (prefix !== undefined) out.push({ prefix, annotation: a });
  }
  return out;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new TspError('not-found', `cannot read ${file}`, {
      hint: 'point TSP_BENCHMARKS_DIR at the folder with SafeCoder/ and TSP/',
      cause: e,
    });
  }
}
