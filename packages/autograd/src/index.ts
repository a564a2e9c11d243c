/**
 * @nabla/autograd — reverse-mode differentiation. Every op computes its output with
 * @nabla/tensor and records, beside it, how its gradient flows back.
 */
export { asTensor, type BackwardFn, fromOp, isGradEnabled, noGrad, Tensor, variable } from './tensor.js';
export * from './ops/activation.js';
export * from './ops/arithmetic.js';
export * from './ops/matmul.js';
export * from './ops/reduce.js';
