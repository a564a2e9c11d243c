import type { ChannelEpilogue, Conv2dGeometry, FloatArray } from '../backend.js';
import { reluValue } from './epilogue.js';
import { Slot, scratchFloat64 } from './scratch.js';

/**
 * A network's first convolution on grayscale images (the course's LeNet conv1: 1 → 16 channels,
 * 3×3, stride 1) is a poor fit for the packed GEMM: its reduction is 9 taps long, so packing, the
 * micro-kernel's set-up and the strip's round trip cost more than the 9 multiply-adds per output.
 * These direct loops run on a zero-padded float64 copy of each image (so no window needs a bounds
 * check), four neighbouring outputs at a time: four independent sums share each row's six pixels.
 * The forward adds the taps in the GEMM's order, from 0, padding zeros included, so its outputs are
 * bit-identical to the GEMM path's.
 */
export function isSingleChannel3x3(g: Conv2dGeometry): boolean {
  return (
    g.inChannels === 1 &&
    g.groups === 1 &&
    g.kernelHeight === 3 &&
    g.kernelWidth === 3 &&
    g.strideHeight === 1 &&
    g.strideWidth === 1 &&
    g.dilationHeight === 1 &&
    g.dilationWidth === 1
  );
}

/**
 * Image n of x with its zero border, as rows of `stride` = outWidth + 2 (+ 3 spare columns so the
 * four-wide loops may read past the last output), outHeight + 2 rows: padded(r, c) = x(r − p, c − p).
 */
function padImage(x: FloatArray, n: number, g: Conv2dGeometry, stride: number, rows: number): Float64Array {
  const { inHeight: H, inWidth: W, padHeight: PH, padWidth: PW } = g;
  const padded = scratchFloat64(Slot.paddedImage, stride * rows);
  padded.fill(0, 0, stride * rows);
  const image = n * H * W;
  // Rows and columns of the image that fall under some window (a large padding can leave a few out).
  for (let r = Math.max(0, PH); r < Math.min(rows, H + PH); r++) {
    const from = image + (r - PH) * W;
    for (let c = Math.max(0, PW); c < Math.min(stride, W + PW); c++)
      padded[r * stride + c] = x[from + c - PW]!;
  }
  return padded;
}

/** y[n, o, oy, ox] = Σ_{i,j} w[o, 0, i, j] · x[n, 0, oy − p + i, ox − p + j], then the epilogue, if any. */
export function conv2dSingleChannel3x3(
  x: FloatArray,
  w: FloatArray,
  out: FloatArray,
  g: Conv2dGeometry,
  epilogue?: ChannelEpilogue,
): void {
  const { batch, outChannels, outHeight: HO, outWidth: WO } = g;
  const stride = WO + 5;
  const scale = epilogue?.scale ?? null;
  const shift = epilogue?.shift ?? null;
  const relu = epilogue?.relu ?? false;
  for (let n = 0; n < batch; n++) {
    const padded = padImage(x, n, g, stride, HO + 2);
    for (let o = 0; o < outChannels; o++) {
      const w0 = w[o * 9]!;
      const w1 = w[o * 9 + 1]!;
      const w2 = w[o * 9 + 2]!;
      const w3 = w[o * 9 + 3]!;
      const w4 = w[o * 9 + 4]!;
      const w5 = w[o * 9 + 5]!;
      const w6 = w[o * 9 + 6]!;
      const w7 = w[o * 9 + 7]!;
      const w8 = w[o * 9 + 8]!;
      const k = scale ? scale[o]! : 1;
      const t = shift ? shift[o]! : 0;
      const plane = (n * outChannels + o) * HO * WO;
      for (let oy = 0; oy < HO; oy++) {
        const row = plane + oy * WO;
        const r0 = oy * stride;
        const r1 = r0 + stride;
        const r2 = r1 + stride;
        for (let ox = 0; ox < WO; ox += 4) {
          // Four windows side by side; each sum still adds its taps in order (tap (i, j) = i·3 + j).
          let p0 = padded[r0 + ox]!;
          let p1 = padded[r0 + ox + 1]!;
          let p2 = padded[r0 + ox + 2]!;
          let p3 = padded[r0 + ox + 3]!;
          let p4 = padded[r0 + ox + 4]!;
          let p5 = padded[r0 + ox + 5]!;
          let s0 = 0 + w0 * p0;
          let s1 = 0 + w0 * p1;
          let s2 = 0 + w0 * p2;
          let s3 = 0 + w0 * p3;
          s0 += w1 * p1;
          s1 += w1 * p2;
          s2 += w1 * p3;
          s3 += w1 * p4;
          s0 += w2 * p2;
          s1 += w2 * p3;
          s2 += w2 * p4;
          s3 += w2 * p5;
          p0 = padded[r1 + ox]!;
          p1 = padded[r1 + ox + 1]!;
          p2 = padded[r1 + ox + 2]!;
          p3 = padded[r1 + ox + 3]!;
          p4 = padded[r1 + ox + 4]!;
          p5 = padded[r1 + ox + 5]!;
          s0 += w3 * p0;
          s1 += w3 * p1;
          s2 += w3 * p2;
          s3 += w3 * p3;
          s0 += w4 * p1;
          s1 += w4 * p2;
          s2 += w4 * p3;
          s3 += w4 * p4;
          s0 += w5 * p2;
          s1 += w5 * p3;
          s2 += w5 * p4;
          s3 += w5 * p5;
          p0 = padded[r2 + ox]!;
          p1 = padded[r2 + ox + 1]!;
          p2 = padded[r2 + ox + 2]!;
          p3 = padded[r2 + ox + 3]!;
          p4 = padded[r2 + ox + 4]!;
          p5 = padded[r2 + ox + 5]!;
          s0 += w6 * p0;
          s1 += w6 * p1;
          s2 += w6 * p2;
          s3 += w6 * p3;
          s0 += w7 * p1;
          s1 += w7 * p2;
          s2 += w7 * p3;
          s3 += w7 * p4;
          s0 += w8 * p2;
          s1 += w8 * p3;
          s2 += w8 * p4;
          s3 += w8 * p5;
          const at = row + ox;
          const left = WO - ox;
          if (epilogue) {
            s0 = s0 * k + t;
            s1 = s1 * k + t;
            s2 = s2 * k + t;
            s3 = s3 * k + t;
            if (relu) {
              s0 = reluValue(s0);
              s1 = reluValue(s1);
              s2 = reluValue(s2);
              s3 = reluValue(s3);
            }
          }
          out[at] = s0;
          if (left > 1) out[at + 1] = s1;
          if (left > 2) out[at + 2] = s2;
          if (left > 3) out[at + 3] = s3;
        }
      }
    }
  }
}

/**
 * dw[o, 0, i, j] = Σ_n Σ_{oy,ox} dy[n, o, oy, ox] · x[n, 0, oy − p + i, ox − p + j]: per image and
 * channel, nine float64 sums over the output pixels (four pixels a step, sharing each row's six
 * padded pixels), added into a float64 total per tap.
 */
export function conv2dBackwardFilterSingleChannel3x3(
  x: FloatArray,
  dy: FloatArray,
  dw: FloatArray,
  g: Conv2dGeometry,
): void {
  const { batch, outChannels, outHeight: HO, outWidth: WO } = g;
  const stride = WO + 5;
  const whole = WO - (WO % 4);
  const total = new Float64Array(outChannels * 9);
  for (let n = 0; n < batch; n++) {
    const padded = padImage(x, n, g, stride, HO + 2);
    for (let o = 0; o < outChannels; o++) {
      const plane = (n * outChannels + o) * HO * WO;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let a4 = 0;
      let a5 = 0;
      let a6 = 0;
      let a7 = 0;
      let a8 = 0;
      for (let oy = 0; oy < HO; oy++) {
        const drow = plane + oy * WO;
        const r0 = oy * stride;
        const r1 = r0 + stride;
        const r2 = r1 + stride;
        for (let ox = 0; ox < whole; ox += 4) {
          const d0 = dy[drow + ox]!;
          const d1 = dy[drow + ox + 1]!;
          const d2 = dy[drow + ox + 2]!;
          const d3 = dy[drow + ox + 3]!;
          let p0 = padded[r0 + ox]!;
          let p1 = padded[r0 + ox + 1]!;
          let p2 = padded[r0 + ox + 2]!;
          let p3 = padded[r0 + ox + 3]!;
          let p4 = padded[r0 + ox + 4]!;
          let p5 = padded[r0 + ox + 5]!;
          a0 += d0 * p0 + d1 * p1 + d2 * p2 + d3 * p3;
          a1 += d0 * p1 + d1 * p2 + d2 * p3 + d3 * p4;
          a2 += d0 * p2 + d1 * p3 + d2 * p4 + d3 * p5;
          p0 = padded[r1 + ox]!;
          p1 = padded[r1 + ox + 1]!;
          p2 = padded[r1 + ox + 2]!;
          p3 = padded[r1 + ox + 3]!;
          p4 = padded[r1 + ox + 4]!;
          p5 = padded[r1 + ox + 5]!;
          a3 += d0 * p0 + d1 * p1 + d2 * p2 + d3 * p3;
          a4 += d0 * p1 + d1 * p2 + d2 * p3 + d3 * p4;
          a5 += d0 * p2 + d1 * p3 + d2 * p4 + d3 * p5;
          p0 = padded[r2 + ox]!;
          p1 = padded[r2 + ox + 1]!;
          p2 = padded[r2 + ox + 2]!;
          p3 = padded[r2 + ox + 3]!;
          p4 = padded[r2 + ox + 4]!;
          p5 = padded[r2 + ox + 5]!;
          a6 += d0 * p0 + d1 * p1 + d2 * p2 + d3 * p3;
          a7 += d0 * p1 + d1 * p2 + d2 * p3 + d3 * p4;
          a8 += d0 * p2 + d1 * p3 + d2 * p4 + d3 * p5;
        }
        for (let ox = whole; ox < WO; ox++) {
          const d = dy[drow + ox]!;
          a0 += d * padded[r0 + ox]!;
          a1 += d * padded[r0 + ox + 1]!;
          a2 += d * padded[r0 + ox + 2]!;
          a3 += d * padded[r1 + ox]!;
          a4 += d * padded[r1 + ox + 1]!;
          a5 += d * padded[r1 + ox + 2]!;
          a6 += d * padded[r2 + ox]!;
          a7 += d * padded[r2 + ox + 1]!;
          a8 += d * padded[r2 + ox + 2]!;
        }
      }
      const at = o * 9;
      total[at]! += a0;
      total[at + 1]! += a1;
      total[at + 2]! += a2;
      total[at + 3]! += a3;
      total[at + 4]! += a4;
      total[at + 5]! += a5;
      total[at + 6]! += a6;
      total[at + 7]! += a7;
      total[at + 8]! += a8;
    }
  }
  for (let i = 0; i < total.length; i++) dw[i] = total[i]!;
}
