import { maxPool2d, type Tensor } from '@nabla/autograd';
import type { Pair } from '@nabla/tensor';
import { Module } from './module.js';
import { type PoolGeometry, poolGeometry } from './pool-geometry.js';

/** Options of {@link MaxPool2d}. */
export interface MaxPool2dOptions {
  /** Defaults to the kernel size (non-overlapping windows, PyTorch's default). */
  stride?: Pair;
  /** Padding on each side (default 0); padded positions never win. */
  padding?: Pair;
}

/** Max pooling over k×k windows of each channel: y = max over the window; the gradient goes to the winner. */
export class MaxPool2d extends Module {
  /** Window, stride and padding, resolved to [height, width] pairs. */
  readonly geometry: PoolGeometry;

  constructor(kernelSize: Pair, options: MaxPool2dOptions = {}) {
    super('MaxPool2d');
    this.geometry = poolGeometry('MaxPool2d', kernelSize, options.stride, options.padding);
  }

  forward(x: Tensor): Tensor {
    this.checkRank(x, [4], 'NCHW');
    this.geometry.outputShape(this.label, x.shape);
    const { kernelSize, stride, padding } = this.geometry;
    return maxPool2d(x, kernelSize, { stride, padding });
  }

  protected override extraRepr(): string {
    return this.geometry.describe();
  }
}
