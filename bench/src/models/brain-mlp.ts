import { createRequire } from 'node:module';

interface BrainPattern {
  input: Float32Array;
  output: Float32Array;
}

interface BrainNetwork {
  train(
    data: { input: number[]; output: number[] }[],
    options: { iterations: number; log?: boolean },
  ): unknown;
  trainPattern(pattern: BrainPattern, logErrorRate?: boolean): unknown;
}

type BrainNetworkClass = new (options: {
  hiddenLayers: number[];
  activation: string;
  learningRate: number;
  momentum: number;
}) => BrainNetwork;

const require = createRequire(import.meta.url);

/**
 * MLP 784-128-64-10 in brain.js 1.6.1's NeuralNetwork (its CPU class, loaded without the gpu.js
 * one): ReLU on every layer including the output, mean-squared error to a one-hot target, and an
 * update after every example (brain.js has no mini-batches), so a "batch" of 64 is 64 updates.
 */
export function brainMlpTrainer(x: Float32Array, labels: Int32Array): { step(): void } {
  const NeuralNetwork = (require('brain.js/dist/neural-network') as { default: BrainNetworkClass }).default;
  const net = new NeuralNetwork({
    hiddenLayers: [128, 64],
    activation: 'relu',
    learningRate: 0.01,
    momentum: 0.9,
  });
  const oneHot = (label: number) => Float32Array.from({ length: 10 }, (_, k) => (k === label ? 1 : 0));
  net.train([{ input: Array.from(x.subarray(0, 784)), output: Array.from(oneHot(labels[0]!)) }], {
    iterations: 1,
    log: false,
  }); // sizes the network and sets its activation
  const patterns = Array.from(labels, (label, i) => ({
    input: x.slice(i * 784, (i + 1) * 784),
    output: oneHot(label),
  }));
  return {
    step() {
      for (const p of patterns) net.trainPattern(p);
    },
  };
}
