/*
 * tsp-closefds PROGRAM [ARGS...]: closes every file descriptor above 2, then executes PROGRAM (an
 * absolute path) with ARGS. TSP starts every sandbox through it (src/sandbox/bwrap.ts), so that a
 * descriptor TSP's own parent left open without close-on-exec (a job runner's pipe, a make
 * jobserver's) never reaches bwrap, setpriv or the judged program: node does not close descriptors
 * it does not know, and neither do bwrap, setpriv nor prlimit (docs/decisions/0002).
 *
 * close_range(2) (Linux 5.9) closes them in one system call; without it, every descriptor listed in
 * /proc/self/fd is closed. If neither works the program is NOT executed (exit 127): a sandbox that
 * cannot be started is an error TSP reports, a leaked descriptor would not be seen.
 * Built by scripts/build-launchers.sh into native/build/tsp-closefds.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

/* Closes every descriptor > 2 listed in /proc/self/fd; 0 when the listing ended with none left. */
static int close_listed(void) {
  for (int round = 0; round < 64; round++) {
    DIR *d = opendir("/proc/self/fd");
    if (!d) return -1;
    int own = dirfd(d), closed = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      char *end;
      long fd = strtol(e->d_name, &end, 10);
      if (*end != '\0' || end == e->d_name || fd <= 2 || fd == own) continue;
      close((int)fd);
      closed++;
    }
    closedir(d);
    if (closed == 0) return 0; /* a listing that found nothing left to close */
  }
  return -1;
}

int main(int argc, char **argv) {
  if (argc < 2 || argv[1][0] != '/') {
    fprintf(stderr, "usage: tsp-closefds /absolute/program [args...]\n");
    return 127;
  }
  if (syscall(SYS_close_range, 3U, ~0U, 0U) != 0 && close_listed() != 0) {
    fprintf(stderr, "tsp-closefds: cannot close inherited descriptors (%s)\n", strerror(errno));
    return 127;
  }
  execv(argv[1], argv + 1);
  fprintf(stderr, "tsp-closefds: cannot execute %s (%s)\n", argv[1], strerror(errno));
  return 127;
}
