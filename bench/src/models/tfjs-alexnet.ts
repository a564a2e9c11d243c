import { randomFloats } from '../data.js';
import { tf } from '../peers/tfjs.js';

interface Conv {
  w: tf.Tensor4D;
  b: tf.Tensor1D;
  stride: number;
  pad: number | 'valid';
  groups: number;
}

/** He-scaled uniform weights from fixed seeds: inference speed does not depend on their values. */
function weights(shape: number[], fanIn: number, seed: number): tf.Tensor {
  const limit = Math.sqrt(6 / fanIn);
  return tf.tensor(
    randomFloats(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ).map((v) => v * limit),
    shape,
  );
}

function conv(
  ci: number,
  co: number,
  k: number,
  stride: number,
  pad: number,
  groups: number,
  seed: number,
): Conv {
  return {
    w: weights([k, k, ci / groups, co], k * k * (ci / groups), seed) as tf.Tensor4D,
    b: tf.zeros([co]) as tf.Tensor1D,
    stride,
    pad: pad === 0 ? 'valid' : pad,
    groups,
  };
}

/** TF.js has no grouped convolution: split the channels, convolve each group, concatenate. */
function applyConv(x: tf.Tensor4D, c: Conv): tf.Tensor4D {
  const one = (xi: tf.Tensor4D, wi: tf.Tensor4D) => tf.conv2d(xi, wi, c.stride, c.pad);
  const y =
    c.groups === 1
      ? one(x, c.w)
      : tf.concat(
          (tf.split(x, c.groups, 3) as tf.Tensor4D[]).map((xi, i) =>
            one(xi, tf.split(c.w, c.groups, 3)[i] as tf.Tensor4D),
          ),
          3,
        );
  return tf.relu(tf.add(y, c.b)) as tf.Tensor4D;
}

/**
 * The original AlexNet (Caffe's, as @nabla/models builds it) in TF.js core ops, NHWC, inference:
 * conv1 11×11/4 96, ReLU, LRN 5, max pool 3/2, conv2 5×5 pad 2 ×256 in 2 groups, ReLU, LRN,
 * max pool, conv3 3×3 ×384, conv4 ×384 (2 groups), conv5 ×256 (2 groups), max pool, fc 4096,
 * fc 4096, fc 1000 (dropout is the identity at inference).
 */
export function tfAlexnet(): { forward(x: tf.Tensor4D): tf.Tensor; dispose(): void } {
  const c1 = conv(3, 96, 11, 4, 0, 1, 41);
  const c2 = conv(96, 256, 5, 1, 2, 2, 42);
  const c3 = conv(256, 384, 3, 1, 1, 1, 43);
  const c4 = conv(384, 384, 3, 1, 1, 2, 44);
  const c5 = conv(384, 256, 3, 1, 1, 2, 45);
  const fc = [
    [9216, 4096],
    [4096, 4096],
    [4096, 1000],
  ].map(([i, o], k) => ({
    w: weights([i!, o!], i!, 46 + k) as tf.Tensor2D,
    b: tf.zeros([o!]) as tf.Tensor1D,
  }));
  // Caffe's LRN divides alpha by the window size; TF.js's does not.
  const lrn = (x: tf.Tensor4D) => tf.localResponseNormalization(x, 2, 2, 1e-4 / 5, 0.75);
  const pool = (x: tf.Tensor4D) => tf.maxPool(x, 3, 2, 'valid');
  return {
    forward(x) {
      let h = pool(lrn(applyConv(x, c1)));
      h = pool(lrn(applyConv(h, c2)));
      h = pool(applyConv(applyConv(applyConv(h, c3), c4), c5));
      let v: tf.Tensor2D = tf.reshape(h, [x.shape[0], 9216]);
      fc.forEach((l, i) => {
        const z = tf.add(tf.matMul(v, l.w), l.b) as tf.Tensor2D;
        v = i < fc.length - 1 ? tf.relu(z) : z;
      });
      return v;
    },
    dispose() {
      tf.dispose([c1, c2, c3, c4, c5].flatMap((c) => [c.w, c.b]));
      tf.dispose(fc.flatMap((l) => [l.w, l.b]));
    },
  };
}
