import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nd from '@nabla/tensor';
import { gradcheck } from './gradcheck.js';
import { mul, sum } from './ops/index.js';
import { fromOp, type Tensor } from './tensor.js';

test('gradcheck passes a correct gradient and reports tiny errors for each input', () => {
  const result = gradcheck((a, b) => mul(a!, b!), [nd.tensor([[1, 2, 3]]), nd.tensor([[0.5], [-2]])]);
  assert.equal(result.ok, true);
  assert.equal(result.inputs.length, 2);
  for (const e of result.inputs) assert.ok(e.maxAbsError < 1e-8 && e.maxRelError < 1e-6);
});

test('gradcheck catches a wrong gradient (sin with a cos-less backward)', () => {
  const wrongSin = (x: Tensor) => fromOp('wrongSin', [x], nd.unary(x.data, Math.sin), (dy) => [dy]);
  const result = gradcheck((x) => sum(wrongSin(x!)), [nd.tensor([0.3, 1.2, -2])]);
  assert.equal(result.ok, false);
  assert.ok(result.inputs[0]!.maxAbsError > 0.5);
});

test('gradcheck catches a gradient off by a small factor that only rtol would forgive', () => {
  const scaled = (x: Tensor) => fromOp('scaled', [x], nd.mul(x.data, 3), (dy) => [nd.mul(dy, 3 * 1.01)]);
  assert.equal(gradcheck((x) => scaled(x!), [nd.tensor([1, 2])]).ok, false);
  assert.equal(gradcheck((x) => scaled(x!), [nd.tensor([1, 2])], { rtol: 0.02 }).ok, true);
});

test('gradcheck works in float64 whatever the inputs were given in, and leaves them untouched', () => {
  const x = nd.tensor([0.1, 0.2], 'float32');
  const seen: string[] = [];
  const result = gradcheck(
    (t) => {
      seen.push(t!.dtype);
      return mul(t!, t!);
    },
    [x],
  );
  assert.equal(result.ok, true);
  assert.ok(seen.every((d) => d === 'float64'));
  assert.deepEqual([...x.data], [Math.fround(0.1), Math.fround(0.2)]);
});
