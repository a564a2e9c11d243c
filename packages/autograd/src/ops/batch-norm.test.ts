import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nd from '@nabla/tensor';
import { ShapeError } from '@nabla/tensor';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import { variable } from '../tensor.js';
import { batchNorm } from './batch-norm.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

const near = (a: number, b: number, tol = 1e-9) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

// #region mean-and-deviation
test('training: every channel comes out with mean β and standard deviation γ (up to ε)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 2, max: 4 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer(),
      (n, c, hw, seed) => {
        const g = new nd.Random(seed);
        const x = variable(nd.randomNormal([n, c, hw, 2], 3, 2, { dtype: 'float64', generator: g }));
        const gamma = variable(nd.randomUniform([c], 0.5, 2, { dtype: 'float64', generator: g }));
        const beta = variable(nd.randomNormal([c], 0, 1, { dtype: 'float64', generator: g }));
        const y = batchNorm(x, gamma, beta, nd.zeros([c]), nd.ones([c]), { training: true, eps: 0 }).data;
        const mean = nd.mean(y, [0, 2, 3]);
        const variance = nd.variance(y, [0, 2, 3]);
        for (let ch = 0; ch < c; ch++) {
          near(mean.get(ch), beta.data.get(ch));
          near(variance.get(ch), gamma.data.get(ch) ** 2);
        }
      },
    ),
    { numRuns: 30 },
  );
});
// #endregion mean-and-deviation

test('training updates the running statistics in place, PyTorch-style, with the unbiased variance', () => {
  const x = variable(
    nd.tensor(
      [
        [1, 10],
        [3, 20],
        [8, 60],
      ],
      'float64',
    ),
  );
  const runningMean = nd.tensor([0.5, -1]);
  const runningVar = nd.tensor([2, 4]);
  batchNorm(x, null, null, runningMean, runningVar, { training: true, momentum: 0.25 });
  // channel 0: mean 4, unbiased variance ((−3)² + (−1)² + 4²)/2 = 13; channel 1: mean 30, (400 + 100 + 900)/2 = 700.
  near(runningMean.get(0), 0.75 * 0.5 + 0.25 * 4, 1e-6);
  near(runningMean.get(1), 0.75 * -1 + 0.25 * 30, 1e-6);
  near(runningVar.get(0), 0.75 * 2 + 0.25 * 13, 1e-6);
  near(runningVar.get(1), 0.75 * 4 + 0.25 * 700, 1e-6);
});

test('evaluation normalizes with the running statistics and leaves them alone', () => {
  const x = variable(
    nd.tensor(
      [
        [1, 2],
        [3, 4],
      ],
      'float64',
    ),
    { requiresGrad: true },
  );
  const gamma = variable(nd.tensor([2, 3], 'float64'), { requiresGrad: true });
  const runningMean = nd.tensor([1, 1], 'float64');
  const runningVar = nd.tensor([4, 1], 'float64');
  const y = batchNorm(x, gamma, null, runningMean, runningVar, { training: false, eps: 0 });
  assert.deepEqual(y.toArray(), [
    [0, 3],
    [2, 9],
  ]);
  assert.deepEqual(runningMean.toArray(), [1, 1]);
  y.backward(nd.ones([2, 2], 'float64'));
  assert.deepEqual(x.grad!.toArray(), [
    [1, 3],
    [1, 3],
  ]);
  assert.deepEqual(gamma.grad!.toArray(), [1, 4]);
});

test('batchNorm refuses mismatched parameters and a single value per channel', () => {
  const x = variable(nd.zeros([2, 3]));
  assert.throws(
    () => batchNorm(x, variable(nd.ones([2])), null, nd.zeros([3]), nd.ones([3]), { training: true }),
    /batchNorm: gamma must be \[3\].*got \[2\]/,
  );
  assert.throws(
    () =>
      batchNorm(variable(nd.zeros([2, 3, 4])), null, null, nd.zeros([3]), nd.ones([3]), { training: true }),
    ShapeError,
  );
  assert.throws(
    () => batchNorm(variable(nd.zeros([1, 3])), null, null, nd.zeros([3]), nd.ones([3]), { training: true }),
    /more than one value/,
  );
});
