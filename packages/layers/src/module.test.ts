import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { noGrad, type Tensor, variable } from '@nabla/autograd';
import * as nd from '@nabla/tensor';
import { Random } from '@nabla/tensor';
import {
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  Dropout,
  Flatten,
  Identity,
  Linear,
  MaxPool2d,
  Module,
  Parameter,
  ReLU,
  Sequential,
} from './index.js';

/** The course's LeNet, built from the layers (generator-seeded). */
function lenet(seed: number): Sequential {
  const generator = new Random(seed);
  return new Sequential(
    new Conv2d(1, 16, 3, { padding: 1, generator }),
    new BatchNorm2d(16),
    new ReLU(),
    new MaxPool2d(2, { stride: 2 }),
    new Conv2d(16, 32, 3, { padding: 1, generator }),
    new BatchNorm2d(32),
    new ReLU(),
    new MaxPool2d(2, { stride: 2 }),
    new Conv2d(32, 64, 3, { padding: 1, generator }),
    new BatchNorm2d(64),
    new ReLU(),
    new Flatten(),
    new Linear(3136, 50, { generator }),
    new ReLU(),
    new Linear(50, 10, { generator }),
  );
}

/** A custom module in the PyTorch style: children kept in properties, its own forward. */
class Net extends Module {
  features: Sequential;
  classifier: Linear;
  constructor(generator: Random) {
    super('Net');
    this.features = this.registerModule(
      'features',
      new Sequential(new Linear(4, 3, { generator }), new ReLU()),
    );
    this.classifier = this.registerModule('classifier', new Linear(3, 2, { generator }));
  }
  forward(x: Tensor): Tensor {
    return this.classifier.forward(this.features.forward(x));
  }
}

const input = (shape: number[], seed = 5) =>
  variable(nd.randomNormal(shape, 0, 1, { generator: new Random(seed) }));

describe('Module: names, parameters and buffers', () => {
  it("names parameters PyTorch's way and counts LeNet's 180,880 learnables", () => {
    const net = lenet(1);
    assert.equal(net.numParameters(), 180_880);
    const names = net.namedParameters().map(([n]) => n);
    assert.deepEqual(names.slice(0, 4), ['0.weight', '0.bias', '1.weight', '1.bias']);
    assert.deepEqual(names.slice(-2), ['14.weight', '14.bias']);
    assert.equal(net.parameters().length, 16);
    assert.deepEqual(
      net
        .namedBuffers()
        .map(([n]) => n)
        .slice(0, 3),
      ['1.running_mean', '1.running_var', '1.num_batches_tracked'],
    );
    assert.equal((net.at(0) as Conv2d).weight.name, '0.weight');
  });

  it('nests names through custom modules and Sequentials', () => {
    const net = new Net(new Random(0));
    assert.deepEqual(
      net.namedParameters().map(([n]) => n),
      ['features.0.weight', 'features.0.bias', 'classifier.weight', 'classifier.bias'],
    );
    assert.deepEqual(
      net.namedModules().map(([n, m]) => `${n}:${m.typeName}`),
      [':Net', 'features:Sequential', 'features.0:Linear', 'features.1:ReLU', 'classifier:Linear'],
    );
    assert.deepEqual(
      net.children().map((m) => m.typeName),
      ['Sequential', 'Linear'],
    );
    assert.equal(net.getSubmodule('features.0').label, "Linear 'features.0'");
  });

  it('lists a shared parameter once', () => {
    const a = new Linear(3, 3);
    const b = new Linear(3, 3);
    b.setParameter('weight', a.weight);
    const net = new Sequential(a, b);
    assert.equal(net.parameters().length, 3);
    assert.equal(net.numParameters(), 9 + 3 + 3);
  });

  it('refuses duplicate and dotted names', () => {
    const s = new Sequential(new ReLU());
    assert.throws(() => s.append(new ReLU(), '0'), /'0' is already registered/);
    assert.throws(() => s.append(new ReLU(), 'a.b'), /contain no '\.'/);
  });
});

describe('Module: state dicts', () => {
  it("orders keys like PyTorch's state_dict, with BatchNorm's five entries", () => {
    const keys = [...lenet(1).stateDict().keys()];
    assert.deepEqual(keys.slice(0, 8), [
      '0.weight',
      '0.bias',
      '1.weight',
      '1.bias',
      '1.running_mean',
      '1.running_var',
      '1.num_batches_tracked',
      '4.weight',
    ]);
    assert.equal(keys.length, 16 + 3 * 3);
  });

  it('round trip: a differently seeded model given the state computes the same outputs', () => {
    const a = lenet(1);
    noGrad(() => a.forward(input([4, 1, 28, 28]))); // move BN's running statistics off their start
    a.eval();
    const b = lenet(2).eval();
    const x = input([2, 1, 28, 28], 9);
    assert.notDeepEqual(b.forward(x).toArray(), a.forward(x).toArray());
    const result = b.loadStateDict(a.stateDict());
    assert.deepEqual(result, { missingKeys: [], unexpectedKeys: [] });
    assert.deepEqual(b.forward(x).toArray(), a.forward(x).toArray());
    const counter = b.stateDict().get('1.num_batches_tracked')!;
    assert.deepEqual([counter.dtype, counter.shape.length, counter.item()], ['int32', 0, 1]);
  });

  it('state dict values are copies: training afterwards does not change a saved state', () => {
    const net = new Linear(2, 2);
    const state = net.stateDict();
    const before = state.get('weight')!.toArray();
    net.weight.data.data.fill(7);
    assert.deepEqual(state.get('weight')!.toArray(), before);
    net.loadStateDict(state);
    assert.deepEqual(net.weight.toArray(), before);
    state.get('weight')!.data.fill(3);
    assert.deepEqual(net.weight.toArray(), before, 'loading copies too');
    assert.equal(
      net.stateDict({ copy: false }).get('weight'),
      net.weight.data,
      'copy: false gives the live array',
    );
  });

  it('strict loading names every missing, unexpected and mis-shaped tensor in one error, and loads nothing', () => {
    const net = lenet(1);
    const before = net.stateDict();
    const state = lenet(2).stateDict();
    state.delete('1.running_mean');
    state.delete('14.bias');
    state.set('15.weight', nd.zeros([3]));
    state.set('0.weight', nd.zeros([16, 3, 3, 3]));
    assert.throws(
      () => net.loadStateDict(state),
      (e: Error) => {
        assert.equal(e.name, 'ValueError');
        assert.match(
          e.message,
          /^Sequential\.loadStateDict: the state dict does not match the model \(2 missing, 1 unexpected, 1 mis-shaped\)/,
        );
        assert.match(e.message, /missing key '1\.running_mean'/);
        assert.match(e.message, /missing key '14\.bias'/);
        assert.match(e.message, /unexpected key '15\.weight'/);
        assert.match(e.message, /mis-shaped '0\.weight': model expects \[16,1,3,3\], got \[16,3,3,3\]/);
        return true;
      },
    );
    assert.deepEqual(net.stateDict().get('4.weight')!.toArray(), before.get('4.weight')!.toArray());
  });

  it('lists ten problems at most, then counts the rest (a file with 200,000 stray tensors gives one short message)', () => {
    const net = new Linear(2, 2);
    const state = new Map(net.stateDict());
    for (let i = 0; i < 5000; i++) state.set(`extra.${i}`, nd.zeros([0]));
    assert.throws(
      () => net.loadStateDict(state),
      (e: Error) => {
        assert.match(e.message, /\(5000 unexpected\)/);
        assert.match(e.message, /… and 4990 more$/);
        assert.ok(e.message.length < 600, `message of ${e.message.length} characters`);
        return true;
      },
    );
  });

  it('non-strict loading reports missing and unexpected keys but still refuses a mis-shaped tensor', () => {
    const net = new Sequential(new Linear(2, 3), new Linear(3, 1));
    const state = new Map([
      ['0.weight', nd.ones([3, 2])],
      ['extra', nd.ones([1])],
    ]);
    const result = net.loadStateDict(state, { strict: false });
    assert.deepEqual(result, { missingKeys: ['0.bias', '1.weight', '1.bias'], unexpectedKeys: ['extra'] });
    assert.deepEqual(net.stateDict().get('0.weight')!.toArray(), nd.ones([3, 2]).toArray());
    assert.throws(
      () => net.loadStateDict(new Map([['1.weight', nd.ones([2, 3])]]), { strict: false }),
      /mis-shaped '1\.weight'/,
    );
  });

  it('casts loaded values to the model dtype (float64 state into a float32 model)', () => {
    const net = new Linear(2, 1);
    net.loadStateDict(
      new Map([
        ['weight', nd.tensor([[0.1, 0.2]], 'float64')],
        ['bias', nd.tensor([0.5], 'float64')],
      ]),
    );
    assert.equal(net.weight.dtype, 'float32');
    assert.equal(net.weight.data.get(0, 1), Math.fround(0.2));
  });
});

describe('Module: modes and bulk changes', () => {
  it('train()/eval() reach every descendant and switch BatchNorm and Dropout', () => {
    const net = new Sequential(new BatchNorm2d(2), new Dropout(0.5, { generator: new Random(1) }));
    const x = input([4, 2, 3, 3]);
    net.eval();
    assert.ok(net.modules().every((m) => !m.training));
    const y1 = net.forward(x).toArray();
    const y2 = net.forward(x).toArray();
    assert.deepEqual(y1, y2, 'evaluation is deterministic');
    assert.equal((net.at(0) as BatchNorm2d).numBatchesTracked, 0);
    net.train();
    assert.ok(net.modules().every((m) => m.training));
    net.forward(x);
    assert.equal((net.at(0) as BatchNorm2d).numBatchesTracked, 1);
    assert.notDeepEqual(net.forward(x).toArray(), y1);
  });

  it('zeroGrad clears every gradient; apply visits children before parents', () => {
    const net = new Net(new Random(0));
    const loss = net.forward(input([3, 4]));
    loss.backward(nd.ones(loss.shape));
    assert.ok(net.parameters().every((p) => p.grad !== null));
    net.zeroGrad();
    assert.ok(net.parameters().every((p) => p.grad === null));
    const order: string[] = [];
    net.apply((m) => order.push(m.fullName || '(root)'));
    assert.deepEqual(order, ['features.0', 'features.1', 'features', 'classifier', '(root)']);
  });

  it('to(float64) converts parameters and float buffers, keeps int32 counters, and computes in float64', () => {
    const net = new Sequential(new Linear(3, 2), new BatchNorm1d(2));
    net.to('float64');
    assert.ok(net.parameters().every((p) => p.dtype === 'float64'));
    assert.deepEqual(
      net.namedBuffers().map(([n, b]) => `${n}:${b.dtype}`),
      ['1.running_mean:float64', '1.running_var:float64', '1.num_batches_tracked:int32'],
    );
    assert.equal(net.forward(variable(nd.ones([2, 3], 'float64'))).dtype, 'float64');
  });

  it('freezing and learn-rate factors apply to a whole subtree, by weight or bias', () => {
    const net = new Net(new Random(0));
    net.features.setRequiresGrad(false);
    assert.equal(net.numParameters({ trainableOnly: true }), 3 * 2 + 2);
    net.setLearnRateFactor(0.1, 'weight').setL2Factor(0, 'bias');
    assert.deepEqual(
      net.namedParameters().map(([n, p]) => `${n}:${p.learnRateFactor}:${p.l2Factor}`),
      ['features.0.weight:0.1:1', 'features.0.bias:1:0', 'classifier.weight:0.1:1', 'classifier.bias:1:0'],
    );
    net.classifier.setLearnRateFactor(0);
    assert.ok(net.classifier.weight.frozen);
    assert.equal(net.numParameters({ trainableOnly: true }), 0);
  });
});

describe('Module: replacing layers (finetuning)', () => {
  it('setChild replaces a child by dotted path, renames it and updates the property that held it', () => {
    const net = new Net(new Random(0));
    const head = new Linear(3, 5);
    net.setChild('classifier', head);
    assert.equal(net.classifier, head);
    assert.equal(head.weight.name, 'classifier.weight');
    assert.deepEqual(net.forward(input([2, 4])).shape, [2, 5]);
    const old = net.replaceLayer('features.1', new Identity());
    assert.equal(old.typeName, 'ReLU');
    assert.equal(old.fullName, '', 'the removed layer is detached');
    assert.equal(net.getSubmodule('features.1').label, "Identity 'features.1'");
    assert.throws(() => net.replaceLayer('features.7', new ReLU()), /has no submodule 'features\.7'/);
  });

  it('a replaced Sequential head changes the state dict shapes', () => {
    const net = lenet(0);
    net.setChild('14', new Linear(50, 5));
    assert.deepEqual(net.stateDict().get('14.weight')!.shape, [5, 50]);
    assert.equal(net.numParameters(), 180_880 - 510 + 255);
  });

  it('errors name the layer by its path once registered', () => {
    const net = lenet(0);
    assert.throws(() => net.forward(input([2, 3, 28, 28])), {
      name: 'ShapeError',
      message: "Conv2d '0': expected 1 input channels, got 3 (input [2,3,28,28])",
    });
    const conv = new Conv2d(3, 4, 3);
    assert.throws(() => conv.forward(input([1, 2, 5, 5])), /^ShapeError: Conv2d: expected 3 input channels/);
  });
});

describe('Parameter', () => {
  it('is a leaf Tensor requiring a gradient, with factors 1 by default', () => {
    const p = new Parameter(nd.zeros([2]));
    assert.deepEqual(
      [p.requiresGrad, p.isLeaf, p.learnRateFactor, p.l2Factor, p.frozen],
      [true, true, 1, 1, false],
    );
    const q = new Parameter(nd.zeros([2]), { requiresGrad: false, learnRateFactor: 2 });
    assert.ok(q.frozen);
  });
});
