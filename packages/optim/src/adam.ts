import { ValueError } from '@nabla/tensor';
import { checkNonNegative, type OptimizableTensor, Optimizer, type ParameterUpdate } from './optimizer.js';

export interface AdamOptions {
  /** Learning rate α (default 1e-3). */
  lr?: number;
  /** β₁, the decay of the first-moment (mean) estimate m (default 0.9). */
  beta1?: number;
  /** β₂, the decay of the second-moment (uncentred variance) estimate v (default 0.999). */
  beta2?: number;
  /** ε, added to √v̂ so the step stays finite where v is 0 (default 1e-8). */
  eps?: number;
  /** λ added to the gradient (g ← g + λθ, PyTorch's Adam); with `decoupled`, AdamW's θ ← θ(1 − lr·λ). */
  weightDecay?: number;
  /**
   * AdamW: decay the weights directly, θ ← θ(1 − lr·λ), instead of adding λθ to the gradient (default false).
   */
  decoupled?: boolean;
}

/**
 * Adam (Kingma & Ba 2015), PyTorch's exact update. For each parameter, with its own step count t:
 *   g ← ∇θ + λθ;  m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;
 *   θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε).
 */
export class Adam extends Optimizer {
  /** β₁, the decay of the first-moment estimate. */
  beta1: number;
  /** β₂, the decay of the second-moment estimate. */
  beta2: number;
  /** ε in the denominator √v̂ + ε. */
  eps: number;
  /** λ, the L2 weight decay (added to the gradient, or applied directly when `decoupled`). */
  weightDecay: number;
  /** Whether the weight decay is AdamW's decoupled form. */
  decoupled: boolean;

  constructor(params: Iterable<OptimizableTensor>, options: AdamOptions = {}) {
    super('Adam', params, options.lr ?? 1e-3);
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    for (const [name, b] of [
      ['beta1', this.beta1],
      ['beta2', this.beta2],
    ] as const) {
      if (!(b >= 0 && b < 1)) throw new ValueError('Adam', `${name} must be in [0, 1), got ${b}`);
    }
    this.eps = checkNonNegative('Adam', 'eps', options.eps ?? 1e-8);
    this.weightDecay = checkNonNegative('Adam', 'weightDecay', options.weightDecay ?? 0);
    this.decoupled = options.decoupled ?? false;
  }

  protected override weightDecayRate(): number {
    return this.weightDecay;
  }

  protected override bufferSize(name: string, p: OptimizableTensor): number {
    return name === 'step' ? 1 : p.size;
  }

  protected update({ index, theta, grad, lr, weightDecay }: ParameterUpdate): void {
    const steps = this.buffer(index, 'step').values;
    const t = ++steps[0]!;
    const m = this.buffer(index, 'exp_avg').values;
    const v = this.buffer(index, 'exp_avg_sq').values;
    const { beta1, beta2, eps } = this;
    const stepSize = lr / (1 - beta1 ** t);
    const correction2 = Math.sqrt(1 - beta2 ** t);
    const coupled = this.decoupled ? 0 : weightDecay;
    const shrink = this.decoupled ? 1 - lr * weightDecay : 1;
    for (let k = 0; k < theta.length; k++) {
      const g = grad[k]! + coupled * theta[k]!;
      m[k] = beta1 * m[k]! + (1 - beta1) * g;
      v[k] = beta2 * v[k]! + (1 - beta2) * g * g;
      theta[k] = theta[k]! * shrink - (stepSize * m[k]!) / (Math.sqrt(v[k]!) / correction2 + eps);
    }
  }
}
