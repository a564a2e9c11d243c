import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nd from '@nabla/tensor';
import { Random, ValueError } from '@nabla/tensor';
import { variable } from '../tensor.js';
import { dropout } from './dropout.js';

test('dropout is the identity when not training or when p = 0', () => {
  const x = variable(nd.ones([3, 4]), { requiresGrad: true });
  assert.equal(dropout(x, 0.5, { training: false }), x);
  assert.equal(dropout(x, 0, { training: true }), x);
});

// #region inverted-dropout
test('inverted dropout: kept values scaled by 1/(1 − p), about a fraction p dropped, same seed same mask', () => {
  const x = variable(nd.ones([100, 100]), { requiresGrad: true });
  const y = dropout(x, 0.3, { training: true, generator: new Random(7) });
  const values = [...y.data.values()];
  assert.ok(values.every((v) => v === 0 || Math.abs(v - 1 / 0.7) < 1e-6));
  const dropped = values.filter((v) => v === 0).length / values.length;
  assert.ok(Math.abs(dropped - 0.3) < 0.03, `dropped ${dropped}`);
  const again = dropout(x, 0.3, { training: true, generator: new Random(7) });
  assert.deepEqual([...again.data.values()], values);
  y.backward(nd.ones([100, 100]));
  assert.deepEqual([...x.grad!.values()], values);
});
// #endregion inverted-dropout

test('dropout with p = 1 drops everything; p outside [0, 1] is refused', () => {
  const x = variable(nd.ones([5]));
  assert.deepEqual(dropout(x, 1, { training: true }).toArray(), [0, 0, 0, 0, 0]);
  assert.throws(() => dropout(x, 1.5, { training: true }), ValueError);
});
