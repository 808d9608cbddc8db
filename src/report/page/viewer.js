// @ts-check
/**
 * The TSP report page script: draws the per-round charts with uPlot and runs the tree viewer.
 * Inlined into report.html by src/report/html.ts; runs in the browser only, reads its data from the
 * <script id="tsp-data"> and <script id="tsp-trees"> elements, and never touches the network.
 * Type-checked on its own: `npx tsc -p src/report/page`.
 */
(() => {
  /** @typedef {{ mean: number, std: number, n: number }} Stat */
  /** @typedef {{ round: number, mean: number, std: number, n: number }} CurvePoint */
  /** @typedef {{ split: string, metric: string, method: string, points: CurvePoint[] }} Curve */
  /**
   * @typedef {{ ruleId: string, cwe: string[], message: string, startLine: number, endLine: number }} EvFinding
   * @typedef {{ name: string, kind: string, status: string, message?: string }} EvTest
   * @typedef {{ functional: boolean, secure: boolean, securePass: boolean, failedSecurityTests?: string[],
   *   findingCwes?: string[], evidence?: { findings: EvFinding[], failedTests: EvTest[] } }} Verdict
   * @typedef {{ id: string, p: number, k: string, e: string, x?: string, t: number, v: number | null, n: number,
   *   c?: string, d?: Verdict }} CNode
   * @typedef {{ id: string, node: number, src: string, by?: string, pre?: string, ch: string, rj: string,
   *   cs: number, rs: number, cv: boolean, rv: boolean, cvd?: Verdict, rvd?: Verdict }} CPair
   * @typedef {{ task: string, set: string, nodes: CNode[], pairs: CPair[], trimmed?: number }} Entry
   * @typedef {{ id: string, language?: string, cwe: string[], prompt: string, family?: string }} Task
   * @typedef {{ config?: string, method: string, seed: number, round: number, key: string }} SetKey
   * @typedef {{ tasks: Task[], sets: SetKey[], entries: Entry[] }} Trees
   * @typedef {{ method: string, round: number, criticalNodesPerTask: number, verifiedPairsPer1kTokens: number,
   *   verifiedPairs: number }} TreeStatRow
   * @typedef {{ table: { split: string }[], curves: Curve[], treeStats: TreeStatRow[], run: { methods: string[] },
   *   methodLabels: Record<string, string>, methodColors: Record<string, string> }} Data
   */

  /** @type {any} */
  const W = window;
  const uPlot = W.uPlot;

  /**
   * @param {string} tag
   * @param {Record<string, string | number | boolean | undefined> | null} [attrs]
   * @param {...(Node | string | null | undefined | false)} children
   * @returns {HTMLElement}
   */
  function h(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs ?? {})) {
      if (v === undefined || v === false) continue;
      if (k === 'class') e.className = String(v);
      else if (k === 'text') e.textContent = String(v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c);
    return e;
  }

  /** @param {number} x */
  const pct = (x) => (x * 100).toFixed(1);
  /** @param {string} id */
  const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

  /** @type {Data} */
  const data = JSON.parse(byId('tsp-data').textContent ?? '{}');
  /** @param {string} m */
  const label = (m) => data.methodLabels[m] ?? m;
  /** @param {string} m */
  const color = (m) => data.methodColors[m] ?? '#444';

  /** A method within an experiment configuration: `tsp`, `xl:tsp`. @param {SetKey} s */
  const variantOf = (s) => (s.config ? `${s.config}:${s.method}` : s.method);
  /** @param {string} v */
  const variantLabel = (v) => {
    const i = v.indexOf(':');
    if (i < 0) return label(v);
    const config = v.slice(0, i);
    return `${label(v.slice(i + 1))} (${config === 'xl' ? 'cross-language training' : config})`;
  };

  /** @param {unknown} err */
  function showError(err) {
    const msg = err instanceof Error ? err.message : String(err);
    const banner = h('div', { class: 'error-banner', role: 'alert', text: `Report script error: ${msg}` });
    document.querySelector('main')?.prepend(banner);
    document.body.dataset.ready = 'error';
    throw err;
  }

  // ---------------------------------------------------------------- charts

  /** @type {{ u: any, card: HTMLElement }[]} */
  const charts = [];

  /**
   * A small line chart with one line per method and a ± std band.
   * @param {HTMLElement} grid
   * @param {string} title
   * @param {string} subtitle
   * @param {number[]} xs
   * @param {{ method: string, mean: (number | null)[], std: (number | null)[], dashed: boolean }[]} lines
   * @param {(v: number) => string} fmt
   * @param {boolean} percent
   */
  function lineChart(grid, title, subtitle, xs, lines, fmt, percent) {
    const card = h('div', { class: 'chart-card', 'data-testid': 'chart' });
    const readout = h('div', { class: 'chart-readout', text: '\u00a0' });
    card.append(h('div', { class: 'chart-title' }, title, ' ', h('small', { text: subtitle })));
    const holder = h('div');
    card.append(holder, readout);
    grid.append(card);
    /** @type {any[]} */
    const series = [{ label: 'round' }];
    /** @type {any[]} */
    const cols = [xs];
    /** @type {any[]} */
    const bands = [];
    let lo = Infinity;
    let hi = -Infinity;
    for (const line of lines) {
      const c = color(line.method);
      const upper = line.mean.map((m, i) => (m === null ? null : m + (line.std[i] ?? 0)));
      const lower = line.mean.map((m, i) => (m === null ? null : m - (line.std[i] ?? 0)));
      for (const v of [...upper, ...lower]) {
        if (v !== null) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
      const meanIdx = cols.length;
      cols.push(line.mean, upper, lower);
      series.push(
        {
          label: label(line.method),
          stroke: c,
          width: 2,
          dash: line.dashed ? [6, 4] : undefined,
          points: { show: !line.dashed, size: 6, fill: c },
          value: (/** @type {any} */ _u, /** @type {number | null} */ v) => (v === null ? '–' : fmt(v)),
        },
        { label: '', stroke: 'transparent', points: { show: false } },
        { label: '', stroke: 'transparent', points: { show: false } },
      );
      if (line.std.some((s) => (s ?? 0) > 0))
        bands.push({ series: [meanIdx + 1, meanIdx + 2], fill: `${c}22` });
    }
    if (!Number.isFinite(lo)) {
      lo = 0;
      hi = 1;
    }
    const pad = Math.max((hi - lo) * 0.15, percent ? 0.02 : 0.05);
    // Counts start at zero; percentages zoom to the data (their axis is labelled).
    let yMin = percent ? Math.max(0, lo - pad) : 0;
    let yMax = percent ? Math.min(1, hi + pad) : hi + pad;
    // At least 10 points of a percentage axis, so flat lines do not fill it with noise.
    if (percent && yMax - yMin < 0.1) {
      const mid = (yMax + yMin) / 2;
      yMin = Math.max(0, Math.min(mid - 0.05, 0.9));
      yMax = Math.min(1, yMin + 0.1);
    }
    const width = Math.max(240, holder.clientWidth || card.clientWidth - 16 || 300);
    const span = yMax - yMin;
    /** @param {number} t */
    const tickFmt = (t) =>
      percent ? `${(t * 100).toFixed(span < 0.05 ? 1 : 0)}%` : t.toFixed(span < 0.5 ? 2 : span < 5 ? 1 : 0);
    const opts = {
      width,
      height: 170,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { size: 7 } },
      scales: {
        x: { time: false, range: () => [(xs[0] ?? 0) - 0.25, (xs[xs.length - 1] ?? 0) + 0.25] },
        y: { range: () => [yMin, yMax] },
      },
      axes: [
        {
          label: 'round',
          labelSize: 16,
          size: 30,
          incrs: [1],
          values: (/** @type {any} */ _u, /** @type {number[]} */ ticks) =>
            ticks.map((t) => (Number.isInteger(t) ? String(t) : '')),
          grid: { show: false },
        },
        {
          size: 52,
          values: (/** @type {any} */ _u, /** @type {number[]} */ ticks) => ticks.map((t) => tickFmt(t)),
          grid: { stroke: '#eceef1' },
        },
      ],
      series,
      bands,
      hooks: {
        setCursor: [
          (/** @type {any} */ u) => {
            const i = u.cursor.idx;
            if (i === null || i === undefined) {
              readout.textContent = '\u00a0';
              return;
            }
            const parts = lines
              .map((l) => {
                const m = l.mean[i];
                if (m === null || m === undefined) return '';
                const s = l.std[i] ?? 0;
                return `${label(l.method)} ${fmt(m)}${s > 0 ? ` ± ${fmt(s).replace('%', '')}` : ''}`;
              })
              .filter(Boolean);
            readout.textContent = `round ${xs[i]}: ${parts.join(' · ')}`;
          },
        ],
      },
    };
    const u = new uPlot(opts, cols, holder);
    charts.push({ u, card });
  }

  function drawCurves() {
    const grid = byId('curve-grid');
    grid.textContent = '';
    const splits = [...new Set([...data.table.map((t) => t.split), ...data.curves.map((c) => c.split)])];
    const metrics = [
      ['spr1', 'SPR@1', 'secure and functional, higher is better'],
      ['pass1', 'pass@1', 'functional'],
      ['secure1', 'secure@1', 'no exploit, no finding'],
      ['vulnRate', 'Vuln. rate', 'lower is better'],
    ];
    if (!data.curves.length) {
      grid.append(h('p', { class: 'empty', text: 'No evaluations in results.json.' }));
      return;
    }
    for (const split of splits) {
      const curves = data.curves.filter((c) => c.split === split);
      if (!curves.length) continue;
      const rounds = [...new Set(curves.flatMap((c) => c.points.map((p) => p.round)))].sort((a, b) => a - b);
      grid.append(h('div', { class: 'chart-split' }, 'Split ', h('code', { text: split })));
      for (const [key, title, sub] of metrics) {
        const mine = curves.filter((c) => c.metric === key);
        const lines = mine.map((c) => {
          // Evaluated only before self-play (Base, SFT): a reference line across all rounds. A
          // method with one later point is drawn as that point only.
          const only = c.points[0];
          const single = c.points.length === 1 && rounds.length > 1 && only?.round === 0;
          return {
            method: c.method,
            dashed: single,
            mean: rounds.map((r) =>
              single && only ? only.mean : (c.points.find((p) => p.round === r)?.mean ?? null),
            ),
            std: rounds.map((r) =>
              single && only ? only.std : (c.points.find((p) => p.round === r)?.std ?? null),
            ),
          };
        });
        lineChart(grid, String(title), String(sub), rounds, lines, (v) => `${pct(v)}%`, true);
      }
    }
  }

  function drawTreeCharts() {
    const grid = byId('tree-chart-grid');
    const rows = data.treeStats;
    if (!rows.length) return;
    const rounds = [...new Set(rows.map((r) => r.round))].sort((a, b) => a - b);
    const methods = [...new Set(rows.map((r) => r.method))];
    /** @param {(r: TreeStatRow) => number} get */
    const lines = (get) =>
      methods.map((m) => ({
        method: m,
        dashed: false,
        mean: rounds.map((rd) => {
          const r = rows.find((x) => x.method === m && x.round === rd);
          return r ? get(r) : null;
        }),
        std: rounds.map(() => 0),
      }));
    const fmt2 = (/** @type {number} */ v) => v.toFixed(2);
    lineChart(
      grid,
      'Critical nodes per task',
      'mean over seeds',
      rounds,
      lines((r) => r.criticalNodesPerTask),
      fmt2,
      false,
    );
    lineChart(
      grid,
      'Verified pairs / 1k tokens',
      'efficiency',
      rounds,
      lines((r) => r.verifiedPairsPer1kTokens),
      fmt2,
      false,
    );
    lineChart(
      grid,
      'Verified pairs',
      'per round',
      rounds,
      lines((r) => r.verifiedPairs),
      (v) => v.toFixed(0),
      false,
    );
  }

  let resizeTimer = 0;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(() => {
      for (const { u, card } of charts)
        u.setSize({ width: Math.max(240, card.clientWidth - 16), height: 170 });
    }, 100);
  });

  // ---------------------------------------------------------------- trees

  /** @returns {Promise<Trees>} */
  async function loadTrees() {
    const s = byId('tsp-trees');
    const text = (s.textContent ?? '').trim();
    if (s.dataset.encoding === 'gzip-base64') {
      const bin = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
      const stream = new Blob([bin]).stream().pipeThrough(new DecompressionStream('gzip'));
      return JSON.parse(await new Response(stream).text());
    }
    return JSON.parse(text || '{"tasks":[],"sets":[],"entries":[]}');
  }

  /**
   * A tree entry with prefixes rebuilt and children listed.
   * @typedef {{ entry: Entry, prefix: string[], children: number[][], set: SetKey }} Tree
   */

  /**
   * @param {Entry} entry
   * @param {Task | undefined} task
   * @param {SetKey} set
   * @returns {Tree}
   */
  function prepareTree(entry, task, set) {
    /** @type {string[]} */
    const prefix = [];
    /** @type {number[][]} */
    const children = entry.nodes.map(() => []);
    entry.nodes.forEach((n, i) => {
      if (n.x !== undefined) prefix[i] = n.x;
      else if (n.p >= 0) prefix[i] = (prefix[n.p] ?? '') + n.e;
      else prefix[i] = task?.prompt ?? '';
      if (n.p >= 0) children[n.p]?.push(i);
    });
    return { entry, prefix, children, set };
  }

  /** Red (0) to green (1) for node values. @param {number | null} v */
  function valueColor(v) {
    if (v === null) return '#eceef1';
    const hue = Math.round(120 * v);
    return `hsl(${hue} 70% 85%)`;
  }

  /** @param {Verdict | undefined} d @returns {HTMLElement[]} */
  function verdictPills(d) {
    if (!d) return [];
    /** @type {HTMLElement[]} */
    const out = [];
    if (d.securePass) out.push(h('span', { class: 'pill ok', text: 'secure-pass' }));
    else {
      if (!d.secure) {
        const cwes = d.findingCwes?.length ? ` ${d.findingCwes.join(', ')}` : '';
        out.push(h('span', { class: 'pill vuln', text: `vulnerable${cwes}` }));
      }
      if (!d.functional) out.push(h('span', { class: 'pill fail', text: 'fails tests' }));
      if (d.secure && d.functional) out.push(h('span', { class: 'pill muted', text: 'not secure-pass' }));
    }
    for (const t of d.failedSecurityTests ?? [])
      out.push(h('span', { class: 'pill vuln', text: `exploit: ${t}` }));
    return out;
  }

  /** @param {string} text */
  function firstLine(text) {
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    const first = lines[0] ?? '';
    return { text: first.replace(/\t/g, '  ').trimEnd(), more: Math.max(0, lines.length - 1) };
  }

  /** @param {number} offset @param {number[]} starts */
  function lineOf(offset, starts) {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /**
   * A program with line numbers: context before the divergence dimmed, the divergent segment
   * highlighted, lines flagged by findings marked.
   * @param {{ program: string, segStart: number, segEnd: number, kind: string, verdict?: Verdict, context?: number }} o
   */
  function codeBlock(o) {
    const lines = o.program.split('\n');
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
    /** @type {number[]} */
    const starts = [];
    let off = 0;
    for (const l of lines) {
      starts.push(off);
      off += l.length + 1;
    }
    /** @type {Map<number, EvFinding[]>} */
    const flagged = new Map();
    for (const f of o.verdict?.evidence?.findings ?? []) {
      for (let l = f.startLine; l <= Math.max(f.startLine, f.endLine); l++) {
        const list = flagged.get(l) ?? [];
        list.push(f);
        flagged.set(l, list);
      }
    }
    const segLine = lineOf(o.segStart, starts);
    const firstShown = Math.max(1, segLine - (o.context ?? 3));
    const box = h('div', { class: 'code' });
    if (firstShown > 1)
      box.append(h('div', { class: 'elided', text: `… ${firstShown - 1} lines of shared prefix above` }));
    const maxLines = 80;
    for (let i = firstShown - 1; i < lines.length && i < firstShown - 1 + maxLines; i++) {
      const text = lines[i] ?? '';
      const start = starts[i] ?? 0;
      const end = start + text.length;
      const fl = flagged.get(i + 1);
      const row = h('div', { class: `ln-row${fl ? ' flagged' : ''}`, 'data-line': i + 1 });
      if (fl) row.title = fl.map((f) => `${f.ruleId} (${f.cwe.join(', ')}): ${f.message}`).join('\n');
      row.append(
        h('span', { class: 'ln', text: String(i + 1) }),
        h('span', { class: 'flag-mark', text: fl ? '⚑' : '' }),
      );
      const a = Math.max(start, o.segStart);
      const b = Math.min(end + 1, o.segEnd);
      const content = h('span', { class: end <= o.segStart ? 'ctx' : '' });
      if (a < b && o.segEnd > o.segStart) {
        const s0 = Math.max(0, a - start);
        const s1 = Math.min(text.length, b - start);
        content.append(text.slice(0, s0));
        content.append(h('mark', { class: `seg-${o.kind}`, text: text.slice(s0, s1) || ' ' }));
        content.append(text.slice(s1));
      } else content.append(text);
      row.append(content);
      box.append(row);
    }
    if (lines.length > firstShown - 1 + maxLines)
      box.append(h('div', { class: 'elided', text: '… (truncated)' }));
    return box;
  }

  /** @param {Verdict | undefined} d */
  function evidenceBlock(d) {
    const box = h('div', { class: 'evidence', 'data-testid': 'evidence' });
    if (!d) {
      box.append(h('span', { class: 'none', text: 'No verdict recorded for this program.' }));
      return box;
    }
    const findings = d.evidence?.findings ?? [];
    const tests = d.evidence?.failedTests ?? [];
    if (findings.length) {
      box.append(h('b', { text: 'Findings' }));
      box.append(
        h(
          'ul',
          null,
          ...findings.map((f) =>
            h(
              'li',
              { 'data-testid': 'finding' },
              h('span', { class: 'pill vuln', text: f.cwe.join(', ') }),
              ' ',
              h('code', { text: f.ruleId }),
              ` line ${f.startLine}${f.endLine > f.startLine ? `–${f.endLine}` : ''}: `,
              h('span', { class: 'msg', text: f.message }),
            ),
          ),
        ),
      );
    }
    if (tests.length) {
      box.append(h('b', { text: 'Failing tests' }));
      box.append(
        h(
          'ul',
          null,
          ...tests.map((t) =>
            h(
              'li',
              { 'data-testid': 'failed-test' },
              h('span', {
                class: `pill ${t.kind === 'security' ? 'vuln' : 'fail'}`,
                text: t.kind === 'security' ? 'exploit' : 'functional',
              }),
              ' ',
              h('code', { text: t.name }),
              ` ${t.status}`,
              t.message ? ': ' : '',
              t.message ? h('span', { class: 'msg', text: t.message }) : null,
            ),
          ),
        ),
      );
    }
    if (!findings.length && !tests.length) {
      box.append(
        h('span', {
          class: 'none',
          text: d.securePass ? 'All functional and exploit tests pass; no finding.' : 'No evidence recorded.',
        }),
      );
    }
    return box;
  }

  /**
   * One side of a branch comparison.
   * @param {{ title: string, kind: 'golden' | 'vulnerable' | 'other', prefix: string, continuation: string,
   *   segChars: number, verdict?: Verdict, verified?: boolean }} b
   */
  function branchColumn(b) {
    const col = h('div', { class: `branch ${b.kind}`, 'data-testid': 'branch', 'data-kind': b.kind });
    const head = h('div', { class: 'branch-head' }, h('b', { text: b.title }), ...verdictPills(b.verdict));
    if (b.verified !== undefined)
      head.append(
        h('span', { class: 'pill muted', text: b.verified ? 'verified by the oracle' : 'not verified' }),
      );
    col.append(head);
    const program = b.prefix + b.continuation;
    col.append(
      codeBlock({
        program,
        segStart: b.prefix.length,
        segEnd: b.prefix.length + Math.max(0, b.segChars),
        kind: b.kind,
        verdict: b.verdict,
      }),
    );
    col.append(evidenceBlock(b.verdict));
    return col;
  }

  /** @param {Verdict | undefined} d @returns {'golden' | 'vulnerable' | 'other'} */
  const kindOf = (d) => (d?.securePass ? 'golden' : d && !d.secure ? 'vulnerable' : 'other');

  // ---------------------------------------------------------------- viewer

  /** @param {Trees} trees */
  function initViewer(trees) {
    const root = byId('viewer-root');
    root.textContent = '';
    if (!trees.entries.length) {
      root.append(h('p', { class: 'empty', text: 'This run has no decision trees or pairs to show.' }));
      return;
    }
    const taskById = new Map(trees.tasks.map((t) => [t.id, t]));
    const setByKey = new Map(trees.sets.map((s) => [s.key, s]));
    /** @type {Map<string, Map<string, Entry>>} */
    const entries = new Map();
    for (const e of trees.entries) {
      let m = entries.get(e.task);
      if (!m) {
        m = new Map();
        entries.set(e.task, m);
      }
      m.set(e.set, e);
    }
    /** @type {Map<string, Tree>} */
    const prepared = new Map();
    /** @param {string} task @param {string} set */
    const treeOf = (task, set) => {
      const k = `${task}\u0000${set}`;
      let t = prepared.get(k);
      const e = entries.get(task)?.get(set);
      const s = setByKey.get(set);
      if (!t && e && s) {
        t = prepareTree(e, taskById.get(task), s);
        prepared.set(k, t);
      }
      return t;
    };
    const sortedSets = (/** @type {string} */ task) =>
      trees.sets.filter((s) => entries.get(task)?.has(s.key));

    const state = {
      task: trees.tasks[0]?.id ?? '',
      method: '',
      seed: 0,
      round: 0,
      /** @type {number} */
      node: -1,
    };

    const taskSelect = /** @type {HTMLSelectElement} */ (
      h('select', { 'data-testid': 'task-select', 'aria-label': 'task' })
    );
    for (const t of trees.tasks) {
      const crit = [...(entries.get(t.id)?.values() ?? [])].reduce(
        (a, e) => a + e.nodes.filter((n) => n.c).length,
        0,
      );
      taskSelect.append(
        h('option', {
          value: t.id,
          text: `${t.id} · ${t.language ?? 'language unknown'} · ${t.cwe.join(', ') || 'no CWE'}${t.family ? ` · ${t.family}` : ''}${crit ? ` · ${crit} critical` : ''}`,
        }),
      );
    }
    const taskFilter = /** @type {HTMLInputElement} */ (
      h('input', {
        type: 'search',
        'data-testid': 'task-filter',
        placeholder: 'id, language, CWE, family…',
        'aria-label': 'filter tasks',
      })
    );
    const methodSelect = /** @type {HTMLSelectElement} */ (
      h('select', { 'data-testid': 'method-select', 'aria-label': 'method' })
    );
    const seedSelect = /** @type {HTMLSelectElement} */ (
      h('select', { 'data-testid': 'seed-select', 'aria-label': 'seed' })
    );
    const tabs = h('div', { class: 'round-tabs', role: 'tablist', 'data-testid': 'round-tabs' });
    const overview = /** @type {HTMLDetailsElement} */ (
      h('details', { class: 'overview', 'data-testid': 'overview' })
    );
    const overviewSummary = h('summary');
    const overviewBody = h('div', { class: 'overview-body' });
    overview.append(overviewSummary, overviewBody);
    overview.addEventListener('toggle', () => renderOverview());
    const taskInfo = h('div', { class: 'task-info' });
    const strip = h('div', { class: 'round-strip', 'data-testid': 'round-strip' });
    const treePane = h('div', { class: 'tree-pane', 'data-testid': 'tree' });
    const detail = h('div', { class: 'detail-pane', 'data-testid': 'detail' });
    root.append(
      h(
        'div',
        { class: 'viewer-controls' },
        h('label', null, 'Filter tasks', taskFilter),
        h('label', null, 'Task', taskSelect),
        h('label', null, 'Method', methodSelect),
        h('label', null, 'Seed', seedSelect),
        h('label', null, 'Round', tabs),
      ),
      overview,
      taskInfo,
      strip,
      h('div', { class: 'viewer-body' }, treePane, detail),
    );

    /** @param {HTMLSelectElement} sel @param {{ value: string, text: string }[]} options @param {string} want */
    function fill(sel, options, want) {
      sel.textContent = '';
      for (const o of options) sel.append(h('option', { value: o.value, text: o.text }));
      sel.value = options.some((o) => o.value === want) ? want : (options[0]?.value ?? '');
      return sel.value;
    }

    function currentSet() {
      return sortedSets(state.task).find(
        (s) => variantOf(s) === state.method && s.seed === state.seed && s.round === state.round,
      );
    }

    /** Re-selects the node with the same prefix after switching tree. @param {string | undefined} prefix */
    function refresh(prefix) {
      const sets = sortedSets(state.task);
      const methods = [...new Set(sets.map((s) => variantOf(s)))];
      // Keep the method; else prefer TSP in the standard configuration, then TSP, then the first.
      const preferred = methods.includes(state.method)
        ? state.method
        : (['tsp', ...methods.filter((m) => m.endsWith(':tsp'))].find((m) => methods.includes(m)) ??
          methods[0] ??
          '');
      state.method = fill(
        methodSelect,
        methods.map((m) => ({ value: m, text: variantLabel(m) })),
        preferred,
      );
      const seeds = [...new Set(sets.filter((s) => variantOf(s) === state.method).map((s) => s.seed))];
      state.seed = Number(
        fill(
          seedSelect,
          seeds.map((s) => ({ value: String(s), text: String(s) })),
          String(state.seed),
        ),
      );
      const rounds = sets
        .filter((s) => variantOf(s) === state.method && s.seed === state.seed)
        .map((s) => s.round);
      if (!rounds.includes(state.round)) state.round = rounds[rounds.length - 1] ?? 0;
      tabs.textContent = '';
      for (const r of rounds) {
        const b = h('button', {
          type: 'button',
          role: 'tab',
          'aria-selected': r === state.round ? 'true' : 'false',
          'data-round': r,
          text: `Round ${r}`,
        });
        b.addEventListener('click', () => switchRound(r));
        tabs.append(b);
      }
      const task = taskById.get(state.task);
      taskInfo.textContent = '';
      if (task) {
        taskInfo.append(
          h('span', { class: 'tag', text: task.language ?? 'language unknown' }),
          ...task.cwe.map((c) => h('span', { class: 'tag', text: c })),
        );
        if (task.family) taskInfo.append(h('span', { class: 'tag', text: task.family }));
      }
      const set = currentSet();
      const tree = set ? treeOf(state.task, set.key) : undefined;
      state.node = -1;
      if (tree && prefix !== undefined) state.node = tree.prefix.indexOf(prefix);
      renderStrip();
      renderOverview();
      renderTree(tree);
      renderDetail(tree, prefix !== undefined && state.node < 0);
      saveHash();
    }

    /** The viewer's selection in the URL, so a link opens the same node: `#t=..&s=..&n=..`. */
    function saveHash() {
      const set = currentSet();
      if (!set) return;
      const tree = treeOf(state.task, set.key);
      const p = new URLSearchParams({ t: state.task, s: set.key });
      const node = tree && state.node >= 0 ? tree.entry.nodes[state.node] : undefined;
      if (node) p.set('n', node.id);
      history.replaceState(null, '', `#${p.toString()}`);
    }

    /** Restores a selection saved by saveHash; false when the hash is not one. */
    function loadHash() {
      const p = new URLSearchParams(location.hash.slice(1));
      const t = p.get('t');
      const set = setByKey.get(p.get('s') ?? '');
      if (!t || !set || !entries.get(t)?.has(set.key)) return false;
      state.task = t;
      taskSelect.value = t;
      state.method = variantOf(set);
      state.seed = set.seed;
      state.round = set.round;
      const tree = treeOf(t, set.key);
      const i = tree ? tree.entry.nodes.findIndex((n) => n.id === p.get('n')) : -1;
      refresh(tree && i >= 0 ? tree.prefix[i] : undefined);
      return true;
    }

    /** @param {number} r */
    function switchRound(r) {
      const prefix = selectedPrefix();
      state.round = r;
      refresh(prefix);
    }

    function selectedPrefix() {
      const set = currentSet();
      const tree = set ? treeOf(state.task, set.key) : undefined;
      return tree && state.node >= 0 ? tree.prefix[state.node] : undefined;
    }

    /**
     * Every task at a glance for the chosen method and seed: per round, the root's value and the
     * number of critical nodes. Rendered when opened; a row click opens the task.
     */
    function renderOverview() {
      const sets = trees.sets.filter((s) => variantOf(s) === state.method && s.seed === state.seed);
      const rounds = [...new Set(sets.map((s) => s.round))].sort((a, b) => a - b);
      const shown = [...taskSelect.options].filter((o) => !o.hidden).map((o) => o.value);
      overviewSummary.textContent = `All ${shown.length} tasks at a glance (${variantLabel(state.method)}, seed ${state.seed}): root value and critical nodes per round`;
      overviewBody.textContent = '';
      if (!overview.open) return;
      const head = h(
        'tr',
        null,
        h('th', { text: 'Task' }),
        h('th', { text: 'Language' }),
        h('th', { text: 'CWE' }),
        ...rounds.map((r) => h('th', { class: 'num', text: `Round ${r}` })),
      );
      const body = h('tbody');
      for (const id of shown) {
        const t = taskById.get(id);
        const row = h(
          'tr',
          { 'data-task': id, class: id === state.task ? 'current' : '' },
          h('td', null, h('code', { text: id })),
          h('td', { text: t?.language ?? '?' }),
          h('td', { text: t?.cwe.join(', ') ?? '' }),
        );
        for (const r of rounds) {
          const set = sets.find((s) => s.round === r);
          const e = set ? entries.get(id)?.get(set.key) : undefined;
          const root = e?.nodes.find((n) => n.p < 0 && n.k === 'root');
          const crit = e ? e.nodes.filter((n) => n.c).length : 0;
          if (!e || !root) {
            row.append(h('td', { class: 'num na', text: e ? `${e.pairs.length} pairs` : '–' }));
            continue;
          }
          row.append(
            h(
              'td',
              { class: 'num' },
              h('span', {
                class: 'pill value',
                style: `background:${valueColor(root.v)}`,
                text: root.v === null ? '–' : root.v.toFixed(2),
              }),
              crit ? h('span', { class: 'pill crit', text: `${crit} critical` }) : '',
            ),
          );
        }
        row.addEventListener('click', () => {
          taskSelect.value = id;
          state.task = id;
          refresh(undefined);
        });
        body.append(row);
      }
      overviewBody.append(h('table', { class: 'overview-table' }, h('thead', null, head), body));
    }

    /**
     * One card per round of this task, method and seed: the tree's root value and counts, and
     * how the selected decision point (same prefix) looks in that round: what training changed there.
     */
    function renderStrip() {
      strip.textContent = '';
      const prefix = selectedPrefix();
      const sets = sortedSets(state.task).filter(
        (s) => variantOf(s) === state.method && s.seed === state.seed,
      );
      for (const set of sets) {
        const r = set.round;
        const tree = treeOf(state.task, set.key);
        if (!tree) continue;
        const e = tree.entry;
        const rootNode = e.nodes.find((n) => n.p < 0 && n.k === 'root');
        const leaves = e.nodes.filter((n) => n.k === 'leaf');
        const good = leaves.filter((n) => n.d?.securePass).length;
        const crit = e.nodes.filter((n) => n.c).length;
        /** @type {HTMLElement | null} */
        let here = null;
        if (prefix !== undefined && e.nodes.length) {
          const j = tree.prefix.indexOf(prefix);
          const n = j >= 0 ? e.nodes[j] : undefined;
          here = h('span', {
            class: 'here',
            'data-testid': 'strip-node',
            text: n
              ? `selected point: value ${n.v === null ? '–' : n.v.toFixed(2)} · ${n.n} ${n.n === 1 ? 'leaf' : 'leaves'}${n.c ? ' · critical' : ''}`
              : 'selected point: not reached',
          });
        }
        const card = h(
          'button',
          {
            class: 'round-card',
            type: 'button',
            'aria-current': r === state.round ? 'true' : 'false',
            'data-round': r,
          },
          h('b', { text: `Round ${r}` }),
          e.nodes.length
            ? `root value ${rootNode?.v === null || rootNode?.v === undefined ? '–' : rootNode.v.toFixed(2)} · ${crit} critical · ${good}/${leaves.length} secure-pass leaves`
            : `${e.pairs.length} pairs, no tree`,
          here,
        );
        card.addEventListener('click', () => switchRound(r));
        strip.append(card);
      }
    }

    /** @param {Tree | undefined} tree */
    function renderTree(tree) {
      treePane.textContent = '';
      if (!tree?.entry.nodes.length) {
        treePane.append(
          h('p', {
            class: 'empty',
            text: tree?.entry.pairs.length
              ? `No decision tree for ${variantLabel(state.method)}: it pairs whole programs at the prompt. Its ${tree.entry.pairs.length} pairs are shown below.`
              : 'No tree for this selection.',
          }),
        );
        return;
      }
      const roots = tree.entry.nodes.map((n, i) => ({ n, i })).filter((x) => x.n.p < 0);
      const ul = h('ul', { class: 'tree', role: 'tree' });
      const big = tree.entry.nodes.length > 150;
      for (const { i } of roots) ul.append(nodeItem(tree, i, big));
      treePane.append(ul);
      if (tree.entry.trimmed) {
        treePane.append(
          h('p', {
            class: 'empty',
            text: `${tree.entry.trimmed} nodes of this tree were left out of the report (size cap).`,
          }),
        );
      }
    }

    /** @param {Tree} tree @param {number} i @param {boolean} big @param {number} [same] @returns {HTMLElement} */
    function nodeItem(tree, i, big, same = 1) {
      const n = /** @type {CNode} */ (tree.entry.nodes[i]);
      const kids = tree.children[i] ?? [];
      const li = h('li', { role: 'treeitem' });
      const caret = h('button', {
        class: `caret${kids.length ? '' : ' leafy'}`,
        type: 'button',
        'aria-label': 'expand or collapse',
        text: '▾',
      });
      const first = firstLine(n.e);
      const row = h(
        'button',
        {
          class: `node-row${n.c ? ' critical' : ''}`,
          type: 'button',
          'data-testid': 'tree-node',
          'data-node-id': n.id,
          'data-kind': n.k,
          'data-critical': n.c ? 'true' : 'false',
          'data-pairs': String(tree.entry.pairs.filter((p) => p.node === i).length),
          'aria-selected': state.node === i ? 'true' : 'false',
          title: n.k === 'root' ? 'the prompt' : n.e,
        },
        n.k === 'root'
          ? h('span', { class: 'node-kind', text: 'prompt' })
          : h('span', {
              class: 'node-code',
              text: first.text + (first.more ? `   (+${first.more} lines)` : ''),
            }),
        h('span', {
          class: 'pill value',
          style: `background:${valueColor(n.v)}`,
          title: 'Monte-Carlo value: share of secure-pass leaves below',
          text: n.v === null ? 'value –' : `value ${n.v.toFixed(2)}`,
        }),
        n.k !== 'leaf'
          ? h('span', { class: 'pill muted', text: `${n.n} ${n.n === 1 ? 'leaf' : 'leaves'}` })
          : null,
        n.c ? h('span', { class: 'pill crit', text: `critical · ${n.c}` }) : null,
        same > 1
          ? h('span', {
              class: 'pill muted',
              title: `${same} sampled programs end with the same text and verdict`,
              text: `×${same}`,
            })
          : null,
        ...(n.k === 'leaf' ? verdictPills(n.d) : []),
      );
      row.addEventListener('click', () => {
        state.node = i;
        for (const r of treePane.querySelectorAll('.node-row[aria-selected="true"]'))
          r.setAttribute('aria-selected', 'false');
        row.setAttribute('aria-selected', 'true');
        renderDetail(tree, false);
        renderStrip();
        saveHash();
      });
      li.append(h('div', { class: 'node-line' }, caret, row));
      if (kids.length) {
        const sub = h('ul', { role: 'group' });
        for (const g of groupLeaves(tree, kids)) sub.append(nodeItem(tree, g[0] ?? 0, big, g.length));
        const collapsed = big && tree.entry.nodes[kids[0] ?? 0]?.k === 'leaf' && !n.c;
        if (collapsed) {
          sub.hidden = true;
          caret.textContent = '▸';
        }
        caret.addEventListener('click', () => {
          sub.hidden = !sub.hidden;
          caret.textContent = sub.hidden ? '▸' : '▾';
        });
        li.append(sub);
      }
      return li;
    }

    /**
     * Sibling leaves with the same edge text and verdict, grouped (samples often repeat); other
     * children stay alone. Order of first appearance.
     * @param {Tree} tree @param {number[]} kids @returns {number[][]}
     */
    function groupLeaves(tree, kids) {
      /** @type {Map<string, number[]>} */
      const groups = new Map();
      for (const k of kids) {
        const n = tree.entry.nodes[k];
        const leafy = n?.k === 'leaf' && !(tree.children[k] ?? []).length;
        const d = n?.d;
        const key = leafy
          ? `L${n?.e}\u0000${d ? `${d.functional}${d.secure}${(d.failedSecurityTests ?? []).join(',')}` : '-'}`
          : `N${k}`;
        const g = groups.get(key);
        if (g) g.push(k);
        else groups.set(key, [k]);
      }
      return [...groups.values()];
    }

    /** Leaves under node i. @param {Tree} tree @param {number} i @returns {number[]} */
    function leavesUnder(tree, i) {
      /** @type {number[]} */
      const out = [];
      const stack = [i];
      while (stack.length) {
        const j = /** @type {number} */ (stack.pop());
        const kids = tree.children[j] ?? [];
        if (!kids.length && tree.entry.nodes[j]?.k === 'leaf') out.push(j);
        stack.push(...kids.slice().reverse());
      }
      return out;
    }

    /** @param {Tree | undefined} tree @param {boolean} lost */
    function renderDetail(tree, lost) {
      detail.textContent = '';
      if (lost) {
        detail.append(
          h('p', {
            class: 'hint',
            text: `The decision point you had selected does not appear in round ${state.round} of this tree.`,
          }),
        );
      }
      if (!tree) {
        detail.append(h('p', { class: 'hint', text: 'Nothing to show for this selection.' }));
        return;
      }
      const pairsWithoutNode = tree.entry.pairs.filter((p) => p.node < 0);
      if (state.node < 0) {
        if (tree.entry.nodes.length) {
          const firstCrit = tree.entry.nodes.findIndex((n) => !!n.c);
          detail.append(
            h(
              'p',
              { class: 'hint' },
              'Click a node in the tree to see its branches.',
              firstCrit >= 0
                ? ' Critical nodes (red outline) are where the secure and vulnerable continuations split.'
                : '',
            ),
          );
        }
        if (pairsWithoutNode.length) renderPairs(pairsWithoutNode, undefined);
        return;
      }
      const i = state.node;
      const n = /** @type {CNode} */ (tree.entry.nodes[i]);
      const prefix = tree.prefix[i] ?? '';
      detail.append(
        h(
          'div',
          { class: 'detail-head', 'data-testid': 'detail-head' },
          h('h3', {
            text:
              n.k === 'root'
                ? 'Root (the prompt)'
                : n.k === 'leaf'
                  ? 'Leaf (a complete program)'
                  : 'Branch node',
          }),
          h('code', { text: n.id }),
          h('span', {
            class: 'pill value',
            style: `background:${valueColor(n.v)}`,
            text: n.v === null ? 'value –' : `value ${n.v.toFixed(2)}`,
          }),
          h('span', {
            class: 'pill muted',
            text: `depth ${depthOf(tree, i)} · ${n.n} leaves · ${n.t} tokens on the edge`,
          }),
          n.c ? h('span', { class: 'pill crit', text: `critical decision node (found by ${n.c})` }) : null,
        ),
      );
      if (n.k === 'leaf') {
        const parentPrefix = n.p >= 0 ? (tree.prefix[n.p] ?? '') : '';
        const cont = prefix.startsWith(parentPrefix) ? prefix.slice(parentPrefix.length) : prefix;
        const base = prefix.startsWith(parentPrefix) ? parentPrefix : '';
        const box = h('div', { class: 'branches', 'data-testid': 'branches' });
        box.append(
          branchColumn({
            title: 'This program',
            kind: kindOf(n.d),
            prefix: base,
            continuation: cont,
            segChars: n.e.length,
            verdict: n.d,
          }),
        );
        detail.append(box);
        return;
      }
      const ctx = h(
        'details',
        { class: 'context' },
        h('summary', { text: `Shared prefix (${prefix.split('\n').length - 1} lines)` }),
      );
      ctx.append(
        codeBlock({
          program: prefix,
          segStart: prefix.length,
          segEnd: prefix.length,
          kind: 'other',
          context: 1e6,
        }),
      );
      detail.append(ctx);
      const pairs = tree.entry.pairs.filter((p) => p.node === i);
      const kids = tree.children[i] ?? [];
      if (pairs.length) {
        renderPairs(pairs, prefix);
        if (kids.length) {
          const more = h(
            'details',
            { class: 'more-branches' },
            h('summary', { text: `All ${kids.length} branches from this node, pairs or not` }),
          );
          more.append(childBranches(tree, kids, prefix));
          detail.append(more);
        }
        return;
      }
      if (!kids.length) {
        detail.append(h('p', { class: 'hint', text: 'This node has no children in the report.' }));
        return;
      }
      detail.append(
        h('div', {
          class: 'branches-title',
          text: `${kids.length} branch${kids.length === 1 ? '' : 'es'} from this node (no training pair was made here; each branch shown with one of its complete programs)`,
        }),
      );
      detail.append(childBranches(tree, kids, prefix));
    }

    /**
     * The children of a node side by side (identical leaves once, counted), each with one
     * complete program below it: secure ones first, then vulnerable, then the rest.
     * @param {Tree} tree @param {number[]} kids @param {string} prefix
     */
    function childBranches(tree, kids, prefix) {
      /** @type {{ col: HTMLElement, order: number }[]} */
      const cols = [];
      for (const group of groupLeaves(tree, kids)) {
        const k = group[0] ?? 0;
        const kid = /** @type {CNode} */ (tree.entry.nodes[k]);
        const leaves = leavesUnder(tree, k);
        const pick =
          leaves.find((l) => (kid.v ?? 0) >= 0.5 === !!tree.entry.nodes[l]?.d?.securePass) ?? leaves[0] ?? k;
        const leaf = /** @type {CNode} */ (tree.entry.nodes[pick]);
        const leafPrefix = tree.prefix[pick] ?? '';
        const kind = kindOf(leaf.d);
        const times = group.length > 1 ? ` ×${group.length}` : '';
        cols.push({
          order: kind === 'golden' ? 0 : kind === 'vulnerable' ? 1 : 2,
          col: branchColumn({
            title: `${kind === 'golden' ? 'Secure branch' : kind === 'vulnerable' ? 'Vulnerable branch' : 'Branch'}${times} (value ${kid.v === null ? '–' : kid.v.toFixed(2)}, ${kid.n} ${kid.n === 1 ? 'leaf' : 'leaves'})`,
            kind,
            prefix,
            continuation: leafPrefix.startsWith(prefix) ? leafPrefix.slice(prefix.length) : kid.e,
            segChars: kid.e.length,
            verdict: leaf.d,
          }),
        });
      }
      const box = h('div', { class: 'branches', 'data-testid': 'branches' });
      for (const c of cols.sort((a, b) => a.order - b.order)) box.append(c.col);
      return box;
    }

    /** @param {Tree} tree @param {number} i */
    function depthOf(tree, i) {
      let d = 0;
      for (let j = tree.entry.nodes[i]?.p ?? -1; j >= 0; j = tree.entry.nodes[j]?.p ?? -1) d++;
      return d;
    }

    /**
     * The golden branch next to each vulnerable one, grouped by identical golden text.
     * @param {CPair[]} pairs @param {string | undefined} nodePrefix
     */
    function renderPairs(pairs, nodePrefix) {
      /** @type {Map<string, CPair[]>} */
      const groups = new Map();
      for (const p of pairs) {
        const pre = p.pre ?? nodePrefix ?? '';
        const k = `${pre}\u0000${p.ch}`;
        const g = groups.get(k) ?? [];
        g.push(p);
        groups.set(k, g);
      }
      const by = pairs[0]?.by;
      detail.append(
        h('div', {
          class: 'branches-title',
          text: `${pairs.length} training pair${pairs.length === 1 ? '' : 's'} (${pairs[0]?.src ?? ''}${by ? `, critical by ${by}` : ''}): the golden branch (chosen) next to the vulnerable branch${pairs.length === 1 ? '' : 'es'} (rejected)`,
        }),
      );
      for (const g of groups.values()) {
        const first = /** @type {CPair} */ (g[0]);
        const pre = first.pre ?? nodePrefix ?? '';
        const box = h('div', { class: 'branches', 'data-testid': 'branches' });
        box.append(
          branchColumn({
            title: 'Golden branch (chosen)',
            kind: 'golden',
            prefix: pre,
            continuation: first.ch,
            segChars: first.cs,
            verdict: first.cvd,
            verified: first.cv,
          }),
        );
        g.forEach((p, j) => {
          box.append(
            branchColumn({
              title: `Vulnerable branch${g.length > 1 ? ` ${j + 1}` : ''} (rejected)`,
              kind: 'vulnerable',
              prefix: p.pre ?? nodePrefix ?? '',
              continuation: p.rj,
              segChars: p.rs,
              verdict: p.rvd,
              verified: p.rv,
            }),
          );
        });
        detail.append(box);
      }
    }

    taskSelect.addEventListener('change', () => {
      state.task = taskSelect.value;
      refresh(undefined);
    });
    taskFilter.addEventListener('input', () => {
      const words = taskFilter.value.toLowerCase().split(/\s+/).filter(Boolean);
      let firstShown = '';
      for (const o of taskSelect.options) {
        const text = o.textContent?.toLowerCase() ?? '';
        o.hidden = !words.every((w) => text.includes(w));
        if (!o.hidden && !firstShown) firstShown = o.value;
      }
      const current = [...taskSelect.options].find((o) => o.value === state.task);
      if (firstShown && current?.hidden) {
        taskSelect.value = firstShown;
        state.task = firstShown;
        refresh(undefined);
      }
      renderOverview();
      taskFilter.title = firstShown ? '' : 'no task matches';
      taskFilter.classList.toggle('nomatch', !firstShown);
    });
    methodSelect.addEventListener('change', () => {
      const prefix = selectedPrefix();
      state.method = methodSelect.value;
      refresh(prefix);
    });
    seedSelect.addEventListener('change', () => {
      const prefix = selectedPrefix();
      state.seed = Number(seedSelect.value);
      refresh(prefix);
    });
    if (!loadHash()) refresh(undefined);
  }

  async function main() {
    drawCurves();
    drawTreeCharts();
    initViewer(await loadTrees());
    document.body.dataset.ready = 'true';
  }

  main().catch(showError);
})();
