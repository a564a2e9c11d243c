import { formatShape, NDArray, ShapeError, ValueError } from '@nabla/tensor';
import { checkLabels } from './labels.js';

/** A mini-batch: the inputs, their class labels, and which samples of the dataset they are. */
export interface Batch {
  /** float32, [batch, ...sampleShape]. */
  x: NDArray;
  /** The class label of each sample. */
  y: Int32Array;
  /** Which samples of the dataset these are. */
  indices: Int32Array;
}

/** Labelled samples addressed by index: what a DataLoader draws mini-batches from. */
export interface Dataset {
  /** The number of samples. */
  readonly length: number;
  /** The shape of one sample, e.g. [1, 28, 28]. */
  readonly sampleShape: readonly number[];
  /** The samples at `indices`, stacked along a new first axis, with their labels. */
  gather(indices: Int32Array): {
    /** The samples, stacked: [indices.length, ...sampleShape]. */
    x: NDArray;
    /** Their labels. */
    y: Int32Array;
  };
}

/** Options of {@link TensorDataset}. */
export interface TensorDatasetOptions {
  /** Labels must be below this (e.g. 10 for digits); by default any label >= 0 is accepted. */
  numClasses?: number;
  /** The name used in error messages (e.g. 'mnist train'). */
  name?: string;
}

/**
 * Samples held in memory: `images` is [N, ...sample] (converted to float32), `labels` has N
 * integers. Refuses an empty set, counts that differ, labels out of range and NaN or Infinity.
 */
export class TensorDataset implements Dataset {
  /** The samples, float32 [N, ...sample]. */
  readonly images: NDArray;
  /** The label of each sample. */
  readonly labels: Int32Array;
  /** The name used in error messages. */
  readonly name: string;
  /** One more than the largest label allowed (or seen). */
  readonly numClasses: number;

  constructor(images: NDArray, labels: Int32Array, options: TensorDatasetOptions = {}) {
    const name = options.name ?? 'TensorDataset';
    if (images.ndim < 1)
      throw new ShapeError(name, `images need a leading sample axis, got shape ${formatShape(images.shape)}`);
    if (images.shape[0] === 0 || labels.length === 0) throw new ValueError(name, 'the dataset is empty');
    if (images.shape[0] !== labels.length) {
      throw new ShapeError(name, `${images.shape[0]} images but ${labels.length} labels`);
    }
    const x = images.astype('float32').contiguous();
    const data = x.data;
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i]!)) {
        const per = x.size / x.shape[0]!;
        throw new ValueError(
          name,
          `sample ${Math.floor(i / per)} holds ${data[i]} (NaN and Infinity are refused)`,
        );
      }
    }
    this.numClasses = Math.max(checkLabels(labels, name, options.numClasses), options.numClasses ?? 0);
    this.images = x;
    this.labels = labels;
    this.name = name;
  }

  /** The number of samples. */
  get length(): number {
    return this.labels.length;
  }

  get sampleShape(): readonly number[] {
    return this.images.shape.slice(1);
  }

  gather(indices: Int32Array): {
    /** The samples, stacked: [indices.length, ...sampleShape]. */
    x: NDArray;
    /** Their labels. */
    y: Int32Array;
  } {
    const per = this.images.size / this.length;
    const src = this.images.data;
    const x = new Float32Array(indices.length * per);
    const y = new Int32Array(indices.length);
    for (let b = 0; b < indices.length; b++) {
      const i = indices[b]!;
      if (!Number.isInteger(i) || i < 0 || i >= this.length) {
        throw new ValueError(this.name, `index ${i} is out of range [0, ${this.length})`);
      }
      x.set(src.subarray(i * per, (i + 1) * per), b * per);
      y[b] = this.labels[i]!;
    }
    return { x: new NDArray(x, [indices.length, ...this.sampleShape]), y };
  }

  /** A new dataset holding copies of the samples at `indices` (in that order). */
  subset(indices: ArrayLike<number>, name = `${this.name} subset`): TensorDataset {
    const rows = new Int32Array(indices.length);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k]!;
      // Checked before the Int32Array conversion, which would truncate 1.5 or wrap 2^32 silently.
      if (!Number.isInteger(i) || i < 0 || i >= this.length) {
        throw new ValueError(name, `index ${i} is out of range [0, ${this.length})`);
      }
      rows[k] = i;
    }
    const { x, y } = this.gather(rows);
    return new TensorDataset(x, y, { name, numClasses: this.numClasses });
  }
}
