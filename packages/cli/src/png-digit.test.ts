import assert from 'node:assert/strict';
import { test } from 'node:test';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import { encode as encodeFastPng } from 'fast-png';
import { decodePng, decodePngRgba, type GrayImage, toMnistDigit } from './png-digit.js';
import { mnistSlice } from './testing/fixtures.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

function encode(
  width: number,
  height: number,
  rgba: (x: number, y: number) => [number, number, number, number],
): Uint8Array {
  const data = new Uint8Array(4 * width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(rgba(x, y), 4 * (y * width + x));
  return encodeFastPng({ width, height, data, channels: 4, depth: 8 });
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

test('every colour type and bit depth decodes to the same RGBA: 1-bit gray, 16-bit gray + alpha, palette', () => {
  // 1-bit gray, 10×2: rows start on a byte boundary, the first pixel in the highest bit.
  const oneBit = encodeFastPng({
    width: 10,
    height: 2,
    data: new Uint8Array([0b10110000, 0b01000000, 0b11111111, 0b11000000]),
    channels: 1,
    depth: 1,
  });
  const gray = decodePng(oneBit, 'one-bit.png');
  assert.deepEqual(Array.from(gray.pixels), [255, 0, 255, 255, 0, 0, 0, 0, 0, 255, ...Array(10).fill(255)]);
  // 16-bit gray + alpha: 65535 is white, half alpha over white paper.
  const sixteen = encodeFastPng({
    width: 2,
    height: 1,
    data: new Uint16Array([0, 65535, 65535, 65535]),
    channels: 2,
    depth: 16,
  });
  assert.deepEqual(Array.from(decodePngRgba(sixteen, 'gray16.png').data), [0, 0, 0, 255, 255, 255, 255, 255]);
  const palette = encodeFastPng({
    width: 2,
    height: 1,
    data: new Uint8Array([1, 0]),
    channels: 1,
    depth: 8,
    palette: [
      [255, 0, 0],
      [0, 0, 255],
    ],
  });
  assert.deepEqual(Array.from(decodePngRgba(palette, 'palette.png').data), [0, 0, 255, 255, 255, 0, 0, 255]);
  assert.throws(
    () => decodePng(new Uint8Array([1, 2, 3]), 'junk.png'),
    /junk\.png: not a readable PNG image/,
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
