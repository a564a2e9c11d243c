import { avgPool2d, type Tensor } from '@nabla/autograd';
import type { Pair } from '@nabla/tensor';
import { Module } from './module.js';
import { type PoolGeometry, poolGeometry } from './pool-geometry.js';

/** Options of {@link AvgPool2d}. */
export interface AvgPool2dLayerOptions {
  /** Defaults to the kernel size. */
  stride?: Pair;
  /** Zeros added on each side (default 0). */
  padding?: Pair;
  /** Divide by the full window even where it overlaps the zero padding (default true, as PyTorch). */
  countIncludePad?: boolean;
}

/** Average pooling over k×k windows of each channel: y = (1/|window|) Σ x; the gradient is shared equally. */
export class AvgPool2d extends Module {
  /** Window, stride and padding, resolved to [height, width] pairs. */
  readonly geometry: PoolGeometry;
  /** Whether padded zeros count in each window's divisor. */
  readonly countIncludePad: boolean;

  constructor(kernelSize: Pair, options: AvgPool2dLayerOptions = {}) {
    super('AvgPool2d');
    this.geometry = poolGeometry('AvgPool2d', kernelSize, options.stride, options.padding);
    this.countIncludePad = options.countIncludePad ?? true;
  }

  forward(x: Tensor): Tensor {
    this.checkRank(x, [4], 'NCHW');
    this.geometry.outputShape(this.label, x.shape);
    const { kernelSize, stride, padding } = this.geometry;
    return avgPool2d(x, kernelSize, { stride, padding, countIncludePad: this.countIncludePad });
  }

  protected override extraRepr(): string {
    return this.geometry.describe();
  }
}
