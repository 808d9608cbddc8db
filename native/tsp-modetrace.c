/*
 * tsp-modetrace EVENTS PROGRAM [ARGS...]: runs PROGRAM (an absolute path) with ARGS under a ptrace
 * supervisor that sees every file mode a process of it gives a regular file, and appends one line
 * per mode with group or other bits ("<st_ino> <st_dev> <mode octal> <syscall nr> <tid>") to EVENTS.
 * TSP starts the sandboxes that run tests through it (src/sandbox/bwrap.ts, `traceModes`), so that
 * a secret file created world-readable and chmod-ed to 0600 before the harness looks is seen in the
 * mode it had (docs/decisions/0002, "Transient file modes").
 *
 * The supervisor runs outside the sandbox (the sandboxed processes cannot see, signal or write to
 * it, nor to EVENTS): the sandbox's own filter denies ptrace inside, and a tracer outside the pid
 * namespace shows as TracerPid 0. Only the system calls that create a file or set its mode stop
 * (a seccomp filter returning SECCOMP_RET_TRACE, installed before PROGRAM and inherited by all):
 * open/openat/openat2/creat (the returned descriptor is stat-ed: no path to race), fchmod,
 * chmod/fchmodat/fchmodat2/mknod/mknodat and the xattr setters (ACLs change group bits; a call that
 * names its file by path runs with every other traced thread held stopped, so that nothing can
 * rewrite the path between the kernel's reading of it and the supervisor's). A mode
 * change whose new mode has no group/other bit is skipped from its register argument. A path that
 * cannot be resolved after a loosening call is reported with inode 0 (TSP then fails the tests
 * that watch file modes). Group stops keep their meaning (PTRACE_SEIZE + PTRACE_LISTEN: a process
 * the sandbox stops stays stopped), signals are delivered as they came, and every traced process
 * is killed when the supervisor dies (PTRACE_O_EXITKILL), which it does with its own parent
 * (PR_SET_PDEATHSIG: bwrap's --die-with-parent now names the supervisor). Exit status: PROGRAM's (128+signal when
 * killed); 127 when it could not be started under the supervisor.
 * Built by scripts/build-launchers.sh into native/build/tsp-modetrace. x86-64 only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef __NR_openat2
#define __NR_openat2 437
#endif
#define NR_FCHMODAT2 452
#define NR_IO_URING_SETUP 425
/* The first system call after the ones this table was written against (Linux 6.12: mseal is 462). */
#define NR_FIRST_UNKNOWN 463

/*
 * The calls that stop, with the argument that decides it when there is one (the filter tests it:
 * an open without O_CREAT/O_TMPFILE, a chmod granting no group/other bit, runs without stopping).
 */
static const struct {
  int nr, arg;
  unsigned mask;
} TRACED[] = {
    {__NR_open, 1, O_CREAT | __O_TMPFILE},
    {__NR_openat, 2, O_CREAT | __O_TMPFILE},
    {__NR_openat2, -1, 0},
    {__NR_creat, -1, 0},
    {__NR_chmod, 1, 077},
    {__NR_fchmod, 1, 077},
    {__NR_fchmodat, 2, 077},
    {NR_FCHMODAT2, 2, 077},
    {__NR_mknod, 1, 077},
    {__NR_mknodat, 2, 077},
    {__NR_setxattr, -1, 0},
    {__NR_lsetxattr, -1, 0},
    {__NR_fsetxattr, -1, 0},
};
#define NTRACED (sizeof TRACED / sizeof TRACED[0])
#define LOOSE 077

#define STMT(code, k) ((struct sock_filter)BPF_STMT(code, k))
#define JUMP(code, k, jt, jf) ((struct sock_filter)BPF_JUMP(code, k, jt, jf))

static int install_filter(void) {
  struct sock_filter f[26 + 5 * NTRACED];
  size_t n = 0;
  f[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
  /* Another ABI: refused (the sandbox's own filter refuses it too). */
  f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
  f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
  f[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
  /* x32 numbers: refused. */
  f[n++] = JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1);
  f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
  /* Calls newer than this table (Linux 6.13's setxattrat sets an ACL, and so a file's group/other
     mode bits, by path): refused as on an older kernel, so that libraries fall back to a traced one. */
  f[n++] = JUMP(BPF_JMP | BPF_JGE | BPF_K, NR_FIRST_UNKNOWN, 0, 1);
  f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
  /* A thread or process made with CLONE_UNTRACED is not traced, so not held by `freeze`: it could
     rewrite a path while a traced thread's chmod runs. clone with that flag is refused; clone3 keeps
     its flags in memory the filter cannot read, so it is refused as on an older kernel (ENOSYS: glibc
     then uses clone). */
  f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 0, 1);
  f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
  f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 0, 4);
  f[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0]));
  f[n++] = JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_UNTRACED, 0, 1);
  f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
  f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  for (size_t i = 0; i < NTRACED; i++) {
    if (TRACED[i].arg < 0) {
      f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)TRACED[i].nr, 0, 1);
      f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE);
    } else {
      f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)TRACED[i].nr, 0, 4);
      f[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[TRACED[i].arg]));
      f[n++] = JUMP(BPF_JMP | BPF_JSET | BPF_K, TRACED[i].mask, 0, 1);
      f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE);
      f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    }
  }
  /* Linux AIO (io_setup): the kernel writes a process's memory while it runs on; refused (a frozen
     tree must stay frozen, see `freeze`). */
  f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_setup, 0, 1);
  f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
  /* io_uring (425-427): files opened through a ring make no system call of their own; refused. */
  f[n++] = JUMP(BPF_JMP | BPF_JGE | BPF_K, NR_IO_URING_SETUP, 0, 2);
  f[n++] = JUMP(BPF_JMP | BPF_JGE | BPF_K, NR_IO_URING_SETUP + 3, 1, 0);
  f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
  f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  struct sock_fprog prog = {.len = (unsigned short)n, .filter = f};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -1;
  return (int)syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

/*
 * Every thread the supervisor knows: what its stopped call's entry left for the exit, and whether
 * it is held (its stop consumed, not resumed: the tree is frozen, see `supervise_path_call`).
 */
struct tracee {
  pid_t tid;
  long nr;
  unsigned long long args[6];
  int held, awaiting, status;
};
#define SLOTS 8192
static struct tracee table[SLOTS];

static struct tracee *slot(pid_t tid, int create) {
  unsigned h = (unsigned)tid * 2654435761u % SLOTS;
  for (unsigned i = 0; i < SLOTS; i++) {
    struct tracee *p = &table[(h + i) % SLOTS];
    if (p->tid == tid) return p;
    if (p->tid == 0) {
      if (!create) return NULL;
      memset(p, 0, sizeof *p);
      p->tid = tid;
      p->nr = -1;
      return p;
    }
  }
  return NULL;
}

static void release(pid_t tid) {
  struct tracee *p = slot(tid, 0);
  if (!p) return;
  /* Backward-shift deletion keeps the probe chains whole. */
  unsigned i = (unsigned)(p - table);
  for (;;) {
    table[i].tid = 0;
    unsigned j = i;
    for (;;) {
      j = (j + 1) % SLOTS;
      if (table[j].tid == 0) return;
      unsigned home = (unsigned)table[j].tid * 2654435761u % SLOTS;
      if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) break;
    }
    table[i] = table[j];
    i = j;
  }
}

/* Held stops, first in first out (each thread at most once: a held thread does not run). */
static pid_t queue[SLOTS];
static unsigned q_head, q_len;

static void hold(pid_t tid, int status) {
  struct tracee *p = slot(tid, 1);
  if (!p || p->held || q_len == SLOTS) {
    kill(tid, SIGKILL); /* cannot be held: must not run unseen */
    return;
  }
  p->held = 1;
  p->status = status;
  queue[(q_head + q_len++) % SLOTS] = tid;
}

static int events = -1;

static void emit(unsigned long long ino, unsigned long long dev, unsigned mode, long nr, pid_t tid) {
  char line[128];
  int n = snprintf(line, sizeof line, "%llu %llu %o %ld %d\n", ino, dev, mode & 07777, nr, (int)tid);
  if (write(events, line, (size_t)n) != n) {
    /* An event that cannot be recorded must not be lost silently: stop everything. */
    fprintf(stderr, "tsp-modetrace: cannot write the events file: %s\n", strerror(errno));
    kill(0, SIGKILL);
    _exit(127);
  }
}

static void report_stat(const struct stat *st, long nr, pid_t tid) {
  if (S_ISREG(st->st_mode) && (st->st_mode & LOOSE))
    emit((unsigned long long)st->st_ino, (unsigned long long)st->st_dev, st->st_mode, nr, tid);
}

/* The descriptor `fd` of thread `tid`, stat-ed through its /proc link (the file itself). */
static void report_fd(pid_t tid, long fd, long nr) {
  char link[64];
  struct stat st;
  snprintf(link, sizeof link, "/proc/%d/fd/%ld", (int)tid, fd);
  if (stat(link, &st) == 0) report_stat(&st, nr, tid);
  else emit(0, 0, LOOSE, nr, tid);
}

/* A NUL-terminated string of the tracee's memory; 0 on success. */
static int read_string(pid_t tid, unsigned long long addr, char *buf, size_t cap) {
  size_t got = 0;
  while (got + 1 < cap) {
    size_t chunk = 256;
    if (chunk > cap - 1 - got) chunk = cap - 1 - got;
    struct iovec local = {buf + got, chunk};
    struct iovec remote = {(void *)(uintptr_t)(addr + got), chunk};
    ssize_t n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
    if (n <= 0) return -1;
    if (memchr(buf + got, '\0', (size_t)n)) return 0;
    got += (size_t)n;
  }
  return -1;
}

/*
 * The file a path argument names, as the tracee resolves it: relative to its working directory or
 * `dirfd`, inside its own root (absolute symlinks too: RESOLVE_IN_ROOT on /proc/<tid>/root).
 */
static int stat_path(pid_t tid, long dirfd, unsigned long long addr, int follow, struct stat *st) {
  char path[4096], full[8192], base[4096], link[64];
  if (read_string(tid, addr, path, sizeof path) != 0) return -1;
  if (path[0] == '/') {
    snprintf(full, sizeof full, "%s", path);
  } else {
    if ((int)dirfd == AT_FDCWD) snprintf(link, sizeof link, "/proc/%d/cwd", (int)tid);
    else snprintf(link, sizeof link, "/proc/%d/fd/%d", (int)tid, (int)dirfd);
    ssize_t n = readlink(link, base, sizeof base - 1);
    if (n <= 0 || base[0] != '/') return -1;
    base[n] = '\0';
    snprintf(full, sizeof full, "%s/%s", base, path);
  }
  char root[64];
  snprintf(root, sizeof root, "/proc/%d/root", (int)tid);
  int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) return -1;
  struct open_how how = {.flags = O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW),
                         .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
  int fd = (int)syscall(__NR_openat2, rootfd, full, &how, sizeof how);
  close(rootfd);
  if (fd < 0) return -1;
  int rc = fstat(fd, st);
  close(fd);
  return rc;
}

static void report_path(pid_t tid, long dirfd, unsigned long long addr, int follow, long nr) {
  struct stat st;
  if (stat_path(tid, dirfd, addr, follow, &st) == 0) report_stat(&st, nr, tid);
  else emit(0, 0, LOOSE, nr, tid);
}

/* A traced call returned `ret`: report the mode it left. */
static void after_call(pid_t tid, const struct tracee *p, long long ret) {
  if (ret < 0) return;
  const unsigned long long *a = p->args;
  switch (p->nr) {
    case __NR_open:
      if (a[1] & (O_CREAT | __O_TMPFILE)) report_fd(tid, (long)ret, p->nr);
      break;
    case __NR_openat:
      if (a[2] & (O_CREAT | __O_TMPFILE)) report_fd(tid, (long)ret, p->nr);
      break;
    case __NR_openat2: /* its flags are in memory the tracee could change: always look */
    case __NR_creat:
      report_fd(tid, (long)ret, p->nr);
      break;
    case __NR_fchmod:
      if (a[1] & LOOSE) report_fd(tid, (long)a[0], p->nr);
      break;
    case __NR_fsetxattr:
      report_fd(tid, (long)a[0], p->nr);
      break;
    case __NR_chmod:
      if (a[1] & LOOSE) report_path(tid, AT_FDCWD, a[0], 1, p->nr);
      break;
    case __NR_mknod:
      if (a[1] & LOOSE) report_path(tid, AT_FDCWD, a[0], 0, p->nr);
      break;
    case __NR_fchmodat:
    case NR_FCHMODAT2:
      if (a[2] & LOOSE) report_path(tid, (long)(int)a[0], a[1], !(a[3] & AT_SYMLINK_NOFOLLOW), p->nr);
      break;
    case __NR_mknodat:
      if (a[2] & LOOSE) report_path(tid, (long)(int)a[0], a[1], 0, p->nr);
      break;
    case __NR_setxattr:
      report_path(tid, AT_FDCWD, a[0], 1, p->nr);
      break;
    case __NR_lsetxattr:
      report_path(tid, AT_FDCWD, a[0], 0, p->nr);
      break;
    default:
      break;
  }
}

static pid_t main_child;
static int code = 127;

static void dispatch(pid_t tid, int st);

/* A traced thread ended. */
static void gone(pid_t tid, int st) {
  release(tid);
  if (tid == main_child) code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Resumes the held threads, each as its stop asks (a held call that needs the tree frozen again freezes it). */
static void thaw(void) {
  while (q_len > 0) {
    pid_t tid = queue[q_head];
    q_head = (q_head + 1) % SLOTS;
    q_len--;
    struct tracee *p = slot(tid, 0);
    if (!p || !p->held) continue;
    p->held = 0;
    dispatch(tid, p->status);
  }
}

/* Monotonic milliseconds. */
static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/*
 * Stops every traced thread but `self` (PTRACE_INTERRUPT) and holds their stops: nothing but
 * `self` runs user code until `thaw`, so no other thread or process can rewrite the path `self`
 * passes between the kernel's reading of it and the supervisor's. A thread that does not stop
 * within FREEZE_GRACE_MS is in an uninterruptible wait in the kernel (a vfork parent waiting for a
 * held child): it runs no user code either, and traps as soon as it leaves the kernel.
 */
#define FREEZE_GRACE_MS 100.0
static void freeze(pid_t self) {
  int awaiting = 0;
  for (unsigned i = 0; i < SLOTS; i++) {
    struct tracee *p = &table[i];
    if (p->tid == 0 || p->tid == self || p->held) continue;
    if (ptrace(PTRACE_INTERRUPT, p->tid, 0, 0) == 0) {
      p->awaiting = 1;
      awaiting++;
    }
  }
  double start = now_ms();
  while (awaiting > 0) {
    int st;
    pid_t tid = waitpid(-1, &st, __WALL | WNOHANG);
    if (tid == 0) {
      if (now_ms() - start > FREEZE_GRACE_MS) break;
      struct timespec pause = {0, 200 * 1000};
      nanosleep(&pause, NULL);
      continue;
    }
    if (tid < 0) {
      if (errno == EINTR) continue;
      break;
    }
    struct tracee *p = slot(tid, 1);
    int was = p && p->awaiting;
    if (p) p->awaiting = 0;
    if (was) awaiting--;
    if (WIFEXITED(st) || WIFSIGNALED(st)) gone(tid, st);
    else if (WIFSTOPPED(st)) hold(tid, st);
  }
}

/* Whether a traced call names its file by a path that another thread could rewrite. */
static int names_by_path(long nr) {
  return nr == __NR_chmod || nr == __NR_fchmodat || nr == NR_FCHMODAT2 || nr == __NR_mknod ||
         nr == __NR_mknodat || nr == __NR_setxattr || nr == __NR_lsetxattr;
}

/* `tid` stopped at the exit of its traced call: report, resume. */
static void at_exit(pid_t tid) {
  struct tracee *p = slot(tid, 0);
  struct user_regs_struct r;
  if (p && p->nr >= 0 && ptrace(PTRACE_GETREGS, tid, 0, &r) == 0) after_call(tid, p, (long long)r.rax);
  if (p) p->nr = -1;
  ptrace(PTRACE_CONT, tid, 0, 0);
}

/* A call that names its file by path runs with the tree frozen, up to its exit (see `freeze`). */
static void supervise_path_call(pid_t tid) {
  freeze(tid);
  ptrace(PTRACE_SYSCALL, tid, 0, 0);
  for (;;) {
    int st;
    pid_t w = waitpid(tid, &st, __WALL);
    if (w < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (WIFEXITED(st) || WIFSIGNALED(st)) {
      gone(tid, st);
      return;
    }
    if (WIFSTOPPED(st) && WSTOPSIG(st) == (SIGTRAP | 0x80)) {
      at_exit(tid);
      return;
    }
    if (WIFSTOPPED(st)) {
      hold(tid, st); /* not the exit yet (an event of its own): handled with the others */
      return;
    }
  }
}

static void dispatch(pid_t tid, int st) {
  if (WIFEXITED(st) || WIFSIGNALED(st)) {
    gone(tid, st);
    return;
  }
  if (!WIFSTOPPED(st)) return;
  int sig = WSTOPSIG(st), event = st >> 16;
  if (event == PTRACE_EVENT_SECCOMP) {
    struct user_regs_struct r;
    struct tracee *p = slot(tid, 1);
    if (!p || ptrace(PTRACE_GETREGS, tid, 0, &r) != 0) {
      kill(tid, SIGKILL); /* no room to remember the call: it must not go unseen */
      return;
    }
    p->nr = (long)r.orig_rax;
    unsigned long long args[6] = {r.rdi, r.rsi, r.rdx, r.r10, r.r8, r.r9};
    memcpy(p->args, args, sizeof args);
    if (names_by_path(p->nr)) supervise_path_call(tid);
    else ptrace(PTRACE_SYSCALL, tid, 0, 0); /* on to the call's exit */
  } else if (sig == (SIGTRAP | 0x80)) {
    at_exit(tid);
  } else if (event == PTRACE_EVENT_STOP) {
    struct tracee *p = slot(tid, 1); /* known from now on (a new thread or process starts with this stop) */
    if (p) p->awaiting = 0;         /* a late stop of a `freeze` that went on without it */
    if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU)
      ptrace(PTRACE_LISTEN, tid, 0, 0); /* a group stop: stays stopped until SIGCONT */
    else
      ptrace(PTRACE_CONT, tid, 0, 0);
  } else if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK || event == PTRACE_EVENT_CLONE) {
    unsigned long child = 0;
    if (ptrace(PTRACE_GETEVENTMSG, tid, 0, &child) == 0 && child) slot((pid_t)child, 1);
    ptrace(PTRACE_CONT, tid, 0, 0);
  } else if (event != 0) {
    ptrace(PTRACE_CONT, tid, 0, 0); /* exec */
  } else {
    ptrace(PTRACE_CONT, tid, 0, sig); /* a signal on its way: delivered */
  }
}

int main(int argc, char **argv) {
  if (argc < 3 || argv[2][0] != '/') {
    fprintf(stderr, "usage: tsp-modetrace EVENTS /absolute/program [args...]\n");
    return 127;
  }
  /* Dies with whoever started it (bwrap's --die-with-parent now points here), and so does the whole
     traced tree (PTRACE_O_EXITKILL). */
  pid_t starter = getppid();
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || getppid() != starter) return 127;
  events = open(argv[1], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (events < 0) {
    fprintf(stderr, "tsp-modetrace: cannot open %s: %s\n", argv[1], strerror(errno));
    return 127;
  }
  pid_t child = fork();
  if (child < 0) return 127;
  if (child == 0) {
    if (install_filter() != 0) {
      fprintf(stderr, "tsp-modetrace: cannot install the filter: %s\n", strerror(errno));
      _exit(127);
    }
    raise(SIGSTOP); /* until the supervisor has seized this process */
    execv(argv[2], argv + 2);
    fprintf(stderr, "tsp-modetrace: cannot execute %s: %s\n", argv[2], strerror(errno));
    _exit(127);
  }
  int st;
  if (waitpid(child, &st, WUNTRACED) != child || !WIFSTOPPED(st)) return 127;
  long opts = PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
              PTRACE_O_TRACEEXEC | PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL;
  if (ptrace(PTRACE_SEIZE, child, 0, opts) != 0) {
    fprintf(stderr, "tsp-modetrace: ptrace is not permitted here: %s\n", strerror(errno));
    kill(child, SIGKILL);
    return 127;
  }
  main_child = child;
  slot(child, 1);
  kill(child, SIGCONT);
  for (;;) {
    pid_t tid = waitpid(-1, &st, __WALL);
    if (tid < 0) {
      if (errno == EINTR) continue;
      break; /* ECHILD: every traced process has ended */
    }
    dispatch(tid, st);
    thaw();
  }
  return code;
}
