import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Tensor } from '@nabla/autograd';
import * as nd from '@nabla/tensor';
import { Random, ValueError } from '@nabla/tensor';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import { decode } from 'fast-png';
import { lenet } from '../lenet.js';
import type { Network } from '../network.js';
import { activationMaps } from './activations.js';
import { gaussianBlur } from './blur.js';
import { deepDreamImage } from './deep-dream.js';
import { filterGrid } from './filters.js';
import { resolveLayer, visibleLayers } from './layer-ref.js';
import { encodePng } from './png.js';
import { forwardCapture } from './probe.js';
import { imageRasters, type RasterImage, tileImages, toRaster, upscale } from './raster.js';
import { bilinearMatrix, resizeBilinear } from './resize.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

function digitsNet(seed = 1): Network {
  const net = lenet({ generator: new Random(seed) });
  net.fitNormalization(nd.randomUniform([8, 1, 28, 28], 0, 1, { generator: new Random(seed + 1) }));
  return net.eval();
}

test('toRaster maps min → 0 and max → 255 and interleaves RGB; a constant picture is mid-gray', () => {
  const im = toRaster([0, 1, 2, 3, 10, 10, 10, 10, -2, -2, -2, 8], 2, 2, 3);
  assert.deepEqual([im.width, im.height, im.channels], [2, 2, 3]);
  // Pixel 0 is (R 0, G 10, B −2) on the common range [−2, 10].
  assert.deepEqual([...im.data.subarray(0, 3)], [43, 255, 0]);
  assert.deepEqual([...toRaster([5, 5], 1, 2, 1).data], [128, 128]);
  assert.deepEqual([...toRaster([0, 2], 1, 2, 1, { min: 0, max: 1 }).data], [0, 255]);
  assert.throws(() => toRaster([1, 2, 3], 2, 2, 1), /expected 1×2×2 = 4 values, got 3/);
});

test('tileImages: n tiles in ⌈n / columns⌉ rows with gaps; upscale multiplies both sides', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 0, max: 3 }),
      (n, h, w, columns, gap) => {
        const tiles: RasterImage[] = Array.from({ length: n }, (_, k) => ({
          width: w,
          height: h,
          channels: 1,
          data: new Uint8Array(w * h).fill(k + 1),
        }));
        const grid = tileImages(tiles, { columns, gap, background: 0 });
        const rows = Math.ceil(n / columns);
        assert.equal(grid.width, columns * w + (columns + 1) * gap);
        assert.equal(grid.height, rows * h + (rows + 1) * gap);
        // The last tile's top-left pixel carries its value.
        const k = n - 1;
        const x = gap + (k % columns) * (w + gap);
        const y = gap + Math.floor(k / columns) * (h + gap);
        assert.equal(grid.data[y * grid.width + x], n);
        const big = upscale(tiles[0]!, 3);
        assert.deepEqual([big.width, big.height, big.data.length], [3 * w, 3 * h, 9 * w * h]);
      },
    ),
    { numRuns: 50 },
  );
  assert.throws(() => tileImages([]), /needs at least one picture/);
});

test('encodePng: the bytes decode back (fast-png) to the same size, channels and pixels', () => {
  const gray = toRaster(
    Float32Array.from({ length: 35 }, (_, i) => Math.sin(i)),
    5,
    7,
    1,
  );
  const rgb = toRaster(
    Float32Array.from({ length: 3 * 6 }, (_, i) => i),
    2,
    3,
    3,
  );
  for (const im of [gray, rgb]) {
    const back = decode(encodePng(im));
    assert.deepEqual(
      [back.width, back.height, back.channels, back.depth],
      [im.width, im.height, im.channels, 8],
    );
    assert.deepEqual([...back.data], [...im.data]);
  }
});

test('bilinear resizing: each row of R sums to 1, constants stay constant, same size is the identity', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 }), (out, inn) => {
      const r = bilinearMatrix(out, inn);
      const sums = nd.sum(r, 1).data;
      for (const s of sums) assert.ok(Math.abs(s - 1) < 1e-6);
    }),
  );
  const c = resizeBilinear(nd.full([2, 1, 4, 5], 0.25), 9, 3);
  assert.deepEqual(c.shape, [2, 1, 9, 3]);
  for (const v of c.contiguous().data) assert.ok(Math.abs(v - 0.25) < 1e-6);
  const x = nd.randomUniform([1, 6, 6], 0, 1, { generator: new Random(3) });
  assert.deepEqual(resizeBilinear(x, 6, 6).data, x.data);
});

test('gaussianBlur keeps constants and the mean of a plane, and smooths an impulse', () => {
  const flat = new Float32Array(20).fill(3);
  gaussianBlur(flat, 4, 5, 1);
  for (const v of flat) assert.ok(Math.abs(v - 3) < 1e-5);
  const impulse = new Float32Array(81);
  impulse[40] = 1;
  gaussianBlur(impulse, 9, 9, 1);
  assert.ok(impulse[40]! < 0.2 && impulse[41]! > 0.05);
  assert.ok(Math.abs(impulse.reduce((a, b) => a + b, 0) - 1) < 1e-5);
});

test("LeNet's first conv filters: 16 gray 3×3 tiles, each stretched to the full 0–255 range", () => {
  const net = digitsNet();
  const grid = filterGrid(net, { scale: 2, columns: 4, gap: 1 });
  assert.deepEqual([grid.width, grid.height, grid.channels], [4 * 6 + 5, 4 * 6 + 5, 1]);
  // The first tile (scaled 2×) holds both 0 and 255: normalized per filter.
  const tile: number[] = [];
  for (let y = 1; y < 7; y++) for (let x = 1; x < 7; x++) tile.push(grid.data[y * grid.width + x]!);
  assert.equal(Math.min(...tile), 0);
  assert.equal(Math.max(...tile), 255);
  // conv2's 32 filters have 16 input channels: a row of 16 tiles each.
  const deeper = filterGrid(net, { layer: 'convolution2d_2', gap: 0 });
  assert.deepEqual([deeper.width, deeper.height], [16 * 3, 32 * 3]);
  assert.throws(
    () => filterGrid(net, { layer: 'relu_1' }),
    /'relu_1' is not a convolution layer \(it is ReLU\)/,
  );
});

test('activationMaps: one picture per layer after the input, conv outputs tiled channel by channel', () => {
  const net = digitsNet();
  const digit = nd.randomUniform([1, 28, 28], 0, 1, { generator: new Random(5) });
  const maps = activationMaps(net, digit);
  assert.equal(maps.length, net.layerRows.length - 1);
  assert.deepEqual(
    maps.map((m) => m.shape.join('x')),
    net.layerRows.slice(1).map((r) => r.outputShape.join('x')),
  );
  const conv1 = maps[0]!;
  // 16 maps of 28×28 enlarged 1× (48 / 28 → 1) in a 4×4 grid with 1-pixel gaps.
  assert.deepEqual([conv1.image.width, conv1.image.height], [4 * 28 + 5, 4 * 28 + 5]);
  const fc = maps.find((m) => m.layer === 'fullyConnected_1')!;
  assert.deepEqual(fc.shape, [50]);
  assert.equal(fc.image.width, fc.image.height);
  assert.equal(net.body.training, false);
  assert.throws(
    () => activationMaps(net, digit, { layers: ['conv9'] }),
    /no layer 'conv9'; the network has imageInput_1, convolution2d_1/,
  );
});

test('forwardCapture stopping early gives the same activation as the full pass', () => {
  const net = digitsNet();
  const x = new Tensor(nd.randomUniform([2, 1, 28, 28], 0, 1, { generator: new Random(6) }));
  const full = forwardCapture(net, x, ['4', null]);
  const early = forwardCapture(net, x, ['4'], { stopEarly: true });
  assert.deepEqual(early.get('4')!.data.data, full.get('4')!.data.data);
  assert.deepEqual(full.get(null)!.shape, [2, 10]);
  assert.deepEqual(
    visibleLayers(net).map((r) => r.path),
    ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '12', '13', '14', null, null],
  );
  assert.equal(resolveLayer(net, 'classification_1').path, null);
  assert.throws(() => resolveLayer(net, 'imageInput_1'), /is the input layer/);
});

test('deepDreamImage raises the target activation over the iterations, for output classes and conv channels', () => {
  const net = digitsNet(3);
  const classes = deepDreamImage(net, 'fullyConnected_2', [0, 7], {
    iterations: 6,
    pyramidLevels: 2,
    generator: new Random(1),
  });
  assert.deepEqual(classes.images.shape, [2, 1, 28, 28]);
  assert.equal(classes.history.length, 12);
  for (let i = 0; i < 2; i++) {
    assert.ok(classes.finalActivation[i]! > classes.initialActivation[i]!, `class ${classes.channels[i]}`);
  }
  const lo = nd.min(classes.images).item();
  const hi = nd.max(classes.images).item();
  assert.ok(lo >= 0 && hi <= 1, 'pixels stay in [0, 1]');
  const conv = deepDreamImage(net, 'convolution2d_2', 5, {
    iterations: 5,
    pyramidLevels: 1,
    generator: new Random(2),
  });
  assert.ok(conv.finalActivation[0]! > conv.initialActivation[0]!);
  // The pictures turn into rasters of the input size.
  const [picture] = imageRasters(conv.images);
  assert.deepEqual([picture!.width, picture!.height, picture!.channels], [28, 28, 1]);
  // The same seed gives the same pictures.
  const again = deepDreamImage(net, 'convolution2d_2', 5, {
    iterations: 5,
    pyramidLevels: 1,
    generator: new Random(2),
  });
  assert.deepEqual(again.images.data, conv.images.data);
});

test('deepDreamImage refuses a channel the layer does not have, naming the layer', () => {
  const net = digitsNet();
  assert.throws(
    () => deepDreamImage(net, 'convolution2d_1', 16, { iterations: 1, pyramidLevels: 1 }),
    (e: unknown) =>
      e instanceof ValueError &&
      /channel 16 is outside layer 'convolution2d_1''s 16 channels \[0, 15\]/.test(e.message),
  );
  assert.throws(() => deepDreamImage(net, 'fullyConnected_2', [], {}), /needs at least one channel/);
  for (const p of net.body.parameters()) assert.equal(p.requiresGrad, true);
});
