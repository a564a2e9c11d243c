/**
 * The wasm backend's matrix product, C = op(A)·op(B) in float32 with 128-bit SIMD (f32x4): the
 * Goto–van de Geijn blocking of the cpu backend's gemm.ts, with a 4×8 register tile of f32x4
 * multiply-adds as the micro-kernel (8 accumulators, 2 loads of B and 4 broadcasts of A per step).
 *
 *   for each strip of NC columns of C                  (jc)
 *     for each block of KC steps of the reduction      (pc)  pack B[pc:+KC, jc:+NC] → B̃ (panels of 8 columns)
 *       for each block of MC rows of C                 (ic)  pack A[ic:+MC, pc:+KC] → Ã (panels of 4 rows)
 *         for each 8-column panel of B̃                (jr)
 *           for each 4-row panel of Ã                 (ir)  the 4×8 micro-kernel
 *
 * Operands are addressed through strides, op(A)(i, p) = a[i·ais + p·aps] and op(B)(p, j) =
 * b[p·bps + j·bjs], so a transpose is only a change of strides; the packers have SIMD paths for the
 * two unit-stride layouts of each operand (a 4×4 transpose in registers when the unit stride runs
 * along the reduction of A or across the columns of Bᵀ).
 *
 * Summation order (what makes runs reproducible): entry (i, j) is, for each KC block of the
 * reduction in turn, a float32 sum from zero over the block in increasing p, added to C. It depends
 * on k alone, not on m, n or where a row sits, so a product split by rows across threads is
 * bit-identical to the unsplit one. Error bound: |ĉ − c| ≤ γ_k Σ_p |a_ip b_pj| with γ_k = k·u/(1 − k·u),
 * u = 2⁻²⁴ (float32 recursive summation).
 */

/** Rows and columns of the register tile. */
export const MR: i32 = 4;
export const NR: i32 = 8;
/** Reduction steps per packed block: a B̃ panel (KC×8 floats = 8 KiB) stays in L1. */
export const KC: i32 = 256;
/** Rows per packed Ã block: MC×KC floats = 64 KiB, L2-resident, reused by every panel of B̃. */
export const MC: i32 = 64;
/** Columns per strip: B̃ is KC×NC floats = 256 KiB. */
export const NC: i32 = 256;

/** Bytes of scratch `gemm` needs: Ã, B̃ and one tile for the edges. */
export function gemmScratchBytes(): i32 {
  return (MC * KC + KC * NC + MR * NR) * 4;
}

/** Transposes the 4×4 block whose rows are v0..v3 and stores its columns at dst, dst+16·step, … */
function transpose4Store(v0: v128, v1: v128, v2: v128, v3: v128, dst: usize, step: usize): void {
  const t0 = f32x4.shuffle(v0, v1, 0, 4, 1, 5);
  const t1 = f32x4.shuffle(v2, v3, 0, 4, 1, 5);
  const t2 = f32x4.shuffle(v0, v1, 2, 6, 3, 7);
  const t3 = f32x4.shuffle(v2, v3, 2, 6, 3, 7);
  v128.store(dst, f32x4.shuffle(t0, t1, 0, 1, 4, 5));
  v128.store(dst + step, f32x4.shuffle(t0, t1, 2, 3, 6, 7));
  v128.store(dst + 2 * step, f32x4.shuffle(t2, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * step, f32x4.shuffle(t2, t3, 2, 3, 6, 7));
}

/**
 * Packs op(A)(i0 + i, p0 + p) for i < mi, p < kc into panels of MR rows:
 * dst[(i / MR)·kc·MR + p·MR + i % MR]; rows past mi are zero.
 */
function packA(a: usize, ais: i32, aps: i32, i0: i32, mi: i32, p0: i32, kc: i32, dst: usize): void {
  for (let ir = 0; ir < mi; ir += MR) {
    const rows = min(MR, mi - ir);
    const panel = dst + <usize>(ir * kc) * 4;
    const base = a + <usize>((i0 + ir) * ais + p0 * aps) * 4;
    if (rows === MR && ais === 1) {
      // The MR rows of one reduction step are adjacent: one vector per step.
      for (let p = 0; p < kc; p++)
        v128.store(panel + <usize>(p * MR) * 4, v128.load(base + <usize>(p * aps) * 4));
    } else if (rows === MR && aps === 1) {
      // Each row is contiguous along p: transpose 4×4 blocks in registers.
      const r = <usize>ais * 4;
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const s = base + <usize>p * 4;
        transpose4Store(
          v128.load(s),
          v128.load(s + r),
          v128.load(s + 2 * r),
          v128.load(s + 3 * r),
          panel + <usize>(p * MR) * 4,
          16,
        );
      }
      for (; p < kc; p++) {
        const s = base + <usize>p * 4;
        const d = panel + <usize>(p * MR) * 4;
        store<f32>(d, load<f32>(s));
        store<f32>(d, load<f32>(s + r), 4);
        store<f32>(d, load<f32>(s + 2 * r), 8);
        store<f32>(d, load<f32>(s + 3 * r), 12);
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const d = panel + <usize>(p * MR) * 4;
        for (let r = 0; r < MR; r++) {
          store<f32>(d + <usize>r * 4, r < rows ? load<f32>(base + <usize>(r * ais + p * aps) * 4) : 0);
        }
      }
    }
  }
}

/**
 * Packs op(B)(p0 + p, j0 + j) for p < kc, j < nj into panels of NR columns:
 * dst[(j / NR)·kc·NR + p·NR + j % NR]; columns past nj are zero.
 */
function packB(b: usize, bps: i32, bjs: i32, p0: i32, kc: i32, j0: i32, nj: i32, dst: usize): void {
  for (let jr = 0; jr < nj; jr += NR) {
    const cols = min(NR, nj - jr);
    const panel = dst + <usize>(jr * kc) * 4;
    const base = b + <usize>(p0 * bps + (j0 + jr) * bjs) * 4;
    if (cols === NR && bjs === 1) {
      for (let p = 0; p < kc; p++) {
        const s = base + <usize>(p * bps) * 4;
        const d = panel + <usize>(p * NR) * 4;
        v128.store(d, v128.load(s));
        v128.store(d, v128.load(s, 16), 16);
      }
    } else if (cols === NR && bps === 1) {
      // Column j of op(B) is contiguous along p (B stored transposed): two 4×4 transposes per 4 steps.
      const r = <usize>bjs * 4;
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const s = base + <usize>p * 4;
        const d = panel + <usize>(p * NR) * 4;
        transpose4Store(v128.load(s), v128.load(s + r), v128.load(s + 2 * r), v128.load(s + 3 * r), d, 32);
        const s4 = s + 4 * r;
        transpose4Store(
          v128.load(s4),
          v128.load(s4 + r),
          v128.load(s4 + 2 * r),
          v128.load(s4 + 3 * r),
          d + 16,
          32,
        );
      }
      for (; p < kc; p++) {
        const d = panel + <usize>(p * NR) * 4;
        for (let c = 0; c < NR; c++) store<f32>(d + <usize>c * 4, load<f32>(base + <usize>(p + c * bjs) * 4));
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const d = panel + <usize>(p * NR) * 4;
        for (let c = 0; c < NR; c++) {
          store<f32>(d + <usize>c * 4, c < cols ? load<f32>(base + <usize>(p * bps + c * bjs) * 4) : 0);
        }
      }
    }
  }
}

/**
 * The 4×8 micro-kernel: the tile C[4×8] (+)= Ã-panel (4×kc) · B̃-panel (kc×8) as kc rank-1 updates,
 * c_r += a_r · b in f32x4 lanes. A full tile is stored (or added, when `add`) straight into C;
 * an edge tile goes through `edge` and only its rows × cols are written.
 */
function micro4x8(
  ap: usize,
  bp: usize,
  kc: i32,
  c: usize,
  ldc: i32,
  add: bool,
  rows: i32,
  cols: i32,
  edge: usize,
): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = f32x4.add(c00, f32x4.mul(a, b0));
    c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 4);
    c10 = f32x4.add(c10, f32x4.mul(a, b0));
    c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 8);
    c20 = f32x4.add(c20, f32x4.mul(a, b0));
    c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 12);
    c30 = f32x4.add(c30, f32x4.mul(a, b0));
    c31 = f32x4.add(c31, f32x4.mul(a, b1));
    ap += 16;
    bp += 32;
  }
  const ld = <usize>ldc * 4;
  if (rows === MR && cols === NR) {
    if (add) {
      c00 = f32x4.add(c00, v128.load(c));
      c01 = f32x4.add(c01, v128.load(c, 16));
      c10 = f32x4.add(c10, v128.load(c + ld));
      c11 = f32x4.add(c11, v128.load(c + ld, 16));
      c20 = f32x4.add(c20, v128.load(c + 2 * ld));
      c21 = f32x4.add(c21, v128.load(c + 2 * ld, 16));
      c30 = f32x4.add(c30, v128.load(c + 3 * ld));
      c31 = f32x4.add(c31, v128.load(c + 3 * ld, 16));
    }
    v128.store(c, c00);
    v128.store(c, c01, 16);
    v128.store(c + ld, c10);
    v128.store(c + ld, c11, 16);
    v128.store(c + 2 * ld, c20);
    v128.store(c + 2 * ld, c21, 16);
    v128.store(c + 3 * ld, c30);
    v128.store(c + 3 * ld, c31, 16);
    return;
  }
  v128.store(edge, c00);
  v128.store(edge, c01, 16);
  v128.store(edge, c10, 32);
  v128.store(edge, c11, 48);
  v128.store(edge, c20, 64);
  v128.store(edge, c21, 80);
  v128.store(edge, c30, 96);
  v128.store(edge, c31, 112);
  for (let r = 0; r < rows; r++) {
    const row = c + <usize>r * ld;
    for (let j = 0; j < cols; j++) {
      const v = load<f32>(edge + <usize>(r * NR + j) * 4);
      const at = row + <usize>j * 4;
      store<f32>(at, add ? load<f32>(at) + v : v);
    }
  }
}

/**
 * C[i·ldc + j] (= or +=, by `accumulate`) Σ_p op(A)(i, p)·op(B)(p, j) for i < m, j < n, p < k.
 * `scratch` holds gemmScratchBytes() bytes.
 */
export function gemm(
  m: i32,
  n: i32,
  k: i32,
  a: usize,
  ais: i32,
  aps: i32,
  b: usize,
  bps: i32,
  bjs: i32,
  c: usize,
  ldc: i32,
  accumulate: bool,
  scratch: usize,
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate) for (let i = 0; i < m; i++) memory.fill(c + <usize>(i * ldc) * 4, 0, <usize>n * 4);
    return;
  }
  const ap = scratch;
  const bp = ap + <usize>(MC * KC) * 4;
  const edge = bp + <usize>(KC * NC) * 4;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB(b, bps, bjs, pc, kc, jc, nc, bp);
      const add = accumulate || pc > 0;
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(a, ais, aps, ic, mc, pc, kc, ap);
        for (let jr = 0; jr < nc; jr += NR) {
          const cols = min(NR, nc - jr);
          const bPanel = bp + <usize>(jr * kc) * 4;
          for (let ir = 0; ir < mc; ir += MR) {
            micro4x8(
              ap + <usize>(ir * kc) * 4,
              bPanel,
              kc,
              c + <usize>((ic + ir) * ldc + jc + jr) * 4,
              ldc,
              add,
              min(MR, mc - ir),
              cols,
              edge,
            );
          }
        }
      }
    }
  }
}
