import type { Random } from '@nabla/tensor';
import { ShapeError, ValueError } from '@nabla/tensor';
import {
  AvgPool2d,
  zeros,
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

export interface BuildContext {
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
  output: ExampleShape;
  modules: { tensors: [string, number[]][] }[];
}

/**
 * One entry of a Matlab-style layer array. `build` sees the shape coming in (so a layer need not be
 * told its input channels, as in Matlab) and returns the module — or null for layers that only mark
 * the network's ends (input, softmax, classification output) — and the shape going out.
 */
export interface LayerSpec {
  readonly kind: string;
  readonly name: string | undefined;
  readonly description: string;
  /** How to rebuild this entry from JSON (model.json): the factory's name and its arguments. */
  config?: LayerConfig;
  build(input: ExampleShape, context: BuildContext): { modules: Module[]; output: ExampleShape };
  /** The plan of `build` for this input (every Nabla factory gives one); refuses what build would. */
  plan?(input: ExampleShape): LayerPlan;
}

export interface LayerConfig {
  factory: string;
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
  name?: string;
}

export type InputNormalization = 'zerocenter' | 'zscore' | 'none';

/** Matlab's imageInputLayer([h w c]): marks the input size; 'zerocenter' subtracts the training mean image. */
export interface ImageInputSpec extends LayerSpec {
  readonly kind: 'imageInput';
  readonly inputSize: [number, number, number];
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
  readonly kind: 'featureInput';
  readonly numFeatures: number;
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

export interface LearnRateFactors {
  weightLearnRateFactor?: number;
  biasLearnRateFactor?: number;
  weightL2Factor?: number;
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

export interface ConvolutionOptions extends Named, LearnRateFactors {
  stride?: Pair;
  /** A size, or 'same' (output size = ⌈input / stride⌉, Matlab's 'same'). */
  padding?: Pair | 'same';
  dilation?: Pair;
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
        ...initOptions(context),
      });
      applyFactors(conv, options);
      const ho = Math.floor((h + 2 * padding[0] - dh * (kh - 1) - 1) / sh) + 1;
      const wo = Math.floor((w + 2 * padding[1] - dw * (kw - 1) - 1) / sw) + 1;
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
      const [ph, pw] =
        options.padding === 'same'
          ? [Math.floor((dh * (fh - 1)) / 2), Math.floor((dw * (fw - 1)) / 2)]
          : checkedPair(op, 'padding', options.padding ?? 0, 0);
      if (c % g !== 0 || filters % g !== 0)
        throw new ValueError(
          op,
          `numGroups ${g} must divide both ${c} input channels and ${filters} filters`,
        );
      const ho = Math.floor((h + 2 * ph - dh * (fh - 1) - 1) / sh) + 1;
      const wo = Math.floor((w + 2 * pw - dw * (fw - 1) - 1) / sw) + 1;
      if (ho < 1 || wo < 1) throw new ShapeError(op, `a ${fh}×${fw} filter does not fit a ${h}×${w} input`);
      const tensors: [string, number[]][] = [
        ['weight', [filters, c / g, fh, fw]],
        ['bias', [filters]],
      ];
      return { output: [filters, ho, wo], modules: [{ tensors }] };
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
        modules: [new CrossChannelNormalization(windowChannelSize, { alpha, beta, k })],
        output: input,
      };
    },
    plan(input) {
      imageShape('crossChannelNormalizationLayer', input);
      return { output: input, modules: [noTensors()] };
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
    plan(input) {
      const op = `${kind}Layer`;
      const [c, h, w] = imageShape(op, input);
      const [ph0, pw0] = checkedPair(op, 'poolSize', poolSize);
      const [sh, sw] = checkedPair(op, 'stride', options.stride ?? poolSize);
      const [ph, pw] = checkedPair(op, 'padding', options.padding ?? 0, 0);
      const ho = Math.floor((h + 2 * ph - ph0) / sh) + 1;
      const wo = Math.floor((w + 2 * pw - pw0) / sw) + 1;
      if (ho < 1 || wo < 1) throw new ShapeError(op, `a ${ph0}×${pw0} window does not fit a ${h}×${w} input`);
      return { output: [c, ho, wo], modules: [noTensors()] };
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
      const linear = new Linear(inFeatures, outputSize, {
        generator: context.generator,
        ...initOptions(context),
      });
      applyFactors(linear, options);
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
  readonly kind: 'classification';
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

export const imageInputLayer = configured('imageInputLayer', imageInputLayerImpl);
export const featureInputLayer = configured('featureInputLayer', featureInputLayerImpl);
export const convolution2dLayer = configured('convolution2dLayer', convolution2dLayerImpl);
export const groupedConvolution2dLayer = configured(
  'groupedConvolution2dLayer',
  groupedConvolution2dLayerImpl,
);
export const batchNormalizationLayer = configured('batchNormalizationLayer', batchNormalizationLayerImpl);
export const dropoutLayer = configured('dropoutLayer', dropoutLayerImpl);
export const crossChannelNormalizationLayer = configured(
  'crossChannelNormalizationLayer',
  crossChannelNormalizationLayerImpl,
);
export const maxPooling2dLayer = configured('maxPooling2dLayer', maxPooling2dLayerImpl);
export const averagePooling2dLayer = configured('averagePooling2dLayer', averagePooling2dLayerImpl);
export const fullyConnectedLayer = configured('fullyConnectedLayer', fullyConnectedLayerImpl);
export const softmaxLayer = configured('softmaxLayer', softmaxLayerImpl);
export const classificationLayer = configured('classificationLayer', classificationLayerImpl);
export const regressionLayer = configured('regressionLayer', regressionLayerImpl);
export const reluLayer = configured('reluLayer', reluLayerImpl);
export const leakyReluLayer = configured('leakyReluLayer', leakyReluLayerImpl);
export const sigmoidLayer = configured('sigmoidLayer', sigmoidLayerImpl);
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
