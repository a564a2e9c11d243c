import { backendFor, type ChannelGeometry, type FloatArray, kernelOf } from './backend.js';
import { allocate, floatType } from './dtype.js';
import { formatShape, ShapeError } from './errors.js';
import { NDArray } from './ndarray.js';

/**
 * The passes of batch normalization (course (batch normalization)) over x [N, C] or [N, C, H, W], per
 * channel: the statistics, the normalization, and the two parts of its gradient. Each runs on the selected
 * backend's kernel, or on its reference definition (reference/batch-norm-*.ts) when the backend has
 * none. Per-channel quantities are Float64Arrays of length C; autograd's batchNorm composes these.
 */
export function channelGeometry(op: string, shape: readonly number[]): ChannelGeometry {
  if (shape.length !== 2 && shape.length !== 4)
    throw new ShapeError(op, `input must be [N, C] or [N, C, H, W], got ${formatShape(shape)}`);
  const plane = shape.length === 4 ? shape[2]! * shape[3]! : 1;
  return { batch: shape[0]!, channels: shape[1]!, plane };
}

function floats(x: NDArray): FloatArray {
  return x.astype(floatType(x.dtype)).values() as FloatArray;
}

function perChannel(op: string, name: string, a: Float64Array, channels: number): void {
  if (a.length !== channels)
    throw new ShapeError(op, `${name} must have one entry per channel (${channels}), got ${a.length}`);
}

/** μ_c = (1/m) Σ x and σ²_c = (1/m) Σ (x − μ_c)² over the m = N·H·W values of each channel. */
export function batchNormStatistics(x: NDArray): {
  /** μ_c per channel, length C. */
  mean: Float64Array;
  /** σ²_c per channel (biased: divided by m, not m − 1), length C. */
  variance: Float64Array;
} {
  const g = channelGeometry('batchNormStatistics', x.shape);
  const data = floats(x);
  const mean = new Float64Array(g.channels);
  const variance = new Float64Array(g.channels);
  kernelOf(backendFor(data), 'batchNormStatistics')(data, g, mean, variance);
  return { mean, variance };
}

/** y = (x − mean_c)·scale_c + shift_c, in x's float type. */
export function batchNormForward(
  x: NDArray,
  mean: Float64Array,
  scale: Float64Array,
  shift: Float64Array,
): NDArray {
  const op = 'batchNormForward';
  const g = channelGeometry(op, x.shape);
  perChannel(op, 'mean', mean, g.channels);
  perChannel(op, 'scale', scale, g.channels);
  perChannel(op, 'shift', shift, g.channels);
  const data = floats(x);
  const out = allocate(floatType(x.dtype), data.length) as FloatArray;
  kernelOf(backendFor(out), 'batchNormForward')(data, out, g, mean, scale, shift);
  return new NDArray(out, x.shape);
}

/** Σ dy and Σ dy·(x − mean_c) per channel. dy and x have the same shape. */
export function batchNormBackwardSums(
  dy: NDArray,
  x: NDArray,
  mean: Float64Array,
): {
  /** Σ dy over each channel's m = N·H·W values, length C (also the shift's gradient). */
  sumDy: Float64Array;
  /** Σ dy·(x − μ_c) over each channel's values, length C. */
  sumDyXc: Float64Array;
} {
  const op = 'batchNormBackwardSums';
  const g = channelGeometry(op, x.shape);
  sameShapes(op, dy, x);
  perChannel(op, 'mean', mean, g.channels);
  const type = floatType(x.dtype);
  const d = dy.astype(type).values() as FloatArray;
  const data = x.astype(type).values() as FloatArray;
  const sumDy = new Float64Array(g.channels);
  const sumDyXc = new Float64Array(g.channels);
  kernelOf(backendFor(data), 'batchNormBackwardSums')(d, data, g, mean, sumDy, sumDyXc);
  return { sumDy, sumDyXc };
}

/** dx = dy·dyScale_c − (x − mean_c)·xScale_c − shift_c, in x's float type. */
export function batchNormBackwardInput(
  dy: NDArray,
  x: NDArray,
  mean: Float64Array,
  dyScale: Float64Array,
  xScale: Float64Array,
  shift: Float64Array,
): NDArray {
  const op = 'batchNormBackwardInput';
  const g = channelGeometry(op, x.shape);
  sameShapes(op, dy, x);
  for (const [name, a] of [
    ['mean', mean],
    ['dyScale', dyScale],
    ['xScale', xScale],
    ['shift', shift],
  ] as const)
    perChannel(op, name, a, g.channels);
  const type = floatType(x.dtype);
  const d = dy.astype(type).values() as FloatArray;
  const data = x.astype(type).values() as FloatArray;
  const dx = allocate(type, data.length) as FloatArray;
  kernelOf(backendFor(dx), 'batchNormBackwardInput')(d, data, dx, g, mean, dyScale, xScale, shift);
  return new NDArray(dx, x.shape);
}

function sameShapes(op: string, dy: NDArray, x: NDArray): void {
  if (dy.ndim !== x.ndim || dy.shape.some((d, i) => d !== x.shape[i]))
    throw new ShapeError(op, `dy ${formatShape(dy.shape)} must match x ${formatShape(x.shape)}`);
}
