import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { variable } from '@nabla/autograd';
import * as nd from '@nabla/tensor';
import { Random } from '@nabla/tensor';
import { Flatten, gradcheckModule, Identity, Linear, ReLU, Sequential, Tanh } from './index.js';

describe('Sequential', () => {
  it("applies its layers in order, names them '0', '1', … and accepts named entries or a record", () => {
    const g = new Random(1);
    const a = new Linear(3, 4, { generator: g });
    const b = new Linear(4, 2, { generator: g });
    const net = new Sequential(a, new ReLU(), b);
    const x = variable(nd.randomNormal([2, 3], 0, 1, { generator: g }));
    assert.deepEqual(net.forward(x).toArray(), b.forward(new ReLU().forward(a.forward(x))).toArray());
    assert.deepEqual(
      net.namedChildren().map(([n]) => n),
      ['0', '1', '2'],
    );
    assert.deepEqual(
      new Sequential(['fc1', new Linear(1, 1)], ['act', new Tanh()]).namedParameters().map(([n]) => n),
      ['fc1.weight', 'fc1.bias'],
    );
    const record = new Sequential({ fc: new Linear(1, 1), out: new Identity() });
    assert.deepEqual(
      record.namedChildren().map(([n]) => n),
      ['fc', 'out'],
    );
    assert.equal(net.length, 3);
    assert.equal(net.at(-1), b);
    assert.deepEqual(
      [...net].map((m) => m.typeName),
      ['Linear', 'ReLU', 'Linear'],
    );
    assert.throws(() => net.at(5), /has no layer 5/);
  });

  it('an MLP passes a whole-network float64 gradient check', () => {
    const g = new Random(2);
    const net = new Sequential(
      new Linear(3, 4, { generator: g }),
      new Tanh(),
      new Linear(4, 2, { generator: g }),
    ).to('float64');
    assert.ok(gradcheckModule(net, nd.randomNormal([2, 3], 0, 1, { generator: g })).ok);
  });

  it('append adds a layer with the next index', () => {
    const net = new Sequential(new Linear(2, 2)).append(new ReLU());
    assert.deepEqual(
      net.namedChildren().map(([n]) => n),
      ['0', '1'],
    );
    assert.throws(() => new Sequential(42 as unknown as ReLU), /entry 0 is neither a Module/);
  });
});

describe('Flatten and Identity', () => {
  it('Flatten joins axes startDim…endDim; Identity returns its input', () => {
    const x = variable(nd.arange(0, 24).reshape([2, 3, 2, 2]));
    assert.deepEqual(new Flatten().forward(x).shape, [2, 12]);
    assert.deepEqual(new Flatten(0).forward(x).shape, [24]);
    assert.deepEqual(new Flatten(1, 2).forward(x).shape, [2, 6, 2]);
    assert.deepEqual(Array.from(new Flatten().forward(x).data.values()), Array.from(x.data.values()));
    assert.equal(new Identity().forward(x), x);
    assert.throws(() => new Flatten(3, 1).forward(x), /Flatten: startDim 3 comes after endDim 1/);
  });
});
