import { Slot, scratchFloat64 } from './scratch.js';

/**
 * The blocked, packed matrix product C = A·B that every dense kernel of the cpu backend runs on
 * (matmul, the three convolution kernels): the Goto–van de Geijn scheme as in BLIS.
 *
 *   for each strip of nc columns of C                 (jc)
 *     for each block of kc steps of the reduction     (pc)  pack B[pc:pc+kc, jc:jc+nc] → B̃ (≈ L2/L3)
 *       for each block of mc rows of C                (ic)  pack A[ic:ic+mc, pc:pc+kc] → Ã (≈ L2)
 *         for each 4-column micro-panel of B̃         (jr)  (≈ L1)
 *           for each 4-row micro-panel of Ã          (ir)  the 4×4 micro-kernel: 16 accumulators in locals
 *
 * Packing copies each operand into Float64Array panels laid out in exactly the order the
 * micro-kernel reads them, so its inner loop is 8 sequential loads and 16 multiply-adds per step,
 * with no conversion from float32 and no strides. The sums run in float64 (then round once to the
 * output type), so float32 results are at least as accurate as a naive float32 loop and float64
 * keeps its precision: one code path serves both.
 *
 * Operands are not matrices here but packers: functions that copy a block of "operand(i, p)"
 * (i the output index, p the reduction index) into panels. A strided matrix, a transposed one, or
 * an implicit im2col view of an image batch are then all the same to the driver, which is how
 * convolution avoids materialising its column matrix. Likewise C is written by a `store` that
 * receives each finished strip in float64 and may scatter it (NCHW output, col2im).
 */

/** Rows of the micro-kernel's tile. */
export const MR = 4;
/** Columns of the micro-kernel's tile. */
export const NR = 4;
/** Reduction steps per packed block: Ã (mc×kc) and a B̃ micro-panel (kc×4) stay cache resident. */
const KC = 256;
/** Rows per packed Ã block (a multiple of MR). */
const MC = 96;
/** Columns per strip of C (a multiple of NR). */
const NC = 512;
/** Rows per pass over B: bounds the float64 strip of C to MB×NC. */
const MB = 1024;
/** When the whole of A (padded, in float64) is at most this many numbers, it is packed once and reused by every strip. */
const PACK_ALL_A = 1 << 19;

/**
 * Copies operand(i, p) for i ∈ [i0, i0+ni), p ∈ [p0, p0+np) into `dst` from `at`, as consecutive
 * micro-panels of 4 values of i per p: dst[at + q·4·np + p·4 + r] = operand(i0 + 4q + r, p0 + p).
 * Rows past ni in the last panel are zero.
 */
export type Packer = (dst: Float64Array, at: number, i0: number, ni: number, p0: number, np: number) => void;

/**
 * Receives the finished block C[i0:i0+mi, j0:j0+nj], in float64, from `strip` with row stride `ld`
 * (strip[r·ld + c] = C[i0 + r, j0 + c]), and writes it wherever C lives.
 */
export type Storer = (
  strip: Float64Array,
  ld: number,
  i0: number,
  mi: number,
  j0: number,
  nj: number,
) => void;

const roundUp = (x: number, to: number) => Math.ceil(x / to) * to;
/** Splits `total` into equal blocks of at most `max` (rounded up to `align`), so no block is a sliver. */
const balanced = (total: number, max: number, align: number) =>
  roundUp(Math.ceil(total / Math.ceil(total / max)), align);

/** C[m×n] = Σ_p operandA(i, p) · operandB(j, p) over p < k, handed to `store` strip by strip. */
export function gemm(m: number, n: number, k: number, packA: Packer, packB: Packer, store: Storer): void {
  if (m === 0 || n === 0) return;
  const kcMax = k === 0 ? 0 : balanced(k, KC, 1);
  const ncMax = balanced(n, NC, NR);
  for (let i0 = 0; i0 < m; i0 += MB) {
    const mb = Math.min(MB, m - i0);
    const mbPad = roundUp(mb, MR);
    const mcMax = balanced(mb, MC, MR);
    const packAll = mbPad * k <= PACK_ALL_A;
    const ap = scratchFloat64(Slot.packedA, packAll ? mbPad * k : mcMax * kcMax);
    const bp = scratchFloat64(Slot.packedB, kcMax * ncMax);
    const strip = scratchFloat64(Slot.strip, mbPad * ncMax);
    if (packAll) {
      // Block pc of the reduction holds mbPad×kc numbers from pc·mbPad on; its rows ic… from pc·mbPad + ic·kc.
      for (let pc = 0; pc < k; pc += kcMax) {
        const kc = Math.min(kcMax, k - pc);
        for (let ic = 0; ic < mb; ic += mcMax)
          packA(ap, pc * mbPad + ic * kc, i0 + ic, Math.min(mcMax, mb - ic), pc, kc);
      }
    }
    for (let jc = 0; jc < n; jc += ncMax) {
      const nc = Math.min(ncMax, n - jc);
      const ld = roundUp(nc, NR);
      // The first block of the reduction writes every tile of the strip (padding included), so the
      // strip needs clearing only when there is no reduction at all.
      if (k === 0) strip.fill(0, 0, mbPad * ld);
      for (let pc = 0; pc < k; pc += kcMax) {
        const kc = Math.min(kcMax, k - pc);
        packB(bp, 0, jc, nc, pc, kc);
        for (let ic = 0; ic < mb; ic += mcMax) {
          const mc = Math.min(mcMax, mb - ic);
          let aAt = 0;
          if (packAll) aAt = pc * mbPad + ic * kc;
          else packA(ap, 0, i0 + ic, mc, pc, kc);
          for (let jr = 0; jr < nc; jr += NR) {
            const bAt = jr * kc;
            for (let ir = 0; ir < mc; ir += MR)
              micro4x4(ap, aAt + ir * kc, bp, bAt, kc, strip, (ic + ir) * ld + jr, ld, pc > 0);
          }
        }
      }
      store(strip, ld, i0, mb, jc, nc);
    }
  }
}

/**
 * The 4×4 micro-kernel: C[4×4] (+)= Ã-panel (4×kc) · B̃-panel (kc×4), as kc rank-1 updates
 * c_ij += a_i · b_j. The 16 partial sums live in locals (registers, or the stack's L1 lines when
 * the register file runs out), so each step costs 8 loads and 16 multiply-adds. Both panels advance
 * by 4 per step, so one running index (and a fixed distance between them) addresses both; the a_i
 * are read one at a time, next to the four products that use them.
 */
function micro4x4(
  a: Float64Array,
  ia: number,
  b: Float64Array,
  ib: number,
  kc: number,
  c: Float64Array,
  ic: number,
  ld: number,
  accumulate: boolean,
): void {
  let c00 = 0;
  let c01 = 0;
  let c02 = 0;
  let c03 = 0;
  let c10 = 0;
  let c11 = 0;
  let c12 = 0;
  let c13 = 0;
  let c20 = 0;
  let c21 = 0;
  let c22 = 0;
  let c23 = 0;
  let c30 = 0;
  let c31 = 0;
  let c32 = 0;
  let c33 = 0;
  const toB = ib - ia;
  for (let i = ia, end = ia + 4 * kc; i < end; i += 4) {
    const b0 = b[i + toB]!;
    const b1 = b[i + toB + 1]!;
    const b2 = b[i + toB + 2]!;
    const b3 = b[i + toB + 3]!;
    let ai = a[i]!;
    c00 += ai * b0;
    c01 += ai * b1;
    c02 += ai * b2;
    c03 += ai * b3;
    ai = a[i + 1]!;
    c10 += ai * b0;
    c11 += ai * b1;
    c12 += ai * b2;
    c13 += ai * b3;
    ai = a[i + 2]!;
    c20 += ai * b0;
    c21 += ai * b1;
    c22 += ai * b2;
    c23 += ai * b3;
    ai = a[i + 3]!;
    c30 += ai * b0;
    c31 += ai * b1;
    c32 += ai * b2;
    c33 += ai * b3;
  }
  // The first block of the reduction stores its tile; later ones add to it (C += Ã·B̃). Storing
  // spares clearing the strip and reading it back, which matters when k is small (conv1's 9 taps).
  if (!accumulate) {
    c[ic] = c00;
    c[ic + 1] = c01;
    c[ic + 2] = c02;
    c[ic + 3] = c03;
    ic += ld;
    c[ic] = c10;
    c[ic + 1] = c11;
    c[ic + 2] = c12;
    c[ic + 3] = c13;
    ic += ld;
    c[ic] = c20;
    c[ic + 1] = c21;
    c[ic + 2] = c22;
    c[ic + 3] = c23;
    ic += ld;
    c[ic] = c30;
    c[ic + 1] = c31;
    c[ic + 2] = c32;
    c[ic + 3] = c33;
    return;
  }
  c[ic]! += c00;
  c[ic + 1]! += c01;
  c[ic + 2]! += c02;
  c[ic + 3]! += c03;
  ic += ld;
  c[ic]! += c10;
  c[ic + 1]! += c11;
  c[ic + 2]! += c12;
  c[ic + 3]! += c13;
  ic += ld;
  c[ic]! += c20;
  c[ic + 1]! += c21;
  c[ic + 2]! += c22;
  c[ic + 3]! += c23;
  ic += ld;
  c[ic]! += c30;
  c[ic + 1]! += c31;
  c[ic + 2]! += c32;
  c[ic + 3]! += c33;
}

type Source = Float32Array | Float64Array;

/** A packer for a strided matrix: operand(i, p) = src[offset + i·strideI + p·strideP] (any transpose). */
export function stridedPacker(src: Source, offset: number, strideI: number, strideP: number): Packer {
  return (dst, at, i0, ni, p0, np) => {
    for (let q = 0; q < ni; q += 4) {
      const base = offset + (i0 + q) * strideI + p0 * strideP;
      const rows = Math.min(4, ni - q);
      if (rows === 4) {
        let s = base;
        const s1 = strideI;
        const s2 = 2 * strideI;
        const s3 = 3 * strideI;
        for (let p = 0; p < np; p++, at += 4, s += strideP) {
          dst[at] = src[s]!;
          dst[at + 1] = src[s + s1]!;
          dst[at + 2] = src[s + s2]!;
          dst[at + 3] = src[s + s3]!;
        }
      } else {
        for (let p = 0; p < np; p++, at += 4) {
          const s = base + p * strideP;
          for (let r = 0; r < 4; r++) dst[at + r] = r < rows ? src[s + r * strideI]! : 0;
        }
      }
    }
  };
}

/**
 * A packer for an operand whose position separates into a part from i and a part from p:
 * operand(i, p) = src[offset + offI[i] + offP[p]]. An NCHW gradient dy read as a matrix over
 * (channel) × (image, pixel) is of this form.
 */
export function indexedPacker(src: Source, offset: number, offI: Int32Array, offP: Int32Array): Packer {
  return (dst, at, i0, ni, p0, np) => {
    for (let q = 0; q < ni; q += 4) {
      const rows = Math.min(4, ni - q);
      const i = i0 + q;
      const o0 = offset + offI[i]!;
      const o1 = rows > 1 ? offset + offI[i + 1]! : 0;
      const o2 = rows > 2 ? offset + offI[i + 2]! : 0;
      const o3 = rows > 3 ? offset + offI[i + 3]! : 0;
      for (let p = 0; p < np; p++, at += 4) {
        const op = offP[p0 + p]!;
        dst[at] = src[o0 + op]!;
        dst[at + 1] = rows > 1 ? src[o1 + op]! : 0;
        dst[at + 2] = rows > 2 ? src[o2 + op]! : 0;
        dst[at + 3] = rows > 3 ? src[o3 + op]! : 0;
      }
    }
  };
}

/**
 * The implicit im2col matrix of an image batch. Entry (r, c) — kernel tap r = (channel, ki, kj),
 * window c = (image, oy, ox) — is the input pixel at row y = rowY[r] + colY[c], column
 * x = rowX[r] + colX[c] (both may fall in the zero padding), stored at rowOffset[r] + colOffset[c].
 * Every quantity is a sum of a part from r and a part from c, so the same tables serve the
 * operand either way round.
 */
export interface Im2colTables {
  src: Source;
  offset: number;
  height: number;
  width: number;
  rowOffset: Int32Array;
  rowY: Int32Array;
  rowX: Int32Array;
  colOffset: Int32Array;
  colY: Int32Array;
  colX: Int32Array;
  /**
   * colInside[c] = 1 when every tap of window c falls inside the image (no padding under it):
   * then the packers and col2im skip the per-entry bounds checks for that window.
   */
  colInside: Int32Array;
}

/**
 * A packer reading the im2col matrix without forming it: with `iIsColumn`, operand(i, p) =
 * im2col(p, i) (forward: i runs over windows, p over taps), else operand(i, p) = im2col(i, p)
 * (the filter gradient: i over taps, p over windows). Zero where the tap falls in the padding.
 */
export function im2colPacker(t: Im2colTables, iIsColumn: boolean): Packer {
  const { src, offset, height: H, width: W } = t;
  const offI = iIsColumn ? t.colOffset : t.rowOffset;
  const yI = iIsColumn ? t.colY : t.rowY;
  const xI = iIsColumn ? t.colX : t.rowX;
  const offP = iIsColumn ? t.rowOffset : t.colOffset;
  const yP = iIsColumn ? t.rowY : t.colY;
  const xP = iIsColumn ? t.rowX : t.colX;
  const inside = t.colInside;
  return (dst, at, i0, ni, p0, np) => {
    for (let q = 0; q < ni; q += 4) {
      const rows = Math.min(4, ni - q);
      if (rows < 4) {
        for (let p = 0; p < np; p++, at += 4) {
          const pp = p0 + p;
          for (let r = 0; r < 4; r++) {
            const i = i0 + q + r;
            if (r >= rows) {
              dst[at + r] = 0;
              continue;
            }
            const y = yI[i]! + yP[pp]!;
            const x = xI[i]! + xP[pp]!;
            dst[at + r] = y >= 0 && y < H && x >= 0 && x < W ? src[offset + offI[i]! + offP[pp]!]! : 0;
          }
        }
        continue;
      }
      const i = i0 + q;
      const o0 = offset + offI[i]!;
      const o1 = offset + offI[i + 1]!;
      const o2 = offset + offI[i + 2]!;
      const o3 = offset + offI[i + 3]!;
      if (iIsColumn && inside[i]! & inside[i + 1]! & inside[i + 2]! & inside[i + 3]!) {
        // Four windows clear of the padding: every tap is a plain read.
        for (let p = 0; p < np; p++, at += 4) {
          const op = offP[p0 + p]!;
          dst[at] = src[o0 + op]!;
          dst[at + 1] = src[o1 + op]!;
          dst[at + 2] = src[o2 + op]!;
          dst[at + 3] = src[o3 + op]!;
        }
        continue;
      }
      const y0 = yI[i]!;
      const y1 = yI[i + 1]!;
      const y2 = yI[i + 2]!;
      const y3 = yI[i + 3]!;
      const x0 = xI[i]!;
      const x1 = xI[i + 1]!;
      const x2 = xI[i + 2]!;
      const x3 = xI[i + 3]!;
      for (let p = 0; p < np; p++, at += 4) {
        const pp = p0 + p;
        const op = offP[pp]!;
        if (!iIsColumn && inside[pp]) {
          // Window pp is clear of the padding: the four taps are plain reads.
          dst[at] = src[o0 + op]!;
          dst[at + 1] = src[o1 + op]!;
          dst[at + 2] = src[o2 + op]!;
          dst[at + 3] = src[o3 + op]!;
          continue;
        }
        const yp = yP[pp]!;
        const xp = xP[pp]!;
        let y = y0 + yp;
        let x = x0 + xp;
        dst[at] = y >= 0 && y < H && x >= 0 && x < W ? src[o0 + op]! : 0;
        y = y1 + yp;
        x = x1 + xp;
        dst[at + 1] = y >= 0 && y < H && x >= 0 && x < W ? src[o1 + op]! : 0;
        y = y2 + yp;
        x = x2 + xp;
        dst[at + 2] = y >= 0 && y < H && x >= 0 && x < W ? src[o2 + op]! : 0;
        y = y3 + yp;
        x = x3 + xp;
        dst[at + 3] = y >= 0 && y < H && x >= 0 && x < W ? src[o3 + op]! : 0;
      }
    }
  };
}

/** A storer for a strided C: C[i, j] → out[offset + i·strideI + j] (overwriting, or adding when `accumulate`). */
export function stridedStorer(out: Source, offset: number, strideI: number, accumulate = false): Storer {
  return (strip, ld, i0, mi, j0, nj) => {
    for (let r = 0; r < mi; r++) {
      const o = offset + (i0 + r) * strideI + j0;
      const s = r * ld;
      if (accumulate) for (let c = 0; c < nj; c++) out[o + c]! += strip[s + c]!;
      else for (let c = 0; c < nj; c++) out[o + c] = strip[s + c]!;
    }
  };
}
