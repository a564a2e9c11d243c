import type { KernelThis } from './kernel-this.js';

/**
 * out[i, j] = Σ_p A[i, p] · B[p, j], with A and B read through strides so one kernel covers all
 * four transpose combinations: A[i, p] = a[i·aRow + p·aCol], B[p, j] = b[p·bRow + j·bCol].
 */
export interface MatmulConstants {
  n: number;
  k: number;
  aRow: number;
  aCol: number;
  bRow: number;
  bCol: number;
}

export function matmulConstants(
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): MatmulConstants {
  return {
    n,
    k,
    // A is m×k row-major, or k×m when transposed: A[i, p] sits at p·m + i.
    aRow: transA ? 1 : k,
    aCol: transA ? m : 1,
    // B is k×n row-major, or n×k when transposed: B[p, j] sits at j·k + p.
    bRow: transB ? 1 : n,
    bCol: transB ? k : 1,
  };
}

/** One thread per output element; the inner sum runs in the same order as the cpu backend. */
export function matmulKernel(this: KernelThis<MatmulConstants>, a: Float32Array, b: Float32Array): number {
  const index = this.thread.x;
  const i = Math.floor((index + 0.5) / this.constants.n);
  const j = index - i * this.constants.n;
  let sum = 0;
  for (let p = 0; p < this.constants.k; p++) {
    sum +=
      a[i * this.constants.aRow + p * this.constants.aCol] *
      b[p * this.constants.bRow + j * this.constants.bCol];
  }
  return sum;
}
