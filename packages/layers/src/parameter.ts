import { Tensor } from '@nabla/autograd';
import type { NDArray } from '@nabla/tensor';

/** Options of a {@link Parameter}. */
export interface ParameterOptions {
  /** False freezes the parameter: no gradient is computed for it and optimizers skip it. */
  requiresGrad?: boolean;
  /**
   * Multiplies the optimizer's learning rate for this parameter (Matlab's WeightLearnRateFactor /
   * BiasLearnRateFactor). 0 freezes it while still computing its gradient.
   */
  learnRateFactor?: number;
  /** Multiplies the optimizer's L2 weight decay for this parameter (Matlab's WeightL2Factor / BiasL2Factor). */
  l2Factor?: number;
  /** A label used in error messages (module registration sets the dotted name). */
  name?: string;
}

/**
 * A learnable leaf tensor (PyTorch's nn.Parameter): a Tensor that requires a gradient by default,
 * with the per-parameter factors Matlab's layers carry and the optimizers honour:
 * θ ← θ − (lr · learnRateFactor) · (∂J/∂θ + (λ · l2Factor) · θ).
 */
export class Parameter extends Tensor {
  /** Multiplies the optimizer's learning rate for this parameter (0 freezes it). */
  learnRateFactor: number;
  /** Multiplies the optimizer's L2 weight decay for this parameter. */
  l2Factor: number;

  constructor(data: NDArray, options: ParameterOptions = {}) {
    super(data, options.requiresGrad ?? true);
    this.learnRateFactor = options.learnRateFactor ?? 1;
    this.l2Factor = options.l2Factor ?? 1;
    this.name = options.name;
  }

  /** Frozen parameters are left alone by the optimizers. */
  get frozen(): boolean {
    return !this.requiresGrad || this.learnRateFactor === 0;
  }

  /** 'Parameter(dtype, [shape])', with ', frozen' when it is. */
  override toString(): string {
    return `Parameter(${this.dtype}, [${this.shape.join(',')}]${this.requiresGrad ? '' : ', frozen'})`;
  }
}
