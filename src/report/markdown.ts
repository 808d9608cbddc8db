/**
 * The paper-style Markdown tables of a run (`results.md`): one table per evaluation split, the
 * unseen-CWE and cross-language panels, and the tree statistics. Pure: RunResults in, text out.
 */
import {
  type Comparison,
  type Evaluation,
  type MethodName,
  type Metrics,
  type RunResults,
  type Stat,
  type SummaryRow,
  UNSEEN_SPLITS,
  unseenSplitOf,
} from '../spec/results.ts';
import { aggregateTreeStats, buildCurves, buildHeatmaps } from './aggregate.ts';
import {
  type Better,
  bestIndexes,
  describeDifference,
  formatDifference,
  formatPercent,
  formatSignedPoints,
  formatStat,
  METHOD_LABEL,
  sortMethods,
} from './format.ts';

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

/**
 * The unseen-CWE reduction against SFT: the bootstrap estimate and interval when the run has
 * per-task counts, else the mean over seeds only when more than one seed defines it (one seed's
 * ratio printed as `0.0 ± 0.0`-looking spread would claim what it cannot).
 */
function reductionCell(r: RunResults['unseenCwe'][number]): string {
  if (r.method === 'sft') return '–';
  const iv = r.reductionVsSftInterval;
  if (iv) return formatDifference({ diff: iv.estimate, lo: iv.lo, hi: iv.hi });
  const s = r.reductionVsSft;
  return s && s.n > 1 ? formatStat(s) : '–';
}

/** What a held-out split's CWEs are, after "CWEs no training data covered". */
const UNSEEN_NOTES: Readonly<Record<string, string>> = {
  'unseen-sibling': ' that share the principle of a trained family (the same secure idea at another API)',
  'unseen-distant': ' whose principle no trained family shares',
};

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

/** The split's table: one row per method, SPR@1 / pass@1 / secure@1 / vuln. rate over seeds. */
function splitTable(summary: readonly SummaryRow[]): string {
  const rows = sortMethods(summary);
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
    // null (–, not 0) where no seed produced a functional sample
    statColumn(
      rows.map((r) => r.vulnRate),
      'lower',
    ),
  ];
  return table(
    ['Method', 'SPR@1 ↑', 'pass@1 ↑', 'secure@1 ↑', 'Vuln. rate ↓'],
    ['l', 'r', 'r', 'r', 'r'],
    transpose(
      cols,
      rows.map((r) => METHOD_LABEL[r.method]),
    ),
  );
}

const COMPARED_COLUMNS: readonly { metric: Comparison['metric']; label: string }[] = [
  { metric: 'spr1', label: 'Δ SPR@1 ↑' },
  { metric: 'pass1', label: 'Δ pass@1 ↑' },
  { metric: 'vulnRate', label: 'Δ vuln. rate ↓' },
];

/** The pairs the README shows: TSP against every other method, and self-play against SFT. */
const isHeadlinePair = (c: Pick<Comparison, 'a' | 'b'>) => c.a === 'tsp' || (c.a === 'spin' && c.b === 'sft');

/**
 * The paired differences on a split: one row per pair of methods (later minus earlier), one
 * column per metric, `+1.1 [−0.8, +3.0]` in percentage points; bold where the interval excludes 0.
 */
export function comparisonTable(
  comparisons: readonly Comparison[],
  split: string,
  pick: (c: Comparison) => boolean = () => true,
): { note: string; table: string } | undefined {
  const mine = comparisons.filter((c) => c.split === split && pick(c));
  if (mine.length === 0) return undefined;
  const pairs: { a: MethodName; b: MethodName }[] = [];
  for (const c of mine) if (!pairs.some((p) => p.a === c.a && p.b === c.b)) pairs.push({ a: c.a, b: c.b });
  const first = mine[0] as Comparison;
  const bySeed = first.seeds > 1;
  const rows = pairs.map(({ a, b }) => {
    const find = (metric: Comparison['metric']) =>
      mine.find((x) => x.a === a && x.b === b && x.metric === metric);
    return [
      `${METHOD_LABEL[a]} − ${METHOD_LABEL[b]}`,
      ...COMPARED_COLUMNS.map(({ metric }) => {
        const c = find(metric);
        if (!c) return '–';
        const { text, resolved } = describeDifference(c);
        return resolved ? `**${text}**` : text;
      }),
      ...(bySeed
        ? [
            (find('spr1')?.perSeed ?? [])
              .map((d) => (d === null ? '–' : formatSignedPoints(d)))
              .join(' / ') || '–',
          ]
        : []),
    ];
  });
  const tasks = Math.max(...mine.map((c) => c.tasks));
  const note = `Paired differences in percentage points (first method minus second, each at its last round) with a 95% interval from a bootstrap over the ${tasks} tasks (${first.resamples.toLocaleString('en-US')} resamples; each task keeps its ${first.seeds} seed${first.seeds === 1 ? '' : 's'} and both methods see the same tasks). **Bold**: the interval excludes 0; otherwise the run cannot tell the two apart on that metric.${bySeed ? " Seed by seed: the SPR@1 difference of each seed's models over all the tasks (the interval does not treat the training seed as random; this column shows whether the seeds agree)." : ''}`;
  return {
    note,
    table: table(
      ['Difference', ...COMPARED_COLUMNS.map((c) => c.label), ...(bySeed ? ['Δ SPR@1 seed by seed'] : [])],
      ['l', 'r', 'r', 'r', ...(bySeed ? (['r'] as const) : [])],
      rows,
    ),
  };
}

const METRICS_NOTE =
  "SPR@1: secure **and** functional (pass@1-type estimate); secure@1: no working exploit and no finding of the task's CWE; vuln. rate: insecure among functional samples, averaged over the seeds that had one (– when none had). ↑ higher is better, ↓ lower is better; **bold**: best in the column.";

export interface MarkdownOptions {
  /**
   * `results` (default): `results.md`, every table of the run. `readme`: the README's results
   * section: one table per split under a readable title (held-out eval first, the training-prompt
   * diagnostic last) and the self-play rounds (training-prompt metrics and verified pairs per round).
   * `calibration`: the base model (round 0) per split, language and CWE (docs/suite.md's table).
   */
  variant?: 'results' | 'readme' | 'calibration';
}

/** Renders `results.md` (or, per `variant`, the README's results tables or the base model's calibration) of a run. */
export function renderMarkdownTable(results: RunResults, options: MarkdownOptions = {}): string {
  if (options.variant === 'readme') return renderReadme(results);
  if (options.variant === 'calibration') return renderCalibration(results);
  const out: string[] = [];
  out.push(`## Results of run \`${results.runId}\` (preset \`${results.preset}\`)`, '');
  out.push(`${seedsNote(results)} ${METRICS_NOTE}`, '');

  const splits = [...new Set(results.summary.map((r) => r.split))];
  for (const split of splits) {
    out.push(`### Split \`${split}\``, '', splitTable(results.summary.filter((r) => r.split === split)), '');
    const diffs = comparisonTable(results.comparisons, split);
    if (diffs) out.push(`### Paired differences, split \`${split}\``, '', diffs.note, '', diffs.table, '');
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

  for (const split of [...new Set(results.unseenCwe.map(unseenSplitOf))]) {
    const rows = sortMethods(results.unseenCwe.filter((r) => unseenSplitOf(r) === split));
    out.push(
      `### ${UNSEEN_SPLITS[split] ?? `Split \`${split}\``}`,
      '',
      `Vulnerability rate on CWEs no training data covered${UNSEEN_NOTES[split] ?? ''}; relative reduction against SFT, (SFT − method) / SFT of the rates over all seeds, with a 95% paired bootstrap interval over tasks. – where either rate is undefined (no functional sample); a reduction over seeds is never shown from a single seed.`,
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
            rows.map((r) => reductionCell(r)),
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
    out.push(
      '### Decision trees',
      '',
      "Per self-play round, mean over seeds. Verified pairs: both sides judged by the oracle before pairing. Insecure-rejected pairs: pairs whose rejected side the oracle found verified insecure, for the recipes that pair without judging (the release's) asked afterwards: the pairs verification would have kept.",
      '',
    );
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
          'Insecure-rejected pairs / 1k tokens',
          'Judged programs',
        ],
        ['l', 'r', 'r', ...sources.map(() => 'r' as const), 'r', 'r', 'r', 'r', 'r'],
        rows.map((r) => [
          METHOD_LABEL[r.method],
          String(r.round),
          r.criticalNodesPerTask.toFixed(2),
          ...sources.map((s) => num(r.criticalBy[s] ?? 0)),
          num(r.pairs),
          num(r.verifiedPairs),
          r.verifiedPairsPer1kTokens.toFixed(2),
          r.rejectedInsecurePer1kTokens === null ? '–' : r.rejectedInsecurePer1kTokens.toFixed(2),
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

/** README titles of the built-in experiment's splits, in the order the README lists them. */
const README_SPLITS: readonly { split: string; title: string }[] = [
  { split: 'eval', title: 'Held-out eval' },
  { split: 'test', title: 'Held-out test' },
  ...Object.entries(UNSEEN_SPLITS).map(([split, title]) => ({ split, title })),
  { split: 'cross-language', title: 'Cross-language eval (trained on C/C++ only)' },
  {
    split: 'train',
    title: 'Training prompts (diagnostic: the prompts SFT and self-play trained on, not held out)',
  },
];

/** The README's results tables: per split, then the self-play rounds. */
function renderReadme(results: RunResults): string {
  const out: string[] = [`${seedsNote(results)} ${METRICS_NOTE}`, ''];
  const present = [...new Set(results.summary.map((r) => r.split))];
  const known = README_SPLITS.filter((s) => present.includes(s.split));
  const others = present
    .filter((p) => !README_SPLITS.some((s) => s.split === p))
    .map((split) => ({ split, title: `Split \`${split}\`` }));
  // Unknown splits go before the diagnostic one, which always comes last.
  const ordered = [
    ...known.filter((s) => s.split !== 'train'),
    ...others,
    ...known.filter((s) => s.split === 'train'),
  ];
  for (const { split, title } of ordered) {
    out.push(`### ${title}`, '', splitTable(results.summary.filter((r) => r.split === split)), '');
    const diffs = comparisonTable(results.comparisons, split, isHeadlinePair);
    if (diffs) out.push(`### ${title}: paired differences`, '', diffs.note, '', diffs.table, '');
  }
  if (ordered.length === 0) out.push('_No summary rows in results.json._', '');

  const rounds = roundsTable(results);
  if (rounds) out.push('### Self-play rounds', '', rounds.note, '', rounds.table, '');
  return `${out.join('\n').trimEnd()}\n`;
}

/**
 * One row per method and self-play round (>= 1): the training-prompt SPR@1 and pass@1 after the
 * round (when the run evaluated the `train` split) and what the round built (tree statistics, mean
 * over seeds; `–` for methods that build no trees, such as SFT).
 */
function roundsTable(results: RunResults): { note: string; table: string } | undefined {
  const curves = buildCurves(results.evaluations.filter((e) => e.split === 'train' && e.round >= 1));
  const trees = aggregateTreeStats(results.treeStats);
  const keyOf = (method: MethodName, round: number) => `${method}\u0000${round}`;
  const keys = new Map<string, { method: MethodName; round: number }>();
  for (const c of curves)
    for (const p of c.points) keys.set(keyOf(c.method, p.round), { method: c.method, round: p.round });
  for (const t of trees) keys.set(keyOf(t.method, t.round), { method: t.method, round: t.round });
  if (keys.size === 0) return undefined;
  const rows = sortMethods([...keys.values()]).sort((a, b) =>
    a.method === b.method ? a.round - b.round : 0,
  );
  const withTrain = curves.length > 0;
  const point = (method: MethodName, round: number, metric: 'spr1' | 'pass1') =>
    curves.find((c) => c.method === method && c.metric === metric)?.points.find((p) => p.round === round);
  const cell = (s: Stat | undefined) => (s ? formatStat(s) : '–');
  const header = [
    'Method',
    'Round',
    ...(withTrain ? ['train SPR@1 ↑', 'train pass@1 ↑'] : []),
    'Critical nodes / task',
    'Verified pairs',
    'Verified pairs / 1k tokens',
  ];
  const body = rows.map(({ method, round }) => {
    const t = trees.find((x) => x.method === method && x.round === round);
    return [
      METHOD_LABEL[method],
      String(round),
      ...(withTrain ? [cell(point(method, round, 'spr1')), cell(point(method, round, 'pass1'))] : []),
      t ? t.criticalNodesPerTask.toFixed(2) : '–',
      t ? num(t.verifiedPairs) : '–',
      t ? t.verifiedPairsPer1kTokens.toFixed(2) : '–',
    ];
  });
  return {
    note: withTrain
      ? 'After each round: SPR@1 and pass@1 on the training prompts (percent, over seeds), and what the round built (mean over seeds).'
      : 'What each round built (mean over seeds).',
    table: table(header, ['l', ...header.slice(1).map(() => 'r' as const)], body),
  };
}

/** Mean over seeds of a group's metrics; the vulnerability rate only over seeds with a functional sample. */
function meanMetrics(ms: readonly Metrics[]): {
  tasks: number;
  pass1: number;
  secure1: number;
  spr1: number;
  vuln: number | null;
} {
  const avg = (f: (m: Metrics) => number, xs: readonly Metrics[]) =>
    xs.reduce((a, m) => a + f(m), 0) / xs.length;
  const functional = ms.filter((m) => m.pass1 > 0);
  return {
    tasks: ms[0]?.tasks ?? 0,
    pass1: avg((m) => m.pass1, ms),
    secure1: avg((m) => m.secure1, ms),
    spr1: avg((m) => m.spr1, ms),
    vuln: functional.length ? avg((m) => m.vulnRate, functional) : null,
  };
}

/**
 * The suite's calibration: how the base model (round 0 of the `base` method, mean over seeds)
 * does on each split, per language and per CWE. The suite is right when the base is often
 * functional but often insecure on held-out prompts.
 */
function renderCalibration(results: RunResults): string {
  const base = results.evaluations.filter((e) => e.method === 'base' && e.round === 0);
  if (base.length === 0) return '_No evaluation of the base model in results.json._\n';
  const out: string[] = [
    `The base model before any training, mean over ${results.seeds.length} seed(s) (${results.seeds.join(', ')}), in percent. Vuln. rate: insecure among functional samples (– when none is functional).`,
    '',
  ];
  const row = (label: string, ms: readonly Metrics[]) => {
    const m = meanMetrics(ms);
    return [
      label,
      String(m.tasks),
      formatPercent(m.pass1),
      formatPercent(m.secure1),
      formatPercent(m.spr1),
      m.vuln === null ? '–' : formatPercent(m.vuln),
    ];
  };
  const header = ['', 'tasks', 'pass@1', 'secure@1', 'SPR@1', 'vuln. rate'];
  const align: ('l' | 'r')[] = ['l', 'r', 'r', 'r', 'r', 'r'];
  const splits = [...new Set(base.map((e) => e.split))];
  out.push(
    table(
      ['split', ...header.slice(1)],
      align,
      splits.map((sp) =>
        row(
          sp,
          base.filter((e) => e.split === sp).map((e) => e.overall),
        ),
      ),
    ),
    '',
  );
  for (const sp of splits) {
    const evs = base.filter((e) => e.split === sp);
    const groups = (pick: (e: Evaluation) => Record<string, Metrics | undefined>) =>
      [...new Set(evs.flatMap((e) => Object.keys(pick(e))))].sort().map((k) => ({
        k,
        ms: evs.map((e) => pick(e)[k]).filter((m): m is Metrics => m !== undefined),
      }));
    const rows = [
      ...groups((e) => e.perLanguage).map(({ k, ms }) => row(LANGUAGE_LABEL[k] ?? k, ms)),
      ...groups((e) => e.perCwe).map(({ k, ms }) => row(k, ms)),
    ];
    out.push(
      `### Split \`${sp}\`: per language and CWE`,
      '',
      table(['group', ...header.slice(1)], align, rows),
      '',
    );
  }
  return `${out.join('\n').trimEnd()}\n`;
}
