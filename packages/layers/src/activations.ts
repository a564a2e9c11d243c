import { leakyRelu, logSoftmax, relu, sigmoid, softmax, type Tensor, tanh } from '@nabla/autograd';
import { normalizeAxis, ValueError } from '@nabla/tensor';
import { Module } from './module.js';

function checkFloat(m: Module, x: Tensor): void {
  if (x.dtype === 'int32') throw new ValueError(m.label, 'expected a float32 or float64 input, got int32');
}

/** Course: f(z) = max(0, z). */
export class ReLU extends Module {
  constructor() {
    super('ReLU');
  }
  forward(x: Tensor): Tensor {
    checkFloat(this, x);
    return relu(x);
  }
}

/** f(z) = z for z > 0, else slope·z (Matlab's leakyReluLayer uses slope 0.01 too). */
export class LeakyReLU extends Module {
  /** The slope for z ≤ 0. */
  constructor(
    /** The slope for z ≤ 0. */
    readonly slope = 0.01,
  ) {
    super('LeakyReLU');
    if (!Number.isFinite(slope)) throw new ValueError('LeakyReLU', `slope must be finite, got ${slope}`);
  }
  forward(x: Tensor): Tensor {
    checkFloat(this, x);
    return leakyRelu(x, this.slope);
  }
  protected override extraRepr(): string {
    return `slope: ${this.slope}`;
  }
}

/** Course: f(z) = 1/(1 + e^−z). */
export class Sigmoid extends Module {
  constructor() {
    super('Sigmoid');
  }
  forward(x: Tensor): Tensor {
    checkFloat(this, x);
    return sigmoid(x);
  }
}

/** Course: f(z) = tanh(z). */
export class Tanh extends Module {
  constructor() {
    super('Tanh');
  }
  forward(x: Tensor): Tensor {
    checkFloat(this, x);
    return tanh(x);
  }
}

/**
 * softmax(z)_i = e^{z_i} / Σ_j e^{z_j} along `axis` — by default axis 1, the classes of [N, C] or
 * the channels of NCHW (Matlab's softmaxLayer, PyTorch's implicit choice for 2-D and 4-D inputs).
 */
export class Softmax extends Module {
  /** The axis the probabilities sum to 1 along. */
  constructor(
    /** The axis the probabilities sum to 1 along. */
    readonly axis = 1,
  ) {
    super('Softmax');
  }
  forward(x: Tensor): Tensor {
    checkFloat(this, x);
    normalizeAxis(this.label, this.axis, x.ndim);
    return softmax(x, this.axis);
  }
  protected override extraRepr(): string {
    return `axis: ${this.axis}`;
  }
}

/** log softmax along `axis` (default 1), the stable form that cross-entropy uses. */
export class LogSoftmax extends Module {
  /** The axis the log-probabilities are normalized along. */
  constructor(
    /** The axis the log-probabilities are normalized along. */
    readonly axis = 1,
  ) {
    super('LogSoftmax');
  }
  forward(x: Tensor): Tensor {
    checkFloat(this, x);
    normalizeAxis(this.label, this.axis, x.ndim);
    return logSoftmax(x, this.axis);
  }
  protected override extraRepr(): string {
    return `axis: ${this.axis}`;
  }
}
