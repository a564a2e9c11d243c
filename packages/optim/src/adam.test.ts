import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mul, type Tensor, square, sum, variable } from '@nabla/autograd';
import * as nd from '@nabla/tensor';
import { Adam } from './index.js';

const param = (values: number[]) => variable(nd.tensor(values, 'float64'), { requiresGrad: true });
const halfSquare = (p: Tensor) => mul(sum(square(p)), 0.5);

/** Adam written out once more, step by step, as the paper and PyTorch state it. */
function reference(
  theta: number,
  grads: (t: number) => number,
  steps: number,
  o: { lr: number; wd?: number; decoupled?: boolean },
) {
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  let m = 0;
  let v = 0;
  for (let t = 1; t <= steps; t++) {
    let g = grads(theta);
    if (o.decoupled) theta *= 1 - o.lr * (o.wd ?? 0);
    else g += (o.wd ?? 0) * theta;
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g * g;
    const mHat = m / (1 - b1 ** t);
    const vHat = v / (1 - b2 ** t);
    theta -= (o.lr * mHat) / (Math.sqrt(vHat) + eps);
  }
  return theta;
}

function run(opt: Adam, p: Tensor, steps: number): void {
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    halfSquare(p).backward();
    opt.step();
  }
}

describe('Adam', () => {
  it('first step moves each coordinate by lr (m̂/√v̂ = sign g)', () => {
    const p = param([1, -3]);
    run(new Adam([p], { lr: 0.1 }), p, 1);
    const [a, b] = p.toArray() as number[];
    assert.ok(Math.abs(a! - 0.9) < 1e-8 && Math.abs(b! + 2.9) < 1e-8, `${a}, ${b}`);
  });

  it('second step by hand: m 0.18, v 0.001809 → θ ≈ 0.80041', () => {
    const p = param([1]);
    run(new Adam([p], { lr: 0.1 }), p, 2);
    // m̂ = 0.18/0.19, v̂ = 0.001809/0.001999, θ₂ = 0.9 − 0.1·m̂/(√v̂ + 1e-8)
    const expected = 0.9 - (0.1 * (0.18 / 0.19)) / (Math.sqrt(0.001809 / 0.001999) + 1e-8);
    assert.ok(Math.abs(p.data.item() - expected) < 1e-8, `${p.data.item()} vs ${expected}`);
  });

  for (const [label, o] of [
    ['plain', { lr: 0.05 }],
    ['L2 weight decay', { lr: 0.05, wd: 0.1 }],
    ['decoupled (AdamW)', { lr: 0.05, wd: 0.1, decoupled: true }],
  ] as const) {
    it(`20 steps match the reference (${label})`, () => {
      const p = param([2]);
      const opt = new Adam([p], { lr: o.lr, weightDecay: 'wd' in o ? o.wd : 0, decoupled: 'decoupled' in o });
      run(opt, p, 20);
      const expected = reference(2, (t) => t, 20, o);
      assert.ok(Math.abs(p.data.item() - expected) < 1e-12, `${p.data.item()} vs ${expected}`);
    });
  }

  it('keeps a step count per parameter (a parameter without a gradient does not advance)', () => {
    const a = param([1]);
    const b = param([1]);
    const opt = new Adam([a, b], { lr: 0.1 });
    halfSquare(a).backward();
    opt.step(); // b has no gradient yet
    opt.zeroGrad();
    halfSquare(b).backward();
    opt.step();
    assert.ok(Math.abs(b.data.item() - 0.9) < 1e-8, 'b takes its own first (bias-corrected) step');
    const state = opt.stateDict();
    assert.equal(state.buffers.get('0.step')!.item(), 1);
    assert.equal(state.buffers.get('1.step')!.item(), 1);
    assert.equal(state.step, 2);
  });

  it('refuses betas outside [0, 1)', () => {
    assert.throws(() => new Adam([param([1])], { beta2: 1 }), /Adam: beta2 must be in \[0, 1\)/);
  });
});
