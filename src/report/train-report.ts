/**
 * The report of a `tsp train --external` work directory: its settings (the manifest), each
 * finished round (policy, critical nodes, pairs, trainer, next policy) and the pairs per task.
 * Written as Markdown and as a small self-contained HTML page (`tsp report <work dir>`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pair } from '../spec/tree.ts';
import type { ExternalRoundRecord } from '../training/export/external-trainer.ts';

/** Whether a directory is a `tsp train` work directory (its manifest says so). */
export function isTrainWorkDir(dir: string): boolean {
  return (readManifestConfig(dir)?.kind ?? '') === 'external-self-play';
}

function readManifestConfig(dir: string): Record<string, unknown> | undefined {
  try {
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
      config?: Record<string, unknown>;
    };
    return m.config;
  } catch {
    return undefined;
  }
}

function readJsonlLoose<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as T];
      } catch {
        return [];
      }
    });
}

function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) =>
    `| ${cells.map((c) => String(c).replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The Markdown report of a train work directory. */
export function renderTrainMarkdown(dir: string): string {
  const config = readManifestConfig(dir) ?? {};
  const rounds = readJsonlLoose<ExternalRoundRecord>(join(dir, 'rounds.jsonl'));
  const search = (config.search ?? {}) as { sampling?: Record<string, unknown>; rootSamples?: number };
  const lines = [
    `# tsp train: ${dir}`,
    '',
    `Model ${String(config.model)} (${config.realModel === false ? 'embedded, tsp serve' : 'real model'}), method ${String(config.method)}, tasks ${String(config.tasks)}, switch ${String(config.switch)}, export ${String(config.format)}, seed ${String(config.seed)}.`,
    `Sampling: ${JSON.stringify(search.sampling ?? {})}${search.rootSamples ? `, ${search.rootSamples} root samples` : ''}; chat template ${(config.chatTemplate as { name?: string } | null)?.name ?? 'plain'}.`,
    '',
    `## Rounds (${rounds.length} finished)`,
    '',
  ];
  if (rounds.length === 0) lines.push('No round has finished yet (a resumed `tsp train` continues it).');
  else
    lines.push(
      table(
        [
          'round',
          'policy',
          'critical nodes',
          'pairs',
          'verified exported',
          'programs judged',
          'trainer',
          'next policy',
        ],
        rounds.map((r) => {
          const s = (r.stats ?? {}) as { criticalNodes?: number; judged?: number };
          return [
            r.round,
            r.policy.model,
            s.criticalNodes ?? '-',
            r.pairs,
            r.exported,
            s.judged ?? '-',
            r.trainerReused ? 'reused' : `${(r.trainer.durationMs / 1000).toFixed(1)} s`,
            r.next.model,
          ];
        }),
      ),
    );
  const perTask = new Map<string, number[]>();
  rounds.forEach((r, i) => {
    for (const p of readJsonlLoose<Pair>(join(dir, 'pairs', `round-${r.round}.jsonl`))) {
      if (!(p.chosenVerified && p.rejectedVerified)) continue;
      const row = perTask.get(p.taskId) ?? rounds.map(() => 0);
      row[i] = (row[i] ?? 0) + 1;
      perTask.set(p.taskId, row);
    }
  });
  if (perTask.size)
    lines.push(
      '',
      '## Verified pairs per task',
      '',
      table(
        ['task', ...rounds.map((r) => `round ${r.round}`)],
        [...perTask].sort(([a], [b]) => a.localeCompare(b)).map(([t, n]) => [t, ...n]),
      ),
    );
  lines.push(
    '',
    `Trees: ${join(dir, 'trees')}/round-<r>.jsonl; pairs: ${join(dir, 'pairs')}; each round's export and trainer output: ${join(dir, 'round-<r>')}.`,
    '',
  );
  return lines.join('\n');
}

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string,
  );
}

/** Writes `<dir>/results.md` and an HTML page (`out`, default `<dir>/report.html`). */
export async function writeTrainReport(
  dir: string,
  options: { out?: string } = {},
): Promise<{ htmlPath: string; bytes: number; markdownPath: string }> {
  const md = renderTrainMarkdown(dir);
  const markdownPath = join(dir, 'results.md');
  await writeFile(markdownPath, md);
  const html = `<!doctype html><meta charset="utf-8"><title>tsp train report</title><style>body{font:14px system-ui;margin:2em}pre{white-space:pre-wrap}</style><pre>${escapeHtml(md)}</pre>\n`;
  const htmlPath = options.out ?? join(dir, 'report.html');
  await writeFile(htmlPath, html);
  return { htmlPath, bytes: Buffer.byteLength(html), markdownPath };
}
