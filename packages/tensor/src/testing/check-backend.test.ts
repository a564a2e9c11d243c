// The checker must fail when a kernel is wrong: each case below breaks one kernel of the cpu
// backend in a way a real bug would (a missed term, a wrong divisor, a lost NaN, −0 kept, a
// cancelling one-pass variance, a float16-like rounding) and asserts that checkOp rejects it,
// while the honest cpu kernels and a float32 naive-order matmul (a legitimate different rounding)
// pass.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Backend, FloatArray } from '../backend.js';
import { referenceBackend } from '../backend.js';
import { createCpuBackend } from '../cpu/index.js';
import { type CheckedOp, checkOp } from './check-backend.js';
import { boundFactor, compareWithBound, gamma, U_FLOAT32 } from './error-bound.js';

const cpu = createCpuBackend();
const options = { numRuns: 40, seed: 42 };

function rejects(backend: Backend, op: CheckedOp, why: string) {
  assert.throws(
    () => checkOp(backend, op, options),
    (e: unknown) => {
      // fast-check wraps the property's error; ours names the op and the bound.
      const text = String((e as Error).message);
      return text.includes(op) && /its bound|exact/.test(text);
    },
    `${op} should be rejected: ${why}`,
  );
}

test('gamma and the bound: γ_k = k·u/(1 − k·u), refused when k·u ≥ 1', () => {
  assert.equal(gamma(1, U_FLOAT32), U_FLOAT32 / (1 - U_FLOAT32));
  assert.ok(gamma(1000, U_FLOAT32) > 1000 * U_FLOAT32);
  assert.throws(() => gamma(2 ** 24, U_FLOAT32), RangeError);
  const c = compareWithBound(
    [1, 2 + 1e-6, Number.NaN],
    [1, 2, Number.NaN],
    [1, 1, 1],
    boundFactor(4, U_FLOAT32),
  );
  assert.equal(c.worst, 1);
  assert.ok(c.ratio > 1);
  // An output with no terms (scale 0) must be exactly the reference's.
  assert.equal(compareWithBound([1e-30], [0], [0], 1).ratio, Number.POSITIVE_INFINITY);
  assert.equal(compareWithBound([Number.NaN], [0], [1], 1).ratio, Number.POSITIVE_INFINITY);
});

test('the honest cpu kernels pass, and so does a naive float32 matmul (another summation order)', () => {
  for (const op of ['matmul', 'conv2d', 'relu', 'batchNormStatistics'] as const) {
    const r = checkOp(cpu, op, { numRuns: 20, seed: 7 });
    assert.equal(r.cases, 20);
    assert.ok(r.ratio <= 1);
  }
  const naive: Backend = {
    ...cpu,
    matmul(a, b, out, m, k, n, transA, transB) {
      const acc = new Float32Array(1);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          acc[0] = 0;
          for (let p = k - 1; p >= 0; p--) {
            const prod = Math.fround(
              Math.fround(transA ? a[p * m + i]! : a[i * k + p]!) * (transB ? b[j * k + p]! : b[p * n + j]!),
            );
            acc[0] = acc[0]! + prod;
          }
          out[i * n + j] = acc[0]!;
        }
      }
    },
  };
  const r = checkOp(naive, 'matmul', options);
  assert.ok(
    r.ratio <= 1 && r.relative > 0,
    `a float32 loop rounds (relative ${r.relative}) within its bound`,
  );
});

test('rejects a convolution that misses its last tap, and a matmul that rounds like float16', () => {
  rejects(
    {
      ...cpu,
      conv2d(x, w, out, g) {
        const w2 = w.slice() as FloatArray;
        for (let i = g.kernelHeight * g.kernelWidth - 1; i < w2.length; i += g.kernelHeight * g.kernelWidth)
          w2[i] = 0;
        cpu.conv2d(x, w2, out, g);
      },
    },
    'conv2d',
    'a missed tap',
  );
  rejects(
    {
      ...cpu,
      matmul(a, b, out, m, k, n, ta, tb) {
        cpu.matmul(a, b, out, m, k, n, ta, tb);
        for (let i = 0; i < out.length; i++) out[i] = out[i]! * (1 + 2 ** -11);
      },
    },
    'matmul',
    'float16-sized rounding',
  );
  rejects(
    {
      ...cpu,
      conv2dBackwardFilter(x, dy, dw, g) {
        // Forgets the last image of the batch.
        if (g.batch === 1) return cpu.conv2dBackwardFilter(x, dy, dw, g);
        const per = g.inChannels * g.inHeight * g.inWidth;
        const perY = g.outChannels * g.outHeight * g.outWidth;
        cpu.conv2dBackwardFilter(
          x.subarray(0, (g.batch - 1) * per) as FloatArray,
          dy.subarray(0, (g.batch - 1) * perY) as FloatArray,
          dw,
          { ...g, batch: g.batch - 1 },
        );
      },
    },
    'conv2dBackwardFilter',
    'a missed image',
  );
});

test('rejects pooling that loses a NaN or miscounts padding, and a ReLU that keeps −0', () => {
  rejects(
    {
      ...cpu,
      maxPool2d(x, out, argmax, g) {
        cpu.maxPool2d(
          x.map((v) => (Number.isNaN(v) ? Number.NEGATIVE_INFINITY : v)) as FloatArray,
          out,
          argmax,
          g,
        );
      },
    },
    'maxPool2d',
    'a NaN pooled away',
  );
  rejects(
    { ...cpu, avgPool2d: (x, out, g) => cpu.avgPool2d(x, out, g, true) },
    'avgPool2d',
    'countIncludePad ignored',
  );
  rejects(
    {
      ...cpu,
      relu(x, out) {
        // biome-ignore lint/complexity/useMathMinMax: the mutant under test keeps −0 (and is meant to be wrong)
        for (let i = 0; i < x.length; i++) out[i] = x[i]! < 0 ? 0 : x[i]!;
      },
    },
    'relu',
    '−0 kept',
  );
});

test('rejects a one-pass float32 variance (E[x²] − μ² cancels when |μ| ≫ σ)', () => {
  rejects(
    {
      ...cpu,
      batchNormStatistics(x, g, mean, variance) {
        cpu.batchNormStatistics!(x, g, mean, variance);
        const m = g.batch * g.plane;
        for (let c = 0; c < g.channels; c++) {
          let sq = Math.fround(0);
          for (let n = 0; n < g.batch; n++)
            for (let k = 0; k < g.plane; k++) {
              const v = x[(n * g.channels + c) * g.plane + k]!;
              sq = Math.fround(sq + Math.fround(v * v));
            }
          variance[c] = Math.fround(Math.fround(sq / m) - Math.fround(mean[c]! * mean[c]!));
        }
      },
    },
    'batchNormStatistics',
    'cancellation',
  );
});

test('the reference passes against itself exactly', () => {
  const r = checkOp(referenceBackend(), 'conv2dBackwardInput', { numRuns: 10, seed: 1, dtype: 'float64' });
  assert.equal(r.ratio, 0);
});
