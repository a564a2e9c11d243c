import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { variable } from '@nabla/autograd';
import * as nd from '@nabla/tensor';
import { Random } from '@nabla/tensor';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import {
  gradcheckModule,
  LeakyReLU,
  LogSoftmax,
  type Module,
  ReLU,
  Sigmoid,
  Softmax,
  Tanh,
} from './index.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

const elementwise: [string, () => Module, (z: number) => number][] = [
  ['ReLU', () => new ReLU(), (z) => Math.max(0, z)],
  ['LeakyReLU', () => new LeakyReLU(0.2), (z) => (z > 0 ? z : 0.2 * z)],
  ['Sigmoid', () => new Sigmoid(), (z) => 1 / (1 + Math.exp(-z))],
  ['Tanh', () => new Tanh(), Math.tanh],
];

describe('activation layers', () => {
  for (const [name, make, f] of elementwise) {
    it(`${name}: forward is f(z) elementwise and the gradient passes a float64 check`, () => {
      fc.assert(
        fc.property(
          fc.array(
            fc.double({ min: -5, max: 5, noNaN: true }).filter((z) => Math.abs(z) > 1e-3),
            { minLength: 1, maxLength: 12 },
          ),
          (zs) => {
            const x = nd.tensor(zs, 'float64');
            const y = Array.from(make().forward(variable(x)).data.values());
            y.forEach((v, i) => {
              assert.ok(Math.abs(v - f(zs[i]!)) < 1e-12);
            });
            assert.ok(gradcheckModule(make(), x).ok);
          },
        ),
        { numRuns: 25 },
      );
    });
  }

  it('Softmax sums to one along axis 1 (the classes) and matches e^z/Σe^z; LogSoftmax is its log', () => {
    const x = nd.randomNormal([3, 4], 0, 2, { generator: new Random(2), dtype: 'float64' });
    const p = new Softmax().forward(variable(x)).data;
    const logp = new LogSoftmax().forward(variable(x)).data;
    for (let r = 0; r < 3; r++) {
      let denom = 0;
      for (let c = 0; c < 4; c++) denom += Math.exp(x.get(r, c));
      for (let c = 0; c < 4; c++) {
        assert.ok(Math.abs(p.get(r, c) - Math.exp(x.get(r, c)) / denom) < 1e-12);
        assert.ok(Math.abs(logp.get(r, c) - Math.log(p.get(r, c))) < 1e-12);
      }
    }
    assert.ok(gradcheckModule(new Softmax(), x).ok);
    assert.ok(gradcheckModule(new LogSoftmax(), x).ok);
    const image = new Softmax().forward(
      variable(nd.randomNormal([1, 3, 2, 2], 0, 1, { dtype: 'float64' })),
    ).data;
    assert.ok(
      Math.abs(image.get(0, 0, 1, 1) + image.get(0, 1, 1, 1) + image.get(0, 2, 1, 1) - 1) < 1e-12,
      'over channels',
    );
  });

  it('refuses int32 inputs and an axis the input lacks', () => {
    assert.throws(
      () => new ReLU().forward(variable(nd.ones([2], 'int32'))),
      /ReLU: expected a float32 or float64 input/,
    );
    assert.throws(() => new Softmax(3).forward(variable(nd.ones([2, 2]))), /Softmax/);
  });
});
