import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const bin = new URL('../../bin/tsp.js', import.meta.url).pathname;

describe('tsp as a pipeline stage', () => {
  it('exits 0 without a stack trace when the reader closes the pipe early (`tsp … | head`)', async () => {
    const child = spawn(process.execPath, [bin, 'suite', 'export'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    // read one chunk, then go away like `head -c`
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
  }, 60_000);
});

describe('tsp <command> <subcommand> --help', () => {
  it("shows the subcommand's own options, not its parent's list", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [bin, 'suite', 'calibrate', '--help']);
    expect(stdout).toContain('tsp suite calibrate [OPTIONS] --model=<model>');
    expect(stdout).toContain('--suite-seed');
    expect(stdout).not.toContain('list|show|export');
  }, 60_000);
});

describe('tsp doctor', () => {
  it('--no-sandbox skips the live sandbox check; optional tools are marked as such', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [bin, 'doctor', '--no-sandbox', '--json']);
    const r = JSON.parse(stdout) as { tools: { name: string; optional?: boolean }[]; sandbox: unknown[] };
    expect(r.sandbox).toEqual([]);
    expect(r.tools.find((t) => t.name === 'clang')?.optional).toBe(true);
    expect(r.tools.find((t) => t.name === 'bwrap')?.optional).toBeUndefined();
  }, 60_000);
});
