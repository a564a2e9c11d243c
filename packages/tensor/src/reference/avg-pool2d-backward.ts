import type { FloatArray, Pool2dGeometry } from '../backend.js';
import { windowCount } from './avg-pool2d.js';

// #region avg-pool2d-backward
/**
 * Course (pooling), the gradient of average pooling: each output spreads its gradient evenly over its
 * window, so an input collects a share from every window that covers it:
 *
 *   dx[n, c, r, q] = Σ over windows (i, j) covering (r, q) of dy[n, c, i, j] / count(i, j)
 *
 * where window (i, j) covers row r when u = r − (i·s − p) lies in [0, kh) (likewise columns).
 * Summed in float64, rounded once.
 */
export function avgPool2dBackwardReference(
  dy: FloatArray,
  dx: FloatArray,
  g: Pool2dGeometry,
  countIncludePad: boolean,
): void {
  const covers = (r: number, i: number, s: number, p: number, k: number) => {
    const u = r - (i * s - p);
    return u >= 0 && u < k;
  };
  for (let n = 0; n < g.batch; n++) {
    for (let c = 0; c < g.channels; c++) {
      for (let r = 0; r < g.inHeight; r++) {
        for (let q = 0; q < g.inWidth; q++) {
          let sum = 0;
          for (let i = 0; i < g.outHeight; i++) {
            if (!covers(r, i, g.strideHeight, g.padHeight, g.kernelHeight)) continue;
            for (let j = 0; j < g.outWidth; j++) {
              if (!covers(q, j, g.strideWidth, g.padWidth, g.kernelWidth)) continue;
              const count = windowCount(g, i, j, countIncludePad);
              sum += dy[((n * g.channels + c) * g.outHeight + i) * g.outWidth + j]! / count;
            }
          }
          dx[((n * g.channels + c) * g.inHeight + r) * g.inWidth + q] = sum;
        }
      }
    }
  }
}
// #endregion avg-pool2d-backward
