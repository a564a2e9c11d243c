/**
 * @nabla/layers — networks as modules, in the PyTorch style: Parameter and Module (named
 * parameters, state dicts, train/eval, summary), the course's layers, losses and seeded initializers.
 */
export {
  CrossChannelNormalization,
  type CrossChannelNormalizationOptions,
  LocalResponseNorm,
} from './cross-channel-normalization.js';
export { LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh } from './activations.js';
export { AvgPool2d, type AvgPool2dLayerOptions } from './avg-pool2d.js';
export { BatchNorm1d, BatchNorm2d, type BatchNormOptions } from './batch-norm.js';
export { ConstantPad2d, type Padding2d, ZeroPad2d } from './constant-pad2d.js';
export { Conv2d, type Conv2dLayerOptions } from './conv2d.js';
export { Dropout } from './dropout.js';
export { Flatten } from './flatten.js';
export {
  type GradcheckModuleOptions,
  type GradcheckModuleResult,
  gradcheckModule,
} from './gradcheck-module.js';
export { Identity } from './identity.js';
export {
  computeFans,
  constant,
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  type InitOptions,
  type Initializer,
  normal,
  ones,
  uniform,
  zeros,
} from './initializers.js';
export type { LearnableOptions } from './learnable-options.js';
export { Linear, type LinearOptions } from './linear.js';
export {
  BCELoss,
  BCEWithLogitsLoss,
  CrossEntropyLoss,
  type Loss,
  type LossTarget,
  MSELoss,
  QuadraticLoss,
  type Reduction,
} from './losses.js';
export { MaxPool2d, type MaxPool2dOptions } from './max-pool2d.js';
export {
  type LoadStateDictOptions,
  type LoadStateDictResult,
  Module,
  type ParameterSelector,
  type StateDict,
} from './module.js';
export { Parameter, type ParameterOptions } from './parameter.js';
export { type NamedEntry, Sequential } from './sequential.js';
export { type SummaryOptions, type SummaryResult, type SummaryRow, summary } from './summary.js';
