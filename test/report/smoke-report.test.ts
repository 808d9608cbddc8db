/**
 * The report of a real run (not the fixture) in headless Chromium. Opt-in: with
 * TSP_REPORT_RUN_DIR=<run dir> it checks that run's report (written to a temporary file, the run
 * directory is not touched); with TSP_SLOW=1 it first runs the smoke preset (a few minutes).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuiltinExperiment } from '../../src/pipelines/builtin-experiment.ts';
import { getPreset } from '../../src/pipelines/presets.ts';
import { formatStat } from '../../src/report/format.ts';
import { writeReport } from '../../src/report/index.ts';
import { RunResults } from '../../src/spec/results.ts';
import { CHROMIUM, launchChromium, openReport } from './chromium.ts';

const given = process.env.TSP_REPORT_RUN_DIR;
const wanted = !!given || !!process.env.TSP_SLOW;
const haveChromium = existsSync(CHROMIUM);
if (wanted && !haveChromium && process.env.CI) throw new Error(`Chromium not found at ${CHROMIUM}`);

const ROOT = resolve(import.meta.dirname, '../..');

describe.skipIf(!wanted || !haveChromium)('report of a real run in Chromium', () => {
  let work: string;
  let runDir: string;
  let htmlPath: string;
  let context: BrowserContext;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'tsp-smoke-report-'));
    if (given) runDir = resolve(given);
    else {
      runDir = join(work, 'run');
      await runBuiltinExperiment({
        config: getPreset('smoke'),
        runDir,
        cacheDir: join(ROOT, '.tsp-cache'),
        versions: { test: 'smoke-report' },
      });
    }
    htmlPath = (await writeReport(runDir, { out: join(work, 'report.html'), markdown: false })).htmlPath;
    context = await launchChromium(join(work, 'profile'));
  }, 1_800_000);

  afterAll(async () => {
    await context?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('opens without errors or network requests, with the table of results.json and a working viewer', async () => {
    const results = RunResults.parse(JSON.parse(await readFile(join(runDir, 'results.json'), 'utf8')));
    const { page, consoleErrors, blocked } = await openReport(context, htmlPath);
    expect(await page.locator('body').getAttribute('data-ready')).toBe('true');
    expect(consoleErrors).toEqual([]);
    expect(blocked).toEqual([]);
    for (const row of results.summary) {
      const cell = page.locator(
        `[data-testid=results-table][data-split="${row.split}"] tr[data-method="${row.method}"] td[data-metric="spr1"]`,
      );
      expect((await cell.textContent())?.trim()).toBe(formatStat(row.spr1));
    }
    const nodes = page.locator('[data-testid=tree-node]');
    if (await nodes.count()) {
      const target = page.locator('[data-testid=tree-node][data-critical=true]');
      await ((await target.count())
        ? target.first()
        : nodes.nth(Math.min(1, (await nodes.count()) - 1))
      ).click();
      expect(await page.locator('[data-testid=detail-head]').count()).toBe(1);
    }
    await mkdir(join(ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-artifacts', 'report-real-run.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    await page.close();
  });
});
