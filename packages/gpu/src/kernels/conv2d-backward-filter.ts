import type { ConvConstants } from './conv-constants.js';
import type { KernelThis } from './kernel-this.js';

/**
 * Gradient to the filter, one image at a time: one thread per (n, co, c, i, j) computes
 * Σ_oy Σ_ox dy[n, co, oy, ox] · x[n, g·CIG + c, oy·SH − PH + i·DH, ox·SW − PW + j·DW].
 * The host adds the N partial filters: dW = Σ_n dy_n · im2col(x_n)ᵀ. Splitting the batch out
 * gives the GPU N times as many threads, each with a shorter loop, than one thread per weight.
 */
export function conv2dBackwardFilterKernel(
  this: KernelThis<ConvConstants>,
  x: Float32Array,
  dy: Float32Array,
): number {
  const index = this.thread.x;
  const taps = this.constants.KH * this.constants.KW;
  const perImage = this.constants.CO * this.constants.CIG * taps;
  const n = Math.floor((index + 0.5) / perImage);
  const weight = index - n * perImage;
  const coc = Math.floor((weight + 0.5) / taps);
  const tap = weight - coc * taps;
  const i = Math.floor((tap + 0.5) / this.constants.KW);
  const j = tap - i * this.constants.KW;
  const co = Math.floor((coc + 0.5) / this.constants.CIG);
  const c = coc - co * this.constants.CIG;
  const group = Math.floor((co + 0.5) / this.constants.COG);
  const xPlane = (n * this.constants.CI + group * this.constants.CIG + c) * this.constants.H;
  const dyPlane = (n * this.constants.CO + co) * this.constants.HO;
  let sum = 0;
  for (let oy = 0; oy < this.constants.HO; oy++) {
    const y = oy * this.constants.SH - this.constants.PH + i * this.constants.DH;
    if (y >= 0 && y < this.constants.H) {
      for (let ox = 0; ox < this.constants.WO; ox++) {
        const xx = ox * this.constants.SW - this.constants.PW + j * this.constants.DW;
        if (xx >= 0 && xx < this.constants.W) {
          sum += dy[(dyPlane + oy) * this.constants.WO + ox] * x[(xPlane + y) * this.constants.W + xx];
        }
      }
    }
  }
  return sum;
}
