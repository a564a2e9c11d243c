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
  // y = conv(x, w) + b: fusedConv2d adds a bias of the output's dtype per channel (on the cpu, as
  // the convolution stores its outputs; by definition, as a pass after it).
  const outType = nd.floatType(nd.promote(x.dtype, weight.dtype));
  const fuseBias = !!bias && bias.dtype !== 'int32' && nd.promote(outType, bias.dtype) === outType;
  let y = fuseBias
    ? nd.fusedConv2d(x.data, weight.data, options, { shift: bias!.data })
    : nd.conv2d(x.data, weight.data, options);
  if (bias && !fuseBias) y = nd.add(y, bias.data.reshape([1, bias.size, 1, 1]));
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return fromOp('conv2d', inputs, y, (dy) => [
    x.requiresGrad ? nd.conv2dBackwardInput(dy, weight.data, x.shape, options) : null,
    weight.requiresGrad ? nd.conv2dBackwardFilter(x.data, dy, weight.shape, options) : null,
    bias ? nd.sum(dy, [0, 2, 3]) : null,
  ]);
}
