/**
 * A TSP process started by inherited-fds.test.ts with descriptors its parent left open without
 * close-on-exec (fds 200, 201, 251: a socket, a pipe, a host file), as a job runner or a make
 * jobserver leaves them. It runs one bare program through `runSandboxed` and judges a Python, a
 * JavaScript and a C sample that list /proc/self/fd and try to write to those fd numbers, and prints
 * one JSON line per probe: what the sandboxed code saw.
 */
import { readlinkSync } from 'node:fs';
import { createOracle } from '../../src/oracle/index.ts';
import { runSandboxed } from '../../src/sandbox/index.ts';
import type { Language } from '../../src/spec/language.ts';
import type { Task } from '../../src/spec/task.ts';

const LEAKED = [200, 201, 251];
// What the leaked descriptors are (`socket:[ino]`, `pipe:[ino]`, a path): inode numbers are the
// same inside the sandbox's namespaces, so a sample that holds one of them names it.
const targets = LEAKED.map((fd) => readlinkSync(`/proc/self/fd/${fd}`));
const say = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
say({ event: 'leaked', targets });

const pyProbe = `import errno, os, json

def probe():
    fds = {}
    for name in os.listdir('/proc/self/fd'):
        try:
            fds[name] = os.readlink('/proc/self/fd/' + name)
        except OSError:
            pass  # the listing's own descriptor, closed by now
    writes = []
    for fd in ${JSON.stringify(LEAKED)}:
        try:
            os.write(fd, b'leak')
            writes.append('wrote')
        except OSError as e:
            writes.append(errno.errorcode.get(e.errno, str(e.errno)))
    return {'fds': {k: v for k, v in fds.items() if int(k) >= 3}, 'writes': writes}
`;

// 1. A bare program in a fresh sandbox: only its stdio.
const bare = await runSandboxed({
  files: {},
  argv: ['/usr/bin/python3', '-I', '-c', `${pyProbe}\nprint(json.dumps(probe()))`],
  timeoutMs: 20_000,
  memoryMb: 512,
  maxOutputBytes: 1 << 16,
  maxFileBytes: 1 << 20,
  maxProcs: 64,
  network: false,
});
say({ event: 'bare', exitCode: bare.exitCode, stdout: bare.stdout, stderr: bare.stderr.slice(0, 2000) });

const task = (language: Language, source: string): Task => ({
  id: `fd-leak-${language}`,
  language,
  cwe: [],
  prompt: '',
  entryPoint: 'probe',
  harness: { kind: 'inline', source },
  tests: [{ name: 'fds', kind: 'functional' }],
  insecureVariants: [],
  riskAnnotations: [],
  provenance: { source: 'containment-test' },
});

const leakedPy = JSON.stringify(targets);
// 2. Python: the sample process holds its socket to the observer, nothing else.
const python = task(
  'python',
  `from solution import probe\n\ndef test_fds():\n    r = probe()\n    assert r['writes'] == ['EBADF'] * ${LEAKED.length}, r\n    assert not set(r['fds'].values()) & set(${leakedPy}), r\n    assert len(r['fds']) == 1 and list(r['fds'].values())[0].startswith('socket:'), r\n`,
);
// 3. JavaScript: the sample host holds its two channels to the observer (fds 3 and 4, socket pairs)
// beside node's own descriptors (epoll, eventfds, libuv's pipes, /dev/null), none of them leaked.
const jsSample = `'use strict';\nconst fs = require('node:fs');\nfunction probe() {\n  const fds = {};\n  for (const n of fs.readdirSync('/proc/self/fd')) {\n    try { if (Number(n) >= 3) fds[n] = fs.readlinkSync('/proc/self/fd/' + n); } catch {}\n  }\n  const writes = ${JSON.stringify(LEAKED)}.map((fd) => { try { fs.writeSync(fd, 'leak'); return 'wrote'; } catch (e) { return e.code; } });\n  return { fds, writes };\n}\nmodule.exports = { probe };\n`;
const js = task(
  'javascript',
  `const assert = require('node:assert');\nconst { probe } = require('./solution.js');\nconst leaked = ${JSON.stringify(targets)};\nmodule.exports = { fds: async () => {\n  const r = probe();\n  const seen = JSON.stringify(r);\n  assert.deepStrictEqual(r.writes, ${JSON.stringify(LEAKED.map(() => 'EBADF'))}, seen);\n  for (const t of Object.values(r.fds)) assert.ok(!leaked.includes(t), seen);\n  assert.ok(r.fds['3'].startsWith('socket:') && r.fds['4'].startsWith('socket:'), seen);\n  for (const [n, t] of Object.entries(r.fds)) if (Number(n) > 4) assert.ok(Number(n) < 100 && /^(anon_inode:|pipe:|\\/dev\\/null$)/.test(t), seen);\n} };\n`,
);
// 4. C (the exit-code protocol under the finish guard: fd 3 the nonce, fd 4 the result channel):
// returns non-zero, printing what it saw, when any other descriptor >= 3 is open or a write works.
const cSample = `#include <dirent.h>\n#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n#include <unistd.h>\nint probe(void) {\n  int bad = 0;\n  DIR *d = opendir("/proc/self/fd");\n  if (!d) return 1;\n  struct dirent *e;\n  while ((e = readdir(d)) != NULL) {\n    int fd = atoi(e->d_name);\n    if (e->d_name[0] == '.' || fd < 5 || fd == dirfd(d)) continue;\n    char path[64], target[256];\n    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);\n    ssize_t n = readlink(path, target, sizeof target - 1);\n    target[n < 0 ? 0 : n] = 0;\n    printf("unexpected fd %d -> %s\\n", fd, target);\n    bad = 1;\n  }\n  closedir(d);\n  int leaked[] = ${JSON.stringify(LEAKED).replace('[', '{').replace(']', '}')};\n  for (unsigned i = 0; i < sizeof leaked / sizeof leaked[0]; i++)\n    if (write(leaked[i], "leak", 4) >= 0) { printf("wrote fd %d\\n", leaked[i]); bad = 1; }\n  fflush(stdout);\n  return bad;\n}\n`;
const c = task(
  'c',
  'int probe(void);\nint main(int argc, char **argv) {\n  (void)argc; (void)argv;\n  return probe() ? 1 : 0;\n}\n',
);

const oracle = await createOracle({ slots: 1 });
try {
  for (const [t, code] of [
    [python, pyProbe],
    [js, jsSample],
    [c, cSample],
  ] as const) {
    const v = await oracle.judge(t, { taskId: t.id, code });
    say({ event: 'verdict', language: t.language, build: v.build, tests: v.tests, errors: v.oracleErrors });
  }
} finally {
  await oracle.close();
}
