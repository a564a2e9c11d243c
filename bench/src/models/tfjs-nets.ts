import { nchwToNhwc, randomFloats } from '../data.js';
import { tf } from '../peers/tfjs.js';

/** One training step of a TF.js network on the current backend, and what frees its tensors. */
export interface TfTrainer {
  step(): void;
  dispose(): void;
}

/** Glorot-uniform weights (as the course and PyTorch's reference use), zero biases, from fixed seeds. */
function glorot(shape: number[], fanIn: number, fanOut: number, seed: number): tf.Variable {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const values = randomFloats(
    shape.reduce((a, b) => a * b, 1),
    seed,
  ).map((v) => v * limit);
  return tf.variable(tf.tensor(values, shape));
}

function trainer(vars: tf.Variable[], inputs: tf.Tensor[], loss: () => tf.Scalar): TfTrainer {
  const optimizer = tf.train.momentum(0.01, 0.9);
  return {
    step: () => {
      optimizer.minimize(loss, false, vars);
    },
    dispose: () => {
      optimizer.dispose();
      tf.dispose([...vars, ...inputs]);
    },
  };
}

/**
 * The course's LeNet in TF.js core ops (NHWC), what tfjs-layers would run without its bookkeeping:
 * conv 3×3 'same' + bias, batch-norm from the batch's moments (no running averages kept),
 * ReLU, max pool 2/2, …, dense 50, ReLU, dense 10, softmax cross-entropy; momentum SGD 0.9.
 */
export function tfLenetTrainer(x: Float32Array, labels: Int32Array): TfTrainer {
  const batch = labels.length;
  const xs = tf.tensor4d(nchwToNhwc(x, batch, 1, 28, 28), [batch, 28, 28, 1]);
  const ys = tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), 10), 'float32');
  const convs = [
    [1, 16],
    [16, 32],
    [32, 64],
  ].map(([ci, co], i) => ({
    w: glorot([3, 3, ci!, co!], 9 * ci!, 9 * co!, 10 + i),
    b: tf.variable(tf.zeros([co!])),
    gamma: tf.variable(tf.ones([co!])),
    beta: tf.variable(tf.zeros([co!])),
  }));
  const f1w = glorot([3136, 50], 3136, 50, 20);
  const f1b = tf.variable(tf.zeros([50]));
  const f2w = glorot([50, 10], 50, 10, 21);
  const f2b = tf.variable(tf.zeros([10]));
  const block = (h: tf.Tensor4D, c: (typeof convs)[number]) => {
    const z = tf.add(tf.conv2d(h, c.w as tf.Tensor4D, 1, 'same'), c.b) as tf.Tensor4D;
    const { mean, variance } = tf.moments(z, [0, 1, 2]);
    return tf.relu(
      tf.batchNorm4d(
        z,
        mean as tf.Tensor1D,
        variance as tf.Tensor1D,
        c.beta as tf.Tensor1D,
        c.gamma as tf.Tensor1D,
        1e-5,
      ),
    );
  };
  const loss = () => {
    let h = tf.maxPool(block(xs, convs[0]!), 2, 2, 'valid');
    h = tf.maxPool(block(h, convs[1]!), 2, 2, 'valid');
    h = block(h, convs[2]!);
    const flat = tf.reshape(h, [batch, 3136]);
    const hidden = tf.relu(tf.add(tf.matMul(flat, f1w), f1b));
    const logits = tf.add(tf.matMul(hidden, f2w), f2b);
    return tf.losses.softmaxCrossEntropy(ys, logits) as tf.Scalar;
  };
  const vars = [...convs.flatMap((c) => [c.w, c.b, c.gamma, c.beta]), f1w, f1b, f2w, f2b];
  return trainer(vars, [xs, ys], loss);
}

/** MLP 784-128-64-10, ReLU, softmax cross-entropy, momentum SGD 0.9, in TF.js core ops. */
export function tfMlpTrainer(x: Float32Array, labels: Int32Array): TfTrainer {
  const batch = labels.length;
  const xs = tf.tensor2d(x, [batch, 784]);
  const ys = tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), 10), 'float32');
  const sizes = [784, 128, 64, 10];
  const layers = sizes.slice(1).map((out, i) => ({
    w: glorot([sizes[i]!, out], sizes[i]!, out, 30 + i),
    b: tf.variable(tf.zeros([out])),
  }));
  const loss = () => {
    let h: tf.Tensor2D = xs;
    layers.forEach((l, i) => {
      const z = tf.add(tf.matMul(h, l.w), l.b) as tf.Tensor2D;
      h = i < layers.length - 1 ? tf.relu(z) : z;
    });
    return tf.losses.softmaxCrossEntropy(ys, h) as tf.Scalar;
  };
  return trainer(
    layers.flatMap((l) => [l.w, l.b]),
    [xs, ys],
    loss,
  );
}
