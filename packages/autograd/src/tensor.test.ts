import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nd from '@nabla/tensor';
import { ShapeError, ValueError } from '@nabla/tensor';
import { add, matmul, mul, sigmoid, sum } from './ops/index.js';
import { fromOp, isGradEnabled, noGrad, Tensor, variable } from './tensor.js';

const v = (values: nd.NestedArray, requiresGrad = true) =>
  variable(values, { requiresGrad, dtype: 'float64' });

describe('Tensor.backward', () => {
  test('seeds a scalar with 1 and accumulates into leaves across calls', () => {
    const x = v([1, 2, 3]);
    sum(mul(x, x)).backward();
    assert.deepEqual(x.grad!.toArray(), [2, 4, 6]);
    sum(x).backward();
    assert.deepEqual(x.grad!.toArray(), [3, 5, 7]);
    x.zeroGrad();
    assert.equal(x.grad, null);
  });

  test('a value used twice receives the sum of both paths (the diamond)', () => {
    const x = v([[2]]);
    const y = add(mul(x, 3), mul(x, x));
    sum(y).backward();
    assert.deepEqual(x.grad!.toArray(), [[3 + 4]]);
  });

  test('refuses a non-scalar without an output gradient, naming the shape', () => {
    const y = mul(v([1, 2]), 2);
    assert.throws(
      () => y.backward(),
      (e: unknown) => e instanceof ShapeError && /non-scalar tensor of shape \[2\]/.test(e.message),
    );
    y.backward(nd.tensor([1, 1], 'float64'));
    assert.throws(() => mul(v([1, 2]), 2).backward(nd.tensor([1, 2, 3])), ShapeError);
  });

  test('refuses a tensor that does not require a gradient', () => {
    assert.throws(() => v([1], false).backward(), ValueError);
  });

  test('refuses to backpropagate through a value changed in place after it was used', () => {
    const w = v([[1, 2]]);
    const x = v([[3], [4]], false);
    const loss = sum(matmul(w, x));
    w.assign(nd.tensor([[5, 6]], 'float64'));
    assert.throws(
      () => loss.backward(),
      (e: unknown) => e instanceof ValueError && /changed in place/.test(e.message),
    );
    const again = sum(matmul(w, x));
    x.data.data[0] = 7;
    x.markChanged();
    assert.throws(() => again.backward(), /'matmul'.*changed in place/);
    const fresh = sum(matmul(w, x));
    fresh.backward();
    assert.deepEqual(w.grad!.toArray(), [[7, 4]]);
  });

  test('assign refuses a different shape, naming the parameter', () => {
    const w = variable([1, 2], { requiresGrad: true, name: 'fc.weight' });
    assert.throws(() => w.assign(nd.zeros([3])), /assign \(fc\.weight\).*\[2\].*\[3\]/);
  });

  test('frees the graph after backward, unless retainGraph', () => {
    const x = v([0.5]);
    const y = sum(sigmoid(x));
    assert.equal(y.parents().length, 1);
    y.backward(undefined, { retainGraph: true });
    assert.equal(y.parents().length, 1);
    y.backward();
    assert.equal(y.parents().length, 0);
    assert.equal(y.requiresGrad, false);
    assert.throws(
      () => y.backward(),
      (e: unknown) => e instanceof ValueError && /graph freed.*retainGraph/.test((e as Error).message),
    );
    const s = 1 / (1 + Math.exp(-0.5));
    assert.ok(Math.abs(x.grad!.item() - 2 * s * (1 - s)) < 1e-15);
  });

  test('keeps the gradient of an intermediate only when asked (retainGrad)', () => {
    const x = v([1, 2]);
    const h = mul(x, 3).retainGrad();
    const k = mul(x, 2);
    sum(mul(h, k)).backward();
    assert.deepEqual(h.grad!.toArray(), [2, 4]);
    assert.equal(k.grad, null);
  });

  test('noGrad records nothing and restores the mode, even after a throw', () => {
    const x = v([1]);
    const y = noGrad(() => mul(x, 2));
    assert.equal(y.requiresGrad, false);
    assert.equal(y.parents().length, 0);
    assert.throws(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    );
    assert.equal(isGradEnabled(), true);
  });

  test('detach cuts the graph; fromOp records only when an input needs a gradient', () => {
    const x = v([1, 2]);
    const d = mul(x, 2).detach();
    assert.equal(d.requiresGrad, false);
    assert.equal(sum(mul(d, x)).requiresGrad, true);
    const c = fromOp('const', [v([1], false)], nd.ones([1]), () => [null]);
    assert.equal(c.requiresGrad, false);
    assert.ok(c instanceof Tensor);
  });

  test('a backward function returning the wrong shape is refused by name', () => {
    const x = v([1, 2]);
    const bad = fromOp('broken', [x], nd.ones([2], 'float64'), () => [nd.ones([3], 'float64')]);
    assert.throws(() => bad.backward(nd.ones([2], 'float64')), /backward of 'broken'.*\[3\].*\[2\]/);
  });

  test('backward walks a very deep graph without overflowing the stack', () => {
    const x = v([1]);
    let y = x;
    for (let i = 0; i < 20000; i++) y = add(y, 0);
    sum(y).backward();
    assert.deepEqual(x.grad!.toArray(), [1]);
  });
});
