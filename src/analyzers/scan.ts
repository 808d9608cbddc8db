import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { TspError } from '../spec/errors.ts';
import type { Finding } from '../spec/finding.ts';
import type { Language } from '../spec/language.ts';
import { type Analyzer, MAX_INPUT_BYTES, type ParseError } from './analyzer.ts';
import { dedupeFindings } from './findings.ts';

/** Scanning files and folders: language by extension (or forced), one result per file, never a crash. */

const EXTENSIONS: Record<string, Language> = {
  '.py': 'python',
  '.c': 'c',
  '.h': 'c',
  '.cpp': 'cpp',
  '.cc': 'cpp',
  '.cxx': 'cpp',
  '.hpp': 'cpp',
  '.hh': 'cpp',
  '.go': 'go',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsx': 'javascript',
};

const SKIP_DIRS = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  '__pycache__',
  'vendor',
  '.venv',
  'venv',
  'dist',
  'build',
]);

export function languageOf(file: string): Language | undefined {
  return EXTENSIONS[extname(file).toLowerCase()];
}

export interface FileScan {
  file: string;
  language: Language | undefined;
  findings: Finding[];
  parseErrors: ParseError[];
  notes: string[];
  /** Source text (for text output with the line and a caret); absent when not read. */
  source?: string;
  durationMs: number;
}

/** Files to scan under the given paths (directories walked, known extensions only unless forced). */
export async function collectFiles(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (p: string, top: boolean): Promise<void> => {
    let st: Awaited<ReturnType<typeof stat>>;
    try {
      st = await stat(p);
    } catch (cause) {
      if (top)
        throw new TspError('not-found', `no such file or directory: ${p}`, { hint: 'check the path', cause });
      return;
    }
    if (st.isDirectory()) {
      const entries = await readdir(p, { withFileTypes: true });
      for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        if (e.isDirectory() && SKIP_DIRS.has(e.name)) continue;
        await walk(join(p, e.name), false);
      }
    } else if (st.isFile() && (top || languageOf(p))) {
      out.push(p);
    }
  };
  for (const p of paths) await walk(p, true);
  return out;
}

/**
 * Scans each file with TSP's rules, then runs the enabled external analyzers once over all the
 * files (one process per tool, not one per file) and merges their findings per file. A file that
 * cannot be read or analyzed gets a note, the others go on.
 */
export async function scanFiles(files: string[], analyzer: Analyzer, forced?: Language): Promise<FileScan[]> {
  const results: FileScan[] = [];
  for (const file of files) {
    const t0 = performance.now();
    const language = forced ?? languageOf(file);
    const base: FileScan = { file, language, findings: [], parseErrors: [], notes: [], durationMs: 0 };
    try {
      if (!language) {
        base.notes.push(
          `unknown language for '${extname(file) || file}': pass --lang python|c|cpp|go|javascript`,
        );
      } else {
        const st = await stat(file);
        if (st.size > MAX_INPUT_BYTES) {
          base.notes.push(
            `file is ${(st.size / 1048576).toFixed(1)} MB, larger than the 1 MB limit: not analyzed`,
          );
        } else {
          const buf = await readFile(file);
          if (buf.includes(0)) base.notes.push('binary content (NUL bytes): not analyzed');
          else {
            const source = buf.toString('utf8');
            const r = await analyzer.analyzeDetailed(source, language, { file, skipExternal: true });
            Object.assign(base, { findings: r.findings, parseErrors: r.parseErrors, source });
            base.notes.push(...r.notes);
          }
        }
      }
    } catch (e) {
      base.notes.push(`could not analyze: ${e instanceof Error ? e.message : String(e)}`);
    }
    base.durationMs = performance.now() - t0;
    results.push(base);
  }
  if (analyzer.external.length) {
    const inputs = results
      .filter((r) => r.language && r.source !== undefined)
      .map((r) => ({
        path: r.file,
        code: r.source as string,
        language: r.language as Language,
        display: r.file,
      }));
    const ext = await analyzer.analyzeExternal(inputs);
    const byFile = new Map<string, Finding[]>();
    for (const f of ext.findings) {
      const list = byFile.get(f.file ?? '') ?? [];
      list.push(f);
      byFile.set(f.file ?? '', list);
    }
    for (const r of results) {
      const extra = byFile.get(r.file);
      if (extra) r.findings = dedupeFindings([...r.findings, ...extra]);
    }
    if (ext.notes.length) results[0]?.notes.push(...[...new Set(ext.notes)]);
  }
  return results;
}
