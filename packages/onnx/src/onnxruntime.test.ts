import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { noGrad } from '@nabla/autograd';
import {
  alexnet,
  assembleNetwork,
  averagePooling2dLayer,
  batchNormalizationLayer,
  classificationLayer,
  convolution2dLayer,
  crossChannelNormalizationLayer,
  dropoutLayer,
  featureInputLayer,
  fullyConnectedLayer,
  imageInputLayer,
  type LayerSpec,
  leakyReluLayer,
  lenet,
  maxPooling2dLayer,
  mlp,
  type Network,
  regressionLayer,
  reluLayer,
  sigmoidLayer,
  softmaxLayer,
  tanhLayer,
} from '@nabla/models';
import type { NDArray } from '@nabla/tensor';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import * as ort from 'onnxruntime-node';
import { exportOnnx } from './export.js';
import { importOnnx } from './import.js';
import { encodeModel } from './proto.js';
import { maxRelativeDifference, randomArray, randomizeState } from './testing.js';

fc.configureGlobal(propertyParameters());

/**
 * Every exported network runs in ONNX Runtime (the engine that serves ONNX models in production)
 * and gives Nabla's outputs to float32 rounding: class probabilities (Network.predict) for a
 * classification network, raw outputs for a regression one.
 */

/** Float32 sums of the same terms in another order: a few ulps of the largest output. */
const TOLERANCE = 1e-5;

async function runOrt(model: Uint8Array, x: NDArray): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const input = new ort.Tensor(
      'float32',
      Float32Array.from(x.contiguous().values() as Float32Array),
      x.shape.slice(),
    );
    const out = await session.run({ [session.inputNames[0]!]: input });
    return out[session.outputNames[0]!]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

/** The worst relative difference seen, reported at the end (the figure behind TOLERANCE). */
let worst = 0;

async function check(net: Network, x: NDArray, label = ''): Promise<void> {
  net.eval();
  const probabilities = net.predict(x).values() as Float32Array;
  const scores = noGrad(() => net.forward(x).data.values()) as Float32Array;
  for (const [output, expected] of [
    ['probabilities', probabilities],
    ['scores', scores],
  ] as const) {
    if (output === 'scores' && net.outputKind !== 'classification') continue;
    const got = await runOrt(exportOnnx(net, { output }), x);
    const diff = maxRelativeDifference(got, expected);
    worst = Math.max(worst, diff);
    if (label) console.log(`${label} ${output}: max |ORT − Nabla| / max |Nabla| = ${diff.toExponential(2)}`);
    assert.ok(
      diff <= TOLERANCE,
      `${output}: ONNX Runtime differs from Nabla by ${diff.toExponential(2)} (relative)`,
    );
  }
}

after(() => console.log(`worst relative difference over all networks: ${worst.toExponential(2)}`));

test('LeNet (conv, batch norm with its statistics, ReLU, max pooling, fully connected) runs in ONNX Runtime as in Nabla', async () => {
  const net = lenet();
  net.fitNormalization(randomArray([2, 1, 28, 28], 1, 0, 1));
  randomizeState(net, 1);
  await check(net, randomArray([3, 1, 28, 28], 2, 0, 1), 'LeNet');
});

test('the MLP with z-score input normalization and sigmoid, an MLP with batch norm and leaky ReLU, and a regression MLP with tanh, run as in Nabla', async () => {
  const net = mlp([12, 16, 9, 5], { activation: 'sigmoid', normalization: 'zscore' });
  const data = randomArray([40, 12], 3, -2, 5);
  net.fitNormalization(data);
  randomizeState(net, 4);
  await check(net, data.slice([[0, 7]]).contiguous(), 'MLP');
  // Batch norm over features ([N, F], BatchNorm1d) and leaky ReLU between fully connected layers.
  const bn = assembleNetwork([
    featureInputLayer(7),
    fullyConnectedLayer(9),
    batchNormalizationLayer(),
    leakyReluLayer(0.2),
    fullyConnectedLayer(4),
    softmaxLayer(),
    classificationLayer(),
  ]);
  randomizeState(bn, 8);
  await check(bn, randomArray([5, 7], 9), 'MLP with batch norm');
  const reg = mlp([6, 8, 3], { activation: 'tanh', output: 'regression' });
  randomizeState(reg, 5);
  await check(reg, randomArray([4, 6], 6), 'regression MLP');
});

test('AlexNet (grouped convolutions, LRN, overlapping pooling, dropout; 61M weights) runs in ONNX Runtime as in Nabla', async () => {
  const net = alexnet();
  net.fitNormalization(randomArray([1, 3, 227, 227], 6, 0, 255));
  // One forward at batch 1 keeps the test to a few seconds and ~1 GB.
  await check(net, randomArray([1, 3, 227, 227], 7, 0, 1), 'AlexNet');
});

/** One random layer, fitted to the shape coming in (so every drawn network assembles). */
const layerArb = fc.oneof(
  fc.record({
    kind: fc.constant('conv' as const),
    k: fc.integer({ min: 1, max: 3 }),
    filters: fc.integer({ min: 1, max: 3 }),
    stride: fc.integer({ min: 1, max: 2 }),
    pad: fc.integer({ min: 0, max: 1 }),
    dilation: fc.integer({ min: 1, max: 2 }),
    groups: fc.integer({ min: 1, max: 2 }),
  }),
  fc.record({
    kind: fc.constantFrom(
      'bn' as const,
      'relu' as const,
      'sigmoid' as const,
      'tanh' as const,
      'dropout' as const,
    ),
  }),
  fc.record({ kind: fc.constant('leaky' as const), scale: fc.double({ min: 0.01, max: 0.5, noNaN: true }) }),
  fc.record({
    kind: fc.constantFrom('max' as const, 'avg' as const),
    k: fc.integer({ min: 1, max: 3 }),
    stride: fc.integer({ min: 1, max: 2 }),
    pad: fc.integer({ min: 0, max: 1 }),
  }),
  fc.record({
    kind: fc.constant('lrn' as const),
    size: fc.constantFrom(1, 3, 5),
    alpha: fc.double({ min: 1e-4, max: 0.5, noNaN: true }),
  }),
);

function buildRandom(
  input: [number, number, number],
  drawn: fc.infer<typeof layerArb>[],
  hidden: number,
  classes: number,
  regression: boolean,
): Network {
  const [h0, w0, c0] = input;
  let [c, h, w] = [c0, h0, w0];
  const layers: LayerSpec[] = [imageInputLayer([h, w, c], { normalization: 'none' })];
  for (const l of drawn) {
    if (l.kind === 'conv') {
      const reach = l.dilation * (l.k - 1) + 1;
      if (reach > h + 2 * l.pad || reach > w + 2 * l.pad) continue;
      const groups = c % l.groups === 0 ? l.groups : 1;
      const filters = l.filters * groups;
      layers.push(
        convolution2dLayer(l.k, filters, {
          stride: l.stride,
          padding: l.pad,
          dilation: l.dilation,
          numGroups: groups,
        }),
      );
      h = Math.floor((h + 2 * l.pad - reach) / l.stride) + 1;
      w = Math.floor((w + 2 * l.pad - reach) / l.stride) + 1;
      c = filters;
    } else if (l.kind === 'max' || l.kind === 'avg') {
      const pad = 2 * l.pad > l.k ? 0 : l.pad;
      if (l.k > h + 2 * pad || l.k > w + 2 * pad) continue;
      const make = l.kind === 'max' ? maxPooling2dLayer : averagePooling2dLayer;
      layers.push(make(l.k, { stride: l.stride, padding: pad }));
      h = Math.floor((h + 2 * pad - l.k) / l.stride) + 1;
      w = Math.floor((w + 2 * pad - l.k) / l.stride) + 1;
    } else if (l.kind === 'bn') layers.push(batchNormalizationLayer());
    else if (l.kind === 'relu') layers.push(reluLayer());
    else if (l.kind === 'sigmoid') layers.push(sigmoidLayer());
    else if (l.kind === 'tanh') layers.push(tanhLayer());
    else if (l.kind === 'dropout') layers.push(dropoutLayer(0.3));
    else if (l.kind === 'leaky') layers.push(leakyReluLayer(l.scale));
    else if (l.kind === 'lrn')
      layers.push(crossChannelNormalizationLayer(l.size, { alpha: l.alpha, beta: 0.75, k: 1.5 }));
  }
  if (hidden > 0) layers.push(fullyConnectedLayer(hidden), reluLayer());
  layers.push(fullyConnectedLayer(classes));
  layers.push(...(regression ? [regressionLayer()] : [softmaxLayer(), classificationLayer()]));
  return assembleNetwork(layers);
}

test('random networks drawn over the layer set run in ONNX Runtime as in Nabla', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.tuple(
        fc.integer({ min: 3, max: 9 }),
        fc.integer({ min: 3, max: 9 }),
        fc.integer({ min: 1, max: 4 }),
      ),
      fc.array(layerArb, { minLength: 1, maxLength: 6 }),
      fc.integer({ min: 0, max: 6 }),
      fc.integer({ min: 1, max: 5 }),
      fc.boolean(),
      fc.integer({ min: 1, max: 3 }),
      fc.integer(),
      async (input, drawn, hidden, classes, regression, batch, seed) => {
        const net = buildRandom(input, drawn, hidden, classes, regression);
        randomizeState(net, seed);
        const [h, w, c] = input;
        await check(net, randomArray([batch, c, h, w], seed + 1, -2, 2));
      },
    ),
    { numRuns: 40 },
  );
});

/** A one-node MaxPool model on [1, 2, size, size] with the given pads and ceil_mode. */
function poolModel(size: number, pads: number[], ceil: number): Uint8Array {
  const ints = (name: string, v: number[]) => ({ name, type: 7, ints: v });
  return encodeModel({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      node: [
        {
          name: 'pool1',
          opType: 'MaxPool',
          input: ['x'],
          output: ['y'],
          attribute: [
            ints('kernel_shape', [3, 3]),
            ints('strides', [2, 2]),
            ints('pads', pads),
            { name: 'ceil_mode', type: 2, i: ceil },
          ],
        },
      ],
      input: [
        {
          name: 'x',
          type: {
            tensorType: { elemType: 1, shape: { dim: [1, 2, size, size].map((d) => ({ dimValue: d })) } },
          },
        },
      ],
      output: [{ name: 'y', type: { tensorType: { elemType: 1 } } }],
    },
  });
}

test('Caffe-style pooling (end padding, ceil_mode) is imported where it reads no padding — as ONNX Runtime computes it — and refused by name where it would', async () => {
  for (const [pads, ceil] of [
    [[0, 0, 1, 1], 0],
    [[0, 0, 0, 0], 1],
  ] as const) {
    // 9 wide: windows at 0, 2, 4, 6 — the last ends at 8, inside the image: the padding is never read.
    const bytes = poolModel(9, [...pads], ceil);
    const net = importOnnx(bytes, { outputKind: 'regression' });
    const x = randomArray([1, 2, 9, 9], 31, -1, 1);
    const nabla = noGrad(() => net.forward(x).data.values()) as Float32Array;
    const ort = await runOrt(bytes, x);
    assert.equal(ort.length, 2 * 4 * 4);
    assert.deepEqual([...nabla], [...ort]);
    // 10 wide: the file asks for a fifth window that starts at 8 and reads the padding.
    assert.throws(
      () => importOnnx(poolModel(10, [...pads], ceil), { outputKind: 'regression' }),
      /node 'pool1' \(MaxPool\): pads \[.*\].* give 5 outputs on a 10-wide axis where symmetric padding gives 4/,
    );
  }
});
