/**
 * The wasm backend's kernels, compiled by AssemblyScript with 128-bit SIMD (scripts/build-wasm.mjs
 * embeds the result in src/wasm/kernel-bytes.ts). All pointers are byte addresses in the
 * module's own memory, which the TypeScript side (src/wasm/instance.ts) lays out and grows.
 */
export {
  batchNormBackwardInput,
  batchNormBackwardSums,
  batchNormForward,
  batchNormStatistics,
} from './batch-norm';
export { relu, reluBackward, sumChannels } from './elementwise';
export { maxPool2d } from './pool';
export { gemm, gemmScratchBytes } from './gemm';
export {
  channelAffine,
  colsBytes,
  conv2dBackwardFilter,
  conv2dBackwardInput,
  conv2dForward,
  setGeometry,
} from './conv2d';

/** Where free memory starts, after the module's static data: the TypeScript side's arena begins here. */
export function heapBase(): usize {
  return __heap_base;
}
