import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mul, square, sum, type Tensor, variable } from '@nabla/autograd';
import * as nd from '@nabla/tensor';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import { type OptimizableTensor, SGD } from './index.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

const param = (
  values: number[],
  extra: { learnRateFactor?: number; l2Factor?: number } = {},
): OptimizableTensor => Object.assign(variable(nd.tensor(values, 'float64'), { requiresGrad: true }), extra);

/** L = ½ Σ θ², so ∇L = θ. */
const halfSquare = (p: Tensor) => mul(sum(square(p)), 0.5);

function run(opt: SGD, p: Tensor, steps: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    halfSquare(p).backward();
    opt.step();
    out.push(p.data.item());
  }
  return out;
}

const close = (a: number[], b: number[], tol = 1e-12) =>
  a.forEach((v, i) => {
    assert.ok(Math.abs(v - b[i]!) <= tol, `step ${i}: ${v} vs ${b[i]}`);
  });

describe('SGD', () => {
  it('plain: θ ← θ − lr·g', () => {
    const p = param([1]);
    close(run(new SGD([p], { lr: 0.1 }), p, 3), [0.9, 0.81, 0.729]);
  });

  // #region momentum-by-hand
  it('momentum 0.9 matches the hand-computed velocity (v₁ = g₁, v ← μv + g)', () => {
    const p = param([1]);
    // v: 1, 1.8, 2.34 — θ: 0.9, 0.72, 0.486
    close(run(new SGD([p], { lr: 0.1, momentum: 0.9 }), p, 3), [0.9, 0.72, 0.486]);
  });
  // #endregion momentum-by-hand

  it('Nesterov: θ ← θ − lr·(g + μv)', () => {
    const p = param([1]);
    // step 1: g 1, v 1, θ = 1 − 0.1·1.9 = 0.81; step 2: g 0.81, v 1.71, θ = 0.81 − 0.1·(0.81 + 1.539)
    close(run(new SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true }), p, 2), [0.81, 0.5751]);
  });

  it('weight decay adds λθ to the gradient, scaled by l2Factor', () => {
    const p = param([1]);
    close(run(new SGD([p], { lr: 0.1, weightDecay: 0.1 }), p, 2), [0.89, 0.7921]);
    const q = param([1], { l2Factor: 2 });
    close(run(new SGD([q], { lr: 0.1, weightDecay: 0.1 }), q, 1), [0.88]);
  });

  it('dampening scales the gradient into the velocity after the first step', () => {
    const p = param([1]);
    // v₁ = 1 (θ 0.9); v₂ = 0.9 + 0.5·0.9 = 1.35 (θ 0.765)
    close(run(new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.5 }), p, 2), [0.9, 0.765]);
  });

  it('learnRateFactor scales the step; 0 or requiresGrad false freezes; no gradient, no step', () => {
    const half = param([1], { learnRateFactor: 0.5 });
    const frozen = param([1], { learnRateFactor: 0 });
    const noGradFlag = param([1]);
    const untouched = param([1]);
    const opt = new SGD([half, frozen, noGradFlag, untouched], { lr: 0.1, momentum: 0.9, weightDecay: 0.1 });
    halfSquare(half).backward();
    halfSquare(frozen).backward();
    halfSquare(noGradFlag).backward();
    noGradFlag.requiresGrad = false;
    opt.step();
    assert.ok(Math.abs(half.data.item() - (1 - 0.05 * 1.1)) < 1e-12);
    assert.equal(frozen.data.item(), 1);
    assert.equal(noGradFlag.data.item(), 1);
    assert.equal(untouched.data.item(), 1);
    assert.deepEqual([...opt.stateDict().buffers.keys()], ['0.momentum_buffer']);
  });

  // #region matlab-sgdm
  it("equals Matlab's 'sgdm' (v ← μv − α∇, θ ← θ + v) at a constant learning rate", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 1, maxLength: 4 }),
        fc.double({ min: 0.01, max: 0.5, noNaN: true }),
        fc.double({ min: 0, max: 0.95, noNaN: true }),
        (theta0, lr, mu) => {
          const p = param(theta0);
          const opt = new SGD([p], { lr, momentum: mu });
          const a = theta0.map((_, i) => 1 + i); // L = ½ Σ aᵢ θᵢ²
          const matlab = theta0.slice();
          const v = theta0.map(() => 0);
          for (let step = 0; step < 5; step++) {
            opt.zeroGrad();
            sum(
              mul(
                square(p),
                variable(
                  nd.tensor(
                    a.map((x) => x / 2),
                    'float64',
                  ),
                ),
              ),
            ).backward();
            opt.step();
            for (let i = 0; i < a.length; i++) {
              v[i] = mu * v[i]! - lr * a[i]! * matlab[i]!;
              matlab[i]! += v[i]!;
            }
          }
          const ours = p.data.toArray() as number[];
          ours.forEach((x, i) => {
            assert.ok(Math.abs(x - matlab[i]!) <= 1e-9 * (1 + Math.abs(matlab[i]!)), `${x} vs ${matlab[i]}`);
          });
        },
      ),
      { numRuns: 50 },
    );
  });
  // #endregion matlab-sgdm

  it('updates float32 parameters in place and bumps their version', () => {
    const p = variable(nd.tensor([1, 2, 3]), { requiresGrad: true });
    const buffer = p.data.data;
    const version = p.version;
    const opt = new SGD([p], { lr: 0.5 });
    p.grad = nd.tensor([1, 1, 1]);
    opt.step();
    assert.equal(p.data.data, buffer);
    assert.deepEqual(p.toArray(), [0.5, 1.5, 2.5]);
    assert.ok(p.version > version);
  });

  it('refuses bad hyperparameters and int32 parameters', () => {
    const p = param([1]);
    assert.throws(() => new SGD([p], { lr: -1 }), /SGD: lr must be a finite number >= 0/);
    assert.throws(() => new SGD([p], { lr: 0.1, nesterov: true }), /Nesterov/);
    assert.throws(() => new SGD([], { lr: 0.1 }), /no parameters/);
    assert.throws(() => new SGD([variable(nd.tensor([1], 'int32'))], { lr: 0.1 }), /int32/);
  });
});
