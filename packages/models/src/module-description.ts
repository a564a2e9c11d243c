import {
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  ConstantPad2d,
  Conv2d,
  CrossChannelNormalization,
  Dropout,
  Flatten,
  Linear,
  MaxPool2d,
  type Module,
  ReLU,
} from '@nabla/layers';

const pair = (p: readonly number[]) => `[${p.join(' ')}]`;

/**
 * What a module is, in the words of Matlab's layer table (analyzeNetwork, `net.Layers`):
 * '96 11×11×3 convolutions with stride [4 4] and padding [0 0]', '3×3 max pooling with stride [2 2]',
 * '4096 fully connected layer' — read off the module's own sizes, never typed in.
 */
export function describeModule(m: Module): string {
  if (m instanceof Conv2d) {
    const [kh, kw] = m.kernelSize;
    const perGroup = `${kh}×${kw}×${m.inChannels / m.groups} convolutions with stride ${pair(m.stride)} and padding ${pair(m.padding)}`;
    return m.groups > 1
      ? `${m.groups} groups of ${m.outChannels / m.groups} ${perGroup}`
      : `${m.outChannels} ${perGroup}`;
  }
  if (m instanceof MaxPool2d || m instanceof AvgPool2d) {
    const { kernelSize, stride, padding } = m.geometry;
    const kind = m instanceof MaxPool2d ? 'max' : 'average';
    const pad = padding.some((p) => p > 0) ? ` and padding ${pair(padding)}` : '';
    return `${kernelSize.join('×')} ${kind} pooling with stride ${pair(stride)}${pad}`;
  }
  if (m instanceof CrossChannelNormalization)
    return `cross channel normalization with ${m.size} channels per element`;
  if (m instanceof Linear) return `${m.outFeatures} fully connected layer`;
  if (m instanceof Dropout) return `${m.p * 100}% dropout`;
  if (m instanceof ReLU) return 'ReLU';
  if (m instanceof BatchNorm1d || m instanceof BatchNorm2d)
    return `batch normalization with ${m.numFeatures} channels`;
  if (m instanceof ConstantPad2d) return `padding [${m.padding.join(' ')}] with ${m.value}`;
  if (m instanceof Flatten) return 'flatten';
  return m.typeName;
}
