import * as nd from '@nabla/tensor';
import { fromOp, type Tensor } from '../tensor.js';

// #region softmax
/**
 * Course: softmax(z)ᵢ = e^zᵢ / Σⱼ e^zⱼ. Its Jacobian is diag(y) − y yᵀ, so the vector-Jacobian
 * product is dz = y ⊙ (dy − Σⱼ dyⱼ yⱼ).
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  const y = nd.softmax(x.data, axis);
  return fromOp('softmax', [x], y, (dy) => [nd.mul(y, nd.sub(dy, nd.sum(nd.mul(dy, y), axis, true)))]);
}
// #endregion softmax

/** log softmax(z)ᵢ = zᵢ − log Σⱼ e^zⱼ; dz = dy − softmax(z) · Σⱼ dyⱼ. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const y = nd.logSoftmax(x.data, axis);
  return fromOp('logSoftmax', [x], y, (dy) => [nd.sub(dy, nd.mul(nd.exp(y), nd.sum(dy, axis, true)))]);
}
