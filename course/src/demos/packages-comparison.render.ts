import type { DemoOutput } from '../output.js';
import { packagesComparison } from './packages-comparison.js';

/** `pnpm --filter @nabla/course render packages-comparison`: Nabla and PyTorch on the course's LeNet. */
export async function render(): Promise<DemoOutput> {
  const f = packagesComparison();
  const acc = (a: { mean: number; std: number }) => `**${a.mean.toFixed(2)} ± ${a.std.toFixed(2)}%**`;
  const row = (label: string, s: typeof f.nabla) =>
    `| ${label} | ${s.backend} | ${acc(s.testAccuracy)} | ${s.seeds.map((v) => v.toFixed(2)).join(', ')} | [${s.file.replace('docs/', '')}](src:${s.file}) (${s.commit.slice(0, 7)}, ${s.date}) |`;
  const markdown = [
    "The course's LeNet, the course's recipe (3 epochs of 'sgdm', batch 128, learning rate 0.01, 7,500 training digits), official MNIST test set, seeds 0, 1, 2:",
    '',
    '| | engine | test accuracy | per seed | source |',
    '|---|---|---:|---|---|',
    row('Nabla', f.nabla),
    row('PyTorch', f.pytorch),
    '',
    `The same network's weights in Nabla carry PyTorch's state_dict names and shapes (${f.stateDict.length} tensors, ${f.learnables.toLocaleString('en-US')} learnables): ` +
      f.stateDict
        .slice(0, 7)
        .map((n) => `\`${n.key}\` [${n.shape.join(', ')}]`)
        .join(', ') +
      ', …',
  ].join('\n');
  return { name: 'packages-comparison', figures: f, markdown };
}
