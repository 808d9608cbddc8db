import { describe, expect, it } from 'vitest';
import { compileNative } from './compile-native.ts';
import { runSandboxed } from './run-sandboxed.ts';
import { checkSandbox } from './self-check.ts';

const base = {
  timeoutMs: 5000,
  memoryMb: 256,
  maxOutputBytes: 4096,
  maxFileBytes: 1 << 20,
  maxProcs: 32,
  network: false as const,
};

describe('runSandboxed', () => {
  it('runs a program on its files in /work and reads back collected files', async () => {
    const r = await runSandboxed({
      ...base,
      files: {
        'in/data.txt': 'hello',
        'run.py':
          'import os\nopen("out.txt","w").write(open("in/data.txt").read().upper())\nprint(os.getcwd(), os.getuid())',
      },
      argv: ['/usr/bin/python3', 'run.py'],
      collect: ['out.txt', 'missing.txt'],
    });
    expect(r.exitCode).toBe(0);
    const [cwd, uid] = r.stdout.trim().split(' ');
    expect(cwd).toBe('/work');
    expect(Number(uid)).toBeGreaterThanOrEqual(60000);
    expect(r.files['out.txt']?.toString()).toBe('HELLO');
    expect(r.files['missing.txt']).toBeUndefined();
  });

  it('keeps canaries where no process of the sandbox can chmod, rename or list their path, nor fill the disk', async () => {
    // Everything the sample's uid could try against the path to a canary (docs/decisions/0002).
    const probe = `import errno, os
c = '/tspc/c1'
out = []
def tryit(name, f):
    try:
        f()
        out.append(name + ':ok')
    except OSError as e:
        out.append(name + ':' + errno.errorcode.get(e.errno, '?'))
tryit('chmod-root', lambda: os.chmod('/', 0))
tryit('mkdir-top', lambda: os.mkdir('/x'))
tryit('chmod-tspc', lambda: os.chmod('/tspc', 0))
tryit('rename-tspc', lambda: os.rename('/tspc', '/tspd'))
tryit('list-tspc', lambda: os.listdir('/tspc'))
tryit('mkdir-tspc', lambda: os.mkdir('/tspc/c3'))
tryit('rename-canary', lambda: os.rename(c, '/tspc/c3'))
tryit('marker', lambda: open(c + '/m', 'w').close())
tryit('fill', lambda: [open('/tspc/c2/f%d' % i, 'wb').write(b'x' * (512 << 10)) for i in range(3)])
tryit('work', lambda: open('/work/f', 'w').close())
tryit('tmp', lambda: open('/tmp/f', 'w').close())
print(' '.join(out))`;
    const r = await runSandboxed({
      ...base,
      files: { 'p.py': probe },
      argv: ['/usr/bin/python3', 'p.py'],
      canaries: ['c1', 'c2'],
    });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split(' ')).toEqual([
      'chmod-root:EROFS',
      'mkdir-top:EROFS',
      'chmod-tspc:EROFS',
      'rename-tspc:EROFS',
      'list-tspc:EACCES',
      'mkdir-tspc:EROFS',
      'rename-canary:EROFS',
      'marker:ok',
      'fill:ENOSPC',
      'work:ok',
      'tmp:ok',
    ]);
  });

  it('denies what a sample could confine its own children with, io_uring, state kept outside files and system calls newer than its review (seccomp filter of the sandbox)', async () => {
    const probe = `import ctypes, errno, resource, subprocess
libc = ctypes.CDLL(None, use_errno=True)
out = []
def sc(name, r):
    out.append(name + ':' + (errno.errorcode.get(ctypes.get_errno(), '?') if r < 0 else 'ok'))
sc('landlock', libc.syscall(444, None, 0, 1))
sc('seccomp', libc.syscall(317, 0, 0, None))
sc('prctl-seccomp', libc.prctl(22, 1, 0, 0, 0))
sc('ptrace', libc.syscall(101, 0, 0, 0, 0))
sc('x32', libc.syscall(0x40000000 + 39))
sc('io_uring', libc.syscall(425, 8, ctypes.create_string_buffer(120)))
sc('setxattrat', libc.syscall(463, -100, b'p.py', 0, b'user.x', None, 0))
sc('add_key', libc.syscall(248, b'user', b'k', b'v', 1, -4))
sc('keyctl', libc.syscall(250, 0, -4, 1))
sc('shmget', libc.syscall(29, 0x7470, 4096, 0o1600))
sc('msgget', libc.syscall(68, 0x7470, 0o1600))
sc('semget', libc.syscall(64, 0x7470, 1, 0o1600))
sc('mq_open', libc.syscall(240, b'q', 0o100 | 2, 0o600, None))
try:
    resource.setrlimit(resource.RLIMIT_NOFILE, (3, 3))
    out.append('nofile:lowered')
except (OSError, ValueError):
    out.append('nofile:refused')
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
out.append('core:ok')
out.append('getnofile:' + ('ok' if resource.getrlimit(resource.RLIMIT_NOFILE)[0] > 3 else 'low'))
out.append('ulimit:' + subprocess.run(['sh', '-c', 'ulimit -n 4 2>/dev/null; ulimit -n'], capture_output=True, text=True).stdout.strip())
print(' '.join(out))`;
    const r = await runSandboxed({ ...base, files: { 'p.py': probe }, argv: ['/usr/bin/python3', 'p.py'] });
    expect(r.stderr).toBe('');
    const words = r.stdout.trim().split(' ');
    expect(words.slice(0, 15)).toEqual([
      'landlock:EPERM',
      'seccomp:EPERM',
      'prctl-seccomp:EPERM',
      'ptrace:EPERM',
      'x32:ENOSYS',
      'io_uring:ENOSYS',
      // Newer than the filter's review (Linux 6.13+): refused as on an older kernel.
      'setxattrat:ENOSYS',
      // State a fresh process could find that the judge cannot put back (KEPT_STATE).
      'add_key:ENOSYS',
      'keyctl:ENOSYS',
      'shmget:ENOSYS',
      'msgget:ENOSYS',
      'semget:ENOSYS',
      'mq_open:ENOSYS',
      'nofile:refused',
      'core:ok',
    ]);
    expect(words[15]).toBe('getnofile:ok');
    expect(Number(words[16]?.split(':')[1])).toBeGreaterThan(4);
  });

  it('kills on the wall-clock limit and on too much output', async () => {
    const slow = await runSandboxed({ ...base, timeoutMs: 300, files: {}, argv: ['/bin/sleep', '30'] });
    expect(slow.timedOut).toBe(true);
    expect(slow.durationMs).toBeLessThan(5000);
    const loud = await runSandboxed({ ...base, files: {}, argv: ['/usr/bin/yes'] });
    expect(loud.outputTruncated).toBe(true);
    expect(loud.stdout.length).toBe(4096);
  });

  it('applies the address-space, file-size and process limits', async () => {
    const mem = await runSandboxed({
      ...base,
      files: {},
      argv: ['/usr/bin/python3', '-c', 'b = bytearray(1 << 30)'],
    });
    expect(mem.stderr).toMatch(/MemoryError/);
    const big = await runSandboxed({
      ...base,
      files: {},
      argv: ['/usr/bin/python3', '-c', 'open("f","wb").write(b"x" * (2 << 20))'],
    });
    expect(big.stderr).toMatch(/File too large/);
    const forks = await runSandboxed({
      ...base,
      files: {},
      argv: [
        '/usr/bin/python3',
        '-c',
        'import os\nn = 0\ntry:\n  while n < 200:\n    if os.fork() == 0:\n      import time; time.sleep(5); os._exit(0)\n    n += 1\nexcept OSError:\n  pass\nprint(n)',
      ],
    });
    expect(Number(forks.stdout.trim())).toBeLessThan(32);
  });

  it('refuses file names that leave the work dir', async () => {
    await expect(
      runSandboxed({ ...base, files: { '../x': 'y' }, argv: ['/bin/true'] }),
    ).rejects.toMatchObject({
      code: 'invalid-input',
    });
  });
});

describe('compileNative', () => {
  it('compiles C with the sanitizers and returns the binary; reports compiler errors', async () => {
    const ok = await compileNative({
      language: 'c',
      files: { 'a.c': 'int main(void) { return 0; }\n' },
      returnBinary: true,
    });
    expect(ok.ok, ok.log).toBe(true);
    expect(ok.command).toContain('-fsanitize=address,undefined');
    expect(ok.binary?.subarray(1, 4).toString()).toBe('ELF');
    const bad = await compileNative({ language: 'c', files: { 'a.c': 'int main(void) { return x; }\n' } });
    expect(bad.ok).toBe(false);
    expect(bad.log).toMatch(/undeclared/);
  });

  it('compiles a compileFirst unit on its own: its errors stop the build before the other units', async () => {
    const harness = 'int f(int);\nint main(void) { return f(2) == 3 ? 0 : 1; }\n';
    const both = {
      language: 'cpp' as const,
      sources: ['harness.cpp', 'solution.cpp'],
      compileFirst: 'solution.cpp',
    };
    const ok = await compileNative({
      ...both,
      files: { 'harness.cpp': harness, 'solution.cpp': 'int f(int x) { return x + 1; }\n' },
      returnBinary: true,
    });
    expect(ok.ok, ok.log).toBe(true);
    expect(ok.command).toContain('solution.tsp.o');
    expect(ok.binary?.subarray(1, 4).toString()).toBe('ELF');
    // both units are broken: only the solution's error is reported (the harness was never compiled)
    const bad = await compileNative({
      ...both,
      files: {
        'harness.cpp': `${harness}int broken_harness = undefined_in_harness;\n`,
        'solution.cpp': 'int f(int x) { return y; }\n',
      },
    });
    expect(bad.ok).toBe(false);
    expect(bad.log).toMatch(/y. was not declared/);
    expect(bad.log).not.toMatch(/undefined_in_harness/);
    // the solution compiles, the link does not: the second step's errors are reported
    const link = await compileNative({
      ...both,
      files: { 'harness.cpp': harness, 'solution.cpp': 'int g(int x) { return x; }\n' },
    });
    expect(link.ok).toBe(false);
    expect(link.log).toMatch(/undefined reference/);
  });
});

describe('checkSandbox', () => {
  it('passes its probes on this machine', async () => {
    const checks = await checkSandbox();
    expect(checks.map((c) => [c.name, c.ok, c.detail])).toEqual(checks.map((c) => [c.name, true, c.detail]));
  });
});
