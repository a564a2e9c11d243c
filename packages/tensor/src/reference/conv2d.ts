import type { Conv2dGeometry, FloatArray } from '../backend.js';
// #region conv2d
/**
 * Course (convolution), the convolution layer (a cross-correlation: the kernel is not flipped). With
 * Ci/G input and Co/G output channels per group, output channel o reads the channels of its group
 * g = ⌊o / (Co/G)⌋:
 *
 *   y[n, o, i, j] = Σ_c Σ_u Σ_v  w[o, c, u, v] · x[n, g·Ci/G + c, i·s − p + u·d, j·s − p + v·d]
 *
 * over c < Ci/G, u < kh, v < kw, with x = 0 outside the image (the zero padding); s, p, d are the
 * stride, padding and dilation of each axis. Each output is one float64 sum, rounded once.
 */
export function conv2dReference(x: FloatArray, w: FloatArray, y: FloatArray, g: Conv2dGeometry): void {
  const cig = g.inChannels / g.groups;
  const cog = g.outChannels / g.groups;
  const X = (n: number, c: number, r: number, q: number) =>
    r < 0 || r >= g.inHeight || q < 0 || q >= g.inWidth
      ? 0
      : x[((n * g.inChannels + c) * g.inHeight + r) * g.inWidth + q]!;
  const W = (o: number, c: number, u: number, v: number) =>
    w[((o * cig + c) * g.kernelHeight + u) * g.kernelWidth + v]!;
  for (let n = 0; n < g.batch; n++) {
    for (let o = 0; o < g.outChannels; o++) {
      const c0 = Math.floor(o / cog) * cig;
      for (let i = 0; i < g.outHeight; i++) {
        for (let j = 0; j < g.outWidth; j++) {
          let sum = 0;
          for (let c = 0; c < cig; c++) {
            for (let u = 0; u < g.kernelHeight; u++) {
              for (let v = 0; v < g.kernelWidth; v++) {
                const r = i * g.strideHeight - g.padHeight + u * g.dilationHeight;
                const q = j * g.strideWidth - g.padWidth + v * g.dilationWidth;
                sum += W(o, c, u, v) * X(n, c0 + c, r, q);
              }
            }
          }
          y[((n * g.outChannels + o) * g.outHeight + i) * g.outWidth + j] = sum;
        }
      }
    }
  }
}
// #endregion conv2d
