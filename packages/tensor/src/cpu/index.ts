import type { Backend } from '../backend.js';
import {
  batchNormBackwardInputCpu,
  batchNormBackwardSumsCpu,
  batchNormForwardCpu,
  batchNormStatisticsCpu,
} from './batch-norm.js';
import { conv2dBackwardFilterCpu, conv2dBackwardInputCpu, conv2dCpu } from './conv2d.js';
import { matmulCpu } from './matmul.js';
import { avgPool2dBackwardCpu, avgPool2dCpu, maxPool2dBackwardCpu, maxPool2dCpu } from './pool.js';
import { sumChannelsCpu } from './reduce.js';
import { reluBackwardCpu, reluCpu } from './relu.js';

/**
 * The fast TypeScript backend: a packed, blocked GEMM with an implicit im2col, direct loops for
 * single-channel 3×3 convolutions, the epilogue fused into the convolution's store, branch-free
 * ReLU and four-accumulator batch-norm sums. It is property-checked against the reference backend
 * (reference/). `backend.ts` registers it as 'cpu' itself, so any module that runs a kernel finds
 * it without a side-effect import.
 */
export function createCpuBackend(): Backend {
  return {
    name: 'cpu',
    kernel: 'TypeScript',
    supportsFloat64: true,
    matmul: matmulCpu,
    conv2d: (x, w, out, g) => conv2dCpu(x, w, out, g),
    conv2dBackwardInput: conv2dBackwardInputCpu,
    conv2dBackwardFilter: conv2dBackwardFilterCpu,
    maxPool2d: maxPool2dCpu,
    maxPool2dBackward: maxPool2dBackwardCpu,
    avgPool2d: avgPool2dCpu,
    avgPool2dBackward: avgPool2dBackwardCpu,
    fusedConv2d: conv2dCpu,
    relu: reluCpu,
    reluBackward: reluBackwardCpu,
    batchNormStatistics: batchNormStatisticsCpu,
    batchNormForward: batchNormForwardCpu,
    batchNormBackwardSums: batchNormBackwardSumsCpu,
    batchNormBackwardInput: batchNormBackwardInputCpu,
    sumChannels: sumChannelsCpu,
  };
}
