import { matmul, mul, noGrad, sum, Tensor } from '@nabla/autograd';
import * as nd from '@nabla/tensor';
import { formatShape, type NDArray, Random, ShapeError, ValueError } from '@nabla/tensor';
import type { Network } from '../network.js';
import { gaussianBlur } from './blur.js';
import { resolveLayer } from './layer-ref.js';
import { forwardCapture } from './probe.js';
import { bilinearMatrix, resizeBilinear } from './resize.js';

/** Options of {@link deepDreamImage} (Matlab's names where it has them). */
export interface DeepDreamOptions {
  /** Gradient-ascent steps per octave (Matlab's NumIterations, 10). */
  iterations?: number;
  /** Octaves, coarse to fine (Matlab's PyramidLevels, 3). */
  pyramidLevels?: number;
  /** Size ratio between octaves (Matlab's PyramidScale, 1.4). */
  pyramidScale?: number;
  /** Mean pixel change per step, as a fraction of the pixel range (the gradient is normalized). */
  stepSize?: number;
  /** Largest random shift per step, in pixels of the full-size image; default 1/16 of its size. */
  jitter?: number;
  /** σ in pixels (at each octave's size) of the Gaussian blur applied every `blurEvery` steps. */
  blurSigma?: number;
  /** Blur every this many steps. */
  blurEvery?: number;
  /** Fraction of each pixel's distance to the mean image pulled back per step (an L2 prior). */
  decay?: number;
  /** The network's raw pixel range; default [0, 255] if its mean image exceeds 1.5, else [0, 1]. */
  pixelRange?: readonly [number, number];
  /** Where to start, [C, H, W] or [N, C, H, W]; default the mean image plus a little noise. */
  initialImage?: NDArray;
  /** The generator of the jitter and the initial noise. */
  generator?: Random;
  /** Called after each step. */
  onIteration?: (record: DeepDreamRecord) => void;
}

/** One step of {@link deepDreamImage}. */
export interface DeepDreamRecord {
  /** The octave, from 0 (the coarsest). */
  octave: number;
  /** The step within the octave. */
  iteration: number;
  /** The target activation of each image before this step. */
  activation: number[];
}

/** What {@link deepDreamImage} made. */
export interface DeepDreamResult {
  /** The layer whose activation was maximized. */
  layer: string;
  /** The channels (or classes) maximized, one picture each. */
  channels: number[];
  /** The pictures [N, C, H, W] in the network's raw pixel units (within `pixelRange`). */
  images: NDArray;
  /** The target activation of each picture, for the start and for the result. */
  initialActivation: number[];
  /** The target activation of each picture at the end. */
  finalActivation: number[];
  /** Every step's record. */
  history: DeepDreamRecord[];
}

/**
 * Activation maximization, after Matlab's deepDreamImage(net, layer, channels): pictures that
 * excite one channel of a convolution layer (its mean over positions) or one unit of a fully
 * connected layer (for the output layer: a class score) as much as possible — the course's
 * "Layer conv1 … conv5, fc6, fc7, output" pictures. Gradient ascent on the input x:
 *   x ← x + η · (∂a/∂x) / mean|∂a/∂x|,
 * the gradient reaching the input through Network.forward (the input normalization is part of
 * the graph). Left alone that climbs into high-frequency noise, so, as in Mordvintsev et al.'s
 * DeepDream and Yosinski et al. (2015): octaves (optimize a small picture first, resize it up
 * between octaves — the small picture reaches the network through a bilinear resize, a linear
 * map whose gradient is its transpose), a random jitter (shift) at each step, a light Gaussian
 * blur, and a small decay toward the background. One channel per picture; all the pictures of a
 * call are optimized together in one batch. The network's weights are not touched.
 */
export function deepDreamImage(
  net: Network,
  layer: string,
  channels: number | readonly number[],
  options: DeepDreamOptions = {},
): DeepDreamResult {
  const op = 'deepDreamImage';
  const ref = resolveLayer(net, layer);
  const targets = typeof channels === 'number' ? [channels] : channels.slice();
  if (targets.length === 0) throw new ValueError(op, 'needs at least one channel');
  if (net.inputShape.length !== 3)
    throw new ShapeError(
      op,
      `needs an image input [C,H,W], the network takes ${formatShape(net.inputShape)}`,
    );
  const [C, H, W] = net.inputShape as [number, number, number];
  const N = targets.length;
  const iterations = positiveInt(op, 'iterations', options.iterations ?? 10);
  const levels = positiveInt(op, 'pyramidLevels', options.pyramidLevels ?? 3);
  const scale = options.pyramidScale ?? 1.4;
  if (!(scale >= 1)) throw new ValueError(op, `pyramidScale must be >= 1, got ${scale}`);
  const [lo, hi] = options.pixelRange ?? defaultRange(net);
  if (!(hi > lo))
    throw new ValueError(op, `pixelRange must be [low, high] with high > low, got [${lo}, ${hi}]`);
  const range = hi - lo;
  const stepSize = options.stepSize ?? 0.02;
  const jitter = options.jitter ?? Math.max(1, Math.round(Math.max(H, W) / 16));
  const blurSigma = options.blurSigma ?? 0.5;
  const blurEvery = positiveInt(op, 'blurEvery', options.blurEvery ?? 1);
  const decay = options.decay ?? 0.01;
  const generator = options.generator ?? new Random(0);
  // What the decay pulls toward: the average training picture (the network's mean image), i.e.
  // the zero of its normalized input, so the L2 prior ‖x − μ‖² is Yosinski's decay in the space
  // the network sees; without a mean image, the bottom of the range.
  const meanImage = net.mean ? net.mean.reshape([1, C, H, W]).broadcastTo([N, C, H, W]).contiguous() : null;
  const centerAt = (hh: number, ww: number): Float32Array =>
    meanImage
      ? Float32Array.from(resizeBilinear(meanImage, hh, ww).contiguous().data)
      : new Float32Array(N * C * hh * ww).fill(lo);

  // The octave sizes, coarse to fine; the last is the network's input size.
  const sizes = Array.from({ length: levels }, (_, k) => {
    const f = scale ** (levels - 1 - k);
    return [Math.max(1, Math.round(H / f)), Math.max(1, Math.round(W / f))] as const;
  });
  let h = sizes[0]![0];
  let w = sizes[0]![1];
  let p: Float32Array;
  if (options.initialImage) {
    const init =
      options.initialImage.ndim === 3 ? options.initialImage.reshape([1, C, H, W]) : options.initialImage;
    if (
      init.ndim !== 4 ||
      init.shape[1] !== C ||
      init.shape[2] !== H ||
      init.shape[3] !== W ||
      ![1, N].includes(init.shape[0]!)
    ) {
      throw new ShapeError(
        op,
        `initialImage must be [${C},${H},${W}] or [${N},${C},${H},${W}], got ${formatShape(options.initialImage.shape)}`,
      );
    }
    const small = resizeBilinear(init.broadcastTo([N, C, H, W]).contiguous(), h, w).contiguous();
    p = Float32Array.from(small.data);
  } else {
    p = centerAt(h, w);
    for (let i = 0; i < p.length; i++)
      p[i] = Math.min(hi, Math.max(lo, p[i]! + 0.1 * range * generator.normal()));
  }

  // Freeze the weights for the duration: only the input's gradient is wanted.
  const params = net.body.parameters();
  const flags = params.map((q) => q.requiresGrad);
  const wasTraining = net.body.training;
  for (const q of params) q.requiresGrad = false;
  net.eval();
  const history: DeepDreamRecord[] = [];
  let mask: NDArray | null = null;
  const measure = (x: Tensor) => {
    const act = forwardCapture(net, x, [ref.path], { stopEarly: true }).get(ref.path)!;
    mask ??= targetMask(op, ref.name, act.shape, targets);
    return act;
  };
  try {
    for (let octave = 0; octave < levels; octave++) {
      const [nh, nw] = sizes[octave]!;
      if (nh !== h || nw !== w) {
        p = Float32Array.from(resizeBilinear(nd.fromTypedArray(p, [N, C, h, w]), nh, nw).contiguous().data);
        h = nh;
        w = nw;
      }
      const center = centerAt(h, w);
      const up =
        h === H && w === W
          ? null
          : ([new Tensor(bilinearMatrix(H, h)), new Tensor(bilinearMatrix(W, w).transpose())] as const);
      const shiftMax = Math.round((jitter * Math.max(h, w)) / Math.max(H, W));
      for (let it = 0; it < iterations; it++) {
        // Jitter: shift the picture, take the gradient there, shift the gradient back.
        const dy = shiftMax ? generator.int(2 * shiftMax + 1) - shiftMax : 0;
        const dx = shiftMax ? generator.int(2 * shiftMax + 1) - shiftMax : 0;
        const P = new Tensor(nd.fromTypedArray(roll(p, h, w, dy, dx), [N, C, h, w]), true);
        const x = up ? matmul(matmul(up[0], P), up[1]) : P;
        const act = measure(x);
        const objective = sum(mul(act, new Tensor(mask!)));
        history.push({ octave, iteration: it, activation: perImage(act.data, mask!) });
        options.onIteration?.(history[history.length - 1]!);
        objective.backward();
        const g = roll(P.grad!.contiguous().data as Float32Array, h, w, -dy, -dx);
        ascend(p, g, N, stepSize * range);
        for (let i = 0; i < p.length; i++) p[i] = center[i]! + (1 - decay) * (p[i]! - center[i]!);
        if (blurSigma > 0 && (it + 1) % blurEvery === 0) gaussianBlur(p, h, w, blurSigma);
        for (let i = 0; i < p.length; i++) p[i] = Math.min(hi, Math.max(lo, p[i]!));
      }
    }
    const images = nd.fromTypedArray(p, [N, C, H, W]);
    const finalActivation = noGrad(() => perImage(measure(new Tensor(images)).data, mask!));
    return {
      layer: ref.name,
      channels: targets,
      images,
      initialActivation: history[0]!.activation,
      finalActivation,
      history,
    };
  } finally {
    params.forEach((q, i) => {
      q.requiresGrad = flags[i]!;
      q.grad = null;
    });
    if (wasTraining) net.train();
  }
}

/**
 * The weights of the objective: for a [N, C, H, W] output, 1/(H·W) on channel c_n of picture n
 * (the channel's mean activation); for [N, K], 1 on unit c_n.
 */
function targetMask(op: string, layer: string, shape: readonly number[], targets: number[]): NDArray {
  const [n, c] = shape as [number, number];
  const per = shape.slice(2).reduce((a, b) => a * b, 1);
  const m = new Float32Array(shape.reduce((a, b) => a * b, 1));
  targets.forEach((t, i) => {
    if (!Number.isInteger(t) || t < 0 || t >= c) {
      throw new ValueError(op, `channel ${t} is outside layer '${layer}''s ${c} channels [0, ${c - 1}]`);
    }
    m.fill(1 / per, (i * c + t) * per, (i * c + t + 1) * per);
  });
  if (n !== targets.length) throw new ShapeError(op, `expected ${targets.length} outputs, got ${n}`);
  return nd.fromTypedArray(m, shape);
}

function perImage(act: NDArray, mask: NDArray): number[] {
  const a = act.contiguous().data;
  const m = mask.data;
  const n = act.shape[0]!;
  const per = a.length / n;
  return Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let j = i * per; j < (i + 1) * per; j++) s += a[j]! * m[j]!;
    return s;
  });
}

/** Normalized gradient ascent, per picture: each moves `step` on average, whatever its gradient's scale. */
function ascend(p: Float32Array, g: Float32Array, n: number, step: number): void {
  const per = p.length / n;
  for (let i = 0; i < n; i++) {
    let mean = 0;
    for (let j = i * per; j < (i + 1) * per; j++) mean += Math.abs(g[j]!);
    mean /= per;
    if (!(mean > 0)) continue;
    const k = step / mean;
    for (let j = i * per; j < (i + 1) * per; j++) p[j]! += k * g[j]!;
  }
}

/** Shifts every h×w plane by (dy, dx), wrapping around (numpy's roll). */
function roll(src: Float32Array, h: number, w: number, dy: number, dx: number): Float32Array {
  if (dy === 0 && dx === 0) return Float32Array.from(src);
  const out = new Float32Array(src.length);
  const plane = h * w;
  for (let p = 0; p < src.length; p += plane) {
    for (let y = 0; y < h; y++) {
      const ty = (((y + dy) % h) + h) % h;
      for (let x = 0; x < w; x++) {
        const tx = (((x + dx) % w) + w) % w;
        out[p + ty * w + tx] = src[p + y * w + x]!;
      }
    }
  }
  return out;
}

function defaultRange(net: Network): [number, number] {
  return net.mean && nd.max(net.mean).item() > 1.5 ? [0, 255] : [0, 1];
}

function positiveInt(op: string, name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new ValueError(op, `${name} must be a positive integer, got ${v}`);
  return v;
}
