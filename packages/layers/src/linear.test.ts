import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { variable } from '@nabla/autograd';
import * as nd from '@nabla/tensor';
import { Random } from '@nabla/tensor';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import { gradcheckModule, Linear } from './index.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

describe('Linear', () => {
  it('forward equals z = W·a + b computed by hand, row by row (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.nat(1000),
        (n, inF, outF, seed) => {
          const g = new Random(seed);
          const layer = new Linear(inF, outF, {
            generator: g,
            biasInit: (s, o) => nd.randomNormal(s, 0, 1, o),
            dtype: 'float64',
          });
          const x = nd.randomNormal([n, inF], 0, 1, { generator: g, dtype: 'float64' });
          const y = layer.forward(variable(x)).data;
          const W = layer.weight.data;
          const b = layer.bias!.data;
          for (let r = 0; r < n; r++) {
            for (let o = 0; o < outF; o++) {
              let z = b.get(o);
              for (let i = 0; i < inF; i++) z += W.get(o, i) * x.get(r, i);
              assert.ok(Math.abs(y.get(r, o) - z) < 1e-12);
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('gradients of x, W and b pass a float64 gradient check (property over shapes)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        fc.nat(1000),
        (n, inF, outF, bias, seed) => {
          const g = new Random(seed);
          const layer = new Linear(inF, outF, { bias, generator: g }).to('float64');
          const result = gradcheckModule(layer, nd.randomNormal([n, inF], 0, 1, { generator: g }));
          assert.ok(result.ok, JSON.stringify(result));
          assert.deepEqual(Object.keys(result.parameters), bias ? ['weight', 'bias'] : ['weight']);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('has weight [out, in] like PyTorch, Glorot-uniform by default, zero bias', () => {
    const layer = new Linear(300, 100, { generator: new Random(3) });
    assert.deepEqual(layer.weight.shape, [100, 300]);
    const a = Math.sqrt(6 / 400);
    const w = Array.from(layer.weight.data.values());
    assert.ok(w.every((v) => Math.abs(v) <= a));
    assert.ok(Math.max(...w) > 0.95 * a && Math.min(...w) < -0.95 * a);
    assert.ok(Array.from(layer.bias!.data.values()).every((v) => v === 0));
  });

  it('applies to [..., in] and refuses a wrong feature count, naming the layer', () => {
    const layer = new Linear(4, 2);
    assert.deepEqual(layer.forward(variable(nd.ones([2, 3, 4]))).shape, [2, 3, 2]);
    assert.throws(() => layer.forward(variable(nd.ones([5, 3]))), {
      name: 'ShapeError',
      message: 'Linear: expected 4 input features on the last axis, got 3 (input [5,3])',
    });
    assert.throws(() => new Linear(16, 2).forward(variable(nd.ones([2, 4, 2, 2]))), /flatten it first/);
    assert.throws(() => new Linear(0, 2), /Linear: inFeatures must be a positive integer, got 0/);
    assert.throws(
      () => layer.forward(variable(nd.ones([2, 4], 'int32'))),
      /Linear: expected a float32 or float64 input, got int32/,
    );
  });
});
