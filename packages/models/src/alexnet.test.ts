import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Linear } from '@nabla/layers';
import * as nd from '@nabla/tensor';
import { Random } from '@nabla/tensor';
import { decode } from 'fast-png';
import { alexnet } from './alexnet.js';
import { replaceHead } from './finetune.js';
import { activationMaps, deepDreamImage, encodePng, filterGrid } from './visualization/index.js';

/**
 * AlexNet, cheaply: one network (random seeded weights — no pretrained weights are needed to check
 * shapes, finiteness, the head and the visualizations), one 227×227 image. The learnable count
 * and the layer sizes are checked in models.test.ts.
 */
const net = alexnet({ generator: new Random(1) });
const image = nd.randomUniform([1, 3, 227, 227], 0, 255, { generator: new Random(2) });
net.fitNormalization(nd.concat([image, nd.zeros([1, 3, 227, 227])], 0));

test('AlexNet: a forward pass on one 227×227×3 image gives 1000 finite scores, the same twice in eval mode', () => {
  net.eval();
  const a = net.forward(image).data;
  const b = net.forward(image).data;
  assert.deepEqual(a.shape, [1, 1000]);
  assert.ok(!nd.hasNonFinite(a), 'finite scores');
  assert.ok(nd.max(a).item() > nd.min(a).item(), 'the scores are not all equal');
  assert.deepEqual(a.data, b.data, 'dropout is off in eval mode');
  const probabilities = net.predict(image);
  assert.ok(Math.abs(nd.sum(probabilities).item() - 1) < 1e-5);
});

test("AlexNet's summary shows every layer's output size and the 60,965,224 learnables", () => {
  const text = net.summary();
  for (const size of [
    '55×55×96',
    '27×27×96',
    '27×27×256',
    '13×13×256',
    '13×13×384',
    '6×6×256',
    '4096',
    '1000',
  ])
    assert.ok(text.includes(size), `summary shows ${size}`);
  assert.match(text, /Total learnables: 60,965,224/);
  assert.equal(text.split('\n').length, 25 + 4);
});

test('AlexNet filters and activations render: 96 RGB 11×11 filters in a grid, conv1 as 96 maps of 55×55', () => {
  const grid = filterGrid(net, { columns: 12, gap: 1 });
  assert.equal(grid.channels, 3);
  assert.equal(grid.width, 12 * 11 + 13);
  assert.equal(grid.height, 8 * 11 + 9);
  const [conv1] = activationMaps(net, image.reshape([3, 227, 227]), { layers: ['conv1'] });
  assert.deepEqual(conv1!.shape, [96, 55, 55]);
  assert.equal(conv1!.image.width, 10 * 55 + 11);
  const png = decode(encodePng(grid));
  assert.deepEqual([png.width, png.height, png.channels], [grid.width, grid.height, 3]);
});

test('deepDreamImage on AlexNet conv1 (random weights) raises the channel it maximizes', () => {
  const r = deepDreamImage(net, 'conv1', [3, 40], {
    iterations: 4,
    pyramidLevels: 2,
    jitter: 0, // a stride-4 layer with random weights answers aliasing patterns that shifting destroys
    generator: new Random(4),
  });
  assert.deepEqual(r.images.shape, [2, 3, 227, 227]);
  assert.ok(nd.min(r.images).item() >= 0 && nd.max(r.images).item() <= 255, 'pixels stay in [0, 255]');
  for (let i = 0; i < 2; i++)
    assert.ok(r.finalActivation[i]! > r.initialActivation[i]!, `channel ${r.channels[i]}`);
  for (const p of net.body.parameters())
    assert.equal(p.requiresGrad, true, 'the weights are unfrozen afterwards');
});

test('numClasses replaces fc8; replaceHead on a 1000-class AlexNet gives the same network shape', () => {
  const five = alexnet({ numClasses: 5, generator: new Random(1) });
  assert.deepEqual(five.body.getSubmodule('classifier.6').param('weight').shape, [5, 4096]);
  assert.equal(five.learnables(), 60_965_224 - 995 * 4097);
  assert.deepEqual(five.layerRows.find((r) => r.name === 'fc8')!.outputShape, [5]);
  assert.equal(five.classes.length, 5);

  const tuned = replaceHead(net, 5, { generator: new Random(9) });
  assert.ok(tuned.body.getSubmodule('classifier.6') instanceof Linear);
  assert.equal(tuned.learnables(), five.learnables());
  assert.deepEqual(tuned.architecture, five.architecture);
  five.loadStateDict(tuned.stateDict(), { strict: true });
  assert.deepEqual(tuned.forward(image).shape, [1, 5]);
});
