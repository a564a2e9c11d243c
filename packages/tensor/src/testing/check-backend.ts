import fc from 'fast-check';
import {
  type Backend,
  type ChannelEpilogue,
  type ChannelGeometry,
  type Conv2dGeometry,
  type FloatArray,
  type Pool2dGeometry,
  referenceBackend,
} from '../backend.js';
import { Random } from '../random.js';
import {
  channelGeometry,
  convGeometry,
  type MatmulCase,
  matmulCase,
  poolGeometry,
  type ShapeFamily,
} from './arbitraries.js';
import {
  boundFactor,
  type Comparison,
  compareWithBound,
  gamma,
  U_FLOAT32,
  U_FLOAT64,
} from './error-bound.js';

/**
 * The oracle test: a backend's kernels against the reference backend's definitions, on shapes and
 * geometries drawn by fast-check, each output held to the float32 rounding bound of its sum
 * (error-bound.ts): |y − y_ref| ≤ (γ_k(u) + 2γ_k(2⁻⁵³)) · Σ|terms|, with k the number of rounded
 * operations behind the output. Pooling's maximum and ReLU are exact and compared bit for bit.
 */
export type CheckedOp =
  | 'matmul'
  | 'conv2d'
  | 'conv2dBackwardInput'
  | 'conv2dBackwardFilter'
  | 'fusedConv2d'
  | 'maxPool2d'
  | 'maxPool2dBackward'
  | 'avgPool2d'
  | 'avgPool2dBackward'
  | 'relu'
  | 'reluBackward'
  | 'batchNormStatistics'
  | 'batchNormForward'
  | 'batchNormBackwardSums'
  | 'batchNormBackwardInput'
  | 'sumChannels';

export const REQUIRED_OPS: readonly CheckedOp[] = [
  'matmul',
  'conv2d',
  'conv2dBackwardInput',
  'conv2dBackwardFilter',
  'maxPool2d',
  'maxPool2dBackward',
  'avgPool2d',
  'avgPool2dBackward',
];
export const OPTIONAL_OPS: readonly CheckedOp[] = [
  'fusedConv2d',
  'relu',
  'reluBackward',
  'batchNormStatistics',
  'batchNormForward',
  'batchNormBackwardSums',
  'batchNormBackwardInput',
  'sumChannels',
];

export interface CheckOptions {
  /** fast-check runs per op (default 30). */
  numRuns?: number;
  /** fast-check seed; by default a fresh one, printed by fast-check on failure. */
  seed?: number;
  /** The precision of the buffers handed to the backend (default float32). */
  dtype?: 'float32' | 'float64';
  /** Which shapes to draw for matmul and the convolutions (default both families). */
  shapes?: ShapeFamily;
  /** Largest image side (small family) and matrix side (small family). */
  maxSide?: number;
}

export interface CheckReport {
  op: CheckedOp;
  cases: number;
  /** Worst error as a fraction of its bound: at most 1 (0 when every output was exact). */
  ratio: number;
  /** Worst error relative to Σ|terms| (the measured figure; compare with u = 6e-8 for float32). */
  relative: number;
  /** The case of the worst ratio. */
  worst: string;
}

/** Thrown when an output leaves its bound; the message names the op, case, output and bound. */
export class BoundExceededError extends Error {}

type Float = 'float32' | 'float64';
const alloc = (dtype: Float, n: number): FloatArray =>
  dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
const f64 = (a: ArrayLike<number>) => Float64Array.from(a);
const abs = (a: ArrayLike<number>) => Float64Array.from(a, Math.abs);

/** Uniform values in [lo, hi), rounded to the dtype (so the float64 copies are exact). */
function values(rng: Random, n: number, dtype: Float, lo = -1, hi = 1): FloatArray {
  const out = alloc(dtype, n);
  for (let i = 0; i < n; i++) out[i] = rng.uniformRange(lo, hi);
  return out;
}

interface Outcome {
  comparison: Comparison;
  /** What was checked, for the report. */
  label: string;
  /** The bound in words, for a failure message. */
  bound: string;
}

class Tracker {
  report: CheckReport;
  constructor(op: CheckedOp) {
    this.report = { op, cases: 0, ratio: 0, relative: 0, worst: '' };
  }
  add(o: Outcome, got?: ArrayLike<number>, want?: ArrayLike<number>): boolean {
    const r = this.report;
    r.cases++;
    if (o.comparison.relative > r.relative) r.relative = o.comparison.relative;
    if (o.comparison.ratio >= r.ratio) {
      r.ratio = o.comparison.ratio;
      r.worst = o.label;
    }
    if (o.comparison.ratio <= 1) return true;
    const i = o.comparison.worst;
    const detail = got && want ? ` output ${i}: got ${got[i]}, reference ${want[i]}` : ` output ${i}`;
    throw new BoundExceededError(
      `${r.op} on ${o.label}:${detail}; error ${o.comparison.ratio.toExponential(3)}× its bound ${o.bound}`,
    );
  }
}

export function describeConv(g: Conv2dGeometry): string {
  return (
    `x[${g.batch},${g.inChannels},${g.inHeight},${g.inWidth}] w[${g.outChannels},${g.inChannels / g.groups},` +
    `${g.kernelHeight},${g.kernelWidth}] stride ${g.strideHeight}×${g.strideWidth} pad ${g.padHeight}×${g.padWidth} ` +
    `dilation ${g.dilationHeight}×${g.dilationWidth} groups ${g.groups}`
  );
}

export function describePool(g: Pool2dGeometry): string {
  return (
    `x[${g.batch},${g.channels},${g.inHeight},${g.inWidth}] window ${g.kernelHeight}×${g.kernelWidth} ` +
    `stride ${g.strideHeight}×${g.strideWidth} pad ${g.padHeight}×${g.padWidth}`
  );
}

const describeChannels = (g: ChannelGeometry) => `[${g.batch}, ${g.channels}, plane ${g.plane}]`;
const unit = (dtype: Float) => (dtype === 'float32' ? U_FLOAT32 : U_FLOAT64);

/** One matmul against the reference. */
export function matmulOutcome(backend: Backend, c: MatmulCase, seed: number, dtype: Float = 'float32') {
  const ref = referenceBackend();
  const rng = new Random(seed);
  const { m, k, n, transA, transB } = c;
  const a = values(rng, m * k, dtype);
  const b = values(rng, k * n, dtype);
  const got = alloc(dtype, m * n);
  const want = new Float64Array(m * n);
  const scale = new Float64Array(m * n);
  backend.matmul(a, b, got, m, k, n, transA, transB);
  ref.matmul(f64(a), f64(b), want, m, k, n, transA, transB);
  ref.matmul(abs(a), abs(b), scale, m, k, n, transA, transB);
  const factor = boundFactor(k, unit(dtype));
  return {
    got,
    want,
    outcome: {
      comparison: compareWithBound(got, want, scale, factor),
      label: `m=${m} k=${k} n=${n} transA=${transA} transB=${transB}`,
      bound: `γ_${k}·Σ|terms|`,
    },
  };
}

export type ConvOp = 'conv2d' | 'conv2dBackwardInput' | 'conv2dBackwardFilter';

/** Terms behind one output of each convolution kernel (an upper bound where padding drops some). */
export function convTerms(op: ConvOp, g: Conv2dGeometry): number {
  const taps = g.kernelHeight * g.kernelWidth;
  if (op === 'conv2d') return (g.inChannels / g.groups) * taps;
  if (op === 'conv2dBackwardInput') return (g.outChannels / g.groups) * taps;
  return g.batch * g.outHeight * g.outWidth;
}

/** One convolution primitive against the reference: each is bilinear, so the same call on |operands| gives Σ|terms|. */
export function convOutcome(
  backend: Backend,
  op: ConvOp,
  g: Conv2dGeometry,
  seed: number,
  dtype: Float = 'float32',
) {
  const ref = referenceBackend();
  const rng = new Random(seed);
  const xSize = g.batch * g.inChannels * g.inHeight * g.inWidth;
  const wSize = (g.outChannels * g.inChannels * g.kernelHeight * g.kernelWidth) / g.groups;
  const ySize = g.batch * g.outChannels * g.outHeight * g.outWidth;
  const x = values(rng, xSize, dtype);
  const w = values(rng, wSize, dtype);
  const dy = values(rng, ySize, dtype);
  const call = (b: Backend, p: FloatArray, q: FloatArray, out: FloatArray) => {
    if (op === 'conv2d') b.conv2d(p, q, out, g);
    else if (op === 'conv2dBackwardInput') b.conv2dBackwardInput(p, q, out, g);
    else b.conv2dBackwardFilter(p, q, out, g);
  };
  const [p, q, size] =
    op === 'conv2d' ? [x, w, ySize] : op === 'conv2dBackwardInput' ? [dy, w, xSize] : [x, dy, wSize];
  const got = alloc(dtype, size).fill(Number.NaN);
  const want = new Float64Array(size);
  const scale = new Float64Array(size);
  call(backend, p, q, got);
  call(ref, f64(p), f64(q), want);
  call(ref, abs(p), abs(q), scale);
  const k = convTerms(op, g);
  return {
    got,
    want,
    outcome: {
      comparison: compareWithBound(got, want, scale, boundFactor(k, unit(dtype))),
      label: describeConv(g),
      bound: `γ_${k}·Σ|terms|`,
    },
  };
}

/**
 * fusedConv2d against the definition: the reference convolution in float64, then scale·v + shift,
 * then ReLU. The affine map adds three roundings to the convolution's k, and ReLU cannot increase
 * a difference (|max(0,a) − max(0,b)| ≤ |a − b|), so the bound is γ_{k+3}·(|scale|·Σ|terms| + |shift|).
 */
export function fusedConvOutcome(
  backend: Backend,
  g: Conv2dGeometry,
  e: { scale: boolean; shift: boolean; relu: boolean },
  seed: number,
  dtype: Float = 'float32',
) {
  if (!backend.fusedConv2d) throw new Error(`${backend.name} has no fusedConv2d to check`);
  const ref = referenceBackend();
  const rng = new Random(seed);
  const xSize = g.batch * g.inChannels * g.inHeight * g.inWidth;
  const wSize = (g.outChannels * g.inChannels * g.kernelHeight * g.kernelWidth) / g.groups;
  const ySize = g.batch * g.outChannels * g.outHeight * g.outWidth;
  const x = values(rng, xSize, dtype);
  const w = values(rng, wSize, dtype);
  const epilogue: ChannelEpilogue = {
    scale: e.scale ? f64(values(rng, g.outChannels, dtype, -2, 2)) : null,
    shift: e.shift ? f64(values(rng, g.outChannels, dtype)) : null,
    relu: e.relu,
  };
  const got = alloc(dtype, ySize).fill(Number.NaN);
  backend.fusedConv2d(x, w, got, g, epilogue);
  const want = new Float64Array(ySize);
  const scale = new Float64Array(ySize);
  ref.conv2d(f64(x), f64(w), want, g);
  ref.conv2d(abs(x), abs(w), scale, g);
  const plane = g.outHeight * g.outWidth;
  for (let i = 0; i < ySize; i++) {
    const o = Math.floor(i / plane) % g.outChannels;
    const k = epilogue.scale ? epilogue.scale[o]! : 1;
    const t = epilogue.shift ? epilogue.shift[o]! : 0;
    const v = want[i]! * k + t;
    want[i] = e.relu && !(v > 0) ? 0 : v;
    scale[i] = scale[i]! * Math.abs(k) + Math.abs(t);
  }
  const k = convTerms('conv2d', g) + 3;
  return {
    got,
    want,
    outcome: {
      comparison: compareWithBound(got, want, scale, boundFactor(k, unit(dtype))),
      label: `${describeConv(g)} scale ${e.scale} shift ${e.shift} relu ${e.relu}`,
      bound: `γ_${k}·(|scale|·Σ|terms| + |shift|)`,
    },
  };
}

/** Exact comparison (pooling's maximum and ReLU have no rounding): bit for bit, NaN with NaN, +0 apart from −0. */
function exact(got: ArrayLike<number>, want: ArrayLike<number>): Comparison {
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i]))
      return { ratio: Number.POSITIVE_INFINITY, relative: Number.POSITIVE_INFINITY, worst: i };
  }
  return { ratio: 0, relative: 0, worst: -1 };
}

export type PoolOp = 'maxPool2d' | 'maxPool2dBackward' | 'avgPool2d' | 'avgPool2dBackward';

/**
 * One pooling kernel against the reference. Max pooling must match exactly (values and argmax);
 * a NaN planted in some inputs must win its windows. Average pooling: a window sum of at most
 * kh·kw terms and one division, γ_{kh·kw+1}·avgPool(|x|). The backward passes: each input
 * collects at most ⌈kh/sh⌉·⌈kw/sw⌉ window shares (one division each for the average), so
 * γ_{t+1}·(the same kernel on |dy|).
 */
export function poolOutcome(
  backend: Backend,
  op: PoolOp,
  g: Pool2dGeometry,
  countIncludePad: boolean,
  withNaN: boolean,
  seed: number,
  dtype: Float = 'float32',
) {
  const ref = referenceBackend();
  const rng = new Random(seed);
  const inSize = g.batch * g.channels * g.inHeight * g.inWidth;
  const outSize = g.batch * g.channels * g.outHeight * g.outWidth;
  const x = values(rng, inSize, dtype);
  if (withNaN) x[Math.floor(rng.uniformRange(0, inSize))] = Number.NaN;
  const dy = values(rng, outSize, dtype);
  const label = `${describePool(g)}${op.startsWith('avg') ? ` countIncludePad ${countIncludePad}` : ''}${withNaN ? ' with a NaN' : ''}`;
  const overlap = Math.ceil(g.kernelHeight / g.strideHeight) * Math.ceil(g.kernelWidth / g.strideWidth);
  if (op === 'maxPool2d') {
    const got = alloc(dtype, outSize);
    const gotArg = new Int32Array(outSize);
    const want = new Float64Array(outSize);
    const wantArg = new Int32Array(outSize);
    backend.maxPool2d(x, got, gotArg, g);
    ref.maxPool2d(f64(x), want, wantArg, g);
    const values = exact(got, want);
    const args = exact(gotArg, wantArg);
    return {
      got,
      want,
      outcome: {
        comparison: values.ratio > 0 ? values : args,
        label: `${label}${args.ratio > 0 ? ` (argmax differs at ${args.worst}: ${gotArg[args.worst]} vs ${wantArg[args.worst]})` : ''}`,
        bound: 'exact (values and argmax)',
      },
    };
  }
  if (op === 'maxPool2dBackward') {
    const argmax = new Int32Array(outSize);
    ref.maxPool2d(f64(x), new Float64Array(outSize), argmax, g);
    const got = alloc(dtype, inSize).fill(Number.NaN);
    const want = new Float64Array(inSize);
    const scale = new Float64Array(inSize);
    backend.maxPool2dBackward(dy, argmax, got, g);
    ref.maxPool2dBackward(f64(dy), argmax, want, g);
    ref.maxPool2dBackward(abs(dy), argmax, scale, g);
    return {
      got,
      want,
      outcome: {
        comparison: compareWithBound(got, want, scale, boundFactor(overlap, unit(dtype))),
        label,
        bound: `γ_${overlap}·Σ|dy|`,
      },
    };
  }
  const forward = op === 'avgPool2d';
  const got = alloc(dtype, forward ? outSize : inSize).fill(Number.NaN);
  const want = new Float64Array(got.length);
  const scale = new Float64Array(got.length);
  const k = forward ? g.kernelHeight * g.kernelWidth + 1 : overlap + 1;
  if (forward) {
    x.forEach((v, i) => {
      if (Number.isNaN(v)) x[i] = 0;
    });
    backend.avgPool2d(x, got, g, countIncludePad);
    ref.avgPool2d(f64(x), want, g, countIncludePad);
    ref.avgPool2d(abs(x), scale, g, countIncludePad);
  } else {
    backend.avgPool2dBackward(dy, got, g, countIncludePad);
    ref.avgPool2dBackward(f64(dy), want, g, countIncludePad);
    ref.avgPool2dBackward(abs(dy), scale, g, countIncludePad);
  }
  return {
    got,
    want,
    outcome: {
      comparison: compareWithBound(got, want, scale, boundFactor(k, unit(dtype))),
      label: forward ? label.replace(' with a NaN', '') : label,
      bound: `γ_${k}·(the kernel on |operand|)`,
    },
  };
}

/** Values that exercise ReLU's edges: ±0, ±∞, NaN, tiny and huge magnitudes, among ordinary ones. */
function reluInputs(rng: Random, n: number, dtype: Float): FloatArray {
  const special = [
    0,
    -0,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    Number.NaN,
    1e-40,
    -1e-40,
    3e38,
    -3e38,
  ];
  const x = values(rng, n, dtype);
  for (let i = 0; i < n; i++)
    if (rng.uniform() < 0.25) x[i] = special[Math.floor(rng.uniform() * special.length)]!;
  return x;
}

/** relu and reluBackward: exact, bit for bit (+0 for negative inputs and −0). */
export function reluOutcome(
  backend: Backend,
  op: 'relu' | 'reluBackward',
  n: number,
  seed: number,
  dtype: Float = 'float32',
) {
  const ref = referenceBackend();
  const rng = new Random(seed);
  const x = reluInputs(rng, n, dtype);
  const dy = values(rng, n, dtype);
  const got = alloc(dtype, n).fill(Number.NaN);
  const want = alloc(dtype, n);
  if (op === 'relu') {
    backend.relu!(x, got);
    ref.relu!(x, want);
  } else {
    backend.reluBackward!(dy, x, got);
    ref.reluBackward!(dy, x, want);
  }
  return { got, want, outcome: { comparison: exact(got, want), label: `${n} values`, bound: 'exact' } };
}

export type BatchNormOp =
  | 'batchNormStatistics'
  | 'batchNormForward'
  | 'batchNormBackwardSums'
  | 'batchNormBackwardInput';

/**
 * Batch normalization's passes. With m = N·plane values per channel:
 *  - mean: γ_{m+1}·mean|x|. variance (two passes): with δ the error of the mean the kernel used
 *    (γ_{m+1}·mean|x|, plus u·|μ| if it rounds μ to float32), Σ(x − μ̂)² = Σ(x − μ)² + m·δ² exactly,
 *    and each squared difference takes 3 roundings, the sum m − 1, the division 1: |v̂ − v| ≤ δ² + γ_{m+3}·(v + δ²).
 *  - forward (x − μ)·k + t and backward input dy·a − (x − μ)·b − t: a few roundings per output,
 *    including those of the per-channel numbers if the kernel rounds them to float32:
 *    γ_5·((|x| + |μ|)·|k| + |t|) and γ_6·(|dy|·|a| + (|x| + |μ|)·|b| + |t|).
 *  - backward sums: Σ dy within γ_m·Σ|dy|; Σ dy·(x − μ) within γ_{m+2}·Σ|dy|·(|x − μ| + |μ|).
 * Inputs are offset by 0, 3 or 100 so that |μ| ≫ σ is covered.
 */
export function batchNormOutcome(
  backend: Backend,
  op: BatchNormOp,
  g: ChannelGeometry,
  offset: number,
  seed: number,
  dtype: Float = 'float32',
) {
  const ref = referenceBackend();
  const rng = new Random(seed);
  const size = g.batch * g.channels * g.plane;
  const m = g.batch * g.plane;
  const C = g.channels;
  const u = unit(dtype);
  const x = values(rng, size, dtype, offset - 1, offset + 1);
  const dy = values(rng, size, dtype);
  const mean = new Float64Array(C);
  const variance = new Float64Array(C);
  ref.batchNormStatistics!(f64(x), g, mean, variance);
  const perChannel = (lo: number, hi: number) => f64(values(rng, C, dtype, lo, hi));
  const at = (i: number) => Math.floor(i / g.plane) % C;
  const label = `${describeChannels(g)} offset ${offset}`;
  if (op === 'batchNormStatistics') {
    const gotMean = new Float64Array(C).fill(Number.NaN);
    const gotVar = new Float64Array(C).fill(Number.NaN);
    backend.batchNormStatistics!(x, g, gotMean, gotVar);
    const meanAbs = new Float64Array(C);
    for (let i = 0; i < size; i++) meanAbs[at(i)]! += Math.abs(x[i]!) / m;
    const allowed = new Float64Array(2 * C);
    for (let c = 0; c < C; c++) {
      const delta = gamma(m + 1, u) * meanAbs[c]! + u * Math.abs(mean[c]!);
      allowed[c] = meanAbs[c]!;
      allowed[C + c] =
        (delta * delta + gamma(m + 3, u) * (variance[c]! + delta * delta)) / boundFactor(m + 1, u);
    }
    const got = new Float64Array([...gotMean, ...gotVar]);
    const want = new Float64Array([...mean, ...variance]);
    return {
      got,
      want,
      outcome: {
        comparison: compareWithBound(got, want, allowed, boundFactor(m + 1, u)),
        label,
        bound: `mean γ_${m + 1}·mean|x|, variance δ² + γ_${m + 3}·(σ² + δ²)`,
      },
    };
  }
  if (op === 'batchNormBackwardSums') {
    const gotDy = new Float64Array(C).fill(Number.NaN);
    const gotDyXc = new Float64Array(C).fill(Number.NaN);
    backend.batchNormBackwardSums!(dy, x, g, mean, gotDy, gotDyXc);
    const wantDy = new Float64Array(C);
    const wantDyXc = new Float64Array(C);
    ref.batchNormBackwardSums!(f64(dy), f64(x), g, mean, wantDy, wantDyXc);
    const allowed = new Float64Array(2 * C);
    for (let i = 0; i < size; i++) {
      const c = at(i);
      allowed[c]! += Math.abs(dy[i]!) * boundFactor(m, u);
      allowed[C + c]! +=
        Math.abs(dy[i]!) * (Math.abs(x[i]! - mean[c]!) + Math.abs(mean[c]!)) * boundFactor(m + 2, u);
    }
    const got = new Float64Array([...gotDy, ...gotDyXc]);
    const want = new Float64Array([...wantDy, ...wantDyXc]);
    return {
      got,
      want,
      outcome: {
        comparison: compareWithBound(got, want, allowed, 1),
        label,
        bound: `γ_${m}·Σ|dy| and γ_${m + 2}·Σ|dy|·(|x − μ| + |μ|)`,
      },
    };
  }
  const got = alloc(dtype, size).fill(Number.NaN);
  const want = new Float64Array(size);
  const scale = new Float64Array(size);
  if (op === 'batchNormForward') {
    const k = perChannel(-2, 2);
    const t = perChannel(-1, 1);
    backend.batchNormForward!(x, got, g, mean, k, t);
    ref.batchNormForward!(f64(x), want, g, mean, k, t);
    for (let i = 0; i < size; i++) {
      const c = at(i);
      scale[i] = (Math.abs(x[i]!) + Math.abs(mean[c]!)) * Math.abs(k[c]!) + Math.abs(t[c]!);
    }
    return {
      got,
      want,
      outcome: {
        comparison: compareWithBound(got, want, scale, boundFactor(5, u)),
        label,
        bound: 'γ_5·((|x| + |μ|)·|k| + |t|)',
      },
    };
  }
  const a = perChannel(-2, 2);
  const b = perChannel(-2, 2);
  const t = perChannel(-1, 1);
  backend.batchNormBackwardInput!(dy, x, got, g, mean, a, b, t);
  ref.batchNormBackwardInput!(f64(dy), f64(x), want, g, mean, a, b, t);
  for (let i = 0; i < size; i++) {
    const c = at(i);
    scale[i] =
      Math.abs(dy[i]!) * Math.abs(a[c]!) +
      (Math.abs(x[i]!) + Math.abs(mean[c]!)) * Math.abs(b[c]!) +
      Math.abs(t[c]!);
  }
  return {
    got,
    want,
    outcome: {
      comparison: compareWithBound(got, want, scale, boundFactor(6, u)),
      label,
      bound: 'γ_6·(|dy|·|a| + (|x| + |μ|)·|b| + |t|)',
    },
  };
}

/** sumChannels: out[c] = Σ_n Σ_k x[n, c, k], m = N·plane terms: γ_m·Σ|x|. */
export function sumChannelsOutcome(
  backend: Backend,
  g: ChannelGeometry,
  seed: number,
  dtype: Float = 'float32',
) {
  const ref = referenceBackend();
  const rng = new Random(seed);
  const x = values(rng, g.batch * g.channels * g.plane, dtype);
  const got = new Float64Array(g.channels).fill(Number.NaN);
  const want = new Float64Array(g.channels);
  const scale = new Float64Array(g.channels);
  backend.sumChannels!(x, g, got);
  ref.sumChannels!(f64(x), g, want);
  ref.sumChannels!(abs(x), g, scale);
  const m = g.batch * g.plane;
  return {
    got,
    want,
    outcome: {
      comparison: compareWithBound(got, want, scale, boundFactor(m, unit(dtype))),
      label: describeChannels(g),
      bound: `γ_${m}·Σ|x|`,
    },
  };
}

const seedArb = fc.integer({ min: 0, max: 2 ** 31 - 1 });

/** Checks one kernel of `backend` over drawn cases; throws BoundExceededError (inside fast-check's report) on the first violation. */
export function checkOp(backend: Backend, op: CheckedOp, options: CheckOptions = {}): CheckReport {
  const t = new Tracker(op);
  const dtype = options.dtype ?? 'float32';
  const shapes = options.shapes ?? 'both';
  const maxSide = options.maxSide;
  const params = {
    numRuns: options.numRuns ?? 30,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  };
  const run = <T>(
    arb: fc.Arbitrary<T>,
    body: (c: T, seed: number) => { got?: ArrayLike<number>; want?: ArrayLike<number>; outcome: Outcome },
  ) => {
    try {
      fc.assert(
        fc.property(arb, seedArb, (c, seed) => {
          const r = body(c, seed);
          return t.add(r.outcome, r.got, r.want);
        }),
        params,
      );
    } catch (e) {
      // fast-check reports the (shrunk) counterexample and seed; the cause says which output broke which bound.
      const cause = (e as Error).cause;
      const why = cause instanceof Error ? cause.message : String(cause ?? 'failed');
      throw new BoundExceededError(`${backend.name} ${why}\n${(e as Error).message}`, { cause: e });
    }
  };
  switch (op) {
    case 'matmul':
      run(matmulCase(shapes, maxSide), (c, seed) => matmulOutcome(backend, c, seed, dtype));
      break;
    case 'conv2d':
    case 'conv2dBackwardInput':
    case 'conv2dBackwardFilter':
      run(convGeometry(shapes, maxSide), (g, seed) => convOutcome(backend, op, g, seed, dtype));
      break;
    case 'fusedConv2d':
      run(
        fc.tuple(
          convGeometry(shapes, maxSide),
          fc.record({ scale: fc.boolean(), shift: fc.boolean(), relu: fc.boolean() }),
        ),
        ([g, e], seed) => fusedConvOutcome(backend, g, e, seed, dtype),
      );
      break;
    case 'maxPool2d':
    case 'maxPool2dBackward':
    case 'avgPool2d':
    case 'avgPool2dBackward':
      run(
        fc.tuple(poolGeometry(maxSide), fc.boolean(), fc.boolean()),
        ([g, countIncludePad, withNaN], seed) =>
          poolOutcome(backend, op, g, countIncludePad, withNaN && op === 'maxPool2d', seed, dtype),
      );
      break;
    case 'relu':
    case 'reluBackward':
      run(fc.integer({ min: 1, max: 300 }), (n, seed) => reluOutcome(backend, op, n, seed, dtype));
      break;
    case 'sumChannels':
      run(channelGeometry(), (g, seed) => sumChannelsOutcome(backend, g, seed, dtype));
      break;
    default:
      run(fc.tuple(channelGeometry(), fc.constantFrom(0, 3, 100)), ([g, offset], seed) =>
        batchNormOutcome(backend, op, g, offset, seed, dtype),
      );
  }
  return t.report;
}

/**
 * Checks every required kernel of `backend` and every optional one it provides (those it lacks run
 * the reference itself, so there is nothing to compare). Returns one report per kernel.
 */
export function checkBackend(backend: Backend, options: CheckOptions = {}): CheckReport[] {
  const ops = [
    ...REQUIRED_OPS,
    ...OPTIONAL_OPS.filter((op) => typeof backend[op as keyof Backend] === 'function'),
  ];
  return ops.map((op) => checkOp(backend, op, options));
}
