import { backendFor, type FloatArray, type Pool2dGeometry } from './backend.js';
import { type Pair, pair } from './conv.js';
import { allocate, floatType } from './dtype.js';
import { formatShape, ShapeError, ValueError } from './errors.js';
import { NDArray } from './ndarray.js';

/** Options of {@link maxPool2d}. */
export interface Pool2dOptions {
  /** Defaults to the kernel size (non-overlapping windows). */
  stride?: Pair;
  /** Padding on each side (default 0); max pooling pads with −∞. */
  padding?: Pair;
}

/** The geometry of a pooling op on an NCHW input, validated (names the op in errors). */
export function pool2dGeometry(
  op: string,
  shape: readonly number[],
  kernel: Pair,
  options: Pool2dOptions = {},
): Pool2dGeometry {
  if (shape.length !== 4) throw new ShapeError(op, `input must be NCHW (rank 4), got ${formatShape(shape)}`);
  const [kernelHeight, kernelWidth] = pair(op, 'kernel', kernel, 1, 1);
  const [strideHeight, strideWidth] = pair(op, 'stride', options.stride ?? kernel, 1, 1);
  const [padHeight, padWidth] = pair(op, 'padding', options.padding, 0, 0);
  if (2 * padHeight > kernelHeight || 2 * padWidth > kernelWidth) {
    throw new ValueError(
      op,
      `padding ${padHeight}×${padWidth} must be at most half the kernel ${kernelHeight}×${kernelWidth}`,
    );
  }
  const [batch, channels, inHeight, inWidth] = shape as [number, number, number, number];
  const outHeight = Math.floor((inHeight + 2 * padHeight - kernelHeight) / strideHeight) + 1;
  const outWidth = Math.floor((inWidth + 2 * padWidth - kernelWidth) / strideWidth) + 1;
  if (outHeight < 1 || outWidth < 1) {
    throw new ShapeError(
      op,
      `a ${kernelHeight}×${kernelWidth} window does not fit input ${formatShape(shape)} with padding ${padHeight}×${padWidth}`,
    );
  }
  return {
    batch,
    channels,
    inHeight,
    inWidth,
    kernelHeight,
    kernelWidth,
    strideHeight,
    strideWidth,
    padHeight,
    padWidth,
    outHeight,
    outWidth,
  };
}

function floatInput(op: string, x: NDArray): NDArray {
  if (x.dtype === 'int32') throw new ValueError(op, 'needs a float32 or float64 input, got int32');
  return x.contiguous();
}

/** Max pooling. Returns the output and, for the backward pass, the flat input index of each maximum. */
export function maxPool2d(
  x: NDArray,
  kernel: Pair,
  options: Pool2dOptions = {},
): {
  /** The maximum of each window, [N, C, outH, outW]. */
  out: NDArray;
  /** The flat input index of each window's maximum, for the backward pass. */
  argmax: Int32Array;
} {
  const g = pool2dGeometry('maxPool2d', x.shape, kernel, options);
  const X = floatInput('maxPool2d', x);
  const out = allocate(X.dtype, g.batch * g.channels * g.outHeight * g.outWidth) as FloatArray;
  const argmax = new Int32Array(out.length);
  backendFor(out).maxPool2d(X.data as FloatArray, out, argmax, g);
  return { out: new NDArray(out, [g.batch, g.channels, g.outHeight, g.outWidth]), argmax };
}

/** Routes each output gradient to the input position that won the max. */
export function maxPool2dBackward(
  dy: NDArray,
  argmax: Int32Array,
  inputShape: readonly number[],
  kernel: Pair,
  options: Pool2dOptions = {},
): NDArray {
  const g = pool2dGeometry('maxPool2dBackward', inputShape, kernel, options);
  if (dy.size !== argmax.length)
    throw new ShapeError(
      'maxPool2dBackward',
      `gradient ${formatShape(dy.shape)} does not match ${argmax.length} pooled outputs`,
    );
  const DY = floatInput('maxPool2dBackward', dy);
  const dx = allocate(floatType(DY.dtype), g.batch * g.channels * g.inHeight * g.inWidth) as FloatArray;
  backendFor(dx).maxPool2dBackward(DY.data as FloatArray, argmax, dx, g);
  return new NDArray(dx, inputShape.slice());
}

/** Options of {@link avgPool2d}. */
export interface AvgPool2dOptions extends Pool2dOptions {
  /** Count padded zeros in each window's divisor (PyTorch's default true). */
  countIncludePad?: boolean;
}

/** The mean over each window of an NCHW input. */
export function avgPool2d(x: NDArray, kernel: Pair, options: AvgPool2dOptions = {}): NDArray {
  const g = pool2dGeometry('avgPool2d', x.shape, kernel, options);
  const X = floatInput('avgPool2d', x);
  const out = allocate(X.dtype, g.batch * g.channels * g.outHeight * g.outWidth) as FloatArray;
  backendFor(out).avgPool2d(X.data as FloatArray, out, g, options.countIncludePad ?? true);
  return new NDArray(out, [g.batch, g.channels, g.outHeight, g.outWidth]);
}

/** The gradient of {@link avgPool2d}: each dy spread evenly over its window. */
export function avgPool2dBackward(
  dy: NDArray,
  inputShape: readonly number[],
  kernel: Pair,
  options: AvgPool2dOptions = {},
): NDArray {
  const g = pool2dGeometry('avgPool2dBackward', inputShape, kernel, options);
  const expected = [g.batch, g.channels, g.outHeight, g.outWidth];
  if (dy.ndim !== 4 || dy.shape.some((d, i) => d !== expected[i])) {
    throw new ShapeError(
      'avgPool2dBackward',
      `gradient must have shape ${formatShape(expected)}, got ${formatShape(dy.shape)}`,
    );
  }
  const DY = floatInput('avgPool2dBackward', dy);
  const dx = allocate(DY.dtype, g.batch * g.channels * g.inHeight * g.inWidth) as FloatArray;
  backendFor(dx).avgPool2dBackward(DY.data as FloatArray, dx, g, options.countIncludePad ?? true);
  return new NDArray(dx, inputShape.slice());
}
