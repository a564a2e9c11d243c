import type { ChannelGeometry, FloatArray } from '../backend.js';

// #region batch-norm-backward-sums
/**
 * Course (batch normalization), the two sums the gradient of batch normalization needs, per channel c:
 *
 *   Σ dy   and   Σ dy·(x − μ_c)
 *
 * (dβ = Σ dy; dγ = Σ dy·x̂ = Σ dy·(x − μ)/√(σ² + ε)). Both in float64.
 */
export function batchNormBackwardSumsReference(
  dy: FloatArray,
  x: FloatArray,
  g: ChannelGeometry,
  mean: Float64Array,
  sumDy: Float64Array,
  sumDyXc: Float64Array,
): void {
  for (let c = 0; c < g.channels; c++) {
    let sd = 0;
    let sx = 0;
    for (let n = 0; n < g.batch; n++) {
      for (let k = 0; k < g.plane; k++) {
        const i = (n * g.channels + c) * g.plane + k;
        sd += dy[i]!;
        sx += dy[i]! * (x[i]! - mean[c]!);
      }
    }
    sumDy[c] = sd;
    sumDyXc[c] = sx;
  }
}
// #endregion batch-norm-backward-sums

// #region batch-norm-backward-input
/**
 * Course (batch normalization), the gradient of batch normalization to its input,
 *   dx = (k/m)·(m·dy − Σ dy − x̂·Σ dy·x̂),  k = γ/√(σ² + ε),  x̂ = (x − μ)/√(σ² + ε),
 * which per channel is one affine map of dy and x − μ (the caller computes its three coefficients):
 *
 *   dx[n, c, k] = dy[n, c, k] · a_c − (x[n, c, k] − μ_c) · b_c − t_c
 *
 * In evaluation mode μ and σ² are constants, b = t = 0 and dx = k·dy. Float64, rounded once.
 */
export function batchNormBackwardInputReference(
  dy: FloatArray,
  x: FloatArray,
  dx: FloatArray,
  g: ChannelGeometry,
  mean: Float64Array,
  dyScale: Float64Array,
  xScale: Float64Array,
  shift: Float64Array,
): void {
  for (let n = 0; n < g.batch; n++) {
    for (let c = 0; c < g.channels; c++) {
      for (let k = 0; k < g.plane; k++) {
        const i = (n * g.channels + c) * g.plane + k;
        dx[i] = dy[i]! * dyScale[c]! - (x[i]! - mean[c]!) * xScale[c]! - shift[c]!;
      }
    }
  }
}
// #endregion batch-norm-backward-input
