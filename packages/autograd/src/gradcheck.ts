import * as nd from '@nabla/tensor';
import { type NDArray, Random, ValueError } from '@nabla/tensor';
import { noGrad, type Tensor, variable } from './tensor.js';

/**
 * The default step and tolerances, from the error model of the float64 central difference.
 *
 * For L(x) = Σᵢ rᵢ fᵢ(x) and a step ε, the estimate n = (L(x + ε) − L(x − ε)) / 2ε differs from
 * ∂L/∂x by
 *   truncation  ε²/6 · |L'''(ξ)|                    (Taylor: the odd terms cancel, the ε³ term remains)
 *   rounding    Σᵢ |rᵢ| · κ u |fᵢ| / ε               (u = 2⁻⁵³ ≈ 1.1e-16; κ counts the roundings inside fᵢ)
 * The rounding sum runs only over the outputs the nudged input reaches: `centralDifference` takes
 * the difference output by output, f(x + ε) − f(x − ε), before projecting it with a compensated
 * sum, so the outputs an input does not reach cancel exactly instead of adding u·|L| of noise, and it
 * divides by the step actually taken, (x + ε) − (x − ε), not by 2ε.
 * With ε = 1e-6 and the cases' inputs of order 1: truncation ≤ 1.7e-13·|L'''| (about 5e-10 for the
 * steepest case, x^−1.5 at x = 0.3, where |f'''| ≈ 3e3), and rounding ≈ 1.1e-10 · κ · Σ|rᵢ fᵢ| over
 * the reached outputs — 1e-10 to 3e-9 over every op and composite of the suite (`pnpm gradcheck`
 * prints the measured figures). Hence atol = 1e-8 (three times the worst measured rounding)
 * and rtol = 1e-6 (truncation is relative to the size of the derivatives: ε²/6·|f'''/f'| ≤ 1e-6
 * for the cases' inputs). A backward with a dropped term, a wrong sign or factor, or a misplaced window
 * errs by 1e-5 and more (see the mutation suite, gradcheck-mutants.ts), three orders above this.
 */
export const GRADCHECK_EPS = 1e-6;
/** Default absolute tolerance of {@link gradcheck}: three times the worst measured rounding (see above). */
export const GRADCHECK_ATOL = 1e-8;
/** Default relative tolerance of {@link gradcheck}: bounds the truncation ε²/6·|f'''/f'| (see above). */
export const GRADCHECK_RTOL = 1e-6;

/** Options of {@link gradcheck}. */
export interface GradcheckOptions {
  /** Step of the central difference (f(x + ε) − f(x − ε)) / 2ε (default GRADCHECK_EPS = 1e-6). */
  eps?: number;
  /** An analytic a and a numerical n derivative agree when |a − n| ≤ atol + rtol·|n| (defaults 1e-8, 1e-6). */
  atol?: number;
  /** Relative tolerance (default GRADCHECK_RTOL = 1e-6; see `atol`). */
  rtol?: number;
  /** Seed of the fixed random projection r that turns a non-scalar output into the scalar Σ r ⊙ f(x). */
  seed?: number;
}

/** The worst disagreement between the analytic and the numerical gradient for one input. */
export interface GradcheckInputError {
  /** max |analytic − numerical| over the input's elements. */
  maxAbsError: number;
  /** max |analytic − numerical| / max(|numerical|, atol) over the input's elements. */
  maxRelError: number;
  /** max |analytic − numerical| / (atol + rtol·|numerical|): the share of the tolerance used (> 1 fails). */
  toleranceUsed: number;
}

/** The outcome of {@link gradcheck}. */
export interface GradcheckResult {
  /** Whether every input's gradient agreed within the tolerances. */
  ok: boolean;
  /** The worst errors for each input, in the order given. */
  inputs: GradcheckInputError[];
}

/** The projection direction r for an output of `size` elements: 1 for a scalar, else ±[0.5, 1.5] (no output ignored). */
export function projectionDirection(size: number, seed: number): Float64Array {
  const rng = new Random(seed);
  const r = new Float64Array(size);
  for (let i = 0; i < size; i++)
    r[i] = size === 1 ? 1 : (rng.bernoulli(0.5) ? 1 : -1) * rng.uniformRange(0.5, 1.5);
  return r;
}

/**
 * Compares the analytic derivatives of L = Σ r ⊙ f with central differences, one element of
 * `value` (float64, contiguous, nudged in place and restored) at a time. `evaluate` runs the
 * forward pass at the current values and returns f's output in float64.
 */
export function centralDifference(
  value: NDArray,
  analytic: ArrayLike<number>,
  evaluate: () => ArrayLike<number>,
  r: ArrayLike<number>,
  options: { eps?: number; atol?: number; rtol?: number } = {},
): GradcheckInputError & {
  /** Whether every element passed |analytic − numerical| ≤ atol + rtol·|numerical|. */
  ok: boolean;
} {
  const { eps = GRADCHECK_EPS, atol = GRADCHECK_ATOL, rtol = GRADCHECK_RTOL } = options;
  if (!(eps > 0)) throw new ValueError('gradcheck', `eps must be positive, got ${eps}`);
  let ok = true;
  let maxAbsError = 0;
  let maxRelError = 0;
  let toleranceUsed = 0;
  const data = value.data;
  for (let i = 0; i < value.size; i++) {
    const original = data[i]!;
    const up = original + eps;
    const down = original - eps;
    data[i] = up;
    const plus = Float64Array.from(evaluate());
    data[i] = down;
    // Copies: an output may be a view of the input (reshape, dropout with p = 0).
    const minus = Float64Array.from(evaluate());
    data[i] = original;
    // Σ rⱼ (f₊ⱼ − f₋ⱼ), compensated (Neumaier): the outputs this input does not reach add exactly 0.
    let sum = 0;
    let carry = 0;
    for (let j = 0; j < plus.length; j++) {
      const term = r[j]! * (plus[j]! - minus[j]!);
      const t = sum + term;
      carry += Math.abs(sum) >= Math.abs(term) ? sum - t + term : term - t + sum;
      sum = t;
    }
    const numerical = (sum + carry) / (up - down);
    const error = Math.abs(analytic[i]! - numerical);
    const allowed = atol + rtol * Math.abs(numerical);
    if (!(error <= allowed)) ok = false;
    maxAbsError = Math.max(maxAbsError, error);
    maxRelError = Math.max(maxRelError, error / Math.max(Math.abs(numerical), atol));
    toleranceUsed = Math.max(toleranceUsed, Number.isNaN(error) ? Number.POSITIVE_INFINITY : error / allowed);
  }
  return { ok, maxAbsError, maxRelError, toleranceUsed };
}

/**
 * Checks the gradients autograd computes for `fn` against central finite differences, in float64.
 * A non-scalar output f is projected onto a fixed random direction r (L = Σ r ⊙ f), which checks the
 * vector-Jacobian product rᵀJ that backward really computes; each input element is then nudged by
 * ±eps: ∂L/∂xᵢ ≈ (L(x + eps·eᵢ) − L(x − eps·eᵢ)) / 2eps. The tolerances follow the error model
 * stated at GRADCHECK_EPS.
 */
export function gradcheck(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: NDArray[],
  options: GradcheckOptions = {},
): GradcheckResult {
  const { seed = 1234 } = options;
  if (options.eps !== undefined && !(options.eps > 0))
    throw new ValueError('gradcheck', `eps must be positive, got ${options.eps}`);
  const values = inputs.map((x) => x.astype('float64').copy());
  const leaves = values.map((v) => variable(v, { requiresGrad: true }));
  const out = fn(...leaves);
  const r = projectionDirection(out.size, seed);
  if (out.requiresGrad) out.backward(nd.fromTypedArray(r, out.shape));
  const evaluate = () =>
    noGrad(() => fn(...values.map((v) => variable(v))))
      .data.astype('float64')
      .values();
  const results: GradcheckInputError[] = [];
  let ok = true;
  values.forEach((value, k) => {
    const analytic = leaves[k]!.grad?.astype('float64').values() ?? new Float64Array(value.size);
    const { ok: inputOk, ...errors } = centralDifference(value, analytic, evaluate, r, options);
    if (!inputOk) ok = false;
    results.push(errors);
  });
  return { ok, inputs: results };
}
