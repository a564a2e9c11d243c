import { formatShape, NDArray, ShapeError, sizeOf, ValueError } from '@nabla/tensor';

/**
 * The per-pixel mean image over the samples at `indices` (all samples by default): Matlab's
 * 'zerocenter' normalization, whose mean imageInputLayer computes from the training images only.
 * Summed in float64; returned as float32 of shape [1, ...sample] so it broadcasts over a batch.
 */
export function meanImage(images: NDArray, indices?: ArrayLike<number>): NDArray {
  const { per, rows } = samples('meanImage', images, indices);
  const x = images.astype('float32').contiguous().data;
  const sum = new Float64Array(per);
  for (const i of rows) {
    const base = i * per;
    for (let j = 0; j < per; j++) sum[j]! += x[base + j]!;
  }
  const out = new Float32Array(per);
  for (let j = 0; j < per; j++) {
    // A NaN or Infinity anywhere in the data ends up in the sum: refuse it here, once.
    if (!Number.isFinite(sum[j]!))
      throw new ValueError('meanImage', `feature ${j} of the data holds NaN or Infinity`);
    out[j] = sum[j]! / rows.length;
  }
  return new NDArray(out, [1, ...images.shape.slice(1)]);
}

/** x − mean for every sample (mean from meanImage): a new float32 array. */
export function zeroCenter(images: NDArray, mean: NDArray): NDArray {
  return perFeature('zeroCenter', images, mean, null);
}

/** Per-feature statistics fitted on the training set. */
export interface Standardization {
  /** The mean of each feature. */
  mean: NDArray;
  /** The standard deviation of each feature. */
  std: NDArray;
}

/**
 * Per-feature mean and standard deviation (population, divisor n) over the samples at `indices`:
 * fit on the training part only, then apply the same numbers to validation and test data.
 */
export function standardization(images: NDArray, indices?: ArrayLike<number>): Standardization {
  const { per, rows } = samples('standardization', images, indices);
  const mean = meanImage(images, rows);
  const x = images.astype('float32').contiguous().data;
  const m = mean.data;
  const sq = new Float64Array(per);
  for (const i of rows) {
    const base = i * per;
    for (let j = 0; j < per; j++) {
      const d = x[base + j]! - m[j]!;
      sq[j]! += d * d;
    }
  }
  const std = new Float32Array(per);
  for (let j = 0; j < per; j++) std[j] = Math.sqrt(sq[j]! / rows.length);
  return { mean, std: new NDArray(std, mean.shape) };
}

/**
 * Below this a standard deviation is taken for zero: ten float32 epsilons, as scikit-learn takes ten
 * float64 ones. Dividing by a std that is only rounding noise would blow noise up to unit size.
 */
export const CONSTANT_STD = 10 * 2 ** -23;

/**
 * (x − mean) / std per feature. A feature that is constant on the training part (std 0, such as
 * MNIST's border pixels, or below CONSTANT_STD) is only centred, never divided by zero.
 */
export function standardize(images: NDArray, stats: Standardization): NDArray {
  return perFeature('standardize', images, stats.mean, stats.std);
}

function perFeature(op: string, images: NDArray, mean: NDArray, std: NDArray | null): NDArray {
  const sample = images.shape.slice(1);
  const per = sizeOf(sample);
  for (const [name, a] of [
    ['mean', mean],
    ['std', std],
  ] as const) {
    if (a && a.size !== per) {
      throw new ShapeError(
        op,
        `${name} of shape ${formatShape(a.shape)} does not fit samples of shape ${formatShape(sample)}`,
      );
    }
  }
  const x = images.astype('float32').contiguous().data;
  const m = mean.contiguous().data;
  const s = std?.contiguous().data;
  const out = new Float32Array(x.length);
  for (let base = 0; base < x.length; base += per) {
    for (let j = 0; j < per; j++) {
      const d = x[base + j]! - m[j]!;
      out[base + j] = s && s[j]! > CONSTANT_STD ? d / s[j]! : d;
    }
  }
  return new NDArray(out, images.shape);
}

function samples(op: string, images: NDArray, indices?: ArrayLike<number>): { per: number; rows: number[] } {
  if (images.ndim < 1 || images.shape[0] === 0) {
    throw new ValueError(op, `needs at least one sample, got shape ${formatShape(images.shape)}`);
  }
  const n = images.shape[0]!;
  const rows = indices ? Array.from(indices) : Array.from({ length: n }, (_, i) => i);
  if (rows.length === 0) throw new ValueError(op, 'no samples selected');
  for (const i of rows) {
    if (!Number.isInteger(i) || i < 0 || i >= n)
      throw new ValueError(op, `index ${i} is out of range [0, ${n})`);
  }
  return { per: images.size / n, rows };
}
