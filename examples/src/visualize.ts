/**
 * Feature visualization of the course's LeNet on MNIST: train it briefly (1 epoch on the course's
 * 7,500 digits), then write PNGs of what it has learned:
 *   filters.png            the 16 3×3 filters of the first conv layer
 *   activations-<layer>.png every layer's activations for one test digit
 *   dream-<layer>.png       activation maximization (deepDreamImage) of conv layers' channels
 *   dream-classes.png       … of the 10 output classes: each should look like its digit
 *   pnpm --filter @nabla/examples visualize [-- --out DIR --epochs 1 --seed 0]
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { splitEachLabel } from '@nabla/data';
import { loadMnist } from '@nabla/data/node';
import { loadSafetensors, saveSafetensors } from '@nabla/io/node';
import {
  activationMaps,
  deepDreamImage,
  encodePng,
  filterGrid,
  imageRasters,
  lenet,
  lenetLayers,
  type RasterImage,
  tileImages,
  trainingOptions,
  trainNetwork,
  upscale,
} from '@nabla/models';
import { Random } from '@nabla/tensor';
import { takeLabels, takeRows } from './rows.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const out = option('--out', 'runs/visualize-lenet');
const epochs = Number(option('--epochs', '1'));
const seed = Number(option('--seed', '0'));
mkdirSync(out, { recursive: true });
const write = (name: string, image: RasterImage) => {
  writeFileSync(join(out, name), encodePng(image));
  console.log(`wrote ${join(out, name)} (${image.width}×${image.height})`);
};

const mnist = loadMnist();
let started = Date.now();
// The trained weights are kept in the output folder; --retrain trains again.
const weights = join(out, 'lenet.safetensors');
const net = lenet();
if (existsSync(weights) && !args.includes('--retrain')) {
  net.loadStateDict((await loadSafetensors(weights)).tensors);
  console.log(`loaded ${weights}`);
} else {
  const labels = mnist.train.labels.subarray(0, 10_000);
  const split = splitEachLabel(labels, 0.75, { generator: new Random(seed) });
  const train = { x: takeRows(mnist.train.images, split.first), y: takeLabels(labels, split.first) };
  const options = { maxEpochs: epochs, miniBatchSize: 128, initialLearnRate: 0.01, seed, verbose: false };
  const trained = await trainNetwork(train, lenetLayers(), trainingOptions('sgdm', options));
  net.loadStateDict(trained.net.stateDict());
  await saveSafetensors(weights, net.stateDict());
}
net.eval();
const test = net.predict(mnist.test.images.slice([[0, 1000]]).contiguous());
let correct = 0;
const predicted = test.contiguous().data;
for (let i = 0; i < 1000; i++) {
  let best = 0;
  for (let c = 1; c < 10; c++) if (predicted[i * 10 + c]! > predicted[i * 10 + best]!) best = c;
  if (best === mnist.test.labels[i]) correct++;
}
console.log(
  `LeNet (${epochs} epoch(s) on 7,500 digits; ${((Date.now() - started) / 1000).toFixed(1)} s to train or load): ${correct / 10}% on the first 1,000 test digits`,
);

write('filters.png', filterGrid(net, { scale: 8, columns: 8, gap: 2, background: 128 }));
const digit = mnist.test.images.slice([[0, 1]]).contiguous();
write('digit.png', upscale(imageRasters(digit, { min: 0, max: 1 })[0]!, 4));
for (const map of activationMaps(net, digit)) write(`activations-${map.layer}.png`, map.image);

const dream = (layer: string, channels: number[], file: string) => {
  started = Date.now();
  const r = deepDreamImage(net, layer, channels, {
    iterations: 60,
    decay: 0.03,
    generator: new Random(seed),
  });
  const gain = r.finalActivation.map((a, i) => `${r.initialActivation[i]!.toFixed(1)}→${a.toFixed(1)}`);
  console.log(
    `deepDreamImage ${layer} [${channels.join(',')}]: ${((Date.now() - started) / 1000).toFixed(1)} s; activation ${gain.join(' ')}`,
  );
  const tiles = imageRasters(r.images).map((im) => upscale(im, 4));
  write(file, tileImages(tiles, { columns: Math.min(channels.length, 8), gap: 2, background: 128 }));
};
dream('convolution2d_1', [...Array(16).keys()], 'dream-conv1.png');
dream('convolution2d_2', [...Array(16).keys()], 'dream-conv2.png');
dream('convolution2d_3', [...Array(16).keys()], 'dream-conv3.png');
dream('fullyConnected_1', [...Array(16).keys()], 'dream-fc1.png');
dream('classification_1', [...Array(10).keys()], 'dream-classes.png');
