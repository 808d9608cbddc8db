import { accessSync, constants, existsSync, lstatSync, readlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TspError } from '../spec/errors.ts';
import { sandboxSeccompFile } from './seccomp.ts';
import { sandboxRoot } from './work-dir.ts';

/** Where sandboxed code runs its work directory. */
export const SANDBOX_WORK_DIR = '/work';
/**
 * Where canaries live inside the sandbox (`canaries`): a read-only folder owned by another uid,
 * directly under the read-only root, holding one small tmpfs per canary. No process of the sandbox
 * can chmod, rename, list or write anything on the path to a canary but the canary itself, and a
 * canary costs no host disk (docs/decisions/0002).
 */
export const SANDBOX_CANARY_ROOT = '/tspc';

export interface SandboxCommandOptions {
  /** Unprivileged uid (and gid) the sandbox runs as; RLIMIT_NPROC counts per uid. */
  uid: number;
  /** Program and arguments, as seen inside the sandbox. */
  argv: string[];
  /** Host directory bound read-write at /work; a private tmpfs when absent. */
  workDir?: string;
  /** Bind `workDir` read-only (the program then writes only to the size-limited tmpfs /tmp). */
  workDirReadOnly?: boolean;
  /** Working directory inside the sandbox (default /work). */
  cwd?: string;
  /** Environment inside the sandbox, added to a minimal scrubbed one (PATH, HOME, LANG, TMPDIR). */
  env?: Record<string, string>;
  /** Host paths bound read-only: `path` (same place inside) or `hostPath:sandboxPath`. */
  readOnlyBinds?: string[];
  /** Host paths bound read-write, same syntax (e.g. a slot's Go build cache). */
  writableBinds?: string[];
  /**
   * Canaries: `hostDir` from `createCanaryRoot(names)` bound read-only at SANDBOX_CANARY_ROOT, and a
   * tmpfs of CANARY_BYTES (mode 0777, the sandbox uid's) mounted on each of its `names`.
   */
  canaries?: { hostDir: string; names: readonly string[] };
  /** prlimit limits applied to the sandboxed program and everything it starts. */
  rlimits?: { cpuSeconds?: number; fileBytes?: number; procs?: number; addressSpaceBytes?: number };
  /**
   * Host file (outside every sandbox) to which the mode supervisor (`modeTracer()`) appends the
   * group/other-accessible modes that any process of the sandbox gives a regular file; read them
   * with `readModeEvents`. Requires the supervisor: check `modeTracer()` first.
   */
  traceModes?: string;
}

const SETPRIV = '/usr/bin/setpriv';
/** The host shell that opens the seccomp filter on SECCOMP_FD for bwrap, then becomes setpriv. */
const HOST_SH = '/bin/sh';
const SECCOMP_FD = 9;
/** Size of each private tmpfs (/tmp, and /work when no host dir is bound): RAM a sample may fill. */
const TMPFS_BYTES = 256 * 1024 * 1024;
/** Size of each canary's tmpfs (a marker is an empty file or folder; memory is used only if written). */
const CANARY_BYTES = 1024 * 1024;
const PRLIMIT = '/usr/bin/prlimit';

/** The descriptor-closing launcher scripts/build-launchers.sh builds (native/tsp-closefds.c). */
export const CLOSEFDS = fileURLToPath(new URL('../../native/build/tsp-closefds', import.meta.url));
/** The file-mode supervisor scripts/build-launchers.sh builds (native/tsp-modetrace.c). */
export const MODETRACE = fileURLToPath(new URL('../../native/build/tsp-modetrace', import.meta.url));
const PYTHON = '/usr/bin/python3';
/**
 * The same in Python when the launcher is not built (a python3 start, ~20 ms more per sandbox):
 * `-I -S` reads no environment, site or user file; every descriptor of the listing above 2 is
 * closed (`closerange` skips the numbers that are not open), then the program replaces it.
 */
export const PYTHON_CLOSEFDS = [
  PYTHON,
  '-I',
  '-S',
  '-c',
  'import os, sys\nos.closerange(3, max(int(f) for f in os.listdir("/proc/self/fd")) + 1)\nos.execv(sys.argv[1], sys.argv[1:])',
];

let cachedCloser: string[] | undefined;

/**
 * The launcher every sandbox starts through: it closes every descriptor above 2 before anything of
 * the sandbox runs. node does not close the descriptors it inherited without close-on-exec (a job
 * runner's pipe, a make jobserver's), and neither do bwrap, setpriv, prlimit or dash (which cannot
 * even name fds above 9): without it they reach the judged program. The launcher runs first, as
 * the host user, so the only descriptors after it are stdio and the seccomp filter that the host
 * shell opens next for bwrap (which closes it before it runs the program). Never a silent leak:
 * with neither the launcher nor python3 no sandbox starts.
 */
export function descriptorCloser(): string[] {
  if (cachedCloser) return cachedCloser;
  try {
    accessSync(CLOSEFDS, constants.X_OK);
    cachedCloser = [CLOSEFDS];
  } catch {
    if (!existsSync(PYTHON))
      throw new TspError('missing-tool', 'neither native/build/tsp-closefds nor python3 is available', {
        hint: 'run scripts/setup.sh (it builds native/build/tsp-closefds), or install python3',
      });
    cachedCloser = PYTHON_CLOSEFDS;
  }
  return cachedCloser;
}

function findBwrap(): string | undefined {
  for (const p of ['/usr/bin/bwrap', '/usr/local/bin/bwrap', '/bin/bwrap']) if (existsSync(p)) return p;
  return undefined;
}

let cachedRootArgs: string[] | undefined;

/** Read-only system: /usr and /etc, with the merged-/usr symlinks (or binds) of the host; secrets hidden. */
function systemMountArgs(): string[] {
  if (cachedRootArgs) return cachedRootArgs;
  const args = ['--ro-bind', '/usr', '/usr'];
  for (const top of ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32']) {
    if (!existsSync(top)) continue;
    const st = lstatSync(top);
    if (st.isSymbolicLink()) args.push('--symlink', readlinkSync(top), top);
    else if (st.isDirectory()) args.push('--ro-bind', top, top);
  }
  args.push('--ro-bind', '/etc', '/etc');
  // Unreadable for the sandbox uid anyway; hidden so that not even their existence leaks.
  for (const secret of ['/etc/shadow', '/etc/gshadow', '/etc/shadow-', '/etc/gshadow-', '/etc/sudoers']) {
    if (existsSync(secret)) args.push('--ro-bind', '/dev/null', secret);
  }
  cachedRootArgs = args;
  return args;
}

function splitBind(spec: string): [string, string] {
  const i = spec.indexOf(':');
  return i < 0 ? [spec, spec] : [spec.slice(0, i), spec.slice(i + 1)];
}

/** The scrubbed environment every sandboxed program starts from. */
export function baseSandboxEnv(): Record<string, string> {
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: SANDBOX_WORK_DIR,
    TMPDIR: '/tmp',
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
  };
}

/**
 * The host command line that runs `argv` in a bubblewrap sandbox: a fresh namespace of every kind
 * (no network at all), read-only system, private /tmp, /proc and /dev, one writable work directory,
 * no capabilities, a scrubbed environment, an unprivileged uid (setpriv) so that the prlimit limits
 * bite, `--die-with-parent` and `--new-session`. Spawn it with an EMPTY environment: the sandbox's
 * pid 1 is bwrap itself, and its /proc/1/environ is readable from inside.
 */
export function buildSandboxCommand(opts: SandboxCommandOptions): { file: string; args: string[] } {
  const bwrap = findBwrap();
  if (!bwrap)
    throw new TspError('missing-tool', 'bubblewrap (bwrap) is not installed', {
      hint: 'apt-get install bubblewrap (or run scripts/setup.sh)',
    });
  const uid = String(opts.uid);
  const seccomp = sandboxSeccompFile(sandboxRoot());
  const args = [
    `--reuid=${uid}`,
    `--regid=${uid}`,
    '--clear-groups',
    '--inh-caps=-all',
    '--bounding-set=-all',
    '--',
    bwrap,
    '--unshare-all',
    // No user namespace inside: a sample cannot make a private mount namespace in which an injected
    // command writes to a tmpfs laid over the judge's canaries.
    '--unshare-user',
    '--disable-userns',
    '--die-with-parent',
    '--new-session',
    '--cap-drop',
    'ALL',
    ...(seccomp ? ['--seccomp', String(SECCOMP_FD)] : []),
    '--hostname',
    'sandbox',
    '--clearenv',
    ...systemMountArgs(),
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--size',
    String(TMPFS_BYTES),
    '--tmpfs',
    '/tmp',
  ];
  if (opts.workDir) args.push(opts.workDirReadOnly ? '--ro-bind' : '--bind', opts.workDir, SANDBOX_WORK_DIR);
  else args.push('--size', String(TMPFS_BYTES), '--tmpfs', SANDBOX_WORK_DIR);
  for (const spec of opts.readOnlyBinds ?? []) {
    const [from, to] = splitBind(spec);
    args.push('--ro-bind', from, to);
  }
  for (const spec of opts.writableBinds ?? []) {
    const [from, to] = splitBind(spec);
    args.push('--bind', from, to);
  }
  if (opts.canaries) {
    args.push('--ro-bind', opts.canaries.hostDir, SANDBOX_CANARY_ROOT);
    for (const name of opts.canaries.names)
      args.push(
        '--perms',
        '0777',
        '--size',
        String(CANARY_BYTES),
        '--tmpfs',
        `${SANDBOX_CANARY_ROOT}/${name}`,
      );
  }
  // The root tmpfs (owned by the sandbox uid) read-only once every mount point exists: a sample
  // cannot chmod or rename `/` or a top-level folder (mounts below it stay writable).
  args.push('--remount-ro', '/');
  args.push('--chdir', opts.cwd ?? SANDBOX_WORK_DIR);
  for (const [k, v] of Object.entries({ ...baseSandboxEnv(), ...(opts.env ?? {}) }))
    args.push('--setenv', k, v);
  args.push('--', PRLIMIT, '--core=0');
  const r = opts.rlimits ?? {};
  if (r.cpuSeconds !== undefined) args.push(`--cpu=${Math.max(1, Math.ceil(r.cpuSeconds))}`);
  if (r.fileBytes !== undefined) args.push(`--fsize=${Math.max(0, Math.floor(r.fileBytes))}`);
  if (r.procs !== undefined) args.push(`--nproc=${Math.max(1, Math.floor(r.procs))}`);
  if (r.addressSpaceBytes !== undefined) args.push(`--as=${Math.floor(r.addressSpaceBytes)}`);
  args.push('--', ...opts.argv);
  // Every step replaces the previous one in the same process (bwrap's parent and
  // `--die-with-parent` unchanged): the descriptor closer, then (with a filter) the host shell,
  // then setpriv, then bwrap.
  // With `traceModes` the mode supervisor comes right after the closer: it stays outside as the
  // parent of everything that follows.
  const [closer, ...closerArgs] = descriptorCloser() as [string, ...string[]];
  const launch = [...closerArgs];
  if (opts.traceModes) {
    const tracer = modeTracer();
    if (!tracer)
      throw new TspError('missing-tool', 'the file-mode supervisor native/build/tsp-modetrace is not built', {
        hint: 'run scripts/setup.sh (scripts/build-launchers.sh builds it)',
      });
    launch.push(tracer, opts.traceModes);
  }
  if (!seccomp) return { file: closer, args: [...launch, SETPRIV, ...args] };
  // bwrap reads its filter from a descriptor: a host shell opens it (read-only, as root) after the
  // closer ran, and then execs setpriv in its place.
  return {
    file: closer,
    args: [...launch, HOST_SH, '-c', `exec ${SECCOMP_FD}<"$0" && exec "$@"`, seccomp, SETPRIV, ...args],
  };
}

let cachedTracer: string | null | undefined;

/**
 * The file-mode supervisor when it is built (scripts/build-launchers.sh keeps it only where it saw
 * a transient mode, i.e. where ptrace works; either descriptor closer execs it); undefined
 * otherwise. Tests that watch a file's modes fail without it (they cannot be judged).
 */
export function modeTracer(): string | undefined {
  if (cachedTracer !== undefined) return cachedTracer ?? undefined;
  try {
    accessSync(MODETRACE, constants.X_OK);
    cachedTracer = MODETRACE;
  } catch {
    cachedTracer = null;
  }
  return cachedTracer ?? undefined;
}
