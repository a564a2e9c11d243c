import type { TopLevelSpec } from 'vega-lite';
import type { DemoOutput } from '../output.js';
import { activations, keyValues } from './activations.js';

const fmt = (v: number, digits = 4) => (Object.is(v, -0) ? 0 : v).toPrecision(digits).replace(/\.?0+$/, '');

function linePlot(
  title: string,
  axis: string,
  rows: { z: number; value: number; activation: string }[],
): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 320,
    height: 220,
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 2 },
    encoding: {
      x: { field: 'z', type: 'quantitative', title: 'z' },
      y: { field: 'value', type: 'quantitative', title: axis },
      color: { field: 'activation', type: 'nominal', title: null, sort: ['sigmoid', 'tanh', 'ReLU'] },
    },
  };
}

/** `pnpm --filter @nabla/course render activations`: plots f and f′, and a table of key values. */
export async function render(): Promise<DemoOutput> {
  const data = activations();
  const keys = keyValues(data);
  const rows = (pick: 'f' | 'df') =>
    data.curves.flatMap((c) => data.z.map((z, i) => ({ z, value: c[pick][i]!, activation: c.name })));
  const table = [
    '| f | f(0) | largest f′(z) on the grid | at z | f′(−5) | f′(5) |',
    '|---|---:|---:|---:|---:|---:|',
    ...keys.map(
      (k) =>
        `| ${k.name} | ${fmt(k.fAt0)} | **${fmt(k.maxDerivative)}** | ${k.name === 'ReLU' ? 'every z > 0' : fmt(k.maxDerivativeAt)} | ${fmt(k.dfAtMinus5)} | ${fmt(k.dfAt5)} |`,
    ),
  ];
  const markdown = [
    `![The activations f(z) for z from ${data.z[0]} to ${data.z.at(-1)}](../generated/activations-functions.svg)`,
    `![Their derivatives f′(z), computed by autograd](../generated/activations-derivatives.svg)`,
    '',
    `f from each op's forward pass and f′ from one backward pass of Σᵢ f(zᵢ) (∂/∂zᵢ = f′(zᵢ)), on ${data.z.length} points, float64:`,
    '',
    ...table,
    '',
    "The sigmoid's slope never exceeds ¼ and tanh's never exceeds 1; both fall to almost nothing at |z| = 5 (the neuron saturates), while ReLU's is exactly 1 for every z > 0.",
  ].join('\n');
  return {
    name: 'activations',
    figures: { points: data.z.length, range: [data.z[0], data.z.at(-1)], keyValues: keys },
    markdown,
    plots: {
      functions: linePlot('f(z)', 'f(z)', rows('f')),
      derivatives: linePlot("f′(z), from autograd's backward pass", 'f′(z)', rows('df')),
    },
  };
}
