import type { DemoOutput } from '../output.js';
import { layerTableMarkdown, layerTables } from './layer-tables.js';

export async function render(): Promise<DemoOutput[]> {
  const t = layerTables();
  return [
    {
      name: 'lenet-layers',
      figures: t.lenet,
      markdown: `\`lenet()\`'s layer table (\`net.summary()\`, \`nabla summary lenet\`):\n\n${layerTableMarkdown(t.lenet)}`,
    },
    {
      name: 'alexnet-layers',
      figures: t.alexnet,
      markdown: `\`alexnet()\`'s layer table (\`net.summary()\`, \`nabla summary alexnet\`):\n\n${layerTableMarkdown(t.alexnet)}`,
    },
  ];
}
