import * as nd from '@nabla/tensor';
import { formatShape, normalizeAxis, ValueError } from '@nabla/tensor';
import { fromOp, type Tensor } from '../tensor.js';

/** A range per axis, as NDArray.slice takes them: [start, end?, step?], an index, or null. */
export type SliceRange = readonly [number, number?, number?] | number | null;

// Views move values without changing them: each gradient is dy moved back the other way.

/**
 * The same values in a new shape; the gradient is reshaped back. y = x with a new shape; dx = dy with the old
 * one.
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  return fromOp('reshape', [x], x.data.reshape(shape), (dy) => [dy.reshape(x.shape)]);
}

/**
 * Swaps two axes (the last two by default). y = x with axes a and b swapped; dx = dy with them swapped back.
 */
export function transpose(x: Tensor, axis0 = -2, axis1 = -1): Tensor {
  return fromOp('transpose', [x], x.data.transpose(axis0, axis1), (dy) => [
    dy.transpose(axis0, axis1).contiguous(),
  ]);
}

/** Reorders the axes. y = x with axes reordered; dx = dy under the inverse order. */
export function permute(x: Tensor, axes: readonly number[]): Tensor {
  const y = x.data.permute(axes);
  const inverse = new Array<number>(axes.length);
  axes.forEach((a, i) => {
    inverse[normalizeAxis('permute', a, axes.length)] = i;
  });
  return fromOp('permute', [x], y, (dy) => [dy.permute(inverse).contiguous()]);
}

/**
 * A sub-block, one [start, stop, step] range (or index) per axis. y = x[ranges]; dx = zeros with dy written
 * back into the same positions.
 */
export function slice(x: Tensor, ranges: readonly SliceRange[]): Tensor {
  return fromOp('slice', [x], x.data.slice(ranges), (dy) => {
    const dx = nd.zeros(x.shape, dy.dtype);
    nd.assign(dx.slice(ranges), dy);
    return [dx];
  });
}

/** Joins tensors along an existing axis. y = [x₁ x₂ …] along an axis; each dxᵢ is its own block of dy. */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) throw new ValueError('concat', 'needs at least one tensor');
  const ax = normalizeAxis('concat', axis, tensors[0]!.ndim);
  const y = nd.concat(
    tensors.map((t) => t.data),
    ax,
  );
  return fromOp('concat', [...tensors], y, (dy) => {
    let start = 0;
    return tensors.map((t) => {
      const n = t.shape[ax]!;
      const block = dy
        .slice(dy.shape.map((_, i) => (i === ax ? ([start, start + n] as const) : null)))
        .contiguous();
      start += n;
      return block;
    });
  });
}

/** Joins tensors along a new axis. y = [x₁, x₂, …] stacked along a new axis; dxᵢ = dy[…, i, …]. */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) throw new ValueError('stack', 'needs at least one tensor');
  const ax = normalizeAxis('stack', axis, tensors[0]!.ndim + 1);
  const y = nd.stack(
    tensors.map((t) => t.data),
    ax,
  );
  return fromOp('stack', [...tensors], y, (dy) =>
    tensors.map((_, k) => dy.slice(dy.shape.map((_, i) => (i === ax ? k : null))).contiguous()),
  );
}

/**
 * Pads each axis with `value`, [before, after] elements per axis. y = x surrounded by a constant border; dx =
 * the interior of dy (the border depends on no input).
 */
export function pad(x: Tensor, widths: readonly (readonly [number, number])[], value = 0): Tensor {
  return fromOp('pad', [x], nd.pad(x.data, widths, value), (dy) => [
    dy.slice(widths.map(([before], i) => [before, before + x.shape[i]!] as const)).contiguous(),
  ]);
}

/** Merges the axes from `startDim` to `endDim` into one: [N, C, H, W] → [N, C·H·W] by default. */
export function flatten(x: Tensor, startDim = 1, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const start = normalizeAxis('flatten', startDim, x.ndim);
  const end = normalizeAxis('flatten', endDim, x.ndim);
  if (start > end)
    throw new ValueError(
      'flatten',
      `startDim ${startDim} comes after endDim ${endDim} for shape ${formatShape(x.shape)}`,
    );
  const merged = x.shape.slice(start, end + 1).reduce((a, b) => a * b, 1);
  return reshape(x, [...x.shape.slice(0, start), merged, ...x.shape.slice(end + 1)]);
}

/**
 * Broadcasts to a larger shape. y = x broadcast to a larger shape; dx = dy summed over the broadcast axes.
 */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  return fromOp('expand', [x], x.data.expand(shape), (dy) => [nd.sumToShape(dy, x.shape)]);
}

/** Drops axes of size 1 (all of them, or the one named). */
export function squeeze(x: Tensor, axis?: number): Tensor {
  return reshape(x, x.data.squeeze(axis).shape);
}

/** Inserts an axis of size 1. */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  return reshape(x, x.data.unsqueeze(axis).shape);
}
