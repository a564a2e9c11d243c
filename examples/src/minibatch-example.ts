import { crossEntropy, noGrad, Tensor } from '@nabla/autograd';
import { Linear, ReLU, Sequential } from '@nabla/layers';
import { GradientDescent, SGD } from '@nabla/optim';
import { type NDArray, Random } from '@nabla/tensor';
import { blobs } from './datasets.js';
import { takeLabels, takeRows } from './rows.js';

export interface ConvergenceRun {
  method: string;
  /** Parameter updates made until the full training loss first fell below the target. */
  updates: number;
  /** Passes over the data (epochs) until then. */
  epochs: number;
  seconds: number;
  finalLoss: number;
  reached: boolean;
}

function model(seed: number): Sequential {
  const g = new Random(seed);
  return new Sequential(new Linear(2, 32, { generator: g }), new ReLU(), new Linear(32, 3, { generator: g }));
}

function fullLoss(net: Sequential, x: NDArray, y: Int32Array): number {
  return noGrad(() => crossEntropy(net.forward(new Tensor(x)), y).item());
}

/**
 * Example 3 — the same MLP and the same data, trained two ways until the loss over the whole
 * training set drops below `target`:
 *  - full-batch gradient descent: one update per pass, w ← w − α ∇J(w) with J over all N examples;
 *  - mini-batch SGD: shuffled batches of `batchSize`, one update per batch, ∇J estimated on the batch.
 */
export function compareMinibatchToFullBatch(
  options: { n?: number; target?: number; batchSize?: number; seed?: number; maxEpochs?: number } = {},
): ConvergenceRun[] {
  const n = options.n ?? 3_000;
  const target = options.target ?? 0.15;
  const batchSize = options.batchSize ?? 64;
  const seed = options.seed ?? 0;
  const maxEpochs = options.maxEpochs ?? 2_000;
  const { x, y } = blobs(n, seed, 0.7);
  const clock = () => performance.now();

  // Full batch.
  const full = model(seed);
  const gd = new GradientDescent(full.parameters(), { lr: 0.5 });
  let started = clock();
  let epochs = 0;
  let loss = fullLoss(full, x, y);
  const input = new Tensor(x);
  while (loss >= target && epochs < maxEpochs) {
    gd.zeroGrad();
    crossEntropy(full.forward(input), y).backward();
    gd.step();
    epochs++;
    loss = fullLoss(full, x, y);
  }
  const fullRun: ConvergenceRun = {
    method: 'full-batch gradient descent',
    updates: epochs,
    epochs,
    seconds: (clock() - started) / 1000,
    finalLoss: loss,
    reached: loss < target,
  };

  // Mini-batch SGD, checking the full loss after every epoch.
  const mini = model(seed);
  const sgd = new SGD(mini.parameters(), { lr: 0.05 });
  const g = new Random(seed + 1);
  started = clock();
  epochs = 0;
  let updates = 0;
  loss = fullLoss(mini, x, y);
  while (loss >= target && epochs < maxEpochs) {
    const order = g.permutation(n);
    for (let b = 0; b + batchSize <= n; b += batchSize) {
      const rows = order.subarray(b, b + batchSize);
      sgd.zeroGrad();
      crossEntropy(mini.forward(new Tensor(takeRows(x, rows))), takeLabels(y, rows)).backward();
      sgd.step();
      updates++;
    }
    epochs++;
    loss = fullLoss(mini, x, y);
  }
  const miniRun: ConvergenceRun = {
    method: `mini-batch SGD (batch ${batchSize})`,
    updates,
    epochs,
    seconds: (clock() - started) / 1000,
    finalLoss: loss,
    reached: loss < target,
  };
  return [fullRun, miniRun];
}
