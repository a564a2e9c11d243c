import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { variable } from '@nabla/autograd';
import * as nd from '@nabla/tensor';
import {
  BatchNorm2d,
  Conv2d,
  CrossChannelNormalization,
  Dropout,
  Flatten,
  Linear,
  MaxPool2d,
  ReLU,
  Sequential,
  zeros,
} from './index.js';

function lenet(): Sequential {
  return new Sequential(
    new Conv2d(1, 16, 3, { padding: 1 }),
    new BatchNorm2d(16),
    new ReLU(),
    new MaxPool2d(2, { stride: 2 }),
    new Conv2d(16, 32, 3, { padding: 1 }),
    new BatchNorm2d(32),
    new ReLU(),
    new MaxPool2d(2, { stride: 2 }),
    new Conv2d(32, 64, 3, { padding: 1 }),
    new BatchNorm2d(64),
    new ReLU(),
    new Flatten(),
    new Linear(3136, 50),
    new ReLU(),
    new Linear(50, 10),
  );
}

describe('summary', () => {
  it("tabulates LeNet's output shapes and learnables: 180,880 in all", () => {
    const net = lenet();
    const s = net.summary([1, 1, 28, 28]);
    assert.equal(s.totalLearnables, 180_880);
    assert.equal(s.trainableLearnables, 180_880);
    assert.deepEqual(
      s.rows.map((r) => [r.name, r.type, r.outputShape.join('x'), r.learnables]),
      [
        ['0', 'Conv2d', '1x16x28x28', 160],
        ['1', 'BatchNorm2d', '1x16x28x28', 32],
        ['2', 'ReLU', '1x16x28x28', 0],
        ['3', 'MaxPool2d', '1x16x14x14', 0],
        ['4', 'Conv2d', '1x32x14x14', 4640],
        ['5', 'BatchNorm2d', '1x32x14x14', 64],
        ['6', 'ReLU', '1x32x14x14', 0],
        ['7', 'MaxPool2d', '1x32x7x7', 0],
        ['8', 'Conv2d', '1x64x7x7', 18496],
        ['9', 'BatchNorm2d', '1x64x7x7', 128],
        ['10', 'ReLU', '1x64x7x7', 0],
        ['11', 'Flatten', '1x3136', 0],
        ['12', 'Linear', '1x50', 156850],
        ['13', 'ReLU', '1x50', 0],
        ['14', 'Linear', '1x10', 510],
      ],
    );
    assert.deepEqual(s.rows[0]!.parameterShapes, { weight: [16, 1, 3, 3], bias: [16] });
    assert.match(s.table, /^Layer\s+Type\s+Output shape\s+Learnables/);
    assert.match(s.table, /12\s+Linear\s+\[1,50\]\s+156,850/);
    assert.match(s.table, /Total learnables: 180,880/);
    assert.equal(String(s), s.table);
  });

  it('leaves the model as it was: training flags, running statistics, forward methods', () => {
    const net = lenet();
    const before = net.stateDict();
    net.summary([2, 1, 28, 28]);
    assert.ok(net.modules().every((m) => m.training));
    assert.deepEqual(
      net.stateDict().get('1.running_mean')!.toArray(),
      before.get('1.running_mean')!.toArray(),
    );
    assert.equal((net.at(1) as BatchNorm2d).numBatchesTracked, 0);
    assert.ok(net.modules().every((m) => !Object.hasOwn(m, 'forward')));
    net.at(14).setRequiresGrad(false);
    assert.equal(net.summary([1, 1, 28, 28]).trainableLearnables, 180_880 - 510);
  });

  it('reports an input the network cannot take, naming the layer', () => {
    assert.throws(
      () => lenet().summary([1, 1, 32, 32]),
      /Linear '12': expected 3136 input features on the last axis, got 4096/,
    );
  });

  it("counts the original AlexNet's 60,965,224 learnables (grouped conv2, conv4, conv5)", () => {
    const init = { weightInit: zeros };
    const alexnet = new Sequential(
      new Conv2d(3, 96, 11, { stride: 4, ...init }),
      new ReLU(),
      new CrossChannelNormalization(5),
      new MaxPool2d(3, { stride: 2 }),
      new Conv2d(96, 256, 5, { padding: 2, groups: 2, ...init }),
      new ReLU(),
      new CrossChannelNormalization(5),
      new MaxPool2d(3, { stride: 2 }),
      new Conv2d(256, 384, 3, { padding: 1, ...init }),
      new ReLU(),
      new Conv2d(384, 384, 3, { padding: 1, groups: 2, ...init }),
      new ReLU(),
      new Conv2d(384, 256, 3, { padding: 1, groups: 2, ...init }),
      new ReLU(),
      new MaxPool2d(3, { stride: 2 }),
      new Flatten(),
      new Linear(9216, 4096, init),
      new ReLU(),
      new Dropout(0.5),
      new Linear(4096, 4096, init),
      new ReLU(),
      new Dropout(0.5),
      new Linear(4096, 1000, init),
    );
    assert.equal(alexnet.numParameters(), 60_965_224);
    assert.deepEqual((alexnet.at(0) as Conv2d).outputShape([1, 3, 227, 227]), [1, 96, 55, 55]);
    assert.deepEqual(alexnet.at(15).forward(variable(nd.zeros([1, 256, 6, 6]))).shape, [1, 9216]);
  });
});
