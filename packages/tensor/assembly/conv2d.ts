import { gemm } from './gemm';

/**
 * The three convolution kernels as matrix products, one image and one group at a time
 * (Ci/g input and Co/g output channels, K = Ci/g·kh·kw taps, P = Ho·Wo windows):
 *
 *   forward          Y[n]_g (Co/g × P) = W_g (Co/g × K) · X̂[n]_g (K × P)
 *   to the input     dX̂[n]_g (K × P)  = W_gᵀ · dY[n]_g,   then col2im adds dX̂ back onto dx[n]
 *   to the filter    dW_g (Co/g × K)  += dY[n]_g · X̂[n]_gᵀ, summed over the images in order
 *
 * X̂ (im2col) is formed in `cols`, a strip of output rows at a time (K × ~256 floats, see
 * stripRows). The forward product is written straight into the NCHW output (its rows are output
 * channels, its columns the pixels of one image), so no transposition is needed anywhere. All pointers are byte addresses in this module's memory.
 */

/** Geometry, set once per call by `setGeometry` (too many numbers for one signature). */
let _N: i32 = 0;
let CI: i32 = 0;
let H: i32 = 0;
let W: i32 = 0;
let CO: i32 = 0;
let KH: i32 = 0;
let KW: i32 = 0;
let SH: i32 = 0;
let SW: i32 = 0;
let PH: i32 = 0;
let PW: i32 = 0;
let DH: i32 = 0;
let DW: i32 = 0;
let G: i32 = 0;
let HO: i32 = 0;
let WO: i32 = 0;

export function setGeometry(
  n: i32,
  ci: i32,
  h: i32,
  w: i32,
  co: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
  ph: i32,
  pw: i32,
  dh: i32,
  dw: i32,
  g: i32,
  ho: i32,
  wo: i32,
): void {
  _N = n;
  CI = ci;
  H = h;
  W = w;
  CO = co;
  KH = kh;
  KW = kw;
  SH = sh;
  SW = sw;
  PH = ph;
  PW = pw;
  DH = dh;
  DW = dw;
  G = g;
  HO = ho;
  WO = wo;
}

/**
 * Output rows per strip: the products run on strips of whole output rows, about 256 pixels wide,
 * so that a strip's im2col (K × strip floats) stays in cache between being written and being
 * packed, instead of streaming a whole image's columns through memory.
 */
function stripRows(): i32 {
  return max(1, min(HO, 256 / max(1, WO)));
}

/** Bytes of the im2col buffer one strip of one image and group needs (K × strip floats). */
export function colsBytes(): i32 {
  return (CI / G) * KH * KW * stripRows() * WO * 4;
}

/** The output columns ox with 0 ≤ ox·SW − PW + j·DW < W: [lo, hi). */
function firstInside(j: i32): i32 {
  // Smallest ox with ox·SW ≥ PW − j·DW.
  const need = PW - j * DW;
  return need <= 0 ? 0 : (need + SW - 1) / SW;
}
function endInside(j: i32): i32 {
  // Smallest ox with ox·SW − PW + j·DW ≥ W, capped at WO.
  const need = W + PW - j * DW;
  if (need <= 0) return 0;
  return min(WO, (need + SW - 1) / SW);
}

/**
 * im2col for output rows [oy0, oy1) of one image and group (S = (oy1 − oy0)·WO windows):
 * cols[(c·KH·KW + i·KW + j)·S + (oy − oy0)·WO + ox] is the input pixel under tap (i, j) of channel
 * c when the window sits at (oy, ox); zero in the padding.
 */
function im2col(x: usize, channels: i32, cols: usize, oy0: i32, oy1: i32): void {
  const P = (oy1 - oy0) * WO;
  let row = 0;
  for (let c = 0; c < channels; c++) {
    const xc = x + <usize>(c * H * W) * 4;
    for (let i = 0; i < KH; i++) {
      for (let j = 0; j < KW; j++, row++) {
        const lo = firstInside(j);
        const hi = max(lo, endInside(j));
        const base = cols + <usize>(row * P) * 4;
        for (let oy = oy0; oy < oy1; oy++) {
          const y = oy * SH - PH + i * DH;
          const o = base + <usize>((oy - oy0) * WO) * 4;
          if (y < 0 || y >= H) {
            memory.fill(o, 0, <usize>WO * 4);
            continue;
          }
          // The padding at both ends of the row: a column or two, stored directly.
          for (let ox = 0; ox < lo; ox++) store<f32>(o + <usize>ox * 4, 0);
          for (let ox = hi; ox < WO; ox++) store<f32>(o + <usize>ox * 4, 0);
          const src = xc + <usize>(y * W - PW + j * DW) * 4;
          if (SW === 1) {
            // A short run (a row of an image): vector moves beat a memory.copy call, and a run of
            // 4 or more ends with one vector that overlaps the last (a copy, so writing twice is harmless).
            if (hi - lo >= 4) {
              let ox = lo;
              for (; ox + 4 <= hi; ox += 4) v128.store(o + <usize>ox * 4, v128.load(src + <usize>ox * 4));
              if (ox < hi) v128.store(o + <usize>(hi - 4) * 4, v128.load(src + <usize>(hi - 4) * 4));
            } else {
              for (let ox = lo; ox < hi; ox++) store<f32>(o + <usize>ox * 4, load<f32>(src + <usize>ox * 4));
            }
          } else {
            for (let ox = lo; ox < hi; ox++)
              store<f32>(o + <usize>ox * 4, load<f32>(src + <usize>(ox * SW) * 4));
          }
        }
      }
    }
  }
}

/** col2im: the adjoint of im2col (rows [oy0, oy1)), each entry of cols added onto the pixel it was read from. */
function col2imAdd(cols: usize, channels: i32, dx: usize, oy0: i32, oy1: i32): void {
  const P = (oy1 - oy0) * WO;
  let row = 0;
  for (let c = 0; c < channels; c++) {
    const xc = dx + <usize>(c * H * W) * 4;
    for (let i = 0; i < KH; i++) {
      for (let j = 0; j < KW; j++, row++) {
        const lo = firstInside(j);
        const hi = max(lo, endInside(j));
        const base = cols + <usize>(row * P) * 4;
        for (let oy = oy0; oy < oy1; oy++) {
          const y = oy * SH - PH + i * DH;
          if (y < 0 || y >= H) continue;
          const o = base + <usize>((oy - oy0) * WO) * 4;
          const dst = xc + <usize>(y * W - PW + j * DW) * 4;
          if (SW === 1) {
            let ox = lo;
            for (; ox + 4 <= hi; ox += 4) {
              const at = dst + <usize>ox * 4;
              v128.store(at, f32x4.add(v128.load(at), v128.load(o + <usize>ox * 4)));
            }
            for (; ox < hi; ox++) {
              const at = dst + <usize>ox * 4;
              store<f32>(at, load<f32>(at) + load<f32>(o + <usize>ox * 4));
            }
          } else {
            for (let ox = lo; ox < hi; ox++) {
              const at = dst + <usize>(ox * SW) * 4;
              store<f32>(at, load<f32>(at) + load<f32>(o + <usize>ox * 4));
            }
          }
        }
      }
    }
  }
}

/** Whether X̂ is x itself: a 1×1 kernel with unit stride and no padding reads each pixel once, in place. */
function colsAreInput(): bool {
  return KH === 1 && KW === 1 && SH === 1 && SW === 1 && PH === 0 && PW === 0;
}

/** out[N, Co, Ho, Wo] = Σ x ⋆ w for images [n0, n1) (out and x point at image 0). */
export function conv2dForward(
  x: usize,
  w: usize,
  out: usize,
  n0: i32,
  n1: i32,
  cols: usize,
  scratch: usize,
): void {
  const cig = CI / G;
  const cog = CO / G;
  const K = cig * KH * KW;
  const P = HO * WO;
  const rows = stripRows();
  for (let n = n0; n < n1; n++) {
    for (let g = 0; g < G; g++) {
      const xg = x + <usize>((n * CI + g * cig) * H * W) * 4;
      const wg = w + <usize>(g * cog * K) * 4;
      const yg = out + <usize>((n * CO + g * cog) * P) * 4;
      for (let oy0 = 0; oy0 < HO; oy0 += rows) {
        const oy1 = min(HO, oy0 + rows);
        const S = (oy1 - oy0) * WO;
        const at = <usize>(oy0 * WO) * 4;
        if (colsAreInput()) {
          // X̂ is x itself (1×1, stride 1, no padding): the strip's columns read in place.
          gemm(cog, S, K, wg, K, 1, xg + at, P, 1, yg + at, P, false, scratch);
        } else {
          im2col(xg, cig, cols, oy0, oy1);
          gemm(cog, S, K, wg, K, 1, cols, S, 1, yg + at, P, false, scratch);
        }
      }
    }
  }
}

/** dx[N, Ci, H, W] = the transpose of the convolution applied to dy, for images [n0, n1). */
export function conv2dBackwardInput(
  dy: usize,
  w: usize,
  dx: usize,
  n0: i32,
  n1: i32,
  cols: usize,
  scratch: usize,
): void {
  const cig = CI / G;
  const cog = CO / G;
  const K = cig * KH * KW;
  const P = HO * WO;
  const rows = stripRows();
  for (let n = n0; n < n1; n++) {
    for (let g = 0; g < G; g++) {
      const dxg = dx + <usize>((n * CI + g * cig) * H * W) * 4;
      const wg = w + <usize>(g * cog * K) * 4;
      const dyg = dy + <usize>((n * CO + g * cog) * P) * 4;
      if (colsAreInput()) {
        // dX̂ is dx itself: the product writes the gradient directly.
        gemm(K, P, cog, wg, 1, K, dyg, P, 1, dxg, P, false, scratch);
        continue;
      }
      memory.fill(dxg, 0, <usize>(cig * H * W) * 4);
      for (let oy0 = 0; oy0 < HO; oy0 += rows) {
        const oy1 = min(HO, oy0 + rows);
        const S = (oy1 - oy0) * WO;
        gemm(K, S, cog, wg, 1, K, dyg + <usize>(oy0 * WO) * 4, P, 1, cols, S, false, scratch);
        col2imAdd(cols, cig, dxg, oy0, oy1);
      }
    }
  }
}

/**
 * dw[Co, Ci/g, kh, kw] = Σ_n dY[n]·X̂[n]ᵀ over images [n0, n1), each image's product (strip by
 * strip) added in order (dw is cleared first).
 */
export function conv2dBackwardFilter(
  x: usize,
  dy: usize,
  dw: usize,
  n0: i32,
  n1: i32,
  cols: usize,
  scratch: usize,
): void {
  const cig = CI / G;
  const cog = CO / G;
  const K = cig * KH * KW;
  const P = HO * WO;
  memory.fill(dw, 0, <usize>(CO * K) * 4);
  const rows = stripRows();
  for (let n = n0; n < n1; n++) {
    for (let g = 0; g < G; g++) {
      const xg = x + <usize>((n * CI + g * cig) * H * W) * 4;
      const dyg = dy + <usize>((n * CO + g * cog) * P) * 4;
      const dwg = dw + <usize>(g * cog * K) * 4;
      for (let oy0 = 0; oy0 < HO; oy0 += rows) {
        const oy1 = min(HO, oy0 + rows);
        const S = (oy1 - oy0) * WO;
        const at = <usize>(oy0 * WO) * 4;
        // op(B)(p = pixel, j = tap) = X̂[tap, pixel]: the transposed read of the strip's columns.
        if (colsAreInput()) gemm(cog, K, S, dyg + at, P, 1, xg + at, 1, P, dwg, K, true, scratch);
        else {
          im2col(xg, cig, cols, oy0, oy1);
          gemm(cog, K, S, dyg + at, P, 1, cols, 1, S, dwg, K, true, scratch);
        }
      }
    }
  }
}

/**
 * The fused epilogue, on `batch` images of `channels` planes of `plane` floats, in place:
 * y = scale[o]·y + shift[o] (scale, shift: float32 per channel; 0 for none), then max(0, y) when
 * `relu`, with −0 → +0 and NaN passed through: a lane is cleared where y ≤ 0, which is false for NaN.
 */
export function channelAffine(
  y: usize,
  batch: i32,
  channels: i32,
  plane: i32,
  scale: usize,
  shift: usize,
  relu: bool,
): void {
  const zero = f32x4.splat(0);
  let at = y;
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < channels; o++) {
      const k: f32 = scale ? load<f32>(scale + <usize>o * 4) : 1;
      const t: f32 = shift ? load<f32>(shift + <usize>o * 4) : 0;
      const kv = f32x4.splat(k);
      const tv = f32x4.splat(t);
      const end = at + <usize>plane * 4;
      for (; at + 16 <= end; at += 16) {
        let v = v128.load(at);
        if (scale) v = f32x4.mul(v, kv);
        if (shift) v = f32x4.add(v, tv);
        if (relu) v = v128.andnot(v, f32x4.le(v, zero));
        v128.store(at, v);
      }
      for (; at < end; at += 4) {
        let v = load<f32>(at);
        if (scale) v *= k;
        if (shift) v += t;
        if (relu && v <= 0) v = 0;
        store<f32>(at, v);
      }
    }
  }
}
