/**
 * Thrown by a strict gpu backend when gpu.js would run (or did run) a kernel on a CPU fallback
 * (WebAssemblyKernel, CPUKernel) instead of a real GL or WebGPU context. It names the op, the
 * kernel classes that were acceptable and the one gpu.js actually chose, and gpu.js's own reason.
 */
export class GpuFallbackError extends Error {
  override name = 'GpuFallbackError';
  constructor(
    readonly op: string,
    readonly expected: readonly string[],
    readonly actual: string,
    reason?: string,
  ) {
    super(
      `${op}: strict gpu backend expected a kernel of class ${expected.join(' or ')}, got ${actual}` +
        (reason ? ` (${reason})` : ''),
    );
  }
}
