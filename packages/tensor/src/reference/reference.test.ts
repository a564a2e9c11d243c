// The reference backend is the oracle, so it is checked by mathematics rather than by another
// implementation: each gradient kernel must be the adjoint of its forward (⟨f(x), dy⟩ = ⟨x, f*(dy)⟩
// in float64 for linear maps), the convolution must equal im2col followed by a matrix product,
// small cases are worked by hand, and batch norm's statistics satisfy their defining identities.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { ChannelGeometry, Conv2dGeometry, Pool2dGeometry } from '../backend.js';
import { getBackend, setBackend } from '../backend.js';
import { conv2d, im2col } from '../conv.js';
import { fromTypedArray } from '../creation.js';
import { matmul } from '../matmul.js';
import { Random } from '../random.js';
import { channelGeometry, convGeometry, poolGeometry } from '../testing/arbitraries.js';
import { propertyParameters } from '../testing/index.js';
import { createReferenceBackend } from './index.js';

fc.configureGlobal(propertyParameters());

const ref = createReferenceBackend();

function draw(n: number, seed: number): Float64Array {
  const rng = new Random(seed);
  return Float64Array.from({ length: n }, () => rng.uniformRange(-1, 1));
}
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};
const abs = (a: Float64Array) => a.map(Math.abs);
/** Adjoint identities hold to float64 rounding of Σ|terms|. */
function close(a: number, b: number, scale: number, what: string) {
  assert.ok(Math.abs(a - b) <= 1e-12 * (scale + 1e-300), `${what}: ${a} vs ${b}`);
}

test('matmul by hand, in all four transposes', () => {
  const a = Float64Array.of(1, 2, 3, 4, 5, 6); // 2×3
  const b = Float64Array.of(7, 8, 9, 10, 11, 12); // 3×2
  const out = new Float64Array(4);
  ref.matmul(a, b, out, 2, 3, 2, false, false);
  assert.deepEqual([...out], [58, 64, 139, 154]);
  // Aᵀ stored 3×2 = [1 4; 2 5; 3 6], Bᵀ stored 2×3 = [7 9 11; 8 10 12].
  ref.matmul(
    Float64Array.of(1, 4, 2, 5, 3, 6),
    Float64Array.of(7, 9, 11, 8, 10, 12),
    out,
    2,
    3,
    2,
    true,
    true,
  );
  assert.deepEqual([...out], [58, 64, 139, 154]);
});

// #region conv2d-by-hand
test('conv2d by hand: a 2×2 kernel with stride 1, padding 1 on a 2×2 image', () => {
  const g: Conv2dGeometry = {
    batch: 1,
    inChannels: 1,
    inHeight: 2,
    inWidth: 2,
    outChannels: 1,
    kernelHeight: 2,
    kernelWidth: 2,
    strideHeight: 1,
    strideWidth: 1,
    padHeight: 1,
    padWidth: 1,
    dilationHeight: 1,
    dilationWidth: 1,
    groups: 1,
    outHeight: 3,
    outWidth: 3,
  };
  const y = new Float64Array(9);
  ref.conv2d(Float64Array.of(1, 2, 3, 4), Float64Array.of(1, 10, 100, 1000), y, g);
  // y[i,j] = Σ w[u,v]·x[i+u−1, j+v−1]: the corner sees only x[0,0] under w[1,1], and so on.
  assert.deepEqual([...y], [1000, 2100, 200, 3010, 4321, 402, 30, 43, 4]);
});
// #endregion conv2d-by-hand

test('the convolution gradients are the adjoints of the convolution, and conv2d is im2col then matmul', () => {
  fc.assert(
    fc.property(convGeometry('small', 7), fc.integer({ min: 0, max: 1 << 30 }), (g, seed) => {
      const x = draw(g.batch * g.inChannels * g.inHeight * g.inWidth, seed);
      const w = draw((g.outChannels * g.inChannels * g.kernelHeight * g.kernelWidth) / g.groups, seed + 1);
      const dy = draw(g.batch * g.outChannels * g.outHeight * g.outWidth, seed + 2);
      const y = new Float64Array(dy.length);
      const dx = new Float64Array(x.length);
      const dw = new Float64Array(w.length);
      ref.conv2d(x, w, y, g);
      ref.conv2dBackwardInput(dy, w, dx, g);
      ref.conv2dBackwardFilter(x, dy, dw, g);
      const scaleY = new Float64Array(y.length);
      ref.conv2d(abs(x), abs(w), scaleY, g);
      const scale = dot(scaleY, abs(dy));
      // ⟨conv(x, w), dy⟩ = ⟨x, dx⟩ = ⟨w, dw⟩: one trilinear form read three ways.
      close(dot(y, dy), dot(x, dx), scale, 'input adjoint');
      close(dot(y, dy), dot(w, dw), scale, 'filter adjoint');
      if (g.groups === 1 && g.batch === 1) {
        const opts = {
          stride: [g.strideHeight, g.strideWidth] as const,
          padding: [g.padHeight, g.padWidth] as const,
          dilation: [g.dilationHeight, g.dilationWidth] as const,
        };
        const cols = im2col(
          fromTypedArray(x, [1, g.inChannels, g.inHeight, g.inWidth]),
          [g.kernelHeight, g.kernelWidth],
          opts,
        );
        const W = fromTypedArray(w, [g.outChannels, g.inChannels * g.kernelHeight * g.kernelWidth]);
        const viaColumns = matmul(W, cols.reshape(cols.shape.slice(1))).values();
        for (let i = 0; i < y.length; i++) close(y[i]!, viaColumns[i]!, scaleY[i]!, `im2col y[${i}]`);
      }
    }),
    { numRuns: 80 },
  );
});

test('pooling: average pooling and its gradient are adjoint; max pooling routes each gradient to its winner', () => {
  fc.assert(
    fc.property(
      poolGeometry(9),
      fc.boolean(),
      fc.integer({ min: 0, max: 1 << 30 }),
      (g: Pool2dGeometry, includePad, seed) => {
        const x = draw(g.batch * g.channels * g.inHeight * g.inWidth, seed);
        const dy = draw(g.batch * g.channels * g.outHeight * g.outWidth, seed + 1);
        const y = new Float64Array(dy.length);
        const dx = new Float64Array(x.length);
        ref.avgPool2d(x, y, g, includePad);
        ref.avgPool2dBackward(dy, dx, g, includePad);
        close(dot(y, dy), dot(x, dx), x.length + dy.length, 'avg adjoint');
        const argmax = new Int32Array(dy.length);
        ref.maxPool2d(x, y, argmax, g);
        for (let o = 0; o < y.length; o++) assert.equal(y[o], x[argmax[o]!], 'the max is the winner');
        ref.maxPool2dBackward(dy, argmax, dx, g);
        close(dot(y, dy), dot(x, dx), x.length + dy.length, 'max: ⟨y, dy⟩ = ⟨x, dx⟩ with the winners fixed');
      },
    ),
    { numRuns: 80 },
  );
  // Ties: the first maximum in scan order wins; a NaN wins outright.
  const g: Pool2dGeometry = {
    batch: 1,
    channels: 1,
    inHeight: 2,
    inWidth: 2,
    kernelHeight: 2,
    kernelWidth: 2,
    strideHeight: 2,
    strideWidth: 2,
    padHeight: 0,
    padWidth: 0,
    outHeight: 1,
    outWidth: 1,
  };
  const y = new Float64Array(1);
  const arg = new Int32Array(1);
  ref.maxPool2d(Float64Array.of(1, 3, 3, 2), y, arg, g);
  assert.deepEqual([y[0], arg[0]], [3, 1]);
  ref.maxPool2d(Float64Array.of(1, 3, Number.NaN, 5), y, arg, g);
  assert.ok(Number.isNaN(y[0]!));
  assert.equal(arg[0], 2);
});

test('batch norm: the normalized output has mean 0 and variance 1 per channel; the sums are those of the definition', () => {
  fc.assert(
    fc.property(channelGeometry(), fc.integer({ min: 0, max: 1 << 30 }), (g: ChannelGeometry, seed) => {
      const m = g.batch * g.plane;
      fc.pre(m >= 2);
      const x = draw(g.batch * g.channels * g.plane, seed).map((v) => 50 + v);
      const mean = new Float64Array(g.channels);
      const variance = new Float64Array(g.channels);
      ref.batchNormStatistics!(x, g, mean, variance);
      const inv = variance.map((v) => 1 / Math.sqrt(v));
      const y = new Float64Array(x.length);
      ref.batchNormForward!(x, y, g, mean, inv, new Float64Array(g.channels));
      const again = { mean: new Float64Array(g.channels), variance: new Float64Array(g.channels) };
      ref.batchNormStatistics!(y, g, again.mean, again.variance);
      for (let c = 0; c < g.channels; c++) {
        if (variance[c]! < 1e-6) continue;
        assert.ok(Math.abs(again.mean[c]!) < 1e-9, `mean ${again.mean[c]}`);
        assert.ok(Math.abs(again.variance[c]! - 1) < 1e-9, `variance ${again.variance[c]}`);
      }
      const dy = draw(x.length, seed + 1);
      const sumDy = new Float64Array(g.channels);
      const sumDyXc = new Float64Array(g.channels);
      ref.batchNormBackwardSums!(dy, x, g, mean, sumDy, sumDyXc);
      // Σ dy·(x − μ) = Σ dy·x − μ·Σ dy.
      for (let c = 0; c < g.channels; c++) {
        let dyx = 0;
        for (let n = 0; n < g.batch; n++)
          for (let k = 0; k < g.plane; k++)
            dyx += dy[(n * g.channels + c) * g.plane + k]! * x[(n * g.channels + c) * g.plane + k]!;
        assert.ok(Math.abs(sumDyXc[c]! - (dyx - mean[c]! * sumDy[c]!)) < 1e-9 * (1 + Math.abs(dyx)));
      }
    }),
    { numRuns: 60 },
  );
});

test("setBackend('reference') runs the NDArray kernels on the reference", () => {
  const before = getBackend().name;
  try {
    const b = setBackend('reference');
    assert.equal(b.name, 'reference');
    const x = fromTypedArray(Float32Array.of(1, 2, 3, 4), [1, 1, 2, 2]);
    const w = fromTypedArray(Float32Array.of(1, 10, 100, 1000), [1, 1, 2, 2]);
    assert.deepEqual(
      [...conv2d(x, w, { padding: 1 }).values()],
      [1000, 2100, 200, 3010, 4321, 402, 30, 43, 4],
    );
  } finally {
    setBackend(before);
  }
});
