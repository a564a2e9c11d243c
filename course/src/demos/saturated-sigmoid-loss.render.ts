import type { TopLevelSpec } from 'vega-lite';
import type { DemoOutput } from '../output.js';
import { gradientTable, PLOT_Z, TABLE_Z, trainFromSaturation } from './saturated-sigmoid-loss.js';

const e = (v: number) =>
  Math.abs(v) >= 0.01 || v === 0 ? String(Number(v.toPrecision(5))) : v.toExponential(2);

export async function render(): Promise<DemoOutput> {
  const table = gradientTable(TABLE_Z);
  const curve = gradientTable(PLOT_Z);
  const training = {
    quadratic: trainFromSaturation('quadratic'),
    crossEntropy: trainFromSaturation('crossEntropy'),
  };
  const steps = training.quadratic.y.length - 1;
  const firstAbove = training.crossEntropy.y.findIndex((y) => y > 0.5);
  const markdown = `
One sigmoid output y = σ(z), target t = 1. The gradients are autograd's (\`sigmoid\` then \`quadraticLoss\`
or \`binaryCrossEntropy\`, float64), equal to the closed forms (y − t)·σ′(z) and y − t (the test checks
every point of the plot to 1e-10, relative):

| z | y = σ(z) | ½(y − t)² | ∂/∂z quadratic | cross-entropy | ∂/∂z cross-entropy |
|---:|---:|---:|---:|---:|---:|
${table.map((r) => `| ${r.z} | ${e(r.y)} | ${e(r.quadraticLoss)} | ${e(r.quadraticGradient)} | ${e(r.crossEntropyLoss)} | ${e(r.crossEntropyGradient)} |`).join('\n')}

![|∂L/∂z| against z for the two losses, log scale](../generated/saturated-sigmoid-loss-gradients.svg)

At z = −10 the output is as wrong as it can be (y = ${e(table[1]!.y)}), yet the quadratic loss's gradient is
${e(table[1]!.quadraticGradient)}: σ′(z) has all but erased it. Cross-entropy's is ${e(table[1]!.crossEntropyGradient)}.

**Training from the saturated start.** One sigmoid neuron (\`Neuron\`, SGD, learning rate 1) on the single
example x = 1, t = 1, starting at w = b = −5 (z = −10), ${steps} steps: with the quadratic loss z goes from
−10 to ${training.quadratic.z.at(-1)!.toFixed(4)} and y stays at ${e(training.quadratic.y.at(-1)!)};
with cross-entropy y passes ½ after ${firstAbove} steps and ends at ${training.crossEntropy.y.at(-1)!.toFixed(3)}.

![the neuron's output y over training steps, from z = −10](../generated/saturated-sigmoid-loss-training.svg)
`;
  const gradients: TopLevelSpec = {
    width: 440,
    height: 260,
    data: {
      values: curve.flatMap((r) => [
        { z: r.z, loss: 'quadratic ½(y − t)²', gradient: Math.abs(r.quadraticGradient) },
        { z: r.z, loss: 'cross-entropy', gradient: Math.abs(r.crossEntropyGradient) },
      ]),
    },
    mark: 'line',
    encoding: {
      x: { field: 'z', type: 'quantitative', title: 'z (target t = 1)' },
      y: {
        field: 'gradient',
        type: 'quantitative',
        scale: { type: 'log' },
        title: '|∂L/∂z|',
        axis: { format: '.0e' },
      },
      color: { field: 'loss', type: 'nominal', title: null },
    },
  };
  const trainingPlot: TopLevelSpec = {
    width: 440,
    height: 220,
    data: {
      values: [
        ...training.quadratic.y.map((y, step) => ({ step, y, loss: 'quadratic ½(y − t)²' })),
        ...training.crossEntropy.y.map((y, step) => ({ step, y, loss: 'cross-entropy' })),
      ],
    },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'SGD step' },
      y: { field: 'y', type: 'quantitative', title: 'output y = σ(wx + b)', scale: { domain: [0, 1] } },
      color: { field: 'loss', type: 'nominal', title: null },
    },
  };
  return {
    name: 'saturated-sigmoid-loss',
    figures: { table, training },
    markdown,
    plots: { gradients, training: trainingPlot },
  };
}
