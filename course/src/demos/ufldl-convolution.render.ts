import type { TopLevelSpec } from 'vega-lite';
import type { DemoOutput } from '../output.js';
import { formatSum, ufldlConvolution } from './ufldl-convolution.js';

function heatmap(title: string, m: number[][], scheme: string): TopLevelSpec {
  const values = m.flatMap((row, i) => row.map((v, j) => ({ row: i, col: j, value: v })));
  return {
    title,
    data: { values },
    width: 36 * m[0]!.length,
    height: 36 * m.length,
    encoding: {
      x: { field: 'col', type: 'ordinal', axis: null },
      y: { field: 'row', type: 'ordinal', axis: null },
    },
    layer: [
      {
        mark: 'rect',
        encoding: { color: { field: 'value', type: 'quantitative', scale: { scheme }, legend: null } },
      },
      { mark: { type: 'text', fontSize: 14 }, encoding: { text: { field: 'value', type: 'quantitative' } } },
    ],
  } as TopLevelSpec;
}

export async function render(): Promise<DemoOutput> {
  const demo = ufldlConvolution();
  const sums = demo.cells.map(formatSum);
  const markdown = `
The image (5×5, binary), the filter (3×3) and the convolved feature (3×3) that Nabla's \`conv2d\` computes:

![UFLDL's image, filter and convolved feature](../generated/ufldl-convolution-volumes.svg)

| image | filter | output |
|---|---|---|
| ${demo.image.map((r) => r.join(' ')).join('<br>')} | ${demo.filter.map((r) => r.join(' ')).join('<br>')} | ${demo.output.map((r) => r.join(' ')).join('<br>')} |

Each output cell is the sum of the nine products of the filter with the 3×3 patch under it
(image value · filter value, row by row):

| cell | sum |
|---|---|
${demo.cells.map((c, k) => `| (${c.row}, ${c.col}) | ${sums[k]} |`).join('\n')}
`;
  return {
    name: 'ufldl-convolution',
    figures: { image: demo.image, filter: demo.filter, output: demo.output, sums },
    markdown,
    plots: {
      volumes: {
        hconcat: [
          heatmap('image', demo.image, 'blues'),
          heatmap('filter', demo.filter, 'reds'),
          heatmap('convolved feature', demo.output, 'greens'),
        ],
        resolve: { scale: { color: 'independent' } },
      } as TopLevelSpec,
    },
  };
}
