/**
 * @nabla/cli — the `nabla` command (bin: dist/main.js). What a browser page can reuse from it is
 * exported here: the training-progress chart as a vega-lite spec (no Node built-ins).
 */
export {
  type ProgressPoint,
  type TrainingProgressOptions,
  trainingProgressSpec,
} from './training-progress-spec.js';
