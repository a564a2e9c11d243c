/**
 * The graph is freed after backward: 1,000 training steps of a small MLP leave the heap where it
 * was. Runs with --expose-gc (the package's test script passes it); the bound is generous.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as nd from '@nabla/tensor';
import { Random } from '@nabla/tensor';
import { crossEntropy, linear, relu, tanh } from './ops/index.js';
import { noGrad, type Tensor, variable } from './tensor.js';

function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
const gc = collector();
const settle = async () => {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
};

function mlp(generator: Random) {
  const param = (shape: number[]) =>
    variable(nd.randomNormal(shape, 0, 0.3, { generator }), { requiresGrad: true });
  const params = [param([32, 16]), param([32]), param([4, 32]), param([4])];
  const x = nd.randomNormal([16, 16], 0, 1, { generator });
  const labels = Int32Array.from({ length: 16 }, (_, i) => i % 4);
  const step = () => {
    const [w1, b1, w2, b2] = params as [Tensor, Tensor, Tensor, Tensor];
    const loss = crossEntropy(linear(tanh(relu(linear(variable(x), w1, b1))), w2, b2), labels);
    loss.backward();
    noGrad(() => {
      for (const p of params) {
        p.assign(nd.sub(p.data, nd.mul(p.grad!, 0.05)));
        p.zeroGrad();
      }
    });
    return loss.item();
  };
  return { step };
}

test('1,000 forward/backward steps of a small MLP keep the heap flat', async () => {
  const { step } = mlp(new Random(3));
  const first = step();
  for (let i = 0; i < 100; i++) step();
  await settle();
  const before = process.memoryUsage().heapUsed;
  let last = first;
  for (let i = 0; i < 1000; i++) last = step();
  await settle();
  const growth = process.memoryUsage().heapUsed - before;
  assert.ok(last < first, `training should lower the loss: ${first} → ${last}`);
  // One step's graph holds ~40 kB; keeping every graph would add ~40 MB. Allow 4 MB of noise.
  assert.ok(
    growth < 4 * 1024 * 1024,
    `heap grew by ${(growth / 1024 / 1024).toFixed(1)} MB over 1,000 steps`,
  );
});

test("backward releases the graph: an intermediate's data is collected once backward has run", async () => {
  const w = variable(nd.randomNormal([64, 64], 0, 0.1, { generator: new Random(1) }), { requiresGrad: true });
  // Built in a function of its own so no local variable of this test keeps the activation alive.
  const build = () => {
    const h = tanh(linear(variable(nd.ones([8, 64])), w));
    return { hidden: new WeakRef(h.data), loss: crossEntropy(linear(h, w), new Int32Array(8)) };
  };
  const { hidden, loss } = build();
  await settle();
  assert.notEqual(hidden.deref(), undefined, 'the graph keeps the activation until backward');
  loss.backward();
  await settle();
  assert.equal(hidden.deref(), undefined, 'the activation is freed after backward');
  assert.equal(loss.parents().length, 0);
});
