import { formatShape, ShapeError } from '@nabla/tensor';
import { asTensor, Tensor } from '../tensor.js';

/** An operand of an elementwise op: a Tensor, or a plain number (a constant). */
export type Operand = Tensor | number;

/** Turns two operands into tensors; a number takes the dtype of the tensor beside it. */
export function pairOf(a: Operand, b: Operand): [Tensor, Tensor] {
  const like = a instanceof Tensor ? a : b instanceof Tensor ? b : undefined;
  return [asTensor(a, like), asTensor(b, like)];
}

/** Refuses two arrays of different shapes, naming the op and both shapes. */
export function checkSameShape(
  op: string,
  a: { shape: readonly number[] },
  b: { shape: readonly number[] },
): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new ShapeError(op, `shapes differ: ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
}
