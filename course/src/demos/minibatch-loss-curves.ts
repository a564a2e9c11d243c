import { crossEntropy, noGrad, Tensor } from '@nabla/autograd';
import { DataLoader, TensorDataset } from '@nabla/data';
import { Linear, ReLU, Sequential } from '@nabla/layers';
import { SGD } from '@nabla/optim';
import { NDArray, Random } from '@nabla/tensor';

/**
 * Three overlapping Gaussian blobs in 2-D (the data of the course's Example 3): `n` points, class
 * i mod 3 around its centre, spread `spread`. Fixed by `seed`, so every run trains on the same data.
 */
export function threeBlobs(n: number, seed: number, spread = 0.7): TensorDataset {
  const g = new Random(seed);
  const centres = [
    [1.5, 0],
    [-1.5, 1],
    [0, -1.5],
  ];
  const x = new Float32Array(2 * n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    x[2 * i] = centres[i % 3]![0]! + spread * g.normal();
    x[2 * i + 1] = centres[i % 3]![1]! + spread * g.normal();
  }
  return new TensorDataset(new NDArray(x, [n, 2]), y, { name: 'three blobs' });
}

/** Options of {@link lossCurves}. */
export interface LossCurvesOptions {
  /** Training examples. */
  n: number;
  /** Passes over the data, the same for every batch size. */
  epochs: number;
  /** Batch sizes; `n` (or more) means full-batch gradient descent. */
  batchSizes: number[];
  /** Seeds of the initial weights and of the shuffles; the data is the same for all. */
  seeds: number[];
  /** Learning rate α, the same for every batch size. */
  lr: number;
  /** Full-batch descent also runs this many times longer, to show the loss it settles at. */
  fullBatchLonger: number;
  /** The full training loss J(θ) is recorded every this many examples seen. */
  every: number;
  /** Hidden units of the 2-h-3 MLP. */
  hidden?: number;
}

/** One run: J(θ) over the whole training set, recorded every `every` examples seen. */
export interface LossCurve {
  batchSize: number;
  seed: number;
  /** [examples seen, full training loss J(θ)]. */
  points: [number, number][];
}

/** The last stretch of a curve: the loss it reached and how much it still jumps. */
export interface CurveSummary {
  batchSize: number;
  seed: number;
  /** Mean of J(θ) over the last quarter of the run. */
  finalLoss: number;
  /**
   * Standard deviation of J(θ) around the least-squares line through the last quarter's records:
   * how much the descent jumps, with the trend (a loss still falling) taken out.
   */
  noise: number;
}

/** J(θ) = mean cross-entropy over the whole set, without recording a graph. */
function fullLoss(net: Sequential, data: TensorDataset): number {
  return noGrad(() => crossEntropy(net.forward(new Tensor(data.images)), data.labels).item());
}

/**
 * Mini-batch SGD, θ ← θ − α ∇J_batch(θ) (plain, no momentum, so only the batch size differs), on
 * the same data from the same initial weights for each seed, at every batch size. Every run sees
 * the same number of examples (`epochs` passes over the data): the same amount of gradient
 * arithmetic, so the curves compare what each batch size buys with the same work. Smaller batches
 * make more (noisier) updates per pass. Full-batch descent makes one update per pass; it also runs
 * `fullBatchLonger` times as many passes, to show the loss level it settles at.
 */
export function lossCurves(options: LossCurvesOptions): { curves: LossCurve[]; fullBatchLong: LossCurve[] } {
  const data = threeBlobs(options.n, 0);
  const hidden = options.hidden ?? 32;
  const curves: LossCurve[] = [];
  const fullBatchLong: LossCurve[] = [];
  const train = (batchSize: number, seed: number, epochs: number, every: number): LossCurve => {
    const g = new Random(seed);
    const net = new Sequential(
      new Linear(2, hidden, { generator: g }),
      new ReLU(),
      new Linear(hidden, 3, { generator: g }),
    );
    const optimizer = new SGD(net.parameters(), { lr: options.lr });
    const b = Math.min(batchSize, data.length);
    const loader = new DataLoader(data, {
      batchSize: b,
      shuffle: true,
      dropLast: true,
      generator: new Random(1000 + seed),
    });
    const points: [number, number][] = [[0, fullLoss(net, data)]];
    let seen = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (const batch of loader) {
        optimizer.zeroGrad();
        crossEntropy(net.forward(new Tensor(batch.x)), batch.y).backward();
        optimizer.step();
        seen += b;
        if (seen % every === 0) points.push([seen, fullLoss(net, data)]);
      }
    }
    return { batchSize: b, seed, points };
  };
  for (const seed of options.seeds) {
    for (const batchSize of options.batchSizes)
      curves.push(train(batchSize, seed, options.epochs, options.every));
    const everyPass = options.n * Math.max(1, Math.round(options.fullBatchLonger / 10));
    fullBatchLong.push(train(options.n, seed, options.epochs * options.fullBatchLonger, everyPass));
  }
  return { curves, fullBatchLong };
}

/** The final loss and the noise of a curve over its last quarter. */
export function summarize(curve: LossCurve): CurveSummary {
  const tail = curve.points.slice(Math.floor((3 * curve.points.length) / 4));
  const m = tail.length;
  const mean = (f: (p: [number, number]) => number) => tail.reduce((a, p) => a + f(p), 0) / m;
  const mx = mean((p) => p[0]);
  const my = mean((p) => p[1]);
  // The least-squares line through the tail: what is left around it is the noise, not the trend.
  const sxx = mean((p) => (p[0] - mx) ** 2);
  const slope = sxx > 0 ? mean((p) => (p[0] - mx) * (p[1] - my)) / sxx : 0;
  const residual = mean((p) => (p[1] - my - slope * (p[0] - mx)) ** 2);
  return { batchSize: curve.batchSize, seed: curve.seed, finalLoss: my, noise: Math.sqrt(residual) };
}
