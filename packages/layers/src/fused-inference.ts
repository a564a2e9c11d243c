import { isGradEnabled, Tensor } from '@nabla/autograd';
import * as nd from '@nabla/tensor';
import { BatchNorm2d } from './batch-norm.js';
import { Conv2d } from './conv2d.js';
import { ReLU } from './activations.js';
import type { Module } from './module.js';

/**
 * Inference-time fusion, as TensorFlow's and PyTorch's inference paths do it: in evaluation mode
 * and without a graph, a convolution followed by a batch normalization and/or a ReLU runs as ONE
 * fusedConv2d. On a backend with a fused store (the cpu's) that is one pass instead of three over
 * the activations and no extra arrays; on any other it is the composition of the plain kernels. The batch normalization uses its running statistics, so it is an affine map per channel
 * that folds into the convolution:
 *
 *   BN(conv(x) + b) = k·conv(x) + (k·(b − μ) + β),   k = γ / √(σ² + ε)
 *
 * The result equals the layer-by-layer one up to float32 rounding (the fused store rounds once,
 * from float64, where the separate layers round after each step). Training, a graph, a wrapped
 * `forward` (summary(), activation probes), a batch norm still in training mode or mixed dtypes
 * all take the layer-by-layer path.
 *
 * Returns the block's output and how many layers it consumed, or null when layers[i] does not
 * start a fusable block.
 */
export function fusedConvBlock(
  layers: readonly Module[],
  i: number,
  x: Tensor,
): { y: Tensor; consumed: number } | null {
  const conv = layers[i];
  if (!(conv instanceof Conv2d) || !canFuse(conv) || isGradEnabled()) return null;
  if (x.ndim !== 4 || x.dtype === 'int32') return null;
  let at = i + 1;
  const bn = layers[at];
  const foldBn = bn instanceof BatchNorm2d && canFuse(bn) && bn.numFeatures === conv.outChannels;
  if (foldBn) at++;
  const relu = layers[at] instanceof ReLU && canFuse(layers[at]!);
  if (relu) at++;
  if (!foldBn && !relu) return null;
  const dtype = nd.floatType(nd.promote(x.dtype, conv.weight.dtype));
  const tensors = [
    conv.bias?.data,
    ...(foldBn ? [bn.weight?.data, bn.bias?.data, bn.runningMean, bn.runningVar] : []),
  ];
  if (tensors.some((t) => t && t.dtype !== dtype)) return null;
  conv.outputShape(x.shape); // the layer's own shape checks and messages
  const c = conv.outChannels;
  const bias = conv.bias ? conv.bias.data.values() : null;
  let scale: Float64Array | null = null;
  let shift: Float64Array | null = bias ? Float64Array.from(bias) : null;
  if (foldBn) {
    const gamma = bn.weight ? bn.weight.data.values() : null;
    const beta = bn.bias ? bn.bias.data.values() : null;
    const mean = bn.runningMean.values();
    const variance = bn.runningVar.values();
    scale = new Float64Array(c);
    shift = new Float64Array(c);
    for (let o = 0; o < c; o++) {
      const k = (gamma ? gamma[o]! : 1) / Math.sqrt(variance[o]! + bn.eps);
      scale[o] = k;
      shift[o] = k * ((bias ? bias[o]! : 0) - mean[o]!) + (beta ? beta[o]! : 0);
    }
  }
  const y = nd.fusedConv2d(
    x.data,
    conv.weight.data,
    { stride: conv.stride, padding: conv.padding, dilation: conv.dilation, groups: conv.groups },
    { scale: scale && nd.fromTypedArray(scale), shift: shift && nd.fromTypedArray(shift), relu },
  );
  return { y: new Tensor(y), consumed: at - i };
}

/** In evaluation mode, and with the class's own forward (not one wrapped by a probe or summary()). */
function canFuse(m: Module): boolean {
  return !m.training && !Object.hasOwn(m, 'forward');
}
