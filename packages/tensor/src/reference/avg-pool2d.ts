import type { FloatArray, Pool2dGeometry } from '../backend.js';

// #region window-count
/**
 * The divisor of window (i, j): its whole area up to the padded edge when `countIncludePad`
 * (PyTorch's default, Matlab's and Caffe's rule), else only the positions inside the image.
 */
export function windowCount(g: Pool2dGeometry, i: number, j: number, countIncludePad: boolean): number {
  const r0 = i * g.strideHeight - g.padHeight;
  const q0 = j * g.strideWidth - g.padWidth;
  const lo = countIncludePad ? -g.padHeight : 0;
  const left = countIncludePad ? -g.padWidth : 0;
  const rows = Math.min(r0 + g.kernelHeight, g.inHeight - lo) - Math.max(r0, lo);
  const cols = Math.min(q0 + g.kernelWidth, g.inWidth - left) - Math.max(q0, left);
  return Math.max(rows, 0) * Math.max(cols, 0);
}
// #endregion window-count

// #region avg-pool2d
/**
 * Course (pooling), average pooling: each output is the mean of its window,
 *
 *   y[n, c, i, j] = (1 / count(i, j)) · Σ_u Σ_v x[n, c, i·s − p + u, j·s − p + v]
 *
 * where the padding adds zeros and `count` follows `windowCount`. Summed in float64, rounded once.
 */
export function avgPool2dReference(
  x: FloatArray,
  y: FloatArray,
  g: Pool2dGeometry,
  countIncludePad: boolean,
): void {
  for (let n = 0; n < g.batch; n++) {
    for (let c = 0; c < g.channels; c++) {
      for (let i = 0; i < g.outHeight; i++) {
        for (let j = 0; j < g.outWidth; j++) {
          let sum = 0;
          for (let u = 0; u < g.kernelHeight; u++) {
            for (let v = 0; v < g.kernelWidth; v++) {
              const r = i * g.strideHeight - g.padHeight + u;
              const q = j * g.strideWidth - g.padWidth + v;
              if (r < 0 || r >= g.inHeight || q < 0 || q >= g.inWidth) continue;
              sum += x[((n * g.channels + c) * g.inHeight + r) * g.inWidth + q]!;
            }
          }
          const count = windowCount(g, i, j, countIncludePad);
          y[((n * g.channels + c) * g.outHeight + i) * g.outWidth + j] = count > 0 ? sum / count : 0;
        }
      }
    }
  }
}
// #endregion avg-pool2d
