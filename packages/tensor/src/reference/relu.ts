import type { FloatArray } from '../backend.js';

// #region relu
/**
 * Course (the neuron), the rectified linear unit f(z) = max(0, z). A NaN passes through (as in PyTorch)
 * instead of being hidden as 0, and −0 becomes +0.
 */
export function reluReference(x: FloatArray, y: FloatArray): void {
  for (let i = 0; i < x.length; i++) y[i] = x[i]! > 0 || Number.isNaN(x[i]!) ? x[i]! : 0;
}
// #endregion relu

// #region relu-backward
/**
 * Course (the neuron, backpropagation), ReLU in the delta rule: f′(z) = 1 for z > 0, else 0, so dx = dy ∘
 * f′(x). As in PyTorch, a zero, negative or NaN input passes no gradient.
 */
export function reluBackwardReference(dy: FloatArray, x: FloatArray, dx: FloatArray): void {
  for (let i = 0; i < x.length; i++) dx[i] = x[i]! > 0 ? dy[i]! : 0;
}
// #endregion relu-backward
