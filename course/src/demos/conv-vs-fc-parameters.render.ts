import type { TopLevelSpec } from 'vega-lite';
import type { DemoOutput } from '../output.js';
import { bySide, CASES, compare } from './conv-vs-fc-parameters.js';

const n = (v: number) => v.toLocaleString('en-US');
const shape = (s: number[]) => `${s[1]}×${s[2]}×${s[0]}`;

export async function render(): Promise<DemoOutput> {
  const cases = CASES.map(compare);
  const sides = bySide();
  const markdown = `
| layer | input | output | convolution | fully connected | ratio | fully connected, float32 |
|---|---|---|---:|---:|---:|---:|
${cases
  .map(
    (c) =>
      `| ${c.label} | ${shape(c.inputShape)} | ${shape(c.outputShape)} | ${n(c.convParameters)} | ${n(c.fcParameters)}${c.fcInstantiated ? '' : '¹'} | ${n(Math.round(c.ratio))}× | ${((c.fcParameters * 4) / 1e9).toFixed(c.fcParameters * 4 < 1e9 ? 3 : 0)} GB |`,
  )
  .join('\n')}

Counts are the layers' own: \`new Conv2d(…).numParameters()\` and \`new Linear(in, out).numParameters()\`
(the numel of each layer's weight and bias), with in = every input value and out = every output value.
¹ A fully connected layer from 227×227×3 to 55×55×96 would hold 44.9 billion weights (180 GB in float32):
it cannot be allocated, so its count is Linear's shapes, in·out + out — which the test checks equals
\`Linear.numParameters()\` at every size that fits.

The convolution's count depends only on its channels and kernel; the fully connected layer's grows as
the fourth power of the image side (here for the 1 → 16 channel 3×3 'same' layer):

![parameters against image side, log scale](../generated/conv-vs-fc-parameters-by-side.svg)

| image side | convolution | fully connected |
|---:|---:|---:|
${sides.map((s) => `| ${s.side} | ${n(s.conv)} | ${n(s.fc)} |`).join('\n')}
`;
  const values = sides.flatMap((s) => [
    { side: s.side, layer: 'convolution 3×3, 1→16', parameters: s.conv },
    { side: s.side, layer: 'fully connected', parameters: s.fc },
  ]);
  const plot: TopLevelSpec = {
    width: 420,
    height: 260,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: {
        field: 'side',
        type: 'quantitative',
        scale: { type: 'log', domain: [6, 256] },
        title: 'image side (pixels)',
      },
      y: { field: 'parameters', type: 'quantitative', scale: { type: 'log' }, title: 'learnable parameters' },
      color: { field: 'layer', type: 'nominal', title: null, legend: { labelLimit: 300 } },
    },
  };
  return {
    name: 'conv-vs-fc-parameters',
    figures: { cases, bySide: sides },
    markdown,
    plots: { 'by-side': plot },
  };
}
