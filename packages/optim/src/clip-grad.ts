import type { Tensor } from '@nabla/autograd';
import * as nd from '@nabla/tensor';
import { ValueError } from '@nabla/tensor';

/**
 * Rescales the gradients so their joint norm is at most maxNorm (PyTorch's clip_grad_norm_):
 * total = ‖(g₁, …, gₙ)‖_p, and when total > maxNorm every g ← g · maxNorm / (total + 1e-6).
 * Returns the total norm before clipping. Gradients are replaced, never changed in place (two
 * parameters may share one gradient array).
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number, normType = 2): number {
  if (!(maxNorm >= 0)) throw new ValueError('clipGradNorm', `maxNorm must be >= 0, got ${maxNorm}`);
  if (!(normType > 0))
    throw new ValueError('clipGradNorm', `normType must be > 0 or Infinity, got ${normType}`);
  const withGrad = [...params].filter((p) => p.grad);
  let total = 0;
  for (const p of withGrad) {
    const g = p.grad!.values();
    for (let i = 0; i < g.length; i++) {
      const a = Math.abs(g[i]!);
      total = normType === Number.POSITIVE_INFINITY ? Math.max(total, a) : total + a ** normType;
    }
  }
  if (normType !== Number.POSITIVE_INFINITY) total **= 1 / normType;
  const coef = maxNorm / (total + 1e-6);
  if (coef < 1) for (const p of withGrad) p.grad = nd.mul(p.grad!, coef);
  return total;
}

/** Clamps every gradient element to [−limit, limit] (PyTorch's clip_grad_value_). */
export function clipGradValue(params: Iterable<Tensor>, limit: number): void {
  if (!(limit >= 0)) throw new ValueError('clipGradValue', `limit must be >= 0, got ${limit}`);
  for (const p of params) if (p.grad) p.grad = nd.clip(p.grad, -limit, limit);
}
