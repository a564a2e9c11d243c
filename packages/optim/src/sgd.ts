import { checkNonNegative, type OptimizableTensor, Optimizer, type ParameterUpdate } from './optimizer.js';
import { ValueError } from '@nabla/tensor';

/** Options of {@link SGD}. */
export interface SGDOptions {
  /** Learning rate α. */
  lr: number;
  /** μ: the velocity keeps this fraction of itself each step (Matlab's 'sgdm' uses 0.9). */
  momentum?: number;
  /** Damps the gradient's contribution to the velocity: v ← μv + (1 − dampening)g (default 0). */
  dampening?: number;
  /** Nesterov momentum: step along g + μv instead of v (default false). */
  nesterov?: boolean;
  /** λ: L2 regularization, g ← g + λθ (Matlab's L2Regularization, 1e-4 by default there). */
  weightDecay?: number;
}

/**
 * Stochastic gradient descent with momentum, PyTorch's exact update:
 *   g ← ∇θ + λθ;   v ← μv + (1 − dampening)g   (v ← g on the first step);
 *   θ ← θ − lr·v,  or with Nesterov  θ ← θ − lr·(g + μv).
 * Matlab's 'sgdm' writes the same method as v ← μv − α∇E(θ), θ ← θ + v: its velocity is −α times
 * PyTorch's, so with a constant learning rate the two give the same iterates (they differ only just
 * after a learning-rate change, where Matlab's velocity still carries the old rate). Each
 * parameter's rate is lr × learnRateFactor and its λ is weightDecay × l2Factor.
 */
export class SGD extends Optimizer {
  /** μ, the fraction of the velocity kept each step. */
  momentum: number;
  /** The damping of the gradient's contribution to the velocity. */
  dampening: number;
  /** Whether the step uses Nesterov momentum. */
  nesterov: boolean;
  /** λ, the L2 weight decay added to the gradient. */
  weightDecay: number;

  constructor(params: Iterable<OptimizableTensor>, options: SGDOptions) {
    super('SGD', params, options.lr);
    this.momentum = checkNonNegative('SGD', 'momentum', options.momentum ?? 0);
    this.dampening = checkNonNegative('SGD', 'dampening', options.dampening ?? 0);
    this.nesterov = options.nesterov ?? false;
    this.weightDecay = checkNonNegative('SGD', 'weightDecay', options.weightDecay ?? 0);
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new ValueError('SGD', 'Nesterov momentum needs momentum > 0 and dampening 0');
    }
  }

  protected override weightDecayRate(): number {
    return this.weightDecay;
  }

  // #region sgd-update
  protected update({ index, theta, grad, lr, weightDecay }: ParameterUpdate): void {
    const mu = this.momentum;
    if (mu === 0) {
      for (let k = 0; k < theta.length; k++) theta[k]! -= lr * (grad[k]! + weightDecay * theta[k]!);
      return;
    }
    const { values: v, fresh } = this.buffer(index, 'momentum_buffer');
    const keep = 1 - this.dampening;
    for (let k = 0; k < theta.length; k++) {
      const g = grad[k]! + weightDecay * theta[k]!;
      v[k] = fresh ? g : mu * v[k]! + keep * g;
      theta[k]! -= lr * (this.nesterov ? g + mu * v[k]! : v[k]!);
    }
  }
  // #endregion sgd-update
}
