import { registerBackend } from '@nabla/tensor';
import { autoBackend } from './auto-backend.js';
import { createGpuBackend, type GpuBackendOptions } from './gpu-backend.js';

/**
 * Makes `setBackend('gpu')` use a gpu.js backend built with these options, and `setBackend('auto')`
 * pick it only where it runs on a real GL or WebGPU context (the cpu backend otherwise).
 * The backend is built, and its probe kernel compiled, on the first `setBackend`.
 */
export function registerGpuBackend(options: GpuBackendOptions = {}): void {
  registerBackend('gpu', () => createGpuBackend(options));
  registerBackend('auto', () => autoBackend({ mode: options.mode }).backend);
}
