import type { Conv2dGeometry, FloatArray } from '../backend.js';
import { matmulCpu } from './matmul.js';

type FloatCtor = Float32ArrayConstructor | Float64ArrayConstructor;

/**
 * im2col for one image and one group: column (c·kh·kw + i·kw + j, oy·Wo + ox) holds the input
 * pixel under kernel tap (i, j) of channel c when the window sits at (oy, ox); zero in the padding.
 * Convolution then becomes one matrix product W[Co/g × Ci/g·kh·kw] · cols.
 */
export function im2colInto(x: FloatArray, xOffset: number, channels: number, g: Conv2dGeometry, cols: FloatArray): void {
  const { inHeight: H, inWidth: W, kernelHeight: KH, kernelWidth: KW, outHeight: HO, outWidth: WO } = g;
  const { strideHeight: SH, strideWidth: SW, padHeight: PH, padWidth: PW, dilationHeight: DH, dilationWidth: DW } = g;
  const plane = HO * WO;
  let row = 0;
  for (let c = 0; c < channels; c++) {
    const xc = xOffset + c * H * W;
    for (let i = 0; i < KH; i++) {
      for (let j = 0; j < KW; j++, row++) {
        const base = row * plane;
        for (let oy = 0; oy < HO; oy++) {
          const y = oy * SH - PH + i * DH;
          const o = base + oy * WO;
          if (y < 0 || y >= H) {
            cols.fill(0, o, o + WO);
            continue;
          }
          const xrow = xc + y * W;
          for (let ox = 0; ox < WO; ox++) {
            const xx = ox * SW - PW + j * DW;
            cols[o + ox] = xx >= 0 && xx < W ? x[xrow + xx]! : 0;
          }
        }
      }
    }
  }
}

/** col2im: the adjoint of im2col — each column entry is added back onto the pixel it came from. */
export function col2imAdd(cols: FloatArray, channels: number, g: Conv2dGeometry, dx: FloatArray, dxOffset: number): void {
  const { inHeight: H, inWidth: W, kernelHeight: KH, kernelWidth: KW, outHeight: HO, outWidth: WO } = g;
  const { strideHeight: SH, strideWidth: SW, padHeight: PH, padWidth: PW, dilationHeight: DH, dilationWidth: DW } = g;
  const plane = HO * WO;
  let row = 0;
  for (let c = 0; c < channels; c++) {
    const xc = dxOffset + c * H * W;
    for (let i = 0; i < KH; i++) {
      for (let j = 0; j < KW; j++, row++) {
        const base = row * plane;
        for (let oy = 0; oy < HO; oy++) {
          const y = oy * SH - PH + i * DH;
          if (y < 0 || y >= H) continue;
          const xrow = xc + y * W;
          const o = base + oy * WO;
          for (let ox = 0; ox < WO; ox++) {
            const xx = ox * SW - PW + j * DW;
            if (xx >= 0 && xx < W) dx[xrow + xx]! += cols[o + ox]!;
          }
        }
      }
    }
  }
}

function scratch(like: FloatArray, length: number): FloatArray {
  return new (like.constructor as FloatCtor)(length);
}

/** Forward: for each image and group, out_g = W_g · im2col(x_g). */
export function conv2dCpu(x: FloatArray, w: FloatArray, out: FloatArray, g: Conv2dGeometry): void {
  const cig = g.inChannels / g.groups;
  const cog = g.outChannels / g.groups;
  const kdim = cig * g.kernelHeight * g.kernelWidth;
  const plane = g.outHeight * g.outWidth;
  const cols = scratch(x, kdim * plane);
  const res = scratch(x, cog * plane);
  for (let b = 0; b < g.batch; b++) {
    for (let gr = 0; gr < g.groups; gr++) {
      im2colInto(x, (b * g.inChannels + gr * cig) * g.inHeight * g.inWidth, cig, g, cols);
      const wg = w.subarray(gr * cog * kdim, (gr + 1) * cog * kdim) as FloatArray;
      matmulCpu(wg, cols, res, cog, kdim, plane, false, false);
      out.set(res, (b * g.outChannels + gr * cog) * plane);
    }
  }
}

/** Backward to the input: dcols = W_gᵀ · dy_g, then col2im adds each entry back where it came from. */
export function conv2dBackwardInputCpu(dy: FloatArray, w: FloatArray, dx: FloatArray, g: Conv2dGeometry): void {
  const cig = g.inChannels / g.groups;
  const cog = g.outChannels / g.groups;
  const kdim = cig * g.kernelHeight * g.kernelWidth;
  const plane = g.outHeight * g.outWidth;
  const dcols = scratch(dy, kdim * plane);
  dx.fill(0);
  for (let b = 0; b < g.batch; b++) {
    for (let gr = 0; gr < g.groups; gr++) {
      const wg = w.subarray(gr * cog * kdim, (gr + 1) * cog * kdim) as FloatArray;
      const dyg = dy.subarray((b * g.outChannels + gr * cog) * plane, (b * g.outChannels + (gr + 1) * cog) * plane) as FloatArray;
      matmulCpu(wg, dyg, dcols, kdim, cog, plane, true, false);
      col2imAdd(dcols, cig, g, dx, (b * g.inChannels + gr * cig) * g.inHeight * g.inWidth);
    }
  }
}

/** Backward to the filter: dW_g = Σ_batch dy_g · im2col(x_g)ᵀ. */
export function conv2dBackwardFilterCpu(x: FloatArray, dy: FloatArray, dw: FloatArray, g: Conv2dGeometry): void {
  const cig = g.inChannels / g.groups;
  const cog = g.outChannels / g.groups;
  const kdim = cig * g.kernelHeight * g.kernelWidth;
  const plane = g.outHeight * g.outWidth;
  const cols = scratch(x, kdim * plane);
  const part = scratch(x, cog * kdim);
  dw.fill(0);
  for (let b = 0; b < g.batch; b++) {
    for (let gr = 0; gr < g.groups; gr++) {
      im2colInto(x, (b * g.inChannels + gr * cig) * g.inHeight * g.inWidth, cig, g, cols);
      const dyg = dy.subarray((b * g.outChannels + gr * cog) * plane, (b * g.outChannels + (gr + 1) * cog) * plane) as FloatArray;
      matmulCpu(dyg, cols, part, cog, plane, kdim, false, true);
      const o = gr * cog * kdim;
      for (let i = 0; i < part.length; i++) dw[o + i]! += part[i]!;
    }
  }
}
