import * as nd from '@nabla/tensor';
import type { NDArray } from '@nabla/tensor';
import { fromOp, type Tensor } from '../tensor.js';
import { type Operand, pairOf } from './operand.js';

/**
 * The larger of a and b, element-wise; the gradient flows to the larger (split evenly on ties). y = max(a, b)
 * elementwise: the gradient goes to the larger operand (to a on ties).
 */
export function maximum(a: Operand, b: Operand): Tensor {
  const [x, y] = pairOf(a, b);
  const takeA = nd.greaterEqual(x.data, y.data);
  return fromOp('maximum', [x, y], nd.maximum(x.data, y.data), (dy) => routed(dy, takeA, x.shape, y.shape));
}

/**
 * The smaller of a and b, element-wise; the gradient flows to the smaller (split evenly on ties). y = min(a,
 * b) elementwise: the gradient goes to the smaller operand (to a on ties).
 */
export function minimum(a: Operand, b: Operand): Tensor {
  const [x, y] = pairOf(a, b);
  const takeA = nd.lessEqual(x.data, y.data);
  return fromOp('minimum', [x, y], nd.minimum(x.data, y.data), (dy) => routed(dy, takeA, x.shape, y.shape));
}

/**
 * a where cond is nonzero, else b; each gets the gradient where it was chosen. y = cond ? a : b elementwise:
 * the gradient goes to whichever operand was chosen.
 */
export function where(cond: NDArray, a: Operand, b: Operand): Tensor {
  const [x, y] = pairOf(a, b);
  return fromOp('where', [x, y], nd.where(cond, x.data, y.data), (dy) => routed(dy, cond, x.shape, y.shape));
}

/** Splits dy by a 0/1 mask: dy where the mask holds to the first operand, the rest to the second. */
function routed(dy: NDArray, mask: NDArray, shapeA: readonly number[], shapeB: readonly number[]): NDArray[] {
  return [nd.sumToShape(nd.where(mask, dy, 0), shapeA), nd.sumToShape(nd.where(mask, 0, dy), shapeB)];
}
