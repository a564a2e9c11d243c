import type { Tensor } from '@nabla/autograd';
import * as nd from '@nabla/tensor';
import type { GradientThresholdMethod } from './training-options.js';

/**
 * Matlab's gradient clipping (trainingOptions GradientThresholdMethod / GradientThreshold), applied
 * after backpropagation and before the solver step:
 *  - 'l2norm': for each learnable parameter θ, if ‖∇θ‖₂ > T then ∇θ ← ∇θ · T / ‖∇θ‖₂;
 *  - 'global-l2norm': with L = ‖(∇θ₁, …, ∇θₙ)‖₂ over all parameters, if L > T then every ∇θ ← ∇θ · T / L;
 *  - 'absolute-value': each partial derivative g ← sign(g) · min(|g|, T).
 * Gradients are replaced, never changed in place (two parameters may share one array).
 */
export function applyGradientThreshold(
  params: readonly Tensor[],
  method: GradientThresholdMethod,
  threshold: number,
): void {
  if (!Number.isFinite(threshold)) return;
  const withGrad = params.filter((p) => p.grad);
  if (method === 'absolute-value') {
    for (const p of withGrad) p.grad = nd.clip(p.grad!, -threshold, threshold);
    return;
  }
  const norms = withGrad.map((p) => Math.sqrt(sumOfSquares(p.grad!)));
  if (method === 'l2norm') {
    withGrad.forEach((p, i) => {
      if (norms[i]! > threshold) p.grad = nd.mul(p.grad!, threshold / norms[i]!);
    });
    return;
  }
  const global = Math.sqrt(norms.reduce((s, n) => s + n * n, 0));
  if (global > threshold) for (const p of withGrad) p.grad = nd.mul(p.grad!, threshold / global);
}

function sumOfSquares(g: nd.NDArray): number {
  const v = g.values();
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return s;
}
