import { backendFor, type FloatArray } from './backend.js';
import { allocate, floatType, promote } from './dtype.js';
import { formatShape, ShapeError, ValueError } from './errors.js';
import { NDArray } from './ndarray.js';
import { broadcastShapes, sizeOf } from './shape.js';

export interface MatmulOptions {
  /** Use Aᵀ: A is stored k×m. */
  transA?: boolean;
  /** Use Bᵀ: B is stored n×k. */
  transB?: boolean;
}

function asFloat(op: string, a: NDArray): NDArray {
  if (a.dtype === 'int32') throw new ValueError(op, `needs float32 or float64 operands, got int32`);
  return a;
}

/**
 * Matrix product of the last two axes, with leading axes broadcast as batch dimensions:
 * [..., m, k] @ [..., k, n] → [..., m, n]. `transA` / `transB` read an operand as transposed
 * without copying it. Float64 runs on the cpu backend unless the selected one supports it; float32 on the selected backend.
 */
export function matmul(a: NDArray, b: NDArray, options: MatmulOptions = {}): NDArray {
  asFloat('matmul', a);
  asFloat('matmul', b);
  const transA = options.transA ?? false;
  const transB = options.transB ?? false;
  if (a.ndim < 2 || b.ndim < 2) {
    throw new ShapeError(
      'matmul',
      `needs operands of rank >= 2, got ${formatShape(a.shape)} @ ${formatShape(b.shape)}`,
    );
  }
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const m = transA ? ac : ar;
  const k = transA ? ar : ac;
  const kb = transB ? bc : br;
  const n = transB ? br : bc;
  if (k !== kb) {
    const show = (s: readonly number[], t: boolean) => `${formatShape(s)}${t ? 'ᵀ' : ''}`;
    throw new ShapeError(
      'matmul',
      `inner dimensions differ: ${show(a.shape, transA)} @ ${show(b.shape, transB)}`,
    );
  }
  const batchShape = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batch = sizeOf(batchShape);
  const dtype = floatType(promote(a.dtype, b.dtype));
  const A = a
    .astype(dtype)
    .expand([...batchShape, ar, ac])
    .contiguous();
  const B = b
    .astype(dtype)
    .expand([...batchShape, br, bc])
    .contiguous();
  const out = allocate(dtype, batch * m * n) as FloatArray;
  const backend = backendFor(out);
  const da = A.data as FloatArray;
  const db = B.data as FloatArray;
  for (let i = 0; i < batch; i++) {
    const sa = batch === 1 ? da : (da.subarray(i * ar * ac, (i + 1) * ar * ac) as FloatArray);
    const sb = batch === 1 ? db : (db.subarray(i * br * bc, (i + 1) * br * bc) as FloatArray);
    const so = batch === 1 ? out : (out.subarray(i * m * n, (i + 1) * m * n) as FloatArray);
    backend.matmul(sa, sb, so, m, k, n, transA, transB);
  }
  return new NDArray(out, [...batchShape, m, n]);
}
