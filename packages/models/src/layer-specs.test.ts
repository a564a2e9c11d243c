import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conv2d, maxPool2d, avgPool2d, noGrad, Tensor } from '@nabla/autograd';
import { Conv2d, CrossChannelNormalization, Linear } from '@nabla/layers';
import * as nd from '@nabla/tensor';
import { Random } from '@nabla/tensor';
import {
  averagePooling2dLayer,
  convolution2dLayer,
  crossChannelNormalizationLayer,
  fullyConnectedLayer,
  imageInputLayer,
  maxPooling2dLayer,
} from './layer-specs.js';
import { assembleNetwork } from './network.js';

const maxAbsDiff = (a: nd.NDArray, b: nd.NDArray) => {
  assert.deepEqual(a.shape, b.shape);
  const x = a.values();
  const y = b.values();
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  return m;
};

test("Matlab's layers default BiasL2Factor to 0 (weights 1); PyTorch-style modules keep weight decay on biases", () => {
  const g = new Random(1);
  const net = assembleNetwork(
    [imageInputLayer([6, 6, 2], { normalization: 'none' }), convolution2dLayer(3, 4), fullyConnectedLayer(3)],
    { generator: g },
  );
  for (const [name, p] of net.body.namedParameters()) {
    assert.equal(p.l2Factor, name.endsWith('bias') ? 0 : 1, name);
  }
  const explicit = assembleNetwork(
    [imageInputLayer([6, 6, 2]), convolution2dLayer(3, 4, { biasL2Factor: 1, weightL2Factor: 2 })],
    { generator: g },
  );
  assert.equal(explicit.body.getSubmodule('0').param('bias').l2Factor, 1);
  assert.equal(explicit.body.getSubmodule('0').param('weight').l2Factor, 2);
  assert.equal(new Conv2d(2, 4, 3).bias!.l2Factor, 1);
  assert.equal(new Linear(2, 4).bias!.l2Factor, 1);
});

/** A Matlab-style network of one layer on an H×W×C input (no input normalization), and a random input. */
function oneLayer(layer: ReturnType<typeof convolution2dLayer>, h: number, w: number, c: number, seed = 3) {
  const net = assembleNetwork([imageInputLayer([h, w, c], { normalization: 'none' }), layer], {
    generator: new Random(seed),
  });
  const x = nd.randomNormal([2, c, h, w], 0, 1, { generator: new Random(seed + 1) });
  return { net, x };
}

// Matlab's 'same' (convolution2dLayer, Padding): output ⌈input/stride⌉; the total padding
// (⌈H/s⌉ − 1)·s + d(k − 1) + 1 − H is split top/bottom (left/right) with the odd one at the bottom (right).
for (const [k, s, h, top, bottom] of [
  [2, 1, 28, 0, 1],
  [4, 1, 28, 1, 2],
  [3, 2, 28, 0, 1],
  [3, 1, 28, 1, 1],
  [5, 2, 9, 2, 2],
  [4, 3, 10, 1, 2],
] as const) {
  test(`convolution2dLayer(${k}, padding 'same', stride ${s}) on ${h}×${h}: ⌈${h}/${s}⌉ outputs, padding ${top} top / ${bottom} bottom`, () => {
    const { net, x } = oneLayer(convolution2dLayer(k, 3, { padding: 'same', stride: s }), h, h + 1, 2);
    const out = noGrad(() => net.forward(x).data);
    const expectedH = Math.ceil(h / s);
    const expectedW = Math.ceil((h + 1) / s);
    assert.deepEqual(out.shape, [2, 3, expectedH, expectedW]);
    assert.deepEqual(net.layerRows[1]!.outputShape, [3, expectedH, expectedW]);
    // The definition: zero-pad explicitly, then a 'valid' convolution with the layer's own weights.
    const conv = net.body.modules().find((m) => m instanceof Conv2d) as Conv2d;
    const totalW = Math.max((expectedW - 1) * s + k - (h + 1), 0);
    const left = Math.floor(totalW / 2);
    const padded = nd.pad(x, [
      [0, 0],
      [0, 0],
      [top, bottom],
      [left, totalW - left],
    ]);
    const expected = noGrad(
      () => conv2d(new Tensor(padded), conv.weight, conv.bias, { stride: [s, s] }).data,
    );
    assert.ok(maxAbsDiff(out, expected) < 1e-5, `max difference ${maxAbsDiff(out, expected)}`);
  });
}

test("maxPooling2dLayer and averagePooling2dLayer take padding 'same': ⌈input/stride⌉, extra row and column at the bottom and right", () => {
  // 3×3 windows, stride 2, on 6×7: outputs 3×4; padding rows 0/1, columns 1/1.
  const { net: maxNet, x } = oneLayer(maxPooling2dLayer(3, { stride: 2, padding: 'same' }), 6, 7, 2);
  const out = noGrad(() => maxNet.forward(x).data);
  assert.deepEqual(out.shape, [2, 2, 3, 4]);
  assert.deepEqual(maxNet.layerRows[1]!.outputShape, [2, 3, 4]);
  const widths = [
    [0, 0],
    [0, 0],
    [0, 1],
    [1, 1],
  ] as const;
  // Max pooling ignores the padding (pads with −∞), so a negative border value can still win.
  const expectedMax = noGrad(
    () => maxPool2d(new Tensor(nd.pad(x, widths, Number.NEGATIVE_INFINITY)), 3, { stride: 2 }).data,
  );
  assert.equal(maxAbsDiff(out, expectedMax), 0);

  const { net: avgNet } = oneLayer(averagePooling2dLayer(3, { stride: 2, padding: 'same' }), 6, 7, 2);
  const avg = noGrad(() => avgNet.forward(x).data);
  // Average pooling averages over the whole window, padding zeros included (Matlab's PaddingValue 0).
  const expectedAvg = noGrad(() => avgPool2d(new Tensor(nd.pad(x, widths, 0)), 3, { stride: 2 }).data);
  assert.ok(maxAbsDiff(avg, expectedAvg) < 1e-6);
});

/** y_c = x_c / (k + α/n Σ_{c' ∈ window(c)} x_{c'}²)^β with `before` channels before c and `after` after. */
function lrnDefinition(
  x: nd.NDArray,
  n: number,
  before: number,
  after: number,
  alpha: number,
  beta: number,
  k: number,
) {
  const [b, c, h, w] = x.shape as [number, number, number, number];
  const v = x.values();
  const y = new Float64Array(v.length);
  for (let i = 0; i < b; i++)
    for (let ch = 0; ch < c; ch++)
      for (let p = 0; p < h * w; p++) {
        let ss = 0;
        for (let q = Math.max(0, ch - before); q <= Math.min(c - 1, ch + after); q++)
          ss += v[(i * c + q) * h * w + p]! ** 2;
        y[(i * c + ch) * h * w + p] = v[(i * c + ch) * h * w + p]! / (k + (alpha / n) * ss) ** beta;
      }
  return nd.fromTypedArray(y, x.shape);
}

test("crossChannelNormalizationLayer(4) takes Matlab's window: ⌊(w−1)/2⌋ = 1 channel before, ⌊w/2⌋ = 2 after", () => {
  const { net, x } = oneLayer(crossChannelNormalizationLayer(4, { alpha: 1, beta: 0.75, k: 1 }), 3, 3, 6);
  const x64 = x.astype('float64');
  net.body.to('float64');
  const out = noGrad(() => net.body.forward(new Tensor(x64)).data);
  assert.ok(maxAbsDiff(out, lrnDefinition(x64, 4, 1, 2, 1, 0.75, 1)) < 1e-12);
  // Odd windows are centred either way.
  const odd = oneLayer(crossChannelNormalizationLayer(5, { alpha: 1, beta: 0.75, k: 1 }), 3, 3, 6);
  odd.net.body.to('float64');
  const oddOut = noGrad(() => odd.net.body.forward(new Tensor(odd.x.astype('float64'))).data);
  assert.ok(maxAbsDiff(oddOut, lrnDefinition(odd.x.astype('float64'), 5, 2, 2, 1, 0.75, 1)) < 1e-12);
});

test("the PyTorch-style CrossChannelNormalization(4) keeps PyTorch's LocalResponseNorm window: 2 before, 1 after", () => {
  const x = nd.randomNormal([2, 6, 3, 3], 0, 1, { generator: new Random(9) }).astype('float64');
  const out = noGrad(
    () => new CrossChannelNormalization(4, { alpha: 1, beta: 0.75, k: 1 }).forward(new Tensor(x)).data,
  );
  assert.ok(maxAbsDiff(out, lrnDefinition(x, 4, 2, 1, 1, 0.75, 1)) < 1e-12);
});
