import {
  assembleNetwork,
  classify,
  confusionMatrix,
  type LayerSpec,
  type Network,
  trainingOptions,
  trainNetwork,
} from '@nabla/models';
import { type ModelName, modelLayers } from '../model-layers.js';
import { type BackendChoice, type BackendFlag, chooseBackend } from '../backend-choice.js';
import { type LoadedCheckpoint, type RunConfig, readCheckpoint, writeCheckpoint } from '../checkpoint.js';
import {
  asInput,
  describeSource,
  digitFiles,
  type DigitFiles,
  hasTestSet,
  loadDigits,
  splitDigits,
} from '../digits.js';
import { saveModel, writeJson } from '../model-files.js';
import { prepareOutputFolder } from '../output-folder.js';
import { Interrupted, shellQuote, watchInterrupt, yieldToEventLoop } from '../interrupt.js';
import { TrainingProgressBar } from '../progress-bar.js';
import { writeConfusionMatrix, writeProgressChart } from '../run-report.js';
import { UserError } from '../user-error.js';

export { type ModelName, modelLayers } from '../model-layers.js';

export interface TrainFlags extends DigitFiles {
  epochs: number;
  trainSize: number;
  valSize: number;
  full: boolean;
  batchSize: number;
  lr: number;
  seed: number;
  validationFrequency: number;
  backend: BackendFlag;
  threads: number;
  out?: string;
  resume?: string;
  verbose: boolean;
  quiet: boolean;
  /** Matlab's Plots: 'training-progress' serves the live chart on 127.0.0.1 while training runs. */
  plots?: 'none' | 'training-progress';
}

/** The course's example: 7,500 / 2,500 of the first 10,000 MNIST digits, 3 epochs of 'sgdm'. */
export const TRAIN_DEFAULTS = {
  epochs: 3,
  trainSize: 7500,
  valSize: 2500,
  batchSize: 128,
  lr: 0.01,
  seed: 0,
  validationFrequency: 30,
} as const;

/** Settings that must stay as the checkpoint has them when a run is resumed. */
const FIXED_ON_RESUME = [
  ['trainSize', 'trainSize', '--train-size'],
  ['valSize', 'valSize', '--val-size'],
  ['full', 'full', '--full'],
  ['batchSize', 'batchSize', '--batch-size'],
  ['lr', 'learnRate', '--lr'],
  ['seed', 'seed', '--seed'],
  ['validationFrequency', 'validationFrequency', '--validation-frequency'],
] as const;

/** Flags whose values a checkpoint keeps (or that name it): a resume command needs none of them. */
const KEPT_BY_CHECKPOINT: ReadonlySet<string> = new Set([
  ...FIXED_ON_RESUME.map(([flag]) => flag),
  'epochs',
  'threads',
  'out',
  'resume',
  'trainImages',
  'trainLabels',
  'testImages',
  'testLabels',
]);

/**
 * `nabla train lenet|mlp`: loads and splits the digits, trains with trainNetwork (a checkpoint at
 * each epoch's end), then measures the training, validation and test accuracies and writes the
 * run's files into the output folder. `explicit` names the flags given on the command line.
 */
export async function train(
  model: ModelName,
  flags: TrainFlags,
  explicit: ReadonlySet<string>,
): Promise<void> {
  const say = (line: string) => {
    if (!flags.quiet) console.log(line);
  };
  let resumed: LoadedCheckpoint | null = null;
  let config: RunConfig;
  let outDir: string;
  if (flags.resume !== undefined) {
    resumed = await readCheckpoint(flags.resume);
    config = { ...resumed.config };
    if (config.model !== model) {
      throw new UserError(
        `${flags.resume} holds a ${config.model} run; resume it with: nabla train ${config.model} --resume ${flags.resume}`,
      );
    }
    for (const [flag, setting, name] of FIXED_ON_RESUME) {
      if (explicit.has(flag) && flags[flag] !== config[setting]) {
        throw new UserError(
          `${name} ${String(flags[flag])} differs from the run being resumed (${String(config[setting])}); a resumed run keeps its settings`,
        );
      }
    }
    for (const key of ['trainImages', 'trainLabels', 'testImages', 'testLabels'] as const) {
      if (explicit.has(key))
        throw new UserError(
          'a resumed run reads the data files it started with; drop the --train-*/--test-* flags',
        );
    }
    const threads = config.threads ?? 1;
    if (explicit.has('threads') && flags.threads !== threads) {
      throw new UserError(
        `--threads ${flags.threads} differs from the run being resumed (${threads}); the same thread count keeps the resumed weights bit-identical`,
      );
    }
    config.threads = threads;
    if (explicit.has('epochs')) config.epochs = flags.epochs;
    if (config.epochs < resumed.snapshot.epoch) {
      throw new UserError(
        `--epochs ${config.epochs} is fewer than the ${resumed.snapshot.epoch} epochs the checkpoint has already done`,
      );
    }
    outDir = await prepareOutputFolder(flags.out ?? flags.resume, flags.out ? '--out' : '--resume');
  } else {
    config = {
      model,
      epochs: flags.epochs,
      batchSize: flags.batchSize,
      learnRate: flags.lr,
      seed: flags.seed,
      trainSize: flags.trainSize,
      valSize: flags.valSize,
      full: flags.full,
      validationFrequency: flags.validationFrequency,
      threads: flags.threads,
      files: digitFiles(flags),
    };
    outDir = await prepareOutputFolder(flags.out ?? defaultOutDir(model), '--out');
  }

  const backend = await chooseBackend(flags.backend, config.threads ?? 1, explicit.has('backend'));

  // Every input is read and checked before the first iteration, so a bad file fails at once.
  const files = config.files;
  const digits = loadDigits(files, 'train');
  const split = splitDigits(digits, config);
  const test = hasTestSet(files) ? loadDigits(files, 'test') : null;
  const layers = modelLayers(model);
  const inputShape = model === 'lenet' ? [1, 28, 28] : [784];
  const trainData = { x: asInput(split.train.x, inputShape), y: split.train.y };
  const valData = split.validation
    ? { x: asInput(split.validation.x, inputShape), y: split.validation.y }
    : null;
  // Printed even with --quiet: where the work ran is part of the result when the choice was delegated.
  // Printed once every input has been read and checked, so a refusal stays the run's only line.
  if (flags.backend !== 'cpu') console.log(`Backend: ${backend.name} (${backend.kernel}): ${backend.reason}`);

  let start: LayerSpec[] | Network = layers;
  if (resumed) {
    for (const key of ['fixedOrder', 'epochOrder'] as const) {
      const order = resumed.snapshot[key];
      if (order && !isPermutation(order, trainData.y.length)) {
        throw new UserError(
          `${flags.resume}: the checkpoint's ${key} is not an order of the ${trainData.y.length} training digits`,
        );
      }
    }
    // The checkpoint's weights were checked against the layers' plan: build from zeros, then load.
    const net = assembleNetwork(layers, { initialize: false });
    net.loadStateDict(resumed.weights, { strict: true });
    start = net;
  }

  const verboseTable = !flags.quiet && (flags.verbose || !process.stdout.isTTY);
  const bar = !flags.quiet && !verboseTable ? new TrainingProgressBar(config.batchSize) : null;
  say(
    `Training ${model} on ${trainData.y.length.toLocaleString('en-US')} digits` +
      (valData ? `, validating on ${valData.y.length.toLocaleString('en-US')}` : '') +
      `: ${config.epochs} epoch(s), mini-batch ${config.batchSize}, learn rate ${config.learnRate}, seed ${config.seed}` +
      (resumed
        ? ` — resuming after epoch ${resumed.snapshot.epoch} (iteration ${resumed.snapshot.iteration})`
        : ''),
  );
  // Ctrl-C: stop after the mini-batch in progress, checkpoint that instant, say how to resume.
  let total = 0;
  const stopped = { epoch: 0, iteration: -1 };
  const options = trainingOptions('sgdm', {
    maxEpochs: config.epochs,
    miniBatchSize: config.batchSize,
    initialLearnRate: config.learnRate,
    validationData: valData,
    validationFrequency: config.validationFrequency,
    seed: config.seed,
    // Matlab's names: 'cpu' is the processor, where both the wasm and the TypeScript kernels run.
    executionEnvironment: backend.name === 'gpu' ? 'gpu' : 'cpu',
    verbose: verboseTable,
    plots: flags.plots ?? 'none',
    log: (line) => console.log(line),
    onIteration: async (record, progress) => {
      total = progress.totalIterations;
      if (!interrupt.requested) bar?.update(record, progress.totalIterations);
      // A macrotask between iterations, so a Ctrl-C is handled now rather than after the run.
      await yieldToEventLoop();
      return interrupt.requested ? 'stop' : undefined;
    },
  });
  const interrupt = watchInterrupt(() => {
    bar?.stop();
    process.stderr.write(
      // The bar's stop ends its line; the verbose table's line has the terminal's ^C on it.
      `${bar ? '' : '\n'}nabla: stopping after this mini-batch to save a checkpoint (Ctrl-C again to quit at once)\n`,
    );
  });
  let result: Awaited<ReturnType<typeof trainNetwork>>;
  try {
    result = await trainNetwork(trainData, start, options, {
      ...(resumed ? { resume: resumed.snapshot } : {}),
      onEpochEnd: (snapshot, net) => writeCheckpoint(outDir, config, snapshot, net),
      onStop: async (snapshot, net) => {
        await writeCheckpoint(outDir, config, snapshot, net);
        stopped.epoch = snapshot.epoch;
        stopped.iteration = snapshot.iteration;
      },
    });
  } finally {
    bar?.stop();
    interrupt.dispose();
  }
  if (interrupt.requested) {
    const at = stopped;
    if (at.iteration < 0) throw new Interrupted('interrupted before the first iteration; nothing to save');
    // The flags given that the checkpoint does not keep (--backend, --verbose …), as given.
    const again = [...explicit]
      .filter((k) => !KEPT_BY_CHECKPOINT.has(k))
      .sort()
      .flatMap((k) => {
        const value = (flags as unknown as Record<string, unknown>)[k];
        const flag = `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
        return value === true ? [flag] : value === false || value === undefined ? [] : [flag, String(value)];
      });
    throw new Interrupted(
      `interrupted at iteration ${at.iteration} of ${total} (${at.epoch} of ${config.epochs} epochs done); checkpoint saved in ${outDir}\n` +
        `resume with: ${['nabla', 'train', model, '--resume', outDir, ...again].map(shellQuote).join(' ')}`,
    );
  }
  const { net, info } = result;

  const accuracyOn = (data: { x: typeof trainData.x; y: Int32Array }) => {
    const { labels } = classify(net, data.x);
    let correct = 0;
    for (let i = 0; i < labels.length; i++) if (labels[i] === data.y[i]) correct++;
    return { labels, percent: (100 * correct) / labels.length };
  };
  const trainAccuracy = accuracyOn(trainData).percent;
  // trainNetwork validates after its last iteration, on these weights in eval mode: reuse that.
  const valAccuracy = valData ? (info.finalValidationAccuracy ?? accuracyOn(valData).percent) : null;
  let testAccuracy: number | null = null;
  let confusionSource = 'validation set';
  let confusion: number[][] | null = null;
  if (test) {
    const t = accuracyOn({ x: asInput(test.images, inputShape), y: test.labels });
    testAccuracy = t.percent;
    confusion = confusionMatrix(t.labels, test.labels, 10);
    confusionSource = describeSource(files, 'test');
  } else if (valData) {
    confusion = confusionMatrix(accuracyOn(valData).labels, valData.y, 10);
  }

  await saveModel(outDir, model, net);
  const last = info.history[info.history.length - 1];
  const durationSeconds = last ? last.timeElapsed : info.durationSeconds;
  await writeJson(`${outDir}/metrics.json`, {
    model,
    accuracyUnit: 'percent',
    trainAccuracy,
    valAccuracy,
    testAccuracy,
    trainSize: trainData.y.length,
    valSize: valData?.y.length ?? 0,
    testSize: test?.labels.length ?? 0,
    data: { train: describeSource(files, 'train'), test: test ? describeSource(files, 'test') : null },
    epochs: info.epochs,
    iterations: info.iterations,
    miniBatchSize: config.batchSize,
    initialLearnRate: config.learnRate,
    validationFrequency: config.validationFrequency,
    seed: config.seed,
    backend: backendJson(backend),
    durationSeconds,
    imagesPerSecond: info.examplesPerSecond,
    ...(resumed
      ? { resumedFrom: { epoch: resumed.snapshot.epoch, iteration: resumed.snapshot.iteration } }
      : {}),
    history: info.history,
  });
  if (confusion) await writeConfusionMatrix(outDir, confusion, net.classes, confusionSource);
  const plot = await writeProgressChart(
    outDir,
    info.history,
    `${model === 'lenet' ? 'LeNet' : 'MLP 784-128-64-10'} on ${describeSource(files, 'train')}`,
  );

  const pct = (v: number) => `${v.toFixed(2)}%`;
  console.log(
    `Training accuracy:   ${pct(trainAccuracy)} (${trainData.y.length.toLocaleString('en-US')} digits)`,
  );
  if (valAccuracy !== null)
    console.log(
      `Validation accuracy: ${pct(valAccuracy)} (${valData!.y.length.toLocaleString('en-US')} digits)`,
    );
  if (testAccuracy !== null) {
    console.log(
      `Test accuracy:       ${pct(testAccuracy)} (${describeSource(files, 'test')}, ${test!.labels.length.toLocaleString('en-US')} digits)`,
    );
  } else console.log('Test accuracy:       not measured (no --test-images/--test-labels for this data set)');
  console.log(
    `Trained in ${durationSeconds.toFixed(1)} s (${info.epochs} epoch${info.epochs === 1 ? '' : 's'}, ${info.iterations} iterations, ${info.examplesPerSecond.toFixed(0)} images/s, ${backend.name} backend)`,
  );
  console.log(`Plot: ${plot} (and training-progress.html)`);
  console.log(`Model: ${outDir}/model.safetensors, model.json; metrics.json; checkpoint.safetensors`);
}

/** Whether `order` holds each of 0 … n − 1 exactly once. */
function isPermutation(order: readonly number[], n: number): boolean {
  if (order.length !== n) return false;
  const seen = new Uint8Array(n);
  for (const i of order) {
    if (!(i >= 0 && i < n) || seen[i]) return false;
    seen[i] = 1;
  }
  return true;
}

function backendJson(b: BackendChoice) {
  return { name: b.name, kernel: b.kernel, reason: b.reason };
}

/** runs/<model>-<UTC date>-<time>, e.g. runs/lenet-20250101-120000. */
function defaultOutDir(model: ModelName): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `runs/${model}-${stamp}`;
}
