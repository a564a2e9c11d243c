import type { Conv2dGeometry, FloatArray } from '../backend.js';

/**
 * Course (convolution), the gradient of the convolution with respect to its input: every term
 * w[o, c, u, v] · x[n, c′, r, q] of the forward sum (c′ = g·Ci/G + c, r = i·s − p + u·d,
 * q = j·s − p + v·d) sends dy[n, o, i, j] · w[o, c, u, v] back to x[n, c′, r, q], so
 *
 *   dx[n, c′, r, q] = Σ_o Σ_u Σ_v  dy[n, o, i, j] · w[o, c, u, v]
 *
 * over the output channels o of c′'s group and the taps (u, v) for which i = (r + p − u·d)/s and
 * j = (q + p − v·d)/s are whole numbers inside the output. Each entry is one float64 sum, rounded once.
 */
export function conv2dBackwardInputReference(
  dy: FloatArray,
  w: FloatArray,
  dx: FloatArray,
  g: Conv2dGeometry,
): void {
  const cig = g.inChannels / g.groups;
  const cog = g.outChannels / g.groups;
  /** The output position whose window puts tap `u` on input position `r`, or −1 if none. */
  const source = (r: number, u: number, s: number, p: number, d: number, size: number) => {
    const t = r + p - u * d;
    if (t < 0 || t % s !== 0 || t / s >= size) return -1;
    return t / s;
  };
  for (let n = 0; n < g.batch; n++) {
    for (let ch = 0; ch < g.inChannels; ch++) {
      const group = Math.floor(ch / cig);
      const c = ch - group * cig;
      for (let r = 0; r < g.inHeight; r++) {
        for (let q = 0; q < g.inWidth; q++) {
          let sum = 0;
          for (let o = group * cog; o < (group + 1) * cog; o++) {
            for (let u = 0; u < g.kernelHeight; u++) {
              const i = source(r, u, g.strideHeight, g.padHeight, g.dilationHeight, g.outHeight);
              if (i < 0) continue;
              for (let v = 0; v < g.kernelWidth; v++) {
                const j = source(q, v, g.strideWidth, g.padWidth, g.dilationWidth, g.outWidth);
                if (j < 0) continue;
                const dyAt = ((n * g.outChannels + o) * g.outHeight + i) * g.outWidth + j;
                const wAt = ((o * cig + c) * g.kernelHeight + u) * g.kernelWidth + v;
                sum += dy[dyAt]! * w[wAt]!;
              }
            }
          }
          dx[((n * g.inChannels + ch) * g.inHeight + r) * g.inWidth + q] = sum;
        }
      }
    }
  }
}
