import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReportData, type ReportData } from './data.ts';
import { writeFixtureRun } from './fixture.ts';
import { formatStat } from './format.ts';
import { escapeHtml, renderHtml, scriptJson } from './html.ts';
import { writeReport } from './index.ts';

let dir: string;
let data: ReportData;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsp-html-'));
  await writeFixtureRun(join(dir, 'run'));
  data = await buildReportData(join(dir, 'run'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function embedded(html: string, id: string): { encoding: string; text: string } {
  const m = new RegExp(`<script[^>]* id="${id}"(?: data-encoding="([^"]+)")?>([\\s\\S]*?)</script>`).exec(
    html,
  );
  expect(m, id).not.toBeNull();
  return { encoding: m?.[1] ?? 'json', text: m?.[2] ?? '' };
}

describe('renderHtml', () => {
  it('is self-contained: no external scripts, styles, images or links', () => {
    const html = renderHtml(data);
    expect(html).not.toMatch(/<(script|img|link|iframe)[^>]+(src|href)=/i);
    expect(html).not.toMatch(/url\(\s*['"]?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import/);
    expect(html).toContain('uPlot');
  });

  it('draws one unseen-CWE panel per held-out split (suite version 2), one for version 1', () => {
    expect(renderHtml(data).match(/data-testid="unseen-[a-z]+"/g)).toEqual(['data-testid="unseen-cwe"']);
    const v2: ReportData = {
      ...data,
      unseenCwe: [
        ...data.unseenCwe.map((r) => ({ ...r, split: 'unseen-sibling' })),
        ...data.unseenCwe.map((r) => ({ ...r, split: 'unseen-distant' })),
      ],
    };
    const html = renderHtml(v2);
    expect(html.match(/data-testid="unseen-[a-z]+"/g)).toEqual([
      'data-testid="unseen-sibling"',
      'data-testid="unseen-distant"',
    ]);
    expect(html).toContain('Vulnerability rate on unseen CWEs, siblings');
  });

  it('renders each summary row in the static results table', () => {
    const html = renderHtml(data);
    for (const t of data.table) {
      for (const r of t.rows) {
        expect(html).toContain(
          `data-metric="spr1" data-mean="${r.spr1.mean}" data-std="${r.spr1.std}" data-n="${r.spr1.n}">${escapeHtml(formatStat(r.spr1))}</td>`,
        );
      }
    }
  });

  it('shows the paired differences with their intervals under each split table', () => {
    const html = renderHtml(data);
    const c = data.comparisons.find(
      (x) => x.split === 'test' && x.a === 'tsp' && x.b === 'spin' && x.metric === 'spr1',
    );
    expect(c?.lo).not.toBeNull();
    const table =
      /<table class="results" data-testid="comparisons" data-split="test">[\s\S]*?<\/table>/.exec(
        html,
      )?.[0] ?? '';
    expect(table).toContain('TSP − Self-play (unstructured)');
    expect(table).toContain(`data-diff="${c?.diff}" data-lo="${c?.lo}" data-hi="${c?.hi}"`);
    // every pair of the fixture's four methods, once
    expect(table.match(/<tr data-method=/g)).toHaveLength(6);
  });

  it('shows per-CWE rates with the change vs SFT', () => {
    const html = renderHtml(data);
    const h = data.perCwe[0];
    const sft = h?.rows.find((r) => r.method === 'sft');
    const tsp = h?.rows.find((r) => r.method === 'tsp');
    const x = tsp?.cells[0];
    const ref = sft?.cells[0];
    expect(x !== null && x !== undefined && ref !== null && ref !== undefined).toBe(true);
    const delta = (x as number) - (ref as number);
    const shown = `${delta < 0 ? '−' : '+'}${(Math.abs(delta) * 100).toFixed(1)}</span>`;
    expect(html).toContain(
      `data-value="${x}">${((x as number) * 100).toFixed(1)}<span class="delta ${delta < 0 ? 'good' : 'bad'}">${shown}`,
    );
  });

  it('shows what training changed CWE by CWE: one table per self-play method, one row per round', () => {
    const html = renderHtml(data);
    const tables = html.split('data-testid="per-cwe-rounds"').slice(1);
    expect(tables).toHaveLength(2);
    const tsp = tables.find((t) => t.includes('TSP: vulnerability rate')) ?? '';
    expect(tsp.split('</table>')[0]?.match(/<tr data-method="tsp">/g)).toHaveLength(3);
  });

  it('embeds the trees as JSON, or gzip+base64 that inflates to the same JSON', () => {
    const plain = embedded(renderHtml(data, { compress: 'never' }), 'tsp-trees');
    expect(plain.encoding).toBe('json');
    expect(JSON.parse(plain.text)).toEqual(data.trees);
    const packed = embedded(renderHtml(data, { compress: 'always' }), 'tsp-trees');
    expect(packed.encoding).toBe('gzip-base64');
    expect(JSON.parse(gunzipSync(Buffer.from(packed.text, 'base64')).toString('utf8'))).toEqual(data.trees);
    const rest = JSON.parse(embedded(renderHtml(data), 'tsp-data').text);
    expect(rest.curves).toEqual(data.curves);
    expect(rest.trees).toBeUndefined();
  });

  it('keeps </script> and line separators in data from breaking out of the script element', () => {
    const s = scriptJson({ a: '</script><script>alert(1)</script>\u2028' });
    expect(s).not.toContain('</script');
    expect(s).not.toContain('\u2028');
    expect(JSON.parse(s)).toEqual({ a: '</script><script>alert(1)</script>\u2028' });
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
  });
});

describe('writeReport', () => {
  it('writes report.html and results.md and reports the size', async () => {
    const r = await writeReport(join(dir, 'run'));
    expect(r.htmlPath).toBe(join(dir, 'run', 'report.html'));
    const html = await readFile(r.htmlPath, 'utf8');
    expect(Buffer.byteLength(html)).toBe(r.bytes);
    expect(r.bytes).toBeLessThan(500_000);
    expect(await readFile(join(dir, 'run', 'results.md'), 'utf8')).toContain('### Split `test`');
  });

  it('stays under 500 kB for a run with many tasks by compressing and trimming', async () => {
    await writeFixtureRun(join(dir, 'big'), { tasks: 120, seeds: [1, 2, 3], rounds: 3, branching: 4 });
    const r = await writeReport(join(dir, 'big'), { markdown: false });
    expect(r.bytes).toBeLessThan(500_000);
    expect(r.markdownPath).toBeUndefined();
  });
});
