import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { lenet } from '@nabla/models';
import { Random } from '@nabla/tensor';

const results = (name: string) =>
  JSON.parse(
    readFileSync(fileURLToPath(new URL(`../../../docs/results/${name}.json`, import.meta.url)), 'utf8'),
  ) as {
    provenance: { command: string; commit: string; backend: string; date: string };
    recipe: Record<string, unknown>;
    testAccuracy: { mean: number; std: number };
    rows: { seed: number; testAccuracy: number; examplesPerSecond: number }[];
  };

/**
 * Where Nabla sits beside PyTorch, in numbers: the course's LeNet trained by the same recipe in both
 * (the committed docs/results/lenet-course.json and pytorch-lenet-course.json), and the names its
 * weights carry, which are PyTorch's state_dict keys (so a safetensors file loads on either side).
 */
export function packagesComparison() {
  const side = (name: string) => {
    const r = results(name);
    return {
      file: `docs/results/${name}.json`,
      backend: r.provenance.backend,
      commit: r.provenance.commit,
      date: r.provenance.date.slice(0, 10),
      recipe: r.recipe,
      testAccuracy: r.testAccuracy,
      seeds: r.rows.map((row) => row.testAccuracy),
    };
  };
  const state = lenet({ generator: new Random(0) }).body.stateDict();
  const names = [...state].map(([key, value]) => ({ key, shape: [...value.shape] }));
  const learnables = names
    .filter((n) => !/running_|num_batches/.test(n.key))
    .reduce((s, n) => s + n.shape.reduce((p, d) => p * d, 1), 0);
  return { nabla: side('lenet-course'), pytorch: side('pytorch-lenet-course'), stateDict: names, learnables };
}
