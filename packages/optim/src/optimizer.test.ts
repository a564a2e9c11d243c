import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linear, mseLoss, type Tensor, variable } from '@nabla/autograd';
import * as nd from '@nabla/tensor';
import { Random } from '@nabla/tensor';
import { Adam, type Optimizer, SGD } from './index.js';

/** A small float32 regression: y = x·Wᵀ + b fitted to random targets. */
function problem(seed: number) {
  const g = new Random(seed);
  const x = nd.randomNormal([8, 3], 0, 1, { generator: g });
  const y = nd.randomNormal([8, 2], 0, 1, { generator: g });
  const w = variable(nd.randomNormal([2, 3], 0, 1, { generator: g }), { requiresGrad: true });
  const b = variable(nd.zeros([2]), { requiresGrad: true });
  const step = (opt: Optimizer) => {
    opt.zeroGrad();
    mseLoss(linear(variable(x), w, b), y).backward();
    opt.step();
  };
  return { w, b, step };
}

const snapshot = (ts: Tensor[]) => ts.map((t) => Array.from(t.data.values()));

for (const [name, make] of [
  [
    'SGD (momentum, Nesterov, weight decay)',
    (ps: Tensor[]) => new SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-2 }),
  ],
  ['Adam', (ps: Tensor[]) => new Adam(ps, { lr: 0.05, weightDecay: 1e-2 })],
] as const) {
  describe(`${name} state dict`, () => {
    it('a checkpoint resumes bit for bit', () => {
      const a = problem(7);
      const optA = make([a.w, a.b]);
      for (let i = 0; i < 3; i++) a.step(optA);
      const state = optA.stateDict();
      const weights = snapshot([a.w, a.b]);
      for (let i = 0; i < 4; i++) a.step(optA);

      const b = problem(7);
      b.w.assign(nd.tensor([weights[0]!.slice(0, 3), weights[0]!.slice(3)]));
      b.b.assign(nd.tensor(weights[1]!));
      const optB = make([b.w, b.b]);
      optB.loadStateDict(state);
      assert.equal(optB.stepCount, 3);
      for (let i = 0; i < 4; i++) b.step(optB);
      assert.deepEqual(snapshot([b.w, b.b]), snapshot([a.w, a.b]));
      assert.equal(optB.stepCount, 7);
    });

    it('the state dict is a copy, and a wrong one is refused naming each problem', () => {
      const a = problem(1);
      const opt = make([a.w, a.b]);
      a.step(opt);
      const state = opt.stateDict();
      const key = [...state.buffers.keys()].find(
        (k) => k.startsWith('0.') && state.buffers.get(k)!.size === 6,
      )!;
      const before = Array.from(state.buffers.get(key)!.values());
      a.step(opt);
      assert.deepEqual(Array.from(state.buffers.get(key)!.values()), before);
      const bad = { ...state, buffers: new Map(state.buffers) };
      bad.buffers.set(key, nd.zeros([5]));
      bad.buffers.set('9.momentum_buffer', nd.zeros([2]));
      assert.throws(
        () => opt.loadStateDict(bad),
        (e: Error) =>
          e.message.includes(`'${key}' has 5 values`) &&
          e.message.includes("'9.momentum_buffer' names no parameter"),
      );
    });
  });
}

describe('learning rate', () => {
  it('is settable and saved with the state', () => {
    const a = problem(3);
    const opt = new SGD([a.w, a.b], { lr: 0.1 });
    opt.learningRate = 0.01;
    assert.equal(opt.stateDict().learningRate, 0.01);
    assert.equal(opt.initialLearningRate, 0.1);
  });
});
