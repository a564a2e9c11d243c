import * as nd from '@nabla/tensor';
import { type NDArray, Random } from '@nabla/tensor';
import * as ag from './ops/index.js';
import { noGrad, type Tensor, variable } from './tensor.js';

/**
 * A source of drawn shapes and values. The suite draws from a seeded Random; the tests draw from
 * fast-check (so a failing case shrinks to a small one); the cases below are written once for both.
 */
export interface Draw {
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** float64 values in [low, high]. */
  uniform(shape: readonly number[], low?: number, high?: number): NDArray;
}

/** A Draw backed by the seeded generator. */
export function randomDraw(generator: Random): Draw {
  return {
    int: (min, max) => min + generator.int(max - min + 1),
    uniform: (shape, low = -1, high = 1) =>
      nd.randomUniform(shape, low, high, { dtype: 'float64', generator }),
  };
}

/** One drawn gradient check: a function of some tensors, and the values to check it at. */
export interface GradcheckCase {
  /** The function whose gradients are checked. */
  fn: (...inputs: Tensor[]) => Tensor;
  /** The values to check them at (float64). */
  inputs: NDArray[];
  /** What was drawn, for a failure report. */
  description: string;
}

/** One op's gradient checks: its name and how to draw a random case of it. */
export interface OpCases {
  /** The op's name, as the suite's table shows it. */
  op: string;
  /** Draws one case (shapes, options and values) from the seeded draw. */
  draw: (d: Draw) => GradcheckCase;
  /**
   * The step and tolerances of this op's checks, where they differ from gradcheck's defaults
   * (GRADCHECK_EPS, GRADCHECK_ATOL, GRADCHECK_RTOL), each with its reason beside it.
   */
  options?: {
    /** Step ε of the central difference (default GRADCHECK_EPS). */
    eps?: number;
    /** Absolute tolerance (default GRADCHECK_ATOL). */
    atol?: number;
    /** Relative tolerance (default GRADCHECK_RTOL). */
    rtol?: number;
  };
}

/**
 * The step and tolerance of ops that only copy, select or negate their inputs (reshape, slice,
 * max, ReLU, …): each output is ±xⱼ or a constant, so the difference has no truncation error and
 * f(x + ε) − f(x − ε) is the exact difference of the two steps; the only rounding left is
 * rᵢ·(f₊ − f₋)/h, about u ≈ 1e-16. atol = rtol = 1e-12 leaves four orders of margin and catches a
 * gradient off by one part in 10¹².
 */
const exact = { atol: 1e-12, rtol: 1e-12 };

const pick = <T>(d: Draw, items: readonly T[]): T => items[d.int(0, items.length - 1)]!;
const shapeOf = (d: Draw, rank: [number, number], size: [number, number]) =>
  Array.from({ length: d.int(rank[0], rank[1]) }, () => d.int(size[0], size[1]));
const show = (s: readonly number[]) => `[${s.join(',')}]`;

/** A shape that broadcasts against `shape`: some sizes set to 1, some leading axes dropped. */
function broadcastable(d: Draw, shape: readonly number[]): number[] {
  const s = shape.map((n) => (d.int(0, 2) === 0 ? 1 : n));
  return s.slice(d.int(0, s.length));
}

/**
 * Values all distinct and at least (high − low)/2n apart (n evenly spaced slots in a random order,
 * each jittered by up to a quarter slot), so max, min, maxPool and maximum never meet a tie, where
 * the derivative does not exist, and a batch-norm channel never has a near-zero spread, where
 * the gradient ∝ 1/σ turns the forward's rounding u·|x|/σ into noise far above the tolerance.
 */
export function distinct(d: Draw, shape: readonly number[], low = -1, high = 1): NDArray {
  const n = shape.reduce((a, b) => a * b, 1);
  const u = d.uniform([n]).values();
  const jitter = d.uniform([n], -0.25, 0.25).values();
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => u[a]! - u[b]! || a - b);
  const out = nd.zeros(shape, 'float64');
  order.forEach((i, rank) => {
    out.data[i] = low + ((high - low) * (rank + 0.5 + jitter[rank]!)) / n;
  });
  return out;
}

/** Moves every value at least `margin` away from the kinks (ReLU's 0, clamp's bounds), far beyond eps. */
export function awayFrom(values: NDArray, kinks: readonly number[], margin = 1e-2): NDArray {
  const out = values.astype('float64').copy();
  for (let i = 0; i < out.size; i++) {
    for (const k of kinks) {
      const v = out.data[i]!;
      if (Math.abs(v - k) < margin) out.data[i] = k + (v >= k ? margin : -margin);
    }
  }
  return out;
}

function binary(op: string, f: (a: Tensor, b: Tensor) => Tensor, low = -1, high = 1): OpCases {
  return {
    op,
    draw: (d) => {
      const a = shapeOf(d, [0, 3], [1, 4]);
      const b = broadcastable(d, a);
      const [x, y] = d.int(0, 1) ? [a, b] : [b, a];
      return { fn: f, inputs: [d.uniform(x), d.uniform(y, low, high)], description: `${show(x)} ${show(y)}` };
    },
  };
}

function unary(
  op: string,
  f: (x: Tensor) => Tensor,
  low = -1,
  high = 1,
  kinks: number[] = [],
  options?: OpCases['options'],
): OpCases {
  return {
    op,
    options,
    draw: (d) => {
      const s = shapeOf(d, [0, 3], [1, 4]);
      return { fn: f, inputs: [awayFrom(d.uniform(s, low, high), kinks)], description: show(s) };
    },
  };
}

/** A reduction over a drawn axis (none, one, or several) with keepdims drawn too. */
function reduction(
  op: string,
  f: (x: Tensor, axis: nd.Axis | undefined, keepdims: boolean) => Tensor,
  ties = false,
  options?: OpCases['options'],
): OpCases {
  return {
    op,
    options,
    draw: (d) => {
      const s = shapeOf(d, [1, 3], [2, 4]);
      const mode = d.int(0, 2);
      const axis =
        mode === 0
          ? undefined
          : mode === 1
            ? d.int(-s.length, s.length - 1)
            : s.map((_, i) => i).filter(() => d.int(0, 1) === 1);
      const keepdims = d.int(0, 1) === 1;
      const x = ties ? distinct(d, s) : d.uniform(s);
      return {
        fn: (t) => f(t, axis, keepdims),
        inputs: [x],
        description: `${show(s)} axis ${JSON.stringify(axis)} keepdims ${keepdims}`,
      };
    },
  };
}

function convCase(
  d: Draw,
  bias: boolean,
  impl: typeof ag.conv2d = ag.conv2d,
  fixed: { batch?: number; stride?: number } = {},
): GradcheckCase {
  const groups = d.int(1, 2);
  const ci = groups * d.int(1, 2);
  const co = groups * d.int(1, 2);
  const k = [d.int(1, 3), d.int(1, 3)] as const;
  const stride = [fixed.stride ?? d.int(1, 2), fixed.stride ?? d.int(1, 2)] as const;
  const padding = [d.int(0, 1), d.int(0, 1)] as const;
  const dilation = [d.int(1, 2), d.int(1, 2)] as const;
  const h = dilation[0] * (k[0] - 1) + 1 + d.int(0, 3);
  const w = dilation[1] * (k[1] - 1) + 1 + d.int(0, 3);
  const n = fixed.batch ?? d.int(1, 2);
  const options = { stride, padding, dilation, groups };
  const inputs = [d.uniform([n, ci, h, w]), d.uniform([co, ci / groups, k[0], k[1]])];
  if (bias) inputs.push(d.uniform([co]));
  return {
    fn: (x, wt, b) => impl(x!, wt!, b, options),
    inputs,
    description: `x ${show([n, ci, h, w])} w ${show(inputs[1]!.shape)} ${JSON.stringify(options)}${bias ? ' bias' : ''}`,
  };
}

function poolGeometry(d: Draw, padded = false) {
  const kernel = [d.int(padded ? 2 : 1, 3), d.int(padded ? 2 : 1, 3)] as const;
  const stride = [d.int(1, 3), d.int(1, 3)] as const;
  const padding = padded
    ? ([1, 1] as const)
    : ([d.int(0, Math.floor(kernel[0] / 2)), d.int(0, Math.floor(kernel[1] / 2))] as const);
  const shape = [d.int(1, 2), d.int(1, 2), kernel[0] + d.int(0, 3), kernel[1] + d.int(0, 3)];
  return { kernel, stride, padding, shape };
}

/**
 * The distance from the nearest kink of maxPool2d(relu(x), k) (stride k): the smallest |x| and the
 * smallest gap between a window's largest value and its runner-up (where the largest is positive).
 */
function reluPoolMargin(x: NDArray, k: number): number {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const v = x.values();
  let margin = Number.POSITIVE_INFINITY;
  for (let i = 0; i < v.length; i++) margin = Math.min(margin, Math.abs(v[i]!));
  for (let p = 0; p < n * c; p++) {
    for (let i = 0; i + k <= h; i += k) {
      for (let j = 0; j + k <= w; j += k) {
        const window: number[] = [];
        for (let u = 0; u < k; u++)
          for (let q = 0; q < k; q++) window.push(Math.max(0, v[(p * h + i + u) * w + j + q]!));
        window.sort((a, b) => b - a);
        if (window[0]! > 0) margin = Math.min(margin, window[0]! - window[1]!);
      }
    }
  }
  return margin;
}

/** A random multi-layer perceptron's weights: [W1, b1, W2, b2, …] for the given layer sizes. */
function mlpInputs(d: Draw, sizes: readonly number[]): NDArray[] {
  const out: NDArray[] = [];
  for (let l = 0; l + 1 < sizes.length; l++)
    out.push(d.uniform([sizes[l + 1]!, sizes[l]!]), d.uniform([sizes[l + 1]!]));
  return out;
}

/*
 * The cases of the ops the mutation suite (gradcheck-mutants.ts) breaks, as builders: each takes the
 * op's implementation (the real one by default) and optionally pins some of the drawn parameters,
 * so a mutant is checked on exactly the cases the real op is.
 */

type Reduction = 'mean' | 'sum' | 'none';

export function powCases(impl: typeof ag.pow = ag.pow): OpCases {
  return {
    op: 'pow',
    draw: (d) => {
      const s = shapeOf(d, [0, 3], [1, 4]);
      const p = pick(d, [-1.5, 0.5, 2, 3, 2.7]);
      return { fn: (x) => impl(x!, p), inputs: [d.uniform(s, 0.3, 2)], description: `${show(s)} ^ ${p}` };
    },
  };
}

export function divCases(impl: (a: Tensor, b: Tensor) => Tensor = ag.div): OpCases {
  return binary('div', (a, b) => impl(a, b), 0.5, 2);
}

export function sigmoidCases(impl: typeof ag.sigmoid = ag.sigmoid): OpCases {
  return unary('sigmoid', (x) => impl(x), -4, 4);
}

export function tanhCases(impl: typeof ag.tanh = ag.tanh): OpCases {
  return unary('tanh', (x) => impl(x), -3, 3);
}

/** leakyRelu over a range of slopes (PyTorch's 0.01, Keras's 0.3, and a slope above 1). */
export function leakyReluCases(impl: typeof ag.leakyRelu = ag.leakyRelu): OpCases {
  return {
    op: 'leakyRelu',
    draw: (d) => {
      const s = shapeOf(d, [0, 3], [1, 4]);
      const slope = pick(d, [0.01, 0.1, 0.3, 1.5]);
      return {
        fn: (x) => impl(x!, slope),
        inputs: [awayFrom(d.uniform(s), [0])],
        description: `${show(s)} slope ${slope}`,
      };
    },
  };
}

export function meanCases(impl: typeof ag.mean = ag.mean): OpCases {
  return reduction('mean', (x, axis, keepdims) => impl(x, axis, keepdims));
}

export function maxCases(impl: typeof ag.max = ag.max): OpCases {
  return reduction('max', (x, axis, keepdims) => impl(x, axis, keepdims), true, exact);
}

export function varianceCases(
  impl: typeof ag.variance = ag.variance,
  fixed: { correction?: number } = {},
): OpCases {
  return {
    op: 'variance',
    draw: (d) => {
      const s = shapeOf(d, [1, 3], [2, 4]);
      const axis = d.int(0, 1) ? undefined : d.int(0, s.length - 1);
      const correction = fixed.correction ?? d.int(0, 1);
      const keepdims = d.int(0, 1) === 1;
      return {
        fn: (x) => impl(x!, axis, keepdims, correction),
        inputs: [d.uniform(s)],
        description: `${show(s)} axis ${axis} correction ${correction}`,
      };
    },
  };
}

/** `square`: B's last two sizes equal (k = n), so a transposed factor keeps its shape and shows in the numbers. */
export function matmulCases(impl: typeof ag.matmul = ag.matmul, fixed: { square?: boolean } = {}): OpCases {
  return {
    op: 'matmul',
    draw: (d) => {
      const [m, k] = [d.int(1, 4), d.int(fixed.square ? 2 : 1, 4)];
      const n = fixed.square ? k : d.int(1, 4);
      const batch = shapeOf(d, [0, 2], [1, 3]);
      const bBatch = broadcastable(d, batch);
      const a = [...batch, m, k];
      const b = [...bBatch, k, n];
      return {
        fn: (x, y) => impl(x!, y!),
        inputs: [d.uniform(a), d.uniform(b)],
        description: `${show(a)} @ ${show(b)}`,
      };
    },
  };
}

/** linear on inputs of rank 1 ([in]), 2 ([N, in]) and 3 ([B, N, in]), with and without a bias. */
export function linearCases(
  impl: typeof ag.linear = ag.linear,
  fixed: { bias?: boolean; batch?: number } = {},
): OpCases {
  return {
    op: 'linear',
    draw: (d) => {
      const [i, o] = [d.int(1, 5), d.int(1, 4)];
      const lead = fixed.batch ? [fixed.batch] : shapeOf(d, [0, 2], [1, 3]);
      const bias = fixed.bias ?? d.int(0, 1) === 1;
      const x = [...lead, i];
      const inputs = [d.uniform(x), d.uniform([o, i]), ...(bias ? [d.uniform([o])] : [])];
      return {
        fn: (xx, w, b) => impl(xx!, w!, b),
        inputs,
        description: `x ${show(x)} W [${o},${i}]${bias ? ' bias' : ''}`,
      };
    },
  };
}

/** `stride`: pinned in both axes (a stride-2 case shows a backward that forgets the stride). */
export function convCases(
  impl: typeof ag.conv2d = ag.conv2d,
  fixed: { bias?: boolean; batch?: number; stride?: number } = {},
): OpCases {
  return { op: 'conv2d', draw: (d) => convCase(d, fixed.bias ?? d.int(0, 1) === 1, impl, fixed) };
}

export function maxPoolCases(impl: typeof ag.maxPool2d = ag.maxPool2d): OpCases {
  return {
    op: 'maxPool2d',
    options: exact,
    draw: (d) => {
      const { kernel, stride, padding, shape } = poolGeometry(d);
      return {
        fn: (x) => impl(x!, kernel, { stride, padding }),
        inputs: [distinct(d, shape)],
        description: `${show(shape)} k ${kernel} s ${stride} p ${padding}`,
      };
    },
  };
}

/** `padded`: windows that overlap the padding, without counting it (where the divisor varies by window). */
export function avgPoolCases(
  impl: typeof ag.avgPool2d = ag.avgPool2d,
  fixed: { padded?: boolean } = {},
): OpCases {
  return {
    op: 'avgPool2d',
    draw: (d) => {
      const g = poolGeometry(d, fixed.padded);
      const countIncludePad = fixed.padded ? false : d.int(0, 1) === 1;
      const { kernel, stride, padding, shape } = g;
      return {
        fn: (x) => impl(x!, kernel, { stride, padding, countIncludePad }),
        inputs: [d.uniform(shape)],
        description: `${show(shape)} k ${kernel} s ${stride} p ${padding} includePad ${countIncludePad}`,
      };
    },
  };
}

export function softmaxCases(
  op: 'softmax' | 'logSoftmax',
  impl: typeof ag.softmax = op === 'softmax' ? ag.softmax : ag.logSoftmax,
): OpCases {
  return {
    op,
    draw: (d) => {
      const s = shapeOf(d, [1, 3], [1, 4]);
      const axis = d.int(-s.length, s.length - 1);
      return {
        fn: (x) => impl(x!, axis),
        inputs: [d.uniform(s, -3, 3)],
        description: `${show(s)} axis ${axis}`,
      };
    },
  };
}

/**
 * Cross-entropy against labels, or against raw targets: rows in [0, 1] that do not sum to 1 (PyTorch
 * accepts them), where ∂L/∂z = softmax·Σt − t.
 */
export function crossEntropyCases(
  kind: 'labels' | 'raw targets',
  impl: typeof ag.crossEntropy = ag.crossEntropy,
  fixed: { reduction?: Reduction; minBatch?: number } = {},
): OpCases {
  return {
    op: `crossEntropy (${kind})`,
    draw: (d) => {
      const [n, c] = [d.int(fixed.minBatch ?? 1, 5), d.int(1, 5)];
      const reduction = fixed.reduction ?? pick(d, ['mean', 'sum', 'none'] as const);
      if (kind === 'labels') {
        const labels = Int32Array.from({ length: n }, () => d.int(0, c - 1));
        return {
          fn: (z) => impl(z!, labels, { reduction }),
          inputs: [d.uniform([n, c], -3, 3)],
          description: `[${n},${c}] labels ${show([...labels])} ${reduction}`,
        };
      }
      return {
        fn: (z, t) => impl(z!, t!, { reduction }),
        inputs: [d.uniform([n, c], -3, 3), d.uniform([n, c], 0, 1)],
        description: `[${n},${c}] ${reduction}`,
      };
    },
  };
}

export function lossCases(
  op: 'quadraticLoss' | 'mseLoss',
  impl: typeof ag.mseLoss = op === 'mseLoss' ? ag.mseLoss : ag.quadraticLoss,
  fixed: { reduction?: Reduction; minBatch?: number } = {},
): OpCases {
  return {
    op,
    draw: (d) => {
      const s = [d.int(fixed.minBatch ?? 1, 4), ...shapeOf(d, [0, 2], [1, 4])];
      const reduction = fixed.reduction ?? pick(d, ['mean', 'sum', 'none'] as const);
      return {
        fn: (p, y) => impl(p!, y!, { reduction }),
        inputs: [d.uniform(s), d.uniform(s)],
        description: `${show(s)} ${reduction}`,
      };
    },
  };
}

export function binaryCrossEntropyCases(impl: typeof ag.binaryCrossEntropy = ag.binaryCrossEntropy): OpCases {
  return {
    op: 'binaryCrossEntropy',
    draw: (d) => {
      const s = shapeOf(d, [1, 2], [1, 4]);
      const reduction = pick(d, ['mean', 'sum', 'none'] as const);
      return {
        fn: (p, t) => impl(p!, t!, { reduction }),
        inputs: [d.uniform(s, 0.05, 0.95), d.uniform(s, 0, 1)],
        description: `${show(s)} ${reduction}`,
      };
    },
  };
}

export function dropoutCases(impl: typeof ag.dropout = ag.dropout, fixed: { p?: number } = {}): OpCases {
  return {
    op: 'dropout',
    draw: (d) => {
      const s = shapeOf(d, [1, 3], [1, 4]);
      const p = fixed.p ?? pick(d, [0, 0.2, 0.5, 0.9]);
      const seed = d.int(0, 1000);
      // A fresh generator on the same seed for every evaluation: the same mask each time.
      return {
        fn: (x) => impl(x!, p, { training: true, generator: new Random(seed) }),
        inputs: [d.uniform(s)],
        description: `${show(s)} p ${p} seed ${seed}`,
      };
    },
  };
}

/**
 * Batch norm in training and evaluation, with and without the affine γ and β (Matlab's and
 * PyTorch's affine = false), over a range of ε; running statistics are copied for each evaluation.
 */
export function batchNormCases(
  impl: typeof ag.batchNorm = ag.batchNorm,
  fixed: { training?: boolean; affine?: boolean } = {},
): OpCases {
  return {
    op: 'batchNorm',
    draw: (d) => {
      const training = fixed.training ?? d.int(0, 1) === 1;
      const affine = fixed.affine ?? d.int(0, 3) > 0;
      const eps = pick(d, [1e-5, 1e-3, 0.1]);
      const c = d.int(1, 3);
      const s = d.int(0, 1) ? [d.int(2, 4), c] : [d.int(1, 2), c, d.int(1, 3), d.int(2, 3)];
      const runMean = d.uniform([c]);
      const runVar = d.uniform([c], 0.5, 2);
      const x = distinct(d, s, -2, 2);
      const options = { training, eps };
      const description = `${show(s)} training ${training} affine ${affine} eps ${eps}`;
      if (!affine)
        return {
          fn: (t) => impl(t!, null, null, runMean.copy(), runVar.copy(), options),
          inputs: [x],
          description,
        };
      return {
        fn: (t, g, b) => impl(t!, g!, b!, runMean.copy(), runVar.copy(), options),
        inputs: [x, d.uniform([c], 0.5, 1.5), d.uniform([c])],
        description,
      };
    },
  };
}

/**
 * Local response normalization over window sizes 1–5 and a range of α (AlexNet's 1e-4, where the
 * cross-channel term is small, up to 1), β and k.
 */
export function localResponseNormCases(
  impl: typeof ag.localResponseNorm = ag.localResponseNorm,
  fixed: ag.LocalResponseNormOptions = {},
): OpCases {
  return {
    op: 'localResponseNorm',
    draw: (d) => {
      const s = [d.int(1, 2), d.int(fixed.size ?? 2, 7), d.int(1, 2), d.int(1, 2)];
      const options = {
        size: fixed.size ?? d.int(1, 5),
        alpha: fixed.alpha ?? pick(d, [1e-4, 0.3, 1]),
        beta: fixed.beta ?? pick(d, [0.5, 0.75, 1]),
        k: fixed.k ?? pick(d, [0.5, 1, 2]),
      };
      return {
        fn: (x) => impl(x!, options),
        inputs: [d.uniform(s, -2, 2)],
        description: `${show(s)} ${JSON.stringify(options)}`,
      };
    },
  };
}

/** Every differentiable op, and a few composites, with how to draw a case for it. */
export const gradcheckCases: readonly OpCases[] = [
  binary('add', ag.add),
  binary('sub', ag.sub),
  binary('mul', ag.mul),
  divCases(),
  unary('neg', ag.neg, -1, 1, [], exact),
  unary('exp', ag.exp),
  unary('log', ag.log, 0.2, 3),
  unary('sqrt', ag.sqrt, 0.2, 3),
  powCases(),
  unary('abs', ag.abs, -1, 1, [0], exact),
  unary('square', ag.square),
  unary('clamp', (x) => ag.clamp(x, -0.5, 0.4), -1, 1, [-0.5, 0.4], exact),
  ...(
    [
      ['maximum', ag.maximum],
      ['minimum', ag.minimum],
    ] as const
  ).map(
    ([op, f]): OpCases => ({
      op,
      options: exact,
      draw: (d) => {
        const a = shapeOf(d, [1, 3], [1, 4]);
        const b = broadcastable(d, a);
        const na = a.reduce((x, y) => x * y, 1);
        const pool = distinct(d, [na + b.reduce((x, y) => x * y, 1)]).values();
        const inputs = [nd.fromTypedArray(pool.slice(0, na), a), nd.fromTypedArray(pool.slice(na), b)];
        return { fn: (x, y) => f(x!, y!), inputs, description: `${show(a)} ${show(b)}` };
      },
    }),
  ),
  {
    op: 'where',
    options: exact,
    draw: (d) => {
      const a = shapeOf(d, [1, 3], [1, 4]);
      const b = broadcastable(d, a);
      const cond = nd.greater(d.uniform(a), 0);
      return {
        fn: (x, y) => ag.where(cond, x!, y!),
        inputs: [d.uniform(a), d.uniform(b)],
        description: `${show(a)} ${show(b)}`,
      };
    },
  },
  sigmoidCases(),
  tanhCases(),
  unary('relu', ag.relu, -1, 1, [0], exact),
  leakyReluCases(),
  reduction('sum', ag.sum),
  meanCases(),
  maxCases(),
  reduction('min', ag.min, true, exact),
  varianceCases(),
  matmulCases(),
  linearCases(),
  {
    op: 'reshape',
    options: exact,
    draw: (d) => {
      const s = shapeOf(d, [1, 3], [1, 4]);
      const n = s.reduce((a, b) => a * b, 1);
      return { fn: (x) => ag.reshape(x!, [n, 1]), inputs: [d.uniform(s)], description: show(s) };
    },
  },
  {
    op: 'transpose',
    options: exact,
    draw: (d) => {
      const s = shapeOf(d, [2, 4], [1, 4]);
      const [a, b] = [d.int(0, s.length - 1), d.int(-s.length, -1)];
      return {
        fn: (x) => ag.transpose(x!, a, b),
        inputs: [d.uniform(s)],
        description: `${show(s)} ${a}↔${b}`,
      };
    },
  },
  {
    op: 'permute',
    options: exact,
    draw: (d) => {
      const s = shapeOf(d, [1, 4], [1, 4]);
      const axes = s.map((_, i) => i);
      for (let i = axes.length - 1; i > 0; i--) {
        const j = d.int(0, i);
        [axes[i], axes[j]] = [axes[j]!, axes[i]!];
      }
      return {
        fn: (x) => ag.permute(x!, axes),
        inputs: [d.uniform(s)],
        description: `${show(s)} → ${show(axes)}`,
      };
    },
  },
  {
    op: 'slice',
    options: exact,
    draw: (d) => {
      const s = shapeOf(d, [1, 3], [2, 5]);
      const ranges = s.map((n) => {
        const kind = d.int(0, 2);
        if (kind === 0) return null;
        if (kind === 1) return d.int(-n, n - 1);
        const start = d.int(0, n - 1);
        return [start, d.int(start + 1, n), d.int(1, 2)] as [number, number, number];
      });
      return {
        fn: (x) => ag.slice(x!, ranges),
        inputs: [d.uniform(s)],
        description: `${show(s)} ${JSON.stringify(ranges)}`,
      };
    },
  },
  ...(
    [
      ['concat', ag.concat],
      ['stack', ag.stack],
    ] as const
  ).map(
    ([op, f]): OpCases => ({
      op,
      options: exact,
      draw: (d) => {
        const s = shapeOf(d, [1, 3], [1, 3]);
        const count = d.int(1, 3);
        const axis = op === 'concat' ? d.int(0, s.length - 1) : d.int(0, s.length);
        const shapes = Array.from({ length: count }, () =>
          s.map((n, i) => (op === 'concat' && i === axis ? d.int(1, 3) : n)),
        );
        return {
          fn: (...xs) => f(xs, axis),
          inputs: shapes.map((sh) => d.uniform(sh)),
          description: `${shapes.map(show).join(' ')} axis ${axis}`,
        };
      },
    }),
  ),
  {
    op: 'pad',
    options: exact,
    draw: (d) => {
      const s = shapeOf(d, [1, 3], [1, 3]);
      const widths = s.map(() => [d.int(0, 2), d.int(0, 2)] as [number, number]);
      const value = pick(d, [0, 1.5]);
      return {
        fn: (x) => ag.pad(x!, widths, value),
        inputs: [d.uniform(s)],
        description: `${show(s)} ${JSON.stringify(widths)}`,
      };
    },
  },
  {
    op: 'flatten',
    options: exact,
    draw: (d) => {
      const s = shapeOf(d, [2, 4], [1, 3]);
      const start = d.int(0, s.length - 1);
      return {
        fn: (x) => ag.flatten(x!, start),
        inputs: [d.uniform(s)],
        description: `${show(s)} from ${start}`,
      };
    },
  },
  {
    op: 'expand',
    options: exact,
    draw: (d) => {
      const target = shapeOf(d, [1, 3], [1, 3]);
      const s = broadcastable(d, target);
      return {
        fn: (x) => ag.expand(x!, target),
        inputs: [d.uniform(s)],
        description: `${show(s)} → ${show(target)}`,
      };
    },
  },
  {
    op: 'squeeze',
    options: exact,
    draw: (d) => {
      const s = shapeOf(d, [1, 3], [1, 3]);
      const axis = d.int(0, 1) && s.includes(1) ? s.indexOf(1) : undefined;
      return {
        fn: (x) => ag.squeeze(x!, axis),
        inputs: [d.uniform(s)],
        description: `${show(s)} axis ${axis}`,
      };
    },
  },
  {
    op: 'unsqueeze',
    options: exact,
    draw: (d) => {
      const s = shapeOf(d, [0, 3], [1, 3]);
      const axis = d.int(-s.length - 1, s.length);
      return {
        fn: (x) => ag.unsqueeze(x!, axis),
        inputs: [d.uniform(s)],
        description: `${show(s)} axis ${axis}`,
      };
    },
  },
  convCases(),
  maxPoolCases(),
  avgPoolCases(),
  softmaxCases('softmax'),
  softmaxCases('logSoftmax'),
  crossEntropyCases('labels'),
  {
    op: 'crossEntropy (probabilities)',
    draw: (d) => {
      const [n, c] = [d.int(1, 4), d.int(1, 4)];
      const reduction = pick(d, ['mean', 'sum', 'none'] as const);
      return {
        fn: (z, t) => ag.crossEntropy(z!, ag.softmax(t!), { reduction }),
        inputs: [d.uniform([n, c], -3, 3), d.uniform([n, c])],
        description: `[${n},${c}] ${reduction}`,
      };
    },
  },
  crossEntropyCases('raw targets'),
  lossCases('quadraticLoss'),
  lossCases('mseLoss'),
  binaryCrossEntropyCases(),
  {
    op: 'binaryCrossEntropyWithLogits',
    draw: (d) => {
      const s = shapeOf(d, [1, 2], [1, 4]);
      const reduction = pick(d, ['mean', 'sum', 'none'] as const);
      return {
        fn: (z, t) => ag.binaryCrossEntropyWithLogits(z!, t!, { reduction }),
        inputs: [d.uniform(s, -4, 4), d.uniform(s, 0, 1)],
        description: `${show(s)} ${reduction}`,
      };
    },
  },
  dropoutCases(),
  batchNormCases(),
  localResponseNormCases(),
  {
    op: 'composite: MLP + quadratic loss',
    draw: (d) => {
      const sizes = [d.int(1, 4), d.int(1, 5), d.int(1, 4), d.int(1, 3)];
      const n = d.int(1, 4);
      const x = d.uniform([n, sizes[0]!]);
      const y = d.uniform([n, sizes[3]!], 0, 1);
      return {
        fn: (w1, b1, w2, b2, w3, b3) => {
          const h1 = ag.tanh(ag.linear(variable(x), w1!, b1));
          const h2 = ag.leakyRelu(ag.linear(h1, w2!, b2), 0.2);
          return ag.quadraticLoss(ag.sigmoid(ag.linear(h2, w3!, b3)), y);
        },
        inputs: mlpInputs(d, sizes),
        description: `layers ${show(sizes)} batch ${n}`,
      };
    },
  },
  {
    op: 'composite: conv-BN-ReLU-pool-linear-CE',
    draw: (d) => {
      const [n, ci, co, classes] = [d.int(2, 3), d.int(1, 2), d.int(1, 3), d.int(2, 4)];
      const size = d.int(4, 6);
      const pooled = Math.floor(size / 2) ** 2 * co;
      const labels = Int32Array.from({ length: n }, () => d.int(0, classes - 1));
      const normalized = (x: Tensor, w: Tensor, b: Tensor | undefined, gamma: Tensor, beta: Tensor) =>
        ag.batchNorm(ag.conv2d(x, w, b, { padding: 1 }), gamma, beta, nd.zeros([co]), nd.ones([co]), {
          training: true,
        });
      // ReLU's kink at 0 and max pooling's ties are where the derivative does not exist: redraw
      // until every ReLU input and every pooling window's top two values are 1e-3 apart, a
      // hundred times further than a nudge of ε moves them.
      let inputs: NDArray[] = [];
      for (let attempt = 0; attempt < 50; attempt++) {
        inputs = [
          d.uniform([n, ci, size, size]),
          d.uniform([co, ci, 3, 3]),
          d.uniform([co]),
          d.uniform([co], 0.5, 1.5),
          d.uniform([co]),
        ];
        const bn = noGrad(() =>
          normalized(...(inputs.map((v) => variable(v)) as [Tensor, Tensor, Tensor, Tensor, Tensor])),
        );
        if (reluPoolMargin(bn.data, 2) >= 1e-3) break;
      }
      inputs.push(d.uniform([classes, pooled]), d.uniform([classes]));
      return {
        fn: (x, w, b, gamma, beta, fw, fb) => {
          const pool = ag.maxPool2d(ag.relu(normalized(x!, w!, b, gamma!, beta!)), 2);
          return ag.crossEntropy(ag.linear(ag.flatten(pool), fw!, fb), labels);
        },
        inputs,
        description: `x [${n},${ci},${size},${size}] → ${co} channels → ${classes} classes`,
      };
    },
    // A chain of six ops whose scalar loss rounds at every step: the rounding term (κ u |L| / ε)
    // dominates, and ε = 1e-5 cuts it tenfold while truncation, ε²/6·|L'''|, stays below 1e-9.
    options: { eps: 1e-5 },
  },
  {
    op: 'composite: LRN-avgpool-dropout-softmax',
    draw: (d) => {
      const [n, c] = [d.int(1, 2), d.int(2, 6)];
      const seed = d.int(0, 1000);
      return {
        fn: (x, w) => {
          const a = ag.localResponseNorm(ag.conv2d(x!, w!, null, { padding: 1 }), { size: 3, alpha: 0.5 });
          const pooled = ag.avgPool2d(a, 2, { stride: 1 });
          const dropped = ag.dropout(ag.flatten(pooled), 0.3, {
            training: true,
            generator: new Random(seed),
          });
          return ag.sum(ag.mul(ag.softmax(dropped), ag.logSoftmax(dropped)));
        },
        inputs: [d.uniform([n, c, 3, 3]), d.uniform([c, c, 3, 3])],
        description: `[${n},${c},3,3] seed ${seed}`,
      };
    },
    // As the composite above: rounding dominates a deep chain's scalar, so a larger step.
    options: { eps: 1e-5 },
  },
];
