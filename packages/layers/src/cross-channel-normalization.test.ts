import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { variable } from '@nabla/autograd';
import * as nd from '@nabla/tensor';
import { Random } from '@nabla/tensor';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import { CrossChannelNormalization, gradcheckModule, LocalResponseNorm } from './index.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

describe('CrossChannelNormalization (LRN)', () => {
  it("forward equals x_c / (k + (α/n) Σ_window x²)^β with AlexNet's window (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 6 }),
        fc.nat(1000),
        (c, size, seed) => {
          const alpha = 0.5; // large enough that the normalization matters
          const layer = new CrossChannelNormalization(size, { alpha, beta: 0.75, k: 2 });
          const x = nd.randomNormal([2, c, 2, 3], 0, 2, { generator: new Random(seed), dtype: 'float64' });
          const y = layer.forward(variable(x)).data;
          const lo = Math.floor(size / 2);
          const hi = Math.floor((size - 1) / 2);
          for (let i = 0; i < 2; i++)
            for (let ch = 0; ch < c; ch++)
              for (let r = 0; r < 2; r++)
                for (let q = 0; q < 3; q++) {
                  let ss = 0;
                  for (let j = Math.max(0, ch - lo); j <= Math.min(c - 1, ch + hi); j++)
                    ss += x.get(i, j, r, q) ** 2;
                  const expected = x.get(i, ch, r, q) / (2 + (alpha / size) * ss) ** 0.75;
                  assert.ok(Math.abs(y.get(i, ch, r, q) - expected) < 1e-12);
                }
        },
      ),
      { numRuns: 30 },
    );
  });

  it("has Matlab's defaults, the PyTorch alias, and a gradient that passes a float64 check", () => {
    const layer = new LocalResponseNorm();
    assert.ok(layer instanceof CrossChannelNormalization);
    assert.deepEqual([layer.size, layer.alpha, layer.beta, layer.k], [5, 1e-4, 0.75, 2]);
    const strong = new CrossChannelNormalization(3, { alpha: 1, beta: 0.75, k: 1 });
    const result = gradcheckModule(strong, nd.randomNormal([1, 5, 2, 2], 0, 1, { generator: new Random(1) }));
    assert.ok(result.ok, JSON.stringify(result));
  });

  it('refuses a non-image input', () => {
    assert.throws(
      () => new CrossChannelNormalization().forward(variable(nd.ones([2, 5]))),
      /CrossChannelNormalization: expected a NCHW input/,
    );
  });
});
