import type { Backend, ChannelEpilogue, Conv2dGeometry, FloatArray } from '../backend.js';
import { batchNormForwardReference } from './batch-norm-forward.js';
import { reluReference } from './relu.js';

// #region fused-conv2d
/**
 * A fused convolution is no new mathematics: the convolution, then the per-channel affine map
 * y = scale[o]·v + shift[o] (a bias, or a folded batch normalization: batchNormForward with μ = 0),
 * then ReLU. This composes them from a backend's own kernels, so a backend that implements only
 * the plain primitives still runs every fused call; one with a faster store provides `fusedConv2d`.
 */
export function composedFusedConv2d(b: Backend) {
  return (x: FloatArray, w: FloatArray, out: FloatArray, g: Conv2dGeometry, e: ChannelEpilogue): void => {
    b.conv2d(x, w, out, g);
    if (e.scale || e.shift) {
      const channels = { batch: g.batch, channels: g.outChannels, plane: g.outHeight * g.outWidth };
      const zero = new Float64Array(g.outChannels);
      const affine = b.batchNormForward ?? batchNormForwardReference;
      affine.call(b, out, out, channels, zero, e.scale ?? zero.map(() => 1), e.shift ?? zero);
    }
    if (e.relu) (b.relu ?? reluReference).call(b, out, out);
  };
}
// #endregion fused-conv2d
