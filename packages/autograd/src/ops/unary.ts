import * as nd from '@nabla/tensor';
import { ValueError } from '@nabla/tensor';
import { fromOp, type Tensor } from '../tensor.js';

/** eˣ, element-wise. y = eˣ, dy/dx = eˣ = y */
export function exp(x: Tensor): Tensor {
  const y = nd.exp(x.data);
  return fromOp('exp', [x], y, (dy) => [nd.mul(dy, y)]);
}

/** The natural logarithm, element-wise. y = ln x, dy/dx = 1/x */
export function log(x: Tensor): Tensor {
  return fromOp('log', [x], nd.log(x.data), (dy) => [nd.div(dy, x.data)]);
}

/** √x, element-wise. y = √x, dy/dx = 1/(2√x) = 1/(2y) */
export function sqrt(x: Tensor): Tensor {
  const y = nd.sqrt(x.data);
  return fromOp('sqrt', [x], y, (dy) => [nd.div(dy, nd.mul(y, 2))]);
}

/** xᵖ for a constant exponent p. y = xᵖ for a constant exponent p, dy/dx = p·xᵖ⁻¹ */
export function pow(x: Tensor, exponent: number): Tensor {
  if (!Number.isFinite(exponent))
    throw new ValueError('pow', `exponent must be a finite number, got ${exponent}`);
  const y = nd.pow(x.data, exponent);
  return fromOp('pow', [x], y, (dy) => [nd.mul(dy, nd.mul(nd.pow(x.data, exponent - 1), exponent))]);
}

/** |x|, element-wise. y = |x|, dy/dx = sign(x) (0 at the kink, as PyTorch) */
export function abs(x: Tensor): Tensor {
  return fromOp('abs', [x], nd.abs(x.data), (dy) => [nd.mul(dy, nd.sign(x.data))]);
}

/** x², element-wise. y = x², dy/dx = 2x */
export function square(x: Tensor): Tensor {
  return fromOp('square', [x], nd.square(x.data), (dy) => [nd.mul(dy, nd.mul(x.data, 2))]);
}

/**
 * Each element clamped into [low, high]. y = min(max(x, low), high), dy/dx = 1 where low ≤ x ≤ high, else 0
 * (PyTorch's convention at the edges)
 */
export function clamp(x: Tensor, low = Number.NEGATIVE_INFINITY, high = Number.POSITIVE_INFINITY): Tensor {
  if (!(low <= high)) throw new ValueError('clamp', `low ${low} must not exceed high ${high}`);
  const inside = nd.mul(nd.greaterEqual(x.data, low), nd.lessEqual(x.data, high));
  return fromOp('clamp', [x], nd.clip(x.data, low, high), (dy) => [nd.mul(dy, inside)]);
}
