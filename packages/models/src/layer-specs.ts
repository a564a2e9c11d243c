import type { Random } from '@nabla/tensor';
import { ShapeError, ValueError } from '@nabla/tensor';
import {
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
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
} from '@nabla/layers';

/** Shape of one example without the batch axis: [C, H, W] for images, [F] for features. */
export type ExampleShape = number[];

/** What a layer's build step may use. */
export interface BuildContext {
  /** The seeded generator of the initial weights (the default generator when undefined). */
  generator: Random | undefined;
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
  };
}

/** Matlab's per-layer learn-rate and L2 factors. */
export interface LearnRateFactors {
  /** Multiplies the learning rate of the weights (0 freezes them). */
  weightLearnRateFactor?: number;
  /** Multiplies the learning rate of the bias. */
  biasLearnRateFactor?: number;
  /** Multiplies the L2 regularization of the weights. */
  weightL2Factor?: number;
  /** Multiplies the L2 regularization of the bias. */
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
      let padding: [number, number];
      if (options.padding === 'same') {
        // 'same' with symmetric padding: exact for odd kernels and stride 1, as in the course's layers.
        padding = [Math.floor((dh * (kh - 1)) / 2), Math.floor((dw * (kw - 1)) / 2)];
      } else padding = pairOf(options.padding ?? 0);
      const conv = new Conv2d(c, numFilters, [kh, kw], {
        stride: [sh, sw],
        padding,
        dilation: [dh, dw],
        groups,
        generator: context.generator,
      });
      applyFactors(conv, options);
      const ho = Math.floor((h + 2 * padding[0] - dh * (kh - 1) - 1) / sh) + 1;
      const wo = Math.floor((w + 2 * padding[1] - dw * (kw - 1) - 1) / sw) + 1;
      return { modules: [conv], output: [numFilters, ho, wo] };
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
  };
}

function elementwise(kind: string, description: string, make: () => Module, options: Named): LayerSpec {
  return { kind, name: options.name, description, build: (input) => ({ modules: [make()], output: input }) };
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
        modules: [new CrossChannelNormalization(windowChannelSize, { alpha, beta, k })],
        output: input,
      };
    },
  };
}

function pooling(
  kind: 'maxPooling2d' | 'averagePooling2d',
  poolSize: Pair,
  options: Named & { stride?: Pair; padding?: Pair },
): LayerSpec {
  const [kh, kw] = pairOf(poolSize);
  return {
    kind,
    name: options.name,
    description: `${kh}×${kw} ${kind === 'maxPooling2d' ? 'max' : 'average'} pooling with stride ${String(options.stride ?? poolSize)}, padding ${String(options.padding ?? 0)}`,
    build(input) {
      const [c, h, w] = imageShape(`${kind}Layer`, input);
      const [sh, sw] = pairOf(options.stride ?? poolSize);
      const [ph, pw] = pairOf(options.padding ?? 0);
      const opts = { stride: [sh, sw] as [number, number], padding: [ph, pw] as [number, number] };
      const module = kind === 'maxPooling2d' ? new MaxPool2d([kh, kw], opts) : new AvgPool2d([kh, kw], opts);
      const ho = Math.floor((h + 2 * ph - kh) / sh) + 1;
      const wo = Math.floor((w + 2 * pw - kw) / sw) + 1;
      if (ho < 1 || wo < 1)
        throw new ShapeError(`${kind}Layer`, `a ${kh}×${kw} window does not fit a ${h}×${w} input`);
      return { modules: [module], output: [c, ho, wo] };
    },
  };
}

/** Matlab's maxPooling2dLayer(poolSize, 'Stride', s). Stride defaults to 1, as in Matlab. */
function maxPooling2dLayerImpl(
  poolSize: Pair,
  options: Named & { stride?: Pair; padding?: Pair } = {},
): LayerSpec {
  return pooling('maxPooling2d', poolSize, { ...options, stride: options.stride ?? 1 });
}

function averagePooling2dLayerImpl(
  poolSize: Pair,
  options: Named & { stride?: Pair; padding?: Pair } = {},
): LayerSpec {
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
      const linear = new Linear(inFeatures, outputSize, { generator: context.generator });
      applyFactors(linear, options);
      modules.push(linear);
      return { modules, output: [outputSize] };
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
  };
}

/** Matlab's regressionLayer: the course's quadratic loss ½‖y − ŷ‖². */
function regressionLayerImpl(options: Named = {}): LayerSpec {
  return {
    kind: 'regression',
    name: options.name,
    description: 'quadratic loss ½‖y − ŷ‖²',
    build: (input) => ({ modules: [], output: input }),
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

/** Rebuilds a layer array saved with `layerConfigs`. Unknown factories are refused by name. */
export function layersFromConfig(configs: readonly LayerConfig[]): LayerSpec[] {
  if (!Array.isArray(configs)) throw new ValueError('layersFromConfig', 'expected an array of layer configs');
  return configs.map((c, i) => {
    if (typeof c !== 'object' || c === null)
      throw new ValueError('layersFromConfig', `entry ${i} is not a layer config object`);
    const factory = factories[c.factory];
    if (!factory || !Array.isArray(c.args))
      throw new ValueError('layersFromConfig', `entry ${i}: unknown layer factory '${String(c.factory)}'`);
    return (factory as (...args: unknown[]) => LayerSpec)(...c.args);
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
