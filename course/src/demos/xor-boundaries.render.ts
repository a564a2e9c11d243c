import type { TopLevelSpec } from 'vega-lite';
import type { DemoOutput } from '../output.js';
import {
  type TrainedClassifier,
  trainHiddenLayer,
  trainNeuron,
  XOR_FULL,
  XOR_X,
  XOR_Y,
} from './xor-boundaries.js';

function panel(r: TrainedClassifier): TopLevelSpec {
  const step = 2 / (XOR_FULL.grid - 1);
  const points = XOR_X.map(([x1, x2], k) => ({ x1, x2, label: `y = ${XOR_Y[k]}` }));
  return {
    title: `${r.name}: accuracy ${(100 * r.accuracy).toFixed(0)}%`,
    width: 260,
    height: 260,
    layer: [
      {
        data: { values: r.grid.map((q) => ({ ...q, x1e: q.x1 + step, x2e: q.x2 + step })) },
        mark: 'rect',
        encoding: {
          x: {
            field: 'x1',
            type: 'quantitative',
            title: 'x₁',
            scale: { domain: [-0.5, 1.5 + step], nice: false },
            axis: { values: [-0.5, 0, 0.5, 1, 1.5] },
          },
          x2: { field: 'x1e' },
          y: {
            field: 'x2',
            type: 'quantitative',
            title: 'x₂',
            scale: { domain: [-0.5, 1.5 + step], nice: false },
            axis: { values: [-0.5, 0, 0.5, 1, 1.5] },
          },
          y2: { field: 'x2e' },
          color: {
            field: 'p',
            type: 'quantitative',
            title: 'output',
            scale: { domain: [0, 1], scheme: 'blueorange' },
          },
        },
      },
      {
        data: { values: points },
        mark: { type: 'point', filled: true, size: 160, stroke: 'black', strokeWidth: 1.5 },
        encoding: {
          x: { field: 'x1', type: 'quantitative' },
          y: { field: 'x2', type: 'quantitative' },
          shape: { field: 'label', type: 'nominal', title: null },
          fill: { value: 'white' },
        },
      },
    ],
  } as TopLevelSpec;
}

export async function render(): Promise<DemoOutput> {
  const neuron = trainNeuron(XOR_FULL);
  const hidden = trainHiddenLayer(XOR_FULL);
  const f = (v: number) => v.toFixed(3);
  const row = (r: TrainedClassifier) =>
    `| ${r.name} | ${(100 * r.accuracy).toFixed(0)}% | ${r.initialLoss.toFixed(4)} | ${r.loss.toExponential(2)} | ${r.iterations} | ${r.outputs.map(f).join(', ')} |`;
  const markdown = `
Both trained by full-batch gradient descent (learning rate ${XOR_FULL.lr}, at most ${XOR_FULL.maxIterations.toLocaleString('en-US')} steps, until the
loss changes by less than 1e-12) on the quadratic loss, float64, seed ${XOR_FULL.seed}:

| model | accuracy | initial loss | final loss | steps | outputs on (0,0), (0,1), (1,0), (1,1) |
|---|---:|---:|---:|---:|---|
${row(neuron)}
${row(hidden)}

![decision boundaries: single neuron vs one hidden layer](../generated/xor-boundaries-boundaries.svg)

The colour is the network's output over the plane (the boundary is where it crosses ½). The neuron can
only tilt one line, and the best it finds for XOR is no line at all: the output ½ everywhere, loss
½·(½)² = 0.125 per point, its "accuracy" whatever side of ½ rounding leaves each point. The hidden
layer's output is high on the band between (0,1) and (1,0) and low at the other two corners.
`;
  const strip = (r: TrainedClassifier) => ({ ...r, grid: undefined });
  return {
    name: 'xor-boundaries',
    figures: { config: XOR_FULL, neuron: strip(neuron), hidden: strip(hidden) },
    markdown,
    plots: {
      boundaries: {
        hconcat: [panel(neuron), panel(hidden)],
        resolve: { scale: { color: 'shared' } },
      } as TopLevelSpec,
    },
  };
}
