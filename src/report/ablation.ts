/**
 * The Markdown of an ablation (`ablation-<name>.md`, docs/ablations.md's tables): per split, one row
 * per variant with TSP's metrics, the paired difference with the reference variant and its 95%
 * interval, and what the variant's trees built. Pure: summary in, text out.
 */
import type { AblationSummary } from '../spec/ablation.ts';
import { excludesZero, formatDifference, formatPercent } from './format.ts';

/** A rate as a percentage, or with `digits` a plain number. */
function cell(x: number | null, digits?: number): string {
  if (x === null) return '–';
  return digits === undefined ? formatPercent(x) : x.toFixed(digits);
}

function minutes(s: number | null): string {
  return s === null ? '–' : `${(s / 60).toFixed(1)} min`;
}

export function renderAblationMarkdown(summary: AblationSummary): string {
  const out: string[] = [
    `### Ablation \`${summary.name}\``,
    '',
    summary.question,
    '',
    `Preset \`${summary.preset}\`, seeds ${summary.seeds.join(', ')}; TSP alone in each variant, at its last round. Metrics in percent (mean over seeds); Δ: variant minus the reference variant in percentage points with a 95% paired bootstrap interval over tasks (each task with its seeds), **bold** where it excludes 0; it is taken over the tasks both variants evaluated (paired tasks), while each variant's own metrics are over all its tasks. Tree columns: mean over seeds and rounds.`,
    '',
  ];
  const splits = [...new Set(summary.rows.map((r) => r.split))];
  const sources = [...new Set(summary.rows.flatMap((r) => Object.keys(r.criticalBy)))].sort();
  for (const split of splits) {
    const rows = summary.rows.filter((r) => r.split === split);
    const header = [
      'Variant',
      'SPR@1 ↑',
      'pass@1 ↑',
      'Vuln. rate ↓',
      'Δ SPR@1',
      'Δ pass@1',
      'Δ vuln. rate',
      'Paired tasks',
      'Critical nodes / task',
      ...sources.map((s) => `by ${s} / task`),
      'Verified pairs / round',
      'Verified pairs / 1k tokens',
      'Insecure-rejected pairs / 1k tokens',
      'Wall time',
    ];
    const diff = (r: (typeof rows)[number], m: 'spr1' | 'pass1' | 'vulnRate') => {
      if (r.reference) return 'reference';
      const d = r.vsReference[m];
      if (!d) return '–';
      return excludesZero(d) ? `**${formatDifference(d)}**` : formatDifference(d);
    };
    const body = rows.map((r) => [
      r.label,
      cell(r.spr1),
      cell(r.pass1),
      cell(r.vulnRate),
      diff(r, 'spr1'),
      diff(r, 'pass1'),
      diff(r, 'vulnRate'),
      r.reference ? '–' : String(r.vsReference.spr1?.tasks ?? '–'),
      cell(r.criticalNodesPerTask, 2),
      ...sources.map((s) => (r.criticalBy[s] === undefined ? '–' : (r.criticalBy[s] as number).toFixed(2))),
      cell(r.verifiedPairs, 1),
      cell(r.verifiedPairsPer1kTokens, 2),
      cell(r.rejectedInsecurePer1kTokens, 2),
      minutes(r.wallSeconds),
    ]);
    out.push(
      `Split \`${split}\`:`,
      '',
      [header, header.map((_, i) => (i === 0 ? ':--' : '--:')), ...body]
        .map((r) => `| ${r.join(' | ')} |`)
        .join('\n'),
      '',
    );
  }
  if (splits.length === 0) out.push('_No variant has finished an evaluation yet._', '');
  return `${out.join('\n').trimEnd()}\n`;
}
