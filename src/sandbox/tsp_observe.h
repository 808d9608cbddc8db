/* TSP observed protocol, the harness's side (docs/decisions/0002). A test body reports values with
 * tsp_obs_int / tsp_obs_str / tsp_obs_mem; the observer outside this process decides from them and
 * from effects the driver sees after the process ended. Nothing here decides anything or holds a
 * secret. It is all static (a sample compiled as another translation unit can neither call nor
 * replace it) and reaches the kernel with raw system calls (no libc function a sample could
 * interpose). The driver runs `prog <test id> <dir> <marker> <w0> ... <w7>`; the ids are drawn per
 * judging, so a test's name says nothing about what it checks. */
#ifndef TSP_OBSERVE_H
#define TSP_OBSERVE_H
#include <stddef.h>

static const char *tsp_id_ = 0;
static const char *tsp_cur_ = 0;
static const char *tsp_dir_ = ".";
static const char *tsp_marker_ = "";
static const char *tsp_words_[8] = {"", "", "", "", "", "", "", ""};

static long tsp_sys3_(long n, long a, long b, long c) {
#if defined(__x86_64__)
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return r;
#elif defined(__aarch64__)
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
  return x0;
#else
#error "tsp_observe.h: no raw system call for this architecture"
#endif
}
#if defined(__x86_64__)
#define TSP_SYS_WRITE_ 1
#else
#define TSP_SYS_WRITE_ 64
#endif

static int tsp_streq_(const char *a, const char *b) {
  if (!a || !b) return 0;
  while (*a && *a == *b) { a++; b++; }
  return *a == *b;
}

static unsigned long tsp_len_(const char *s) {
  unsigned long n = 0;
  while (s && s[n]) n++;
  return n;
}

static void tsp_put_(const char *buf, unsigned long n) {
  while (n > 0) {
    long r = tsp_sys3_(TSP_SYS_WRITE_, 3, (long) buf, (long) n);
    if (r <= 0) return;
    buf += r;
    n -= (unsigned long) r;
  }
}

/* One line `<body id> <name> <hex of the value>` (hex: the value may hold any byte). */
static void tsp_emit_(const char *name, const unsigned char *v, unsigned long n, int is_null) {
  static const char hexd[] = "0123456789abcdef";
  char buf[512];
  unsigned long k = 0, i;
  const char *parts[2];
  parts[0] = tsp_cur_ ? tsp_cur_ : "-";
  parts[1] = name;
  for (i = 0; i < 2; i++) {
    unsigned long len = tsp_len_(parts[i]);
    tsp_put_(parts[i], len);
    tsp_put_(" ", 1);
  }
  if (is_null) {
    tsp_put_("!\n", 2);
    return;
  }
  for (i = 0; i < n; i++) {
    buf[k++] = hexd[v[i] >> 4];
    buf[k++] = hexd[v[i] & 15];
    if (k >= sizeof buf - 2) { tsp_put_(buf, k); k = 0; }
  }
  buf[k++] = '\n';
  tsp_put_(buf, k);
}

static void tsp_obs_str(const char *name, const char *s) {
  tsp_emit_(name, (const unsigned char *) s, tsp_len_(s), s == 0);
}

static void tsp_obs_mem(const char *name, const void *p, unsigned long n) {
  tsp_emit_(name, (const unsigned char *) p, n, p == 0);
}

static void tsp_obs_int(const char *name, long long v) {
  char d[32];
  int k = 31;
  unsigned long long u = v < 0 ? 0ULL - (unsigned long long) v : (unsigned long long) v;
  d[k] = 0;
  do { d[--k] = (char) ('0' + u % 10); u /= 10; } while (u && k > 1);
  if (v < 0) d[--k] = '-';
  tsp_obs_str(name, d + k);
}

static void tsp_begin(int argc, char **argv) {
  int i;
  if (argc > 1) tsp_id_ = argv[1];
  if (argc > 2) tsp_dir_ = argv[2];
  if (argc > 3) tsp_marker_ = argv[3];
  for (i = 0; i < 8 && 4 + i < argc; i++) tsp_words_[i] = argv[4 + i];
}

/* True (once) when `id` is the test this process runs; the body that follows reports under it. */
static int tsp_select(const char *id) {
  if (tsp_cur_ || !tsp_streq_(tsp_id_, id)) return 0;
  tsp_cur_ = id;
  return 1;
}

static const char *tsp_dir(void) { return tsp_dir_; }
static const char *tsp_marker(void) { return tsp_marker_; }
static const char *tsp_word(int i) { return i >= 0 && i < 8 ? tsp_words_[i] : ""; }

#endif
