import type { Random } from '@nabla/tensor';
import {
  batchNormalizationLayer,
  classificationLayer,
  convolution2dLayer,
  fullyConnectedLayer,
  imageInputLayer,
  type LayerSpec,
  maxPooling2dLayer,
  reluLayer,
  softmaxLayer,
} from './layer-specs.js';
import { assembleNetwork, type Network } from './network.js';

/**
 * The course's LeNet for 28×28 handwritten digits, layer for layer as the course lists it:
 * conv 3×3×16 pad 1, BN, ReLU, max pool 2/2, conv 3×3×32 pad 1, BN, ReLU, max pool 2/2,
 * conv 3×3×64 pad 1, BN, ReLU, FC 50, ReLU, FC 10, softmax, classification — 180,880 learnables.
 */
export function lenetLayers(
  options: { numClasses?: number; inputSize?: [number, number, number] } = {},
): LayerSpec[] {
  // #region lenet-layers
  return [
    imageInputLayer(options.inputSize ?? [28, 28, 1]),
    convolution2dLayer(3, 16, { padding: 1 }),
    batchNormalizationLayer(),
    reluLayer(),
    maxPooling2dLayer(2, { stride: 2 }),
    convolution2dLayer(3, 32, { padding: 1 }),
    batchNormalizationLayer(),
    reluLayer(),
    maxPooling2dLayer(2, { stride: 2 }),
    convolution2dLayer(3, 64, { padding: 1 }),
    batchNormalizationLayer(),
    reluLayer(),
    fullyConnectedLayer(50),
    reluLayer(),
    fullyConnectedLayer(options.numClasses ?? 10),
    softmaxLayer(),
    classificationLayer(),
  ];
  // #endregion lenet-layers
}

/** The course's LeNet, built (Glorot-uniform weights, zero biases) from the seeded generator. */
export function lenet(options: { numClasses?: number; generator?: Random } = {}): Network {
  const net = assembleNetwork(lenetLayers(options), { generator: options.generator });
  return net;
}
