import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { variable } from '@nabla/autograd';
import * as nd from '@nabla/tensor';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import {
  applySchedule,
  constantSchedule,
  cosineSchedule,
  multiStepSchedule,
  piecewiseSchedule,
  SGD,
  stepSchedule,
} from './index.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

const close = (a: number, b: number) =>
  assert.ok(Math.abs(a - b) < 1e-15 * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

describe('learning-rate schedules', () => {
  it("piecewise (Matlab's): lr · factor^⌊epoch/period⌋", () => {
    const s = piecewiseSchedule({ dropFactor: 0.5, dropPeriod: 2 });
    [0.01, 0.01, 0.005, 0.005, 0.0025].forEach((lr, epoch) => {
      close(s(epoch, 0.01), lr);
    });
    const matlabDefault = piecewiseSchedule();
    close(matlabDefault(9, 1), 1);
    close(matlabDefault(10, 1), 0.1);
  });

  it('step equals piecewise under PyTorch names; multi-step counts milestones passed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 10 }), (epoch, period) => {
        assert.equal(
          stepSchedule({ stepSize: period, gamma: 0.3 })(epoch, 2),
          piecewiseSchedule({ dropFactor: 0.3, dropPeriod: period })(epoch, 2),
        );
      }),
    );
    const m = multiStepSchedule({ milestones: [2, 5], gamma: 0.1 });
    [1, 1, 0.1, 0.1, 0.1, 0.01].forEach((lr, epoch) => {
      close(m(epoch, 1), lr);
    });
  });

  it('cosine goes from lr to minLr in `total` epochs, through the midpoint, then holds', () => {
    const s = cosineSchedule({ total: 10, minLr: 0.001 });
    close(s(0, 0.1), 0.1);
    close(s(5, 0.1), (0.1 + 0.001) / 2);
    close(s(10, 0.1), 0.001);
    close(s(15, 0.1), 0.001);
    for (let e = 1; e <= 10; e++) assert.ok(s(e, 0.1) < s(e - 1, 0.1));
  });

  it('applySchedule sets the optimizer rate from its initial rate each epoch', () => {
    const p = variable(nd.tensor([1]), { requiresGrad: true });
    const opt = new SGD([p], { lr: 0.2 });
    const s = piecewiseSchedule({ dropFactor: 0.1, dropPeriod: 1 });
    applySchedule(opt, s, 1);
    close(opt.learningRate, 0.02);
    applySchedule(opt, s, 2);
    close(opt.learningRate, 0.002);
    applySchedule(opt, constantSchedule(), 7);
    close(opt.learningRate, 0.2);
  });

  it('refuses bad settings and epochs', () => {
    assert.throws(() => piecewiseSchedule({ dropPeriod: 0 }), /dropPeriod must be an integer >= 1/);
    assert.throws(() => cosineSchedule({ total: 0 }), /total must be an integer >= 1/);
    assert.throws(() => piecewiseSchedule()(-1, 1), /epoch must be an integer >= 0/);
  });
});
