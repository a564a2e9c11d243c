// Every op, one concept per file.
export * from './activation.js';
export * from './arithmetic.js';
export * from './batch-norm.js';
export * from './compare.js';
export * from './conv2d.js';
export * from './dropout.js';
export * from './local-response-norm.js';
export * from './loss.js';
export * from './matmul.js';
export * from './pool.js';
export * from './reduce.js';
export * from './shape.js';
export * from './softmax.js';
export * from './unary.js';
