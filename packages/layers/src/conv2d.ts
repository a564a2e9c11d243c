import { conv2d, type Tensor } from '@nabla/autograd';
import { formatShape, type Pair, ShapeError, ValueError } from '@nabla/tensor';
import { glorotUniform } from './initializers.js';
import { type LearnableOptions, makeWeightAndBias, positiveInt } from './learnable-options.js';
import { Module } from './module.js';
import type { Parameter } from './parameter.js';

export interface Conv2dLayerOptions extends LearnableOptions {
  /** Step between filter positions (default 1). */
  stride?: Pair;
  /** Zeros added on each side of the input (default 0). */
  padding?: Pair;
  /** Spacing between filter taps (default 1). */
  dilation?: Pair;
  /** Split the channels into groups convolved separately (AlexNet's two-GPU layers use 2). */
  groups?: number;
  /** Learn a bias per output channel (default true). */
  bias?: boolean;
}

function pairOf(
  layer: string,
  name: string,
  v: Pair | undefined,
  fallback: number,
  min: number,
): [number, number] {
  const p: [number, number] =
    v === undefined ? [fallback, fallback] : typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (p.some((d) => !Number.isInteger(d) || d < min)) {
    throw new ValueError(layer, `${name} must be an integer >= ${min} or a pair of them, got ${String(v)}`);
  }
  return p;
}

/**
 * The course's convolution layer — a cross-correlation, y[o] = b[o] + Σ_c w[o, c] ⋆ x[c], as every
 * framework computes it. Input NCHW [N, in, H, W]; weight [out, in/groups, kh, kw] (PyTorch's layout);
 * output [N, out, ⌊(H + 2p − d(kh − 1) − 1)/s⌋ + 1, …].
 */
export class Conv2d extends Module {
  /** C_in, the input channels. */
  readonly inChannels: number;
  /** C_out, the output channels (filters). */
  readonly outChannels: number;
  /** [kh, kw], the filter size. */
  readonly kernelSize: [number, number];
  /** [s_h, s_w]. */
  readonly stride: [number, number];
  /** [p_h, p_w], zeros added on each side. */
  readonly padding: [number, number];
  /** [d_h, d_w], spacing between filter taps. */
  readonly dilation: [number, number];
  /** Channel groups convolved separately. */
  readonly groups: number;

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options: Conv2dLayerOptions = {}) {
    super('Conv2d');
    this.inChannels = positiveInt('Conv2d', 'inChannels', inChannels);
    this.outChannels = positiveInt('Conv2d', 'outChannels', outChannels);
    this.kernelSize = pairOf('Conv2d', 'kernelSize', kernelSize, 1, 1);
    this.stride = pairOf('Conv2d', 'stride', options.stride, 1, 1);
    this.padding = pairOf('Conv2d', 'padding', options.padding, 0, 0);
    this.dilation = pairOf('Conv2d', 'dilation', options.dilation, 1, 1);
    this.groups = positiveInt('Conv2d', 'groups', options.groups ?? 1);
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new ValueError(
        'Conv2d',
        `groups ${this.groups} must divide both inChannels ${inChannels} and outChannels ${outChannels}`,
      );
    }
    // #region conv2d-parameters
    const [kh, kw] = this.kernelSize;
    // Glorot fans per group, as Matlab computes them: channels × kh × kw (the same as PyTorch's when groups = 1).
    const fans = {
      fanIn: (inChannels / this.groups) * kh * kw,
      fanOut: (outChannels / this.groups) * kh * kw,
    };
    const { weight, bias } = makeWeightAndBias(
      'Conv2d',
      [outChannels, inChannels / this.groups, kh, kw],
      options.bias === false ? null : [outChannels],
      fans,
      options,
      glorotUniform,
    );
    this.registerParameter('weight', weight);
    this.registerParameter('bias', bias);
    // #endregion conv2d-parameters
  }

  /** The filters W, [C_out, C_in / groups, kh, kw]. */
  get weight(): Parameter {
    return this.param('weight');
  }
  /** The bias b, [C_out], or null without one. */
  get bias(): Parameter | null {
    return this.optionalParam('bias');
  }

  /** The output shape for an input shape, or a ShapeError naming this layer. */
  outputShape(inputShape: readonly number[]): number[] {
    if (inputShape.length !== 4) {
      throw new ShapeError(this.label, `expected an NCHW input (rank 4), got ${formatShape(inputShape)}`);
    }
    const [n, c, h, w] = inputShape as [number, number, number, number];
    if (c !== this.inChannels) {
      throw new ShapeError(
        this.label,
        `expected ${this.inChannels} input channels, got ${c} (input ${formatShape(inputShape)})`,
      );
    }
    const out = [h, w].map((size, i) => {
      const span = this.dilation[i]! * (this.kernelSize[i]! - 1) + 1;
      return Math.floor((size + 2 * this.padding[i]! - span) / this.stride[i]!) + 1;
    }) as [number, number];
    if (out[0] < 1 || out[1] < 1) {
      throw new ShapeError(
        this.label,
        `a ${this.kernelSize.join('×')} kernel (dilation ${this.dilation.join('×')}, padding ${this.padding.join('×')}) does not fit input ${formatShape(inputShape)}`,
      );
    }
    return [n, this.outChannels, ...out];
  }

  forward(x: Tensor): Tensor {
    this.checkRank(x, [4], 'NCHW');
    this.outputShape(x.shape);
    return conv2d(x, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
    });
  }

  protected override extraRepr(): string {
    const extras = [
      this.stride.some((s) => s !== 1) ? `stride: ${this.stride.join('×')}` : '',
      this.padding.some((p) => p !== 0) ? `padding: ${this.padding.join('×')}` : '',
      this.dilation.some((d) => d !== 1) ? `dilation: ${this.dilation.join('×')}` : '',
      this.groups !== 1 ? `groups: ${this.groups}` : '',
      this.bias ? '' : 'bias: false',
    ].filter(Boolean);
    return [`${this.inChannels}, ${this.outChannels}, ${this.kernelSize.join('×')}`, ...extras].join(', ');
  }
}
