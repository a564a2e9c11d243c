import type { FloatArray } from '../backend.js';

// #region matmul
/**
 * Course (backpropagation) (the layer's product z = W·a) and the definition of a matrix product:
 *
 *   out[i, j] = Σ_p op(A)[i, p] · op(B)[p, j],   i < m, j < n, p < k
 *
 * where op(A) is A (m×k, row-major) or, with transA, Aᵀ of the stored k×m; likewise op(B).
 * Each output is one float64 sum, rounded once to the output's type.
 */
export function matmulReference(
  a: FloatArray,
  b: FloatArray,
  out: FloatArray,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): void {
  const A = (i: number, p: number) => (transA ? a[p * m + i]! : a[i * k + p]!);
  const B = (p: number, j: number) => (transB ? b[j * k + p]! : b[p * n + j]!);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += A(i, p) * B(p, j);
      out[i * n + j] = sum;
    }
  }
}
// #endregion matmul
