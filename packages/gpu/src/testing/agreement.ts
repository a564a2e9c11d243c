/**
 * Test support (not part of the built package): checks a backend's matmul and convolution kernels
 * against the cpu reference on fast-check-drawn shapes. The same module runs in Node (webasm) and
 * bundled into a page in headless Chromium (WebGL2), so both paths are held to one standard.
 *
 * The error measure: for a bilinear op y = f(a, b), every output is a sum Σ aᵢbᵢ, and float32
 * rounding of that sum is bounded by a few ulps of Σ|aᵢbᵢ|, which is f(|a|, |b|) computed by the
 * cpu reference. So err = max over outputs of |y_gpu − y_cpu| / f(|a|, |b|), ≈ 1e-7 when right;
 * a wrong index or a missed tap gives an error of order 1.
 */
import { type Backend, type Conv2dGeometry, conv2dGeometry, cpuBackend, Random } from '@nabla/tensor';
import fc from 'fast-check';

export const TOLERANCE = 1e-5;

export interface OpReport {
  op: string;
  cases: number;
  /** The worst error over all cases, by the measure above. */
  maxError: number;
  /** The shape of the worst case, for the failure message. */
  worst: string;
}

function values(rng: Random, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.uniformRange(-1, 1);
  return out;
}

function abs(a: Float32Array): Float32Array {
  return a.map(Math.abs);
}

function relativeError(got: Float32Array, want: Float32Array, scale: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    // An output with no terms (all taps in the padding) must be exactly zero.
    const e = scale[i]! > 0 ? Math.abs(got[i]! - want[i]!) / scale[i]! : Math.abs(got[i]!);
    if (!(e <= worst)) worst = Number.isNaN(e) ? Number.POSITIVE_INFINITY : e;
  }
  return worst;
}

class Tracker {
  report: OpReport;
  constructor(op: string) {
    this.report = { op, cases: 0, maxError: 0, worst: '' };
  }
  add(error: number, shape: string): number {
    this.report.cases++;
    if (error >= this.report.maxError) {
      this.report.maxError = error;
      this.report.worst = shape;
    }
    return error;
  }
}

export interface AgreementOptions {
  /** fast-check runs per op; keep it small in software-rendered WebGL. */
  numRuns: number;
  seed: number;
  /** Largest matrix side drawn. */
  maxSide: number;
}

/** matmul in all four transpose combinations. */
export function checkMatmul(backend: Backend, o: AgreementOptions): OpReport {
  const t = new Tracker('matmul');
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: o.maxSide }),
      fc.integer({ min: 1, max: o.maxSide }),
      fc.integer({ min: 1, max: o.maxSide }),
      fc.boolean(),
      fc.boolean(),
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      (m, k, n, transA, transB, seed) => {
        const shape = `m=${m} k=${k} n=${n} transA=${transA} transB=${transB}`;
        return t.add(matmulError(backend, m, k, n, transA, transB, seed), shape) <= TOLERANCE;
      },
    ),
    { numRuns: o.numRuns, seed: o.seed },
  );
  return t.report;
}

/** A convolution geometry with stride, padding, dilation and groups, small enough for software GL. */
export function convGeometryArbitrary(maxSide: number): fc.Arbitrary<Conv2dGeometry> {
  return fc
    .record({
      batch: fc.integer({ min: 1, max: 2 }),
      groups: fc.integer({ min: 1, max: 3 }),
      inPerGroup: fc.integer({ min: 1, max: 3 }),
      outPerGroup: fc.integer({ min: 1, max: 3 }),
      h: fc.integer({ min: 1, max: maxSide }),
      w: fc.integer({ min: 1, max: maxSide }),
      kh: fc.integer({ min: 1, max: 4 }),
      kw: fc.integer({ min: 1, max: 4 }),
      stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
      padding: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
      dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    })
    .filter((r) => r.h + 2 * r.padding[0] >= r.dilation[0] * (r.kh - 1) + 1)
    .filter((r) => r.w + 2 * r.padding[1] >= r.dilation[1] * (r.kw - 1) + 1)
    .map((r) =>
      conv2dGeometry(
        'convGeometryArbitrary',
        [r.batch, r.groups * r.inPerGroup, r.h, r.w],
        [r.groups * r.outPerGroup, r.inPerGroup, r.kh, r.kw],
        { stride: r.stride, padding: r.padding, dilation: r.dilation, groups: r.groups },
      ),
    );
}

export function describeGeometry(g: Conv2dGeometry): string {
  return (
    `x[${g.batch},${g.inChannels},${g.inHeight},${g.inWidth}] w[${g.outChannels},${g.inChannels / g.groups},` +
    `${g.kernelHeight},${g.kernelWidth}] stride ${g.strideHeight}×${g.strideWidth} pad ${g.padHeight}×${g.padWidth} ` +
    `dilation ${g.dilationHeight}×${g.dilationWidth} groups ${g.groups}`
  );
}

type ConvOp = 'conv2d' | 'conv2dBackwardInput' | 'conv2dBackwardFilter';

/** The error of one convolution primitive on one geometry, against the cpu reference. */
export function convError(backend: Backend, op: ConvOp, g: Conv2dGeometry, seed: number): number {
  const cpu = cpuBackend();
  const rng = new Random(seed);
  const xSize = g.batch * g.inChannels * g.inHeight * g.inWidth;
  const wSize = (g.outChannels * g.inChannels * g.kernelHeight * g.kernelWidth) / g.groups;
  const ySize = g.batch * g.outChannels * g.outHeight * g.outWidth;
  const x = values(rng, xSize);
  const w = values(rng, wSize);
  const dy = values(rng, ySize);
  // Each op is bilinear in its two operands, so the same three calls give result, reference and scale.
  const call = (b: Backend, p: Float32Array, q: Float32Array, out: Float32Array) => {
    if (op === 'conv2d') b.conv2d(p, q, out, g);
    else if (op === 'conv2dBackwardInput') b.conv2dBackwardInput(p, q, out, g);
    else b.conv2dBackwardFilter(p, q, out, g);
  };
  const [p, q, size] =
    op === 'conv2d' ? [x, w, ySize] : op === 'conv2dBackwardInput' ? [dy, w, xSize] : [x, dy, wSize];
  const got = new Float32Array(size);
  const want = new Float32Array(size);
  const scale = new Float32Array(size);
  call(backend, p, q, got);
  call(cpu, p, q, want);
  call(cpu, abs(p), abs(q), scale);
  return relativeError(got, want, scale);
}

/** The error of one matmul, against the cpu reference. */
export function matmulError(
  backend: Backend,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
  seed: number,
): number {
  const cpu = cpuBackend();
  const rng = new Random(seed);
  const a = values(rng, m * k);
  const b = values(rng, k * n);
  const got = new Float32Array(m * n);
  const want = new Float32Array(m * n);
  const scale = new Float32Array(m * n);
  backend.matmul(a, b, got, m, k, n, transA, transB);
  cpu.matmul(a, b, want, m, k, n, transA, transB);
  cpu.matmul(abs(a), abs(b), scale, m, k, n, transA, transB);
  return relativeError(got, want, scale);
}

/**
 * LeNet's own shapes at batch 8 (conv 1→6 5×5 pad 2 on 28×28, conv 6→16 5×5 on 14×14, the fully
 * connected 400→120 forward and both backward products): larger textures than the drawn cases.
 */
export function checkLenetShapes(backend: Backend): OpReport[] {
  const conv1 = conv2dGeometry('lenet', [8, 1, 28, 28], [6, 1, 5, 5], { padding: 2 });
  const conv2 = conv2dGeometry('lenet', [8, 6, 14, 14], [16, 6, 5, 5]);
  const reports: OpReport[] = [];
  for (const op of ['conv2d', 'conv2dBackwardInput', 'conv2dBackwardFilter'] as const) {
    const t = new Tracker(op);
    t.add(convError(backend, op, conv1, 1), describeGeometry(conv1));
    t.add(convError(backend, op, conv2, 2), describeGeometry(conv2));
    reports.push(t.report);
  }
  const t = new Tracker('matmul');
  t.add(matmulError(backend, 8, 400, 120, false, true, 3), 'x·Wᵀ 8×400·(120×400)ᵀ');
  t.add(matmulError(backend, 8, 120, 400, false, false, 4), 'dy·W 8×120·120×400');
  t.add(matmulError(backend, 120, 8, 400, true, false, 5), 'dyᵀ·x (8×120)ᵀ·8×400');
  reports.push(t.report);
  return reports;
}

/** One convolution primitive against the cpu reference. */
export function checkConv(backend: Backend, op: ConvOp, o: AgreementOptions): OpReport {
  const t = new Tracker(op);
  fc.assert(
    fc.property(convGeometryArbitrary(o.maxSide), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (g, seed) => {
      return t.add(convError(backend, op, g, seed), describeGeometry(g)) <= TOLERANCE;
    }),
    { numRuns: o.numRuns, seed: o.seed },
  );
  return t.report;
}

/** All four primitives; throws (with fast-check's counterexample) at the first disagreement. */
export function checkAll(backend: Backend, o: AgreementOptions): OpReport[] {
  return [
    checkMatmul(backend, o),
    checkConv(backend, 'conv2d', o),
    checkConv(backend, 'conv2dBackwardInput', o),
    checkConv(backend, 'conv2dBackwardFilter', o),
  ];
}
