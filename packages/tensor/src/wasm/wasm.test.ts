import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  type Backend,
  backendFor,
  backendSelection,
  type Conv2dGeometry,
  getBackend,
  referenceBackend,
  setBackend,
} from '../backend.js';
import { conv2dGeometry } from '../conv.js';
import { Random } from '../random.js';
import { checkBackend, OPTIONAL_OPS, propertyParameters, REQUIRED_OPS } from '../testing/index.js';
import { createWasmBackend } from './index.js';
import { decodeBase64 } from './instance.js';
import { wasmSimdSupport } from './simd.js';

fc.configureGlobal(propertyParameters());

/**
 * The wasm kernels against the definition. The oracle is the reference backend run on float64
 * copies of the same float32 inputs (exact to ~1e-16 relative, far below float32's rounding), and
 * the bound is float32's: an output that sums T terms t_i in float32, in any order and grouping,
 * is off by at most γ_T·Σ|t_i| with γ_T = T·u/(1 − T·u), u = 2⁻²⁴ (Higham, Accuracy and Stability
 * of Numerical Algorithms, §3.1 and §4.2). Σ|t_i| is the same kernel run on |inputs| in float64.
 * The products of float32 inputs are exact in float64, so nothing else enters the bound.
 */
const U = 2 ** -24;
const gamma = (t: number) => (t * U) / (1 - t * U);

const oracle = referenceBackend();
const wasm = createWasmBackend();

function random(length: number, rng: Random): Float32Array {
  const a = new Float32Array(length);
  for (let i = 0; i < length; i++) a[i] = rng.uniformRange(-1, 1);
  return a;
}
const f64 = (a: Float32Array) => Float64Array.from(a);
const abs64 = (a: Float32Array) => Float64Array.from(a, Math.abs);

/** Asserts |got − exact| ≤ γ_T·mag (+ the float32 rounding of the exact value) entry by entry. */
function within(what: string, got: Float32Array, exact: Float64Array, mag: Float64Array, terms: number) {
  assert.equal(got.length, exact.length);
  const g = gamma(terms);
  for (let i = 0; i < got.length; i++) {
    const err = Math.abs(got[i]! - exact[i]!);
    const bound = g * mag[i]! + U * Math.abs(exact[i]!) + 1e-30;
    if (!(err <= bound))
      assert.fail(`${what}: entry ${i} is ${got[i]}, exact ${exact[i]}, error ${err} > bound ${bound}`);
  }
}

test('WebAssembly SIMD is detected in this Node, and the embedded module decodes to a wasm binary', () => {
  assert.deepEqual(wasmSimdSupport(), { ok: true, reason: 'WebAssembly SIMD (128-bit) is available' });
  const bytes = decodeBase64('AGFzbQEAAAA=');
  assert.deepEqual([...bytes], [0, 97, 115, 109, 1, 0, 0, 0]);
  assert.equal(wasm.name, 'wasm');
  assert.equal(wasm.supportsFloat64, false);
});

test('every wasm kernel agrees with the reference backend within the float32 bound of Σ|terms| (shared checker)', () => {
  // The shared checker (testing/check-backend.ts): random shapes and geometries (strides, padding,
  // dilation, groups, pool windows, sizes at the GEMM's tile and block edges), bound
  // (γ_k(2⁻²⁴) + 2γ_k(2⁻⁵³))·Σ|terms| per output; pooling and ReLU bit-exact.
  const reports = checkBackend(wasm, { numRuns: 40 });
  assert.deepEqual(
    reports.map((r) => r.op),
    [...REQUIRED_OPS, ...OPTIONAL_OPS],
  );
  for (const r of reports)
    assert.ok(r.cases > 0 && r.ratio <= 1, `${r.op}: ${r.ratio} of its bound at ${r.worst}`);
});

/** Sizes that cross the micro-tile (4×8), the packing blocks (64 rows, 256 columns, 256 deep) and their edges. */
const dim = fc.oneof(
  fc.integer({ min: 1, max: 20 }),
  fc.constantFrom(3, 4, 5, 7, 8, 9, 63, 64, 65, 255, 256, 257),
  fc.integer({ min: 1, max: 300 }),
);

test('matmul (all four transposes) stays within float32 rounding of Σ|terms| on random shapes', () => {
  fc.assert(
    fc.property(
      dim,
      dim,
      dim,
      fc.boolean(),
      fc.boolean(),
      fc.integer({ min: 0, max: 1 << 30 }),
      (m, k, n, transA, transB, seed) => {
        fc.pre(m * k * n <= 3_000_000);
        const rng = new Random(seed);
        const a = random(m * k, rng);
        const b = random(k * n, rng);
        const out = new Float32Array(m * n).fill(Number.NaN);
        wasm.matmul(a, b, out, m, k, n, transA, transB);
        const exact = new Float64Array(m * n);
        oracle.matmul(f64(a), f64(b), exact, m, k, n, transA, transB);
        const mag = new Float64Array(m * n);
        oracle.matmul(abs64(a), abs64(b), mag, m, k, n, transA, transB);
        within(`matmul ${m}×${k}·${k}×${n} tA=${transA} tB=${transB}`, out, exact, mag, k);
      },
    ),
    { numRuns: 60 },
  );
});

test('matmul with k = 0 writes zeros, and a NaN in an operand reaches the output', () => {
  const out = new Float32Array(6).fill(7);
  wasm.matmul(new Float32Array(0), new Float32Array(0), out, 2, 0, 3, false, false);
  assert.deepEqual([...out], [0, 0, 0, 0, 0, 0]);
  const a = new Float32Array([1, Number.NaN, 2, 3]);
  const c = new Float32Array(4);
  wasm.matmul(a, new Float32Array([1, 0, 0, 1]), c, 2, 2, 2, false, false);
  assert.ok(Number.isNaN(c[0]!) && Number.isNaN(c[1]!));
  assert.deepEqual([...c.subarray(2)], [2, 3]);
});

interface ConvCase {
  n: number;
  cig: number;
  cog: number;
  groups: number;
  h: number;
  w: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  ph: number;
  pw: number;
  dh: number;
  dw: number;
  seed: number;
}

/** Geometries with strides, padding (up to past the kernel), dilation, groups and widths that cross the 8-column tile. */
const convCase: fc.Arbitrary<ConvCase> = fc
  .record({
    n: fc.integer({ min: 1, max: 3 }),
    cig: fc.integer({ min: 1, max: 6 }),
    cog: fc.integer({ min: 1, max: 10 }),
    groups: fc.integer({ min: 1, max: 3 }),
    h: fc.integer({ min: 1, max: 12 }),
    w: fc.integer({ min: 1, max: 20 }),
    kh: fc.integer({ min: 1, max: 5 }),
    kw: fc.integer({ min: 1, max: 5 }),
    sh: fc.integer({ min: 1, max: 3 }),
    sw: fc.integer({ min: 1, max: 3 }),
    ph: fc.integer({ min: 0, max: 3 }),
    pw: fc.integer({ min: 0, max: 3 }),
    dh: fc.integer({ min: 1, max: 3 }),
    dw: fc.integer({ min: 1, max: 3 }),
    seed: fc.integer({ min: 0, max: 1 << 30 }),
  })
  .filter((c) => c.h + 2 * c.ph >= c.dh * (c.kh - 1) + 1 && c.w + 2 * c.pw >= c.dw * (c.kw - 1) + 1);

function geometry(c: ConvCase): Conv2dGeometry {
  return conv2dGeometry('test', [c.n, c.cig * c.groups, c.h, c.w], [c.cog * c.groups, c.cig, c.kh, c.kw], {
    stride: [c.sh, c.sw],
    padding: [c.ph, c.pw],
    dilation: [c.dh, c.dw],
    groups: c.groups,
  });
}

/** Runs kernel `k` of `b` on float32 operands. */
function runConv(
  b: Backend,
  k: 'forward' | 'input' | 'filter',
  g: Conv2dGeometry,
  p: Float32Array,
  q: Float32Array,
) {
  const xLen = g.batch * g.inChannels * g.inHeight * g.inWidth;
  const yLen = g.batch * g.outChannels * g.outHeight * g.outWidth;
  const wLen = (g.outChannels * g.inChannels * g.kernelHeight * g.kernelWidth) / g.groups;
  if (k === 'forward') {
    const out = new Float32Array(yLen).fill(Number.NaN);
    b.conv2d(p, q, out, g);
    return out;
  }
  if (k === 'input') {
    const out = new Float32Array(xLen).fill(Number.NaN);
    b.conv2dBackwardInput(p, q, out, g);
    return out;
  }
  const out = new Float32Array(wLen).fill(Number.NaN);
  b.conv2dBackwardFilter(p, q, out, g);
  return out;
}

/** The same on float64 copies (the oracle) or their absolute values (Σ|terms|). */
function runConv64(k: 'forward' | 'input' | 'filter', g: Conv2dGeometry, p: Float64Array, q: Float64Array) {
  const xLen = g.batch * g.inChannels * g.inHeight * g.inWidth;
  const yLen = g.batch * g.outChannels * g.outHeight * g.outWidth;
  const wLen = (g.outChannels * g.inChannels * g.kernelHeight * g.kernelWidth) / g.groups;
  const out = new Float64Array(k === 'forward' ? yLen : k === 'input' ? xLen : wLen);
  if (k === 'forward') oracle.conv2d(p, q, out, g);
  else if (k === 'input') oracle.conv2dBackwardInput(p, q, out, g);
  else oracle.conv2dBackwardFilter(p, q, out, g);
  return out;
}

test('conv2d forward and both gradients stay within float32 rounding of Σ|terms| over random geometries', () => {
  fc.assert(
    fc.property(convCase, (c) => {
      const g = geometry(c);
      const rng = new Random(c.seed);
      const x = random(g.batch * g.inChannels * g.inHeight * g.inWidth, rng);
      const w = random((g.outChannels * c.cig * g.kernelHeight * g.kernelWidth) | 0, rng);
      const dy = random(g.batch * g.outChannels * g.outHeight * g.outWidth, rng);
      const taps = c.cig * c.kh * c.kw;
      const what = JSON.stringify(c);
      // Terms per output: forward Ci/g·kh·kw; input gradient at most Co/g·kh·kw; filter gradient N·Ho·Wo.
      within(
        `conv2d ${what}`,
        runConv(wasm, 'forward', g, x, w),
        runConv64('forward', g, f64(x), f64(w)),
        runConv64('forward', g, abs64(x), abs64(w)),
        taps,
      );
      within(
        `conv2dBackwardInput ${what}`,
        runConv(wasm, 'input', g, dy, w),
        runConv64('input', g, f64(dy), f64(w)),
        runConv64('input', g, abs64(dy), abs64(w)),
        c.cog * c.kh * c.kw,
      );
      within(
        `conv2dBackwardFilter ${what}`,
        runConv(wasm, 'filter', g, x, dy),
        runConv64('filter', g, f64(x), f64(dy)),
        runConv64('filter', g, abs64(x), abs64(dy)),
        g.batch * g.outHeight * g.outWidth,
      );
    }),
    { numRuns: 150 },
  );
});

test('LeNet-sized convolutions (batch 8, 28² and 14², 3×3 pad 1) agree with the definition', () => {
  for (const [ci, co, size] of [
    [1, 16, 28],
    [16, 32, 14],
    [32, 64, 7],
  ] as const) {
    const g = conv2dGeometry('test', [8, ci, size, size], [co, ci, 3, 3], { padding: 1 });
    const rng = new Random(ci + co);
    const x = random(8 * ci * size * size, rng);
    const w = random(co * ci * 9, rng);
    const dy = random(8 * co * size * size, rng);
    within(
      'forward',
      runConv(wasm, 'forward', g, x, w),
      runConv64('forward', g, f64(x), f64(w)),
      runConv64('forward', g, abs64(x), abs64(w)),
      ci * 9,
    );
    within(
      'input',
      runConv(wasm, 'input', g, dy, w),
      runConv64('input', g, f64(dy), f64(w)),
      runConv64('input', g, abs64(dy), abs64(w)),
      co * 9,
    );
    within(
      'filter',
      runConv(wasm, 'filter', g, x, dy),
      runConv64('filter', g, f64(x), f64(dy)),
      runConv64('filter', g, abs64(x), abs64(dy)),
      8 * size * size,
    );
  }
});

test('the fused epilogue applies scale, shift and ReLU per channel; ReLU passes NaN and turns −0 into +0', () => {
  // A 1×1 convolution with weight 1 over 2 channels of 9 pixels (the SIMD body and its scalar tail).
  const g = conv2dGeometry('test', [1, 2, 3, 3], [2, 1, 1, 1], { groups: 2 });
  const x = new Float32Array(18);
  for (let i = 0; i < 18; i++) x[i] = i - 9;
  x[2] = Number.NaN;
  x[12] = Number.NaN;
  const out = new Float32Array(18);
  wasm.fusedConv2d!(x, new Float32Array([1, 1]), out, g, {
    scale: new Float64Array([2, 0.5]),
    shift: new Float64Array([1, -1]),
    relu: true,
  });
  const want = Array.from(x, (v, i) => {
    const y = i < 9 ? 2 * v + 1 : 0.5 * v - 1;
    return Number.isNaN(y) ? y : Math.max(0, y);
  });
  assert.deepEqual([...out], want);
  const zeros = new Float32Array(18).fill(-0);
  wasm.fusedConv2d!(zeros, new Float32Array([1, 1]), out, g, { scale: null, shift: null, relu: true });
  assert.ok(out.every((v) => Object.is(v, 0)));
});

test('max pooling matches the reference exactly with ties, NaNs and −∞ (2×2/2 SIMD path, its tail, general windows)', () => {
  fc.assert(
    fc.property(
      fc.record({
        n: fc.integer({ min: 1, max: 3 }),
        c: fc.integer({ min: 1, max: 3 }),
        h: fc.integer({ min: 1, max: 12 }),
        w: fc.integer({ min: 1, max: 21 }),
        k: fc.integer({ min: 1, max: 3 }),
        s: fc.integer({ min: 1, max: 3 }),
        p: fc.integer({ min: 0, max: 1 }),
        twoByTwo: fc.boolean(),
        seed: fc.integer({ min: 0, max: 1 << 30 }),
      }),
      ({ n, c, h, w, k, s, p, twoByTwo, seed }) => {
        const [kk, ss, pp] = twoByTwo ? [2, 2, 0] : [k, s, Math.min(p, k - 1)];
        fc.pre(h + 2 * pp >= kk && w + 2 * pp >= kk);
        const g = {
          batch: n,
          channels: c,
          inHeight: h,
          inWidth: w,
          kernelHeight: kk,
          kernelWidth: kk,
          strideHeight: ss,
          strideWidth: ss,
          padHeight: pp,
          padWidth: pp,
          outHeight: Math.floor((h + 2 * pp - kk) / ss) + 1,
          outWidth: Math.floor((w + 2 * pp - kk) / ss) + 1,
        };
        const rng = new Random(seed);
        // Values on a coarse grid (many ties), a few NaNs and −∞.
        const x = Float32Array.from({ length: n * c * h * w }, () => {
          const r = rng.uniform();
          return r < 0.05
            ? Number.NaN
            : r < 0.1
              ? Number.NEGATIVE_INFINITY
              : Math.round(4 * rng.uniformRange(-1, 1)) / 4;
        });
        const count = n * c * g.outHeight * g.outWidth;
        const got = { y: new Float32Array(count).fill(7), at: new Int32Array(count).fill(-7) };
        const want = { y: new Float64Array(count), at: new Int32Array(count) };
        wasm.maxPool2d(x, got.y, got.at, g);
        oracle.maxPool2d(f64(x), want.y, want.at, g);
        assert.deepEqual([...got.at], [...want.at]);
        assert.deepEqual([...got.y], [...want.y]);
      },
    ),
    { numRuns: 200 },
  );
});

test("setBackend('auto') picks wasm here and says why; setBackend by name says so; the float64 path stays on cpu", () => {
  const previous = getBackend().name;
  try {
    assert.equal(setBackend('auto').name, 'wasm');
    assert.deepEqual(backendSelection(), {
      name: 'wasm',
      reason: 'automatic: WebAssembly SIMD (128-bit) is available',
    });
    setBackend('cpu');
    assert.deepEqual(backendSelection(), { name: 'cpu', reason: "set with setBackend('cpu')" });
    setBackend('wasm');
    assert.equal(backendFor(new Float64Array(1)).name, 'cpu');
    assert.equal(backendFor(new Float32Array(1)).name, 'wasm');
  } finally {
    setBackend(previous);
  }
});
