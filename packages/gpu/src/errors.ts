/**
 * Thrown by a strict gpu backend when gpu.js would run (or did run) a kernel on a CPU fallback
 * (WebAssemblyKernel, CPUKernel) instead of a real GL or WebGPU context. It names the op, the
 * kernel classes that were acceptable and the one gpu.js actually chose, and gpu.js's own reason.
 */
export class GpuFallbackError extends Error {
  /** 'GpuFallbackError'. */
  override name = 'GpuFallbackError';
  constructor(
    /** The op whose kernel fell back. */
    readonly op: string,
    /** The kernel classes that count as running on a GPU. */
    readonly expected: readonly string[],
    /** The kernel class gpu.js chose. */
    readonly actual: string,
    reason?: string,
  ) {
    super(
      `${op}: strict gpu backend expected a kernel of class ${expected.join(' or ')}, got ${actual}` +
        (reason ? ` (${reason})` : ''),
    );
  }
}
