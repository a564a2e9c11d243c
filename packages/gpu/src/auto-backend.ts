import { type Backend, createCpuBackend } from '@nabla/tensor';
import { createGpuBackend, type GpuMode } from './gpu-backend.js';
import { isGpuKernelClass } from './kernel-class.js';

export interface AutoChoice {
  /** The backend chosen: the gpu.js one, or the cpu backend. */
  readonly backend: Backend;
  readonly name: 'gpu' | 'cpu';
  /** The kernel class that will run: 'WebGL2Kernel', or 'TypeScript' for the cpu backend. */
  readonly kernel: string;
  /** Why, in a sentence a person can act on. */
  readonly reason: string;
}

/**
 * Chooses the gpu.js backend only when its probe kernel ran on a real GL or WebGPU context;
 * otherwise the pure-TypeScript cpu backend (gpu.js's own fallbacks, WebAssembly and
 * transpiled JavaScript, are not what a person asking for a GPU means). Says which, and why.
 */
export function autoBackend(options: { mode?: GpuMode | undefined } = {}): AutoChoice {
  const cpu = (reason: string): AutoChoice => ({
    backend: createCpuBackend(),
    name: 'cpu',
    kernel: 'TypeScript',
    reason,
  });
  let gpu: ReturnType<typeof createGpuBackend>;
  try {
    gpu = createGpuBackend({ mode: options.mode ?? 'gpu' });
  } catch (e) {
    return cpu(`gpu.js could not start: ${(e as Error).message}`);
  }
  const cls = gpu.kernel;
  if (isGpuKernelClass(cls)) {
    return {
      backend: gpu,
      name: 'gpu',
      kernel: cls,
      reason: `gpu.js compiled and ran a ${cls} on a real context`,
    };
  }
  gpu.dispose();
  return cpu(
    `no GL or WebGPU context: gpu.js would have run ${cls}, a CPU fallback, so the cpu backend runs instead`,
  );
}
