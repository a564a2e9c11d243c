import { quadraticLoss, Tensor } from '@nabla/autograd';
import { Neuron } from '@nabla/models';
import { minimize, type MinimizeResult } from '@nabla/optim';
import { Random } from '@nabla/tensor';
import { binaryAccuracy, separableSet } from './datasets.js';

/**
 * Example 1 — one sigmoid neuron y = f(wᵀx + b) with the course's quadratic loss
 * L = ½(y − f(wᵀx + b))², trained by full-batch gradient descent "until converged":
 * w ← w − α ∇w L, b ← b − α ∇b L, repeated until the loss stops changing.
 */
export function trainSeparableNeuron(
  options: { seed?: number; n?: number; lr?: number; tolerance?: number } = {},
): {
  result: MinimizeResult;
  accuracy: number;
} {
  const seed = options.seed ?? 0;
  const { x, y } = separableSet(options.n ?? 200, seed);
  const neuron = new Neuron(2, { activation: 'sigmoid', generator: new Random(seed) });
  neuron.to('float64');
  const input = new Tensor(x);
  const result = minimize(() => quadraticLoss(neuron.forward(input), y), neuron.parameters(), {
    lr: options.lr ?? 2,
    tolerance: options.tolerance ?? 1e-7,
    maxIterations: 20_000,
  });
  return { result, accuracy: binaryAccuracy(neuron.forward(input).data, y) };
}
