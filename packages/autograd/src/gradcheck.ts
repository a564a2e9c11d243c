import * as nd from '@nabla/tensor';
import { type NDArray, Random, ValueError } from '@nabla/tensor';
import { noGrad, type Tensor, variable } from './tensor.js';

/** Options of {@link gradcheck}. */
export interface GradcheckOptions {
  /** Step of the central difference (f(x + ε) − f(x − ε)) / 2ε. */
  eps?: number;
  /** An analytic and a numerical derivative agree when |a − n| ≤ atol + rtol·|n| (PyTorch's allclose). */
  atol?: number;
  /** Relative tolerance (default 1e-3; see `atol`). */
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
}

/** The outcome of {@link gradcheck}. */
export interface GradcheckResult {
  /** Whether every input's gradient agreed within the tolerances. */
  ok: boolean;
  /** The worst errors for each input, in the order given. */
  inputs: GradcheckInputError[];
}

/**
 * Checks the gradients autograd computes for `fn` against central finite differences, in float64.
 * A non-scalar output f is projected onto a fixed random direction r (L = Σ r ⊙ f), which checks the
 * vector-Jacobian product rᵀJ that backward really computes; each input element is then nudged by
 * ±eps: ∂L/∂xᵢ ≈ (L(x + eps·eᵢ) − L(x − eps·eᵢ)) / 2eps, with error O(eps²).
 */
export function gradcheck(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: NDArray[],
  options: GradcheckOptions = {},
): GradcheckResult {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, seed = 1234 } = options;
  if (!(eps > 0)) throw new ValueError('gradcheck', `eps must be positive, got ${eps}`);
  const values = inputs.map((x) => x.astype('float64').copy());
  const leaves = values.map((v) => variable(v, { requiresGrad: true }));
  const out = fn(...leaves);
  const rng = new Random(seed);
  const r = nd.zeros(out.shape, 'float64');
  // A scalar is checked as it is (r = 1); otherwise each |rᵢ| ∈ [0.5, 1.5], so no output is ignored.
  for (let i = 0; i < r.size; i++)
    r.data[i] = r.size === 1 ? 1 : (rng.bernoulli(0.5) ? 1 : -1) * rng.uniformRange(0.5, 1.5);
  const project = (y: NDArray) => nd.sum(nd.mul(y, r)).item();
  if (out.requiresGrad) out.backward(r);
  const results: GradcheckInputError[] = [];
  let ok = true;
  values.forEach((value, k) => {
    const analytic = leaves[k]!.grad?.astype('float64').values() ?? new Float64Array(value.size);
    let maxAbsError = 0;
    let maxRelError = 0;
    for (let i = 0; i < value.size; i++) {
      const original = value.data[i]!;
      const at = (delta: number) => {
        value.data[i] = original + delta;
        const y = noGrad(() => fn(...values.map((v) => variable(v))));
        return project(y.data);
      };
      const numerical = (at(eps) - at(-eps)) / (2 * eps);
      value.data[i] = original;
      const error = Math.abs(analytic[i]! - numerical);
      if (!(error <= atol + rtol * Math.abs(numerical))) ok = false;
      maxAbsError = Math.max(maxAbsError, error);
      maxRelError = Math.max(maxRelError, error / Math.max(Math.abs(numerical), atol));
    }
    results.push({ maxAbsError, maxRelError });
  });
  return { ok, inputs: results };
}
