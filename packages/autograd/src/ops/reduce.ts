import * as nd from '@nabla/tensor';
import { fromOp, type Tensor } from '../tensor.js';

/** Shape of a reduction's output with the reduced axes kept as 1 (so dy broadcasts back). */
function keptShape(op: string, shape: readonly number[], axis: nd.Axis | undefined): number[] {
  const axes =
    axis === undefined
      ? shape.map((_, i) => i)
      : (typeof axis === 'number' ? [axis] : axis).map((a) => nd.normalizeAxis(op, a, shape.length));
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** dy of a reduction, reshaped with the reduced axes kept and broadcast over the input's shape. */
function spread(dy: nd.NDArray, kept: readonly number[], shape: readonly number[]): nd.NDArray {
  return dy.reshape(kept).expand(shape);
}

/**
 * Σ over the axes (all of them by default); the gradient is dy broadcast back. y = Σᵢ xᵢ, ∂y/∂xᵢ = 1: the
 * gradient is dy copied to every summed position.
 */
export function sum(x: Tensor, axis?: nd.Axis, keepdims = false): Tensor {
  const kept = keptShape('sum', x.shape, axis);
  return fromOp('sum', [x], nd.sum(x.data, axis, keepdims), (dy) => [spread(dy, kept, x.shape).contiguous()]);
}

/**
 * The mean over the axes (all of them by default); the gradient is dy / n broadcast back. y = (1/n) Σᵢ xᵢ,
 * ∂y/∂xᵢ = 1/n.
 */
export function mean(x: Tensor, axis?: nd.Axis, keepdims = false): Tensor {
  const kept = keptShape('mean', x.shape, axis);
  const n = x.size / kept.reduce((a, b) => a * b, 1);
  return fromOp('mean', [x], nd.mean(x.data, axis, keepdims), (dy) => [nd.div(spread(dy, kept, x.shape), n)]);
}

/**
 * The largest value along the axes; the gradient goes to the maximum (split evenly on ties). y = maxᵢ xᵢ,
 * ∂y/∂xᵢ = [xᵢ = y] / (number of ties): the winners share the gradient, as in PyTorch's amax.
 */
export function max(x: Tensor, axis?: nd.Axis, keepdims = false): Tensor {
  return extremum('max', nd.max, x, axis, keepdims);
}

/**
 * The smallest value along the axes; the gradient goes to the minimum (split evenly on ties). y = minᵢ xᵢ,
 * ∂y/∂xᵢ = [xᵢ = y] / (number of ties).
 */
export function min(x: Tensor, axis?: nd.Axis, keepdims = false): Tensor {
  return extremum('min', nd.min, x, axis, keepdims);
}

function extremum(
  op: string,
  reduce: typeof nd.max,
  x: Tensor,
  axis: nd.Axis | undefined,
  keepdims: boolean,
): Tensor {
  const kept = keptShape(op, x.shape, axis);
  const y = reduce(x.data, axis, keepdims);
  return fromOp(op, [x], y, (dy) => {
    const winners = nd.equal(x.data, y.reshape(kept));
    const ties = nd.sum(winners, axis, true);
    return [nd.div(nd.mul(winners, dy.reshape(kept)), ties)];
  });
}

/**
 * The variance along the axes, dividing by n − correction (0: the population variance, Matlab's batch norm).
 * y = (1/(n − correction)) Σᵢ (xᵢ − μ)², ∂y/∂xᵢ = 2(xᵢ − μ)/(n − correction) (the Σ(xᵢ − μ) = 0 term drops).
 */
export function variance(x: Tensor, axis?: nd.Axis, keepdims = false, correction = 0): Tensor {
  const kept = keptShape('variance', x.shape, axis);
  const n = x.size / kept.reduce((a, b) => a * b, 1);
  const y = nd.variance(x.data, axis, keepdims, correction);
  return fromOp('variance', [x], y, (dy) => {
    const centered = nd.sub(x.data, nd.mean(x.data, axis, true));
    return [nd.mul(centered, nd.div(dy.reshape(kept), (n - correction) / 2))];
  });
}
