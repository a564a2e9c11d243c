import type { DemoOutput } from '../output.js';
import { neuronExample, neuronOutputs } from './neuron-output.js';

const fmt = (v: number) => Number(v.toPrecision(6)).toString();

/** `pnpm --filter @nabla/course render neuron-output`: one neuron's output on three examples. */
export async function render(): Promise<DemoOutput> {
  const { z, outputs } = neuronOutputs();
  const pick = (name: string) => outputs.find((o) => o.activation === name)!.y;
  const markdown = [
    `w = (${neuronExample.w.join(', ')}), b = ${neuronExample.b}; \`new Neuron(3, { activation })\` with these weights, one forward pass over the batch:`,
    '',
    '| x | z = wᵀx + b | sigmoid f(z) | tanh f(z) | ReLU f(z) |',
    '|---|---:|---:|---:|---:|',
    ...neuronExample.x.map(
      (x, i) =>
        `| (${x.join(', ')}) | ${fmt(z[i]!)} | ${fmt(pick('sigmoid')[i]!)} | ${fmt(pick('tanh')[i]!)} | ${fmt(pick('relu')[i]!)} |`,
    ),
  ].join('\n');
  return { name: 'neuron-output', figures: { ...neuronExample, z, outputs }, markdown };
}
