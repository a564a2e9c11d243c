import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GENERATED_DIR } from '../output.js';
import { activations, closedForms, keyValues } from './activations.js';

test("the library's f and autograd's f′ equal the course's closed forms on the grid (to 1e-12)", () => {
  const data = activations();
  assert.equal(data.z.length, 101);
  for (const curve of data.curves) {
    const closed = closedForms[curve.name];
    data.z.forEach((z, i) => {
      assert.ok(Math.abs(curve.f[i]! - closed.f(z)) <= 1e-12, `${curve.name}(${z})`);
      assert.ok(Math.abs(curve.df[i]! - closed.df(z)) <= 1e-12, `${curve.name}′(${z}): ${curve.df[i]}`);
    });
  }
});

test('key values: σ′ peaks at ¼ at z = 0, tanh′ at 1, ReLU′ is 1 for z > 0 and 0 at z ≤ 0; σ and tanh saturate', () => {
  const [sig, tanh, relu] = keyValues(activations());
  assert.deepEqual([sig!.maxDerivative, sig!.maxDerivativeAt, sig!.fAt0], [0.25, 0, 0.5]);
  assert.deepEqual([tanh!.maxDerivative, tanh!.maxDerivativeAt, tanh!.fAt0], [1, 0, 0]);
  assert.deepEqual([relu!.maxDerivative, relu!.dfAt5, relu!.dfAtMinus5], [1, 1, 0]);
  // At 0 the ReLU passes no gradient (PyTorch's convention), the grid's z = 0 is exact.
  const data = activations();
  assert.equal(data.curves[2]!.df[data.z.indexOf(0)], 0);
  // Saturation: at |z| = 5 the sigmoid's slope is 6.6e-3 (1/38 of its peak), tanh's 1.8e-4.
  for (const v of [sig!.dfAt5, sig!.dfAtMinus5])
    assert.ok(Math.abs(v - 0.006648056670790033) < 1e-15, `${v}`);
  for (const v of [tanh!.dfAt5, tanh!.dfAtMinus5])
    assert.ok(Math.abs(v - 1.8158323094380672e-4) < 1e-15, `${v}`);
});

test('the committed docs/generated/activations.json holds what a fresh run computes', () => {
  const committed = JSON.parse(readFileSync(join(GENERATED_DIR, 'activations.json'), 'utf8'));
  assert.deepEqual(committed.figures.keyValues, JSON.parse(JSON.stringify(keyValues(activations()))));
});
