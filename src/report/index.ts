/**
 * Reports of a run: the paper-style Markdown table (results.md) and the self-contained HTML
 * report (report.html) with charts and the tree viewer.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TspError } from '../spec/errors.ts';
import { type BuildReportOptions, buildReportData } from './data.ts';
import { type RenderHtmlOptions, renderHtml } from './html.ts';
import { type MarkdownOptions, renderMarkdownTable } from './markdown.ts';
import { loadRunResults } from './partial-results.ts';
import { readManifest } from './run-dir.ts';

export type { BuildReportOptions, ProgressEvent, ReportData } from './data.ts';
export { buildReportData } from './data.ts';
export { renderHtml } from './html.ts';
export { type MarkdownOptions, renderMarkdownTable } from './markdown.ts';

export interface WriteReportOptions extends BuildReportOptions, RenderHtmlOptions {
  /** Where to write the HTML; default `<runDir>/report.html`. */
  out?: string;
  /** Also write `<runDir>/results.md` (default true). */
  markdown?: boolean;
}

export interface WriteReportResult {
  htmlPath: string;
  bytes: number;
  markdownPath?: string;
}

async function writeText(path: string, text: string): Promise<void> {
  try {
    await writeFile(path, text);
  } catch (e) {
    throw new TspError('io-error', `cannot write ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * The Markdown tables of a run directory (finished or not): `results.md`, or per `variant` the
 * README's results tables or the base model's calibration.
 */
export async function renderRunMarkdown(runDir: string, options: MarkdownOptions = {}): Promise<string> {
  return renderMarkdownTable(await loadRunResults(runDir, await readManifest(runDir)), options);
}

/** Writes report.html (and results.md) for a run directory. */
export async function writeReport(
  runDir: string,
  options: WriteReportOptions = {},
): Promise<WriteReportResult> {
  const data = await buildReportData(runDir, options);
  options.onProgress?.({ phase: 'render report', done: 0, total: 1 });
  const html = renderHtml(data, options);
  const htmlPath = options.out ?? join(runDir, 'report.html');
  await writeText(htmlPath, html);
  const result: WriteReportResult = { htmlPath, bytes: Buffer.byteLength(html) };
  if (options.markdown ?? true) {
    const markdownPath = join(runDir, 'results.md');
    await writeText(markdownPath, await renderRunMarkdown(runDir));
    result.markdownPath = markdownPath;
  }
  options.onProgress?.({ phase: 'render report', done: 1, total: 1 });
  return result;
}
