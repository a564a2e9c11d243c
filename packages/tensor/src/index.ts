/**
 * @nabla/tensor — n-dimensional arrays on typed arrays, and the kernels everything else is built on.
 * No Node built-ins: this package runs unchanged in a browser.
 */
import './cpu/index.js';

export {
  type Backend,
  backendFor,
  type BackendSelection,
  backendSelection,
  type ChannelEpilogue,
  type ChannelGeometry,
  type Conv2dGeometry,
  cpuBackend,
  type FloatArray,
  getBackend,
  kernelOf,
  optionalKernels,
  type OptionalKernel,
  type Pool2dGeometry,
  referenceBackend,
  registerBackend,
  registeredBackends,
  setBackend,
} from './backend.js';
export {
  batchNormBackwardInput,
  batchNormBackwardSums,
  batchNormForward,
  batchNormStatistics,
  channelGeometry,
} from './batch-norm.js';
export {
  type Conv2dOptions,
  type ConvEpilogue,
  col2im,
  conv2d,
  conv2dBackwardFilter,
  conv2dBackwardInput,
  conv2dGeometry,
  fusedConv2d,
  im2col,
  type Pair,
} from './conv.js';
export { createCpuBackend } from './cpu/index.js';
export { type KernelJob, runKernelJob } from './cpu/kernelJob.js';
export { createParallelCpuBackend, type KernelWorker, type ParallelOptions } from './cpu/parallel.js';
export { releaseScratch, scratchBytes } from './cpu/scratch.js';
export { createWasmBackend, WASM_KERNEL } from './wasm/index.js';
export { wasmSimdSupport } from './wasm/simd.js';
export * from './creation.js';
export { allocate, DTYPES, type DType, dtypeOf, floatType, promote, type TypedArray } from './dtype.js';
export * from './elementwise.js';
export { FormatError, formatShape, ShapeError, ValueError } from './errors.js';
export { assign, concat, pad, stack } from './join.js';
export { type MatmulOptions, matmul } from './matmul.js';
export { copyStrided, NDArray, type NestedArray, writeStrided } from './ndarray.js';
export {
  type AvgPool2dOptions,
  avgPool2d,
  avgPool2dBackward,
  maxPool2d,
  maxPool2dBackward,
  type Pool2dOptions,
  pool2dGeometry,
} from './pool.js';
export { defaultGenerator, manualSeed, Random } from './random.js';
export * from './reduce.js';
export { createReferenceBackend } from './reference/index.js';
export { broadcastShapes, checkShape, contiguousStrides, normalizeAxis, sameShape, sizeOf } from './shape.js';
