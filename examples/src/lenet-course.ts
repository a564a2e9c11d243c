import { splitEachLabel } from '@nabla/data';
import type { Mnist } from '@nabla/data/node';
import {
  accuracy,
  classify,
  lenetLayers,
  type TrainingInfo,
  type TrainingOptions,
  trainingOptions,
  trainNetwork,
} from '@nabla/models';
import { Random } from '@nabla/tensor';
import { takeLabels, takeRows } from './rows.js';

export interface CourseRunOptions {
  seed: number;
  /** All 60,000 training digits, no validation split. */
  full?: boolean;
  /** Of the first 10,000 training digits (7,500 in the course). */
  trainSize?: number;
  epochs?: number;
  log?: (line: string) => void;
  verbose?: boolean;
  onIteration?: TrainingOptions['onIteration'];
  /** The course's 'Plots','training-progress' (default 'none', so the example runs headless). */
  plots?: TrainingOptions['plots'];
}

export interface CourseRunResult {
  seed: number;
  validationAccuracy: number | undefined;
  testAccuracy: number;
  info: TrainingInfo;
}

/**
 * The course's Matlab flow on real digits: 10,000 MNIST training images split 7,500 / 2,500 per
 * class (seeded), LeNet, trainingOptions('sgdm', MaxEpochs 3, ValidationData, ValidationFrequency
 * 30, Verbose), then classify and accuracy on the official 10,000-image test set.
 */
export async function runCourseLenet(mnist: Mnist, o: CourseRunOptions): Promise<CourseRunResult> {
  const generator = new Random(o.seed);
  let train: { x: import('@nabla/tensor').NDArray; y: Int32Array };
  let validation: { x: import('@nabla/tensor').NDArray; y: Int32Array } | null = null;
  if (o.full) {
    train = { x: mnist.train.images, y: mnist.train.labels };
  } else {
    // #region split
    const labels = mnist.train.labels.subarray(0, 10_000);
    const split = splitEachLabel(labels, (o.trainSize ?? 7_500) / 10_000, { generator });
    train = { x: takeRows(mnist.train.images, split.first), y: takeLabels(labels, split.first) };
    validation = { x: takeRows(mnist.train.images, split.second), y: takeLabels(labels, split.second) };
    // #endregion split
  }
  // #region train
  const { net, info } = await trainNetwork(
    train,
    lenetLayers(),
    trainingOptions('sgdm', {
      maxEpochs: o.epochs ?? 3,
      miniBatchSize: 128,
      initialLearnRate: 0.01,
      validationData: validation,
      validationFrequency: 30,
      verbose: o.verbose ?? true,
      plots: o.plots ?? 'none',
      seed: o.seed,
      ...(o.log ? { log: o.log } : {}),
      ...(o.onIteration ? { onIteration: o.onIteration } : {}),
    }),
  );
  // #endregion train
  // #region classify
  const { labels } = classify(net, mnist.test.images);
  const testAccuracy = 100 * accuracy(labels, mnist.test.labels);
  // #endregion classify
  return { seed: o.seed, validationAccuracy: info.finalValidationAccuracy, testAccuracy, info };
}
