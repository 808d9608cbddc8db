/**
 * The self-contained HTML report: static HTML for the tables and panels (readable without
 * JavaScript), uPlot and the page script inlined for the charts and the tree viewer, and the data
 * embedded as JSON (the trees gzip-compressed and base64-encoded when large; the page inflates
 * them with the browser's own DecompressionStream). Nothing is fetched: it works offline.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { TspError } from '../spec/errors.ts';
import { type MethodName, type Stat, UNSEEN_SPLITS, unseenSplitOf } from '../spec/results.ts';
import type { Heatmap, ReportData } from './data.ts';
import { bestIndexes, describeDifference, formatPercent, formatStat, METHOD_LABEL } from './format.ts';

export const METHOD_COLOR: Record<MethodName, string> = {
  base: '#7f7f7f',
  sft: '#3b6fb6',
  spin: '#e0812b',
  unlikelihood: '#9c755f',
  'tsp-release': '#2a9d8f',
  tsp: '#7b3fb0',
};

const LANGUAGE_LABEL: Record<string, string> = {
  python: 'Python',
  c: 'C',
  cpp: 'C++',
  go: 'Go',
  javascript: 'JavaScript',
};

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that is safe inside a <script> element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

interface Assets {
  uplotVersion: string;
  uplotJs: string;
  uplotCss: string;
  pageJs: string;
  pageCss: string;
}

let cachedAssets: Assets | undefined;

function readAsset(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new TspError('missing-tool', `cannot read ${what} (${path})`, {
      hint: 'run scripts/setup.sh (npm ci) so node_modules has uplot',
      cause: e,
    });
  }
}

function loadAssets(): Assets {
  if (cachedAssets) return cachedAssets;
  const require = createRequire(import.meta.url);
  let uplotJsPath: string;
  try {
    uplotJsPath = require.resolve('uplot/dist/uPlot.iife.min.js');
  } catch (e) {
    throw new TspError('missing-tool', 'the charting library uplot is not installed', {
      hint: 'run scripts/setup.sh (npm ci)',
      cause: e,
    });
  }
  const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
  const pkg = readAsset(
    uplotJsPath.replace(/dist\/uPlot\.iife\.min\.js$/, 'package.json'),
    'uPlot package.json',
  );
  cachedAssets = {
    uplotVersion: String((JSON.parse(pkg) as { version?: unknown }).version ?? 'unknown').replace(
      /[^\w.-]/g,
      '',
    ),
    uplotJs: readAsset(uplotJsPath, 'uPlot'),
    uplotCss: readAsset(uplotJsPath.replace(/uPlot\.iife\.min\.js$/, 'uPlot.min.css'), 'uPlot CSS'),
    pageJs: readAsset(here('./page/viewer.js'), 'the report page script'),
    pageCss: readAsset(here('./page/style.css'), 'the report style sheet'),
  };
  for (const [k, v] of Object.entries(cachedAssets)) {
    if (/<\/script/i.test(v) || /<\/style/i.test(v)) {
      throw new TspError('internal', `asset ${k} contains a closing tag and cannot be inlined`);
    }
  }
  return cachedAssets;
}

function statCell(s: Stat | null | undefined, best: boolean, attrs: string): string {
  if (!s) return `<td class="num na"${attrs}>–</td>`;
  const text = escapeHtml(formatStat(s));
  return `<td class="num${best ? ' best' : ''}"${attrs} data-mean="${s.mean}" data-std="${s.std}" data-n="${s.n}">${text}</td>`;
}

function bestSet(stats: readonly (Stat | null | undefined)[], better: 'higher' | 'lower'): Set<number> {
  const present = stats.map((s, i) => ({ s, i })).filter((x): x is { s: Stat; i: number } => !!x.s);
  const best = bestIndexes(
    present.map((x) => Number(formatPercent(x.s.mean))),
    better,
  );
  return new Set([...best].map((j) => present[j]?.i as number));
}

function methodCell(m: MethodName): string {
  return `<th scope="row" class="method"><span class="swatch" style="background:${METHOD_COLOR[m]}"></span>${escapeHtml(METHOD_LABEL[m])}</th>`;
}

function renderResultsTables(data: ReportData): string {
  if (!data.table.length) return '<p class="empty">results.json has no summary rows.</p>';
  const metrics = [
    ['spr1', 'SPR@1', 'higher', 'secure and functional'],
    ['pass1', 'pass@1', 'higher', 'functional'],
    ['secure1', 'secure@1', 'higher', 'no exploit, no finding'],
    ['vulnRate', 'Vuln. rate', 'lower', 'insecure among functional'],
  ] as const;
  return data.table
    .map(({ split, rows }) => {
      const best = metrics.map(([k, , better]) =>
        bestSet(
          rows.map((r) => r[k]),
          better,
        ),
      );
      const head = metrics
        .map(
          ([, label, better, title]) =>
            `<th scope="col" class="num" title="${escapeHtml(title)}">${label} ${better === 'higher' ? '↑' : '↓'}</th>`,
        )
        .join('');
      const body = rows
        .map(
          (r, i) =>
            `<tr data-method="${r.method}">${methodCell(r.method)}${metrics
              .map(([k], j) => statCell(r[k], best[j]?.has(i) ?? false, ` data-metric="${k}"`))
              .join('')}</tr>`,
        )
        .join('\n');
      return `<div class="table-wrap"><table class="results" data-testid="results-table" data-split="${escapeHtml(split)}">
<caption>Split <code>${escapeHtml(split)}</code></caption>
<thead><tr><th scope="col">Method</th>${head}</tr></thead>
<tbody>
${body}
</tbody></table></div>
${renderComparisons(data, split)}`;
    })
    .join('\n');
}

/** The paired differences on a split: one row per pair of methods, `+1.1 [−0.8, +3.0]` per metric. */
function renderComparisons(data: ReportData, split: string): string {
  const mine = data.comparisons.filter((c) => c.split === split);
  if (!mine.length) return '';
  const metrics = [
    ['spr1', 'Δ SPR@1 ↑'],
    ['pass1', 'Δ pass@1 ↑'],
    ['vulnRate', 'Δ vuln. rate ↓'],
  ] as const;
  const pairs: { a: MethodName; b: MethodName }[] = [];
  for (const c of mine) if (!pairs.some((p) => p.a === c.a && p.b === c.b)) pairs.push({ a: c.a, b: c.b });
  const body = pairs
    .map(({ a, b }) => {
      const cells = metrics
        .map(([k]) => {
          const c = mine.find((x) => x.a === a && x.b === b && x.metric === k);
          if (!c || c.diff === null) return '<td class="num na">–</td>';
          const { text, resolved } = describeDifference(c);
          return `<td class="num${resolved ? ' best' : ''}" data-metric="${k}" data-diff="${c.diff}" data-lo="${c.lo ?? ''}" data-hi="${c.hi ?? ''}">${escapeHtml(text)}</td>`;
        })
        .join('');
      return `<tr data-method="${a}" data-against="${b}"><th scope="row" class="method"><span class="swatch" style="background:${METHOD_COLOR[a]}"></span>${escapeHtml(METHOD_LABEL[a])} − ${escapeHtml(METHOD_LABEL[b])}</th>${cells}</tr>`;
    })
    .join('\n');
  const first = mine[0] as (typeof mine)[number];
  return `<div class="table-wrap"><table class="results" data-testid="comparisons" data-split="${escapeHtml(split)}">
<caption>Paired differences on <code>${escapeHtml(split)}</code>, percentage points, with 95% bootstrap intervals over ${first.tasks} tasks (each with its ${first.seeds} seed(s)); <strong>bold</strong>: the interval excludes 0</caption>
<thead><tr><th scope="col">Difference</th>${metrics.map(([, l]) => `<th scope="col" class="num">${l}</th>`).join('')}</tr></thead>
<tbody>
${body}
</tbody></table></div>`;
}

/** White (0) to red (1): a sequential scale for vulnerability rates. */
function heatColor(x: number): string {
  const t = Math.min(1, Math.max(0, x));
  const from = [247, 247, 247];
  const to = [202, 42, 36];
  const c = from.map((f, i) => Math.round(f + ((to[i] as number) - f) * t));
  return `rgb(${c.join(',')})`;
}

/** A heat cell; `delta` (vs SFT, in rate units) is shown small under the value when given. */
function heatCell(x: number | null | undefined, title: string, delta?: number | null): string {
  if (x === null || x === undefined) return '<td class="num na">–</td>';
  const dark = x > 0.55;
  const d =
    delta === undefined || delta === null || Math.abs(delta) < 0.0005
      ? ''
      : `<span class="delta ${delta < 0 ? 'good' : 'bad'}">${delta < 0 ? '−' : '+'}${formatPercent(Math.abs(delta))}</span>`;
  return `<td class="num heat${dark ? ' dark' : ''}" style="background:${heatColor(x)}" title="${escapeHtml(title)}" data-value="${x}">${formatPercent(x)}${d}</td>`;
}

function renderHeatmap(h: Heatmap, kind: 'CWE' | 'language', testId: string, byRound = false): string {
  const cols = h.columns
    .map(
      (c) =>
        `<th scope="col" class="num">${escapeHtml(kind === 'language' ? (LANGUAGE_LABEL[c] ?? c) : c)}</th>`,
    )
    .join('');
  // Small numbers: the change vs SFT, or vs the first round when the rows are one method's rounds.
  const sft = byRound ? h.rows[0] : h.rows.find((r) => r.method === 'sft');
  const refName = byRound ? `round ${h.rows[0]?.round ?? 0}` : 'SFT';
  const rows = h.rows
    .map(
      (r) =>
        `<tr data-method="${r.method}">${methodCell(r.method)}<td class="num round">${r.round}</td>${r.cells
          .map((x, i) => {
            const ref = sft?.cells[i];
            const delta =
              sft && r !== sft && x !== null && ref !== null && ref !== undefined ? x - ref : null;
            return heatCell(
              x,
              `${METHOD_LABEL[r.method]}, ${h.columns[i]}: ${x === null ? 'n/a' : `${formatPercent(x)}% vulnerable`} (${r.samples[i] ?? 0} samples over seeds)${delta === null ? '' : `; ${delta <= 0 ? '' : '+'}${formatPercent(delta)} points vs ${refName}`}`,
              delta,
            );
          })
          .join('')}</tr>`,
    )
    .join('\n');
  return `<div class="table-wrap"><table class="heatmap" data-testid="${testId}" data-split="${escapeHtml(h.split)}">
<caption>${
    byRound
      ? `${escapeHtml(METHOD_LABEL[h.rows[0]?.method ?? 'tsp'])}: vulnerability rate per CWE (%) after each round, split <code>${escapeHtml(h.split)}</code>; small: points vs ${refName}`
      : `Vulnerability rate per ${kind} (%), split <code>${escapeHtml(h.split)}</code>, each method at its last round${sft ? '; small: points vs SFT' : ''}`
  }</caption>
<thead><tr><th scope="col">Method</th><th scope="col" class="num">Round</th>${cols}</tr></thead>
<tbody>
${rows}
</tbody></table></div>`;
}

/** One panel per held-out split (`unseen-cwe`; from suite version 2 siblings and distant CWEs apart). */
function renderUnseen(data: ReportData): string {
  if (!data.unseenCwe.length) return '<p class="empty">No unseen-CWE evaluation in this run.</p>';
  const splits = [...new Set(data.unseenCwe.map(unseenSplitOf))];
  return splits
    .map((split) =>
      renderUnseenSplit(
        split,
        data.unseenCwe.filter((r) => unseenSplitOf(r) === split),
        splits.length > 1,
      ),
    )
    .join('\n');
}

function renderUnseenSplit(split: string, group: ReportData['unseenCwe'], titled: boolean): string {
  const max = Math.max(0.01, ...group.map((r) => (r.vulnRate ? r.vulnRate.mean + r.vulnRate.std : 0)));
  const rows = group
    .map((r) => {
      const label = `<span class="hbar-label"><span class="swatch" style="background:${METHOD_COLOR[r.method]}"></span>${escapeHtml(METHOD_LABEL[r.method])}</span>`;
      const v = r.vulnRate;
      if (!v)
        return `<div class="hbar-row" data-method="${r.method}">${label}
<span class="hbar-track"></span><span class="hbar-value na" title="no functional sample">–</span></div>`;
      const w = (100 * v.mean) / max;
      const lo = (100 * Math.max(0, v.mean - v.std)) / max;
      const hi = (100 * (v.mean + v.std)) / max;
      // the reduction vs SFT with its bootstrap interval; a mean over seeds only from two or more
      const iv = r.reductionVsSftInterval;
      const red =
        r.method === 'sft'
          ? ''
          : iv && iv.estimate !== null
            ? `<span class="delta ${iv.estimate >= 0 ? 'good' : 'bad'}" title="relative reduction vs SFT, 95% interval">${escapeHtml(describeDifference({ diff: iv.estimate, lo: iv.lo, hi: iv.hi }).text)}% vs SFT</span>`
            : r.reductionVsSft && r.reductionVsSft.n > 1
              ? `<span class="delta ${r.reductionVsSft.mean >= 0 ? 'good' : 'bad'}">${r.reductionVsSft.mean >= 0 ? '−' : '+'}${formatPercent(Math.abs(r.reductionVsSft.mean))}% vs SFT</span>`
              : '';
      return `<div class="hbar-row" data-method="${r.method}">${label}
<span class="hbar-track"><span class="hbar" style="width:${w.toFixed(1)}%;background:${METHOD_COLOR[r.method]}"></span>${v.n > 1 ? `<span class="whisker" style="left:${lo.toFixed(1)}%;width:${(hi - lo).toFixed(1)}%"></span>` : ''}</span>
<span class="hbar-value">${escapeHtml(formatStat(v))}%</span>${red}</div>`;
    })
    .join('\n');
  const what = titled
    ? escapeHtml((UNSEEN_SPLITS[split] ?? split).replace(/^Unseen/, 'unseen'))
    : 'unseen CWEs';
  return `<div class="hbars" data-testid="${escapeHtml(split)}"><div class="panel-title">Vulnerability rate on ${what} (lower is better; whisker: ± 1 std over seeds)</div>${rows}</div>`;
}

function renderCrossLanguage(data: ReportData): string {
  if (!data.crossLanguage.length) return '<p class="empty">No cross-language evaluation in this run.</p>';
  const languages = [...new Set(data.crossLanguage.map((r) => r.language))];
  const methods = [...new Set(data.crossLanguage.map((r) => r.method))];
  const head = languages
    .map((l) => `<th scope="col" class="num" colspan="2">${escapeHtml(LANGUAGE_LABEL[l] ?? l)}</th>`)
    .join('');
  const sub = languages
    .map(() => '<th scope="col" class="num">SPR@1 ↑</th><th scope="col" class="num">vuln. ↓</th>')
    .join('');
  const body = methods
    .map((m) => {
      const cells = languages
        .map((l) => {
          const r = data.crossLanguage.find((x) => x.method === m && x.language === l);
          if (!r) return '<td class="num na">–</td><td class="num na">–</td>';
          return `<td class="num" data-metric="spr1">${escapeHtml(formatStat(r.spr1))}</td>${r.vulnRate ? heatCell(r.vulnRate.mean, `${formatStat(r.vulnRate)}% vulnerable`) : heatCell(null, 'no functional sample')}`;
        })
        .join('');
      return `<tr data-method="${m}">${methodCell(m)}${cells}</tr>`;
    })
    .join('\n');
  return `<div class="table-wrap"><table class="heatmap" data-testid="cross-language">
<caption>Trained on C/C++ only, evaluated on other languages with the same CWEs</caption>
<thead><tr><th scope="col" rowspan="2">Method</th>${head}</tr><tr>${sub}</tr></thead>
<tbody>
${body}
</tbody></table></div>`;
}

function renderTreeStats(data: ReportData): string {
  if (!data.treeStats.length)
    return '<p class="empty">No tree statistics (no tree-building method in this run).</p>';
  const sources = [...new Set(data.treeStats.flatMap((r) => Object.keys(r.criticalBy)))].sort();
  const n = (x: number, d = 1) => (Number.isInteger(x) ? String(x) : x.toFixed(d));
  const rows = data.treeStats
    .map(
      (r) =>
        `<tr data-method="${r.method}" data-round="${r.round}">${methodCell(r.method)}<td class="num">${r.round}</td><td class="num">${n(r.tasks)}</td><td class="num">${r.criticalNodesPerTask.toFixed(2)}</td>${sources
          .map((s) => `<td class="num">${n(r.criticalBy[s] ?? 0)}</td>`)
          .join(
            '',
          )}<td class="num">${n(r.pairs)}</td><td class="num">${n(r.verifiedPairs)}</td><td class="num">${n(r.generatedTokens, 0)}</td><td class="num">${r.verifiedPairsPer1kTokens.toFixed(2)}</td><td class="num">${n(r.judged)}</td></tr>`,
    )
    .join('\n');
  return `<div class="table-wrap"><table class="results" data-testid="tree-stats">
<caption>Per self-play round, mean over seeds</caption>
<thead><tr><th scope="col">Method</th><th scope="col" class="num">Round</th><th scope="col" class="num">Tasks</th><th scope="col" class="num">Critical / task</th>${sources
    .map((s) => `<th scope="col" class="num">by ${escapeHtml(s)}</th>`)
    .join(
      '',
    )}<th scope="col" class="num">Pairs</th><th scope="col" class="num">Verified</th><th scope="col" class="num">Tokens</th><th scope="col" class="num">Verified / 1k tok</th><th scope="col" class="num">Judged</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>`;
}

function renderRunMeta(data: ReportData): string {
  const r = data.run;
  const items: [string, string][] = [
    ['run', r.runId],
    ['preset', r.preset],
    ['seeds', r.seeds.join(', ')],
    ['methods', r.methods.map((m) => METHOD_LABEL[m]).join(', ')],
    ['started', r.createdAt],
  ];
  if (r.finishedAt) items.push(['finished', r.finishedAt]);
  if (r.gitCommit) items.push(['commit', r.gitCommit.slice(0, 12)]);
  for (const [k, v] of Object.entries(r.versions ?? {}).slice(0, 6)) items.push([k, v]);
  const config = Object.entries(r.config ?? {});
  return `<dl class="meta">${items.map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd></div>`).join('')}</dl>${
    config.length
      ? `<details class="config"><summary>Configuration (${config.length} settings)</summary><dl class="meta">${config
          .map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd><code>${escapeHtml(v)}</code></dd></div>`)
          .join('')}</dl></details>`
      : ''
  }`;
}

export interface RenderHtmlOptions {
  /** Compress the embedded trees: `auto` when their JSON exceeds 64 kB. */
  compress?: 'auto' | 'always' | 'never';
}

/** Renders the report page. */
export function renderHtml(data: ReportData, options: RenderHtmlOptions = {}): string {
  const assets = loadAssets();
  const { trees, ...rest } = data;
  const treesJson = JSON.stringify(trees);
  const mode = options.compress ?? 'auto';
  const compress = mode === 'always' || (mode === 'auto' && treesJson.length > 64_000);
  const treesScript = compress
    ? `<script type="application/octet-stream" id="tsp-trees" data-encoding="gzip-base64">${gzipSync(treesJson, { level: 9 }).toString('base64')}</script>`
    : `<script type="application/json" id="tsp-trees" data-encoding="json">${scriptJson(trees)}</script>`;
  const notes = data.notes.length
    ? `<section id="notes"><h2>Notes</h2><ul>${data.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul></section>`
    : '';
  const legend = data.run.methods
    .map(
      (m) =>
        `<span class="legend-item"><span class="swatch" style="background:${METHOD_COLOR[m]}"></span>${escapeHtml(METHOD_LABEL[m])}</span>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="tsp report">
<title>TSP report: ${escapeHtml(data.run.runId)}</title>
<!-- uPlot ${assets.uplotVersion} (MIT License, (c) Leon Sorokin), inlined so the report works offline -->
<style>${assets.uplotCss}</style>
<style>${assets.pageCss}</style>
</head>
<body>
<header class="top">
<h1>TSP report <span class="run-id">${escapeHtml(data.run.runId)}</span></h1>
${renderRunMeta(data)}
<nav><a href="#results">Results</a><a href="#curves">Rounds</a><a href="#vulns">Vulnerabilities</a><a href="#generalization">Generalization</a><a href="#trees">Tree statistics</a><a href="#viewer">Tree viewer</a>${data.notes.length ? '<a href="#notes">Notes</a>' : ''}</nav>
</header>
<main>
<section id="results">
${data.run.notes.length ? `<div class="run-notes" data-testid="run-notes">${data.run.notes.map((n) => `<p>${escapeHtml(n)}</p>`).join('')}</div>` : ''}
<h2>Results</h2>
<p class="lede">Mean ± standard deviation over seeds, in percent, each method after its last round. SPR@1: secure <em>and</em> functional. <strong>Bold</strong>: best in the column. Under each table, the paired differences between methods with 95% intervals from a bootstrap over tasks: a lead whose interval holds 0 is not resolved by this run.</p>
${renderResultsTables(data)}
</section>
<section id="curves">
<h2>Metrics per self-play round</h2>
<p class="lede">Each method's metrics after each self-play round (round 0: before self-play); a method evaluated at one round only (e.g. Base) is drawn as a dashed reference line. Bands: ± 1 standard deviation over seeds.</p>
<div class="legend">${legend}</div>
<div id="curve-grid" class="chart-grid" data-testid="curve-grid"><p class="noscript">Charts need JavaScript.</p></div>
</section>
<section id="vulns">
<h2>Where the models are vulnerable</h2>
${data.perCwe.length ? data.perCwe.map((h) => renderHeatmap(h, 'CWE', 'per-cwe')).join('\n') : '<p class="empty">No per-CWE metrics in this run.</p>'}
${data.perLanguage.length ? data.perLanguage.map((h) => renderHeatmap(h, 'language', 'per-language')).join('\n') : '<p class="empty">No per-language metrics in this run.</p>'}
${data.perCweByRound.length ? `<h3>What training changed, CWE by CWE</h3>\n${data.perCweByRound.map((h) => renderHeatmap(h, 'CWE', 'per-cwe-rounds', true)).join('\n')}` : ''}
</section>
<section id="generalization">
<h2>Generalization</h2>
<div class="two-col">
<div><h3>Unseen CWEs</h3>${renderUnseen(data)}</div>
<div><h3>Cross-language transfer</h3>${renderCrossLanguage(data)}</div>
</div>
</section>
<section id="trees">
<h2>Decision trees</h2>
${renderTreeStats(data)}
<div id="tree-chart-grid" class="chart-grid"></div>
</section>
<section id="viewer">
<h2>Tree viewer</h2>
<p class="lede">Pick a task, a method and seed, and a round. Click a node to see its branches side by side: the golden (secure) branch and the vulnerable ones, with the divergent segment highlighted, the flagged lines marked, and the finding or failing exploit test shown. Switching rounds keeps the same decision point when the new tree has it.</p>
<div id="viewer-root" data-testid="viewer"><p class="noscript">The tree viewer needs JavaScript.</p></div>
</section>
${notes}
</main>
<footer>Generated by <code>tsp report</code>. Self-contained: no network access needed.</footer>
<script>${assets.uplotJs}</script>
<script type="application/json" id="tsp-data">${scriptJson({ ...rest, methodColors: METHOD_COLOR })}</script>
${treesScript}
<script>${assets.pageJs}</script>
</body>
</html>
`;
}
