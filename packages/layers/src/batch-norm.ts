import { batchNorm, reshape, type Tensor } from '@nabla/autograd';
import { allocate, formatShape, NDArray, ones, ShapeError, ValueError, zeros } from '@nabla/tensor';
import { positiveInt } from './learnable-options.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

/** Options of {@link BatchNorm1d} and {@link BatchNorm2d}. */
export interface BatchNormOptions {
  /** Added to the variance before the square root (default 1e-5, as PyTorch and Matlab). */
  eps?: number;
  /** Weight of the new batch in the running statistics: r ← (1 − m)·r + m·batch (default 0.1). */
  momentum?: number;
  /** Learn the scale γ and offset β (default true). */
  affine?: boolean;
  /** Element type of γ, β and the running statistics (default float32). */
  dtype?: 'float32' | 'float64';
  /** Multiplies the learning rate of γ and β (Matlab's learn-rate factors; default 1). */
  learnRateFactor?: number;
  /** Multiplies the L2 weight decay of γ and β (default 1). */
  l2Factor?: number;
}

/**
 * Batch normalization (Ioffe & Szegedy): per channel c, x̂ = (x − μ_B) / √(σ²_B + ε), y = γ·x̂ + β,
 * with the batch's mean and biased variance in training and the running statistics in evaluation.
 * The running variance is updated with the unbiased batch variance (PyTorch's rule). State dict:
 * weight (γ), bias (β), running_mean, running_var, num_batches_tracked — PyTorch's names and order.
 */
abstract class BatchNorm extends Module {
  /** The channels (or features) normalized, each with its own statistics. */
  readonly numFeatures: number;
  /** ε added to the variance before the square root. */
  readonly eps: number;
  /** Weight of the new batch in the running statistics. */
  readonly momentum: number;
  /** Whether the scale γ and offset β are learned. */
  readonly affine: boolean;
  /** While collecting population statistics: per channel, the values seen, their mean and Σ(x − mean)². */
  private population: { count: number; mean: Float64Array; m2: Float64Array; tracked: number } | null = null;

  constructor(typeName: string, numFeatures: number, options: BatchNormOptions) {
    super(typeName);
    this.numFeatures = positiveInt(typeName, 'numFeatures', numFeatures);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    this.affine = options.affine ?? true;
    if (!(this.eps > 0)) throw new ValueError(typeName, `eps must be > 0, got ${this.eps}`);
    if (!(this.momentum >= 0 && this.momentum <= 1))
      throw new ValueError(typeName, `momentum must be in [0, 1], got ${this.momentum}`);
    const dtype = options.dtype ?? 'float32';
    const factors = { learnRateFactor: options.learnRateFactor ?? 1, l2Factor: options.l2Factor ?? 1 };
    this.registerParameter('weight', this.affine ? new Parameter(ones([numFeatures], dtype), factors) : null);
    this.registerParameter('bias', this.affine ? new Parameter(zeros([numFeatures], dtype), factors) : null);
    this.registerBuffer('running_mean', zeros([numFeatures], dtype));
    this.registerBuffer('running_var', ones([numFeatures], dtype));
    this.registerBuffer('num_batches_tracked', zeros([], 'int32'));
  }

  /** γ, the per-channel scale (Matlab's Scale). */
  get weight(): Parameter | null {
    return this.optionalParam('weight');
  }
  /** β, the per-channel offset (Matlab's Offset). */
  get bias(): Parameter | null {
    return this.optionalParam('bias');
  }
  /** The running mean of each channel, used in evaluation. */
  get runningMean(): NDArray {
    return this.buffer('running_mean');
  }
  /** The running (unbiased) variance of each channel, used in evaluation. */
  get runningVar(): NDArray {
    return this.buffer('running_var');
  }
  /** How many training batches have updated the running statistics. */
  get numBatchesTracked(): number {
    return this.buffer('num_batches_tracked').item();
  }

  /**
   * Starts collecting population statistics (Matlab's BatchNormalizationStatistics 'population'):
   * every forward pass from now on adds its input, per channel, to an exact running mean and sum of
   * squared deviations, until `finishPopulationStatistics` writes them as the statistics used in
   * evaluation. Run the passes in training mode, so each batch is normalized by its own statistics
   * as it was during training (Ioffe & Szegedy, Algorithm 2, steps 8–12).
   */
  startPopulationStatistics(): void {
    this.population = {
      count: 0,
      mean: new Float64Array(this.numFeatures),
      m2: new Float64Array(this.numFeatures),
      tracked: this.numBatchesTracked,
    };
  }

  /**
   * Ends the collection: running_mean ← the mean and running_var ← the (biased) variance of every
   * value this layer saw since `startPopulationStatistics`, per channel. num_batches_tracked is left
   * as training left it. Returns false (and changes nothing) when no values were seen.
   */
  finishPopulationStatistics(): boolean {
    const p = this.population;
    this.population = null;
    if (!p || p.count === 0) return false;
    const dtype = this.runningMean.dtype as 'float32' | 'float64';
    const variance = p.m2.map((m2) => m2 / p.count);
    this.setBuffer('running_mean', new NDArray(allocateFrom(dtype, p.mean), [this.numFeatures]));
    this.setBuffer('running_var', new NDArray(allocateFrom(dtype, variance), [this.numFeatures]));
    const counter = this.buffer('num_batches_tracked');
    counter.data[counter.offset] = p.tracked;
    return true;
  }

  /**
   * Adds one batch [N, C, H, W] to the population statistics: the batch's own mean and M2 per channel
   * (two passes, float64), merged with Chan et al.'s pairwise rule
   * M2 ← M2_a + M2_b + δ²·n_a·n_b/(n_a + n_b), mean ← mean_a + δ·n_b/(n_a + n_b), δ = mean_b − mean_a.
   */
  private accumulatePopulation(x4: NDArray): void {
    const p = this.population!;
    const [n, c, h, w] = x4.shape as [number, number, number, number];
    const v = x4.values();
    const hw = h * w;
    const nb = n * hw;
    for (let ch = 0; ch < c; ch++) {
      let sum = 0;
      for (let i = 0; i < n; i++) for (let k = 0; k < hw; k++) sum += v[(i * c + ch) * hw + k]!;
      const meanB = sum / nb;
      let m2B = 0;
      for (let i = 0; i < n; i++)
        for (let k = 0; k < hw; k++) m2B += (v[(i * c + ch) * hw + k]! - meanB) ** 2;
      const na = p.count;
      const delta = meanB - p.mean[ch]!;
      p.mean[ch] = p.mean[ch]! + (delta * nb) / (na + nb);
      p.m2[ch] = p.m2[ch]! + m2B + (delta * delta * na * nb) / (na + nb);
    }
    p.count += nb;
  }

  /** Checks the input and returns it as [N, C, H, W] (views, no copy). */
  protected abstract asNCHW(x: Tensor): Tensor;

  forward(x: Tensor): Tensor {
    const x4 = this.asNCHW(x);
    const [n, c, h, w] = x4.shape as [number, number, number, number];
    if (c !== this.numFeatures) {
      throw new ShapeError(
        this.label,
        `expected ${this.numFeatures} channels on axis 1, got ${c} (input ${formatShape(x.shape)})`,
      );
    }
    if (this.training && n * h * w < 2) {
      throw new ShapeError(
        this.label,
        `needs more than one value per channel in training, got input ${formatShape(x.shape)}`,
      );
    }
    if (this.population) this.accumulatePopulation(x4.data);
    const y = batchNorm(x4, this.weight, this.bias, this.runningMean, this.runningVar, {
      training: this.training,
      momentum: this.momentum,
      eps: this.eps,
    });
    if (this.training) {
      const counter = this.buffer('num_batches_tracked');
      counter.data[counter.offset] = counter.item() + 1;
    }
    return y.ndim === x.ndim ? y : reshape(y, x.shape);
  }

  protected override extraRepr(): string {
    return `${this.numFeatures}, eps: ${this.eps}, momentum: ${this.momentum}${this.affine ? '' : ', affine: false'}`;
  }
}

/** BatchNorm over [N, C] (features) or [N, C, L] (sequences): statistics per C over the other axes. */
export class BatchNorm1d extends BatchNorm {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super('BatchNorm1d', numFeatures, options);
  }
  protected asNCHW(x: Tensor): Tensor {
    this.checkRank(x, [2, 3], '[N, C] or [N, C, L]');
    return reshape(
      x,
      x.ndim === 2 ? [x.shape[0]!, x.shape[1]!, 1, 1] : [x.shape[0]!, x.shape[1]!, x.shape[2]!, 1],
    );
  }
}

/** BatchNorm over images [N, C, H, W]: statistics per channel over N, H and W (the course's LeNet). */
export class BatchNorm2d extends BatchNorm {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super('BatchNorm2d', numFeatures, options);
  }
  protected asNCHW(x: Tensor): Tensor {
    this.checkRank(x, [4], 'NCHW');
    return x;
  }
}

function allocateFrom(dtype: 'float32' | 'float64', values: Float64Array): Float32Array | Float64Array {
  const out = allocate(dtype, values.length) as Float32Array | Float64Array;
  out.set(values);
  return out;
}
