/**
 * Report benchmark: time and size of `writeReport` for synthetic runs of growing size, and the
 * time until the page is ready in headless Chromium (when /usr/bin/chromium exists).
 *   npm run bench -- report
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatTable } from '../src/cli/output.ts';
import { writeFixtureRun } from '../src/report/fixture.ts';
import { writeReport } from '../src/report/index.ts';
import { CHROMIUM, launchChromium, openReport } from '../test/report/chromium.ts';

const SIZES = [
  { name: 'fixture default', tasks: 6, seeds: [1, 2], rounds: 2, branching: 3 },
  { name: 'medium', tasks: 60, seeds: [1, 2, 3], rounds: 3, branching: 4 },
  { name: 'large', tasks: 300, seeds: [1, 2, 3], rounds: 3, branching: 4 },
];

export async function run(): Promise<{ table: string; json: unknown }> {
  const work = await mkdtemp(join(tmpdir(), 'tsp-bench-report-'));
  const rows: Record<string, string | number>[] = [];
  const browser = existsSync(CHROMIUM) ? await launchChromium(join(work, 'profile')) : undefined;
  try {
    for (const size of SIZES) {
      const dir = join(work, size.name.replace(/\W+/g, '-'));
      const fx = await writeFixtureRun(dir, { ...size, runId: size.name });
      // Warm once (module and asset loading), then time three runs and keep the median.
      await writeReport(dir);
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        bytes = (await writeReport(dir)).bytes;
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      let readyMs: number | string = 'n/a';
      if (browser) {
        const t0 = performance.now();
        const { page, consoleErrors } = await openReport(browser, join(dir, 'report.html'));
        readyMs = Math.round(performance.now() - t0);
        if (consoleErrors.length) readyMs = `error: ${consoleErrors[0]}`;
        await page.close();
      }
      rows.push({
        run: size.name,
        tasks: size.tasks,
        'tree files': fx.treeFiles.length,
        nodes: fx.nodes,
        'writeReport ms (median of 3)': Math.round(times[1] ?? 0),
        'report.html KiB': Math.round(bytes / 1024),
        'page ready ms': readyMs,
      });
    }
  } finally {
    await browser?.close();
    await rm(work, { recursive: true, force: true });
  }
  const header = Object.keys(rows[0] ?? {});
  return {
    table: formatTable(
      header,
      rows.map((r) => header.map((h) => r[h] ?? '')),
    ),
    json: rows,
  };
}
