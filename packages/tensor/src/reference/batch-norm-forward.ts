import type { ChannelGeometry, FloatArray } from '../backend.js';

// #region batch-norm-forward
/**
 * Course (batch normalization), the output, y = γ·(x − μ)/√(σ² + ε) + β, written per
 * channel as one affine map with scale k_c = γ_c/√(σ²_c + ε) and shift β_c:
 *
 *   y[n, c, k] = (x[n, c, k] − μ_c) · k_c + β_c
 *
 * The same map with μ = 0 adds a convolution's bias (k = 1) or applies a folded batch norm.
 * Computed in float64, rounded once.
 */
export function batchNormForwardReference(
  x: FloatArray,
  y: FloatArray,
  g: ChannelGeometry,
  mean: Float64Array,
  scale: Float64Array,
  shift: Float64Array,
): void {
  for (let n = 0; n < g.batch; n++) {
    for (let c = 0; c < g.channels; c++) {
      for (let k = 0; k < g.plane; k++) {
        const i = (n * g.channels + c) * g.plane + k;
        y[i] = (x[i]! - mean[c]!) * scale[c]! + shift[c]!;
      }
    }
  }
}
// #endregion batch-norm-forward
