import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('report page script', () => {
  it('type-checks against the DOM with its own tsconfig (strict, checkJs)', async () => {
    const tsc = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url));
    const project = fileURLToPath(new URL('./tsconfig.json', import.meta.url));
    let out = '';
    let code = 0;
    try {
      await run(process.execPath, [tsc, '-p', project], { timeout: 120_000 });
    } catch (e) {
      const x = e as { code?: number; stdout?: string };
      code = x.code ?? -1;
      out = x.stdout ?? '';
    }
    expect(out).toBe('');
    expect(code).toBe(0);
  });
});
