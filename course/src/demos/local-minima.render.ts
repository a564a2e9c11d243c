import type { DemoOutput } from '../output.js';
import {
  clusterData,
  type DescentRun,
  descend,
  inGlobalBasin,
  lossAt,
  MAIN,
  mainComparison,
} from './local-minima.js';

/** The settings grid: which batch sizes and rates escape. */
export const GRID = { batchSizes: [1, 2, 5, 10, 100], lrs: [0.5, 1, 2] };

export async function render(): Promise<DemoOutput> {
  const x = clusterData();
  const { minima, full, sgd } = mainComparison();
  const [global, local] = minima as [{ theta: number; loss: number }, { theta: number; loss: number }];
  const where = (r: DescentRun) =>
    inGlobalBasin(r.theta, global.theta, local.theta) ? 'global' : 'spurious';
  const rows = MAIN.seeds.map(
    (seed, i) =>
      `| ${seed} | ${full[i]!.theta0.toFixed(3)} | ${full[i]!.theta.toFixed(3)} | ${full[i]!.loss.toFixed(4)} (${where(full[i]!)}) | ${sgd[i]!.theta.toFixed(3)} | ${sgd[i]!.loss.toFixed(4)} (${where(sgd[i]!)}) |`,
  );
  const grid = GRID.batchSizes.map((batchSize) => ({
    batchSize,
    escaped: GRID.lrs.map(
      (lr) =>
        MAIN.seeds
          .map((seed) => descend(x, { batchSize, lr, epochs: MAIN.epochs, seed }))
          .filter((r) => where(r) === 'global').length,
    ),
  }));
  const gridRows = grid.map(
    (g) =>
      `| ${g.batchSize === x.length ? `${g.batchSize} (full batch)` : g.batchSize} | ${g.escaped.map((e) => `${e} / ${MAIN.seeds.length}`).join(' | ')} |`,
  );
  const sgdGlobal = sgd.filter((r) => where(r) === 'global').length;
  // The top of the barrier between the two basins, on a fine grid.
  let barrier = global.theta;
  for (let t = global.theta; t < local.theta; t += 1e-3) if (lossAt(t, x) > lossAt(barrier, x)) barrier = t;
  const half = MAIN.seeds.length / 2;
  const escapes = grid
    .map((g) => ({
      batchSize: g.batchSize,
      lrs: GRID.lrs.filter((_, k) => g.escaped[k]! >= half),
    }))
    .filter((g) => g.lrs.length > 0)
    .map((g) => `batch ${g.batchSize} with α = ${g.lrs.join(' or ')}`);
  const markdown = `
The problem: estimate one number θ, the centre of the data, with Welsch's robust loss
J(θ) = (1/N) Σᵢ [1 − exp(−(θ − xᵢ)²/2)], on ${x.length} points: 70 around 0 and 30 around 4. The loss
saturates, so each cluster makes a basin: the global minimum θ = ${global.theta.toFixed(3)} (J = ${global.loss.toFixed(4)})
at the large cluster, a spurious local minimum θ = ${local.theta.toFixed(3)} (J = ${local.loss.toFixed(4)}) at the
small one. Every run starts in the spurious basin, θ₀ = 5 + 0.5u (u uniform, drawn from the seed), and
makes ${MAIN.epochs} passes over the data with α = ${MAIN.lr} (α/10 for the last fifth, to settle).

| seed | θ₀ | full batch: θ | full batch: J(θ) | batch 1 (random sampling): θ | batch 1: J(θ) |
| --- | ---: | ---: | --- | ---: | --- |
${rows.join('\n')}

Full-batch gradient descent follows the exact gradient, which points back into the spurious basin:
all ${full.length} runs stop at J = ${local.loss.toFixed(4)}. SGD on one randomly drawn example at a time reaches
the global minimum in ${sgdGlobal} of ${sgd.length}: each step follows one example's gradient, a noisy version
of the full one, and the noise carries θ over the barrier between the basins (its top is at
θ = ${barrier.toFixed(2)}, J = ${lossAt(barrier, x).toFixed(4)}). The way back is harder (the large
cluster's basin is deeper and pulls harder), so the runs stay there; the paths show when each one
crossed.

![J(θ) with where each run ended](../generated/local-minima-landscape.svg)

![θ after each pass, per seed](../generated/local-minima-paths.svg)

**It holds only for some settings.** Runs (of ${MAIN.seeds.length} seeds) that reach the global minimum, by
batch size and α, with the same ${MAIN.epochs} passes:

| batch | ${GRID.lrs.map((lr) => `α = ${lr}`).join(' | ')} |
| --- | ${GRID.lrs.map(() => '---:').join(' | ')} |
${gridRows.join('\n')}

The escape needs enough noise: the step's randomness grows with α and shrinks as the batch grows
(its variance falls as 1/B). Here at least half the runs get out only with ${escapes.join('; ')};
averaging a few more examples per step, or a smaller α, removes the effect. Random sampling helps
against a spurious minimum when the noise it brings is on the scale of the barrier; it is no
guarantee, and the same noise keeps batch 1 from settling until α is lowered.
`;
  const curve = Array.from({ length: 221 }, (_, i) => {
    const theta = -3 + (i * 11) / 220;
    return { theta, loss: lossAt(theta, x) };
  });
  const ends = [
    ...full.map((r) => ({ theta: r.theta, loss: r.loss, run: 'full batch: end', seed: r.seed })),
    ...sgd.map((r) => ({ theta: r.theta, loss: r.loss, run: 'batch 1: end', seed: r.seed })),
    ...full.map((r) => ({ theta: r.theta0, loss: lossAt(r.theta0, x), run: 'start', seed: r.seed })),
  ];
  const paths = [...full, ...sgd].flatMap((r) =>
    [r.theta0, ...r.path].map((theta, pass) => ({
      pass,
      theta,
      run: r.batchSize === x.length ? 'full batch' : 'batch 1',
      seed: r.seed,
    })),
  );
  return {
    name: 'local-minima',
    figures: {
      problem: { n: x.length, minima, barrier: { theta: barrier, loss: lossAt(barrier, x) } },
      main: {
        settings: MAIN,
        full: full.map(({ seed, theta0, theta, loss }) => ({ seed, theta0, theta, loss })),
        sgd: sgd.map(({ seed, theta0, theta, loss }) => ({ seed, theta0, theta, loss })),
      },
      grid: { settings: GRID, escapedOf: MAIN.seeds.length, rows: grid },
    },
    markdown,
    plots: {
      landscape: {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        width: 520,
        height: 260,
        layer: [
          {
            data: { values: curve },
            mark: { type: 'line', color: 'gray' },
            encoding: {
              x: { field: 'theta', type: 'quantitative', title: 'θ' },
              y: { field: 'loss', type: 'quantitative', title: 'J(θ)' },
            },
          },
          {
            data: { values: ends },
            mark: { type: 'point', filled: true, size: 70, opacity: 0.8 },
            encoding: {
              x: { field: 'theta', type: 'quantitative' },
              y: { field: 'loss', type: 'quantitative' },
              color: { field: 'run', type: 'nominal', title: null },
              shape: { field: 'run', type: 'nominal', title: null },
            },
          },
        ],
      },
      paths: {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        width: 520,
        height: 260,
        data: { values: paths },
        mark: { type: 'line', strokeWidth: 1, opacity: 0.8 },
        encoding: {
          x: { field: 'pass', type: 'quantitative', title: 'passes over the data' },
          y: { field: 'theta', type: 'quantitative', title: 'θ' },
          color: { field: 'run', type: 'nominal', title: null },
          detail: { field: 'seed', type: 'nominal' },
        },
      },
    },
  };
}
