import type { ChannelGeometry, FloatArray } from '../backend.js';

// #region batch-norm-statistics
/**
 * Course (batch normalization), the statistics: per channel c, over the m = N·plane values it holds,
 *
 *   μ_c = (1/m) Σ x,   σ²_c = (1/m) Σ (x − μ_c)²
 *
 * The variance is the population one, and takes a second pass around the mean (which keeps it
 * accurate when |μ| ≫ σ). Both sums in float64.
 */
export function batchNormStatisticsReference(
  x: FloatArray,
  g: ChannelGeometry,
  mean: Float64Array,
  variance: Float64Array,
): void {
  const m = g.batch * g.plane;
  const at = (n: number, c: number, k: number) => (n * g.channels + c) * g.plane + k;
  for (let c = 0; c < g.channels; c++) {
    let sum = 0;
    for (let n = 0; n < g.batch; n++) for (let k = 0; k < g.plane; k++) sum += x[at(n, c, k)]!;
    mean[c] = sum / m;
    let squares = 0;
    for (let n = 0; n < g.batch; n++) {
      for (let k = 0; k < g.plane; k++) squares += (x[at(n, c, k)]! - mean[c]!) ** 2;
    }
    variance[c] = squares / m;
  }
}
// #endregion batch-norm-statistics
