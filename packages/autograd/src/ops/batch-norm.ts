import * as nd from '@nabla/tensor';
import { formatShape, type NDArray, promote, ShapeError, ValueError } from '@nabla/tensor';
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
  const X = x.data.astype(dtype);
  const g = gamma ? gamma.data.values() : null;
  const b = beta ? beta.data.values() : null;
  // μ and σ² per channel (float64): the batch's in training, the running ones in evaluation.
  let mean: Float64Array;
  let variance: Float64Array;
  if (training) {
    ({ mean, variance } = nd.batchNormStatistics(X));
    // PyTorch's running statistics: an exponential moving average, the variance unbiased.
    const rm = runningMean.values();
    const rv = runningVar.values();
    nd.assign(runningMean, nd.fromTypedArray(rm.map((r, ch) => (1 - momentum) * r + momentum * mean[ch]!)));
    nd.assign(
      runningVar,
      nd.fromTypedArray(rv.map((r, ch) => (1 - momentum) * r + (momentum * variance[ch]! * m) / (m - 1))),
    );
  } else {
    mean = Float64Array.from(runningMean.values());
    variance = Float64Array.from(runningVar.values());
  }
  // y = γ·(x − μ)/√(σ² + ε) + β = (x − μ)·k + β, with k = γ·invStd.
  const invStd = variance.map((v) => 1 / Math.sqrt(v + eps));
  const scale = invStd.map((s, ch) => (g ? g[ch]! : 1) * s);
  const shift = Float64Array.from({ length: c }, (_, ch) => (b ? b[ch]! : 0));
  const y = nd.batchNormForward(X, mean, scale, shift);
  const inputs = [x, ...(gamma ? [gamma] : []), ...(beta ? [beta] : [])];
  return fromOp('batchNorm', inputs, y, (dyArray) => {
    const dy = dyArray.astype(dtype);
    // Σ dy and Σ dy·x̂ per channel, with x̂ = (x − μ)·invStd recomputed rather than stored.
    const { sumDy, sumDyXc } = nd.batchNormBackwardSums(dy, X, mean);
    const sumDyXHat = sumDyXc.map((s, ch) => s * invStd[ch]!);
    // Training: dx = (k/m)(m·dy − Σdy − x̂·Σdy·x̂) = k·dy − (x − μ)·t − k·Σdy/m, with
    // t = k·invStd·Σdy·x̂/m. Evaluation (μ, σ² constants): dx = k·dy.
    const t = training ? scale.map((k, ch) => (k * invStd[ch]! * sumDyXHat[ch]!) / m) : new Float64Array(c);
    const t0 = training ? scale.map((k, ch) => (k * sumDy[ch]!) / m) : new Float64Array(c);
    const dx = nd.batchNormBackwardInput(dy, X, mean, scale, t, t0);
    const grads: NDArray[] = [dx];
    if (gamma) grads.push(nd.fromTypedArray(nd.allocate(dtype, c).map((_, ch) => sumDyXHat[ch]!)));
    if (beta) grads.push(nd.fromTypedArray(nd.allocate(dtype, c).map((_, ch) => sumDy[ch]!)));
    return grads;
  });
}
