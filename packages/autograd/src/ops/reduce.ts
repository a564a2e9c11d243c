import * as nd from '@nabla/tensor';
import { fromOp, type Tensor } from '../tensor.js';

/** Shape of a reduction's output with the reduced axes kept as 1 (so dy broadcasts back). */
function keptShape(shape: readonly number[], axis: nd.Axis | undefined): number[] {
  const axes = axis === undefined ? shape.map((_, i) => i) : (typeof axis === 'number' ? [axis] : axis).map((a) => nd.normalizeAxis('reduce', a, shape.length));
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

// ∂/∂xᵢ Σ x = 1: the gradient is dy copied to every summed position.
export function sum(x: Tensor, axis?: nd.Axis, keepdims = false): Tensor {
  return fromOp('sum', [x], nd.sum(x.data, axis, keepdims), (dy) => [
    dy.reshape(keptShape(x.shape, axis)).expand(x.shape).contiguous(),
  ]);
}

// ∂/∂xᵢ mean x = 1/n.
export function mean(x: Tensor, axis?: nd.Axis, keepdims = false): Tensor {
  const kept = keptShape(x.shape, axis);
  const n = x.size / kept.reduce((a, b) => a * b, 1);
  return fromOp('mean', [x], nd.mean(x.data, axis, keepdims), (dy) => [
    nd.div(dy.reshape(kept).expand(x.shape), n),
  ]);
}
