/**
 * Gradients for the few tfjs kernels that the model and the losses differentiate through outside
 * their custom-gradient blocks. tfjs-core's Node (CommonJS) bundle registers no gradients at all,
 * and its ESM gradient files cannot be imported under Node, so they are registered here on the
 * same tfjs instance the backends use. Anything else fails loudly ("gradient function not found").
 */
import * as tf from '@tensorflow/tfjs-core';

type Grad = tf.GradConfig['gradFunc'];

/** Sum `dy` down to `shape` (undo broadcasting). */
function reduceTo(dy: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.broadcast_util.getReductionAxes(shape, dy.shape);
  const summed = axes.length > 0 ? tf.sum(dy, axes) : dy;
  return tf.reshape(summed, shape);
}

const binary = (f: (dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => [tf.Tensor, tf.Tensor]): Grad => {
  return (dy, saved) => {
    const [a, b] = saved as [tf.Tensor, tf.Tensor];
    const d = Array.isArray(dy) ? (dy[0] as tf.Tensor) : dy;
    const [da, db] = f(d, a, b);
    return { a: () => reduceTo(da, a.shape), b: () => reduceTo(db, b.shape) };
  };
};

const unary = (f: (dy: tf.Tensor, x: tf.Tensor) => tf.Tensor): Grad => {
  return (dy, saved) => {
    const [x] = saved as [tf.Tensor];
    const d = Array.isArray(dy) ? (dy[0] as tf.Tensor) : dy;
    return { x: () => f(d, x) };
  };
};

const configs: tf.GradConfig[] = [
  { kernelName: tf.Add, inputsToSave: ['a', 'b'], gradFunc: binary((dy) => [dy, dy]) },
  { kernelName: tf.Sub, inputsToSave: ['a', 'b'], gradFunc: binary((dy) => [dy, tf.neg(dy)]) },
  {
    kernelName: tf.Multiply,
    inputsToSave: ['a', 'b'],
    gradFunc: binary((dy, a, b) => [tf.mul(dy, b), tf.mul(dy, a)]),
  },
  { kernelName: tf.Neg, inputsToSave: ['x'], gradFunc: unary((dy) => tf.neg(dy)) },
  {
    kernelName: tf.Exp,
    outputsToSave: [true],
    gradFunc: (dy, saved) => ({ x: () => tf.mul(dy as tf.Tensor, saved[0] as tf.Tensor) }),
  },
  { kernelName: tf.Log, inputsToSave: ['x'], gradFunc: unary((dy, x) => tf.div(dy, x)) },
  { kernelName: tf.Log1p, inputsToSave: ['x'], gradFunc: unary((dy, x) => tf.div(dy, tf.add(x, 1))) },
  {
    kernelName: tf.Reshape,
    inputsToSave: ['x'],
    gradFunc: unary((dy, x) => tf.reshape(dy, x.shape)),
  },
  {
    kernelName: tf.Sum,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as [tf.Tensor];
      const axisAttr = (attrs as { axis: number | number[] }).axis;
      const axes = tf.util.parseAxisParam(axisAttr, x.shape);
      const keep = x.shape.map((s, i) => (axes.includes(i) ? 1 : s));
      return { x: () => tf.mul(tf.reshape(dy as tf.Tensor, keep), tf.onesLike(x)) };
    },
  },
  {
    kernelName: tf.Mean,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as [tf.Tensor];
      const axes = tf.util.parseAxisParam((attrs as { axis: number | number[] }).axis, x.shape);
      const keep = x.shape.map((s, i) => (axes.includes(i) ? 1 : s));
      const count = axes.reduce((n, i) => n * (x.shape[i] as number), 1);
      return { x: () => tf.mul(tf.reshape(tf.div(dy as tf.Tensor, count), keep), tf.onesLike(x)) };
    },
  },
];

let registered = false;

/** Register the gradients above once (idempotent, does not replace gradients registered by others). */
export function registerGradients(): void {
  if (registered) return;
  registered = true;
  for (const c of configs) if (!tf.getGradient(c.kernelName)) tf.registerGradient(c);
}
