import type { TopLevelSpec } from 'vega-lite';
import type { DemoOutput } from '../output.js';
import { attenuation, depthRatios, FULL, SETUPS } from './gradient-attenuation.js';

const e = (v: number) => v.toExponential(2);

export async function render(): Promise<DemoOutput> {
  const rows = attenuation(FULL);
  const ratios = depthRatios(rows);
  const at = (a: string, d: number) => rows.find((r) => r.activation === a && r.depth === d)!;
  const markdown = `
The first layer's gradient ‖∂L/∂W⁽¹⁾‖ (Frobenius norm) of networks with 1 to ${FULL.depths.length} hidden layers
Linear(${FULL.width}, ${FULL.width}) + f, then Linear(${FULL.width}, 1) and the quadratic loss, on a batch of ${FULL.batch}
N(0, 1) inputs and targets; float64, zero biases; geometric mean over seeds ${FULL.seeds.join(', ')} (thin lines: each seed).
Initializations, the library's own: sigmoid and tanh ${SETUPS.sigmoid.initName}, ReLU ${SETUPS.relu.initName}.

![first-layer gradient norm against depth, log scale](../generated/gradient-attenuation-norms.svg)

| hidden layers | sigmoid | tanh | ReLU |
|---:|---:|---:|---:|
${FULL.depths.map((d) => `| ${d} | ${e(at('sigmoid', d).geometricMean)} | ${e(at('tanh', d).geometricMean)} | ${e(at('relu', d).geometricMean)} |`).join('\n')}

From 1 to ${FULL.depths.at(-1)} hidden layers the first layer's gradient is multiplied by **${e(ratios.sigmoid)}** with
sigmoids (the sigmoid's f′ ≤ 1/4 enters once per layer), by ${ratios.tanh.toFixed(2)} with tanh and by
${ratios.relu.toFixed(2)} with ReLU.
`;
  const values = rows.flatMap((r) =>
    r.norms.map((norm, k) => ({ activation: r.activation, depth: r.depth, seed: FULL.seeds[k], norm })),
  );
  const means = rows.map((r) => ({ activation: r.activation, depth: r.depth, norm: r.geometricMean }));
  const color = {
    field: 'activation',
    type: 'nominal',
    title: null,
    scale: { domain: ['sigmoid', 'tanh', 'relu'] },
  } as const;
  const plot: TopLevelSpec = {
    width: 460,
    height: 300,
    layer: [
      {
        data: { values },
        mark: { type: 'line', opacity: 0.25, strokeWidth: 1 },
        encoding: {
          x: { field: 'depth', type: 'quantitative', title: 'hidden layers' },
          y: {
            field: 'norm',
            type: 'quantitative',
            scale: { type: 'log' },
            title: '‖∂L/∂W⁽¹⁾‖',
            axis: { format: '.0e' },
          },
          color,
          detail: { field: 'seed', type: 'nominal' },
        },
      },
      {
        data: { values: means },
        mark: { type: 'line', point: true, strokeWidth: 2.5 },
        encoding: {
          x: { field: 'depth', type: 'quantitative' },
          y: { field: 'norm', type: 'quantitative', scale: { type: 'log' } },
          color,
        },
      },
    ],
  };
  return {
    name: 'gradient-attenuation',
    figures: {
      config: FULL,
      initializers: Object.fromEntries(Object.entries(SETUPS).map(([k, v]) => [k, v.initName])),
      ratios,
      rows,
    },
    markdown,
    plots: { norms: plot },
  };
}
