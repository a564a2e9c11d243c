import type { Conv2dGeometry, FloatArray } from '../backend.js';

/**
 * Course (convolution), the gradient of the convolution with respect to its filter: the weight w[o, c, u, v]
 * multiplies one input pixel in every output of channel o, so its gradient sums those pixels
 * weighted by the output gradients, over the batch and the output positions:
 *
 *   dw[o, c, u, v] = Σ_n Σ_i Σ_j  dy[n, o, i, j] · x[n, g·Ci/G + c, i·s − p + u·d, j·s − p + v·d]
 *
 * with x = 0 in the padding. Each entry is one float64 sum, rounded once.
 */
export function conv2dBackwardFilterReference(
  x: FloatArray,
  dy: FloatArray,
  dw: FloatArray,
  g: Conv2dGeometry,
): void {
  const cig = g.inChannels / g.groups;
  const cog = g.outChannels / g.groups;
  const X = (n: number, c: number, r: number, q: number) =>
    r < 0 || r >= g.inHeight || q < 0 || q >= g.inWidth
      ? 0
      : x[((n * g.inChannels + c) * g.inHeight + r) * g.inWidth + q]!;
  for (let o = 0; o < g.outChannels; o++) {
    const c0 = Math.floor(o / cog) * cig;
    for (let c = 0; c < cig; c++) {
      for (let u = 0; u < g.kernelHeight; u++) {
        for (let v = 0; v < g.kernelWidth; v++) {
          let sum = 0;
          for (let n = 0; n < g.batch; n++) {
            for (let i = 0; i < g.outHeight; i++) {
              for (let j = 0; j < g.outWidth; j++) {
                const r = i * g.strideHeight - g.padHeight + u * g.dilationHeight;
                const q = j * g.strideWidth - g.padWidth + v * g.dilationWidth;
                const dyAt = ((n * g.outChannels + o) * g.outHeight + i) * g.outWidth + j;
                sum += dy[dyAt]! * X(n, c0 + c, r, q);
              }
            }
          }
          dw[((o * cig + c) * g.kernelHeight + u) * g.kernelWidth + v] = sum;
        }
      }
    }
  }
}
