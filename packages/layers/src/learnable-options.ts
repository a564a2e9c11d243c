import { defaultGenerator, type Random, ValueError } from '@nabla/tensor';
import { type Initializer, zeros } from './initializers.js';
import { Parameter } from './parameter.js';

/** Options shared by the layers that own a weight and a bias (Linear, Conv2d). */
export interface LearnableOptions {
  /** Weight initializer (default glorotUniform, the course's and Matlab's; PyTorch's is Kaiming-uniform). */
  weightInit?: Initializer;
  /** Bias initializer (default zeros, like Matlab). */
  biasInit?: Initializer;
  /** The seeded generator the initializers draw from (default: the global `defaultGenerator`). */
  generator?: Random;
  /** Element type of the parameters (default float32). */
  dtype?: 'float32' | 'float64';
  /**
   * Multiplies the learning rate of the weights (Matlab's WeightLearnRateFactor; default 1, 0 freezes them).
   */
  weightLearnRateFactor?: number;
  /** Multiplies the learning rate of the bias (Matlab's BiasLearnRateFactor; default 1). */
  biasLearnRateFactor?: number;
  /** Multiplies the L2 weight decay of the weights (Matlab's WeightL2Factor; default 1). */
  weightL2Factor?: number;
  /** Matlab's BiasL2Factor defaults to 0; Nabla defaults to 1, as PyTorch's weight_decay does. */
  biasL2Factor?: number;
}

/** Makes a layer's weight and bias from its options, with the fans the initializer should use. */
export function makeWeightAndBias(
  layer: string,
  weightShape: readonly number[],
  biasShape: readonly number[] | null,
  fans: { fanIn: number; fanOut: number },
  options: LearnableOptions,
  defaultInit: Initializer,
): { weight: Parameter; bias: Parameter | null } {
  const generator = options.generator ?? defaultGenerator;
  const dtype = options.dtype ?? 'float32';
  for (const key of [
    'weightLearnRateFactor',
    'biasLearnRateFactor',
    'weightL2Factor',
    'biasL2Factor',
  ] as const) {
    const v = options[key];
    if (v !== undefined && !(v >= 0 && Number.isFinite(v)))
      throw new ValueError(layer, `${key} must be a finite number >= 0, got ${v}`);
  }
  const weight = new Parameter(
    (options.weightInit ?? defaultInit)(weightShape, { generator, dtype, ...fans }),
    {
      learnRateFactor: options.weightLearnRateFactor ?? 1,
      l2Factor: options.weightL2Factor ?? 1,
    },
  );
  const bias = biasShape
    ? new Parameter((options.biasInit ?? zeros)(biasShape, { generator, dtype, ...fans }), {
        learnRateFactor: options.biasLearnRateFactor ?? 1,
        l2Factor: options.biasL2Factor ?? 1,
      })
    : null;
  return { weight, bias };
}

/** Refuses a size that is not a positive integer, naming the layer. */
export function positiveInt(layer: string, name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1)
    throw new ValueError(layer, `${name} must be a positive integer, got ${v}`);
  return v;
}
