import { beforeAll, describe, expect, it } from 'vitest';
import { tf, useBackend } from '../models/embedded/backend.ts';
import { createModel } from '../models/embedded/gpt.ts';
import { EmbeddedPolicy } from '../models/embedded/policy.ts';
import { trainTokenizer } from '../models/embedded/tokenizer.ts';
import { encodePreference, encodeSupervised, packBatch } from './batching.ts';
import { DEFAULT_LOSS_CONFIG, LOSSES, type LossInputs } from './losses.ts';
import { batchLogprobs, packPreferenceBatch } from './trainer.ts';

const logSigmoid = (x: number) => -Math.log1p(Math.exp(-x));

/** Two pairs, t = 3; rows 0-1 chosen, rows 2-3 rejected. */
function handInputs(): LossInputs {
  const logps = tf.tensor2d(
    [
      [-1.0, -2.0, -0.5],
      [-0.3, -0.7, -9.0],
      [-2.0, -1.0, -0.2],
      [-0.1, -4.0, -9.0],
    ],
    [4, 3],
  );
  const refLogps = tf.tensor2d(
    [
      [-1.5, -1.5, -1.0],
      [-0.5, -0.5, -9.0],
      [-1.0, -1.0, -1.0],
      [-0.2, -3.0, -9.0],
    ],
    [4, 3],
  );
  // full: all continuation tokens (third position of rows 1 and 3 is padding)
  const full = Float32Array.from([1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0]);
  const segment = Float32Array.from([1, 0, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  return { logps, refLogps, rows: 4, t: 3, planes: { full, segment }, pairs: 2 };
}

const value = (s: tf.Scalar) => s.dataSync()[0] as number;

describe('losses against hand-computed values', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('nll is the weight-normalised negative log-likelihood', () => {
    const out = LOSSES.nll(
      {
        logps: tf.tensor2d([[-1, -2, -3]], [1, 3]),
        rows: 1,
        t: 3,
        planes: { weight: Float32Array.from([0, 2, 1]) },
      },
      DEFAULT_LOSS_CONFIG,
    );
    // -(2 * -2 + 1 * -3) / 3 = 7/3
    expect(value(out.loss)).toBeCloseTo(7 / 3, 6);
  });

  it('dpo sums log-ratios over all continuation tokens', () => {
    const beta = 0.5;
    const out = LOSSES.dpo(handInputs(), { ...DEFAULT_LOSS_CONFIG, beta });
    // pair 0: chosen (-1+1.5)+(-2+1.5)+(-0.5+1) = 0.5; rejected (-2+1)+(0)+(-0.2+1) = -0.2 -> margin 0.7
    // pair 1: chosen (-0.3+0.5)+(-0.7+0.5) = 0;       rejected (-0.1+0.2)+(-4+3) = -0.9 -> margin 0.9
    const expected = -(logSigmoid(beta * 0.7) + logSigmoid(beta * 0.9)) / 2;
    expect(value(out.loss)).toBeCloseTo(expected, 5);
    expect(value(out.metrics.margin as tf.Scalar)).toBeCloseTo(0.8, 5);
    expect(value(out.metrics.accuracy as tf.Scalar)).toBe(1);
  });

  it('tsp restricts the log-ratio to the divergent segment and adds the NLL anchor', () => {
    const beta = 0.5;
    const plain = LOSSES.tsp(handInputs(), { ...DEFAULT_LOSS_CONFIG, beta });
    // pair 0: chosen segment {0}: 0.5; rejected segment {1}: 0 -> margin 0.5
    // pair 1: chosen segment {0,1}: 0; rejected segment {0}: 0.1 -> margin -0.1
    const dpoPart = -(logSigmoid(beta * 0.5) + logSigmoid(beta * -0.1)) / 2;
    expect(value(plain.loss)).toBeCloseTo(dpoPart, 5);
    const anchored = LOSSES.tsp(handInputs(), { ...DEFAULT_LOSS_CONFIG, beta, anchorWeight: 0.25 });
    // anchor: NLL over chosen full tokens: (1 + 2 + 0.5 + 0.3 + 0.7) / 5 = 0.9
    expect(value(anchored.metrics.anchor as tf.Scalar)).toBeCloseTo(0.9, 5);
    expect(value(anchored.loss)).toBeCloseTo(dpoPart + 0.25 * 0.9, 5);
    expect(value(anchored.metrics.accuracy as tf.Scalar)).toBe(0.5);
  });

  it('unlikelihood = NLL on chosen segment - mean log(1 - p) on rejected segment', () => {
    const out = LOSSES.unlikelihood(handInputs(), { ...DEFAULT_LOSS_CONFIG, unlikelihoodWeight: 2 });
    const like = (1.0 + 0.3 + 0.7) / 3;
    const unl = -(Math.log(1 - Math.exp(-1.0) + 1e-6) + Math.log(1 - Math.exp(-0.1) + 1e-6)) / 2;
    expect(value(out.metrics.likelihood as tf.Scalar)).toBeCloseTo(like, 5);
    expect(value(out.metrics.unlikelihood as tf.Scalar)).toBeCloseTo(unl, 4);
    expect(value(out.loss)).toBeCloseTo(like + 2 * unl, 4);
  });
});

describe('losses on a tiny model', () => {
  const corpus = ['x = input()\nos.system(x)\n', 'x = input()\nsubprocess.run([x])\n'];
  const tok = trainTokenizer([...corpus, ...corpus], 300);
  let policyModel: ReturnType<typeof createModel>;
  let refModel: ReturnType<typeof createModel>;

  beforeAll(async () => {
    await useBackend('wasm');
    policyModel = createModel(
      { vocabSize: tok.vocabSize, contextLength: 48, dModel: 16, nLayers: 1, nHeads: 2 },
      1,
    );
    refModel = createModel(
      { vocabSize: tok.vocabSize, contextLength: 48, dModel: 16, nLayers: 1, nHeads: 2 },
      2,
    );
  });

  it('dpo and tsp equal the values computed from Policy.score of policy and reference', async () => {
    const ex = {
      prefix: 'x = input()\n',
      chosen: 'subprocess.run([x])\n',
      rejected: 'os.system(x)\n',
      chosenSegmentChars: 11,
      rejectedSegmentChars: 3,
    };
    const pol = new EmbeddedPolicy(policyModel, tok);
    const ref = new EmbeddedPolicy(refModel, tok);
    const reqs = [
      { prefix: ex.prefix, continuation: ex.chosen },
      { prefix: ex.prefix, continuation: ex.rejected },
    ];
    const [pc, pr] = await pol.score(reqs);
    const [rc, rr] = await ref.score(reqs);
    const sumWhere = (lp: number[], offs: number[], limit: number) =>
      lp.reduce((s, x, i) => s + ((offs[i] as number) < limit ? x : 0), 0);
    const beta = 0.3;
    const fullMargin = (pc?.total ?? 0) - (rc?.total ?? 0) - ((pr?.total ?? 0) - (rr?.total ?? 0));
    const segMargin =
      sumWhere(pc?.tokenLogprobs ?? [], pc?.tokenOffsets ?? [], 11) -
      sumWhere(rc?.tokenLogprobs ?? [], rc?.tokenOffsets ?? [], 11) -
      (sumWhere(pr?.tokenLogprobs ?? [], pr?.tokenOffsets ?? [], 3) -
        sumWhere(rr?.tokenLogprobs ?? [], rr?.tokenOffsets ?? [], 3));
    expect(segMargin).not.toBeCloseTo(fullMargin, 3);

    const enc = encodePreference(tok, ex, 48);
    const { packed } = packPreferenceBatch([{ ...enc, weight: 1 }]);
    const compute = (name: 'dpo' | 'tsp') =>
      tf.tidy(() => {
        const inputs: LossInputs = {
          logps: batchLogprobs(policyModel, packed),
          refLogps: batchLogprobs(refModel, packed),
          rows: packed.rows,
          t: packed.t,
          planes: packed.planes,
          pairs: 1,
        };
        return LOSSES[name](inputs, { ...DEFAULT_LOSS_CONFIG, beta }).loss.dataSync()[0] as number;
      });
    expect(compute('dpo')).toBeCloseTo(-logSigmoid(beta * fullMargin), 4);
    expect(compute('tsp')).toBeCloseTo(-logSigmoid(beta * segMargin), 4);
  });

  it('computes logits only at weighted positions with the same values and gradients', () => {
    const seq = encodeSupervised(tok, { prompt: 'x = input()\n', target: 'os.system(x)\n' }, 48);
    const packed = packBatch([{ ids: seq.ids, planes: { weight: seq.weights } }]);
    const vars = [...policyModel.params.values()];
    const run = (only: boolean) => {
      const { value: v, grads } = tf.variableGrads(
        () =>
          LOSSES.nll(
            {
              logps: batchLogprobs(policyModel, packed, only),
              rows: packed.rows,
              t: packed.t,
              planes: packed.planes,
            },
            DEFAULT_LOSS_CONFIG,
          ).loss,
        vars,
      );
      const out = {
        loss: v.dataSync()[0] as number,
        g: vars.map((x) => Array.from((grads[x.name] as tf.Tensor).dataSync())),
      };
      tf.dispose([v, ...Object.values(grads)]);
      return out;
    };
    const sel = run(true);
    const full = run(false);
    expect(sel.loss).toBeCloseTo(full.loss, 5);
    sel.g.forEach((g, i) => {
      g.forEach((x, j) => {
        expect(Math.abs(x - (full.g[i]?.[j] as number))).toBeLessThan(1e-5);
      });
    });
  });

  it('tokens with weight zero do not affect the loss or its gradients', () => {
    const seq = encodeSupervised(tok, { prompt: 'x = input()\n', target: 'os.system(x)\n' }, 48);
    const packed = packBatch([{ ids: seq.ids, planes: { weight: seq.weights } }]);
    const zeroAt = Array.from(packed.planes.weight as Float32Array)
      .map((w, i) => (w === 0 ? i : -1))
      .filter((i) => i >= 0);
    expect(zeroAt.length).toBeGreaterThan(2);
    const altered = { ...packed, targets: Int32Array.from(packed.targets) };
    for (const i of zeroAt) altered.targets[i] = ((altered.targets[i] as number) + 7) % tok.vocabSize;
    const vars = [...policyModel.params.values()];
    const run = (b: typeof packed) => {
      const { value: v, grads } = tf.variableGrads(
        () =>
          LOSSES.nll(
            { logps: batchLogprobs(policyModel, b), rows: b.rows, t: b.t, planes: b.planes },
            DEFAULT_LOSS_CONFIG,
          ).loss,
        vars,
      );
      const out = {
        loss: v.dataSync()[0] as number,
        g: vars.map((x) => Array.from((grads[x.name] as tf.Tensor).dataSync())),
      };
      tf.dispose([v, ...Object.values(grads)]);
      return out;
    };
    const a = run(packed);
    const b = run(altered);
    expect(b.loss).toBe(a.loss);
    expect(b.g).toEqual(a.g);
    // and a weighted token does matter
    const w = (packed.planes.weight as Float32Array).findIndex((x) => x > 0);
    const touched = { ...packed, targets: Int32Array.from(packed.targets) };
    touched.targets[w] = ((touched.targets[w] as number) + 7) % tok.vocabSize;
    expect(run(touched).loss).not.toBe(a.loss);
  });
});
