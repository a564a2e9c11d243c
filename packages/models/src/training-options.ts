import type { NDArray } from '@nabla/tensor';
import { ValueError } from '@nabla/tensor';

export type Solver = 'sgdm' | 'sgd' | 'adam';

/** Examples and their targets: class indices for classification, an array for regression. */
export interface LabeledData {
  x: NDArray;
  y: Int32Array | NDArray;
}

/** One row of the training history (what Matlab's verbose table and training-progress plot show). */
export interface IterationRecord {
  epoch: number;
  iteration: number;
  /** Seconds since training started. */
  timeElapsed: number;
  miniBatchLoss: number;
  /** Percent, or NaN for regression. */
  miniBatchAccuracy: number;
  learningRate: number;
  validationLoss?: number;
  validationAccuracy?: number;
}

export interface TrainingOptions {
  solver: Solver;
  maxEpochs: number;
  miniBatchSize: number;
  initialLearnRate: number;
  momentum: number;
  l2Regularization: number;
  /** Adam's decay rates. */
  gradientDecayFactor: number;
  squaredGradientDecayFactor: number;
  epsilon: number;
  /** Clip the global gradient norm to this (Infinity: off). */
  gradientThreshold: number;
  learnRateSchedule: 'none' | 'piecewise';
  learnRateDropFactor: number;
  learnRateDropPeriod: number;
  shuffle: 'every-epoch' | 'once' | 'never';
  validationData: LabeledData | null;
  validationFrequency: number;
  /** Stop when the validation loss has not improved this many validations in a row (Infinity: never). */
  validationPatience: number;
  verbose: boolean;
  verboseFrequency: number;
  plots: 'none' | 'training-progress';
  executionEnvironment: 'auto' | 'cpu' | 'gpu';
  /** Seeds the one generator behind initialization, dropout and shuffling. */
  seed: number;
  /** Where the verbose table goes (console.log by default). */
  log: (line: string) => void;
  /** Called after every iteration; return 'stop' to end training early. */
  onIteration?: (
    record: IterationRecord,
    progress: { totalIterations: number; epochIterations: number },
  ) => void | 'stop' | Promise<void | 'stop'>;
}

const defaults = (solver: Solver): TrainingOptions => ({
  solver,
  maxEpochs: 30,
  miniBatchSize: 128,
  initialLearnRate: solver === 'adam' ? 0.001 : 0.01,
  momentum: solver === 'sgd' ? 0 : 0.9,
  l2Regularization: 1e-4,
  gradientDecayFactor: 0.9,
  squaredGradientDecayFactor: 0.999,
  epsilon: 1e-8,
  gradientThreshold: Number.POSITIVE_INFINITY,
  learnRateSchedule: 'none',
  learnRateDropFactor: 0.1,
  learnRateDropPeriod: 10,
  shuffle: 'every-epoch',
  validationData: null,
  validationFrequency: 50,
  validationPatience: Number.POSITIVE_INFINITY,
  verbose: true,
  verboseFrequency: 50,
  plots: 'none',
  executionEnvironment: 'auto',
  seed: 0,
  log: (line) => (globalThis as unknown as { console: { log(s: string): void } }).console.log(line),
});

/**
 * Matlab's trainingOptions(solverName, Name, Value…) with Matlab's defaults: 30 epochs, mini-batch
 * 128, learn rate 0.01 (Adam 0.001), momentum 0.9, L2 regularization 1e-4, validation every 50
 * iterations. `trainingOptions('sgdm', { maxEpochs: 3, validationData, validationFrequency: 30 })`.
 */
export function trainingOptions(solver: Solver, options: Partial<TrainingOptions> = {}): TrainingOptions {
  if (solver !== 'sgdm' && solver !== 'sgd' && solver !== 'adam') {
    throw new ValueError(
      'trainingOptions',
      `unknown solver '${String(solver)}' (expected 'sgdm', 'sgd' or 'adam')`,
    );
  }
  const o: TrainingOptions = { ...defaults(solver), ...stripUndefined(options), solver };
  const positiveInt = (name: keyof TrainingOptions) => {
    const v = o[name] as number;
    if (!Number.isInteger(v) || v < 1)
      throw new ValueError('trainingOptions', `${name} must be a positive integer, got ${String(v)}`);
  };
  positiveInt('maxEpochs');
  positiveInt('miniBatchSize');
  positiveInt('validationFrequency');
  positiveInt('verboseFrequency');
  positiveInt('learnRateDropPeriod');
  if (!(o.initialLearnRate > 0) || !Number.isFinite(o.initialLearnRate)) {
    throw new ValueError(
      'trainingOptions',
      `initialLearnRate must be a positive number, got ${o.initialLearnRate}`,
    );
  }
  if (!(o.momentum >= 0 && o.momentum < 1))
    throw new ValueError('trainingOptions', `momentum must be in [0, 1), got ${o.momentum}`);
  if (!(o.l2Regularization >= 0))
    throw new ValueError('trainingOptions', `l2Regularization must be >= 0, got ${o.l2Regularization}`);
  if (!(o.gradientThreshold > 0))
    throw new ValueError('trainingOptions', `gradientThreshold must be > 0, got ${o.gradientThreshold}`);
  if (!['auto', 'cpu', 'gpu'].includes(o.executionEnvironment)) {
    throw new ValueError(
      'trainingOptions',
      `executionEnvironment must be 'auto', 'cpu' or 'gpu', got '${o.executionEnvironment}'`,
    );
  }
  return o;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
