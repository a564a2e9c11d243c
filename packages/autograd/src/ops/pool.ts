import * as nd from '@nabla/tensor';
import { fromOp, type Tensor } from '../tensor.js';

/**
 * Max pooling: y = max over each window. The gradient flows only to the input that won its
 * window (the recorded argmax); every other input of the window gets 0.
 */
export function maxPool2d(x: Tensor, kernel: nd.Pair, options: nd.Pool2dOptions = {}): Tensor {
  const { out, argmax } = nd.maxPool2d(x.data, kernel, options);
  return fromOp('maxPool2d', [x], out, (dy) => [nd.maxPool2dBackward(dy, argmax, x.shape, kernel, options)]);
}

/** Average pooling: y = (1/|window|) Σ window, so each input gets dy/|window| from every window it sits in. */
export function avgPool2d(x: Tensor, kernel: nd.Pair, options: nd.AvgPool2dOptions = {}): Tensor {
  return fromOp('avgPool2d', [x], nd.avgPool2d(x.data, kernel, options), (dy) => [
    nd.avgPool2dBackward(dy, x.shape, kernel, options),
  ]);
}
