import { relu, sigmoid, sum, type Tensor, tanh, variable } from '@nabla/autograd';

/** One activation: its name and the library's op. */
interface ActivationOp {
  name: 'sigmoid' | 'tanh' | 'ReLU';
  op: (z: Tensor) => Tensor;
}

const ops: ActivationOp[] = [
  { name: 'sigmoid', op: sigmoid },
  { name: 'tanh', op: tanh },
  { name: 'ReLU', op: relu },
];

/** f and f′ of one activation on the grid: f from the forward op, f′ from backward. */
export interface ActivationCurve {
  name: ActivationOp['name'];
  /** f(z) on the grid, from the op's forward pass. */
  f: number[];
  /** f′(z) on the grid, read off autograd: the gradient of Σ f(z_i) with respect to z_i. */
  df: number[];
}

/** The demo's output: the grid and each activation's curve. */
export interface Activations {
  z: number[];
  curves: ActivationCurve[];
}

/**
 * The course's activations and their derivatives, computed by the library: f by the op's forward
 * pass, f′ by autograd. Because Σᵢ f(zᵢ) has ∂/∂zᵢ = f′(zᵢ), one backward pass of the sum gives the
 * whole derivative curve; nothing here writes the derivative formulas down.
 * z runs over [−range, range] in steps of 1/stepsPerUnit (z = 0 is on the grid exactly).
 */
export function activations(range = 5, stepsPerUnit = 10): Activations {
  const n = range * stepsPerUnit;
  const z = Array.from({ length: 2 * n + 1 }, (_, i) => (i - n) / stepsPerUnit);
  const curves = ops.map(({ name, op }) => {
    const input = variable(z, { requiresGrad: true, dtype: 'float64' });
    const y = op(input);
    sum(y).backward();
    return { name, f: Array.from(y.data.values()), df: Array.from(input.grad!.data.values()) };
  });
  return { z, curves };
}

/** The course's closed forms, for the test and the table: f′ written from f. */
export const closedForms: Record<
  ActivationCurve['name'],
  { f: (z: number) => number; df: (z: number) => number }
> = {
  sigmoid: {
    f: (z) => 1 / (1 + Math.exp(-z)),
    df: (z) => {
      const s = 1 / (1 + Math.exp(-z));
      return s * (1 - s);
    },
  },
  tanh: { f: Math.tanh, df: (z) => 1 - Math.tanh(z) ** 2 },
  ReLU: { f: (z) => Math.max(0, z), df: (z) => (z > 0 ? 1 : 0) },
};

/** The key values of a curve: f′ at its largest and where, and f′ at |z| = 5 (saturation). */
export function keyValues(data: Activations) {
  return data.curves.map(({ name, f, df }) => {
    let at = 0;
    for (let i = 1; i < df.length; i++) if (df[i]! > df[at]!) at = i;
    const index = (v: number) => data.z.indexOf(v);
    return {
      name,
      maxDerivative: df[at]!,
      maxDerivativeAt: data.z[at]!,
      fAt0: f[index(0)]!,
      dfAtMinus5: df[index(-5)]!,
      dfAt5: df[index(5)]!,
    };
  });
}
