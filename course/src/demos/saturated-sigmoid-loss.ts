import { binaryCrossEntropy, quadraticLoss, sigmoid, Tensor, variable } from '@nabla/autograd';
import { Neuron } from '@nabla/models';
import { SGD } from '@nabla/optim';
import { tensor } from '@nabla/tensor';

/**
 * Course: the output neuron y = σ(z) with target t. The quadratic loss ½(y − t)² has
 * ∂/∂z = (y − t)·σ′(z): when the neuron is saturated on the wrong side (t = 1, z = −10: y ≈ 0, wrong)
 * σ′(z) = σ(z)(1 − σ(z)) ≈ 4.5e-5 and the gradient vanishes although the error is as large as it gets.
 * Cross-entropy −(t log y + (1 − t) log(1 − y)) has ∂/∂z = (y − t)·σ′(z) / (y(1 − y)) = y − t: the σ′
 * cancels, and the gradient is as large as the error — why the course pairs a sigmoid (softmax) output
 * with cross-entropy, as logistic regression does.
 */
export type LossName = 'quadratic' | 'crossEntropy';

const sigma = (z: number) => 1 / (1 + Math.exp(-z));

/** The closed forms of ∂L/∂z for y = σ(z). */
export const closedForm: Record<LossName, (z: number, t: number) => number> = {
  quadratic: (z, t) => (sigma(z) - t) * sigma(z) * (1 - sigma(z)),
  crossEntropy: (z, t) => sigma(z) - t,
};

/** The loss of y = σ(z) against t, through the library's ops: sigmoid, then quadraticLoss or binaryCrossEntropy. */
function lossOf(name: LossName, y: Tensor, t: number): Tensor {
  const target = tensor([[t]], 'float64');
  return name === 'quadratic' ? quadraticLoss(y, target) : binaryCrossEntropy(y, target);
}

/** ∂L/∂z by autograd (sigmoid's backward times the loss's), and the loss itself. */
export function autogradAt(name: LossName, z: number, t = 1): { loss: number; gradient: number } {
  const zt = variable([[z]], { requiresGrad: true, dtype: 'float64' });
  const loss = lossOf(name, sigmoid(zt), t);
  loss.backward();
  return { loss: loss.item(), gradient: zt.grad!.item() };
}

export interface GradientRow {
  z: number;
  y: number;
  quadraticLoss: number;
  quadraticGradient: number;
  crossEntropyLoss: number;
  crossEntropyGradient: number;
}

export function gradientTable(zs: number[], t = 1): GradientRow[] {
  return zs.map((z) => {
    const q = autogradAt('quadratic', z, t);
    const c = autogradAt('crossEntropy', z, t);
    return {
      z,
      y: sigma(z),
      quadraticLoss: q.loss,
      quadraticGradient: q.gradient,
      crossEntropyLoss: c.loss,
      crossEntropyGradient: c.gradient,
    };
  });
}

export interface TrainingTrace {
  loss: LossName;
  /** z = wx + b and y = σ(z) before each step and after the last. */
  z: number[];
  y: number[];
}

/**
 * Trains one sigmoid neuron (Nabla's Neuron, SGD) on a single example x = 1, t = 1 from a saturated
 * start w = b = −5 (z = −10), with either loss; records z and y at every step.
 */
export function trainFromSaturation(loss: LossName, steps = 50, lr = 1): TrainingTrace {
  const neuron = new Neuron(1, { activation: 'sigmoid' }).to('float64');
  neuron.weight.assign(tensor([[-5]], 'float64'));
  neuron.bias.assign(tensor([-5], 'float64'));
  const optimizer = new SGD(neuron.parameters(), { lr });
  const x = new Tensor(tensor([[1]], 'float64'));
  const trace: TrainingTrace = { loss, z: [], y: [] };
  const record = () => {
    const z = neuron.weight.data.get(0, 0) + neuron.bias.data.get(0);
    trace.z.push(z);
    trace.y.push(neuron.forward(x).item());
  };
  for (let step = 0; step < steps; step++) {
    record();
    optimizer.zeroGrad();
    lossOf(loss, neuron.forward(x), 1).backward();
    optimizer.step();
  }
  record();
  return trace;
}

export const TABLE_Z = [-15, -10, -7.5, -5, -2.5, 0, 2.5, 5];
export const PLOT_Z = Array.from({ length: 81 }, (_, k) => -15 + k * 0.25);
