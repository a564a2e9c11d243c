import { checkNonNegative, type OptimizableTensor, Optimizer, type ParameterUpdate } from './optimizer.js';

/** Options of {@link GradientDescent}. */
export interface GradientDescentOptions {
  /** Learning rate α of θ ← θ − α·∇J(θ). */
  lr: number;
  /** λ: minimizes J(θ) + (λ/2)‖θ‖², i.e. g ← ∇J + λθ (default 0). */
  weightDecay?: number;
}

/**
 * The course's gradient descent, θ ← θ − α·∇J(θ), one step per call. With the whole training set
 * in each loss it is full-batch gradient descent; `minimize` repeats it until converged.
 */
export class GradientDescent extends Optimizer {
  /** λ, the L2 weight decay added to the gradient (g ← ∇J + λθ). */
  weightDecay: number;

  constructor(params: Iterable<OptimizableTensor>, options: GradientDescentOptions) {
    super('GradientDescent', params, options.lr);
    this.weightDecay = checkNonNegative('GradientDescent', 'weightDecay', options.weightDecay ?? 0);
  }

  protected override weightDecayRate(): number {
    return this.weightDecay;
  }

  // #region update
  protected update({ theta, grad, lr, weightDecay }: ParameterUpdate): void {
    for (let k = 0; k < theta.length; k++) theta[k]! -= lr * (grad[k]! + weightDecay * theta[k]!);
  }
  // #endregion update
}
