/**
 * The state dict of @nabla/models' AlexNet (Caffe's and Matlab's: 96 first-layer filters,
 * grouped conv2, conv4 and conv5) for `classes` outputs, name → shape, written out so that a
 * weights file is checked against it before the 61 million weights are allocated. A test compares
 * it with `alexnet().stateDict()`, so the two cannot drift apart.
 */
export function alexnetTensorShapes(classes: number): Map<string, number[]> {
  return new Map<string, number[]>([
    ['features.0.weight', [96, 3, 11, 11]],
    ['features.0.bias', [96]],
    ['features.4.weight', [256, 48, 5, 5]],
    ['features.4.bias', [256]],
    ['features.8.weight', [384, 256, 3, 3]],
    ['features.8.bias', [384]],
    ['features.10.weight', [384, 192, 3, 3]],
    ['features.10.bias', [384]],
    ['features.12.weight', [256, 192, 3, 3]],
    ['features.12.bias', [256]],
    ['classifier.0.weight', [4096, 9216]],
    ['classifier.0.bias', [4096]],
    ['classifier.3.weight', [4096, 4096]],
    ['classifier.3.bias', [4096]],
    ['classifier.6.weight', [classes, 4096]],
    ['classifier.6.bias', [classes]],
  ]);
}
