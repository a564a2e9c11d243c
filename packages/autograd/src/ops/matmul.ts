import * as nd from '@nabla/tensor';
import { formatShape, ShapeError } from '@nabla/tensor';
import { fromOp, type Tensor } from '../tensor.js';

// #region matmul
/**
 * C = A·B (batched over leading axes). dA = dC·Bᵀ, dB = Aᵀ·dC — the heart of the delta rule's
 * ∂J/∂W = δ aᵀ. Broadcast batch axes are summed back.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  // A gradient nobody asked for (an input without requiresGrad, such as the data) is not computed.
  return fromOp('matmul', [a, b], nd.matmul(a.data, b.data), (dy) => [
    a.requiresGrad ? nd.sumToShape(nd.matmul(dy, b.data, { transB: true }), a.shape) : null,
    b.requiresGrad ? nd.sumToShape(nd.matmul(a.data, dy, { transA: true }), b.shape) : null,
  ]);
}
// #endregion matmul

// #region linear
/**
 * Course: the fully connected layer z = W·a + b, written for a batch of rows x [N, in] (or [..., in]):
 * y = x·Wᵀ + b with W [out, in]. dx = dy·W, dW = dyᵀ·x (δ aᵀ summed over the batch), db = Σₙ dy.
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (weight.ndim !== 2)
    throw new ShapeError('linear', `weight must be [out, in], got ${formatShape(weight.shape)}`);
  const [outFeatures, inFeatures] = weight.shape as [number, number];
  if (x.ndim < 1 || x.shape[x.ndim - 1] !== inFeatures) {
    throw new ShapeError(
      'linear',
      `input ${formatShape(x.shape)} must end in ${inFeatures} features for weight ${formatShape(weight.shape)}`,
    );
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== outFeatures)) {
    throw new ShapeError('linear', `bias must be [${outFeatures}], got ${formatShape(bias.shape)}`);
  }
  const rows = x.data.reshape([-1, inFeatures]);
  let y = nd.matmul(rows, weight.data, { transB: true });
  if (bias) y = nd.add(y, bias.data);
  const outShape = [...x.shape.slice(0, -1), outFeatures];
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return fromOp('linear', inputs, y.reshape(outShape), (dy) => {
    const d = dy.reshape([-1, outFeatures]);
    // dx is skipped for the network's input (it needs no gradient): a third of a first layer's backward.
    return [
      x.requiresGrad ? nd.matmul(d, weight.data).reshape(x.shape) : null,
      weight.requiresGrad ? nd.matmul(d, rows, { transA: true }) : null,
      bias ? nd.sum(d, 0) : null,
    ];
  });
}
// #endregion linear
