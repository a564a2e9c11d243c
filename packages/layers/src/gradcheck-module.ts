import { centralDifference, noGrad, projectionDirection, Tensor } from '@nabla/autograd';
import { fromTypedArray, type NDArray, ValueError } from '@nabla/tensor';
import type { Module } from './module.js';

/** Options of {@link gradcheckModule}. */
export interface GradcheckModuleOptions {
  /** Step of the central difference (default autograd's GRADCHECK_EPS, 1e-6). */
  eps?: number;
  /**
   * Analytic a and numerical n agree when |a − n| ≤ atol + rtol·|n| (defaults autograd's
   * GRADCHECK_ATOL = 1e-8 and GRADCHECK_RTOL = 1e-6, from the central difference's error model).
   */
  atol?: number;
  /** Relative tolerance (see `atol`). */
  rtol?: number;
  /** Seed of the random projection r that makes the scalar L = Σ r ⊙ forward(x). */
  seed?: number;
  /** Runs before every forward pass: reseed a Dropout's generator here so each pass draws the same mask. */
  beforeForward?: () => void;
}

export interface GradcheckError {
  maxAbsError: number;
  maxRelError: number;
  /** max |a − n| / (atol + rtol·|n|): the share of the tolerance used (> 1 fails). */
  toleranceUsed: number;
}

/** The outcome of {@link gradcheckModule}: the worst errors for the input and for each parameter. */
export interface GradcheckModuleResult {
  /** Whether every gradient agreed within the tolerances. */
  ok: boolean;
  /** The worst errors of the gradient to the input. */
  input: GradcheckError;
  /** By dotted parameter name; frozen parameters are skipped. */
  parameters: Record<string, GradcheckError>;
}

/**
 * Checks a whole layer's backward — ∂L/∂x and ∂L/∂θ for every trainable parameter θ — against
 * central differences (L(θ + ε) − L(θ − ε)) / 2ε in float64, the way the course checks its delta
 * rule numerically. The module must be in float64 (`module.to('float64')`). Costs two forward
 * passes per input and parameter element: keep shapes small.
 */
export function gradcheckModule(
  module: Module,
  input: NDArray,
  options: GradcheckModuleOptions = {},
): GradcheckModuleResult {
  const { seed = 1234, beforeForward } = options;
  const params = module.namedParameters().filter(([, p]) => p.requiresGrad);
  for (const [name, p] of params) {
    if (p.dtype !== 'float64') {
      throw new ValueError(
        `gradcheckModule (${module.label})`,
        `parameter '${name}' is ${p.dtype}; call module.to('float64') first`,
      );
    }
    if (!p.data.isContiguous() || p.data.offset !== 0) p.data = p.data.copy();
  }
  const x = new Tensor(input.astype('float64').copy(), true);
  beforeForward?.();
  module.zeroGrad();
  const y = module.forward(x);
  const r = projectionDirection(y.size, seed);
  y.backward(fromTypedArray(r, y.shape));
  const evaluate = () =>
    noGrad(() => {
      beforeForward?.();
      return module.forward(new Tensor(x.data)).data.astype('float64').values();
    });
  let ok = true;
  // The same central difference and error model as autograd's gradcheck (see GRADCHECK_EPS there).
  const check = (values: NDArray, grad: NDArray | null): GradcheckError => {
    const analytic = grad ? grad.astype('float64').values() : new Float64Array(values.size);
    const { ok: good, ...errors } = centralDifference(values, analytic, evaluate, r, options);
    if (!good) ok = false;
    return errors;
  };
  const inputError = check(x.data, x.grad);
  const parameters: Record<string, GradcheckError> = {};
  for (const [name, p] of params) parameters[name] = check(p.data, p.grad);
  return { ok, input: inputError, parameters };
}
