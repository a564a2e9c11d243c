import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Conv2dOptions } from './conv.js';
import {
  col2im,
  conv2d,
  conv2dBackwardFilter,
  conv2dBackwardInput,
  conv2dGeometry,
  fusedConv2d,
  im2col,
} from './conv.js';
import { fromTypedArray } from './creation.js';
import { ShapeError, ValueError } from './errors.js';
import type { NDArray } from './ndarray.js';
import { concat } from './join.js';
import { Random } from './random.js';

interface Case {
  n: number;
  ci: number;
  co: number;
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
  groups: number;
  seed: number;
}

/** Draws convolutions whose kernel fits the padded input: 1-sized dims, strides, padding, dilation, groups. */
const convCase = fc
  .record({
    n: fc.integer({ min: 1, max: 3 }),
    cig: fc.integer({ min: 1, max: 3 }),
    cog: fc.integer({ min: 1, max: 5 }),
    groups: fc.integer({ min: 1, max: 3 }),
    h: fc.integer({ min: 1, max: 9 }),
    w: fc.integer({ min: 1, max: 9 }),
    kh: fc.integer({ min: 1, max: 4 }),
    kw: fc.integer({ min: 1, max: 4 }),
    sh: fc.integer({ min: 1, max: 3 }),
    sw: fc.integer({ min: 1, max: 3 }),
    ph: fc.integer({ min: 0, max: 2 }),
    pw: fc.integer({ min: 0, max: 2 }),
    dh: fc.integer({ min: 1, max: 2 }),
    dw: fc.integer({ min: 1, max: 2 }),
    seed: fc.integer({ min: 0, max: 1 << 30 }),
  })
  .filter((c) => c.h + 2 * c.ph >= c.dh * (c.kh - 1) + 1 && c.w + 2 * c.pw >= c.dw * (c.kw - 1) + 1)
  .map((c): Case => ({ ...c, ci: c.cig * c.groups, co: c.cog * c.groups }));

function options(c: Case): Conv2dOptions {
  return { stride: [c.sh, c.sw], padding: [c.ph, c.pw], dilation: [c.dh, c.dw], groups: c.groups };
}

function randomArray(shape: number[], seed: number, dtype: 'float32' | 'float64'): NDArray {
  const rng = new Random(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const data = dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
  for (let i = 0; i < size; i++) data[i] = rng.uniformRange(-1, 1);
  return fromTypedArray(data, shape);
}

/**
 * The definition, in float64, one output at a time:
 * y[n,o,i,j] = Σ_c Σ_u Σ_v w[o,c,u,v] · x[n, g·Ci/g + c, i·s − p + u·d, j·s − p + v·d].
 * The two gradients are the same sum read backwards: each term w·x adds dy·w to dx and dy·x to dw.
 */
function reference(c: Case, x: ArrayLike<number>, w: ArrayLike<number>, dy: ArrayLike<number>) {
  const ho = Math.floor((c.h + 2 * c.ph - c.dh * (c.kh - 1) - 1) / c.sh) + 1;
  const wo = Math.floor((c.w + 2 * c.pw - c.dw * (c.kw - 1) - 1) / c.sw) + 1;
  const cig = c.ci / c.groups;
  const cog = c.co / c.groups;
  const y = new Float64Array(c.n * c.co * ho * wo);
  const dx = new Float64Array(c.n * c.ci * c.h * c.w);
  const dw = new Float64Array(c.co * cig * c.kh * c.kw);
  // Scale for the error bound: the sum of |terms| of each output.
  const mag = new Float64Array(y.length);
  for (let n = 0; n < c.n; n++) {
    for (let o = 0; o < c.co; o++) {
      const gr = Math.floor(o / cog);
      for (let i = 0; i < ho; i++) {
        for (let j = 0; j < wo; j++) {
          const yi = ((n * c.co + o) * ho + i) * wo + j;
          for (let ch = 0; ch < cig; ch++) {
            for (let u = 0; u < c.kh; u++) {
              for (let v = 0; v < c.kw; v++) {
                const yy = i * c.sh - c.ph + u * c.dh;
                const xx = j * c.sw - c.pw + v * c.dw;
                if (yy < 0 || yy >= c.h || xx < 0 || xx >= c.w) continue;
                const xi = ((n * c.ci + gr * cig + ch) * c.h + yy) * c.w + xx;
                const wi = ((o * cig + ch) * c.kh + u) * c.kw + v;
                y[yi]! += w[wi]! * x[xi]!;
                mag[yi]! += Math.abs(w[wi]! * x[xi]!);
                dx[xi]! += dy[yi]! * w[wi]!;
                dw[wi]! += dy[yi]! * x[xi]!;
              }
            }
          }
        }
      }
    }
  }
  return { y, dx, dw, mag, shape: [c.n, c.co, ho, wo] };
}

function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number,
  what: string,
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const err = Math.abs(actual[i]! - e);
    if (!(err <= tol * (1 + Math.abs(e))))
      assert.fail(`${what}[${i}]: got ${actual[i]}, expected ${e} (error ${err})`);
  }
}

for (const dtype of ['float64', 'float32'] as const) {
  const tol = dtype === 'float64' ? 1e-12 : 2e-5;
  test(`conv2d and both backward kernels match the float64 definition (${dtype}, drawn geometries)`, () => {
    fc.assert(
      fc.property(convCase, (c) => {
        const x = randomArray([c.n, c.ci, c.h, c.w], c.seed, dtype);
        const w = randomArray([c.co, c.ci / c.groups, c.kh, c.kw], c.seed + 1, dtype);
        const g = conv2dGeometry('test', x.shape, w.shape, options(c));
        const dy = randomArray([c.n, c.co, g.outHeight, g.outWidth], c.seed + 2, dtype);
        const ref = reference(c, x.data, w.data, dy.data);
        const y = conv2d(x, w, options(c));
        assert.deepEqual(y.shape, ref.shape);
        assert.equal(y.dtype, dtype);
        assertClose(y.data, ref.y, tol, 'y');
        assertClose(conv2dBackwardInput(dy, w, x.shape, options(c)).data, ref.dx, tol, 'dx');
        assertClose(conv2dBackwardFilter(x, dy, w.shape, options(c)).data, ref.dw, tol * 4, 'dw');
      }),
      { numRuns: dtype === 'float64' ? 150 : 60 },
    );
  });
}

test('conv2d at LeNet-like sizes (batch folded into long products, reduction past one block) matches the definition', () => {
  // 40 images of 9×9 make 3240 windows (several column strips); 12 input channels × 3×3 = 108 taps,
  // and the filter gradient reduces over all 3240 windows (many reduction blocks).
  const c: Case = {
    n: 40,
    ci: 12,
    co: 10,
    h: 9,
    w: 9,
    kh: 3,
    kw: 3,
    sh: 1,
    sw: 1,
    ph: 1,
    pw: 1,
    dh: 1,
    dw: 1,
    groups: 2,
    seed: 7,
  };
  const x = randomArray([c.n, c.ci, c.h, c.w], 1, 'float32');
  const w = randomArray([c.co, c.ci / c.groups, c.kh, c.kw], 2, 'float32');
  const dy = randomArray([c.n, c.co, 9, 9], 3, 'float32');
  const ref = reference(c, x.data, w.data, dy.data);
  assertClose(conv2d(x, w, options(c)).data, ref.y, 1e-5, 'y');
  assertClose(conv2dBackwardInput(dy, w, x.shape, options(c)).data, ref.dx, 1e-5, 'dx');
  assertClose(conv2dBackwardFilter(x, dy, w.shape, options(c)).data, ref.dw, 1e-5, 'dw');
});

test('the backward kernels are the adjoints of conv2d: <conv(x,w), dy> = <x, dX(dy,w)> = <w, dW(x,dy)>', () => {
  fc.assert(
    fc.property(convCase, (c) => {
      const x = randomArray([c.n, c.ci, c.h, c.w], c.seed, 'float64');
      const w = randomArray([c.co, c.ci / c.groups, c.kh, c.kw], c.seed + 1, 'float64');
      const y = conv2d(x, w, options(c));
      const dy = randomArray(y.shape.slice(), c.seed + 2, 'float64');
      const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
        let s = 0;
        for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
        return s;
      };
      const lhs = dot(y.data, dy.data);
      const viaInput = dot(x.data, conv2dBackwardInput(dy, w, x.shape, options(c)).data);
      const viaFilter = dot(w.data, conv2dBackwardFilter(x, dy, w.shape, options(c)).data);
      assert.ok(Math.abs(lhs - viaInput) <= 1e-10 * (1 + Math.abs(lhs)), `${lhs} vs ${viaInput}`);
      assert.ok(Math.abs(lhs - viaFilter) <= 1e-10 * (1 + Math.abs(lhs)), `${lhs} vs ${viaFilter}`);
    }),
    { numRuns: 60 },
  );
});

test('conv2d reads non-contiguous views and mixed dtypes (promoting to float64)', () => {
  const base = randomArray([2, 5, 6, 3], 11, 'float32');
  const x = base.permute([0, 1, 3, 2]).slice([null, [1, 4], null, null]); // [2,3,3,6], strided
  const w = randomArray([4, 3, 2, 2], 12, 'float64');
  const y = conv2d(x, w, { padding: 1 });
  const xc = x.astype('float64').contiguous();
  const c: Case = {
    n: 2,
    ci: 3,
    co: 4,
    h: 3,
    w: 6,
    kh: 2,
    kw: 2,
    sh: 1,
    sw: 1,
    ph: 1,
    pw: 1,
    dh: 1,
    dw: 1,
    groups: 1,
    seed: 0,
  };
  const ref = reference(c, xc.data, w.data, new Float64Array(2 * 4 * 4 * 7));
  assert.equal(y.dtype, 'float64');
  assertClose(y.data, ref.y, 1e-12, 'y');
});

test('im2col lays out patches as columns and col2im is its adjoint', () => {
  fc.assert(
    fc.property(convCase, (c) => {
      const opts = {
        stride: [c.sh, c.sw] as const,
        padding: [c.ph, c.pw] as const,
        dilation: [c.dh, c.dw] as const,
      };
      const x = randomArray([c.n, c.ci, c.h, c.w], c.seed, 'float64');
      const cols = im2col(x, [c.kh, c.kw], opts);
      // conv2d with groups = 1 is W·im2col(x) per image.
      const w = randomArray([c.co, c.ci, c.kh, c.kw], c.seed + 1, 'float64');
      const y = conv2d(x, w, opts);
      const [n, rows, plane] = cols.shape as [number, number, number];
      for (let b = 0; b < n; b++) {
        for (let o = 0; o < c.co; o++) {
          for (let q = 0; q < plane; q++) {
            let s = 0;
            for (let r = 0; r < rows; r++)
              s += w.data[o * rows + r]! * cols.data[(b * rows + r) * plane + q]!;
            const got = y.data[(b * c.co + o) * plane + q]!;
            assert.ok(Math.abs(got - s) <= 1e-12 * (1 + Math.abs(s)));
          }
        }
      }
      const back = randomArray(cols.shape.slice(), c.seed + 3, 'float64');
      const img = col2im(back, x.shape, [c.kh, c.kw], opts);
      let lhs = 0;
      let rhs = 0;
      for (let i = 0; i < cols.size; i++) lhs += cols.data[i]! * back.data[i]!;
      for (let i = 0; i < x.size; i++) rhs += x.data[i]! * img.data[i]!;
      assert.ok(Math.abs(lhs - rhs) <= 1e-10 * (1 + Math.abs(lhs)));
    }),
    { numRuns: 40 },
  );
});

test('conv2d refuses bad geometry with errors that name the op and the shapes', () => {
  const x = randomArray([1, 4, 5, 5], 0, 'float32');
  assert.throws(
    () => conv2d(x, randomArray([2, 3, 3, 3], 0, 'float32')),
    (e: unknown) => {
      assert.ok(e instanceof ShapeError);
      assert.match(
        e.message,
        /^conv2d: filter \[2,3,3,3\] expects 3 input channels.*input \[1,4,5,5\] has 4/,
      );
      return true;
    },
  );
  assert.throws(
    () => conv2d(x, randomArray([3, 2, 3, 3], 0, 'float32'), { groups: 2 }),
    /conv2d: groups 2 must divide.*output channels 3/,
  );
  assert.throws(
    () => conv2d(x, randomArray([2, 4, 7, 7], 0, 'float32')),
    /conv2d: a 7×7 kernel .* does not fit input 5×5/,
  );
  assert.throws(() => conv2d(x, randomArray([2, 4, 3, 3], 0, 'float32'), { stride: 0 }), ValueError);
  assert.throws(
    () => conv2d(x, randomArray([2, 4, 3, 3], 0, 'float32'), { padding: -1 }),
    /conv2d: padding must be an integer >= 0/,
  );
  assert.throws(() => conv2d(x, randomArray([2, 4, 3, 3], 0, 'float32'), { dilation: 1.5 }), ValueError);
  assert.throws(
    () => conv2d(randomArray([4, 5, 5], 0, 'float32'), randomArray([2, 4, 3, 3], 0, 'float32')),
    /conv2d: input must be NCHW \(rank 4\), got \[4,5,5\]/,
  );
  const w = randomArray([2, 4, 3, 3], 0, 'float32');
  assert.throws(
    () => conv2dBackwardInput(randomArray([1, 2, 2, 2], 0, 'float32'), w, x.shape),
    /conv2dBackwardInput: output gradient must have shape \[1,2,3,3\], got \[1,2,2,2\]/,
  );
  assert.throws(
    () => conv2dBackwardFilter(x, randomArray([1, 3, 3, 3], 0, 'float32'), w.shape),
    /conv2dBackwardFilter: output gradient must have shape \[1,2,3,3\]/,
  );
});

test('fusedConv2d equals the convolution followed by scale, shift and ReLU per channel', () => {
  fc.assert(
    fc.property(
      convCase,
      fc.boolean(),
      fc.boolean(),
      fc.boolean(),
      fc.constantFrom('float32' as const, 'float64' as const),
      (c, withScale, withShift, relu, dtype) => {
        const x = randomArray([c.n, c.ci, c.h, c.w], c.seed, dtype);
        const w = randomArray([c.co, c.ci / c.groups, c.kh, c.kw], c.seed + 1, dtype);
        const scale = withScale ? randomArray([c.co], c.seed + 2, 'float64') : null;
        const shift = withShift ? randomArray([c.co], c.seed + 3, 'float32') : null;
        const opts = {
          stride: [c.sh, c.sw],
          padding: [c.ph, c.pw],
          dilation: [c.dh, c.dw],
          groups: c.groups,
        } as const;
        const plain = conv2d(x, w, opts).values();
        const fused = fusedConv2d(x, w, opts, { scale, shift, relu });
        assert.equal(fused.dtype, dtype);
        const y = fused.values();
        const plane = fused.shape[2]! * fused.shape[3]!;
        // The fused store applies the epilogue to the float64 sum before rounding, the reference to
        // the rounded output: one rounding of the output type apart, measured against |k·y| + |t|.
        const eps = dtype === 'float32' ? 2e-7 : 1e-15;
        for (let i = 0; i < y.length; i++) {
          const o = Math.floor(i / plane) % c.co;
          const k = scale ? scale.values()[o]! : 1;
          const t = shift ? shift.values()[o]! : 0;
          let want = plain[i]! * k + t;
          if (relu) want = Math.max(0, want);
          const bound = 2 * eps * (Math.abs(plain[i]! * k) + Math.abs(t)) + 1e-30;
          assert.ok(Math.abs(y[i]! - want) <= bound, `y[${i}] = ${y[i]}, expected ${want}`);
        }
      },
    ),
    { numRuns: 60 },
  );
  const x = randomArray([1, 2, 4, 4], 0, 'float32');
  const w = randomArray([3, 2, 3, 3], 1, 'float32');
  assert.throws(
    () => fusedConv2d(x, w, {}, { shift: randomArray([2], 0, 'float32') }),
    /conv2d: epilogue shift must be a float \[3\] \(one per output channel\), got float32 \[2\]/,
  );
  // ReLU passes a NaN through rather than hiding it as 0 (as the relu op does).
  const nanInput = fromTypedArray(new Float32Array(16).fill(Number.NaN), [1, 1, 4, 4]);
  const y = fusedConv2d(nanInput, randomArray([1, 1, 3, 3], 2, 'float32'), {}, { relu: true });
  assert.ok(y.values().every(Number.isNaN));
});

test('single-channel 3×3 convolutions (a grayscale first layer) take direct loops: forward bit-identical to the GEMM, filter gradient equal to the definition', () => {
  fc.assert(
    fc.property(
      fc.record({
        n: fc.integer({ min: 1, max: 3 }),
        co: fc.integer({ min: 1, max: 6 }),
        h: fc.integer({ min: 1, max: 12 }),
        w: fc.integer({ min: 1, max: 12 }),
        ph: fc.integer({ min: 0, max: 2 }),
        pw: fc.integer({ min: 0, max: 2 }),
        relu: fc.boolean(),
        seed: fc.integer({ min: 0, max: 1 << 30 }),
      }),
      (c) => {
        fc.pre(c.h + 2 * c.ph >= 3 && c.w + 2 * c.pw >= 3);
        const opts = { padding: [c.ph, c.pw] } as const;
        const x = randomArray([c.n, 1, c.h, c.w], c.seed, 'float32');
        const w = randomArray([c.co, 1, 3, 3], c.seed + 1, 'float32');
        const epilogue = {
          scale: randomArray([c.co], c.seed + 2, 'float32'),
          shift: randomArray([c.co], c.seed + 3, 'float32'),
          relu: c.relu,
        };
        // The same sums through the GEMM: a second input channel of zeros adds only ±0 products
        // after the nine real taps, which leaves every float64 sum as it was.
        const zeros = fromTypedArray(new Float32Array(c.n * c.h * c.w), [c.n, 1, c.h, c.w]);
        const x2 = concat([x, zeros], 1);
        const w2 = concat([w, randomArray([c.co, 1, 3, 3], c.seed + 4, 'float32')], 1);
        assert.deepEqual(conv2d(x, w, opts).values(), conv2d(x2, w2, opts).values());
        assert.deepEqual(
          fusedConv2d(x, w, opts, epilogue).values(),
          fusedConv2d(x2, w2, opts, epilogue).values(),
        );
        // The filter gradient against the definition, in float64.
        const x64 = randomArray([c.n, 1, c.h, c.w], c.seed + 5, 'float64');
        const ho = c.h + 2 * c.ph - 2;
        const wo = c.w + 2 * c.pw - 2;
        const dy = randomArray([c.n, c.co, ho, wo], c.seed + 6, 'float64');
        const dw = conv2dBackwardFilter(x64, dy, [c.co, 1, 3, 3], opts).values();
        const xv = x64.values();
        const dv = dy.values();
        for (let o = 0; o < c.co; o++) {
          for (let tap = 0; tap < 9; tap++) {
            const [i, j] = [Math.floor(tap / 3), tap % 3];
            let want = 0;
            let magnitude = 0;
            for (let b = 0; b < c.n; b++)
              for (let oy = 0; oy < ho; oy++)
                for (let ox = 0; ox < wo; ox++) {
                  const y = oy - c.ph + i;
                  const xx = ox - c.pw + j;
                  if (y < 0 || y >= c.h || xx < 0 || xx >= c.w) continue;
                  const term = dv[((b * c.co + o) * ho + oy) * wo + ox]! * xv[(b * c.h + y) * c.w + xx]!;
                  want += term;
                  magnitude += Math.abs(term);
                }
            const got = dw[o * 9 + tap]!;
            assert.ok(
              Math.abs(got - want) <= 1e-14 * (magnitude + 1e-300),
              `dw[${o}, ${i}, ${j}] = ${got}, want ${want}`,
            );
          }
        }
      },
    ),
    { numRuns: 80 },
  );
});
