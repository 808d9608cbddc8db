/*
 * The embedded model's native fast path: dense matmuls through OpenBLAS (Debian's
 * libopenblas0-pthread) and fused causal attention (forward and backward, one call per layer).
 * Every argument is a Float32Array; tfjs-wasm tensors are passed as views of the wasm heap, so
 * a matmul reads and writes the tensors in place (no copies). Built by scripts/build-native.sh.
 *
 * Exports:
 *   gemm(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, batch, strideA, strideB, strideC)
 *     C[i] = alpha * op(A[i]) @ op(B[i]) + beta * C[i] for i < batch (row-major; a zero stride
 *     broadcasts). Bounds are checked against the arrays' lengths.
 *   attentionForward(qkv, batch, t, heads, out, probs)
 *     qkv [batch*t, 3d] (q | k | v, heads of hd = d/heads columns) -> out [batch*t, d] (merged
 *     heads), probs [batch*heads, t, t] (causal softmax, kept for the backward).
 *   attentionBackward(qkv, probs, out, dy, batch, t, heads, dqkv)
 *     dy [batch*t, d] -> dqkv [batch*t, 3d].
 *   targetLogprobs(logits, rows, vocab, targets, logp, probs)
 *     logp[i] = log softmax(logits[i])[targets[i]], probs [rows, vocab] = the softmax (the
 *     backward's input; may be logits itself).
 *   targetLogprobsBackward(probs, rows, vocab, targets, dy, dlogits)
 *     dlogits[i] = dy[i] * (onehot(targets[i]) - probs[i]); dlogits may be probs itself.
 *   layerNormForward(x, rows, d, gain, bias, eps, y, xhat, rstd)
 *   layerNormBackward(dy, xhat, rstd, gain, rows, d, dx, dgain, dbias)
 *   geluForward(x, y), geluBackward(x, dy, dx)  (tanh approximation, as x * sigmoid(2u))
 *   decodeStep(x, rows, d, heads, layers, dff, vocab, eps, weights, kcache, vcache, positions,
 *              capacities, logits)
 *     One token per row through the whole model with a KV cache (see decode_step below).
 *   setThreads(n), threads(), config()
 */
#define NAPI_VERSION 8
#include <cblas.h>
#include <math.h>
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(call)                                                                                \
  do {                                                                                             \
    if ((call) != napi_ok) {                                                                       \
      napi_throw_error(env, NULL, "tsp-blas: N-API call failed: " #call);                          \
      return NULL;                                                                                 \
    }                                                                                              \
  } while (0)

#define REQUIRE(cond, msg)                                                                         \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      napi_throw_range_error(env, NULL, "tsp-blas: " msg);                                         \
      return NULL;                                                                                 \
    }                                                                                              \
  } while (0)

typedef struct {
  float *data;
  size_t length;
} F32;

/* The n arguments of a call into a[] (a RangeError unless there are exactly n). */
#define ARGS(n, name)                                                                              \
  size_t argc = n;                                                                                 \
  napi_value a[n];                                                                                 \
  CHECK(napi_get_cb_info(env, info, &argc, a, NULL, NULL));                                        \
  REQUIRE(argc == n, name " takes " #n " arguments")

/*
 * expf for the softmaxes and GELU, written so that GCC vectorizes the loops that call it
 * (libm's expf is a scalar call): Cody-Waite range reduction and Cephes' degree-6 polynomial,
 * within about 2 ulp of expf over [-87, 88] (inputs are clamped there: exp(-87) ~ 1.6e-38 stands
 * for 0, which no caller can tell apart from it).
 */
static inline float fast_exp(float x) {
  x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
  const float n = floorf(x * 1.44269504088896341f + 0.5f);
  const float r = x - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float y = p * r * r + r + 1.0f;
  const int32_t bits = ((int32_t)n + 127) << 23;
  float scale;
  memcpy(&scale, &bits, sizeof scale);
  return y * scale;
}

/* The data and length of a typed array of the given type, or a TypeError (returns 0). */
static int get_typed(napi_env env, napi_value v, napi_typedarray_type want, void **data, size_t *length) {
  napi_typedarray_type type;
  size_t offset;
  napi_value ab;
  if (napi_get_typedarray_info(env, v, &type, length, data, &ab, &offset) == napi_ok && type == want) return 1;
  napi_throw_type_error(env, NULL,
                        want == napi_float32_array ? "tsp-blas: expected a Float32Array"
                                                   : "tsp-blas: expected an Int32Array");
  return 0;
}

static int get_f32(napi_env env, napi_value v, F32 *out) {
  void *data;
  if (!get_typed(env, v, napi_float32_array, &data, &out->length)) return 0;
  out->data = (float *)data;
  return 1;
}

static int get_i32a(napi_env env, napi_value v, int32_t **out, size_t *length) {
  void *data;
  if (!get_typed(env, v, napi_int32_array, &data, length)) return 0;
  *out = (int32_t *)data;
  return 1;
}

/* get_i64, get_f64, get_bool: a JS number or boolean, or a TypeError (returns 0). */
#define SCALAR_GETTER(name, type, napi_get, what)                                                  \
  static int name(napi_env env, napi_value v, type *out) {                                         \
    if (napi_get(env, v, out) == napi_ok) return 1;                                                \
    napi_throw_type_error(env, NULL, "tsp-blas: expected " what);                                  \
    return 0;                                                                                      \
  }
SCALAR_GETTER(get_i64, int64_t, napi_get_value_int64, "an integer")
SCALAR_GETTER(get_f64, double, napi_get_value_double, "a number")
SCALAR_GETTER(get_bool, bool, napi_get_value_bool, "a boolean")

/* Number of floats a row-major rows x cols operand with leading dimension ld spans. */
static int64_t span(int64_t rows, int64_t cols, int64_t ld) {
  if (rows <= 0 || cols <= 0) return 0;
  return (rows - 1) * ld + cols;
}

static napi_value gemm(napi_env env, napi_callback_info info) {
  ARGS(17, "gemm");
  bool ta, tb;
  int64_t m, n, k, lda, ldb, ldc, batch, sa, sb, sc;
  double alpha, beta;
  F32 A, B, C;
  if (!get_bool(env, a[0], &ta) || !get_bool(env, a[1], &tb) || !get_i64(env, a[2], &m) ||
      !get_i64(env, a[3], &n) || !get_i64(env, a[4], &k) || !get_f64(env, a[5], &alpha) ||
      !get_f32(env, a[6], &A) || !get_i64(env, a[7], &lda) || !get_f32(env, a[8], &B) ||
      !get_i64(env, a[9], &ldb) || !get_f64(env, a[10], &beta) || !get_f32(env, a[11], &C) ||
      !get_i64(env, a[12], &ldc) || !get_i64(env, a[13], &batch) || !get_i64(env, a[14], &sa) ||
      !get_i64(env, a[15], &sb) || !get_i64(env, a[16], &sc))
    return NULL;
  REQUIRE(m >= 0 && n >= 0 && k >= 0 && batch >= 1 && sa >= 0 && sb >= 0 && sc >= 0,
          "gemm: negative size");
  REQUIRE(m < INT32_MAX && n < INT32_MAX && k < INT32_MAX, "gemm: size too large");
  /* op(A) is m x k: stored m x k (lda >= k) or k x m (lda >= m); likewise B and C */
  int64_t ar = ta ? k : m, ac = ta ? m : k, br = tb ? n : k, bc = tb ? k : n;
  REQUIRE(lda >= (ac > 1 ? ac : 1) && ldb >= (bc > 1 ? bc : 1) && ldc >= (n > 1 ? n : 1),
          "gemm: leading dimension too small");
  REQUIRE(sa * (batch - 1) + span(ar, ac, lda) <= (int64_t)A.length, "gemm: A too short");
  REQUIRE(sb * (batch - 1) + span(br, bc, ldb) <= (int64_t)B.length, "gemm: B too short");
  REQUIRE(sc * (batch - 1) + span(m, n, ldc) <= (int64_t)C.length, "gemm: C too short");
  if (m == 0 || n == 0) return NULL;
  for (int64_t i = 0; i < batch; i++) {
    float *c = C.data + i * sc;
    if (k == 0) {
      for (int64_t r = 0; r < m; r++)
        for (int64_t j = 0; j < n; j++) c[r * ldc + j] = beta == 0 ? 0.0f : (float)beta * c[r * ldc + j];
      continue;
    }
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                (blasint)m, (blasint)n, (blasint)k, (float)alpha, A.data + i * sa, (blasint)lda,
                B.data + i * sb, (blasint)ldb, (float)beta, c, (blasint)ldc);
  }
  return NULL;
}

typedef struct {
  int64_t batch, t, heads, d, hd, w;
} Dims;

/* out[0..n-1] = softmax(in[0..n-1]) (out may be in), zeros in out[n..t-1]; returns the log of
 * the normaliser, log sum exp(in). */
static float softmax_row(const float *in, float *out, int64_t n, int64_t t) {
  float mx = in[0];
#pragma omp simd reduction(max : mx)
  for (int64_t j = 1; j < n; j++) mx = in[j] > mx ? in[j] : mx;
  float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
  for (int64_t j = 0; j < n; j++) {
    out[j] = fast_exp(in[j] - mx);
    sum += out[j];
  }
  const float inv = 1.0f / sum;
#pragma omp simd
  for (int64_t j = 0; j < n; j++) out[j] *= inv;
  memset(out + n, 0, sizeof(float) * (size_t)(t - n));
  return mx + logf(sum);
}

/* Rows per block of the causal attention (a block multiplies only the keys its rows can see). */
#define ATTN_BLOCK 64

static int attention_dims(napi_env env, napi_value *a, const F32 *qkv, Dims *dm) {
  if (!get_i64(env, a[0], &dm->batch) || !get_i64(env, a[1], &dm->t) || !get_i64(env, a[2], &dm->heads))
    return 0;
  if (dm->batch < 1 || dm->t < 1 || dm->heads < 1 || dm->t > 65536) {
    napi_throw_range_error(env, NULL, "tsp-blas: attention: bad batch, t or heads");
    return 0;
  }
  int64_t rows = dm->batch * dm->t;
  if (qkv->length % rows != 0 || (qkv->length / rows) % (3 * dm->heads) != 0) {
    napi_throw_range_error(env, NULL, "tsp-blas: attention: qkv is not [batch*t, 3*heads*hd]");
    return 0;
  }
  dm->w = (int64_t)qkv->length / rows;
  dm->d = dm->w / 3;
  dm->hd = dm->d / dm->heads;
  return 1;
}

static napi_value attention_forward(napi_env env, napi_callback_info info) {
  ARGS(6, "attentionForward");
  F32 qkv, out, probs;
  Dims dm;
  if (!get_f32(env, a[0], &qkv) || !attention_dims(env, a + 1, &qkv, &dm) || !get_f32(env, a[4], &out) ||
      !get_f32(env, a[5], &probs))
    return NULL;
  const int64_t B = dm.batch, T = dm.t, H = dm.heads, D = dm.d, HD = dm.hd, W = dm.w;
  REQUIRE((int64_t)out.length == B * T * D, "attentionForward: out is not [batch*t, d]");
  REQUIRE((int64_t)probs.length == B * H * T * T, "attentionForward: probs is not [batch*heads, t, t]");
  const float scale = 1.0f / sqrtf((float)HD);
  for (int64_t b = 0; b < B; b++)
    for (int64_t h = 0; h < H; h++) {
      const float *q = qkv.data + b * T * W + h * HD;
      const float *k = q + D;
      const float *v = q + 2 * D;
      float *p = probs.data + (b * H + h) * T * T;
      float *o = out.data + b * T * D + h * HD;
      /* causal: rows r0..r0+rn see keys 0..e-1 only, so each block of rows multiplies that much */
      for (int64_t r0 = 0; r0 < T; r0 += ATTN_BLOCK) {
        const int64_t rn = T - r0 < ATTN_BLOCK ? T - r0 : ATTN_BLOCK, e = r0 + rn;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (blasint)rn, (blasint)e, (blasint)HD, scale,
                    q + r0 * W, (blasint)W, k, (blasint)W, 0.0f, p + r0 * T, (blasint)T);
        for (int64_t i = r0; i < e; i++) softmax_row(p + i * T, p + i * T, i + 1, T);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (blasint)rn, (blasint)HD, (blasint)e, 1.0f,
                    p + r0 * T, (blasint)T, v, (blasint)W, 0.0f, o + r0 * D, (blasint)D);
      }
    }
  return NULL;
}

static napi_value attention_backward(napi_env env, napi_callback_info info) {
  ARGS(8, "attentionBackward");
  F32 qkv, probs, out, dy, dqkv;
  Dims dm;
  if (!get_f32(env, a[0], &qkv) || !get_f32(env, a[1], &probs) || !get_f32(env, a[2], &out) ||
      !get_f32(env, a[3], &dy) || !attention_dims(env, a + 4, &qkv, &dm) || !get_f32(env, a[7], &dqkv))
    return NULL;
  const int64_t B = dm.batch, T = dm.t, H = dm.heads, D = dm.d, HD = dm.hd, W = dm.w;
  REQUIRE((int64_t)out.length == B * T * D && (int64_t)dy.length == B * T * D,
          "attentionBackward: out or dy is not [batch*t, d]");
  REQUIRE((int64_t)probs.length == B * H * T * T, "attentionBackward: probs is not [batch*heads, t, t]");
  REQUIRE(dqkv.length == qkv.length, "attentionBackward: dqkv is not the shape of qkv");
  const float scale = 1.0f / sqrtf((float)HD);
  float *ds = (float *)malloc(sizeof(float) * (size_t)(T * T + T));
  REQUIRE(ds != NULL, "attentionBackward: out of memory");
  float *rowdot = ds + T * T;
  for (int64_t b = 0; b < B; b++)
    for (int64_t h = 0; h < H; h++) {
      const int64_t base = b * T * W + h * HD;
      const float *q = qkv.data + base, *k = q + D, *v = q + 2 * D;
      float *dq = dqkv.data + base, *dk = dq + D, *dv = dq + 2 * D;
      const float *p = probs.data + (b * H + h) * T * T;
      const float *go = dy.data + b * T * D + h * HD;
      const float *o = out.data + b * T * D + h * HD;
      /* softmax backward: dS = P * (dP - rowsum(dP * P)), and rowsum(dP * P) = dO . O */
      for (int64_t i = 0; i < T; i++) {
        float s = 0.0f;
#pragma omp simd reduction(+ : s)
        for (int64_t j = 0; j < HD; j++) s += go[i * D + j] * o[i * D + j];
        rowdot[i] = s;
      }
      for (int64_t i = 0; i < T; i++) {
        memset(dk + i * W, 0, sizeof(float) * (size_t)HD);
        memset(dv + i * W, 0, sizeof(float) * (size_t)HD);
      }
      /* by blocks of rows, over the keys they see (0..e-1): dK and dV accumulate */
      for (int64_t r0 = 0; r0 < T; r0 += ATTN_BLOCK) {
        const int64_t rn = T - r0 < ATTN_BLOCK ? T - r0 : ATTN_BLOCK, e = r0 + rn;
        const float *pb = p + r0 * T;
        float *sb = ds + r0 * T;
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (blasint)e, (blasint)HD, (blasint)rn, 1.0f, pb,
                    (blasint)T, go + r0 * D, (blasint)D, 1.0f, dv, (blasint)W);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (blasint)rn, (blasint)e, (blasint)HD, 1.0f,
                    go + r0 * D, (blasint)D, v, (blasint)W, 0.0f, sb, (blasint)T);
        for (int64_t i = r0; i < e; i++) {
          const float r = rowdot[i];
          float *row = ds + i * T;
          const float *prow = p + i * T;
          for (int64_t j = 0; j <= i; j++) row[j] = prow[j] * (row[j] - r);
          for (int64_t j = i + 1; j < e; j++) row[j] = 0.0f;
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (blasint)rn, (blasint)HD, (blasint)e, scale, sb,
                    (blasint)T, k, (blasint)W, 0.0f, dq + r0 * W, (blasint)W);
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (blasint)e, (blasint)HD, (blasint)rn, scale, sb,
                    (blasint)T, q + r0 * W, (blasint)W, 1.0f, dk, (blasint)W);
      }
    }
  free(ds);
  return NULL;
}

/* The arguments of targetLogprobs and its backward: (m [rows, vocab], rows, vocab, targets [rows],
 * v [rows], out [rows, vocab]), checked, targets in range. */
typedef struct {
  F32 m, v, out;
  int64_t rows, vocab;
  const int32_t *targets;
} Logprob;

static int get_logprob_args(napi_env env, napi_callback_info info, Logprob *r) {
  size_t argc = 6, ntg;
  napi_value a[6];
  int32_t *tg;
  if (napi_get_cb_info(env, info, &argc, a, NULL, NULL) != napi_ok || argc != 6) {
    napi_throw_range_error(env, NULL, "tsp-blas: targetLogprobs takes 6 arguments");
    return 0;
  }
  if (!get_f32(env, a[0], &r->m) || !get_i64(env, a[1], &r->rows) || !get_i64(env, a[2], &r->vocab) ||
      !get_i32a(env, a[3], &tg, &ntg) || !get_f32(env, a[4], &r->v) || !get_f32(env, a[5], &r->out))
    return 0;
  if (r->rows < 0 || r->vocab < 1 || (int64_t)r->m.length != r->rows * r->vocab || (int64_t)ntg != r->rows ||
      (int64_t)r->v.length != r->rows || r->out.length != r->m.length) {
    napi_throw_range_error(env, NULL, "tsp-blas: targetLogprobs: shapes");
    return 0;
  }
  for (int64_t i = 0; i < r->rows; i++)
    if (tg[i] < 0 || tg[i] >= r->vocab) {
      napi_throw_range_error(env, NULL, "tsp-blas: targetLogprobs: target out of range");
      return 0;
    }
  r->targets = tg;
  return 1;
}

static napi_value target_logprobs(napi_env env, napi_callback_info info) {
  Logprob r;
  if (!get_logprob_args(env, info, &r)) return NULL;
  for (int64_t i = 0; i < r.rows; i++) {
    const float *in = r.m.data + i * r.vocab;
    r.v.data[i] = in[r.targets[i]] - softmax_row(in, r.out.data + i * r.vocab, r.vocab, r.vocab);
  }
  return NULL;
}

static napi_value target_logprobs_backward(napi_env env, napi_callback_info info) {
  Logprob r; /* m: the softmax, v: dy, out: dlogits (may be m) */
  if (!get_logprob_args(env, info, &r)) return NULL;
  for (int64_t i = 0; i < r.rows; i++) {
    const float g = r.v.data[i];
    const float *pr = r.m.data + i * r.vocab;
    const float pt = pr[r.targets[i]]; /* read first: out may be m */
    float *out = r.out.data + i * r.vocab;
    for (int64_t j = 0; j < r.vocab; j++) out[j] = g * (0.0f - pr[j]);
    out[r.targets[i]] = g * (1.0f - pt);
  }
  return NULL;
}

/* y = LayerNorm(x) * g + b for each row of x [rows, d]; the normalised rows and 1/std into xhat and
 * rstd when given (the training forward keeps them for the backward). */
static void layer_norm(const float *x, int64_t rows, int64_t d, const float *g, const float *b, float eps, float *y,
                       float *xhat, float *rstd) {
  for (int64_t i = 0; i < rows; i++) {
    const float *xr = x + i * d;
    float mean = 0.0f;
#pragma omp simd reduction(+ : mean)
    for (int64_t j = 0; j < d; j++) mean += xr[j];
    mean /= (float)d;
    float var = 0.0f;
#pragma omp simd reduction(+ : var)
    for (int64_t j = 0; j < d; j++) var += (xr[j] - mean) * (xr[j] - mean);
    var /= (float)d;
    const float r = 1.0f / sqrtf(var + eps);
    if (rstd) rstd[i] = r;
    float *yr = y + i * d;
#pragma omp simd
    for (int64_t j = 0; j < d; j++) {
      const float h = (xr[j] - mean) * r;
      if (xhat) xhat[i * d + j] = h;
      yr[j] = h * g[j] + b[j];
    }
  }
}

static napi_value layer_norm_forward(napi_env env, napi_callback_info info) {
  ARGS(9, "layerNormForward");
  F32 x, g, b, y, xhat, rstd;
  int64_t rows, d;
  double eps;
  if (!get_f32(env, a[0], &x) || !get_i64(env, a[1], &rows) || !get_i64(env, a[2], &d) ||
      !get_f32(env, a[3], &g) || !get_f32(env, a[4], &b) || !get_f64(env, a[5], &eps) ||
      !get_f32(env, a[6], &y) || !get_f32(env, a[7], &xhat) || !get_f32(env, a[8], &rstd))
    return NULL;
  REQUIRE(rows >= 0 && d >= 1 && (int64_t)x.length == rows * d && (int64_t)g.length == d &&
              (int64_t)b.length == d && y.length == x.length && xhat.length == x.length &&
              (int64_t)rstd.length == rows,
          "layerNormForward: shapes");
  layer_norm(x.data, rows, d, g.data, b.data, (float)eps, y.data, xhat.data, rstd.data);
  return NULL;
}

static napi_value layer_norm_backward(napi_env env, napi_callback_info info) {
  ARGS(9, "layerNormBackward");
  F32 dy, xhat, rstd, g, dx, dg, db;
  int64_t rows, d;
  if (!get_f32(env, a[0], &dy) || !get_f32(env, a[1], &xhat) || !get_f32(env, a[2], &rstd) ||
      !get_f32(env, a[3], &g) || !get_i64(env, a[4], &rows) || !get_i64(env, a[5], &d) ||
      !get_f32(env, a[6], &dx) || !get_f32(env, a[7], &dg) || !get_f32(env, a[8], &db))
    return NULL;
  REQUIRE(rows >= 0 && d >= 1 && (int64_t)dy.length == rows * d && xhat.length == dy.length &&
              (int64_t)rstd.length == rows && (int64_t)g.length == d && dx.length == dy.length &&
              (int64_t)dg.length == d && (int64_t)db.length == d,
          "layerNormBackward: shapes");
  memset(dg.data, 0, sizeof(float) * (size_t)d);
  memset(db.data, 0, sizeof(float) * (size_t)d);
  for (int64_t i = 0; i < rows; i++) {
    const float *gy = dy.data + i * d, *h = xhat.data + i * d;
    float m1 = 0.0f, m2 = 0.0f;
#pragma omp simd reduction(+ : m1, m2)
    for (int64_t j = 0; j < d; j++) {
      const float dh = gy[j] * g.data[j];
      m1 += dh;
      m2 += dh * h[j];
      dg.data[j] += gy[j] * h[j];
      db.data[j] += gy[j];
    }
    m1 /= (float)d;
    m2 /= (float)d;
    const float r = rstd.data[i];
    float *o = dx.data + i * d;
    for (int64_t j = 0; j < d; j++) o[j] = (gy[j] * g.data[j] - m1 - h[j] * m2) * r;
  }
  return NULL;
}

#define GELU_C 0.7978845608028654f /* sqrt(2 / pi) */
#define GELU_A 0.044715f

static napi_value gelu_forward(napi_env env, napi_callback_info info) {
  ARGS(2, "geluForward");
  F32 x, y;
  if (!get_f32(env, a[0], &x) || !get_f32(env, a[1], &y)) return NULL;
  REQUIRE(x.length == y.length, "geluForward: shapes");
  const float *xs = x.data;
  float *ys = y.data;
#pragma omp simd
  for (size_t i = 0; i < x.length; i++) {
    const float v = xs[i];
    const float s = 1.0f / (1.0f + fast_exp(-2.0f * GELU_C * v * (1.0f + GELU_A * v * v)));
    ys[i] = v * s;
  }
  return NULL;
}

static napi_value gelu_backward(napi_env env, napi_callback_info info) {
  ARGS(3, "geluBackward");
  F32 x, dy, dx;
  if (!get_f32(env, a[0], &x) || !get_f32(env, a[1], &dy) || !get_f32(env, a[2], &dx)) return NULL;
  REQUIRE(x.length == dy.length && dx.length == x.length, "geluBackward: shapes");
  const float *xs = x.data, *dys = dy.data;
  float *dxs = dx.data;
#pragma omp simd
  for (size_t i = 0; i < x.length; i++) {
    const float v = xs[i];
    const float s = 1.0f / (1.0f + fast_exp(-2.0f * GELU_C * v * (1.0f + GELU_A * v * v)));
    /* d/dx x*s(2u) = s + x s (1-s) 2c (1 + 3a x^2) */
    const float du = 2.0f * GELU_C * (1.0f + 3.0f * GELU_A * v * v);
    dxs[i] = dys[i] * (s + v * s * (1.0f - s) * du);
  }
  return NULL;
}

/* y [rows, n] = bias (broadcast) + (accumulate ? y : 0) + x [rows, k] @ w [k, n] */
static void dense_rows(const float *x, int64_t rows, int64_t k, const float *w, const float *bias, int64_t n,
                       float *y, int accumulate) {
  for (int64_t i = 0; i < rows; i++) {
    float *yr = y + i * n;
    if (accumulate)
      for (int64_t j = 0; j < n; j++) yr[j] += bias[j];
    else
      memcpy(yr, bias, sizeof(float) * (size_t)n);
  }
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (blasint)rows, (blasint)n, (blasint)k, 1.0f, x,
              (blasint)k, w, (blasint)n, 1.0f, y, (blasint)n);
}

#define DECODE_WEIGHTS_PER_LAYER 12

static int get_f32_element(napi_env env, napi_value arr, uint32_t i, F32 *out) {
  napi_value v;
  if (napi_get_element(env, arr, i, &v) != napi_ok) {
    napi_throw_type_error(env, NULL, "tsp-blas: expected an array of Float32Arrays");
    return 0;
  }
  return get_f32(env, v, out);
}

/*
 * One decode step for `rows` rows, each at its own position: x [rows, d] holds the token + position
 * embeddings and is the residual stream. Per layer: LayerNorm, qkv, the row's key and value
 * appended to its cache ([heads, capacity, hd] per row and layer) at positions[r], attention over
 * the cache, output projection, LayerNorm, GELU MLP; then the final LayerNorm and the logits
 * against the tied embedding: logits [rows, vocab].
 */
static napi_value decode_step(napi_env env, napi_callback_info info) {
  ARGS(14, "decodeStep");
  F32 x, logits;
  int64_t rows, d, heads, layers, dff, vocab;
  double eps;
  int32_t *pos, *cap;
  size_t npos, ncap;
  if (!get_f32(env, a[0], &x) || !get_i64(env, a[1], &rows) || !get_i64(env, a[2], &d) ||
      !get_i64(env, a[3], &heads) || !get_i64(env, a[4], &layers) || !get_i64(env, a[5], &dff) ||
      !get_i64(env, a[6], &vocab) || !get_f64(env, a[7], &eps) || !get_i32a(env, a[11], &pos, &npos) ||
      !get_i32a(env, a[12], &cap, &ncap) || !get_f32(env, a[13], &logits))
    return NULL;
  REQUIRE(rows >= 1 && d >= 1 && heads >= 1 && d % heads == 0 && layers >= 1 && dff >= 1 && vocab >= 1,
          "decodeStep: sizes");
  REQUIRE((int64_t)x.length == rows * d && (int64_t)npos == rows && (int64_t)ncap == rows &&
              (int64_t)logits.length == rows * vocab,
          "decodeStep: x, positions, capacities or logits");
  const int64_t hd = d / heads;
  const int64_t nw = layers * DECODE_WEIGHTS_PER_LAYER + 3;
  /* expected sizes of each layer's weights, in order */
  const int64_t sizes[DECODE_WEIGHTS_PER_LAYER] = {d, d, d * 3 * d, 3 * d, d * d, d, d, d, d * dff, dff, dff * d, d};
  F32 *w = (F32 *)malloc(sizeof(F32) * (size_t)nw);
  F32 *kc = (F32 *)malloc(sizeof(F32) * (size_t)(rows * layers));
  F32 *vc = (F32 *)malloc(sizeof(F32) * (size_t)(rows * layers));
  float *scratch = (float *)malloc(sizeof(float) * (size_t)(rows * (d + 3 * d + d + dff) + hd + 4096));
  if (!w || !kc || !vc || !scratch) {
    free(w), free(kc), free(vc), free(scratch);
    napi_throw_error(env, NULL, "tsp-blas: decodeStep: out of memory");
    return NULL;
  }
  int ok = 1;
  for (int64_t i = 0; ok && i < nw; i++) {
    ok = get_f32_element(env, a[8], (uint32_t)i, &w[i]);
    const int64_t want = i < layers * DECODE_WEIGHTS_PER_LAYER ? sizes[i % DECODE_WEIGHTS_PER_LAYER]
                         : i < nw - 1                        ? d
                                                             : vocab * d;
    if (ok && (int64_t)w[i].length != want) {
      napi_throw_range_error(env, NULL, "tsp-blas: decodeStep: a weight has the wrong size");
      ok = 0;
    }
  }
  for (int64_t i = 0; ok && i < rows * layers; i++) {
    const int64_t r = i / layers;
    ok = get_f32_element(env, a[9], (uint32_t)i, &kc[i]) && get_f32_element(env, a[10], (uint32_t)i, &vc[i]);
    if (ok && (pos[r] < 0 || pos[r] >= cap[r] || (int64_t)kc[i].length < heads * cap[r] * hd ||
               (int64_t)vc[i].length < heads * cap[r] * hd)) {
      napi_throw_range_error(env, NULL, "tsp-blas: decodeStep: a cache row is full or too short");
      ok = 0;
    }
  }
  int64_t maxlen = 0;
  for (int64_t r = 0; r < rows; r++) maxlen = pos[r] + 1 > maxlen ? pos[r] + 1 : maxlen;
  float *scores = ok ? (float *)malloc(sizeof(float) * (size_t)maxlen) : NULL;
  if (ok && !scores) {
    napi_throw_error(env, NULL, "tsp-blas: decodeStep: out of memory");
    ok = 0;
  }
  if (ok) {
    float *ln = scratch, *qkv = ln + rows * d, *y = qkv + rows * 3 * d, *fc = y + rows * d, *q = fc + rows * dff;
    const float scale = 1.0f / sqrtf((float)hd);
    for (int64_t l = 0; l < layers; l++) {
      const F32 *lw = w + l * DECODE_WEIGHTS_PER_LAYER;
      layer_norm(x.data, rows, d, lw[0].data, lw[1].data, (float)eps, ln, NULL, NULL);
      dense_rows(ln, rows, d, lw[2].data, lw[3].data, 3 * d, qkv, 0);
      for (int64_t r = 0; r < rows; r++) {
        const int64_t n = pos[r] + 1, c = cap[r];
        float *kl = kc[r * layers + l].data, *vl = vc[r * layers + l].data;
        const float *qr = qkv + r * 3 * d;
        for (int64_t h = 0; h < heads; h++) {
          float *kh = kl + h * c * hd, *vh = vl + h * c * hd;
          memcpy(kh + pos[r] * hd, qr + d + h * hd, sizeof(float) * (size_t)hd);
          memcpy(vh + pos[r] * hd, qr + 2 * d + h * hd, sizeof(float) * (size_t)hd);
          for (int64_t j = 0; j < hd; j++) q[j] = qr[h * hd + j] * scale;
          /* scores = K q over the n cached positions, softmax, y = V^T p (loops: BLAS calls on
           * vectors of a few dozen floats cost more than the arithmetic) */
          for (int64_t t = 0; t < n; t++) {
            const float *kt = kh + t * hd;
            float dot = 0.0f;
#pragma omp simd reduction(+ : dot)
            for (int64_t j = 0; j < hd; j++) dot += q[j] * kt[j];
            scores[t] = dot;
          }
          softmax_row(scores, scores, n, n);
          float *yh = y + r * d + h * hd;
          memset(yh, 0, sizeof(float) * (size_t)hd);
          for (int64_t t = 0; t < n; t++) {
            const float pt = scores[t], *vt = vh + t * hd;
#pragma omp simd
            for (int64_t j = 0; j < hd; j++) yh[j] += pt * vt[j];
          }
        }
      }
      dense_rows(y, rows, d, lw[4].data, lw[5].data, d, x.data, 1);
      layer_norm(x.data, rows, d, lw[6].data, lw[7].data, (float)eps, ln, NULL, NULL);
      dense_rows(ln, rows, d, lw[8].data, lw[9].data, dff, fc, 0);
#pragma omp simd
      for (int64_t i = 0; i < rows * dff; i++) {
        const float v = fc[i];
        fc[i] = v / (1.0f + fast_exp(-2.0f * GELU_C * v * (1.0f + GELU_A * v * v)));
      }
      dense_rows(fc, rows, dff, lw[10].data, lw[11].data, d, x.data, 1);
    }
    const F32 *fw = w + layers * DECODE_WEIGHTS_PER_LAYER;
    layer_norm(x.data, rows, d, fw[0].data, fw[1].data, (float)eps, ln, NULL, NULL);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (blasint)rows, (blasint)vocab, (blasint)d, 1.0f, ln,
                (blasint)d, fw[2].data, (blasint)d, 0.0f, logits.data, (blasint)vocab);
  }
  free(scores);
  free(w), free(kc), free(vc), free(scratch);
  return NULL;
}

static napi_value set_threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value a[1];
  int64_t n;
  CHECK(napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  REQUIRE(argc == 1, "setThreads takes 1 argument");
  if (!get_i64(env, a[0], &n)) return NULL;
  REQUIRE(n >= 1 && n <= 64, "setThreads: 1..64");
  openblas_set_num_threads((int)n);
  return NULL;
}

static napi_value threads(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  CHECK(napi_create_int32(env, openblas_get_num_threads(), &r));
  return r;
}

static napi_value config(napi_env env, napi_callback_info info) {
  (void)info;
  char buf[512];
  snprintf(buf, sizeof buf, "%s; core %s", openblas_get_config(), openblas_get_corename());
  napi_value r;
  CHECK(napi_create_string_utf8(env, buf, NAPI_AUTO_LENGTH, &r));
  return r;
}

#define EXPORT(name, fn) {name, NULL, fn, NULL, NULL, NULL, napi_enumerable, NULL}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      EXPORT("gemm", gemm),
      EXPORT("attentionForward", attention_forward),
      EXPORT("attentionBackward", attention_backward),
      EXPORT("targetLogprobs", target_logprobs),
      EXPORT("targetLogprobsBackward", target_logprobs_backward),
      EXPORT("layerNormForward", layer_norm_forward),
      EXPORT("layerNormBackward", layer_norm_backward),
      EXPORT("geluForward", gelu_forward),
      EXPORT("geluBackward", gelu_backward),
      EXPORT("decodeStep", decode_step),
      EXPORT("setThreads", set_threads),
      EXPORT("threads", threads),
      EXPORT("config", config),
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}
