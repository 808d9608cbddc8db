import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = new URL('../../../bin/tsp.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'tsp-report-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function tsp(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [bin, ...args], { timeout: 120_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: x.code ?? -1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}

describe('tsp report', () => {
  it('writes report.html and results.md and prints { htmlPath, bytes } with --json', async () => {
    const runDir = join(dir, 'demo');
    const out = join(dir, 'elsewhere.html');
    const r = await tsp(['report', '--demo', runDir, '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const printed = JSON.parse(r.stdout) as { htmlPath: string; bytes: number; markdownPath: string };
    expect(printed.htmlPath).toBe(out);
    expect(printed.bytes).toBe(statSync(out).size);
    expect(readFileSync(printed.markdownPath, 'utf8')).toContain('### Split `test`');
    // Progress goes to stderr, never into the JSON on stdout (stderr is not a TTY here: no bars).
    expect(r.stderr).not.toContain('[');
  });

  it('prints what it wrote, with progress lines on stderr', async () => {
    const r = await tsp(['report', join(dir, 'demo')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*report\.html \(\d+ KiB\)\nwrote .*results\.md\n$/);
    expect(r.stderr).toMatch(/read trees and pairs: 12\/12 100% in 0:0\d/);
  });

  it("prints the README's results tables with --readme and writes no report", async () => {
    const runDir = join(dir, 'readme');
    const r = await tsp(['report', '--demo', runDir, '--readme']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Mean ± sample standard deviation over \d+ seeds/);
    expect(r.stdout).toContain(
      '### Held-out test\n\n| Method | SPR@1 ↑ | pass@1 ↑ | secure@1 ↑ | Vuln. rate ↓ |',
    );
    expect(r.stdout).toContain('### Self-play rounds');
    expect(existsSync(join(runDir, 'report.html'))).toBe(false);
    expect(existsSync(join(runDir, 'results.md'))).toBe(false);
  });

  it('fails with one clear line for a missing or invalid run directory', async () => {
    const missing = await tsp(['report', join(dir, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^tsp: run directory not found: .*nope\n {2}hint: /);
    const bad = join(dir, 'bad');
    await tsp(['report', '--demo', bad, '--json']);
    writeFileSync(join(bad, 'results.json'), '{"runId": 1}');
    const invalid = await tsp(['report', bad]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/^tsp: invalid results.json \(.*results\.json\): runId: /);
    expect(invalid.stderr).not.toMatch(/\n\s+at /);
    const kb = await tsp(['report', bad, '--max-tree-kb', 'lots']);
    expect(kb.code).toBe(2);
    expect(kb.stderr).toContain('--max-tree-kb must be a positive number');
  });
});
