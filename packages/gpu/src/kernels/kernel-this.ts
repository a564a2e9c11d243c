/**
 * What `this` holds inside a gpu.js kernel function: the thread's position in the output and the
 * constants it was compiled with. gpu.js parses the function's source and translates it to GLSL,
 * WGSL or WebAssembly, so a kernel body may use only what gpu.js can translate: numbers,
 * arithmetic, `Math.*`, `if`, `for` with constant bounds, and reads of its array arguments.
 *
 * Every kernel here writes a flat output (one thread per output element, `thread.x` the flat
 * index) and splits that index with `Math.floor((index + 0.5) / size)`: shader division of two
 * integer-valued floats may return 2.9999 for 9 / 3, and the half keeps the floor on the right side.
 */
export interface KernelThis<Constants> {
  readonly thread: { readonly x: number; readonly y: number; readonly z: number };
  readonly constants: Constants;
}
