import type { NDArray } from '@nabla/tensor';
import { ValueError } from '@nabla/tensor';

/** Matlab's solvers: SGD with momentum, plain SGD, Adam. */
export type Solver = 'sgdm' | 'sgd' | 'adam';

/** How gradients are clipped at the threshold: Matlab's GradientThresholdMethod (see TrainingOptions). */
export type GradientThresholdMethod = 'l2norm' | 'global-l2norm' | 'absolute-value';

/** Examples and their targets: class indices for classification, an array for regression. */
export interface LabeledData {
  /** The examples, batch axis first. */
  x: NDArray;
  /** Class indices (int32) for classification, or targets for regression. */
  y: Int32Array | NDArray;
}

/** One row of the training history (what Matlab's verbose table and training-progress plot show). */
export interface IterationRecord {
  /** The epoch, from 1. */
  epoch: number;
  /** The iteration, from 1, counted over all epochs. */
  iteration: number;
  /** Seconds since training started. */
  timeElapsed: number;
  /** The loss of this mini-batch. */
  miniBatchLoss: number;
  /** Percent, or NaN for regression. */
  miniBatchAccuracy: number;
  /** The learning rate used. */
  learningRate: number;
  /** The loss on the validation data, when this iteration validated. */
  validationLoss?: number;
  /** The validation accuracy in percent, when this iteration validated. */
  validationAccuracy?: number;
}

/**
 * Matlab's trainingOptions: every setting of a training run (see {@link trainingOptions} for the defaults).
 */
export interface TrainingOptions {
  /** 'sgdm', 'sgd' or 'adam'. */
  solver: Solver;
  /** Passes over the training data. */
  maxEpochs: number;
  /** Examples per iteration. */
  miniBatchSize: number;
  /** The learning rate α at the start. */
  initialLearnRate: number;
  /** μ, the momentum of 'sgdm'. */
  momentum: number;
  /** λ, the L2 regularization (weight decay). */
  l2Regularization: number;
  /** Adam's decay rates. */
  gradientDecayFactor: number;
  /** Adam's β₂. */
  squaredGradientDecayFactor: number;
  /** Adam's ε. */
  epsilon: number;
  /** Gradients are clipped at this threshold by `gradientThresholdMethod` (Infinity: off, Matlab's default). */
  gradientThreshold: number;
  /**
   * Matlab's GradientThresholdMethod: 'l2norm' (default) rescales each parameter's gradient whose L2
   * norm exceeds the threshold to that norm; 'global-l2norm' rescales all gradients by one factor
   * when their joint L2 norm exceeds it (PyTorch's clip_grad_norm_); 'absolute-value' clips each
   * partial derivative to [−threshold, threshold], keeping its sign.
   */
  gradientThresholdMethod: GradientThresholdMethod;
  /** 'piecewise' multiplies the learning rate by learnRateDropFactor every learnRateDropPeriod epochs. */
  learnRateSchedule: 'none' | 'piecewise';
  /** The factor of a piecewise drop. */
  learnRateDropFactor: number;
  /** Epochs between piecewise drops. */
  learnRateDropPeriod: number;
  /** Matlab's Shuffle: 'once' (default) shuffles before training; 'every-epoch' before each epoch; 'never'. */
  shuffle: 'once' | 'every-epoch' | 'never';
  /**
   * Matlab's BatchNormalizationStatistics: 'population' (default) — after training, one pass over the
   * training data computes each batch-normalization layer's mean and variance for inference;
   * 'moving' — keep the running estimates updated during training (PyTorch's behaviour).
   */
  batchNormalizationStatistics: 'population' | 'moving';
  /** Data evaluated every validationFrequency iterations (null: none). */
  validationData: LabeledData | null;
  /** Iterations between validations. */
  validationFrequency: number;
  /** Stop when the validation loss has not improved this many validations in a row (Infinity: never). */
  validationPatience: number;
  /** Print Matlab's verbose table. */
  verbose: boolean;
  /** Iterations between table rows. */
  verboseFrequency: number;
  /**
   * 'training-progress' draws Matlab's training-progress chart while training runs (a page on 127.0.0.1 in
   * Node).
   */
  plots: 'none' | 'training-progress';
  /** Where the kernels run: whatever backend is set ('auto'), the cpu, or the registered gpu backend. */
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
  gradientThresholdMethod: 'l2norm',
  learnRateSchedule: 'none',
  learnRateDropFactor: 0.1,
  learnRateDropPeriod: 10,
  shuffle: 'once',
  batchNormalizationStatistics: 'population',
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

/** Options whose value is one of a few names, with the names allowed. */
const choices: Partial<Record<keyof TrainingOptions, readonly string[]>> = {
  shuffle: ['once', 'every-epoch', 'never'],
  gradientThresholdMethod: ['l2norm', 'global-l2norm', 'absolute-value'],
  batchNormalizationStatistics: ['population', 'moving'],
  learnRateSchedule: ['none', 'piecewise'],
  plots: ['none', 'training-progress'],
  executionEnvironment: ['auto', 'cpu', 'gpu'],
};

/** Every option trainingOptions takes (docs/matlab.md lists each with Matlab's default and source). */
export const trainingOptionNames: readonly (keyof TrainingOptions)[] = [
  ...(Object.keys(defaults('sgdm')) as (keyof TrainingOptions)[]),
  'onIteration',
];

/**
 * Matlab's trainingOptions(solverName, Name, Value…) with Matlab's defaults: 30 epochs, mini-batch
 * 128, learn rate 0.01 (Adam 0.001), momentum 0.9, L2 regularization 1e-4, validation every 50
 * iterations, Shuffle 'once', GradientThresholdMethod 'l2norm' at Inf, BatchNormalizationStatistics
 * 'population'. `trainingOptions('sgdm', { maxEpochs: 3, validationData, validationFrequency: 30 })`.
 * An unknown option name is refused (a misspelt option must not be silently ignored).
 */
export function trainingOptions(solver: Solver, options: Partial<TrainingOptions> = {}): TrainingOptions {
  if (solver !== 'sgdm' && solver !== 'sgd' && solver !== 'adam') {
    throw new ValueError(
      'trainingOptions',
      `unknown solver '${String(solver)}' (expected 'sgdm', 'sgd' or 'adam')`,
    );
  }
  refuseUnknownOptions(options);
  const o: TrainingOptions = { ...defaults(solver), ...stripUndefined(options), solver };
  for (const [name, allowed] of Object.entries(choices) as [keyof TrainingOptions, readonly string[]][]) {
    if (!allowed.includes(o[name] as string)) {
      throw new ValueError(
        'trainingOptions',
        `${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got '${String(o[name])}'`,
      );
    }
  }
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
  if (!(o.learnRateDropFactor >= 0 && o.learnRateDropFactor <= 1))
    throw new ValueError(
      'trainingOptions',
      `learnRateDropFactor must be in [0, 1], got ${o.learnRateDropFactor}`,
    );
  if (!(o.validationPatience >= 1))
    throw new ValueError(
      'trainingOptions',
      `validationPatience must be a positive integer or Infinity, got ${o.validationPatience}`,
    );
  return o;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function refuseUnknownOptions(options: object): void {
  const known = trainingOptionNames as readonly string[];
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const nearest = known
      .map((name) => ({ name, d: editDistance(key.toLowerCase(), name.toLowerCase()) }))
      .sort((a, b) => a.d - b.d)[0]!;
    const hint =
      nearest.d <= Math.max(2, Math.floor(key.length / 3)) ? `; did you mean '${nearest.name}'?` : '';
    throw new ValueError('trainingOptions', `unknown option '${key}'${hint}`);
  }
}

/** Levenshtein distance: the fewest single-character insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        previous[j]! + 1,
        row[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length]!;
}
