import { localResponseNorm, type Tensor } from '@nabla/autograd';
import { formatShape, ShapeError, ValueError } from '@nabla/tensor';
import { positiveInt } from './learnable-options.js';
import { Module } from './module.js';

export interface CrossChannelNormalizationOptions {
  /** α, the scale of the sum of squares (default 1e-4). */
  alpha?: number;
  /** β, the exponent (default 0.75). */
  beta?: number;
  /** k, the additive constant (default 2). */
  k?: number;
  /**
   * Channels of the window before each channel: default ⌊size/2⌋ (PyTorch's LocalResponseNorm);
   * Matlab's crossChannelNormalizationLayer uses ⌊(size − 1)/2⌋. Equal for odd sizes.
   */
  channelsBefore?: number;
}

/**
 * Local response (cross-channel) normalization, AlexNet's "norm" layers and Matlab's
 * crossChannelNormalizationLayer: y_c = x_c / (k + (α/n) Σ_{c' ∈ window(c)} x_{c'}²)^β over a window
 * of n = `size` neighbouring channels. Defaults are Matlab's and AlexNet's: n 5, α 1e-4, β 0.75, k 2.
 */
export class CrossChannelNormalization extends Module {
  /** n, the channels in each window. */
  readonly size: number;
  /** α, the scale of the sum of squares. */
  readonly alpha: number;
  /** β, the exponent. */
  readonly beta: number;
  /** k, the additive constant. */
  readonly k: number;
  /** Channels of the window before each channel, in [0, size − 1]; the rest of the window follows it. */
  readonly channelsBefore: number;

  constructor(size = 5, options: CrossChannelNormalizationOptions = {}) {
    super('CrossChannelNormalization');
    this.size = positiveInt('CrossChannelNormalization', 'size', size);
    this.alpha = options.alpha ?? 1e-4;
    this.beta = options.beta ?? 0.75;
    this.k = options.k ?? 2;
    this.channelsBefore = options.channelsBefore ?? Math.floor(this.size / 2);
    if (
      !Number.isInteger(this.channelsBefore) ||
      this.channelsBefore < 0 ||
      this.channelsBefore > this.size - 1
    )
      throw new ValueError(
        'CrossChannelNormalization',
        `channelsBefore must be an integer in [0, ${this.size - 1}], got ${this.channelsBefore}`,
      );
    for (const [name, v] of [
      ['alpha', this.alpha],
      ['beta', this.beta],
      ['k', this.k],
    ] as const) {
      if (!Number.isFinite(v))
        throw new ValueError('CrossChannelNormalization', `${name} must be finite, got ${v}`);
    }
  }

  forward(x: Tensor): Tensor {
    this.checkRank(x, [4], 'NCHW');
    if (x.shape[1]! < 1)
      throw new ShapeError(this.label, `needs at least one channel, got ${formatShape(x.shape)}`);
    return localResponseNorm(x, {
      size: this.size,
      alpha: this.alpha,
      beta: this.beta,
      k: this.k,
      channelsBefore: this.channelsBefore,
    });
  }

  protected override extraRepr(): string {
    const window =
      this.channelsBefore === Math.floor(this.size / 2) ? '' : `, channelsBefore: ${this.channelsBefore}`;
    return `${this.size}, alpha: ${this.alpha}, beta: ${this.beta}, k: ${this.k}${window}`;
  }
}

/** PyTorch's name for the same layer. */
export const LocalResponseNorm = CrossChannelNormalization;
export type LocalResponseNorm = CrossChannelNormalization;
