import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noGrad, Tensor } from '@nabla/autograd';
import * as nd from '@nabla/tensor';
import { Random } from '@nabla/tensor';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import { BatchNorm2d, Conv2d, MaxPool2d, ReLU, Sequential, summary } from './index.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

/** conv → BN → ReLU → pool → conv (no bias) → ReLU → conv → BN, with trained-looking statistics. */
function network(c: { ci: number; c1: number; c2: number; dtype: 'float32' | 'float64'; seed: number }) {
  const generator = new Random(c.seed);
  const opts = { generator, dtype: c.dtype };
  const bns = [new BatchNorm2d(c.c1, { dtype: c.dtype }), new BatchNorm2d(c.c2, { dtype: c.dtype })];
  for (const bn of bns) {
    const shape = [bn.numFeatures];
    const draw = (mean: number, std: number) =>
      nd.randomNormal(shape, mean, std, { generator, dtype: c.dtype });
    bn.weight!.assign(draw(1, 0.5));
    bn.bias!.assign(draw(0, 0.5));
    nd.assign(bn.runningMean, draw(0, 0.3));
    nd.assign(bn.runningVar, nd.abs(draw(1, 0.5)));
  }
  const net = new Sequential(
    new Conv2d(c.ci, c.c1, 3, { padding: 1, ...opts }),
    bns[0]!,
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(c.c1, c.c2, 3, { padding: 1, bias: false, ...opts }),
    new ReLU(),
    new Conv2d(c.c2, c.c2, 3, { stride: 2, ...opts }),
    bns[1]!,
  );
  for (const conv of [net.at(0), net.at(6)] as Conv2d[])
    conv.bias!.assign(nd.randomUniform([conv.outChannels], -0.5, 0.5, { generator, dtype: c.dtype }));
  return net;
}

/** Counts BatchNorm2d.forward and ReLU.forward calls (on the prototypes, so fusion still sees the classes' own forward). */
function countLayerCalls<T>(run: () => T): { result: T; calls: number } {
  const originals = [BatchNorm2d.prototype.forward, ReLU.prototype.forward];
  let calls = 0;
  BatchNorm2d.prototype.forward = function (this: BatchNorm2d, x: Tensor) {
    calls++;
    return originals[0]!.call(this, x);
  };
  ReLU.prototype.forward = function (this: ReLU, x: Tensor) {
    calls++;
    return originals[1]!.call(this, x);
  };
  try {
    return { result: run(), calls };
  } finally {
    BatchNorm2d.prototype.forward = originals[0] as typeof BatchNorm2d.prototype.forward;
    ReLU.prototype.forward = originals[1] as typeof ReLU.prototype.forward;
  }
}

test('inference fuses conv → batch norm → ReLU into one convolution, equal to the layers one by one', () => {
  fc.assert(
    fc.property(
      fc.record({
        n: fc.integer({ min: 1, max: 3 }),
        ci: fc.integer({ min: 1, max: 3 }),
        c1: fc.integer({ min: 1, max: 5 }),
        c2: fc.integer({ min: 1, max: 5 }),
        size: fc.integer({ min: 6, max: 11 }),
        dtype: fc.constantFrom('float32' as const, 'float64' as const),
        seed: fc.integer({ min: 0, max: 1 << 30 }),
      }),
      (c) => {
        const net = network(c).eval();
        const x = new Tensor(
          nd.randomNormal([c.n, c.ci, c.size, c.size], 0, 1, {
            generator: new Random(c.seed + 1),
            dtype: c.dtype,
          }),
        );
        // With a graph (gradients enabled) evaluation runs layer by layer: the reference.
        const layered = countLayerCalls(() => net.forward(x));
        assert.equal(layered.calls, 4, 'two batch norms and two ReLUs run as layers');
        const fused = countLayerCalls(() => noGrad(() => net.forward(x)));
        assert.equal(fused.calls, 0, 'every batch norm and ReLU was folded into its convolution');
        assert.deepEqual(fused.result.shape, layered.result.shape);
        const a = fused.result.data.values();
        const b = layered.result.data.values();
        // Each layer rounds to the dtype; the fused store rounds once. Bound: a few roundings of the
        // largest activation in the output (the chain's scale).
        const eps = c.dtype === 'float32' ? 6e-7 : 1e-14;
        const scale = Math.max(1, ...Array.from(b, Math.abs));
        for (let i = 0; i < a.length; i++)
          assert.ok(
            Math.abs(a[i]! - b[i]!) <= eps * scale * 8,
            `output ${i}: fused ${a[i]}, layered ${b[i]}`,
          );
      },
    ),
    { numRuns: 40 },
  );
});

test('training, a wrapped forward (summary) and a batch norm left in training mode take the layer-by-layer path', () => {
  const net = network({ ci: 2, c1: 3, c2: 4, dtype: 'float32', seed: 7 });
  const x = new Tensor(nd.randomNormal([2, 2, 8, 8], 0, 1, { generator: new Random(3) }));
  assert.equal(countLayerCalls(() => noGrad(() => net.forward(x))).calls, 4, 'training mode');
  net.eval();
  net.at(1).train();
  // The first block's batch norm stays a layer (training mode), and so does the ReLU after it (no
  // fusion across a layer that ran); the other two blocks still fuse.
  assert.equal(countLayerCalls(() => noGrad(() => net.forward(x))).calls, 2);
  net.eval();
  // summary() wraps each layer's forward to record shapes: every layer must still be seen.
  const rows = noGrad(() => summary(net, [1, 2, 8, 8]).rows);
  assert.deepEqual(
    rows.filter((r) => r.type === 'BatchNorm2d' || r.type === 'ReLU').map((r) => r.outputShape),
    [
      [1, 3, 8, 8],
      [1, 3, 8, 8],
      [1, 4, 4, 4],
      [1, 4, 1, 1],
    ],
  );
});
