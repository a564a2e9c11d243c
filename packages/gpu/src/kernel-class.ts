import * as gpujs from 'gpu.js';

/** The gpu.js kernel classes, by the name gpu.js gives them. */
export type KernelClass =
  | 'WebGL2Kernel'
  | 'WebGLKernel'
  | 'HeadlessGLKernel'
  | 'WebGPUKernel'
  | 'WebAssemblyKernel'
  | 'CPUKernel';

/** The classes that run on a real GL or WebGPU context (even a software one such as SwiftShader or llvmpipe). */
export const GPU_KERNEL_CLASSES: readonly KernelClass[] = [
  'WebGL2Kernel',
  'WebGLKernel',
  'HeadlessGLKernel',
  'WebGPUKernel',
];

// Identity, not `constructor.name`: a minifying bundler renames classes, and HeadlessGLKernel
// extends WebGLKernel, so `instanceof` would also misreport it.
// (gpu.js 2.24.1's typings omit WebGPUKernel and WebAssemblyKernel, though the module exports them.)
const exported = gpujs as unknown as Record<KernelClass, unknown>;
const CLASSES: ReadonlyArray<readonly [unknown, KernelClass]> = (
  [
    'WebGL2Kernel',
    'WebGLKernel',
    'HeadlessGLKernel',
    'WebGPUKernel',
    'WebAssemblyKernel',
    'CPUKernel',
  ] as const
).map((name) => [exported[name], name] as const);

/**
 * The class of the kernel a gpu.js run shortcut holds *now*. gpu.js swaps the inner kernel for a
 * CPUKernel when a build fails, without a word, so this is read after each first run, not before.
 */
export function kernelClassOf(shortcut: { kernel: unknown }): string {
  const inner = shortcut.kernel as { constructor: unknown } | null | undefined;
  if (!inner) return 'none';
  for (const [ctor, name] of CLASSES) if (inner.constructor === ctor) return name;
  return (inner.constructor as { name?: string }).name ?? 'unknown';
}

/** Whether a kernel class runs on a real GL or WebGPU context rather than a CPU fallback. */
export function isGpuKernelClass(name: string): boolean {
  return (GPU_KERNEL_CLASSES as readonly string[]).includes(name);
}
