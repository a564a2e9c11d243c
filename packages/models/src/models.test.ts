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

/** Matlab's H×W×C (or a bare size) of a [C,H,W] / [F] shape. */
const matlabSize = (shape: number[]) =>
  shape.length === 3 ? `${shape[1]}×${shape[2]}×${shape[0]}` : shape.join('×');

/** The course's tables, written once here: layer, output size, learnables. The code computes them. */
const COURSE_LENET: [string, string, number][] = [
  ['imageInput', '28×28×1', 0],
  ['convolution2d', '28×28×16', 160],
  ['batchNormalization', '28×28×16', 32],
  ['relu', '28×28×16', 0],
  ['maxPooling2d', '14×14×16', 0],
  ['convolution2d', '14×14×32', 4_640],
  ['batchNormalization', '14×14×32', 64],
  ['relu', '14×14×32', 0],
  ['maxPooling2d', '7×7×32', 0],
  ['convolution2d', '7×7×64', 18_496],
  ['batchNormalization', '7×7×64', 128],
  ['relu', '7×7×64', 0],
  ['fullyConnected', '50', 156_850],
  ['relu', '50', 0],
  ['fullyConnected', '10', 510],
  ['softmax', '10', 0],
  ['classification', '10', 0],
];

const COURSE_ALEXNET: [string, string, number, string?][] = [
  ['data', '227×227×3', 0],
  ['conv1', '55×55×96', 34_944, '96 11×11×3 convolutions with stride [4 4] and padding [0 0]'],
  ['relu1', '55×55×96', 0],
  ['norm1', '55×55×96', 0, 'cross channel normalization with 5 channels per element'],
  ['pool1', '27×27×96', 0, '3×3 max pooling with stride [2 2]'],
  ['conv2', '27×27×256', 307_456, '2 groups of 128 5×5×48 convolutions with stride [1 1] and padding [2 2]'],
  ['relu2', '27×27×256', 0],
  ['norm2', '27×27×256', 0],
  ['pool2', '13×13×256', 0],
  ['conv3', '13×13×384', 885_120, '384 3×3×256 convolutions with stride [1 1] and padding [1 1]'],
  ['relu3', '13×13×384', 0],
  ['conv4', '13×13×384', 663_936, '2 groups of 192 3×3×192 convolutions with stride [1 1] and padding [1 1]'],
  ['relu4', '13×13×384', 0],
  ['conv5', '13×13×256', 442_624, '2 groups of 128 3×3×192 convolutions with stride [1 1] and padding [1 1]'],
  ['relu5', '13×13×256', 0],
  ['pool5', '6×6×256', 0],
  ['fc6', '4096', 37_752_832, '4096 fully connected layer'],
  ['relu6', '4096', 0],
  ['drop6', '4096', 0, '50% dropout'],
  ['fc7', '4096', 16_781_312],
  ['relu7', '4096', 0],
  ['drop7', '4096', 0],
  ['fc8', '1000', 4_097_000, '1000 fully connected layer'],
  ['prob', '1000', 0],
  ['output', '1000', 0],
];

// #region lenet-table
test("the course LeNet's layer table (from a dry forward pass) is the course's: sizes, 180,880 learnables, PyTorch names", () => {
  const net = lenet({ generator: new Random(1) });
  assert.deepEqual(
    net.layerRows.map((r) => [r.kind, matlabSize(r.outputShape), r.learnables]),
    COURSE_LENET,
  );
  assert.equal(net.learnables(), 180_880);
  const names = [...net.body.stateDict().keys()];
  assert.ok(
    names.includes('0.weight') &&
      names.includes('1.running_mean') &&
      names.includes('12.weight') &&
      names.includes('14.bias'),
  );
  net.fitNormalization(nd.zeros([3, 1, 28, 28]));
  const out = net.forward(nd.zeros([2, 1, 28, 28]));
  assert.deepEqual(out.shape, [2, 10]);
});
// #endregion lenet-table

// #region alexnet-table
test("AlexNet's layer table, computed from its modules and a dry forward pass, is the course's: 25 layers, 60,965,224 learnables", () => {
  const net = alexnet();
  assert.deepEqual(
    net.layerRows.map((r) => [r.name, matlabSize(r.outputShape), r.learnables]),
    COURSE_ALEXNET.map(([name, size, learnables]) => [name, size, learnables]),
  );
  for (const [name, , , description] of COURSE_ALEXNET) {
    if (description) assert.equal(net.layerRows.find((r) => r.name === name)!.description, description, name);
  }
  assert.equal(net.learnables(), 60_965_224);
  const names = [...net.body.stateDict().keys()];
  assert.equal(names[0], 'features.0.weight');
  assert.equal(names.at(-1), 'classifier.6.bias');
  for (const [name, p] of net.body.namedParameters())
    assert.equal(p.l2Factor, name.endsWith('bias') ? 0 : 1, `${name}: Matlab's BiasL2Factor 0`);
});
// #endregion alexnet-table

test('a layer whose arithmetic disagrees with what its modules compute is refused when the table is made', async () => {
  const { convolution2dLayer, imageInputLayer } = await import('./layer-specs.js');
  const honest = convolution2dLayer(3, 4);
  const liar = {
    ...honest,
    build: (input: number[], context: Parameters<typeof honest.build>[1]) => ({
      ...honest.build(input, context),
      output: [4, 99, 99],
    }),
  };
  const net = assembleNetwork([imageInputLayer([8, 8, 1]), liar]);
  assert.throws(
    () => net.layerRows,
    /layer 'convolution2d_1' \(convolution2d\) computes output \[4,99,99\] but its modules give \[4,6,6\]/,
  );
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
    [
      featureInputLayer(2),
      fullyConnectedLayer(2 ** 20),
      fullyConnectedLayer(3),
      softmaxLayer(),
      classificationLayer(),
    ],
    { generator: new Random(1) },
  );
  // The layer table comes from a dry forward pass of one example, run on first use: take it before
  // counting, so only predict's own batches are counted.
  assert.equal(net.layerRows.length, 5);
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
