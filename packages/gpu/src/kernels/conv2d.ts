import type { ConvConstants } from './conv-constants.js';
import type { KernelThis } from './kernel-this.js';

/**
 * Direct convolution forward, one thread per output element y[n, co, oy, ox]:
 * y = Σ_c Σ_i Σ_j w[co, c, i, j] · x[n, g·CIG + c, oy·SH − PH + i·DH, ox·SW − PW + j·DW],
 * where g = ⌊co / COG⌋ is the output channel's group and taps in the padding contribute nothing.
 * The sum runs c, i, j in the order of the cpu backend's im2col rows.
 */
export function conv2dKernel(this: KernelThis<ConvConstants>, x: Float32Array, w: Float32Array): number {
  const index = this.thread.x;
  const plane = this.constants.HO * this.constants.WO;
  const nco = Math.floor((index + 0.5) / plane);
  const pixel = index - nco * plane;
  const oy = Math.floor((pixel + 0.5) / this.constants.WO);
  const ox = pixel - oy * this.constants.WO;
  const n = Math.floor((nco + 0.5) / this.constants.CO);
  const co = nco - n * this.constants.CO;
  const group = Math.floor((co + 0.5) / this.constants.COG);
  let sum = 0;
  for (let c = 0; c < this.constants.CIG; c++) {
    const xPlane = (n * this.constants.CI + group * this.constants.CIG + c) * this.constants.H;
    const wPlane = (co * this.constants.CIG + c) * this.constants.KH;
    for (let i = 0; i < this.constants.KH; i++) {
      const y = oy * this.constants.SH - this.constants.PH + i * this.constants.DH;
      if (y >= 0 && y < this.constants.H) {
        for (let j = 0; j < this.constants.KW; j++) {
          const xx = ox * this.constants.SW - this.constants.PW + j * this.constants.DW;
          if (xx >= 0 && xx < this.constants.W) {
            sum += x[(xPlane + y) * this.constants.W + xx] * w[(wPlane + i) * this.constants.KW + j];
          }
        }
      }
    }
  }
  return sum;
}
