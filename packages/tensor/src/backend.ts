import { createCpuBackend } from './cpu/index.js';
import { ValueError } from './errors.js';
import { createWasmBackend } from './wasm/index.js';
import { wasmSimdSupport } from './wasm/simd.js';

export type FloatArray = Float32Array | Float64Array;

/** The geometry of one 2-D convolution in NCHW, resolved and validated by `conv2d`. */
export interface Conv2dGeometry {
  batch: number;
  inChannels: number;
  inHeight: number;
  inWidth: number;
  outChannels: number;
  kernelHeight: number;
  kernelWidth: number;
  strideHeight: number;
  strideWidth: number;
  padHeight: number;
  padWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  groups: number;
  outHeight: number;
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
  scale: Float64Array | null;
  shift: Float64Array | null;
  relu: boolean;
}

/** The geometry of one 2-D pooling window sweep in NCHW. */
export interface Pool2dGeometry {
  batch: number;
  channels: number;
  inHeight: number;
  inWidth: number;
  kernelHeight: number;
  kernelWidth: number;
  strideHeight: number;
  strideWidth: number;
  padHeight: number;
  padWidth: number;
  outHeight: number;
  outWidth: number;
}

/**
 * The primitive kernels a backend provides. Everything else in Nabla is composed from these and
 * from plain loops, so a new backend (gpu.js) implements only this list. Kernels receive
 * contiguous row-major buffers whose sizes the caller has already checked, and write into `out`.
 */
export interface Backend {
  /** Registry name: 'cpu', 'wasm', 'gpu'. */
  readonly name: string;
  /** What really runs, reported honestly: 'TypeScript', 'WebAssembly SIMD …', or the gpu.js kernel class ('WebGL2Kernel'). */
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
  avgPool2dBackward(dy: FloatArray, dx: FloatArray, g: Pool2dGeometry, countIncludePad: boolean): void;
  /** Releases whatever the backend holds (GPU textures); a no-op on the cpu. */
  dispose?(): void;
}

const registry = new Map<string, () => Backend>([
  ['cpu', createCpuBackend],
  ['wasm', createWasmBackend],
]);
const instances = new Map<string, Backend>();
let current: Backend | null = null;
let cpuReference: Backend | null = null;

/** Which backend runs and why, in a sentence: what `getBackend()`, the CLI and metrics.json report. */
export interface BackendSelection {
  name: string;
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
  if (name === 'auto') {
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

/** The pure-TypeScript reference backend, whatever is selected. */
export function cpuBackend(): Backend {
  if (!cpuReference) cpuReference = instance('cpu');
  return cpuReference;
}

export function registeredBackends(): string[] {
  return [...registry.keys()];
}

/** The backend for a kernel on this dtype: float64 always runs on the cpu reference unless the backend supports it. */
export function backendFor(data: FloatArray): Backend {
  const b = getBackend();
  if (data instanceof Float64Array && !b.supportsFloat64) return cpuBackend();
  return b;
}
