import * as nd from '@nabla/tensor';
import { type NDArray, ValueError } from '@nabla/tensor';

/**
 * The bilinear interpolation matrix R [out, in] that resizes one axis: y = R·x. Pixel centres are
 * aligned (src = (o + ½)·in/out − ½, clamped at the borders), as image libraries resize. Being a
 * matrix, resizing is linear, so the gradient of a resized image flows back through Rᵀ — which
 * is how a small image optimized at a coarse octave still feeds the network's full input size.
 */
export function bilinearMatrix(outSize: number, inSize: number): NDArray {
  if (!Number.isInteger(outSize) || !Number.isInteger(inSize) || outSize < 1 || inSize < 1) {
    throw new ValueError('bilinearMatrix', `sizes must be positive integers, got ${outSize} and ${inSize}`);
  }
  const r = new Float32Array(outSize * inSize);
  for (let o = 0; o < outSize; o++) {
    const src = Math.min(inSize - 1, Math.max(0, ((o + 0.5) * inSize) / outSize - 0.5));
    const i0 = Math.floor(src);
    const i1 = Math.min(i0 + 1, inSize - 1);
    const t = src - i0;
    r[o * inSize + i0]! += 1 - t;
    r[o * inSize + i1]! += t;
  }
  return nd.fromTypedArray(r, [outSize, inSize]);
}

/** Resizes the last two axes of [..., H, W] to [..., height, width] bilinearly: Rh · X · Rwᵀ. */
export function resizeBilinear(x: NDArray, height: number, width: number): NDArray {
  const h = x.shape[x.ndim - 2]!;
  const w = x.shape[x.ndim - 1]!;
  if (h === height && w === width) return x.copy();
  const rows = nd.matmul(bilinearMatrix(height, h), x);
  return nd.matmul(rows, bilinearMatrix(width, w), { transB: true });
}
