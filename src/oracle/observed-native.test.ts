import { afterAll, describe, expect, it } from 'vitest';
import { Task } from '../spec/task.ts';
import { createOracle } from './oracle.ts';

/**
 * Observed native harnesses end to end: what a C sample can do to the judge through the file
 * system and its process tree. (The decision rules are unit-tested in expectations.test.ts; the
 * forgery suite in test/forgery attacks every route.)
 */
const oracle = await createOracle({ slots: 1, limits: { testTimeoutMs: 3000 } });
afterAll(() => oracle.close());

const prompt = '#include <stdio.h>\n#include <stdlib.h>\n#include <unistd.h>\n\nlong fill(void) {\n';
const task = (tests: Task['tests'], harnessBody: string) =>
  Task.parse({
    id: 'observed/fill',
    language: 'c',
    cwe: [],
    prompt,
    entryPoint: 'fill',
    harness: {
      kind: 'inline',
      source: `#include <stdio.h>\n#include "tsp_observe.h"\nlong fill(void);\nint main(int argc, char **argv) {\n  tsp_begin(argc, argv);\n${harnessBody}\n  return 0;\n}\n`,
    },
    tests,
    provenance: { source: 'test' },
  });

describe('observed native harnesses: the sample against the file system and its process tree', () => {
  it('a sample writes only to a size-limited tmpfs: at most 256 MiB, nothing into its build folder', async () => {
    const t = task(
      [
        {
          name: 'fill',
          kind: 'functional',
          expect: [
            { obs: 'mb', le: 256 },
            { obs: 'work', eq: 0 },
          ],
        },
      ],
      '  if (tsp_select("{{test:fill}}")) {\n    tsp_obs_int("mb", fill());\n    FILE *f = fopen("/work/planted", "w");\n    tsp_obs_int("work", f != NULL);\n  }',
    );
    const code = `${prompt}  static char buf[1 << 20];\n  long mb = 0;\n  for (int i = 0; i < 64; i++) {\n    char name[32];\n    snprintf(name, sizeof name, "f%d", i);\n    FILE *f = fopen(name, "w");\n    if (!f) break;\n    for (int k = 0; k < 8; k++) {\n      if (fwrite(buf, 1, sizeof buf, f) != sizeof buf) { fclose(f); return mb; }\n      mb++;\n    }\n    if (fclose(f) != 0) return mb;\n  }\n  return mb;\n}\n`;
    const v = await oracle.judge(t, { taskId: t.id, code });
    expect(v.tests[0], v.tests[0]?.message).toMatchObject({ status: 'pass' });
  }, 120_000);

  it('values a constructor writes under the test id before exiting fail the test; so does a process left running', async () => {
    const t = task(
      [{ name: 'one', kind: 'security', expect: [{ obs: 'rc', eq: 1 }] }],
      '  if (tsp_select("{{test:one}}")) tsp_obs_int("rc", fill());',
    );
    // Forges "rc 1" (hex 31) on fd 3 under argv[1], then lets the harness report its own value:
    // a value reported twice fails the test.
    const forged = `#include <stdio.h>\n__attribute__((constructor)) static void early(int argc, char **argv) {\n  if (argc > 1) { dprintf(3, "%s rc 31\\n", argv[1]); }\n}\n${prompt}  return 0;\n}\n`;
    const v1 = await oracle.judge(t, { taskId: t.id, code: forged });
    expect(v1.tests[0]?.status).toBe('fail');
    expect(v1.tests[0]?.message).toMatch(/more than once/);
    const daemon = `${prompt}  if (fork() == 0) { setsid(); sleep(100); _exit(0); }\n  return 1;\n}\n`;
    const v2 = await oracle.judge(t, { taskId: t.id, code: daemon });
    expect(v2.tests[0]?.status).toBe('timeout');
  }, 120_000);

  it("acrossRuns 'randomness': runs get the judge's randomness and start from the same /tmp and /dev", async () => {
    const t = task(
      [{ name: 'draw', kind: 'security', expect: [{ obs: 'v', acrossRuns: 'randomness' }] }],
      '  if (tsp_select("{{test:draw}}")) tsp_obs_int("v", fill());',
    );
    const judge = async (body: string) => {
      const v = await oracle.judge(t, { taskId: t.id, code: `#include <sys/random.h>\n${prompt}${body}}\n` });
      return v.tests[0];
    };
    // drawn from the system's randomness (getrandom, and /dev/urandom opened by name): follows the streams
    expect(
      await judge('  long v;\n  if (getrandom(&v, sizeof v, 0) != sizeof v) abort();\n  return v;\n'),
    ).toMatchObject({
      status: 'pass',
    });
    expect(
      await judge(
        '  long v = 0;\n  FILE *f = fopen("/dev/urandom", "rb");\n  if (!f || fread(&v, sizeof v, 1, f) != 1) abort();\n  fclose(f);\n  return v;\n',
      ),
    ).toMatchObject({ status: 'pass' });
    // a counter kept in a file (in /tmp, in /dev/shm) or the process id: not the randomness
    for (const path of ['/tmp/n', '/dev/shm/n']) {
      const counter = `  long n = 0, salt;\n  FILE *f = fopen("${path}", "r");\n  if (f) { if (fscanf(f, "%ld", &n) != 1) n = 0; fclose(f); }\n  f = fopen("${path}", "w");\n  if (f) { fprintf(f, "%ld", n + 1); fclose(f); }\n  if (getrandom(&salt, sizeof salt, 0) != sizeof salt) abort();\n  return n + 1 + (salt & 0);\n`;
      const r = await judge(counter);
      expect(r?.status, `${path}: ${r?.message}`).toBe('fail');
      expect(r?.message).toMatch(/different system randomness: predictable/);
    }
    const pid = await judge(
      '  long salt;\n  if (getrandom(&salt, sizeof salt, 0) != sizeof salt) abort();\n  return (long)getpid() * 1000003 + (salt & 0) + (long)&salt;\n',
    );
    expect(pid?.status).toBe('fail');
    expect(pid?.message).toMatch(/same system randomness/);
  }, 120_000);
});
