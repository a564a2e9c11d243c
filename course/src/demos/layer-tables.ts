/**
 * The course's two networks as Matlab's analyzeNetwork lists them: each layer's name, what it is,
 * its output size and its learnables, read off the library's own layer table (`net.layerRows`:
 * descriptions from the modules, sizes from a dry forward pass; models.test.ts holds them to the
 * course's numbers).
 */
import { alexnet, lenet, type Network } from '@nabla/models';

export interface LayerTableRow {
  name: string;
  description: string;
  /** Height×width×channels as Matlab writes it, or the feature count. */
  outputSize: string;
  learnables: number;
}

export interface LayerTable {
  network: string;
  rows: LayerTableRow[];
  totalLearnables: number;
}

/** [C, H, W] → 'H×W×C'; [F] → 'F'. */
export function matlabSize(shape: readonly number[]): string {
  return shape.length === 3 ? `${shape[1]}×${shape[2]}×${shape[0]}` : shape.join('×');
}

export function layerTable(network: string, net: Network): LayerTable {
  return {
    network,
    rows: net.layerRows.map((r) => ({
      name: r.name,
      description: r.description,
      outputSize: matlabSize(r.outputShape),
      learnables: r.learnables,
    })),
    totalLearnables: net.learnables(),
  };
}

export function layerTables(): { lenet: LayerTable; alexnet: LayerTable } {
  return { lenet: layerTable('lenet()', lenet()), alexnet: layerTable('alexnet()', alexnet()) };
}

export function layerTableMarkdown(t: LayerTable): string {
  const rows = t.rows.map(
    (r, i) =>
      `| ${i + 1} | ${r.name} | ${r.description} | ${r.outputSize} | ${r.learnables.toLocaleString('en-US')} |`,
  );
  return [
    '| # | name | layer | output size | learnables |',
    '|---:|---|---|---|---:|',
    ...rows,
    `| | **total** | | | **${t.totalLearnables.toLocaleString('en-US')}** |`,
  ].join('\n');
}
