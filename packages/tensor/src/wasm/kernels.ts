import type { ChannelEpilogue, Conv2dGeometry, FloatArray } from '../backend.js';
import { KernelInstance } from './instance.js';

/**
 * The float32 kernels of the wasm backend on this thread's instance: each copies its operands into
 * the instance's memory, runs the SIMD kernel there and copies the result out. The copies are
 * O(inputs + outputs) against the kernels' O(multiply-adds): about 1–3% of a 1024² product or a
 * LeNet convolution (see bench/README.md for the measured figures).
 */
let shared: KernelInstance | null = null;

/** This thread's kernel instance (created, and the module compiled, on first use). */
export function kernelInstance(): KernelInstance {
  if (!shared) shared = new KernelInstance();
  return shared;
}

/**
 * Rows [r0, r1) of out (m×n) = op(A)·op(B), A m×k (k×m if transA), B k×n (n×k if transB). Each
 * entry is the same sum as in the unsplit product (see assembly/gemm.ts), so a product split by rows
 * over threads is bit-identical to one thread's.
 */
export function matmulRowsWasm(
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
  r0: number,
  r1: number,
): void {
  const w = kernelInstance();
  const e = w.exports;
  w.reset();
  const scratch = w.alloc(e.gemmScratchBytes());
  const pa = w.put(a);
  const pb = w.put(b);
  const rows = r1 - r0;
  const pc = w.alloc(rows * n * 4);
  const ais = transA ? 1 : k;
  const aps = transA ? m : 1;
  e.gemm(rows, n, k, pa + r0 * ais * 4, ais, aps, pb, transB ? 1 : n, transB ? k : 1, pc, n, 0, scratch);
  out.set(w.floats(pc, rows * n), r0 * n);
}

function setGeometry(w: KernelInstance, g: Conv2dGeometry): void {
  w.exports.setGeometry(
    g.batch,
    g.inChannels,
    g.inHeight,
    g.inWidth,
    g.outChannels,
    g.kernelHeight,
    g.kernelWidth,
    g.strideHeight,
    g.strideWidth,
    g.padHeight,
    g.padWidth,
    g.dilationHeight,
    g.dilationWidth,
    g.groups,
    g.outHeight,
    g.outWidth,
  );
}

type ConvKernel = 'conv2dForward' | 'conv2dBackwardInput' | 'conv2dBackwardFilter';

/**
 * Runs one of the three convolution kernels over the whole batch of `g`: out ← kernel(p, q), then
 * (forward only) the epilogue on the output while it is still in the module's memory.
 */
function convolve(
  kernel: ConvKernel,
  p: Float32Array,
  q: Float32Array,
  out: Float32Array,
  g: Conv2dGeometry,
  epilogue?: ChannelEpilogue,
) {
  const w = kernelInstance();
  w.reset();
  setGeometry(w, g);
  const e = w.exports;
  const scratch = w.alloc(e.gemmScratchBytes());
  const cols = w.alloc(e.colsBytes());
  const pp = w.put(p);
  const pq = w.put(q);
  const po = w.alloc(out.length * 4);
  e[kernel](pp, pq, po, 0, g.batch, cols, scratch);
  if (epilogue && (epilogue.scale || epilogue.shift || epilogue.relu)) {
    const scale = epilogue.scale ? w.put(epilogue.scale) : 0;
    const shift = epilogue.shift ? w.put(epilogue.shift) : 0;
    const plane = g.outHeight * g.outWidth;
    e.channelAffine(po, g.batch, g.outChannels, plane, scale, shift, epilogue.relu ? 1 : 0);
  }
  out.set(w.floats(po, out.length));
}

/**
 * out[N,Co,Ho,Wo] = Σ x ⋆ w, then, with an epilogue, y = scale[o]·y + shift[o] and ReLU in float32
 * (scale and shift rounded to float32: three more roundings than the convolution's sum).
 */
export function conv2dWasm(
  x: Float32Array,
  w: Float32Array,
  out: Float32Array,
  g: Conv2dGeometry,
  epilogue?: ChannelEpilogue,
): void {
  convolve('conv2dForward', x, w, out, g, epilogue);
}

/** dx = the transpose of the convolution applied to dy. */
export function conv2dBackwardInputWasm(
  dy: Float32Array,
  w: Float32Array,
  dx: Float32Array,
  g: Conv2dGeometry,
): void {
  convolve('conv2dBackwardInput', dy, w, dx, g);
}

/** dw = Σ over the batch of dY·X̂ᵀ. */
export function conv2dBackwardFilterWasm(
  x: Float32Array,
  dy: Float32Array,
  dw: Float32Array,
  g: Conv2dGeometry,
): void {
  convolve('conv2dBackwardFilter', x, dy, dw, g);
}

/** Whether every array is float32 (the wasm kernels' only type; anything else runs on the cpu kernels). */
export function allFloat32(...arrays: FloatArray[]): boolean {
  return arrays.every((a) => a instanceof Float32Array);
}
