/**
 * The paper-style Markdown tables of a run (`results.md`): one table per evaluation split, the
 * unseen-CWE and cross-language panels, and the tree statistics. Pure: RunResults in, text out.
 */
import type { MethodName, RunResults, Stat } from '../spec/results.ts';
import { aggregateTreeStats, buildHeatmaps } from './aggregate.ts';
import { type Better, bestIndexes, formatPercent, formatStat, METHOD_LABEL, sortMethods } from './format.ts';

export { aggregateTreeStats } from './aggregate.ts';

const LANGUAGE_LABEL: Record<string, string> = {
  python: 'Python',
  c: 'C',
  cpp: 'C++',
  go: 'Go',
  javascript: 'JavaScript',
};

function escapeCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function table(header: string[], align: ('l' | 'r')[], rows: string[][]): string {
  const sep = align.map((a) => (a === 'r' ? '--:' : ':--'));
  return [header, sep, ...rows].map((r) => `| ${r.map(escapeCell).join(' | ')} |`).join('\n');
}

/** Formats a column of stats, bolding the best mean. */
function statColumn(stats: readonly (Stat | null | undefined)[], better: Better): string[] {
  const present = stats.map((s, i) => ({ s, i })).filter((x): x is { s: Stat; i: number } => !!x.s);
  const best = bestIndexes(
    present.map((x) => Number(formatPercent(x.s.mean))),
    better,
  );
  const bestRows = new Set([...best].map((j) => present[j]?.i));
  return stats.map((s, i) => (s ? (bestRows.has(i) ? `**${formatStat(s)}**` : formatStat(s)) : '–'));
}

function transpose(cols: string[][], first: string[]): string[][] {
  return first.map((f, i) => [f, ...cols.map((c) => c[i] ?? '')]);
}

function seedsNote(results: RunResults): string {
  const n = results.seeds.length;
  return n > 1
    ? `Mean ± sample standard deviation over ${n} seeds (${results.seeds.join(', ')}), in percent.`
    : `One seed (${results.seeds.join(', ') || 'none'}), in percent; no spread.`;
}

const num = (x: number, digits = 1) => (Number.isInteger(x) ? String(x) : x.toFixed(digits));

/** Renders `results.md`: the paper-style tables of a run. */
export function renderMarkdownTable(results: RunResults): string {
  const out: string[] = [];
  out.push(`## Results of run \`${results.runId}\` (preset \`${results.preset}\`)`, '');
  out.push(
    `${seedsNote(results)} SPR@1: secure **and** functional (pass@1-type estimate); secure@1: no working exploit and no finding of the task's CWE; vuln. rate: insecure among functional samples. ↑ higher is better, ↓ lower is better; **bold**: best in the column.`,
    '',
  );

  const splits = [...new Set(results.summary.map((r) => r.split))];
  for (const split of splits) {
    const rows = sortMethods(results.summary.filter((r) => r.split === split));
    out.push(`### Split \`${split}\``, '');
    const cols = [
      statColumn(
        rows.map((r) => r.spr1),
        'higher',
      ),
      statColumn(
        rows.map((r) => r.pass1),
        'higher',
      ),
      statColumn(
        rows.map((r) => r.secure1),
        'higher',
      ),
      statColumn(
        rows.map((r) => r.vulnRate),
        'lower',
      ),
    ];
    out.push(
      table(
        ['Method', 'SPR@1 ↑', 'pass@1 ↑', 'secure@1 ↑', 'Vuln. rate ↓'],
        ['l', 'r', 'r', 'r', 'r'],
        transpose(
          cols,
          rows.map((r) => METHOD_LABEL[r.method]),
        ),
      ),
      '',
    );
  }
  if (splits.length === 0) out.push('_No summary rows in results.json._', '');

  // Per-CWE vulnerability rates on the main split (the first of the table), each method at its last round.
  const heatmaps = buildHeatmaps(results.evaluations, 'perCwe');
  const main = heatmaps.find((h) => h.split === splits[0]) ?? heatmaps[0];
  if (main) {
    out.push(
      `### Vulnerability rate per CWE (split \`${main.split}\`)`,
      '',
      'Insecure among functional samples, each method at its last round, mean over seeds (↓).',
      '',
    );
    const cols = main.columns.map((_, i) => {
      const values = main.rows.map((r) => r.cells[i] ?? null);
      const present = values.filter((v): v is number => v !== null).map((v) => Number(formatPercent(v)));
      const best = bestIndexes(present, 'lower');
      let k = -1;
      return values.map((v) => {
        if (v === null) return '–';
        k++;
        return best.has(k) ? `**${formatPercent(v)}**` : formatPercent(v);
      });
    });
    out.push(
      table(
        ['Method', 'Round', ...main.columns],
        ['l', 'r', ...main.columns.map(() => 'r' as const)],
        transpose(
          [main.rows.map((r) => String(r.round)), ...cols],
          main.rows.map((r) => METHOD_LABEL[r.method]),
        ),
      ),
      '',
    );
  }

  if (results.unseenCwe.length) {
    const rows = sortMethods(results.unseenCwe);
    out.push(
      '### Unseen CWEs',
      '',
      'Vulnerability rate on CWEs no training data covered; reduction relative to SFT.',
      '',
    );
    out.push(
      table(
        ['Method', 'Vuln. rate ↓', 'Reduction vs SFT ↑'],
        ['l', 'r', 'r'],
        transpose(
          [
            statColumn(
              rows.map((r) => r.vulnRate),
              'lower',
            ),
            statColumn(
              rows.map((r) => (r.method === 'sft' ? null : r.reductionVsSft)),
              'higher',
            ),
          ],
          rows.map((r) => METHOD_LABEL[r.method]),
        ),
      ),
      '',
    );
  }

  if (results.crossLanguage.length) {
    const languages = [...new Set(results.crossLanguage.map((r) => r.language))];
    const methods = sortMethods(
      [...new Set(results.crossLanguage.map((r) => r.method))].map((method) => ({ method })),
    );
    out.push(
      '### Cross-language transfer',
      '',
      'Trained on C/C++ only; evaluated on other languages with the same CWEs (SPR@1 / vuln. rate).',
      '',
    );
    const cols = languages.flatMap((lang) => {
      const pick = (m: MethodName) =>
        results.crossLanguage.find((r) => r.method === m && r.language === lang);
      return [
        statColumn(
          methods.map(({ method }) => pick(method)?.spr1),
          'higher',
        ),
        statColumn(
          methods.map(({ method }) => pick(method)?.vulnRate),
          'lower',
        ),
      ];
    });
    out.push(
      table(
        [
          'Method',
          ...languages.flatMap((l) => [
            `${LANGUAGE_LABEL[l] ?? l} SPR@1 ↑`,
            `${LANGUAGE_LABEL[l] ?? l} vuln. ↓`,
          ]),
        ],
        ['l', ...languages.flatMap(() => ['r', 'r'] as const)],
        transpose(
          cols,
          methods.map((m) => METHOD_LABEL[m.method]),
        ),
      ),
      '',
    );
  }

  if (results.treeStats.length) {
    const rows = aggregateTreeStats(results.treeStats);
    const sources = [...new Set(rows.flatMap((r) => Object.keys(r.criticalBy)))].sort();
    out.push('### Decision trees', '', 'Per self-play round, mean over seeds.', '');
    out.push(
      table(
        [
          'Method',
          'Round',
          'Critical nodes / task',
          ...sources.map((s) => `by ${s}`),
          'Pairs',
          'Verified pairs',
          'Verified pairs / 1k tokens',
          'Judged programs',
        ],
        ['l', 'r', 'r', ...sources.map(() => 'r' as const), 'r', 'r', 'r', 'r'],
        rows.map((r) => [
          METHOD_LABEL[r.method],
          String(r.round),
          r.criticalNodesPerTask.toFixed(2),
          ...sources.map((s) => num(r.criticalBy[s] ?? 0)),
          num(r.pairs),
          num(r.verifiedPairs),
          r.verifiedPairsPer1kTokens.toFixed(2),
          num(r.judged),
        ]),
      ),
      '',
    );
  }

  if (results.notes.length) {
    out.push('Notes:', '', ...results.notes.map((n) => `- ${n.replace(/\r?\n/g, ' ')}`), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
