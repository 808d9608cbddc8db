/**
 * Headless Debian Chromium for the report (playwright-core, no downloaded browser): launch with
 * flags that keep it off the network, open a report with every non-file request blocked and
 * recorded, and collect console errors.
 */

import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';

export const CHROMIUM = process.env.TSP_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A fresh browser with its own profile directory (`--user-data-dir`). */
export async function launchChromium(
  profileDir: string,
  width = 1360,
  height = 900,
): Promise<BrowserContext> {
  const { chromium } = await import('playwright-core');
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width, height },
  });
}

export interface OpenedReport {
  page: Page;
  /** Console errors and warnings, and uncaught page errors. */
  consoleErrors: string[];
  /** URLs of requests that were not `file:` or `data:` (all aborted). */
  blocked: string[];
}

/** Opens a report file and waits until its script has finished (body[data-ready]). */
export async function openReport(context: BrowserContext, path: string): Promise<OpenedReport> {
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const blocked: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  await page.goto(pathToFileURL(path).href);
  await page.waitForSelector('body[data-ready]', { timeout: 20_000 });
  return { page, consoleErrors, blocked };
}
