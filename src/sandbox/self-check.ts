import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CLOSEFDS, descriptorCloser, modeTracer } from './bwrap.ts';
import { NODUMP_ADDON } from './js-observer-server.ts';
import { createModeLog, readModeEvents, removeModeLog } from './mode-events.ts';
import { runSandboxed } from './run-sandboxed.ts';

export interface SandboxCheck {
  name: string;
  ok: boolean;
  detail: string;
}

const base = {
  files: {},
  timeoutMs: 20_000,
  memoryMb: 512,
  memoryMode: 'none' as const,
  maxOutputBytes: 4096,
  maxFileBytes: 1 << 20,
  maxProcs: 64,
  network: false as const,
};

/**
 * Runs a few probes through the real sandbox: a program starts as an unprivileged uid, has no
 * network, and cannot write the system. Never throws: a failure is a check with ok=false.
 */
export async function checkSandbox(): Promise<SandboxCheck[]> {
  const probe = [
    'import os, socket',
    'r = {"uid": os.getuid()}',
    'try:',
    '    socket.create_connection(("127.0.0.1", 22), timeout=1); r["net"] = "open"',
    'except OSError as e:',
    '    r["net"] = "closed"',
    'try:',
    '    open("/usr/tsp-doctor-probe", "w"); r["fs"] = "writable"',
    'except OSError:',
    '    r["fs"] = "read-only"',
    'print(r["uid"], r["net"], r["fs"])',
  ].join('\n');
  const checks: SandboxCheck[] = [];
  try {
    const r = await runSandboxed({ ...base, argv: ['/usr/bin/python3', '-c', probe] });
    const [uid, net, fs] = r.stdout.trim().split(' ');
    const ok = r.exitCode === 0 && Number(uid) >= 1000 && net === 'closed' && fs === 'read-only';
    checks.push({
      name: 'sandbox (bwrap + setpriv + prlimit)',
      ok,
      detail: r.exitCode === 0 ? `uid ${uid}, network ${net}, system ${fs}` : r.stderr.trim().slice(0, 200),
    });
  } catch (e) {
    checks.push({ name: 'sandbox (bwrap + setpriv + prlimit)', ok: false, detail: (e as Error).message });
  }
  try {
    const r = await runSandboxed({ ...base, argv: [process.execPath, '-e', 'console.log(process.version)'] });
    checks.push({
      name: 'node in the sandbox',
      ok: r.exitCode === 0,
      detail: r.exitCode === 0 ? r.stdout.trim() : r.stderr.trim().slice(0, 200),
    });
  } catch (e) {
    checks.push({ name: 'node in the sandbox', ok: false, detail: (e as Error).message });
  }
  try {
    const native = descriptorCloser()[0] === CLOSEFDS;
    checks.push({
      name: 'descriptor closer (first step of every sandbox)',
      ok: true,
      detail: native
        ? 'native/build/tsp-closefds'
        : 'python3 fallback (slower; scripts/setup.sh builds native/build/tsp-closefds)',
    });
  } catch (e) {
    checks.push({
      name: 'descriptor closer (first step of every sandbox)',
      ok: false,
      detail: (e as Error).message,
    });
  }
  checks.push(await checkModeSupervisor());
  checks.push(checkObserverGuard());
  return checks;
}

/** The JavaScript observer's guard: node made non-dumpable by native/build/tsp-nodump.node (in a child). */
function checkObserverGuard(): SandboxCheck {
  const name = 'JavaScript observer guard (non-dumpable observer)';
  if (!existsSync(NODUMP_ADDON))
    return {
      name,
      ok: false,
      detail:
        'native/build/tsp-nodump.node is not built (scripts/setup.sh builds it): JavaScript tests cannot be judged',
    };
  const r = spawnSync(
    process.execPath,
    [
      '-e',
      'const m = { exports: {} }; process.dlopen(m, process.argv[1]); process.stdout.write(String(m.exports.nodump()))',
      NODUMP_ADDON,
    ],
    { encoding: 'utf8', timeout: 10_000 },
  );
  const ok = r.status === 0 && r.stdout === '0';
  return {
    name,
    ok,
    detail: ok ? 'native/build/tsp-nodump.node' : `it did not work: ${(r.stderr ?? '').slice(0, 200)}`,
  };
}

/** The file-mode supervisor sees a file created 0644 and chmod-ed to 0600 in the sandbox. */
async function checkModeSupervisor(): Promise<SandboxCheck> {
  const name = 'file-mode supervisor (tests that judge file modes)';
  if (!modeTracer())
    return {
      name,
      ok: false,
      detail: 'native/build/tsp-modetrace is not built (scripts/setup.sh builds it)',
    };
  const log = createModeLog();
  try {
    const probe = [
      'import os',
      'os.umask(0o022)',
      'fd = os.open("/tmp/p", os.O_WRONLY | os.O_CREAT, 0o644)',
      'os.fchmod(fd, 0o600)',
      'print(os.stat("/tmp/p").st_ino)',
    ].join('\n');
    const r = await runSandboxed({ ...base, argv: ['/usr/bin/python3', '-c', probe], traceModes: log });
    const ino = r.stdout.trim();
    const seen = readModeEvents(log).some((e) => e.file.endsWith(`:${ino}`) && e.mode === 0o644);
    return {
      name,
      ok: r.exitCode === 0 && seen,
      detail: seen
        ? 'native/build/tsp-modetrace'
        : `the transient mode was not seen: ${r.stderr.trim().slice(0, 200)}`,
    };
  } catch (e) {
    return { name, ok: false, detail: (e as Error).message };
  } finally {
    removeModeLog(log);
  }
}
