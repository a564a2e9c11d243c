import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { mnistImages } from '@nabla/data';
import { decodeSafetensors } from '@nabla/io';
import { classify, loadModel as loadModelBytes } from '@nabla/models';
import { NDArray } from '@nabla/tensor';
import { encode as encodePng } from 'fast-png';
import { readCheckpoint } from './checkpoint.js';
import { loadModel } from './model-files.js';
import { cliCommand, mnistSlice, runNabla, tempDir, writeIdxPair } from './testing/fixtures.js';

// Small but real: 256 MNIST digits (about 192 train / 64 validation), 3 epochs of 6 mini-batches of 32.
const dir = tempDir('nabla-train-');
const trainSet = writeIdxPair(dir, 'train', mnistSlice(0, 256));
const testDigits = mnistSlice(5000, 100);
const testSet = writeIdxPair(dir, 'test', testDigits, { gzip: true });
const recipe = [
  ...['--train-images', trainSet.images, '--train-labels', trainSet.labels],
  ...['--test-images', testSet.images, '--test-labels', testSet.labels],
  ...[
    '--train-size',
    '192',
    '--val-size',
    '64',
    '--batch-size',
    '32',
    '--epochs',
    '3',
    '--validation-frequency',
    '3',
  ],
  ...['--seed', '7', '--lr', '0.03'],
];
const runA = join(dir, 'uninterrupted');
after(() => {
  if (!process.env.NABLA_KEEP_TEST_FILES) rmSync(dir, { recursive: true, force: true });
});
const runB = join(dir, 'killed');

/** Starts a run and SIGKILLs it as soon as its first checkpoint is on disk. */
function trainAndKill(out: string): Promise<NodeJS.Signals | null> {
  const c = cliCommand(['train', 'lenet', ...recipe, '--out', out, '--quiet']);
  const child = spawn(c.command, c.args, { cwd: c.cwd, stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (existsSync(join(out, 'checkpoint.safetensors'))) {
        clearInterval(timer);
        child.kill('SIGKILL');
      }
    }, 20);
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearInterval(timer);
      resolve(signal);
    });
  });
}

test('a run killed with SIGKILL after a checkpoint resumes to weights bit-identical to an uninterrupted run', async () => {
  const [a, signal] = await Promise.all([
    runNabla(['train', 'lenet', ...recipe, '--out', runA]),
    trainAndKill(runB),
  ]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(signal, 'SIGKILL', 'the second run was killed, not finished');
  assert.ok(!existsSync(join(runB, 'metrics.json')), 'the killed run never reached its end');
  const saved = await readCheckpoint(runB);
  assert.ok(
    saved.snapshot.epoch >= 1 && saved.snapshot.epoch < 3,
    `killed in the middle (after epoch ${saved.snapshot.epoch})`,
  );
  const metricsA = JSON.parse(readFileSync(join(runA, 'metrics.json'), 'utf8'));
  const perEpoch = metricsA.iterations / 3;
  assert.ok(perEpoch >= 2 && Number.isInteger(perEpoch), `${metricsA.iterations} iterations in 3 epochs`);
  assert.equal(saved.snapshot.iteration, saved.snapshot.epoch * perEpoch);

  const c = await runNabla(['train', 'lenet', '--resume', runB]);
  assert.equal(c.code, 0, c.stderr);
  assert.match(
    c.stdout,
    new RegExp(`resuming after epoch ${saved.snapshot.epoch} \\(iteration ${saved.snapshot.iteration}\\)`),
  );

  const weightsA = readFileSync(join(runA, 'model.safetensors'));
  const weightsB = readFileSync(join(runB, 'model.safetensors'));
  const tensorsA = decodeSafetensors(weightsA).tensors;
  const tensorsB = decodeSafetensors(weightsB).tensors;
  assert.deepEqual([...tensorsB.keys()], [...tensorsA.keys()]);
  for (const [name, t] of tensorsA) {
    const u = tensorsB.get(name)!;
    assert.deepEqual(u.shape, t.shape, name);
    assert.ok(
      Buffer.from(u.data.buffer).equals(Buffer.from(t.data.buffer)),
      `${name} differs between the runs`,
    );
  }
  assert.ok(weightsA.equals(weightsB), 'model.safetensors files are byte-identical');

  // The same iterations, the same losses: the resumed run continued the same stream of batches.
  const metricsB = JSON.parse(readFileSync(join(runB, 'metrics.json'), 'utf8'));
  const losses = (m: { history: { miniBatchLoss: number }[] }) => m.history.map((r) => r.miniBatchLoss);
  assert.equal(metricsA.history.length, metricsA.iterations);
  assert.deepEqual(losses(metricsB), losses(metricsA));
  assert.equal(metricsB.testAccuracy, metricsA.testAccuracy);
  assert.deepEqual(metricsB.resumedFrom, {
    epoch: saved.snapshot.epoch,
    iteration: saved.snapshot.iteration,
  });
});

test('a training run writes its model, metrics, chart, confusion matrix and checkpoint, and reports its accuracies', async () => {
  if (!existsSync(join(runA, 'metrics.json'))) {
    const a = await runNabla(['train', 'lenet', ...recipe, '--out', runA]);
    assert.equal(a.code, 0, a.stderr);
  }
  const metrics = JSON.parse(readFileSync(join(runA, 'metrics.json'), 'utf8'));
  for (const key of ['trainAccuracy', 'valAccuracy', 'testAccuracy']) {
    assert.ok(metrics[key] >= 0 && metrics[key] <= 100, `${key} is a percentage: ${metrics[key]}`);
  }
  // It learned: the last iterations' mini-batch loss is well below the first one (ln 10 ≈ 2.3 at chance).
  const loss = metrics.history.map((r: { miniBatchLoss: number }) => r.miniBatchLoss);
  const tail = loss.slice(-3).reduce((a: number, b: number) => a + b, 0) / 3;
  assert.ok(tail < 0.75 * loss[0], `loss fell from ${loss[0]} to ${tail}`);
  assert.equal(metrics.trainSize + metrics.valSize, 256);
  assert.equal(metrics.testSize, 100);
  assert.equal(metrics.seed, 7);
  // The default backend: the WebAssembly SIMD kernels (Node 20 has SIMD), and why.
  assert.equal(metrics.backend.name, 'wasm');
  assert.match(metrics.backend.kernel, /^WebAssembly SIMD f32x4/);
  assert.match(metrics.backend.reason, /^the default: WebAssembly SIMD \(128-bit\) is available$/);
  assert.ok(metrics.durationSeconds > 0 && metrics.imagesPerSecond > 0);
  assert.ok(metrics.history.some((r: { validationAccuracy?: number }) => r.validationAccuracy !== undefined));

  const svg = readFileSync(join(runA, 'training-progress.svg'), 'utf8');
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /Accuracy \(%\)/);
  assert.match(svg, /Loss/);
  assert.match(svg, /Validation/);
  const html = readFileSync(join(runA, 'training-progress.html'), 'utf8');
  assert.match(html, /<script type="application\/json" id="spec">\{.*"vconcat"/s);
  assert.ok(html.includes('<svg'), 'the page shows the rendered chart without scripts too');

  const cm = JSON.parse(readFileSync(join(runA, 'confusion-matrix.json'), 'utf8'));
  assert.equal(
    cm.counts.flat().reduce((s: number, v: number) => s + v, 0),
    100,
  );
  const diagonal = cm.counts.reduce((s: number, row: number[], i: number) => s + row[i]!, 0);
  assert.equal(diagonal, metrics.testAccuracy);
  assert.match(
    readFileSync(join(runA, 'confusion-matrix.csv'), 'utf8'),
    /^true\\predicted,0,1,2,3,4,5,6,7,8,9\n0,/,
  );
  const model = JSON.parse(readFileSync(join(runA, 'model.json'), 'utf8'));
  assert.equal(model.model, 'lenet');
  assert.deepEqual(model.inputShape, [1, 28, 28]);
  assert.ok(existsSync(join(runA, 'checkpoint.safetensors')));

  // The library's browser entry loads what the CLI wrote, from bytes (as a web page would fetch them),
  // and classifies the test digits as the CLI measured.
  const { net: fromBytes } = loadModelBytes({
    json: readFileSync(join(runA, 'model.json')),
    weights: readFileSync(join(runA, 'model.safetensors')),
  });
  const predicted = classify(fromBytes, mnistImages(testDigits.images)).labels;
  const correct = predicted.filter((label, i) => label === testDigits.labels.data[i]).length;
  assert.equal(correct, metrics.testAccuracy);

  // evaluate reads the folder back and finds the same test accuracy.
  const e = await runNabla([
    'evaluate',
    '--model',
    runA,
    '--test-images',
    testSet.images,
    '--test-labels',
    testSet.labels,
  ]);
  assert.equal(e.code, 0, e.stderr);
  assert.match(e.stdout, new RegExp(`Test accuracy: ${metrics.testAccuracy.toFixed(2)}%`));
  assert.match(e.stdout, /Top-5 accuracy: \d+\.\d\d%/);
  assert.match(e.stdout, /Confusion matrix/);

  // classify: a 28×28 grayscale PNG of a test digit gets the class the network gives that digit.
  const pixels = testDigits.images.data.subarray(0, 784);
  const file = join(dir, 'digit.png');
  writeFileSync(
    file,
    encodePng({ width: 28, height: 28, data: Uint8Array.from(pixels), channels: 1, depth: 8 }),
  );
  const k = await runNabla(['classify', '--model', runA, file, '--json']);
  assert.equal(k.code, 0, k.stderr);
  const [result] = JSON.parse(k.stdout);
  const { net } = await loadModel(runA);
  const expected = classify(
    net,
    new NDArray(
      Float32Array.from(pixels, (v) => v / 255),
      [1, 1, 28, 28],
    ),
  );
  assert.equal(result.label, String(expected.labels[0]));
  assert.ok(Math.abs(result.probabilities.reduce((s: number, p: number) => s + p, 0) - 1) < 1e-5);
});
