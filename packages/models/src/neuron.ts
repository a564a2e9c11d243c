import { add, matmul, relu, sigmoid, type Tensor, tanh } from '@nabla/autograd';
import { glorotUniform, Module, Parameter } from '@nabla/layers';
import * as nd from '@nabla/tensor';
import { formatShape, type Random, ShapeError, ValueError } from '@nabla/tensor';

/** The neuron's activation f. */
export type NeuronActivation = 'sigmoid' | 'tanh' | 'relu' | 'linear';

/**
 * The course's single neuron: y = f(wᵀx + b), for a batch x [N, d] giving y [N, 1].
 * With the quadratic loss ½(y − f(wᵀx + b))² its gradients are exactly the course's
 * ∇w L = −(y − f(z)) f′(z) x and ∇b L = −(y − f(z)) f′(z), z = wᵀx + b.
 */
export class Neuron extends Module {
  /** w, [d, 1]. */
  readonly weight: Parameter;
  /** b, [1]. */
  readonly bias: Parameter;
  /** The activation f. */
  readonly activation: NeuronActivation;

  constructor(inputs: number, options: { activation?: NeuronActivation; generator?: Random } = {}) {
    super('Neuron');
    if (!Number.isInteger(inputs) || inputs < 1)
      throw new ValueError('Neuron', `needs a positive number of inputs, got ${inputs}`);
    this.activation = options.activation ?? 'sigmoid';
    if (!['sigmoid', 'tanh', 'relu', 'linear'].includes(this.activation)) {
      throw new ValueError('Neuron', `unknown activation '${this.activation}'`);
    }
    // w is stored as a column [d, 1] so that wᵀx for a batch is the product x·w.
    this.weight = this.registerParameter(
      'weight',
      new Parameter(glorotUniform([inputs, 1], { generator: options.generator })),
    );
    this.bias = this.registerParameter('bias', new Parameter(nd.zeros([1])));
  }

  // #region forward
  forward(x: Tensor): Tensor {
    const d = this.weight.shape[0]!;
    if (x.ndim !== 2 || x.shape[1] !== d)
      throw new ShapeError(this.label, `expected input [N,${d}], got ${formatShape(x.shape)}`);
    const z = add(matmul(x, this.weight), this.bias); // z = wᵀx + b, one row per example
    switch (this.activation) {
      case 'sigmoid':
        return sigmoid(z);
      case 'tanh':
        return tanh(z);
      case 'relu':
        return relu(z);
      default:
        return z;
    }
  }
  // #endregion forward
}
