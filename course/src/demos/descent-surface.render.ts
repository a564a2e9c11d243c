import type { TopLevelSpec } from 'vega-lite';
import type { DemoOutput } from '../output.js';
import { descend, descentSettings, lossSurface, points } from './descent-surface.js';

const STEPS = 30;
const W: [number, number] = [-4, 4];
const B: [number, number] = [-4, 4];

/** The figures the page shows and the test compares with a fresh run. */
export function descentSurfaceFigures() {
  const { result, path } = descend();
  const surface = lossSurface(W, B, STEPS);
  const lowest = surface.reduce((a, c) => (c.loss < a.loss ? c : a));
  const end = path.at(-1)!;
  return {
    points,
    settings: descentSettings,
    reason: result.reason,
    converged: result.converged,
    iterations: result.iterations,
    start: path[0]!,
    end,
    gradientNorm: result.gradientNorm,
    gridLowest: lowest,
    surface,
    path,
  };
}

/** Every k-th point of the path, and its last. */
const everyKth = <T extends { iteration: number }>(path: T[], k: number) =>
  path.filter((p, i) => p.iteration % k === 0 || i === path.length - 1);

/** The figures written to descent-surface.json: everything but the surface and the full path. */
export function summaryOf(f: ReturnType<typeof descentSurfaceFigures>) {
  const { surface: _s, path, ...summary } = f;
  return { ...summary, pathEvery100: everyKth(path, 100) };
}

/** `pnpm --filter @nabla/course render descent-surface`: the loss surface with the descent's path on it. */
export async function render(): Promise<DemoOutput> {
  const f = descentSurfaceFigures();
  const dw = (W[1] - W[0]) / STEPS / 2;
  const db = (B[1] - B[0]) / STEPS / 2;
  const cells = f.surface.map((c) => ({
    w0: c.w - dw,
    w1: c.w + dw,
    b0: c.b - db,
    b1: c.b + db,
    loss: c.loss,
  }));
  const ends = [
    { w: f.start.w, b: f.start.b, label: `start, J = ${f.start.loss.toFixed(3)}` },
    { w: f.end.w, b: f.end.b, label: `converged after ${f.iterations} steps, J = ${f.end.loss.toFixed(4)}` },
  ];
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'J(w, b) and the path of gradient descent',
    width: 380,
    height: 380,
    layer: [
      {
        data: { values: cells },
        mark: 'rect',
        encoding: {
          x: {
            field: 'w0',
            type: 'quantitative',
            title: 'w',
            scale: { domain: [W[0] - dw, W[1] + dw], nice: false },
          },
          x2: { field: 'w1' },
          y: {
            field: 'b0',
            type: 'quantitative',
            title: 'b',
            scale: { domain: [B[0] - db, B[1] + db], nice: false },
          },
          y2: { field: 'b1' },
          color: { field: 'loss', type: 'quantitative', title: 'J', scale: { scheme: 'viridis' } },
        },
      },
      {
        data: { values: f.path },
        mark: { type: 'line', color: 'white', strokeWidth: 2 },
        encoding: {
          x: { field: 'w', type: 'quantitative' },
          y: { field: 'b', type: 'quantitative' },
          order: { field: 'iteration', type: 'quantitative' },
        },
      },
      {
        data: { values: ends },
        mark: { type: 'point', filled: true, color: 'white', size: 60 },
        encoding: { x: { field: 'w', type: 'quantitative' }, y: { field: 'b', type: 'quantitative' } },
      },
    ],
  };
  const every = (k: number) => everyKth(f.path, k);
  const r = (v: number) => v.toFixed(4);
  const markdown = [
    `![The loss surface of one sigmoid neuron over (w, b), with the path of gradient descent from (${f.start.w}, ${f.start.b})](../generated/descent-surface-surface.svg)`,
    '',
    `Data: x = ${JSON.stringify(points.x)}, y = ${JSON.stringify(points.y)} (the classes overlap, so the minimum is finite). ` +
      `\`minimize\` with α = ${f.settings.lr} and tolerance ${f.settings.tolerance} on the loss change stopped by **${f.reason}** ` +
      `(converged: ${f.converged}) after **${f.iterations}** steps, with ‖∇J‖ = ${f.gradientNorm.toExponential(2)}; ` +
      `the lowest of the ${f.surface.length} grid points is J(${r(f.gridLowest.w)}, ${r(f.gridLowest.b)}) = ${r(f.gridLowest.loss)}.`,
    '',
    '| step | w | b | J(w, b) |',
    '|---:|---:|---:|---:|',
    ...every(100).map((p) => `| ${p.iteration} | ${r(p.w)} | ${r(p.b)} | ${p.loss.toFixed(6)} |`),
    '',
    'The loss falls at every step (the test checks each one), and `minimize` stops by itself once J changes by less than the tolerance: "repeat until converged".',
  ].join('\n');
  return {
    name: 'descent-surface',
    figures: summaryOf(f),
    markdown,
    plots: { surface: spec },
  };
}
