import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Tensor } from '@nabla/autograd';
import * as nd from '@nabla/tensor';
import { applyGradientThreshold } from './gradient-threshold.js';

/** Two parameters whose gradients have L2 norms 5 and 0.5 (joint norm √25.25). */
function twoParams(): [Tensor, Tensor] {
  const a = new Tensor(nd.zeros([2], 'float64'), true);
  const b = new Tensor(nd.zeros([2], 'float64'), true);
  a.grad = nd.tensor([3, 4], 'float64');
  b.grad = nd.tensor([0.3, -0.4], 'float64');
  return [a, b];
}

const close = (actual: nd.NDArray, expected: number[]) => {
  [...actual.values()].forEach((v, i) => {
    assert.ok(Math.abs(v - expected[i]!) < 1e-12, `${v} vs ${expected[i]}`);
  });
};

test("'l2norm' (Matlab's default) rescales each parameter's gradient to the threshold on its own", () => {
  const [a, b] = twoParams();
  applyGradientThreshold([a, b], 'l2norm', 1);
  close(a.grad!, [0.6, 0.8]); // norm 5 → 1
  close(b.grad!, [0.3, -0.4]); // norm 0.5 ≤ 1: untouched
});

test("'global-l2norm' rescales every gradient by threshold / joint norm when the joint norm is larger", () => {
  const [a, b] = twoParams();
  applyGradientThreshold([a, b], 'global-l2norm', 1);
  const s = 1 / Math.sqrt(25.25);
  close(a.grad!, [3 * s, 4 * s]);
  close(b.grad!, [0.3 * s, -0.4 * s]);
});

test("'absolute-value' clips each partial derivative to the threshold and keeps its sign", () => {
  const [a, b] = twoParams();
  applyGradientThreshold([a, b], 'absolute-value', 0.35);
  close(a.grad!, [0.35, 0.35]);
  close(b.grad!, [0.3, -0.35]);
});

test('an infinite threshold leaves every gradient as it was', () => {
  const [a, b] = twoParams();
  for (const m of ['l2norm', 'global-l2norm', 'absolute-value'] as const)
    applyGradientThreshold([a, b], m, Number.POSITIVE_INFINITY);
  close(a.grad!, [3, 4]);
  close(b.grad!, [0.3, -0.4]);
});
