import * as nd from '@nabla/tensor';
import { type NDArray, Random } from '@nabla/tensor';

/**
 * A linearly separable 2-D set: points on either side of the line x₁ + x₂ = 0, pushed at least
 * `margin` away from it, labelled 1 above and 0 below (targets [N, 1] for the quadratic loss).
 */
export function separableSet(n: number, seed: number, margin = 0.3): { x: NDArray; y: NDArray } {
  const g = new Random(seed);
  const x = nd.zeros([n, 2], 'float64');
  const y = nd.zeros([n, 1], 'float64');
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const along = g.uniformRange(-2, 2);
    const away = (margin + g.uniformRange(0, 1.5)) * (label === 1 ? 1 : -1);
    // Coordinates: `along` the line direction (1, −1)/√2 and `away` along its normal (1, 1)/√2.
    x.data[2 * i] = (along + away) / Math.SQRT2;
    x.data[2 * i + 1] = (-along + away) / Math.SQRT2;
    y.data[i] = label;
  }
  return { x, y };
}

/** The four XOR points and their targets: not linearly separable. */
export function xorSet(): { x: NDArray; y: NDArray } {
  return {
    x: nd.tensor(
      [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
      ],
      'float64',
    ),
    y: nd.tensor([[0], [1], [1], [0]], 'float64'),
  };
}

/** Three Gaussian blobs in 2-D, `n` points, class labels 0–2 (float32 inputs). */
export function blobs(n: number, seed: number, spread = 0.6): { x: NDArray; y: Int32Array } {
  const g = new Random(seed);
  const centres = [
    [1.5, 0],
    [-1.5, 1],
    [0, -1.5],
  ];
  const x = nd.zeros([n, 2]);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y[i] = c;
    x.data[2 * i] = centres[c]![0]! + spread * g.normal();
    x.data[2 * i + 1] = centres[c]![1]! + spread * g.normal();
  }
  return { x, y };
}

/** Fraction of outputs on the right side of 0.5. */
export function binaryAccuracy(output: NDArray, target: NDArray): number {
  let right = 0;
  for (let i = 0; i < target.size; i++) if ((output.data[i]! > 0.5 ? 1 : 0) === target.data[i]) right++;
  return right / target.size;
}
