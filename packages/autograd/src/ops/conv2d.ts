import * as nd from '@nabla/tensor';
import { formatShape, ShapeError } from '@nabla/tensor';
import { fromOp, type Tensor } from '../tensor.js';

export type Conv2dOptions = nd.Conv2dOptions;

/**
 * Course: the convolution layer, y[n,o,i,j] = Σ_c Σ_u Σ_v w[o,c,u,v] · x[n, c, i·s + u·d − p, j·s + v·d − p] + b[o]
 * (a cross-correlation; groups split the channels into independent convolutions).
 * Hand-derived backward: dx is the transposed convolution of dy with w (conv2dBackwardInput),
 * dw correlates x with dy (conv2dBackwardFilter), and db[o] = Σ_{n,i,j} dy[n,o,i,j].
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  const outChannels = weight.shape[0];
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== outChannels)) {
    throw new ShapeError(
      'conv2d',
      `bias must be [${outChannels}] for weight ${formatShape(weight.shape)}, got ${formatShape(bias.shape)}`,
    );
  }
  let y = nd.conv2d(x.data, weight.data, options);
  if (bias && nd.promote(y.dtype, bias.dtype) === y.dtype) addChannelBias(y, bias.data);
  else if (bias) y = nd.add(y, bias.data.reshape([1, bias.size, 1, 1]));
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return fromOp('conv2d', inputs, y, (dy) => [
    x.requiresGrad ? nd.conv2dBackwardInput(dy, weight.data, x.shape, options) : null,
    weight.requiresGrad ? nd.conv2dBackwardFilter(x.data, dy, weight.shape, options) : null,
    bias ? nd.sum(dy, [0, 2, 3]) : null,
  ]);
}

/** y[n, o, i, j] += b[o], in place on the fresh output of the convolution (no second array). */
function addChannelBias(y: nd.NDArray, bias: nd.NDArray): void {
  const out = y.data;
  const b = bias.values();
  const [n, c] = y.shape as [number, number];
  const plane = y.size / (n * c);
  for (let img = 0, at = 0; img < n; img++) {
    for (let o = 0; o < c; o++) {
      const bo = b[o]!;
      for (const end = at + plane; at < end; at++) out[at]! += bo;
    }
  }
}
