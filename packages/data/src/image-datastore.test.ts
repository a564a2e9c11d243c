import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FormatError, Random } from '@nabla/tensor';
import { encode as encodePng } from 'fast-png';
import { encode as encodeJpeg } from 'jpeg-js';
import { imagesFromBytes } from './image-datastore.js';
import { decodeImage, imageHeader, MAX_IMAGE_SIDE } from './image-decode.js';
import { augmentImage, resizeBilinear } from './image-transform.js';
import { splitEachLabel } from './split-each-label.js';

const png = (
  width: number,
  height: number,
  channels: number,
  fill: (i: number) => number,
  depth: 8 | 16 = 8,
) =>
  encodePng({
    width,
    height,
    channels,
    depth,
    data: (depth === 8 ? Uint8Array : Uint16Array).from({ length: width * height * channels }, (_, i) =>
      fill(i),
    ),
  });

test('PNG pixels decode exactly (gray, RGB, RGBA with alpha dropped, 16-bit scaled to 8)', () => {
  const gray = decodeImage(
    png(3, 2, 1, (i) => i * 40),
    'g.png',
  );
  assert.deepEqual([gray.width, gray.height, gray.channels], [3, 2, 1]);
  assert.deepEqual([...gray.data], [0, 40, 80, 120, 160, 200]);
  const rgba = decodeImage(
    png(2, 1, 4, (i) => [10, 20, 30, 255, 40, 50, 60, 0][i]!),
    'a.png',
  );
  assert.equal(rgba.channels, 3);
  assert.deepEqual([...rgba.data], [10, 20, 30, 40, 50, 60]);
  const deep = decodeImage(
    png(1, 1, 3, (i) => [65535, 0, 257 * 100][i]!, 16),
    'd.png',
  );
  assert.deepEqual([...deep.data], [255, 0, 100]);
});

test('JPEG decodes to its size and channels, near its pixels (lossy)', () => {
  const w = 16;
  const h = 8;
  const rgba = Uint8Array.from({ length: w * h * 4 }, (_, i) => (i % 4 === 3 ? 255 : 100 + (i % 4) * 40));
  const bytes = new Uint8Array(encodeJpeg({ width: w, height: h, data: rgba }, 95).data);
  assert.deepEqual(imageHeader(bytes, 'x.jpg'), { format: 'jpeg', width: 16, height: 8, channels: 3 });
  const img = decodeImage(bytes, 'x.jpg');
  for (let i = 0; i < w * h; i++)
    for (let c = 0; c < 3; c++) assert.ok(Math.abs(img.data[3 * i + c]! - (100 + c * 40)) <= 3);
});

test('bad files are refused with their name: not an image, truncated, too large (from the header, before decoding)', () => {
  assert.throws(
    () => decodeImage(new Uint8Array([1, 2, 3, 4]), 'notes.png'),
    /notes\.png: not a PNG or JPEG image/,
  );
  const good = png(4, 4, 3, () => 7);
  assert.throws(
    () => decodeImage(good.subarray(0, 40), 'cut.png'),
    (e: Error) => e instanceof FormatError && /cut\.png/.test(e.message),
  );
  // A PNG header claiming 100000×100000 pixels: refused without allocating.
  const huge = good.slice();
  new DataView(huge.buffer).setUint32(16, 100_000);
  new DataView(huge.buffer).setUint32(20, 100_000);
  assert.throws(
    () => decodeImage(huge, 'huge.png'),
    new RegExp(`huge\\.png: the image is 100000×100000, over the limit \\(${MAX_IMAGE_SIDE}`),
  );
});

test('resizeBilinear: identity at the same size, exact on a linear ramp', () => {
  const src = Float32Array.from({ length: 2 * 4 * 6 }, (_, i) => i);
  assert.deepEqual(resizeBilinear(src, 2, 4, 6, 4, 6), src);
  // A ramp in x stays a ramp: pixel centres map linearly.
  const ramp = Float32Array.from({ length: 8 }, (_, i) => i);
  assert.deepEqual([...resizeBilinear(ramp, 1, 1, 8, 1, 4)], [0.5, 2.5, 4.5, 6.5]);
});

test('augmentation: a reflection mirrors exactly, a whole-pixel shift moves pixels and fills 0, draws are seeded', () => {
  const c = 1;
  const h = 2;
  const w = 3;
  const base = Float32Array.from([1, 2, 3, 4, 5, 6]);
  // Find a seed whose first draw reflects, and check the mirror.
  const img = base.slice();
  let g = new Random(0);
  for (let seed = 0; ; seed++) {
    g = new Random(seed);
    if (new Random(seed).uniform() < 0.5) break;
  }
  augmentImage(img, c, h, w, { randXReflection: true }, g);
  assert.deepEqual([...img], [3, 2, 1, 6, 5, 4]);
  const shifted = base.slice();
  augmentImage(shifted, c, h, w, { randXTranslation: [1, 1] }, new Random(1));
  assert.deepEqual([...shifted], [0, 1, 2, 0, 4, 5]);
  const a = base.slice();
  const b = base.slice();
  const opts = {
    randXReflection: true,
    randXTranslation: [-1, 1] as [number, number],
    randScale: [0.8, 1.2] as [number, number],
  };
  augmentImage(a, c, h, w, opts, new Random(7));
  augmentImage(b, c, h, w, opts, new Random(7));
  assert.deepEqual(a, b);
});

test('a datastore: labels and countEachLabel, splitEachLabel parts, channel mismatch refused by file or skipped with a count', () => {
  const sources = [
    { file: 'cats/1.png', label: 0, bytes: png(4, 4, 3, () => 10) },
    { file: 'cats/2.png', label: 0, bytes: png(8, 8, 3, () => 20) },
    { file: 'dogs/1.png', label: 1, bytes: png(2, 2, 3, () => 30) },
    { file: 'dogs/gray.png', label: 1, bytes: png(4, 4, 1, () => 40) },
  ];
  assert.throws(
    () => imagesFromBytes(sources, ['cats', 'dogs'], { outputSize: [4, 4, 3] }),
    /dogs\/gray\.png: has 1 channel, the network takes 3 \(use colorPreprocessing 'gray2rgb'\)/,
  );
  const skipping = imagesFromBytes(sources, ['cats', 'dogs'], { outputSize: [4, 4, 3], onBadFile: 'skip' });
  assert.equal(skipping.length, 3);
  assert.deepEqual(
    skipping.skipped.map((s) => s.file),
    ['dogs/gray.png'],
  );
  const ds = imagesFromBytes(sources, ['cats', 'dogs'], {
    outputSize: [4, 4, 3],
    colorPreprocessing: 'gray2rgb',
  });
  assert.deepEqual(ds.countEachLabel(), [
    { label: 'cats', count: 2 },
    { label: 'dogs', count: 2 },
  ]);
  assert.deepEqual(ds.sampleShape, [3, 4, 4]);
  // Constant pictures stay constant through the resize: 8×8 → 4×4 and 2×2 → 4×4.
  const x = ds.images.values() as Float32Array;
  assert.ok(x.subarray(48, 96).every((v) => v === 20) && x.subarray(96, 144).every((v) => v === 30));
  // Interleaved RGB pixels become channel planes [C, H, W].
  const rgb = imagesFromBytes(
    [{ file: 'p.png', label: 0, bytes: png(2, 1, 3, (i) => [1, 2, 3, 4, 5, 6][i]!) }],
    ['p'],
    {
      outputSize: [1, 2, 3],
    },
  );
  assert.deepEqual([...(rgb.images.values() as Float32Array)], [1, 4, 2, 5, 3, 6]);
  const split = splitEachLabel(ds.labels, 0.5, { generator: new Random(3) });
  const train = ds.subset(split.first);
  assert.deepEqual(
    train.countEachLabel().map((c) => c.count),
    [1, 1],
  );
});
