import {
  type Conv2dOptions,
  conv2d,
  conv2dBackwardFilter,
  conv2dBackwardInput,
  fromTypedArray,
  getBackend,
  matmul,
} from '@nabla/tensor';
import convnetjs from 'convnetjs';
import { nchwToNhwc, oihwToHwio, randomFloats } from '../data.js';
import { machineInfo } from '../machine.js';
import { naiveMatmul } from '../naive-matmul.js';
import type { BenchOptions } from '../options.js';
import { nablaSettings } from '../peers/nabla.js';
import { type TfBackend, tf, tfInfo, useTf } from '../peers/tfjs.js';
import { checkWasmConv2DBackpropFilter } from '../peers/tfjs-wasm-filter-grad.js';
import type { CaseResult, SuiteResult } from '../results.js';
import { type CaseSpec, type Contender, runCase, selected, Unavailable } from '../runner.js';
import os from 'node:os';

const MATMUL_SIZES = [128, 256, 512, 1024];

/** A convolution at a real network's layer shape (NCHW; filter [Co, Ci/groups, k, k]). */
interface ConvShape {
  name: string;
  n: number;
  ci: number;
  h: number;
  w: number;
  co: number;
  k: number;
  stride: number;
  pad: number;
  groups: number;
}

export const CONV_SHAPES: ConvShape[] = [
  {
    name: 'LeNet conv1 128×1×28² → 16, 3×3 p1',
    n: 128,
    ci: 1,
    h: 28,
    w: 28,
    co: 16,
    k: 3,
    stride: 1,
    pad: 1,
    groups: 1,
  },
  {
    name: 'LeNet conv2 128×16×14² → 32, 3×3 p1',
    n: 128,
    ci: 16,
    h: 14,
    w: 14,
    co: 32,
    k: 3,
    stride: 1,
    pad: 1,
    groups: 1,
  },
  {
    name: 'LeNet conv3 128×32×7² → 64, 3×3 p1',
    n: 128,
    ci: 32,
    h: 7,
    w: 7,
    co: 64,
    k: 3,
    stride: 1,
    pad: 1,
    groups: 1,
  },
  {
    name: 'issue 64×16×28² → 32, 3×3 p1',
    n: 64,
    ci: 16,
    h: 28,
    w: 28,
    co: 32,
    k: 3,
    stride: 1,
    pad: 1,
    groups: 1,
  },
  {
    name: 'AlexNet conv1 1×3×227² → 96, 11×11 s4',
    n: 1,
    ci: 3,
    h: 227,
    w: 227,
    co: 96,
    k: 11,
    stride: 4,
    pad: 0,
    groups: 1,
  },
  {
    name: 'AlexNet conv2 1×96×27² → 256, 5×5 p2 g2',
    n: 1,
    ci: 96,
    h: 27,
    w: 27,
    co: 256,
    k: 5,
    stride: 1,
    pad: 2,
    groups: 2,
  },
];

type ConvOp = 'forward' | 'backward-input' | 'backward-filter';
const CONV_OPS: ConvOp[] = ['forward', 'backward-input', 'backward-filter'];

function outSize(s: ConvShape): [number, number] {
  return [
    Math.floor((s.h + 2 * s.pad - s.k) / s.stride) + 1,
    Math.floor((s.w + 2 * s.pad - s.k) / s.stride) + 1,
  ];
}

/** Multiply-adds × 2, the same count for the forward pass and each backward kernel. */
function convFlops(s: ConvShape): number {
  const [ho, wo] = outSize(s);
  return 2 * s.n * s.co * ho * wo * (s.ci / s.groups) * s.k * s.k;
}

function convData(s: ConvShape) {
  const [ho, wo] = outSize(s);
  return {
    x: randomFloats(s.n * s.ci * s.h * s.w, 1),
    w: randomFloats(s.co * (s.ci / s.groups) * s.k * s.k, 2),
    dy: randomFloats(s.n * s.co * ho * wo, 3),
    ho,
    wo,
  };
}

function matmulCase(n: number): CaseSpec {
  const a = randomFloats(n * n, 1);
  const b = randomFloats(n * n, 2);
  const tfContender = (backend: TfBackend): Contender => ({
    lib: backend === 'cpu' ? 'tfjs-cpu' : 'tfjs-wasm',
    setup: async () => {
      await useTf(backend);
      const ta = tf.tensor2d(a, [n, n]);
      const tb = tf.tensor2d(b, [n, n]);
      return {
        run: () => tf.matMul(ta, tb).dispose(),
        dispose: () => tf.dispose([ta, tb]),
      };
    },
  });
  return {
    name: `matmul ${n}×${n}×${n} f32`,
    unit: 'GFLOP/s',
    work: `2·n³ = ${((2 * n ** 3) / 1e9).toPrecision(3)} GFLOP`,
    amount: (2 * n ** 3) / 1e9,
    contenders: [
      {
        lib: 'nabla',
        setup: () => {
          const ta = fromTypedArray(a, [n, n]);
          const tb = fromTypedArray(b, [n, n]);
          return { run: () => void matmul(ta, tb) };
        },
      },
      {
        lib: 'naive',
        setup: () => {
          const c = new Float32Array(n * n);
          return { run: () => naiveMatmul(a, b, c, n) };
        },
      },
      tfContender('cpu'),
      tfContender('wasm'),
    ],
  };
}

function nablaConv(s: ConvShape, op: ConvOp): Contender {
  return {
    lib: 'nabla',
    setup: () => {
      const d = convData(s);
      const x = fromTypedArray(d.x, [s.n, s.ci, s.h, s.w]);
      const w = fromTypedArray(d.w, [s.co, s.ci / s.groups, s.k, s.k]);
      const dy = fromTypedArray(d.dy, [s.n, s.co, d.ho, d.wo]);
      const options: Conv2dOptions = { stride: s.stride, padding: s.pad, groups: s.groups };
      const run =
        op === 'forward'
          ? () => void conv2d(x, w, options)
          : op === 'backward-input'
            ? () => void conv2dBackwardInput(dy, w, x.shape, options)
            : () => void conv2dBackwardFilter(x, dy, w.shape, options);
      return { run };
    },
  };
}

/**
 * TF.js has no grouped convolution: a grouped layer is run as it would be written by a user,
 * split → one conv per group → concat, and all of it is timed.
 */
function tfConv(s: ConvShape, op: ConvOp, backend: TfBackend): Contender {
  return {
    lib: backend === 'cpu' ? 'tfjs-cpu' : 'tfjs-wasm',
    ...(backend === 'cpu' && op === 'backward-filter' && convFlops(s) > 1e8
      ? { slow: "TF.js cpu's filter gradient runs near 0.01 GFLOP/s, tens of seconds a call" }
      : {}),
    setup: async () => {
      await useTf(backend);
      const d = convData(s);
      const g = s.groups;
      const x = tf.tensor4d(nchwToNhwc(d.x, s.n, s.ci, s.h, s.w), [s.n, s.h, s.w, s.ci]);
      const w = tf.tensor4d(oihwToHwio(d.w, s.co, s.ci / g, s.k, s.k), [s.k, s.k, s.ci / g, s.co]);
      const dy = tf.tensor4d(nchwToNhwc(d.dy, s.n, s.co, d.ho, d.wo), [s.n, d.ho, d.wo, s.co]);
      const attrs = { strides: s.stride, pad: s.pad, dataFormat: 'NHWC' };
      const bwdInput = (dyi: tf.Tensor4D, wi: tf.Tensor4D) =>
        tf.engine().runKernel('Conv2DBackpropInput', { dy: dyi, filter: wi }, {
          ...attrs,
          inputShape: [s.n, s.h, s.w, s.ci / g],
        } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
      const bwdFilter = (xi: tf.Tensor4D, dyi: tf.Tensor4D) =>
        tf.engine().runKernel('Conv2DBackpropFilter', { x: xi, dy: dyi }, {
          ...attrs,
          filterShape: [s.k, s.k, s.ci / g, s.co / g],
        } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
      const byGroup = (
        a: tf.Tensor4D,
        b: tf.Tensor4D,
        f: (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor4D,
      ) => {
        if (g === 1) return f(a, b);
        const as = tf.split(a, g, 3) as tf.Tensor4D[];
        const bs = tf.split(b, g, 3) as tf.Tensor4D[];
        return tf.concat(
          as.map((ai, i) => f(ai, bs[i]!)),
          3,
        );
      };
      const body =
        op === 'forward'
          ? () => byGroup(x, w, (xi, wi) => tf.conv2d(xi, wi, s.stride, s.pad))
          : op === 'backward-input'
            ? () => byGroup(dy, w, bwdInput)
            : () => byGroup(x, dy, bwdFilter);
      return {
        run: () => tf.tidy(() => void body()),
        dispose: () => tf.dispose([x, w, dy]),
      };
    },
  };
}

/** ConvNetJS convolves one image (a Float64Array volume) at a time: the batch is a loop. No groups. */
function convnetjsConv(s: ConvShape): Contender {
  return {
    lib: 'convnetjs',
    setup: () => {
      if (s.groups !== 1) throw new Unavailable('ConvNetJS has no grouped convolution');
      const d = convData(s);
      const layer = new convnetjs.ConvLayer({
        in_sx: s.w,
        in_sy: s.h,
        in_depth: s.ci,
        sx: s.k,
        filters: s.co,
        stride: s.stride,
        pad: s.pad,
      });
      const plane = s.ci * s.h * s.w;
      const images = Array.from({ length: s.n }, (_, b) => {
        const v = new convnetjs.Vol(s.w, s.h, s.ci, 0);
        v.w.set(nchwToNhwc(d.x.subarray(b * plane, (b + 1) * plane), 1, s.ci, s.h, s.w));
        return v;
      });
      return {
        run: () => {
          for (const v of images) layer.forward(v, false);
        },
      };
    },
  };
}

function convCase(s: ConvShape, op: ConvOp): CaseSpec {
  const flops = convFlops(s);
  const contenders = [nablaConv(s, op), tfConv(s, op, 'cpu'), tfConv(s, op, 'wasm')];
  if (op === 'forward') contenders.push(convnetjsConv(s));
  return {
    name: `conv ${op} ${s.name}`,
    unit: 'GFLOP/s',
    work: `${(flops / 1e9).toPrecision(3)} GFLOP`,
    amount: flops / 1e9,
    contenders,
  };
}

export async function kernelsSuite(options: BenchOptions): Promise<SuiteResult> {
  const machine = machineInfo();
  const peers = await tfInfo();
  await useTf('wasm');
  const patchError = await checkWasmConv2DBackpropFilter(useTf);
  if (!(patchError < 1e-4))
    throw new Error(`the bench's wasm Conv2DBackpropFilter disagrees with TF.js cpu: ${patchError}`);
  const notes = [
    "Nabla ÷ peer > 1 means Nabla is faster. GFLOP/s counts 2 flops per multiply-add; the two backward kernels are credited with the forward pass's count.",
    "naive JS: the i-k-j triple loop over Float32Array (issue 2's baseline).",
    `TF.js wasm has no Conv2DBackpropFilter kernel in 4.22: the bench registers one built from wasm ops (pad, transpose, a dilated conv2d; XNNPACK speed), checked against TF.js cpu (max error ${patchError.toExponential(1)} of max |dW|).`,
    'TF.js has no grouped convolution: AlexNet conv2 runs there as split → two convs → concat, all timed.',
    'TF.js runs NHWC; Nabla NCHW. Inputs are the same numbers, transposed outside the timing.',
    'ConvNetJS: forward only (its backward computes both gradients at once in float64, not separable), one image at a time, Float64Array volumes, no groups.',
  ];
  const cases: CaseResult[] = [];
  const specs: (() => CaseSpec)[] = [
    ...MATMUL_SIZES.map((n) => () => matmulCase(n)),
    ...CONV_SHAPES.flatMap((s) => CONV_OPS.map((op) => () => convCase(s, op))),
  ];
  console.log(`\nkernels: ${specs.length} cases, budget ${options.budget}s a row`);
  for (const make of specs) {
    const spec = make();
    if (!selected(spec.name, options)) continue;
    cases.push(await runCase(spec, options));
  }
  return {
    suite: 'kernels',
    title: 'Kernels: matmul and conv2d (forward, backward to the input, backward to the filter)',
    quick: options.quick,
    machine,
    peers,
    nabla: nablaSettings(getBackend().name),
    cases,
    notes,
    loadAverageAfter: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}
