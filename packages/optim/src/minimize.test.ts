import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { add, matmul, mul, square, sub, sum, type Tensor, variable } from '@nabla/autograd';
import * as nd from '@nabla/tensor';
import { GradientDescent, minimize, SGD } from './index.js';

/** J(θ) = ½ θᵀAθ − bᵀθ with A = [[3, 1], [1, 2]] (positive definite): the minimum solves Aθ = b. */
function quadratic() {
  const A = variable(
    nd.tensor(
      [
        [3, 1],
        [1, 2],
      ],
      'float64',
    ),
  );
  const b = variable(nd.tensor([[1], [-1]], 'float64'));
  const theta = variable(nd.tensor([[4], [-3]], 'float64'), { requiresGrad: true });
  const loss = (): Tensor => sub(mul(sum(mul(theta, matmul(A, theta))), 0.5), sum(mul(b, theta)));
  // A⁻¹ b = (1/5)[[2, −1], [−1, 3]]·[1, −1] = [0.6, −0.8]
  return { theta, loss, optimum: [0.6, -0.8] };
}

describe('minimize (full-batch gradient descent until converged)', () => {
  // #region converges
  it('converges on a convex quadratic by the loss change and lands on the optimum', () => {
    const q = quadratic();
    const result = minimize(q.loss, [q.theta], {
      lr: 0.2,
      tolerance: 1e-14,
      gradientTolerance: 0,
      maxIterations: 10_000,
    });
    assert.equal(result.converged, true);
    assert.equal(result.reason, 'lossChange');
    const [t0, t1] = (q.theta.toArray() as number[][]).map((r) => r[0]!);
    assert.ok(Math.abs(t0! - 0.6) < 1e-5 && Math.abs(t1! + 0.8) < 1e-5, `${t0}, ${t1}`);
    assert.equal(result.lossHistory.length, result.iterations + 1);
    for (let i = 1; i < result.lossHistory.length; i++)
      assert.ok(result.lossHistory[i]! <= result.lossHistory[i - 1]! + 1e-15);
  });
  // #endregion converges

  it('stops on the gradient norm', () => {
    const q = quadratic();
    const result = minimize(q.loss, [q.theta], { lr: 0.2, tolerance: 0, gradientTolerance: 1e-6 });
    assert.equal(result.reason, 'gradientNorm');
    assert.ok(result.converged && result.gradientNorm < 1e-6);
  });

  it('reports maxIterations without claiming convergence', () => {
    const q = quadratic();
    const result = minimize(q.loss, [q.theta], { lr: 0.01, maxIterations: 5 });
    assert.deepEqual(
      [result.reason, result.converged, result.iterations, result.lossHistory.length],
      ['maxIterations', false, 5, 6],
    );
  });

  it('one iteration is exactly one gradient-descent step θ ← θ − α∇J', () => {
    const q = quadratic();
    minimize(q.loss, [q.theta], { lr: 0.1, maxIterations: 1 });
    // ∇J(θ₀) = Aθ₀ − b = [12 − 3 − 1, 4 − 6 + 1] = [8, −1]
    assert.deepEqual(q.theta.toArray(), [[4 - 0.8], [-3 + 0.1]]);
  });

  it('onIteration sees every evaluation and can stop; any optimizer may drive it', () => {
    const q = quadratic();
    const seen: number[] = [];
    const result = minimize(q.loss, [q.theta], {
      optimizer: new SGD([q.theta], { lr: 0.1, momentum: 0.5 }),
      onIteration: ({ iteration, loss }) => {
        seen.push(loss);
        return iteration < 3;
      },
    });
    assert.equal(result.reason, 'stopped');
    assert.deepEqual(seen, result.lossHistory);
    assert.equal(seen.length, 4);
  });

  it('a diverging loss stops with a message instead of producing NaN', () => {
    const w = variable(nd.tensor([1], 'float64'), { requiresGrad: true });
    const loss = () => sum(square(square(add(w, 0))));
    assert.throws(
      () => minimize(loss, [w], { lr: 10, maxIterations: 100 }),
      /minimize: the loss became (Infinity|NaN) at iteration \d+/,
    );
  });

  it('needs a learning rate or an optimizer', () => {
    const q = quadratic();
    assert.throws(() => minimize(q.loss, [q.theta]), /needs a learning rate/);
    assert.ok(new GradientDescent([q.theta], { lr: 0.1 }));
  });
});
