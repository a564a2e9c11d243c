import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Random } from '../random.js';
import { propertyParameters } from '../testing/index.js';
import { matmulCpu } from './matmul.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

/**
 * op(A)·op(B) in float64, straight from the definition, with Σ_p |a_ip·b_pj| alongside: the error
 * of an output is judged against that sum, since relative error explodes where terms cancel.
 */
function reference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  k: number,
  n: number,
  ta: boolean,
  tb: boolean,
) {
  const out = new Float64Array(m * n);
  const scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let t = 0;
      for (let p = 0; p < k; p++) {
        const x = (ta ? a[p * m + i] : a[i * k + p])! * (tb ? b[j * k + p] : b[p * n + j])!;
        s += x;
        t += Math.abs(x);
      }
      out[i * n + j] = s;
      scale[i * n + j] = t;
    }
  }
  return { out, scale };
}

function fill(arr: Float32Array | Float64Array, seed: number): void {
  const rng = new Random(seed);
  for (let i = 0; i < arr.length; i++) arr[i] = rng.uniformRange(-1, 1);
}

/** max_ij |err_ij| / Σ_p |a_ip b_pj| (0/0 counts as 0). */
function worstError(got: ArrayLike<number>, ref: { out: Float64Array; scale: Float64Array }): number {
  let worst = 0;
  for (let i = 0; i < ref.out.length; i++) {
    const err = Math.abs(got[i]! - ref.out[i]!);
    if (err === 0) continue;
    worst = Math.max(worst, err / ref.scale[i]!);
  }
  return worst;
}

function check(
  m: number,
  k: number,
  n: number,
  ta: boolean,
  tb: boolean,
  seed: number,
  dtype: 'float32' | 'float64',
) {
  const Ctor = dtype === 'float32' ? Float32Array : Float64Array;
  const a = new Ctor(m * k);
  const b = new Ctor(k * n);
  fill(a, seed);
  fill(b, seed + 1);
  const out = new Ctor(m * n).fill(Number.NaN); // every entry must be written
  matmulCpu(a, b, out, m, k, n, ta, tb);
  const err = worstError(out, reference(a, b, m, k, n, ta, tb));
  // float32: one rounding of the float64 sum (2^-24) plus slack; float64: a few ulps of k terms.
  const bound = dtype === 'float32' ? 1e-7 : 1e-15 * Math.max(1, k);
  assert.ok(
    err <= bound,
    `${m}×${k}×${n} ${ta ? 'T' : 'N'}${tb ? 'T' : 'N'} ${dtype}: error ${err} > ${bound}`,
  );
}

const flags = fc.tuple(fc.boolean(), fc.boolean());

test('matmulCpu matches the float64 definition on drawn shapes, all transposes (small and tile-edge sizes)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 13 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 1, max: 13 }),
      flags,
      fc.integer(),
      fc.constantFrom('float32' as const, 'float64' as const),
      (m, k, n, [ta, tb], seed, dtype) => check(m, k, n, ta, tb, seed, dtype),
    ),
    { numRuns: 300 },
  );
});

test('matmulCpu matches the definition on drawn shapes large enough for the packed path', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 70 }),
      fc.integer({ min: 1, max: 300 }),
      fc.integer({ min: 1, max: 70 }),
      flags,
      fc.integer(),
      fc.constantFrom('float32' as const, 'float64' as const),
      (m, k, n, [ta, tb], seed, dtype) => check(m, k, n, ta, tb, seed, dtype),
    ),
    { numRuns: 60 },
  );
});

test('matmulCpu crosses every blocking boundary: reduction blocks, column strips, row passes, partial tiles', () => {
  // k = 513 splits into 3 reduction blocks; n = 1029 into 3 column strips with a ragged last tile;
  // m = 1031 into two row passes of the float64 strip, the second 7 rows (not a multiple of 4).
  check(6, 513, 7, false, false, 1, 'float32');
  check(5, 40, 1029, true, false, 2, 'float32');
  check(1031, 9, 5, false, true, 3, 'float64');
  check(1030, 300, 3, true, true, 4, 'float32');
  // A too large to pack once (rows × k past the limit): packed block by block instead.
  check(700, 800, 5, false, false, 5, 'float32');
  // Skinny LeNet shapes: fully connected layer forward and its two gradients.
  check(128, 3136, 10, false, true, 6, 'float32');
  check(16, 50, 3136, false, false, 7, 'float32');
  check(50, 128, 30, true, false, 8, 'float32');
});

test('matmulCpu with an empty reduction writes zeros, and with an empty output touches nothing', () => {
  const out = new Float32Array(6).fill(Number.NaN);
  matmulCpu(new Float32Array(0), new Float32Array(0), out, 2, 0, 3, false, false);
  assert.deepEqual([...out], [0, 0, 0, 0, 0, 0]);
  const big = new Float32Array(100 * 100).fill(Number.NaN);
  matmulCpu(new Float32Array(0), new Float32Array(0), big, 100, 0, 100, true, true);
  assert.ok(big.every((v) => v === 0));
  matmulCpu(new Float32Array(0), new Float32Array(5), new Float32Array(0), 0, 5, 1, false, false);
});

test('matmulCpu propagates NaN and Infinity like the definition', () => {
  const m = 20;
  const a = new Float32Array(m * m).fill(1);
  const b = new Float32Array(m * m).fill(1);
  a[3 * m + 5] = Number.NaN; // row 3 of the product is NaN
  b[7] = Number.POSITIVE_INFINITY; // column 7 is +Inf (except row 3)
  const out = new Float32Array(m * m);
  matmulCpu(a, b, out, m, m, m, false, false);
  assert.ok(Number.isNaN(out[3 * m + 0]!));
  assert.equal(out[0 * m + 7], Number.POSITIVE_INFINITY);
  assert.equal(out[1 * m + 1], m);
});
