import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fromTypedArray, randomUniform, tensor } from './creation.js';
import { ShapeError, ValueError } from './errors.js';
import type { NDArray } from './ndarray.js';
import { Random } from './random.js';
import {
  argmax,
  logSoftmax,
  logSumExp,
  max,
  mean,
  min,
  softmax,
  sum,
  sumToShape,
  variance,
} from './reduce.js';
import { propertyParameters } from './testing/index.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

/** Reduces along `axes` by the definition: groups the elements by their kept indices. */
function reference(a: NDArray, axes: number[], f: (xs: number[]) => number, keepdims: boolean) {
  const groups = new Map<string, number[]>();
  const idx = new Array<number>(a.ndim).fill(0);
  for (let flat = 0; flat < a.size; flat++) {
    const key = idx.map((v, d) => (axes.includes(d) ? 0 : v)).join(',');
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(a.get(...idx));
    for (let d = a.ndim - 1; d >= 0; d--) {
      if (++idx[d]! < a.shape[d]!) break;
      idx[d] = 0;
    }
  }
  const shape = keepdims
    ? a.shape.map((d, i) => (axes.includes(i) ? 1 : d))
    : a.shape.filter((_, i) => !axes.includes(i));
  return { shape, values: [...groups.values()].map(f) };
}

const caseArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }).chain((shape) =>
  fc.tuple(
    fc.constant(shape),
    fc.subarray(
      shape.map((_, i) => i),
      { minLength: 1 },
    ),
    fc.boolean(),
    fc.boolean(),
    fc.integer(),
  ),
);

const reductions: [
  string,
  (a: NDArray, axis: number[], keep: boolean) => NDArray,
  (xs: number[]) => number,
][] = [
  ['sum', sum, (xs) => xs.reduce((s, v) => s + v, 0)],
  ['mean', mean, (xs) => xs.reduce((s, v) => s + v, 0) / xs.length],
  ['max', max, (xs) => Math.max(...xs)],
  ['min', min, (xs) => Math.min(...xs)],
  [
    'variance',
    (a, axis, keep) => variance(a, axis, keep),
    (xs) => {
      const m = xs.reduce((s, v) => s + v, 0) / xs.length;
      return xs.reduce((s, v) => s + (v - m) ** 2, 0) / xs.length;
    },
  ],
  [
    'logSumExp',
    (a, axis, keep) => logSumExp(a, axis, keep),
    (xs) => Math.log(xs.reduce((s, v) => s + Math.exp(v), 0)),
  ],
];

for (const [name, op, f] of reductions) {
  test(`${name} along drawn axes (negative too), with and without keepdims, on strided inputs`, () => {
    fc.assert(
      fc.property(caseArb, ([shape, axes, keepdims, negative, seed]) => {
        const a = randomUniform(shape, -2, 2, { dtype: 'float64', generator: new Random(seed) })
          .transpose(0, -1)
          .contiguous()
          .transpose(0, -1); // same values, strided layout
        const given = negative ? axes.map((ax) => ax - shape.length) : axes;
        const got = op(a, given, keepdims);
        const ref = reference(a, axes, f, keepdims);
        assert.deepEqual(got.shape, ref.shape);
        ref.values.forEach((v, i) => {
          assert.ok(Math.abs(got.data[i]! - v) <= 1e-12 * (1 + Math.abs(v)), `${name}[${i}]`);
        });
      }),
      { numRuns: 60 },
    );
  });
}

test('argmax picks the first maximum; sum over everything gives a 0-d array', () => {
  const a = tensor([
    [1, 3, 3],
    [7, 0, 7],
  ]);
  assert.deepEqual(argmax(a).toArray(), [1, 0]);
  assert.deepEqual(argmax(a, 0).toArray(), [1, 0, 1]);
  assert.deepEqual(argmax(a, -1, true).shape, [2, 1]);
  assert.equal(argmax(a).dtype, 'int32');
  assert.equal(sum(a).ndim, 0);
  assert.equal(sum(a).item(), 21);
  assert.equal(variance(tensor([1, 2, 3, 4], 'float64'), 0, false, 1).item(), 5 / 3);
  assert.ok(Number.isNaN(max(tensor([1, Number.NaN, 3])).item()));
});

test('softmax and logSumExp stay finite and exact for huge and tiny inputs (shifted by the maximum)', () => {
  const big = tensor([[1000, 1001, 1002]], 'float64');
  const s = softmax(big);
  const e = [Math.exp(-2), Math.exp(-1), 1];
  const z = e[0]! + e[1]! + e[2]!;
  e.forEach((v, i) => {
    assert.ok(Math.abs(s.data[i]! - v / z) < 1e-15);
  });
  assert.ok(Math.abs(logSumExp(big).item() - (1002 + Math.log(z))) < 1e-12);
  const ls = logSoftmax(tensor([[-1000, 0]], 'float64'));
  assert.equal(ls.data[0], -1000);
  assert.equal(ls.data[1], 0);
  assert.equal(
    logSumExp(tensor([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY])).item(),
    Number.NEGATIVE_INFINITY,
  );
  // softmax along axis 0 of a 2-D array: each column sums to 1.
  const cols = softmax(randomUniform([4, 3], -50, 50, { dtype: 'float64' }), 0);
  const colSums = sum(cols, 0);
  for (let j = 0; j < 3; j++) assert.ok(Math.abs(colSums.data[j]! - 1) < 1e-12);
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: -700, max: 700, noNaN: true }), { minLength: 1, maxLength: 20 }),
      (xs) => {
        const p = softmax(fromTypedArray(Float64Array.from(xs)));
        assert.ok(p.data.every((v) => v >= 0 && v <= 1));
        assert.ok(Math.abs(p.data.reduce((acc, v) => acc + v, 0) - 1) < 1e-12);
      },
    ),
  );
});

test('sumToShape undoes broadcasting; reductions refuse out-of-range axes and empty axes', () => {
  const g = randomUniform([2, 3, 4], 0, 1, { dtype: 'float64' });
  const s = sumToShape(g, [3, 1]);
  assert.deepEqual(s.shape, [3, 1]);
  assert.ok(
    Math.abs(s.data[1]! - reference(g, [0, 2], (xs) => xs.reduce((a, b) => a + b, 0), false).values[1]!) <
      1e-12,
  );
  assert.throws(() => sumToShape(g, [5]), /sumToShape: \[2,3,4\] is not a broadcast of \[5\]/);
  assert.throws(
    () => sum(g, 3),
    (e: unknown) =>
      e instanceof ValueError && e.message === 'sum: axis 3 is out of range for a tensor of rank 3',
  );
  assert.throws(() => mean(g, [0, -3]), /mean: axes \[0,-3\] repeat an axis/);
  assert.throws(() => softmax(g, -4), /softmax: axis -4 is out of range/);
  assert.throws(() => max(fromTypedArray(new Float32Array(0), [0])), ShapeError);
  assert.throws(() => variance(tensor([1]), 0, false, 1), /variance: needs more than 1 elements, got 1/);
});
