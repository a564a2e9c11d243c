import { quadraticLoss, Tensor } from '@nabla/autograd';
import { Neuron } from '@nabla/models';
import { minimize } from '@nabla/optim';
import * as nd from '@nabla/tensor';
import { Random } from '@nabla/tensor';

/**
 * The unknown target f: X → Y, X = [−2, 2]², Y = {0, 1}. The learner never calls it: it only sees
 * the data D. The demo knows it, so it can measure how close the final hypothesis g comes.
 */
export const target = (x1: number, x2: number): number => (2 * x1 - x2 + 0.5 > 0 ? 1 : 0);

/** N points drawn uniformly from X by the seeded generator, labelled by f. */
export function drawData(n: number, generator: Random): { x: number[][]; y: number[] } {
  const x = Array.from({ length: n }, () => [generator.uniformRange(-2, 2), generator.uniformRange(-2, 2)]);
  return { x, y: x.map(([a, b]) => target(a!, b!)) };
}

const errorRate = (g: Neuron, data: { x: number[][]; y: number[] }) => {
  const out = g.forward(new Tensor(nd.tensor(data.x, 'float64'))).data.values();
  return data.y.reduce((wrong, yi, i) => wrong + ((out[i]! > 0.5 ? 1 : 0) === yi ? 0 : 1), 0) / data.y.length;
};

/**
 * Learning as the course formalizes it: data D = (x₁, y₁) … (x_N, y_N) drawn and labelled by f;
 * the hypothesis set H = { σ(wᵀx + b) } (one sigmoid neuron); the learning algorithm A = gradient
 * descent on the quadratic loss until converged; the final hypothesis g ∈ H, then measured against
 * f on D (in-sample) and on fresh points from the same X (out-of-sample).
 */
export function learnTarget(options: { n?: number; fresh?: number; seed?: number } = {}) {
  const { n = 100, fresh = 2_000, seed = 0 } = options;
  const generator = new Random(seed);
  const D = drawData(n, generator);
  const g = new Neuron(2, { activation: 'sigmoid', generator }).to('float64');
  const x = new Tensor(nd.tensor(D.x, 'float64'));
  const y = nd.tensor(
    D.y.map((v) => [v]),
    'float64',
  );
  const result = minimize(() => quadraticLoss(g.forward(x), y), g.parameters(), {
    lr: 2,
    tolerance: 1e-7,
    maxIterations: 20_000,
  });
  const test = drawData(fresh, generator);
  const w = Array.from(g.weight.data.values());
  const b = g.bias.data.data[0]!;
  // The boundary wᵀx + b = 0 against f's 2x₁ − x₂ + 0.5 = 0: the angle between their normals.
  const cos = (2 * w[0]! - w[1]!) / (Math.sqrt(5) * Math.hypot(w[0]!, w[1]!));
  return {
    n,
    fresh,
    seed,
    positives: D.y.filter((v) => v === 1).length,
    iterations: result.iterations,
    reason: result.reason,
    finalLoss: result.finalLoss,
    w,
    b,
    angleDegrees: (Math.acos(Math.min(1, cos)) * 180) / Math.PI,
    inSampleError: errorRate(g, D),
    outOfSampleError: errorRate(g, test),
  };
}
