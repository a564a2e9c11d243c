import { allocate, type DType, type TypedArray } from './dtype.js';
import { formatShape, ShapeError, ValueError } from './errors.js';
import { type NestedArray, NDArray } from './ndarray.js';
import { defaultGenerator, type Random } from './random.js';
import { checkShape, sizeOf } from './shape.js';

/** An array from nested JavaScript arrays: `tensor([[1, 2], [3, 4]])` (float32 unless told). */
export function tensor(values: NestedArray, dtype: DType = 'float32'): NDArray {
  const shape: number[] = [];
  let probe: NestedArray = values;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0]!;
  }
  const out = allocate(dtype, sizeOf(shape));
  let pos = 0;
  const fill = (v: NestedArray, axis: number, path: string): void => {
    if (axis === shape.length) {
      if (typeof v !== 'number')
        throw new ShapeError('tensor', `ragged nested array: expected a number at ${path || 'the top'}`);
      out[pos++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[axis]) {
      throw new ShapeError(
        'tensor',
        `ragged nested array: expected ${shape[axis]} entries at ${path || 'the top'}, got ${Array.isArray(v) ? v.length : 'a number'}`,
      );
    }
    for (let i = 0; i < v.length; i++) fill(v[i]!, axis + 1, `${path}[${i}]`);
  };
  fill(values, 0, '');
  return new NDArray(out, shape);
}

/** Wraps a typed array without copying. Its length must equal the product of the shape. */
export function fromTypedArray(data: TypedArray, shape: readonly number[] = [data.length]): NDArray {
  const s = checkShape('fromTypedArray', shape);
  if (sizeOf(s) !== data.length) {
    throw new ShapeError(
      'fromTypedArray',
      `data has ${data.length} elements but shape ${formatShape(s)} needs ${sizeOf(s)}`,
    );
  }
  return new NDArray(data, s);
}

/** An array of `shape` filled with `value`. */
export function full(shape: readonly number[], value: number, dtype: DType = 'float32'): NDArray {
  const s = checkShape('full', shape);
  const data = allocate(dtype, sizeOf(s));
  if (value !== 0) data.fill(value);
  return new NDArray(data, s);
}

/** An array of `shape` filled with 0. */
export function zeros(shape: readonly number[], dtype: DType = 'float32'): NDArray {
  return full(shape, 0, dtype);
}

/** An array of `shape` filled with 1. */
export function ones(shape: readonly number[], dtype: DType = 'float32'): NDArray {
  return full(shape, 1, dtype);
}

/** Zeros of the same shape and dtype as `a`. */
export function zerosLike(a: NDArray): NDArray {
  return zeros(a.shape, a.dtype);
}

/** A rank-0 array holding one value. */
export function scalar(value: number, dtype: DType = 'float32'): NDArray {
  return full([], value, dtype);
}

/** start, start+step, … up to (not including) stop. */
export function arange(start: number, stop?: number, step = 1, dtype: DType = 'float32'): NDArray {
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  if (!Number.isFinite(start) || !Number.isFinite(stop) || !Number.isFinite(step) || step === 0) {
    throw new ValueError(
      'arange',
      `needs finite start, stop and a non-zero step, got ${start}, ${stop}, ${step}`,
    );
  }
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const data = allocate(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return new NDArray(data, [n]);
}

/** The n×m identity (ones on the diagonal). */
export function eye(n: number, m = n, dtype: DType = 'float32'): NDArray {
  const out = zeros([n, m], dtype);
  for (let i = 0; i < Math.min(n, m); i++) out.data[i * m + i] = 1;
  return out;
}

/** Options of the random constructors. */
export interface RandomOptions {
  /** float32 (default) or float64. */
  dtype?: 'float32' | 'float64';
  /** The generator to draw from (default: the shared, seedable `defaultGenerator`). */
  generator?: Random;
}

/** Uniform on [low, high) from the seeded generator. */
export function randomUniform(
  shape: readonly number[],
  low = 0,
  high = 1,
  options: RandomOptions = {},
): NDArray {
  const out = zeros(shape, options.dtype ?? 'float32');
  const g = options.generator ?? defaultGenerator;
  for (let i = 0; i < out.data.length; i++) out.data[i] = g.uniformRange(low, high);
  return out;
}

/** Normal(mean, std²) from the seeded generator. */
export function randomNormal(
  shape: readonly number[],
  mean = 0,
  std = 1,
  options: RandomOptions = {},
): NDArray {
  const out = zeros(shape, options.dtype ?? 'float32');
  const g = options.generator ?? defaultGenerator;
  for (let i = 0; i < out.data.length; i++) out.data[i] = g.normal(mean, std);
  return out;
}

/** 1 with probability p, else 0, from the seeded generator (the dropout mask). */
export function randomBernoulli(shape: readonly number[], p: number, options: RandomOptions = {}): NDArray {
  const out = zeros(shape, options.dtype ?? 'float32');
  const g = options.generator ?? defaultGenerator;
  for (let i = 0; i < out.data.length; i++) out.data[i] = g.bernoulli(p);
  return out;
}
