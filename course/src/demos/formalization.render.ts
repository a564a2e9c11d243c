import type { DemoOutput } from '../output.js';
import { learnTarget } from './formalization.js';

/** The data sizes the demo learns from. */
export const SIZES = [10, 30, 100];

/** One learning run per data size N, same seed. */
export const formalizationFigures = () => SIZES.map((n) => learnTarget({ n }));

/** `pnpm --filter @nabla/course render formalization`: learning g ≈ f from D of growing size. */
export async function render(): Promise<DemoOutput> {
  const runs = formalizationFigures();
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  const markdown = [
    'Target f(x) = 1 if 2x₁ − x₂ + 0.5 > 0, else 0, on X = [−2, 2]² (hidden from the learner); D = N points drawn uniformly and labelled by f;',
    'H = one sigmoid neuron σ(wᵀx + b); A = `minimize` (gradient descent on the quadratic loss, α = 2, until the loss changes by less than 1e-7);',
    `g measured on D and on ${runs[0]!.fresh.toLocaleString('en-US')} fresh points of X:`,
    '',
    '| N | steps of A | g: w, b | angle between g’s and f’s boundaries | error on D | error on fresh x |',
    '|---:|---:|---|---:|---:|---:|',
    ...runs.map(
      (r) =>
        `| ${r.n} | ${r.iterations.toLocaleString('en-US')} | (${r.w.map((v) => v.toFixed(2)).join(', ')}), ${r.b.toFixed(2)} | ${r.angleDegrees.toFixed(1)}° | ${pct(r.inSampleError)} | **${pct(r.outOfSampleError)}** |`,
    ),
    '',
    'g fits D perfectly every time; how well it matches f where it has not seen data is what more data buys.',
  ].join('\n');
  return { name: 'formalization', figures: { runs }, markdown };
}
