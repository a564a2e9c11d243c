import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nd from '@nabla/tensor';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import { variable } from '../tensor.js';
import { localResponseNorm } from './local-response-norm.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

/**
 * PyTorch's LocalResponseNorm, read off its definition: zero-pad the squared input with ⌊size/2⌋
 * channels before and ⌊(size − 1)/2⌋ after, average `size` consecutive channels, then
 * b = a / (k + α · average)^β.
 */
function reference(x: nd.NDArray, size: number, alpha: number, beta: number, k: number): number[] {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const out: number[] = [];
  for (let i = 0; i < n; i++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h; y++)
        for (let z = 0; z < w; z++) {
          let padded = 0;
          for (let q = 0; q < size; q++) {
            const src = ch - Math.floor(size / 2) + q;
            if (src >= 0 && src < c) padded += x.get(i, src, y, z) ** 2;
          }
          out.push(x.get(i, ch, y, z) / (k + (alpha * padded) / size) ** beta);
        }
  return out;
}

// #region formula
test('localResponseNorm matches the AlexNet / PyTorch formula for odd and even window sizes', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 8 }),
      fc.integer({ min: 1, max: 6 }),
      fc.constantFrom(1e-4, 0.5, 2),
      fc.constantFrom(0.75, 0.5, 1),
      fc.constantFrom(2, 1),
      fc.integer(),
      (c, size, alpha, beta, k, seed) => {
        const x = nd.randomNormal([2, c, 2, 3], 0, 3, { dtype: 'float64', generator: new nd.Random(seed) });
        const y = localResponseNorm(variable(x), { size, alpha, beta, k }).data.values();
        reference(x, size, alpha, beta, k).forEach((v, i) => {
          assert.ok(Math.abs(y[i]! - v) < 1e-12 * Math.max(1, Math.abs(v)));
        });
      },
    ),
    { numRuns: 50 },
  );
});
// #endregion formula

test("localResponseNorm's defaults are AlexNet's: size 5, α 1e-4, β 0.75, k 2", () => {
  const x = nd.randomNormal([1, 7, 2, 2], 0, 10, { dtype: 'float64', generator: new nd.Random(1) });
  const y = localResponseNorm(variable(x)).data.values();
  reference(x, 5, 1e-4, 0.75, 2).forEach((v, i) => {
    assert.ok(Math.abs(y[i]! - v) < 1e-12 * Math.max(1, Math.abs(v)));
  });
  assert.throws(
    () => localResponseNorm(variable(nd.zeros([2, 3]))),
    /localResponseNorm: input must be \[N, C, H, W\], got \[2,3\]/,
  );
});

test("channelsBefore moves the window: Matlab's ⌊(size−1)/2⌋ before for an even size, forward and backward", async () => {
  const { gradcheck } = await import('../gradcheck.js');
  const x = nd.randomNormal([2, 6, 2, 2], 0, 1, { dtype: 'float64', generator: new nd.Random(5) });
  // size 4, one channel before and two after: channel c sees c−1 … c+2.
  const y = localResponseNorm(variable(x), { size: 4, alpha: 1, beta: 0.75, k: 1, channelsBefore: 1 }).data;
  for (let ch = 0; ch < 6; ch++) {
    let ss = 0;
    for (let q = Math.max(0, ch - 1); q <= Math.min(5, ch + 2); q++) ss += x.get(1, q, 0, 1) ** 2;
    const expected = x.get(1, ch, 0, 1) / (1 + ss / 4) ** 0.75;
    assert.ok(Math.abs(y.get(1, ch, 0, 1) - expected) < 1e-12, `channel ${ch}`);
  }
  const r = gradcheck(
    (t) => localResponseNorm(t, { size: 4, alpha: 1, beta: 0.75, k: 1, channelsBefore: 1 }),
    [x],
    { atol: 1e-8, rtol: 1e-6 },
  );
  assert.ok(r.ok, `max error ${JSON.stringify(r).slice(0, 200)}`);
  assert.throws(
    () => localResponseNorm(variable(x), { size: 4, channelsBefore: 4 }),
    /channelsBefore must be an integer in \[0, 3\], got 4/,
  );
});
