import type { FloatArray } from '../backend.js';
import { gemm, stridedPacker, stridedStorer } from './gemm.js';

/** Below this many multiply-adds, packing costs more than it saves: a plain loop runs instead. */
const SMALL = 4096;

/**
 * out[m×n] = op(A)·op(B), out_ij = Σ_p op(A)_ip · op(B)_pj, where A is m×k (stored k×m when
 * transA) and B is k×n (stored n×k when transB). Large products run on the packed, blocked `gemm`;
 * a transpose only changes the strides its packers read with, so all four cases are equally fast.
 */
export function matmulCpu(
  a: FloatArray,
  b: FloatArray,
  out: FloatArray,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): void {
  matmulRowsCpu(a, b, out, m, k, n, transA, transB, 0, m);
}

/**
 * Rows [r0, r1) of out = op(A)·op(B), written at their place in `out` (m×n): the share of one
 * thread when a product is split by rows. Each entry is summed exactly as `matmulCpu` sums it, so
 * a split product is bit-identical to an unsplit one.
 */
export function matmulRowsCpu(
  a: FloatArray,
  b: FloatArray,
  out: FloatArray,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
  r0: number,
  r1: number,
): void {
  // Strides of op(A)(i, p) and op(B)(p, j) in their buffers.
  const aI = transA ? 1 : k;
  const aP = transA ? m : 1;
  const bJ = transB ? k : 1;
  const bP = transB ? 1 : n;
  if (m * n * k <= SMALL) {
    // Tiny products: the direct triple loop, summing in float64 like `gemm`.
    for (let i = r0; i < r1; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++) acc += a[i * aI + p * aP]! * b[p * bP + j * bJ]!;
        out[i * n + j] = acc;
      }
    }
    return;
  }
  gemm(
    r1 - r0,
    n,
    k,
    stridedPacker(a, r0 * aI, aI, aP),
    stridedPacker(b, 0, bJ, bP),
    stridedStorer(out, r0 * n, n),
  );
}
