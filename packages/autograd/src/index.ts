/**
 * @nabla/autograd — reverse-mode differentiation. Every op computes its output with
 * @nabla/tensor and records, beside it, how its gradient flows back.
 */
export { asTensor, type BackwardFn, fromOp, isGradEnabled, noGrad, Tensor, variable } from './tensor.js';
export * from './ops/index.js';
export {
  centralDifference,
  GRADCHECK_ATOL,
  GRADCHECK_EPS,
  GRADCHECK_RTOL,
  type GradcheckInputError,
  type GradcheckOptions,
  type GradcheckResult,
  gradcheck,
  projectionDirection,
} from './gradcheck.js';
export {
  type Draw,
  type GradcheckCase,
  gradcheckCases,
  type OpCases,
  randomDraw,
} from './gradcheck-cases.js';
export {
  formatMutantTable,
  type Mutant,
  type MutantRow,
  mutants,
  runMutationSuite,
} from './gradcheck-mutants.js';
export {
  formatGradcheckTable,
  type GradcheckRow,
  type GradcheckSuiteOptions,
  runGradcheckSuite,
} from './gradcheck-suite.js';
