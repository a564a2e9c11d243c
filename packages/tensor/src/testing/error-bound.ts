/**
 * The error model every backend is held to (see check-backend.ts).
 *
 * Every kernel output is a sum of k terms (a dot product: terms aᵢ·bᵢ), possibly followed by a few
 * more operations. Computed in floating point with unit roundoff u, in any order of summation, with
 * or without wider accumulators or fused multiply-adds, the result satisfies (Higham, Accuracy and
 * Stability of Numerical Algorithms, 2nd ed., §3.1, eq. 3.5):
 *
 *   |fl(Σ tᵢ) − Σ tᵢ| ≤ γ_k · Σ |tᵢ|,   γ_k = k·u / (1 − k·u),   u = 2⁻²⁴ for float32 (2⁻⁵³ for float64)
 *
 * (each term carries at most one rounding from its product and k − 1 from the additions on its path,
 * and (1 + δ₁)…(1 + δ_k) lies within 1 ± γ_k). The reference computes Σ tᵢ in float64 from the same
 * float32 operands (exactly representable), so its own error is at most γ_k(2⁻⁵³)·Σ|tᵢ|, about 10⁻⁹ of
 * the float32 bound: it is added to the bound rather than ignored. Σ|tᵢ| is the same kernel run by
 * the reference on |operands|, since every kernel here is linear in each operand.
 *
 * A wrong index, a missed tap or a term counted twice moves an output by about one term — orders of
 * magnitude beyond γ_k·Σ|tᵢ| for the sizes drawn — so the bound separates rounding from bugs.
 */

/** Unit roundoff of float32: half the distance from 1 to the next float32. */
export const U_FLOAT32 = 2 ** -24;
/** Unit roundoff of float64. */
export const U_FLOAT64 = 2 ** -53;

/** γ_k = k·u / (1 − k·u): the relative error bound of k roundings. */
export function gamma(k: number, u: number): number {
  if (k * u >= 1) throw new RangeError(`gamma: k·u = ${k * u} must be below 1`);
  return (k * u) / (1 - k * u);
}

/** The bound for a kernel output of k rounded operations computed with unit roundoff u, checked against a float64 reference. */
export function boundFactor(k: number, u: number): number {
  return gamma(k, u) + 2 * gamma(k, U_FLOAT64);
}

export interface Comparison {
  /** max over outputs of |got − want| / (factor · scale): at most 1 when the bound holds. */
  ratio: number;
  /** max over outputs of |got − want| / scale: the measured error, in units of Σ|terms|. */
  relative: number;
  /** Index of the worst output (−1 when all are exact). */
  worst: number;
}

/**
 * Compares a backend's outputs with the reference's: every |got[i] − want[i]| must be at most
 * factor·scale[i]. An output whose scale is 0 has no nonzero term and must be exactly 0; a NaN is
 * only right where the reference has one.
 */
export function compareWithBound(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  scale: ArrayLike<number>,
  factor: number,
): Comparison {
  let ratio = 0;
  let relative = 0;
  let worst = -1;
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    let err: number;
    if (Number.isNaN(w) || Number.isNaN(g))
      err = Number.isNaN(w) && Number.isNaN(g) ? 0 : Number.POSITIVE_INFINITY;
    else if (g === w) err = 0;
    else err = Math.abs(g - w);
    const allowed = factor * scale[i]!;
    const r = err === 0 ? 0 : allowed > 0 ? err / allowed : Number.POSITIVE_INFINITY;
    if (r > ratio || (worst < 0 && r > 0)) {
      ratio = r;
      worst = i;
    }
    if (scale[i]! > 0 && err / scale[i]! > relative) relative = err / scale[i]!;
  }
  return { ratio, relative, worst };
}
