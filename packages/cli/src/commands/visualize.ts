import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeSafetensors, decodeSafetensorsHeader } from '@nabla/io';
import { readFileForLoad } from '@nabla/io/node';
import {
  activationMaps,
  alexnet,
  nameList,
  printable,
  refuseNonFinite,
  deepDreamImage,
  encodePng,
  filterGrid,
  imageRasters,
  type Network,
  type RasterImage,
  resolveLayer,
  tileImages,
  upscale,
} from '@nabla/models';
import { Conv2d } from '@nabla/layers';
import * as nd from '@nabla/tensor';
import { type NDArray, Random } from '@nabla/tensor';
import { Command, Option } from 'commander';
import { digitFiles, loadDigits } from '../digits.js';
import { nonNegativeInt, positiveInt, seed } from '../flag-parsers.js';
import { loadModel } from '../model-files.js';
import { prepareOutputFolder } from '../output-folder.js';
import { alexnetTensorShapes } from '../alexnet-shapes.js';
import { photoToInput } from '../photo-input.js';
import { pngToDigit, readPng } from '../png-digit.js';
import { UserError } from '../user-error.js';

export interface VisualizeFlags {
  model?: string;
  alexnet?: string;
  out: string;
  image?: string;
  testIndex: number;
  filters: boolean;
  activations: boolean;
  dream?: string;
  channels?: string;
  iterations: number;
  levels: number;
  seed: number;
}

/** Caffe's ImageNet channel means (R, G, B): AlexNet's input mean when the weights file has none. */
const IMAGENET_MEAN = [123.68, 116.78, 103.94];

/** `nabla visualize`: the first conv layer's filters, every layer's activations, deepDreamImage pictures. */
export function visualizeCommand(): Command {
  return new Command('visualize')
    .description(
      "what a network has learned, as PNGs: the first conv layer's filters, each layer's activations for an image, and activation maximization (deepDreamImage)",
    )
    .addOption(
      new Option('--model <dir>', "a training run's folder (model.json + model.safetensors)").conflicts(
        'alexnet',
      ),
    )
    .option(
      '--alexnet <weights>',
      'an AlexNet weights file (.safetensors, PyTorch names features.0.weight …)',
    )
    .requiredOption('--out <dir>', 'folder for the PNGs')
    .option(
      '--image <file>',
      'the PNG or JPEG image whose activations are drawn (default: an official MNIST test digit)',
    )
    .option('--test-index <n>', 'which MNIST test digit, when no --image', nonNegativeInt, 0)
    .option('--no-filters', "skip the first conv layer's filters")
    .option('--no-activations', 'skip the activation maps')
    .option(
      '--dream <layers>',
      "comma-separated layers to maximize (table names like conv1, fc8, 'output'; or module paths)",
    )
    .option('--channels <list>', 'channels or units to maximize, e.g. 0-9 or 3,5,7 (default: the first 16)')
    .option('--iterations <n>', 'gradient-ascent steps per octave', positiveInt, 30)
    .option('--levels <n>', 'octaves (pyramid levels)', positiveInt, 3)
    .option('--seed <n>', 'seed of the starting noise and the jitter', seed, 0)
    .addHelpText(
      'after',
      '\nWrites filters.png, activations-<layer>.png and dream-<layer>.png. AlexNet weights without an input.mean\n' +
        "tensor are centred with Caffe's ImageNet channel means; AlexNet images are read as RGB and resized to 227×227.",
    )
    .action((flags: VisualizeFlags) => visualize(flags));
}

export async function visualize(flags: VisualizeFlags): Promise<void> {
  await prepareOutputFolder(flags.out, '--out');
  const net = await loadNetwork(flags);
  const write = async (name: string, image: RasterImage) => {
    const path = join(flags.out, name);
    await writeFile(path, encodePng(image));
    console.log(`wrote ${path} (${image.width}×${image.height})`);
  };
  const small = net.inputShape.length === 1 || net.inputShape[1]! < 64;
  // As filterGrid looks for it: the first Conv2d of the body.
  const hasConv = [...net.body.namedModules()].some(([, m]) => m instanceof Conv2d);
  if (flags.filters && !hasConv)
    console.log(
      'no filters.png: the network has no convolution layer (only a conv layer has filters to draw)',
    );
  else if (flags.filters)
    await write('filters.png', filterGrid(net, { scale: small ? 8 : 4, gap: 2, background: 128 }));
  if (flags.activations) {
    const image = await inputImage(net, flags);
    // An MLP's input is the digit flattened: drawn as the 28×28 picture it is.
    const picture = image.ndim === 1 ? image.reshape([1, 1, 28, 28]) : image.reshape([1, ...image.shape]);
    await write('input.png', upscale(imageRasters(picture)[0]!, small ? 4 : 1));
    for (const map of activationMaps(net, image))
      await write(`activations-${safe(map.layer)}.png`, map.image);
  }
  for (const layer of flags.dream ? flags.dream.split(',').map((s) => s.trim()) : []) {
    const name = layer === 'output' ? outputLayer(net) : layer;
    resolveLayer(net, name);
    const width = net.layerRows.find((r) => r.name === name)?.outputShape[0] ?? 16;
    const channels = parseChannels(flags.channels, Math.min(16, width));
    const started = performance.now();
    const r = deepDreamImage(net, name, channels, {
      iterations: flags.iterations,
      pyramidLevels: flags.levels,
      decay: small ? 0.03 : 0.01,
      generator: new Random(flags.seed),
    });
    const gains = r.finalActivation.map((a, i) => `${r.initialActivation[i]!.toFixed(2)}→${a.toFixed(2)}`);
    console.log(
      `deepDreamImage ${name}, channels ${channels.join(',')}: ${((performance.now() - started) / 1000).toFixed(1)} s; activation ${gains.join(' ')}`,
    );
    const tiles = imageRasters(r.images).map((im) => upscale(im, small ? 4 : 1));
    await write(
      `dream-${safe(name)}.png`,
      tileImages(tiles, { columns: Math.min(8, tiles.length), gap: 2, background: 128 }),
    );
  }
}

async function loadNetwork(flags: VisualizeFlags): Promise<Network> {
  if (flags.model) return (await loadModel(flags.model)).net;
  if (!flags.alexnet) throw new UserError('visualize needs --model <dir> or --alexnet <weights.safetensors>');
  // The header first: the number of classes it implies, and every tensor's name and shape, are
  // checked against AlexNet's before the network (61 million weights) or any tensor is allocated.
  const bytes = await readFileForLoad(flags.alexnet);
  const header = decodeSafetensorsHeader(bytes, flags.alexnet);
  const fc8 = header.entries.find((e) => e.name === 'classifier.6.weight');
  if (!fc8) throw new UserError(`${flags.alexnet}: no tensor classifier.6.weight: not AlexNet weights`);
  const [numClasses, fc8In] = fc8.shape;
  if (fc8.shape.length !== 2 || fc8In !== 4096 || !(numClasses! >= 1 && numClasses! <= MAX_ALEXNET_CLASSES))
    throw new UserError(
      `${flags.alexnet}: classifier.6.weight is [${fc8.shape.join(',')}]; AlexNet's is [classes,4096] with 1 to ${MAX_ALEXNET_CLASSES} classes`,
    );
  const expected = alexnetTensorShapes(numClasses!);
  const given = new Map(header.entries.map((e) => [e.name, e.shape]));
  const missing = [...expected.keys()].filter((k) => !given.has(k));
  expected.set('input.mean', given.get('input.mean') ? [3, 227, 227] : []);
  if (!given.has('input.mean')) expected.delete('input.mean');
  const unexpected = [...given.keys()].filter((k) => !expected.has(k));
  const misshaped = [...expected]
    .filter(([k, s]) => given.has(k) && given.get(k)!.join(',') !== s.join(','))
    .map(([k, s]) => `${k} is [${given.get(k)!.join(',')}], needs [${s.join(',')}]`);
  const problems = [
    ...(missing.length ? [`missing ${nameList(missing)}`] : []),
    ...(unexpected.length ? [`unexpected ${nameList(unexpected)}`] : []),
    ...(misshaped.length ? [nameList(misshaped, '; ')] : []),
  ];
  if (problems.length) throw new UserError(`${flags.alexnet}: not AlexNet weights: ${problems.join('; ')}`);
  const weights = decodeSafetensors(bytes, flags.alexnet).tensors;
  refuseNonFinite(weights, flags.alexnet);
  const net = alexnet({ numClasses: numClasses! });
  if (!weights.has('input.mean')) {
    const mean = new Float32Array(3 * 227 * 227);
    for (let c = 0; c < 3; c++) mean.fill(IMAGENET_MEAN[c]!, c * 227 * 227, (c + 1) * 227 * 227);
    net.mean = nd.fromTypedArray(mean, [3, 227, 227]);
  }
  net.loadStateDict(weights, { strict: true });
  net.eval();
  return net;
}

/** One example [C, H, W]: the PNG given, or an MNIST test digit. */
async function inputImage(net: Network, flags: VisualizeFlags): Promise<NDArray> {
  const [c, h, w] = net.inputShape as [number, number, number];
  // A digit network: [1,28,28] (LeNet) or the same 784 pixels flattened (an MLP).
  const flat = net.inputShape.length === 1 && c === 784;
  const digitNet = (c === 1 && h === 28 && w === 28) || flat;
  if (flags.image) {
    const bytes = await readPng(flags.image);
    if (digitNet) return pngToDigit(bytes, flags.image).reshape(flat ? [784] : [1, 28, 28]);
    // Any other image network: a PNG or JPEG photo resized to its input (0 … 255), as classify reads it.
    return photoToInput(flags.image, net);
  }
  if (!digitNet)
    throw new UserError(
      `--image: this network takes [${net.inputShape.join(',')}], not a 28×28 digit: give --image <png>`,
    );
  const test = loadDigits(digitFiles({}), 'test');
  if (flags.testIndex >= test.labels.length)
    throw new UserError(`--test-index ${flags.testIndex}: the test set has ${test.labels.length} digits`);
  return test.images
    .slice([[flags.testIndex, flags.testIndex + 1]])
    .contiguous()
    .reshape(flat ? [784] : [1, 28, 28]);
}

/** The most classes an AlexNet weights file may have (ImageNet's 1,000, with room). */
const MAX_ALEXNET_CLASSES = 100_000;

/** The last layer with a module (the scores): what 'output' means for --dream. */
function outputLayer(net: Network): string {
  const row = [...net.layerRows].reverse().find((r) => r.modules.length > 0);
  if (!row) throw new UserError('visualize: the network has no layer table to find its output layer in');
  return row.name;
}

function parseChannels(text: string | undefined, fallback: number): number[] {
  if (!text) return Array.from({ length: fallback }, (_, i) => i);
  const out: number[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+))?\s*$/.exec(part);
    if (!m)
      throw new UserError(`--channels: expected numbers or ranges like 0-9,12, got '${printable(text, 60)}'`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    // The count is checked before the range is listed: 0-1000000000 must not build a billion numbers.
    if (b - a + 1 + out.length > 256)
      throw new UserError(`--channels: between 1 and 256 channels, got more (${m[0].trim()})`);
    for (let k = a; k <= b; k++) out.push(k);
  }
  if (out.length === 0 || out.length > 256)
    throw new UserError(`--channels: between 1 and 256 channels, got ${out.length}`);
  return out;
}

const safe = (name: string) => name.replace(/[^A-Za-z0-9_.-]/g, '_');
