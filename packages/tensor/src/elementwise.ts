import { backendFor, type FloatArray, kernelOf } from './backend.js';
import { type ArithOp, arithBlock, arithSame, blockBroadcast } from './cpu/arithmetic.js';
import { allocate, type DType, floatType, promote, type TypedArray } from './dtype.js';
import { ValueError } from './errors.js';
import { NDArray } from './ndarray.js';
import { broadcastShapes, sameShape, sizeOf } from './shape.js';

/** An operand of an elementwise op: an array, or a plain number broadcast everywhere. */
export type Operand = NDArray | number;

function asArray(x: Operand, like: DType): NDArray {
  if (x instanceof NDArray) return x;
  if (typeof x !== 'number')
    throw new ValueError('elementwise', `operand must be an NDArray or a number, got ${typeof x}`);
  const data = allocate(like === 'int32' && !Number.isInteger(x) ? 'float32' : like, 1);
  data[0] = x;
  return new NDArray(data, []);
}

/**
 * Applies `f` elementwise to two operands under NumPy broadcasting. The output is a fresh
 * contiguous array of the promoted dtype (or `outDtype`). Same-shape contiguous inputs and a
 * scalar operand take flat loops; everything else walks the broadcast shape row by row.
 */
export function binary(
  op: string,
  a: Operand,
  b: Operand,
  f: (x: number, y: number) => number,
  outDtype?: DType,
): NDArray {
  const da = a instanceof NDArray ? a.dtype : b instanceof NDArray ? b.dtype : 'float32';
  const db = b instanceof NDArray ? b.dtype : da;
  const A = asArray(a, da);
  const B = asArray(b, db);
  const dtype = outDtype ?? promote(A.dtype, B.dtype);
  const shape = sameShape(A.shape, B.shape) ? A.shape.slice() : broadcastShapes(op, A.shape, B.shape);
  const n = sizeOf(shape);
  const out = allocate(dtype, n);
  if (A.size === n && B.size === n && A.isContiguous() && B.isContiguous()) {
    const x = A.data;
    const y = B.data;
    const ox = A.offset;
    const oy = B.offset;
    for (let i = 0; i < n; i++) out[i] = f(x[ox + i]!, y[oy + i]!);
  } else if (B.size === 1 && A.size === n && A.isContiguous()) {
    const x = A.data;
    const ox = A.offset;
    const s = B.data[B.offset]!;
    for (let i = 0; i < n; i++) out[i] = f(x[ox + i]!, s);
  } else if (A.size === 1 && B.size === n && B.isContiguous()) {
    const y = B.data;
    const oy = B.offset;
    const s = A.data[A.offset]!;
    for (let i = 0; i < n; i++) out[i] = f(s, y[oy + i]!);
  } else if (n > 0) {
    const ea = A.expand(shape);
    const eb = B.expand(shape);
    walk2(ea, eb, shape, (pa, pb, o) => {
      out[o] = f(ea.data[pa]!, eb.data[pb]!);
    });
  }
  return new NDArray(out, shape);
}

/** Visits every element of two same-shaped strided arrays, giving buffer positions and the flat index. */
function walk2(
  a: NDArray,
  b: NDArray,
  shape: readonly number[],
  visit: (pa: number, pb: number, o: number) => void,
): void {
  const nd = shape.length;
  if (nd === 0) {
    visit(a.offset, b.offset, 0);
    return;
  }
  const n = sizeOf(shape);
  const inner = shape[nd - 1]!;
  const sa = a.strides[nd - 1]!;
  const sb = b.strides[nd - 1]!;
  const idx = new Array<number>(nd).fill(0);
  let baseA = a.offset;
  let baseB = b.offset;
  for (let o = 0; o < n; o += inner) {
    for (let j = 0; j < inner; j++) visit(baseA + j * sa, baseB + j * sb, o + j);
    for (let ax = nd - 2; ax >= 0; ax--) {
      idx[ax]!++;
      baseA += a.strides[ax]!;
      baseB += b.strides[ax]!;
      if (idx[ax]! < shape[ax]!) break;
      baseA -= a.strides[ax]! * shape[ax]!;
      baseB -= b.strides[ax]! * shape[ax]!;
      idx[ax] = 0;
    }
  }
}

/** Applies `f` to every element; the result is a fresh contiguous array. */
export function unary(a: NDArray, f: (x: number) => number, outDtype?: DType): NDArray {
  const src = a.values();
  const out = allocate(outDtype ?? a.dtype, src.length);
  for (let i = 0; i < src.length; i++) out[i] = f(src[i]!);
  return new NDArray(out, a.shape);
}

/**
 * add/sub/mul/div: the dedicated loops of cpu/arithmetic.ts for same-shape contiguous operands and
 * block broadcasts (scalar, bias row, per-channel term); anything else goes through `binary`.
 */
function arith(
  op: ArithOp,
  a: Operand,
  b: Operand,
  f: (x: number, y: number) => number,
  outDtype?: DType,
): NDArray {
  if (a instanceof NDArray && b instanceof NDArray && a.isContiguous() && b.isContiguous()) {
    const dtype = outDtype ?? promote(a.dtype, b.dtype);
    if (sameShape(a.shape, b.shape)) {
      const out = allocate(dtype, a.size);
      arithSame(op, a.data, a.offset, b.data, b.offset, out, 0, a.size);
      return new NDArray(out, a.shape);
    }
    const bigA = a.size >= b.size;
    const full = bigA ? a : b;
    const small = bigA ? b : a;
    const blocks = blockBroadcast(full.shape, small.shape);
    if (blocks) {
      const out = allocate(dtype, full.size);
      arithBlock(op, full.data, full.offset, small.data, small.offset, out, blocks, !bigA);
      return new NDArray(out, full.shape);
    }
  } else if (a instanceof NDArray && typeof b === 'number' && a.isContiguous() && a.dtype !== 'int32') {
    const out = allocate(outDtype ?? a.dtype, a.size);
    const s = allocate(a.dtype, 1);
    s[0] = b;
    arithBlock(op, a.data, a.offset, s, 0, out, { outer: 1, mid: 1, inner: a.size }, false);
    return new NDArray(out, a.shape);
  } else if (b instanceof NDArray && typeof a === 'number' && b.isContiguous() && b.dtype !== 'int32') {
    const out = allocate(outDtype ?? b.dtype, b.size);
    const s = allocate(b.dtype, 1);
    s[0] = a;
    arithBlock(op, b.data, b.offset, s, 0, out, { outer: 1, mid: 1, inner: b.size }, true);
    return new NDArray(out, b.shape);
  }
  return binary(op, a, b, f, outDtype);
}

/** a + b, broadcast (NumPy's rules). */
export const add = (a: Operand, b: Operand) => arith('add', a, b, (x, y) => x + y);
/** a − b, broadcast. */
export const sub = (a: Operand, b: Operand) => arith('sub', a, b, (x, y) => x - y);
/** a ⊙ b (element-wise product), broadcast. */
export const mul = (a: Operand, b: Operand) => arith('mul', a, b, (x, y) => x * y);
/** a / b, broadcast; always a float result. */
export const div = (a: Operand, b: Operand) =>
  arith('div', a, b, (x, y) => x / y, floatType(promote(dtypeOfOperand(a), dtypeOfOperand(b))));
/** a to the power b, broadcast; a float result. */
export const pow = (a: Operand, b: Operand) =>
  binary('pow', a, b, (x, y) => x ** y, floatType(promote(dtypeOfOperand(a), dtypeOfOperand(b))));
/** The larger of a and b, element-wise (NaN wins, as in NumPy). */
export const maximum = (a: Operand, b: Operand) =>
  binary('maximum', a, b, (x, y) => (x >= y || Number.isNaN(x) ? x : y));
/** The smaller of a and b, element-wise (NaN wins). */
export const minimum = (a: Operand, b: Operand) =>
  binary('minimum', a, b, (x, y) => (x <= y || Number.isNaN(x) ? x : y));
/** Comparisons give 1 or 0 as int32. */
export const equal = (a: Operand, b: Operand) => binary('equal', a, b, (x, y) => (x === y ? 1 : 0), 'int32');
/** 1 where a ≠ b, else 0 (int32). */
export const notEqual = (a: Operand, b: Operand) =>
  binary('notEqual', a, b, (x, y) => (x !== y ? 1 : 0), 'int32');
/** 1 where a < b, else 0 (int32). */
export const less = (a: Operand, b: Operand) => binary('less', a, b, (x, y) => (x < y ? 1 : 0), 'int32');
/** 1 where a ≤ b, else 0 (int32). */
export const lessEqual = (a: Operand, b: Operand) =>
  binary('lessEqual', a, b, (x, y) => (x <= y ? 1 : 0), 'int32');
/** 1 where a > b, else 0 (int32). */
export const greater = (a: Operand, b: Operand) =>
  binary('greater', a, b, (x, y) => (x > y ? 1 : 0), 'int32');
/** 1 where a ≥ b, else 0 (int32). */
export const greaterEqual = (a: Operand, b: Operand) =>
  binary('greaterEqual', a, b, (x, y) => (x >= y ? 1 : 0), 'int32');

function dtypeOfOperand(x: Operand): DType {
  return x instanceof NDArray ? x.dtype : 'float32';
}

/** `cond ? a : b` elementwise, all three broadcast together. */
export function where(cond: NDArray, a: Operand, b: Operand): NDArray {
  const A = asArray(a, dtypeOfOperand(b));
  const B = asArray(b, A.dtype);
  const shape = broadcastShapes('where', broadcastShapes('where', cond.shape, A.shape), B.shape);
  const c = cond.expand(shape).copy().data;
  const x = A.expand(shape).copy().data;
  const y = B.expand(shape).copy().data;
  const out = allocate(promote(A.dtype, B.dtype), c.length);
  for (let i = 0; i < c.length; i++) out[i] = c[i] ? x[i]! : y[i]!;
  return new NDArray(out, shape);
}

/**
 * The hot unary ops each own their loop (`f` written inline), so no call per element is made and
 * each loop's feedback stays monomorphic however many ops a model mixes.
 */
function map(a: NDArray, dtype: DType, loop: (src: TypedArray, out: TypedArray, n: number) => void): NDArray {
  const src = a.values();
  const out = allocate(dtype, src.length);
  loop(src, out, src.length);
  return new NDArray(out, a.shape);
}

/** −a. */
export const neg = (a: NDArray) =>
  map(a, a.dtype, (s, o, n) => {
    for (let i = 0; i < n; i++) o[i] = -s[i]!;
  });
/** |a|. */
export const abs = (a: NDArray) =>
  map(a, a.dtype, (s, o, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.abs(s[i]!);
  });
/** The sign of each element: −1, 0 or 1. */
export const sign = (a: NDArray) => unary(a, Math.sign);
/** a², element-wise. */
export const square = (a: NDArray) =>
  map(a, a.dtype, (s, o, n) => {
    for (let i = 0; i < n; i++) o[i] = s[i]! * s[i]!;
  });
/** eᵃ, element-wise. */
export const exp = (a: NDArray) =>
  map(a, floatType(a.dtype), (s, o, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.exp(s[i]!);
  });
/** The natural logarithm, element-wise. */
export const log = (a: NDArray) =>
  map(a, floatType(a.dtype), (s, o, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.log(s[i]!);
  });
/** √a, element-wise. */
export const sqrt = (a: NDArray) =>
  map(a, floatType(a.dtype), (s, o, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.sqrt(s[i]!);
  });
/** 1 / a, element-wise. */
export const reciprocal = (a: NDArray) =>
  map(a, floatType(a.dtype), (s, o, n) => {
    for (let i = 0; i < n; i++) o[i] = 1 / s[i]!;
  });
// #region sigmoid
/** Course: f(z) = 1 / (1 + e^−z), computed as e^z / (1 + e^z) for z < 0 so e^−z never overflows. */
export const sigmoid = (a: NDArray) =>
  map(a, floatType(a.dtype), (s, o, n) => {
    for (let i = 0; i < n; i++) {
      const z = s[i]!;
      if (z >= 0) o[i] = 1 / (1 + Math.exp(-z));
      else {
        const e = Math.exp(z);
        o[i] = e / (1 + e);
      }
    }
  });
// #endregion sigmoid
/** Course: f(z) = tanh(z) = (e^z − e^−z) / (e^z + e^−z). */
export const tanh = (a: NDArray) =>
  map(a, floatType(a.dtype), (s, o, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.tanh(s[i]!);
  });
/**
 * Course (the neuron): f(z) = max(0, z) (reference/relu.ts). A NaN passes through (as in PyTorch) instead of
 * being hidden as 0. Float arrays run on the backend's kernel.
 */
export function relu(a: NDArray): NDArray {
  if (a.dtype === 'int32') return unary(a, (z) => Math.max(0, z));
  const out = allocate(a.dtype, a.size) as FloatArray;
  kernelOf(backendFor(out), 'relu')(a.values() as FloatArray, out);
  return new NDArray(out, a.shape);
}

/**
 * The gradient of ReLU: dx = dy where x > 0, else 0 (f′(z) = 1 for z > 0, else 0, in the delta
 * rule; reference/relu.ts). As PyTorch does, a zero, negative or NaN input passes no gradient.
 */
export function reluBackward(dy: NDArray, x: NDArray): NDArray {
  if (!sameShape(dy.shape, x.shape))
    throw new ValueError('reluBackward', `dy [${dy.shape.join(',')}] must match x [${x.shape.join(',')}]`);
  const dtype = floatType(promote(dy.dtype, x.dtype));
  const out = allocate(dtype, x.size) as FloatArray;
  const d = dy.astype(dtype).values() as FloatArray;
  const z = x.astype(dtype).values() as FloatArray;
  kernelOf(backendFor(out), 'reluBackward')(d, z, out);
  return new NDArray(out, x.shape);
}

/** Leaky ReLU: z for z > 0, slope·z otherwise (slope 0.01 by default). */
export const leakyRelu = (a: NDArray, slope = 0.01) => unary(a, (z) => (z > 0 ? z : slope * z));
/** Each element clamped into [low, high]. */
export const clip = (a: NDArray, low: number, high: number) => {
  if (!(low <= high)) throw new ValueError('clip', `low ${low} must not exceed high ${high}`);
  return unary(a, (x) => Math.min(high, Math.max(low, x)));
};

/** True when any element is NaN or ±Infinity. */
export function hasNonFinite(a: NDArray): boolean {
  const d = a.values();
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i]!)) return true;
  return false;
}
