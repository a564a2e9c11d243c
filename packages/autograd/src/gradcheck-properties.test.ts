import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nd from '@nabla/tensor';
import { Random } from '@nabla/tensor';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import { gradcheck } from './gradcheck.js';
import { type Draw, gradcheckCases } from './gradcheck-cases.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

/**
 * fast-check draws every shape, axis and option (and shrinks a failure to a small case); the
 * values come from a seeded generator that fast-check draws too. Values are drawn continuously on
 * purpose: fast-check's bias to boundary values would otherwise make ties and exact zeros, the
 * kinks where max, ReLU and pooling have no derivative to check.
 */
function fastCheckDraw(g: fc.GeneratorValue): Draw {
  const values = new Random(g(fc.integer, { min: 0, max: 0x7fffffff }));
  return {
    int: (min, max) => g(fc.integer, { min, max }),
    uniform: (shape, low = -1, high = 1) =>
      nd.randomUniform(shape, low, high, { dtype: 'float64', generator: values }),
  };
}

for (const entry of gradcheckCases) {
  test(`gradcheck property: ${entry.op}`, () => {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const c = entry.draw(fastCheckDraw(g));
        const result = gradcheck(c.fn, c.inputs, entry.options);
        assert.ok(result.ok, `${c.description}: ${JSON.stringify(result.inputs)}`);
      }),
      { numRuns: 20 },
    );
  });
}
