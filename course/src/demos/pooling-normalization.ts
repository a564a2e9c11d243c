import { avgPool2d, batchNorm, dropout, localResponseNorm, maxPool2d, sum, variable } from '@nabla/autograd';
import * as nd from '@nabla/tensor';
import { Random } from '@nabla/tensor';

/** A 4×4 one-channel image for the pooling demo. */
export const image = [
  [1, 3, 2, 0],
  [4, 6, 5, 1],
  [0, 2, 9, 7],
  [1, 3, 8, 4],
];

const grid = (values: ArrayLike<number>, width: number) =>
  Array.from({ length: values.length / width }, (_, i) =>
    Array.from(values).slice(i * width, (i + 1) * width),
  );

/**
 * 2×2 max and average pooling with stride 2 (LeNet's pooling) through the autograd ops, and where
 * each sends the gradient of Σ y: max pooling to each window's winner only, average pooling ¼ to all.
 */
export function pooling() {
  const run = (op: typeof maxPool2d) => {
    const x = variable([[image]], { requiresGrad: true, dtype: 'float64' });
    const y = op(x, 2, { stride: 2 });
    sum(y).backward();
    return { y: grid(y.data.values(), 2), dx: grid(x.grad!.values(), 4) };
  };
  return { max: run(maxPool2d), average: run(avgPool2d) };
}

/** A batch of 6 examples with 2 features on very different scales, for batch normalization. */
export const batch = [
  [10, -0.02],
  [12, 0.01],
  [9, 0.03],
  [15, -0.01],
  [11, 0.02],
  [13, 0.05],
];

const columnStats = (rows: number[][], c: number) => {
  const v = rows.map((r) => r[c]!);
  const mean = v.reduce((s, a) => s + a, 0) / v.length;
  return { mean, variance: v.reduce((s, a) => s + (a - mean) ** 2, 0) / v.length };
};

/** Batch normalization in training mode with γ = 1, β = 0, ε = 1e-5: each feature's mean and variance before and after. */
export function batchNormalization(eps = 1e-5) {
  const x = variable(batch, { dtype: 'float64' });
  const y = batchNorm(x, null, null, nd.zeros([2], 'float64'), nd.ones([2], 'float64'), {
    training: true,
    eps,
  });
  const out = grid(y.data.values(), 2);
  return {
    eps,
    y: out,
    channels: [0, 1].map((c) => ({ before: columnStats(batch, c), after: columnStats(out, c) })),
  };
}

/** Inverted dropout with p = 0.5 on 10,000 ones: the share kept, the values kept, the mean; evaluation is the identity. */
export function dropoutDemo(p = 0.5, n = 10_000, seed = 0) {
  const x = variable(nd.ones([n], 'float64'));
  const y = Array.from(dropout(x, p, { training: true, generator: new Random(seed) }).data.values());
  const kept = y.filter((v) => v !== 0);
  const evaluation = dropout(x, p, { training: false });
  return {
    p,
    n,
    keptShare: kept.length / n,
    keptValues: [...new Set(kept)],
    mean: y.reduce((s, v) => s + v, 0) / n,
    evaluationIsIdentity: evaluation === x,
  };
}

/** AlexNet's LRN (n = 5, k = 2, α = 1e-4, β = 0.75) on one position with 5 channels. */
export const lrnInput = [10, 20, 30, 40, 50];
export function lrn() {
  const x = variable([lrnInput.map((v) => [[v]])], { dtype: 'float64' });
  return { input: lrnInput, output: Array.from(localResponseNorm(x).data.values()) };
}
