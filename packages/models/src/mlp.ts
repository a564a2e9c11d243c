import type { Random } from '@nabla/tensor';
import { ValueError } from '@nabla/tensor';
import {
  classificationLayer,
  featureInputLayer,
  fullyConnectedLayer,
  type InputNormalization,
  type LayerSpec,
  regressionLayer,
  reluLayer,
  sigmoidLayer,
  softmaxLayer,
  tanhLayer,
} from './layer-specs.js';
import { assembleNetwork, type Network } from './network.js';

/** The activation between an MLP's fully connected layers. */
export type Activation = 'relu' | 'sigmoid' | 'tanh';

/**
 * A multi-layer perceptron as a layer array: sizes [in, h1, …, out], the activation f between
 * fully connected layers (the course's a(l+1) = f(W(l) a(l) + b(l))), and a softmax
 * classification output or a regression (quadratic loss) output.
 */
export function mlpLayers(
  sizes: readonly number[],
  options: {
    activation?: Activation;
    output?: 'classification' | 'regression';
    normalization?: InputNormalization;
  } = {},
): LayerSpec[] {
  if (sizes.length < 2)
    throw new ValueError('mlp', `needs at least input and output sizes, got [${sizes.join(',')}]`);
  const act = options.activation ?? 'relu';
  const activation = () => (act === 'relu' ? reluLayer() : act === 'sigmoid' ? sigmoidLayer() : tanhLayer());
  const layers: LayerSpec[] = [
    featureInputLayer(sizes[0]!, { normalization: options.normalization ?? 'none' }),
  ];
  for (let i = 1; i < sizes.length; i++) {
    layers.push(fullyConnectedLayer(sizes[i]!));
    if (i < sizes.length - 1) layers.push(activation());
  }
  if ((options.output ?? 'classification') === 'classification')
    layers.push(softmaxLayer(), classificationLayer());
  else layers.push(regressionLayer());
  return layers;
}

/** A multi-layer perceptron as a {@link Network}: {@link mlpLayers} assembled, seeded by `generator`. */
export function mlp(
  sizes: readonly number[],
  options: {
    activation?: Activation;
    output?: 'classification' | 'regression';
    normalization?: InputNormalization;
    generator?: Random;
  } = {},
): Network {
  return assembleNetwork(mlpLayers(sizes, options), { generator: options.generator });
}
