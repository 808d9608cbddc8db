/**
 * Screenshots of a run's report for the README and for looking at it:
 *   npx tsx test/report/screenshot.ts <runDir or report.html> [outDir=docs/images]
 * Writes report-overview.png (results and charts) and report-viewer.png (the tree viewer with the
 * first critical node opened). Regenerates report.html first when given a run directory.
 */
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeReport } from '../../src/report/index.ts';
import { launchChromium, openReport } from './chromium.ts';

const target = resolve(process.argv[2] ?? '');
const outDir = resolve(process.argv[3] ?? 'docs/images');
if (!process.argv[2]) {
  console.error('usage: npx tsx test/report/screenshot.ts <runDir or report.html> [outDir]');
  process.exit(2);
}
const isDir = (await stat(target)).isDirectory();
const html = isDir ? (await writeReport(target)).htmlPath : target;
await mkdir(outDir, { recursive: true });
const profile = await mkdtemp(join(tmpdir(), 'tsp-shot-'));
const context = await launchChromium(profile, 1280, 860);
try {
  const { page, consoleErrors, blocked } = await openReport(context, html);
  if (consoleErrors.length || blocked.length) {
    throw new Error(`the report is not clean: ${[...consoleErrors, ...blocked].join('; ')}`);
  }
  const top = await page.locator('#results').boundingBox();
  const curves = await page.locator('#curves').boundingBox();
  if (!top || !curves) throw new Error('report sections missing');
  await page.screenshot({
    path: join(outDir, 'report-overview.png'),
    fullPage: true,
    clip: { x: 0, y: 0, width: 1280, height: Math.min(curves.y + curves.height, 1500) },
  });
  // the first task whose tree has a critical node with training pairs (golden vs vulnerable), else
  // the first critical node of the first task
  const paired = '[data-testid=tree-node][data-critical=true]:not([data-pairs="0"])';
  const select = page.locator('[data-testid=task-select]');
  const tasks = await select
    .locator('option')
    .evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value));
  for (const t of tasks) {
    await select.selectOption(t);
    if (await page.locator(paired).count()) break;
  }
  const node = (await page.locator(paired).count())
    ? page.locator(paired).first()
    : page.locator('[data-testid=tree-node][data-critical=true]').first();
  if (await node.count()) await node.click();
  await page.mouse.move(0, 0);
  await page.locator('#viewer').screenshot({ path: join(outDir, 'report-viewer.png') });
  console.log(
    `wrote ${join(outDir, 'report-overview.png')} and ${join(outDir, 'report-viewer.png')} from ${html}`,
  );
} finally {
  await context.close();
  await rm(profile, { recursive: true, force: true });
}
