import * as nd from '@nabla/tensor';
import { fromOp, type Tensor } from '../tensor.js';
import { type Operand, pairOf } from './operand.js';

export type { Operand } from './operand.js';

// Operands broadcast as in NumPy; each gradient is summed back to its operand's shape (sumToShape).

/** a + b with broadcasting (a number counts as a constant). d(a + b) = da + db */
export function add(a: Operand, b: Operand): Tensor {
  const [x, y] = pairOf(a, b);
  return fromOp('add', [x, y], nd.add(x.data, y.data), (dy) => [
    nd.sumToShape(dy, x.shape),
    nd.sumToShape(dy, y.shape),
  ]);
}

/** a − b with broadcasting. d(a − b) = da − db */
export function sub(a: Operand, b: Operand): Tensor {
  const [x, y] = pairOf(a, b);
  return fromOp('sub', [x, y], nd.sub(x.data, y.data), (dy) => [
    nd.sumToShape(dy, x.shape),
    nd.sumToShape(nd.neg(dy), y.shape),
  ]);
}

/** a ⊙ b, the element-wise product, with broadcasting. d(a·b) = b·da + a·db */
export function mul(a: Operand, b: Operand): Tensor {
  const [x, y] = pairOf(a, b);
  return fromOp('mul', [x, y], nd.mul(x.data, y.data), (dy) => [
    nd.sumToShape(nd.mul(dy, y.data), x.shape),
    nd.sumToShape(nd.mul(dy, x.data), y.shape),
  ]);
}

/** a / b with broadcasting. d(a/b) = da/b − (a/b)·db/b */
export function div(a: Operand, b: Operand): Tensor {
  const [x, y] = pairOf(a, b);
  const out = nd.div(x.data, y.data);
  return fromOp('div', [x, y], out, (dy) => [
    nd.sumToShape(nd.div(dy, y.data), x.shape),
    nd.sumToShape(nd.neg(nd.div(nd.mul(dy, out), y.data)), y.shape),
  ]);
}

/** −a. d(−a) = −da */
export function neg(a: Tensor): Tensor {
  return fromOp('neg', [a], nd.neg(a.data), (dy) => [nd.neg(dy)]);
}
