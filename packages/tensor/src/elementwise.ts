import { allocate, type DType, floatType, promote } from './dtype.js';
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

const realUnary = (a: NDArray, f: (x: number) => number) => unary(a, f, floatType(a.dtype));

export const add = (a: Operand, b: Operand) => binary('add', a, b, (x, y) => x + y);
export const sub = (a: Operand, b: Operand) => binary('sub', a, b, (x, y) => x - y);
export const mul = (a: Operand, b: Operand) => binary('mul', a, b, (x, y) => x * y);
export const div = (a: Operand, b: Operand) =>
  binary('div', a, b, (x, y) => x / y, floatType(promote(dtypeOfOperand(a), dtypeOfOperand(b))));
export const pow = (a: Operand, b: Operand) =>
  binary('pow', a, b, (x, y) => x ** y, floatType(promote(dtypeOfOperand(a), dtypeOfOperand(b))));
export const maximum = (a: Operand, b: Operand) =>
  binary('maximum', a, b, (x, y) => (x >= y || Number.isNaN(x) ? x : y));
export const minimum = (a: Operand, b: Operand) =>
  binary('minimum', a, b, (x, y) => (x <= y || Number.isNaN(x) ? x : y));
/** Comparisons give 1 or 0 as int32. */
export const equal = (a: Operand, b: Operand) => binary('equal', a, b, (x, y) => (x === y ? 1 : 0), 'int32');
export const notEqual = (a: Operand, b: Operand) =>
  binary('notEqual', a, b, (x, y) => (x !== y ? 1 : 0), 'int32');
export const less = (a: Operand, b: Operand) => binary('less', a, b, (x, y) => (x < y ? 1 : 0), 'int32');
export const lessEqual = (a: Operand, b: Operand) =>
  binary('lessEqual', a, b, (x, y) => (x <= y ? 1 : 0), 'int32');
export const greater = (a: Operand, b: Operand) =>
  binary('greater', a, b, (x, y) => (x > y ? 1 : 0), 'int32');
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

export const neg = (a: NDArray) => unary(a, (x) => -x);
export const abs = (a: NDArray) => unary(a, Math.abs);
export const sign = (a: NDArray) => unary(a, Math.sign);
export const square = (a: NDArray) => unary(a, (x) => x * x);
export const exp = (a: NDArray) => realUnary(a, Math.exp);
export const log = (a: NDArray) => realUnary(a, Math.log);
export const sqrt = (a: NDArray) => realUnary(a, Math.sqrt);
export const reciprocal = (a: NDArray) => realUnary(a, (x) => 1 / x);
/** Course: f(z) = 1 / (1 + e^−z), computed without overflow for large |z|. */
export const sigmoid = (a: NDArray) =>
  realUnary(a, (z) => {
    if (z >= 0) return 1 / (1 + Math.exp(-z));
    const e = Math.exp(z);
    return e / (1 + e);
  });
/** Course: f(z) = tanh(z) = (e^z − e^−z) / (e^z + e^−z). */
export const tanh = (a: NDArray) => realUnary(a, Math.tanh);
/** Course: f(z) = max(0, z). */
export const relu = (a: NDArray) => unary(a, (z) => (z > 0 ? z : 0));
export const leakyRelu = (a: NDArray, slope = 0.01) => unary(a, (z) => (z > 0 ? z : slope * z));
export const clip = (a: NDArray, low: number, high: number) => {
  if (!(low <= high)) throw new ValueError('clip', `low ${low} must not exceed high ${high}`);
  return unary(a, (x) => (x < low ? low : x > high ? high : x));
};

/** True when any element is NaN or ±Infinity. */
export function hasNonFinite(a: NDArray): boolean {
  const d = a.values();
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i]!)) return true;
  return false;
}
