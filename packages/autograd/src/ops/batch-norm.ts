import * as nd from '@nabla/tensor';
import { type FloatArray, formatShape, type NDArray, promote, ShapeError, ValueError } from '@nabla/tensor';
import { fromOp, type Tensor } from '../tensor.js';

export interface BatchNormOptions {
  /** Training normalizes with the batch's statistics and updates the running ones; evaluation uses the running ones. */
  training: boolean;
  /** running ← (1 − momentum)·running + momentum·batch (PyTorch's convention). */
  momentum?: number;
  eps?: number;
}

/**
 * Batch normalization (Ioffe & Szegedy 2015) over x [N, C] or [N, C, H, W], per channel c over the
 * m = N·H·W values it holds:
 *   μ = (1/m) Σ x,  σ² = (1/m) Σ (x − μ)²,  x̂ = (x − μ)/√(σ² + ε),  y = γ x̂ + β.
 * Training updates runningMean/runningVar in place (runningVar from the unbiased m/(m − 1)·σ²).
 * Hand-derived backward (training): dx = (γ/(m·√(σ² + ε))) · (m·dy − Σ dy − x̂ Σ dy·x̂),
 * dγ = Σ dy·x̂, dβ = Σ dy; in evaluation μ and σ² are constants, so dx = γ dy/√(var + ε).
 */
export function batchNorm(
  x: Tensor,
  gamma: Tensor | null,
  beta: Tensor | null,
  runningMean: NDArray,
  runningVar: NDArray,
  options: BatchNormOptions,
): Tensor {
  const { training, momentum = 0.1, eps = 1e-5 } = options;
  if (x.ndim !== 2 && x.ndim !== 4)
    throw new ShapeError('batchNorm', `input must be [N, C] or [N, C, H, W], got ${formatShape(x.shape)}`);
  const [n, c] = x.shape as [number, number];
  const hw = x.ndim === 4 ? x.shape[2]! * x.shape[3]! : 1;
  const m = n * hw;
  for (const [name, t] of [
    ['gamma', gamma?.data],
    ['beta', beta?.data],
    ['runningMean', runningMean],
    ['runningVar', runningVar],
  ] as const) {
    if (t && (t.ndim !== 1 || t.shape[0] !== c)) {
      throw new ShapeError(
        'batchNorm',
        `${name} must be [${c}] for input ${formatShape(x.shape)}, got ${formatShape(t.shape)}`,
      );
    }
  }
  if (training && m < 2)
    throw new ValueError(
      'batchNorm',
      `training needs more than one value per channel, got input ${formatShape(x.shape)}`,
    );
  const dtype = nd.floatType(promote(x.dtype, gamma?.dtype ?? x.dtype));
  const X = x.data.astype(dtype).values();
  const g = gamma ? gamma.data.astype(dtype).values() : null;
  const b = beta ? beta.data.astype(dtype).values() : null;
  const mean = new Float64Array(c);
  const invStd = new Float64Array(c);
  if (training) {
    const batchVar = new Float64Array(c);
    forEachChannel(n, c, hw, (ch, at) => (mean[ch]! += X[at]!));
    for (let ch = 0; ch < c; ch++) mean[ch]! /= m;
    forEachChannel(n, c, hw, (ch, at) => (batchVar[ch]! += (X[at]! - mean[ch]!) ** 2));
    for (let ch = 0; ch < c; ch++) {
      batchVar[ch]! /= m;
      invStd[ch] = 1 / Math.sqrt(batchVar[ch]! + eps);
    }
    // PyTorch's running statistics: an exponential moving average, the variance unbiased.
    const rm = runningMean.values();
    const rv = runningVar.values();
    nd.assign(runningMean, nd.fromTypedArray(rm.map((r, ch) => (1 - momentum) * r + momentum * mean[ch]!)));
    nd.assign(
      runningVar,
      nd.fromTypedArray(rv.map((r, ch) => (1 - momentum) * r + (momentum * batchVar[ch]! * m) / (m - 1))),
    );
  } else {
    const rm = runningMean.values();
    const rv = runningVar.values();
    for (let ch = 0; ch < c; ch++) {
      mean[ch] = rm[ch]!;
      invStd[ch] = 1 / Math.sqrt(rv[ch]! + eps);
    }
  }
  const xHat = nd.allocate(dtype, X.length) as FloatArray;
  const y = nd.allocate(dtype, X.length) as FloatArray;
  forEachChannel(n, c, hw, (ch, at) => {
    xHat[at] = (X[at]! - mean[ch]!) * invStd[ch]!;
    y[at] = (g ? g[ch]! : 1) * xHat[at]! + (b ? b[ch]! : 0);
  });
  const inputs = [x, ...(gamma ? [gamma] : []), ...(beta ? [beta] : [])];
  return fromOp('batchNorm', inputs, new nd.NDArray(y, x.shape), (dyArray) => {
    const dy = dyArray.astype(dtype).values();
    const sumDy = new Float64Array(c);
    const sumDyXHat = new Float64Array(c);
    forEachChannel(n, c, hw, (ch, at) => {
      sumDy[ch]! += dy[at]!;
      sumDyXHat[ch]! += dy[at]! * xHat[at]!;
    });
    const dx = nd.allocate(dtype, X.length) as FloatArray;
    forEachChannel(n, c, hw, (ch, at) => {
      const scale = (g ? g[ch]! : 1) * invStd[ch]!;
      dx[at] = training
        ? (scale / m) * (m * dy[at]! - sumDy[ch]! - xHat[at]! * sumDyXHat[ch]!)
        : scale * dy[at]!;
    });
    const grads: NDArray[] = [new nd.NDArray(dx, x.shape)];
    if (gamma) grads.push(nd.fromTypedArray(nd.allocate(dtype, c).map((_, ch) => sumDyXHat[ch]!)));
    if (beta) grads.push(nd.fromTypedArray(nd.allocate(dtype, c).map((_, ch) => sumDy[ch]!)));
    return grads;
  });
}

/** Visits every element of a contiguous [N, C, (H·W)] buffer with its channel. */
function forEachChannel(
  n: number,
  c: number,
  hw: number,
  visit: (channel: number, at: number) => void,
): void {
  let at = 0;
  for (let i = 0; i < n; i++) for (let ch = 0; ch < c; ch++) for (let s = 0; s < hw; s++) visit(ch, at++);
}
