import { pad, type Tensor } from '@nabla/autograd';
import { ValueError } from '@nabla/tensor';
import { Module } from './module.js';

/** Border widths in PyTorch's order: [left, right, top, bottom]. */
export type Padding2d = readonly [number, number, number, number];

/**
 * Pads the last two axes of an NCHW input with a constant border (PyTorch's ConstantPad2d):
 * `left`/`right` columns and `top`/`bottom` rows of `value`. The gradient is the interior of dy.
 * Matlab's layers use it for asymmetric 'same' padding, where the odd row or column goes to the
 * bottom or right — something a convolution's symmetric padding cannot express.
 */
export class ConstantPad2d extends Module {
  /** Columns and rows added, [left, right, top, bottom], each an integer ≥ 0. */
  readonly padding: Padding2d;
  /** The constant written into the added border (0 for ZeroPad2d; never NaN). */
  readonly value: number;

  constructor(padding: number | Padding2d, value: number, typeName = 'ConstantPad2d') {
    super(typeName);
    const p = typeof padding === 'number' ? ([padding, padding, padding, padding] as const) : padding;
    if (p.length !== 4 || p.some((d) => !Number.isInteger(d) || d < 0))
      throw new ValueError(
        typeName,
        `padding must be an integer >= 0 or [left, right, top, bottom], got ${String(padding)}`,
      );
    if (Number.isNaN(value)) throw new ValueError(typeName, 'the padding value must not be NaN');
    this.padding = [p[0], p[1], p[2], p[3]];
    this.value = value;
  }

  forward(x: Tensor): Tensor {
    this.checkRank(x, [4], 'NCHW');
    const [left, right, top, bottom] = this.padding;
    return pad(
      x,
      [
        [0, 0],
        [0, 0],
        [top, bottom],
        [left, right],
      ],
      this.value,
    );
  }

  protected override extraRepr(): string {
    return `[${this.padding.join(', ')}]${this.typeName === 'ZeroPad2d' ? '' : `, value: ${this.value}`}`;
  }
}

/** Zero padding of the last two axes (PyTorch's ZeroPad2d): [left, right, top, bottom]. */
export class ZeroPad2d extends ConstantPad2d {
  constructor(padding: number | Padding2d) {
    super(padding, 0, 'ZeroPad2d');
  }
}
