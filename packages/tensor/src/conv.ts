import {
  backendFor,
  type ChannelEpilogue,
  type Conv2dGeometry,
  type FloatArray,
  kernelOf,
} from './backend.js';
import { allocate, floatType, promote } from './dtype.js';
import { formatShape, ShapeError, ValueError } from './errors.js';
import { col2imAdd, im2colInto } from './im2col.js';
import { NDArray } from './ndarray.js';

/** One size for both axes, or [height, width]. */
export type Pair = number | readonly [number, number];

/** Options of {@link conv2d}, PyTorch's names and defaults. */
export interface Conv2dOptions {
  /** Step between filter positions (default 1). */
  stride?: Pair;
  /** Zeros added on each side of the input (default 0). */
  padding?: Pair;
  /** Spacing between filter taps (default 1). */
  dilation?: Pair;
  /** Channel groups (default 1): input and output channels split into this many independent convolutions. */
  groups?: number;
}

export function pair(
  op: string,
  name: string,
  v: Pair | undefined,
  fallback: number,
  min: number,
): [number, number] {
  const p: [number, number] =
    v === undefined ? [fallback, fallback] : typeof v === 'number' ? [v, v] : [v[0], v[1]];
  for (const x of p) {
    if (!Number.isInteger(x) || x < min)
      throw new ValueError(op, `${name} must be an integer >= ${min}, got ${String(v)}`);
  }
  return p;
}

/**
 * Resolves and checks a convolution's geometry: input [N, Ci, H, W], filter [Co, Ci/groups, kh, kw].
 * Output size per axis: ⌊(H + 2·pad − dilation·(kh − 1) − 1) / stride⌋ + 1.
 */
export function conv2dGeometry(
  op: string,
  inputShape: readonly number[],
  filterShape: readonly number[],
  options: Conv2dOptions = {},
): Conv2dGeometry {
  if (inputShape.length !== 4)
    throw new ShapeError(op, `input must be NCHW (rank 4), got ${formatShape(inputShape)}`);
  if (filterShape.length !== 4) {
    throw new ShapeError(
      op,
      `filter must be [out, in/groups, kh, kw] (rank 4), got ${formatShape(filterShape)}`,
    );
  }
  const [batch, inChannels, inHeight, inWidth] = inputShape as [number, number, number, number];
  const [outChannels, filterIn, kernelHeight, kernelWidth] = filterShape as [number, number, number, number];
  const groups = options.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1)
    throw new ValueError(op, `groups must be an integer >= 1, got ${groups}`);
  if (inChannels % groups !== 0 || outChannels % groups !== 0) {
    throw new ShapeError(
      op,
      `groups ${groups} must divide input channels ${inChannels} and output channels ${outChannels}`,
    );
  }
  if (filterIn * groups !== inChannels) {
    throw new ShapeError(
      op,
      `filter ${formatShape(filterShape)} expects ${filterIn * groups} input channels (${filterIn} × ${groups} groups), input ${formatShape(inputShape)} has ${inChannels}`,
    );
  }
  // #region output-size
  const [strideHeight, strideWidth] = pair(op, 'stride', options.stride, 1, 1);
  const [padHeight, padWidth] = pair(op, 'padding', options.padding, 0, 0);
  const [dilationHeight, dilationWidth] = pair(op, 'dilation', options.dilation, 1, 1);
  const outHeight =
    Math.floor((inHeight + 2 * padHeight - dilationHeight * (kernelHeight - 1) - 1) / strideHeight) + 1;
  const outWidth =
    Math.floor((inWidth + 2 * padWidth - dilationWidth * (kernelWidth - 1) - 1) / strideWidth) + 1;
  // #endregion output-size
  if (outHeight < 1 || outWidth < 1 || kernelHeight < 1 || kernelWidth < 1) {
    throw new ShapeError(
      op,
      `a ${kernelHeight}×${kernelWidth} kernel (dilation ${dilationHeight}×${dilationWidth}) does not fit input ${inHeight}×${inWidth} with padding ${padHeight}×${padWidth}`,
    );
  }
  return {
    batch,
    inChannels,
    inHeight,
    inWidth,
    outChannels,
    kernelHeight,
    kernelWidth,
    strideHeight,
    strideWidth,
    padHeight,
    padWidth,
    dilationHeight,
    dilationWidth,
    groups,
    outHeight,
    outWidth,
  };
}

function floatPair(op: string, a: NDArray, b: NDArray) {
  if (a.dtype === 'int32' || b.dtype === 'int32')
    throw new ValueError(op, 'needs float32 or float64 operands, got int32');
  const dtype = floatType(promote(a.dtype, b.dtype));
  return [a.astype(dtype).contiguous(), b.astype(dtype).contiguous(), dtype] as const;
}

/**
 * Course (convolution): the convolution layer's output, y[n, o, i, j] = Σ_c Σ_u Σ_v w[o, c, u, v] · x[n, c,
 * i·s + u·d − p, j·s + v·d − p] (reference/conv2d.ts). Strictly a cross-correlation (the kernel is not
 * flipped), as in every deep-learning framework; with learned kernels the two are the same family.
 * No bias: see fusedConv2d.
 */
export function conv2d(x: NDArray, w: NDArray, options: Conv2dOptions = {}): NDArray {
  const g = conv2dGeometry('conv2d', x.shape, w.shape, options);
  const [X, W, dtype] = floatPair('conv2d', x, w);
  const out = allocate(dtype, g.batch * g.outChannels * g.outHeight * g.outWidth) as FloatArray;
  backendFor(out).conv2d(X.data as FloatArray, W.data as FloatArray, out, g);
  return new NDArray(out, [g.batch, g.outChannels, g.outHeight, g.outWidth]);
}

/**
 * What fusedConv2d applies to each output channel o after the convolution (see ChannelEpilogue):
 * y = scale[o]·(x ⋆ w) + shift[o], then max(0, y) with `relu`. Each of scale and shift is a [Co] array.
 */
export interface ConvEpilogue {
  /** [Co] factor per output channel. */
  scale?: NDArray | null;
  /** [Co] offset per output channel (the bias). */
  shift?: NDArray | null;
  /** Apply max(0, y) last. */
  relu?: boolean;
}

/**
 * conv2d followed by a per-channel affine map and an optional ReLU: a bias (shift = b), or an
 * evaluation-mode batch normalization folded into the convolution, then the activation. By
 * definition the composition conv2d → batchNormForward → relu (reference/fused-conv2d.ts); a
 * backend with a fused store (the cpu's) applies them as it writes each output, in one pass.
 */
export function fusedConv2d(x: NDArray, w: NDArray, options: Conv2dOptions, epilogue: ConvEpilogue): NDArray {
  const g = conv2dGeometry('conv2d', x.shape, w.shape, options);
  const [X, W, dtype] = floatPair('conv2d', x, w);
  const e = channelEpilogue(epilogue, g.outChannels);
  const out = allocate(dtype, g.batch * g.outChannels * g.outHeight * g.outWidth) as FloatArray;
  kernelOf(backendFor(out), 'fusedConv2d')(X.data as FloatArray, W.data as FloatArray, out, g, e);
  return new NDArray(out, [g.batch, g.outChannels, g.outHeight, g.outWidth]);
}

/** Checks an epilogue's per-channel arrays against the output channels and takes them in float64. */
function channelEpilogue(e: ConvEpilogue, outChannels: number): ChannelEpilogue {
  const perChannel = (name: string, a: NDArray | null | undefined) => {
    if (!a) return null;
    if (a.size !== outChannels || a.ndim > 1 || a.dtype === 'int32')
      throw new ShapeError(
        'conv2d',
        `epilogue ${name} must be a float [${outChannels}] (one per output channel), got ${a.dtype} ${formatShape(a.shape)}`,
      );
    return Float64Array.from(a.values());
  };
  return { scale: perChannel('scale', e.scale), shift: perChannel('shift', e.shift), relu: e.relu === true };
}

/** The gradient of conv2d with respect to its input, given dy = ∂L/∂y. */
export function conv2dBackwardInput(
  dy: NDArray,
  w: NDArray,
  inputShape: readonly number[],
  options: Conv2dOptions = {},
): NDArray {
  const g = conv2dGeometry('conv2dBackwardInput', inputShape, w.shape, options);
  checkDy('conv2dBackwardInput', dy, g);
  const [DY, W, dtype] = floatPair('conv2dBackwardInput', dy, w);
  const dx = allocate(dtype, g.batch * g.inChannels * g.inHeight * g.inWidth) as FloatArray;
  backendFor(dx).conv2dBackwardInput(DY.data as FloatArray, W.data as FloatArray, dx, g);
  return new NDArray(dx, inputShape.slice());
}

/** The gradient of conv2d with respect to its filter, given the input x and dy = ∂L/∂y. */
export function conv2dBackwardFilter(
  x: NDArray,
  dy: NDArray,
  filterShape: readonly number[],
  options: Conv2dOptions = {},
): NDArray {
  const g = conv2dGeometry('conv2dBackwardFilter', x.shape, filterShape, options);
  checkDy('conv2dBackwardFilter', dy, g);
  const [X, DY, dtype] = floatPair('conv2dBackwardFilter', x, dy);
  const dw = allocate(
    dtype,
    filterShape.reduce((a, b) => a * b, 1),
  ) as FloatArray;
  backendFor(dw).conv2dBackwardFilter(X.data as FloatArray, DY.data as FloatArray, dw, g);
  return new NDArray(dw, filterShape.slice());
}

function checkDy(op: string, dy: NDArray, g: Conv2dGeometry): void {
  const expected = [g.batch, g.outChannels, g.outHeight, g.outWidth];
  if (dy.ndim !== 4 || dy.shape.some((d, i) => d !== expected[i])) {
    throw new ShapeError(
      op,
      `output gradient must have shape ${formatShape(expected)}, got ${formatShape(dy.shape)}`,
    );
  }
}

/**
 * The patches of x as columns: [N, Ci·kh·kw, Ho·Wo] (groups = 1). Convolution is then
 * `matmul(w.reshape([Co, -1]), im2col(x))` per image.
 */
export function im2col(x: NDArray, kernel: Pair, options: Omit<Conv2dOptions, 'groups'> = {}): NDArray {
  const [kh, kw] = pair('im2col', 'kernel', kernel, 1, 1);
  if (x.ndim !== 4)
    throw new ShapeError('im2col', `input must be NCHW (rank 4), got ${formatShape(x.shape)}`);
  const g = conv2dGeometry('im2col', x.shape, [1, x.shape[1]!, kh, kw], options);
  const X = x.astype(floatType(x.dtype)).contiguous();
  const rows = g.inChannels * kh * kw;
  const plane = g.outHeight * g.outWidth;
  const out = allocate(X.dtype, g.batch * rows * plane) as FloatArray;
  for (let b = 0; b < g.batch; b++) {
    const cols = out.subarray(b * rows * plane, (b + 1) * rows * plane) as FloatArray;
    im2colInto(X.data as FloatArray, b * g.inChannels * g.inHeight * g.inWidth, g.inChannels, g, cols);
  }
  return new NDArray(out, [g.batch, rows, plane]);
}

/** The adjoint of im2col: columns [N, C·kh·kw, Ho·Wo] summed back into an image of `inputShape`. */
export function col2im(
  cols: NDArray,
  inputShape: readonly number[],
  kernel: Pair,
  options: Omit<Conv2dOptions, 'groups'> = {},
): NDArray {
  const [kh, kw] = pair('col2im', 'kernel', kernel, 1, 1);
  const g = conv2dGeometry('col2im', inputShape, [1, inputShape[1]!, kh, kw], options);
  const rows = g.inChannels * kh * kw;
  const plane = g.outHeight * g.outWidth;
  const expected = [g.batch, rows, plane];
  if (cols.ndim !== 3 || cols.shape.some((d, i) => d !== expected[i])) {
    throw new ShapeError(
      'col2im',
      `columns must have shape ${formatShape(expected)}, got ${formatShape(cols.shape)}`,
    );
  }
  const C = cols.astype(floatType(cols.dtype)).contiguous();
  const out = allocate(C.dtype, g.batch * g.inChannels * g.inHeight * g.inWidth) as FloatArray;
  for (let b = 0; b < g.batch; b++) {
    const part = (C.data as FloatArray).subarray(b * rows * plane, (b + 1) * rows * plane) as FloatArray;
    col2imAdd(part, g.inChannels, g, out, b * g.inChannels * g.inHeight * g.inWidth);
  }
  return new NDArray(out, inputShape.slice());
}
