import * as nd from '@nabla/tensor';
import { type NDArray, Random } from '@nabla/tensor';
import { gradcheck } from './gradcheck.js';
import {
  avgPoolCases,
  batchNormCases,
  binaryCrossEntropyCases,
  convCases,
  crossEntropyCases,
  divCases,
  dropoutCases,
  leakyReluCases,
  linearCases,
  localResponseNormCases,
  lossCases,
  matmulCases,
  maxCases,
  maxPoolCases,
  meanCases,
  type OpCases,
  powCases,
  randomDraw,
  sigmoidCases,
  softmaxCases,
  tanhCases,
  varianceCases,
} from './gradcheck-cases.js';
import type { BatchNormOptions, LocalResponseNormOptions, LossOptions } from './ops/index.js';
import * as ag from './ops/index.js';
import { fromOp, type Tensor, Tensor as TensorClass } from './tensor.js';

/**
 * The mutation suite — the test of the gradient checks. Each mutant is an op whose forward pass is
 * right and whose backward pass carries one deliberate, realistic bug: a dropped term, a wrong
 * sign, a transposed factor, an off-by-one window, a missing 1/n. A mutant is a separate function
 * built with `fromOp`, plugged into the very case builders the real op is checked with
 * (gradcheck-cases.ts), so no real op file is edited. Every mutant must fail the check; the real
 * ops pass the same cases (gradcheck-suite.test.ts).
 */
export interface Mutant {
  /** The op and what is broken in its backward. */
  name: string;
  /** The cases it is checked on: the real op's case builder with the mutant plugged in. */
  cases: OpCases;
  /** The same builder with the same pinned parameters and the real op: these must pass. */
  real: OpCases;
}

/** A mutant and the real op, drawn by one case builder (`build(impl)`; `build()` is the real op's). */
function mutant<F>(name: string, build: (impl?: F) => OpCases, impl: F): Mutant {
  return { name, cases: build(impl), real: build() };
}

// ——— local response normalization (ops/local-response-norm.ts), written out once with its bugs ———

type LrnBug = 'cross-term dropped' | 'window mirrored' | 'exponent −β, not −β−1' | 'cross-term sign';

function lrnMutant(bug: LrnBug) {
  return (x: Tensor, options: LocalResponseNormOptions = {}): Tensor => {
    const { size = 5, alpha = 1e-4, beta = 0.75, k = 2 } = options;
    const [n, c, h, w] = x.shape as [number, number, number, number];
    const hw = h * w;
    const before = Math.floor(size / 2);
    const after = Math.floor((size - 1) / 2);
    const X = x.data.values();
    const s = new Float64Array(X.length);
    const y = new Float64Array(X.length);
    const at = (i: number, ch: number, p: number) => (i * c + ch) * hw + p;
    for (let i = 0; i < n; i++)
      for (let p = 0; p < hw; p++)
        for (let ch = 0; ch < c; ch++) {
          let sq = 0;
          for (let q = Math.max(0, ch - before); q <= Math.min(c - 1, ch + after); q++)
            sq += X[at(i, q, p)]! ** 2;
          s[at(i, ch, p)] = k + (alpha / size) * sq;
          y[at(i, ch, p)] = X[at(i, ch, p)]! * s[at(i, ch, p)]! ** -beta;
        }
    return fromOp('lrnMutant', [x], new nd.NDArray(y, x.shape), (dyArray) => {
      const dy = dyArray.values();
      const dx = new Float64Array(X.length);
      const power = bug === 'exponent −β, not −β−1' ? -beta : -beta - 1;
      // The channels whose window holds j: j − after … j + before (mirrored: j − before … j + after).
      const [lo, hi] = bug === 'window mirrored' ? [before, after] : [after, before];
      const sign = bug === 'cross-term sign' ? -1 : 1;
      for (let i = 0; i < n; i++)
        for (let p = 0; p < hw; p++)
          for (let j = 0; j < c; j++) {
            let acc = 0;
            for (let ch = Math.max(0, j - lo); ch <= Math.min(c - 1, j + hi); ch++)
              acc += dy[at(i, ch, p)]! * X[at(i, ch, p)]! * s[at(i, ch, p)]! ** power;
            const cross =
              bug === 'cross-term dropped' ? 0 : ((2 * alpha * beta) / size) * X[at(i, j, p)]! * acc;
            dx[at(i, j, p)] = dy[at(i, j, p)]! * s[at(i, j, p)]! ** -beta - sign * cross;
          }
      return [new nd.NDArray(dx, x.shape)];
    });
  };
}

// ——— batch normalization (ops/batch-norm.ts), the course's equations with one term broken ———

type BatchNormBug = 'mean of dy dropped' | 'x̂·Σdy·x̂ dropped' | 'dγ without 1/σ' | 'batch terms in evaluation';

function batchNormMutant(bug: BatchNormBug) {
  return (
    x: Tensor,
    gamma: Tensor | null,
    beta: Tensor | null,
    runningMean: NDArray,
    runningVar: NDArray,
    options: BatchNormOptions,
  ): Tensor => {
    const { training, eps = 1e-5 } = options;
    const [n, c] = x.shape as [number, number];
    const hw = x.ndim === 4 ? x.shape[2]! * x.shape[3]! : 1;
    const m = n * hw;
    const X = x.data.values();
    const g = gamma ? gamma.data.values() : null;
    const b = beta ? beta.data.values() : null;
    const ch = (i: number) => Math.floor(i / hw) % c;
    const mean = new Float64Array(c);
    const variance = new Float64Array(c);
    if (training) {
      for (let i = 0; i < X.length; i++) mean[ch(i)]! += X[i]! / m;
      for (let i = 0; i < X.length; i++) variance[ch(i)]! += (X[i]! - mean[ch(i)]!) ** 2 / m;
    } else {
      mean.set(runningMean.values());
      variance.set(runningVar.values());
    }
    const invStd = variance.map((v) => 1 / Math.sqrt(v + eps));
    const xHat = X.map((v, i) => (v - mean[ch(i)]!) * invStd[ch(i)]!);
    const y = xHat.map((v, i) => (g ? g[ch(i)]! : 1) * v + (b ? b[ch(i)]! : 0));
    const inputs = [x, ...(gamma ? [gamma] : []), ...(beta ? [beta] : [])];
    return fromOp('batchNormMutant', inputs, new nd.NDArray(y, x.shape), (dyArray) => {
      const dy = dyArray.values();
      const sumDy = new Float64Array(c);
      const sumDyXHat = new Float64Array(c);
      for (let i = 0; i < dy.length; i++) {
        sumDy[ch(i)]! += dy[i]!;
        sumDyXHat[ch(i)]! += dy[i]! * xHat[i]!;
      }
      const batchTerms = training || bug === 'batch terms in evaluation';
      const dx = dy.map((d, i) => {
        const k = (g ? g[ch(i)]! : 1) * invStd[ch(i)]!;
        if (!batchTerms) return k * d;
        // dx = (γ/(m·σ)) · (m·dy − Σdy − x̂·Σdy·x̂)
        const meanTerm = bug === 'mean of dy dropped' ? 0 : sumDy[ch(i)]!;
        const xHatTerm = bug === 'x̂·Σdy·x̂ dropped' ? 0 : xHat[i]! * sumDyXHat[ch(i)]!;
        return (k / m) * (m * d - meanTerm - xHatTerm);
      });
      const dGamma = sumDyXHat.map((v, j) => (bug === 'dγ without 1/σ' ? v / invStd[j]! : v));
      return [
        new nd.NDArray(dx, x.shape),
        ...(gamma ? [new nd.NDArray(dGamma, [c])] : []),
        ...(beta ? [new nd.NDArray(sumDy, [c])] : []),
      ];
    });
  };
}

// ——— convolution: a direct-loop backward for the filter, and the input's with the kernel unflipped ———

/** dw[o, c, u, v] = Σ dy[n, o, i, j] · x[n, g·C/G + c, i·s + u·d − p, j·s + v·d − p]; the mutant forgets s. */
function filterGradient(
  x: NDArray,
  dy: NDArray,
  wShape: readonly number[],
  o: nd.Conv2dOptions,
  strideOne: boolean,
) {
  const [n, ci, h, w] = x.shape as [number, number, number, number];
  const [co, cg, kh, kw] = wShape as [number, number, number, number];
  const [, , ho, wo] = dy.shape as [number, number, number, number];
  const pairOf = (v: nd.Pair | undefined, fallback: number) =>
    typeof v === 'number' ? [v, v] : v ? [v[0], v[1]] : [fallback, fallback];
  const [sh, sw] = strideOne ? [1, 1] : pairOf(o.stride, 1);
  const [ph, pw] = pairOf(o.padding as nd.Pair | undefined, 0);
  const [dh, dw] = pairOf(o.dilation, 1);
  const groups = o.groups ?? 1;
  const X = x.values();
  const DY = dy.values();
  const out = new Float64Array(co * cg * kh * kw);
  for (let oc = 0; oc < co; oc++) {
    const group = Math.floor(oc / (co / groups));
    for (let c = 0; c < cg; c++)
      for (let u = 0; u < kh; u++)
        for (let v = 0; v < kw; v++) {
          let acc = 0;
          for (let b = 0; b < n; b++)
            for (let i = 0; i < ho; i++)
              for (let j = 0; j < wo; j++) {
                const r = i * sh + u * dh - ph;
                const q = j * sw + v * dw - pw;
                if (r < 0 || r >= h || q < 0 || q >= w) continue;
                acc +=
                  DY[((b * co + oc) * ho + i) * wo + j]! * X[((b * ci + group * cg + c) * h + r) * w + q]!;
              }
          out[((oc * cg + c) * kh + u) * kw + v] = acc;
        }
  }
  return new nd.NDArray(out, wShape.slice());
}

/** w[o, c, kh − 1 − u, kw − 1 − v]: the kernel turned by 180°. */
function flipKernel(w: NDArray): NDArray {
  const [co, cg, kh, kw] = w.shape as [number, number, number, number];
  const W = w.values();
  const out = new Float64Array(W.length);
  for (let p = 0; p < co * cg; p++)
    for (let u = 0; u < kh; u++)
      for (let v = 0; v < kw; v++) out[(p * kh + u) * kw + v] = W[(p * kh + kh - 1 - u) * kw + kw - 1 - v]!;
  return new nd.NDArray(out, w.shape);
}

type ConvBug = 'dw ignores the stride' | 'dx with the kernel unflipped' | 'db from the first example only';

function convMutant(bug: ConvBug) {
  return (x: Tensor, weight: Tensor, bias?: Tensor | null, options: nd.Conv2dOptions = {}): Tensor => {
    let y = nd.conv2d(x.data, weight.data, options);
    if (bias) y = nd.add(y, bias.data.reshape([1, bias.size, 1, 1]));
    const inputs = bias ? [x, weight, bias] : [x, weight];
    return fromOp('conv2dMutant', inputs, y, (dy) => {
      // Flipping the kernel in both spatial axes turns the transposed convolution into a correlation.
      const flipped = bug === 'dx with the kernel unflipped' ? flipKernel(weight.data) : weight.data;
      const db =
        bug === 'db from the first example only'
          ? nd.sum(dy.slice([[0, 1]]), [0, 2, 3])
          : nd.sum(dy, [0, 2, 3]);
      return [
        nd.conv2dBackwardInput(dy, flipped, x.shape, options),
        bug === 'dw ignores the stride'
          ? filterGradient(x.data, dy, weight.shape, options, true)
          : filterGradient(x.data, dy, weight.shape, options, false),
        bias ? db : null,
      ];
    });
  };
}

// ——— pooling ———

/** Max pooling whose gradient goes to the argmax's right-hand neighbour: a window off by one column. */
function maxPoolShifted(x: Tensor, kernel: nd.Pair, options: nd.Pool2dOptions = {}): Tensor {
  const { out, argmax } = nd.maxPool2d(x.data, kernel, options);
  const width = x.shape[3]!;
  const shifted = argmax.map((at) => (at >= 0 && (at % width) + 1 < width ? at + 1 : at));
  return fromOp('maxPoolMutant', [x], out, (dy) => [
    nd.maxPool2dBackward(dy, shifted, x.shape, kernel, options),
  ]);
}

/** Average pooling that divides every window's gradient by the full kernel area, padding or not. */
function avgPoolFullDivisor(x: Tensor, kernel: nd.Pair, options: nd.AvgPool2dOptions = {}): Tensor {
  return fromOp('avgPoolMutant', [x], nd.avgPool2d(x.data, kernel, options), (dy) => [
    nd.avgPool2dBackward(dy, x.shape, kernel, { ...options, countIncludePad: true }),
  ]);
}

// ——— the rest: a line each ———

const softmaxNoOuter = (x: Tensor, axis = -1) => {
  const y = nd.softmax(x.data, axis);
  return fromOp('softmaxMutant', [x], y, (dy) => [nd.mul(y, dy)]);
};
const softmaxSign = (x: Tensor, axis = -1) => {
  const y = nd.softmax(x.data, axis);
  return fromOp('softmaxMutant', [x], y, (dy) => [nd.mul(y, nd.add(dy, nd.sum(nd.mul(dy, y), axis, true)))]);
};
const logSoftmaxNoSum = (x: Tensor, axis = -1) => {
  const y = nd.logSoftmax(x.data, axis);
  return fromOp('logSoftmaxMutant', [x], y, (dy) => [nd.sub(dy, nd.mul(nd.exp(y), dy))]);
};

/** Cross-entropy whose gradient is softmax − t whatever Σt (issue 13's bug 1), or whose mean forgets 1/N. */
function crossEntropyMutant(bug: 'softmax − t' | 'mean without 1/N') {
  return (logits: Tensor, target: ag.CrossEntropyTarget, options: LossOptions = {}): Tensor => {
    const reduction = options.reduction ?? 'mean';
    const [n, c] = logits.shape as [number, number];
    const logp = nd.logSoftmax(logits.data, -1);
    const probs = target instanceof Int32Array ? null : (target as Tensor);
    let t: NDArray;
    if (probs) t = probs.data;
    else {
      t = nd.zeros([n, c], 'float64');
      (target as Int32Array).forEach((l, i) => {
        t.data[i * c + l] = 1;
      });
    }
    const perExample = nd.neg(nd.sum(nd.mul(t, logp), 1));
    const out =
      reduction === 'none' ? perExample : reduction === 'sum' ? nd.sum(perExample) : nd.mean(perExample);
    return fromOp('crossEntropyMutant', probs ? [logits, probs] : [logits], out, (dy) => {
      const scale =
        reduction === 'none'
          ? dy.reshape([n, 1])
          : dy.item() / (reduction === 'mean' && bug !== 'mean without 1/N' ? n : 1);
      const p = nd.exp(logp);
      const dz = bug === 'softmax − t' ? nd.sub(p, t) : nd.sub(nd.mul(p, nd.sum(t, 1, true)), t);
      return [nd.mul(dz, scale), probs ? nd.neg(nd.mul(logp, scale)) : null];
    });
  };
}

const meanWithoutN = (x: Tensor, axis?: nd.Axis, keepdims = false) => {
  const y = nd.mean(x.data, axis, keepdims);
  const kept = nd.mean(x.data, axis, true).shape;
  return fromOp('meanMutant', [x], y, (dy) => [dy.reshape(kept).expand(x.shape).contiguous()]);
};
const maxToAll = (x: Tensor, axis?: nd.Axis, keepdims = false) => {
  const kept = nd.max(x.data, axis, true).shape;
  return fromOp('maxMutant', [x], nd.max(x.data, axis, keepdims), (dy) => [
    dy.reshape(kept).expand(x.shape).contiguous(),
  ]);
};
const varianceIgnoresCorrection = (x: Tensor, axis?: nd.Axis, keepdims = false, correction = 0) => {
  const n = x.size / nd.mean(x.data, axis, true).size;
  const kept = nd.mean(x.data, axis, true).shape;
  return fromOp('varianceMutant', [x], nd.variance(x.data, axis, keepdims, correction), (dy) => [
    nd.mul(nd.sub(x.data, nd.mean(x.data, axis, true)), nd.div(dy.reshape(kept), n / 2)),
  ]);
};
/** dA = dC·B instead of dC·Bᵀ (shape-consistent for square B). */
const matmulUntransposed = (a: Tensor, b: Tensor) =>
  fromOp('matmulMutant', [a, b], nd.matmul(a.data, b.data), (dy) => [
    nd.sumToShape(nd.matmul(dy, b.data), a.shape),
    nd.sumToShape(nd.matmul(a.data, dy, { transA: true }), b.shape),
  ]);
/** The bias gradient of one example, not the batch's sum. */
const linearBiasFirstRow = (x: Tensor, weight: Tensor, bias?: Tensor | null) => {
  const o = weight.shape[0]!;
  const rows = x.data.reshape([-1, weight.shape[1]!]);
  let y = nd.matmul(rows, weight.data, { transB: true });
  if (bias) y = nd.add(y, bias.data);
  return fromOp(
    'linearMutant',
    bias ? [x, weight, bias] : [x, weight],
    y.reshape([...x.shape.slice(0, -1), o]),
    (dy) => {
      const d = dy.reshape([-1, o]);
      return [
        nd.matmul(d, weight.data).reshape(x.shape),
        nd.matmul(d, rows, { transA: true }),
        bias ? d.slice([0]).contiguous() : null,
      ];
    },
  );
};
const sigmoidSign = (x: Tensor) => {
  const y = nd.sigmoid(x.data);
  return fromOp('sigmoidMutant', [x], y, (dy) => [nd.mul(dy, nd.mul(y, nd.add(1, y)))]);
};
const tanhNoSquare = (x: Tensor) => {
  const y = nd.tanh(x.data);
  return fromOp('tanhMutant', [x], y, (dy) => [nd.mul(dy, nd.sub(1, y))]);
};
const leakyReluNoSlope = (x: Tensor, slope = 0.01) =>
  fromOp('leakyReluMutant', [x], nd.leakyRelu(x.data, slope), (dy) => [nd.reluBackward(dy, x.data)]);
/** ∂(a/b)/∂b = −a/b instead of −a/b². */
const divNoSquare = (a: Tensor, b: Tensor) =>
  fromOp('divMutant', [a, b], nd.div(a.data, b.data), (dy) => [
    nd.sumToShape(nd.div(dy, b.data), a.shape),
    nd.sumToShape(nd.neg(nd.div(nd.mul(dy, a.data), b.data)), b.shape),
  ]);
/** d(xᵖ)/dx = p·xᵖ instead of p·xᵖ⁻¹. */
const powOffByOne = (x: Tensor, p: number) =>
  fromOp('powMutant', [x], nd.pow(x.data, p), (dy) => [nd.mul(dy, nd.mul(p, nd.pow(x.data, p)))]);
/** ∂ℓ/∂p = (p − t)/p instead of (p − t)/(p(1 − p)). */
const bceHalfDenominator = (p: Tensor, target: Tensor | NDArray, options: LossOptions = {}) => {
  const t = asTensor(target);
  const real = ag.binaryCrossEntropy(p, t.data, options);
  return fromOp('bceMutant', [p, t], real.data, (dy) => {
    const s = lossScale(dy, options, p.size);
    const dt = nd.sub(nd.log(nd.sub(1, p.data)), nd.log(p.data));
    return [nd.mul(nd.div(nd.sub(p.data, t.data), p.data), s), nd.mul(dt, s)];
  });
};
/** The backward multiplies by the 0/1 mask, forgetting the 1/(1 − p) the forward scaled by. */
const dropoutUnscaled = (x: Tensor, p: number, options: ag.DropoutOptions) => {
  const g = options.generator ?? new Random(0);
  const mask = nd.zeros(x.shape, 'float64');
  for (let i = 0; i < mask.size; i++) mask.data[i] = g.uniform() < p ? 0 : 1;
  return fromOp('dropoutMutant', [x], nd.mul(x.data, nd.div(mask, 1 - p)), (dy) => [nd.mul(dy, mask)]);
};
/** mseLoss whose gradient forgets the 2 of d(y − ŷ)²/dŷ. */
const mseWithoutTwo = (prediction: Tensor, target: Tensor | NDArray, options: LossOptions = {}) => {
  const y = asTensor(target);
  const real = ag.mseLoss(prediction, y.data, options);
  return fromOp('mseMutant', [prediction, y], real.data, (dy) => {
    const diff = nd.mul(nd.sub(prediction.data, y.data), lossScale(dy, options, prediction.size));
    return [diff, nd.mul(diff, -2)];
  });
};
/** quadraticLoss whose mean forgets the 1/N of the batch. */
const quadraticWithoutN = (prediction: Tensor, target: Tensor | NDArray, options: LossOptions = {}) => {
  const y = asTensor(target);
  const real = ag.quadraticLoss(prediction, y.data, options);
  const n = prediction.shape[0]!;
  return fromOp('quadraticMutant', [prediction, y], real.data, (dy) => {
    const diff = nd.sub(prediction.data, y.data);
    // 'mean' divides the loss by N; the mutant's gradient forgets it (the target's keeps it).
    const s = options.reduction === 'mean' ? dy.item() : (lossScale(dy, options, n) as number);
    return [nd.mul(diff, s), nd.mul(diff, -dy.item() / n)];
  });
};

function asTensor(t: Tensor | NDArray): Tensor {
  return t instanceof nd.NDArray ? new TensorClass(t) : t;
}

/** The factor each element's gradient gets from the reduction: dy/n for 'mean', dy for 'sum', dy itself for 'none'. */
function lossScale(dy: NDArray, options: LossOptions, n: number): NDArray | number {
  const reduction = options.reduction ?? 'mean';
  return reduction === 'none' ? dy : dy.item() / (reduction === 'mean' ? n : 1);
}

/** Every mutant, with the cases it must fail on. */
export const mutants: readonly Mutant[] = [
  mutant(
    'localResponseNorm: cross-channel term dropped',
    (f) => localResponseNormCases(f),
    lrnMutant('cross-term dropped'),
  ),
  mutant(
    "localResponseNorm: cross-channel term dropped, at AlexNet's α = 1e-4",
    (f) =>
      localResponseNormCases(f, {
        alpha: 1e-4,
        size: 5,
        beta: 0.75,
        k: 2,
      }),
    lrnMutant('cross-term dropped'),
  ),
  mutant(
    'localResponseNorm: even window mirrored in the backward (off by one channel)',
    (f) => localResponseNormCases(f, { size: 4 }),
    lrnMutant('window mirrored'),
  ),
  mutant(
    'localResponseNorm: s^−β for s^(−β−1) in the cross term',
    (f) => localResponseNormCases(f),
    lrnMutant('exponent −β, not −β−1'),
  ),
  mutant(
    'localResponseNorm: cross term with the wrong sign',
    (f) => localResponseNormCases(f),
    lrnMutant('cross-term sign'),
  ),
  mutant(
    'batchNorm: mean-of-dy term dropped',
    (f) => batchNormCases(f, { training: true }),
    batchNormMutant('mean of dy dropped'),
  ),
  mutant(
    'batchNorm: x̂·Σ(dy·x̂) term dropped',
    (f) => batchNormCases(f, { training: true }),
    batchNormMutant('x̂·Σdy·x̂ dropped'),
  ),
  mutant(
    'batchNorm: dγ = Σ dy·(x − μ), the 1/σ missing',
    (f) => batchNormCases(f, { affine: true }),
    batchNormMutant('dγ without 1/σ'),
  ),
  mutant(
    "batchNorm: the batch's terms in evaluation mode (running statistics are constants)",
    (f) => batchNormCases(f, { training: false }),
    batchNormMutant('batch terms in evaluation'),
  ),
  mutant(
    'conv2d: dw ignores the stride (off-by-one windows)',
    (f) => convCases(f, { stride: 2 }),
    convMutant('dw ignores the stride'),
  ),
  mutant(
    'conv2d: dx correlates with the kernel unflipped (transposed factor)',
    (f) => convCases(f),
    convMutant('dx with the kernel unflipped'),
  ),
  mutant(
    'conv2d: db from the first example only (batch sum dropped)',
    (f) => convCases(f, { bias: true, batch: 2 }),
    convMutant('db from the first example only'),
  ),
  mutant(
    "maxPool2d: gradient to the argmax's neighbour (window off by one)",
    (f) => maxPoolCases(f),
    maxPoolShifted,
  ),
  mutant(
    'avgPool2d: divides by the full kernel area where padding is not counted',
    (f) => avgPoolCases(f, { padded: true }),
    avgPoolFullDivisor,
  ),
  mutant('softmax: Jacobian without −y yᵀ', (f) => softmaxCases('softmax', f), softmaxNoOuter),
  mutant('softmax: Jacobian with +y yᵀ (wrong sign)', (f) => softmaxCases('softmax', f), softmaxSign),
  mutant('logSoftmax: softmax·dy for softmax·Σdy', (f) => softmaxCases('logSoftmax', f), logSoftmaxNoSum),
  mutant(
    'crossEntropy (raw targets): softmax − t, the target sum dropped',
    (f) => crossEntropyCases('raw targets', f),
    crossEntropyMutant('softmax − t'),
  ),
  mutant(
    'crossEntropy (labels): mean without 1/N',
    (f) =>
      crossEntropyCases('labels', f, {
        reduction: 'mean',
        minBatch: 2,
      }),
    crossEntropyMutant('mean without 1/N'),
  ),
  mutant('mean: 1/n missing', (f) => meanCases(f), meanWithoutN),
  mutant('max: gradient to every element, not the winner', (f) => maxCases(f), maxToAll),
  mutant(
    'variance: 1/n for 1/(n − 1) with Bessel correction',
    (f) => varianceCases(f, { correction: 1 }),
    varianceIgnoresCorrection,
  ),
  mutant(
    'matmul: dA = dC·B, the transpose missing',
    (f) => matmulCases(f, { square: true }),
    matmulUntransposed,
  ),
  mutant(
    'linear: db from one row, not the batch sum',
    (f) => linearCases(f, { bias: true, batch: 3 }),
    linearBiasFirstRow,
  ),
  mutant('sigmoid: σ(1 + σ) for σ(1 − σ)', (f) => sigmoidCases(f), sigmoidSign),
  mutant('tanh: 1 − y for 1 − y²', (f) => tanhCases(f), tanhNoSquare),
  mutant('leakyRelu: negative slope dropped (ReLU’s gradient)', (f) => leakyReluCases(f), leakyReluNoSlope),
  mutant('div: ∂/∂b = −a/b, the square missing', (f) => divCases(f), divNoSquare),
  mutant('pow: p·xᵖ for p·xᵖ⁻¹ (exponent off by one)', (f) => powCases(f), powOffByOne),
  mutant(
    'binaryCrossEntropy: (p − t)/p, the (1 − p) missing',
    (f) => binaryCrossEntropyCases(f),
    bceHalfDenominator,
  ),
  mutant(
    'dropout: backward without the 1/(1 − p) scale',
    (f) => dropoutCases(f, { p: 0.5 }),
    dropoutUnscaled,
  ),
  mutant('mseLoss: the 2 of (y − ŷ)² missing', (f) => lossCases('mseLoss', f), mseWithoutTwo),
  mutant(
    'quadraticLoss: mean without 1/N',
    (f) => lossCases('quadraticLoss', f, { reduction: 'mean', minBatch: 2 }),
    quadraticWithoutN,
  ),
];

/** One row of the mutation suite's table: a deliberately broken backward and whether gradcheck caught it. */
export interface MutantRow {
  /** The mutant's name: the op and what is broken in its backward. */
  name: string;
  /** The name of the op the mutant breaks (as in the gradient-check table). */
  op: string;
  /** How many drawn cases the mutant (and the real op) were checked on. */
  cases: number;
  /** How many of the cases failed the check (the mutant is caught when at least one does). */
  caught: number;
  /** The largest |analytic − numerical| the check measured over the cases. */
  maxAbsError: number;
  /** The largest share of the tolerance used: |analytic − numerical| / (atol + rtol·|numerical|). */
  toleranceUsed: number;
  /** How many of the same cases (same seed, same pinned parameters) the real op passed. */
  realPassed: number;
  /** What went wrong other than a failed comparison (a thrown error), if anything. */
  error?: string;
}

/**
 * Runs every mutant on `casesPerMutant` cases drawn from `seed`, with the op's own step and
 * tolerances (as the suite checks the real op). A mutant is caught when a case fails.
 */
export function runMutationSuite(
  options: { casesPerMutant?: number; seed?: number; atol?: number; rtol?: number } = {},
): MutantRow[] {
  const { casesPerMutant = 16, seed = 0 } = options;
  // Tolerances other than the op's own, to show what a looser check would miss.
  const tolerance = {
    ...(options.atol !== undefined ? { atol: options.atol } : {}),
    ...(options.rtol !== undefined ? { rtol: options.rtol } : {}),
  };
  return mutants.map((mutant, k) => {
    const caseSeed = seed * 7919 + 104729 + k;
    const draw = randomDraw(new Random(caseSeed));
    // The real op on the very same cases: a second generator on the same seed draws them again.
    const realDraw = randomDraw(new Random(caseSeed));
    const row: MutantRow = {
      realPassed: 0,
      name: mutant.name,
      op: mutant.cases.op,
      cases: 0,
      caught: 0,
      maxAbsError: 0,
      toleranceUsed: 0,
    };
    for (let i = 0; i < casesPerMutant; i++) {
      row.cases++;
      try {
        const c = mutant.cases.draw(draw);
        const result = gradcheck(c.fn, c.inputs, { ...mutant.cases.options, ...tolerance });
        if (!result.ok) row.caught++;
        const r = mutant.real.draw(realDraw);
        if (gradcheck(r.fn, r.inputs, { ...mutant.real.options, ...tolerance }).ok) row.realPassed++;
        for (const e of result.inputs) {
          row.maxAbsError = Math.max(row.maxAbsError, e.maxAbsError);
          row.toleranceUsed = Math.max(row.toleranceUsed, e.toleranceUsed);
        }
      } catch (error) {
        row.error ??= error instanceof Error ? error.message : String(error);
      }
    }
    return row;
  });
}

/** The mutation suite's table: mutant, cases caught, the worst error measured, the share of tolerance. */
export function formatMutantTable(rows: readonly MutantRow[]): string {
  const header = `${'mutant'.padEnd(84)}  ${'caught'.padStart(7)}  ${'max abs err'.padStart(11)}  ${'× tolerance'.padStart(11)}  ${'real op'.padStart(7)}`;
  const lines = rows.map(
    (r) =>
      `${r.name.padEnd(84)}  ${`${r.caught}/${r.cases}`.padStart(7)}  ${r.maxAbsError.toExponential(2).padStart(11)}  ${r.toleranceUsed.toExponential(1).padStart(11)}  ${`${r.realPassed}/${r.cases}`.padStart(7)}${r.error ? `  (threw: ${r.error})` : ''}`,
  );
  return [header, '-'.repeat(header.length), ...lines].join('\n');
}
