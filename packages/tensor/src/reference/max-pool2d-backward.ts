import type { FloatArray, Pool2dGeometry } from '../backend.js';

// #region max-pool2d-backward
/**
 * Course (pooling), the gradient of max pooling: each output passes its gradient to the input that won
 * its window and nothing to the others, so an input collects the gradients of every window it won:
 *
 *   dx[t] = Σ over outputs o with argmax[o] = t of dy[o]
 *
 * Summed in float64 and rounded once (overlapping windows can share a winner).
 */
export function maxPool2dBackwardReference(
  dy: FloatArray,
  argmax: Int32Array,
  dx: FloatArray,
  _g: Pool2dGeometry,
): void {
  const sum = new Float64Array(dx.length);
  for (let o = 0; o < dy.length; o++) if (argmax[o]! >= 0) sum[argmax[o]!]! += dy[o]!;
  dx.set(sum);
}
// #endregion max-pool2d-backward
