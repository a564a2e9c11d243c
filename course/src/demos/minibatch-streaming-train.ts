import { crossEntropy, Tensor } from '@nabla/autograd';
import { DataLoader, type Dataset, TensorDataset } from '@nabla/data';
import { IdxDatastore, readIdxFile } from '@nabla/data/node';
import { Flatten, Linear, ReLU, Sequential } from '@nabla/layers';
import { SGD } from '@nabla/optim';
import { NDArray, Random } from '@nabla/tensor';

/** How the training examples reach the network. */
export type FeedMode = 'stream' | 'whole';

/** What one training run from the files did, and the memory it held. */
export interface FeedRun {
  mode: FeedMode;
  /** Examples in the files. */
  examples: number;
  /** Mini-batch losses, one per SGD step. */
  losses: number[];
  /** Bytes held above the baseline, after each step: [heapUsed, arrayBuffers, rss]. */
  samples: [number, number, number][];
  /** The largest growth over the run, per measure (bytes). */
  peak: { heapUsed: number; arrayBuffers: number; rss: number };
}

/** Settings of one run (the same for every mode and size, so the runs compare). */
export interface FeedSettings {
  imagesPath: string;
  labelsPath: string;
  mode: FeedMode;
  batchSize: number;
  hidden: number;
  lr: number;
  seed: number;
}

/** A full garbage collection, when node runs with --expose-gc (the measuring child does). */
function collect(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/**
 * One epoch of mini-batch SGD with momentum (PyTorch's loop) on the digits in two IDX files, a
 * 784-`hidden`-10 MLP, shuffled mini-batches drawn by a seeded DataLoader, fed either way:
 * - 'stream': an IdxDatastore reads each mini-batch's examples from the open files;
 * - 'whole': readIdxFile loads both files into memory first (what a dataset that fits allows).
 * After every step it collects garbage and records the live memory above the baseline taken just
 * before the data was opened: what the run needs to hold, not what the collector has not freed yet.
 * Both modes draw the same batches for the same seed, so their losses are the same numbers.
 */
export function trainFromFiles(settings: FeedSettings): FeedRun {
  const { imagesPath, labelsPath, mode, batchSize, hidden, lr, seed } = settings;
  const g = new Random(seed);
  const net = new Sequential(
    new Flatten(),
    new Linear(28 * 28, hidden, { generator: g }),
    new ReLU(),
    new Linear(hidden, 10, { generator: g }),
  );
  const optimizer = new SGD(net.parameters(), { lr, momentum: 0.9 });
  const memory = (): [number, number, number] => {
    const m = process.memoryUsage();
    return [m.heapUsed, m.arrayBuffers, m.rss];
  };
  collect();
  const baseline = memory();

  // #region stream-training
  let dataset: Dataset & { close?: () => void };
  if (mode === 'stream') {
    dataset = new IdxDatastore(imagesPath, labelsPath, {
      readSize: batchSize,
      scale: 1 / 255,
      numClasses: 10,
    });
  } else {
    const images = readIdxFile(imagesPath);
    const labels = readIdxFile(labelsPath);
    const x = new Float32Array(images.data.length);
    // The same arithmetic as the datastore's conversion, so both modes see the same float32 inputs.
    for (let i = 0; i < x.length; i++) x[i] = images.data[i]! * (1 / 255);
    dataset = new TensorDataset(new NDArray(x, images.shape), Int32Array.from(labels.data), {
      numClasses: 10,
    });
  }
  const loader = new DataLoader(dataset, {
    batchSize,
    shuffle: true,
    dropLast: true,
    generator: new Random(seed + 1),
  });
  const losses: number[] = [];
  const samples: [number, number, number][] = [];
  for (const batch of loader) {
    optimizer.zeroGrad();
    const loss = crossEntropy(net.forward(new Tensor(batch.x)), batch.y);
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
    collect();
    const now = memory();
    samples.push([now[0] - baseline[0], now[1] - baseline[1], now[2] - baseline[2]]);
  }
  dataset.close?.();
  // #endregion stream-training
  const peakOf = (k: number) => Math.max(...samples.map((s) => s[k]!));
  return {
    mode,
    examples: dataset.length,
    losses,
    samples,
    peak: { heapUsed: peakOf(0), arrayBuffers: peakOf(1), rss: peakOf(2) },
  };
}
