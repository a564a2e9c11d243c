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
import type { LayerRow } from './network.js';
import { Network } from './network.js';

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
  }

  forward(x: Tensor): Tensor {
    return this.classifier.forward(flatten(this.features.forward(x), 1));
  }
}

/** The course's 25 layers: name, what it is, and which module of the body implements it. */
function alexnetRows(numClasses: number): LayerRow[] {
  const row = (
    name: string,
    description: string,
    outputShape: number[],
    modules: string[],
    learnables = 0,
  ): LayerRow => ({
    name,
    kind: name.replace(/\d+$/, ''),
    description,
    outputShape,
    modules,
    learnables,
  });
  return [
    row('data', "227×227×3 images with 'zerocenter' normalization", [3, 227, 227], []),
    row(
      'conv1',
      '96 11×11×3 convolutions with stride [4 4] and padding [0 0]',
      [96, 55, 55],
      ['features.0'],
      96 * 363 + 96,
    ),
    row('relu1', 'ReLU', [96, 55, 55], ['features.1']),
    row('norm1', 'cross channel normalization with 5 channels per element', [96, 55, 55], ['features.2']),
    row('pool1', '3×3 max pooling with stride [2 2]', [96, 27, 27], ['features.3']),
    row(
      'conv2',
      '2 groups of 128 5×5×48 convolutions with stride [1 1] and padding [2 2]',
      [256, 27, 27],
      ['features.4'],
      256 * 48 * 25 + 256,
    ),
    row('relu2', 'ReLU', [256, 27, 27], ['features.5']),
    row('norm2', 'cross channel normalization with 5 channels per element', [256, 27, 27], ['features.6']),
    row('pool2', '3×3 max pooling with stride [2 2]', [256, 13, 13], ['features.7']),
    row(
      'conv3',
      '384 3×3×256 convolutions with stride [1 1] and padding [1 1]',
      [384, 13, 13],
      ['features.8'],
      384 * 256 * 9 + 384,
    ),
    row('relu3', 'ReLU', [384, 13, 13], ['features.9']),
    row(
      'conv4',
      '2 groups of 192 3×3×192 convolutions with stride [1 1] and padding [1 1]',
      [384, 13, 13],
      ['features.10'],
      384 * 192 * 9 + 384,
    ),
    row('relu4', 'ReLU', [384, 13, 13], ['features.11']),
    row(
      'conv5',
      '2 groups of 128 3×3×192 convolutions with stride [1 1] and padding [1 1]',
      [256, 13, 13],
      ['features.12'],
      256 * 192 * 9 + 256,
    ),
    row('relu5', 'ReLU', [256, 13, 13], ['features.13']),
    row('pool5', '3×3 max pooling with stride [2 2]', [256, 6, 6], ['features.14']),
    row('fc6', '4096 fully connected layer', [4096], ['classifier.0'], 9216 * 4096 + 4096),
    row('relu6', 'ReLU', [4096], ['classifier.1']),
    row('drop6', '50% dropout', [4096], ['classifier.2']),
    row('fc7', '4096 fully connected layer', [4096], ['classifier.3'], 4096 * 4096 + 4096),
    row('relu7', 'ReLU', [4096], ['classifier.4']),
    row('drop7', '50% dropout', [4096], ['classifier.5']),
    row(
      'fc8',
      `${numClasses} fully connected layer`,
      [numClasses],
      ['classifier.6'],
      4096 * numClasses + numClasses,
    ),
    row('prob', 'softmax', [numClasses], []),
    row('output', `cross-entropy loss over ${numClasses} classes`, [numClasses], []),
  ];
}

/** AlexNet for 227×227×3 images: 60,965,224 learnables with 1000 classes. */
export function alexnet(options: { numClasses?: number; generator?: Random } = {}): Network {
  const numClasses = options.numClasses ?? 1000;
  if (!Number.isInteger(numClasses) || numClasses < 1)
    throw new ValueError('alexnet', `numClasses must be a positive integer, got ${numClasses}`);
  return new Network(new AlexNetBody(numClasses, options.generator), {
    inputShape: [3, 227, 227],
    normalization: 'zerocenter',
    outputKind: 'classification',
    classes: Array.from({ length: numClasses }, (_, i) => String(i)),
    layerRows: alexnetRows(numClasses),
    architecture: { type: 'model', name: 'alexnet', options: { numClasses } },
  });
}
