import {
  defaultGenerator,
  formatShape,
  type NDArray,
  type Random,
  ShapeError,
  zeros as ndZeros,
  ValueError,
} from '@nabla/tensor';

/** Options of the initializers. */
export interface InitOptions {
  /** The generator to draw from (default: the shared `defaultGenerator`). */
  generator?: Random;
  /** Element type (default float32). */
  dtype?: 'float32' | 'float64';
  /** Number of inputs feeding one output unit; computed from the shape when omitted (see `computeFans`). */
  fanIn?: number;
  /** Number of outputs one input unit feeds; computed from the shape when omitted. */
  fanOut?: number;
}

/** Makes a freshly initialized array of the given shape. */
export type Initializer = (shape: readonly number[], options?: InitOptions) => NDArray;

/**
 * The fans of a weight laid out as PyTorch keeps it: Linear [out, in] → (in, out); Conv2d
 * [out, in/groups, kh, kw] → (in/groups · kh · kw, out · kh · kw), i.e. channels × receptive field.
 * Conv2d passes per-group fans explicitly (Matlab's rule), which equal these when groups = 1.
 */
export function computeFans(shape: readonly number[]): {
  /** Inputs feeding each output unit. */
  fanIn: number;
  /** Outputs each input unit feeds. */
  fanOut: number;
} {
  if (shape.length < 2) {
    throw new ShapeError(
      'computeFans',
      `needs a weight of rank >= 2 to infer fans, got ${formatShape(shape)}`,
    );
  }
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

function fans(
  name: string,
  shape: readonly number[],
  options: InitOptions,
): { fanIn: number; fanOut: number } {
  const inferred =
    options.fanIn === undefined || options.fanOut === undefined ? computeFans(shape) : undefined;
  const fanIn = options.fanIn ?? inferred!.fanIn;
  const fanOut = options.fanOut ?? inferred!.fanOut;
  if (!(fanIn > 0 && fanOut > 0))
    throw new ValueError(name, `fans must be positive, got fanIn ${fanIn}, fanOut ${fanOut}`);
  return { fanIn, fanOut };
}

function fill(shape: readonly number[], options: InitOptions, draw: (g: Random) => number): NDArray {
  const out = ndZeros(shape, options.dtype ?? 'float32');
  const g = options.generator ?? defaultGenerator;
  for (let i = 0; i < out.data.length; i++) out.data[i] = draw(g);
  return out;
}

/**
 * Glorot (Xavier) uniform — Matlab's default 'glorot' and PyTorch's xavier_uniform_:
 * W ~ U(−a, a) with a = √(6 / (fan_in + fan_out)), which keeps the variance of activations and of
 * back-propagated deltas about equal across layers (Glorot & Bengio, 2010). This is the course's
 * recipe and Nabla's default; PyTorch's own default for Linear/Conv2d is Kaiming-uniform with
 * a = √5, i.e. U(±1/√fan_in).
 */
export const glorotUniform: Initializer = (shape, options = {}) => {
  const { fanIn, fanOut } = fans('glorotUniform', shape, options);
  const a = Math.sqrt(6 / (fanIn + fanOut));
  return fill(shape, options, (g) => g.uniformRange(-a, a));
};

/** Glorot normal: W ~ N(0, 2 / (fan_in + fan_out)) (PyTorch's xavier_normal_). */
export const glorotNormal: Initializer = (shape, options = {}) => {
  const { fanIn, fanOut } = fans('glorotNormal', shape, options);
  const std = Math.sqrt(2 / (fanIn + fanOut));
  return fill(shape, options, (g) => g.normal(0, std));
};

/** He (Kaiming) normal for ReLU networks: W ~ N(0, 2 / fan_in) (Matlab's 'he', PyTorch's kaiming_normal_). */
export const heNormal: Initializer = (shape, options = {}) => {
  const { fanIn } = fans('heNormal', shape, options);
  const std = Math.sqrt(2 / fanIn);
  return fill(shape, options, (g) => g.normal(0, std));
};

/** He (Kaiming) uniform: W ~ U(±√(6 / fan_in)) (PyTorch's kaiming_uniform_ with the ReLU gain). */
export const heUniform: Initializer = (shape, options = {}) => {
  const { fanIn } = fans('heUniform', shape, options);
  const a = Math.sqrt(6 / fanIn);
  return fill(shape, options, (g) => g.uniformRange(-a, a));
};

/** All zeros: the course's (and Matlab's) bias initialization. */
export const zeros: Initializer = (shape, options = {}) => ndZeros(shape, options.dtype ?? 'float32');

/** All ones: BatchNorm's scale γ. */
export const ones: Initializer = (shape, options = {}) => {
  const out = ndZeros(shape, options.dtype ?? 'float32');
  out.data.fill(1);
  return out;
};

/** Every entry equal to `value`. */
export function constant(value: number): Initializer {
  return (shape, options = {}) => {
    const out = ndZeros(shape, options.dtype ?? 'float32');
    out.data.fill(value);
    return out;
  };
}

/** N(mean, std²) entries (Matlab's 'narrow-normal' is normal(0, 0.01)). */
export function normal(std = 0.01, mean = 0): Initializer {
  return (shape, options = {}) => fill(shape, options, (g) => g.normal(mean, std));
}

/** U(low, high) entries. */
export function uniform(low: number, high: number): Initializer {
  return (shape, options = {}) => fill(shape, options, (g) => g.uniformRange(low, high));
}
