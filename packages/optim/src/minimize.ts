import type { Tensor } from '@nabla/autograd';
import { formatShape, ShapeError, ValueError } from '@nabla/tensor';
import { GradientDescent } from './gradient-descent.js';
import type { OptimizableTensor, Optimizer } from './optimizer.js';

/** Options of {@link minimize}: the step, and when to stop. */
export interface MinimizeOptions {
  /** Learning rate α of the gradient descent used when no `optimizer` is given. */
  lr?: number;
  /** Any optimizer over the same parameters (default: GradientDescent with `lr`). */
  optimizer?: Optimizer;
  /** Converged when |J(θₖ) − J(θₖ₋₁)| < tolerance (default 1e-9). */
  tolerance?: number;
  /** Converged when ‖∇J(θₖ)‖₂ < gradientTolerance (default 1e-6). */
  gradientTolerance?: number;
  /** Stop after this many updates (default 1000). */
  maxIterations?: number;
  /** Called after each evaluation; return false to stop. */
  onIteration?: (info: IterationInfo) => unknown;
}

/** What {@link minimize} reports after each evaluation of the loss. */
export interface IterationInfo {
  /** Updates made so far (0 at the first evaluation). */
  iteration: number;
  /** J(θ) at this iteration. */
  loss: number;
  /** ‖∇J(θ)‖₂ at this iteration. */
  gradientNorm: number;
}

/**
 * Why {@link minimize} stopped: the loss stopped changing, the gradient vanished, the budget ran out, or the
 * callback stopped it.
 */
export type StopReason = 'lossChange' | 'gradientNorm' | 'maxIterations' | 'stopped';

/** The outcome of {@link minimize}. */
export interface MinimizeResult {
  /** Updates made. */
  iterations: number;
  /** True when a tolerance was met (not when the iteration budget ran out or the callback stopped). */
  converged: boolean;
  /** Which stopping rule ended the run. */
  reason: StopReason;
  /** J(θ₀), J(θ₁), …: the loss before each update and, last, at the parameters returned. */
  lossHistory: number[];
  /** J(θ) at the parameters returned. */
  finalLoss: number;
  /** ‖∇J(θ)‖₂ at the parameters returned. */
  gradientNorm: number;
}

// #region minimize
/**
 * The course's full-batch gradient descent, "repeat θ ← θ − α∇J(θ) until converged": each
 * iteration evaluates J and ∇J at the current θ, stops if ‖∇J‖ < gradientTolerance, if the loss
 * changed by less than `tolerance` since the previous evaluation, or if `maxIterations` updates
 * have been made; otherwise it updates θ. A loss that turns NaN or infinite stops with an error.
 */
export function minimize(
  lossFn: () => Tensor,
  params: Iterable<OptimizableTensor>,
  options: MinimizeOptions = {},
): MinimizeResult {
  const list = [...params];
  const { tolerance = 1e-9, gradientTolerance = 1e-6, maxIterations = 1000, onIteration } = options;
  if (!options.optimizer && options.lr === undefined)
    throw new ValueError('minimize', 'needs a learning rate (lr) or an optimizer');
  if (!(Number.isInteger(maxIterations) && maxIterations >= 0)) {
    throw new ValueError('minimize', `maxIterations must be an integer >= 0, got ${maxIterations}`);
  }
  const optimizer = options.optimizer ?? new GradientDescent(list, { lr: options.lr! });
  const lossHistory: number[] = [];
  for (let iteration = 0; ; iteration++) {
    optimizer.zeroGrad();
    const loss = lossFn();
    if (loss.size !== 1)
      throw new ShapeError('minimize', `the loss must be a scalar, got shape ${formatShape(loss.shape)}`);
    const value = loss.item();
    if (!Number.isFinite(value)) {
      throw new ValueError(
        'minimize',
        `the loss became ${value} at iteration ${iteration} (last finite value ${lossHistory.at(-1) ?? 'none'}); lower the learning rate`,
      );
    }
    if (loss.requiresGrad) loss.backward();
    const gradientNorm = norm(list);
    lossHistory.push(value);
    const stop = onIteration?.({ iteration, loss: value, gradientNorm }) === false;
    const previous = lossHistory.length > 1 ? lossHistory[lossHistory.length - 2]! : undefined;
    let reason: StopReason | null = null;
    if (gradientNorm < gradientTolerance) reason = 'gradientNorm';
    else if (previous !== undefined && Math.abs(value - previous) < tolerance) reason = 'lossChange';
    else if (stop) reason = 'stopped';
    else if (iteration >= maxIterations) reason = 'maxIterations';
    if (reason) {
      const converged = reason === 'gradientNorm' || reason === 'lossChange';
      return { iterations: iteration, converged, reason, lossHistory, finalLoss: value, gradientNorm };
    }
    optimizer.step();
  }
}
// #endregion minimize

/** ‖∇‖₂ over the trainable parameters' gradients. */
function norm(params: OptimizableTensor[]): number {
  let s = 0;
  for (const p of params) {
    if (!p.grad || !p.requiresGrad || p.learnRateFactor === 0) continue;
    const g = p.grad.values();
    for (let i = 0; i < g.length; i++) s += g[i]! * g[i]!;
  }
  return Math.sqrt(s);
}
