/**
 * "AlexNet will drastically overfit a few hundred images" — shown on digits.
 *
 * A few hundred labelled MNIST training digits 5–9 (stratified, seeded). Three networks trained on
 * them with the same recipe as examples/src/finetune.ts (sgdm, learn rate 0.01, momentum 0.9,
 * L2 1e-4, mini-batch 30, the same epochs and shuffles):
 * - **large from scratch**: AlexNet's classifier — fully connected 4096, ReLU, 50% dropout, 4096,
 *   ReLU, 50% dropout, then the 5-way head — on the 28×28 digit: about 20 million weights for a
 *   few hundred images. (AlexNet itself at 227×227 runs forward at ≈ 6 images/s on this machine,
 *   bench/results/alexnet.json: too slow to train here; its three fully connected layers hold
 *   58.6 of its 61.0 million weights, and those are what this network keeps.)
 * - **LeNet from scratch**: the course's LeNet (180,880 weights) with 5 outputs.
 * - **LeNet finetuned**: the course's LeNet pretrained on 10,000 training digits 0–4, its head
 *   replaced by a fresh 5-way layer, then trained on the few hundred (docs/finetuning.md).
 * After every epoch each is classified on its training digits and on official test digits 5–9:
 * the gap between the two is the overfitting.
 */

import { splitEachLabel } from '@nabla/data';
import type { Mnist } from '@nabla/data/node';
import { takeRows } from '@nabla/examples/rows';
import {
  accuracy,
  classificationLayer,
  classify,
  dropoutLayer,
  finetune,
  fullyConnectedLayer,
  imageInputLayer,
  type LabeledData,
  type LayerSpec,
  lenetLayers,
  type Network,
  reluLayer,
  replaceHead,
  softmaxLayer,
  trainingOptions,
  trainNetwork,
} from '@nabla/models';
import { type NDArray, Random } from '@nabla/tensor';

export interface OverfittingOptions {
  /** Training digits 5–9 per class (the few hundred: 5 × perClass). */
  perClass: number;
  /** Official test digits 5–9 per class used for the curves (all 4,861 when undefined). */
  testPerClass?: number;
  /** Epochs of every arm. */
  epochs: number;
  /** Width of the large network's two hidden layers (AlexNet's fc6 and fc7: 4096). */
  width: number;
  /** Digits 0–4 per class for LeNet's pretraining, and its epochs. */
  pretrainPerClass: number;
  pretrainEpochs: number;
  seed: number;
  /** Which networks to train (all three unless given). */
  arms?: readonly ArmName[];
}

export type ArmName = 'large from scratch' | 'LeNet from scratch' | 'LeNet finetuned';

/** The render's settings: 300 digits, AlexNet's widths. */
export const OVERFITTING_DEFAULTS: OverfittingOptions = {
  perClass: 60,
  testPerClass: 150,
  epochs: 15,
  width: 4096,
  pretrainPerClass: 2000,
  pretrainEpochs: 2,
  seed: 0,
};

export interface EpochPoint {
  epoch: number;
  /** Percent of the training digits classified right (eval mode: no dropout). */
  train: number;
  /** Percent of the test digits classified right. */
  test: number;
}

export interface ArmResult {
  name: ArmName;
  description: string;
  learnables: number;
  curve: EpochPoint[];
  /** After training returns (for LeNet: after the batch-norm population pass). */
  finalTrain: number;
  finalTest: number;
}

export interface OverfittingResult {
  options: OverfittingOptions;
  trainDigits: number;
  testDigits: number;
  pretrainDigits: number;
  /** LeNet pretrained on 0–4, on the official test digits 0–4 (a sanity check of the pretraining). */
  pretrainedTest04: number;
  arms: ArmResult[];
}

// #region large-network
/**
 * The large network: AlexNet's classifier (fc6, fc7 with ReLU and 50% dropout, then the head) on a
 * 28×28×1 digit zero-centred by the training mean, as in the course's LeNet.
 */
export function largeNetworkLayers(width: number, numClasses: number): LayerSpec[] {
  return [
    imageInputLayer([28, 28, 1]),
    fullyConnectedLayer(width),
    reluLayer(),
    dropoutLayer(0.5),
    fullyConnectedLayer(width),
    reluLayer(),
    dropoutLayer(0.5),
    fullyConnectedLayer(numClasses),
    softmaxLayer(),
    classificationLayer(),
  ];
}
// #endregion large-network

/** The examples whose label is in [from, from + 5), relabelled 0–4. */
function fiveDigits(images: NDArray, labels: Int32Array, from: number): LabeledData & { y: Int32Array } {
  const idx: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i]! >= from && labels[i]! < from + 5) idx.push(i);
  return { x: takeRows(images, idx), y: Int32Array.from(idx, (i) => labels[i]! - from) };
}

function pick(data: { x: NDArray; y: Int32Array }, perClass: number, seed: number) {
  const chosen = splitEachLabel(data.y, perClass, { generator: new Random(seed) }).first;
  return { x: takeRows(data.x, chosen), y: Int32Array.from(chosen, (i) => data.y[i]!) };
}

const percent = (net: Network, d: { x: NDArray; y: Int32Array }) =>
  100 * accuracy(classify(net, d.x).labels, d.y);

export async function overfitting(mnist: Mnist, o: OverfittingOptions): Promise<OverfittingResult> {
  const train59 = fiveDigits(mnist.train.images, mnist.train.labels, 5);
  const allTest59 = fiveDigits(mnist.test.images, mnist.test.labels, 5);
  const few = pick(train59, o.perClass, o.seed);
  const test = o.testPerClass === undefined ? allTest59 : pick(allTest59, o.testPerClass, 1000 + o.seed);

  // #region recipe
  // The recipe of examples/src/finetune.ts, the same for every arm.
  const recipe = trainingOptions('sgdm', {
    maxEpochs: o.epochs,
    miniBatchSize: 30,
    initialLearnRate: 0.01,
    momentum: 0.9,
    l2Regularization: 1e-4,
    verbose: false,
    seed: o.seed,
  });
  // #endregion recipe

  /** Train and test accuracy after every epoch, and after training. */
  const track = async (
    name: ArmName,
    description: string,
    run: (onEpochEnd: (s: { epoch: number }, net: Network) => void) => Promise<Network>,
  ): Promise<ArmResult> => {
    const curve: EpochPoint[] = [];
    const net = await run((s, n) => {
      curve.push({ epoch: s.epoch, train: percent(n, few), test: percent(n, test) });
    });
    return {
      name,
      description,
      learnables: net.body.numParameters(),
      curve,
      finalTrain: percent(net, few),
      finalTest: percent(net, test),
    };
  };

  // Pretraining for the finetuned arm: LeNet (10 outputs) on digits 0–4, as examples/src/finetune.ts.
  const train04 = fiveDigits(mnist.train.images, mnist.train.labels, 0);
  const pretrainData = pick(train04, o.pretrainPerClass, 1000);
  const { net: pretrained } = await trainNetwork(
    pretrainData,
    lenetLayers(),
    trainingOptions('sgdm', {
      maxEpochs: o.pretrainEpochs,
      miniBatchSize: 128,
      initialLearnRate: 0.01,
      seed: 1000,
      verbose: false,
    }),
  );
  const test04 = fiveDigits(mnist.test.images, mnist.test.labels, 0);
  const pretrainedTest04 = percent(pretrained, test04);

  const wanted = (name: ArmName) => o.arms === undefined || o.arms.includes(name);
  const arms: ArmResult[] = [];
  if (wanted('large from scratch'))
    arms.push(
      await track(
        'large from scratch',
        `AlexNet's classifier on the 28×28 digit: FC ${o.width}, ReLU, dropout 0.5, FC ${o.width}, ReLU, dropout 0.5, FC 5`,
        async (onEpochEnd) =>
          (await trainNetwork(few, largeNetworkLayers(o.width, 5), recipe, { onEpochEnd })).net,
      ),
    );
  if (wanted('LeNet from scratch'))
    arms.push(
      await track(
        'LeNet from scratch',
        "the course's LeNet with 5 outputs, fresh seeded weights",
        async (onEpochEnd) =>
          (await trainNetwork(few, lenetLayers({ numClasses: 5 }), recipe, { onEpochEnd })).net,
      ),
    );
  if (wanted('LeNet finetuned'))
    arms.push(
      await track(
        'LeNet finetuned',
        "the course's LeNet pretrained on digits 0–4, head replaced (FC 10 → 5), all layers trained",
        async (onEpochEnd) => {
          // #region finetune
          const tuned = replaceHead(pretrained, 5, {
            classes: ['5', '6', '7', '8', '9'],
            generator: new Random(o.seed),
          });
          await finetune(tuned, few, recipe, { onEpochEnd });
          // #endregion finetune
          return tuned;
        },
      ),
    );
  return {
    options: o,
    trainDigits: few.y.length,
    testDigits: test.y.length,
    pretrainDigits: pretrainData.y.length,
    pretrainedTest04,
    arms,
  };
}
