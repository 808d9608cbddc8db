import type { Language } from '../../src/spec/language.ts';
import type { TestStatus } from '../../src/spec/verdict.ts';

/** Facts of the host a hostile sample tries to reach; the suite checks afterwards that it did not. */
export interface HostContext {
  /** A TCP port on the host's 127.0.0.1 that counts connections. */
  port: number;
  /** A value in the test process's environment that must never be seen inside. */
  canary: string;
  /** Host paths that must not exist after the suite (a sample tries to create them). */
  escapePrefix: string;
  /** A file on the host with secret content (outside the sandbox's view). */
  secretFile: string;
  hostPid: number;
}

export interface HostileSample {
  id: string;
  language: Language;
  what: string;
  /** The complete sample (its tests call `attack`). */
  code: string;
  /** Harness with one test, `attack`, in the language's inline protocol. */
  harness: string;
  /** The exact status the one test must get (one of several where the order of kills decides). */
  expect: TestStatus | TestStatus[];
}

const py = (
  id: string,
  what: string,
  body: string,
  expect: TestStatus | TestStatus[],
  check = 'attack()',
): HostileSample => ({
  id,
  language: 'python',
  what,
  code: `import os, sys, socket, subprocess, time\n\ndef attack():\n${body
    .trim()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')}\n`,
  harness: `from solution import attack\n\ndef test_attack():\n    ${check}\n`,
  expect,
});

/** C/C++/Go samples define `int attack(void)` / `func attack() bool`: non-zero / true = escaped. */
const cHarness = (lang: 'c' | 'cpp') =>
  `${lang === 'cpp' ? 'extern "C" ' : ''}int attack(void);\nint main(int argc, char **argv) {\n  (void)argc; (void)argv;\n  return attack() ? 1 : 0;\n}\n`;
const c = (id: string, what: string, code: string, expect: TestStatus): HostileSample => ({
  id,
  language: 'c',
  what,
  code,
  harness: cHarness('c'),
  expect,
});
const goHarness = `package main\n\nimport "os"\n\nfunc main() {\n\tif attack() {\n\t\tos.Exit(1)\n\t}\n\tos.Exit(0)\n}\n`;
const go = (
  id: string,
  what: string,
  imports: string[],
  body: string,
  expect: TestStatus,
): HostileSample => ({
  id,
  language: 'go',
  what,
  code: `package main\n\nimport (\n${imports.map((i) => `\t"${i}"`).join('\n')}\n)\n\nfunc attack() bool {\n${body}\n}\n`,
  harness: goHarness,
  expect,
});
const js = (id: string, what: string, body: string, expect: TestStatus): HostileSample => ({
  id,
  language: 'javascript',
  what,
  code: `'use strict';\nconst fs = require('node:fs');\nconst net = require('node:net');\nconst cp = require('node:child_process');\nasync function attack() {\n${body}\n}\nmodule.exports = { attack };\n`,
  harness: `const assert = require('node:assert');\nconst { attack } = require('./solution.js');\nmodule.exports = { attack: async () => { assert.strictEqual(await attack(), false, 'escaped'); } };\n`,
  expect,
});

export function hostileSamples(h: HostContext): HostileSample[] {
  return [
    // --- network -------------------------------------------------------------------------
    py(
      'py-connect-localhost',
      'TCP connect to the host 127.0.0.1',
      `s = socket.create_connection(('127.0.0.1', ${h.port}), timeout=1)\ns.sendall(b'leak')`,
      'error',
    ),
    py(
      'py-connect-outside',
      'TCP connect to an outside address',
      `socket.create_connection(('1.1.1.1', 53), timeout=1)`,
      'error',
    ),
    py('py-dns', 'DNS resolution', `socket.getaddrinfo('example.com', 80)`, 'error'),
    py(
      'py-udp-outside',
      'UDP datagram to an outside resolver',
      `s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ns.sendto(b'x', ('8.8.8.8', 53))`,
      'error',
    ),
    go(
      'go-dial-localhost',
      'Go net.Dial to the host 127.0.0.1',
      ['net', 'time'],
      `\tc, err := net.DialTimeout("tcp", "127.0.0.1:${h.port}", time.Second)\n\tif err != nil {\n\t\treturn false\n\t}\n\tc.Write([]byte("leak"))\n\treturn true`,
      'pass',
    ),
    js(
      'js-connect-localhost',
      'node net.connect to the host 127.0.0.1',
      `return await new Promise((resolve) => {\n  const s = net.connect(${h.port}, '127.0.0.1', () => { s.write('leak'); resolve(true); });\n  s.on('error', () => resolve(false));\n});`,
      'pass',
    ),
    // --- filesystem ------------------------------------------------------------------------
    py(
      'py-write-system',
      'write into /usr and /etc',
      `for p in ('/usr/tsp-pwned', '/etc/tsp-pwned'):\n    open(p, 'w').write('x')`,
      'error',
    ),
    py(
      'py-write-host-tmp',
      "write into /tmp (must land in the sandbox's private /tmp, not the host's)",
      `open('${h.escapePrefix}-tmp', 'w').write('x')\nassert os.path.exists('${h.escapePrefix}-tmp')`,
      'pass',
    ),
    py(
      'py-read-root',
      'read /root and a secret file of the host',
      `for p in ('/root', '${h.secretFile}'):\n    try:\n        print(os.listdir(p) if os.path.isdir(p) else open(p).read())\n        raise AssertionError('read ' + p)\n    except OSError:\n        pass`,
      'pass',
    ),
    py(
      'py-read-shadow',
      'read /etc/shadow',
      `data = open('/etc/shadow').read()\nassert 'root:' not in data, 'shadow readable'`,
      'error',
    ),
    py(
      'py-parent-env',
      "read the parent's environment (own env, /proc/1/environ, /proc/<ppid>/environ)",
      `seen = repr(dict(os.environ))\nfor p in ('/proc/1/environ', '/proc/%d/environ' % os.getppid(), '/proc/self/environ'):\n    try:\n        seen += open(p, 'rb').read().decode('latin-1')\n    except OSError:\n        pass\nassert '${h.canary}' not in seen, 'parent environment leaked'`,
      'pass',
    ),
    py(
      'py-symlink-escape',
      'symlink from the work dir to host paths, then write through it',
      `os.symlink('${h.escapePrefix}-symlink', 'link1')\nopen('link1', 'w').write('x')\nos.symlink('/work/main/package.json', 'link2')\nopen('link2', 'a').write('x')`,
      'error',
    ),
    py(
      'py-proc-escape',
      '/proc/self/root and /proc/1/root escapes',
      `for p in ('/proc/self/root/root', '/proc/1/root/root', '/proc/1/cwd/../root'):\n    try:\n        os.listdir(p)\n        raise AssertionError('listed ' + p)\n    except OSError:\n        pass\nopen('/proc/1/root/${h.escapePrefix.slice(1)}-proc', 'w').write('x')\nopen('/proc/sys/kernel/hostname', 'w').write('pwned')`,
      'error',
    ),
    py(
      'py-big-file',
      'a file larger than the file-size limit',
      `with open('big.bin', 'wb') as f:\n    for _ in range(64):\n        f.write(b'x' * (1 << 20))`,
      'error',
    ),
    c(
      'c-big-file',
      'C: a file larger than the file-size limit',
      `#include <stdio.h>\n#include <string.h>\nint attack(void) {\n  static char buf[1 << 20];\n  memset(buf, 'x', sizeof buf);\n  FILE *f = fopen("big.bin", "wb");\n  if (!f) return 0;\n  for (int i = 0; i < 64; i++) fwrite(buf, 1, sizeof buf, f);\n  fclose(f);\n  return 1;\n}\n`,
      'crash',
    ),
    js(
      'js-write-outside',
      'node: write outside the work dir and read /root',
      `for (const p of ['/usr/tsp-pwned', '/etc/tsp-pwned']) {\n  try { fs.writeFileSync(p, 'x'); return true; } catch {}\n}\ntry { fs.readdirSync('/root'); return true; } catch {}\nreturn false;`,
      'pass',
    ),
    // --- privileges ------------------------------------------------------------------------
    py('py-setuid', 'setuid(0) / setgid(0)', `os.setgid(0)\nos.setuid(0)`, 'error'),
    c(
      'c-setuid',
      'C: setuid(0), then run a setuid-root binary (no_new_privs keeps it unprivileged)',
      `#include <unistd.h>\n#include <stdlib.h>\nint attack(void) {\n  if (setuid(0) == 0 || setgid(0) == 0) return 1;\n  int rc = system("/usr/bin/mount -t tmpfs none /mnt 2>/dev/null");\n  return rc == 0;\n}\n`,
      'pass',
    ),
    // --- resources -------------------------------------------------------------------------
    py('py-fork-bomb', 'fork bomb', `while True:\n    os.fork()`, ['error', 'timeout']),
    c(
      'c-fork-bomb',
      'C: fork bomb',
      `#include <unistd.h>\nint attack(void) {\n  for (;;) fork();\n  return 1;\n}\n`,
      'timeout',
    ),
    py('py-memory-bomb', 'allocate 4 GiB', `b = bytearray(4 << 30)\nb[-1] = 1`, 'error'),
    c(
      'c-memory-bomb',
      'C: touch 2 GiB of heap (ASan hard_rss_limit_mb)',
      `#include <stdlib.h>\n#include <string.h>\nint attack(void) {\n  for (int i = 0; i < 64; i++) {\n    char *p = malloc(32 << 20);\n    if (!p) return 0;\n    memset(p, 1, 32 << 20);\n  }\n  return 1;\n}\n`,
      'crash',
    ),
    go(
      'go-memory-bomb',
      'Go: allocate 4 GiB',
      [],
      `\tvar keep [][]byte\n\tfor i := 0; i < 8; i++ {\n\t\tb := make([]byte, 512<<20)\n\t\tb[0] = 1\n\t\tkeep = append(keep, b)\n\t}\n\treturn len(keep) > 0`,
      'crash',
    ),
    py('py-cpu-spin', 'CPU spin', `while True:\n    pass`, 'timeout'),
    c(
      'c-cpu-spin',
      'C: CPU spin',
      `int attack(void) {\n  volatile unsigned long x = 0;\n  for (;;) x++;\n  return 1;\n}\n`,
      'timeout',
    ),
    js('js-cpu-spin', 'node: synchronous CPU spin', `for (;;) {}\nreturn true;`, 'timeout'),
    py('py-sleep', 'sleep past the timeout', `time.sleep(1000)`, 'timeout'),
    py(
      'py-unbounded-output',
      'unbounded output',
      `while True:\n    sys.stdout.write('x' * 65536)\n    sys.stdout.flush()`,
      'error',
    ),
    c(
      'c-unbounded-output',
      'C: unbounded output',
      `#include <stdio.h>\nint attack(void) {\n  for (;;) fputs("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", stdout);\n  return 1;\n}\n`,
      'crash',
    ),
    js(
      'js-unbounded-output',
      'node: unbounded output',
      `for (;;) process.stdout.write('x'.repeat(65536));\nreturn true;`,
      'timeout',
    ),
    // --- the worker and other processes ------------------------------------------------------
    py(
      'py-kill-server',
      'SIGKILL its parent (the sample factory), then sleep past the limit',
      `os.kill(os.getppid(), 9)\ntime.sleep(5)`,
      'timeout',
    ),
    py('py-kill-all', 'kill(-1, SIGKILL): every process it can signal', `os.kill(-1, 9)\ntime.sleep(5)`, [
      'crash',
      'timeout',
    ]),
    py(
      'py-kill-host',
      'signal the host TSP process by its pid (other pid namespace)',
      `os.kill(${h.hostPid}, 9)`,
      'error',
    ),
    py(
      'py-ptrace-server',
      "read the server's memory through /proc/<ppid>/mem",
      `open('/proc/%d/mem' % os.getppid(), 'rb').read(1)`,
      'error',
    ),
    py(
      'py-orphans',
      'orphaned background processes (double fork, new session)',
      `subprocess.Popen(['sleep', '1000'], start_new_session=True)\nsubprocess.Popen(['sh', '-c', '(sleep 1000 &) ; sleep 1000 &'], start_new_session=True)\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n        time.sleep(1000)\n    os._exit(0)`,
      'timeout',
    ),
    js(
      'js-orphans',
      'node: detached background process',
      `const c = cp.spawn('sleep', ['1000'], { detached: true, stdio: 'ignore' });\nc.unref();\nreturn false;`,
      'timeout',
    ),
    js(
      'js-kill-parent',
      'node: SIGKILL its parent (the JavaScript observer: the test cannot pass)',
      `process.kill(process.ppid, 'SIGKILL');\nreturn false;`,
      'crash',
    ),
    {
      id: 'cpp-exit-early',
      language: 'cpp',
      what: 'C++: terminate the harness with abort()',
      code: `#include <cstdlib>\nextern "C" int attack(void) {\n  std::abort();\n  return 1;\n}\n`,
      harness: cHarness('cpp'),
      expect: 'crash',
    },
    ...forgedPasses(),
  ];
}

/**
 * Forged passes: the tests run in the sample's own process, so a sample that ends the process with
 * status 0 before the harness checked anything must not pass (error: the harness never finished);
 * harnesses that end with exit(0) / os.Exit(0) themselves, and legitimate samples, still pass.
 */
function forgedPasses(): HostileSample[] {
  const exitingCHarness = `#include <stdlib.h>\nint attack(void);\nint main(int argc, char **argv) {\n  (void)argc; (void)argv;\n  if (attack()) exit(1);\n  exit(0);\n}\n`;
  const includingCppHarness = `#include <cstdlib>\n#include <iostream>\n#include <string>\n#include "solution.cpp"\nint main(int argc, char **argv) {\n  (void)argc; (void)argv;\n  if (attack()) std::exit(1);\n  std::cout << "checked" << std::endl;\n}\n`;
  const cSample = (id: string, what: string, body: string, expect: TestStatus, harness = cHarness('c')) => ({
    id,
    language: 'c' as const,
    what,
    code: `#include <stdlib.h>\n#include <unistd.h>\n#include <sys/syscall.h>\nint attack(void) {\n${body}\n}\n`,
    harness,
    expect,
  });
  const cppSample = (id: string, what: string, body: string, expect: TestStatus) => ({
    id,
    language: 'cpp' as const,
    what,
    code: `#include <cstdlib>\n#include <unistd.h>\nint attack() {\n${body}\n}\n`,
    harness: includingCppHarness,
    expect,
  });
  return [
    cSample('c-forge-exit', 'C: exit(0) inside the function under test', '  exit(0);\n  return 1;', 'error'),
    cSample('c-forge-_exit', 'C: _exit(0)', '  _exit(0);\n  return 1;', 'error'),
    cSample(
      'c-forge-syscall',
      'C: raw exit_group(0) syscall',
      '  syscall(SYS_exit_group, 0);\n  return 1;',
      'error',
    ),
    cSample(
      'c-forge-exit-harness-exits',
      'C: exit(0) from the sample under a harness that itself ends with exit()',
      '  exit(0);\n  return 1;',
      'error',
      exitingCHarness,
    ),
    cSample(
      'c-legit-harness-exits',
      'C: a legitimate sample under a harness that ends with exit(0)',
      '  return 0;',
      'pass',
      exitingCHarness,
    ),
    cSample(
      'c-forge-atexit',
      'C: an atexit handler that turns the failing exit 1 into _exit(0)',
      '  static int armed;\n  if (!armed) { armed = 1; }\n  void flip(void);\n  atexit(flip);\n  return 1;\n}\nvoid flip(void) {\n  _exit(0);',
      'error',
    ),
    {
      id: 'c-legit-own-write',
      language: 'c' as const,
      what: 'C: a legitimate sample that defines its own write() and close() (they shadow libc in the binary)',
      code: `#include <stddef.h>\nlong write(int fd, const void *buf, unsigned long n) { (void)fd; (void)buf; return (long)n; }\nint close(int fd) { (void)fd; return 0; }\nint attack(void) { return 0; }\n`,
      harness: cHarness('c'),
      expect: 'pass' as const,
    },
    cSample(
      'c-legit-gnu-source',
      'C: a legitimate sample under a harness that sets _GNU_SOURCE before its includes (strcasestr)',
      '  return 0;',
      'pass',
      `#define _GNU_SOURCE\n#include <string.h>\n#include <stdlib.h>\nint attack(void);\nint main(int argc, char **argv) {\n  (void)argc; (void)argv;\n  const char *p = strcasestr("Hello World", "WORLD");\n  if (!p || strcmp(p, "World") != 0) return 3;\n  if (attack()) exit(1);\n  exit(0);\n}\n`,
    ),
    cppSample(
      'cpp-forge-exit',
      'C++: std::exit(0) in a sample the harness #includes',
      '  std::exit(0);\n  return 1;',
      'error',
    ),
    cppSample(
      'cpp-forge-quick-exit',
      'C++: std::quick_exit(0)',
      '  std::quick_exit(0);\n  return 1;',
      'error',
    ),
    cppSample(
      'cpp-legit-included',
      'C++: a legitimate sample the harness #includes (implicit return 0)',
      '  return 0;',
      'pass',
    ),
    go(
      'go-forge-exit',
      'Go: os.Exit(0) inside the function under test',
      ['os'],
      '\tos.Exit(0)\n\treturn true',
      'error',
    ),
    go(
      'go-forge-syscall-exit',
      'Go: syscall.Exit(0)',
      ['syscall'],
      '\tsyscall.Exit(0)\n\treturn true',
      'error',
    ),
    go(
      'go-forge-goroutine-exit',
      'Go: os.Exit(0) from a goroutine',
      ['os', 'time'],
      '\tgo os.Exit(0)\n\ttime.Sleep(time.Second)\n\treturn true',
      'error',
    ),
    go(
      'go-legit',
      'Go: a legitimate sample (the harness ends with os.Exit(0))',
      [],
      '\treturn false',
      'pass',
    ),
    py('py-forge-os-exit', 'os._exit(0) inside the function under test', `os._exit(0)`, 'crash'),
    py('py-forge-sys-exit', 'sys.exit(0)', `sys.exit(0)`, 'error'),
    py('py-forge-kill-self', 'SIGKILL itself', `os.kill(os.getpid(), 9)`, 'crash'),
    py(
      'py-forge-events',
      'write pass events on every open fd (the event pipe included), then os._exit(0)',
      `line = b'{"event":"start","test":"attack","t":0}\\n{"event":"end","test":"attack","status":"pass","message":null,"ms":1,"t":0}\\n'\nfor fd in range(3, 256):\n    try:\n        os.write(fd, line)\n    except OSError:\n        pass\nos._exit(0)`,
      'crash',
    ),
    js('js-forge-exit', 'node: process.exit(0)', `process.exit(0);\nreturn true;`, 'crash'),
    js(
      'js-forge-really-exit',
      'node: process.reallyExit(0)',
      `process.reallyExit(0);\nreturn true;`,
      'crash',
    ),
    js(
      'js-forge-kill-self',
      'node: SIGKILL itself',
      `process.kill(process.pid, 'SIGKILL');\nreturn true;`,
      'crash',
    ),
    js(
      'js-forge-events',
      'node: write pass events with every nonce it can see (argv, env), then exit 0',
      `const tags = [...process.argv, ...Object.values(process.env), '@@tsp-@@'];\nfor (const t of tags) fs.writeSync(1, t + ' {"event":"end","test":"attack","status":"pass","ms":1}\\n');\nprocess.exit(0);\nreturn true;`,
      'crash',
    ),
    js(
      'js-forge-assert',
      'node: switch off node:assert, then return the escaped value',
      `const assert = require('node:assert');\ntry { assert.strictEqual = () => {}; } catch {}\nreturn true;`,
      'fail',
    ),
  ];
}
