import type { Backend, OptionalKernel } from '../backend.js';
import { avgPool2dReference } from './avg-pool2d.js';
import { avgPool2dBackwardReference } from './avg-pool2d-backward.js';
import { batchNormBackwardInputReference, batchNormBackwardSumsReference } from './batch-norm-backward.js';
import { batchNormForwardReference } from './batch-norm-forward.js';
import { batchNormStatisticsReference } from './batch-norm-statistics.js';
import { conv2dReference } from './conv2d.js';
import { conv2dBackwardFilterReference } from './conv2d-backward-filter.js';
import { conv2dBackwardInputReference } from './conv2d-backward-input.js';
import { composedFusedConv2d } from './fused-conv2d.js';
import { matmulReference } from './matmul.js';
import { maxPool2dReference } from './max-pool2d.js';
import { maxPool2dBackwardReference } from './max-pool2d-backward.js';
import { reluBackwardReference, reluReference } from './relu.js';
import { sumChannelsReference } from './sum-channels.js';

export { composedFusedConv2d };

/** The reference definitions of the optional kernels: what runs when a backend lacks one. */
export const referenceKernels: Required<Pick<Backend, Exclude<OptionalKernel, 'fusedConv2d'>>> = {
  relu: reluReference,
  reluBackward: reluBackwardReference,
  batchNormStatistics: batchNormStatisticsReference,
  batchNormForward: batchNormForwardReference,
  batchNormBackwardSums: batchNormBackwardSumsReference,
  batchNormBackwardInput: batchNormBackwardInputReference,
  sumChannels: sumChannelsReference,
};

/**
 * The reference backend: every kernel as its textbook definition — nested loops over the index
 * formula of the equation it cites, float64 sums rounded once, no packing, blocking, fusion or
 * threads. It is written to be read, and it is the oracle every other backend is property-checked
 * against (`@nabla/tensor/testing`). `setBackend('reference')` runs the whole library on it.
 */
export function createReferenceBackend(): Backend {
  const backend: Backend = {
    name: 'reference',
    kernel: 'TypeScript reference loops',
    supportsFloat64: true,
    matmul: matmulReference,
    conv2d: conv2dReference,
    conv2dBackwardInput: conv2dBackwardInputReference,
    conv2dBackwardFilter: conv2dBackwardFilterReference,
    maxPool2d: maxPool2dReference,
    maxPool2dBackward: maxPool2dBackwardReference,
    avgPool2d: avgPool2dReference,
    avgPool2dBackward: avgPool2dBackwardReference,
    ...referenceKernels,
  };
  return backend;
}
