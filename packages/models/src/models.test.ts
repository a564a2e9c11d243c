import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Tensor } from '@nabla/autograd';
import * as nd from '@nabla/tensor';
import { Random } from '@nabla/tensor';
import { alexnet } from './alexnet.js';
import { classify } from './classify.js';
import * as layerFactories from './layer-specs.js';
import { layerConfigs, layersFromConfig } from './layer-specs.js';
import { lenet, lenetLayers } from './lenet.js';
import { assembleNetwork } from './network.js';
import { mlp } from './mlp.js';

test('the course LeNet has 180,880 learnables and PyTorch names 0.weight … 14.bias', () => {
  const net = lenet({ generator: new Random(1) });
  assert.equal(net.learnables(), 180_880);
  const names = [...net.body.stateDict().keys()];
  assert.ok(
    names.includes('0.weight') &&
      names.includes('1.running_mean') &&
      names.includes('12.weight') &&
      names.includes('14.bias'),
  );
  assert.deepEqual(net.layerRows.map((r) => r.outputShape.join('x')).slice(0, 5), [
    '1x28x28',
    '16x28x28',
    '16x28x28',
    '16x28x28',
    '16x14x14',
  ]);
  net.fitNormalization(nd.zeros([3, 1, 28, 28]));
  const out = net.forward(nd.zeros([2, 1, 28, 28]));
  assert.deepEqual(out.shape, [2, 10]);
});

test('AlexNet: 60,965,224 learnables and the course sizes 55, 27, 27, 13, 13, 13, 13, 6', () => {
  const net = alexnet();
  assert.equal(net.learnables(), 60_965_224);
  assert.equal(net.layerRows.length, 25);
  assert.equal(
    net.layerRows.reduce((n, r) => n + r.learnables, 0),
    60_965_224,
  );
  const spatial = ['conv1', 'pool1', 'conv2', 'pool2', 'conv3', 'conv4', 'conv5', 'pool5'].map(
    (name) => net.layerRows.find((r) => r.name === name)!.outputShape[1],
  );
  assert.deepEqual(spatial, [55, 27, 27, 13, 13, 13, 13, 6]);
  const names = [...net.body.stateDict().keys()];
  assert.equal(names[0], 'features.0.weight');
  assert.equal(names.at(-1), 'classifier.6.bias');
});

test('a layer array saves as JSON and rebuilds the same network', () => {
  const layers = lenetLayers();
  const rebuilt = layersFromConfig(JSON.parse(JSON.stringify(layerConfigs(layers))));
  const a = assembleNetwork(layers, { generator: new Random(3) });
  const b = assembleNetwork(rebuilt, { generator: new Random(3) });
  assert.deepEqual(a.layerRows, b.layerRows);
  assert.deepEqual([...a.stateDict().get('0.weight')!.data], [...b.stateDict().get('0.weight')!.data]);
});

test('the same seed gives bit-identical weights', () => {
  const a = lenet({ generator: new Random(7) }).stateDict();
  const b = lenet({ generator: new Random(7) }).stateDict();
  const c = lenet({ generator: new Random(8) }).stateDict();
  assert.deepEqual([...a.get('12.weight')!.data], [...b.get('12.weight')!.data]);
  assert.notDeepEqual([...a.get('12.weight')!.data], [...c.get('12.weight')!.data]);
});

test('an input the network cannot take is refused naming the input layer and both shapes', () => {
  const net = lenet();
  assert.throws(
    () => net.forward(nd.zeros([2, 3, 28, 28])),
    /expected a batch of shape \[N,1,28,28\], got \[2,3,28,28\]/,
  );
  assert.throws(
    () => classify(net, nd.zeros([1, 1, 32, 32])),
    /predict: expected a batch of shape \[N,1,28,28\]/,
  );
});

test('classify returns one label per example and probabilities that sum to 1', () => {
  const net = mlp([4, 8, 3], { generator: new Random(2) });
  const x = nd.randomNormal([5, 4], 0, 1, { generator: new Random(4) });
  const { labels, scores } = classify(net, x);
  assert.equal(labels.length, 5);
  const sums = nd.sum(scores, 1).toArray() as number[];
  for (const s of sums) assert.ok(Math.abs(s - 1) < 1e-5);
  const again = net.forward(new Tensor(x));
  assert.deepEqual([...labels], [...(nd.argmax(again.data, -1).data as Int32Array)]);
});

test('predict batches so that one batch of the largest layer output stays within 2^24 values', () => {
  const { featureInputLayer, fullyConnectedLayer, softmaxLayer, classificationLayer } = layerFactories;
  const net = assembleNetwork(
    [featureInputLayer(2), fullyConnectedLayer(2 ** 20), fullyConnectedLayer(3), softmaxLayer(), classificationLayer()],
    { generator: new Random(1) },
  );
  const sizes: number[] = [];
  const forward = net.body.forward.bind(net.body);
  net.body.forward = (x) => {
    sizes.push(x.shape[0]!);
    return forward(x);
  };
  const x = nd.randomUniform([40, 2], 0, 1, 'float32', new Random(2));
  const p = net.predict(x);
  assert.deepEqual(sizes, [16, 16, 8]); // 2^24 / 2^20 = 16 examples a batch
  sizes.length = 0;
  assert.deepEqual(net.predict(x, { batchSize: 40 }).toArray(), p.toArray());
  assert.deepEqual(sizes, [40]);
});
