import { Conv2d, Linear, zeros } from '@nabla/layers';
import { conv2dGeometry } from '@nabla/tensor';

/**
 * Course: "convolutional layers: fewer parameters". A convolutional layer and a fully connected layer
 * with the same input and output sizes: the convolution's learnables are Co·(Ci·kh·kw) weights + Co
 * biases, shared by every position and independent of the image size; the fully connected layer needs
 * one weight per (input value, output value) pair, (Ci·H·W)·(Co·H′·W′) + Co·H′·W′.
 */
export interface LayerCase {
  label: string;
  /** Input [channels, height, width] and the convolution's options. */
  input: [number, number, number];
  outChannels: number;
  kernel: number;
  stride: number;
  padding: number;
}

export const CASES: LayerCase[] = [
  {
    label: "28×28×1 → 28×28×16, 3×3 'same'",
    input: [1, 28, 28],
    outChannels: 16,
    kernel: 3,
    stride: 1,
    padding: 1,
  },
  {
    label: "AlexNet's conv1: 227×227×3 → 55×55×96, 11×11 stride 4",
    input: [3, 227, 227],
    outChannels: 96,
    kernel: 11,
    stride: 4,
    padding: 0,
  },
];

export interface LayerComparison {
  label: string;
  inputShape: number[];
  outputShape: number[];
  convParameters: number;
  fcParameters: number;
  /** fcParameters / convParameters. */
  ratio: number;
  /** Whether the fully connected count comes from an allocated Linear layer (else from its shapes, see below). */
  fcInstantiated: boolean;
}

/** The learnables of the Conv2d layer, counted by the layer itself (numel of weight and bias). */
export function convParameterCount(c: LayerCase): number {
  const layer = new Conv2d(c.input[0], c.outChannels, c.kernel, {
    stride: c.stride,
    padding: c.padding,
    weightInit: zeros,
  });
  return layer.numParameters();
}

/** The output [Co, H′, W′] the convolution gives, by conv2d's own geometry. */
export function convOutputShape(c: LayerCase): number[] {
  const g = conv2dGeometry('conv-vs-fc', [1, ...c.input], [c.outChannels, c.input[0], c.kernel, c.kernel], {
    stride: c.stride,
    padding: c.padding,
  });
  return [g.outChannels, g.outHeight, g.outWidth];
}

/**
 * A Linear(in, out) layer's learnables: weight [out, in] plus bias [out]. The count for a layer too
 * big to allocate (the 227×227 case: 44.9 billion weights, 180 GB in float32); the test checks it
 * equals `new Linear(in, out).numParameters()` wherever the layer fits in memory.
 */
export function linearParameterCount(inFeatures: number, outFeatures: number): number {
  return inFeatures * outFeatures + outFeatures;
}

/** Largest fully connected layer this demo allocates (float32 values), to count it with the layer itself. */
const ALLOCATE_LIMIT = 20_000_000;

export function compare(c: LayerCase): LayerComparison {
  const outputShape = convOutputShape(c);
  const inFeatures = c.input.reduce((a, b) => a * b, 1);
  const outFeatures = outputShape.reduce((a, b) => a * b, 1);
  const fcInstantiated = linearParameterCount(inFeatures, outFeatures) <= ALLOCATE_LIMIT;
  // zeros: only the shapes matter here, and a Glorot draw of millions of weights would just cost time.
  const fcParameters = fcInstantiated
    ? new Linear(inFeatures, outFeatures, { weightInit: zeros }).numParameters()
    : linearParameterCount(inFeatures, outFeatures);
  const convParameters = convParameterCount(c);
  return {
    label: c.label,
    inputShape: [...c.input],
    outputShape,
    convParameters,
    fcParameters,
    ratio: fcParameters / convParameters,
    fcInstantiated,
  };
}

/** The 1 → 16 channel 3×3 'same' layer at several image sides: the convolution's count stays put. */
export function bySide(sides = [8, 16, 28, 32, 64, 128, 227]): { side: number; conv: number; fc: number }[] {
  return sides.map((side) => {
    const c: LayerCase = {
      label: '',
      input: [1, side, side],
      outChannels: 16,
      kernel: 3,
      stride: 1,
      padding: 1,
    };
    const [co, h, w] = convOutputShape(c);
    return { side, conv: convParameterCount(c), fc: linearParameterCount(side * side, co! * h! * w!) };
  });
}
