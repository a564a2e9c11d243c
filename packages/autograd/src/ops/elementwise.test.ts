import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nd from '@nabla/tensor';
import { ShapeError } from '@nabla/tensor';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import { variable } from '../tensor.js';
import { leakyRelu, relu } from './activation.js';
import { add, div, mul, sub } from './arithmetic.js';
import { maximum, minimum, where } from './compare.js';
import { conv2d } from './conv2d.js';
import { linear, matmul } from './matmul.js';
import { maxPool2d } from './pool.js';
import { max, sum, variance } from './reduce.js';
import { concat, flatten, reshape, slice, squeeze, stack, unsqueeze } from './shape.js';
import { softmax } from './softmax.js';
import { abs, clamp, pow } from './unary.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

const f64 = (v: nd.NestedArray) => variable(v, { dtype: 'float64', requiresGrad: true });

test('broadcast operands get gradients of their own shape, summed over the broadcast axes', () => {
  const shapes = fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 });
  fc.assert(
    fc.property(shapes, fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), (shape, ones) => {
      const small = shape.map((d, i) => (ones[i] ? 1 : d));
      for (const op of [add, sub, mul, div]) {
        const a = variable(nd.full(shape, 2, 'float64'), { requiresGrad: true });
        const b = variable(nd.full(small, 4, 'float64'), { requiresGrad: true });
        sum(op(a, b)).backward();
        assert.deepEqual(b.grad!.shape, small);
        assert.deepEqual(a.grad!.shape, shape);
      }
      const b = variable(nd.full(small, 4, 'float64'), { requiresGrad: true });
      sum(add(variable(nd.zeros(shape, 'float64')), b)).backward();
      const copies = shape.reduce((n, d) => n * d, 1) / small.reduce((n, d) => n * d, 1);
      assert.ok([...b.grad!.values()].every((g) => g === copies));
    }),
    { numRuns: 40 },
  );
});

test('a number operand is a constant of the tensor’s dtype', () => {
  const x = variable([1, 2], { requiresGrad: true, dtype: 'float64' });
  const y = sub(10, mul(x, 0.1));
  assert.equal(y.dtype, 'float64');
  assert.deepEqual(y.toArray(), [9.9, 9.8]);
});

test('shape errors name the op and both shapes', () => {
  assert.throws(
    () => add(f64([1, 2, 3]), f64([1, 2])),
    (e: unknown) => e instanceof ShapeError && /add.*\[3\].*\[2\]/.test(e.message),
  );
  assert.throws(
    () => matmul(f64([[1, 2]]), f64([[1, 2]])),
    /matmul: inner dimensions differ: \[1,2\] @ \[1,2\]/,
  );
  assert.throws(
    () => linear(f64([[1, 2, 3]]), f64([[1, 2]])),
    /linear: input \[1,3\] must end in 2 features for weight \[1,2\]/,
  );
  assert.throws(
    () => linear(f64([[1, 2]]), f64([[1, 2]]), f64([1, 2])),
    /linear: bias must be \[1\], got \[2\]/,
  );
  assert.throws(
    () => conv2d(variable(nd.zeros([1, 3, 4, 4])), variable(nd.zeros([2, 2, 3, 3])), null),
    /conv2d: filter \[2,2,3,3\] expects 2 input channels/,
  );
  assert.throws(
    () => conv2d(variable(nd.zeros([1, 2, 4, 4])), variable(nd.zeros([2, 2, 3, 3])), variable(nd.zeros([3]))),
    /conv2d: bias must be \[2\]/,
  );
  assert.throws(() => reshape(f64([1, 2, 3]), [2, 2]), /reshape: cannot reshape \[3\]/);
  assert.throws(() => concat([f64([[1, 2]]), f64([[1, 2, 3]])], 0), /concat: shapes \[1,2\] and \[1,3\]/);
});

test('elementwise forward values and their kinks follow the documented conventions', () => {
  assert.deepEqual(maximum(f64([1, 5]), f64([3, 2])).toArray(), [3, 5]);
  assert.deepEqual(minimum(f64([1, 5]), 2).toArray(), [1, 2]);
  assert.deepEqual(where(nd.tensor([1, 0], 'int32'), f64([1, 2]), f64([3, 4])).toArray(), [1, 4]);
  assert.deepEqual(clamp(f64([-2, 0.5, 3]), -1, 1).toArray(), [-1, 0.5, 1]);
  assert.deepEqual(pow(f64([2, 3]), 2).toArray(), [4, 9]);
  assert.deepEqual(leakyRelu(f64([-2, 3]), 0.1).toArray(), [-0.2, 3]);
  const x = f64([-1, 0, 2]);
  sum(add(relu(x), abs(x))).backward();
  assert.deepEqual(x.grad!.toArray(), [-1, 0, 2]);
  const m = f64([3, 1, 3]);
  max(m).backward();
  assert.deepEqual(m.grad!.toArray(), [0.5, 0, 0.5], 'tied maxima share the gradient');
});

test('reductions, softmax and shape ops give the expected values', () => {
  const x = f64([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  assert.deepEqual(sum(x, 1, true).toArray(), [[6], [15]]);
  assert.deepEqual(variance(x, 1, false, 1).toArray(), [1, 1]);
  const s = softmax(x, 0).data;
  assert.ok(Math.abs(s.get(0, 0) + s.get(1, 0) - 1) < 1e-15);
  assert.deepEqual(slice(x, [1, [0, 3, 2]]).toArray(), [4, 6]);
  assert.deepEqual(stack([x, x], 2).shape, [2, 3, 2]);
  assert.deepEqual(flatten(variable(nd.zeros([2, 3, 4, 5]))).shape, [2, 60]);
  assert.deepEqual(squeeze(unsqueeze(x, 1)).shape, [2, 3]);
});

test('conv2d adds the bias per channel, and the bias gradient is Σ dy over N, H, W', () => {
  const x = variable(nd.randomNormal([2, 2, 5, 5], 0, 1, { dtype: 'float64', generator: new nd.Random(2) }), {
    requiresGrad: true,
  });
  const w = variable(nd.randomNormal([3, 2, 3, 3], 0, 1, { dtype: 'float64', generator: new nd.Random(3) }), {
    requiresGrad: true,
  });
  const b = variable(nd.tensor([1, -2, 0.5], 'float64'), { requiresGrad: true });
  const y = conv2d(x, w, b, { padding: 1 });
  const plain = nd.conv2d(x.data, w.data, { padding: 1 });
  assert.ok(Math.abs(y.data.get(1, 1, 2, 3) - plain.get(1, 1, 2, 3) + 2) < 1e-12);
  const dy = nd.randomNormal([2, 3, 5, 5], 0, 1, { dtype: 'float64', generator: new nd.Random(4) });
  y.backward(dy);
  const expected = nd.sum(dy, [0, 2, 3]);
  [0, 1, 2].forEach((c) => {
    assert.ok(Math.abs(b.grad!.get(c) - expected.get(c)) < 1e-12);
  });
});

test('max pooling routes the gradient only to each window’s winner', () => {
  const x = f64([
    [
      [
        [1, 9, 2, 0],
        [3, 4, 8, 7],
        [6, 5, 1, 2],
        [0, 0, 3, 4],
      ],
    ],
  ]);
  const y = maxPool2d(x, 2);
  assert.deepEqual(y.toArray(), [
    [
      [
        [9, 8],
        [6, 4],
      ],
    ],
  ]);
  sum(y).backward();
  assert.deepEqual(x.grad!.toArray(), [
    [
      [
        [0, 1, 0, 0],
        [0, 0, 1, 0],
        [1, 0, 0, 0],
        [0, 0, 0, 1],
      ],
    ],
  ]);
});
