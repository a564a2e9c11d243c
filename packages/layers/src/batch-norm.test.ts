import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import { noGrad, variable } from '@nabla/autograd';
import * as nd from '@nabla/tensor';
import { type NDArray, Random } from '@nabla/tensor';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import { BatchNorm1d, BatchNorm2d, gradcheckModule } from './index.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

/** Per-channel mean and biased variance of x [N, C, …] computed by hand. */
function channelStats(x: NDArray): { mean: number[]; variance: number[]; m: number } {
  const [n, c] = x.shape as [number, number];
  const inner = x.size / (n * c);
  const v = x.values();
  const mean = new Array<number>(c).fill(0);
  const variance = new Array<number>(c).fill(0);
  for (let i = 0; i < n; i++)
    for (let ch = 0; ch < c; ch++) for (let s = 0; s < inner; s++) mean[ch]! += v[(i * c + ch) * inner + s]!;
  for (let ch = 0; ch < c; ch++) mean[ch]! /= n * inner;
  for (let i = 0; i < n; i++)
    for (let ch = 0; ch < c; ch++)
      for (let s = 0; s < inner; s++) variance[ch]! += (v[(i * c + ch) * inner + s]! - mean[ch]!) ** 2;
  for (let ch = 0; ch < c; ch++) variance[ch]! /= n * inner;
  return { mean, variance, m: n * inner };
}

const randomAffine = (bn: BatchNorm1d | BatchNorm2d, rng: Random) => {
  bn.weight!.assign(
    nd.randomNormal(bn.weight!.shape, 1, 0.5, { generator: rng, dtype: bn.weight!.dtype as 'float64' }),
  );
  bn.bias!.assign(
    nd.randomNormal(bn.bias!.shape, 0, 0.5, { generator: rng, dtype: bn.bias!.dtype as 'float64' }),
  );
};

describe('BatchNorm2d', () => {
  it('training: y = γ(x − μ_B)/√(σ²_B + ε) + β, running stats move by momentum (unbiased variance)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.nat(1000),
        (n, c, hw, seed) => {
          fc.pre(n * hw * hw >= 2);
          const rng = new Random(seed);
          const bn = new BatchNorm2d(c, { dtype: 'float64' });
          randomAffine(bn, rng);
          const x = nd.randomNormal([n, c, hw, hw], 2, 3, { generator: rng, dtype: 'float64' });
          const y = bn.forward(variable(x)).data;
          const { mean, variance, m } = channelStats(x);
          const g = bn.weight!.data;
          const b = bn.bias!.data;
          for (let i = 0; i < n; i++)
            for (let ch = 0; ch < c; ch++)
              for (let r = 0; r < hw; r++)
                for (let q = 0; q < hw; q++) {
                  const expected =
                    (g.get(ch) * (x.get(i, ch, r, q) - mean[ch]!)) / Math.sqrt(variance[ch]! + 1e-5) +
                    b.get(ch);
                  assert.ok(Math.abs(y.get(i, ch, r, q) - expected) < 1e-9);
                }
          for (let ch = 0; ch < c; ch++) {
            assert.ok(Math.abs(bn.runningMean.get(ch) - 0.1 * mean[ch]!) < 1e-12);
            assert.ok(Math.abs(bn.runningVar.get(ch) - (0.9 + (0.1 * variance[ch]! * m) / (m - 1))) < 1e-12);
          }
          assert.equal(bn.numBatchesTracked, 1);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('evaluation uses the running statistics and leaves them alone', () => {
    const bn = new BatchNorm2d(2, { dtype: 'float64' });
    bn.setBuffer('running_mean', nd.tensor([1, -1], 'float64'));
    bn.setBuffer('running_var', nd.tensor([4, 0.25], 'float64'));
    bn.eval();
    const x = nd.tensor([[[[3]], [[0]]]], 'float64');
    const y = bn.forward(variable(x)).toArray() as number[][][][];
    assert.ok(Math.abs(y[0]![0]![0]![0]! - 2 / Math.sqrt(4 + 1e-5)) < 1e-12);
    assert.ok(Math.abs(y[0]![1]![0]![0]! - 1 / Math.sqrt(0.25 + 1e-5)) < 1e-12);
    assert.deepEqual(bn.runningMean.toArray(), [1, -1]);
    assert.equal(bn.numBatchesTracked, 0);
  });

  it('gradients pass a float64 check in training and in evaluation (property over shapes)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 2 }),
        fc.boolean(),
        fc.nat(1000),
        (n, c, hw, training, seed) => {
          fc.pre(n * hw * hw >= 2);
          const rng = new Random(seed);
          const bn = new BatchNorm2d(c).to('float64');
          randomAffine(bn, rng);
          bn.train(training);
          const result = gradcheckModule(bn, nd.randomNormal([n, c, hw, hw], 0, 1, { generator: rng }));
          assert.ok(result.ok, `${training ? 'training' : 'evaluation'}: ${JSON.stringify(result)}`);
          assert.deepEqual(Object.keys(result.parameters), ['weight', 'bias']);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('has PyTorch defaults and refuses a wrong channel count or a single value per channel', () => {
    const bn = new BatchNorm2d(16);
    assert.deepEqual([bn.eps, bn.momentum, bn.numParameters()], [1e-5, 0.1, 32]);
    assert.throws(() => bn.forward(variable(nd.ones([2, 8, 4, 4]))), {
      name: 'ShapeError',
      message: 'BatchNorm2d: expected 16 channels on axis 1, got 8 (input [2,8,4,4])',
    });
    assert.throws(
      () => bn.forward(variable(nd.ones([2, 16]))),
      /BatchNorm2d: expected a NCHW input \(rank 4\), got \[2,16\]/,
    );
    assert.throws(() => bn.forward(variable(nd.ones([1, 16, 1, 1]))), /more than one value per channel/);
    assert.deepEqual(bn.eval().forward(variable(nd.ones([1, 16, 1, 1]))).shape, [1, 16, 1, 1]);
  });

  it('affine: false passes the gradient check in training and evaluation (no γ, β to differentiate)', () => {
    const rng = new Random(3);
    for (const training of [true, false]) {
      const bn = new BatchNorm2d(3, { affine: false, dtype: 'float64' });
      if (!training) bn.eval();
      const result = gradcheckModule(bn, nd.randomNormal([2, 3, 2, 2], 0, 1, { generator: rng }));
      assert.ok(result.ok, `training ${training}: ${JSON.stringify(result)}`);
      assert.deepEqual(Object.keys(result.parameters), []);
    }
  });

  it('affine: false has no parameters and normalizes only', () => {
    const bn = new BatchNorm2d(2, { affine: false, dtype: 'float64' });
    assert.equal(bn.numParameters(), 0);
    assert.deepEqual([...bn.stateDict().keys()], ['running_mean', 'running_var', 'num_batches_tracked']);
    const y = bn.forward(
      variable(
        nd.tensor(
          [
            [[[1]], [[5]]],
            [[[3]], [[5]]],
          ],
          'float64',
        ),
      ),
    );
    const v = Array.from(y.data.values());
    assert.ok(Math.abs(v[0]! + 1) < 1e-4 && Math.abs(v[2]! - 1) < 1e-4 && v[1] === 0 && v[3] === 0);
  });
});

describe('BatchNorm1d', () => {
  it('normalizes [N, C] per feature and [N, C, L] per channel over N and L', () => {
    const rng = new Random(2);
    for (const shape of [
      [5, 3],
      [4, 3, 2],
    ]) {
      const bn = new BatchNorm1d(3, { dtype: 'float64' });
      const x = nd.randomNormal(shape, 1, 2, { generator: rng, dtype: 'float64' });
      const y = bn.forward(variable(x));
      assert.deepEqual(y.shape, shape);
      const { mean, variance } = channelStats(y.data);
      mean.forEach((mu, ch) => {
        assert.ok(Math.abs(mu) < 1e-12 && Math.abs(variance[ch]! - 1) < 1e-3);
      });
    }
  });

  it('gradients pass a float64 check on [N, C]', () => {
    const rng = new Random(8);
    const bn = new BatchNorm1d(3).to('float64');
    randomAffine(bn, rng);
    assert.ok(gradcheckModule(bn, nd.randomNormal([4, 3], 0, 1, { generator: rng })).ok);
  });

  it('refuses images', () => {
    assert.throws(
      () => new BatchNorm1d(3).forward(variable(nd.ones([2, 3, 4, 4]))),
      /BatchNorm1d: expected a \[N, C\] or \[N, C, L\] input/,
    );
  });
});

test('population statistics: after start…finish, BatchNorm2d holds the exact mean and variance of every value it saw per channel', () => {
  const bn = new BatchNorm2d(3);
  const g = new Random(4);
  // Three batches of different sizes and offsets (channel c is centred at 10c): 5 + 2 + 3 examples.
  const batches = [5, 2, 3].map((n) => nd.randomNormal([n, 3, 4, 4], 0, 2, { generator: g }));
  for (const b of batches) for (let i = 0; i < b.size; i++) b.data[i]! += 10 * Math.floor((i % 48) / 16);
  bn.train();
  bn.forward(variable(batches[0]!)); // one ordinary training step first: the counter keeps it
  bn.startPopulationStatistics();
  noGrad(() => {
    for (const b of batches) bn.forward(variable(b));
  });
  assert.equal(bn.finishPopulationStatistics(), true);
  const all = nd.concat(batches, 0);
  const v = all.values();
  for (let c = 0; c < 3; c++) {
    let sum = 0;
    let count = 0;
    for (let i = 0; i < 10; i++) for (let k = 0; k < 16; k++, count++) sum += v[(i * 3 + c) * 16 + k]!;
    const mean = sum / count;
    let sq = 0;
    for (let i = 0; i < 10; i++) for (let k = 0; k < 16; k++) sq += (v[(i * 3 + c) * 16 + k]! - mean) ** 2;
    assert.ok(Math.abs(bn.runningMean.values()[c]! - mean) < 1e-5, `mean ${c}`);
    assert.ok(Math.abs(bn.runningVar.values()[c]! - sq / count) < 1e-4, `variance ${c}`);
  }
  assert.equal(bn.numBatchesTracked, 1);
  assert.equal(bn.finishPopulationStatistics(), false, 'nothing collected: nothing changed');
});
