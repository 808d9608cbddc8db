import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modeTracer } from './bwrap.ts';
import {
  createModeLog,
  type ModeEvent,
  ModeHistory,
  readModeEvents,
  removeModeLog,
  watchedModeProblem,
} from './mode-events.ts';
import { runSandboxed } from './run-sandboxed.ts';

const base = {
  files: {},
  timeoutMs: 20_000,
  memoryMb: 512,
  memoryMode: 'none' as const,
  maxOutputBytes: 1 << 16,
  maxFileBytes: 1 << 20,
  maxProcs: 64,
  network: false as const,
};

/** Runs `code` (Python) in a traced sandbox: its stdout and the supervisor's events. */
async function traced(
  code: string,
): Promise<{ out: string; events: ModeEvent[]; exitCode: number | null; stderr: string }> {
  const log = createModeLog();
  try {
    const r = await runSandboxed({ ...base, argv: ['/usr/bin/python3', '-c', code], traceModes: log });
    return { out: r.stdout, events: readModeEvents(log), exitCode: r.exitCode, stderr: r.stderr };
  } finally {
    removeModeLog(log);
  }
}

/**
 * Builds a C program (`source` gets the scratch folder it may use) and runs it directly under the
 * supervisor (no sandbox): its result and the supervisor's events.
 */
function tracedC(source: (dir: string) => string, timeout = 60_000) {
  const dir = mkdtempSync(join(tmpdir(), 'tsp-modetrace-'));
  const log = createModeLog();
  try {
    writeFileSync(join(dir, 'p.c'), source(dir));
    const cc = spawnSync('cc', ['-O2', '-pthread', '-o', join(dir, 'p'), join(dir, 'p.c')], {
      encoding: 'utf8',
    });
    if (cc.status !== 0) throw new Error(`cc failed: ${cc.stderr}`);
    const r = spawnSync(modeTracer() ?? '', [log, join(dir, 'p')], { encoding: 'utf8', timeout });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, events: readModeEvents(log) };
  } finally {
    removeModeLog(log);
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('watchedModeProblem', () => {
  const w = { dev: '45', ino: '7', clear: 0o077 };
  const seen = (file: string, mode: number, unresolved: number[] = []) => ({
    modes: new Map([[file, mode]]),
    unresolved,
  });
  it('fails a watched file that ever had one of its bits, and only that file', () => {
    expect(watchedModeProblem([w], seen('45:7', 0o644))).toMatch(/had mode 644/);
    expect(watchedModeProblem([w], seen('45:8', 0o644))).toBeUndefined();
    expect(watchedModeProblem([{ ...w, clear: 0o004 }], seen('45:7', 0o640))).toBeUndefined();
    expect(watchedModeProblem([], seen('45:7', 0o644))).toBeUndefined();
  });
  it('fails on a loosening it could not resolve (it cannot be ruled out), or when nothing was observed', () => {
    expect(watchedModeProblem([w], seen('45:8', 0o644, [0o077]))).toMatch(/could not resolve/);
    expect(watchedModeProblem([w], { unobservable: 'no supervisor' })).toMatch(/cannot be observed/);
  });
});

describe('ModeHistory (a warm server, request by request)', () => {
  it("keeps every inode's modes across requests, but an unresolved event only in its own request", () => {
    const log = createModeLog();
    try {
      const h = new ModeHistory(log);
      appendFileSync(log, '7 45 644 257 100\n0 0 77 90 100\n');
      h.advance(); // before request 2: request 1's events become history
      appendFileSync(log, '8 45 640 91 101\n9 45 6'); // request 2; a line still being written
      const during = h.advance();
      if ('unobservable' in during) throw new Error('a log is evidence');
      expect([...during.modes]).toEqual([
        ['45:7', 0o644],
        ['45:8', 0o640],
      ]);
      expect(during.unresolved).toEqual([]);
      expect(watchedModeProblem([{ dev: '45', ino: '7', clear: 0o004 }], during)).toMatch(/mode 644/);
      appendFileSync(log, '44 257 102\n0 0 77 90 102\n');
      const next = h.advance();
      if ('unobservable' in next) throw new Error('a log is evidence');
      expect(next.modes.get('45:9')).toBe(0o644);
      expect(next.unresolved).toEqual([0o77]);
      const after = h.advance();
      expect('unresolved' in after && after.unresolved).toEqual([]);
    } finally {
      removeModeLog(log);
    }
  });
});

describe.skipIf(!modeTracer())('the file-mode supervisor (native/tsp-modetrace.c)', () => {
  it('sees every way a file gets a group/other mode, with the inode it got it on', async () => {
    const r = await traced(
      [
        'import ctypes, os, stat',
        'os.umask(0o022)',
        'os.chdir("/tmp")',
        'def ino(p): return "%d:%d" % (os.stat(p).st_dev, os.stat(p).st_ino)',
        'out = {}',
        // created world-readable, tightened before anyone looks
        'fd = os.open("a", os.O_WRONLY | os.O_CREAT, 0o644); os.close(fd); os.chmod("a", 0o600); out["a"] = ino("a")',
        // umask 077: a 0666 request gives 0600 (nothing to report)
        'old = os.umask(0o077); fd = os.open("b", os.O_WRONLY | os.O_CREAT, 0o666); os.close(fd); os.umask(old); out["b"] = ino("b")',
        // an unnamed file, linked in after it was tightened
        'fd = os.open("/tmp", os.O_TMPFILE | os.O_WRONLY, 0o644); os.fchmod(fd, 0o600)',
        'libc = ctypes.CDLL(None, use_errno=True)',
        'assert libc.linkat(-100, b"/proc/self/fd/%d" % fd, -100, b"/tmp/c", 0x400) == 0  # AT_SYMLINK_FOLLOW',
        'out["c"] = ino("c")',
        // loosened through a descriptor, through a relative path in a child, through mknod
        'fd = os.open("d", os.O_WRONLY | os.O_CREAT, 0o600); os.fchmod(fd, 0o640); os.fchmod(fd, 0o600); out["d"] = ino("d")',
        'os.mkdir("sub", 0o700); fd = os.open("sub/e", os.O_WRONLY | os.O_CREAT, 0o600); os.close(fd); out["e"] = ino("sub/e")',
        'os.symlink("/tmp/sub", "link")',
        'pid = os.fork()',
        'if pid == 0:',
        '    os.chdir("/"); os.chmod("tmp/link/e", 0o604); os._exit(0)',
        'os.waitpid(pid, 0); os.chmod("sub/e", 0o600)',
        'os.mknod("f", stat.S_IFREG | 0o644); os.chmod("f", 0o600); out["f"] = ino("f")',
        // read-only opens and directories are not reported
        'open("a").close(); os.mkdir("g", 0o755)',
        'print(" ".join("%s=%s" % kv for kv in sorted(out.items())))',
      ].join('\n'),
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const ino = Object.fromEntries(
      r.out
        .trim()
        .split(' ')
        .map((kv) => kv.split('=') as [string, string]),
    );
    const modesOf = (name: string) =>
      r.events.filter((e) => e.file === ino[name]).map((e) => e.mode.toString(8));
    expect(modesOf('a')).toEqual(['644']);
    expect(modesOf('b')).toEqual([]);
    expect(modesOf('c')).toEqual(['644']);
    expect(modesOf('d')).toEqual(['640']);
    expect(modesOf('e')).toEqual(['604']);
    expect(modesOf('f')).toEqual(['644']);
    expect(r.events.filter((e) => e.file === 'unresolved')).toEqual([]);
  });

  it('sees the file a path-based chmod changed even while another thread rewrites the path', () => {
    // One thread flips the path between two files while the other chmods "the path" to 0644 over
    // and over: the supervisor must log exactly the file the kernel changed, every time (it
    // freezes the tree for such calls; without the freeze, five runs on an idle machine logged
    // 412 to 1,032 of the 2,000 on the wrong file).
    const r = tracedC(
      (dir) => `#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
static char path[] = "${dir}/T";
static volatile int stop;
static void *flip(void *a) {
  (void)a;
  while (!stop) {
    ((volatile char *)path)[sizeof path - 2] = 'D';
    for (volatile int k = 0; k < 2000; k++) {}
    ((volatile char *)path)[sizeof path - 2] = 'T';
    for (volatile int k = 0; k < 2000; k++) {}
  }
  return 0;
}
int main(void) {
  int t = open("${dir}/T", O_CREAT | O_WRONLY, 0600), d = open("${dir}/D", O_CREAT | O_WRONLY, 0600);
  struct stat st;
  fstat(t, &st); unsigned long ti = st.st_ino;
  fstat(d, &st); unsigned long di = st.st_ino;
  pthread_t th;
  pthread_create(&th, 0, flip, 0);
  usleep(1000);
  int lt = 0, ld = 0;
  for (int i = 0; i < 2000; i++) {
    chmod(path, 0644);
    fstat(t, &st); lt += (st.st_mode & 0777) == 0644;
    fstat(d, &st); ld += (st.st_mode & 0777) == 0644;
    fchmod(t, 0600); fchmod(d, 0600);
  }
  stop = 1;
  pthread_join(th, 0);
  printf("%lu %d %lu %d\\n", ti, lt, di, ld);
  return 0;
}
`,
    );
    expect(r.status, r.stderr).toBe(0);
    const [ti, lt, di, ld] = r.stdout.trim().split(' ').map(Number) as [number, number, number, number];
    const on = (ino: number) => r.events.filter((e) => e.file.endsWith(`:${ino}`)).length;
    expect(lt + ld).toBe(2000);
    expect([on(ti), on(di)]).toEqual([lt, ld]);
    expect(r.events.filter((e) => e.file === 'unresolved')).toEqual([]);
  });

  it('refuses threads it could not hold (CLONE_UNTRACED, clone3) while pthreads still start', () => {
    // An untraced thread is not stopped by the freeze: it could flip a path during a traced chmod
    // (the test above; with such a thread, a run logged 926 of 2,000 loosenings, on either file).
    const r = tracedC(
      () => `#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
static int idle(void *a) { (void)a; syscall(60, 0); return 0; }
static void *run(void *a) { return a; }
int main(void) {
  char *stack = malloc(1 << 16);
  int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM;
  long untraced = clone(idle, stack + (1 << 16), flags | CLONE_UNTRACED, 0);
  int e1 = errno;
  long c3 = syscall(435, 0, 0);
  int e2 = errno;
  pthread_t th;
  int p = pthread_create(&th, 0, run, 0);
  if (p == 0) pthread_join(th, 0);
  printf("%ld %d %ld %d %d\\n", untraced < 0 ? -1L : 0L, e1, c3, e2, p);
  return 0;
}
`,
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('-1 1 -1 38 0');
  });

  it('refuses system calls newer than it knows (setxattrat sets an ACL, so group/other bits, by path)', () => {
    if (!modeTracer()) return;
    const r = tracedC(
      (dir) => `#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
int main(void) {
  const char *p = "${dir}/key";
  int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return 2;
  close(fd);
  /* posix_acl_xattr v2: USER_OBJ rw, GROUP_OBJ r, OTHER r (mode 0644) */
  unsigned char acl[28] = {2, 0, 0, 0, 1, 0, 6, 0, 255, 255, 255, 255, 4, 0, 4, 0, 255, 255, 255, 255,
                           0x20, 0, 4, 0, 255, 255, 255, 255};
  struct { unsigned long long value; unsigned int size, flags; } args = {(unsigned long)acl, sizeof acl, 0};
  long rc = syscall(463, AT_FDCWD, p, 0, "system.posix_acl_access", &args, sizeof args);
  int e = rc ? errno : 0;
  struct stat st;
  stat(p, &st);
  printf("%ld %d %o\\n", rc, e, st.st_mode & 0777);
  return 0;
}
`,
    );
    expect(r.status, r.stderr).toBe(0);
    // Without the refusal: "0 0 644" and no event (the call was not one the supervisor stops).
    expect(r.stdout.trim()).toBe('-1 38 600');
  });

  it('does not hang when a thread spawns processes (vfork) while another chmods by path', () => {
    // A vfork parent cannot stop while its child is held: the freeze goes on without it (it runs
    // no user code until its child execs, and traps as soon as it leaves the kernel).
    const r = tracedC(
      (dir) => `#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
extern char **environ;
static volatile int stop;
static void *spawner(void *a) {
  (void)a;
  while (!stop) {
    pid_t p;
    char *argv[] = {"/bin/true", 0};
    if (posix_spawn(&p, "/bin/true", 0, 0, argv, environ) == 0) waitpid(p, 0, 0);
  }
  return 0;
}
int main(void) {
  close(open("${dir}/x", O_CREAT | O_WRONLY, 0600));
  pthread_t th;
  pthread_create(&th, 0, spawner, 0);
  for (int i = 0; i < 100; i++) { chmod("${dir}/x", 0644); chmod("${dir}/x", 0600); usleep(500); }
  stop = 1;
  pthread_join(th, 0);
  puts("done");
  return 0;
}
`,
      30_000,
    );
    expect([r.status, r.stdout.trim()], r.stderr).toEqual([0, 'done']);
    expect(r.events.filter((e) => e.mode === 0o644)).toHaveLength(100);
  });

  it('dies with the process that started it, and takes the traced tree along', async () => {
    const log = createModeLog();
    try {
      // A shell starts the supervisor in the background and exits: the supervisor's parent is gone.
      const r = spawnSync(
        '/bin/sh',
        [
          '-c',
          `"$0" "$1" /bin/sleep 30 </dev/null >/dev/null 2>&1 & sleep 0.3; cat /proc/$!/task/$!/children`,
          modeTracer() ?? '',
          log,
        ],
        { encoding: 'utf8' },
      );
      const child = Number(r.stdout.trim());
      expect(child).toBeGreaterThan(0);
      await new Promise((done) => setTimeout(done, 300));
      // Gone, or a zombie nobody has reaped yet (this machine's pid 1 may not reap promptly).
      let state = 'gone';
      try {
        state = readFileSync(`/proc/${child}/stat`, 'utf8').split(') ')[1]?.[0] ?? 'gone';
      } catch {}
      expect(['gone', 'Z']).toContain(state);
    } finally {
      removeModeLog(log);
    }
  });

  it('keeps a stopped process stopped until SIGCONT, refuses io_uring, and is invisible as a tracer', async () => {
    const r = await traced(
      [
        'import ctypes, os, signal, time',
        'tracer = open("/proc/self/status").read().split("TracerPid:")[1].split()[0]',
        'pid = os.fork()',
        'if pid == 0:',
        '    time.sleep(0.2); os._exit(0)',
        'os.kill(pid, signal.SIGSTOP); time.sleep(0.5)',
        'state = open("/proc/%d/stat" % pid).read().split()[2]',
        'os.kill(pid, signal.SIGCONT); os.waitpid(pid, 0)',
        'libc = ctypes.CDLL(None, use_errno=True)',
        'rc = libc.syscall(425, 8, ctypes.create_string_buffer(120))',
        'print(tracer, state, rc, ctypes.get_errno())',
      ].join('\n'),
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const [tracer, state, rc, errno] = r.out.trim().split(' ');
    expect(tracer).toBe('0');
    expect(['t', 'T']).toContain(state);
    expect([rc, errno]).toEqual(['-1', '38']);
  });
});
