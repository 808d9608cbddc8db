import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import type { CommandDef } from 'citty';
import { describe, expect, it } from 'vitest';
import { rejectUnknownFlags, renameDeprecatedFlags, rootCommand } from './main.ts';

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

describe('help and flag names', () => {
  it('lists the commands one short line each, without padding', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [bin, '--help']);
    const lines = stdout.split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(180);
    expect(lines.filter((l) => l !== l.trimEnd())).toEqual([]);
    expect(stdout).toMatch(/^ {2}tasks +Task files/m);
    const scan = await promisify(execFile)(process.execPath, [bin, 'scan', '--help']);
    // citty colours the option names
    const optionLines = scan.stdout.split('\n').filter((l) => /^\s*(\x1b\[\d+m)?--no-external/.test(l));
    expect(optionLines).toHaveLength(1);
  }, 60_000);

  it('refuses an option the command does not declare (a misspelt --work-dir would start a fresh run elsewhere)', async () => {
    const suite = (await (
      rootCommand.subCommands as Record<string, () => Promise<CommandDef>>
    ).suite?.()) as CommandDef;
    await expect(rejectUnknownFlags(suite, ['tsp', 'suite'], ['validate', '--famly', 'x'])).rejects.toThrow(
      /unknown option --famly for `tsp suite validate`/,
    );
    // declared options, negated booleans, `=` values and anything after `--` pass
    await expect(
      rejectUnknownFlags(
        suite,
        ['tsp', 'suite'],
        ['validate', '--family=x', '--no-static', '--', '--anything'],
      ),
    ).resolves.toBeUndefined();
  });

  it('keeps the old spellings as deprecated aliases, with a warning', () => {
    const warned: string[] = [];
    expect(renameDeprecatedFlags('suite', ['list', '--lang', 'go'], (l) => warned.push(l))).toEqual([
      'list',
      '--languages',
      'go',
    ]);
    expect(renameDeprecatedFlags('run', ['--run-dir=runs/x'], (l) => warned.push(l))).toEqual([
      '--work-dir=runs/x',
    ]);
    // scan's --lang (one language for every file) is another option and stays
    expect(renameDeprecatedFlags('scan', ['--lang', 'c'], (l) => warned.push(l))).toEqual(['--lang', 'c']);
    expect(warned).toEqual([
      'tsp: --lang is deprecated; use --languages',
      'tsp: --run-dir is deprecated; use --work-dir',
    ]);
  });
});
