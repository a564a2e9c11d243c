import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { variable } from '@nabla/autograd';
import * as nd from '@nabla/tensor';
import { type NDArray, Random } from '@nabla/tensor';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import { AvgPool2d, gradcheckModule, MaxPool2d } from './index.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

/** Pooling written as its definition: each output reduces its window (padding is −∞ for max, 0 for average). */
function reference(x: NDArray, k: number, s: number, p: number, kind: 'max' | 'avg'): number[] {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const oh = Math.floor((h + 2 * p - k) / s) + 1;
  const ow = Math.floor((w + 2 * p - k) / s) + 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++)
    for (let ch = 0; ch < c; ch++)
      for (let r = 0; r < oh; r++)
        for (let q = 0; q < ow; q++) {
          let acc = kind === 'max' ? Number.NEGATIVE_INFINITY : 0;
          for (let a = 0; a < k; a++)
            for (let b = 0; b < k; b++) {
              const y = r * s - p + a;
              const xx = q * s - p + b;
              const inside = y >= 0 && y < h && xx >= 0 && xx < w;
              if (kind === 'max') acc = inside ? Math.max(acc, x.get(i, ch, y, xx)) : acc;
              else acc += inside ? x.get(i, ch, y, xx) : 0;
            }
          out.push(kind === 'max' ? acc : acc / (k * k));
        }
  return out;
}

/** Distinct values (a random permutation), so no window has a tie and max pooling is differentiable. */
function distinct(shape: number[], rng: Random): NDArray {
  const size = shape.reduce((a, b) => a * b, 1);
  const perm = rng.permutation(size);
  const out = nd.zeros(shape, 'float64');
  for (let i = 0; i < size; i++) out.data[i] = perm[i]! * 0.1 - size * 0.05;
  return out;
}

const settings = fc.record({
  k: fc.integer({ min: 1, max: 3 }),
  s: fc.integer({ min: 1, max: 3 }),
  p: fc.integer({ min: 0, max: 1 }),
  size: fc.integer({ min: 3, max: 6 }),
  seed: fc.nat(1000),
});

for (const [Layer, kind] of [
  [MaxPool2d, 'max'],
  [AvgPool2d, 'avg'],
] as const) {
  describe(Layer.name, () => {
    it('forward equals the window reduction (property)', () => {
      fc.assert(
        fc.property(settings, ({ k, s, p, size, seed }) => {
          fc.pre(2 * p <= k);
          const x = distinct([2, 2, size, size], new Random(seed));
          const y = new Layer(k, { stride: s, padding: p }).forward(variable(x));
          const expected = reference(x, k, s, p, kind);
          const got = Array.from(y.data.values());
          assert.equal(got.length, expected.length);
          got.forEach((v, i) => {
            assert.ok(Math.abs(v - expected[i]!) < 1e-12, `${v} vs ${expected[i]}`);
          });
        }),
        { numRuns: 40 },
      );
    });

    it('gradient passes a float64 check (no ties)', () => {
      fc.assert(
        fc.property(settings, ({ k, s, p, size, seed }) => {
          fc.pre(2 * p <= k);
          const result = gradcheckModule(
            new Layer(k, { stride: s, padding: p }),
            distinct([1, 2, size, size], new Random(seed)),
          );
          assert.ok(result.ok, JSON.stringify(result));
        }),
        { numRuns: 20 },
      );
    });

    it('defaults the stride to the kernel and refuses an image too small for the window', () => {
      const pool = new Layer(2);
      assert.deepEqual(pool.forward(variable(nd.ones([1, 3, 28, 28]))).shape, [1, 3, 14, 14]);
      assert.throws(() => pool.forward(variable(nd.ones([1, 3, 1, 1]))), {
        name: 'ShapeError',
        message: `${Layer.name}: a 2×2 window (padding 0×0) does not fit input [1,3,1,1]: the image is too small`,
      });
      assert.throws(() => pool.forward(variable(nd.ones([3, 28, 28]))), /expected a NCHW input \(rank 4\)/);
      assert.throws(() => new Layer(2, { padding: 2 }), /padding 2×2 must be at most half the kernel 2×2/);
    });
  });
}

describe('AvgPool2d countIncludePad', () => {
  it('false divides by the values inside the image only', () => {
    const x = nd.ones([1, 1, 2, 2], 'float64');
    const incl = new AvgPool2d(2, { stride: 2, padding: 1 }).forward(variable(x));
    const excl = new AvgPool2d(2, { stride: 2, padding: 1, countIncludePad: false }).forward(variable(x));
    assert.deepEqual(incl.toArray(), [
      [
        [
          [0.25, 0.25],
          [0.25, 0.25],
        ],
      ],
    ]);
    assert.deepEqual(excl.toArray(), [
      [
        [
          [1, 1],
          [1, 1],
        ],
      ],
    ]);
  });
});
