/**
 * @nabla/tensor/testing — test support, not part of the built package (it needs fast-check):
 * property checks of any Backend against the reference backend, under the float32 rounding bound.
 */
export * from './arbitraries.js';
export * from './check-backend.js';
export * from './error-bound.js';
