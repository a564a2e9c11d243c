import { createCpuBackend } from './cpu/index.js';
import { ValueError } from './errors.js';

/** A floating-point buffer: what the kernels compute on. */
export type FloatArray = Float32Array | Float64Array;

/** The geometry of one 2-D convolution in NCHW, resolved and validated by `conv2d`. */
export interface Conv2dGeometry {
  /** N, the images in the batch. */
  batch: number;
  /** C_in, the input channels. */
  inChannels: number;
  /** H, the input's height. */
  inHeight: number;
  /** W, the input's width. */
  inWidth: number;
  /** C_out, the output channels (the number of filters). */
  outChannels: number;
  /** kh, the filter's height. */
  kernelHeight: number;
  /** kw, the filter's width. */
  kernelWidth: number;
  /** Vertical stride s_h. */
  strideHeight: number;
  /** Horizontal stride s_w. */
  strideWidth: number;
  /** Zero rows added above and below the input. */
  padHeight: number;
  /** Zero columns added left and right of the input. */
  padWidth: number;
  /** Vertical dilation: the spacing between filter taps (1: adjacent). */
  dilationHeight: number;
  /** Horizontal dilation. */
  dilationWidth: number;
  /** Channel groups: each filter sees C_in / groups input channels (AlexNet's split layers use 2). */
  groups: number;
  /** Output height, ⌊(H + 2p_h − d_h(kh − 1) − 1) / s_h⌋ + 1. */
  outHeight: number;
  /** Output width, ⌊(W + 2p_w − d_w(kw − 1) − 1) / s_w⌋ + 1. */
  outWidth: number;
}

/**
 * What conv2d does to each output before storing it, fused into the store so that no second pass
 * (and no second array) is needed: y = scale[o]·(Σ x ⋆ w) + shift[o], then max(0, y) when `relu`.
 * With shift = b this is the layer's bias; with scale = γ/√(σ² + ε) and shift = (b − μ)·scale + β it
 * is an evaluation-mode batch normalization folded into the convolution. A null scale means 1, a
 * null shift 0. Both have one entry per output channel.
 */
export interface ChannelEpilogue {
  /** Per-output-channel factor (null: 1). */
  scale: Float64Array | null;
  /** Per-output-channel offset, added after the scale (null: 0). */
  shift: Float64Array | null;
  /** Apply max(0, y) after scale and shift. */
  relu: boolean;
}

/** The geometry of one 2-D pooling window sweep in NCHW. */
export interface Pool2dGeometry {
  /** N, the images in the batch. */
  batch: number;
  /** C, the channels (pooling keeps them apart). */
  channels: number;
  /** H, the input's height. */
  inHeight: number;
  /** W, the input's width. */
  inWidth: number;
  /** The window's height. */
  kernelHeight: number;
  /** The window's width. */
  kernelWidth: number;
  /** Vertical stride. */
  strideHeight: number;
  /** Horizontal stride. */
  strideWidth: number;
  /** Padding rows above and below. */
  padHeight: number;
  /** Padding columns left and right. */
  padWidth: number;
  /** Output height. */
  outHeight: number;
  /** Output width. */
  outWidth: number;
}

/**
 * The primitive kernels a backend provides. Everything else in Nabla is composed from these and
 * from plain loops, so a new backend (gpu.js) implements only this list. Kernels receive
 * contiguous row-major buffers whose sizes the caller has already checked, and write into `out`.
 */
export interface Backend {
  /** Registry name: 'cpu', 'gpu'. */
  readonly name: string;
  /** What really runs, reported honestly: 'TypeScript', or the gpu.js kernel class ('WebGL2Kernel'). */
  readonly kernel: string;
  /** Whether this backend computes in the given precision; float64 work goes to the cpu reference otherwise. */
  supportsFloat64: boolean;

  /** out[m×n] = op(A)·op(B), where A is m×k (k×m if transA) and B is k×n (n×k if transB). */
  matmul(
    a: FloatArray,
    b: FloatArray,
    out: FloatArray,
    m: number,
    k: number,
    n: number,
    transA: boolean,
    transB: boolean,
  ): void;
  /**
   * out[N,Co,Ho,Wo] = Σ x ⋆ w (cross-correlation, as every framework computes "convolution"), then
   * the epilogue, if any (bias, a folded batch normalization, ReLU).
   */
  conv2d(x: FloatArray, w: FloatArray, out: FloatArray, g: Conv2dGeometry, epilogue?: ChannelEpilogue): void;
  /** dx[N,Ci,H,W] = the transpose of conv2d applied to dy (gradient to the input). */
  conv2dBackwardInput(dy: FloatArray, w: FloatArray, dx: FloatArray, g: Conv2dGeometry): void;
  /** dw[Co,Ci/groups,kh,kw] = Σ over batch and positions of dy ⊗ x patches (gradient to the filter). */
  conv2dBackwardFilter(x: FloatArray, dy: FloatArray, dw: FloatArray, g: Conv2dGeometry): void;
  /** Max over each window; `argmax` keeps the flat input index of each winner for the backward pass. */
  maxPool2d(x: FloatArray, out: FloatArray, argmax: Int32Array, g: Pool2dGeometry): void;
  /** dx[argmax[i]] += dy[i]. */
  maxPool2dBackward(dy: FloatArray, argmax: Int32Array, dx: FloatArray, g: Pool2dGeometry): void;
  /** Mean over each window (padding counted when `countIncludePad`, as Matlab and Caffe do). */
  avgPool2d(x: FloatArray, out: FloatArray, g: Pool2dGeometry, countIncludePad: boolean): void;
  /** dx += each dy spread evenly over its window (the gradient of the mean). */
  avgPool2dBackward(dy: FloatArray, dx: FloatArray, g: Pool2dGeometry, countIncludePad: boolean): void;
  /** Releases whatever the backend holds (GPU textures); a no-op on the cpu. */
  dispose?(): void;
}

const registry = new Map<string, () => Backend>([['cpu', createCpuBackend]]);
const instances = new Map<string, Backend>();
let current: Backend | null = null;
let cpuReference: Backend | null = null;

/** Makes a backend selectable by name. The factory runs on first use. */
export function registerBackend(name: string, factory: () => Backend): void {
  registry.set(name, factory);
  instances.delete(name);
}

function instance(name: string): Backend {
  let b = instances.get(name);
  if (!b) {
    const factory = registry.get(name);
    if (!factory) {
      throw new ValueError(
        'setBackend',
        `unknown backend '${name}'; registered: ${[...registry.keys()].join(', ')}`,
      );
    }
    b = factory();
    instances.set(name, b);
  }
  return b;
}

/** Chooses the backend every later kernel call runs on. Returns it, so callers can report `kernel`. */
export function setBackend(name: string): Backend {
  current = instance(name);
  return current;
}

/** The backend in use ('cpu' unless another was set). */
export function getBackend(): Backend {
  if (!current) current = instance('cpu');
  return current;
}

/** The pure-TypeScript reference backend, whatever is selected. */
export function cpuBackend(): Backend {
  if (!cpuReference) cpuReference = instance('cpu');
  return cpuReference;
}

/** The names of the backends registered so far ('cpu' always, then e.g. 'cpu-parallel', 'gpu'). */
export function registeredBackends(): string[] {
  return [...registry.keys()];
}

/** The backend for a kernel on this dtype: float64 always runs on the cpu reference unless the backend supports it. */
export function backendFor(data: FloatArray): Backend {
  const b = getBackend();
  if (data instanceof Float64Array && !b.supportsFloat64) return cpuBackend();
  return b;
}
