import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradcheck, variable } from '@nabla/autograd';
import * as nd from '@nabla/tensor';
import { Random } from '@nabla/tensor';
import { BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss, QuadraticLoss } from './index.js';

const rng = new Random(5);
const pred = nd.randomNormal([4, 3], 0, 1, { generator: rng, dtype: 'float64' });
const target = nd.randomNormal([4, 3], 0, 1, { generator: rng, dtype: 'float64' });
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);

describe('loss modules', () => {
  it("QuadraticLoss is the course's ½‖y − ŷ‖² per example, averaged over the batch (or summed)", () => {
    let total = 0;
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 3; j++) total += 0.5 * (target.get(i, j) - pred.get(i, j)) ** 2;
    close(new QuadraticLoss().forward(variable(pred), target).item(), total / 4);
    close(new QuadraticLoss({ reduction: 'sum' }).forward(variable(pred), target).item(), total);
    assert.deepEqual(new QuadraticLoss({ reduction: 'none' }).forward(variable(pred), target).shape, [4]);
    assert.ok(gradcheck((p) => new QuadraticLoss().forward(p, target), [pred]).ok);
  });

  it('MSELoss is the mean of (y − ŷ)² over every element', () => {
    let total = 0;
    for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) total += (target.get(i, j) - pred.get(i, j)) ** 2;
    close(new MSELoss().forward(variable(pred), variable(target)).item(), total / 12);
    assert.ok(gradcheck((p) => new MSELoss().forward(p, target), [pred]).ok);
  });

  it('CrossEntropyLoss from logits and labels is −log softmax(z)_label, averaged', () => {
    const labels = new Int32Array([0, 2, 1, 2]);
    let total = 0;
    for (let i = 0; i < 4; i++) {
      let denom = 0;
      for (let j = 0; j < 3; j++) denom += Math.exp(pred.get(i, j));
      total -= Math.log(Math.exp(pred.get(i, labels[i]!)) / denom);
    }
    close(new CrossEntropyLoss().forward(variable(pred), labels).item(), total / 4);
    close(new CrossEntropyLoss().forward(variable(pred), nd.tensor([0, 2, 1, 2], 'int32')).item(), total / 4);
    assert.ok(gradcheck((p) => new CrossEntropyLoss().forward(p, labels), [pred]).ok);
    assert.throws(
      () => new CrossEntropyLoss().forward(variable(pred), new Int32Array([0, 3, 1, 2])),
      /label 3 at index 1 is out of range/,
    );
  });

  it('BCELoss on probabilities and BCEWithLogitsLoss on logits agree: BCE(σ(z), t) = BCEWithLogits(z, t)', () => {
    const t = nd.tensor(
      [
        [1, 0, 1],
        [0, 0, 1],
        [1, 1, 0],
        [0, 1, 0],
      ],
      'float64',
    );
    const probs = nd.sigmoid(pred);
    let total = 0;
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 3; j++) {
        const p = probs.get(i, j);
        total -= t.get(i, j) * Math.log(p) + (1 - t.get(i, j)) * Math.log(1 - p);
      }
    close(new BCELoss().forward(variable(probs), t).item(), total / 12);
    close(new BCEWithLogitsLoss().forward(variable(pred), t).item(), total / 12);
    assert.ok(gradcheck((z) => new BCEWithLogitsLoss().forward(z, t), [pred]).ok);
    // BCELoss as a module, with respect to the probabilities and to the targets, in each reduction.
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      const result = gradcheck((p, y) => new BCELoss({ reduction }).forward(p!, y!), [probs, t]);
      assert.ok(result.ok, `${reduction}: ${JSON.stringify(result.inputs)}`);
    }
    assert.throws(
      () => new BCELoss().forward(variable(probs), new Int32Array(12)),
      /BCELoss: needs a target tensor of shape \[4,3\]/,
    );
  });
});
