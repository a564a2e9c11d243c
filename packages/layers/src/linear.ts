import { linear, type Tensor } from '@nabla/autograd';
import { formatShape, ShapeError } from '@nabla/tensor';
import { glorotUniform } from './initializers.js';
import { type LearnableOptions, makeWeightAndBias, positiveInt } from './learnable-options.js';
import { Module } from './module.js';
import type { Parameter } from './parameter.js';

export interface LinearOptions extends LearnableOptions {
  /** Learn a bias b (default true). */
  bias?: boolean;
}

/**
 * The fully connected layer of the course, z = W·a + b, for a batch of rows: y = x·Wᵀ + b with
 * W [out, in] (PyTorch's layout, so weights travel unchanged). Accepts [..., in].
 */
export class Linear extends Module {
  /** The input features (the columns of W). */
  readonly inFeatures: number;
  /** The output features (the rows of W). */
  readonly outFeatures: number;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super('Linear');
    this.inFeatures = positiveInt('Linear', 'inFeatures', inFeatures);
    this.outFeatures = positiveInt('Linear', 'outFeatures', outFeatures);
    // #region linear-parameters
    const { weight, bias } = makeWeightAndBias(
      'Linear',
      [outFeatures, inFeatures],
      options.bias === false ? null : [outFeatures],
      { fanIn: inFeatures, fanOut: outFeatures },
      options,
      glorotUniform,
    );
    this.registerParameter('weight', weight);
    this.registerParameter('bias', bias);
    // #endregion linear-parameters
  }

  /** The weights W, [outFeatures, inFeatures]. */
  get weight(): Parameter {
    return this.param('weight');
  }
  /** The bias b, [outFeatures], or null without one. */
  get bias(): Parameter | null {
    return this.optionalParam('bias');
  }

  forward(x: Tensor): Tensor {
    this.checkRank(x, [1, 2, 3, 4, 5, 6], '[..., features]');
    const last = x.shape[x.ndim - 1];
    if (last !== this.inFeatures) {
      const flat =
        x.ndim > 2 && x.size / x.shape[0]! === this.inFeatures ? '; flatten it first (Flatten)' : '';
      throw new ShapeError(
        this.label,
        `expected ${this.inFeatures} input features on the last axis, got ${last} (input ${formatShape(x.shape)})${flat}`,
      );
    }
    return linear(x, this.weight, this.bias);
  }

  protected override extraRepr(): string {
    return `${this.inFeatures}, ${this.outFeatures}${this.bias ? '' : ', bias: false'}`;
  }
}
