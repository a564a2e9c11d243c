import { defaultGenerator, type Random, ValueError } from '@nabla/tensor';
import type { Batch, Dataset } from './dataset.js';

export interface DataLoaderOptions {
  /** Samples per mini-batch (Matlab's MiniBatchSize); 128 by default, as Matlab's. */
  batchSize?: number;
  /** Draw a fresh permutation at the start of every epoch (false by default, as PyTorch's). */
  shuffle?: boolean;
  /** Skip the last, smaller batch of an epoch (false by default). */
  dropLast?: boolean;
  /** The generator of the permutations; the default generator if not given. */
  generator?: Random;
}

/**
 * Where a DataLoader stands, as plain JSON for a checkpoint. `epochStart` is the generator's state
 * just before the current epoch's permutation was drawn (null before an epoch has begun), so the
 * permutation can be drawn again on restore; `generator` is its state now.
 */
export interface DataLoaderState {
  /** Epochs started so far. */
  epoch: number;
  /** Batches already drawn from the current epoch. */
  batch: number;
  /**
   * The generator's state when the current epoch's order was drawn (null before the first shuffled epoch).
   */
  epochStart: number[] | null;
  /** The generator's state now. */
  generator: number[];
  /** The dataset's size, checked on restore. */
  length: number;
  /** The batch size, checked on restore. */
  batchSize: number;
  /** Whether the loader shuffles, checked on restore. */
  shuffle: boolean;
  /** Whether the loader drops the last partial batch, checked on restore. */
  dropLast: boolean;
}

/**
 * Mini-batches over a dataset. Each `for (const batch of loader)` runs through the rest of the
 * current epoch: with `shuffle`, a permutation drawn from the generator when the epoch begins,
 * else the samples in order. `state()` / `setState()` save and restore the position between any
 * two batches, so a resumed run sees exactly the batches the uninterrupted one would have.
 */
export class DataLoader implements Iterable<Batch> {
  /** The samples drawn from. */
  readonly dataset: Dataset;
  /** Samples per mini-batch. */
  readonly batchSize: number;
  /** Whether each epoch draws a fresh permutation. */
  readonly shuffle: boolean;
  /** Whether the last, smaller batch of an epoch is skipped. */
  readonly dropLast: boolean;
  /** The generator of the permutations. */
  readonly generator: Random;
  private epochCount = 0;
  private nextBatch = 0;
  private order: Int32Array | null = null;
  private epochStart: number[] | null = null;

  constructor(dataset: Dataset, options: DataLoaderOptions = {}) {
    const batchSize = options.batchSize ?? 128;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new ValueError('DataLoader', `batchSize must be an integer >= 1, got ${batchSize}`);
    }
    if (dataset.length < 1) throw new ValueError('DataLoader', 'the dataset is empty');
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    this.generator = options.generator ?? defaultGenerator;
    if (this.numBatches === 0) {
      throw new ValueError(
        'DataLoader',
        `dropLast with batchSize ${batchSize} > ${dataset.length} samples leaves no batch at all`,
      );
    }
  }

  /** Batches per epoch: ⌈N / batchSize⌉, or ⌊N / batchSize⌋ with dropLast. */
  get numBatches(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** Epochs completed so far. */
  get epoch(): number {
    return this.epochCount;
  }

  /** The batch the next iteration step yields (0 at the start of an epoch). */
  get batch(): number {
    return this.nextBatch;
  }

  /** The batches of the next epoch (or the rest of the current one after a restore). */
  *[Symbol.iterator](): Iterator<Batch> {
    const epoch = this.epochCount;
    while (this.epochCount === epoch) yield this.take();
  }

  private take(): Batch {
    if (this.order === null) this.beginEpoch();
    const start = this.nextBatch * this.batchSize;
    const indices = this.order!.slice(start, Math.min(start + this.batchSize, this.dataset.length));
    const { x, y } = this.dataset.gather(indices);
    // Advance before handing the batch out: a checkpoint taken after training on it resumes after it.
    this.nextBatch++;
    if (this.nextBatch === this.numBatches) {
      this.epochCount++;
      this.nextBatch = 0;
      this.order = null;
      this.epochStart = null;
    }
    return { x, y, indices };
  }

  // #region shuffle
  private beginEpoch(): void {
    const n = this.dataset.length;
    if (this.shuffle) {
      this.epochStart = captureState(this.generator);
      this.order = this.generator.permutation(n);
    } else {
      this.order = new Int32Array(n);
      for (let i = 0; i < n; i++) this.order[i] = i;
    }
  }
  // #endregion shuffle

  /** Where the loader is, for a checkpoint: restoring it continues with the same batches. */
  state(): DataLoaderState {
    return {
      epoch: this.epochCount,
      batch: this.nextBatch,
      epochStart: this.epochStart,
      generator: captureState(this.generator),
      length: this.dataset.length,
      batchSize: this.batchSize,
      shuffle: this.shuffle,
      dropLast: this.dropLast,
    };
  }

  /** Continues from a saved state; refuses one saved by a loader with another dataset size or settings. */
  setState(state: DataLoaderState): void {
    const mine = this.state();
    for (const key of ['length', 'batchSize', 'shuffle', 'dropLast'] as const) {
      if (state[key] !== mine[key]) {
        throw new ValueError(
          'DataLoader.setState',
          `the state was saved with ${key} ${state[key]}, this loader has ${mine[key]}`,
        );
      }
    }
    if (!Number.isInteger(state.epoch) || state.epoch < 0) {
      throw new ValueError('DataLoader.setState', `epoch must be an integer >= 0, got ${state.epoch}`);
    }
    if (!Number.isInteger(state.batch) || state.batch < 0 || state.batch >= this.numBatches) {
      throw new ValueError(
        'DataLoader.setState',
        `batch must be an integer in [0, ${this.numBatches}), got ${state.batch}`,
      );
    }
    if (state.batch > 0 && this.shuffle && state.epochStart === null) {
      throw new ValueError(
        'DataLoader.setState',
        'a state in the middle of a shuffled epoch needs epochStart',
      );
    }
    this.epochCount = state.epoch;
    this.nextBatch = state.batch;
    this.order = null;
    this.epochStart = null;
    if (state.epochStart !== null && this.shuffle) {
      // Draw the epoch's permutation again from where it was drawn, then continue the stream as saved.
      restoreState(this.generator, state.epochStart);
      this.beginEpoch();
    } else if (state.batch > 0) {
      this.beginEpoch();
    }
    restoreState(this.generator, state.generator);
  }
}

/** The generator's state for a checkpoint: `Random.getState()` is plain JSON (four words, and a cached normal when there is one). */
function captureState(g: Random): number[] {
  return g.getState();
}

/** Restores a captured state; a null fifth entry (an older checkpoint's "no cached normal") is dropped. */
function restoreState(g: Random, state: readonly (number | null)[]): void {
  const values = Array.isArray(state) && state.length === 5 && state[4] === null ? state.slice(0, 4) : state;
  if (
    !Array.isArray(values) ||
    (values.length !== 4 && values.length !== 5) ||
    values.some((v) => typeof v !== 'number')
  ) {
    throw new ValueError(
      'DataLoader.setState',
      `a generator state has 4 or 5 numbers, got ${JSON.stringify(state)}`,
    );
  }
  g.setState(values as number[]);
}
