/**
 * @nabla/autograd — reverse-mode differentiation. Every op computes its output with
 * @nabla/tensor and records, beside it, how its gradient flows back.
 */
export { asTensor, type BackwardFn, fromOp, isGradEnabled, noGrad, Tensor, variable } from './tensor.js';
export * from './ops/activation.js';
export * from './ops/arithmetic.js';
export * from './ops/batch-norm.js';
export * from './ops/compare.js';
export * from './ops/conv2d.js';
export * from './ops/dropout.js';
export * from './ops/local-response-norm.js';
export * from './ops/loss.js';
export * from './ops/matmul.js';
export * from './ops/pool.js';
export * from './ops/reduce.js';
export * from './ops/shape.js';
export * from './ops/softmax.js';
export * from './ops/unary.js';
export {
  type GradcheckInputError,
  type GradcheckOptions,
  type GradcheckResult,
  gradcheck,
} from './gradcheck.js';
