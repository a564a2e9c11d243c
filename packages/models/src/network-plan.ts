import { formatShape, ShapeError, ValueError } from '@nabla/tensor';
import type { ExampleShape, InputNormalization, LayerSpec } from './layer-specs.js';

/**
 * The most values one layer may output per example when a network is planned from a file: 2^22
 * (16 MB of float32), fourteen times AlexNet's largest (96×55×55 = 290,400). A model.json whose
 * layers would produce more (a convolution with a padding of 100,000) is refused before it runs.
 */
export const MAX_ACTIVATION_ELEMENTS = 2 ** 22;

/** What {@link planNetwork} finds about a layer array without building it: its tensors and shapes. */
export interface NetworkPlan {
  /** Every tensor of the network's state dict, PyTorch names (`0.weight`) → shape, in order. */
  tensors: Map<string, number[]>;
  /** One example's shape into the network. */
  inputShape: ExampleShape;
  /** The last layer's output shape (the scores). */
  outputShape: ExampleShape;
  /** The largest number of values a layer outputs for one example. */
  largestActivation: number;
}

/** Elements of a shape, or Infinity once the product leaves the safe integers. */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    n *= d;
    if (n > Number.MAX_SAFE_INTEGER) return Number.POSITIVE_INFINITY;
  }
  return n;
}

/**
 * What `assembleNetwork(layers)` would make, found without allocating a single weight: the names
 * and shapes of its state dict (numbered as assembleNetwork numbers the modules, plus `input.mean`
 * and `input.std` for the input normalization), and each layer's output size. Refuses the same
 * layer orders that assembleNetwork refuses, a layer without a plan, and a layer whose output per
 * example exceeds `maxActivation` (MAX_ACTIVATION_ELEMENTS).
 */
export function planNetwork(
  layers: readonly LayerSpec[],
  options: { maxActivation?: number } = {},
): NetworkPlan {
  const maxActivation = options.maxActivation ?? MAX_ACTIVATION_ELEMENTS;
  if (layers.length === 0) throw new ValueError('planNetwork', 'needs at least an input layer');
  const first = layers[0]!;
  if (first.kind !== 'imageInput' && first.kind !== 'featureInput') {
    throw new ValueError(
      'planNetwork',
      `the first layer must be imageInputLayer or featureInputLayer, got '${first.kind}'`,
    );
  }
  const tensors = new Map<string, number[]>();
  let shape: ExampleShape = [];
  let inputShape: ExampleShape = [];
  let moduleIndex = 0;
  let largest = 0;
  let ended = false;
  layers.forEach((spec, i) => {
    if (i > 0 && (spec.kind === 'imageInput' || spec.kind === 'featureInput'))
      throw new ValueError('planNetwork', `layer ${i + 1}: only the first layer may be an input layer`);
    if (ended)
      throw new ValueError('planNetwork', `layer ${i + 1} ('${spec.kind}') follows the output layer`);
    if (!spec.plan)
      throw new ValueError(
        'planNetwork',
        `layer ${i + 1} ('${spec.kind}') has no plan (not a Nabla layer factory)`,
      );
    const plan = spec.plan(shape);
    for (const m of plan.modules) {
      for (const [name, s] of m.tensors) tensors.set(`${moduleIndex}.${name}`, s);
      moduleIndex++;
    }
    const size = elementCount(plan.output);
    if (size > maxActivation) {
      throw new ShapeError(
        'planNetwork',
        `layer ${i + 1} ('${spec.kind}') would output ${formatShape(plan.output)} per example, ` +
          `more than the limit of ${maxActivation} values`,
      );
    }
    largest = Math.max(largest, size);
    shape = plan.output;
    if (i === 0) inputShape = plan.output;
    if (spec.kind === 'classification' || spec.kind === 'regression') ended = true;
  });
  const normalization = (first as { normalization?: InputNormalization }).normalization ?? 'none';
  if (normalization !== 'none') tensors.set('input.mean', inputShape);
  if (normalization === 'zscore') tensors.set('input.std', inputShape);
  return { tensors, inputShape, outputShape: shape, largestActivation: largest };
}
