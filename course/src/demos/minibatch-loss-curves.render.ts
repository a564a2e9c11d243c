import type { DemoOutput } from '../output.js';
import { type LossCurve, lossCurves, summarize } from './minibatch-loss-curves.js';

/** The settings shown on the page (the test runs a smaller version). */
export const SETTINGS = {
  n: 1024,
  epochs: 40,
  batchSizes: [1, 32, 128, 1024],
  seeds: [0, 1, 2, 3, 4],
  lr: 0.1,
  fullBatchLonger: 20,
  every: 128,
};

export async function render(): Promise<DemoOutput> {
  const { curves, fullBatchLong } = lossCurves(SETTINGS);
  const n = SETTINGS.n;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const name = (b: number) => (b >= n ? `full batch (${n})` : `batch ${b}`);
  const rowOf = (label: string, runs: LossCurve[], passes: number) => {
    const s = runs.map(summarize);
    const losses = s.map((x) => x.finalLoss);
    const b = runs[0]!.batchSize;
    return {
      label,
      batchSize: b,
      passes,
      updates: (passes * Math.floor(n / b)) as number,
      finalLoss: mean(losses),
      minLoss: Math.min(...losses),
      maxLoss: Math.max(...losses),
      noise: mean(s.map((x) => x.noise)),
    };
  };
  const rows = [
    ...SETTINGS.batchSizes.map((b) =>
      rowOf(
        name(b),
        curves.filter((c) => c.batchSize === Math.min(b, n)),
        SETTINGS.epochs,
      ),
    ),
    rowOf(
      `full batch, ${SETTINGS.fullBatchLonger}× the passes`,
      fullBatchLong,
      SETTINGS.epochs * SETTINGS.fullBatchLonger,
    ),
  ];
  const level = rows.at(-1)!.finalLoss;
  // The worst mini-batch run, seed by seed, against the settled full-batch level.
  const worst = rows.filter((r) => r.batchSize < n).reduce((a, r) => (r.maxLoss > a.maxLoss ? r : a));
  const worstPercent = ((worst.maxLoss / level - 1) * 100).toFixed(1);
  const table = rows
    .map(
      (r) =>
        `| ${r.label} | ${r.passes} | ${r.updates.toLocaleString('en-US')} | ${r.finalLoss.toFixed(4)} (${r.minLoss.toFixed(4)}–${r.maxLoss.toFixed(4)}) | ${r.noise.toExponential(1)} |`,
    )
    .join('\n');
  const markdown = `
Three overlapping blobs in 2-D (${n} points, the data of Example 3), a 2-32-3 MLP, plain SGD
θ ← θ − α∇J_batch(θ) with the same α = ${SETTINGS.lr} for every batch size, seeds ${SETTINGS.seeds.join(', ')}
(each seed: the initial weights and the shuffles; the data is the same). Every run sees the same
number of examples, ${SETTINGS.epochs} passes over the data: the same gradient arithmetic, so the curves
show what each batch size buys for the same work. J(θ) is the cross-entropy over the whole training
set, recorded every ${SETTINGS.every} examples.

| batch | passes | updates | J(θ) over the last quarter, mean over seeds (min–max) | noise of J(θ) |
| --- | ---: | ---: | --- | ---: |
${table}

![Loss over the whole training set against passes over the data, per batch size and seed](../generated/minibatch-loss-curves-curves.svg)

With the same passes, full-batch descent has made only ${SETTINGS.epochs} updates and is still far from
its level (${rows[3]!.finalLoss.toFixed(3)}); run ${SETTINGS.fullBatchLonger} times longer it settles at
${level.toFixed(4)} (the dashed line). Every mini-batch size gets to that level with the same passes, on
every seed (the worst run, ${worst.label}, ends ${worstPercent}% above it): training is still stable.
The noise (the standard deviation of J(θ) around a straight line through the last quarter of the
run) shrinks as the batch grows: the gradient of a batch of B examples is the full gradient plus an
error whose variance falls as 1/B. (For full batch after ${SETTINGS.epochs} passes that figure is the bend
of a curve still falling, not noise.) Batch 1 pays for its noise with a loss that hovers above the
others'; with a constant α it never settles (a decaying α, or a larger batch, quiets it).
`;
  const points = curves.flatMap((c) =>
    c.points.map(([seen, loss]) => ({ batch: name(c.batchSize), seed: c.seed, passes: seen / n, loss })),
  );
  return {
    name: 'minibatch-loss-curves',
    figures: {
      settings: SETTINGS,
      rows,
      fullBatchLevel: level,
      curves: curves.map((c) => ({ batchSize: c.batchSize, seed: c.seed, points: c.points })),
      fullBatchLong: fullBatchLong.map((c) => ({ seed: c.seed, summary: summarize(c) })),
    },
    markdown,
    plots: {
      curves: {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        width: 520,
        height: 300,
        layer: [
          {
            data: { values: points },
            mark: { type: 'line', strokeWidth: 1, opacity: 0.8, clip: true },
            encoding: {
              x: { field: 'passes', type: 'quantitative', title: 'passes over the data (examples seen ÷ N)' },
              y: {
                field: 'loss',
                type: 'quantitative',
                title: 'J(θ) over the training set',
                scale: { type: 'log', domain: [0.1, 1.5], nice: false },
              },
              color: {
                field: 'batch',
                type: 'nominal',
                title: null,
                sort: SETTINGS.batchSizes.map(name),
                legend: { labelLimit: 300 },
              },
              detail: { field: 'seed', type: 'nominal' },
            },
          },
          {
            data: { values: [{ level }] },
            mark: { type: 'rule', strokeDash: [6, 4], color: 'black' },
            encoding: { y: { field: 'level', type: 'quantitative' } },
          },
        ],
      },
    },
  };
}
