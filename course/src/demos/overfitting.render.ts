import { loadMnist } from '@nabla/data/node';
import type { DemoOutput } from '../output.js';
import { OVERFITTING_DEFAULTS, overfitting } from './overfitting.js';

const pct = (v: number) => `${v.toFixed(1)}%`;

export async function render(): Promise<DemoOutput> {
  const r = await overfitting(loadMnist(), OVERFITTING_DEFAULTS);
  const o = r.options;
  const rows = r.arms.map((a) => {
    const best = Math.max(...a.curve.map((p) => p.test));
    return `| ${a.name} | ${a.learnables.toLocaleString('en-US')} | ${pct(a.finalTrain)} | ${pct(a.finalTest)} | **${(a.finalTrain - a.finalTest).toFixed(1)}** | ${pct(best)} |`;
  });
  const perEpoch = [
    `| epoch | ${r.arms.map((a) => `${a.name}: train / test`).join(' | ')} |`,
    `|---:|${r.arms.map(() => '---:').join('|')}|`,
    ...r.arms[0]!.curve.map(
      (_, i) =>
        `| ${i + 1} | ${r.arms.map((a) => `${a.curve[i]!.train.toFixed(1)} / ${a.curve[i]!.test.toFixed(1)}`).join(' | ')} |`,
    ),
  ];
  const values = r.arms.flatMap((a) =>
    a.curve.flatMap((p) => [
      { network: a.name, epoch: p.epoch, set: 'training digits', accuracy: p.train },
      { network: a.name, epoch: p.epoch, set: 'test digits', accuracy: p.test },
    ]),
  );
  const markdown = `Trained on **${r.trainDigits} MNIST training digits 5–9** (${o.perClass} per class, seed ${o.seed}),
tested on ${r.testDigits} official test digits 5–9 (${o.testPerClass} per class), ${o.epochs} epochs of the
same recipe for every network (sgdm, learn rate 0.01, momentum 0.9, L2 1e-4, mini-batch 30).
LeNet was pretrained on ${r.pretrainDigits.toLocaleString('en-US')} training digits 0–4 (${o.pretrainEpochs} epochs;
${pct(r.pretrainedTest04)} on the official test digits 0–4) before its head was replaced.

| network | learnables | training accuracy | test accuracy | gap (points) | best test accuracy over the epochs |
|---|---:|---:|---:|---:|---:|
${rows.join('\n')}

![Accuracy on the training digits and on the test digits after each epoch, for the large network from scratch, LeNet from scratch and LeNet finetuned](../generated/overfitting-curves.svg)

<details><summary>Every epoch (percent, training digits / test digits)</summary>

${perEpoch.join('\n')}

</details>`;
  return {
    name: 'overfitting',
    figures: r,
    markdown,
    plots: {
      curves: {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        data: { values },
        facet: {
          column: { field: 'network', type: 'nominal', sort: r.arms.map((a) => a.name), title: null },
        },
        spec: {
          width: 220,
          height: 200,
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'epoch', type: 'quantitative', title: 'epoch' },
            y: {
              field: 'accuracy',
              type: 'quantitative',
              title: 'accuracy (%)',
              scale: { domain: [0, 100] },
            },
            color: { field: 'set', type: 'nominal', title: null, legend: { orient: 'bottom' } },
          },
        },
      },
    },
  };
}
