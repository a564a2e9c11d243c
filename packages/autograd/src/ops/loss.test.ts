import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nd from '@nabla/tensor';
import { ShapeError, ValueError } from '@nabla/tensor';
import { propertyParameters } from '@nabla/tensor/testing';
import fc from 'fast-check';
import { variable } from '../tensor.js';
import { sigmoid } from './activation.js';
import {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  crossEntropy,
  mseLoss,
  quadraticLoss,
} from './loss.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

const f64 = (v: nd.NestedArray, requiresGrad = true) => variable(v, { dtype: 'float64', requiresGrad });
const near = (a: number, b: number, tol = 1e-12) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

// #region cross-entropy-gradient
test('crossEntropy equals −log softmax at the label, and its gradient is (softmax − onehot)/N', () => {
  const z = [
    [1, 2, 3],
    [0.5, -1, 0],
  ];
  const labels = new Int32Array([2, 0]);
  const logits = f64(z);
  const loss = crossEntropy(logits, labels);
  const softmax = z.map((row) => row.map((v) => Math.exp(v) / row.reduce((s, u) => s + Math.exp(u), 0)));
  near(loss.item(), -(Math.log(softmax[0]![2]!) + Math.log(softmax[1]![0]!)) / 2);
  loss.backward();
  softmax.forEach((row, n) => {
    for (const [c, p] of row.entries()) near(logits.grad!.get(n, c), (p - (c === labels[n] ? 1 : 0)) / 2);
  });
});
// #endregion cross-entropy-gradient

test('crossEntropy takes labels as an int32 NDArray and one-hot probabilities alike', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 2, max: 5 }),
      fc.integer(),
      (n, c, seed) => {
        const z = nd.randomNormal([n, c], 0, 2, { dtype: 'float64', generator: new nd.Random(seed) });
        const labels = Int32Array.from({ length: n }, (_, i) => (((i * 7 + seed) % c) + c) % c);
        const oneHot = nd.zeros([n, c], 'float64');
        labels.forEach((l, i) => {
          oneHot.set(1, i, l);
        });
        for (const reduction of ['mean', 'sum'] as const) {
          const a = crossEntropy(variable(z), labels, { reduction }).item();
          near(crossEntropy(variable(z), nd.fromTypedArray(labels), { reduction }).item(), a);
          near(crossEntropy(variable(z), oneHot, { reduction }).item(), a);
        }
        assert.deepEqual(crossEntropy(variable(z), labels, { reduction: 'none' }).shape, [n]);
      },
    ),
    { numRuns: 30 },
  );
});

test('crossEntropy with raw target rows (sums 1.5 and 0.3): ∂L/∂z = softmax·Σt − t, against central differences', () => {
  // Issue 13, bug 1: the loss −Σ_c t_c log softmax(z)_c has ∂/∂z_j = softmax(z)_j·Σ_c t_c − t_j. For
  // targets that are probabilities Σt = 1 and this is the famous softmax − t, but only then.
  const z = [
    [0.3, -1.2, 2.0],
    [1.1, 0.4, -0.7],
  ];
  const t = [
    [0.5, 0.25, 0.75], // sums to 1.5
    [0.1, 0.2, 0.0], // sums to 0.3
  ];
  const logits = f64(z);
  const targets = f64(t);
  crossEntropy(logits, targets, { reduction: 'sum' }).backward();
  const logp = (row: number[]) => {
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    return row.map((v) => v - lse);
  };
  const loss = (zz: number[][]) =>
    zz.reduce((s, row, n) => s - logp(row).reduce((a, l, c) => a + t[n]![c]! * l, 0), 0);
  const eps = 1e-6;
  z.forEach((row, n) => {
    const rowSum = t[n]!.reduce((a, b) => a + b, 0);
    row.forEach((_, c) => {
      const at = (d: number) => loss(z.map((r, i) => r.map((v, j) => (i === n && j === c ? v + d : v))));
      const numerical = (at(eps) - at(-eps)) / (2 * eps);
      const formula = Math.exp(logp(row)[c]!) * rowSum - t[n]![c]!;
      near(formula, numerical, 1e-8);
      near(logits.grad!.get(n, c), numerical, 1e-8);
      // ∂L/∂t_c = −log softmax(z)_c, the other input.
      near(targets.grad!.get(n, c), -logp(row)[c]!, 1e-12);
    });
  });
});

test('crossEntropy refuses a label out of range, naming it, and wrong shapes', () => {
  const z = f64([[1, 2, 3]]);
  assert.throws(
    () => crossEntropy(z, new Int32Array([3])),
    (e: unknown) => e instanceof ValueError && /label 3 at index 0 is out of range \[0, 3\)/.test(e.message),
  );
  assert.throws(() => crossEntropy(z, new Int32Array([-1])), /label -1/);
  assert.throws(() => crossEntropy(z, nd.tensor([0.5])), /label 0.5/);
  assert.throws(() => crossEntropy(z, new Int32Array([0, 1])), ShapeError);
  assert.throws(
    () => crossEntropy(f64([1, 2]), new Int32Array([0])),
    /crossEntropy: logits must be \[N, C\], got \[2\]/,
  );
  assert.throws(
    () => crossEntropy(z, new Int32Array([0]), { reduction: 'avg' as 'mean' }),
    /reduction must be/,
  );
});

test('crossEntropy stays finite for huge logits', () => {
  const loss = crossEntropy(f64([[1000, -1000, 0]]), new Int32Array([1]));
  near(loss.item(), 2000);
});

test('quadraticLoss is the course cost: per example ½‖y − ŷ‖², averaged over the batch', () => {
  const prediction = f64([
    [1, 2],
    [3, 4],
    [0, 0],
  ]);
  const y = nd.tensor(
    [
      [0, 0],
      [3, 2],
      [1, 1],
    ],
    'float64',
  );
  const loss = quadraticLoss(prediction, y);
  near(loss.item(), (0.5 * (1 + 4) + 0.5 * (0 + 4) + 0.5 * (1 + 1)) / 3);
  loss.backward();
  assert.deepEqual(prediction.grad!.toArray(), [
    [1 / 3, 2 / 3],
    [0, 2 / 3],
    [-1 / 3, -1 / 3],
  ]);
  assert.deepEqual(
    quadraticLoss(f64([[1, 2]], false), nd.tensor([[0, 0]]), { reduction: 'none' }).toArray(),
    [2.5],
  );
  assert.throws(
    () => quadraticLoss(prediction, nd.zeros([3, 3])),
    /quadraticLoss: shapes differ: \[3,2\] and \[3,3\]/,
  );
});

test('mseLoss is the mean of (y − ŷ)² over every element', () => {
  const p = f64([1, 2, 3, 5]);
  const loss = mseLoss(p, nd.tensor([1, 1, 1, 1], 'float64'));
  near(loss.item(), (0 + 1 + 4 + 16) / 4);
  loss.backward();
  assert.deepEqual(p.grad!.toArray(), [0, 0.5, 1, 2]);
});

// #region bce-sigmoid-vs-logits
test('binaryCrossEntropy on σ(z) equals binaryCrossEntropyWithLogits on z, value and gradient', () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: -6, max: 6, noNaN: true }), { minLength: 1, maxLength: 6 }),
      fc.integer(),
      (zs, seed) => {
        const t = nd.randomUniform([zs.length], 0, 1, { dtype: 'float64', generator: new nd.Random(seed) });
        const z1 = f64(zs);
        const z2 = f64(zs);
        const a = binaryCrossEntropy(sigmoid(z1), t);
        const b = binaryCrossEntropyWithLogits(z2, t);
        near(a.item(), b.item(), 1e-9);
        a.backward();
        b.backward();
        zs.forEach((_, i) => {
          near(z1.grad!.get(i), z2.grad!.get(i), 1e-9);
        });
      },
    ),
    { numRuns: 50 },
  );
  // Saturated probabilities are clamped like PyTorch (log ≥ −100), never Infinity.
  near(binaryCrossEntropy(f64([0]), nd.tensor([1], 'float64')).item(), 100);
  near(binaryCrossEntropyWithLogits(f64([-800]), nd.tensor([1], 'float64')).item(), 800);
});
// #endregion bce-sigmoid-vs-logits

test('crossEntropy refuses labels in a float typed array by name, rather than failing inside', () => {
  const logits = variable(
    nd.tensor([
      [1, 2, 3],
      [0, 0, 1],
    ]),
  );
  for (const labels of [new Float32Array([2, 0]), new Float64Array([2, 0]), new Uint8Array([2, 0])]) {
    assert.throws(
      () => crossEntropy(logits, labels as unknown as Int32Array),
      (e) =>
        e instanceof ValueError &&
        /crossEntropy.*Int32Array of class indices.*got a (Float32Array|Float64Array|Uint8Array)/.test(
          e.message,
        ),
    );
  }
  assert.ok(Number.isFinite(crossEntropy(logits, new Int32Array([2, 0])).data.item()));
});
