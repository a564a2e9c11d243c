import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fromTypedArray, randomUniform, tensor } from './creation.js';
import { ShapeError, ValueError } from './errors.js';
import { matmul } from './matmul.js';
import type { NDArray } from './ndarray.js';
import { Random } from './random.js';
import { propertyParameters } from './testing/index.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

/** [..., m, k] @ [..., k, n] by the definition, element by element through get(). */
function reference(a: NDArray, b: NDArray, batch: number[]): Float64Array {
  const m = a.shape.at(-2)!;
  const k = a.shape.at(-1)!;
  const n = b.shape.at(-1)!;
  const count = batch.reduce((x, y) => x * y, 1);
  const out = new Float64Array(count * m * n);
  const index = (flat: number, shape: readonly number[], full: number[]) => {
    // Broadcast batch index: axes of size 1 in `shape` read index 0.
    const lead = full.length - shape.length;
    const idx: number[] = [];
    let rest = flat;
    const digits = new Array<number>(full.length);
    for (let d = full.length - 1; d >= 0; d--) {
      digits[d] = rest % full[d]!;
      rest = Math.floor(rest / full[d]!);
    }
    for (let d = 0; d < shape.length; d++) idx.push(shape[d] === 1 ? 0 : digits[lead + d]!);
    return idx;
  };
  for (let t = 0; t < count; t++) {
    const ia = index(t, a.shape.slice(0, -2), batch);
    const ib = index(t, b.shape.slice(0, -2), batch);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a.get(...ia, i, p) * b.get(...ib, p, j);
        out[(t * m + i) * n + j] = s;
      }
    }
  }
  return out;
}

test('matmul broadcasts batch axes and reads non-contiguous views (transposes, slices, expands)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 9 }),
      fc.integer({ min: 1, max: 9 }),
      fc.integer({ min: 1, max: 9 }),
      fc.constantFrom<number[][]>(
        [[], []],
        [[3], [3]],
        [[2, 1], [3]],
        [[1], [4]],
        [
          [2, 3],
          [1, 1],
        ],
        [[], [2]],
      ),
      fc.boolean(),
      fc.integer(),
      (m, k, n, [ba, bb], viewA, seed) => {
        const gen = new Random(seed);
        // A drawn either contiguous, or as the transpose of a [..., k, m] array (a strided view).
        const a = viewA
          ? randomUniform([...ba, k, m], -1, 1, { generator: gen, dtype: 'float64' }).transpose()
          : randomUniform([...ba, m, k], -1, 1, { generator: gen, dtype: 'float64' });
        // B sliced out of a wider array: every other column.
        const bWide = randomUniform([...bb, k, 2 * n], -1, 1, { generator: gen, dtype: 'float64' });
        const b = bWide.slice([...bb.map(() => null), null, [0, 2 * n, 2]]);
        const y = matmul(a, b);
        const batch =
          bb.length >= ba.length ? bb.map((d, i) => Math.max(d, ba[i - (bb.length - ba.length)] ?? 1)) : [];
        const full =
          ba.length > bb.length ? ba.map((d, i) => Math.max(d, bb[i - (ba.length - bb.length)] ?? 1)) : batch;
        assert.deepEqual(y.shape, [...full, m, n]);
        const ref = reference(a, b, full);
        for (let i = 0; i < ref.length; i++)
          assert.ok(Math.abs(y.data[i]! - ref[i]!) <= 1e-12 * (1 + Math.abs(ref[i]!)));
      },
    ),
    { numRuns: 80 },
  );
});

test('matmul transA / transB read the stored operand as transposed, without a copy by the caller', () => {
  const a = tensor([
    [1, 2],
    [3, 4],
    [5, 6],
  ]); // 3×2, used as its 2×3 transpose
  const b = tensor([
    [1, 0, 2],
    [0, 1, 3],
  ]); // 2×3, used as its 3×2 transpose
  assert.deepEqual(matmul(a, b, { transA: true, transB: true }).toArray(), [
    [1 * 1 + 3 * 0 + 5 * 2, 1 * 0 + 3 * 1 + 5 * 3],
    [2 * 1 + 4 * 0 + 6 * 2, 2 * 0 + 4 * 1 + 6 * 3],
  ]);
  assert.deepEqual(matmul(a, b).toArray(), [
    [1, 2, 8],
    [3, 4, 18],
    [5, 6, 28],
  ]);
});

test('matmul gives the promoted float type and refuses bad operands naming the shapes', () => {
  const f64 = fromTypedArray(new Float64Array([1, 2, 3, 4]), [2, 2]);
  const f32 = fromTypedArray(new Float32Array([1, 0, 0, 1]), [2, 2]);
  assert.equal(matmul(f32, f64).dtype, 'float64');
  assert.equal(matmul(f32, f32).dtype, 'float32');
  assert.throws(
    () => matmul(randomUniform([2, 3]), randomUniform([4, 5])),
    (e: unknown) => e instanceof ShapeError && e.message === 'matmul: inner dimensions differ: [2,3] @ [4,5]',
  );
  assert.throws(
    () => matmul(f32, tensor([[1, 2, 3]]), { transB: true }),
    /matmul: inner dimensions differ: \[2,2\] @ \[1,3\]ᵀ/,
  );
  assert.throws(
    () => matmul(tensor([1, 2]), f32),
    /matmul: needs operands of rank >= 2, got \[2\] @ \[2,2\]/,
  );
  assert.throws(() => matmul(f32.astype('int32'), f32), ValueError);
  assert.throws(
    () => matmul(randomUniform([2, 3, 4]), randomUniform([3, 4, 5])),
    /matmul: shapes \[2\] and \[3\] cannot be broadcast together/,
  );
});
