import { type LayerSpec, lenetLayers, mlpLayers } from '@nabla/models';

export type ModelName = 'lenet' | 'mlp';

/** The layers of each model the CLI trains. The MLP sees a digit as 784 numbers. */
export function modelLayers(model: ModelName): LayerSpec[] {
  return model === 'lenet' ? lenetLayers() : mlpLayers([784, 128, 64, 10], { normalization: 'zerocenter' });
}
