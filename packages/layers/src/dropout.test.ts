import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { variable } from '@nabla/autograd';
import * as nd from '@nabla/tensor';
import { Random } from '@nabla/tensor';
import { Dropout, gradcheckModule } from './index.js';

describe('Dropout', () => {
  it('training zeroes about p of the values and scales survivors by 1/(1 − p); evaluation is the identity', () => {
    const layer = new Dropout(0.25, { generator: new Random(1) });
    const x = variable(nd.ones([100, 100]));
    const y = Array.from(layer.forward(x).data.values());
    const dropped = y.filter((v) => v === 0).length / y.length;
    assert.ok(Math.abs(dropped - 0.25) < 0.02, `dropped ${dropped}`);
    assert.ok(y.every((v) => v === 0 || Math.abs(v - 1 / 0.75) < 1e-6));
    layer.eval();
    assert.equal(layer.forward(x), x);
  });

  it('the same seed gives the same mask', () => {
    const a = new Dropout(0.5, { generator: new Random(7) }).forward(variable(nd.ones([4, 8])));
    const b = new Dropout(0.5, { generator: new Random(7) }).forward(variable(nd.ones([4, 8])));
    assert.deepEqual(a.toArray(), b.toArray());
  });

  it('gradient passes a float64 check with the mask held fixed', () => {
    const generator = new Random(3);
    const layer = new Dropout(0.4, { generator });
    const x = nd.randomNormal([3, 5], 0, 1, { generator: new Random(0) });
    const result = gradcheckModule(layer, x, { beforeForward: () => generator.seed(11) });
    assert.ok(result.ok, JSON.stringify(result));
  });

  it('refuses p outside [0, 1)', () => {
    assert.throws(() => new Dropout(1), /Dropout: p must be in \[0, 1\), got 1/);
  });
});
