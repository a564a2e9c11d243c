import * as nd from '@nabla/tensor';
import { defaultGenerator, type Random, ValueError } from '@nabla/tensor';
import { fromOp, type Tensor } from '../tensor.js';

/** Options of {@link dropout}. */
export interface DropoutOptions {
  /** Drops only while training; in evaluation dropout is the identity. */
  training: boolean;
  /** The seeded generator the mask is drawn from (the default generator otherwise). */
  generator?: Random;
}

// #region dropout
/**
 * Inverted dropout: each value is kept with probability 1 − p and scaled by 1/(1 − p), so the
 * expected activation is unchanged and evaluation needs no rescaling. y = x ⊙ m, dx = dy ⊙ m with
 * the same mask m ∈ {0, 1/(1 − p)}.
 */
export function dropout(x: Tensor, p: number, options: DropoutOptions): Tensor {
  if (!(p >= 0 && p <= 1)) throw new ValueError('dropout', `p must be in [0, 1], got ${p}`);
  if (!options.training || p === 0) return x;
  const g = options.generator ?? defaultGenerator;
  const mask = nd.zeros(x.shape, x.dtype === 'float64' ? 'float64' : 'float32');
  const keep = 1 / (1 - p);
  for (let i = 0; i < mask.size; i++) mask.data[i] = p === 1 || g.uniform() < p ? 0 : keep;
  return fromOp('dropout', [x], nd.mul(x.data, mask), (dy) => [nd.mul(dy, mask)]);
}
// #endregion dropout
