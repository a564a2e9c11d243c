import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NDArray } from '@nabla/tensor';
import { encodeIdx, parseIdx } from './idx.js';
import { mnistImages, mnistLabels, pairImagesLabels } from './mnist.js';

function imagesIdx(n: number, h = 28, w = 28) {
  const data = Uint8Array.from({ length: n * h * w }, (_, i) => i % 256);
  return parseIdx(encodeIdx({ dtype: 'uint8', shape: [n, h, w], data }), 'imgs.idx');
}

test('mnistImages gives float32 [N,1,28,28] scaled to [0, 1]', () => {
  const x = mnistImages(imagesIdx(2));
  assert.deepEqual(x.shape, [2, 1, 28, 28]);
  assert.equal(x.dtype, 'float32');
  assert.equal(x.data[0], 0);
  assert.equal(x.data[255], 1);
  assert.equal(x.data[51], Math.fround(51 / 255));
});

test('mnistImages refuses other sizes and types, naming the file', () => {
  assert.throws(() => mnistImages(imagesIdx(2, 32, 32)), {
    name: 'FormatError',
    message: /^imgs\.idx: expected images of shape \[N,28,28\], got \[2,32,32\]/,
  });
  assert.deepEqual(mnistImages(imagesIdx(1, 32, 32), { height: 32, width: 32 }).shape, [1, 1, 32, 32]);
  assert.throws(
    () => mnistImages({ dtype: 'float32', shape: [1, 28, 28], data: new Float32Array(784), source: 'f.idx' }),
    /f\.idx: expected uint8/,
  );
  assert.throws(() => mnistImages(imagesIdx(0)), /imgs\.idx: holds no images/);
});

test('mnistLabels checks 0–9 and names the file and the offending label', () => {
  const idx = (values: number[]) =>
    parseIdx(
      encodeIdx({ dtype: 'uint8', shape: [values.length], data: Uint8Array.from(values) }),
      'labels.idx',
    );
  assert.deepEqual([...mnistLabels(idx([0, 9, 3]))], [0, 9, 3]);
  assert.throws(() => mnistLabels(idx([0, 9, 10])), {
    name: 'FormatError',
    message: /^labels\.idx: label 2 is 10, expected 0 to 9/,
  });
  assert.throws(() => mnistLabels(idx([])), /holds no labels/);
  assert.throws(() => mnistLabels(imagesIdx(1)), /expected labels of shape \[N\], got \[1,28,28\]/);
});

test('pairImagesLabels refuses counts that differ, naming both files', () => {
  const images = new NDArray(new Float32Array(3 * 784), [3, 1, 28, 28]);
  assert.equal(pairImagesLabels(images, new Int32Array(3)).labels.length, 3);
  assert.throws(
    () => pairImagesLabels(images, new Int32Array(2), { images: 'a-images', labels: 'a-labels' }),
    {
      name: 'ShapeError',
      message: /a-images holds 3 images but a-labels holds 2 labels/,
    },
  );
});
