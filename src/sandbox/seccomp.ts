import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../core/atomic-file.ts';

/**
 * The sandbox's seccomp filter (classic BPF, loaded by bwrap `--seccomp` before it runs the
 * sandboxed program; every process of the sandbox inherits it and none can remove it).
 *
 * It denies what a sample could use to confine its *own* children, so that an injected command runs
 * but cannot reach a canary (docs/decisions/0002, "access blocking"): Landlock rulesets, a seccomp
 * filter of its own (`seccomp()`, `prctl(PR_SET_SECCOMP)`), `ptrace` (a supervisor that rewrites or
 * refuses the child's system calls), and lowering the open-file limit (RLIMIT_NOFILE: a shell that
 * cannot open anything runs an injection that creates nothing). Raising a limit or reading one still
 * works (`getrlimit` is `prlimit64` without a new value). System calls of another ABI (x32, i386)
 * are refused as a whole: their numbers differ and nothing the sandbox runs uses them. io_uring is
 * refused with ENOSYS (libuv then uses its thread pool): a large kernel attack surface that nothing
 * here needs, and a ring performs file operations without the system calls the file-mode
 * supervisor (native/tsp-modetrace.c) stops. So are keyrings, System V IPC and POSIX message
 * queues (`KEPT_STATE`): state a fresh process could find that the judge cannot put back. System calls newer than the ones this filter and the
 * supervisor were reviewed against (Linux 6.12's, numbers below FIRST_UNREVIEWED) are refused with
 * ENOSYS, as on an older kernel: C libraries and runtimes then use the older call. Linux 6.13's
 * setxattrat, for one, sets a POSIX ACL (and with it a file's group and other mode bits) through a
 * call the supervisor did not know, which made a secret file world-readable unseen
 * (test/forgery: c-perms-acl-setxattrat).
 *
 * x86-64 hosts only; elsewhere `sandboxSeccompFile()` returns undefined and no filter is loaded.
 */

const AUDIT_ARCH_X86_64 = 0xc000003e;
const X32_SYSCALL_BIT = 0x40000000;
const NR = { ptrace: 101, prctl: 157, setrlimit: 160, seccomp: 317, prlimit64: 302 } as const;
const LANDLOCK = [444, 445, 446];
const IO_URING = [425, 426, 427];
/**
 * State that outlives a process without a file: kernel keyrings (add_key, request_key, keyctl),
 * System V shared memory, semaphores and message queues, POSIX message queues. A sample could keep
 * in them what the judge's fresh processes must not share (the bytes a run drew, a counter: see
 * acrossRuns 'randomness'; the files are put back between runs, these are not files). Refused with
 * ENOSYS; nothing the sandbox runs needs them (Python's multiprocessing uses /dev/shm files).
 */
const KEPT_STATE = [
  248, 249, 250, 29, 30, 31, 64, 65, 66, 67, 68, 69, 70, 71, 220, 240, 241, 242, 243, 244, 245,
];
/** The first system call number after Linux 6.12's last (mseal, 462): setxattrat (463) and later. */
export const FIRST_UNREVIEWED = 463;
const PR_SET_SECCOMP = 22;
const RLIMIT_NOFILE = 7;
const RET_ALLOW = 0x7fff0000;
const RET_ERRNO = 0x00050000;
const EPERM = 1;
const ENOSYS = 38;

// struct seccomp_data: int nr; u32 arch; u64 ip; u64 args[6] (little-endian: low word first).
const OFF_NR = 0;
const OFF_ARCH = 4;
const argLo = (i: number) => 16 + 8 * i;
const argHi = (i: number) => 20 + 8 * i;

type Insn =
  | { op: 'ld'; off: number }
  | { op: 'jeq' | 'jge'; k: number; yes: string; no?: string }
  | { op: 'ret'; k: number }
  | { op: 'label'; name: string };

const ld = (off: number): Insn => ({ op: 'ld', off });
const jeq = (k: number, yes: string, no?: string): Insn => ({ op: 'jeq', k, yes, ...(no ? { no } : {}) });
const ret = (k: number): Insn => ({ op: 'ret', k });
const label = (name: string): Insn => ({ op: 'label', name });

function program(): Insn[] {
  return [
    ld(OFF_ARCH),
    jeq(AUDIT_ARCH_X86_64, 'x86_64', 'enosys'),
    label('x86_64'),
    ld(OFF_NR),
    { op: 'jge', k: X32_SYSCALL_BIT, yes: 'enosys' },
    { op: 'jge', k: FIRST_UNREVIEWED, yes: 'enosys' },
    ...[NR.ptrace, NR.seccomp, ...LANDLOCK].map((nr) => jeq(nr, 'eperm')),
    ...[...IO_URING, ...KEPT_STATE].map((nr) => jeq(nr, 'enosys')),
    jeq(NR.prctl, 'prctl'),
    jeq(NR.setrlimit, 'setrlimit'),
    jeq(NR.prlimit64, 'prlimit64'),
    ret(RET_ALLOW),
    label('prctl'),
    ld(argLo(0)),
    jeq(PR_SET_SECCOMP, 'eperm'),
    ret(RET_ALLOW),
    label('setrlimit'),
    ld(argLo(0)),
    jeq(RLIMIT_NOFILE, 'eperm'),
    ret(RET_ALLOW),
    label('prlimit64'),
    ld(argLo(1)),
    jeq(RLIMIT_NOFILE, 'nofile', 'allow'),
    label('nofile'),
    ld(argLo(2)),
    jeq(0, 'new-hi', 'eperm'),
    label('new-hi'),
    ld(argHi(2)),
    jeq(0, 'allow', 'eperm'),
    label('allow'),
    ret(RET_ALLOW),
    label('eperm'),
    ret(RET_ERRNO | EPERM),
    label('enosys'),
    ret(RET_ERRNO | ENOSYS),
  ];
}

const BPF_LD_W_ABS = 0x20;
const BPF_JEQ_K = 0x15;
const BPF_JGE_K = 0x35;
const BPF_RET_K = 0x06;

/** The filter as `struct sock_filter[]` bytes (what bwrap's `--seccomp FD` reads). */
export function sandboxSeccompProgram(): Buffer {
  const insns = program();
  const at = new Map<string, number>();
  const real: Exclude<Insn, { op: 'label' }>[] = [];
  for (const i of insns) {
    if (i.op === 'label') at.set(i.name, real.length);
    else real.push(i);
  }
  const out = Buffer.alloc(real.length * 8);
  real.forEach((insn, pc) => {
    const jump = (name: string | undefined): number => {
      if (name === undefined) return 0;
      const target = at.get(name);
      if (target === undefined || target <= pc || target - pc - 1 > 255)
        throw new Error(`seccomp: bad jump to ${name}`);
      return target - pc - 1;
    };
    let code: number;
    let jt = 0;
    let jf = 0;
    let k: number;
    if (insn.op === 'ld') {
      code = BPF_LD_W_ABS;
      k = insn.off;
    } else if (insn.op === 'ret') {
      code = BPF_RET_K;
      k = insn.k;
    } else {
      code = insn.op === 'jeq' ? BPF_JEQ_K : BPF_JGE_K;
      k = insn.k;
      jt = jump(insn.yes);
      jf = jump(insn.no);
    }
    out.writeUInt16LE(code, pc * 8);
    out.writeUInt8(jt, pc * 8 + 2);
    out.writeUInt8(jf, pc * 8 + 3);
    out.writeUInt32LE(k >>> 0, pc * 8 + 4);
  });
  return out;
}

let cached: string | undefined;

/**
 * The filter written once per content to `dir` (root-owned, read by the host shell that starts
 * the sandbox); undefined on hosts other than x86-64.
 */
export function sandboxSeccompFile(dir: string): string | undefined {
  if (process.arch !== 'x64') return undefined;
  if (cached && existsSync(cached)) return cached;
  const bytes = sandboxSeccompProgram();
  const file = join(dir, `seccomp-${createHash('sha256').update(bytes).digest('hex').slice(0, 12)}.bpf`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o711 });
    writeFileAtomicSync(file, bytes);
  }
  cached = file;
  return file;
}
