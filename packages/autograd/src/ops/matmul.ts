import * as nd from '@nabla/tensor';
import { fromOp, type Tensor } from '../tensor.js';

/**
 * C = A·B (batched over leading axes). dA = dC·Bᵀ, dB = Aᵀ·dC — the heart of the delta rule's
 * ∂J/∂W = δ aᵀ. Broadcast batch axes are summed back.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  return fromOp('matmul', [a, b], nd.matmul(a.data, b.data), (dy) => [
    nd.sumToShape(nd.matmul(dy, b.data, { transB: true }), a.shape),
    nd.sumToShape(nd.matmul(a.data, dy, { transA: true }), b.shape),
  ]);
}
