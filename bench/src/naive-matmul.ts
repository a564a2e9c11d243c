/**
 * The textbook baseline: C = A·B over n×n float32 in the cache-friendly i-k-j order, no blocking,
 * no packing. Issue 2's targets are ratios to this loop.
 */
export function naiveMatmul(a: Float32Array, b: Float32Array, c: Float32Array, n: number): void {
  c.fill(0);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let k = 0; k < n; k++) {
      const aik = a[row + k];
      const bk = k * n;
      for (let j = 0; j < n; j++) c[row + j] += aik * b[bk + j];
    }
  }
}
