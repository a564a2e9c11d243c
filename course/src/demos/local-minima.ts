import { exp, mean, mul, square, sub, type Tensor, variable } from '@nabla/autograd';
import { SGD } from '@nabla/optim';
import * as nd from '@nabla/tensor';
import { Random } from '@nabla/tensor';

/**
 * The problem: estimate one number θ, the centre of the data, with Welsch's robust loss
 *   J(θ) = (1/N) Σᵢ ρ(θ − xᵢ),   ρ(r) = 1 − exp(−r² / 2s²),
 * on data from two clusters: 70 points around 0 and 30 around 4 (spread 0.5, s = 1). ρ saturates,
 * so each cluster is a basin of its own: the global minimum sits at the large cluster, a spurious
 * local minimum at the small one (the failure every mode-seeking estimator such as mean shift
 * knows). Started in the small cluster's basin, gradient descent on the whole J stays there.
 */
export const PROBLEM = { large: 70, small: 30, centres: [0, 4], spread: 0.5, s: 1, dataSeed: 7 };

/** The data: the two clusters, fixed (the same for every run). */
export function clusterData(): Float64Array {
  const g = new Random(PROBLEM.dataSeed);
  const x = new Float64Array(PROBLEM.large + PROBLEM.small);
  for (let i = 0; i < x.length; i++) {
    x[i] = (i < PROBLEM.large ? PROBLEM.centres[0]! : PROBLEM.centres[1]!) + PROBLEM.spread * g.normal();
  }
  return x;
}

/** J over the examples `x` at θ, as an autograd graph: ρ(r) = 1 − exp(−r²/2s²), averaged. */
export function welschLoss(theta: Tensor, x: Float64Array): Tensor {
  const r = sub(theta, variable(nd.fromTypedArray(x, [x.length])));
  return sub(1, mean(exp(mul(square(r), -1 / (2 * PROBLEM.s ** 2)))));
}

/** J(θ) on all the data, as a number (float64). */
export function lossAt(theta: number, x: Float64Array): number {
  let sum = 0;
  for (const xi of x) sum += 1 - Math.exp(-((theta - xi) ** 2) / (2 * PROBLEM.s ** 2));
  return sum / x.length;
}

/** The local minima of J on a fine grid over [−3, 8] (θ and J), lowest J first. */
export function minimaOf(x: Float64Array, step = 1e-3): { theta: number; loss: number }[] {
  const found: { theta: number; loss: number }[] = [];
  for (let t = -3 + step; t < 8; t += step) {
    const here = lossAt(t, x);
    if (here < lossAt(t - step, x) && here < lossAt(t + step, x)) found.push({ theta: t, loss: here });
  }
  return found.sort((a, b) => a.loss - b.loss);
}

/** Options of {@link descend}. */
export interface DescendOptions {
  /** Examples per update; the data's size (100) is full-batch gradient descent. */
  batchSize: number;
  /** Learning rate α of the first 80% of the passes; the last 20% use α/10 to settle. */
  lr: number;
  /** Passes over the data. */
  epochs: number;
  /** Seed of the starting point (θ₀ = 5 + 0.5·u, in the small cluster's basin) and of the sampling. */
  seed: number;
}

/** Where a run went: θ after each pass, and where it ended. */
export interface DescentRun {
  batchSize: number;
  lr: number;
  seed: number;
  theta0: number;
  /** θ after each pass over the data. */
  path: number[];
  theta: number;
  /** J(θ) over all the data at the end. */
  loss: number;
}

/**
 * Mini-batch SGD on J, θ ← θ − α ∇J_batch(θ), each pass over the data in a fresh random order
 * drawn from the seed (random sampling); with batchSize = N it is full-batch gradient descent and
 * the order does not matter. The schedule is Matlab's 'piecewise' in one drop: α, then α/10 for
 * the last fifth of the passes, so each run settles where it is.
 */
export function descend(x: Float64Array, options: DescendOptions): DescentRun {
  const { batchSize, lr, epochs, seed } = options;
  const g = new Random(seed);
  const theta0 = 5 + 0.5 * g.uniform();
  const theta = variable(nd.tensor([theta0], 'float64'), { requiresGrad: true });
  const optimizer = new SGD([theta], { lr });
  const n = x.length;
  const batch = new Float64Array(batchSize);
  const path: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    optimizer.learningRate = epoch < 0.8 * epochs ? lr : lr / 10;
    const order = g.permutation(n);
    for (let b = 0; b + batchSize <= n; b += batchSize) {
      for (let k = 0; k < batchSize; k++) batch[k] = x[order[b + k]!]!;
      optimizer.zeroGrad();
      welschLoss(theta, batch).backward();
      optimizer.step();
    }
    path.push(theta.item());
  }
  const end = theta.item();
  return { batchSize, lr, seed, theta0, path, theta: end, loss: lossAt(end, x) };
}

/** The comparison on the page: full batch against batch 1, α = 1, 100 passes, seeds 0–9. */
export const MAIN = {
  lr: 1,
  epochs: 100,
  seeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  fullBatch: 100,
  sgdBatch: 1,
};

/** Whether θ is nearer the global minimum than the spurious one (settled runs end within 0.1 of one of them). */
export const inGlobalBasin = (theta: number, globalTheta: number, localTheta: number) =>
  Math.abs(theta - globalTheta) < Math.abs(theta - localTheta);

/** The figures the page shows and the test compares: the main comparison, seed by seed. */
export function mainComparison(): {
  minima: { theta: number; loss: number }[];
  full: DescentRun[];
  sgd: DescentRun[];
} {
  const x = clusterData();
  const options = (batchSize: number, seed: number) => ({
    batchSize,
    lr: MAIN.lr,
    epochs: MAIN.epochs,
    seed,
  });
  return {
    minima: minimaOf(x),
    full: MAIN.seeds.map((seed) => descend(x, options(MAIN.fullBatch, seed))),
    sgd: MAIN.seeds.map((seed) => descend(x, options(MAIN.sgdBatch, seed))),
  };
}
