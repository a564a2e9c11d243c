import * as nd from '@nabla/tensor';
import { type FloatArray, formatShape, type NDArray, promote, ShapeError, ValueError } from '@nabla/tensor';
import { fromOp, type Tensor } from '../tensor.js';

/** Options of {@link batchNorm}. */
export interface BatchNormOptions {
  /** Training normalizes with the batch's statistics and updates the running ones; evaluation uses the running ones. */
  training: boolean;
  /** running ← (1 − momentum)·running + momentum·batch (PyTorch's convention). */
  momentum?: number;
  /** ε added to the variance before the square root (default 1e-5). */
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
  const X = x.data.astype(dtype).values() as FloatArray;
  const g = gamma ? gamma.data.astype(dtype).values() : null;
  const b = beta ? beta.data.astype(dtype).values() : null;
  // Per-channel statistics in float64; then y = (x − μ)·k + β with k = γ/√(σ² + ε): one pass per plane.
  const mean = new Float64Array(c);
  const invStd = new Float64Array(c);
  if (training) {
    const batchVar = new Float64Array(c);
    channelMoments(X, n, c, hw, mean, batchVar);
    for (let ch = 0; ch < c; ch++) invStd[ch] = 1 / Math.sqrt(batchVar[ch]! + eps);
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
  const scale = new Float64Array(c);
  for (let ch = 0; ch < c; ch++) scale[ch] = (g ? g[ch]! : 1) * invStd[ch]!;
  const y = nd.allocate(dtype, X.length) as FloatArray;
  forEachPlane(n, c, hw, (ch, at, end) => {
    const mu = mean[ch]!;
    const k = scale[ch]!;
    const bc = b ? b[ch]! : 0;
    for (let i = at; i < end; i++) y[i] = (X[i]! - mu) * k + bc;
  });
  const inputs = [x, ...(gamma ? [gamma] : []), ...(beta ? [beta] : [])];
  return fromOp('batchNorm', inputs, new nd.NDArray(y, x.shape), (dyArray) => {
    const dy = dyArray.astype(dtype).values() as FloatArray;
    // Σ dy and Σ dy·x̂ per channel, with x̂ = (x − μ)·invStd recomputed rather than stored.
    const sumDy = new Float64Array(c);
    const sumDyXHat = new Float64Array(c);
    forEachPlane(n, c, hw, (ch, at, end) => {
      const mu = mean[ch]!;
      // Four running sums of each kind: one chain of float additions waits on its own latency at
      // every step; four interleaved ones keep the adder busy (about twice as fast).
      let sd0 = 0;
      let sd1 = 0;
      let sd2 = 0;
      let sd3 = 0;
      let sx0 = 0;
      let sx1 = 0;
      let sx2 = 0;
      let sx3 = 0;
      let i = at;
      for (; i + 4 <= end; i += 4) {
        const d0 = dy[i]!;
        const d1 = dy[i + 1]!;
        const d2 = dy[i + 2]!;
        const d3 = dy[i + 3]!;
        sd0 += d0;
        sd1 += d1;
        sd2 += d2;
        sd3 += d3;
        sx0 += d0 * (X[i]! - mu);
        sx1 += d1 * (X[i + 1]! - mu);
        sx2 += d2 * (X[i + 2]! - mu);
        sx3 += d3 * (X[i + 3]! - mu);
      }
      for (; i < end; i++) {
        sd0 += dy[i]!;
        sx0 += dy[i]! * (X[i]! - mu);
      }
      sumDy[ch]! += sd0 + sd1 + (sd2 + sd3);
      sumDyXHat[ch]! += (sx0 + sx1 + (sx2 + sx3)) * invStd[ch]!;
    });
    // Training: dx = (k/m)(m·dy − Σdy − x̂·Σdy·x̂) with k = γ·invStd and x̂ = (x − μ)·invStd, which per
    // channel is k·dy − t·(x − μ) − k·Σdy/m with t = k·invStd·Σdy·x̂/m. Evaluation: dx = k·dy.
    const dx = nd.allocate(dtype, X.length) as FloatArray;
    forEachPlane(n, c, hw, (ch, at, end) => {
      const k = scale[ch]!;
      const mu = mean[ch]!;
      const t = training ? (k * invStd[ch]! * sumDyXHat[ch]!) / m : 0;
      const b0 = training ? (k * sumDy[ch]!) / m : 0;
      for (let i = at; i < end; i++) dx[i] = dy[i]! * k - (X[i]! - mu) * t - b0;
    });
    const grads: NDArray[] = [new nd.NDArray(dx, x.shape)];
    if (gamma) grads.push(nd.fromTypedArray(nd.allocate(dtype, c).map((_, ch) => sumDyXHat[ch]!)));
    if (beta) grads.push(nd.fromTypedArray(nd.allocate(dtype, c).map((_, ch) => sumDy[ch]!)));
    return grads;
  });
}

/**
 * μ_c = (1/m) Σ x and σ²_c = (1/m) Σ (x − μ_c)² over the values of channel c, two passes (the
 * second around the mean, which keeps the variance accurate when |μ| ≫ σ), summed in float64.
 */
function channelMoments(
  X: FloatArray,
  n: number,
  c: number,
  hw: number,
  mean: Float64Array,
  variance: Float64Array,
): void {
  const m = n * hw;
  // Four interleaved running sums per plane (see the backward): the same quantities, twice as fast.
  forEachPlane(n, c, hw, (ch, at, end) => {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let i = at;
    for (; i + 4 <= end; i += 4) {
      s0 += X[i]!;
      s1 += X[i + 1]!;
      s2 += X[i + 2]!;
      s3 += X[i + 3]!;
    }
    for (; i < end; i++) s0 += X[i]!;
    mean[ch]! += s0 + s1 + (s2 + s3);
  });
  for (let ch = 0; ch < c; ch++) mean[ch]! /= m;
  forEachPlane(n, c, hw, (ch, at, end) => {
    const mu = mean[ch]!;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let i = at;
    for (; i + 4 <= end; i += 4) {
      const d0 = X[i]! - mu;
      const d1 = X[i + 1]! - mu;
      const d2 = X[i + 2]! - mu;
      const d3 = X[i + 3]! - mu;
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
    }
    for (; i < end; i++) {
      const d = X[i]! - mu;
      s0 += d * d;
    }
    variance[ch]! += s0 + s1 + (s2 + s3);
  });
  for (let ch = 0; ch < c; ch++) variance[ch]! /= m;
}

/** Visits each contiguous plane [at, end) of an [N, C, (H·W)] buffer with its channel: the loops stay inside the planes. */
function forEachPlane(
  n: number,
  c: number,
  hw: number,
  visit: (channel: number, at: number, end: number) => void,
): void {
  let at = 0;
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < c; ch++, at += hw) visit(ch, at, at + hw);
  }
}
