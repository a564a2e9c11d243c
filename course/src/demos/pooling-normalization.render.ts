import type { DemoOutput } from '../output.js';
import { batch, batchNormalization, dropoutDemo, image, lrn, pooling } from './pooling-normalization.js';

const fmt = (v: number, digits = 4) => Number(v.toPrecision(digits)).toString();
const matrix = (rows: number[][]) => `[${rows.map((r) => r.map((v) => fmt(v)).join(' ')).join('; ')}]`;

/** Everything the demo computes (the test compares it with the committed JSON). */
export const poolingNormalizationFigures = () => ({
  pooling: pooling(),
  batchNorm: batchNormalization(),
  dropout: dropoutDemo(),
  lrn: lrn(),
});

/** `pnpm --filter @nabla/course render pooling-normalization`: pooling, batch norm, dropout and LRN on small inputs. */
export async function render(): Promise<DemoOutput> {
  const f = poolingNormalizationFigures();
  const bn = f.batchNorm;
  const markdown = [
    `**Pooling**, 2×2 windows, stride 2, on the 4×4 image ${matrix(image)} (rows separated by ;), and where the gradient of Σ y goes:`,
    '',
    '| | output y | ∂(Σ y)/∂x |',
    '|---|---|---|',
    `| max pooling | ${matrix(f.pooling.max.y)} | ${matrix(f.pooling.max.dx)} |`,
    `| average pooling | ${matrix(f.pooling.average.y)} | ${matrix(f.pooling.average.dx)} |`,
    '',
    `**Batch normalization** (training, γ = 1, β = 0, ε = ${bn.eps.toExponential()}) of a batch of ${batch.length} examples with two features on very different scales:`,
    '',
    '| feature | mean before | variance before | mean after | variance after |',
    '|---:|---:|---:|---:|---:|',
    ...bn.channels.map(
      (c, i) =>
        `| ${i + 1} | ${fmt(c.before.mean)} | ${fmt(c.before.variance)} | ${c.after.mean.toExponential(1)} | ${fmt(c.after.variance, 6)} |`,
    ),
    '',
    `Each feature comes out with mean 0 and variance σ²/(σ² + ε): 1 to within ε/σ², which is visible for feature 2, whose σ² = ${fmt(bn.channels[1]!.before.variance)} is not large against ε.`,
    '',
    `**Dropout** (p = ${f.dropout.p}, training) on ${f.dropout.n.toLocaleString('en-US')} ones: ${(f.dropout.keptShare * 100).toFixed(2)}% kept, each kept value scaled to ${f.dropout.keptValues.join(', ')}, mean ${f.dropout.mean}; in evaluation the op returns its input unchanged (${f.dropout.evaluationIsIdentity}).`,
    '',
    `**LRN** (n = 5, k = 2, α = 1e-4, β = 0.75) at one position with channels a = (${f.lrn.input.join(', ')}): b = (${f.lrn.output.map((v) => fmt(v, 6)).join(', ')}).`,
  ].join('\n');
  return { name: 'pooling-normalization', figures: f, markdown };
}
