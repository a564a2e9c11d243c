import type { ChannelEpilogue, Conv2dGeometry, FloatArray } from '../backend.js';
import {
  conv2dBackwardFilterSingleChannel3x3,
  conv2dSingleChannel3x3,
  isSingleChannel3x3,
} from './conv2d-single-channel.js';
import { reluValue } from './epilogue.js';
import {
  gemm,
  type Im2colTables,
  im2colPacker,
  indexedPacker,
  type Storer,
  stridedPacker,
  stridedStorer,
} from './gemm.js';
import { Slot, scratchInt32 } from './scratch.js';

/**
 * The convolution as matrices, per group g (Ci/g input and Co/g output channels, K = Ci/g·kh·kw taps,
 * P = Ho·Wo windows per image), with the whole batch side by side in the columns so that each of
 * the three kernels is one large product per group rather than one small one per image:
 *
 *   forward          Y_g[Co/g × N·P]  = W_g[Co/g × K] · X̂_g[K × N·P]
 *   to the input     dX̂_g[K × N·P]   = W_gᵀ · dY_g,   then col2im adds dX̂_g back onto dx
 *   to the filter    dW_g[Co/g × K]   = dY_g · X̂_gᵀ    (the sum over the batch is the product's reduction)
 *
 * X̂ (im2col) is never formed: `im2colPacker` reads it straight from x through the tables built
 * here, and the col2im of the input gradient happens in the store.
 */
interface ConvPlan {
  cig: number;
  cog: number;
  taps: number;
  plane: number;
  windows: number;
  /** im2col of a zero-offset batch (add the group's channel offset to `offset`). */
  tables: Omit<Im2colTables, 'src' | 'offset'>;
  /** colOut[c]: where window c = (image, pixel) sits in an [N, Co, P] array, channel 0. */
  colOut: Int32Array;
  /** chanOut[o]: o·P, the offset of output channel o within an image. */
  chanOut: Int32Array;
}

function plan(g: Conv2dGeometry): ConvPlan {
  const { inHeight: H, inWidth: W, kernelHeight: KH, kernelWidth: KW, outHeight: HO, outWidth: WO } = g;
  const cig = g.inChannels / g.groups;
  const cog = g.outChannels / g.groups;
  const taps = cig * KH * KW;
  const plane = HO * WO;
  const windows = g.batch * plane;
  const rowOffset = scratchInt32(Slot.rowOffset, taps);
  const rowY = scratchInt32(Slot.rowY, taps);
  const rowX = scratchInt32(Slot.rowX, taps);
  for (let c = 0, r = 0; c < cig; c++) {
    for (let i = 0; i < KH; i++) {
      for (let j = 0; j < KW; j++, r++) {
        rowY[r] = i * g.dilationHeight;
        rowX[r] = j * g.dilationWidth;
        rowOffset[r] = c * H * W + rowY[r]! * W + rowX[r]!;
      }
    }
  }
  const colOffset = scratchInt32(Slot.colOffset, windows);
  const colY = scratchInt32(Slot.colY, windows);
  const colX = scratchInt32(Slot.colX, windows);
  const colOut = scratchInt32(Slot.outOffset, windows);
  const colInside = scratchInt32(Slot.colInside, windows);
  // The last row and column a window's taps reach, relative to its corner.
  const reachY = (KH - 1) * g.dilationHeight;
  const reachX = (KW - 1) * g.dilationWidth;
  for (let b = 0, c = 0; b < g.batch; b++) {
    for (let oy = 0; oy < HO; oy++) {
      const y = oy * g.strideHeight - g.padHeight;
      for (let ox = 0; ox < WO; ox++, c++) {
        const x = ox * g.strideWidth - g.padWidth;
        colY[c] = y;
        colX[c] = x;
        colInside[c] = y >= 0 && y + reachY < H && x >= 0 && x + reachX < W ? 1 : 0;
        colOffset[c] = b * g.inChannels * H * W + y * W + x;
        colOut[c] = b * g.outChannels * plane + oy * WO + ox;
      }
    }
  }
  const chanOut = scratchInt32(Slot.channelOffset, cog);
  for (let o = 0; o < cog; o++) chanOut[o] = o * plane;
  return {
    cig,
    cog,
    taps,
    plane,
    windows,
    tables: { height: H, width: W, rowOffset, rowY, rowX, colOffset, colY, colX, colInside },
    colOut,
    chanOut,
  };
}

/** Forward: Y_g = W_g · X̂_g, written straight into NCHW (image-major) order, through the epilogue if any. */
export function conv2dCpu(
  x: FloatArray,
  w: FloatArray,
  out: FloatArray,
  g: Conv2dGeometry,
  epilogue?: ChannelEpilogue,
): void {
  if (isSingleChannel3x3(g)) {
    conv2dSingleChannel3x3(x, w, out, g, epilogue);
    return;
  }
  const p = plan(g);
  for (let gr = 0; gr < g.groups; gr++) {
    const xg = { src: x, offset: gr * p.cig * g.inHeight * g.inWidth, ...p.tables };
    gemm(
      p.cog,
      p.windows,
      p.taps,
      stridedPacker(w, gr * p.cog * p.taps, p.taps, 1),
      im2colPacker(xg, true),
      epilogue && (epilogue.scale || epilogue.shift || epilogue.relu)
        ? nchwEpilogueStorer(out, gr * p.cog, p, epilogue)
        : nchwStorer(out, gr * p.cog * p.plane, p),
    );
  }
}

/** Stores Y[o, c] (c = image·P + pixel) at out[offset + image·Co·P + o·P + pixel], a run of pixels at a time. */
function nchwStorer(out: FloatArray, offset: number, p: ConvPlan): Storer {
  const { colOut, chanOut, plane } = p;
  return (strip, ld, i0, mi, j0, nj) => {
    for (let r = 0; r < mi; r++) {
      const chan = offset + chanOut[i0 + r]!;
      const s = r * ld - j0;
      let c = j0;
      const end = j0 + nj;
      while (c < end) {
        // Windows of one image are consecutive in both C and out: copy up to the image's end.
        const run = Math.min(end - c, plane - (c % plane));
        const o = chan + colOut[c]! - c;
        for (const stop = c + run; c < stop; c++) out[o + c] = strip[s + c]!;
      }
    }
  };
}

/**
 * nchwStorer through the epilogue: out = scale[o]·Y + shift[o] (in float64, rounded once to the
 * output type), then max(0, ·) with NaN passed through as ReLU does. `channel0` is the group's first
 * output channel.
 */
function nchwEpilogueStorer(out: FloatArray, channel0: number, p: ConvPlan, e: ChannelEpilogue): Storer {
  const { colOut, chanOut, plane } = p;
  const { scale, shift, relu } = e;
  return (strip, ld, i0, mi, j0, nj) => {
    for (let r = 0; r < mi; r++) {
      const o = channel0 + i0 + r;
      const k = scale ? scale[o]! : 1;
      const t = shift ? shift[o]! : 0;
      const chan = channel0 * plane + chanOut[i0 + r]!;
      const s = r * ld - j0;
      let c = j0;
      const end = j0 + nj;
      while (c < end) {
        const run = Math.min(end - c, plane - (c % plane));
        const at = chan + colOut[c]! - c;
        if (relu) {
          for (const stop = c + run; c < stop; c++) {
            out[at + c] = reluValue(strip[s + c]! * k + t);
          }
        } else for (const stop = c + run; c < stop; c++) out[at + c] = strip[s + c]! * k + t;
      }
    }
  };
}

/** Backward to the input: dX̂_g = W_gᵀ · dY_g, whose entries col2im adds back onto the pixels they came from. */
export function conv2dBackwardInputCpu(
  dy: FloatArray,
  w: FloatArray,
  dx: FloatArray,
  g: Conv2dGeometry,
): void {
  const p = plan(g);
  dx.fill(0);
  for (let gr = 0; gr < g.groups; gr++) {
    gemm(
      p.taps,
      p.windows,
      p.cog,
      stridedPacker(w, gr * p.cog * p.taps, 1, p.taps),
      indexedPacker(dy, gr * p.cog * p.plane, p.colOut, p.chanOut),
      col2imStorer(dx, gr * p.cig * g.inHeight * g.inWidth, p),
    );
  }
}

/** Adds dX̂[r, c] onto dx at the pixel tap r of window c reads (nothing for taps in the padding). */
function col2imStorer(dx: FloatArray, offset: number, p: ConvPlan): Storer {
  const { height: H, width: W, rowOffset, rowY, rowX, colOffset, colY, colX, colInside } = p.tables;
  return (strip, ld, i0, mi, j0, nj) => {
    for (let r = 0; r < mi; r++) {
      const ro = offset + rowOffset[i0 + r]!;
      const ry = rowY[i0 + r]!;
      const rx = rowX[i0 + r]!;
      const s = r * ld - j0;
      for (let c = j0; c < j0 + nj; c++) {
        if (colInside[c]) {
          dx[ro + colOffset[c]!]! += strip[s + c]!;
          continue;
        }
        const y = ry + colY[c]!;
        const x = rx + colX[c]!;
        if (y >= 0 && y < H && x >= 0 && x < W) dx[ro + colOffset[c]!]! += strip[s + c]!;
      }
    }
  };
}

/** Backward to the filter: dW_g = dY_g · X̂_gᵀ, the batch and the pixels forming the reduction. */
export function conv2dBackwardFilterCpu(
  x: FloatArray,
  dy: FloatArray,
  dw: FloatArray,
  g: Conv2dGeometry,
): void {
  if (isSingleChannel3x3(g)) {
    conv2dBackwardFilterSingleChannel3x3(x, dy, dw, g);
    return;
  }
  const p = plan(g);
  for (let gr = 0; gr < g.groups; gr++) {
    const xg = { src: x, offset: gr * p.cig * g.inHeight * g.inWidth, ...p.tables };
    gemm(
      p.cog,
      p.taps,
      p.windows,
      indexedPacker(dy, gr * p.cog * p.plane, p.chanOut, p.colOut),
      im2colPacker(xg, false),
      stridedStorer(dw, gr * p.cog * p.taps, p.taps),
    );
  }
}
