import { mseLoss, quadraticLoss, sigmoid, Tensor } from '@nabla/autograd';
import { Linear, Sequential, Sigmoid } from '@nabla/layers';
import { Neuron } from '@nabla/models';
import { minimize } from '@nabla/optim';
import { Random } from '@nabla/tensor';
import { binaryAccuracy, xorSet } from './datasets.js';

/**
 * Example 2 — XOR. A single neuron draws one line, and no line separates {01, 10} from {00, 11}:
 * at best 3 of 4 points are right. One hidden layer bends the boundary: all 4.
 */
export interface XorResult {
  accuracy: number;
  /** The loss at the initial weights and after training. */
  initialLoss: number;
  loss: number;
}

export function xorNeuron(seed = 0): XorResult {
  const { x, y } = xorSet();
  const neuron = new Neuron(2, { activation: 'sigmoid', generator: new Random(seed) });
  neuron.to('float64');
  const input = new Tensor(x);
  const result = minimize(() => quadraticLoss(neuron.forward(input), y), neuron.parameters(), {
    lr: 2,
    tolerance: 1e-10,
    maxIterations: 5_000,
  });
  return {
    accuracy: binaryAccuracy(neuron.forward(input).data, y),
    initialLoss: result.lossHistory[0]!,
    loss: result.finalLoss,
  };
}

export function xorHiddenLayer(seed = 0, hidden = 4): XorResult {
  const { x, y } = xorSet();
  const g = new Random(seed);
  const net = new Sequential(
    new Linear(2, hidden, { generator: g }),
    new Sigmoid(),
    new Linear(hidden, 1, { generator: g }),
  );
  net.to('float64');
  const input = new Tensor(x);
  const forward = () => sigmoid(net.forward(input));
  const result = minimize(() => mseLoss(forward(), y), net.parameters(), {
    lr: 2,
    tolerance: 1e-12,
    maxIterations: 20_000,
  });
  return {
    accuracy: binaryAccuracy(forward().data, y),
    initialLoss: result.lossHistory[0]!,
    loss: result.finalLoss,
  };
}
