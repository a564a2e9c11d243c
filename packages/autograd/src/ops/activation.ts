import * as nd from '@nabla/tensor';
import { fromOp, type Tensor } from '../tensor.js';

// #region sigmoid
/** Course: f(z) = 1/(1 + e^−z), f′(z) = f(z)(1 − f(z)). */
export function sigmoid(x: Tensor): Tensor {
  const y = nd.sigmoid(x.data);
  return fromOp('sigmoid', [x], y, (dy) => [nd.mul(dy, nd.mul(y, nd.sub(1, y)))]);
}
// #endregion sigmoid

// #region tanh
/** Course: f(z) = tanh(z), f′(z) = 1 − f(z)². */
export function tanh(x: Tensor): Tensor {
  const y = nd.tanh(x.data);
  return fromOp('tanh', [x], y, (dy) => [nd.mul(dy, nd.sub(1, nd.mul(y, y)))]);
}
// #endregion tanh

// #region relu
/** Course: f(z) = max(0, z), f′(z) = 1 for z > 0, else 0. */
export function relu(x: Tensor): Tensor {
  return fromOp('relu', [x], nd.relu(x.data), (dy) => [nd.reluBackward(dy, x.data)]);
}
// #endregion relu

/** f(z) = z for z > 0, else slope·z; f′(z) = 1 for z > 0, else slope. */
export function leakyRelu(x: Tensor, slope = 0.01): Tensor {
  const positive = nd.greater(x.data, 0);
  return fromOp('leakyRelu', [x], nd.leakyRelu(x.data, slope), (dy) => [
    nd.where(positive, dy, nd.mul(dy, slope)),
  ]);
}
