import { createCpuBackend } from './cpu/index.js';
import { ValueError } from './errors.js';
import { composedFusedConv2d, createReferenceBackend, referenceKernels } from './reference/index.js';
import { createWasmBackend } from './wasm/index.js';
import { wasmSimdSupport } from './wasm/simd.js';

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
 * What a fused convolution does to each output before storing it: y = scale[o]·(Σ x ⋆ w) + shift[o],
 * then max(0, y) when `relu`. With shift = b this is the layer's bias; with scale = γ/√(σ² + ε) and
 * shift = (b − μ)·scale + β it is an evaluation-mode batch normalization folded into the
 * convolution. A null scale means 1, a null shift 0. Both have one entry per output channel.
 */
export interface ChannelEpilogue {
  /** Per-output-channel factor (null: 1). */
  scale: Float64Array | null;
  /** Per-output-channel offset, added after the scale (null: 0). */
  shift: Float64Array | null;
  /** Apply max(0, y) after scale and shift. */
  relu: boolean;
}

/**
 * An [N, C, plane] buffer seen per channel: batch normalization's layout for [N, C] (plane = 1)
 * and for [N, C, H, W] (plane = H·W). Channel c of image n is the run [(n·C + c)·plane, +plane).
 */
export interface ChannelGeometry {
  /** N, the images (or rows) in the batch. */
  batch: number;
  /** C, the channels: one mean and variance each. */
  channels: number;
  /** The values per channel of one image: H·W for [N, C, H, W], 1 for [N, C]. */
  plane: number;
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
 * from plain loops, so a new backend implements only the required list. Kernels receive contiguous
 * row-major buffers whose sizes the caller has already checked, and write into `out`.
 *
 * The optional members are capabilities: a backend that has a faster way (a fused store, SIMD, a
 * branch-free loop) provides them; one that does not leaves them out, and the caller runs the
 * reference definition instead (see `kernelOf()`), which for `fusedConv2d` is the composition of
 * `conv2d` with the batch-norm and ReLU passes. Every optional kernel has its reference in
 * `reference/`, and every backend is property-checked against the reference (`@nabla/tensor/testing`).
 */
export interface Backend {
  /** Registry name: 'reference', 'cpu', 'cpu-parallel', 'wasm', 'wasm-parallel', 'gpu'. */
  readonly name: string;
  /** What really runs, reported honestly: 'TypeScript', 'WebAssembly SIMD …', or the gpu.js kernel class ('WebGL2Kernel'). */
  readonly kernel: string;
  /** Whether this backend computes in the given precision; float64 work goes to the cpu backend otherwise. */
  supportsFloat64: boolean;

  // #region backend-required
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
  /** out[N,Co,Ho,Wo] = Σ x ⋆ w (cross-correlation, as every framework computes "convolution"); no bias. */
  conv2d(x: FloatArray, w: FloatArray, out: FloatArray, g: Conv2dGeometry): void;
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
  // #endregion backend-required

  /** Optional: conv2d with the epilogue applied in its store. Default: conv2d, batchNormForward, relu. */
  fusedConv2d?(
    x: FloatArray,
    w: FloatArray,
    out: FloatArray,
    g: Conv2dGeometry,
    epilogue: ChannelEpilogue,
  ): void;
  /** Optional: out = max(0, x); a NaN passes through, −0 becomes +0. `out` may be `x`. */
  relu?(x: FloatArray, out: FloatArray): void;
  /** Optional: dx = dy where x > 0, else 0 (a NaN or zero input passes no gradient). */
  reluBackward?(dy: FloatArray, x: FloatArray, dx: FloatArray): void;
  /** Optional: per channel, mean = (1/m) Σ x and variance = (1/m) Σ (x − mean)², m = batch·plane. */
  batchNormStatistics?(x: FloatArray, g: ChannelGeometry, mean: Float64Array, variance: Float64Array): void;
  /** Optional: out = (x − mean[c])·scale[c] + shift[c]. `out` may be `x`. */
  batchNormForward?(
    x: FloatArray,
    out: FloatArray,
    g: ChannelGeometry,
    mean: Float64Array,
    scale: Float64Array,
    shift: Float64Array,
  ): void;
  /** Optional: per channel, sumDy = Σ dy and sumDyXc = Σ dy·(x − mean). */
  batchNormBackwardSums?(
    dy: FloatArray,
    x: FloatArray,
    g: ChannelGeometry,
    mean: Float64Array,
    sumDy: Float64Array,
    sumDyXc: Float64Array,
  ): void;
  /** Optional: dx = dy·dyScale[c] − (x − mean[c])·xScale[c] − shift[c]. */
  batchNormBackwardInput?(
    dy: FloatArray,
    x: FloatArray,
    dx: FloatArray,
    g: ChannelGeometry,
    mean: Float64Array,
    dyScale: Float64Array,
    xScale: Float64Array,
    shift: Float64Array,
  ): void;
  /** Optional: out[c] = Σ_n Σ_k x[n, c, k], the sum over all but the channel axis (a bias gradient). */
  sumChannels?(x: FloatArray, g: ChannelGeometry, out: Float64Array): void;
  /** Releases whatever the backend holds (GPU textures); a no-op on the cpu. */
  dispose?(): void;
}

/** The optional kernels, which `kernelOf()` completes from the reference. */
export type OptionalKernel =
  | 'fusedConv2d'
  | 'relu'
  | 'reluBackward'
  | 'batchNormStatistics'
  | 'batchNormForward'
  | 'batchNormBackwardSums'
  | 'batchNormBackwardInput'
  | 'sumChannels';

const registry = new Map<string, () => Backend>([
  ['cpu', createCpuBackend],
  ['reference', createReferenceBackend],
  ['wasm', createWasmBackend],
]);
const instances = new Map<string, Backend>();
let current: Backend | null = null;
let cpuInstance: Backend | null = null;
let referenceInstance: Backend | null = null;

/** Which backend runs and why, in a sentence: what `getBackend()`, the CLI and metrics.json report. */
export interface BackendSelection {
  /** The selected backend's registered name ('cpu', 'reference', 'wasm', 'gpu', …). */
  name: string;
  /** Why it was selected (or why a requested one was not), in a sentence. */
  reason: string;
}
let selection: BackendSelection | null = null;

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
        `unknown backend '${name}'; registered: ${[...registry.keys()].join(', ')}, auto`,
      );
    }
    b = factory();
    instances.set(name, b);
  }
  return b;
}

/**
 * The automatic choice: the wasm backend where WebAssembly SIMD is available (feature-detected by
 * validating a tiny SIMD module, then compiling the kernels), else the TypeScript `cpu` kernels.
 * The fallback is never silent: `backendSelection()` says why it happened.
 */
function automatic(): Backend {
  const simd = wasmSimdSupport();
  if (simd.ok) {
    try {
      const b = instance('wasm');
      selection = { name: 'wasm', reason: `automatic: ${simd.reason}` };
      return b;
    } catch (e) {
      selection = {
        name: 'cpu',
        reason: `automatic: the wasm kernels failed to start (${(e as Error).message}); the TypeScript kernels run`,
      };
    }
  } else selection = { name: 'cpu', reason: `automatic: ${simd.reason}; the TypeScript kernels run` };
  return instance('cpu');
}

/**
 * Chooses the backend every later kernel call runs on: a registered name ('cpu', 'wasm', …) or
 * 'auto' (wasm where WebAssembly SIMD exists, else cpu). Returns it, so callers can report `kernel`.
 */
export function setBackend(name: string): Backend {
  if (name === 'auto' && !registry.has('auto')) {
    // The tensor package's own choice; @nabla/gpu's registerGpuBackend() registers an 'auto' that
    // also considers the GPU, and then that one runs.
    current = automatic();
    return current;
  }
  current = instance(name);
  selection = { name: current.name, reason: `set with setBackend('${name}')` };
  return current;
}

/** The backend in use: the automatic choice (wasm where SIMD exists, else cpu) unless another was set. */
export function getBackend(): Backend {
  if (!current) current = automatic();
  return current;
}

/** Which backend runs and why (the automatic choice's reason, or that it was set by name). */
export function backendSelection(): BackendSelection {
  const b = getBackend();
  return selection && selection.name === b.name ? selection : { name: b.name, reason: 'selected' };
}

/** The fast TypeScript backend, whatever is selected: where float64 work goes when a backend lacks it. */
export function cpuBackend(): Backend {
  if (!cpuInstance) cpuInstance = instance('cpu');
  return cpuInstance;
}

/** The reference backend (every kernel as its textbook definition), whatever is selected: the oracle. */
export function referenceBackend(): Backend {
  if (!referenceInstance) referenceInstance = instance('reference');
  return referenceInstance;
}

/** The names of the backends registered so far ('cpu' always, then e.g. 'cpu-parallel', 'gpu'). */
export function registeredBackends(): string[] {
  return [...registry.keys()];
}

/** The backend for a kernel on this dtype: float64 runs on the cpu backend unless the selected one supports it. */
export function backendFor(data: FloatArray): Backend {
  const b = getBackend();
  if (data instanceof Float64Array && !b.supportsFloat64) return cpuBackend();
  return b;
}

/** Which optional kernels `b` provides itself, and which run as their reference definitions (for reports). */
export function optionalKernels(b: Backend): {
  /** The optional kernels `b` implements itself. */
  own: OptionalKernel[];
  /** The optional kernels that run as their reference definitions on `b`. */
  reference: OptionalKernel[];
} {
  const all: OptionalKernel[] = ['fusedConv2d', ...(Object.keys(referenceKernels) as OptionalKernel[])];
  const own = all.filter((k) => typeof b[k] === 'function');
  return { own, reference: all.filter((k) => !own.includes(k)) };
}

// #region kernel-of
/**
 * An optional kernel of `b`: its own when it has one, else the reference definition (for
 * `fusedConv2d`, the composition of b's own conv2d with the batch-norm and ReLU passes).
 */
export function kernelOf<K extends OptionalKernel>(b: Backend, name: K): NonNullable<Backend[K]> {
  const own = b[name] as ((...args: never[]) => void) | undefined;
  if (own) return own.bind(b) as NonNullable<Backend[K]>;
  if (name === 'fusedConv2d') return composedFusedConv2d(b) as NonNullable<Backend[K]>;
  return referenceKernels[name as Exclude<OptionalKernel, 'fusedConv2d'>] as NonNullable<Backend[K]>;
}
// #endregion kernel-of
