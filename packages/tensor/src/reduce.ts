import { backendFor, type FloatArray, kernelOf } from './backend.js';
import { allocate, floatType } from './dtype.js';
import { ShapeError, ValueError } from './errors.js';
import { NDArray } from './ndarray.js';
import { normalizeAxes, normalizeAxis } from './shape.js';

export type Axis = number | readonly number[];

/**
 * Moves the reduced axes to the end and lays the data out row-major, so every output element owns
 * one contiguous row of `rowLength` inputs. Returns the rows, their length and the output shape.
 */
function rowsToReduce(op: string, a: NDArray, axis: Axis | undefined, keepdims: boolean) {
  const axes = normalizeAxes(op, axis, a.ndim);
  const kept = a.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const rows = a.permute([...kept, ...axes]).contiguous();
  const rowLength = axes.reduce((n, ax) => n * a.shape[ax]!, 1);
  const outShape = keepdims
    ? a.shape.map((d, i) => (axes.includes(i) ? 1 : d))
    : kept.map((i) => a.shape[i]!);
  return { data: rows.data, rowLength, outShape, count: rowLength === 0 ? 0 : rows.size / rowLength };
}

/**
 * The sum over every axis but one consecutive run of them, on contiguous data, seen as
 * [outer, kept, inner]: a per-channel sum (sumChannels), such as the bias gradient of a convolution
 * (axes 0, 2, 3 of NCHW) or of a linear layer (axis 0). It runs on the backend's kernel, without
 * first moving the reduced axes last. Null when the layout is not of that form.
 */
function sumAroundKeptRun(a: NDArray, axis: Axis | undefined, keepdims: boolean): NDArray | null {
  if (axis === undefined || a.dtype === 'int32' || !a.isContiguous() || a.size === 0) return null;
  const axes = normalizeAxes('sum', axis, a.ndim);
  const kept = a.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  if (kept.length === 0 || kept[kept.length - 1]! - kept[0]! !== kept.length - 1) return null;
  const g = { batch: 1, channels: 1, plane: 1 };
  a.shape.forEach((d, i) => {
    if (i < kept[0]!) g.batch *= d;
    else if (i <= kept[kept.length - 1]!) g.channels *= d;
    else g.plane *= d;
  });
  const data = a.values() as FloatArray;
  const sums = new Float64Array(g.channels);
  kernelOf(backendFor(data), 'sumChannels')(data, g, sums);
  const out = allocate(a.dtype, g.channels);
  out.set(sums);
  const outShape = keepdims
    ? a.shape.map((d, i) => (axes.includes(i) ? 1 : d))
    : kept.map((i) => a.shape[i]!);
  return new NDArray(out, outShape);
}

function reduceRows(
  op: string,
  a: NDArray,
  axis: Axis | undefined,
  keepdims: boolean,
  perRow: (data: ArrayLike<number>, start: number, length: number) => number,
  dtype = a.dtype,
): NDArray {
  const { data, rowLength, outShape } = rowsToReduce(op, a, axis, keepdims);
  let n = 1;
  for (const d of outShape) n *= d;
  const out = allocate(dtype, n);
  for (let r = 0; r < n; r++) out[r] = perRow(data, r * rowLength, rowLength);
  return new NDArray(out, outShape);
}

export function sum(a: NDArray, axis?: Axis, keepdims = false): NDArray {
  const perChannel = sumAroundKeptRun(a, axis, keepdims);
  if (perChannel) return perChannel;
  return reduceRows('sum', a, axis, keepdims, (d, s, n) => {
    let acc = 0;
    for (let i = 0; i < n; i++) acc += d[s + i]!;
    return acc;
  });
}

export function mean(a: NDArray, axis?: Axis, keepdims = false): NDArray {
  return reduceRows(
    'mean',
    a,
    axis,
    keepdims,
    (d, s, n) => {
      if (n === 0)
        throw new ShapeError('mean', `cannot average over an empty axis of shape [${a.shape.join(',')}]`);
      let acc = 0;
      for (let i = 0; i < n; i++) acc += d[s + i]!;
      return acc / n;
    },
    floatType(a.dtype),
  );
}

/**
 * Variance with `correction` subtracted from the count: 0 gives the population variance that
 * batch normalization uses, 1 the unbiased estimate. Two passes (mean, then squared deviations)
 * keep it accurate when the mean is large.
 */
export function variance(a: NDArray, axis?: Axis, keepdims = false, correction = 0): NDArray {
  return reduceRows(
    'variance',
    a,
    axis,
    keepdims,
    (d, s, n) => {
      if (n - correction <= 0)
        throw new ValueError('variance', `needs more than ${correction} elements, got ${n}`);
      let m = 0;
      for (let i = 0; i < n; i++) m += d[s + i]!;
      m /= n;
      let acc = 0;
      for (let i = 0; i < n; i++) {
        const t = d[s + i]! - m;
        acc += t * t;
      }
      return acc / (n - correction);
    },
    floatType(a.dtype),
  );
}

function extremum(op: string, better: (x: number, y: number) => boolean) {
  return (a: NDArray, axis?: Axis, keepdims = false): NDArray =>
    reduceRows(op, a, axis, keepdims, (d, s, n) => {
      if (n === 0) throw new ShapeError(op, `cannot reduce an empty axis of shape [${a.shape.join(',')}]`);
      let best = d[s]!;
      for (let i = 1; i < n; i++) {
        const v = d[s + i]!;
        if (better(v, best) || Number.isNaN(v)) best = v;
        if (Number.isNaN(best)) break;
      }
      return best;
    });
}

export const max = extremum('max', (x, y) => x > y);
export const min = extremum('min', (x, y) => x < y);

function argExtremum(op: string, better: (x: number, y: number) => boolean) {
  return (a: NDArray, axis = -1, keepdims = false): NDArray => {
    const ax = normalizeAxis(op, axis, a.ndim);
    return reduceRows(
      op,
      a,
      ax,
      keepdims,
      (d, s, n) => {
        if (n === 0) throw new ShapeError(op, `cannot reduce an empty axis of shape [${a.shape.join(',')}]`);
        let best = 0;
        for (let i = 1; i < n; i++) if (better(d[s + i]!, d[s + best]!)) best = i;
        return best;
      },
      'int32',
    );
  };
}

/** Index of the largest value along an axis (the first one on ties): the predicted class. */
export const argmax = argExtremum('argmax', (x, y) => x > y);
export const argmin = argExtremum('argmin', (x, y) => x < y);

/** log Σ exp(x) along an axis, shifted by the maximum so it never overflows. */
export function logSumExp(a: NDArray, axis: Axis = -1, keepdims = false): NDArray {
  return reduceRows(
    'logSumExp',
    a,
    axis,
    keepdims,
    (d, s, n) => {
      let m = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < n; i++) if (d[s + i]! > m) m = d[s + i]!;
      if (m === Number.NEGATIVE_INFINITY) return m;
      let acc = 0;
      for (let i = 0; i < n; i++) acc += Math.exp(d[s + i]! - m);
      return m + Math.log(acc);
    },
    floatType(a.dtype),
  );
}

/**
 * Course: softmax(z)ᵢ = e^zᵢ / Σⱼ e^zⱼ along an axis, computed as e^(zᵢ − max z) so no exponent
 * overflows. `log` returns log-softmax zᵢ − logΣexp(z) without forming the ratio.
 */
function softmaxAlong(op: string, a: NDArray, axis: number, log: boolean): NDArray {
  const ax = normalizeAxis(op, axis, a.ndim);
  const last = a.ndim - 1;
  const perm = a.shape.map((_, i) => i);
  perm[ax] = last;
  perm[last] = ax;
  const moved = a.permute(perm).contiguous();
  const n = a.shape[ax]!;
  const src = moved.data;
  const out = allocate(floatType(a.dtype), moved.size);
  for (let s = 0; s < moved.size; s += n) {
    let m = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) if (src[s + i]! > m) m = src[s + i]!;
    let total = 0;
    for (let i = 0; i < n; i++) total += Math.exp(src[s + i]! - m);
    if (log) {
      const lse = m + Math.log(total);
      for (let i = 0; i < n; i++) out[s + i] = src[s + i]! - lse;
    } else {
      for (let i = 0; i < n; i++) out[s + i] = Math.exp(src[s + i]! - m) / total;
    }
  }
  return new NDArray(out, moved.shape).permute(perm).contiguous();
}

export const softmax = (a: NDArray, axis = -1) => softmaxAlong('softmax', a, axis, false);
export const logSoftmax = (a: NDArray, axis = -1) => softmaxAlong('logSoftmax', a, axis, true);

/** Sums `a` down to `shape` (the reverse of broadcasting): the gradient of a broadcast operand. */
export function sumToShape(a: NDArray, shape: readonly number[]): NDArray {
  if (a.shape.length === shape.length && a.shape.every((d, i) => d === shape[i])) return a;
  const lead = a.ndim - shape.length;
  if (lead < 0)
    throw new ShapeError('sumToShape', `cannot sum [${a.shape.join(',')}] to larger [${shape.join(',')}]`);
  const axes: number[] = [];
  for (let i = 0; i < a.ndim; i++) {
    if (i < lead) axes.push(i);
    else if (shape[i - lead] === 1 && a.shape[i] !== 1) axes.push(i);
    else if (shape[i - lead] !== a.shape[i]) {
      throw new ShapeError('sumToShape', `[${a.shape.join(',')}] is not a broadcast of [${shape.join(',')}]`);
    }
  }
  const summed = axes.length ? sum(a, axes, true) : a;
  return summed.reshape(shape);
}
