import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { add, sum, variable } from '@nabla/autograd';
import * as nd from '@nabla/tensor';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import { clipGradNorm, clipGradValue } from './index.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

const withGrad = (grad: number[]) => {
  const t = variable(
    nd.tensor(
      grad.map(() => 0),
      'float64',
    ),
    { requiresGrad: true },
  );
  t.grad = nd.tensor(grad, 'float64');
  return t;
};

describe('gradient clipping', () => {
  it('clipGradNorm returns the joint 2-norm and rescales to maxNorm only when above it', () => {
    const a = withGrad([3, 0]);
    const b = withGrad([0, 4]);
    const total = clipGradNorm([a, b], 1);
    assert.equal(total, 5);
    const scale = 1 / (5 + 1e-6);
    assert.deepEqual(a.grad!.toArray(), [3 * scale, 0]);
    assert.deepEqual(b.grad!.toArray(), [0, 4 * scale]);
    const c = withGrad([0.3, 0.4]);
    assert.equal(clipGradNorm([c], 1), 0.5);
    assert.deepEqual(c.grad!.toArray(), [0.3, 0.4]);
  });

  it('after clipping the norm never exceeds maxNorm (property), and the direction is kept', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 8 }),
        fc.double({ min: 0.01, max: 10, noNaN: true }),
        (g, maxNorm) => {
          const t = withGrad(g);
          clipGradNorm([t], maxNorm);
          const after = Array.from(t.grad!.values());
          const norm = Math.hypot(...after);
          assert.ok(norm <= maxNorm + 1e-9);
          after.forEach((v, i) => {
            assert.ok(Math.sign(v) === Math.sign(g[i]!) || v === 0);
          });
        },
      ),
    );
  });

  it('infinity norm, and a gradient shared by two parameters is scaled once', () => {
    const a = withGrad([-7, 2]);
    assert.equal(clipGradNorm([a], 1, Number.POSITIVE_INFINITY), 7);
    const x = variable(nd.tensor([1, 1], 'float64'), { requiresGrad: true });
    const y = variable(nd.tensor([1, 1], 'float64'), { requiresGrad: true });
    sum(add(x, y)).backward(); // add's backward may hand the same array to both inputs
    clipGradNorm([x, y], 1);
    const s = 1 / (2 + 1e-6);
    assert.deepEqual(x.grad!.toArray(), [s, s]);
    assert.deepEqual(y.grad!.toArray(), [s, s]);
  });

  it('clipGradValue clamps each element', () => {
    const a = withGrad([-3, 0.5, 9]);
    clipGradValue([a], 1);
    assert.deepEqual(a.grad!.toArray(), [-1, 0.5, 1]);
    assert.throws(() => clipGradValue([a], -1), /limit must be >= 0/);
  });
});
