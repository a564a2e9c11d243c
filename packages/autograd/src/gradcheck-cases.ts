import * as nd from '@nabla/tensor';
import { type NDArray, Random } from '@nabla/tensor';
import * as ag from './ops/index.js';
import { type Tensor, variable } from './tensor.js';

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
}

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
 * Values all distinct and at least (high − low)/n apart, so max, min, maxPool and maximum never
 * meet a tie, where the derivative does not exist.
 */
export function distinct(d: Draw, shape: readonly number[], low = -1, high = 1): NDArray {
  const n = shape.reduce((a, b) => a * b, 1);
  const u = d.uniform([n]).values();
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => u[a]! - u[b]! || a - b);
  const out = nd.zeros(shape, 'float64');
  order.forEach((i, rank) => {
    out.data[i] = low + ((high - low) * (rank + 0.5)) / n;
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

function unary(op: string, f: (x: Tensor) => Tensor, low = -1, high = 1, kinks: number[] = []): OpCases {
  return {
    op,
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
): OpCases {
  return {
    op,
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

function convCase(d: Draw, bias: boolean): GradcheckCase {
  const groups = d.int(1, 2);
  const ci = groups * d.int(1, 2);
  const co = groups * d.int(1, 2);
  const k = [d.int(1, 3), d.int(1, 3)] as const;
  const stride = [d.int(1, 2), d.int(1, 2)] as const;
  const padding = [d.int(0, 1), d.int(0, 1)] as const;
  const dilation = [d.int(1, 2), d.int(1, 2)] as const;
  const h = dilation[0] * (k[0] - 1) + 1 + d.int(0, 3);
  const w = dilation[1] * (k[1] - 1) + 1 + d.int(0, 3);
  const n = d.int(1, 2);
  const options = { stride, padding, dilation, groups };
  const inputs = [d.uniform([n, ci, h, w]), d.uniform([co, ci / groups, k[0], k[1]])];
  if (bias) inputs.push(d.uniform([co]));
  return {
    fn: (x, wt, b) => ag.conv2d(x!, wt!, b, options),
    inputs,
    description: `x ${show([n, ci, h, w])} w ${show(inputs[1]!.shape)} ${JSON.stringify(options)}${bias ? ' bias' : ''}`,
  };
}

function poolGeometry(d: Draw) {
  const kernel = [d.int(1, 3), d.int(1, 3)] as const;
  const stride = [d.int(1, 3), d.int(1, 3)] as const;
  const padding = [d.int(0, Math.floor(kernel[0] / 2)), d.int(0, Math.floor(kernel[1] / 2))] as const;
  const shape = [d.int(1, 2), d.int(1, 2), kernel[0] + d.int(0, 3), kernel[1] + d.int(0, 3)];
  return { kernel, stride, padding, shape };
}

/** A random multi-layer perceptron's weights: [W1, b1, W2, b2, …] for the given layer sizes. */
function mlpInputs(d: Draw, sizes: readonly number[]): NDArray[] {
  const out: NDArray[] = [];
  for (let l = 0; l + 1 < sizes.length; l++)
    out.push(d.uniform([sizes[l + 1]!, sizes[l]!]), d.uniform([sizes[l + 1]!]));
  return out;
}

/** Every differentiable op, and a few composites, with how to draw a case for it. */
export const gradcheckCases: readonly OpCases[] = [
  binary('add', ag.add),
  binary('sub', ag.sub),
  binary('mul', ag.mul),
  binary('div', ag.div, 0.5, 2),
  unary('neg', ag.neg),
  unary('exp', ag.exp),
  unary('log', ag.log, 0.2, 3),
  unary('sqrt', ag.sqrt, 0.2, 3),
  {
    op: 'pow',
    draw: (d) => {
      const s = shapeOf(d, [0, 3], [1, 4]);
      const p = pick(d, [-1.5, 0.5, 2, 3, 2.7]);
      return { fn: (x) => ag.pow(x!, p), inputs: [d.uniform(s, 0.3, 2)], description: `${show(s)} ^ ${p}` };
    },
  },
  unary('abs', ag.abs, -1, 1, [0]),
  unary('square', ag.square),
  unary('clamp', (x) => ag.clamp(x, -0.5, 0.4), -1, 1, [-0.5, 0.4]),
  ...(
    [
      ['maximum', ag.maximum],
      ['minimum', ag.minimum],
    ] as const
  ).map(
    ([op, f]): OpCases => ({
      op,
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
  unary('sigmoid', ag.sigmoid, -4, 4),
  unary('tanh', ag.tanh, -3, 3),
  unary('relu', ag.relu, -1, 1, [0]),
  unary('leakyRelu', (x) => ag.leakyRelu(x, 0.1), -1, 1, [0]),
  reduction('sum', ag.sum),
  reduction('mean', ag.mean),
  reduction('max', ag.max, true),
  reduction('min', ag.min, true),
  {
    op: 'variance',
    draw: (d) => {
      const s = shapeOf(d, [1, 3], [2, 4]);
      const axis = d.int(0, 1) ? undefined : d.int(0, s.length - 1);
      const correction = d.int(0, 1);
      const keepdims = d.int(0, 1) === 1;
      return {
        fn: (x) => ag.variance(x!, axis, keepdims, correction),
        inputs: [d.uniform(s)],
        description: `${show(s)} axis ${axis} correction ${correction}`,
      };
    },
  },
  {
    op: 'matmul',
    draw: (d) => {
      const [m, k, n] = [d.int(1, 4), d.int(1, 4), d.int(1, 4)];
      const batch = shapeOf(d, [0, 2], [1, 3]);
      const bBatch = broadcastable(d, batch);
      const a = [...batch, m, k];
      const b = [...bBatch, k, n];
      return {
        fn: (x, y) => ag.matmul(x!, y!),
        inputs: [d.uniform(a), d.uniform(b)],
        description: `${show(a)} @ ${show(b)}`,
      };
    },
  },
  {
    op: 'linear',
    draw: (d) => {
      const [n, i, o] = [d.int(1, 4), d.int(1, 5), d.int(1, 4)];
      const bias = d.int(0, 1) === 1;
      const inputs = [d.uniform([n, i]), d.uniform([o, i]), ...(bias ? [d.uniform([o])] : [])];
      return {
        fn: (x, w, b) => ag.linear(x!, w!, b),
        inputs,
        description: `x [${n},${i}] W [${o},${i}]${bias ? ' bias' : ''}`,
      };
    },
  },
  {
    op: 'reshape',
    draw: (d) => {
      const s = shapeOf(d, [1, 3], [1, 4]);
      const n = s.reduce((a, b) => a * b, 1);
      return { fn: (x) => ag.reshape(x!, [n, 1]), inputs: [d.uniform(s)], description: show(s) };
    },
  },
  {
    op: 'transpose',
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
  { op: 'conv2d', draw: (d) => convCase(d, d.int(0, 1) === 1) },
  {
    op: 'maxPool2d',
    draw: (d) => {
      const { kernel, stride, padding, shape } = poolGeometry(d);
      return {
        fn: (x) => ag.maxPool2d(x!, kernel, { stride, padding }),
        inputs: [distinct(d, shape)],
        description: `${show(shape)} k ${kernel} s ${stride} p ${padding}`,
      };
    },
  },
  {
    op: 'avgPool2d',
    draw: (d) => {
      const { kernel, stride, padding, shape } = poolGeometry(d);
      const countIncludePad = d.int(0, 1) === 1;
      return {
        fn: (x) => ag.avgPool2d(x!, kernel, { stride, padding, countIncludePad }),
        inputs: [d.uniform(shape)],
        description: `${show(shape)} k ${kernel} s ${stride} p ${padding} includePad ${countIncludePad}`,
      };
    },
  },
  ...(
    [
      ['softmax', ag.softmax],
      ['logSoftmax', ag.logSoftmax],
    ] as const
  ).map(
    ([op, f]): OpCases => ({
      op,
      draw: (d) => {
        const s = shapeOf(d, [1, 3], [1, 4]);
        const axis = d.int(-s.length, s.length - 1);
        return {
          fn: (x) => f(x!, axis),
          inputs: [d.uniform(s, -3, 3)],
          description: `${show(s)} axis ${axis}`,
        };
      },
    }),
  ),
  {
    op: 'crossEntropy (labels)',
    draw: (d) => {
      const [n, c] = [d.int(1, 5), d.int(1, 5)];
      const labels = Int32Array.from({ length: n }, () => d.int(0, c - 1));
      const reduction = pick(d, ['mean', 'sum', 'none'] as const);
      return {
        fn: (z) => ag.crossEntropy(z!, labels, { reduction }),
        inputs: [d.uniform([n, c], -3, 3)],
        description: `[${n},${c}] labels ${show([...labels])} ${reduction}`,
      };
    },
  },
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
  ...(
    [
      ['quadraticLoss', ag.quadraticLoss],
      ['mseLoss', ag.mseLoss],
    ] as const
  ).map(
    ([op, f]): OpCases => ({
      op,
      draw: (d) => {
        const s = shapeOf(d, [1, 3], [1, 4]);
        const reduction = pick(d, ['mean', 'sum', 'none'] as const);
        return {
          fn: (p, y) => f(p!, y!, { reduction }),
          inputs: [d.uniform(s), d.uniform(s)],
          description: `${show(s)} ${reduction}`,
        };
      },
    }),
  ),
  {
    op: 'binaryCrossEntropy',
    draw: (d) => {
      const s = shapeOf(d, [1, 2], [1, 4]);
      const reduction = pick(d, ['mean', 'sum', 'none'] as const);
      return {
        fn: (p, t) => ag.binaryCrossEntropy(p!, t!, { reduction }),
        inputs: [d.uniform(s, 0.05, 0.95), d.uniform(s, 0, 1)],
        description: `${show(s)} ${reduction}`,
      };
    },
  },
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
  {
    op: 'dropout',
    draw: (d) => {
      const s = shapeOf(d, [1, 3], [1, 4]);
      const p = pick(d, [0, 0.2, 0.5, 0.9]);
      const seed = d.int(0, 1000);
      // A fresh generator on the same seed for every evaluation: the same mask each time.
      return {
        fn: (x) => ag.dropout(x!, p, { training: true, generator: new Random(seed) }),
        inputs: [d.uniform(s)],
        description: `${show(s)} p ${p} seed ${seed}`,
      };
    },
  },
  {
    op: 'batchNorm',
    draw: (d) => {
      const training = d.int(0, 1) === 1;
      const c = d.int(1, 3);
      const s = d.int(0, 1) ? [d.int(2, 4), c] : [d.int(1, 2), c, d.int(1, 3), d.int(2, 3)];
      const runMean = d.uniform([c]);
      const runVar = d.uniform([c], 0.5, 2);
      return {
        fn: (x, g, b) => ag.batchNorm(x!, g!, b!, runMean.copy(), runVar.copy(), { training }),
        inputs: [d.uniform(s, -2, 2), d.uniform([c], 0.5, 1.5), d.uniform([c])],
        description: `${show(s)} training ${training}`,
      };
    },
  },
  {
    op: 'localResponseNorm',
    draw: (d) => {
      const s = [d.int(1, 2), d.int(1, 7), d.int(1, 2), d.int(1, 2)];
      const options = {
        size: d.int(1, 5),
        alpha: pick(d, [1e-4, 0.3, 1]),
        beta: pick(d, [0.75, 0.5]),
        k: pick(d, [2, 1]),
      };
      return {
        fn: (x) => ag.localResponseNorm(x!, options),
        inputs: [d.uniform(s, -2, 2)],
        description: `${show(s)} ${JSON.stringify(options)}`,
      };
    },
  },
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
      return {
        fn: (x, w, b, gamma, beta, fw, fb) => {
          const conv = ag.conv2d(x!, w!, b, { padding: 1 });
          const bn = ag.batchNorm(conv, gamma!, beta!, nd.zeros([co]), nd.ones([co]), { training: true });
          const pool = ag.maxPool2d(ag.relu(bn), 2);
          return ag.crossEntropy(ag.linear(ag.flatten(pool), fw!, fb), labels);
        },
        inputs: [
          d.uniform([n, ci, size, size]),
          d.uniform([co, ci, 3, 3]),
          d.uniform([co]),
          d.uniform([co], 0.5, 1.5),
          d.uniform([co]),
          d.uniform([classes, pooled]),
          d.uniform([classes]),
        ],
        description: `x [${n},${ci},${size},${size}] → ${co} channels → ${classes} classes`,
      };
    },
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
  },
];
