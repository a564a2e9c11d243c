import { resolve } from 'node:path';
import { ImageDatastore, splitEachLabel } from '@nabla/data';
import { imageDatastore } from '@nabla/data/node';
import {
  accuracy,
  assembleNetwork,
  classify,
  confusionMatrix,
  lenetLayers,
  type Network,
  topKAccuracy,
  trainingOptions,
  trainNetwork,
} from '@nabla/models';
import { Random } from '@nabla/tensor';
import { loadModel, photoInput, saveModel, writeJson } from '../model-files.js';
import { prepareOutputFolder } from '../output-folder.js';
import { formatConfusionMatrix } from '../run-report.js';
import { UserError } from '../user-error.js';

/** `--images DIR` for train and evaluate: your own pictures, one sub-folder per class. */

export interface ImageFolderFlags {
  images: string;
  skipBad?: boolean;
  augment?: boolean;
}

/** The folder as the network's input (its size and channels), bad files refused or skipped and reported. */
export function loadImageFolder(
  flags: ImageFolderFlags,
  inputShape: number[],
  generator: Random,
): ImageDatastore {
  if (inputShape.length !== 3) throw new UserError('--images needs an image network (input [C,H,W])');
  const [c, h, w] = inputShape as [number, number, number];
  const shift = Math.round((30 * w) / 227);
  const ds = imageDatastore(flags.images, {
    outputSize: [h, w, c],
    colorPreprocessing: c === 3 ? 'gray2rgb' : 'rgb2gray',
    onBadFile: flags.skipBad ? 'skip' : 'error',
    generator,
    ...(flags.augment
      ? {
          augmentation: {
            randXReflection: true,
            randXTranslation: [-shift, shift],
            randYTranslation: [-shift, shift],
          },
        }
      : {}),
  });
  console.log(
    `${flags.images}: ${ds.length} pictures in ${ds.classes.length} classes (${ds
      .countEachLabel()
      .map((e) => `${e.label} ${e.count}`)
      .join(', ')})${ds.skipped.length ? `, ${ds.skipped.length} skipped` : ''}`,
  );
  for (const s of ds.skipped) console.log(`  skipped ${s.file}: ${s.reason}`);
  return ds;
}

function report(net: Network, test: ImageDatastore, what: string): { accuracy: number; top5: number | null } {
  const { labels, scores } = classify(net, test.images, { batchSize: 16 });
  const acc = 100 * accuracy(labels, test.labels);
  const top5 = net.classes.length > 5 ? 100 * topKAccuracy(scores, test.labels, 5) : null;
  console.log(
    `accuracy on ${what}: ${acc.toFixed(2)}%${top5 === null ? '' : `, top-5 ${top5.toFixed(2)}%`} (${test.length} pictures)`,
  );
  console.log('Confusion matrix (rows: true class, columns: predicted class):');
  console.log(formatConfusionMatrix(confusionMatrix(labels, test.labels, net.classes.length), net.classes));
  return { accuracy: acc, top5 };
}

export interface TrainImagesFlags extends ImageFolderFlags {
  inputSize: string;
  trainFraction: number;
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  out?: string;
}

/**
 * `nabla train lenet --images DIR`: the course's LeNet layers for the folder's classes at the
 * given input size (28×28 gray by default), trained on a stratified part of each class
 * (splitEachLabel) and tested on the rest.
 */
export async function trainImages(flags: TrainImagesFlags): Promise<void> {
  const size = flags.inputSize.split(',').map((v) => Number(v.trim()));
  if (
    size.length !== 3 ||
    size.some((d) => !Number.isInteger(d) || d < 1) ||
    (size[2] !== 1 && size[2] !== 3)
  )
    throw new UserError(`--input-size: expected h,w,c with c 1 or 3, got '${flags.inputSize}'`);
  if (!(flags.trainFraction > 0 && flags.trainFraction < 1))
    throw new UserError(`--train-fraction must be in (0, 1), got ${flags.trainFraction}`);
  const [h, w, c] = size as [number, number, number];
  const out = await prepareOutputFolder(
    flags.out ?? `runs/lenet-images-${new Date().toISOString().replace(/[:.]/g, '-')}`,
    '--out',
  );
  const generator = new Random(flags.seed);
  const ds = loadImageFolder(flags, [c, h, w], generator);
  const split = splitEachLabel(ds.labels, flags.trainFraction, { generator });
  if (split.first.length === 0 || split.second.length === 0)
    throw new UserError(
      `--train-fraction ${flags.trainFraction} leaves no pictures to ${split.first.length === 0 ? 'train' : 'test'} on`,
    );
  const trainSet = ds.subset(split.first);
  const testSet = ds.subset(split.second);
  const layers = lenetLayers({ numClasses: ds.classes.length, inputSize: [h, w, c] });
  const net0 = assembleNetwork(layers, { generator: new Random(flags.seed) });
  net0.classes = ds.classes.slice();
  const augment = trainSet.augmenter();
  const { net, info } = await trainNetwork(
    trainSet.toLabeledData(),
    net0,
    trainingOptions('sgdm', {
      maxEpochs: flags.epochs,
      miniBatchSize: Math.min(flags.batchSize, trainSet.length),
      initialLearnRate: flags.lr,
      seed: flags.seed,
      verbose: false,
    }),
    augment ? { augment } : {},
  );
  console.log(`trained ${info.iterations} iterations in ${info.durationSeconds.toFixed(1)} s`);
  const result = report(net, testSet, `the ${testSet.length} held-out pictures`);
  await saveModel(out, 'lenet', net, photoInput(net));
  await writeJson(resolve(out, 'metrics.json'), {
    ...result,
    iterations: info.iterations,
    classes: net.classes,
  });
  console.log(`wrote ${out}/model.safetensors, model.json and metrics.json`);
}

/** `nabla evaluate --model DIR --images PICS`: accuracy, top-5 and confusion matrix on your pictures. */
export async function evaluateImages(
  model: string,
  flags: ImageFolderFlags & { json: boolean },
): Promise<void> {
  const { net } = await loadModel(model);
  const ds = loadImageFolder({ ...flags, augment: false }, net.inputShape, new Random(0));
  // The folders name the classes; map them onto the network's classes by name.
  const map = ds.classes.map((name) => net.classes.indexOf(name));
  const unknown = ds.classes.filter((_, i) => map[i]! < 0);
  if (unknown.length)
    throw new UserError(
      `${flags.images}: the network has no class ${unknown.map((u) => `'${u}'`).join(', ')} (its classes: ${net.classes.slice(0, 10).join(', ')}${net.classes.length > 10 ? ', …' : ''})`,
    );
  const test = new ImageDatastore(
    ds.images,
    Int32Array.from(ds.labels, (l) => map[l]!),
    net.classes,
    ds.files,
  );
  const r = report(net, test, flags.images);
  if (flags.json) console.log(JSON.stringify({ model, images: flags.images, count: ds.length, ...r }));
}
