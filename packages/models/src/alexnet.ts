import { flatten, type Tensor } from '@nabla/autograd';
import {
  Conv2d,
  CrossChannelNormalization,
  Dropout,
  Linear,
  MaxPool2d,
  Module,
  ReLU,
  Sequential,
} from '@nabla/layers';
import type { Random } from '@nabla/tensor';
import { ValueError } from '@nabla/tensor';
import { describeModule } from './module-description.js';
import type { LayerRow } from './network.js';
import { measureOutputShapes, Network } from './network.js';

/**
 * The original AlexNet (Krizhevsky et al. 2012, as Caffe and Matlab ship it — not torchvision's
 * variant): 96 11×11 stride-4 filters, local response normalization, overlapping 3×3/2 max
 * pooling, grouped convolutions (the two-GPU split), and three fully connected layers with 50%
 * dropout. The body's names follow PyTorch (`features.0.weight` … `classifier.6.bias`).
 */
export class AlexNetBody extends Module {
  /** Convolutions, normalizations and pooling (PyTorch's `features`). */
  readonly features: Sequential;
  /** The fully connected layers with dropout (PyTorch's `classifier`). */
  readonly classifier: Sequential;

  constructor(numClasses: number, generator?: Random) {
    super('AlexNet');
    const g = { generator };
    // #region alexnet-layers
    this.features = this.registerModule(
      'features',
      new Sequential(
        new Conv2d(3, 96, 11, { stride: 4, ...g }), // conv1 → 55×55×96
        new ReLU(),
        new CrossChannelNormalization(5, { alpha: 1e-4, beta: 0.75, k: 2 }), // norm1
        new MaxPool2d(3, { stride: 2 }), // pool1 → 27×27
        new Conv2d(96, 256, 5, { padding: 2, groups: 2, ...g }), // conv2, two groups of 128 → 27×27×256
        new ReLU(),
        new CrossChannelNormalization(5, { alpha: 1e-4, beta: 0.75, k: 2 }), // norm2
        new MaxPool2d(3, { stride: 2 }), // pool2 → 13×13
        new Conv2d(256, 384, 3, { padding: 1, ...g }), // conv3 → 13×13×384
        new ReLU(),
        new Conv2d(384, 384, 3, { padding: 1, groups: 2, ...g }), // conv4
        new ReLU(),
        new Conv2d(384, 256, 3, { padding: 1, groups: 2, ...g }), // conv5
        new ReLU(),
        new MaxPool2d(3, { stride: 2 }), // pool5 → 6×6×256
      ),
    );
    this.classifier = this.registerModule(
      'classifier',
      new Sequential(
        new Linear(9216, 4096, g), // fc6
        new ReLU(),
        new Dropout(0.5, g),
        new Linear(4096, 4096, g), // fc7
        new ReLU(),
        new Dropout(0.5, g),
        new Linear(4096, numClasses, g), // fc8
      ),
    );
    // #endregion alexnet-layers
  }

  forward(x: Tensor): Tensor {
    return this.classifier.forward(flatten(this.features.forward(x), 1));
  }
}

/**
 * The course's 25 layers: each name and the module of the body that implements it. Everything
 * else in the table — what the layer is, its output size, its learnables — is read off the modules
 * themselves, the sizes by a dry forward pass (models.test.ts compares them with the course's).
 */
const ALEXNET_LAYERS: readonly (readonly [name: string, module: string | null])[] = [
  ['data', null],
  ['conv1', 'features.0'],
  ['relu1', 'features.1'],
  ['norm1', 'features.2'],
  ['pool1', 'features.3'],
  ['conv2', 'features.4'],
  ['relu2', 'features.5'],
  ['norm2', 'features.6'],
  ['pool2', 'features.7'],
  ['conv3', 'features.8'],
  ['relu3', 'features.9'],
  ['conv4', 'features.10'],
  ['relu4', 'features.11'],
  ['conv5', 'features.12'],
  ['relu5', 'features.13'],
  ['pool5', 'features.14'],
  ['fc6', 'classifier.0'],
  ['relu6', 'classifier.1'],
  ['drop6', 'classifier.2'],
  ['fc7', 'classifier.3'],
  ['relu7', 'classifier.4'],
  ['drop7', 'classifier.5'],
  ['fc8', 'classifier.6'],
  ['prob', null],
  ['output', null],
];

function alexnetRows(body: AlexNetBody, inputShape: number[], numClasses: number): LayerRow[] {
  const shapes = measureOutputShapes(body, inputShape);
  let shape = inputShape;
  return ALEXNET_LAYERS.map(([name, path]) => {
    const module = path === null ? null : body.getSubmodule(path);
    if (path !== null) shape = shapes.get(path)!;
    const description =
      module !== null
        ? describeModule(module)
        : name === 'data'
          ? `${inputShape[1]}×${inputShape[2]}×${inputShape[0]} images with 'zerocenter' normalization`
          : name === 'prob'
            ? 'softmax'
            : `cross-entropy loss over ${numClasses} classes`;
    return {
      name,
      kind: name.replace(/\d+$/, ''),
      description,
      outputShape: shape.slice(),
      modules: path === null ? [] : [path],
      learnables: module === null ? 0 : module.numParameters(),
    };
  });
}

/** AlexNet for 227×227×3 images: 60,965,224 learnables with 1000 classes. */
export function alexnet(options: { numClasses?: number; generator?: Random } = {}): Network {
  const numClasses = options.numClasses ?? 1000;
  if (!Number.isInteger(numClasses) || numClasses < 1)
    throw new ValueError('alexnet', `numClasses must be a positive integer, got ${numClasses}`);
  const body = new AlexNetBody(numClasses, options.generator);
  // Matlab's (and Caffe's) AlexNet puts no L2 regularization on its biases: BiasL2Factor 0.
  body.setL2Factor(0, 'bias');
  const inputShape = [3, 227, 227];
  return new Network(body, {
    inputShape,
    normalization: 'zerocenter',
    outputKind: 'classification',
    classes: Array.from({ length: numClasses }, (_, i) => String(i)),
    layerRows: () => alexnetRows(body, inputShape, numClasses),
    architecture: { type: 'model', name: 'alexnet', options: { numClasses } },
  });
}
