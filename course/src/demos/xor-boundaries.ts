import { quadraticLoss, sigmoid, Tensor } from '@nabla/autograd';
import { Linear, type Module, Sequential, Sigmoid } from '@nabla/layers';
import { Neuron } from '@nabla/models';
import { minimize } from '@nabla/optim';
import { NDArray, Random, tensor } from '@nabla/tensor';

/**
 * Course: one layer is a linear classifier. A neuron's decision boundary wᵀx + b = 0 is a line, and no
 * line puts (0,1), (1,0) on one side and (0,0), (1,1) on the other: XOR. One hidden layer,
 * a = f(W⁽¹⁾x + b⁽¹⁾), ŷ = f(W⁽²⁾a + b⁽²⁾), bends the boundary and separates all four.
 * Both are trained the course's way: quadratic loss, full-batch gradient descent until converged.
 */
export const XOR_X = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
export const XOR_Y = [0, 1, 1, 0];

export interface XorConfig {
  seed: number;
  hidden: number;
  lr: number;
  maxIterations: number;
  /** Points per axis of the prediction grid over [−0.5, 1.5]². */
  grid: number;
}

export const XOR_FULL: XorConfig = { seed: 0, hidden: 4, lr: 2, maxIterations: 10_000, grid: 41 };

export interface TrainedClassifier {
  name: string;
  /** Fraction of the 4 points on the right side of 0.5. */
  accuracy: number;
  initialLoss: number;
  loss: number;
  iterations: number;
  /** The network's output on each of the 4 points. */
  outputs: number[];
  /** Predictions σ(…) over the grid, row-major: {x1, x2, p}. */
  grid: { x1: number; x2: number; p: number }[];
}

function train(
  name: string,
  predict: (x: Tensor) => Tensor,
  model: Module,
  config: XorConfig,
): TrainedClassifier {
  const x = new Tensor(tensor(XOR_X, 'float64'));
  const y = tensor(
    XOR_Y.map((v) => [v]),
    'float64',
  );
  const result = minimize(() => quadraticLoss(predict(x), y), model.parameters(), {
    lr: config.lr,
    tolerance: 1e-12,
    maxIterations: config.maxIterations,
  });
  const outputs = Array.from(predict(x).data.values());
  const accuracy = outputs.filter((p, k) => (p >= 0.5 ? 1 : 0) === XOR_Y[k]).length / XOR_Y.length;
  const axis = Array.from({ length: config.grid }, (_, k) => -0.5 + (2 * k) / (config.grid - 1));
  const points = axis.flatMap((x2) => axis.map((x1) => [x1, x2]));
  const p = predict(
    new Tensor(new NDArray(Float64Array.from(points.flat()), [points.length, 2])),
  ).data.values();
  return {
    name,
    accuracy,
    initialLoss: result.lossHistory[0]!,
    loss: result.finalLoss,
    iterations: result.lossHistory.length - 1,
    outputs,
    grid: points.map(([x1, x2], k) => ({ x1: x1!, x2: x2!, p: p[k]! })),
  };
}

/** One sigmoid neuron, y = σ(wᵀx + b) (Nabla's Neuron). */
export function trainNeuron(config: XorConfig = XOR_FULL): TrainedClassifier {
  const neuron = new Neuron(2, { activation: 'sigmoid', generator: new Random(config.seed) }).to('float64');
  return train('single neuron', (x) => neuron.forward(x), neuron, config);
}

/** One hidden layer of sigmoids, then a sigmoid output: σ(W⁽²⁾σ(W⁽¹⁾x + b⁽¹⁾) + b⁽²⁾). */
export function trainHiddenLayer(config: XorConfig = XOR_FULL): TrainedClassifier {
  const g = new Random(config.seed);
  const net = new Sequential(
    new Linear(2, config.hidden, { generator: g }),
    new Sigmoid(),
    new Linear(config.hidden, 1, { generator: g }),
  ).to('float64');
  return train(`one hidden layer (${config.hidden} sigmoids)`, (x) => sigmoid(net.forward(x)), net, config);
}
