import { flatten, type Tensor } from '@nabla/autograd';
import { formatShape, normalizeAxis, ShapeError } from '@nabla/tensor';
import { Module } from './module.js';

/** Joins axes startDim … endDim into one: [N, C, H, W] → [N, C·H·W] by default (a view, row-major order). */
export class Flatten extends Module {
  constructor(
    /** The first axis joined (default 1: the batch axis stays). */
    readonly startDim = 1,
    /** The last axis joined (default −1: the last). */
    readonly endDim = -1,
  ) {
    super('Flatten');
  }

  forward(x: Tensor): Tensor {
    if (x.ndim === 0) throw new ShapeError(this.label, `cannot flatten a scalar ${formatShape(x.shape)}`);
    const start = normalizeAxis(this.label, this.startDim, x.ndim);
    const end = normalizeAxis(this.label, this.endDim, x.ndim);
    if (start > end) {
      throw new ShapeError(
        this.label,
        `startDim ${this.startDim} comes after endDim ${this.endDim} for input ${formatShape(x.shape)}`,
      );
    }
    return flatten(x, this.startDim, this.endDim);
  }

  protected override extraRepr(): string {
    return `startDim: ${this.startDim}, endDim: ${this.endDim}`;
  }
}
