import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gradcheck, variable } from '@nabla/autograd';
import { Identity } from '@nabla/layers';
import * as nd from '@nabla/tensor';
import { Random } from '@nabla/tensor';
import { Network } from './network.js';

// The input layer's normalization is a differentiable op (feature visualization pushes gradients to
// the raw input): d(x − μ)/dx = 1 for 'zerocenter', d((x − μ)/σ)/dx = 1/σ for 'zscore'.
for (const normalization of ['zerocenter', 'zscore'] as const) {
  test(`the '${normalization}' input normalization passes the gradient check`, () => {
    const rng = new Random(normalization.length);
    const net = new Network(new Identity(), { inputShape: [2, 3, 3], normalization });
    net.fitNormalization(nd.randomNormal([5, 2, 3, 3], 0.5, 2, { generator: rng }));
    const x = nd.randomUniform([3, 2, 3, 3], -1, 1, { dtype: 'float64', generator: rng });
    const result = gradcheck((t) => net.forward(t!), [x]);
    assert.ok(result.ok, JSON.stringify(result.inputs));
    // Not vacuous: for z-score the gradient is 1/σ per input element, which is not 1.
    const leaf = variable(x, { requiresGrad: true });
    const y = net.forward(leaf);
    y.backward(nd.ones(y.shape, 'float64'));
    const g = leaf.grad!.values();
    const std = normalization === 'zscore' ? net.std!.values() : null;
    for (let i = 0; i < g.length; i++) {
      const expected = std ? 1 / std[i % std.length]! : 1;
      assert.ok(Math.abs(g[i]! - expected) <= 1e-12 * Math.abs(expected), `${i}: ${g[i]} vs ${expected}`);
    }
    if (std) assert.ok(std.some((s) => Math.abs(s - 1) > 0.1));
  });
}
