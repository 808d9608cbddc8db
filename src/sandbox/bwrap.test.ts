import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildSandboxCommand, CLOSEFDS, descriptorCloser, PYTHON_CLOSEFDS } from './bwrap.ts';

/** Runs `prefix /bin/sh -c 'ls /proc/$$/fd'` with a socket at fd 200 that the child inherits. */
function fdsSeenThrough(prefix: string[]): Promise<string[]> {
  const stdio: ('pipe' | 'ignore')[] = ['ignore', 'pipe', 'pipe'];
  while (stdio.length < 201) stdio.push('ignore');
  stdio[200] = 'pipe';
  const argv = [...prefix, '/bin/sh', '-c', 'ls /proc/$$/fd'];
  const child = spawn(argv[0] ?? '/bin/sh', argv.slice(1), { stdio, env: {} });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString('utf8');
  });
  return new Promise((resolve) => child.on('close', () => resolve(out.trim().split(/\s+/).sort())));
}

describe('descriptor closer', () => {
  it('without a closer an inherited descriptor reaches the program (what the closer is for)', async () => {
    expect(await fdsSeenThrough([])).toContain('200');
  });

  it.skipIf(!existsSync(CLOSEFDS))('native/build/tsp-closefds leaves only stdio', async () => {
    expect(await fdsSeenThrough([CLOSEFDS])).toEqual(['0', '1', '2']);
  });

  it('the python3 fallback leaves only stdio', async () => {
    expect(await fdsSeenThrough(PYTHON_CLOSEFDS)).toEqual(['0', '1', '2']);
  });

  it('every sandbox command starts with the closer', () => {
    const cmd = buildSandboxCommand({ uid: 65534, argv: ['/bin/true'] });
    const closer = descriptorCloser();
    expect([cmd.file, ...cmd.args.slice(0, closer.length - 1)]).toEqual(closer);
    expect(closer).toEqual(existsSync(CLOSEFDS) ? [CLOSEFDS] : PYTHON_CLOSEFDS);
  });
});
