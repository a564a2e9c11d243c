import { allocate, promote } from './dtype.js';
import { formatShape, ShapeError, ValueError } from './errors.js';
import { NDArray, writeStrided } from './ndarray.js';
import { normalizeAxis, sizeOf } from './shape.js';

/** Joins arrays along an existing axis; every other size must agree. */
export function concat(arrays: readonly NDArray[], axis = 0): NDArray {
  if (arrays.length === 0) throw new ValueError('concat', 'needs at least one array');
  const first = arrays[0]!;
  const ax = normalizeAxis('concat', axis, first.ndim);
  for (const a of arrays) {
    if (a.ndim !== first.ndim || a.shape.some((d, i) => i !== ax && d !== first.shape[i])) {
      throw new ShapeError(
        'concat',
        `shapes ${formatShape(first.shape)} and ${formatShape(a.shape)} differ outside axis ${ax}`,
      );
    }
  }
  const dtype = arrays.map((a) => a.dtype).reduce(promote);
  const shape = first.shape.slice();
  shape[ax] = arrays.reduce((n, a) => n + a.shape[ax]!, 0);
  const out = new NDArray(allocate(dtype, sizeOf(shape)), shape);
  let start = 0;
  for (const a of arrays) {
    const n = a.shape[ax]!;
    const ranges = shape.map((_, i) => (i === ax ? ([start, start + n] as const) : null));
    assign(out.slice(ranges), a);
    start += n;
  }
  return out;
}

/** Stacks same-shaped arrays along a new axis. */
export function stack(arrays: readonly NDArray[], axis = 0): NDArray {
  if (arrays.length === 0) throw new ValueError('stack', 'needs at least one array');
  const first = arrays[0]!;
  for (const a of arrays) {
    if (a.ndim !== first.ndim || a.shape.some((d, i) => d !== first.shape[i])) {
      throw new ShapeError('stack', `shapes differ: ${formatShape(first.shape)} and ${formatShape(a.shape)}`);
    }
  }
  const ax = normalizeAxis('stack', axis, first.ndim + 1);
  return concat(
    arrays.map((a) => a.unsqueeze(ax)),
    ax,
  );
}

/** Zero padding (or `value`): `pad(x, [[0, 0], [0, 0], [1, 1], [2, 2]])` pads H by 1 and W by 2. */
export function pad(x: NDArray, widths: readonly (readonly [number, number])[], value = 0): NDArray {
  if (widths.length !== x.ndim) {
    throw new ShapeError(
      'pad',
      `needs ${x.ndim} (before, after) pairs for shape ${formatShape(x.shape)}, got ${widths.length}`,
    );
  }
  for (const [b, a] of widths) {
    if (!Number.isInteger(b) || !Number.isInteger(a) || b < 0 || a < 0) {
      throw new ValueError('pad', `widths must be integers >= 0, got [${b},${a}]`);
    }
  }
  const shape = x.shape.map((d, i) => d + widths[i]![0] + widths[i]![1]);
  const out = new NDArray(allocate(x.dtype, sizeOf(shape)), shape);
  if (value !== 0) out.data.fill(value);
  assign(out.slice(widths.map(([b], i) => [b, b + x.shape[i]!] as const)), x);
  return out;
}

/** Writes `src` into the (possibly strided) view `dst` of the same shape. */
export function assign(dst: NDArray, src: NDArray): void {
  if (dst.ndim !== src.ndim || dst.shape.some((d, i) => d !== src.shape[i])) {
    throw new ShapeError('assign', `shapes differ: ${formatShape(dst.shape)} and ${formatShape(src.shape)}`);
  }
  writeStrided(dst, src.values());
}
