/*
 * tsp-randomness.so: the system randomness of a test process, replaced by a stream the judge chose
 * (LD_PRELOAD, only in the runs of a test that compares fresh processes by their randomness).
 *
 * TSP_RANDOM_STREAM holds 64 hex digits: a ChaCha20 key. Every way a C or C++ program asks the
 * system for randomness reads the next bytes of that key's keystream: getrandom, getentropy,
 * arc4random*, OpenSSL's RAND_bytes, std::random_device, and /dev/urandom or /dev/random opened by
 * name (a memory file with the next MiB of the stream). Two processes given the same key draw the
 * same bytes, so a token made from the system's randomness comes out the same in both, and one made
 * from anything else (a clock, a counter kept in a file, the pid, an address) does not. The
 * keystream is indistinguishable from random without the key, so a program cannot tell that its
 * randomness is chosen. What the shim does not reach (a raw getrandom system call, the RDRAND
 * instruction, AT_RANDOM) stays the kernel's: such a program's token differs between the two
 * processes, and it is judged as not drawn from the system's randomness (strict, never lenient).
 *
 * Without TSP_RANDOM_STREAM every function passes through to the next definition.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/types.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int state = -1; /* -1 not read yet, 0 off, 1 on */
static uint32_t key[8];
static uint64_t block_no;
static unsigned char block[64];
static unsigned used = 64;

#define ROTL(a, b) (((a) << (b)) | ((a) >> (32 - (b))))
#define QR(a, b, c, d) \
  (a += b, d ^= a, d = ROTL(d, 16), c += d, b ^= c, b = ROTL(b, 12), a += b, d ^= a, d = ROTL(d, 8), \
   c += d, b ^= c, b = ROTL(b, 7))

static void chacha_block(void) {
  uint32_t in[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
  memcpy(in + 4, key, sizeof key);
  in[12] = (uint32_t)block_no;
  in[13] = (uint32_t)(block_no >> 32);
  in[14] = in[15] = 0;
  uint32_t x[16];
  memcpy(x, in, sizeof x);
  for (int i = 0; i < 10; i++) {
    QR(x[0], x[4], x[8], x[12]);
    QR(x[1], x[5], x[9], x[13]);
    QR(x[2], x[6], x[10], x[14]);
    QR(x[3], x[7], x[11], x[15]);
    QR(x[0], x[5], x[10], x[15]);
    QR(x[1], x[6], x[11], x[12]);
    QR(x[2], x[7], x[8], x[13]);
    QR(x[3], x[4], x[9], x[14]);
  }
  for (int i = 0; i < 16; i++) {
    uint32_t v = x[i] + in[i];
    block[4 * i] = (unsigned char)v;
    block[4 * i + 1] = (unsigned char)(v >> 8);
    block[4 * i + 2] = (unsigned char)(v >> 16);
    block[4 * i + 3] = (unsigned char)(v >> 24);
  }
  block_no++;
  used = 0;
}

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Whether the stream is on (reads TSP_RANDOM_STREAM once). Called with the lock held. */
static int on(void) {
  if (state >= 0) return state;
  const char *s = getenv("TSP_RANDOM_STREAM");
  state = 0;
  if (!s || strlen(s) != 64) return 0;
  unsigned char k[32];
  for (int i = 0; i < 32; i++) {
    int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return 0;
    k[i] = (unsigned char)(hi * 16 + lo);
  }
  memcpy(key, k, sizeof k);
  state = 1;
  return 1;
}

/* Fills buf from the stream; 0 when the stream is off (the caller passes through). */
static int draw(void *buf, size_t n) {
  pthread_mutex_lock(&lock);
  if (!on()) {
    pthread_mutex_unlock(&lock);
    return 0;
  }
  unsigned char *p = buf;
  while (n) {
    if (used == 64) chacha_block();
    size_t k = 64 - used < n ? 64 - used : n;
    memcpy(p, block + used, k);
    used += (unsigned)k;
    p += k;
    n -= k;
  }
  pthread_mutex_unlock(&lock);
  return 1;
}

#define NEXT(name, type) ((type)dlsym(RTLD_NEXT, name))

ssize_t getrandom(void *buf, size_t n, unsigned flags) {
  if (draw(buf, n)) return (ssize_t)n;
  ssize_t (*next)(void *, size_t, unsigned) = NEXT("getrandom", ssize_t (*)(void *, size_t, unsigned));
  if (!next) {
    errno = ENOSYS;
    return -1;
  }
  return next(buf, n, flags);
}

int getentropy(void *buf, size_t n) {
  if (n > 256) {
    errno = EIO;
    return -1;
  }
  if (draw(buf, n)) return 0;
  int (*next)(void *, size_t) = NEXT("getentropy", int (*)(void *, size_t));
  if (!next) {
    errno = ENOSYS;
    return -1;
  }
  return next(buf, n);
}

uint32_t arc4random(void) {
  uint32_t v;
  if (draw(&v, sizeof v)) return v;
  uint32_t (*next)(void) = NEXT("arc4random", uint32_t (*)(void));
  return next ? next() : 0;
}

void arc4random_buf(void *buf, size_t n) {
  if (draw(buf, n)) return;
  void (*next)(void *, size_t) = NEXT("arc4random_buf", void (*)(void *, size_t));
  if (next) next(buf, n);
}

uint32_t arc4random_uniform(uint32_t bound) {
  uint32_t (*next)(uint32_t) = NEXT("arc4random_uniform", uint32_t (*)(uint32_t));
  pthread_mutex_lock(&lock);
  int stream = on();
  pthread_mutex_unlock(&lock);
  if (!stream) return next ? next(bound) : 0;
  if (bound < 2) return 0;
  uint32_t min = -bound % bound, v; /* rejection: uniform over [0, bound) */
  do draw(&v, sizeof v);
  while (v < min);
  return v % bound;
}

/* OpenSSL (libcrypto is linked dynamically: its RAND_bytes is interposed). */
int RAND_bytes(unsigned char *buf, int n) {
  if (n >= 0 && draw(buf, (size_t)n)) return 1;
  int (*next)(unsigned char *, int) = NEXT("RAND_bytes", int (*)(unsigned char *, int));
  return next ? next(buf, n) : 0;
}

int RAND_priv_bytes(unsigned char *buf, int n) {
  if (n >= 0 && draw(buf, (size_t)n)) return 1;
  int (*next)(unsigned char *, int) = NEXT("RAND_priv_bytes", int (*)(unsigned char *, int));
  return next ? next(buf, n) : 0;
}

/* std::random_device::_M_getval() (libstdc++; its operator() is inline and calls this). */
unsigned int _ZNSt13random_device9_M_getvalEv(void *self) {
  unsigned int v;
  if (draw(&v, sizeof v)) return v;
  unsigned int (*next)(void *) = NEXT("_ZNSt13random_device9_M_getvalEv", unsigned int (*)(void *));
  return next ? next(self) : 0;
}

/* /dev/urandom and /dev/random opened by name: a memory file holding the next MiB of the stream. */
static int is_random_device(const char *path) {
  return path && (strcmp(path, "/dev/urandom") == 0 || strcmp(path, "/dev/random") == 0);
}

static int stream_file(int flags) {
  enum { SIZE = 1 << 20 };
  pthread_mutex_lock(&lock);
  int stream = on();
  pthread_mutex_unlock(&lock);
  if (!stream) return -2;
  int fd = memfd_create("tsp-random", (flags & O_CLOEXEC) ? MFD_CLOEXEC : 0);
  if (fd < 0) return -1;
  unsigned char *buf = malloc(SIZE);
  if (!buf) {
    close(fd);
    errno = ENOMEM;
    return -1;
  }
  draw(buf, SIZE);
  size_t off = 0;
  while (off < SIZE) {
    ssize_t w = write(fd, buf + off, SIZE - off);
    if (w <= 0) break;
    off += (size_t)w;
  }
  free(buf);
  lseek(fd, 0, SEEK_SET);
  return fd;
}

/* The shared body of open-like wrappers: the mode argument (when the flags ask for one), then a
 * memory file for a random device, else the next definition with the same arguments. */
#define OPEN_BODY(name, flags, path, next_call)                    \
  mode_t mode = 0;                                                 \
  if ((flags) & (O_CREAT | O_TMPFILE)) {                           \
    va_list ap;                                                    \
    va_start(ap, flags);                                           \
    mode = va_arg(ap, mode_t);                                     \
    va_end(ap);                                                    \
  }                                                                \
  if (is_random_device(path)) {                                    \
    int fd = stream_file(flags);                                   \
    if (fd != -2) return fd;                                       \
  }                                                                \
  return next_call;

#define OPEN_LIKE(name)                                                                     \
  int name(const char *path, int flags, ...) {                                              \
    int (*next)(const char *, int, ...) = NEXT(#name, int (*)(const char *, int, ...));     \
    OPEN_BODY(name, flags, path, next(path, flags, mode))                                   \
  }
OPEN_LIKE(open)
OPEN_LIKE(open64)

#define OPENAT_LIKE(name)                                                                        \
  int name(int dirfd, const char *path, int flags, ...) {                                        \
    int (*next)(int, const char *, int, ...) = NEXT(#name, int (*)(int, const char *, int, ...)); \
    OPEN_BODY(name, flags, path, next(dirfd, path, flags, mode))                                 \
  }
OPENAT_LIKE(openat)
OPENAT_LIKE(openat64)

#define FOPEN_LIKE(name)                                                           \
  FILE *name(const char *path, const char *how) {                                  \
    if (is_random_device(path)) {                                                  \
      int fd = stream_file(strchr(how, 'e') ? O_CLOEXEC : 0);                      \
      if (fd >= 0) return fdopen(fd, "rb");                                        \
      if (fd == -1) return NULL;                                                   \
    }                                                                              \
    FILE *(*next)(const char *, const char *) = NEXT(#name, FILE *(*)(const char *, const char *)); \
    return next(path, how);                                                        \
  }
FOPEN_LIKE(fopen)
FOPEN_LIKE(fopen64)
