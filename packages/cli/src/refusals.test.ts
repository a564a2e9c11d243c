import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { encodeIdx } from '@nabla/data';
import { assembleNetwork, type TrainingSnapshot } from '@nabla/models';
import { NDArray, Random } from '@nabla/tensor';
import { type RunConfig, writeCheckpoint } from './checkpoint.js';
import { modelLayers } from './commands/train.js';
import { saveModel } from './model-files.js';
import { type CliResult, mnistSlice, runNabla, tempDir, writeIdxPair } from './testing/fixtures.js';

/** A refusal as the CLI must make it: exit code 2 and ONE line on stderr, no stack trace. */
function assertRefused(r: CliResult, pattern: RegExp): void {
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(r.code, 2, `exit code 2 expected, got ${r.code}; stderr: ${r.stderr}`);
  assert.equal(lines.length, 1, `one line on stderr expected, got:\n${r.stderr}`);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(r.stderr + r.stdout, /^\s+at /m, 'no stack trace');
}

const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));
const good = writeIdxPair(dir, 'good', mnistSlice(0, 100));
const small = ['--train-size', '40', '--val-size', '10', '--epochs', '1', '--batch-size', '16', '--quiet'];
const train = (files: { images: string; labels: string }, extra: string[] = []) =>
  runNabla([
    'train',
    'lenet',
    '--train-images',
    files.images,
    '--train-labels',
    files.labels,
    ...small,
    '--out',
    join(dir, 'never'),
    ...extra,
  ]);

/** Writes raw bytes as a labels/images file and returns the pair with the good other half. */
function withImages(name: string, bytes: Uint8Array) {
  const images = join(dir, `${name}-images`);
  writeFileSync(images, bytes);
  return { images, labels: good.labels };
}
function withLabels(name: string, bytes: Uint8Array) {
  const labels = join(dir, `${name}-labels`);
  writeFileSync(labels, bytes);
  return { images: good.images, labels };
}

describe('nabla refuses bad data files with one line and exit code 2', { concurrency: 4 }, () => {
  test('a missing file', async () => {
    assertRefused(
      await train({ images: join(dir, 'nope-images'), labels: good.labels }),
      /nope-images.*no such file/,
    );
  });

  test('a wrong magic number', async () => {
    const bytes = readFileSync(good.images);
    bytes[0] = 0x42;
    assertRefused(await train(withImages('magic', bytes)), /wrong magic/);
  });

  test('a truncated images file', async () => {
    const bytes = readFileSync(good.images);
    assertRefused(await train(withImages('truncated', bytes.subarray(0, bytes.length - 100))), /truncated/);
  });

  test('a truncated gzip file', async () => {
    const gz = writeIdxPair(dir, 'gz', mnistSlice(0, 100), { gzip: true });
    const bytes = readFileSync(gz.images);
    assertRefused(
      await train(withImages('gz-truncated', bytes.subarray(0, bytes.length >> 1))),
      /gz-truncated/,
    );
  });

  test('image and label counts that differ', async () => {
    const labels = mnistSlice(0, 90).labels;
    assertRefused(await train(withLabels('count', encodeIdx(labels))), /100 images.*90 labels/);
  });

  test('a label outside 0–9', async () => {
    const labels = mnistSlice(0, 100).labels;
    labels.data[7] = 10;
    assertRefused(await train(withLabels('range', encodeIdx(labels))), /label 7 is 10/);
  });

  test('images that are not 28×28', async () => {
    const images = { dtype: 'uint8' as const, shape: [100, 20, 20], data: new Uint8Array(100 * 400) };
    assertRefused(
      await train(withImages('size', encodeIdx(images))),
      /expected images of shape \[N,28,28\], got \[100,20,20\]/,
    );
  });

  test('an images file without its labels', async () => {
    const r = await runNabla(['train', 'mlp', '--train-images', good.images, '--quiet']);
    assertRefused(r, /--train-images and --train-labels go together/);
  });

  test('more digits asked for than the file holds', async () => {
    assertRefused(
      await train(good, ['--train-size', '90', '--val-size', '20']),
      /= 110 digits, but the training set holds only 100/,
    );
  });

  test('a bad flag value and an unknown flag', async () => {
    assertRefused(await runNabla(['train', 'lenet', '--epochs', 'three']), /--epochs.*'three' is invalid/);
    assertRefused(await runNabla(['train', 'lenet', '--backend', 'tpu']), /--backend.*'tpu'/);
    assertRefused(await runNabla(['train', 'lenet', '--bogus']), /unknown option '--bogus'/);
  });
});

describe('nabla refuses corrupted model and checkpoint files with one line and exit code 2', {
  concurrency: 4,
}, async () => {
  // A model folder and a checkpoint written by the CLI's own code (no training needed).
  const modelDir = join(dir, 'model');
  const net = assembleNetwork(modelLayers('lenet'), { generator: new Random(1) });
  net.fitNormalization(new NDArray(new Float32Array(4 * 784).fill(0.5), [4, 1, 28, 28]));
  await saveModel(modelDir, 'lenet', net);
  const config: RunConfig = {
    model: 'lenet',
    epochs: 3,
    batchSize: 16,
    learnRate: 0.01,
    seed: 0,
    trainSize: 40,
    valSize: 10,
    full: false,
    validationFrequency: 30,
    files: { trainImages: good.images, trainLabels: good.labels },
  };
  // No iteration done yet, so no optimizer buffers: a checkpoint that passes every content check.
  const snapshot: TrainingSnapshot = {
    epoch: 0,
    iteration: 0,
    generatorState: new Random(3).getState(),
    optimizerState: { step: 0, learningRate: 0.01, buffers: new Map() },
    history: [],
    elapsedSeconds: 1,
  };
  await writeCheckpoint(modelDir, config, snapshot, net);

  test('evaluate: no model folder', async () => {
    assertRefused(
      await runNabla(['evaluate', '--model', join(dir, 'no-such-run')]),
      /no-such-run.*model\.json.*no such file/,
    );
  });

  test('evaluate: a flipped byte in the safetensors header', async () => {
    const bad = join(dir, 'bad-model');
    mkdirSync(bad);
    copyFileSync(join(modelDir, 'model.json'), join(bad, 'model.json'));
    const bytes = readFileSync(join(modelDir, 'model.safetensors'));
    bytes[20] = '}'.charCodeAt(0) === bytes[20] ? 0x20 : '}'.charCodeAt(0);
    writeFileSync(join(bad, 'model.safetensors'), bytes);
    assertRefused(await runNabla(['evaluate', '--model', bad]), /bad-model\/model\.safetensors/);
  });

  test('evaluate: a safetensors file cut short', async () => {
    const bad = join(dir, 'short-model');
    mkdirSync(bad);
    copyFileSync(join(modelDir, 'model.json'), join(bad, 'model.json'));
    const bytes = readFileSync(join(modelDir, 'model.safetensors'));
    writeFileSync(join(bad, 'model.safetensors'), bytes.subarray(0, bytes.length - 4));
    assertRefused(
      await runNabla(['evaluate', '--model', bad]),
      /short-model\/model\.safetensors.*(past the end|data)/,
    );
  });

  test('resume: a checkpoint with one weight byte changed fails its checksum', async () => {
    const bad = join(dir, 'bad-checkpoint');
    mkdirSync(bad);
    const bytes = readFileSync(join(modelDir, 'checkpoint.safetensors'));
    bytes[bytes.length - 3]! ^= 0x01;
    writeFileSync(join(bad, 'checkpoint.safetensors'), bytes);
    assertRefused(await runNabla(['train', 'lenet', '--resume', bad]), /checkpoint is corrupted: checksum/);
  });

  test('resume: a model file where the checkpoint should be', async () => {
    const bad = join(dir, 'not-checkpoint');
    mkdirSync(bad);
    copyFileSync(join(modelDir, 'model.safetensors'), join(bad, 'checkpoint.safetensors'));
    assertRefused(await runNabla(['train', 'lenet', '--resume', bad]), /not a Nabla checkpoint/);
  });

  test('resume: no checkpoint at all, and a run of another model', async () => {
    assertRefused(
      await runNabla(['train', 'lenet', '--resume', join(dir, 'empty')]),
      /checkpoint\.safetensors/,
    );
    assertRefused(await runNabla(['train', 'mlp', '--resume', modelDir]), /holds a lenet run/);
  });

  test('classify: a file that is not a PNG', async () => {
    const notPng = join(dir, 'digit.png');
    writeFileSync(notPng, 'hello');
    assertRefused(
      await runNabla(['classify', '--model', modelDir, notPng]),
      /digit\.png: not a readable PNG/,
    );
  });
});
