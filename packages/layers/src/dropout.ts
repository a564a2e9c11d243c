import { dropout, type Tensor } from '@nabla/autograd';
import { defaultGenerator, type Random, ValueError } from '@nabla/tensor';
import { Module } from './module.js';

/**
 * Dropout (inverted): in training each value is zeroed with probability p and the survivors are
 * scaled by 1/(1 − p), so evaluation is the identity. The mask comes from the seeded generator.
 */
export class Dropout extends Module {
  /** The probability of zeroing each value while training. */
  readonly p: number;
  /** The seeded generator the masks are drawn from. */
  generator: Random;

  constructor(p = 0.5, options: { generator?: Random } = {}) {
    super('Dropout');
    if (!(p >= 0 && p < 1)) throw new ValueError('Dropout', `p must be in [0, 1), got ${p}`);
    this.p = p;
    this.generator = options.generator ?? defaultGenerator;
  }

  forward(x: Tensor): Tensor {
    if (x.dtype === 'int32')
      throw new ValueError(this.label, 'expected a float32 or float64 input, got int32');
    return dropout(x, this.p, { training: this.training, generator: this.generator });
  }

  protected override extraRepr(): string {
    return `p: ${this.p}`;
  }
}
