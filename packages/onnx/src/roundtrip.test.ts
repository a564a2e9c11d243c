import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noGrad } from '@nabla/autograd';
import {
  alexnet,
  assembleNetwork,
  classificationLayer,
  convolution2dLayer,
  fullyConnectedLayer,
  imageInputLayer,
  lenet,
  mlp,
  type Network,
  reluLayer,
  softmaxLayer,
} from '@nabla/models';
import { FormatError, NDArray, ValueError } from '@nabla/tensor';
import { exportOnnx } from './export.js';
import { importOnnx } from './import.js';
import { decodeModel, encodeModel } from './proto.js';
import { maxRelativeDifference, randomArray, randomizeState } from './testing.js';

/** The state's float tensors in order (names differ: an import is a layer array, numbered). */
function weights(net: Network): { shape: readonly number[]; bytes: Uint8Array; name: string }[] {
  return [...net.stateDict()]
    .filter(([, v]) => v.dtype === 'float32')
    .map(([name, v]) => {
      const c = v.contiguous().copy();
      const f = c.values() as Float32Array;
      return { name, shape: c.shape, bytes: new Uint8Array(f.buffer, f.byteOffset, f.byteLength) };
    });
}

function assertBitIdentical(a: Network, b: Network): void {
  const wa = weights(a);
  const wb = weights(b);
  assert.deepEqual(
    wb.map((w) => w.shape),
    wa.map((w) => w.shape),
  );
  for (let i = 0; i < wa.length; i++)
    assert.ok(Buffer.compare(wa[i]!.bytes, wb[i]!.bytes) === 0, `${wa[i]!.name} → ${wb[i]!.name} changed`);
}

test('Nabla → ONNX → Nabla keeps every weight, statistic and the input mean bit for bit, and the outputs', () => {
  const net = lenet();
  net.fitNormalization(randomArray([2, 1, 28, 28], 1, 0, 1));
  randomizeState(net, 11);
  net.classes = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
  const back = importOnnx(exportOnnx(net));
  assertBitIdentical(net, back);
  assert.deepEqual(back.classes, net.classes);
  assert.equal(back.normalization, 'zerocenter');
  assert.deepEqual(back.inputShape, [1, 28, 28]);
  const x = randomArray([2, 1, 28, 28], 3, 0, 1);
  net.eval();
  assert.deepEqual(back.predict(x).values(), net.predict(x).values());

  const m = mlp([5, 7, 3], { activation: 'tanh', normalization: 'zscore' });
  m.fitNormalization(randomArray([9, 5], 4));
  randomizeState(m, 12);
  const mBack = importOnnx(exportOnnx(m));
  assertBitIdentical(m, mBack);
  assert.equal(mBack.normalization, 'zscore');

  const reg = mlp([4, 2], { output: 'regression' });
  assert.equal(importOnnx(exportOnnx(reg)).outputKind, 'regression');
});

test('AlexNet round trip: 61M weights bit-identical, and the imported layer table reads like the course', () => {
  const net = alexnet({ numClasses: 10 });
  net.fitNormalization(randomArray([1, 3, 227, 227], 5, 0, 255));
  const back = importOnnx(exportOnnx(net), { inputShape: [3, 227, 227] });
  assertBitIdentical(net, back);
  assert.equal(back.learnables(), net.learnables());
  assert.deepEqual(back.layerRows.map((r) => r.name).slice(1, 6), [
    'conv1',
    'relu1',
    'norm1',
    'pool1',
    'conv2',
  ]);
  assert.deepEqual(back.layerRows.find((r) => r.name === 'pool5')!.outputShape, [256, 6, 6]);
});

/** A model whose graph holds the given nodes between 'x' [N,3,8,8] and 'y'. */
function modelWith(
  nodes: { op: string; name: string; attrs?: Record<string, number> }[],
  opset = 13,
): Uint8Array {
  let prev = 'x';
  const node = nodes.map((n, i) => {
    const out = i === nodes.length - 1 ? 'y' : `t${i}`;
    const r = {
      name: n.name,
      opType: n.op,
      input: [prev],
      output: [out],
      attribute: Object.entries(n.attrs ?? {}).map(([name, i]) => ({ name, type: 2, i })),
    };
    prev = out;
    return r;
  });
  const dims = (d: number[]) => ({ shape: { dim: d.map((v) => ({ dimValue: v })) } });
  return encodeModel({
    irVersion: 7,
    opsetImport: [{ domain: '', version: opset }],
    graph: {
      node,
      input: [{ name: 'x', type: { tensorType: { elemType: 1, ...dims([1, 3, 8, 8]) } } }],
      output: [{ name: 'y', type: { tensorType: { elemType: 1 } } }],
    },
  });
}

test('an unsupported model is refused before anything runs, every unsupported node listed by name and op type', () => {
  const bytes = modelWith([
    { op: 'Relu', name: 'ok_relu' },
    { op: 'Resize', name: 'upsample1' },
    { op: 'Relu', name: 'ok_relu2' },
    { op: 'LRN', name: 'norm_even', attrs: { size: 4 } },
    { op: 'MaxPool', name: 'pool_nd', attrs: { storage_order: 1 } },
    { op: 'HardSwish', name: 'hswish' },
  ]);
  assert.throws(
    () => importOnnx(bytes),
    (e: Error) => {
      assert.ok(e instanceof ValueError);
      assert.match(e.message, /4 unsupported nodes/);
      assert.match(e.message, /upsample1 \(Resize\): operator not supported/);
      assert.match(e.message, /norm_even \(LRN\): size 4/);
      assert.match(e.message, /pool_nd \(MaxPool\): storage_order 1/);
      assert.match(e.message, /hswish \(HardSwish\)/);
      assert.doesNotMatch(e.message, /ok_relu/);
      return true;
    },
  );
  // A long list is capped: the first ten, then the count of the rest.
  const many = modelWith(Array.from({ length: 14 }, (_, i) => ({ op: 'Erf', name: `erf${i}` })));
  assert.throws(
    () => importOnnx(many),
    (e: Error) =>
      /14 unsupported nodes/.test(e.message) &&
      /erf9 \(Erf\)/.test(e.message) &&
      !/erf10/.test(e.message) &&
      /… and 4 more/.test(e.message),
  );
  // An opset outside 7 … 18 is named too.
  assert.throws(
    () => importOnnx(modelWith([{ op: 'Relu', name: 'r' }], 21)),
    /\(opset 21\): Nabla imports opsets 7 to 18/,
  );
});

test('malformed files are refused with FormatError: not protobuf, weights shorter than their dims', () => {
  assert.throws(() => importOnnx(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f])), FormatError);
  const net = mlp([3, 2]);
  const model = decodeModel(exportOnnx(net));
  const w = model.graph!.initializer!.find((t) => t.name === '0.weight')!;
  w.rawData = w.rawData!.subarray(0, 20);
  assert.throws(
    () => importOnnx(encodeModel(model)),
    /'0\.weight'.*dims \[2,3\] need 6 values, the file holds 5/,
  );
  // Dims that claim more than the limit are refused before any allocation.
  w.dims = [1e6, 1e6];
  assert.throws(() => importOnnx(encodeModel(model)), /over the 2147483647-byte limit/);
});

test('bgrToRgb and inputMean: a Caffe-style network (BGR, mean subtracted outside) takes RGB photos as they are', () => {
  const net = assembleNetwork([
    imageInputLayer([6, 5, 3], { normalization: 'none' }),
    convolution2dLayer(3, 4, { padding: 1 }),
    reluLayer(),
    fullyConnectedLayer(3),
    softmaxLayer(),
    classificationLayer(),
  ]);
  randomizeState(net, 21);
  const meanBgr = [104, 117, 123];
  const imported = importOnnx(exportOnnx(net), { bgrToRgb: true, inputMean: meanBgr });
  assert.equal(imported.normalization, 'zerocenter');
  const rgb = randomArray([2, 3, 6, 5], 22, 0, 255);
  // What the file's network expects: BGR channels with the BGR means subtracted.
  const v = rgb.values() as Float32Array;
  const bgr = new Float32Array(v.length);
  for (let i = 0; i < 2; i++)
    for (let c = 0; c < 3; c++)
      for (let p = 0; p < 30; p++) bgr[(i * 3 + c) * 30 + p] = v[(i * 3 + (2 - c)) * 30 + p]! - meanBgr[c]!;
  net.eval();
  // The scores, not the probabilities: 0 … 255 inputs saturate the softmax.
  const expected = noGrad(() => net.forward(new NDArray(bgr, [2, 3, 6, 5])).data.values()) as Float32Array;
  const got = noGrad(() => imported.forward(rgb).data.values()) as Float32Array;
  assert.ok(
    maxRelativeDifference(got, expected) < 1e-5,
    `differs by ${maxRelativeDifference(got, expected)}`,
  );
  assert.throws(
    () => importOnnx(exportOnnx(net), { inputMean: [1, 2] }),
    /inputMean needs 3 finite channel means/,
  );
});
