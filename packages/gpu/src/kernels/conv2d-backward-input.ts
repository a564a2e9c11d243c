import type { ConvConstants } from './conv-constants.js';
import type { KernelThis } from './kernel-this.js';

/**
 * Gradient to the input, gathered (one thread per input element dx[n, ci, y, x], so no two
 * threads write the same place): dx = Σ over the outputs whose window covered (y, x) of
 * dy[n, co, oy, ox] · w[co, c, i, j], with oy = (y + PH − i·DH) / SH when that divides exactly
 * (likewise ox), co running over the input channel's group. This is col2im(Wᵀ · dy), computed
 * without the column buffer.
 */
export function conv2dBackwardInputKernel(
  this: KernelThis<ConvConstants>,
  dy: Float32Array,
  w: Float32Array,
): number {
  const index = this.thread.x;
  const plane = this.constants.H * this.constants.W;
  const nci = Math.floor((index + 0.5) / plane);
  const pixel = index - nci * plane;
  const y = Math.floor((pixel + 0.5) / this.constants.W);
  const xx = pixel - y * this.constants.W;
  const n = Math.floor((nci + 0.5) / this.constants.CI);
  const ci = nci - n * this.constants.CI;
  const group = Math.floor((ci + 0.5) / this.constants.CIG);
  const c = ci - group * this.constants.CIG;
  let sum = 0;
  for (let col = 0; col < this.constants.COG; col++) {
    const co = group * this.constants.COG + col;
    const dyPlane = (n * this.constants.CO + co) * this.constants.HO;
    const wPlane = (co * this.constants.CIG + c) * this.constants.KH;
    for (let i = 0; i < this.constants.KH; i++) {
      const ty = y + this.constants.PH - i * this.constants.DH;
      const oy = Math.floor((ty + 0.5) / this.constants.SH);
      // Only taps that a strided window really reached: ty a multiple of the stride, inside the output.
      if (oy * this.constants.SH === ty && oy >= 0 && oy < this.constants.HO) {
        for (let j = 0; j < this.constants.KW; j++) {
          const tx = xx + this.constants.PW - j * this.constants.DW;
          const ox = Math.floor((tx + 0.5) / this.constants.SW);
          if (ox * this.constants.SW === tx && ox >= 0 && ox < this.constants.WO) {
            sum += dy[(dyPlane + oy) * this.constants.WO + ox] * w[(wPlane + i) * this.constants.KW + j];
          }
        }
      }
    }
  }
  return sum;
}
