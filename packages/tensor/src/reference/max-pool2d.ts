import type { FloatArray, Pool2dGeometry } from '../backend.js';

// #region max-pool2d
/**
 * Course (pooling), max pooling: each output is the largest input in its window,
 *
 *   y[n, c, i, j] = max over u < kh, v < kw of x[n, c, i·s − p + u, j·s − p + v]
 *
 * over the positions inside the image (padding never wins). `argmax` records the flat input index
 * of the winner, for the backward pass: the first maximum in scan order on ties, and the first
 * NaN outright, so a NaN is never pooled away.
 */
export function maxPool2dReference(
  x: FloatArray,
  y: FloatArray,
  argmax: Int32Array,
  g: Pool2dGeometry,
): void {
  for (let n = 0; n < g.batch; n++) {
    for (let c = 0; c < g.channels; c++) {
      for (let i = 0; i < g.outHeight; i++) {
        for (let j = 0; j < g.outWidth; j++) {
          let best = Number.NEGATIVE_INFINITY;
          let at = -1;
          for (let u = 0; u < g.kernelHeight; u++) {
            for (let v = 0; v < g.kernelWidth; v++) {
              const r = i * g.strideHeight - g.padHeight + u;
              const q = j * g.strideWidth - g.padWidth + v;
              if (r < 0 || r >= g.inHeight || q < 0 || q >= g.inWidth) continue;
              const k = ((n * g.channels + c) * g.inHeight + r) * g.inWidth + q;
              const firstNaN = Number.isNaN(x[k]!) && !Number.isNaN(best);
              if (at < 0 || x[k]! > best || firstNaN) {
                best = x[k]!;
                at = k;
              }
            }
          }
          const o = ((n * g.channels + c) * g.outHeight + i) * g.outWidth + j;
          y[o] = best;
          argmax[o] = at;
        }
      }
    }
  }
}
// #endregion max-pool2d
