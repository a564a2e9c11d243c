import type { Backend } from '../backend.js';
import { createCpuBackend } from '../cpu/index.js';
import {
  batchNormBackwardInputWasm,
  batchNormBackwardSumsWasm,
  batchNormForwardWasm,
  batchNormStatisticsWasm,
} from './batch-norm.js';
import { reluBackwardWasm, reluWasm, sumChannelsWasm } from './elementwise.js';
import { maxPool2dWasm } from './pool.js';
import {
  allFloat32,
  conv2dBackwardFilterWasm,
  conv2dBackwardInputWasm,
  conv2dWasm,
  kernelInstance,
  matmulRowsWasm,
} from './kernels.js';

/** What `kernel` reports for the wasm backend. */
export const WASM_KERNEL = 'WebAssembly SIMD f32x4';

/**
 * The wasm backend: matmul and the three convolution kernels run on 128-bit WebAssembly SIMD
 * (assembly/*.ts, compiled by AssemblyScript at build time and embedded in the package), and so
 * does the fused convolution's epilogue (bias, folded batch norm, ReLU) before the output is copied
 * out; so do batch normalization's four passes (f32x4 arithmetic, float64 sums), ReLU and its
 * gradient, the per-channel sums of the bias gradients, and max pooling (2×2/2 four windows at a
 * time). Float64 work, average pooling and the max-pool gradient (a scatter through argmax) run on
 * the TypeScript kernels. Creating it compiles and instantiates the module, so a
 * host without WebAssembly SIMD fails here (and `auto` selection falls back to 'cpu', saying why).
 */
export function createWasmBackend(): Backend {
  kernelInstance();
  const cpu = createCpuBackend();
  return {
    ...cpu,
    name: 'wasm',
    kernel: WASM_KERNEL,
    supportsFloat64: false,
    matmul(a, b, out, m, k, n, transA, transB) {
      if (!allFloat32(a, b, out)) return cpu.matmul(a, b, out, m, k, n, transA, transB);
      matmulRowsWasm(
        a as Float32Array,
        b as Float32Array,
        out as Float32Array,
        m,
        k,
        n,
        transA,
        transB,
        0,
        m,
      );
    },
    conv2d(x, w, out, g) {
      if (!allFloat32(x, w, out)) return cpu.conv2d(x, w, out, g);
      conv2dWasm(x as Float32Array, w as Float32Array, out as Float32Array, g);
    },
    fusedConv2d(x, w, out, g, epilogue) {
      if (!allFloat32(x, w, out)) return cpu.fusedConv2d!(x, w, out, g, epilogue);
      conv2dWasm(x as Float32Array, w as Float32Array, out as Float32Array, g, epilogue);
    },
    conv2dBackwardInput(dy, w, dx, g) {
      if (!allFloat32(dy, w, dx)) return cpu.conv2dBackwardInput(dy, w, dx, g);
      conv2dBackwardInputWasm(dy as Float32Array, w as Float32Array, dx as Float32Array, g);
    },
    maxPool2d(x, out, argmax, g) {
      if (!allFloat32(x, out)) return cpu.maxPool2d(x, out, argmax, g);
      maxPool2dWasm(x as Float32Array, out as Float32Array, argmax, g);
    },
    relu(x, y) {
      if (!allFloat32(x, y)) return cpu.relu!(x, y);
      reluWasm(x as Float32Array, y as Float32Array);
    },
    reluBackward(dy, x, dx) {
      if (!allFloat32(dy, x, dx)) return cpu.reluBackward!(dy, x, dx);
      reluBackwardWasm(dy as Float32Array, x as Float32Array, dx as Float32Array);
    },
    sumChannels(x, g, out) {
      if (!allFloat32(x)) return cpu.sumChannels!(x, g, out);
      sumChannelsWasm(x as Float32Array, g, out);
    },
    batchNormStatistics(x, g, mean, variance) {
      if (!allFloat32(x)) return cpu.batchNormStatistics!(x, g, mean, variance);
      batchNormStatisticsWasm(x as Float32Array, g, mean, variance);
    },
    batchNormForward(x, out, g, mean, scale, shift) {
      if (!allFloat32(x, out)) return cpu.batchNormForward!(x, out, g, mean, scale, shift);
      batchNormForwardWasm(x as Float32Array, out as Float32Array, g, mean, scale, shift);
    },
    batchNormBackwardSums(dy, x, g, mean, sumDy, sumDyXc) {
      if (!allFloat32(dy, x)) return cpu.batchNormBackwardSums!(dy, x, g, mean, sumDy, sumDyXc);
      batchNormBackwardSumsWasm(dy as Float32Array, x as Float32Array, g, mean, sumDy, sumDyXc);
    },
    batchNormBackwardInput(dy, x, dx, g, mean, dyScale, xScale, shift) {
      if (!allFloat32(dy, x, dx))
        return cpu.batchNormBackwardInput!(dy, x, dx, g, mean, dyScale, xScale, shift);
      batchNormBackwardInputWasm(
        dy as Float32Array,
        x as Float32Array,
        dx as Float32Array,
        g,
        mean,
        dyScale,
        xScale,
        shift,
      );
    },
    conv2dBackwardFilter(x, dy, dw, g) {
      if (!allFloat32(x, dy, dw)) return cpu.conv2dBackwardFilter(x, dy, dw, g);
      conv2dBackwardFilterWasm(x as Float32Array, dy as Float32Array, dw as Float32Array, g);
    },
  };
}
