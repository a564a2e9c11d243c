/**
 * @nabla/optim — how parameters move: full-batch gradient descent with a convergence test, SGD
 * (momentum, Nesterov, weight decay), Adam; learning-rate schedules; gradient clipping.
 */
export { Adam, type AdamOptions } from './adam.js';
export { clipGradNorm, clipGradValue } from './clip-grad.js';
export { GradientDescent, type GradientDescentOptions } from './gradient-descent.js';
export {
  type IterationInfo,
  type MinimizeOptions,
  type MinimizeResult,
  minimize,
  type StopReason,
} from './minimize.js';
export { type OptimizableTensor, Optimizer, type OptimizerState, type ParameterUpdate } from './optimizer.js';
export {
  applySchedule,
  constantSchedule,
  cosineSchedule,
  type LearningRateSchedule,
  multiStepSchedule,
  piecewiseSchedule,
  stepSchedule,
} from './schedules.js';
export { SGD, type SGDOptions } from './sgd.js';
