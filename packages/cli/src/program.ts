import { availableParallelism } from 'node:os';
import { Command, CommanderError, Option } from 'commander';
import { type ClassifyFlags, classifyImages } from './commands/classify-images.js';
import { type CreditFlags, credit } from './commands/credit.js';
import { type EvaluateFlags, evaluate } from './commands/evaluate.js';
import { finetuneCommand } from './commands/finetune.js';
import { evaluateImages, type TrainImagesFlags, trainImages } from './commands/images.js';
import { type GradcheckFlags, gradcheck } from './commands/gradcheck.js';
import { exportCommand, importCommand } from './commands/onnx.js';
import { SUMMARY_MODELS, summary } from './commands/summary.js';
import { type ModelName, TRAIN_DEFAULTS, type TrainFlags, train } from './commands/train.js';
import { visualizeCommand } from './commands/visualize.js';
import { nonNegativeInt, positiveInt, positiveNumber, seed, threadCount } from './flag-parsers.js';
import { INTERRUPT_EXIT, Interrupted } from './interrupt.js';
import { isUserError, oneLine, USER_ERROR_EXIT, UserError } from './user-error.js';
import { inUserTerms } from './user-terms.js';
import { VERSION } from './version.js';

/** The one prefix of every refusal: commander's own `error: …` lines get it too. */
export const ERROR_PREFIX = 'nabla: ';

/** The test-set flags, shared by train and evaluate: any IDX pair of 28×28 digits, raw or .gz. */
function testFileOptions(cmd: Command): Command {
  return cmd
    .option(
      '--test-images <file>',
      'IDX images (28×28, uint8, raw or .gz) to test on instead of the official MNIST test set',
    )
    .option('--test-labels <file>', 'IDX labels (uint8, 0–9) going with --test-images');
}

function trainCommand(model: ModelName, description: string): Command {
  const cmd = new Command(model)
    .description(description)
    .option('--epochs <n>', 'epochs (passes over the training digits)', positiveInt, TRAIN_DEFAULTS.epochs)
    .option(
      '--train-size <n>',
      'training digits in all (not per class): the first train-size + val-size digits are split in this ratio within each class, so the counts can differ by a few',
      positiveInt,
      TRAIN_DEFAULTS.trainSize,
    )
    .option(
      '--val-size <n>',
      'validation digits in all (0: no validation)',
      nonNegativeInt,
      TRAIN_DEFAULTS.valSize,
    )
    .option('--full', 'train on every training digit (all 60,000 of MNIST), no validation split', false)
    .option('--batch-size <n>', 'mini-batch size', positiveInt, TRAIN_DEFAULTS.batchSize)
    .option(
      '--lr <rate>',
      'initial learning rate of sgdm (momentum 0.9, L2 1e-4)',
      positiveNumber,
      TRAIN_DEFAULTS.lr,
    )
    .option(
      '--seed <n>',
      'seed of the split, the initial weights and the shuffles',
      seed,
      TRAIN_DEFAULTS.seed,
    )
    .option(
      '--validation-frequency <n>',
      'validate every n iterations',
      positiveInt,
      TRAIN_DEFAULTS.validationFrequency,
    )
    .addOption(
      new Option(
        '--backend <name>',
        'where the kernels run: wasm (WebAssembly SIMD; the TypeScript cpu kernels where SIMD is missing), cpu, gpu, or auto (the GPU only where gpu.js has a real GL context, else wasm)',
      )
        .choices(['cpu', 'wasm', 'gpu', 'auto'])
        .default('wasm'),
    )
    .addOption(
      new Option(
        '--threads <n>',
        'threads for the wasm or cpu matmul and convolution kernels, at most one per core; a run is bit-reproducible for a given count',
      )
        .argParser(threadCount)
        .default(availableParallelism(), `every core: ${availableParallelism()} here`),
    )
    .option('--out <dir>', "folder for the run's files (default: runs/<model>-<date>-<time>)")
    .option(
      '--resume <dir>',
      'continue the run in <dir> from its last checkpoint (writes there unless --out)',
    )
    .option('--train-images <file>', "IDX images (28×28, uint8, raw or .gz) to train on instead of MNIST's")
    .option('--train-labels <file>', 'IDX labels (uint8, 0–9) going with --train-images');
  testFileOptions(cmd)
    .addOption(
      new Option(
        '--verbose',
        "print Matlab's training table (the default when stdout is not a terminal)",
      ).conflicts('quiet'),
    )
    .option('--quiet', 'print only the final lines', false)
    .addOption(
      new Option(
        '--plots <which>',
        "Matlab's Plots: training-progress serves the live accuracy and loss chart on 127.0.0.1 (address printed) while training runs",
      )
        .choices(['none', 'training-progress'])
        .default('none'),
    )
    .addHelpText(
      'after',
      '\nWrites into the output folder: model.safetensors, model.json, metrics.json, training-progress.svg/.html,\n' +
        "confusion-matrix.json/.csv and checkpoint.safetensors (rewritten atomically at each epoch's end).\n" +
        'Ctrl-C stops after the mini-batch in progress, writes checkpoint.safetensors of that instant, prints\n' +
        'the command that resumes the run (--resume) and exits with code 130.',
    )
    .option('--images <dir>', 'lenet: train on your own pictures, one sub-folder of PNG/JPEG files per class')
    .option('--input-size <h,w,c>', 'with --images: the input the pictures are resized to', '28,28,1')
    .option(
      '--train-fraction <f>',
      'with --images: the fraction of each class trained on; the rest is tested',
      Number,
      0.7,
    )
    .option('--augment', 'with --images: random reflection and shifts each epoch', false)
    .option('--skip-bad', 'with --images: leave out unreadable pictures (counted) instead of stopping', false)
    .action(async (flags: TrainFlags & Partial<TrainImagesFlags>, command: Command) => {
      if (flags.images) {
        if (model !== 'lenet')
          throw new UserError('--images trains lenet (an image network); the mlp takes digits');
        return trainImages(flags as TrainImagesFlags);
      }
      const explicit = new Set(Object.keys(flags).filter((k) => command.getOptionValueSource(k) === 'cli'));
      await train(
        model,
        { ...flags, verbose: Boolean(flags.verbose), quiet: Boolean(flags.quiet) },
        explicit,
      );
    });
  return cmd;
}

/** The `nabla` program: every command and its flags, each with --help. */
export function buildProgram(): Command {
  const program = new Command('nabla')
    .description(
      "Nabla, deep learning from scratch in TypeScript: train the course's networks, evaluate, classify, check gradients.",
    )
    .version(VERSION)
    .showSuggestionAfterError();

  const trainCmd = new Command('train')
    .description("train a network on 28×28 digits (MNIST by default) and write the run's files")
    .addCommand(
      trainCommand(
        'lenet',
        "the course's LeNet: 7,500 / 2,500 of the first 10,000 MNIST training digits (stratified, seeded), 3 epochs of sgdm, validation every 30 iterations, then the official test set",
      ),
    )
    .addCommand(
      trainCommand('mlp', 'an MLP 784-128-64-10 (ReLU) on flattened digits, with the same recipe as lenet'),
    );
  program.addCommand(trainCmd);

  program.addCommand(
    testFileOptions(
      new Command('evaluate')
        .description(
          'test accuracy and confusion matrix of a trained model (the official MNIST test set by default)',
        )
        .requiredOption('--model <dir>', "a training run's folder (model.json + model.safetensors)"),
    )
      .option('--json', 'print one JSON object instead of the report', false)
      .option(
        '--images <dir>',
        'test on your own pictures instead: one sub-folder per class, named as the classes',
      )
      .option(
        '--skip-bad',
        'with --images: leave out unreadable pictures (counted) instead of stopping',
        false,
      )
      .action((flags: EvaluateFlags & { images?: string; skipBad: boolean }) =>
        flags.images ? evaluateImages(flags.model, { ...flags, images: flags.images }) : evaluate(flags),
      ),
  );

  program.addCommand(
    new Command('classify')
      .description("the digit in each PNG image with every class's probability, or a photo's top-5 classes")
      .argument('<images...>', 'PNG files (grayscale or RGB, any size: see below)')
      .requiredOption('--model <dir>', "a training run's folder (model.json + model.safetensors)")
      .option('--json', 'print JSON instead of text', false)
      .option('--top <k>', 'photo networks: how many of the most probable classes to list', positiveInt, 5)
      .option('--labels <file>', 'photo networks: class names, one per line (e.g. ImageNet synsets)')
      .addHelpText(
        'after',
        '\nA photo network (imported with `nabla import`, or finetuned with --images) reads PNG or JPEG photos,\n' +
          'resized to its input, and lists the top-k classes.\n' +
          '\nHow a picture becomes a 28×28 digit: gray by luma (transparency over white); inverted if its border is\n' +
          "light (MNIST is white ink on black); a 28×28 picture is used as it is; any other size has its ink's\n" +
          'bounding box scaled to 20 pixels on the longer side (area averaging) and centred by its centre of mass\n' +
          'in a 28×28 square, as MNIST was made.',
      )
      .action((images: string[], flags: ClassifyFlags) => classifyImages(images, flags)),
  );

  program.addCommand(
    new Command('summary')
      .description("the layer table of a network: each layer's output size and learnables, and the total")
      .addArgument(new Command().createArgument('<model>', 'the network').choices(SUMMARY_MODELS))
      .action((name: string) => summary(name)),
  );

  program.addCommand(
    new Command('gradcheck')
      .description("autograd's gradient-check suite: every op's gradient against float64 central differences")
      .option('--cases <n>', 'random cases per op', positiveInt, 5)
      .option('--seed <n>', 'seed of the drawn cases', seed, 0)
      .option('--only <ops>', 'only ops whose name contains one of these (comma-separated)')
      .action((flags: GradcheckFlags) => {
        if (!gradcheck(flags)) process.exitCode = 1;
      }),
  );

  program.addCommand(
    new Command('credit')
      .description(
        'credit approval on German Credit: k-fold cross-validation report, or a decision with --applicant',
      )
      .option('--folds <k>', 'folds of the stratified cross-validation', positiveInt, 10)
      .option('--seed <n>', 'seed of the folds and the weights', seed, 0)
      .option(
        '--applicant <file>',
        'a JSON applicant to decide on ("course" for the course\'s own applicant)',
      )
      .addOption(
        new Option(
          '--threshold <rule>',
          'approve above p = 0.5 (half), or above 5/6, the cost-minimizing threshold (cost)',
        )
          .choices(['half', 'cost'])
          .default('half'),
      )
      .option('--json', 'print JSON instead of text', false)
      .addHelpText(
        'after',
        '\nAn applicant file holds the course\'s terms { "age", "sex", "salaryUsd", "yearsAtResidence", "yearsInJob",\n' +
          '"debtUsd" } (the other attributes are assumed, and the report says how), or all 20 German Credit attributes.',
      )
      .action((flags: CreditFlags) => credit(flags)),
  );
  program.addCommand(visualizeCommand());
  program.addCommand(finetuneCommand());
  program.addCommand(importCommand());
  program.addCommand(exportCommand());
  return program;
}

/**
 * Runs the program on argv (process.argv form) and returns the exit code: 0 on success, 2 for a
 * refusal of the user's input (one line on stderr, no stack trace), 1 for anything unexpected.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  // Commander errors (unknown flag, missing argument, bad value) become exceptions handled here,
  // and are printed with the prefix of every other refusal.
  const exitOverride = (cmd: Command) => {
    cmd.exitOverride();
    cmd.configureOutput({
      outputError: (text, write) => write(text.replace(/^error: /, ERROR_PREFIX)),
    });
    for (const sub of cmd.commands) exitOverride(sub);
  };
  exitOverride(program);
  try {
    await program.parseAsync(argv as string[]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its one-line message, or the help (exit 0 when asked for).
      return error.exitCode === 0 ? 0 : USER_ERROR_EXIT;
    }
    if (error instanceof Interrupted) {
      // Our own text (paths the user gave, numbers): its second line is the resume command.
      process.stderr.write(`${ERROR_PREFIX}${error.message}\n`);
      return INTERRUPT_EXIT;
    }
    if (isUserError(error)) {
      process.stderr.write(`${ERROR_PREFIX}${oneLine(inUserTerms(error))}\n`);
      return USER_ERROR_EXIT;
    }
    // A bug, not the user's input: one line still, with the stack only on request.
    process.stderr.write(`${ERROR_PREFIX}internal error: ${oneLine(error)}\n`);
    if (process.env.NABLA_DEBUG) process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
    else process.stderr.write('(set NABLA_DEBUG=1 to see the stack trace)\n');
    return 1;
  }
}
