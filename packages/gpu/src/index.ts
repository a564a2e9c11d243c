/**
 * @nabla/gpu — gpu.js kernels for matmul and conv2d (forward, backward to the input, backward to
 * the filter) registered as a Nabla Backend. It reports the gpu.js kernel class that really runs
 * (gpu.js falls back to WebAssembly or JavaScript without a word), and a strict mode refuses a
 * fallback. The only package of Nabla that imports gpu.js; nothing else depends on it.
 */
export { type AutoChoice, autoBackend } from './auto-backend.js';
export { GpuFallbackError } from './errors.js';
export {
  createGpuBackend,
  GPU_PLACEMENT,
  type GpuBackend,
  type GpuBackendOptions,
  type GpuMode,
  type Placement,
} from './gpu-backend.js';
export { GPU_KERNEL_CLASSES, isGpuKernelClass, type KernelClass, kernelClassOf } from './kernel-class.js';
export { registerGpuBackend } from './register.js';
