import assert from 'node:assert/strict';
import { test } from 'node:test';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import { PNG } from 'pngjs';
import { decodePng, type GrayImage, resampleArea, toMnistDigit } from './png-digit.js';
import { mnistSlice } from './testing/fixtures.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

function encode(
  width: number,
  height: number,
  rgba: (x: number, y: number) => [number, number, number, number],
): Uint8Array {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) png.data.set(rgba(x, y), 4 * (y * width + x));
  return PNG.sync.write(png);
}

function correlation(a: Float32Array, b: Float32Array): number {
  const mean = (v: Float32Array) => v.reduce((s, x) => s + x, 0) / v.length;
  const ma = mean(a);
  const mb = mean(b);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

const digit = mnistSlice(0, 1).images.data as Uint8Array; // a 7, white on black, framed like MNIST

test('a 28×28 MNIST-style PNG is taken as it is, scaled to [0, 1]', () => {
  const bytes = encode(28, 28, (x, y) => {
    const v = digit[y * 28 + x]!;
    return [v, v, v, 255];
  });
  const out = toMnistDigit(decodePng(bytes, 'digit.png'));
  assert.equal(out.length, 784);
  for (let i = 0; i < 784; i++) {
    assert.ok(Math.abs(out[i]! - digit[i]! / 255) < 1e-6, `pixel ${i}: ${out[i]} vs ${digit[i]! / 255}`);
  }
});

test('dark ink on white paper, in colour and three times larger, is inverted and framed back like MNIST', () => {
  // Blue ink on white, 84×84: the rule must invert it, crop the ink, scale it to 20 px and centre it.
  const bytes = encode(84, 84, (x, y) => {
    const v = digit[Math.floor(y / 3) * 28 + Math.floor(x / 3)]! / 255;
    return [Math.round(255 * (1 - v)), Math.round(255 * (1 - v)), 255, 255];
  });
  const out = toMnistDigit(decodePng(bytes, 'big.png'));
  const original = Float32Array.from(digit, (v) => v / 255);
  const r = correlation(out, original);
  assert.ok(r > 0.85, `the reframed digit matches the original (correlation ${r.toFixed(3)})`);
});

test('transparency counts as white paper', () => {
  const image = decodePng(
    encode(2, 1, (x) => (x === 0 ? [0, 0, 0, 0] : [0, 0, 0, 255])),
    'alpha.png',
  );
  assert.deepEqual(Array.from(image.pixels), [255, 0]);
});

test('area resampling keeps the mean of the picture', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 0, max: 1000 }),
      (w, h, ow, oh, seed) => {
        const pixels = Float32Array.from({ length: w * h }, (_, i) => ((i * 7919 + seed) % 256) / 1);
        const out = resampleArea(pixels, w, { x: 0, y: 0, w, h }, ow, oh);
        const mean = (v: Float32Array) => v.reduce((s, x) => s + x, 0) / v.length;
        assert.ok(Math.abs(mean(out) - mean(pixels)) < 1e-3 * 256, `${mean(out)} vs ${mean(pixels)}`);
      },
    ),
  );
});

test('any picture becomes 784 values in [0, 1]', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 60 }),
      fc.integer({ min: 1, max: 60 }),
      fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 50 }),
      (width, height, values) => {
        const image: GrayImage = {
          width,
          height,
          pixels: Float32Array.from({ length: width * height }, (_, i) => values[i % values.length]!),
        };
        const out = toMnistDigit(image);
        assert.equal(out.length, 784);
        for (const v of out) assert.ok(v >= 0 && v <= 1 + 1e-6, `value ${v}`);
      },
    ),
  );
});
