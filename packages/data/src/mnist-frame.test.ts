import assert from 'node:assert/strict';
import { test } from 'node:test';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import { boundingBox, frameMnistDigit, type Ink, resampleArea } from './mnist-frame.js';
import { loadMnistSet } from './node/mnist.js';

fc.configureGlobal(propertyParameters());

/** Centre of mass (pixel indices) and bounding box of a 28×28 image. */
function describe(img: Float32Array) {
  let [m, cx, cy] = [0, 0, 0];
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const v = img[y * 28 + x]!;
      m += v;
      cx += v * x;
      cy += v * y;
    }
  }
  return { mass: m, cx: cx / m, cy: cy / m, box: boundingBox({ values: img, width: 28, height: 28 }, 1e-6)! };
}

/** A blank canvas-sized ink image with the rectangle [x0, x1) × [y0, y1) fully inked. */
function canvasWithRect(w: number, h: number, x0: number, x1: number, y0: number, y1: number): Ink {
  const values = new Float32Array(w * h);
  for (let y = y0; y < y1; y++) values.fill(1, y * w + x0, y * w + x1);
  return { values, width: w, height: h };
}

/**
 * A 280×280 canvas with a '7' drawn as a pen would: a round brush of radius 9 dragged along two
 * strokes, with a one-pixel anti-aliased rim (the faint edge a canvas leaves), somewhere off-centre.
 */
function drawnSeven(): Ink {
  const [w, h] = [280, 280];
  const values = new Float32Array(w * h);
  const strokes = [
    [60, 50, 190, 50],
    [190, 50, 110, 230],
  ] as const;
  for (const [x0, y0, x1, y1] of strokes) {
    for (let t = 0; t <= 1; t += 1 / 400) {
      const px = x0 + t * (x1 - x0);
      const py = y0 + t * (y1 - y0);
      for (let y = Math.floor(py - 11); y <= py + 11; y++) {
        for (let x = Math.floor(px - 11); x <= px + 11; x++) {
          const d = Math.hypot(x - px, y - py);
          const v = d <= 9 ? 1 : d <= 10 ? 0.03 : 0; // the rim is below the 0.05 threshold
          if (v > values[y * w + x]!) values[y * w + x] = v;
        }
      }
    }
  }
  return { values, width: w, height: h };
}

test('nothing drawn gives null; a size mismatch is refused with the op named', () => {
  assert.equal(frameMnistDigit({ values: new Float32Array(100), width: 10, height: 10 }), null);
  assert.throws(
    () => frameMnistDigit({ values: new Float32Array(99), width: 10, height: 10 }),
    /frameMnistDigit: 99 values for a 10×10 picture/,
  );
  assert.throws(() => frameMnistDigit({ values: new Float32Array(0), width: 0, height: 0 }), /at least 1×1/);
});

test('a drawn 7: its ink box becomes 20 pixels on the longer side, its centre of mass lands at (14, 14)', () => {
  const seven = drawnSeven();
  const img = frameMnistDigit(seven)!;
  const { cx, cy, box } = describe(img);
  // The strokes' box (ignoring the faint rim): x 51…199, y 41…239 → 149 × 199, so 20 tall, 15 wide.
  assert.equal(box.bottom - box.top, 20);
  assert.equal(box.right - box.left, 15);
  assert.ok(Math.abs(cx - 14) <= 0.5 && Math.abs(cy - 14) <= 0.5, `centre of mass (${cx}, ${cy})`);
  for (const v of img) assert.ok(v >= 0 && v <= 1);
  // The top bar is at the top of the box and the stem ends at its bottom, left of the bar's end.
  const row = (y: number) => img.subarray(y * 28, (y + 1) * 28);
  const inked = (r: Float32Array) => [...r.keys()].filter((x) => r[x]! > 0.5);
  assert.ok(inked(row(box.top + 1)).length >= 10, 'the top bar of the 7');
  const bottom = inked(row(box.bottom - 2));
  assert.ok(bottom.length > 0 && Math.max(...bottom) < box.left + 10, 'the foot of the stem, at the left');
  // The same drawing anywhere on a larger canvas frames to the same 28×28 picture.
  const moved = new Float32Array(400 * 300);
  for (let y = 0; y < 280; y++)
    moved.set(seven.values.subarray(y * 280, (y + 1) * 280), (y + 15) * 400 + 100);
  assert.deepEqual(frameMnistDigit({ values: moved, width: 400, height: 300 }), img);
});

test("a '1' (a tall thin stroke) drawn in a corner becomes 20 pixels tall with its centre of mass at (14, 14)", () => {
  const img = frameMnistDigit(canvasWithRect(280, 280, 10, 30, 5, 205))!;
  const { mass, cx, cy, box } = describe(img);
  assert.equal(box.bottom - box.top, 20);
  assert.equal(box.right - box.left, 2); // 20 px wide at scale 20/200
  assert.ok(Math.abs(cx - 14) <= 0.5 && Math.abs(cy - 14) <= 0.5, `centre of mass (${cx}, ${cy})`);
  // Area averaging keeps the ink: 20 × 200 source pixels at scale 0.1 are 40 output pixels' worth.
  assert.ok(Math.abs(mass - 40) < 1e-3);
});

test('the threshold is relative to the strongest ink: faint ink frames like strong ink', () => {
  const strong = canvasWithRect(100, 100, 20, 30, 10, 90);
  const faint = { ...strong, values: strong.values.map((v) => v * 0.04) };
  const a = frameMnistDigit(strong)!;
  const b = frameMnistDigit(faint)!;
  assert.deepEqual(describe(b).box, describe(a).box);
});

test('real MNIST digits drawn ten times larger anywhere on a canvas come back as (nearly) themselves', () => {
  const { images, labels } = loadMnistSet('test');
  for (let i = 0; i < 20; i++) {
    const digit = images.data.subarray(i * 784, (i + 1) * 784) as Float32Array;
    // Upscale ×10 (nearest) into a 400×360 canvas at an offset that depends on i.
    const [w, h, ox, oy] = [400, 360, 7 * i, 3 * i];
    const values = new Float32Array(w * h);
    for (let y = 0; y < 280; y++) {
      for (let x = 0; x < 280; x++)
        values[(y + oy) * w + x + ox] = digit[Math.floor(y / 10) * 28 + Math.floor(x / 10)]!;
    }
    const back = frameMnistDigit({ values, width: w, height: h }, { threshold: 1e-6 })!;
    let [dot, a2, b2] = [0, 0, 0];
    for (let k = 0; k < 784; k++) {
      dot += back[k]! * digit[k]!;
      a2 += back[k]! ** 2;
      b2 += digit[k]! ** 2;
    }
    const cosine = dot / Math.sqrt(a2 * b2);
    assert.ok(cosine > 0.97, `digit ${i} (a ${labels[i]}): cosine similarity ${cosine.toFixed(4)}`);
  }
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
        const pixels = Float32Array.from({ length: w * h }, (_, i) => ((i * 7919 + seed) % 256) / 255);
        const out = resampleArea(pixels, w, { x: 0, y: 0, w, h }, ow, oh);
        const mean = (v: Float32Array) => v.reduce((s, x) => s + x, 0) / v.length;
        assert.ok(Math.abs(mean(out) - mean(pixels)) < 1e-4, `${mean(out)} vs ${mean(pixels)}`);
      },
    ),
  );
});

test('any picture becomes null or 784 values in [0, 1]', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 60 }),
      fc.integer({ min: 1, max: 60 }),
      fc.array(fc.float({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 50 }),
      (width, height, ink) => {
        const values = Float32Array.from({ length: width * height }, (_, i) => ink[i % ink.length]!);
        const out = frameMnistDigit({ values, width, height });
        if (out === null) return assert.ok(values.every((v) => v === 0));
        assert.equal(out.length, 784);
        for (const v of out) assert.ok(v >= 0 && v <= 1, `value ${v}`);
      },
    ),
  );
});
