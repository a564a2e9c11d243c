import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  arange,
  eye,
  fromTypedArray,
  full,
  ones,
  randomNormal,
  randomUniform,
  tensor,
  zeros,
} from './creation.js';
import { ShapeError, ValueError } from './errors.js';
import { concat, pad, stack } from './join.js';
import { NDArray } from './ndarray.js';

const shapeArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 });

test('views share the buffer: reshape, permute, transpose, slice and expand write through to the original', () => {
  const a = arange(0, 24).reshape([2, 3, 4]);
  const r = a.reshape([6, 4]);
  const p = a.permute([2, 0, 1]);
  const s = a.slice([1, [0, 3, 2], [1, -1]]);
  const e = a.slice([null, null, [0, 1]]).expand([2, 3, 5]);
  for (const v of [r, p, s, e]) assert.equal(v.data, a.data);
  assert.deepEqual(s.shape, [2, 2]);
  assert.deepEqual(s.toArray(), [
    [13, 14],
    [21, 22],
  ]);
  a.set(100, 1, 2, 1);
  assert.equal(s.get(1, 0), 100);
  assert.equal(p.get(1, 1, 2), 100);
  assert.equal(r.get(5, 1), 100);
  assert.deepEqual(e.strides, [12, 4, 0]);
  assert.ok(!p.isContiguous());
  const c = p.contiguous();
  assert.notEqual(c.data, a.data);
  assert.ok(c.isContiguous());
  assert.equal(c.get(1, 1, 2), 100);
  assert.equal(r.contiguous(), r); // already row-major: no copy
});

test('permute then contiguous lays elements out as the permuted index says, on drawn shapes', () => {
  fc.assert(
    fc.property(shapeArb, fc.integer(), (shape, seed) => {
      const a = randomUniform(shape, 0, 1, { dtype: 'float64' });
      const perm = shape.map((_, i) => i);
      for (let i = perm.length - 1; i > 0; i--) {
        const j = Math.abs(seed + i * 7) % (i + 1);
        [perm[i], perm[j]] = [perm[j]!, perm[i]!];
      }
      const p = a.permute(perm).contiguous();
      // Visit every index of the permuted array and compare to the original.
      const idx = new Array<number>(shape.length).fill(0);
      for (let flat = 0; flat < p.size; flat++) {
        const src = new Array<number>(shape.length);
        perm.forEach((axis, k) => {
          src[axis] = idx[k]!;
        });
        assert.equal(p.data[flat], a.get(...src));
        for (let d = idx.length - 1; d >= 0; d--) {
          if (++idx[d]! < p.shape[d]!) break;
          idx[d] = 0;
        }
      }
      // reshape of a non-contiguous view copies and keeps row-major order.
      assert.deepEqual([...a.permute(perm).reshape([-1]).data], [...p.data]);
    }),
    { numRuns: 60 },
  );
});

test('creation: nested arrays, typed arrays, fill values, arange, eye, dtype conversion and toArray', () => {
  const t = tensor([
    [1, 2],
    [3, 4],
  ]);
  assert.deepEqual(t.shape, [2, 2]);
  assert.equal(t.dtype, 'float32');
  assert.deepEqual(t.toArray(), [
    [1, 2],
    [3, 4],
  ]);
  assert.equal(tensor(5).ndim, 0);
  assert.equal(tensor(5).item(), 5);
  assert.deepEqual(tensor([]).shape, [0]);
  assert.deepEqual(full([2], 7, 'int32').toArray(), [7, 7]);
  assert.deepEqual(zeros([1, 2]).toArray(), [[0, 0]]);
  assert.deepEqual(ones([2]).toArray(), [1, 1]);
  assert.deepEqual(arange(5).toArray(), [0, 1, 2, 3, 4]);
  assert.deepEqual(arange(1, 2, 0.25).toArray(), [1, 1.25, 1.5, 1.75]);
  assert.deepEqual(arange(3, 0, -1).toArray(), [3, 2, 1]);
  assert.deepEqual(eye(2, 3).toArray(), [
    [1, 0, 0],
    [0, 1, 0],
  ]);
  assert.deepEqual(tensor([1.7, -1.7]).astype('int32').toArray(), [1, -1]);
  assert.equal(tensor([0.1], 'float64').astype('float32').data[0], Math.fround(0.1));
  const d = new Float64Array([1, 2, 3, 4, 5, 6]);
  assert.equal(fromTypedArray(d, [2, 3]).data, d); // wraps, no copy
  const n = randomNormal([20000], 3, 2, { dtype: 'float64' });
  const m = n.data.reduce((s, v) => s + v, 0) / n.size;
  assert.ok(Math.abs(m - 3) < 0.06, `mean ${m}`);
});

test('bad sizes, data lengths, indices and axes are refused at the call with the op named', () => {
  for (const bad of [[-1], [2.5], [Number.NaN], [Number.POSITIVE_INFINITY]]) {
    assert.throws(
      () => zeros(bad),
      (e: unknown) => e instanceof ValueError && e.message.startsWith('full: shape'),
    );
  }
  assert.throws(() => zeros([2, -3]), /full: shape \[2,-3\] has an invalid size -3/);
  assert.throws(
    () => fromTypedArray(new Float32Array(5), [2, 3]),
    (e: unknown) =>
      e instanceof ShapeError && e.message === 'fromTypedArray: data has 5 elements but shape [2,3] needs 6',
  );
  assert.throws(
    () => new NDArray(new Float32Array(3), [2, 2]),
    /NDArray: data has 3 elements but shape \[2,2\] needs 4/,
  );
  assert.throws(() => tensor([[1, 2], [3]]), /tensor: ragged nested array/);
  const a = zeros([2, 3]);
  assert.throws(() => a.reshape([4, 2]), /reshape: cannot reshape \[2,3\] \(6 elements\) to \[4,2\]/);
  assert.throws(() => a.reshape([-1, -1]), /reshape: only one size may be -1/);
  assert.throws(() => a.permute([0, 2]), /permute: axis 2 is out of range for a tensor of rank 2/);
  assert.throws(() => a.permute([0, 0]), /permute: axes \[0,0\] repeat an axis/);
  assert.throws(() => a.transpose(0, -3), ValueError);
  assert.throws(() => a.get(2, 0), /get: index 2 is out of range for axis 0 of size 2/);
  assert.throws(() => a.slice([[0, 2, 0]]), /slice: step must be a positive integer/);
  assert.throws(() => a.expand([3, 3]), /expand: cannot broadcast \[2,3\] to \[3,3\]/);
  assert.throws(() => a.squeeze(0), /squeeze: axis 0 has size 2, not 1/);
  assert.throws(() => a.item(), /item: needs one element, got shape \[2,3\]/);
  assert.throws(() => arange(0, 1, 0), /arange: needs finite start, stop and a non-zero step/);
});

test('concat, stack and pad place every element where the definition says', () => {
  const a = arange(0, 6).reshape([2, 3]);
  const b = arange(6, 8).reshape([2, 1]);
  assert.deepEqual(concat([a, b], -1).toArray(), [
    [0, 1, 2, 6],
    [3, 4, 5, 7],
  ]);
  assert.deepEqual(concat([a.transpose(), a.transpose()], 0).shape, [6, 2]);
  assert.deepEqual(stack([a, a], 1).shape, [2, 2, 3]);
  assert.deepEqual(stack([tensor([1, 2]), tensor([3, 4])], -1).toArray(), [
    [1, 3],
    [2, 4],
  ]);
  assert.deepEqual(
    pad(
      tensor([[1, 2]]),
      [
        [1, 0],
        [0, 2],
      ],
      -1,
    ).toArray(),
    [
      [-1, -1, -1, -1],
      [1, 2, -1, -1],
    ],
  );
  assert.equal(concat([a, a.astype('float64')]).dtype, 'float64');
  assert.throws(() => concat([a, b], 0), /concat: shapes \[2,3\] and \[2,1\] differ outside axis 0/);
  assert.throws(() => stack([a, b]), /stack: shapes differ: \[2,3\] and \[2,1\]/);
  assert.throws(() => pad(a, [[0, 0]]), /pad: needs 2 \(before, after\) pairs for shape \[2,3\], got 1/);
  assert.throws(
    () =>
      pad(a, [
        [0, -1],
        [0, 0],
      ]),
    /pad: widths must be integers >= 0/,
  );
  assert.throws(() => concat([]), /concat: needs at least one array/);
});

test('an unknown dtype or a foreign typed array is a ValueError naming it, not a deep TypeError', () => {
  assert.throws(
    () => new NDArray(new Uint8Array(3) as never, [3]),
    (e: unknown) => e instanceof ValueError && /Uint8Array/.test((e as Error).message),
  );
  assert.throws(
    () => zeros([2], 'float16' as never),
    (e: unknown) => e instanceof ValueError && /unknown dtype "float16"/.test((e as Error).message),
  );
  assert.throws(
    () => zeros([2]).astype('int8' as never),
    (e: unknown) => e instanceof ValueError && /unknown dtype "int8"/.test((e as Error).message),
  );
});
