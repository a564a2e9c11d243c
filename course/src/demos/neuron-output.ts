import { Tensor } from '@nabla/autograd';
import { Neuron, type NeuronActivation } from '@nabla/models';
import * as nd from '@nabla/tensor';

/** The neuron of the demo: three inputs, its weights and bias, and a batch of three examples. */
export const neuronExample = {
  w: [0.5, -1, 0.25],
  b: 0.5,
  x: [
    [2, 1, -1],
    [1, -2, 4],
    [-3, 0.5, 2],
  ],
};

/** What Nabla's `Neuron` outputs for each example and activation, with z = wᵀx + b. */
export function neuronOutputs(example = neuronExample) {
  const activations: NeuronActivation[] = ['linear', 'sigmoid', 'tanh', 'relu'];
  const x = new Tensor(nd.tensor(example.x, 'float64'));
  const outputs = activations.map((activation) => {
    const neuron = new Neuron(example.w.length, { activation }).to('float64');
    // w is stored as a column [d, 1], so a batch of rows X [N, d] gives z = Xw + b in one product.
    example.w.forEach((wi, i) => {
      neuron.weight.data.data[i] = wi;
    });
    neuron.bias.data.data[0] = example.b;
    return { activation, y: Array.from(neuron.forward(x).data.values()) };
  });
  return { z: outputs[0]!.y, outputs };
}
