import type { Random } from '@nabla/tensor';
import { ShapeError, ValueError } from '@nabla/tensor';
import {
  AvgPool2d,
  zeros,
  BatchNorm1d,
  BatchNorm2d,
  ConstantPad2d,
  Conv2d,
  CrossChannelNormalization,
  Dropout,
  Flatten,
  LeakyReLU,
  Linear,
  MaxPool2d,
  type Module,
  ReLU,
  Sigmoid,
  Tanh,
  ZeroPad2d,
} from '@nabla/layers';

/** Shape of one example without the batch axis: [C, H, W] for images, [F] for features. */
export type ExampleShape = number[];

/** What a layer's build step may use. */
export interface BuildContext {
  /** The seeded generator of the initial weights (the default generator when undefined). */
  generator: Random | undefined;
  /**
   * False when every weight is about to be replaced (a model being loaded): the learnable layers
   * then start from zeros instead of drawing random numbers nobody will use.
   */
  initialize?: boolean;
}

/**
 * What a layer's `build` will make, found without making it: the shape coming out and, for each
 * module in order, its state-dict tensors (name → shape). A loader checks a weights file against
 * this before a single parameter is allocated.
 */
export interface LayerPlan {
  /** The shape of one example coming out of the layer (no batch axis). */
  output: ExampleShape;
  /** The modules the layer will build, in order (none for marker layers). */
  modules: {
    /** The module's state-dict tensors: [name, shape] pairs, in state-dict order. */
    tensors: [string, number[]][];
  }[];
}

/**
 * One entry of a Matlab-style layer array. `build` sees the shape coming in (so a layer need not be
 * told its input channels, as in Matlab) and returns the module — or null for layers that only mark
 * the network's ends (input, softmax, classification output) — and the shape going out.
 */
export interface LayerSpec {
  /** The layer's kind ('convolution2d', 'relu', …). */
  readonly kind: string;
  /** The layer's name in the network's table (Matlab's 'Name'), if given. */
  readonly name: string | undefined;
  /** A one-line description for the layer table (e.g. '16 3×3 convolutions with stride [1 1]'). */
  readonly description: string;
  /** How to rebuild this entry from JSON (model.json): the factory's name and its arguments. */
  config?: LayerConfig;
  /** Makes the layer's modules for an input of this shape and says the shape going out. */
  build(
    input: ExampleShape,
    context: BuildContext,
  ): {
    /** The modules the layer becomes (none for markers such as input and softmax). */
    modules: Module[];
    /** The shape of one example coming out. */
    output: ExampleShape;
  };
  /** The plan of `build` for this input (every Nabla factory gives one); refuses what build would. */
  plan?(input: ExampleShape): LayerPlan;
}

/** A layer as JSON: the factory that made it and its arguments. */
export interface LayerConfig {
  /** The factory's name ('convolution2dLayer', …). */
  factory: string;
  /** The factory's arguments, as given. */
  args: unknown[];
}

type Pair = number | [number, number];
const pairOf = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : v);

/** A size argument checked for a plan: an integer ≥ `min` (1 for sizes, 0 for padding), as a pair. */
function checkedPair(op: string, what: string, v: unknown, min = 1): [number, number] {
  const pair = typeof v === 'number' ? [v, v] : v;
  if (
    !Array.isArray(pair) ||
    pair.length !== 2 ||
    !pair.every((d) => Number.isSafeInteger(d) && (d as number) >= min)
  ) {
    throw new ValueError(
      op,
      `${what} must be an integer >= ${min} or a pair of them, got ${JSON.stringify(v)}`,
    );
  }
  return pair as [number, number];
}

function checkedInt(op: string, what: string, v: unknown, min = 1): number {
  if (!Number.isSafeInteger(v) || (v as number) < min)
    throw new ValueError(op, `${what} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  return v as number;
}

const noTensors = (): { tensors: [string, number[]][] } => ({ tensors: [] });

/** The zeros a learnable layer starts from when its weights will be loaded (no draws, no waste). */
const initOptions = (context: BuildContext) =>
  context.initialize === false ? { weightInit: zeros, biasInit: zeros } : {};

interface Named {
  /** The layer's name in the network's table (Matlab's 'Name'). */
  name?: string;
}

/** How an input layer normalizes: subtract the training mean, standardize, or nothing. */
export type InputNormalization = 'zerocenter' | 'zscore' | 'none';

/** Matlab's imageInputLayer([h w c]): marks the input size; 'zerocenter' subtracts the training mean image. */
export interface ImageInputSpec extends LayerSpec {
  /** 'imageInput'. */
  readonly kind: 'imageInput';
  /** [height, width, channels], Matlab's order. */
  readonly inputSize: [number, number, number];
  /** The normalization applied to every input. */
  readonly normalization: InputNormalization;
}

function imageInputLayerImpl(
  inputSize: [number, number, number] | [number, number],
  options: Named & { normalization?: InputNormalization } = {},
): ImageInputSpec {
  const [h, w, c = 1] = inputSize;
  for (const d of [h, w, c]) {
    if (!Number.isInteger(d) || d < 1)
      throw new ValueError(
        'imageInputLayer',
        `input size must be positive integers [h w c], got [${inputSize.join(' ')}]`,
      );
  }
  const normalization = options.normalization ?? 'zerocenter';
  return {
    kind: 'imageInput',
    name: options.name,
    inputSize: [h, w, c],
    normalization,
    description: `${h}×${w}×${c} images with '${normalization}' normalization`,
    build: () => ({ modules: [], output: [c, h, w] }),
    plan: () => ({ output: [c, h, w], modules: [] }),
  };
}

/** Matlab's featureInputLayer(n): tabular input of n numeric features. */
export interface FeatureInputSpec extends LayerSpec {
  /** 'featureInput'. */
  readonly kind: 'featureInput';
  /** The number of features. */
  readonly numFeatures: number;
  /** The normalization applied to every input. */
  readonly normalization: InputNormalization;
}

function featureInputLayerImpl(
  numFeatures: number,
  options: Named & { normalization?: InputNormalization } = {},
): FeatureInputSpec {
  if (!Number.isInteger(numFeatures) || numFeatures < 1)
    throw new ValueError('featureInputLayer', `needs a positive number of features, got ${numFeatures}`);
  const normalization = options.normalization ?? 'none';
  return {
    kind: 'featureInput',
    name: options.name,
    numFeatures,
    normalization,
    description: `${numFeatures} features with '${normalization}' normalization`,
    build: () => ({ modules: [], output: [numFeatures] }),
    plan: () => ({ output: [numFeatures], modules: [] }),
  };
}

/** Matlab's per-layer factors: learn rates default to 1, WeightL2Factor to 1 and BiasL2Factor to 0. */
export interface LearnRateFactors {
  /** Multiplies the learning rate of the weights (0 freezes them). */
  weightLearnRateFactor?: number;
  /** Multiplies the learning rate of the bias. */
  biasLearnRateFactor?: number;
  /** Multiplies the L2 regularization of the weights. */
  weightL2Factor?: number;
  /** Matlab's default is 0: no L2 regularization on biases (PyTorch's modules decay them: 1). */
  biasL2Factor?: number;
}

function applyFactors(module: Module, f: LearnRateFactors): void {
  for (const [name, p] of module.namedParameters()) {
    const isBias = name.endsWith('bias');
    const lr = isBias ? f.biasLearnRateFactor : f.weightLearnRateFactor;
    const l2 = isBias ? f.biasL2Factor : f.weightL2Factor;
    if (lr !== undefined) p.learnRateFactor = lr;
    if (l2 !== undefined) p.l2Factor = l2;
  }
}

function imageShape(op: string, input: ExampleShape): [number, number, number] {
  if (input.length !== 3) throw new ShapeError(op, `needs image input [C,H,W], got [${input.join(',')}]`);
  return input as [number, number, number];
}

/** Options of {@link convolution2dLayer} and {@link groupedConvolution2dLayer}. */
export interface ConvolutionOptions extends Named, LearnRateFactors {
  /** Step between filter positions (default 1). */
  stride?: Pair;
  /** A size, or 'same' (output size = ⌈input / stride⌉, Matlab's 'same'). */
  padding?: Pair | 'same';
  /** Spacing between filter taps (default 1). */
  dilation?: Pair;
  /** Channel groups (default 1). */
  numGroups?: number;
}

/** Matlab's convolution2dLayer(filterSize, numFilters): numFilters kernels of filterSize over all input channels. */
function convolution2dLayerImpl(
  filterSize: Pair,
  numFilters: number,
  options: ConvolutionOptions = {},
): LayerSpec {
  const [kh, kw] = pairOf(filterSize);
  const groups = options.numGroups ?? 1;
  return {
    kind: 'convolution2d',
    name: options.name,
    description: `${numFilters} ${kh}×${kw} convolutions${groups > 1 ? ` in ${groups} groups` : ''}, stride ${String(options.stride ?? 1)}, padding ${String(options.padding ?? 0)}`,
    build(input, context) {
      const [c, h, w] = imageShape('convolution2dLayer', input);
      const [sh, sw] = pairOf(options.stride ?? 1);
      const [dh, dw] = pairOf(options.dilation ?? 1);
      // 'same' may need one more row (column) at the bottom (right) than at the top (left): then an
      // explicit zero border comes first and the convolution itself pads nothing.
      const same =
        options.padding === 'same'
          ? samePadding([h, w], [dh * (kh - 1) + 1, dw * (kw - 1) + 1], [sh, sw])
          : null;
      const padding: [number, number] = same
        ? same.symmetric
          ? [same.top, same.left]
          : [0, 0]
        : pairOf((options.padding as Pair | undefined) ?? 0);
      const conv = new Conv2d(c, numFilters, [kh, kw], {
        stride: [sh, sw],
        padding,
        dilation: [dh, dw],
        groups,
        generator: context.generator,
        ...initOptions(context),
      });
      applyFactors(conv, { ...options, biasL2Factor: options.biasL2Factor ?? 0 });
      const [ph, pw] = same
        ? [same.top + same.bottom, same.left + same.right]
        : [2 * padding[0], 2 * padding[1]];
      const ho = Math.floor((h + ph - dh * (kh - 1) - 1) / sh) + 1;
      const wo = Math.floor((w + pw - dw * (kw - 1) - 1) / sw) + 1;
      if (same && !same.symmetric)
        return { modules: [new ZeroPad2d(same.border), conv], output: [numFilters, ho, wo] };
      return { modules: [conv], output: [numFilters, ho, wo] };
    },
    plan(input) {
      const op = 'convolution2dLayer';
      const [c, h, w] = imageShape(op, input);
      const [fh, fw] = checkedPair(op, 'filterSize', filterSize);
      const filters = checkedInt(op, 'numFilters', numFilters);
      const g = checkedInt(op, 'numGroups', groups);
      const [sh, sw] = checkedPair(op, 'stride', options.stride ?? 1);
      const [dh, dw] = checkedPair(op, 'dilation', options.dilation ?? 1);
      // The same geometry build() makes: Matlab's 'same' (odd row/column at the bottom/right) as a
      // zero border module before an unpadded convolution when the split is uneven.
      const same =
        options.padding === 'same'
          ? samePadding([h, w], [dh * (fh - 1) + 1, dw * (fw - 1) + 1], [sh, sw])
          : null;
      const [ph, pw] = same
        ? [same.top + same.bottom, same.left + same.right]
        : checkedPair(op, 'padding', options.padding ?? 0, 0).map((p) => 2 * p);
      if (c % g !== 0 || filters % g !== 0)
        throw new ValueError(
          op,
          `numGroups ${g} must divide both ${c} input channels and ${filters} filters`,
        );
      const ho = Math.floor((h + ph! - dh * (fh - 1) - 1) / sh) + 1;
      const wo = Math.floor((w + pw! - dw * (fw - 1) - 1) / sw) + 1;
      if (ho < 1 || wo < 1) throw new ShapeError(op, `a ${fh}×${fw} filter does not fit a ${h}×${w} input`);
      const tensors: [string, number[]][] = [
        ['weight', [filters, c / g, fh, fw]],
        ['bias', [filters]],
      ];
      const modules = same && !same.symmetric ? [noTensors(), { tensors }] : [{ tensors }];
      return { output: [filters, ho, wo], modules };
    },
  };
}

/** Matlab's groupedConvolution2dLayer(filterSize, numFiltersPerGroup, numGroups). */
function groupedConvolution2dLayerImpl(
  filterSize: Pair,
  numFiltersPerGroup: number,
  numGroups: number,
  options: Omit<ConvolutionOptions, 'numGroups'> = {},
): LayerSpec {
  return convolution2dLayerImpl(filterSize, numFiltersPerGroup * numGroups, { ...options, numGroups });
}

/** Matlab's batchNormalizationLayer: per-channel (images) or per-feature normalization with learned scale and offset. */
function batchNormalizationLayerImpl(options: Named = {}): LayerSpec {
  return {
    kind: 'batchNormalization',
    name: options.name,
    description: 'batch normalization',
    build(input) {
      const module = input.length === 3 ? new BatchNorm2d(input[0]!) : new BatchNorm1d(input[0]!);
      return { modules: [module], output: input };
    },
    plan(input) {
      const n = checkedInt('batchNormalizationLayer', 'channels', input[0]);
      return {
        output: input,
        modules: [
          {
            tensors: [
              ['weight', [n]],
              ['bias', [n]],
              ['running_mean', [n]],
              ['running_var', [n]],
              ['num_batches_tracked', []],
            ],
          },
        ],
      };
    },
  };
}

function elementwise(kind: string, description: string, make: () => Module, options: Named): LayerSpec {
  return {
    kind,
    name: options.name,
    description,
    build: (input) => ({ modules: [make()], output: input }),
    plan: (input) => ({ output: input, modules: [noTensors()] }),
  };
}

const reluLayerImpl = (options: Named = {}) => elementwise('relu', 'ReLU', () => new ReLU(), options);
const leakyReluLayerImpl = (scale = 0.01, options: Named = {}) =>
  elementwise('leakyRelu', `leaky ReLU (${scale})`, () => new LeakyReLU(scale), options);
const sigmoidLayerImpl = (options: Named = {}) =>
  elementwise('sigmoid', 'sigmoid', () => new Sigmoid(), options);
const tanhLayerImpl = (options: Named = {}) => elementwise('tanh', 'tanh', () => new Tanh(), options);

function dropoutLayerImpl(probability = 0.5, options: Named = {}): LayerSpec {
  return {
    kind: 'dropout',
    name: options.name,
    description: `${probability * 100}% dropout`,
    build: (input, context) => ({
      modules: [new Dropout(probability, { generator: context.generator })],
      output: input,
    }),
    plan: (input) => ({ output: input, modules: [noTensors()] }),
  };
}

/** Matlab's crossChannelNormalizationLayer(windowChannelSize): AlexNet's local response normalization. */
function crossChannelNormalizationLayerImpl(
  windowChannelSize: number,
  options: Named & { alpha?: number; beta?: number; k?: number } = {},
): LayerSpec {
  const alpha = options.alpha ?? 1e-4;
  const beta = options.beta ?? 0.75;
  const k = options.k ?? 2;
  return {
    kind: 'crossChannelNormalization',
    name: options.name,
    description: `cross channel normalization with ${windowChannelSize} channels per element`,
    build(input) {
      imageShape('crossChannelNormalizationLayer', input);
      return {
        // Matlab's window: ⌊(w − 1)/2⌋ channels before and ⌊w/2⌋ after (PyTorch mirrors it for even w).
        modules: [
          new CrossChannelNormalization(windowChannelSize, {
            alpha,
            beta,
            k,
            channelsBefore: Math.floor((windowChannelSize - 1) / 2),
          }),
        ],
        output: input,
      };
    },
    plan(input) {
      imageShape('crossChannelNormalizationLayer', input);
      return { output: input, modules: [noTensors()] };
    },
  };
}

/** Options of maxPooling2dLayer and averagePooling2dLayer (Matlab's name–value pairs). */
export interface PoolingOptions extends Named {
  /** Step between windows, [vertical, horizontal] or one number for both (default 1, as in Matlab). */
  stride?: Pair;
  /** A size, or 'same' (output size = ⌈input / stride⌉, Matlab's 'same'). */
  padding?: Pair | 'same';
}

function pooling(
  kind: 'maxPooling2d' | 'averagePooling2d',
  poolSize: Pair,
  options: PoolingOptions,
): LayerSpec {
  const [kh, kw] = pairOf(poolSize);
  return {
    kind,
    name: options.name,
    description: `${kh}×${kw} ${kind === 'maxPooling2d' ? 'max' : 'average'} pooling with stride ${String(options.stride ?? poolSize)}, padding ${String(options.padding ?? 0)}`,
    build(input) {
      const [c, h, w] = imageShape(`${kind}Layer`, input);
      const [sh, sw] = pairOf(options.stride ?? poolSize);
      const same = options.padding === 'same' ? samePadding([h, w], [kh, kw], [sh, sw]) : null;
      const [ph, pw] = same
        ? same.symmetric
          ? [same.top, same.left]
          : [0, 0]
        : pairOf((options.padding as Pair | undefined) ?? 0);
      const opts = { stride: [sh, sw] as [number, number], padding: [ph, pw] as [number, number] };
      const module = kind === 'maxPooling2d' ? new MaxPool2d([kh, kw], opts) : new AvgPool2d([kh, kw], opts);
      const [th, tw] = same ? [same.top + same.bottom, same.left + same.right] : [2 * ph, 2 * pw];
      const ho = Math.floor((h + th - kh) / sh) + 1;
      const wo = Math.floor((w + tw - kw) / sw) + 1;
      if (ho < 1 || wo < 1)
        throw new ShapeError(`${kind}Layer`, `a ${kh}×${kw} window does not fit a ${h}×${w} input`);
      if (same && !same.symmetric) {
        // Max pooling never picks the border (−∞, as its own padding does); average pooling counts
        // the zeros in its window (Matlab's PaddingValue 0, PyTorch's count_include_pad).
        const border =
          kind === 'maxPooling2d'
            ? new ConstantPad2d(same.border, Number.NEGATIVE_INFINITY)
            : new ZeroPad2d(same.border);
        return { modules: [border, module], output: [c, ho, wo] };
      }
      return { modules: [module], output: [c, ho, wo] };
    },
    plan(input) {
      const op = `${kind}Layer`;
      const [c, h, w] = imageShape(op, input);
      const [ph0, pw0] = checkedPair(op, 'poolSize', poolSize);
      const [sh, sw] = checkedPair(op, 'stride', options.stride ?? poolSize);
      const same = options.padding === 'same' ? samePadding([h, w], [ph0, pw0], [sh, sw]) : null;
      const [th, tw] = same
        ? [same.top + same.bottom, same.left + same.right]
        : checkedPair(op, 'padding', options.padding ?? 0, 0).map((p) => 2 * p);
      const ho = Math.floor((h + th! - ph0) / sh) + 1;
      const wo = Math.floor((w + tw! - pw0) / sw) + 1;
      if (ho < 1 || wo < 1) throw new ShapeError(op, `a ${ph0}×${pw0} window does not fit a ${h}×${w} input`);
      const modules = same && !same.symmetric ? [noTensors(), noTensors()] : [noTensors()];
      return { output: [c, ho, wo], modules };
    },
  };
}

/**
 * Matlab's 'same' padding for a window spanning `span` input cells at `stride`: the output has
 * ⌈size/stride⌉ cells, so the border totals max((⌈size/stride⌉ − 1)·stride + span − size, 0) per
 * axis, split evenly with the odd cell at the bottom (right) — what MathWorks documents for
 * convolution2dLayer and the pooling layers, and TensorFlow's SAME.
 */
export function samePadding(
  size: readonly [number, number],
  span: readonly [number, number],
  stride: readonly [number, number],
): {
  /** Rows added above: ⌊total/2⌋ of the vertical border. */
  top: number;
  /** Rows added below: the rest, ⌈total/2⌉ (the odd row goes here). */
  bottom: number;
  /** Columns added on the left: ⌊total/2⌋ of the horizontal border. */
  left: number;
  /** Columns added on the right: ⌈total/2⌉ (the odd column goes here). */
  right: number;
  /** True when top = bottom and left = right, so a convolution's own symmetric padding suffices. */
  symmetric: boolean;
  /** The same four as ZeroPad2d wants them: [left, right, top, bottom]. */
  border: [number, number, number, number];
} {
  const [vertical, horizontal] = [0, 1].map((i) => {
    const out = Math.ceil(size[i]! / stride[i]!);
    const total = Math.max((out - 1) * stride[i]! + span[i]! - size[i]!, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)] as const;
  }) as [readonly [number, number], readonly [number, number]];
  const [top, bottom] = vertical;
  const [left, right] = horizontal;
  return {
    top,
    bottom,
    left,
    right,
    symmetric: top === bottom && left === right,
    border: [left, right, top, bottom],
  };
}

/** Matlab's maxPooling2dLayer(poolSize, 'Stride', s). Stride defaults to 1, as in Matlab. */
function maxPooling2dLayerImpl(poolSize: Pair, options: PoolingOptions = {}): LayerSpec {
  return pooling('maxPooling2d', poolSize, { ...options, stride: options.stride ?? 1 });
}

function averagePooling2dLayerImpl(poolSize: Pair, options: PoolingOptions = {}): LayerSpec {
  return pooling('averagePooling2d', poolSize, { ...options, stride: options.stride ?? 1 });
}

/** Matlab's fullyConnectedLayer(outputSize): flattens an image input first, as Matlab does implicitly. */
function fullyConnectedLayerImpl(outputSize: number, options: Named & LearnRateFactors = {}): LayerSpec {
  if (!Number.isInteger(outputSize) || outputSize < 1)
    throw new ValueError('fullyConnectedLayer', `output size must be a positive integer, got ${outputSize}`);
  return {
    kind: 'fullyConnected',
    name: options.name,
    description: `${outputSize} fully connected layer`,
    build(input, context) {
      const modules: Module[] = [];
      if (input.length > 1) modules.push(new Flatten());
      const inFeatures = input.reduce((a, b) => a * b, 1);
      const linear = new Linear(inFeatures, outputSize, {
        generator: context.generator,
        ...initOptions(context),
      });
      applyFactors(linear, { ...options, biasL2Factor: options.biasL2Factor ?? 0 });
      modules.push(linear);
      return { modules, output: [outputSize] };
    },
    plan(input) {
      const inFeatures = input.reduce((a, b) => a * b, 1);
      const linear = {
        tensors: [
          ['weight', [outputSize, inFeatures]],
          ['bias', [outputSize]],
        ] as [string, number[]][],
      };
      return { output: [outputSize], modules: input.length > 1 ? [noTensors(), linear] : [linear] };
    },
  };
}

/** Matlab's softmaxLayer: the network's scores become probabilities (applied by predict/classify; training fuses it into the loss). */
function softmaxLayerImpl(options: Named = {}): LayerSpec {
  return {
    kind: 'softmax',
    name: options.name,
    description: 'softmax',
    build: (input) => ({ modules: [], output: input }),
    plan: (input) => ({ output: input, modules: [] }),
  };
}

/** Matlab's classificationLayer: cross-entropy loss over the classes. */
export interface ClassificationSpec extends LayerSpec {
  /** 'classification'. */
  readonly kind: 'classification';
  /** The class names (set by training when not given). */
  readonly classes: string[] | undefined;
}

function classificationLayerImpl(options: Named & { classes?: string[] } = {}): ClassificationSpec {
  return {
    kind: 'classification',
    name: options.name,
    classes: options.classes,
    description: 'cross-entropy loss',
    build: (input) => ({ modules: [], output: input }),
    plan: (input) => ({ output: input, modules: [] }),
  };
}

/** Matlab's regressionLayer: the course's quadratic loss ½‖y − ŷ‖². */
function regressionLayerImpl(options: Named = {}): LayerSpec {
  return {
    kind: 'regression',
    name: options.name,
    description: 'quadratic loss ½‖y − ŷ‖²',
    build: (input) => ({ modules: [], output: input }),
    plan: (input) => ({ output: input, modules: [] }),
  };
}

/** Records a factory's arguments on the spec it returns, so a layer array can be saved as JSON and rebuilt. */
function configured<A extends unknown[], S extends LayerSpec>(
  factory: string,
  impl: (...args: A) => S,
): (...args: A) => S {
  return (...args: A) => {
    const spec = impl(...args);
    spec.config = { factory, args: JSON.parse(JSON.stringify(args)) };
    return spec;
  };
}

/**
 * Matlab's imageInputLayer([h w c]): the input size, and 'zerocenter' (default), 'zscore' or 'none'
 * normalization.
 */
export const imageInputLayer = configured('imageInputLayer', imageInputLayerImpl);
/** Matlab's featureInputLayer(n): n numeric features per example. */
export const featureInputLayer = configured('featureInputLayer', featureInputLayerImpl);
/** Matlab's convolution2dLayer(filterSize, numFilters, …): numFilters filters over all input channels. */
export const convolution2dLayer = configured('convolution2dLayer', convolution2dLayerImpl);
/** Matlab's groupedConvolution2dLayer(filterSize, numFiltersPerGroup, numGroups). */
export const groupedConvolution2dLayer = configured(
  'groupedConvolution2dLayer',
  groupedConvolution2dLayerImpl,
);
/** Matlab's batchNormalizationLayer: per-channel normalization with learned scale γ and offset β. */
export const batchNormalizationLayer = configured('batchNormalizationLayer', batchNormalizationLayerImpl);
/** Matlab's dropoutLayer(probability): zeroes inputs with that probability while training (default 0.5). */
export const dropoutLayer = configured('dropoutLayer', dropoutLayerImpl);
/** Matlab's crossChannelNormalizationLayer(windowChannelSize): AlexNet's local response normalization. */
export const crossChannelNormalizationLayer = configured(
  'crossChannelNormalizationLayer',
  crossChannelNormalizationLayerImpl,
);
/** Matlab's maxPooling2dLayer(poolSize, …): the maximum over each window. */
export const maxPooling2dLayer = configured('maxPooling2dLayer', maxPooling2dLayerImpl);
/** Matlab's averagePooling2dLayer(poolSize, …): the mean over each window. */
export const averagePooling2dLayer = configured('averagePooling2dLayer', averagePooling2dLayerImpl);
/** Matlab's fullyConnectedLayer(outputSize): y = Wx + b, flattening an image input first. */
export const fullyConnectedLayer = configured('fullyConnectedLayer', fullyConnectedLayerImpl);
/** Matlab's softmaxLayer: scores become class probabilities. */
export const softmaxLayer = configured('softmaxLayer', softmaxLayerImpl);
/** Matlab's classificationLayer: the cross-entropy loss over the classes. */
export const classificationLayer = configured('classificationLayer', classificationLayerImpl);
/** Matlab's regressionLayer: the quadratic loss ½‖y − ŷ‖². */
export const regressionLayer = configured('regressionLayer', regressionLayerImpl);
/** Matlab's reluLayer: max(0, x). */
export const reluLayer = configured('reluLayer', reluLayerImpl);
/** Matlab's leakyReluLayer(scale): x for x > 0, scale·x otherwise. */
export const leakyReluLayer = configured('leakyReluLayer', leakyReluLayerImpl);
/** Matlab's sigmoidLayer: 1 / (1 + e⁻ˣ). */
export const sigmoidLayer = configured('sigmoidLayer', sigmoidLayerImpl);
/** Matlab's tanhLayer. */
export const tanhLayer = configured('tanhLayer', tanhLayerImpl);

const factories: Record<string, (...args: never[]) => LayerSpec> = {
  imageInputLayer,
  featureInputLayer,
  convolution2dLayer,
  groupedConvolution2dLayer,
  batchNormalizationLayer,
  dropoutLayer,
  crossChannelNormalizationLayer,
  maxPooling2dLayer,
  averagePooling2dLayer,
  fullyConnectedLayer,
  softmaxLayer,
  classificationLayer,
  regressionLayer,
  reluLayer,
  leakyReluLayer,
  sigmoidLayer,
  tanhLayer,
};

/** The factory of this name: an own property of the table only (never `constructor`, `__proto__`). */
export function layerFactory(name: unknown): ((...args: never[]) => LayerSpec) | undefined {
  return typeof name === 'string' && Object.hasOwn(factories, name) ? factories[name] : undefined;
}

/**
 * Rebuilds a layer array saved with `layerConfigs`. Unknown factories are refused by name, and a
 * factory that cannot take the arguments given is refused naming the entry (never a TypeError).
 */
export function layersFromConfig(configs: readonly LayerConfig[]): LayerSpec[] {
  if (!Array.isArray(configs)) throw new ValueError('layersFromConfig', 'expected an array of layer configs');
  return configs.map((c, i) => {
    if (typeof c !== 'object' || c === null)
      throw new ValueError('layersFromConfig', `entry ${i} is not a layer config object`);
    const factory = layerFactory(c.factory);
    if (!factory)
      throw new ValueError(
        'layersFromConfig',
        `entry ${i}: unknown layer factory '${String(c.factory).slice(0, 64)}'`,
      );
    if (!Array.isArray(c.args))
      throw new ValueError('layersFromConfig', `entry ${i} (${c.factory}): "args" must be an array`);
    try {
      return (factory as (...args: unknown[]) => LayerSpec)(...c.args);
    } catch (e) {
      if (e instanceof ValueError || e instanceof ShapeError) throw e;
      throw new ValueError('layersFromConfig', `entry ${i} (${c.factory}): arguments it cannot take`);
    }
  });
}

/** A layer array as JSON (for model.json); {@link layersFromConfig} rebuilds it. */
export function layerConfigs(layers: readonly LayerSpec[]): LayerConfig[] {
  return layers.map((l, i) => {
    if (!l.config)
      throw new ValueError(
        'layerConfigs',
        `layer ${i} ('${l.kind}') was not made by a Nabla layer factory and cannot be saved`,
      );
    return l.config;
  });
}
