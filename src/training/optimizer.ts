/**
 * AdamW (decoupled weight decay) with global-norm gradient clipping, in plain JS over Float32Arrays.
 * For a ~1M-parameter model the update costs a few milliseconds, keeps every number in float32
 * (so the state saved in a checkpoint resumes bit-exactly), and is identical on any tfjs backend.
 */

export interface AdamWConfig {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export interface AdamWState {
  step: number;
  m: Map<string, Float32Array>;
  v: Map<string, Float32Array>;
}

export function createAdamWState(params: Map<string, Float32Array>): AdamWState {
  const m = new Map<string, Float32Array>();
  const v = new Map<string, Float32Array>();
  for (const [k, p] of params) {
    m.set(k, new Float32Array(p.length));
    v.set(k, new Float32Array(p.length));
  }
  return { step: 0, m, v };
}

/** Global L2 norm of all gradients. */
export function globalNorm(grads: Map<string, Float32Array>): number {
  let s = 0;
  for (const g of grads.values()) for (let i = 0; i < g.length; i++) s += (g[i] as number) ** 2;
  return Math.sqrt(s);
}

/** Parameters that get weight decay: matrices, not biases, LayerNorm gains or position tables. */
export function decays(name: string): boolean {
  return /(^wte$)|(\.w[a-z]+$)/.test(name);
}

/**
 * One AdamW step in place on `params`. Gradients are scaled by min(1, clip / norm) first (clip <= 0
 * disables clipping). Returns the gradient norm before clipping.
 */
export function adamWStep(
  params: Map<string, Float32Array>,
  grads: Map<string, Float32Array>,
  state: AdamWState,
  lr: number,
  config: AdamWConfig,
  clip: number,
): number {
  const norm = globalNorm(grads);
  const scale = clip > 0 && norm > clip ? clip / norm : 1;
  state.step++;
  const { beta1, beta2, eps, weightDecay } = config;
  const bc1 = 1 - beta1 ** state.step;
  const bc2 = 1 - beta2 ** state.step;
  for (const [name, p] of params) {
    const g = grads.get(name);
    if (!g) continue;
    const m = state.m.get(name) as Float32Array;
    const v = state.v.get(name) as Float32Array;
    const wd = decays(name) ? weightDecay : 0;
    for (let i = 0; i < p.length; i++) {
      const gi = (g[i] as number) * scale;
      const mi = beta1 * (m[i] as number) + (1 - beta1) * gi;
      const vi = beta2 * (v[i] as number) + (1 - beta2) * gi * gi;
      m[i] = mi;
      v[i] = vi;
      const update = (m[i] as number) / bc1 / (Math.sqrt((v[i] as number) / bc2) + eps);
      p[i] = (p[i] as number) - lr * (update + wd * (p[i] as number));
    }
  }
  return norm;
}

/** Linear warm-up to `peak`, then cosine decay to `peak * minRatio` at `total` steps. */
export function learningRateAt(
  step: number,
  total: number,
  peak: number,
  warmup: number,
  minRatio: number,
): number {
  if (warmup > 0 && step < warmup) return (peak * (step + 1)) / warmup;
  const span = Math.max(1, total - warmup);
  const progress = Math.min(1, Math.max(0, (step - warmup) / span));
  const min = peak * minRatio;
  return min + 0.5 * (peak - min) * (1 + Math.cos(Math.PI * progress));
}
