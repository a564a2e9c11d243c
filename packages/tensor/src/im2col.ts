import type { Conv2dGeometry, FloatArray } from './backend.js';

/**
 * im2col for one image and one group: column (c·kh·kw + i·kw + j, oy·Wo + ox) holds the input
 * pixel under kernel tap (i, j) of channel c when the window sits at (oy, ox); zero in the padding.
 * Convolution then becomes one matrix product W[Co/g × Ci/g·kh·kw] · cols.
 */
export function im2colInto(
  x: FloatArray,
  xOffset: number,
  channels: number,
  g: Conv2dGeometry,
  cols: FloatArray,
): void {
  const { inHeight: H, inWidth: W, kernelHeight: KH, kernelWidth: KW, outHeight: HO, outWidth: WO } = g;
  const {
    strideHeight: SH,
    strideWidth: SW,
    padHeight: PH,
    padWidth: PW,
    dilationHeight: DH,
    dilationWidth: DW,
  } = g;
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
export function col2imAdd(
  cols: FloatArray,
  channels: number,
  g: Conv2dGeometry,
  dx: FloatArray,
  dxOffset: number,
): void {
  const { inHeight: H, inWidth: W, kernelHeight: KH, kernelWidth: KW, outHeight: HO, outWidth: WO } = g;
  const {
    strideHeight: SH,
    strideWidth: SW,
    padHeight: PH,
    padWidth: PW,
    dilationHeight: DH,
    dilationWidth: DW,
  } = g;
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
