import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeUtf8, encodeSafetensors, encodeUtf8 } from '@nabla/io';
import * as nd from '@nabla/tensor';
import { FormatError, NDArray, Random } from '@nabla/tensor';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import {
  averagePooling2dLayer,
  batchNormalizationLayer,
  classificationLayer,
  convolution2dLayer,
  crossChannelNormalizationLayer,
  dropoutLayer,
  fullyConnectedLayer,
  groupedConvolution2dLayer,
  imageInputLayer,
  layerFactory,
  type LayerSpec,
  leakyReluLayer,
  maxPooling2dLayer,
  reluLayer,
  softmaxLayer,
} from './layer-specs.js';
import { lenetLayers } from './lenet.js';
import { mlpLayers } from './mlp.js';
import { loadModel, type ModelFiles, saveModel } from './model-format.js';
import { assembleNetwork } from './network.js';
import { planNetwork } from './network-plan.js';

fc.configureGlobal(propertyParameters());

function lenetFiles(): { files: ModelFiles; x: NDArray } {
  const net = assembleNetwork(lenetLayers(), { generator: new Random(2) });
  const x = nd.randomUniform([3, 1, 28, 28], 0, 1, 'float32', new Random(3));
  net.fitNormalization(x);
  return { files: saveModel(net, { model: 'lenet' }), x };
}

test('saveModel → loadModel gives the same network: the same state dict and the same predictions', () => {
  const net = assembleNetwork(lenetLayers(), { generator: new Random(2) });
  const x = nd.randomUniform([3, 1, 28, 28], 0, 1, 'float32', new Random(3));
  net.fitNormalization(x);
  net.eval();
  const { net: back, meta } = loadModel(saveModel(net, { model: 'lenet' }));
  assert.equal(meta.model, 'lenet');
  assert.deepEqual([...back.stateDict().keys()], [...net.stateDict().keys()]);
  for (const [k, v] of net.stateDict()) assert.deepEqual(back.stateDict().get(k)!.toArray(), v.toArray(), k);
  assert.deepEqual(back.predict(x).toArray(), net.predict(x).toArray());
});

test("a layer's plan names and shapes exactly the tensors its build makes, for every factory", () => {
  const arrays: LayerSpec[][] = [
    lenetLayers(),
    mlpLayers([7, 5, 3], { normalization: 'zscore' }),
    [
      imageInputLayer([12, 10, 4], { normalization: 'none' }),
      groupedConvolution2dLayer([3, 2], 3, 2, { stride: [2, 1], padding: [1, 0], dilation: 1 }),
      batchNormalizationLayer(),
      leakyReluLayer(0.1),
      crossChannelNormalizationLayer(3),
      averagePooling2dLayer(2, { stride: 1, padding: 1 }),
      convolution2dLayer(3, 5, { padding: 'same', dilation: 2 }),
      maxPooling2dLayer([2, 3], { stride: 2 }),
      dropoutLayer(0.3),
      fullyConnectedLayer(4),
      batchNormalizationLayer(),
      reluLayer(),
      fullyConnectedLayer(3),
      softmaxLayer(),
      classificationLayer(),
    ],
  ];
  for (const layers of arrays) {
    const plan = planNetwork(layers);
    const net = assembleNetwork(layers, { generator: new Random(0) });
    if (net.normalization !== 'none') net.fitNormalization(nd.ones([2, ...net.inputShape]));
    const built = new Map([...net.stateDict()].map(([k, v]) => [k, [...v.shape]]));
    assert.deepEqual([...plan.tensors].sort(), [...built].sort());
    assert.deepEqual(plan.outputShape, net.layerRows.at(-1)!.outputShape);
  }
});

test('loadModel checks model.json against the weights header before building anything', () => {
  const { files } = lenetFiles();
  const json = JSON.parse(decodeUtf8(files.json, 'model.json', 'text'));
  // 1000 filters: the plan asks for 0.weight [1000, ...] and the header has [20, ...].
  const wide = structuredClone(json);
  wide.architecture.layers[1].args[1] = 1000;
  assert.throws(
    () => loadModel({ json: encodeUtf8(JSON.stringify(wide)), weights: files.weights }),
    (e: unknown) =>
      e instanceof FormatError &&
      /model\.safetensors: does not match the layers of model\.json: .*0\.weight is \[16,1,3,3\], model\.json needs \[1000,1,3,3\]/.test(
        (e as Error).message,
      ),
  );
  // An output per example beyond the limit is refused from the plan alone.
  const padded = structuredClone(json);
  padded.architecture.layers[1].args[2] = { padding: 100000 };
  assert.throws(
    () => loadModel({ json: encodeUtf8(JSON.stringify(padded)), weights: files.weights }),
    /model\.json: planNetwork: layer 2 \('convolution2d'\) would output \[16,200026,200026\] per example, more than the limit/,
  );
});

test('loadModel looks factories up by own name only, and refuses junk arguments by entry', () => {
  assert.equal(layerFactory('constructor'), undefined);
  assert.equal(layerFactory('__proto__'), undefined);
  assert.equal(layerFactory('toString'), undefined);
  const { files } = lenetFiles();
  const json = JSON.parse(decodeUtf8(files.json, 'model.json', 'text'));
  for (const factory of ['constructor', '__proto__', 'hasOwnProperty']) {
    const bad = structuredClone(json);
    bad.architecture.layers[2] = { factory, args: [] };
    assert.throws(
      () => loadModel({ json: encodeUtf8(JSON.stringify(bad)), weights: files.weights }),
      new RegExp(`unknown layer factory '${factory}'`),
    );
  }
  const junk = structuredClone(json);
  junk.architecture.layers[1].args = [{ toString: 1 }, 'x'];
  assert.throws(
    () => loadModel({ json: encodeUtf8(JSON.stringify(junk)), weights: files.weights }),
    (e: unknown) => e instanceof FormatError && /entry 1 \(convolution2dLayer\)/.test((e as Error).message),
  );
});

test('loadModel refuses a NaN or infinite weight, naming the tensor', () => {
  const net = assembleNetwork(mlpLayers([4, 3, 2]), { generator: new Random(1) });
  const state = new Map(net.stateDict());
  const bias = Float32Array.from(state.get('2.bias')!.data as Float32Array);
  bias[1] = Number.NEGATIVE_INFINITY;
  state.set('2.bias', new NDArray(bias, [2]));
  const files = saveModel(net);
  assert.throws(
    () => loadModel({ json: files.json, weights: encodeSafetensors(state) }),
    /model\.safetensors: tensor 2\.bias element 1 is -Infinity: weights must be finite/,
  );
});

test('loadModel refuses control characters in class names and an oversized header, printing them escaped', () => {
  const net = assembleNetwork(mlpLayers([4, 2]), { generator: new Random(1) });
  const files = saveModel(net);
  const json = JSON.parse(decodeUtf8(files.json, 'model.json', 'text'));
  json.classes = ['\u001b[31mred', 'ok'];
  assert.throws(
    () => loadModel({ json: encodeUtf8(JSON.stringify(json)), weights: files.weights }),
    (e: unknown) =>
      /class 0 \\u001b\[31mred holds a control character/.test((e as Error).message) &&
      !(e as Error).message.includes('\u001b'),
  );
  const many = new Map(net.stateDict());
  for (let i = 0; i < 20_000; i++) many.set(`extra.${i}`, nd.zeros([0]));
  assert.throws(
    () => loadModel({ json: files.json, weights: encodeSafetensors(many) }),
    /model\.safetensors: its header is \d+ bytes, more than the \d+ that the 2 tensors of model\.json warrant/,
  );
});

/** A JSON value of any kind, to put where a field of model.json goes. */
const junk = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom(0.5, -1, 1e12, 3e6, 1e300, Number.MAX_SAFE_INTEGER),
  fc.string({ maxLength: 8 }),
  fc.constantFrom('constructor', '__proto__', 'same', '\u001b[2J', 'zscore', 'none'),
  fc.array(fc.integer({ min: -2, max: 100_000 }), { maxLength: 4 }),
  fc.dictionary(
    fc.constantFrom('padding', 'stride', 'name', 'normalization', '__proto__'),
    fc.integer({ min: -1, max: 100_000 }),
  ),
);

test('property: model.json with any field replaced loads exactly, or is refused with a FormatError — never a crash or a big allocation', () => {
  const net = assembleNetwork(mlpLayers([6, 4, 3], { normalization: 'zerocenter' }), {
    generator: new Random(1),
  });
  net.fitNormalization(nd.ones([2, 6]));
  const files = saveModel(net, { model: 'mlp' });
  const json = JSON.parse(decodeUtf8(files.json, 'model.json', 'text'));
  const paths: (string | number)[][] = [
    ['format'],
    ['version'],
    ['model'],
    ['architecture'],
    ['architecture', 'type'],
    ['architecture', 'layers'],
    ['inputShape'],
    ['normalization'],
    ['classes'],
    ['classes', 0],
  ];
  json.architecture.layers.forEach((l: { args: unknown[] }, i: number) => {
    paths.push(
      ['architecture', 'layers', i],
      ['architecture', 'layers', i, 'factory'],
      ['architecture', 'layers', i, 'args'],
    );
    for (let a = 0; a < Math.max(1, l.args.length) + 1; a++)
      paths.push(['architecture', 'layers', i, 'args', a]);
  });
  fc.assert(
    fc.property(fc.constantFrom(...paths), junk, (path, value) => {
      const changed = structuredClone(json);
      let at = changed;
      for (const key of path.slice(0, -1)) at = at?.[key];
      if (at === null || typeof at !== 'object') return;
      at[path.at(-1)!] = value;
      try {
        const { net: back } = loadModel({
          json: encodeUtf8(JSON.stringify(changed)),
          weights: files.weights,
        });
        // Loaded: then it is the same network (the change did not matter, e.g. a name).
        assert.deepEqual([...back.stateDict().keys()], [...net.stateDict().keys()]);
      } catch (e) {
        assert.ok(
          e instanceof FormatError,
          `${(e as Error).name}: ${(e as Error).message} (path ${path.join('.')})`,
        );
        assert.ok((e as Error).message.length < 1000);
      }
    }),
    { numRuns: 400 },
  );
});
