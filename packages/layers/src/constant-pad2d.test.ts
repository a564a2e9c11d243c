import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noGrad, Tensor } from '@nabla/autograd';
import * as nd from '@nabla/tensor';
import { Random } from '@nabla/tensor';
import { ConstantPad2d, ZeroPad2d } from './constant-pad2d.js';
import { gradcheckModule } from './gradcheck-module.js';

test('ZeroPad2d([left, right, top, bottom]) adds that border of zeros, PyTorch order', () => {
  const x = nd.tensor([
    [
      [
        [1, 2],
        [3, 4],
      ],
    ],
  ]);
  const y = noGrad(() => new ZeroPad2d([1, 0, 0, 2]).forward(new Tensor(x)).data);
  assert.deepEqual(y.shape, [1, 1, 4, 3]);
  assert.deepEqual(y.toArray(), [
    [
      [
        [0, 1, 2],
        [0, 3, 4],
        [0, 0, 0],
        [0, 0, 0],
      ],
    ],
  ]);
  const m = noGrad(
    () => new ConstantPad2d([0, 1, 1, 0], Number.NEGATIVE_INFINITY).forward(new Tensor(x)).data,
  );
  assert.deepEqual(m.toArray(), [
    [
      [
        [-Infinity, -Infinity, -Infinity],
        [1, 2, -Infinity],
        [3, 4, -Infinity],
      ],
    ],
  ]);
});

test('the gradient of a padded input is the interior of dy (central differences, float64)', () => {
  const x = nd.randomNormal([2, 3, 4, 5], 0, 1, { dtype: 'float64', generator: new Random(2) });
  const r = gradcheckModule(new ZeroPad2d([0, 1, 2, 1]), x, { atol: 1e-8, rtol: 1e-6 });
  assert.ok(r.ok, JSON.stringify(r).slice(0, 300));
});

test('bad padding is refused naming the layer', () => {
  assert.throws(
    () => new ZeroPad2d([1, -1, 0, 0]),
    /ZeroPad2d: padding must be an integer >= 0 or \[left, right, top, bottom\]/,
  );
  assert.throws(() => new ConstantPad2d(1, Number.NaN), /ConstantPad2d: the padding value must not be NaN/);
  assert.throws(() => new ZeroPad2d(1).forward(new Tensor(nd.zeros([2, 3]))), /ZeroPad2d.*NCHW/);
});
