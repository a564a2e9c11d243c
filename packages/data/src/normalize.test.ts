import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NDArray, tensor } from '@nabla/tensor';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import { CONSTANT_STD, meanImage, standardization, standardize, zeroCenter } from './normalize.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

const batch = fc
  .record({ n: fc.integer({ min: 1, max: 6 }), per: fc.integer({ min: 1, max: 5 }) })
  .chain(({ n, per }) =>
    fc
      .array(fc.float({ min: -100, max: 100, noNaN: true }), { minLength: n * per, maxLength: n * per })
      .map((v) => new NDArray(Float32Array.from(v), [n, 1, per])),
  );

test('meanImage is the per-pixel mean of the chosen samples, shaped [1, ...sample]', () => {
  const x = tensor([[[1, 2]], [[3, 6]], [[100, 100]]]);
  const m = meanImage(x, [0, 1]);
  assert.deepEqual(m.shape, [1, 1, 2]);
  assert.deepEqual([...m.data], [2, 4]);
  assert.deepEqual(
    [...meanImage(x).data].map((v) => Math.round(v * 1000) / 1000),
    [34.667, 36],
  );
});

test('zeroCenter with the training mean leaves the training samples with mean zero', () => {
  fc.assert(
    fc.property(batch, (x) => {
      const centred = zeroCenter(x, meanImage(x));
      const again = meanImage(centred);
      for (const v of again.data) assert.ok(Math.abs(v) < 1e-3, `mean after centring ${v}`);
    }),
  );
});

test('standardize gives the training part mean 0 and std 1 per feature; constant features are only centred', () => {
  fc.assert(
    fc.property(batch, (x) => {
      const stats = standardization(x);
      const z = standardize(x, stats);
      const again = standardization(z);
      const n = x.shape[0]!;
      for (let j = 0; j < again.mean.size; j++) {
        const s = stats.std.data[j]!;
        // Features that vary well above float32 rounding of the mean come out with mean 0, std 1.
        if (s > 0.1 && n > 1) {
          assert.ok(Math.abs(again.mean.data[j]!) < 1e-3, `mean ${again.mean.data[j]}`);
          assert.ok(Math.abs(again.std.data[j]! - 1) < 1e-3, `std ${again.std.data[j]}`);
        }
        // Constant ones are centred, not scaled up.
        if (s <= CONSTANT_STD)
          assert.ok(again.std.data[j]! <= CONSTANT_STD && Math.abs(again.mean.data[j]!) < 1e-3);
      }
    }),
  );
});

test('normalization refuses empty data, bad indices, NaN and mean images of the wrong size', () => {
  const x = tensor([
    [1, 2],
    [3, 4],
  ]);
  assert.throws(() => meanImage(new NDArray(new Float32Array(0), [0, 2])), {
    name: 'ValueError',
    message: /^meanImage: needs at least one sample/,
  });
  assert.throws(() => meanImage(x, []), /no samples selected/);
  assert.throws(() => meanImage(x, [2]), /index 2 is out of range \[0, 2\)/);
  assert.throws(() => meanImage(tensor([[1, Number.NaN]])), /feature 1 of the data holds NaN or Infinity/);
  assert.throws(() => zeroCenter(x, tensor([[1, 2, 3]])), {
    name: 'ShapeError',
    message: /^zeroCenter: mean of shape \[1,3\]/,
  });
});
