import type { Backend } from '../backend.js';
import { conv2dBackwardFilterCpu, conv2dBackwardInputCpu, conv2dCpu } from './conv2d.js';
import { matmulCpu } from './matmul.js';
import { avgPool2dBackwardCpu, avgPool2dCpu, maxPool2dBackwardCpu, maxPool2dCpu } from './pool.js';

/**
 * The pure-TypeScript backend: the reference every other backend is tested against. `backend.ts`
 * registers it as 'cpu' itself, so any module that runs a kernel finds it without a side-effect import.
 */
export function createCpuBackend(): Backend {
  return {
    name: 'cpu',
    kernel: 'TypeScript',
    supportsFloat64: true,
    matmul: matmulCpu,
    conv2d: conv2dCpu,
    conv2dBackwardInput: conv2dBackwardInputCpu,
    conv2dBackwardFilter: conv2dBackwardFilterCpu,
    maxPool2d: maxPool2dCpu,
    maxPool2dBackward: maxPool2dBackwardCpu,
    avgPool2d: avgPool2dCpu,
    avgPool2dBackward: avgPool2dBackwardCpu,
  };
}
