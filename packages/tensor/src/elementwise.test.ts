import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { arange, fromTypedArray, randomUniform, tensor } from './creation.js';
import {
  abs,
  add,
  binary,
  clip,
  div,
  equal,
  exp,
  greater,
  log,
  maximum,
  minimum,
  mul,
  neg,
  pow,
  reciprocal,
  relu,
  reluBackward,
  sigmoid,
  sqrt,
  square,
  sub,
  tanh,
  where,
} from './elementwise.js';
import { ShapeError } from './errors.js';
import type { NDArray } from './ndarray.js';
import { Random } from './random.js';
import { propertyParameters } from './testing/index.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

/**
 * Two broadcast-compatible shapes: a full shape, and a second one made from it by dropping some
 * leading axes and setting some sizes to 1 (every broadcasting corner, including 0-d and size-1 axes).
 */
const shapePair = fc
  .tuple(
    fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 }),
    fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    fc.integer({ min: 0, max: 4 }),
    fc.boolean(),
  )
  .map(([full, ones, drop, swap]) => {
    const small = full.slice(Math.min(drop, full.length)).map((d, i) => (ones[i] ? 1 : d));
    return swap ? ([small, full] as const) : ([full, small] as const);
  });

/** Draws an array of a shape, either contiguous or as a strided view (a transpose of a permuted copy). */
function drawn(shape: readonly number[], rng: Random, strided: boolean): NDArray {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(size);
  for (let i = 0; i < size; i++) data[i] = rng.uniformRange(0.5, 2) * (rng.bernoulli(0.5) ? 1 : -1);
  const a = fromTypedArray(data, shape.slice());
  if (!strided || shape.length < 2) return a;
  // The same values, reached through a transposed layout.
  return a.transpose().contiguous().transpose();
}

/** a ∘ b at every index of the broadcast shape, reading both through get() with broadcast indices. */
function reference(
  a: NDArray,
  b: NDArray,
  f: (x: number, y: number) => number,
): { shape: number[]; values: number[] } {
  const n = Math.max(a.ndim, b.ndim);
  const shape: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a.shape[a.ndim - n + i] ?? 1;
    const db = b.shape[b.ndim - n + i] ?? 1;
    shape.push(Math.max(da, db));
  }
  const values: number[] = [];
  const size = shape.reduce((x, y) => x * y, 1);
  for (let flat = 0; flat < size; flat++) {
    const idx: number[] = new Array(n);
    let rest = flat;
    for (let d = n - 1; d >= 0; d--) {
      idx[d] = rest % shape[d]!;
      rest = Math.floor(rest / shape[d]!);
    }
    const pick = (t: NDArray) => t.shape.map((s, d) => (s === 1 ? 0 : idx[n - t.ndim + d]!));
    values.push(f(a.get(...pick(a)), b.get(...pick(b))));
  }
  return { shape, values };
}

const ops: [
  string,
  (a: NDArray | number, b: NDArray | number) => NDArray,
  (x: number, y: number) => number,
][] = [
  ['add', add, (x, y) => x + y],
  ['sub', sub, (x, y) => x - y],
  ['mul', mul, (x, y) => x * y],
  ['div', div, (x, y) => x / y],
  ['maximum', maximum, Math.max],
  ['pow', (a, b) => pow(abs(a as NDArray), b), (x, y) => Math.abs(x) ** y],
];

for (const [name, op, f] of ops) {
  test(`${name} broadcasts like NumPy on drawn shapes, contiguous or strided, either operand order`, () => {
    fc.assert(
      fc.property(shapePair, fc.integer(), fc.boolean(), fc.boolean(), ([sa, sb], seed, stA, stB) => {
        const rng = new Random(seed);
        const a = drawn(sa, rng, stA);
        const b = drawn(sb, rng, stB);
        const got = op(a, b);
        const ref = reference(a, b, f);
        assert.deepEqual(got.shape, ref.shape);
        assert.equal(got.dtype, 'float64');
        const values = got.values();
        for (let i = 0; i < ref.values.length; i++) {
          assert.ok(
            Math.abs(values[i]! - ref.values[i]!) <= 1e-12 * Math.abs(ref.values[i]!),
            `${name} at ${i}`,
          );
        }
      }),
      { numRuns: 120 },
    );
  });
}

test('add/sub/mul/div with a scalar on either side, offset views, and float32 rounding of the scalar', () => {
  const x = arange(0, 12, 1, 'float32')
    .reshape([3, 4])
    .slice([[1, 3]]); // offset view of rows 1–2
  assert.deepEqual(sub(10, x).toArray(), [
    [6, 5, 4, 3],
    [2, 1, 0, -1],
  ]);
  assert.deepEqual(div(x, 2).toArray(), [
    [2, 2.5, 3, 3.5],
    [4, 4.5, 5, 5.5],
  ]);
  assert.deepEqual(div(8, tensor([1, 2, 4])).toArray(), [8, 4, 2]);
  assert.equal(add(tensor([0]), 0.1).data[0], Math.fround(0.1 + Math.fround(0))); // float32 in, float32 out
  // int32 stays int32 for add, and div gives a float.
  const i = tensor([7, 8], 'int32');
  assert.equal(add(i, i).dtype, 'int32');
  assert.deepEqual(div(i, tensor([2, 2], 'int32')).toArray(), [3.5, 4]);
  // [N, C] + [C] and [N, C, H, W] + [1, C, 1, 1]: the block-broadcast fast paths, checked by value.
  const bias = tensor([[[[100]], [[200]]]]); // [1,2,1,1]
  const img = arange(0, 8).reshape([2, 2, 1, 2]);
  assert.deepEqual(add(img, bias).toArray(), [
    [[[100, 101]], [[202, 203]]],
    [[[104, 105]], [[206, 207]]],
  ]);
  assert.deepEqual(sub(tensor([1, 2]), arange(0, 4).reshape([2, 2])).toArray(), [
    [1, 1],
    [-1, -1],
  ]);
});

test('binary refuses shapes that cannot broadcast, naming the op and both shapes', () => {
  assert.throws(
    () => add(randomUniform([2, 3]), randomUniform([4, 3, 2])),
    (e: unknown) =>
      e instanceof ShapeError && e.message === 'add: shapes [2,3] and [4,3,2] cannot be broadcast together',
  );
  assert.throws(() => mul(randomUniform([3]), randomUniform([4])), /^ShapeError|mul: shapes \[3\] and \[4\]/);
  assert.throws(
    () => binary('hypot', randomUniform([2]), randomUniform([3]), Math.hypot),
    /hypot: shapes \[2\] and \[3\]/,
  );
});

test('unary ops match Math on drawn values; sigmoid and tanh stay finite for huge inputs; relu passes NaN', () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 1, maxLength: 40 }),
      (xs) => {
        const x = fromTypedArray(Float64Array.from(xs));
        const pairs: [NDArray, (v: number) => number][] = [
          [neg(x), (v) => -v],
          [abs(x), Math.abs],
          [square(x), (v) => v * v],
          [exp(x), Math.exp],
          [tanh(x), Math.tanh],
          [relu(x), (v) => Math.max(0, v)],
          [sigmoid(x), (v) => 1 / (1 + Math.exp(-v))],
          [reciprocal(x), (v) => 1 / v],
          [log(abs(x)), (v) => Math.log(Math.abs(v))],
          [sqrt(abs(x)), (v) => Math.sqrt(Math.abs(v))],
          [clip(x, -1, 2), (v) => Math.min(2, Math.max(-1, v))],
        ];
        for (const [got, f] of pairs) {
          for (let i = 0; i < xs.length; i++) {
            const e = f(xs[i]!);
            assert.ok(
              Object.is(got.data[i], e) || Math.abs(got.data[i]! - e) <= 1e-14 * Math.abs(e),
              `${xs[i]}`,
            );
          }
        }
      },
    ),
    { numRuns: 100 },
  );
  const big = tensor([-1000, -80, 0, 80, 1000], 'float32');
  assert.deepEqual(sigmoid(big).toArray(), [0, Math.fround(Math.exp(-80) / (1 + Math.exp(-80))), 0.5, 1, 1]);
  assert.deepEqual(tanh(big).toArray(), [-1, -1, 0, 1, 1]);
  assert.ok(Number.isNaN(relu(tensor([Number.NaN])).data[0]!));
  assert.deepEqual(relu(tensor([-2, 0, 3])).toArray(), [0, 0, 3]);
  assert.equal(exp(tensor([1], 'int32')).dtype, 'float32');
  // A strided input: unary ops read the view's elements in row-major order.
  const t = arange(0, 6).reshape([2, 3]).transpose();
  assert.deepEqual(neg(t).toArray(), [
    [-0, -3],
    [-1, -4],
    [-2, -5],
  ]);
});

test('comparisons give int32 0/1, minimum/maximum propagate NaN, where selects under broadcasting', () => {
  const a = tensor([1, 5, Number.NaN]);
  const b = tensor([2, 5, 0]);
  assert.deepEqual(equal(a, b).toArray(), [0, 1, 0]);
  assert.equal(greater(a, b).dtype, 'int32');
  assert.deepEqual(greater(a, 1).toArray(), [0, 1, 0]);
  assert.ok(Number.isNaN(maximum(a, b).data[2]!));
  assert.ok(Number.isNaN(minimum(b, a).data[2]!));
  assert.deepEqual(where(tensor([[1], [0]], 'int32'), tensor([10, 20]), -1).toArray(), [
    [10, 20],
    [-1, -1],
  ]);
});

test('reluBackward passes dy where x > 0 and 0 elsewhere (zero, negative and NaN inputs), on views too', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(fc.double({ noNaN: true, min: -5, max: 5 }), fc.constant(0), fc.constant(Number.NaN)),
        {
          minLength: 1,
          maxLength: 40,
        },
      ),
      fc.boolean(),
      (xs, f64) => {
        const T = f64 ? Float64Array : Float32Array;
        const stored = T.from(xs);
        const x = fromTypedArray(stored, [xs.length]);
        const dy = fromTypedArray(
          T.from(xs, (_, i) => i - 3.5),
          [xs.length],
        );
        const dx = reluBackward(dy, x).values();
        for (let i = 0; i < xs.length; i++) assert.equal(dx[i], stored[i]! > 0 ? i - 3.5 : 0);
      },
    ),
  );
  const x = tensor([
    [1, -1],
    [2, 3],
  ]).transpose(0, 1);
  assert.deepEqual(
    reluBackward(
      tensor([
        [5, 6],
        [7, 8],
      ]),
      x,
    ).toArray(),
    [
      [5, 6],
      [0, 8],
    ],
  );
  assert.throws(
    () => reluBackward(tensor([1, 2]), tensor([1, 2, 3])),
    /reluBackward: dy \[2\] must match x \[3\]/,
  );
});

test('float32 relu and reluBackward (branch-free on the bits) on the special values, NaNs of both signs included', () => {
  const x = new Float32Array([0, -0, 1e-45, -1e-45, 3.5, -3.5, Infinity, -Infinity, Number.NaN, Number.NaN]);
  new Int32Array(x.buffer)[9] = 0xffc00000 | 0; // a NaN with its sign bit set, as x86 arithmetic makes them
  const y = relu(fromTypedArray(x, [10])).values();
  assert.deepEqual([...y.subarray(0, 8)], [0, 0, 1e-45 as number, 0, 3.5, 0, Infinity, 0].map(Math.fround));
  assert.ok(
    Object.is(y[1], 0) && Object.is(y[3], 0) && Object.is(y[7], 0),
    '−0, tiny negatives and −∞ become +0',
  );
  assert.ok(Number.isNaN(y[8]!) && Number.isNaN(y[9]!), 'NaN passes through whatever its sign');
  const dy = new Float32Array(10).fill(-2);
  const dx = reluBackward(fromTypedArray(dy, [10]), fromTypedArray(x, [10])).values();
  assert.deepEqual([...dx], [0, 0, -2, 0, -2, 0, -2, 0, 0, 0]);
});
