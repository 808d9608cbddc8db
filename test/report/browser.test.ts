/**
 * Drives the HTML report in headless Chromium (Debian's /usr/bin/chromium through playwright-core):
 * the page loads offline without console errors, the table matches results.json, clicking a
 * critical node opens its branches with the evidence, rounds can be followed, and screenshots are
 * saved under test-artifacts/. Skips (with a message) when Chromium is missing, fails under CI.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFixtureRun } from '../../src/report/fixture.ts';
import { formatStat } from '../../src/report/format.ts';
import { writeReport } from '../../src/report/index.ts';
import { RunResults } from '../../src/spec/results.ts';
import { CHROMIUM, launchChromium, type OpenedReport, openReport } from './chromium.ts';

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) {
  throw new Error(
    `Chromium not found at ${CHROMIUM}: the report's browser tests need it in CI (scripts/setup.sh --browser)`,
  );
}
if (!haveChromium) {
  console.warn(
    `skipping the report browser tests: no Chromium at ${CHROMIUM} (install: scripts/setup.sh --browser)`,
  );
}

const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');

describe.skipIf(!haveChromium)('HTML report in headless Chromium', () => {
  let work: string;
  let context: BrowserContext;
  let results: RunResults;
  let reportPath: string;
  let bigReportPath: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'tsp-browser-'));
    await mkdir(ARTIFACTS, { recursive: true });
    const run = join(work, 'run');
    await writeFixtureRun(run);
    reportPath = (await writeReport(run)).htmlPath;
    results = RunResults.parse(JSON.parse(await readFile(join(run, 'results.json'), 'utf8')));
    const big = join(work, 'big');
    await writeFixtureRun(big, { tasks: 60, seeds: [1, 2, 3], rounds: 3, branching: 4, runId: 'big' });
    bigReportPath = (await writeReport(big, { markdown: false })).htmlPath;
    context = await launchChromium(join(work, 'profile'));
  });

  afterAll(async () => {
    await context?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  async function open(path: string): Promise<OpenedReport> {
    const opened = await openReport(context, path);
    expect(await opened.page.locator('body').getAttribute('data-ready')).toBe('true');
    return opened;
  }

  it('loads offline with no console errors and no network request, and draws every chart', async () => {
    const { page, consoleErrors, blocked } = await open(reportPath);
    expect(consoleErrors).toEqual([]);
    expect(blocked).toEqual([]);
    const splits = new Set(results.evaluations.map((e) => e.split)).size;
    // Four metrics per split, and three tree-statistics charts.
    expect(await page.locator('[data-testid=chart] canvas').count()).toBe(splits * 4 + 3);
    await page.screenshot({ path: join(ARTIFACTS, 'report-full.png'), fullPage: true });
    await page.close();
  });

  it('shows the results table exactly as results.json has it', async () => {
    const { page } = await open(reportPath);
    const tables = page.locator('[data-testid=results-table]');
    expect(await tables.count()).toBe(new Set(results.summary.map((r) => r.split)).size);
    for (const row of results.summary) {
      const tr = page.locator(
        `[data-testid=results-table][data-split="${row.split}"] tr[data-method="${row.method}"]`,
      );
      expect(await tr.count()).toBe(1);
      for (const metric of ['spr1', 'pass1', 'secure1', 'vulnRate'] as const) {
        const cell = tr.locator(`td[data-metric="${metric}"]`);
        const want = row[metric];
        expect((await cell.textContent())?.trim()).toBe(want ? formatStat(want) : '–');
        if (want) expect(Number(await cell.getAttribute('data-mean'))).toBe(want.mean);
      }
    }
    await page.close();
  });

  it('opens the branches of a critical node: golden next to vulnerable, flagged line and exploit shown', async () => {
    const { page, consoleErrors } = await open(reportPath);
    const critical = page.locator('[data-testid=tree-node][data-critical=true]').first();
    const nodeId = await critical.getAttribute('data-node-id');
    expect(nodeId).toBeTruthy();
    expect(await page.locator('[data-testid=branch]').count()).toBe(0);
    await critical.click();
    await expect.poll(() => page.locator('[data-testid=branch]').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('[data-testid=detail-head] code').textContent()).toBe(nodeId);
    const golden = page.locator('[data-testid=branch][data-kind=golden]');
    const vulnerable = page.locator('[data-testid=branch][data-kind=vulnerable]');
    expect(await golden.count()).toBeGreaterThanOrEqual(1);
    expect(await vulnerable.count()).toBeGreaterThanOrEqual(1);

    // The flagged line of the vulnerable program is the line the finding names, and is highlighted.
    const first = vulnerable.first();
    const finding = (await first.locator('[data-testid=finding]').first().textContent()) ?? '';
    const line = Number(/line (\d+)/.exec(finding)?.[1]);
    expect(line).toBeGreaterThan(0);
    const flagged = first.locator('.ln-row.flagged');
    expect(await flagged.count()).toBeGreaterThanOrEqual(1);
    expect(Number(await flagged.first().getAttribute('data-line'))).toBe(line);
    expect(await flagged.first().locator('mark.seg-vulnerable').count()).toBe(1);
    expect(await first.locator('[data-testid=failed-test]').count()).toBeGreaterThanOrEqual(1);
    // The golden side has its own highlighted segment and no finding.
    expect(await golden.first().locator('mark.seg-golden').count()).toBeGreaterThanOrEqual(1);
    expect(await golden.first().locator('[data-testid=finding]').count()).toBe(0);
    // Every child of the node is one click away, pair or not.
    const more = page.locator('.more-branches');
    const kids = Number(/All (\d+) branches/.exec((await more.locator('summary').textContent()) ?? '')?.[1]);
    expect(kids).toBeGreaterThanOrEqual(2);
    await more.locator('summary').click();
    await expect.poll(() => more.locator('[data-testid=branch]').first().isVisible()).toBe(true);
    expect(await more.locator('[data-testid=branch]').count()).toBeLessThanOrEqual(kids);
    await more.locator('summary').click();
    await page.locator('#viewer').screenshot({ path: join(ARTIFACTS, 'report-viewer.png') });
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  it('follows the same decision point across rounds', async () => {
    const { page } = await open(reportPath);
    const tabs = page.locator('[data-testid=round-tabs] button');
    expect(await tabs.count()).toBe(2);
    expect(await tabs.nth(1).getAttribute('aria-selected')).toBe('true');
    const root = page.locator('[data-testid=tree-node][data-kind=root]').first();
    await root.click();
    const before = await page.locator('[data-testid=detail-head] code').textContent();
    await tabs.nth(0).click();
    expect(await page.locator('[data-testid=round-tabs] button').nth(0).getAttribute('aria-selected')).toBe(
      'true',
    );
    // The root (same prefix: the prompt) is selected again in round 1, under its round-1 id.
    const after = await page.locator('[data-testid=detail-head] code').textContent();
    expect(after).not.toBe(before);
    expect(after).toMatch(/\/r1\//);
    expect(await page.locator('[data-testid=tree-node][aria-selected=true]').getAttribute('data-kind')).toBe(
      'root',
    );
    // Each round's card says how the selected point looks there (the root is in every round).
    const here = await page.locator('[data-testid=strip-node]').allTextContents();
    expect(here).toHaveLength(2);
    for (const t of here) expect(t).toMatch(/^selected point: value \d\.\d\d · \d+ lea(f|ves)/);
    // A method without trees (unstructured self-play) shows its whole-program pairs instead.
    const taskSelect = page.locator('[data-testid=task-select]');
    expect(await taskSelect.locator('option').count()).toBe(6);
    const methodSelect = page.locator('[data-testid=method-select]');
    let found = false;
    for (let i = 0; i < 6 && !found; i++) {
      await taskSelect.selectOption({ index: i });
      found = (await methodSelect.locator('option[value=spin]').count()) > 0;
    }
    expect(found).toBe(true);
    await methodSelect.selectOption('spin');
    expect(await page.locator('[data-testid=tree]').textContent()).toMatch(/No decision tree/);
    expect(await page.locator('[data-testid=branch][data-kind=golden]').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('[data-testid=branch][data-kind=vulnerable]').count()).toBeGreaterThanOrEqual(
      1,
    );
    await page.close();
  });

  it('filters the task list and follows the filter', async () => {
    const { page } = await open(reportPath);
    const filter = page.locator('[data-testid=task-filter]');
    await filter.fill('python shell');
    const visible = await page.locator('[data-testid=task-select] option:not([hidden])').allTextContents();
    expect(visible).toHaveLength(1);
    expect(visible[0]).toContain('CWE-78');
    expect(await page.locator('[data-testid=task-select]').inputValue()).toBe('py-ping-host');
    expect(
      await page.locator('[data-testid=tree-node][data-kind=root]').getAttribute('data-node-id'),
    ).toMatch(/^py-ping-host\//);
    await filter.fill('no such task');
    expect(await page.locator('[data-testid=task-select] option:not([hidden])').count()).toBe(0);
    await page.close();
  });

  it('lists every task at a glance and opens one from the overview', async () => {
    const { page } = await open(reportPath);
    const overview = page.locator('[data-testid=overview]');
    expect(await overview.locator('tbody tr').count()).toBe(0);
    await overview.locator('summary').click();
    const rows = overview.locator('tbody tr');
    // The toggle event that renders the table fires after the click returns.
    await expect.poll(() => rows.count()).toBe(6);
    // Each round column shows the root value of that round's tree of the task.
    const target = rows.nth(2);
    const id = (await target.getAttribute('data-task')) ?? '';
    const cells = await target.locator('td.num').allTextContents();
    expect(cells).toHaveLength(2);
    for (const c of cells) expect(c).toMatch(/^\d\.\d\d/);
    await target.click();
    expect(await page.locator('[data-testid=task-select]').inputValue()).toBe(id);
    const root = page.locator('[data-testid=tree-node][data-kind=root]');
    expect(await root.getAttribute('data-node-id')).toMatch(new RegExp(`^${id}/r2/`));
    expect(cells[1]?.slice(0, 4)).toBe(
      ((await root.locator('.pill.value').textContent()) ?? '').replace('value ', ''),
    );
    await page.close();
  });

  it('keeps the selection in the URL so a link opens the same node', async () => {
    const first = await open(reportPath);
    // Not the default view: another task, round 1.
    await first.page.locator('[data-testid=task-select]').selectOption({ index: 1 });
    await first.page.locator('[data-testid=round-tabs] button').first().click();
    const critical = first.page.locator('[data-testid=tree-node][data-critical=true]').first();
    const id = await critical.getAttribute('data-node-id');
    await critical.click();
    const url = first.page.url();
    expect(url).toContain('#t=');
    expect(decodeURIComponent(url)).toContain(`n=${id}`);
    await first.page.close();
    const second = await context.newPage();
    await second.goto(url);
    await second.waitForSelector('body[data-ready]');
    expect(
      await second.locator('[data-testid=tree-node][aria-selected=true]').getAttribute('data-node-id'),
    ).toBe(id);
    expect(await second.locator('[data-testid=detail-head] code').textContent()).toBe(id);
    expect(await second.locator('[data-testid=branch]').count()).toBeGreaterThanOrEqual(2);
    await second.close();
  });

  it('shows hostile generated code as text: it never runs in the page', async () => {
    const hostile = join(work, 'hostile');
    await writeFixtureRun(hostile);
    const file = join(hostile, 'trees', 'tsp-s1-r2.jsonl');
    const payload =
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a template placeholder inside hostile text, on purpose
      '# </script><script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> \u2028 ${1}\n';
    const nodes = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; edgeText: string; prefix: string; id: string });
    const leaf = nodes.find((n) => n.kind === 'leaf');
    if (!leaf) throw new Error('fixture has no leaf');
    leaf.edgeText += payload;
    leaf.prefix += payload;
    await writeFile(file, nodes.map((n) => `${JSON.stringify(n)}\n`).join(''));
    for (const compress of ['never', 'always'] as const) {
      const { htmlPath } = await writeReport(hostile, {
        compress,
        out: join(hostile, `report-${compress}.html`),
      });
      const { page, consoleErrors } = await open(htmlPath);
      expect(consoleErrors).toEqual([]);
      await page.locator('[data-testid=seed-select]').selectOption('1');
      const task = leaf.id.split('/')[0] ?? '';
      await page.locator('[data-testid=task-select]').selectOption(task);
      await page.locator(`[data-testid=tree-node][data-node-id="${leaf.id}"]`).click();
      expect(await page.locator('[data-testid=branch] .code').first().textContent()).toContain(
        '</script><script>window.__pwned = 1</script>',
      );
      expect(await page.evaluate('window.__pwned')).toBeUndefined();
      expect(await page.locator('img').count()).toBe(0);
      await page.close();
    }
  });

  it('would notice a request to the network (the guard works)', async () => {
    const { page, blocked } = await open(reportPath);
    // A string expression: it runs in the page (this file is type-checked without DOM types).
    await page.evaluate(
      "(() => { const img = document.createElement('img'); img.src = 'http://example.invalid/pixel.png'; document.body.append(img); })()",
    );
    await expect.poll(() => blocked.length).toBe(1);
    expect(blocked[0]).toContain('example.invalid');
    await page.close();
  });

  it('renders a run with no evaluations, trees or tasks without errors', async () => {
    const bare = join(work, 'bare');
    await mkdir(bare, { recursive: true });
    const minimal: RunResults = {
      ...results,
      runId: 'bare',
      evaluations: [],
      summary: [],
      unseenCwe: [],
      crossLanguage: [],
      treeStats: [],
      notes: [],
    };
    await writeFile(join(bare, 'results.json'), JSON.stringify(minimal));
    const { htmlPath } = await writeReport(bare);
    const { page, consoleErrors, blocked } = await open(htmlPath);
    expect(consoleErrors).toEqual([]);
    expect(blocked).toEqual([]);
    expect(await page.locator('#viewer-root').textContent()).toContain('no decision trees');
    expect(await page.locator('#curve-grid').textContent()).toContain('No evaluations');
    await page.close();
  });

  it('inflates compressed trees of a big run and stays small', async () => {
    const html = await readFile(bigReportPath, 'utf8');
    expect(html).toContain('data-encoding="gzip-base64"');
    expect(Buffer.byteLength(html)).toBeLessThan(500_000);
    const { page, consoleErrors, blocked } = await open(bigReportPath);
    expect(await page.locator('[data-testid=task-select] option').count()).toBeGreaterThan(10);
    await page.locator('[data-testid=tree-node][data-critical=true]').first().click();
    await expect.poll(() => page.locator('[data-testid=branch]').count()).toBeGreaterThanOrEqual(2);
    expect(consoleErrors).toEqual([]);
    expect(blocked).toEqual([]);
    await page.close();
  });
});
