import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { decode } from 'fast-png';
import { mnistSlice, runNabla, tempDir, writeIdxPair } from './testing/fixtures.js';

// A tiny trained run to look into and to finetune: 256 real digits, one epoch.
const dir = tempDir('nabla-vis-');
after(() => {
  if (!process.env.NABLA_KEEP_TEST_FILES) rmSync(dir, { recursive: true, force: true });
});
const trainSet = writeIdxPair(dir, 'train', mnistSlice(0, 256));
const testSet = writeIdxPair(dir, 'test', mnistSlice(5000, 100));
const run = join(dir, 'run');
const trained = runNabla([
  'train',
  'lenet',
  ...['--train-images', trainSet.images, '--train-labels', trainSet.labels],
  ...['--test-images', testSet.images, '--test-labels', testSet.labels],
  ...['--train-size', '192', '--val-size', '64', '--batch-size', '32', '--epochs', '1', '--seed', '3'],
  ...['--out', run, '--quiet'],
]);

const png = (path: string) => decode(readFileSync(path));

test('nabla visualize writes the filters, every layer’s activations and deepDreamImage pictures as PNGs', async () => {
  assert.equal((await trained).code, 0, (await trained).stderr);
  const out = join(dir, 'vis');
  const r = await runNabla([
    'visualize',
    ...[
      '--model',
      run,
      '--out',
      out,
      '--dream',
      'output',
      '--channels',
      '0-1',
      '--iterations',
      '3',
      '--levels',
      '1',
    ],
  ]);
  assert.equal(r.code, 0, r.stderr);
  const files = readdirSync(out);
  assert.ok(files.includes('filters.png') && files.includes('input.png'), files.join(' '));
  assert.ok(files.filter((f) => f.startsWith('activations-')).length >= 5, files.join(' '));
  // 16 first-layer filters of 3×3, scaled up: a grid wider than one filter.
  const filters = png(join(out, 'filters.png'));
  assert.ok(filters.width > 3 * 8 && filters.height >= 3 * 8, `${filters.width}×${filters.height}`);
  const dream = files.find((f) => f.startsWith('dream-'));
  assert.ok(dream, files.join(' '));
  // Two classes maximized: two 28×28 pictures (upscaled 4×) side by side.
  const d = png(join(out, dream));
  assert.ok(d.width >= 2 * 28 * 4 && d.height >= 28 * 4, `${d.width}×${d.height}`);
  assert.match(r.stdout, /deepDreamImage .* activation/);
});

test('nabla finetune replaces the head for new classes and writes a model that names them', async () => {
  assert.equal((await trained).code, 0, (await trained).stderr);
  const out = join(dir, 'tuned');
  const r = await runNabla([
    'finetune',
    ...[
      '--from',
      run,
      '--out',
      out,
      '--classes',
      '5,6',
      '--per-class',
      '8',
      '--epochs',
      '1',
      '--batch-size',
      '8',
    ],
  ]);
  assert.equal(r.code, 0, r.stderr);
  const model = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
  assert.deepEqual(model.classes, ['5', '6']);
  assert.match(r.stdout, /accuracy/i);
});

test('visualize and finetune refuse a missing model folder with one line and exit code 2', async () => {
  for (const args of [
    ['visualize', '--model', join(dir, 'nowhere'), '--out', join(dir, 'x')],
    ['finetune', '--from', join(dir, 'nowhere'), '--out', join(dir, 'y')],
  ]) {
    const r = await runNabla(args);
    assert.equal(r.code, 2, `${args[0]}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});
