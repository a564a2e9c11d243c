import { splitEachLabel } from '@nabla/data';
import {
  accuracy,
  classify,
  finetune,
  freezeLayers,
  replaceHead,
  setLearnRateFactors,
  topKAccuracy,
  trainingOptions,
} from '@nabla/models';
import { Random } from '@nabla/tensor';
import { Command } from 'commander';
import { asInput, digitFiles, loadDigits, takeRows } from '../digits.js';
import { positiveInt, positiveNumber, seed } from '../flag-parsers.js';
import { loadImageFolder } from './images.js';
import { Interrupted, shellQuote, watchInterrupt, yieldToEventLoop } from '../interrupt.js';
import { loadModel, photoInput, saveModel } from '../model-files.js';
import { prepareOutputFolder } from '../output-folder.js';
import { UserError } from '../user-error.js';

export interface FinetuneFlags {
  from: string;
  out: string;
  classes: string;
  perClass: number;
  epochs: number;
  batchSize: number;
  lr: number;
  pretrainedFactor: number;
  freeze: boolean;
  seed: number;
  /** A folder with one sub-folder of PNG/JPEG pictures per class, instead of digits. */
  images?: string;
  trainFraction: number;
  augment: boolean;
  skipBad: boolean;
}

/** `nabla finetune --from DIR`: a new head for new classes, trained on a few labelled digits. */
export function finetuneCommand(): Command {
  return new Command('finetune')
    .description(
      "transfer learning: a trained network's head replaced for new digit classes and finetuned on a few labelled digits per class",
    )
    .requiredOption('--from <dir>', "the pretrained run's folder (model.json + model.safetensors)")
    .requiredOption('--out <dir>', 'folder for the finetuned model')
    .option('--classes <digits>', 'the new classes, comma-separated digits', '5,6,7,8,9')
    .option('--per-class <n>', 'labelled training digits per class (stratified, seeded)', positiveInt, 60)
    .option('--epochs <n>', 'epochs of sgdm', positiveInt, 15)
    .option('--batch-size <n>', 'mini-batch size', positiveInt, 30)
    .option('--lr <rate>', 'initial learning rate (momentum 0.9, L2 1e-4)', positiveNumber, 0.01)
    .option(
      '--pretrained-factor <f>',
      "learn-rate factor of the pretrained layers (Matlab's WeightLearnRateFactor); the new head learns at 1",
      Number,
      1,
    )
    .option('--freeze', 'freeze the pretrained layers (only the new head learns)', false)
    .option('--seed <n>', 'seed of the digits drawn, the new head and the shuffles', seed, 0)
    .option(
      '--images <dir>',
      'your own pictures: one sub-folder of PNG/JPEG files per class (the folder names are the classes)',
    )
    .option(
      '--train-fraction <f>',
      'with --images: the fraction of each class trained on (splitEachLabel); the rest is tested',
      Number,
      0.7,
    )
    .option(
      '--augment',
      'with --images: random reflection and ±30-pixel shifts (per 227 pixels) each epoch',
      false,
    )
    .option(
      '--skip-bad',
      'with --images: leave out unreadable pictures and empty class folders (counted) instead of stopping',
      false,
    )
    .addHelpText(
      'after',
      '\nKeeps the pretrained input normalization. Tests on the official MNIST test digits of the new classes and\nwrites model.safetensors and model.json (classes named by digit) into --out.',
    )
    .action((flags: FinetuneFlags) => finetuneRun(flags));
}

export async function finetuneRun(flags: FinetuneFlags): Promise<void> {
  if (flags.images) return finetuneImages(flags, flags.images);
  const digits = flags.classes.split(',').map((s) => Number(s.trim()));
  if (digits.some((d) => !Number.isInteger(d) || d < 0 || d > 9) || new Set(digits).size !== digits.length)
    throw new UserError(`--classes: expected distinct digits 0–9, got '${flags.classes}'`);
  if (!(flags.pretrainedFactor >= 0))
    throw new UserError(`--pretrained-factor must be >= 0, got ${flags.pretrainedFactor}`);
  const out = await prepareOutputFolder(flags.out, '--out');
  const { net: pretrained, meta } = await loadModel(flags.from);
  const files = digitFiles({});
  const pick = (part: 'train' | 'test') => {
    const set = loadDigits(files, part);
    const idx: number[] = [];
    for (let i = 0; i < set.labels.length; i++) if (digits.includes(set.labels[i]!)) idx.push(i);
    return { x: takeRows(set.images, idx), y: Int32Array.from(idx, (i) => digits.indexOf(set.labels[i]!)) };
  };
  const train = pick('train');
  // Checked here to name the digit (splitEachLabel counts classes by their new index).
  digits.forEach((digit, k) => {
    let n = 0;
    for (const y of train.y) if (y === k) n++;
    if (n < flags.perClass)
      throw new UserError(`--per-class ${flags.perClass}: the training set has only ${n} digits ${digit}`);
  });
  const chosen = splitEachLabel(train.y, flags.perClass, { generator: new Random(flags.seed) }).first;
  const few = {
    x: asInput(takeRows(train.x, chosen), pretrained.inputShape),
    y: Int32Array.from(chosen, (i) => train.y[i]!),
  };
  const net = replaceHead(pretrained, digits.length, {
    classes: digits.map(String),
    generator: new Random(flags.seed),
  });
  const head = net.layerRows.filter((r) => r.learnables > 0).at(-1)!.name;
  if (flags.freeze) freezeLayers(net, ['*'], { except: [head] });
  else if (flags.pretrainedFactor !== 1) setLearnRateFactors(net, { '*': flags.pretrainedFactor, [head]: 1 });
  console.log(
    `finetuning ${meta.model} from ${flags.from}: head '${head}' → ${digits.length} classes (${flags.classes}), ${few.y.length} digits, ` +
      (flags.freeze
        ? 'pretrained layers frozen'
        : `pretrained layers at learn-rate factor ${flags.pretrainedFactor}`),
  );
  // Ctrl-C stops after the mini-batch in progress. finetune keeps no checkpoint (a run is short),
  // and a half-finetuned head is not the model asked for: nothing is written, the command is repeated.
  let done = 0;
  let total = 0;
  const interrupt = watchInterrupt(() =>
    process.stderr.write('\nnabla: stopping after this mini-batch (Ctrl-C again to quit at once)\n'),
  );
  let info: Awaited<ReturnType<typeof finetune>>['info'];
  try {
    ({ info } = await finetune(
      net,
      few,
      trainingOptions('sgdm', {
        maxEpochs: flags.epochs,
        miniBatchSize: Math.min(flags.batchSize, few.y.length),
        initialLearnRate: flags.lr,
        seed: flags.seed,
        verbose: false,
        onIteration: async (record, progress) => {
          done = record.iteration;
          total = progress.totalIterations;
          await yieldToEventLoop();
          return interrupt.requested ? 'stop' : undefined;
        },
      }),
    ));
  } finally {
    interrupt.dispose();
  }
  if (interrupt.requested)
    throw new Interrupted(
      `interrupted at iteration ${done} of ${total}; finetune keeps no checkpoint, so nothing was written to ${out}\n` +
        `run it again with: ${['nabla', ...process.argv.slice(2)].map(shellQuote).join(' ')}`,
    );
  const test = pick('test');
  const acc = 100 * accuracy(classify(net, asInput(test.x, net.inputShape)).labels, test.y);
  console.log(
    `trained ${info.iterations} iterations in ${info.durationSeconds.toFixed(1)} s; test accuracy on the ${test.y.length} official test digits ${flags.classes}: ${acc.toFixed(2)}%`,
  );
  await saveModel(out, meta.model, net);
  console.log(`wrote ${out}/model.safetensors and model.json`);
}

/**
 * `nabla finetune --from DIR --images PICS`: the course's transfer learning on your own pictures —
 * imageDatastore of the class folders, splitEachLabel into training and test parts, the head
 * replaced for the folders' classes, the pretrained layers frozen or slowed, optional augmentation.
 */
async function finetuneImages(flags: FinetuneFlags, dir: string): Promise<void> {
  if (!(flags.trainFraction > 0 && flags.trainFraction < 1))
    throw new UserError(`--train-fraction must be in (0, 1), got ${flags.trainFraction}`);
  if (!(flags.pretrainedFactor >= 0))
    throw new UserError(`--pretrained-factor must be >= 0, got ${flags.pretrainedFactor}`);
  const out = await prepareOutputFolder(flags.out, '--out');
  const { net: pretrained, meta } = await loadModel(flags.from);
  if (pretrained.inputShape.length !== 3) throw new UserError(`${flags.from}: not an image network`);
  const generator = new Random(flags.seed);
  const ds = loadImageFolder(
    { images: dir, skipBad: flags.skipBad, augment: flags.augment },
    pretrained.inputShape,
    generator,
  );
  const split = splitEachLabel(ds.labels, flags.trainFraction, { generator });
  if (split.first.length === 0 || split.second.length === 0)
    throw new UserError(
      `--train-fraction ${flags.trainFraction} leaves no pictures to ${split.first.length === 0 ? 'train' : 'test'} on`,
    );
  const trainSet = ds.subset(split.first);
  const testSet = ds.subset(split.second);
  const net = replaceHead(pretrained, ds.classes.length, { classes: ds.classes, generator });
  const head = net.layerRows.filter((r) => r.learnables > 0).at(-1)!.name;
  if (flags.freeze) freezeLayers(net, ['*'], { except: [head] });
  else if (flags.pretrainedFactor !== 1) setLearnRateFactors(net, { '*': flags.pretrainedFactor, [head]: 1 });
  console.log(
    `finetuning ${meta.model} from ${flags.from}: head '${head}' → ${ds.classes.length} classes, ${trainSet.length} training pictures, ` +
      (flags.freeze
        ? 'pretrained layers frozen'
        : `pretrained layers at learn-rate factor ${flags.pretrainedFactor}`),
  );
  const augment = trainSet.augmenter();
  const { info } = await finetune(
    net,
    trainSet.toLabeledData(),
    trainingOptions('sgdm', {
      maxEpochs: flags.epochs,
      miniBatchSize: Math.min(flags.batchSize, trainSet.length),
      initialLearnRate: flags.lr,
      seed: flags.seed,
      verbose: false,
    }),
    augment ? { augment } : {},
  );
  const { labels, scores } = classify(net, testSet.images, { batchSize: 8 });
  const acc = 100 * accuracy(labels, testSet.labels);
  const top5 =
    ds.classes.length > 5 ? `, top-5 ${(100 * topKAccuracy(scores, testSet.labels, 5)).toFixed(2)}%` : '';
  console.log(
    `trained ${info.iterations} iterations in ${info.durationSeconds.toFixed(1)} s; accuracy on the ${testSet.length} held-out pictures: ${acc.toFixed(2)}%${top5}`,
  );
  await saveModel(out, meta.model, net, photoInput(net));
  console.log(`wrote ${out}/model.safetensors and model.json`);
}
