import type { FloatArray, Pool2dGeometry } from '../backend.js';

/** Max pooling: each output is the largest input in its window; padding never wins. */
export function maxPool2dCpu(x: FloatArray, out: FloatArray, argmax: Int32Array, g: Pool2dGeometry): void {
  const { inHeight: H, inWidth: W, outHeight: HO, outWidth: WO, kernelHeight: KH, kernelWidth: KW } = g;
  if (
    KH === 2 &&
    KW === 2 &&
    g.strideHeight === 2 &&
    g.strideWidth === 2 &&
    g.padHeight === 0 &&
    g.padWidth === 0
  ) {
    maxPool2x2(x, out, argmax, g);
    return;
  }
  let o = 0;
  for (let plane = 0; plane < g.batch * g.channels; plane++) {
    const base = plane * H * W;
    for (let oy = 0; oy < HO; oy++) {
      const y0 = oy * g.strideHeight - g.padHeight;
      for (let ox = 0; ox < WO; ox++, o++) {
        const x0 = ox * g.strideWidth - g.padWidth;
        let best = Number.NEGATIVE_INFINITY;
        let at = -1;
        for (let i = Math.max(0, -y0); i < KH && y0 + i < H; i++) {
          const row = base + (y0 + i) * W;
          for (let j = Math.max(0, -x0); j < KW && x0 + j < W; j++) {
            const v = x[row + x0 + j]!;
            if (v > best || at < 0 || Number.isNaN(v)) {
              best = v;
              at = row + x0 + j;
              if (Number.isNaN(v)) break;
            }
          }
        }
        out[o] = best;
        argmax[o] = at;
      }
    }
  }
}

/**
 * The common 2×2, stride 2, unpadded max pool (LeNet's, VGG's) without the window bookkeeping:
 * the four candidates in scan order, with the same rule as the general loop (the first maximum
 * wins ties; the first NaN wins outright, so a NaN is never pooled away).
 */
function maxPool2x2(x: FloatArray, out: FloatArray, argmax: Int32Array, g: Pool2dGeometry): void {
  const { inHeight: H, inWidth: W, outHeight: HO, outWidth: WO } = g;
  let o = 0;
  for (let plane = 0; plane < g.batch * g.channels; plane++) {
    const base = plane * H * W;
    for (let oy = 0; oy < HO; oy++) {
      const row = base + 2 * oy * W;
      for (let ox = 0; ox < WO; ox++, o++) {
        let at = row + 2 * ox;
        let best = x[at]!;
        if (!Number.isNaN(best)) {
          let v = x[at + 1]!;
          if (v > best || Number.isNaN(v)) {
            best = v;
            at += 1;
          }
          const below = row + W + 2 * ox;
          if (!Number.isNaN(best)) {
            v = x[below]!;
            if (v > best || Number.isNaN(v)) {
              best = v;
              at = below;
            }
            if (!Number.isNaN(best)) {
              v = x[below + 1]!;
              if (v > best || Number.isNaN(v)) {
                best = v;
                at = below + 1;
              }
            }
          }
        }
        out[o] = best;
        argmax[o] = at;
      }
    }
  }
}

export function maxPool2dBackwardCpu(
  dy: FloatArray,
  argmax: Int32Array,
  dx: FloatArray,
  _g: Pool2dGeometry,
): void {
  dx.fill(0);
  for (let o = 0; o < dy.length; o++) {
    const at = argmax[o]!;
    if (at >= 0) dx[at]! += dy[o]!;
  }
}

function windowCount(g: Pool2dGeometry, oy: number, ox: number, countIncludePad: boolean): number {
  const y0 = oy * g.strideHeight - g.padHeight;
  const x0 = ox * g.strideWidth - g.padWidth;
  if (countIncludePad) {
    const y1 = Math.min(y0 + g.kernelHeight, g.inHeight + g.padHeight);
    const x1 = Math.min(x0 + g.kernelWidth, g.inWidth + g.padWidth);
    return (y1 - y0) * (x1 - x0);
  }
  const h = Math.min(y0 + g.kernelHeight, g.inHeight) - Math.max(y0, 0);
  const w = Math.min(x0 + g.kernelWidth, g.inWidth) - Math.max(x0, 0);
  return Math.max(h, 0) * Math.max(w, 0);
}

/** Average pooling: the mean of each window. */
export function avgPool2dCpu(
  x: FloatArray,
  out: FloatArray,
  g: Pool2dGeometry,
  countIncludePad: boolean,
): void {
  const { inHeight: H, inWidth: W, outHeight: HO, outWidth: WO, kernelHeight: KH, kernelWidth: KW } = g;
  let o = 0;
  for (let plane = 0; plane < g.batch * g.channels; plane++) {
    const base = plane * H * W;
    for (let oy = 0; oy < HO; oy++) {
      const y0 = oy * g.strideHeight - g.padHeight;
      for (let ox = 0; ox < WO; ox++, o++) {
        const x0 = ox * g.strideWidth - g.padWidth;
        let acc = 0;
        for (let i = Math.max(0, -y0); i < KH && y0 + i < H; i++) {
          const row = base + (y0 + i) * W;
          for (let j = Math.max(0, -x0); j < KW && x0 + j < W; j++) acc += x[row + x0 + j]!;
        }
        const count = windowCount(g, oy, ox, countIncludePad);
        out[o] = count > 0 ? acc / count : 0;
      }
    }
  }
}

export function avgPool2dBackwardCpu(
  dy: FloatArray,
  dx: FloatArray,
  g: Pool2dGeometry,
  countIncludePad: boolean,
): void {
  const { inHeight: H, inWidth: W, outHeight: HO, outWidth: WO, kernelHeight: KH, kernelWidth: KW } = g;
  dx.fill(0);
  let o = 0;
  for (let plane = 0; plane < g.batch * g.channels; plane++) {
    const base = plane * H * W;
    for (let oy = 0; oy < HO; oy++) {
      const y0 = oy * g.strideHeight - g.padHeight;
      for (let ox = 0; ox < WO; ox++, o++) {
        const x0 = ox * g.strideWidth - g.padWidth;
        const count = windowCount(g, oy, ox, countIncludePad);
        if (count === 0) continue;
        const share = dy[o]! / count;
        for (let i = Math.max(0, -y0); i < KH && y0 + i < H; i++) {
          const row = base + (y0 + i) * W;
          for (let j = Math.max(0, -x0); j < KW && x0 + j < W; j++) dx[row + x0 + j]! += share;
        }
      }
    }
  }
}
