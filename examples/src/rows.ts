import * as nd from '@nabla/tensor';
import type { NDArray } from '@nabla/tensor';

/** The examples at `indices` (along the first axis), copied into a fresh array. */
export function takeRows(x: NDArray, indices: ArrayLike<number>): NDArray {
  const src = x.contiguous();
  const per = src.size / src.shape[0]!;
  const out = new Float32Array(indices.length * per);
  for (let i = 0; i < indices.length; i++)
    out.set(src.data.subarray(indices[i]! * per, (indices[i]! + 1) * per), i * per);
  return nd.fromTypedArray(out, [indices.length, ...src.shape.slice(1)]);
}

export function takeLabels(y: Int32Array, indices: ArrayLike<number>): Int32Array {
  return Int32Array.from({ length: indices.length }, (_, i) => y[indices[i]!]!);
}
