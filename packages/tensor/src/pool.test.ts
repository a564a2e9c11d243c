import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fromTypedArray, tensor } from './creation.js';
import { ShapeError, ValueError } from './errors.js';
import { avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward } from './pool.js';
import { Random } from './random.js';
import { propertyParameters } from './testing/index.js';

// A fresh seed each run, printed; NABLA_SEED=<seed> replays it (see @nabla/tensor/testing).
fc.configureGlobal(propertyParameters());

interface PoolCase {
  n: number;
  c: number;
  h: number;
  w: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  ph: number;
  pw: number;
  seed: number;
}

const poolCase = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    c: fc.integer({ min: 1, max: 3 }),
    h: fc.integer({ min: 1, max: 8 }),
    w: fc.integer({ min: 1, max: 8 }),
    kh: fc.integer({ min: 1, max: 3 }),
    kw: fc.integer({ min: 1, max: 3 }),
    sh: fc.integer({ min: 1, max: 3 }),
    sw: fc.integer({ min: 1, max: 3 }),
    ph: fc.integer({ min: 0, max: 1 }),
    pw: fc.integer({ min: 0, max: 1 }),
    seed: fc.integer({ min: 0, max: 1 << 30 }),
  })
  .filter((p) => 2 * p.ph <= p.kh && 2 * p.pw <= p.kw && p.h + 2 * p.ph >= p.kh && p.w + 2 * p.pw >= p.kw);

/** Distinct values (a permutation scaled), so the maximum of every window is unique: no ties. */
function distinct(p: PoolCase) {
  const size = p.n * p.c * p.h * p.w;
  const perm = new Random(p.seed).permutation(size);
  const data = new Float64Array(size);
  for (let i = 0; i < size; i++) data[i] = perm[i]! / size - 0.5;
  return fromTypedArray(data, [p.n, p.c, p.h, p.w]);
}

/** Windows by the definition: the in-bounds taps of each window, and its divisor for average pooling. */
function windows(p: PoolCase, countIncludePad: boolean) {
  const ho = Math.floor((p.h + 2 * p.ph - p.kh) / p.sh) + 1;
  const wo = Math.floor((p.w + 2 * p.pw - p.kw) / p.sw) + 1;
  const list: { taps: number[]; count: number }[] = [];
  for (let n = 0; n < p.n; n++) {
    for (let c = 0; c < p.c; c++) {
      for (let i = 0; i < ho; i++) {
        for (let j = 0; j < wo; j++) {
          const taps: number[] = [];
          let padded = 0;
          for (let u = 0; u < p.kh; u++) {
            for (let v = 0; v < p.kw; v++) {
              const y = i * p.sh - p.ph + u;
              const x = j * p.sw - p.pw + v;
              if (y >= 0 && y < p.h && x >= 0 && x < p.w) taps.push(((n * p.c + c) * p.h + y) * p.w + x);
              else if (y < p.h + p.ph && x < p.w + p.pw) padded++;
            }
          }
          list.push({ taps, count: countIncludePad ? taps.length + padded : taps.length });
        }
      }
    }
  }
  return { ho, wo, list };
}

// #region max-pool-matches-definition
test('maxPool2d and its backward match the definition on drawn geometries (including the 2×2 stride-2 fast path)', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        poolCase,
        poolCase.map((p) => ({ ...p, kh: 2, kw: 2, sh: 2, sw: 2, ph: 0, pw: 0, h: p.h + 1, w: p.w + 1 })),
      ),
      (p) => {
        const x = distinct(p);
        const opts = { stride: [p.sh, p.sw] as const, padding: [p.ph, p.pw] as const };
        const { out, argmax } = maxPool2d(x, [p.kh, p.kw], opts);
        const { ho, wo, list } = windows(p, true);
        assert.deepEqual(out.shape, [p.n, p.c, ho, wo]);
        const dy = new Float64Array(list.length).map((_, i) => i + 1);
        const dxRef = new Float64Array(x.size);
        list.forEach((win, o) => {
          let at = win.taps[0]!;
          for (const t of win.taps) if (x.data[t]! > x.data[at]!) at = t;
          assert.equal(out.data[o], x.data[at]);
          assert.equal(argmax[o], at);
          dxRef[at]! += dy[o]!;
        });
        const dx = maxPool2dBackward(
          fromTypedArray(dy, out.shape.slice()),
          argmax,
          x.shape,
          [p.kh, p.kw],
          opts,
        );
        assert.deepEqual([...dx.data], [...dxRef]);
      },
    ),
    { numRuns: 150 },
  );
});
// #endregion max-pool-matches-definition

test('maxPool2d 2×2: ties go to the first in scan order, and a NaN is never pooled away', () => {
  const x = tensor([
    [
      [
        [1, 1, 0, Number.NaN],
        [1, 0, 5, 9],
      ],
    ],
  ]);
  const { out, argmax } = maxPool2d(x, 2);
  assert.equal(out.data[0], 1);
  assert.equal(argmax[0], 0);
  assert.ok(Number.isNaN(out.data[1]!));
  assert.equal(argmax[1], 3);
  const y = tensor([[[[Number.NaN, 7, 8, 9]]]]).reshape([1, 1, 2, 2]);
  assert.ok(Number.isNaN(maxPool2d(y, 2).out.data[0]!));
  assert.ok(Number.isNaN(maxPool2d(y, 2, { stride: 1 }).out.data[0]!)); // general path agrees
});

for (const countIncludePad of [true, false]) {
  test(`avgPool2d and its backward match the definition (countIncludePad ${countIncludePad})`, () => {
    fc.assert(
      fc.property(poolCase, (p) => {
        const x = distinct(p);
        const opts = { stride: [p.sh, p.sw] as const, padding: [p.ph, p.pw] as const, countIncludePad };
        const out = avgPool2d(x, [p.kh, p.kw], opts);
        const { list } = windows(p, countIncludePad);
        const dy = new Float64Array(list.length).map((_, i) => (i % 5) - 2);
        const dxRef = new Float64Array(x.size);
        list.forEach((win, o) => {
          const mean = win.taps.reduce((s, t) => s + x.data[t]!, 0) / win.count;
          assert.ok(Math.abs(out.data[o]! - mean) <= 1e-12);
          for (const t of win.taps) dxRef[t]! += dy[o]! / win.count;
        });
        const dx = avgPool2dBackward(fromTypedArray(dy, out.shape.slice()), x.shape, [p.kh, p.kw], opts);
        for (let i = 0; i < x.size; i++) assert.ok(Math.abs(dx.data[i]! - dxRef[i]!) <= 1e-12);
      }),
      { numRuns: 100 },
    );
  });
}

test('pooling refuses bad windows and gradients, naming the op', () => {
  const x = fromTypedArray(new Float32Array(16), [1, 1, 4, 4]);
  assert.throws(
    () => maxPool2d(x, 5),
    (e: unknown) =>
      e instanceof ShapeError && /^maxPool2d: a 5×5 window does not fit input \[1,1,4,4\]/.test(e.message),
  );
  assert.throws(() => maxPool2d(x, 2, { padding: 2 }), ValueError);
  assert.throws(() => avgPool2d(x, 0), /avgPool2d: kernel must be an integer >= 1/);
  assert.throws(
    () => maxPool2d(fromTypedArray(new Float32Array(4), [2, 2]), 2),
    /maxPool2d: input must be NCHW \(rank 4\), got \[2,2\]/,
  );
  assert.throws(
    () => avgPool2dBackward(fromTypedArray(new Float32Array(3), [1, 1, 1, 3]), x.shape, 2),
    /avgPool2dBackward: gradient must have shape \[1,1,2,2\], got \[1,1,1,3\]/,
  );
  assert.throws(
    () => maxPool2d(fromTypedArray(new Int32Array(16), [1, 1, 4, 4]), 2),
    /maxPool2d: needs a float32 or float64 input/,
  );
});
