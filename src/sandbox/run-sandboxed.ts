import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildSandboxCommand } from './bwrap.ts';
import { type ProcessResult, spawnCapped } from './spawn-capped.ts';
import { acquireUid, releaseUid } from './uids.ts';
import { createCanaryRoot, createWorkDir, removeWorkDir, writeWorkFiles } from './work-dir.ts';

export interface RunSandboxedOptions {
  /** Files written into the work dir (/work) before the run; relative paths. */
  files: Record<string, string | Buffer>;
  /** Program and arguments inside the sandbox (absolute program path, or found on PATH). */
  argv: string[];
  /** Working directory inside the sandbox (default /work). */
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs: number;
  /** Address-space limit in MiB; see `memoryMode`. */
  memoryMb: number;
  maxOutputBytes: number;
  maxFileBytes: number;
  maxProcs: number;
  /** There is no network in the sandbox; the field exists so that callers say so. */
  network: false;
  /** Host paths bound read-only: `path` or `hostPath:sandboxPath` (e.g. a node_modules folder). */
  readOnlyBinds?: string[];
  /** Host paths bound read-write (trusted tool caches only). */
  writableBinds?: string[];
  /** CPU seconds (default: the wall-clock limit, rounded up). */
  cpuSeconds?: number;
  /**
   * `address-space` (default) applies RLIMIT_AS = memoryMb; `none` leaves memory to the program
   * (ASan's hard_rss_limit_mb, which breaks under RLIMIT_AS; Go, which reserves >1 GiB).
   */
  memoryMode?: 'address-space' | 'none';
  /** Data for stdin (default: none). */
  stdin?: string | Buffer;
  /** Run as this uid (default: a free uid of this process's block). */
  uid?: number;
  /** Use this existing host work dir (from `createWorkDir`) and keep it; default a fresh one, removed. */
  workDir?: string;
  /** Bind the work dir read-only: the program writes only to /tmp, a size-limited tmpfs (a quota). */
  workDirReadOnly?: boolean;
  /** Files (relative to /work) to read back after the run, up to maxFileBytes each. */
  collect?: string[];
  /** Canaries of the run: one tmpfs each at SANDBOX_CANARY_ROOT/<name> (see bwrap.ts). */
  canaries?: readonly string[];
  /** Run under the mode supervisor, logging to this host file (see bwrap.ts `traceModes`). */
  traceModes?: string;
}

export interface SandboxResult extends ProcessResult {
  /** Contents of the `collect` files that exist after the run. */
  files: Record<string, Buffer>;
}

/**
 * Runs one program in a fresh bubblewrap sandbox (see `buildSandboxCommand`) with its files in a
 * private work dir. Misbehaviour of the program is data in the result; only a failure to set the
 * sandbox up throws.
 */
export async function runSandboxed(opts: RunSandboxedOptions): Promise<SandboxResult> {
  const ownUid = opts.uid === undefined;
  const uid = opts.uid ?? (await acquireUid());
  const dir = opts.workDir ?? (await createWorkDir(uid));
  const canaryRoot = opts.canaries ? createCanaryRoot(opts.canaries) : undefined;
  try {
    await writeWorkFiles(dir, uid, opts.files);
    const cmd = buildSandboxCommand({
      uid,
      argv: opts.argv,
      workDir: dir,
      ...(opts.workDirReadOnly ? { workDirReadOnly: true } : {}),
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
      ...(opts.env ? { env: opts.env } : {}),
      ...(opts.readOnlyBinds ? { readOnlyBinds: opts.readOnlyBinds } : {}),
      ...(opts.writableBinds ? { writableBinds: opts.writableBinds } : {}),
      ...(canaryRoot && opts.canaries ? { canaries: { hostDir: canaryRoot, names: opts.canaries } } : {}),
      ...(opts.traceModes ? { traceModes: opts.traceModes } : {}),
      rlimits: {
        cpuSeconds: opts.cpuSeconds ?? Math.ceil(opts.timeoutMs / 1000) + 1,
        fileBytes: opts.maxFileBytes,
        procs: opts.maxProcs,
        ...(opts.memoryMode === 'none' ? {} : { addressSpaceBytes: opts.memoryMb * 1024 * 1024 }),
      },
    });
    const result = await spawnCapped(cmd.file, cmd.args, {
      timeoutMs: opts.timeoutMs,
      maxOutputBytes: opts.maxOutputBytes,
      ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}),
    });
    const files: Record<string, Buffer> = {};
    for (const name of opts.collect ?? []) {
      try {
        const data = await readFile(join(dir, name));
        files[name] = data.subarray(0, opts.maxFileBytes);
      } catch {
        // not produced
      }
    }
    return { ...result, files };
  } finally {
    if (!opts.workDir) await removeWorkDir(dir);
    if (canaryRoot) await removeWorkDir(canaryRoot);
    if (ownUid) releaseUid(uid);
  }
}
