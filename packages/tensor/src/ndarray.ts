import { allocate, type DType, dtypeOf, type TypedArray } from './dtype.js';
import { formatShape, ShapeError, ValueError } from './errors.js';
import { checkShape, contiguousStrides, normalizeAxis, sameShape, sizeOf } from './shape.js';

export type NestedArray = number | NestedArray[];

/**
 * An n-dimensional array: a typed buffer read through a shape, strides and an offset (row-major).
 * Views — reshape of contiguous data, transpose/permute, slice, expand — share the buffer; kernels
 * take `contiguous()` data. The data of a fresh array may be written freely; views alias it.
 */
export class NDArray {
  readonly data: TypedArray;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;

  constructor(data: TypedArray, shape: readonly number[], strides?: readonly number[], offset = 0) {
    dtypeOf(data); // refuses a Uint8Array, a plain array, … by name, here rather than deep in a kernel
    const checked = checkShape('NDArray', shape);
    const st = strides ? strides.slice() : contiguousStrides(checked);
    if (st.length !== checked.length) {
      throw new ShapeError('NDArray', `strides [${st.join(',')}] do not match shape ${formatShape(checked)}`);
    }
    if (!strides && offset === 0 && sizeOf(checked) !== data.length) {
      throw new ShapeError(
        'NDArray',
        `data has ${data.length} elements but shape ${formatShape(checked)} needs ${sizeOf(checked)}`,
      );
    }
    this.data = data;
    this.shape = Object.freeze(checked);
    this.strides = Object.freeze(st);
    this.offset = offset;
  }

  get dtype(): DType {
    return dtypeOf(this.data);
  }
  get ndim(): number {
    return this.shape.length;
  }
  get size(): number {
    return sizeOf(this.shape);
  }

  /** True when the elements sit in row-major order from `offset` with no gaps. */
  isContiguous(): boolean {
    let expected = 1;
    for (let i = this.shape.length - 1; i >= 0; i--) {
      const d = this.shape[i]!;
      if (d !== 1 && this.strides[i] !== expected) return false;
      expected *= d;
    }
    return true;
  }

  /** This array's elements in a fresh row-major buffer, or `this` when already laid out that way. */
  contiguous(): NDArray {
    if (this.isContiguous() && this.offset === 0 && this.data.length === this.size) return this;
    return this.copy();
  }

  /** A row-major copy that owns its buffer. */
  copy(): NDArray {
    const out = allocate(this.dtype, this.size);
    copyStrided(this, out);
    return new NDArray(out, this.shape);
  }

  /** The contiguous elements of this array as a typed array (a subarray view when possible). */
  values(): TypedArray {
    if (this.isContiguous()) return this.data.subarray(this.offset, this.offset + this.size) as TypedArray;
    return this.copy().data;
  }

  astype(dtype: DType): NDArray {
    if (dtype === this.dtype) return this;
    const src = this.values();
    const out = allocate(dtype, src.length);
    if (dtype === 'int32') for (let i = 0; i < src.length; i++) out[i] = Math.trunc(src[i]!);
    else out.set(src);
    return new NDArray(out, this.shape);
  }

  /** Reshape; one size may be -1 (inferred). A view when the data is contiguous, else a copy. */
  reshape(shape: readonly number[]): NDArray {
    const target = inferShape('reshape', shape, this.size, this.shape);
    if (this.isContiguous()) return new NDArray(this.data, target, contiguousStrides(target), this.offset);
    return new NDArray(this.copy().data, target);
  }

  /** Reorders the axes (a view): `permute([0, 2, 3, 1])` takes NCHW to NHWC. */
  permute(axes: readonly number[]): NDArray {
    if (axes.length !== this.ndim) {
      throw new ShapeError(
        'permute',
        `needs ${this.ndim} axes for shape ${formatShape(this.shape)}, got [${axes.join(',')}]`,
      );
    }
    const norm = axes.map((a) => normalizeAxis('permute', a, this.ndim));
    if (new Set(norm).size !== norm.length)
      throw new ValueError('permute', `axes [${axes.join(',')}] repeat an axis`);
    return new NDArray(
      this.data,
      norm.map((a) => this.shape[a]!),
      norm.map((a) => this.strides[a]!),
      this.offset,
    );
  }

  /** Swaps two axes (the last two by default): the matrix transpose for 2-D arrays. A view. */
  transpose(axis0?: number, axis1?: number): NDArray {
    if (this.ndim < 2 && axis0 === undefined && axis1 === undefined) return this;
    const a = normalizeAxis('transpose', axis0 ?? -2, this.ndim);
    const b = normalizeAxis('transpose', axis1 ?? -1, this.ndim);
    const axes = Array.from({ length: this.ndim }, (_, i) => i);
    axes[a] = b;
    axes[b] = a;
    return this.permute(axes);
  }

  /**
   * A view of a range along each axis: `slice([[0, 2], null, [1, 5, 2]])` keeps rows 0–1, every
   * column block, and every other index from 1 to 4 of the last axis. Entries are [start, end, step?]
   * (negative start/end count from the end), a single index (that axis is dropped), or null (all).
   */
  slice(ranges: readonly (readonly [number, number?, number?] | number | null)[]): NDArray {
    if (ranges.length > this.ndim) {
      throw new ShapeError(
        'slice',
        `${ranges.length} ranges for a tensor of shape ${formatShape(this.shape)}`,
      );
    }
    const shape: number[] = [];
    const strides: number[] = [];
    let offset = this.offset;
    for (let i = 0; i < this.ndim; i++) {
      const r = ranges[i] ?? null;
      const d = this.shape[i]!;
      if (r === null) {
        shape.push(d);
        strides.push(this.strides[i]!);
      } else if (typeof r === 'number') {
        if (!Number.isInteger(r) || r < -d || r >= d) {
          throw new ValueError('slice', `index ${r} is out of range for axis ${i} of size ${d}`);
        }
        offset += (r < 0 ? r + d : r) * this.strides[i]!;
      } else {
        const step = r[2] ?? 1;
        if (!Number.isInteger(step) || step <= 0)
          throw new ValueError('slice', `step must be a positive integer, got ${step}`);
        const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + d : v, 0), d);
        const start = clamp(r[0]);
        const end = clamp(r[1] ?? d);
        if (!Number.isInteger(r[0]) || (r[1] !== undefined && !Number.isInteger(r[1]))) {
          throw new ValueError('slice', `range [${r.join(',')}] on axis ${i} must hold integers`);
        }
        const n = Math.max(0, Math.ceil((end - start) / step));
        shape.push(n);
        strides.push(this.strides[i]! * step);
        offset += start * this.strides[i]!;
      }
    }
    return new NDArray(this.data, shape, strides, offset);
  }

  /** Broadcasts to a larger shape without copying (stride 0 on the repeated axes). */
  expand(shape: readonly number[]): NDArray {
    const target = checkShape('expand', shape);
    if (target.length < this.ndim) {
      throw new ShapeError(
        'expand',
        `cannot expand ${formatShape(this.shape)} to fewer dimensions ${formatShape(target)}`,
      );
    }
    const lead = target.length - this.ndim;
    const strides = new Array<number>(target.length).fill(0);
    for (let i = 0; i < this.ndim; i++) {
      const d = this.shape[i]!;
      const t = target[lead + i]!;
      if (d === t) strides[lead + i] = this.strides[i]!;
      else if (d === 1) strides[lead + i] = 0;
      else
        throw new ShapeError(
          'expand',
          `cannot broadcast ${formatShape(this.shape)} to ${formatShape(target)}`,
        );
    }
    return new NDArray(this.data, target, strides, this.offset);
  }

  /** Alias of `expand`, NumPy's name. */
  broadcastTo(shape: readonly number[]): NDArray {
    return this.expand(shape);
  }

  /** Drops axes of size 1 (all of them, or the one named). */
  squeeze(axis?: number): NDArray {
    if (axis === undefined) return this.reshape(this.shape.filter((d) => d !== 1));
    const a = normalizeAxis('squeeze', axis, this.ndim);
    if (this.shape[a] !== 1) throw new ShapeError('squeeze', `axis ${axis} has size ${this.shape[a]}, not 1`);
    return this.reshape(this.shape.filter((_, i) => i !== a));
  }

  /** Inserts an axis of size 1. */
  unsqueeze(axis: number): NDArray {
    const a = normalizeAxis('unsqueeze', axis, this.ndim + 1);
    const shape = this.shape.slice();
    shape.splice(a, 0, 1);
    return this.reshape(shape);
  }

  /** The flat buffer position of a multi-index. */
  indexOf(index: readonly number[]): number {
    if (index.length !== this.ndim) {
      throw new ShapeError('get', `index [${index.join(',')}] does not fit shape ${formatShape(this.shape)}`);
    }
    let p = this.offset;
    for (let i = 0; i < index.length; i++) {
      const d = this.shape[i]!;
      const k = index[i]!;
      if (!Number.isInteger(k) || k < -d || k >= d) {
        throw new ValueError('get', `index ${k} is out of range for axis ${i} of size ${d}`);
      }
      p += (k < 0 ? k + d : k) * this.strides[i]!;
    }
    return p;
  }

  get(...index: number[]): number {
    return this.data[this.indexOf(index)]!;
  }

  set(value: number, ...index: number[]): void {
    this.data[this.indexOf(index)] = value;
  }

  /** The single value of a one-element array. */
  item(): number {
    if (this.size !== 1)
      throw new ShapeError('item', `needs one element, got shape ${formatShape(this.shape)}`);
    return this.data[this.offset]!;
  }

  /** Nested JavaScript arrays (a number for a 0-d array). */
  toArray(): NestedArray {
    const flat = this.values();
    if (this.ndim === 0) return flat[0]!;
    let pos = 0;
    const build = (axis: number): NestedArray[] => {
      const n = this.shape[axis]!;
      const out: NestedArray[] = new Array(n);
      if (axis === this.ndim - 1) for (let i = 0; i < n; i++) out[i] = flat[pos++]!;
      else for (let i = 0; i < n; i++) out[i] = build(axis + 1);
      return out;
    };
    return build(0);
  }

  toString(): string {
    return `NDArray(${this.dtype}, ${formatShape(this.shape)})`;
  }
}

function inferShape(op: string, shape: readonly number[], size: number, from: readonly number[]): number[] {
  const target = shape.slice();
  const unknown = target.indexOf(-1);
  if (unknown !== -1 && target.indexOf(-1, unknown + 1) !== -1)
    throw new ValueError(op, 'only one size may be -1');
  if (unknown !== -1) target[unknown] = 1;
  checkShape(op, target);
  const known = sizeOf(target);
  if (unknown !== -1) {
    if (known === 0 || size % known !== 0) {
      throw new ShapeError(
        op,
        `cannot reshape ${formatShape(from)} (${size} elements) to ${formatShape(shape)}`,
      );
    }
    target[unknown] = size / known;
  } else if (known !== size) {
    throw new ShapeError(
      op,
      `cannot reshape ${formatShape(from)} (${size} elements) to ${formatShape(shape)}`,
    );
  }
  return target;
}

/**
 * Visits the rows of a strided view in row-major order: `visit(base, k)` for the k-th row, whose
 * elements sit at base, base + innerStride, … in the buffer. The odometer over the outer axes
 * lives here once; callers keep a tight loop over each row.
 */
function forEachRow(view: NDArray, visit: (base: number, row: number) => void): void {
  const { shape, strides } = view;
  const nd = shape.length;
  const rows = nd === 0 ? 1 : view.size / shape[nd - 1]!;
  if (view.size === 0) return;
  const idx = new Array<number>(Math.max(nd - 1, 0)).fill(0);
  let base = view.offset;
  for (let row = 0; row < rows; row++) {
    visit(base, row);
    for (let ax = nd - 2; ax >= 0; ax--) {
      idx[ax]!++;
      base += strides[ax]!;
      if (idx[ax]! < shape[ax]!) break;
      base -= strides[ax]! * shape[ax]!;
      idx[ax] = 0;
    }
  }
}

/** Copies a strided array into a row-major buffer; the innermost axis runs as a tight loop. */
export function copyStrided(src: NDArray, out: TypedArray, outOffset = 0): void {
  const { data } = src;
  const inner = src.ndim === 0 ? 1 : src.shape[src.ndim - 1]!;
  const step = src.ndim === 0 ? 1 : src.strides[src.ndim - 1]!;
  forEachRow(src, (base, row) => {
    const o = outOffset + row * inner;
    if (step === 1) for (let j = 0; j < inner; j++) out[o + j] = data[base + j]!;
    else for (let j = 0, p = base; j < inner; j++, p += step) out[o + j] = data[p]!;
  });
}

/** Writes row-major `values` into the positions of a strided view (the inverse of copyStrided). */
export function writeStrided(dst: NDArray, values: ArrayLike<number>): void {
  const { data } = dst;
  const inner = dst.ndim === 0 ? 1 : dst.shape[dst.ndim - 1]!;
  const step = dst.ndim === 0 ? 1 : dst.strides[dst.ndim - 1]!;
  forEachRow(dst, (base, row) => {
    const o = row * inner;
    for (let j = 0, p = base; j < inner; j++, p += step) data[p] = values[o + j]!;
  });
}

export function isNDArray(x: unknown): x is NDArray {
  return x instanceof NDArray;
}

export function assertSameShape(op: string, a: NDArray, b: NDArray): void {
  if (!sameShape(a.shape, b.shape)) {
    throw new ShapeError(op, `shapes differ: ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
}
