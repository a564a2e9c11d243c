import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Linear } from '@nabla/layers';
import * as nd from '@nabla/tensor';
import { type NDArray, Random, ValueError } from '@nabla/tensor';
import { finetune, freezeLayers, replaceHead, setLearnRateFactors } from './finetune.js';
import { layersFromConfig } from './layer-specs.js';
import { lenet } from './lenet.js';
import { assembleNetwork, type Network } from './network.js';
import { trainingOptions } from './training-options.js';

/** A pretrained-looking LeNet: seeded weights and a mean image fitted on seeded digits. */
function pretrained(seed = 1): Network {
  const net = lenet({ generator: new Random(seed) });
  net.fitNormalization(nd.randomUniform([16, 1, 28, 28], 0, 1, { generator: new Random(99) }));
  return net;
}

function batch(n: number, classes: number, seed = 5): { x: NDArray; y: Int32Array } {
  const g = new Random(seed);
  return {
    x: nd.randomUniform([n, 1, 28, 28], 0, 1, { generator: g }),
    y: Int32Array.from({ length: n }, (_, i) => i % classes),
  };
}

/** One plain SGD step (no momentum, no decay) over the whole batch. */
const oneStep = (n: number, solver: 'sgd' | 'sgdm' = 'sgd') =>
  trainingOptions(solver, {
    maxEpochs: 1,
    miniBatchSize: n,
    initialLearnRate: 0.05,
    l2Regularization: 0,
    shuffle: 'never',
    verbose: false,
  });

const snapshot = (net: Network) => new Map([...net.body.stateDict()].map(([k, v]) => [k, v.copy()]));

test('replaceHead puts a fresh Linear(50, 5) in place of LeNet fc 10, with classes, table and architecture to match', () => {
  const net = pretrained();
  const before = net.body.getSubmodule('12').param('weight').data.copy();
  const tuned = replaceHead(net, 5, { classes: ['5', '6', '7', '8', '9'], generator: new Random(3) });
  const head = tuned.body.getSubmodule('14');
  assert.ok(head instanceof Linear);
  assert.deepEqual(head.param('weight').shape, [5, 50]);
  assert.deepEqual(head.param('bias').shape, [5]);
  assert.deepEqual(tuned.classes, ['5', '6', '7', '8', '9']);
  assert.equal(tuned.learnables(), 180_880 - 510 + 255);
  const fc = tuned.layerRows.find((r) => r.modules.includes('14'))!;
  assert.deepEqual(fc.outputShape, [5]);
  assert.equal(fc.learnables, 255);
  assert.deepEqual(tuned.layerRows.at(-1)!.outputShape, [5]);
  // The pretrained layers and the input normalization are kept.
  assert.deepEqual(tuned.body.getSubmodule('12').param('weight').data.data, before.data);
  assert.equal(tuned.mean, net.mean);
  assert.deepEqual(tuned.forward(nd.zeros([3, 1, 28, 28])).shape, [3, 5]);
  // model.json's architecture rebuilds the new network: every tensor fits, strictly.
  assert.equal(tuned.architecture?.type, 'layers');
  const rebuilt = assembleNetwork(layersFromConfig((tuned.architecture as { layers: never[] }).layers));
  rebuilt.loadStateDict(tuned.stateDict(), { strict: true });
  assert.deepEqual(rebuilt.classes.length, 5);
});

test('replaceHead refuses a layer that is not fully connected and a bad class count', () => {
  const net = pretrained();
  assert.throws(
    () => replaceHead(net, 5, { layer: '0' }),
    (e: unknown) => e instanceof ValueError && /Conv2d, not a fully connected/.test(e.message),
  );
  assert.throws(() => replaceHead(net, 0), /numClasses must be a positive integer, got 0/);
  assert.throws(() => replaceHead(net, 3, { classes: ['a'] }), /3 classes but 1 class names/);
});

test('frozen layers do not move in a training step while the new head does', async () => {
  const tuned = replaceHead(pretrained(), 5, { generator: new Random(3) });
  const frozen = freezeLayers(tuned, ['*'], { except: ['fullyConnected_2'] });
  assert.equal(frozen, 14); // 3 conv, 3 BN, 2 fc: 16 parameters but the head's weight and bias
  const before = snapshot(tuned);
  await finetune(tuned, batch(8, 5), oneStep(8, 'sgdm'));
  const after = tuned.body.stateDict();
  for (const name of ['0.weight', '0.bias', '1.weight', '4.weight', '8.bias', '12.weight', '12.bias']) {
    assert.deepEqual(after.get(name)!.data, before.get(name)!.data, `${name} is frozen`);
  }
  for (const name of ['14.weight', '14.bias']) {
    assert.notDeepEqual(after.get(name)!.data, before.get(name)!.data, `${name} learns`);
  }
});

test('learn-rate factors scale the step: factor 0.5 moves every parameter half as far; weight and bias apart', async () => {
  const data = batch(6, 10);
  const a = pretrained(7);
  const b = pretrained(7);
  const start = snapshot(a);
  assert.equal(setLearnRateFactors(b, { '*': 0.5 }), 16);
  await finetune(a, data, oneStep(6));
  await finetune(b, data, oneStep(6));
  const endA = a.body.stateDict();
  const endB = b.body.stateDict();
  for (const [name] of a.body.namedParameters()) {
    const s = start.get(name)!.data;
    const da = endA.get(name)!.data;
    const db = endB.get(name)!.data;
    let moved = 0;
    for (let i = 0; i < s.length; i++) {
      const stepA = da[i]! - s[i]!;
      const stepB = db[i]! - s[i]!;
      moved = Math.max(moved, Math.abs(stepA));
      assert.ok(
        Math.abs(stepB - 0.5 * stepA) <= 1e-6 + 1e-3 * Math.abs(stepA),
        `${name}[${i}]: ${stepB} vs ½·${stepA}`,
      );
    }
    assert.ok(moved > 0, `${name} moved`);
  }

  // Matlab's WeightLearnRateFactor 0 with BiasLearnRateFactor 1, by layer name or module path.
  const c = pretrained(7);
  assert.equal(setLearnRateFactors(c, { fullyConnected_2: { weight: 0, bias: 1 }, '0': { weight: 0 } }), 3);
  await finetune(c, data, oneStep(6));
  const endC = c.body.stateDict();
  assert.deepEqual(endC.get('14.weight')!.data, start.get('14.weight')!.data);
  assert.deepEqual(endC.get('0.weight')!.data, start.get('0.weight')!.data);
  assert.notDeepEqual(endC.get('14.bias')!.data, start.get('14.bias')!.data);
  assert.notDeepEqual(endC.get('0.bias')!.data, start.get('0.bias')!.data);
});

test('setLearnRateFactors refuses a key that matches no layer, naming the layers there are', () => {
  assert.throws(
    () => setLearnRateFactors(pretrained(), { 'features.*': 0.1 }),
    (e: unknown) =>
      e instanceof ValueError &&
      /'features\.\*' matches no learnable layer.*convolution2d_1 \(0\)/.test(e.message),
  );
  assert.throws(
    () => setLearnRateFactors(pretrained(), { '*': -1 }),
    /factor must be a finite number >= 0, got -1/,
  );
});

test('finetune keeps the pretrained mean image unless resetInputNormalization is asked for', async () => {
  const net = replaceHead(pretrained(), 5, { generator: new Random(3) });
  const mean = net.mean!.copy();
  const bright = batch(8, 5);
  const shifted = { x: nd.add(bright.x, 3), y: bright.y };
  await finetune(net, shifted, oneStep(8));
  assert.deepEqual(net.mean!.data, mean.data);
  await finetune(net, shifted, oneStep(8), { resetInputNormalization: true });
  assert.ok(Math.abs(nd.mean(net.mean!).item() - (nd.mean(mean).item() + 3)) < 0.2);
});
