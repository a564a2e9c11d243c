import type { FloatArray } from '../backend.js';

/**
 * out[m×n] = op(A)·op(B). The reference: transposed operands are first copied into row-major
 * form, then the i-k-j loop streams rows of B so the inner loop reads and writes contiguously.
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
  const A = transA ? transposeCopy(a, k, m) : a; // now m×k
  const B = transB ? transposeCopy(b, n, k) : b; // now k×n
  out.fill(0, 0, m * n);
  for (let i = 0; i < m; i++) {
    const rowA = i * k;
    const rowC = i * n;
    for (let p = 0; p < k; p++) {
      const aip = A[rowA + p]!;
      if (aip === 0) continue;
      const rowB = p * n;
      for (let j = 0; j < n; j++) out[rowC + j]! += aip * B[rowB + j]!;
    }
  }
}

/** The transpose of a rows×cols row-major matrix, as a new cols×rows buffer. */
export function transposeCopy(src: FloatArray, rows: number, cols: number): FloatArray {
  const out = new (src.constructor as Float32ArrayConstructor | Float64ArrayConstructor)(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = src[r * cols + c]!;
  return out;
}
