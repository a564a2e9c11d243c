import { noGrad, Tensor } from '@nabla/autograd';
import { type NDArray, Random, ValueError, zeros } from '@nabla/tensor';
import type { Module } from './module.js';

/** Options of {@link gradcheckModule}. */
export interface GradcheckModuleOptions {
  /** Step of the central difference (default 1e-6). */
  eps?: number;
  /** Analytic a and numerical n agree when |a − n| ≤ atol + rtol·|n| (defaults 1e-5 and 1e-3, as PyTorch). */
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
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, seed = 1234, beforeForward } = options;
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
  const rng = new Random(seed);
  const r = zeros(y.shape, 'float64');
  for (let i = 0; i < r.size; i++) r.data[i] = rng.uniformRange(-1, 1);
  y.backward(r);
  const loss = (): number =>
    noGrad(() => {
      beforeForward?.();
      const out = module.forward(new Tensor(x.data)).data.astype('float64').values();
      let s = 0;
      for (let i = 0; i < out.length; i++) s += out[i]! * r.data[i]!;
      return s;
    });
  let ok = true;
  const check = (values: NDArray, grad: NDArray | null): GradcheckError => {
    const analytic = grad ? grad.astype('float64').values() : new Float64Array(values.size);
    const data = values.data;
    let maxAbsError = 0;
    let maxRelError = 0;
    for (let i = 0; i < values.size; i++) {
      const original = data[i]!;
      data[i] = original + eps;
      const plus = loss();
      data[i] = original - eps;
      const minus = loss();
      data[i] = original;
      const numerical = (plus - minus) / (2 * eps);
      const err = Math.abs(analytic[i]! - numerical);
      maxAbsError = Math.max(maxAbsError, err);
      maxRelError = Math.max(maxRelError, err / Math.max(Math.abs(numerical), atol));
      if (!(err <= atol + rtol * Math.abs(numerical))) ok = false;
    }
    return { maxAbsError, maxRelError };
  };
  const inputError = check(x.data, x.grad);
  const parameters: Record<string, GradcheckError> = {};
  for (const [name, p] of params) parameters[name] = check(p.data, p.grad);
  return { ok, input: inputError, parameters };
}
