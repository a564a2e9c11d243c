import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadMnistSet } from '@nabla/data/node';
import { boundingBox, type Ink, mnistFromInk } from './mnist-preprocess.js';

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
  return { cx: cx / m, cy: cy / m, box: boundingBox({ values: img, width: 28, height: 28 }, 1e-6)! };
}

/** A blank canvas-sized ink image with the rectangle [x0, x1) × [y0, y1) fully inked. */
function canvasWithRect(w: number, h: number, x0: number, x1: number, y0: number, y1: number): Ink {
  const values = new Float32Array(w * h);
  for (let y = y0; y < y1; y++) values.fill(1, y * w + x0, y * w + x1);
  return { values, width: w, height: h };
}

test('nothing drawn gives null; a size mismatch is refused', () => {
  assert.equal(mnistFromInk({ values: new Float32Array(100), width: 10, height: 10 }), null);
  assert.throws(
    () => mnistFromInk({ values: new Float32Array(99), width: 10, height: 10 }),
    /99 values for a 10×10/,
  );
});

test("a '1' (a tall thin stroke) drawn in a corner becomes 20 pixels tall with its centre of mass at (14, 14)", () => {
  const img = mnistFromInk(canvasWithRect(280, 280, 10, 30, 5, 205))!;
  const { cx, cy, box } = describe(img);
  assert.equal(box.bottom - box.top, 20);
  assert.equal(box.right - box.left, 2); // 20 px wide at scale 20/200
  assert.ok(Math.abs(cx - 14) <= 0.5 && Math.abs(cy - 14) <= 0.5, `centre of mass (${cx}, ${cy})`);
  for (const v of img) assert.ok(v >= 0 && v <= 1);
  // Area averaging keeps the ink: 20 × 200 source pixels at scale 0.1 are 40 output pixels' worth.
  assert.ok(Math.abs(img.reduce((a, b) => a + b, 0) - 40) < 1e-3);
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
    const back = mnistFromInk({ values, width: w, height: h }, 1e-6)!;
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
